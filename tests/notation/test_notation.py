"""Engraved notation (Verovio): SVG pages for every style, notes counted, paging, display."""

from __future__ import annotations

import pytest

import schillinger_kernel as sk
from schillinger_kernel import notation
from schillinger_kernel.errors import ParameterError, ParameterTypeError
from schillinger_kernel.harmony.styles import STYLES
from schillinger_kernel.score import Note, Part, Score


def _notes_drawn(svg: str) -> int:
    """Noteheads drawn, less the continuations of ties (one note split over a bar line)."""
    return svg.count('class="note"') - svg.count('class="tie"')


@pytest.mark.parametrize("style", STYLES)
def test_every_style_engraves_every_note(style: str) -> None:
    s = sk.generate_composition("Etude", 110, "D minor", 4, style, 0.6, seed=3)
    pages = notation.pages(s)
    assert pages and all(p.startswith("<svg") and p.rstrip().endswith("</svg>") for p in pages)
    assert sum(_notes_drawn(p) for p in pages) == len(s.notes)


def test_pages_grow_with_length() -> None:
    counts = [notation.page_count(sk.generate_composition("E", 100, "C major", bars,
                                                          "classical", seed=1))
              for bars in (4, 16, 40)]
    assert counts[0] == 1
    assert counts[0] < counts[1] < counts[2]


def test_page_size_options() -> None:
    s = sk.generate_composition("E", 100, "C major", 16, "classical", seed=1)
    assert notation.page_count(s, height=400) > notation.page_count(s, height=2000)
    assert 'width="600px"' in notation.svg(s, width=600)


def test_transposing_instrument_engraves() -> None:
    sax = Part.create("Tenor Sax", (Note(0, 480, 58), Note(480, 480, 62), Note(960, 960, 65)),
                      instrument="tenor sax")
    horn = Part.create("Horn", (Note(0, 1920, 53),), instrument="french horn")
    s = Score(parts=(sax, horn), key="Bb major")
    assert _notes_drawn(notation.svg(s)) == 4


def test_part_progression_rhythm_engrave() -> None:
    prog = sk.harmony.voice([sk.harmony.diatonic_spec("C major", d, "S7") for d in (2, 5, 1)],
                            "C major")
    assert notation.svg(prog).count('class="chord"') == 3
    r = sk.rhythm.interference(3, 2)
    staff = notation.svg(r)
    assert _notes_drawn(staff) == len(r.attacks)
    assert "<staff-lines>1</staff-lines>" in notation.musicxml(r)  # a one-line staff
    part = Part.create("Bass", (Note(0, 480, 40), Note(480, 480, 43)), instrument="bass")
    assert _notes_drawn(notation.svg(part)) == 2


def test_text_plain_is_short() -> None:
    s = sk.generate_composition("Etude", 100, "D minor", 8, "classical", seed=1)
    assert repr(s) == "Score('Etude', 4 parts, 8 bars, D minor, 100 BPM)"
    bundle = s._repr_mimebundle_()
    assert bundle["text/plain"] == repr(s) and "<svg" in bundle["text/html"]
    assert len(repr(s.parts[0])) < 80
    prog = sk.generate_progression("C major", 16)
    assert len(repr(prog)) < 120 and "16 chords" in repr(prog)
    assert "<svg" in prog._repr_mimebundle_()["text/html"]


def test_rhythm_shows_graph_beside_staff() -> None:
    r = sk.rhythm.interference(3, 2)
    view = r._repr_html_()
    assert view is not None  # the graph beside the staff
    graph = view.index('class="sk-rhythm-graph"')
    assert "<svg" in view[graph:view.index('class="sk-notation-page"')]
    assert 'class="note"' in view[view.index('class="sk-notation-page"'):]
    assert r._repr_svg_() is not None  # the graph alone stays


def test_long_score_display_is_paged() -> None:
    s = sk.generate_composition("Long", 120, "G major", 40, "pop", seed=2)
    view = notation.html(s, max_pages=1, max_bars=16)
    assert view.count('class="sk-notation-page"') == 1
    assert "bars 1-16 of 40" in view and "sk.notation.pages(score)" in view
    assert sk.notation.pages is notation.pages


def test_empty_score_displays_its_summary() -> None:
    bundle = Score(title="Blank")._repr_mimebundle_()
    assert "<svg" not in bundle["text/html"] and "Blank" in bundle["text/plain"]
    with pytest.raises(ParameterError, match="no notes"):
        notation.pages(Score())


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"width": 10}, "width must be in 100..20000"),
    ({"height": 0}, "height must be in 100..40000"),
    ({"scale": 1000}, "scale must be in 10..400"),
    ({"width": 800.5}, "width must be an int"),
])
def test_bad_sizes_are_refused(kwargs: dict[str, object], message: str) -> None:
    s = Score.from_durations((2, 2))
    with pytest.raises((ParameterError, ParameterTypeError), match=message):
        notation.pages(s, **kwargs)  # type: ignore[arg-type]


def test_bad_music_and_pages_are_refused() -> None:
    s = Score.from_durations((2, 2))
    with pytest.raises(ParameterTypeError, match="music must be a Score, Part, Progression"):
        notation.pages([60, 64, 67])
    with pytest.raises(ParameterError, match=r"page must be in 1\.\.1, got 3"):
        notation.svg(s, page=3)
    with pytest.raises(ParameterError, match="max_bars must be in"):
        notation.html(s, max_bars=0)
    with pytest.raises(ParameterError, match="bars must be in"):
        notation.excerpt(s, 0)

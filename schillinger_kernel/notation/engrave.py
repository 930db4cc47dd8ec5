"""Engraved notation: a :class:`~schillinger_kernel.score.Score` drawn as SVG pages by Verovio.

The music is encoded once, by our MusicXML writer
(:func:`schillinger_kernel.io.musicxml.write_musicxml`), and Verovio (the engraving library
of the MEI community) lays it out and draws each page as SVG, without a browser. A Part, a
:class:`~schillinger_kernel.harmony.Progression` or a :class:`~schillinger_kernel.rhythm.Rhythm`
is engraved through :func:`as_score`.

``width`` is the width of a page in pixels, ``scale`` the size of the staff in percent of
Verovio's default (40 fits four systems of a quartet on a notebook page); ``height`` is the
most a page may be high, so long pieces run over several pages.

>>> from schillinger_kernel import Score
>>> s = Score.from_durations((2, 1, 1, 2), pitches=(60, 64, 67), title="Etude")
>>> page = svg(s)
>>> page.startswith("<svg"), page.count('class="note"')
(True, 4)
>>> page_count(s)
1
"""

from __future__ import annotations

import html as _html
import math
import re
import tempfile
import threading
from collections.abc import Callable
from dataclasses import replace
from functools import wraps
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from ..checks import check_int
from ..errors import ParameterError, ParameterTypeError
from ..harmony import Progression
from ..rhythm import Rhythm
from ..rhythm.graph import rhythm_svg
from ..score import Note, Part, Score, TimeSignature

__all__ = [
    "DEFAULT_HEIGHT",
    "DEFAULT_SCALE",
    "DEFAULT_WIDTH",
    "DISPLAY_BARS",
    "DISPLAY_PAGES",
    "RHYTHM_DRUM",
    "as_score",
    "excerpt",
    "html",
    "mimebundle",
    "musicxml",
    "one_engraving_at_a_time",
    "page_count",
    "pages",
    "svg",
    "toolkit",
    "with_symbols",
]

_F = TypeVar("_F", bound=Callable[..., Any])
# Verovio is not documented as thread-safe, and a kernel may engrave from several threads at
# once (a ScoreView's message on a subshell's thread, a cell on the main thread, the explorers'
# notation engraver in widgets/_notation_pane.py)
_ENGRAVING = threading.RLock()


def one_engraving_at_a_time(fn: _F) -> _F:
    """Decorate a function that drives a Verovio toolkit: one such call runs at a time in the
    process (re-entrant, so such functions may call each other).

    >>> @one_engraving_at_a_time
    ... def twice(x: int) -> int:
    ...     return 2 * x
    >>> twice(4)
    8
    """
    @wraps(fn)
    def locked(*args: Any, **kwargs: Any) -> Any:
        with _ENGRAVING:
            return fn(*args, **kwargs)
    return locked  # type: ignore[return-value]


DEFAULT_WIDTH = 860
"""Width of a page in pixels."""
DEFAULT_HEIGHT = 1200
"""Most height of a page in pixels (the last page is only as high as its music)."""
DEFAULT_SCALE = 40
"""Staff size in percent of Verovio's default."""
DISPLAY_PAGES = 2
"""Pages shown by the rich display in a notebook; :func:`pages` gives all of them."""
DISPLAY_BARS = 32
"""Bars engraved by the rich display; longer pieces show their opening only."""
RHYTHM_DRUM = 38
"""The General MIDI drum (acoustic snare, a plain notehead) that plays a Rhythm on its staff."""

_MUSIC = "Score, Part, Progression or Rhythm"


# ----- what is engraved ---------------------------------------------------------------------
def _rhythm_meter(period: int) -> tuple[int, int]:
    """One period per bar where that reads well (in eighths), else 4/4."""
    if period % 2 == 0 and period // 2 <= 8:
        return (period // 2, 4)
    if period <= 15:
        return (period, 8)
    return (4, 4)


def as_score(music: Any) -> Score:
    """The Score that engraves ``music`` (a Score, Part, Progression or Rhythm).

    A Part becomes a one-part score, a Progression one chord per bar on a piano staff, and
    a Rhythm one period in eighths on a one-line percussion staff (one period per bar when
    the period is short).

    >>> import schillinger_kernel as sk
    >>> s = as_score(sk.rhythm.interference(3, 2))
    >>> s.parts[0].is_drums, s.time_signatures[0].numerator, len(s.notes)
    (True, 3, 4)
    >>> as_score("C E G")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    schillinger_kernel.errors.ParameterTypeError: music must be a Score, Part, ... got str
    """
    if isinstance(music, Score):
        return music
    if isinstance(music, Part):
        return Score(parts=(music,), title=music.name)
    if isinstance(music, Progression):
        return with_symbols(music.to_score(), music)
    if isinstance(music, Rhythm):
        return music.to_score(RHYTHM_DRUM, instrument="drums",
                              time_signature=_rhythm_meter(music.period))
    raise ParameterTypeError(f"music must be a {_MUSIC}, got {type(music).__name__}",
                             field="music")


def with_symbols(score: Score, progression: Progression) -> Score:
    """``score`` (the progression played, e.g. ``progression.to_score(...)``) carrying the
    progression's chord symbols, one per chord's attack, in ``metadata["chords"]`` (the
    MusicXML writer prints them over the staff).

    >>> import schillinger_kernel as sk
    >>> p = sk.harmony.cycle_progression("C major", "C5", length=3)
    >>> [c["symbol"] for c in with_symbols(p.to_score(), p).metadata["chords"]] == list(p.symbols)
    True
    """
    onsets = sorted({n.start for n in score.notes})
    chords = [{"tick": t, "symbol": s} for t, s in zip(onsets, progression.symbols, strict=False)]
    return replace(score, metadata={**score.metadata, "chords": chords})


def _bar_starts(score: Score, bars: int) -> list[int]:
    """Ticks at which the first ``bars + 1`` bars start, following the time signatures."""
    sigs = score.time_signatures
    out: list[int] = []
    t, i = 0, 0
    while len(out) <= bars:
        while i + 1 < len(sigs) and sigs[i + 1].tick <= t:
            i += 1
        out.append(t)
        t += sigs[i].bar_ticks
    return out


def excerpt(score: Score, bars: int) -> Score:
    """The first ``bars`` bars of ``score`` (notes cut at the last bar line).

    >>> from schillinger_kernel import Score
    >>> s = Score.from_durations((4,) * 8, unit=480)
    >>> len(excerpt(s, 1).notes), excerpt(s, 1).end
    (1, 1920)
    """
    check_int("bars", bars, 1, 100_000)
    if not isinstance(score, Score):
        raise ParameterTypeError(f"score must be a Score, got {type(score).__name__}",
                                 field="score")
    cut = _bar_starts(score, bars)[bars]
    parts = tuple(replace(p, notes=tuple(
        Note(n.start, min(n.duration, cut - n.start), n.pitch, n.velocity)
        for n in p.notes if n.start < cut)) for p in score.parts)
    return replace(score, parts=parts,
                   tempos=tuple(t for t in score.tempos if t.tick < cut),
                   time_signatures=tuple(ts for ts in score.time_signatures if ts.tick < cut)
                   or (TimeSignature(0, 4, 4),))


# ----- encoding and engraving ---------------------------------------------------------------
_ONE_LINE = "<staff-details><staff-lines>1</staff-lines></staff-details>"


def musicxml(music: Any) -> str:
    """The MusicXML text that is engraved: our writer's file, the one encoder.

    A Rhythm's staff is given one line, every stroke sitting on it.

    >>> from schillinger_kernel import Score
    >>> "<score-partwise" in musicxml(Score.from_durations((2, 1, 1, 2)))
    True
    """
    from ..io.musicxml import write_musicxml

    score = as_score(music)
    if not score.notes:
        raise ParameterError("there is nothing to engrave: the score has no notes",
                             field="music")
    with tempfile.TemporaryDirectory(prefix="sk-notation-") as tmp:
        text = write_musicxml(score, Path(tmp) / "score.musicxml").read_text(encoding="utf-8")
    if isinstance(music, Rhythm):
        text = text.replace("</clef>", "</clef>" + _ONE_LINE)
        # Verovio puts the line of a one-line percussion staff where E4 sits
        text = re.sub(r"<display-step>\w</display-step>", "<display-step>E</display-step>", text)
        text = re.sub(r"<display-octave>\d+</display-octave>",
                      "<display-octave>4</display-octave>", text)
    return text


def toolkit(xml: str, width: int = DEFAULT_WIDTH, height: int = DEFAULT_HEIGHT,
            scale: int = DEFAULT_SCALE) -> Any:
    """A Verovio toolkit holding ``xml`` (MusicXML) laid out in pages of ``width`` x at most
    ``height`` pixels with the staff at ``scale`` percent; element ids are the same on every
    run (a seeded generator), so the same score always engraves to the same SVG.

    >>> from schillinger_kernel import Score
    >>> toolkit(musicxml(Score.from_durations((2, 2)))).getPageCount()
    1
    """
    import verovio

    _check_sizes(width, height, scale)
    verovio.enableLog(verovio.LOG_OFF)
    # Verovio keeps its default resource path per thread and sets it on import only: in any
    # other thread (a kernel's subshell handling a widget's message) it points at the build
    # folder, no font loads and no MusicXML reads
    verovio.setDefaultResourcePath(str(resources.files("verovio") / "data"))
    tk = verovio.toolkit()
    tk.setOptions({
        "pageWidth": math.ceil(width * 100 / scale),
        "pageHeight": math.ceil(height * 100 / scale),
        "scale": scale,
        "adjustPageHeight": True,
        "breaks": "auto",
        "header": "none",
        "footer": "none",
        "pageMarginTop": 20, "pageMarginBottom": 20,
        # the names sit left of the system, and Verovio measures them a little narrower than
        # the browser draws them: a wider left margin keeps "Tenor Saxophone" whole
        "pageMarginLeft": 60, "pageMarginRight": 20,
        "xmlIdSeed": 1,  # the same score engraves to the same SVG
    })
    if not tk.loadData(xml):  # pragma: no cover - our writer's files load
        raise ParameterError("Verovio could not read the MusicXML", field="music")
    return tk


def _check_sizes(width: int, height: int, scale: int) -> None:
    check_int("width", width, 100, 20_000)
    check_int("height", height, 100, 40_000)
    check_int("scale", scale, 10, 400)


@one_engraving_at_a_time
def pages(music: Any, *, width: int = DEFAULT_WIDTH, height: int = DEFAULT_HEIGHT,
          scale: int = DEFAULT_SCALE) -> tuple[str, ...]:
    """Every page of ``music`` engraved, as SVG documents.

    Parameters
    ----------
    music : Score, Part, Progression or Rhythm
        What to engrave (see :func:`as_score`).
    width : int, optional
        Page width in pixels (100..20000).
    height : int, optional
        Most height of a page in pixels (100..40000); the music runs on to further pages.
    scale : int, optional
        Staff size in percent of Verovio's default (10..400).

    Returns
    -------
    tuple of str
        One ``<svg>`` document per page; each note is an element of class ``note``.

    Examples
    --------
    >>> import schillinger_kernel as sk
    >>> s = sk.generate_composition("Etude", 100, "D minor", 8, "classical", seed=1)
    >>> long = sk.generate_composition("Etude", 100, "D minor", 24, "classical", seed=1)
    >>> len(pages(s)) < len(pages(long))
    True
    >>> pages(s, scale=0)
    Traceback (most recent call last):
    ...
    schillinger_kernel.errors.ParameterError: scale must be in 10..400, got 0
    """
    _check_sizes(width, height, scale)
    tk = toolkit(musicxml(music), width, height, scale)
    return tuple(tk.renderToSVG(k) for k in range(1, tk.getPageCount() + 1))


@one_engraving_at_a_time
def page_count(music: Any, *, width: int = DEFAULT_WIDTH, height: int = DEFAULT_HEIGHT,
               scale: int = DEFAULT_SCALE) -> int:
    """How many pages :func:`pages` engraves (the same arguments).

    >>> from schillinger_kernel import Score
    >>> page_count(Score.from_durations((1,) * 64))
    1
    """
    _check_sizes(width, height, scale)
    return int(toolkit(musicxml(music), width, height, scale).getPageCount())


@one_engraving_at_a_time
def svg(music: Any, page: int = 1, *, width: int = DEFAULT_WIDTH, height: int = DEFAULT_HEIGHT,
        scale: int = DEFAULT_SCALE) -> str:
    """Page ``page`` (from 1) of ``music`` engraved as one SVG document (see :func:`pages`).

    >>> from schillinger_kernel import Score
    >>> svg(Score.from_durations((2, 2)), page=2)
    Traceback (most recent call last):
    ...
    schillinger_kernel.errors.ParameterError: page must be in 1..1, got 2
    """
    check_int("page", page, 1, None)
    _check_sizes(width, height, scale)
    tk = toolkit(musicxml(music), width, height, scale)
    check_int("page", page, 1, int(tk.getPageCount()))
    return str(tk.renderToSVG(page))


# ----- rich display -------------------------------------------------------------------------
@one_engraving_at_a_time
def html(music: Any, *, max_pages: int = DISPLAY_PAGES, max_bars: int = DISPLAY_BARS,
         width: int = DEFAULT_WIDTH, height: int = DEFAULT_HEIGHT,
         scale: int = DEFAULT_SCALE) -> str:
    """The notebook's display of ``music``: its first pages as inline SVG and a note.

    Only the first ``max_bars`` bars are engraved and the first ``max_pages`` pages shown;
    when that leaves music out, a line under the pages says so and how to see it all
    (``sk.notation.pages(score)``). A Rhythm shows its Schillinger graph beside the staff.

    >>> import schillinger_kernel as sk
    >>> s = sk.generate_composition("Etude", 100, "D minor", 12, "classical", seed=1)
    >>> view = html(s, max_bars=4)
    >>> view.count("<svg") >= 1, "bars 1-4 of 12" in view, "sk.notation.pages" in view
    (True, True, True)
    >>> html(s, max_pages=0)
    Traceback (most recent call last):
    ...
    schillinger_kernel.errors.ParameterError: max_pages must be in 1..1000, got 0
    """
    check_int("max_pages", max_pages, 1, 1000)
    check_int("max_bars", max_bars, 1, 100_000)
    _check_sizes(width, height, scale)
    score = as_score(music)
    total = score.bars
    shown: Any = music if total <= max_bars else excerpt(score, max_bars)
    if isinstance(music, Rhythm) and total > max_bars:
        shown = Rhythm(tuple(music)[:max(1, len(music) * max_bars // total)])
    tk = toolkit(musicxml(shown), width, height, scale)
    n = int(tk.getPageCount())
    body = "".join(f'<div class="sk-notation-page">{tk.renderToSVG(k)}</div>'
                   for k in range(1, min(n, max_pages) + 1))
    notes = []
    if total > max_bars:
        notes.append(f"bars 1-{max_bars} of {total}")
    if n > max_pages:
        notes.append(f"pages 1-{max_pages} of {n}" + (" of that opening" if notes else ""))
    if notes:
        body += ('<p class="sk-notation-more" style="font-style:italic">Shown: '
                 + ", ".join(notes) + ". Every page: <code>sk.notation.pages(score)</code> "
                 "(a list of SVG pages; <code>IPython.display.SVG</code> draws one).</p>")
    if isinstance(music, Rhythm):
        try:
            graph = rhythm_svg(music, music.generators or None)
        except ValueError:  # too long to draw
            graph = ""
        body = ('<div style="display:flex;flex-wrap:wrap;gap:1em;align-items:center">'
                f'<div class="sk-rhythm-graph">{graph}</div><div>{body}</div></div>')
    return f'<div class="sk-notation">{body}</div>'


def mimebundle(music: Any, **kw: Any) -> dict[str, str]:
    """What a notebook shows for ``music``: ``text/plain`` (its short repr) and ``text/html``
    (:func:`html`; keyword arguments go there). Display never fails: without notes, or when
    engraving fails, the HTML says so in one line.

    >>> from schillinger_kernel import Score
    >>> bundle = mimebundle(Score.from_durations((2, 1, 1, 2), title="Etude"))
    >>> bundle["text/plain"]
    "Score('Etude', 1 part, 1 bar, C major, 120 BPM)"
    >>> "<svg" in bundle["text/html"]
    True
    >>> mimebundle(Score())["text/html"]
    '<pre>Score(&#x27;Untitled&#x27;, 0 parts, 1 bar, C major, 120 BPM)</pre>'
    """
    text = repr(music)
    try:
        if not as_score(music).notes:
            return {"text/plain": text, "text/html": f"<pre>{_html.escape(text)}</pre>"}
        return {"text/plain": text, "text/html": html(music, **kw)}
    except Exception as exc:  # a display must not raise: say why there is no staff
        note = _html.escape(f"{type(exc).__name__}: {exc}")
        return {"text/plain": text, "text/html": f"<pre>{_html.escape(text)}</pre>"
                f"<p><em>No notation: {note}</em></p>"}

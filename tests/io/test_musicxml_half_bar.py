"""The half bar: which notes may cross the middle of a bar, on a table of cases.

The rule (Elaine Gould, *Behind Bars*, "Metre and beaming", showing the half bar), as
``io/musicxml_values.py``'s module doc states it: in a bar of four equal beats (4/4, 12/8)
a note that crosses the middle of the bar is cut there, so the third beat shows, unless it
is one value from the downbeat that fills its span (a whole, a dotted half in 4/4; a dotted
whole in 12/8) or a syncopated half from beat 2 to beat 4 (a dotted half in 12/8). Rests
never syncopate: a rest from beat 2 to beat 4 is two beats' rests. A note that has to be cut
is cut at the half bar first, wherever it starts: in 4/4 a note of two and a half beats from
the downbeat is a half tied to an eighth (the tie lands on beat 3), not a quarter tied to a
dotted quarter. A dotted quarter on beat 2 of 4/4 crosses the middle too: a quarter tied to
an eighth. 3/4 has no middle (beats and the dotted-beat rule only); 2/4 and 6/8 have two
beats, so their middle is beat 2 and the beat rule already shows it.

MuseScore's own regrouping (``forceRhythmicSplitSimple`` in its ``durationtype.cpp``) splits
0..1200 and 480..1200 in 4/4 at beat 3 and keeps the half on beat 2 whole, as here. Expected
values are worked by hand at 480 ticks a quarter (eighth 240, dotted quarter 720, half 960,
dotted half 1440, dotted whole 2880); the file is then read back by music21 and by MuseScore 3
(its own ``.mscx`` after importing ours), which keep the written values we chose.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from schillinger_kernel import Note, Part, Score
from schillinger_kernel.io.musicxml import write_musicxml
from schillinger_kernel.io.musicxml_values import Bar, spell_bar
from schillinger_kernel.score import TimeSignature

MSCORE = shutil.which("mscore3") or shutil.which("musescore3")

# (meter, note start, note end, the note's written values, the rests' values in the bar)
CASES: list[tuple[tuple[int, int], int, int, list[int], list[int]]] = [
    # 4/4: two and a half beats from the downbeat: a half tied to an eighth (shows beat 3)
    ((4, 4), 0, 1200, [960, 240], [240, 480]),
    # the syncopated half on beat 2 stays one note
    ((4, 4), 480, 1440, [960], [480, 480]),
    # an eighth off the beat to beat 3: eighth tied to a quarter (shows beat 2)
    ((4, 4), 240, 960, [240, 480], [240, 960]),
    # a dotted half and a whole from the downbeat fill their spans: one value each
    ((4, 4), 0, 1440, [1440], [480]),
    ((4, 4), 0, 1920, [1920], []),
    # a dotted quarter on beat 2 crosses the middle: quarter tied to an eighth
    ((4, 4), 480, 1200, [480, 240], [480, 240, 480]),
    # a double-dotted half from the downbeat (it ends off a beat): half tied to dotted quarter
    ((4, 4), 0, 1680, [960, 720], [240]),
    # a dotted half on beat 2 is not the syncopated half: quarter tied to a half
    ((4, 4), 480, 1920, [480, 960], [480]),
    # the off-beat eighth held over the middle: eighth, quarter, quarter
    ((4, 4), 240, 1440, [240, 480, 480], [240, 480]),
    # 3/4 has no middle: the dotted quarter on beat 2 stays, the half on beat 2 too
    ((3, 4), 0, 1200, [480, 720], [240]),
    ((3, 4), 480, 1440, [960], [480]),
    ((3, 4), 0, 1440, [1440], []),
    # 5/8 (2 + 3 eighths) has no middle either: a bar-long note shows its two beats
    ((5, 8), 0, 1200, [480, 720], []),
    # 2/4: the dotted quarter on the downbeat; an off-beat quarter is cut on beat 2
    ((2, 4), 0, 720, [720], [240]),
    ((2, 4), 240, 720, [240, 240], [240, 240]),
    # 6/8: two quarters from the downbeat show the second dotted beat
    ((6, 8), 0, 960, [720, 240], [480]),
    ((6, 8), 240, 960, [480, 240], [240, 480]),
    # 12/8: the middle is the third dotted beat
    ((12, 8), 0, 1800, [1440, 360], [360, 720]),
    ((12, 8), 720, 2160, [1440], [720, 720]),  # the syncopated dotted half
    ((12, 8), 0, 2160, [1440, 720], [720]),
    ((12, 8), 720, 2880, [720, 1440], [720]),
    ((12, 8), 0, 2880, [2880], []),
]


def _bar(meter: tuple[int, int], start: int = 0) -> Bar:
    n, d = meter
    return Bar(start, n * 1920 // d, n, d)


def _segments(bar: Bar, s: int, e: int) -> list[tuple[int, int, str | None]]:
    segs: list[tuple[int, int, str | None]] = [(0, s, None)] if s else []
    segs.append((s, e, "x"))
    if e < bar.length:
        segs.append((e, bar.length, None))
    return segs


@pytest.mark.parametrize(("meter", "s", "e", "notes", "rests"), CASES)
def test_the_written_values_of_each_case(meter: tuple[int, int], s: int, e: int,
                                         notes: list[int], rests: list[int]) -> None:
    bar = _bar(meter)
    pieces = spell_bar(bar, _segments(bar, s, e))
    assert [p.value for p in pieces if p.payload == "x"] == notes
    assert [p.value for p in pieces if p.payload is None] == rests
    held = [p for p in pieces if p.payload == "x"]
    assert [(p.tie_from, p.tie_to) for p in held] == [
        (i > 0, i < len(held) - 1) for i in range(len(held))]


@pytest.mark.parametrize(("meter", "s", "e", "rests"), [
    ((4, 4), 480, 1440, [480, 480]),  # no half rest on beat 2
    ((12, 8), 720, 2160, [720, 720]),  # no dotted half rest on beat 2 of 12/8
    ((4, 4), 240, 1200, [240, 480, 240]),  # an off-beat rest shows beat 2 and the middle
])
def test_rests_never_syncopate_across_the_middle(meter: tuple[int, int], s: int, e: int,
                                                 rests: list[int]) -> None:
    bar = _bar(meter)
    segs: list[tuple[int, int, str | None]] = [(0, s, "a"), (s, e, None), (e, bar.length, "b")]
    assert [p.value for p in spell_bar(bar, segs) if p.payload is None] == rests


def _case_score() -> Score:
    notes, sigs, t = [], [], 0
    for meter, s, e, _n, _r in CASES:
        sigs.append(TimeSignature(t, *meter))
        notes.append(Note(t + s, e - s, 72))
        t += _bar(meter).length
    return Score(parts=(Part.create("Flute", tuple(notes), instrument="flute"),),
                 time_signatures=tuple(sigs), title="Half bar")


def _expected_bar(s: int, e: int, notes: list[int], rests: list[int], length: int
                  ) -> list[tuple[str, int]]:
    """The bar's written values in order: rests before the note, the note's, rests after."""
    before = []
    t = 0
    for r in rests:
        if t >= s:
            break
        before.append(("rest", r))
        t += r
    after = [("rest", r) for r in rests[len(before):]]
    assert sum(rests) + e - s == length
    return [*before, *(("note", v) for v in notes), *after]


def test_music21_reads_the_written_values_and_ties(tmp_path: Path) -> None:
    import music21

    path = write_musicxml(_case_score(), tmp_path / "half.musicxml")
    parsed: Any = music21.converter.parse(path)
    measures = list(parsed.parts[0].getElementsByClass("Measure"))
    assert len(measures) == len(CASES)
    for m, (meter, s, e, notes, rests) in zip(measures, CASES, strict=True):
        got = [("rest" if n.isRest else "note", int(Fraction(n.quarterLength) * 480))
               for n in m.notesAndRests]
        assert got == _expected_bar(s, e, notes, rests, _bar(meter).length), (meter, s, e)
        ties = [n.tie.type if n.tie else None for n in m.notesAndRests if not n.isRest]
        assert ties == (["start", *["continue"] * (len(notes) - 2), "stop"]
                        if len(notes) > 1 else [None])
        assert sum(Fraction(n.quarterLength) for n in m.notesAndRests
                   if not n.isRest) * 480 == e - s


_TICKS = {"whole": 1920, "half": 960, "quarter": 480, "eighth": 240, "16th": 120}


@pytest.mark.skipif(MSCORE is None, reason="MuseScore 3 (mscore3) not installed")
def test_musescore_keeps_the_written_values(tmp_path: Path) -> None:
    """MuseScore 3 imports our file and saves its own score: the same values and ties."""
    assert MSCORE is not None
    xml = write_musicxml(_case_score(), tmp_path / "half.musicxml")
    mscx = tmp_path / "half.mscx"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)}
    proc = subprocess.run([MSCORE, "-o", str(mscx), str(xml)], env=env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    measures = ET.parse(mscx).getroot().findall("Score/Staff/Measure")
    assert len(measures) == len(CASES)
    for m, (meter, s, e, notes, rests) in zip(measures, CASES, strict=True):
        got, tie_starts = [], 0
        for el in m.iterfind("voice/*"):
            if el.tag not in ("Chord", "Rest"):
                continue
            dots = int(el.findtext("dots") or 0)
            ticks = _TICKS[el.findtext("durationType") or ""] * (2 ** (dots + 1) - 1) // 2 ** dots
            got.append(("note" if el.tag == "Chord" else "rest", ticks))
            tie_starts += len(el.findall("Note/Spanner[@type='Tie']/Tie"))
        assert got == _expected_bar(s, e, notes, rests, _bar(meter).length), (meter, s, e)
        assert tie_starts == len(notes) - 1

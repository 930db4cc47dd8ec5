"""Tuplets of a dotted beat, worked by hand at 480 ticks a quarter, and the survivors of
``mutmut`` on ``io/musicxml_values.py`` with every test that writes MusicXML.

A dotted beat cut in seven or eight is written in its six sixths (Gould, *Behind Bars*,
"Tuplets": a septuplet in a dotted crotchet is seven semiquavers in the time of six): in 6/8
seven sixteenths (written 120 ticks each) under a 7:6 bracket, in 6/16 eight 32nds (written
60) under 8:6. Before, a septuplet of a dotted quarter was written in dotted sixteenths (7:4)
and eight notes to a dotted eighth had no written value at all (``spell_bar`` raised
``ValueError``): ``_tuplet_normal``'s ten surviving mutants were the sign of that branch being
wrong, not of missing tests.

Measured with every test that writes MusicXML (``tests/io/*musicxml*``, ``test_rests.py``,
``test_musescore_pitches.py``, ``tests/notation``; ``python -m bench.mutation --one
schillinger_kernel/io/musicxml_values.py --tests ...``): the survivors left by the fast value
tests were run again against that whole selection. Survivors judged equivalent, with reasons:

* ``_division``: ``1 < p``, ``0 <= p``, ``p <= length`` (a beat's own edges lie on every
  grid, and no boundary lies in (0, 1]: the finest grids are 30 and 480/14 ticks);
  ``return 1`` when no grid fits (``snap_times`` puts every time on a grid first).
* ``snap_times``: ``ordered[k] <= hi`` (the next beat's start fits every grid of this beat
  as well, and of its own).
* ``_snap_beat``: ``r / _GRID == 0`` for ``r % _GRID == 0`` (times on the 64th grid then go
  through the tuplet loop, which gives them back unchanged: no multiple of 30 lies within
  :data:`TOLERANCE` of a tuplet point it is not on, for beats of 120 to 720 ticks); the nine
  ``zip(..., strict=...)`` variants (equal lengths).
* ``_binary``: the step-halving bounds ``step > 2 * _GRID``, ``>= 2 / _GRID``,
  ``>= 3 * _GRID``, ``s <= k`` (``k`` is past ``s`` by construction) and the last-64th
  fallback appending ``None``: on the 64th grid a span that is no written value is five
  64ths or more and has a 32nd point strictly inside, so halving never goes below the 32nd
  and the fallback is never reached; ``rest`` passed as ``None`` to the two recursive calls
  (a span across the half bar is cut there first, so no part of it crosses the middle and
  the flag is read only at the top call).
* ``spell_bar``: ``b0 <= b`` / ``b <= b0 + blen`` in ``rel`` (beat edges again) and
  ``k[0] >= t`` when looking for the next tuplet beat (the beat at ``t`` is binary there).
* ``_tuplet_values``: ``range(left + 1)`` tries ``k = 0``, which is no written value.
* ``_brackets``: the lone-piece ``"startStop"`` (five mutants of its test and its string: a
  tuplet beat has a boundary inside, so it always holds two pieces or more).
* ``straighten``: ``start < off``, ``off <= start + length``, ``o < mid`` (at a beat edge or
  the exact swing point both branches give the same tick).

Timeouts (``other`` in the report, infinite loops such as ``bars`` never advancing) are
counted neither way. The equivalents listed in ``test_musicxml_values_mutants.py`` and
``test_musicxml_values_more_mutants.py`` for ``_tuplet_normal``, ``d * 2 % 3`` and
``s + 2d/3 == bar.length`` went with the code they described: those branches were dead or
wrong and are gone.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

from schillinger_kernel import Note, Part, Score
from schillinger_kernel.io.musicxml import write_musicxml
from schillinger_kernel.io.musicxml_values import Bar, snap_times, spell_bar
from schillinger_kernel.score import TimeSignature

SIX_EIGHT = Bar(0, 1440, 6, 8)
SIX_SIXTEEN = Bar(0, 720, 6, 16)


def test_a_septuplet_of_a_dotted_quarter_is_seven_sixteenths_in_the_time_of_six() -> None:
    unit = Fraction(720, 7)
    segs = [(k * unit, (k + 1) * unit, k) for k in range(7)] + [(720, 1440, None)]
    pieces = spell_bar(SIX_EIGHT, segs)
    assert [(p.value, p.tuplet) for p in pieces[:7]] == [(120, (7, 6, 120))] * 7
    assert [p.bracket for p in pieces[:7]] == ["start", "", "", "", "", "", "stop"]
    assert pieces[1].ticks == unit and pieces[7].value == 720
    # three units and four: a dotted eighth and a quarter under the bracket
    held = spell_bar(SIX_EIGHT, [(0, 3 * unit, "a"), (3 * unit, 720, "b"), (720, 1440, None)])
    assert [(p.value, p.tuplet) for p in held[:2]] == [(360, (7, 6, 120)), (480, (7, 6, 120))]


def test_duplets_and_quintuplets_of_a_dotted_beat() -> None:
    # 5:6 sixteenths (144 ticks apart); a duplet leaves the 64th grid only where the dotted
    # beat is three 64ths (6/64, 90 ticks): two 64ths in the time of three
    five = spell_bar(SIX_EIGHT, [(144 * k, 144 * (k + 1), k) for k in range(5)]
                     + [(720, 1440, None)])
    assert {p.tuplet for p in five[:5]} == {(5, 6, 120)}
    six64 = Bar(0, 180, 6, 64)
    duplet = spell_bar(six64, [(0, 45, "a"), (45, 90, "b"), (90, 180, None)])
    assert [(p.value, p.tuplet) for p in duplet[:2]] == [(30, (2, 3, 30))] * 2


def test_eight_to_a_dotted_eighth_are_32nds_in_the_time_of_six() -> None:
    segs = [(45 * k, 45 * (k + 1), k) for k in range(8)] + [(360, 720, None)]
    pieces = spell_bar(SIX_SIXTEEN, segs)
    assert [(p.value, p.tuplet) for p in pieces[:8]] == [(60, (8, 6, 60))] * 8
    assert pieces[8].value == 360 and pieces[8].tuplet is None
    # played times a tick or two off the 45-tick grid are read on it
    assert snap_times([46, 89, 136], [SIX_SIXTEEN]) == {46: 45, 89: 90, 136: 135}


def test_music21_reads_the_compound_tuplets_back(tmp_path: Path) -> None:
    import music21

    # bar 1 (6/8): a septuplet on beat 1 (ticks rounded as a performance would have them);
    # bar 2 (6/16): eight notes on its first dotted eighth
    sept = [Note(round(720 * k / 7), round(720 * (k + 1) / 7) - round(720 * k / 7), 60 + k)
            for k in range(7)]
    octs = [Note(1440 + 45 * k, 45, 72 + k) for k in range(8)]
    score = Score(parts=(Part.create("Flute", (*sept, *octs), instrument="flute"),),
                  time_signatures=(TimeSignature(0, 6, 8), TimeSignature(1440, 6, 16)))
    path = write_musicxml(score, tmp_path / "compound.musicxml")
    parsed: Any = music21.converter.parse(path)
    notes = list(parsed.parts[0].flatten().notes)
    assert [n.pitch.midi for n in notes] == [n.pitch for n in (*sept, *octs)]
    assert [n.offset * 480 for n in notes] == [Fraction(720 * k, 7) for k in range(7)] + [
        1440 + 45 * k for k in range(8)]
    assert [n.duration.tuplets[0].tupletMultiplier() for n in notes] == (
        [Fraction(6, 7)] * 7 + [Fraction(6, 8)] * 8)
    assert [n.duration.type for n in notes] == ["16th"] * 7 + ["32nd"] * 8


def test_a_span_ending_on_the_next_eighth_is_cut_on_the_sixteenth_inside() -> None:
    # 330..480: five 64ths from the eleventh 64th to beat 2. No eighth point lies strictly
    # inside (480 is its end), so it is cut at the 16th point 360: a 64th tied to a 16th.
    pieces = spell_bar(Bar(0, 1920, 4, 4), [(0, 330, None), (330, 480, "x"),
                                            (480, 1920, None)])
    assert [(int(p.start), p.value, p.payload, p.tie_to) for p in pieces] == [
        (0, 240, None, False), (240, 90, None, False),  # an eighth and a dotted 32nd rest
        (330, 30, "x", True), (360, 120, "x", False),
        (480, 480, None, False), (960, 960, None, False)]

"""Written note values at their edges: the bars that cover a piece, the beats of every kind of
meter, tuplets of each size, ties, the half-bar rule, the tolerance of the tuplet grid and
the swing mapping. Expected values are worked by hand at 480 ticks a quarter (a 16th is 120,
an eighth 240, a dotted quarter 720) the way an engraver writes them, not read back from our
own output.

Written against the mutants that survived ``mutmut`` on ``io/musicxml_values.py`` with the
unit tests of ``tests/io/test_musicxml_notation.py`` and ``test_musicxml_swing.py``; see
``bench/mutation.py``.

Survivors judged equivalent: ``zip(..., strict=...)`` variants (equal lengths); every
duration on the 64th grid is a multiple of 30, so ``d * 2 % 3``, ``d / 2 % 3``, ``d * 2 % 4``
agree, and the ``s + 2d/3 == bar.length`` clause cannot hold inside a bar; the half bar is
always a beat, so adding it to the cut points changes nothing; tuplet sizes 2, 4 and 8 of a
dotted beat fall on the 64th grid, so ``_tuplet_normal``'s compound branches for them are
unreachable; boundaries at a beat's own start or end lie on every grid (``_division``,
``spell_bar``'s ``rel``, ``snap_times``' ``<= hi``); ``straighten`` at the exact swing
point or beat edge gives the same tick either way. Left open: the step-halving fallback of
``_binary`` for values off the 64th grid (``snap_times`` puts every time on a grid first).
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from schillinger_kernel.io.musicxml_values import (
    TOLERANCE,
    Bar,
    Piece,
    bars,
    beats,
    snap_times,
    spell_bar,
    straighten,
)
from schillinger_kernel.score import TimeSignature

FOUR = Bar(0, 1920, 4, 4)


def _values(pieces: list[Piece]) -> list[tuple[int, int, tuple[int, int, int] | None]]:
    return [(int(p.start), p.value, p.tuplet) for p in pieces]


# ----- bars -----------------------------------------------------------------------------------
def test_bars_cover_the_end_and_no_more() -> None:
    four = (TimeSignature(0, 4, 4),)
    assert [(b.start, b.length) for b in bars(four, 0)] == [(0, 1920)]  # at least one
    assert [(b.start, b.length) for b in bars(four, 1920)] == [(0, 1920)]
    assert [(b.start, b.length) for b in bars(four, 1921)] == [(0, 1920), (1920, 1920)]


def test_a_meter_change_takes_effect_on_its_own_tick() -> None:
    change = (TimeSignature(0, 4, 4), TimeSignature(1920, 3, 4), TimeSignature(3360, 6, 8))
    assert [(b.start, b.length, b.numerator, b.denominator) for b in bars(change, 4800)] == [
        (0, 1920, 4, 4), (1920, 1440, 3, 4), (3360, 1440, 6, 8)]


# ----- beats ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("meter", "expected"), [
    ((4, 4), [(0, 480, False), (480, 480, False), (960, 480, False), (1440, 480, False)]),
    ((3, 4), [(0, 480, False), (480, 480, False), (960, 480, False)]),
    ((2, 2), [(0, 960, False), (960, 960, False)]),
    ((3, 8), [(0, 240, False), (240, 240, False), (480, 240, False)]),
    ((4, 8), [(0, 480, False), (480, 480, False)]),
    ((5, 8), [(0, 480, False), (480, 720, True)]),
    ((6, 8), [(0, 720, True), (720, 720, True)]),
    ((7, 8), [(0, 480, False), (480, 480, False), (960, 720, True)]),
    ((8, 8), [(0, 480, False), (480, 480, False), (960, 480, False), (1440, 480, False)]),
    ((9, 8), [(0, 720, True), (720, 720, True), (1440, 720, True)]),
    ((12, 8), [(0, 720, True), (720, 720, True), (1440, 720, True), (2160, 720, True)]),
    ((5, 16), [(0, 240, False), (240, 360, True)]),
    ((6, 16), [(0, 360, True), (360, 360, True)]),
])
def test_beats_of_each_meter(meter: tuple[int, int],
                             expected: list[tuple[int, int, bool]]) -> None:
    n, d = meter
    assert beats(Bar(0, n * 1920 // d, n, d)) == expected


def test_a_bar_longer_than_its_meter_gets_a_last_beat() -> None:
    assert beats(Bar(0, 2000, 4, 4))[-1] == (1920, 80, False)


# ----- tuplets --------------------------------------------------------------------------------
def test_quintuplet_sixteenths_then_rests_that_show_the_half_bar() -> None:
    segs = [(96 * k, 96 * (k + 1), k) for k in range(5)] + [(480, 1920, None)]
    pieces = spell_bar(FOUR, segs)
    assert _values(pieces) == [(96 * k, 120, (5, 4, 120)) for k in range(5)] + [
        (480, 480, None), (960, 960, None)]
    assert [p.bracket for p in pieces] == ["start", "", "", "", "stop", "", ""]
    assert pieces[0].ticks == 96 and pieces[-1].ticks == 960


def test_sextuplets_and_septuplets_are_sixteenths() -> None:
    six = spell_bar(FOUR, [(80 * k, 80 * (k + 1), k) for k in range(6)] + [(480, 1920, None)])
    assert [p.tuplet for p in six[:6]] == [(6, 4, 120)] * 6
    seven = [(Fraction(480 * k, 7), Fraction(480 * (k + 1), 7), k) for k in range(7)]
    sept = spell_bar(FOUR, [*seven, (480, 1920, None)])
    assert [p.tuplet for p in sept[:7]] == [(7, 4, 120)] * 7
    assert sept[1].start == Fraction(480, 7)


def test_a_triplet_quarter_and_eighth_in_one_beat() -> None:
    pieces = spell_bar(FOUR, [(0, 320, "a"), (320, 480, "b"), (480, 1920, None)])
    assert _values(pieces)[:2] == [(0, 480, (3, 2, 240)), (320, 240, (3, 2, 240))]
    assert [p.bracket for p in pieces[:2]] == ["start", "stop"]


def test_a_lone_tuplet_value_is_bracketed_start_and_stop_at_once() -> None:
    # a triplet eighth rest, then a triplet quarter: one bracket over the beat
    pieces = spell_bar(FOUR, [(0, 160, None), (160, 480, "a"), (480, 1920, None)])
    assert _values(pieces)[:2] == [(0, 240, (3, 2, 240)), (160, 480, (3, 2, 240))]
    assert [p.bracket for p in pieces[:2]] == ["start", "stop"]
    one = spell_bar(FOUR, [(0, 480, "a"), (480, 640, "b"), (640, 1920, None)])
    # 640 is a third of beat 2: 480..640 is one triplet eighth, then the rest of the beat
    assert [p.bracket for p in one if p.tuplet] == ["start", "stop"]


def test_two_tuplet_beats_get_a_bracket_each() -> None:
    segs = [(160 * k, 160 * (k + 1), k) for k in range(6)] + [(960, 1920, None)]
    pieces = spell_bar(FOUR, segs)
    assert [p.bracket for p in pieces[:6]] == ["start", "", "stop", "start", "", "stop"]


def test_a_tuplet_note_of_five_sixths_is_a_quarter_tied_to_a_sixteenth() -> None:
    # sextuplet sixteenths (80 ticks): one, then five held (80..480) written 4 + 1 units
    pieces = spell_bar(FOUR, [(0, 80, "a"), (80, 480, "b"), (480, 1920, None)])
    held = [(p.start, p.value, p.tie_from, p.tie_to) for p in pieces if p.payload == "b"]
    assert held == [(80, 480, False, True), (400, 120, True, False)]


def test_a_note_runs_in_binary_values_up_to_a_tuplet_beat() -> None:
    # a note from the bar line into triplets on beat 3: a half, then a triplet eighth
    segs = [(0, 1120, "a"), (1120, 1280, "b"), (1280, 1440, "c"), (1440, 1920, None)]
    pieces = spell_bar(FOUR, segs)
    assert [(int(p.start), p.value, p.tuplet) for p in pieces if p.payload == "a"] == [
        (0, 960, None), (960, 240, (3, 2, 240))]


def test_quintuplet_of_a_dotted_beat_is_five_sixteenths_in_the_time_of_six() -> None:
    six8 = Bar(0, 1440, 6, 8)
    segs = [(144 * k, 144 * (k + 1), k) for k in range(5)] + [(720, 1440, None)]
    pieces = spell_bar(six8, segs)
    assert [p.tuplet for p in pieces[:5]] == [(5, 6, 120)] * 5
    assert pieces[5].value == 720 and pieces[5].tuplet is None


# ----- ties and the binary grid ---------------------------------------------------------------
def test_ties_run_from_the_first_piece_to_the_last_and_rests_never_tie() -> None:
    pieces = spell_bar(FOUR, [(0, 240, None), (240, 720, "x"), (720, 1920, None)])
    flags = [(int(p.start), p.tie_from, p.tie_to) for p in pieces]
    assert flags == [(0, False, False), (240, False, True), (480, True, False),
                     (720, False, False), (960, False, False)]
    # an eighth on the off-beat held to the off-beat of beat 3: eighth, quarter, eighth (it
    # shows beat 2 and the middle of the bar); the middle piece ties both ways
    three = spell_bar(FOUR, [(0, 240, None), (240, 1200, "x"), (1200, 1920, None)])
    assert [(p.value, p.tie_from, p.tie_to) for p in three if p.payload == "x"] == [
        (240, False, True), (480, True, True), (240, True, False)]


@pytest.mark.parametrize(("bar", "segment", "values"), [
    # 2/2: a half across the middle of the bar is cut there
    (Bar(0, 1920, 2, 2), (480, 1440), [480, 480]),
    # 3/4 has no middle: a half from beat 2 to the bar line stays one note
    (Bar(0, 1440, 3, 4), (480, 1440), [960]),
    # 4/4: a dotted quarter on beat 2 shows beat 3: a quarter tied to an eighth ...
    (FOUR, (480, 1200), [480, 240]),
    # ... and so does a dotted half on beat 2
    (FOUR, (480, 1920), [480, 960]),
    # a half on beat 3 is one note
    (FOUR, (960, 1920), [960]),
    # a dotted eighth on the beat, then a sixteenth
    (FOUR, (0, 360), [360]),
    # a half from beat 1 ends on beat 3: one note
    (FOUR, (0, 960), [960]),
    # from the second sixteenth to beat 3: a dotted eighth tied to a quarter
    (FOUR, (120, 960), [360, 480]),
    # beat 2 to a sixteenth past beat 3: quarter tied to a sixteenth
    (FOUR, (480, 1080), [480, 120]),
    # beat 3 to a sixteenth past beat 4: quarter tied to a sixteenth
    (FOUR, (960, 1560), [480, 120]),
    # five 64ths within a beat: a 16th and a 64th (the 16th grid first)
    (FOUR, (0, 150), [120, 30]),
    # from the sixth 64th to beat 2: a dotted 32nd to the off-beat, then an eighth
    (FOUR, (150, 480), [90, 240]),
    # 3/4: an eighth off the beat held over beat 2 is cut on the beat
    (Bar(0, 1440, 3, 4), (240, 720), [240, 240]),
])
def test_the_binary_values_an_engraver_writes(bar: Bar, segment: tuple[int, int],
                                              values: list[int]) -> None:
    s, e = segment
    segs: list[tuple[int, int, str | None]] = [(0, s, None)] if s else []
    segs.append((s, e, "x"))
    if e < bar.length:
        segs.append((e, bar.length, None))
    assert [p.value for p in spell_bar(bar, segs) if p.payload == "x"] == values


# ----- snapping onto grids --------------------------------------------------------------------
def test_the_tuplet_grid_tolerance_is_inclusive() -> None:
    assert TOLERANCE == 3
    # a triplet eighth (160) played 3 ticks late is still read on the triplet grid; 4 late
    # fits no tuplet and falls to the nearest 64th (150)
    assert snap_times([0, 163, 320], [FOUR])[163] == 160
    assert snap_times([0, 164, 320], [FOUR])[164] == 150
    assert snap_times([0, 157, 320], [FOUR])[157] == 160


def test_the_second_bar_snaps_from_its_own_start() -> None:
    two = [FOUR, Bar(1920, 1920, 4, 4)]
    # triplet eighths on beat 2 of bar 2 (2400, 2560, 2720), played a tick or two off
    snap = snap_times([1920, 2400, 2561, 2718, 2880], two)
    assert [snap[t] for t in (2400, 2561, 2718, 2880)] == [2400, 2560, 2720, 2880]


def test_a_5_8_bar_snaps_its_dotted_beat_from_the_bar_start() -> None:
    two = [Bar(0, 1200, 5, 8), Bar(1200, 1200, 5, 8)]
    # quintuplet sixteenths on the dotted beat of bar 2 (1680 + 144 k), a tick off
    snap = snap_times([1680, 1825, 1967, 2112], two)
    assert [snap[t] for t in (1825, 1967, 2112)] == [1824, 1968, 2112]


def test_times_past_the_last_bar_go_to_the_64th_grid() -> None:
    snap = snap_times([1925, 1940, 1960], [FOUR])
    assert [snap[t] for t in (1925, 1940, 1960)] == [1920, 1950, 1950]


def test_compound_beats_snap_to_their_own_tuplets() -> None:
    six8 = Bar(0, 1440, 6, 8)
    snap = snap_times([0, 145, 287, 720, 1000], [six8])
    assert [snap[t] for t in (145, 287)] == [144, 288]
    assert snap[1000] == 990  # off every grid of the second beat: nearest 64th


# ----- swing ----------------------------------------------------------------------------------
def test_straighten_with_another_ratio_and_unswung_meters() -> None:
    four = bars((TimeSignature(0, 4, 4),), 1920)
    # a 3:2 swing puts the second eighth at 3/5 of the beat (288): written at the half
    assert straighten(288, four, Fraction(3, 5)) == 240
    assert straighten(240, four, Fraction(3, 5), played=True) == 288
    # the first half of the beat scales by 240/288, the second by 240/192
    assert straighten(144, four, Fraction(3, 5)) == 120
    assert straighten(384, four, Fraction(3, 5)) == 360
    # half-note beats (2/2) and eighth-note beats (3/8) are not swung
    assert straighten(1200, bars((TimeSignature(0, 2, 2),), 1920)) == 1200
    assert straighten(400, bars((TimeSignature(0, 3, 8),), 720)) == 400
    # the last beat of a bar and the next bar
    assert straighten(1440 + 320, four) == 1440 + 240

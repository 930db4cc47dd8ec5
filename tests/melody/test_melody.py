"""Book IV: primary and secondary axes, axis melodies."""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schillinger_kernel.melody import (
    AxisTerm,
    axis_changes,
    axis_melody,
    parse_terms,
    primary_axis,
    secondary_axes,
    spiral_melody,
    superimposed_melody,
)
from schillinger_kernel.pitch import to_midi_pitch
from schillinger_kernel.scales import as_scale, key_scale


def pitches(notes) -> list[int]:
    return [n.pitch for n in notes]


def test_parse_terms() -> None:
    assert parse_terms("a2T + bT") == (AxisTerm("a", Fraction(2)), AxisTerm("b", Fraction(1)))
    assert parse_terms("2c + 0T + d1/2T") == (AxisTerm("c", Fraction(1), 2),
                                            AxisTerm("0", Fraction(1)),
                                            AxisTerm("d", Fraction(1, 2)))
    assert parse_terms([("a", 2), AxisTerm("b")]) == parse_terms("a2T + b")


def test_the_five_axes_relative_to_the_primary_axis() -> None:
    r = (1, 1, 1, 1)
    ax = 67
    zero = axis_melody("C major", "0T", r, axis=ax)
    assert pitches(zero) == [67] * 4
    a = pitches(axis_melody("C major", "aT", r, axis=ax))
    b = pitches(axis_melody("C major", "bT", r, axis=ax))
    c = pitches(axis_melody("C major", "cT", r, axis=ax))
    d = pitches(axis_melody("C major", "dT", r, axis=ax))
    assert a == [67, 69, 71, 72]          # rises away from the axis
    assert b == [74, 72, 71, 69]          # falls back toward it (from above)
    assert c == [60, 62, 64, 65]          # rises back toward it from below
    assert d == [67, 65, 64, 62]          # falls away below it
    # b, c, d are the geometric positions of a (in scale steps)
    sc = key_scale("C major")
    steps = [sc.index_of(p) - sc.index_of(ax) for p in a]
    assert [sc.index_of(p) - sc.index_of(ax) for p in d] == [-s for s in steps]


def test_time_coefficients_and_rhythm() -> None:
    notes = axis_melody("C major", "a2T + bT", rhythm=(2, 1, 1), unit=240)
    assert sum(n.duration for n in notes) == 3 * 4 * 240
    assert [n.duration for n in notes][:3] == [480, 240, 240]
    # notes are contiguous and start at 0
    assert notes[0].start == 0
    assert all(a.end == b.start for a, b in itertools.pairwise(notes))
    # a pitch coefficient makes the trajectory steeper
    steep = axis_melody("C major", "2aT", rhythm=(1, 1, 1), axis=60)
    assert pitches(steep) == [60, 64, 67]


def test_primary_axis_of_an_axis_melody() -> None:
    notes = axis_melody("D dorian", "0T + aT + bT + 0T", rhythm=(1, 1, 1), axis="A4")
    assert primary_axis(notes) == 69
    assert primary_axis([(60, 0, 4), (62, 4, 1), (64, 5, 1)]) == 60


def test_primary_axis_reads_names_and_checks_triples() -> None:
    assert primary_axis([("C4", 0, 1), ("E4", 1, 4)]) == 64
    with pytest.raises(TypeError, match="duration"):
        primary_axis([(60, 0, 1.5)])
    with pytest.raises(ValueError, match="start"):
        primary_axis([(60, -1, 1)])
    with pytest.raises(ValueError, match="pitch"):
        primary_axis([("H4", 0, 1)])


def test_secondary_axes_read_back() -> None:
    notes = axis_melody("C major", "aT + bT + cT + dT", rhythm=(1, 1, 1), axis=60)
    assert secondary_axes(notes, axis=60) == ("a", "b", "c", "d")


@pytest.mark.parametrize("call, word", [
    (lambda: parse_terms("e2T"), "terms"),
    (lambda: parse_terms(""), "terms"),
    (lambda: axis_melody("C major", "aT", rhythm=()), "rhythm"),
    (lambda: axis_melody("C major", "aT", rhythm=(0,)), "rhythm"),
    (lambda: axis_melody("X major", "aT"), "scale"),
    (lambda: axis_melody("C major", "30aT", rhythm=(1,) * 30, axis=120), "range"),
    (lambda: axis_melody("C major", "aT", unit=0), "unit"),
    (lambda: primary_axis([]), "notes"),
])
def test_bad_input(call, word) -> None:
    with pytest.raises(ValueError, match=word):
        call()


@given(st.lists(st.sampled_from(["0", "a", "b", "c", "d"]), min_size=1, max_size=5),
       st.lists(st.integers(1, 4), min_size=1, max_size=4), st.integers(0, 2))
def test_axis_melodies_stay_in_the_scale_and_fill_the_time(axes, rhythm, pc) -> None:
    terms = " + ".join(f"{pc}{ax}T" for ax in axes)
    sc = key_scale("E minor")
    notes = axis_melody(sc, terms, rhythm=tuple(rhythm), axis=64)
    assert all(sc.contains(n.pitch) for n in notes)
    assert sum(n.duration for n in notes) == len(axes) * sum(rhythm) * 240
    if pc == 0:
        assert {n.pitch for n in notes} == {64}


# ----- the book's term notation: a2T2P ----------------------------------------------------------

def test_parse_terms_reads_the_books_p_coefficient() -> None:
    # issue 15: the book writes the pitch coefficient with P after the time coefficient
    assert parse_terms("a2T2P") == (AxisTerm("a", Fraction(2), 2),)
    assert parse_terms("a2P2T") == parse_terms("2a2T") == parse_terms("a2T2P")
    assert parse_terms("a2T2P + b2T2P + 0T") == (
        AxisTerm("a", Fraction(2), 2), AxisTerm("b", Fraction(2), 2), AxisTerm("0"))
    assert parse_terms("d 1/2T 3P") == (AxisTerm("d", Fraction(1, 2), 3),)
    assert parse_terms("cP") == (AxisTerm("c"),)


def test_p_coefficient_makes_the_same_melody_as_the_short_form() -> None:
    book = axis_melody("C major", "a2T2P + b2T2P", rhythm=(1, 1))
    short = axis_melody("C major", "2a2T + 2b2T", rhythm=(1, 1))
    assert pitches(book) == pitches(short)
    # two steps per attack: twice the rise of the plain term
    plain = axis_melody("C major", "a2T", rhythm=(1, 1))
    steep = axis_melody("C major", "a2T2P", rhythm=(1, 1))
    sc = key_scale("C major")
    assert [sc.index_of(p) for p in pitches(steep)] == [2 * sc.index_of(p) for p in pitches(plain)]


@pytest.mark.parametrize("text, word", [("a2T2T", "twice"), ("2a2P", "twice"),
                                        ("a1/2P", "whole"), ("a2", "cannot read"),
                                        ("e2T2P", "cannot read"), ("a2T2PP", "twice")])
def test_p_coefficient_bad_input(text: str, word: str) -> None:
    with pytest.raises(ValueError, match=word):
        parse_terms(text)


@given(st.sampled_from("0abcd"), st.integers(1, 8), st.integers(1, 4), st.integers(0, 5),
       st.booleans())
def test_book_notation_round_trips(axis: str, num: int, den: int, pitch: int,
                                   p_first: bool) -> None:
    t = Fraction(num, den)
    time = f"{t}T"
    coef = f"{pitch}P"
    text = axis + (coef + time if p_first else time + coef)
    term = parse_terms(text)[0]
    assert (term.axis, term.time, term.pitch) == (axis, t, pitch)
    assert parse_terms(str(term)) == (term,)


# ----- a moving primary axis (key axes) ---------------------------------------------------------

def test_each_term_on_its_own_primary_axis() -> None:
    tune = axis_melody("C major", "aT + aT + bT", rhythm=(1, 1, 1), axis=("C4", "G4", "C5"))
    assert pitches(tune)[:6] == [60, 62, 64, 67, 69, 71]
    # b on C5 falls back toward it from above: it starts three steps up
    assert pitches(tune)[6:] == [77, 76, 74]
    # one axis for every term is the same as the single axis
    assert axis_melody("C major", "aT + bT", axis=("E4", "E4")) == \
        axis_melody("C major", "aT + bT", axis="E4")


def test_axis_changes_read_the_axes_back() -> None:
    tune = axis_melody("C major", "0T + 0T + 0T", rhythm=(2,), axis=("C4", "G4", "G4"), unit=1)
    assert axis_changes(tune, 2) == ((0, 60), (2, 67))
    assert axis_changes(tune, 6) == ((0, 67),)
    with pytest.raises(ValueError, match="window"):
        axis_changes(tune, 0)
    with pytest.raises(ValueError, match="one primary axis per term"):
        axis_melody("C major", "aT + bT", axis=("C4",))


@given(st.lists(st.sampled_from(["C4", "E4", "G4", "A4"]), min_size=1, max_size=5),
       st.integers(1, 4))
def test_zero_terms_on_moving_axes_are_the_axes(axes: list[str], length: int) -> None:
    terms = " + ".join(["0T"] * len(axes))
    tune = axis_melody("C major", terms, rhythm=(length,), axis=tuple(axes), unit=1)
    want: list[int] = []
    for a in axes:
        p = key_scale("C major").nearest(to_midi_pitch(a))
        if not want or want[-1] != p:
            want.append(p)
    assert [ax for _t, ax in axis_changes(tune, length)] == want


# ----- organic (spiral) forms ---------------------------------------------------------------------

def test_spiral_worked_example() -> None:
    # amplitudes 1, 2, 3 of the summation series around c, one scale step per attack
    notes = spiral_melody("C major", 3, rhythm=(1,), unit=1)
    heights = [key_scale("C major").index_of(n.pitch, 0) - 35 for n in notes]
    assert heights == [0, 1, 0, -1,
                       0, 1, 2, 1, 0, -1, -2, -1,
                       0, 1, 2, 3, 2, 1, 0, -1, -2, -3, -2, -1, 0]
    assert [n.start for n in notes] == list(range(len(notes)))
    # the contracting spiral is the same turns in reverse order
    inward = spiral_melody("C major", 3, contracting=True)
    assert pitches(inward) == pitches(spiral_melody("C major", (3, 2, 1)))
    assert max(pitches(inward)[:13]) == 65 and min(pitches(inward)[:13]) == 55


def test_spiral_in_a_minor_with_a_rhythm() -> None:
    notes = spiral_melody("A minor", (2,), rhythm=(2, 1), axis="A4", unit=240)
    assert pitches(notes) == [69, 71, 72, 71, 69, 67, 65, 67, 69]
    assert [n.duration for n in notes] == [480, 240] * 4 + [480]


@pytest.mark.parametrize(("kwargs", "word"), [
    ({"turns": 0}, "1..12"), ({"turns": (1, 0)}, "amplitudes"), ({"turns": "3"}, "sequence"),
    ({"rhythm": (1, -1)}, "rhythm"), ({"turns": 12, "axis": "C8"}, "MIDI range"),
])
def test_spiral_bad_input(kwargs: dict[str, object], word: str) -> None:
    with pytest.raises((ValueError, TypeError), match=word):
        spiral_melody("C major", **kwargs)  # type: ignore[arg-type]


@given(st.lists(st.integers(1, 8), min_size=1, max_size=5), st.sampled_from(
    ["C major", "D dorian", "E minor pentatonic", "whole tone"]), st.booleans(),
    st.lists(st.integers(1, 4), min_size=1, max_size=3))
def test_spirals_are_continuous_turns_of_the_given_amplitudes(
        amps: list[int], scale: str, contracting: bool, rhythm: list[int]) -> None:
    sc = as_scale(scale)
    notes = spiral_melody(sc, amps, tuple(rhythm), contracting=contracting, unit=1)
    axis = sc.nearest(60 + sc.tonic)
    steps = [sc.index_of(n.pitch, sc.tonic) - sc.index_of(axis, sc.tonic) for n in notes]
    # continuous: one scale step per attack; the spiral starts and ends on the axis
    assert all(abs(b - a) == 1 for a, b in itertools.pairwise(steps))
    assert steps[0] == steps[-1] == 0
    # each turn reaches its amplitude above and below the axis, in order
    order = amps[::-1] if contracting else amps
    turns = [i for i, h in enumerate(steps) if h == 0 and (i == 0 or steps[i - 1] < 0)]
    assert len(turns) == len(order) + 1
    for amp, (i, j) in zip(order, itertools.pairwise(turns), strict=True):
        assert max(steps[i:j + 1]) == amp and min(steps[i:j + 1]) == -amp
    assert secondary_axes(notes, axis=axis) == ("a", "b", "d", "c") * len(order)
    # time: every attack takes the next duration of the rhythm, with no gap
    assert all(a.start + a.duration == b.start for a, b in itertools.pairwise(notes))


# ----- melodic continuity -------------------------------------------------------------------------

def test_continuous_terms_join_where_the_last_one_ended() -> None:
    # "aT + aT" from the axis twice leaps back; as a continuity it rises on
    assert pitches(axis_melody("C major", "aT + aT", rhythm=(1, 1))) == [60, 62, 60, 62]
    joined = axis_melody("C major", "aT + aT + bT + bT", rhythm=(1, 1), continuous=True)
    assert pitches(joined) == [60, 62, 64, 65, 67, 65, 64, 62]
    # a + b already joins, so continuity changes nothing there
    assert pitches(axis_melody("C major", "a2T + b2T", continuous=True)) == pitches(
        axis_melody("C major", "a2T + b2T"))


@given(st.lists(st.tuples(st.sampled_from(list("0abcd")), st.integers(1, 2), st.integers(1, 3)),
                min_size=1, max_size=5),
       st.integers(1, 3), st.integers(1, 4))
def test_continuity_moves_by_at_most_the_pitch_coefficient(
        spec: list[tuple[str, int, int]], duration: int, attacks: int) -> None:
    # even attacks: a trajectory moves its pitch coefficient per attack, and a continuity
    # joins its terms, so no move is larger than the largest coefficient
    terms = [AxisTerm(axis, Fraction(time), pitch) for axis, time, pitch in spec]
    sc = key_scale("C major")
    try:
        notes = axis_melody(sc, terms, (duration,) * attacks, axis="C5", continuous=True)
    except ValueError as exc:
        # a long rise or fall may leave the keyboard: refused, never wrapped
        assert "MIDI range" in str(exc)
        return
    steps = [sc.index_of(n.pitch, 0) for n in notes]
    assert steps[0] == sc.index_of(72, 0)                 # the continuity starts on the axis
    largest = max(p for _a, _t, p in spec)
    assert all(abs(b - a) <= largest for a, b in itertools.pairwise(steps))



# ----- combinations of axes: sub-axes riding a line -------------------------------------------

def test_superimposed_worked_example() -> None:
    # the line a2T rises 0..7 steps over eight attacks; the wave aT + bT (T = 2 units) is
    # 0 1 2 1, repeated; their sum is 0 2 4 4 4 6 8 8 steps above C4
    notes = superimposed_melody("C major", "a2T", "aT + bT", rhythm=(1, 1, 1, 1), sub_T=2,
                                unit=240)
    assert pitches(notes) == [60, 64, 67, 67, 67, 71, 74, 74]
    assert [n.start for n in notes] == [240 * k for k in range(8)]
    # with a rhythm and another axis: the attacks are the line's own
    line = axis_melody("A minor", "a2T + b2T", (2, 1, 1), axis="A4", continuous=True)
    combo = superimposed_melody("A minor", "a2T + b2T", "dT + cT", (2, 1, 1), axis="A4",
                                sub_T=4)
    assert [(n.start, n.duration) for n in combo] == [(n.start, n.duration) for n in line]
    assert pitches(combo) != pitches(line)


# small enough that a continuous line of them stays inside the MIDI range
TERMS = st.lists(st.tuples(st.sampled_from("0abcd"), st.integers(1, 2), st.integers(0, 1)),
                 min_size=1, max_size=3)
RHYTHMS = st.lists(st.integers(1, 2), min_size=1, max_size=3)


@settings(max_examples=40, deadline=None)
@given(TERMS, RHYTHMS, st.sampled_from(["C major", "D dorian", "A minor", "E harmonic minor"]))
def test_a_flat_wave_leaves_the_line(terms: list[tuple[str, int, int]], rhythm: list[int],
                                     key: str) -> None:
    line = axis_melody(key, terms, rhythm, axis=64, continuous=True)
    assert superimposed_melody(key, terms, "0T", rhythm, axis=64) == line


@settings(max_examples=40, deadline=None)
@given(TERMS, RHYTHMS, st.integers(1, 6))
def test_a_flat_line_carries_the_wave_and_stays_in_the_scale(
        terms: list[tuple[str, int, int]], rhythm: list[int], sub_t: int) -> None:
    sc = key_scale("C major")
    period = sum(rhythm)
    # the line 0 for as long as the wave's statement: the wave comes out unchanged
    length = sum(t for _, t, _ in terms) * sub_t
    flat = superimposed_melody("C major", [("0", Fraction(length, period))], terms, rhythm,
                               sub_T=sub_t)
    wave = axis_melody("C major", terms, rhythm, T=sub_t)
    at = {n.start: n.pitch for n in wave}
    assert all(n.pitch == at[n.start] for n in flat if n.start in at)
    combo = superimposed_melody("C major", terms, terms, rhythm, sub_T=sub_t)
    assert all(n.pitch % 12 in sc.pitch_classes for n in combo)


def test_superimposed_bad_input() -> None:
    with pytest.raises(ValueError, match="sub_T must be a positive int"):
        superimposed_melody("C major", "aT", "aT + bT", sub_T=0)
    with pytest.raises(ValueError, match="terms"):
        superimposed_melody("C major", "aT", "x2T")

"""Book III: the four positions and geometric expansion (SCHILLINGER.md examples)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schillinger_kernel import Note, Part, Score
from schillinger_kernel.projection import (
    expand,
    expand_pitch,
    expand_time,
    four_positions,
    inversion,
    invert_pitch,
    position,
    retrograde,
    transform,
)

MOTIF = ((60, 0, 2), (62, 2, 1), (67, 3, 3))


def test_invert_pitch_example() -> None:
    assert invert_pitch(74, axis=67) == 60


def test_note_names_are_accepted_as_pitches_and_axes() -> None:
    assert invert_pitch("D5", axis="G4") == invert_pitch(74, axis=67) == 60
    assert expand_pitch(("C4", "E4"), axis="C4", coefficient=2) == (60, 68)
    assert position((("C4", 0, 2), ("E4", 2, 1)), "d", axis="D4") == ((64, 0, 2), (60, 2, 1))
    assert inversion(((60, 0, 1),), axis="E4") == ((68, 0, 1),)
    with pytest.raises(ValueError, match="axis"):
        invert_pitch(60, axis="H4")


def test_expand_pitch_example() -> None:
    assert expand_pitch((60, 62, 64, 65, 67), axis=60, coefficient=2) == (60, 64, 68, 70, 74)


def test_four_positions() -> None:
    pos = four_positions(MOTIF, axis=64)
    assert pos["a"] == MOTIF
    # b: new start = total - start - duration (total 6)
    assert pos["b"] == ((67, 0, 3), (62, 3, 1), (60, 4, 2))
    assert pos["d"] == ((68, 0, 2), (66, 2, 1), (61, 3, 3))
    assert pos["c"] == ((61, 0, 3), (66, 3, 1), (68, 4, 2))
    assert position(MOTIF, "c", axis=64) == retrograde(inversion(MOTIF, 64))


def test_time_expansion_and_composition() -> None:
    assert expand_time(MOTIF, 2) == ((60, 0, 4), (62, 4, 2), (67, 6, 6))
    assert expand_time(((60, 0, 2),), 0.5) == ((60, 0, 1),)
    t = transform(MOTIF, "d", axis=60, pitch_coefficient=2, time_coefficient=2)
    assert t == expand_time(expand(inversion(MOTIF, 60), 2, 60), 2)
    assert t == ((60, 0, 4), (56, 4, 2), (46, 6, 6))


def test_scale_step_expansion() -> None:
    assert expand_pitch((60, 62, 64, 65), axis=60, coefficient=2, scale="C major") == (
        60, 64, 67, 71)


def test_on_part_and_score() -> None:
    notes = tuple(Note(s * 240, d * 240, p) for p, s, d in MOTIF)
    part = Part.create("Melody", notes)
    drums = Part.create("Kit", (Note(0, 240, 36), Note(480, 240, 38)), instrument="drums")
    score = Score(parts=(part, drums))
    inv = inversion(score, axis=64)
    assert [n.pitch for n in inv.parts[0].notes] == [68, 66, 61]
    assert [n.pitch for n in inv.parts[1].notes] == [36, 38]  # drums stay
    rev = retrograde(score)
    assert rev.end == score.end
    assert [n.start for n in rev.parts[1].notes] == [720, 1200]
    assert retrograde(part).notes[0].pitch == 67
    assert isinstance(position(notes, "b")[0], Note)


@pytest.mark.parametrize("call, word", [
    (lambda: invert_pitch(10, axis=100), "out of range"),
    (lambda: expand_pitch(60, 60, 0), "coefficient"),
    (lambda: position(MOTIF, "e"), "which"),
    (lambda: expand_time(MOTIF, 0), "coefficient"),
    (lambda: expand_time(((60, 0, 3),), 0.5), "coefficient"),
    (lambda: expand_pitch(61, 60, 2, scale="C major"), "pitches"),
    (lambda: position(((200, 0, 1),), "a"), "range"),
])
def test_bad_input(call, word) -> None:
    with pytest.raises(ValueError, match=word):
        call()


notes_st = st.lists(st.tuples(st.integers(40, 90), st.integers(0, 50), st.integers(1, 8)),
                    min_size=1, max_size=12).map(
    lambda xs: tuple(sorted(xs, key=lambda t: (t[1], t[0], t[2]))))


@given(notes_st, st.integers(50, 80))
def test_inversion_twice_is_identity(notes, axis) -> None:
    assert inversion(inversion(notes, axis), axis) == notes


@given(notes_st)
def test_retrograde_twice_is_identity(notes) -> None:
    assert retrograde(retrograde(notes)) == notes


@given(notes_st, st.integers(55, 70))
def test_positions_form_a_klein_group(notes, axis) -> None:
    c = position(notes, "c", axis)
    assert position(c, "c", axis) == notes
    assert retrograde(position(notes, "d", axis)) == c


@given(st.lists(st.integers(55, 70), min_size=1, max_size=8), st.integers(55, 70),
       st.integers(-2, 2).filter(bool))
def test_expansion_keeps_the_axis_and_scales_distances(pitches, axis, k) -> None:
    out = expand_pitch(tuple(pitches), axis, k)
    assert all(o - axis == (p - axis) * k for o, p in zip(out, pitches, strict=True))

"""Book III projection at its edges: the pitch range, the default axis, what each container
keeps (velocities, drums, the score's span), the words of each refusal, and
:func:`transform`'s defaults. Expected values are worked by hand from SCHILLINGER.md
(Book III: retrograde start = total - start - duration, inversion 2·axis - p).

Written against the mutants that survived ``mutmut`` on ``projection.py``; see
``bench/mutation.py``.

Survivors judged equivalent: ``zip(..., strict=...)`` dropped or false (each step returns one
triple per note, so the lengths always agree); the span or default axis of input with no
notes (``(0, 1)``, ``default=1`` or ``None``, 61 for 60: nothing is moved); the drum flag
``None`` for ``False`` on plain notes (both false); ``position`` and ``four_positions``
passing ``axis=None`` on (``inversion`` finds the same default axis itself).
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from schillinger_kernel.errors import ParameterError, ParameterTypeError
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
from schillinger_kernel.score import Note, Part, Score

MOTIF = ((60, 0, 2), (64, 2, 1), (67, 3, 1))


def _refusal(call) -> tuple[type, str]:  # type: ignore[no-untyped-def]
    with pytest.raises((ParameterError, ParameterTypeError)) as exc:
        call()
    return type(exc.value), str(exc.value)


# ----- the pitch range ------------------------------------------------------------------------
def test_the_whole_midi_range_is_accepted_and_nothing_past_it() -> None:
    assert invert_pitch(0, axis=0) == 0
    assert invert_pitch(127, axis=127) == 127
    assert invert_pitch(1, axis=64) == 127
    assert _refusal(lambda: invert_pitch(128, axis=64)) == (
        ParameterError, "pitch out of range: 128 (MIDI pitches are 0..127)")
    assert _refusal(lambda: invert_pitch(-1, axis=64)) == (
        ParameterError, "pitch out of range: -1 (MIDI pitches are 0..127)")
    assert _refusal(lambda: invert_pitch(0, axis=64)) == (
        ParameterError, "inverted pitch out of range: 128 (MIDI pitches are 0..127)")
    assert _refusal(lambda: invert_pitch(60.5, axis=64)) == (  # type: ignore[arg-type]
        ParameterTypeError,
        "pitch must be an int (MIDI pitch) or a name like 'C4', got float 60.5")
    assert _refusal(lambda: invert_pitch(True, axis=64)) == (
        ParameterTypeError,
        "pitch must be an int (MIDI pitch) or a name like 'C4', got bool True")
    assert _refusal(lambda: invert_pitch(60, axis=200)) == (
        ParameterError, "axis out of range: 200 (MIDI pitches are 0..127)")


def test_inverting_a_list_about_a_named_axis() -> None:
    # about e4 (64): c4 -> g#4, e4 stays, g4 -> c#4
    assert invert_pitch((60, 64, 67), axis="E4") == (68, 64, 61)
    assert invert_pitch(["C4", 64], axis=64) == (68, 64)


def test_expansion_refusals_name_the_value_at_fault() -> None:
    assert _refusal(lambda: expand_pitch(60, axis=128, coefficient=2)) == (
        ParameterError, "axis out of range: 128 (MIDI pitches are 0..127)")
    assert _refusal(lambda: expand_pitch(60, axis=60, coefficient=True)) == (
        ParameterError, "coefficient must be a non-zero int, got True")
    # 60 + (100 - 60)·2 = 140
    assert _refusal(lambda: expand_pitch(100, axis=60, coefficient=2)) == (
        ParameterError, "expanded pitch out of range: 140 (MIDI pitches are 0..127)")
    # in C major f4 is 3 steps above c4; 3·40 = 120 steps above c4 is 17 octaves (119
    # steps) and one step: d, 60 + 17·12 + 2 = 266
    assert _refusal(lambda: expand_pitch(65, axis=60, coefficient=40, scale="C major")) == (
        ParameterError, "expanded pitch out of range: 266 (MIDI pitches are 0..127)")


# ----- time expansion -------------------------------------------------------------------------
def test_time_coefficient_refusals() -> None:
    assert _refusal(lambda: expand_time(MOTIF, True)) == (
        ParameterTypeError, "coefficient must be a number, got bool")
    assert _refusal(lambda: expand_time(MOTIF, "2")) == (  # type: ignore[arg-type]
        ParameterTypeError, "coefficient must be a number, got str")
    assert _refusal(lambda: expand_time(((60, 3, 2),), Fraction(1, 2))) == (
        ParameterError, "coefficient: time 3 x 1/2 = 3/2 is not a whole number of ticks/units")
    assert _refusal(lambda: expand_time(((60, 2, 3),), Fraction(1, 2))) == (
        ParameterError, "coefficient: time 3 x 1/2 = 3/2 is not a whole number of ticks/units")


def test_float_coefficients_are_read_to_four_digits_of_denominator() -> None:
    # 1/10001 as a float is read as the nearest fraction with denominator <= 10000: 1/10000,
    # so 10001 ticks do not scale to whole ticks.
    assert _refusal(lambda: expand_time(((60, 0, 10001),), 1 / 10001)) == (
        ParameterError,
        "coefficient: time 10001 x 1/10000 = 10001/10000 is not a whole number of ticks/units")
    assert expand_time(((60, 0, 3), (62, 3, 6)), 2 / 3) == ((60, 0, 2), (62, 2, 4))


# ----- note triples ---------------------------------------------------------------------------
@pytest.mark.parametrize(("notes", "kind", "words"), [
    (((128, 0, 1),), ParameterError, "notes: pitch out of range: 128 (MIDI pitches are 0..127)"),
    (((60, 1.5, 1),), ParameterTypeError, "notes: start must be an int, got 1.5"),
    (((60, 0, True),), ParameterTypeError, "notes: duration must be an int, got True"),
    (((60, -1, 1),), ParameterError, "notes: need start >= 0 and duration >= 1, got (60, -1, 1)"),
    (((60, 0, 0),), ParameterError, "notes: need start >= 0 and duration >= 1, got (60, 0, 0)"),
    ((5,), ParameterTypeError,
     "notes must be (pitch, start, duration) triples or Note values, got 5"),
])
def test_triple_refusals(notes, kind, words) -> None:  # type: ignore[no-untyped-def]
    assert _refusal(lambda: retrograde(notes)) == (kind, words)


def test_note_values_keep_their_velocities() -> None:
    notes = (Note(0, 1, 60, 100), Note(1, 3, 62, 80))
    # retrograde in the span 0..4: the 62 (start 1, length 3) starts at 0 + 4 - 1 - 3 = 0
    assert retrograde(notes) == (Note(0, 3, 62, 80), Note(3, 1, 60, 100))
    # a triple among Note values gets a Note's default velocity
    assert retrograde((Note(0, 1, 60, 100), (62, 1, 1))) == (Note(0, 1, 62), Note(1, 1, 60, 100))
    part = Part("Lead", notes)
    assert retrograde(part).notes == (Note(0, 3, 62, 80), Note(3, 1, 60, 100))


def test_an_empty_score_stays_empty() -> None:
    empty = Score(parts=(Part("Lead"),))
    assert retrograde(empty) == empty
    assert retrograde(()) == ()
    assert inversion(()) == ()


# ----- the default axis -----------------------------------------------------------------------
def test_default_axis_is_the_lowest_of_the_first_notes() -> None:
    # the earliest notes start at 0: c4 and e4; the axis is the lower, c4 (60).
    notes = ((64, 0, 1), (60, 0, 1), (67, 1, 1))
    assert inversion(notes) == ((56, 0, 1), (60, 0, 1), (53, 1, 1))
    # the first note by onset, not by length: e4 starts first although c4 is shorter
    assert inversion(((64, 0, 2), (60, 2, 1))) == ((64, 0, 2), (68, 2, 1))
    part = Part("Lead", (Note(0, 2, 64), Note(2, 1, 60)))
    assert [n.pitch for n in inversion(part).notes] == [64, 68]
    assert [n.pitch for n in expand(part, 2).notes] == [64, 56]


def test_default_axis_of_a_score_ignores_the_drums() -> None:
    lead = Part("Lead", (Note(240, 240, 64), Note(480, 240, 67)))
    kit = Part.create("Kit", (Note(0, 240, 36),), instrument="drums")
    score = Score(parts=(lead, kit))
    inv = inversion(score)
    assert [n.pitch for n in inv.parts[0].notes] == [64, 61]  # about e4, not the kick
    assert [n.pitch for n in inv.parts[1].notes] == [36]
    assert [n.pitch for n in expand(score, 2).parts[0].notes] == [64, 70]


def test_positions_without_an_axis_use_the_first_note() -> None:
    # c: retrograde of the inversion about c4: c4 e4 g4 -> c4 g#3 f3, then mirrored in time
    assert position(MOTIF, "c") == ((53, 0, 1), (56, 1, 1), (60, 2, 2))
    four = four_positions(MOTIF)
    assert four["d"] == ((60, 0, 2), (56, 2, 1), (53, 3, 1))
    assert four["c"] == position(MOTIF, "c")
    assert _refusal(lambda: position(MOTIF, "e")) == (
        ParameterError, "which must be one of a, b, c, d, got 'e'")
    assert _refusal(lambda: inversion(MOTIF, axis=130)) == (
        ParameterError, "axis out of range: 130 (MIDI pitches are 0..127)")
    assert _refusal(lambda: expand(MOTIF, 2, axis=130)) == (
        ParameterError, "axis out of range: 130 (MIDI pitches are 0..127)")


def test_expand_counts_scale_steps_when_given_a_scale() -> None:
    # C major steps from c4: e4 is 2 steps up -> 4 steps (g4), g4 4 -> 8 (d5 = 74)
    assert expand(MOTIF, 2, scale="C major") == ((60, 0, 2), (67, 2, 1), (74, 3, 1))


# ----- transform ------------------------------------------------------------------------------
def test_transform_defaults_change_nothing() -> None:
    assert transform(MOTIF) == MOTIF
    assert transform(MOTIF, "b") == retrograde(MOTIF)


def test_transform_composes_about_the_first_note_or_a_given_axis() -> None:
    # d about c4 with pitch coefficient 2: e4 -> g#3 -> (56 - 60)·2 + 60 = 52; g4 -> 53 -> 46
    assert transform(MOTIF, "d", pitch_coefficient=2) == ((60, 0, 2), (52, 2, 1), (46, 3, 1))
    # about g4 (67): c4 -> d5 (74) -> 81, e4 -> 70 -> 73, g4 stays
    assert transform(MOTIF, "d", axis="G4", pitch_coefficient=2) == (
        (81, 0, 2), (73, 2, 1), (67, 3, 1))
    # in C major steps about c4: a (position a) with coefficient 2 and time doubled
    assert transform(MOTIF, "a", pitch_coefficient=2, scale="C major", time_coefficient=2) == (
        (60, 0, 4), (67, 4, 2), (74, 6, 2))
    assert _refusal(lambda: transform(MOTIF, axis=-1)) == (
        ParameterError, "axis out of range: -1 (MIDI pitches are 0..127)")


def test_default_axis_of_notes_starting_together_is_the_lowest_not_the_shortest() -> None:
    # c4 (long) and e4 (short) both start at 0: the axis is c4, so e4 goes to g#3
    part = Part("Lead", (Note(0, 2, 60), Note(0, 1, 64)))
    assert sorted(n.pitch for n in inversion(part).notes) == [56, 60]


def test_nothing_pitched_to_mirror_is_no_error() -> None:
    empty = Part("Lead")
    assert inversion(empty) == empty
    kit = Part.create("Kit", (Note(0, 240, 36),), instrument="drums")
    drums_only = Score(parts=(kit,))
    assert inversion(drums_only) == drums_only
    assert expand(drums_only, 2) == drums_only

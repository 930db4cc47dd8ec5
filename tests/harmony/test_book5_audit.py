"""Audit of issue 15 (Book V): the "wrong today" cases rerun exactly as the issue wrote them,
and Type III voice leading over 200 chords of every structure and direction.

The checks are the issue's own: every voice inside its range, every upper voice above the
bass, and no upper voice moving with the bass in parallel octaves or fifths.
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_voice_leading_long import out_of_range, parallels

from schillinger_kernel.harmony import (
    SYMMETRIC_STRUCTURES,
    cycle_progression,
    function_map,
    type_iii,
)


# the same checks as the long-cycle tests: ranges, and no parallels with the bass
def test_s5_along_c7_no_longer_moves_every_voice_with_the_bass() -> None:
    # issue 15: C3 C4 E4 G4 -> D3 D4 F4 A4 (octaves and fifths in parallel with the bass)
    p = cycle_progression("C major", "C7", structure="S5")
    assert p[0].pitches == (48, 60, 64, 67)
    assert p[1].pitches[0] == 50 and p[1].pitches != (50, 62, 65, 69)
    assert parallels(p) == [] and out_of_range(p) == []


def test_function_map_of_s5_on_c7_is_a_map() -> None:
    # issue 15: function_map("C7", "S5") raised
    fmap = function_map("C7", "S5")
    assert sorted(fmap) == sorted(fmap.values()) == [1, 3, 5]
    assert fmap[1] != 1 and fmap[5] != 5
    back = function_map("C7", "S5", "negative")
    assert all(back[fmap[f]] == f for f in fmap)


def test_22_chords_of_c7_s7_keep_the_upper_voices_above_the_bass() -> None:
    # issue 15: the 22nd chord was C3 | B1 C2 E2 G2
    p = cycle_progression("C major", "C7", "positive", 22, "S7")
    assert len(p) == 22
    assert out_of_range(p) == [] and parallels(p) == []
    assert p[21].pitches != (48, 35, 36, 40, 43)
    assert all(min(c.pitches[1:]) > c.pitches[0] for c in p)


@pytest.mark.parametrize("length", [None, 13])
def test_type_iii_on_twelve_tonics_is_not_parallel(length: int | None) -> None:
    # issue 15: type_iii(0, 12, "S1") had 34 parallel fifths or octaves in 12 moves
    p = type_iii(0, 12, "S1", length=length)
    assert parallels(p) == [] and out_of_range(p) == []
    # and it is not one block sliding: some upper voice moves against the bass
    assert any(any((ub - ua) * (b.pitches[0] - a.pitches[0]) <= 0
                   for ua, ub in zip(a.pitches[1:], b.pitches[1:], strict=True))
               for a, b in itertools.pairwise(p))


@pytest.mark.parametrize(("n", "name", "direction"), list(itertools.product(
    (2, 3, 4, 6, 12), tuple(SYMMETRIC_STRUCTURES), ("positive", "negative"))))
def test_type_iii_over_200_chords(n: int, name: str, direction: str) -> None:
    p = type_iii("C", n, name, direction, 200)
    assert len(p) == 200
    assert out_of_range(p) == []
    assert parallels(p) == []


@pytest.mark.parametrize("direction", ["positive", "negative"])
def test_type_iii_with_alternating_structures_over_200_chords(direction: str) -> None:
    names = tuple(SYMMETRIC_STRUCTURES)
    p = type_iii("C", 3, names, direction, 200)
    assert [c.structure for c in list(p)[:5]] == [*names, names[0]]
    assert out_of_range(p) == [] and parallels(p) == []


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(["C major", "A minor", "Eb major", "F# major", "D dorian", "B harmonic",
                        "G mixolydian", "Bb melodic"]),
       st.sampled_from(["C3", "C5", "C7"]), st.sampled_from(["S5", "S7", "S9", "S11"]),
       st.sampled_from(["positive", "negative"]), st.sampled_from(["full", "hybrid"]))
def test_cycles_in_any_key_keep_the_rules_over_200_chords(key: str, kind: str, name: str,
                                                          direction: str, voicing: str) -> None:
    # the fixed cases were all in C major; the rules hold in every key and mode
    p = cycle_progression(key, kind, direction, 200, name, voicing=voicing)
    assert len(p) == 200
    assert out_of_range(p) == []
    assert parallels(p) == []

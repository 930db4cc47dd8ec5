"""Voice leading over long cycles (issue 15): 200 chords of every cycle, structure and
direction keep every voice in its range and move no upper voice in parallel octaves or
fifths with the bass.

Hybrid voicing (``progression``, ``type_iii``) takes the nearest move that keeps clear of
the bass; ``cycle_progression`` follows the book's function maps and corrects the register
by moving the whole upper structure an octave.
"""

from __future__ import annotations

import itertools

import pytest

from schillinger_kernel.harmony import (
    Progression,
    cycle_degrees,
    cycle_progression,
    function_map,
    progression,
    type_iii,
)
from schillinger_kernel.harmony.voice_leading import derived_map

LENGTH = 200
BASS = range(28, 61)     # E1 .. C4
UPPER = range(45, 90)    # A2 .. F6


def parallels(p: Progression) -> list[tuple[int, tuple[int, ...], tuple[int, ...]]]:
    """Moves where the bass and an upper voice (by position) go the same way from a fifth
    or an octave into the same interval."""
    out = []
    for i, (a, b) in enumerate(itertools.pairwise(p)):
        ba, bb = a.pitches[0], b.pitches[0]
        for ua, ub in zip(a.pitches[1:], b.pitches[1:], strict=False):
            iv = (ua - ba) % 12
            if iv in (0, 7) and (ub - bb) % 12 == iv and (ub - ua) * (bb - ba) > 0:
                out.append((i, a.pitches, b.pitches))
    return out


def out_of_range(p: Progression) -> list[tuple[int, tuple[int, ...]]]:
    return [(i, c.pitches) for i, c in enumerate(p)
            if c.pitches[0] not in BASS or any(u not in UPPER or u <= c.pitches[0]
                                               for u in c.pitches[1:])]


KINDS = ("C3", "C5", "C7")
DIRECTIONS = ("positive", "negative")


@pytest.mark.parametrize("kind, name, direction", list(itertools.product(
    KINDS, ("S5", "S7", "S9", "S11", "S13"), DIRECTIONS)))
def test_hybrid_progression_over_200_chords(kind: str, name: str, direction: str) -> None:
    p = progression("C major", cycle_degrees(kind, direction, LENGTH), name)
    assert len(p) == LENGTH
    assert out_of_range(p) == []
    assert parallels(p) == []


@pytest.mark.parametrize("kind, name, direction", list(itertools.product(
    KINDS, ("S5", "S7", "S9", "S11", "S13"), DIRECTIONS)))
def test_cycle_progression_over_200_chords(kind: str, name: str, direction: str) -> None:
    p = cycle_progression("C major", kind, direction, LENGTH, name)
    assert len(p) == LENGTH
    assert out_of_range(p) == []
    assert parallels(p) == []
    # each chord keeps every function of the structure in the upper voices
    for c in p:
        assert sorted(u % 12 for u in c.pitches[1:]) == sorted(c.pitch_classes)


@pytest.mark.parametrize("kinds", [("C3", "C5"), ("C5", "C7"), ("C3", "C5", "C7")])
@pytest.mark.parametrize("direction", DIRECTIONS)
def test_binomial_and_trinomial_cycles_over_200_chords(kinds: tuple[str, ...],
                                                       direction: str) -> None:
    for name in ("S5", "S7"):
        p = cycle_progression("C major", kinds, direction, LENGTH, name)
        assert out_of_range(p) == []
        assert parallels(p) == []


@pytest.mark.parametrize("kind, name, direction", list(itertools.product(
    KINDS, ("S5", "S7"), DIRECTIONS)))
def test_function_maps_move_by_step_between_octave_corrections(kind: str, name: str,
                                                               direction: str) -> None:
    # The book's maps move each voice by at most a third (a step for S7); the register
    # correction moves the whole upper structure by an octave, never a single voice.
    p = cycle_progression("C major", kind, direction, LENGTH, name)
    for a, b in itertools.pairwise(p):
        step = [y - x for x, y in zip(a.pitches[1:], b.pitches[1:], strict=True)]
        octave = 12 * round(sum(step) / len(step) / 12)
        assert all(abs(d - octave) <= (2 if name == "S7" else 4) for d in step), (a, b)


@pytest.mark.parametrize("n", [2, 3, 4, 6, 12])
def test_type_iii_has_no_parallels_with_the_bass(n: int) -> None:
    p = type_iii("C", n, "S1", length=48)
    assert out_of_range(p) == []
    assert parallels(p) == []


def test_derived_maps_are_the_books_maps_for_s5_and_s7() -> None:
    # the rule (common tones stay, the rest take the nearest free function, no 1->1 or
    # 5->5) gives every map the book prints, and S5 on C7 as chosen in function_map
    for kind in KINDS:
        for name in ("S5", "S7"):
            assert derived_map(kind, name) == function_map(kind, name)


@pytest.mark.parametrize("kind, name", list(itertools.product(KINDS, ("S9", "S11", "S13"))))
def test_derived_maps_beyond_s7(kind: str, name: str) -> None:
    fmap = function_map(kind, name)
    assert fmap == derived_map(kind, name)
    assert sorted(fmap) == sorted(fmap.values())           # every function taken once
    assert fmap[1] != 1 and fmap[5] != 5
    inverse = function_map(kind, name, "negative")
    assert all(inverse[fmap[f]] == f for f in fmap)
    if name == "S13":
        # all seven units: every tone is a common tone, so the upper voices hold
        p = cycle_progression("C major", kind, "positive", 8, name)
        assert all(a.pitches[1:] == b.pitches[1:] for a, b in itertools.pairwise(p))

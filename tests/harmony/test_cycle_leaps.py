"""Derived function maps beyond S7 move no voice more than a third (issue 15).

The book's S5 and S7 maps move each voice by a step or a third. The maps derived for S9,
S11 and S13 used to take one voice a fourth (S9 on C3: the ninth to the next root, D -> A
under C -> A; C5 with S11 likewise); now every voice moves by a third at most, checked voice
by voice with :func:`lead` (which keeps voice order) and on ``cycle_progression`` over long
cycles, with no parallels with the bass and every voice in range.
"""

from __future__ import annotations

import itertools

import pytest

from schillinger_kernel.harmony import cycle_degrees, cycle_progression
from schillinger_kernel.harmony.voice_leading import derived_map, function_map, lead
from schillinger_kernel.harmony.voicing import diatonic_spec
from schillinger_kernel.scales import key_scale

KINDS = ("C3", "C5", "C7")
DIRECTIONS = ("positive", "negative")
STRUCTURES = ("S5", "S7", "S9", "S11", "S13")
KEYS = ("C major", "A minor", "Eb major", "F# minor", "B major", "D dorian")
BASS = range(28, 61)
UPPER = range(45, 90)


def test_s9_on_c3_moves_every_voice_by_step() -> None:
    # C E G B D -> A C E G B: D, C and B each fall a step; E and G stay
    assert derived_map("C3", "S9") == {1: 9, 3: 5, 5: 7, 7: 1, 9: 3}
    c9 = diatonic_spec("C major", 1, "S9").functions
    a9 = diatonic_spec("C major", 6, "S9").functions
    start = (60, 64, 67, 71, 74)                    # C E G B D
    assert lead([c9, a9], start, maps=[function_map("C3", "S9")])[1] == (59, 64, 67, 69, 72)


def test_s11_on_c5_has_no_leap() -> None:
    fmap = derived_map("C5", "S11")
    assert fmap[9] != 3                              # the old map's fourth (D -> G over C -> F)
    assert max(_unit_motions("C5", "S11").values()) <= 2


def _unit_motions(kind: str, structure: str) -> dict[int, int]:
    unit = {1: 0, 9: 1, 3: 2, 11: 3, 5: 4, 13: 5, 7: 6}
    fall = {"C3": 2, "C5": 4, "C7": 6}[kind]
    return {f: abs((unit[t] - (unit[f] + fall) + 3) % 7 - 3)
            for f, t in derived_map(kind, structure).items()}


@pytest.mark.parametrize("kind, structure", list(itertools.product(KINDS, STRUCTURES)))
def test_every_derived_map_moves_at_most_a_third(kind: str, structure: str) -> None:
    fmap = derived_map(kind, structure)
    assert sorted(fmap) == sorted(fmap.values())
    assert fmap[1] != 1 and fmap[5] != 5
    assert max(_unit_motions(kind, structure).values()) <= 2


@pytest.mark.parametrize("kind, structure, direction", list(itertools.product(
    KINDS, ("S9", "S11", "S13"), DIRECTIONS)))
def test_voices_led_by_maps_move_at_most_a_third(kind: str, structure: str,
                                                direction: str) -> None:
    # voice by voice (lead keeps voice order, and corrects no register, so four closures of
    # the cycle rather than 200 chords): every move 4 semitones at most
    degrees = cycle_degrees(kind, direction, 28)
    chords = [diatonic_spec("C major", d, structure).functions for d in degrees]
    start = tuple(sorted(60 + (pc - 60) % 12 for pc in chords[0].values()))
    fmap = function_map(kind, structure, direction)
    voicings = lead(chords, start, maps=[fmap] * (len(chords) - 1))
    moves = [abs(b - a) for x, y in itertools.pairwise(voicings)
             for a, b in zip(x, y, strict=True)]
    assert max(moves) <= 4


def _check_progression(key: str, kind: str | tuple[str, ...], structure: str,
                       direction: str, length: int) -> None:
    p = cycle_progression(key, kind, direction, length, structure)
    assert len(p) == length
    for c in p:
        assert c.pitches[0] in BASS
        assert all(u in UPPER and u > c.pitches[0] for u in c.pitches[1:])
        assert sorted(u % 12 for u in c.pitches[1:]) == sorted(c.pitch_classes)
    for a, b in itertools.pairwise(p):
        ba, bb = a.pitches[0], b.pitches[0]
        step = [y - x for x, y in zip(a.pitches[1:], b.pitches[1:], strict=True)]
        # the register correction moves the whole upper structure an octave
        octave = 12 * round(sum(step) / len(step) / 12)
        assert all(abs(d - octave) <= 4 for d in step), (a.pitches, b.pitches)
        for ua, ub in zip(a.pitches[1:], b.pitches[1:], strict=True):
            iv = (ua - ba) % 12
            assert not (iv in (0, 7) and (ub - bb) % 12 == iv and (ub - ua) * (bb - ba) > 0)


@pytest.mark.parametrize("kind, structure, direction", list(itertools.product(
    KINDS, ("S9", "S11", "S13"), DIRECTIONS)))
def test_cycle_progression_200_chords_without_leaps(kind: str, structure: str,
                                                    direction: str) -> None:
    _check_progression("C major", kind, structure, direction, 200)


MIXED = (*KINDS, ("C3", "C5"), ("C5", "C7"), ("C3", "C7"), ("C3", "C5", "C7"))


@pytest.mark.parametrize("key, kind, structure, direction",
                         list(itertools.product(KEYS, MIXED, STRUCTURES, DIRECTIONS)))
def test_any_key_cycle_and_structure_moves_by_thirds_at_most(
        key: str, kind: str | tuple[str, ...], structure: str, direction: str) -> None:
    # every key, single cycles, binomials and trinomials alike, 120 chords: each shorter
    # progression is a prefix of it (the first chords do not depend on the length)
    key_scale(key)  # every key drawn is a seven-unit scale
    _check_progression(key, kind, structure, direction, 120)


def test_s11_block_wider_than_two_octaves_gives_way_without_a_leap() -> None:
    # Eb major, C3+C5+C7 negative, S11, chord 56: Fm11 -> Cm11. The map's block spans 26
    # semitones, so a free move takes over; the nearest one held four common tones and
    # took G, Ab down to D, G (a fourth). Now every voice moves a third at most.
    p = cycle_progression("Eb major", ("C3", "C5", "C7"), "negative", 57, "S11")
    fm11, cm11 = p[55], p[56]
    assert (fm11.symbol, cm11.symbol) == ("Fm11", "Cm11")
    assert fm11.pitches == (41, 58, 60, 63, 65, 79, 80)
    moves = [b - a for a, b in zip(fm11.pitches[1:], cm11.pitches[1:], strict=True)]
    assert max(abs(m) for m in moves) <= 4, cm11.pitches
    assert sorted(u % 12 for u in cm11.pitches[1:]) == sorted(cm11.pitch_classes)

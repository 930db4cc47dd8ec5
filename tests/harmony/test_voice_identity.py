"""Voice leading checked voice by voice: who moves where, never sorted pitches.

A voicing is a tuple of MIDI pitches in voice order; :func:`lead` and :func:`best_move` keep
that order, so each position is one voice followed from chord to chord. Sorting the pitches
before comparing would hide a voice that jumps across its neighbour (the same pitch set,
different voices), which is what the no-crossing rule forbids.
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schillinger_kernel.harmony.voice_leading import best_move, function_map, lead

# Seventh chords as {function: pitch class}.
CMAJ7 = {1: 0, 3: 4, 5: 7, 7: 11}      # C E G B
FMAJ7 = {1: 5, 3: 9, 5: 0, 7: 4}       # F A C E
EMAJ7 = {1: 4, 3: 8, 5: 11, 7: 3}      # E G# B D#
DBMAJ7 = {1: 1, 3: 5, 5: 8, 7: 0}      # Db F Ab C
AM7 = {1: 9, 3: 0, 5: 4, 7: 7}         # A C E G
DM7 = {1: 2, 3: 5, 5: 9, 7: 0}         # D F A C
G7 = {1: 7, 3: 11, 5: 2, 7: 5}         # G B D F


def crossings(before: tuple[int, ...], after: tuple[int, ...]) -> list[tuple[int, int]]:
    """Pairs of voices (i, j) with i strictly below j before and strictly above it after."""
    return [(i, j) for i, j in itertools.permutations(range(len(before)), 2)
            if before[i] < before[j] and after[i] > after[j]]


@pytest.mark.parametrize("start, chord, expected", [
    # Fmaj7 (C E F A) to Emaj7: every voice down a semitone. Holding E in the second voice
    # and taking D# in the third moves as little but crosses them.
    ((60, 64, 65, 69), EMAJ7, (59, 63, 64, 68)),
    # Dbmaj7 (F Ab C Db) to Cmaj7: every voice down a semitone, again; keeping the common
    # tone C in the third voice would send the top voice (Db) down across it to B.
    ((65, 68, 72, 73), CMAJ7, (64, 67, 71, 72)),
])
def test_minimal_motion_never_crosses_voices(start, chord, expected) -> None:
    assert best_move(start, chord) == expected
    assert lead([DBMAJ7 if start[-1] == 73 else FMAJ7, chord], start) == (start, expected)


def test_cycle_maps_send_each_function_to_its_image() -> None:
    # C5 with S7: 1<->5, 3<->7. Cmaj7 (C E G B) to Fmaj7: C is the new fifth (holds), E the
    # new seventh (holds), G becomes the root F, B the third A.
    got = lead([CMAJ7, FMAJ7], (60, 64, 67, 71), maps=[function_map("C5", "S7")])
    assert got == ((60, 64, 67, 71), (60, 64, 65, 69))
    # C3 with S7: only the seventh moves (B down to A); C7: third, fifth and seventh move.
    assert lead([CMAJ7, AM7], (60, 64, 67, 71), maps=[function_map("C3", "S7")])[1] == (
        60, 64, 67, 69)
    # Cmaj7 to Dm7 by C7 (1->7, 7->5, 5->3, 3->1): C holds as the seventh, B->A, G->F, E->D.
    assert lead([CMAJ7, DM7], (60, 64, 67, 71), maps=[function_map("C7", "S7")])[1] == (
        60, 62, 65, 69)


def test_a_ii_v_i_voice_by_voice() -> None:
    # Dm7 (C F A D from C4) -> G7 -> Cmaj7 by minimal motion. Holding the top D would stretch
    # the four voices past their spread (14 semitones, C4-D5), so the voices move as a block:
    # C->D, F holds, A->G, D->B; then D->C, F->E while G and B hold.
    got = lead([DM7, G7, CMAJ7], (60, 65, 69, 74))
    assert got == ((60, 65, 69, 74), (62, 65, 67, 71), (60, 64, 67, 71))
    for a, b in itertools.pairwise(got):
        assert crossings(a, b) == []


SEVENTHS = [{1: r, 3: (r + a) % 12, 5: (r + b) % 12, 7: (r + c) % 12}
            for r in range(12) for a, b, c in ((4, 7, 11), (3, 7, 10), (4, 7, 10), (3, 6, 10))]


@settings(max_examples=120, deadline=None)
@given(st.lists(st.sampled_from(range(len(SEVENTHS))), min_size=2, max_size=8),
       st.permutations([1, 3, 5, 7]), st.integers(52, 64))
def test_no_voice_ever_crosses_another(chords, order, low) -> None:
    first = SEVENTHS[chords[0]]
    start, p = [], low - 1
    for f in order:  # a close voicing, the functions in the drawn order from the bottom up
        p += 1 + (first[f] - p - 1) % 12
        start.append(p)
    voicings = lead([SEVENTHS[c] for c in chords], tuple(start))
    for a, b in itertools.pairwise(voicings):
        assert crossings(a, b) == [], (a, b)

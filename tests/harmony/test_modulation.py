"""Book V: modulation through a pivot chord (common_chords, modulate)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schillinger_kernel.errors import ParameterError
from schillinger_kernel.harmony import common_chords, functions, modulate
from schillinger_kernel.pitch import NOTE_NAMES

KEYS = [f"{n} {m}" for n in NOTE_NAMES for m in ("major", "minor")]


def test_c_to_g_through_a_minor_as_ii() -> None:
    assert common_chords("C major", "G major") == ((1, 4), (3, 6), (5, 1), (6, 2))
    p = modulate("C major", "G major")
    assert p.symbols == ("C", "Am", "D7", "G")
    assert p.romans == ("IV", "ii", "V7", "I")      # named in the new key
    assert p.moves == ("pivot", "V7", "I")


def test_relative_keys_share_every_chord() -> None:
    assert len(common_chords("C major", "A minor")) == 7
    assert len(common_chords("C major", "A minor", "S13")) == 7


def test_keys_with_nothing_in_common_modulate_directly() -> None:
    assert common_chords("C major", "F# major") == ()
    p = modulate("C major", "Eb major")
    assert p.symbols == ("C", "Bb7", "Eb") and p.moves == ("direct", "I")


@settings(deadline=None)
@given(st.sampled_from(KEYS), st.sampled_from(KEYS), st.sampled_from(["S5", "S7"]))
def test_every_modulation_ends_with_v7_i_of_the_new_key(a: str, b: str, name: str) -> None:
    p = modulate(a, b, name)
    tonic = functions(b, 1, "S5")[1]
    assert p.roots[-1] == tonic
    assert (p.roots[-2] - tonic) % 12 == 7 and p.symbols[-2].endswith("7")
    # the dominant's third is the leading tone, a semitone below the new tonic
    assert (tonic - 1) % 12 in p[-2].pitch_classes
    if p.moves[0] == "pivot":
        shared = {pc for _f, pc in p[1].functions}
        # the pivot is a chord of both keys
        assert any(set(functions(a, d, name).values()) == shared for d in range(1, 8))
        assert any(set(functions(b, d, name).values()) == shared for d in range(1, 8))
    else:
        assert common_chords(a, b, name) == () or all(
            db == 5 or da == 1 for da, db in common_chords(a, b, name))
    assert all(abs(x - y) <= 12 for c, d in itertools.pairwise(p)
               for x, y in zip(c.pitches[1:], d.pitches[1:], strict=True))


def test_modulation_bad_input() -> None:
    with pytest.raises(ParameterError):
        modulate("C major", "C major pentatonic")
    with pytest.raises(ParameterError):
        common_chords("C major", "G major", "S1")
    with pytest.raises(ValueError):
        modulate("C major", "H major")

"""Chord symbols and numerals a musician can read back, and scale names that follow the tonic.

Found by mutation testing (issue 19): a seventh chord with a suspended fourth was named
``C11sus4`` (which our own parser refused), the raised leading-tone chord of a minor key was
numbered ``bi°``, and a scale moved to another tonic kept its old name.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schillinger_kernel.harmony.chords import chord_symbol, parse_chord_symbol, roman_numeral
from schillinger_kernel.scales import from_intervals, key_scale, scale

# qualities as intervals over the root, each with the symbol suffix a lead sheet uses
QUALITIES = {
    "": (0, 4, 7), "m": (0, 3, 7), "7": (0, 4, 7, 10), "maj7": (0, 4, 7, 11),
    "m7": (0, 3, 7, 10), "sus4": (0, 5, 7), "sus2": (0, 2, 7), "7sus4": (0, 5, 7, 10),
    "9sus4": (0, 5, 7, 10, 2), "7sus2": (0, 2, 7, 10), "9": (0, 4, 7, 10, 2),
    "m9": (0, 3, 7, 10, 2), "dim7": (0, 3, 6, 9), "m7b5": (0, 3, 6, 10),
}


@pytest.mark.parametrize("suffix, intervals", list(QUALITIES.items()))
def test_symbols_are_the_lead_sheet_names(suffix: str, intervals: tuple[int, ...]) -> None:
    assert chord_symbol(0, intervals) == "C" + suffix


@given(st.integers(0, 11), st.sampled_from(sorted(QUALITIES)))
def test_every_symbol_we_write_we_read_back(root: int, suffix: str) -> None:
    pcs = {(root + i) % 12 for i in QUALITIES[suffix]}
    back_root, functions = parse_chord_symbol(chord_symbol(root, pcs))
    assert back_root == root and set(functions.values()) == pcs


@pytest.mark.parametrize("key, root, third, fifth", [
    ("A minor", 8, 11, 2),   # G# B D in A minor
    ("C minor", 11, 2, 5),   # B D F in C minor
    ("E minor", 3, 6, 9),    # D# F# A in E minor
])
def test_the_raised_leading_tone_of_a_minor_key_is_vii(key: str, root: int, third: int,
                                                       fifth: int) -> None:
    assert roman_numeral(root, {1: root, 3: third, 5: fifth}, key_scale(key)) == "vii°"


def test_chromatic_roots_keep_their_flat_names_in_major() -> None:
    major = key_scale("C major")
    assert roman_numeral(8, {1: 8, 3: 0, 5: 3}, major) == "bVI"
    assert roman_numeral(1, {1: 1, 3: 5, 5: 8}, major) == "bII"
    assert roman_numeral(10, {1: 10, 3: 2, 5: 5}, major) == "bVII"


@pytest.mark.parametrize("name, tonic, expected", [
    ("C major", "G", "G major"), ("A harmonic minor", "C", "C harmonic minor"),
    ("D dorian", "E", "E dorian"), ("C major", "C", "C major"),
])
def test_a_scale_moved_to_a_tonic_is_named_for_it(name: str, tonic: str, expected: str) -> None:
    assert scale(name).in_key(tonic).name == expected


def test_a_moved_scale_without_a_tonic_in_its_name_keeps_its_name() -> None:
    assert scale("C major").expand(2).in_key("D").name == "D major E2"
    assert scale("C major").transpose(12).name == "C major"
    assert from_intervals((2, 2, 2, 1, 2, 3), name="my scale").in_key("D").name == "my scale"

"""Book V additions: negative structures and the pitch material of Type III harmony."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import schillinger_kernel as sk
from schillinger_kernel.errors import ParameterError
from schillinger_kernel.harmony import (
    STRUCTURES,
    structure,
    symmetric_structure,
    type_iii,
    type_iii_scale,
)
from schillinger_kernel.scales import key_scale

NAMES = ["c", "db", "d", "eb", "e", "f", "f#", "g", "ab", "a", "a#", "b"]


def test_negative_s5_from_c_is_c_a_f() -> None:
    # the issue / Book V: negative S(5), c = -1, a = -3, f = -5
    assert [NAMES[p % 12] for p in structure("C major", 1, "S5", negative=True)] == ["c", "a", "f"]
    assert structure("C major", 1, "S5", negative=True) == (60, 57, 53)
    assert sk.harmony.structure("C major", 1, "S5", negative=True) == (60, 57, 53)


def test_negative_s7_on_g_and_in_minor() -> None:
    assert structure("C major", 5, "S7", negative=True) == (67, 64, 60, 57)   # g e c a
    assert structure("A minor", 1, "S5", negative=True) == (69, 65, 62)       # a f d


@settings(deadline=None)
@given(st.sampled_from(["C major", "A minor", "Eb major", "F# dorian"]), st.integers(1, 7),
       st.sampled_from(sorted(STRUCTURES)))
def test_negative_structure_is_the_positive_one_mirrored_in_scale_units(key, degree, name):
    sc = key_scale(key)
    pos = structure(key, degree, name, octave=5)
    neg = structure(key, degree, name, octave=5, negative=True)
    base = sc.index_of(pos[0], sc.tonic)
    assert neg[0] == pos[0]
    # same root; unit k above becomes unit k below
    assert [sc.index_of(p, sc.tonic) - base for p in pos] == \
        [base - sc.index_of(p, sc.tonic) for p in neg]
    assert all(a > b for a, b in itertools.pairwise(neg))


def test_negative_structure_bad_input() -> None:
    with pytest.raises(TypeError):
        structure("C major", 1, "S5", negative="yes")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="outside MIDI"):
        structure("C major", 1, "S13", octave=-1, negative=True)


def test_type_iii_scale_of_c_and_f_sharp_with_s1() -> None:
    # the example: C and F# with S1 give c db e f# g a#
    assert [NAMES[pc] for pc in type_iii_scale("C", 2, "S1")] == ["c", "db", "e", "f#", "g", "a#"]
    assert sk.harmony.type_iii_scale(0, 2, "S1") == (0, 1, 4, 6, 7, 10)


def test_type_iii_scale_starts_on_the_tonic() -> None:
    # D F A and G# B D#, listed from d
    assert type_iii_scale("D", 2, "S2") == (2, 3, 5, 8, 9, 11)
    assert type_iii_scale("C", 3, "S3") == (0, 4, 8)          # augmented triads coincide
    assert len(type_iii_scale("C", 12, "S1")) == 12


@settings(deadline=None)
@given(st.integers(0, 11), st.sampled_from([1, 2, 3, 4, 6, 12]),
       st.sampled_from(["S1", "S2", "S3", "S4"]))
def test_type_iii_scale_holds_every_chord_of_the_progression(tonic, n, name):
    pcs = type_iii_scale(tonic, n, name)
    assert pcs[0] == tonic and len(set(pcs)) == len(pcs)
    for t in sk.scales.symmetric_tonics(n, tonic):
        assert {p % 12 for p in symmetric_structure(60 + t % 12, name)} <= set(pcs)
    if n > 1:
        for chord in type_iii(tonic, n, name):
            assert set(chord.pitch_classes) <= set(pcs)
    # a symmetric scale: moving by 12/n maps it onto itself
    assert {(p + 12 // n) % 12 for p in pcs} == set(pcs)


@pytest.mark.parametrize("args", [("C", 5, "S1"), ("C", 2, "S5"), ("C", 2, "S9")])
def test_type_iii_scale_bad_input(args) -> None:
    with pytest.raises(ParameterError):
        type_iii_scale(*args)

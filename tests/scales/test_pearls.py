"""Book II, Ch. 8: the string of pearls (small scales strung on symmetric tonics)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schillinger_kernel.errors import ParameterError, ParameterTypeError
from schillinger_kernel.scales import (
    displacement,
    pearl_forms,
    string_of_pearls,
    symmetric_scale,
    symmetric_system,
    symmetric_tonics,
)


def test_string_of_pearls_worked_example() -> None:
    # c d eb strung on the three tonics of two octaves (c, g#, e'): every section alike
    s = string_of_pearls(3, (2, 1), octaves=2)
    assert tuple(s) == (0, 2, 3, 8, 10, 11, 16, 18, 19)
    assert s.span == 24
    # in one octave on the augmented triad's tonics
    assert tuple(string_of_pearls(3, (1, 2))) == (0, 1, 3, 4, 5, 7, 8, 9, 11)
    assert tuple(string_of_pearls(3, (1, 2), "D")) == (2, 3, 5, 6, 7, 9, 10, 11, 13)


def test_pearls_in_turn() -> None:
    # two pearls alternate on the four tonics of the diminished seventh
    assert string_of_pearls(4, [(1,), (2,)]).pitch_classes == (0, 1, 3, 5, 6, 7, 9, 11)
    # the empty pearl is the tonic alone: a string without pearls is the tonics
    assert tuple(string_of_pearls(12, (), octaves=5)) == symmetric_tonics(12, octaves=5)


def test_a_filled_pearl_is_the_symmetric_scale() -> None:
    assert string_of_pearls(2, (2, 1, 2, 1), fill=True) == symmetric_scale(2, (2, 1, 2, 1))
    assert tuple(string_of_pearls(3, (3, 5), octaves=2, fill=True)) == tuple(
        symmetric_system(8, (3, 5)))


def test_pearl_forms() -> None:
    forms = pearl_forms(2, (2, 1))
    assert [tuple(f) for f in forms] == [(0, 2, 3, 6, 8, 9), (0, 1, 3, 6, 7, 9)]
    assert len(pearl_forms(3, (1, 1, 2), octaves=2)) == 3


def test_refusals_say_what_is_allowed() -> None:
    with pytest.raises(ParameterError, match="less than 4"):
        string_of_pearls(3, (2, 2))
    with pytest.raises(ParameterError, match="at most 4"):
        string_of_pearls(3, (3, 2), fill=True)
    with pytest.raises(ParameterError, match="divisor"):
        string_of_pearls(5, (1,), octaves=2)
    with pytest.raises(ParameterTypeError):
        string_of_pearls(3, "21")  # type: ignore[arg-type]
    with pytest.raises(ParameterError):
        string_of_pearls(3, (0, 1))
    with pytest.raises(ParameterTypeError):
        pearl_forms(3, ())


_STRINGS = st.sampled_from([(n, o) for o in (1, 2, 3, 5) for n in range(1, 12 * o + 1)
                            if (12 * o) % n == 0 and (o > 1 or n in (1, 2, 3, 4, 6, 12))])


@given(_STRINGS, st.lists(st.lists(st.integers(1, 6), max_size=4), min_size=1, max_size=3),
       st.integers(0, 11))
def test_every_section_starts_on_its_tonic_and_holds_its_pearl(
        string: tuple[int, int], pearls: list[list[int]], tonic: int) -> None:
    n, octaves = string
    section = 12 * octaves // n
    pearls = [p for p in pearls if sum(p) < section] or [[]]
    s = string_of_pearls(n, pearls, tonic, octaves=octaves)
    tonics = symmetric_tonics(n, tonic, octaves=octaves)
    assert s.span == 12 * octaves
    for i, t in enumerate(tonics):
        inside = [p for p in s if t <= p < t + section]
        # the section holds exactly the pearl's shape on its tonic, and a gap before the next
        steps = pearls[i % len(pearls)]
        assert inside == [t + sum(steps[:k]) for k in range(len(steps) + 1)]
        assert inside[-1] < t + section


@given(_STRINGS, st.lists(st.integers(1, 5), min_size=1, max_size=4), st.integers(0, 11))
def test_pearl_forms_are_displacements(string: tuple[int, int], pearl: list[int],
                                       tonic: int) -> None:
    n, octaves = string
    if sum(pearl) >= 12 * octaves // n:
        return
    forms = pearl_forms(n, pearl, tonic, octaves=octaves)
    assert len(forms) == len(displacement(pearl))
    assert forms[0] == string_of_pearls(n, pearl, tonic, octaves=octaves)
    assert all(len(f) == n * (len(pearl) + 1) for f in forms)

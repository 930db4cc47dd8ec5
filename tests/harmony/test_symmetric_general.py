"""Book V, Ch. 12: generalized symmetric progressions (roots on n equal parts of several
octaves)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schillinger_kernel.errors import ParameterError
from schillinger_kernel.harmony import symmetric_progression, type_iii
from schillinger_kernel.harmony.voice_leading import parallels_with_bass
from schillinger_kernel.scales import symmetric_tonics


def test_generalized_symmetric_worked_examples() -> None:
    # twelve parts of five octaves: roots by rising fourths, the book's positive C5
    assert symmetric_progression("C", 12, 5, length=4).symbols == ("C", "F", "Bb", "Eb")
    # three parts of two octaves (c, g#, e'): the roots of Type III on three tonics
    assert symmetric_progression("C", 3, 2, ("S1", "S2")).symbols == ("C", "Abm", "E")
    assert symmetric_progression("C", 12, 7, length=3).roots == (0, 5, 10)


@pytest.mark.parametrize("n", [2, 3, 4, 6, 12])
@pytest.mark.parametrize("direction", ["positive", "negative"])
def test_one_octave_is_type_iii(n: int, direction: str) -> None:
    assert (symmetric_progression("D", n, 1, direction=direction).roots
            == type_iii("D", n, direction=direction).roots)


_SYSTEMS = [(n, o) for o in range(1, 8) for n in range(2, 12 * o + 1)
            if (12 * o) % n == 0 and (12 * o // n) % 12 and (o > 1 or n in (2, 3, 4, 6, 12))]


@given(st.sampled_from(_SYSTEMS), st.sampled_from(["positive", "negative"]),
       st.lists(st.sampled_from(["S1", "S2", "S3", "S4"]), min_size=1, max_size=3),
       st.integers(0, 11))
def test_roots_walk_the_symmetric_tonics(system: tuple[int, int], direction: str,
                                         structures: list[str], tonic: int) -> None:
    n, octaves = system
    # twelve chords visit every root class the tonics hold
    p = symmetric_progression(tonic, n, octaves, structures, direction, min(n, 12))
    tonics = {t % 12 for t in symmetric_tonics(n, tonic, octaves=octaves)}
    assert set(p.roots) == tonics and p.roots[0] == tonic
    steps = {(b - a) % 12 for a, b in itertools.pairwise(p.roots)}
    assert len(steps) <= 1                      # one constant interval between roots
    back = symmetric_progression(tonic, n, octaves, structures,
                                 "negative" if direction == "positive" else "positive",
                                 min(n, 12))
    assert {(a - b) % 12 for a, b in itertools.pairwise(back.roots)} == steps


@pytest.mark.parametrize("system", [(12, 5), (12, 7), (3, 2), (6, 5), (8, 2), (24, 2)])
def test_long_generalized_progressions_keep_the_rules(system: tuple[int, int]) -> None:
    n, octaves = system
    p = symmetric_progression("C", n, octaves, ("S1", "S2", "S3", "S4"), length=200)
    for a, b in itertools.pairwise(p):
        assert not parallels_with_bass(a.pitches[1:], b.pitches[1:], (a.pitches[0], b.pitches[0]))
        assert min(b.pitches[1:]) > b.pitches[0]
        assert 28 <= b.pitches[0] <= 60 and all(45 <= u <= 89 for u in b.pitches[1:])


def test_refusals() -> None:
    with pytest.raises(ParameterError, match="whole octaves"):
        symmetric_progression("C", 5, 5)
    with pytest.raises(ParameterError, match="divisor"):
        symmetric_progression("C", 7, 2)
    with pytest.raises(ParameterError, match="S1, S2, S3, S4"):
        symmetric_progression("C", 12, 5, "S5")

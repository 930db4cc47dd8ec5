"""Book II beyond the basics: group 4 tonics over several octaves, sliding and chained
interval interference, and the counts of scales."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schillinger_kernel import scales
from schillinger_kernel.errors import ParameterError
from schillinger_kernel.scales import (
    chained_interference,
    interval_interference,
    interval_windows,
    scale,
    scale_count,
    scales_of,
    sliding_interference,
    symmetric_system,
    symmetric_tonics,
)

# ----- group 4: symmetric tonics over several octaves -------------------------------------------

def test_symmetric_tonics_book_examples() -> None:
    # SCHILLINGER.md: n = 3 in one octave -> c e g#; group 4 spans several octaves
    assert symmetric_tonics(3) == (0, 4, 8)
    assert symmetric_tonics(3, octaves=2) == (0, 8, 16)
    assert symmetric_tonics(12, octaves=5) == tuple(range(0, 60, 5))  # the cycle of fourths
    assert symmetric_tonics(2, "D", octaves=3) == (2, 20)


def test_symmetric_tonics_agree_with_symmetric_system() -> None:
    # twelve tonics of five octaves and the system on the fourth are the same pitches
    assert symmetric_tonics(12, octaves=5) == tuple(symmetric_system(5))
    assert symmetric_tonics(3, octaves=2) == tuple(symmetric_system(8))


@pytest.mark.parametrize("n, octaves", [(5, 1), (5, 2), (7, 3), (0, 1), (25, 2), (2, 9)])
def test_symmetric_tonics_refuse_unequal_parts(n: int, octaves: int) -> None:
    with pytest.raises(ParameterError):
        symmetric_tonics(n, octaves=octaves)


@given(st.integers(1, 8), st.data())
def test_symmetric_tonics_are_equidistant(octaves: int, data: st.DataObject) -> None:
    divisors = [d for d in range(1, 12 * octaves + 1) if (12 * octaves) % d == 0]
    if octaves == 1:
        divisors = [d for d in divisors if d in (1, 2, 3, 4, 6, 12)]
    n = data.draw(st.sampled_from(divisors))
    t = symmetric_tonics(n, data.draw(st.integers(0, 11)), octaves=octaves)
    steps = {b - a for a, b in itertools.pairwise((*t, t[0] + 12 * octaves))}
    assert len(t) == n and steps == {12 * octaves // n}


# ----- sliding windows and chained interference --------------------------------------------------

def test_windows_circular_and_open() -> None:
    major = scale("C major").intervals
    assert interval_windows(major, 2) == ((2, 2), (2, 1), (1, 2), (2, 2), (2, 2), (2, 1), (1, 2))
    assert interval_windows(major, 7, circular=False) == (major,)
    assert len(interval_windows(major, 3, circular=False)) == 5


def test_sliding_interference_uses_the_book_interference() -> None:
    # each window is the book's 3+2 -> 2+1+2 on its own
    assert sliding_interference((3, 2, 3), 2, circular=False) == ((2, 1, 2), (2, 1, 2))
    assert chained_interference((3, 2, 3), 2, circular=False) == (2, 1, 2, 2, 1, 2)


@given(st.lists(st.integers(1, 7), min_size=2, max_size=10), st.data())
def test_chain_spans_size_times_the_scale(steps: list[int], data: st.DataObject) -> None:
    size = data.draw(st.integers(2, len(steps)))
    chain = chained_interference(steps, size)
    assert sum(chain) == size * sum(steps)
    windows = interval_windows(steps, size)
    assert sliding_interference(steps, size) == tuple(interval_interference(w) for w in windows)
    # converse synchronisation is symmetric: each part reads the same backwards
    for part in sliding_interference(steps, size):
        assert part == part[::-1]


def test_windows_refuse_bad_input() -> None:
    for bad in [((2,), 2), ((2, 2), 3), ((2, 0), 2), ((2, 2), 1)]:
        with pytest.raises(ValueError):
            interval_windows(*bad)
    with pytest.raises(TypeError):
        interval_windows("22", 2)  # type: ignore[arg-type]


# ----- counting scales ---------------------------------------------------------------------------

def test_scale_counts_by_units() -> None:
    # tonic fixed, n-1 of the other 11 semitones: 2048 scales of 1..12 units
    assert [scale_count(n) for n in range(1, 13)] == [math.comb(11, k) for k in range(12)]
    assert sum(scale_count(n) for n in range(1, 13)) == 2048
    # families of modes: the seven-unit scales form 66 families, the major scale one of them
    assert scale_count(7, up_to_displacement=True) == 66
    assert scale_count(12, up_to_displacement=True) == 1
    assert scale_count(6, up_to_displacement=True) == 80


@pytest.mark.parametrize("units", range(1, 13))
def test_counts_match_enumeration(units: int) -> None:
    every = scales_of(units)
    assert len(every) == scale_count(units) and all(sum(s) == 12 for s in every)
    families = scales_of(units, up_to_displacement=True)
    assert len(families) == scale_count(units, up_to_displacement=True)
    # every scale is a displacement of exactly one family representative
    reps = {min(s[i:] + s[:i] for i in range(units)) for s in every}
    assert reps == set(families)


def test_named_scales_are_among_the_counted() -> None:
    assert scale("C major").intervals in scales_of(7)
    assert scale("C major pentatonic").intervals in scales_of(5)
    assert scale_count(3, octaves=2) == math.comb(23, 2)


def test_new_names_are_exported() -> None:
    for name in ("chained_interference", "interval_windows", "scale_count", "scales_of",
                 "sliding_interference"):
        assert name in scales.__all__ and callable(getattr(scales, name))

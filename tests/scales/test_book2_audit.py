"""Audit of issue 15 (Book II): scale counts over several octaves (group 4) against brute
force, and the sliding interference against Book I's converse synchronisation."""

from __future__ import annotations

import itertools
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from schillinger_kernel.rhythm import converse_sync
from schillinger_kernel.scales import (
    chained_interference,
    interval_windows,
    scale_count,
    sliding_interference,
    symmetric_tonics,
)


def _necklaces(span: int, units: int) -> int:
    # scales with the tonic fixed at 0, counted once per family of displacements
    reps = set()
    for inner in itertools.combinations(range(1, span), units - 1):
        marks = (0, *inner, span)
        steps = tuple(b - a for a, b in itertools.pairwise(marks))
        reps.add(min(steps[i:] + steps[:i] for i in range(units)))
    return len(reps)


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 3), st.integers(1, 4))
def test_scale_counts_over_several_octaves(octaves: int, units: int) -> None:
    span = 12 * octaves
    assert scale_count(units, octaves=octaves) == math.comb(span - 1, units - 1)
    assert scale_count(units, octaves=octaves, up_to_displacement=True) == _necklaces(span,
                                                                                      units)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 6), min_size=2, max_size=8), st.data())
def test_each_window_is_book_one_converse_synchronisation(steps: list[int],
                                                           data: st.DataObject) -> None:
    size = data.draw(st.integers(2, len(steps)))
    windows = interval_windows(steps, size)
    assert sliding_interference(steps, size) == tuple(
        converse_sync(w).durations for w in windows)
    assert sum(chained_interference(steps, size)) == size * sum(steps)


def test_group_four_tonics_are_a_symmetric_system_of_fourths() -> None:
    # twelve equal parts of five octaves step by fourths and close on the fifth octave
    tonics = symmetric_tonics(12, octaves=5)
    assert {b - a for a, b in itertools.pairwise(tonics)} == {5}
    assert sorted(t % 12 for t in tonics) == list(range(12))

"""Book IV's table of axis combinations: joins, balance about the primary axis, the pairs.

The table (:func:`axis_combinations`) is checked against the melodies ``axis_melody``
draws from the same terms: a combination joins exactly where the drawn melody moves by at
most its pitch coefficient across each junction, its side of the axis is where the drawn
notes lie, and its pitch-time area is the drawn melody's step area (less the bias of
sampling each trajectory at its attacks).
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schillinger_kernel.melody import (
    AXIS_LEVELS,
    AxisTerm,
    axis_combination,
    axis_combinations,
    axis_melody,
    balancing_pairs,
    parse_terms,
    unbalancing_pairs,
)
from schillinger_kernel.scales import key_scale

MIRROR = {"0": "0", "a": "d", "b": "c", "c": "b", "d": "a"}      # about the primary axis
RETROGRADE = {"0": "0", "a": "b", "b": "a", "c": "d", "d": "c"}  # in time


def steps(key: str, text: str, n: int, axis: int = 60) -> list[int]:
    sc = key_scale(key)
    notes = axis_melody(sc, text, rhythm=(1,), T=n, axis=axis, unit=1)
    return [sc.index_of(p.pitch) - sc.index_of(axis) for p in notes]


def test_the_pairs_table() -> None:
    table = {str(c): c for c in axis_combinations(2)}
    assert len(table) == 25
    # joined: the next axis starts where the last one ended
    assert {k for k, c in table.items() if c.joined} == {
        "0 + 0", "0 + a", "0 + d", "b + 0", "b + a", "b + d", "c + 0", "c + a", "c + d",
        "a + b", "d + c"}
    assert {str(c) for c in balancing_pairs()} == {
        "a + c", "a + d", "b + c", "b + d", "c + a", "c + b", "d + a", "d + b"}
    assert {str(c) for c in unbalancing_pairs()} == {
        "a + a", "a + b", "b + a", "b + b", "c + c", "c + d", "d + c", "d + d"}
    assert table["a + b"].returns and table["d + c"].returns
    assert not table["a + b"].balanced and table["a + b"].side == "above"
    assert table["d + c"].side == "below" and table["0 + 0"].side == "on"


def test_worked_examples_drawn() -> None:
    # a + b: up and back, all above C4 (unbalancing), joined by one step at the turn
    assert steps("C major", "a + b", 4) == [0, 1, 2, 3, 4, 3, 2, 1]
    assert axis_melody("C major", "a + b", rhythm=(1, 1, 1, 1))[3:5][1].pitch == 67
    # b + d: falls through the axis, joined and balanced
    assert steps("C major", "b + d", 4) == [4, 3, 2, 1, 0, -1, -2, -3]
    assert axis_combination("b + d").joined and axis_combination("b + d").balanced
    # a + d: balanced but d starts back on the axis, a leap of three steps down
    assert steps("C major", "a + d", 4) == [0, 1, 2, 3, 0, -1, -2, -3]
    assert axis_combination("a + d").leaps == (Fraction(-1),)


def test_coefficients_weigh_the_balance() -> None:
    assert not axis_combination("a2T + dT").balanced
    assert axis_combination("a2T + d2T").balanced
    # equal peaks (amplitude 2) do not balance when one side lasts longer: pitch x time
    assert not axis_combination("aT2P + d2T").balanced
    assert axis_combination("a2T + dT4P").balanced            # 2 x 2 / 2 = 4 x 1 / 2
    assert axis_combination("a2T + dT").area == Fraction(2 * 2, 2) - Fraction(1, 2)


def test_continuity_counts_only_directions() -> None:
    c = axis_combination("a + d + c", continuous=True)
    assert c.joined
    assert c.levels == ((0, 1), (1, 0), (0, 1))
    assert axis_combination("a + d", continuous=True).levels == \
        axis_combination("a + b", continuous=True).levels


@pytest.mark.parametrize("kwargs, word", [
    ({"size": 0}, "size"), ({"size": 5}, "size"), ({"size": True}, "size"),
    ({"axes": "ae"}, "axes"), ({"axes": ()}, "axes"), ({"axes": ("a", "a")}, "axes")])
def test_bad_input(kwargs: dict[str, object], word: str) -> None:
    with pytest.raises(ValueError, match=word):
        axis_combinations(**kwargs)  # type: ignore[arg-type]


def test_a_sixth_axis_is_refused() -> None:
    with pytest.raises(ValueError, match="0, a, b, c or d"):
        axis_combination("a + e")


AXES3 = st.lists(st.sampled_from(list("0abcd")), min_size=1, max_size=3)


@settings(max_examples=60, deadline=None)
@given(AXES3, st.integers(3, 6), st.integers(1, 3),
       st.sampled_from(["C major", "A minor", "D dorian", "Eb major"]))
def test_the_table_describes_the_drawn_melody(axes: list[str], n: int, p: int,
                                              key: str) -> None:
    text = " + ".join(f"{a}T{p}P" for a in axes)
    combo = axis_combination(text)
    drawn = steps(key, text, n)
    # joins: across each junction the drawn line moves by at most the pitch coefficient
    for j, leap in enumerate(combo.leaps, start=1):
        jump = abs(drawn[j * n] - drawn[j * n - 1])
        assert (jump <= p) == (leap == 0), (text, drawn)
    # side: where the drawn notes lie about the axis
    up, down = max(drawn) > 0, min(drawn) < 0
    assert combo.side == ("both" if up and down else "above" if up else
                          "below" if down else "on")
    # area: the exact trajectory's, n x n attacks-by-steps, less the sampling bias (each
    # rising term sampled half a step per attack low, each falling one as much high)
    bias = sum({"a": -1, "c": -1, "b": 1, "d": 1, "0": 0}[a] for a in axes) * Fraction(p * n, 2)
    assert sum(drawn) == combo.area * n * n + bias


@given(AXES3)
def test_mirror_negates_and_retrograde_keeps_the_area(axes: list[str]) -> None:
    combo = axis_combination([AxisTerm(a) for a in axes])
    mirror = axis_combination([AxisTerm(MIRROR[a]) for a in axes])
    retro = axis_combination([AxisTerm(RETROGRADE[a]) for a in reversed(axes)])
    assert mirror.area == -combo.area and mirror.joined == combo.joined
    assert retro.area == combo.area and retro.joined == combo.joined
    assert retro.returns == combo.returns
    # an axis followed by its mirror balances; by its retrograde it returns
    for a in axes:
        assert axis_combination(f"{a} + {MIRROR[a]}").balanced
        assert axis_combination(f"{a} + {RETROGRADE[a]}").returns


@pytest.mark.parametrize("size", [1, 2, 3])
def test_the_table_is_every_succession_and_adds_up(size: int) -> None:
    table = axis_combinations(size)
    assert [c.axes for c in table] == list(itertools.product("0abcd", repeat=size))
    for c in table:
        assert c.area == sum(Fraction(sum(AXIS_LEVELS[a]), 2) for a in c.axes)
        assert c.joined == all(AXIS_LEVELS[x][1] == AXIS_LEVELS[y][0]
                               for x, y in itertools.pairwise(c.axes))


@given(AXES3)
def test_continuous_combinations_join_and_end_at_the_sum_of_directions(
        axes: list[str]) -> None:
    c = axis_combination([AxisTerm(a) for a in axes], continuous=True)
    assert c.joined
    assert c.levels[-1][1] == sum(AXIS_LEVELS[a][1] - AXIS_LEVELS[a][0] for a in axes)


@given(st.lists(st.tuples(st.sampled_from(list("0abcd")), st.integers(1, 4), st.integers(1, 3),
                          st.integers(0, 3)), min_size=1, max_size=4), st.booleans())
def test_the_written_combination_reads_back(terms: list[tuple[str, int, int, int]],
                                            continuous: bool) -> None:
    combo = axis_combination([AxisTerm(a, Fraction(n, d), p) for a, n, d, p in terms],
                             continuous=continuous)
    assert parse_terms(str(combo)) == combo.terms
    assert axis_combination(str(combo), continuous=continuous) == combo

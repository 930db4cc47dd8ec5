"""Book I, issue 15: the evolution of families by synchronized permutations (Ch. 13) and the
practical binomials for cubes (Ch. 12, IV)."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schillinger_kernel import rhythm as R
from schillinger_kernel.errors import ParameterError, ParameterTypeError

groups = st.lists(st.integers(1, 9), min_size=1, max_size=9).map(tuple)
non_uniform = groups.filter(lambda g: len(set(g)) > 1)


# ----- Ch. 13: evolve ---------------------------------------------------------------------------
def test_evolve_book_example() -> None:
    # 3+2+3 is a palindrome; its permutation 3+3+2 against its converse gives 2+1+2+1+2
    assert R.evolve((3, 2, 3)) == (2, 1, 2, 1, 2)
    assert R.converse_sync((3, 3, 2)) == (2, 1, 2, 1, 2)


def test_evolve_the_family_of_eight_from_the_charleston() -> None:
    # 5+3 (Ch. 13's Charleston binomial) -> trinomial -> quintinomial -> uniform: the family
    # sizes 2, 3, 5 within a determinant of 8, then no non-uniform group is left
    chain: list[tuple[int, ...]] = [(5, 3)]
    while len(set(chain[-1])) > 1:
        chain.append(R.evolve(chain[-1]).durations)
    assert chain == [(5, 3), (3, 2, 3), (2, 1, 2, 1, 2), (1,) * 8]
    assert [len(g) for g in chain[:3]] == list(R.family_sizes(3))
    assert chain[2] in R.quintinomials(8)


def test_evolve_of_a_non_palindrome_is_its_converse_synchronization() -> None:
    assert R.evolve((5, 3)) == R.converse_sync((5, 3)) == (3, 2, 3)
    assert R.evolve((2, 1, 1)) == R.converse_sync((2, 1, 1)) == (1, 1, 1, 1)


def test_evolve_takes_a_rhythm_too() -> None:
    assert R.evolve(R.interference(3, 2)) == R.evolve((2, 1, 1, 2))


@pytest.mark.parametrize("bad", [(2, 2, 2), (5,), (1, 1)])
def test_evolve_refuses_uniform_groups_saying_why(bad: tuple[int, ...]) -> None:
    with pytest.raises(ParameterError, match="uniform"):
        R.evolve(bad)


@pytest.mark.parametrize("bad, error", [
    ((), ParameterError), ((3, -1, 2), ParameterError), ((3, 0), ParameterError),
    ("32", ParameterTypeError), (5, ParameterTypeError), ((3, 2.0), ParameterTypeError),
])
def test_evolve_refuses_what_is_not_a_group(bad: object, error: type[Exception]) -> None:
    with pytest.raises(error, match="group"):
        R.evolve(bad)  # type: ignore[arg-type]


@given(non_uniform)
def test_evolve_is_a_synchronized_group_of_the_same_duration(g: tuple[int, ...]) -> None:
    e = R.evolve(g)
    assert e.period == sum(g)
    assert e.durations == e.durations[::-1]           # a palindrome ...
    assert R.converse_sync(e) == e                    # ... so its own converse synchronization
    assert len(g) < len(e) <= 2 * len(g) - 1          # grows, at most as family_sizes allows


@given(non_uniform)
def test_evolve_contains_a_rotation_and_its_converse(g: tuple[int, ...]) -> None:
    e = set(R.evolve(g).attacks)
    rotations = [g[k:] + g[:k] for k in range(len(g))]
    assert any(set(R.Rhythm(q).attacks) | set(R.Rhythm(q[::-1]).attacks) == e
               for q in rotations if q != q[::-1])


@given(non_uniform)
def test_evolve_agrees_on_a_group_and_its_converse(g: tuple[int, ...]) -> None:
    assert R.evolve(g) == R.evolve(g[::-1])


@given(non_uniform)
def test_evolving_again_and_again_ends_in_the_uniform_group(g: tuple[int, ...]) -> None:
    current: tuple[int, ...] = g
    for _ in range(sum(g)):
        if len(set(current)) == 1:
            break
        current = R.evolve(current).durations
    assert len(set(current)) == 1 and sum(current) == sum(g)


# ----- Ch. 12, IV: the practical binomials for cubes ------------------------------------------
def test_cube_binomials_book_chart_and_example() -> None:
    chart = R.cube_binomials()
    assert [c.binomial for c in chart] == [(2, 1), (1, 2)]
    two_one = chart[0]
    # (2+1)³ = 2(4+2+2+1) + (4+2+2+1) = 27: three bars of 9/8
    assert two_one.cube == (8, 4, 4, 2, 4, 2, 2, 1)
    assert two_one.square == (12, 6, 6, 3)
    assert two_one.first == (18, 9)
    assert [sum(bar) for bar in R.group(two_one.cube, 9)] == [9, 9, 9]
    # 1+2 gives the converse of these groups
    assert chart[1].cube == two_one.cube.durations[::-1]
    assert chart[1].square == two_one.square.durations[::-1]
    assert chart[1].first == two_one.first.durations[::-1]


def test_cube_binomials_follow_the_binomials_chart() -> None:
    assert [c.binomial for c in R.cube_binomials(5)] == list(R.binomials(5))
    assert R.cube_binomials(5)[1].cube == R.power((3, 2), 3)


@pytest.mark.parametrize("bad", [2, 10, 0, -3])
def test_cube_binomials_refuse_determinants_outside_the_chart(bad: int) -> None:
    with pytest.raises(ParameterError, match=r"determinant must be in 3\.\.9"):
        R.cube_binomials(bad)


def test_cube_binomials_refuse_non_ints() -> None:
    with pytest.raises(ParameterTypeError, match="determinant"):
        R.cube_binomials(3.0)  # type: ignore[arg-type]


@given(st.integers(3, 9))
def test_each_cube_lasts_the_determinant_cubed_with_coefficients_1_3_3_1(d: int) -> None:
    for c in R.cube_binomials(d):
        a, b = c.binomial
        assert a + b == d
        assert c.cube.period == c.square.period == c.first.period == d ** 3
        assert Counter(c.cube.durations) == {a**3: 1, a * a * b: 3, a * b * b: 3, b**3: 1}
        # the cube is the square multiplied by the first term, then by the second
        square = R.power(c.binomial, 2).durations
        assert c.cube == tuple(a * t for t in square) + tuple(b * t for t in square)
        assert c.square == tuple(d * t for t in square)
        assert c.first == (a * d * d, b * d * d)

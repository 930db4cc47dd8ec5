"""Book I resultants, value by value: the accents of fractioning (where the generators
coincide), the generators each pair of groups carries, the period option's boundaries and the
exact refusal for each bad pair a÷b.

The accents and generators are what the rhythm graph draws and what ``to_score`` marks, so
they are checked as closely as the durations.
"""

from __future__ import annotations

import pytest

from schillinger_kernel.errors import ParameterError, ParameterTypeError
from schillinger_kernel.rhythm import MAX_GENERATOR, MAX_PERIOD
from schillinger_kernel.rhythm.resultants import (
    balance,
    contraction,
    expansion,
    fractioning,
    fractioning_by_b,
    interference,
)


# ----- fractioning: accents where a and the restarted b coincide ---------------------------------
@pytest.mark.parametrize("a, b, durations, accents", [
    (3, 2, (2, 1, 1, 1, 1, 1, 2), (0, 3)),
    (4, 3, (3, 1, 2, 1, 1, 1, 1, 2, 1, 3), (0, 4)),
    (5, 2, (2, 2) + (1,) * 17 + (2, 2), (0, 5, 10, 15)),
    (5, 3, (3, 2, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 1, 2, 3), (0, 5, 10)),
    (5, 4, (4, 1, 3, 1, 1, 2, 1, 2, 1, 1, 3, 1, 4), (0, 5)),
    (4, 1, (1,) * 16, (0, 4, 8, 12)),
])
def test_fractioning_durations_accents_and_generators(a: int, b: int,
                                                      durations: tuple[int, ...],
                                                      accents: tuple[int, ...]) -> None:
    r = fractioning(a, b)
    assert tuple(r) == durations
    assert r.period == a * a
    assert r.accents == accents
    assert r.generators == (a, b)


def test_pairs_of_groups_carry_their_generators() -> None:
    for technique in (expansion, contraction, balance):
        assert technique(3, 2).generators == (3, 2)
        assert technique(5, 3).generators == (5, 3)
    assert balance(4, 2) == (2,) * 16 and balance(4, 2).period == 2 * 16  # no tail: m·a·b = a²


# ----- the pair a÷b: ranges, order and size -----------------------------------------------------
@pytest.mark.parametrize("a, b, message", [
    (0, 1, "a must be in 1..1000, got 0"),
    (MAX_GENERATOR + 1, 1, "a must be in 1..1000, got 1001"),
    (1, 0, "b must be in 1..1000, got 0"),
    (3, -1, "b must be in 1..1000, got -1"),
    (MAX_GENERATOR, MAX_GENERATOR + 1, "b must be in 1..1000, got 1001"),
])
def test_generators_out_of_range_name_the_generator(a: int, b: int, message: str) -> None:
    for technique in (fractioning, fractioning_by_b, expansion, contraction, balance):
        with pytest.raises(ParameterError) as info:
            technique(a, b)
        assert str(info.value) == message
        assert info.value.field == message[0]


def test_generators_must_be_ints() -> None:
    with pytest.raises(ParameterTypeError) as info:
        fractioning(3.0, 2)  # type: ignore[arg-type]
    assert info.value.field == "a"
    with pytest.raises(ParameterTypeError) as info:
        fractioning(3, True)
    assert info.value.field == "b"


@pytest.mark.parametrize("a, b", [(2, 2), (2, 3), (1, 1)])
def test_the_major_generator_comes_first(a: int, b: int) -> None:
    with pytest.raises(ParameterError) as info:
        fractioning_by_b(a, b)
    assert str(info.value) == (f"this technique needs a > b (the major generator first), "
                               f"got a={a}, b={b}")


def test_the_largest_pair_is_the_one_whose_balance_fits_the_period_limit() -> None:
    # a balance lasts 2a², so a may grow while 2a² stays within MAX_PERIOD
    largest = 707
    assert 2 * largest**2 <= MAX_PERIOD < 2 * (largest + 1) ** 2
    assert fractioning_by_b(largest, 1).period == largest**2
    with pytest.raises(ParameterError) as info:
        fractioning_by_b(largest + 1, 1)
    assert str(info.value) == (f"period {2 * (largest + 1) ** 2} is too large (at most "
                               f"{MAX_PERIOD} units); use smaller generators")
    assert info.value.field == "period"


# ----- interference: the period option ----------------------------------------------------------
def test_an_explicit_period_cuts_or_repeats_the_generators() -> None:
    assert interference(3, 2, period=1) == (1,)
    r = interference(3, 2, period=7)
    assert r == (2, 1, 1, 2, 1) and r.accents == (0, 6)
    assert interference(3, 2, period=MAX_PERIOD).period == MAX_PERIOD


@pytest.mark.parametrize("bad", [0, -6, True, False, 2.5, 6.0, "6", "LCM", None])
def test_a_bad_period_names_the_allowed_ones(bad: object) -> None:
    with pytest.raises(ParameterError) as info:
        interference(3, 2, period=bad)  # type: ignore[arg-type]
    assert str(info.value) == f"period must be 'product', 'lcm' or a positive int, got {bad!r}"


def test_an_explicit_period_over_the_limit_is_refused() -> None:
    with pytest.raises(ParameterError) as info:
        interference(3, 2, period=MAX_PERIOD + 1)
    assert info.value.field == "period"

"""Book I powers, series and charts at their edges: the bounds each function documents, the
words of each refusal (what was wrong, what is allowed, which field), and values worked by
hand rather than read back from our own output.

Written against the mutants that survived ``make mutate`` on ``rhythm/powers.py`` (an
off-by-one in a bound, a message or field dropped, a branch swapped); see
``bench/mutation.py``.
"""

from __future__ import annotations

import pytest

from schillinger_kernel.errors import ParameterError, ParameterTypeError
from schillinger_kernel.rhythm import Rhythm
from schillinger_kernel.rhythm.powers import (
    SERIES_NAMES,
    accelerate,
    binomials,
    converse_sync,
    family_sizes,
    power,
    quintinomials,
    rubato,
    series,
    synchronize,
    synchronize_power,
    trace_origin,
    trinomials,
)
from schillinger_kernel.rhythm.value import MAX_PERIOD


def _refusal(exc: pytest.ExceptionInfo[BaseException]) -> tuple[str, str | None]:
    return str(exc.value), getattr(exc.value, "field", None)


# ----- groups -----------------------------------------------------------------------------
@pytest.mark.parametrize("bad", ["21", 7, (), []])
def test_group_must_be_a_non_empty_sequence(bad: object) -> None:
    with pytest.raises(ParameterError) as exc:
        power(bad, 2)  # type: ignore[arg-type]
    assert str(exc.value) == ("group must be a non-empty sequence of positive ints, "
                              f"got {bad!r}")


@pytest.mark.parametrize("term", [0, -1, MAX_PERIOD + 1])
def test_group_terms_are_positive_and_bounded(term: int) -> None:
    with pytest.raises(ParameterError) as exc:
        power((2, term), 2)
    assert _refusal(exc) == (f"group term must be in 1..{MAX_PERIOD}, got {term}",
                             "group term")


def test_group_terms_at_the_bounds_are_accepted() -> None:
    assert power((1, MAX_PERIOD), 1) == Rhythm((1, MAX_PERIOD))
    with pytest.raises(ParameterTypeError):
        power((2, 1.5), 2)  # type: ignore[arg-type]


# ----- power ------------------------------------------------------------------------------
def test_power_multiplies_out_by_hand() -> None:
    # (2+1)^2 = 2·2 + 2·1 + 1·2 + 1·1; the first factor's term runs slowest
    assert power((2, 1), 2) == Rhythm((4, 2, 2, 1))
    assert power((3, 1), 2) == Rhythm((9, 3, 3, 1))
    # (1+2+3)^2: the order (a·a, a·b, a·c, b·a, ...)
    assert power((1, 2, 3), 2) == Rhythm((1, 2, 3, 2, 4, 6, 3, 6, 9))
    assert power((2, 1), 1) == Rhythm((2, 1))
    # (a+b)^n lasts (a+b)^n
    assert sum(power((2, 1), 5).durations) == 3 ** 5


@pytest.mark.parametrize("n", [0, 13])
def test_power_exponent_bounds(n: int) -> None:
    with pytest.raises(ParameterError) as exc:
        power((2, 1), n)
    assert _refusal(exc) == (f"n must be in 1..12, got {n}", "n")


def test_power_at_its_largest_exponent_and_term_count() -> None:
    assert power((1,), 12) == Rhythm((1,))
    assert len(power((2, 1), 12).durations) == 2 ** 12
    # 10^6 terms is the limit, one more refused: (1+...+1 ten times)^6 has exactly 10^6
    # and (eleven ones)^6 has 1 771 561
    with pytest.raises(ParameterError) as exc:
        power((1,) * 11, 6)
    assert str(exc.value) == f"power: 11^6 terms is too many (at most {MAX_PERIOD})"


def test_power_of_exactly_max_period_terms_is_allowed() -> None:
    # 10^6 = MAX_PERIOD terms: allowed (the check is "more than")
    r = power((1,) * 10, 6)
    assert len(r.durations) == MAX_PERIOD


def test_synchronize_power_scales_the_lower_power() -> None:
    # (2+1)^1 against (2+1)^2 = 9 units: each term times 3
    assert synchronize_power((2, 1), 1, 2) == Rhythm((6, 3))
    # (2+1)^1 against (2+1)^3 = 27 units: times 9
    assert synchronize_power((2, 1), 1, 3) == Rhythm((18, 9))
    assert synchronize_power((2, 1), 2, 3) == Rhythm((12, 6, 6, 3))
    assert synchronize_power((2, 1), 11, 12).durations[:2] == (3 * 2 ** 11, 3 * 2 ** 10)


@pytest.mark.parametrize(("low", "high"), [(2, 2), (3, 2)])
def test_synchronize_power_needs_low_below_high(low: int, high: int) -> None:
    with pytest.raises(ParameterError) as exc:
        synchronize_power((2, 1), low, high)
    assert str(exc.value) == (f"synchronize_power needs low < high, got low={low}, "
                              f"high={high}")


@pytest.mark.parametrize(("low", "high", "field"), [(0, 2, "low"), (1, 13, "high"),
                                                     (13, 14, "low"), (1, 0, "high")])
def test_synchronize_power_bounds(low: int, high: int, field: str) -> None:
    with pytest.raises(ParameterError) as exc:
        synchronize_power((2, 1), low, high)
    assert _refusal(exc)[1] == field
    assert f"{field} must be in 1..12" in str(exc.value)


# ----- synchronization, styles, rubato ----------------------------------------------------
def test_synchronize_repeats_to_the_common_period() -> None:
    # sums 3 and 4: LCM 12 → four and three repetitions
    a, b = synchronize((2, 1), (1, 3))
    assert a == Rhythm((2, 1) * 4) and b == Rhythm((1, 3) * 3)
    # three groups, sums 2, 3, 4: LCM 12
    x, y, z = synchronize((1, 1), (2, 1), (3, 1))
    assert (len(x.durations), len(y.durations), len(z.durations)) == (12, 8, 6)
    # equal sums: nothing repeats
    assert synchronize((2, 1), (1, 2)) == (Rhythm((2, 1)), Rhythm((1, 2)))


def test_synchronize_needs_two_groups_and_a_bounded_period() -> None:
    for groups in ((), ((2, 1),)):
        with pytest.raises(ParameterError) as exc:
            synchronize(*groups)
        assert str(exc.value) == "synchronize needs at least two groups"
    with pytest.raises(ParameterError):
        synchronize((999_983,), (999_979,))  # coprime sums: the LCM passes MAX_PERIOD


def test_converse_sync_unions_group_and_reverse() -> None:
    # 5+3: attacks 0, 5 and reversed 3+5: 0, 3 → 0, 3, 5 over 8 = 3+2+3
    assert converse_sync((5, 3)) == Rhythm((3, 2, 3))
    # 3+1+2: attacks 0, 3, 4; reversed 2+1+3: 0, 2, 3 → 0, 2, 3, 4 over 6
    assert converse_sync((3, 1, 2)) == Rhythm((2, 1, 1, 2))
    # a palindrome is its own converse
    assert converse_sync((1, 2, 1)) == Rhythm((1, 2, 1))


def test_rubato_moves_tau_from_q_to_p() -> None:
    assert rubato((3, 2), 1) == (4, 1)
    assert rubato((3, 2), -2) == (1, 4)
    assert rubato((3, 2), 0) == (3, 2)
    assert rubato([5, 5], 4) == (9, 1)


@pytest.mark.parametrize("pair", [(3,), (3, 2, 1), "32", 5])
def test_rubato_takes_a_pair(pair: object) -> None:
    with pytest.raises(ParameterError) as exc:
        rubato(pair, 1)  # type: ignore[arg-type]
    assert str(exc.value) == f"rubato takes a pair (p, q), got {pair!r}"


@pytest.mark.parametrize("tau", [2, -3, 5, -10])
def test_rubato_keeps_both_durations_positive(tau: int) -> None:
    with pytest.raises(ParameterError) as exc:
        rubato((3, 2), tau)
    assert str(exc.value) == f"tau={tau} would make a duration <= 0 in (3, 2)"


@pytest.mark.parametrize("tau", [True, 1.0, "1", None])
def test_rubato_tau_is_an_int(tau: object) -> None:
    with pytest.raises(ParameterTypeError) as exc:
        rubato((3, 2), tau)  # type: ignore[arg-type]
    assert str(exc.value) == f"tau must be an int, got {type(tau).__name__}"


# ----- series and acceleration ------------------------------------------------------------
def test_every_series_by_hand() -> None:
    assert series("natural", 5) == (1, 2, 3, 4, 5)
    assert series("arithmetic", 5) == (1, 3, 5, 7, 9)
    assert series("geometric", 6) == (1, 2, 4, 8, 16, 32)
    assert series("summation", 8) == (1, 2, 3, 5, 8, 13, 21, 34)
    assert series("summation1", 4) == (1, 2, 3, 5)
    assert series("summation2", 7) == (1, 3, 4, 7, 11, 18, 29)
    assert series("summation3", 7) == (1, 4, 5, 9, 14, 23, 37)
    assert series("primes", 10) == (1, 2, 3, 5, 7, 11, 13, 17, 19, 23)
    assert series("prime_numbers", 10) == (2, 3, 5, 7, 11, 13, 17, 19, 23, 29)
    assert SERIES_NAMES == ("natural", "arithmetic", "geometric", "summation", "summation1",
                            "summation2", "summation3", "primes", "prime_numbers")


@pytest.mark.parametrize("name", ["summation", "summation2", "summation3", "primes",
                                  "prime_numbers", "natural", "geometric"])
def test_series_of_one_and_two_terms(name: str) -> None:
    full = series(name, 6)
    assert series(name, 1) == full[:1]
    assert series(name, 2) == full[:2]


def test_series_terms_bounds() -> None:
    assert len(series("natural", 64)) == 64 and series("geometric", 64)[-1] == 2 ** 63
    for terms in (0, 65):
        with pytest.raises(ParameterError) as exc:
            series("natural", terms)
        assert _refusal(exc) == (f"terms must be in 1..64, got {terms}", "terms")


def test_unknown_series_names_the_choices() -> None:
    with pytest.raises(ParameterError) as exc:
        series("fibonacci", 4)
    assert _refusal(exc) == (
        "series must be one of natural, arithmetic, geometric, summation, summation1, "
        "summation2, summation3, primes, prime_numbers, got 'fibonacci'", "series")


def test_accelerate_by_named_and_given_series() -> None:
    # default: four terms of the series
    assert accelerate((2, 1), "natural") == Rhythm((2, 1, 4, 2, 6, 3, 8, 4))
    assert accelerate((2, 1), "summation2", 3) == Rhythm((2, 1, 6, 3, 8, 4))
    assert accelerate((1, 2), (3, 1)) == Rhythm((3, 6, 1, 2))
    with pytest.raises(ParameterError):
        accelerate((2, 1), (3, 0))


# ----- charts and families ----------------------------------------------------------------
def test_binomial_charts_by_hand() -> None:
    assert binomials(2) == ()  # 1+1 is uniform
    assert binomials(3) == ((2, 1), (1, 2))
    assert binomials(4) == ((3, 1), (1, 3))  # 2+2 uniform
    assert binomials(7) == ((6, 1), (5, 2), (4, 3), (3, 4), (2, 5), (1, 6))
    assert len(binomials(64)) == 32  # the odd a below 64, both orders


@pytest.mark.parametrize(("fn", "low", "high", "field"), [
    (binomials, 2, 64, "determinant"), (trinomials, 3, 64, "determinant"),
    (quintinomials, 5, 40, "period"), (family_sizes, 1, 32, "n")])
def test_chart_bounds(fn: object, low: int, high: int, field: str) -> None:
    assert callable(fn)
    fn(low)
    for bad in (low - 1, high + 1):
        with pytest.raises(ParameterError) as exc:
            fn(bad)
        assert _refusal(exc) == (f"{field} must be in {low}..{high}, got {bad}", field)


def test_trinomial_and_quintinomial_charts_by_hand() -> None:
    assert trinomials(3) == ()  # 1+1+1 is uniform
    assert trinomials(5) == ((3, 1, 1), (2, 2, 1), (2, 1, 2), (1, 3, 1), (1, 2, 2), (1, 1, 3))
    # 6 = 2+2+2 (uniform) and 4+1+1 ... ; common factor 2 rules out none of these but 2+2+2
    assert (2, 2, 2) not in trinomials(6) and (4, 1, 1) in trinomials(6)
    assert len(trinomials(6)) == 9
    assert quintinomials(5) == ()
    # a common factor: 2+2+2+2+2 (uniform) and 4+2+2+... never; every group sums to 10
    ten = quintinomials(10)
    assert all(sum(g) == 10 and len(g) == 5 for g in ten)
    assert (2, 2, 2, 2, 2) not in ten and (4, 2, 2, 1, 1) in ten
    assert ten[0] == (6, 1, 1, 1, 1) and ten[-1] == (1, 1, 1, 1, 6)


def test_family_sizes_by_hand() -> None:
    assert family_sizes(1) == (2,)
    assert family_sizes(2) == (2, 3)
    assert family_sizes(7) == (2, 3, 5, 9, 17, 33, 65)
    assert family_sizes(32)[-1] == 2 ** 31 + 1


# ----- tracing a resultant's origin -------------------------------------------------------
def test_trace_origin_by_hand() -> None:
    assert trace_origin((3, 2)) == (5, 3)
    assert trace_origin((2, 1, 1, 2)) == (3, 2)
    # terms past one period repeat it: r3÷2 twice
    assert trace_origin((2, 1, 1, 2, 2, 1)) == (3, 2)
    assert trace_origin((4, 1, 3, 2, 2, 3, 1, 4)) == (5, 4)


def test_trace_origin_refusals() -> None:
    with pytest.raises(ParameterError) as exc:
        trace_origin((3,))
    assert _refusal(exc) == ("trace_origin needs at least two terms", "durations")
    with pytest.raises(ParameterError) as exc:
        trace_origin((2, 2, 4))
    assert _refusal(exc) == (
        "[2, 2, 4] is uniform on 2: no two-generator resultant is singled out", "durations")
    with pytest.raises(ParameterError) as exc:
        trace_origin((2, 1, 2))
    assert _refusal(exc) == (
        "[2, 1, 2] is not the beginning of any resultant a÷b (r 3÷2 begins [2, 1, 1])",
        "durations")

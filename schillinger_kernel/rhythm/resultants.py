"""Book I resultants: interference of two to four generators, fractioning, the pairs of
groups (expansion, contraction, balance) and the three-generator techniques.

Interference periods are the **product** of the generators, as in the book
(``period="lcm"`` is an option).

>>> interference(5, 3).period, fractioning(4, 3).accents
(15, (0, 4))
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from ..checks import check_int
from ..errors import ParameterError
from .value import MAX_GENERATOR, Rhythm, check_generators, check_period, from_attacks

__all__ = [
    "FractionedGrouping", "balance", "canonical_pairs", "complementary_factors", "contraction",
    "countertheme", "expansion", "fractioning", "fractioning_by_b", "groupings", "interference",
    "summation_triples",
]


# ----- interference ---------------------------------------------------------------------------
def _period_of(gens: Sequence[int], period: str | int) -> int:
    if period == "product":
        return check_period(math.prod(gens))
    if period == "lcm":
        return check_period(math.lcm(*gens))
    if isinstance(period, int) and not isinstance(period, bool) and period >= 1:
        return check_period(period)
    raise ParameterError(f"period must be 'product', 'lcm' or a positive int, got {period!r}")


def interference(*generators: int, period: str | int = "product") -> Rhythm:
    """Resultant of the interference of 2 to 4 generators (a÷b, a÷b÷c).

    Attacks of each generator g fall at 0, g, 2g, ... inside the period (the product of the
    generators by default, as in the book; ``"lcm"`` or an explicit int otherwise). Accents
    mark where two or more generators coincide.

    >>> interference(4, 3)
    Rhythm((3, 1, 2, 2, 1, 3))
    >>> interference(6, 4)
    Rhythm((4, 2, 2, 4, 4, 2, 2, 4))
    >>> interference(6, 4, period="lcm")
    Rhythm((4, 2, 2, 4))
    >>> interference(3, 2).accents
    (0,)
    """
    gens = check_generators(generators)
    return _resultant(gens, _period_of(gens, period))


def _resultant(gens: tuple[int, ...], p: int) -> Rhythm:
    counts: dict[int, int] = {}
    for g in gens:
        for t in range(0, p, g):
            counts[t] = counts.get(t, 0) + 1
    accents = tuple(sorted(t for t, c in counts.items() if c > 1))
    return from_attacks(tuple(counts), p, gens, accents)


def canonical_pairs() -> tuple[tuple[int, int], ...]:
    """The book's 19 two-generator interferences a÷b, in the book's order.

    >>> len(canonical_pairs()), canonical_pairs()[:3]
    (19, ((3, 2), (4, 3), (5, 2)))
    """
    return ((3, 2), (4, 3), (5, 2), (5, 3), (5, 4), (6, 5), (7, 2), (7, 3), (7, 4), (7, 5),
            (7, 6), (8, 3), (8, 5), (8, 7), (9, 2), (9, 4), (9, 5), (9, 7), (9, 8))


# ----- fractioning and pairs of groups ------------------------------------------------------
def _check_major_minor(a: int, b: int) -> None:
    check_int("a", a, 1, MAX_GENERATOR)
    check_int("b", b, 1, MAX_GENERATOR)
    if a <= b:
        raise ParameterError(
            f"this technique needs a > b (the major generator first), got a={a}, b={b}")
    check_period(a * a * 2)


def fractioning(a: int, b: int) -> Rhythm:
    """Fractioning a÷b: period a²; b restarts at each of the first a-b+1 attacks of a.

    >>> fractioning(4, 3)
    Rhythm((3, 1, 2, 1, 1, 1, 1, 2, 1, 3))
    """
    _check_major_minor(a, b)
    major = [k * a for k in range(a)]
    minor = [k * a + j * b for k in range(a - b + 1) for j in range(a)]
    counts: dict[int, int] = {}
    for t in major + sorted(set(minor)):
        counts[t] = counts.get(t, 0) + 1
    accents = tuple(sorted(t for t, c in counts.items() if c > 1))
    return from_attacks(tuple(counts), a * a, (a, b), accents)


@dataclass(frozen=True)
class FractionedGrouping:
    """A fractioned resultant r a÷b barred by its minor generator b (Book I, Ch. 4).

    ``period`` is a² (one run of the resultant), ``bars`` the bars of b in one run (a
    :class:`~fractions.Fraction`, a²/b), ``runs`` the runs of the resultant needed to close on
    a bar line (the denominator of ``bars``) and ``total_bars`` the whole bars they fill.
    """

    period: int
    bars: Fraction
    runs: int
    total_bars: int


def fractioning_by_b(a: int, b: int) -> FractionedGrouping:
    """Fractioning a÷b grouped by b: how many runs of the resultant close on a bar of b.

    Book I, Ch. 4: the fractioned resultant lasts a² units, which is a²/b bars of b; "for
    instance r 3÷2: 3²/2 = 4½", so it must run twice, "2(4½) = 9" bars, before its end falls on
    a bar line. In general it runs b / gcd(a², b) times.

    Parameters
    ----------
    a, b : int
        The major and minor generators, a > b.

    Returns
    -------
    FractionedGrouping
        ``period`` (a²), ``bars`` (a²/b as a Fraction), ``runs``, ``total_bars`` (runs·a²/b).

    Examples
    --------
    >>> g = fractioning_by_b(3, 2)
    >>> g.period, g.bars, g.runs, g.total_bars
    (9, Fraction(9, 2), 2, 9)
    >>> fractioning_by_b(4, 2).runs        # 16/2 = 8 bars: closes at once
    1
    """
    _check_major_minor(a, b)
    period = a * a
    bars = Fraction(period, b)
    runs = bars.denominator
    return FractionedGrouping(period, bars, runs, int(bars * runs))


def expansion(a: int, b: int) -> Rhythm:
    """Interference a÷b followed by fractioning a÷b.

    >>> expansion(3, 2)
    Rhythm((2, 1, 1, 2, 2, 1, 1, 1, 1, 1, 2))
    """
    _check_major_minor(a, b)
    return Rhythm(interference(a, b).durations + fractioning(a, b).durations, (a, b))


def contraction(a: int, b: int) -> Rhythm:
    """Fractioning a÷b followed by interference a÷b.

    >>> contraction(3, 2)
    Rhythm((2, 1, 1, 1, 1, 1, 2, 2, 1, 1, 2))
    """
    _check_major_minor(a, b)
    return Rhythm(fractioning(a, b).durations + interference(a, b).durations, (a, b))


def balance(a: int, b: int) -> Rhythm:
    """Fractioning, then interference m = a // b times, then a sustained a² - m·a·b.

    A balance always lasts 2a².

    >>> balance(3, 2)
    Rhythm((2, 1, 1, 1, 1, 1, 2, 2, 1, 1, 2, 3))
    >>> balance(5, 2).period == 2 * 25
    True
    """
    _check_major_minor(a, b)
    m = a // b
    tail = a * a - m * a * b
    durs = fractioning(a, b).durations + interference(a, b).durations * m
    return Rhythm(durs + ((tail,) if tail else ()), (a, b))


# ----- three generators -----------------------------------------------------------------------
def complementary_factors(*generators: int) -> tuple[int, ...]:
    """Product of the generators divided by each generator.

    >>> complementary_factors(2, 3, 5)
    (15, 10, 6)
    """
    gens = check_generators(generators)
    p = check_period(math.prod(gens))
    return tuple(p // g for g in gens)


def countertheme(*generators: int) -> Rhythm:
    """Interference of the complementary factors over the product of the generators.

    >>> countertheme(2, 3, 5)
    Rhythm((6, 4, 2, 3, 3, 2, 4, 6))
    >>> countertheme(20, 30, 40).period   # factors above MAX_GENERATOR are fine
    24000
    """
    factors = complementary_factors(*generators)
    return _resultant(factors, math.prod(generators))


def groupings(*generators: int) -> tuple[int, ...]:
    """Bar lengths (units) by which the book groups the resultant of the generators, ascending.

    Book I, Ch. 6 (resultants of three generators): the product abc is grouped
    a·(bc) = b·(ac) = c·(ab), i.e. by each generator and by each complementary factor
    (:func:`complementary_factors`). *Reading:* the whole product (one bar, no grouping at
    all) is not listed. With two generators the complementary factors are the generators
    themselves, so the list is (b, a); the book's third grouping of a÷b, by the product ab,
    is again the one-bar case. Every length divides the product period.

    Parameters
    ----------
    *generators : int
        Two to four generators (a÷b, a÷b÷c, ...).

    Returns
    -------
    tuple of int
        The distinct bar lengths, ascending.

    Examples
    --------
    >>> groupings(2, 3, 5)
    (2, 3, 5, 6, 10, 15)
    >>> from schillinger_kernel.rhythm import group
    >>> [len(group(interference(2, 3, 5), bar)) for bar in groupings(2, 3, 5)]
    [15, 10, 6, 5, 3, 2]
    >>> groupings(3, 2)
    (2, 3)
    """
    gens = check_generators(generators)
    return tuple(sorted(set(gens) | set(complementary_factors(*gens))))


def summation_triples() -> tuple[tuple[int, int, int], ...]:
    """Practical triples a÷b÷c from the summation series: 2÷3÷5, 3÷5÷8, 3÷4÷7, 4÷5÷9.

    Book I, Ch. 6: three consecutive terms of summation series I (1, 2, 3, 5, 8),
    II (1, 3, 4, 7) and III (1, 4, 5, 9) (:func:`~.powers.series`), listed smallest first.

    >>> summation_triples()[0], groupings(*summation_triples()[0])
    ((2, 3, 5), (2, 3, 5, 6, 10, 15))
    """
    return ((2, 3, 5), (3, 5, 8), (3, 4, 7), (4, 5, 9))


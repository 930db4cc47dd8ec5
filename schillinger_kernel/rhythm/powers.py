"""Book I: distributive powers and their synchronization, converse synchronization,
rubato, the growth series and acceleration by them.

>>> power((2, 1), 2), converse_sync((5, 3))
(Rhythm((4, 2, 2, 1)), Rhythm((3, 2, 3)))
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from ..checks import check_int
from ..errors import ParameterError, ParameterTypeError
from .value import MAX_PERIOD, Rhythm, augment, check_period, from_attacks

__all__ = [
    "accelerate",
    "converse_sync",
    "power",
    "rubato",
    "series",
    "synchronize",
    "synchronize_power",
]

# ----- powers, styles, velocities ---------------------------------------------------------------
def _check_group(group: Sequence[int]) -> tuple[int, ...]:
    if isinstance(group, str) or not isinstance(group, Sequence) or not group:
        raise ParameterError(f"group must be a non-empty sequence of positive ints, got {group!r}")
    for d in group:
        check_int("group term", d, 1, MAX_PERIOD)
    return tuple(group)


def power(group: Sequence[int], n: int) -> Rhythm:
    """Distributive power: (a+b+...)^n multiplied out without collecting terms.

    >>> power((2, 1), 3)
    Rhythm((8, 4, 4, 2, 4, 2, 2, 1))
    """
    g = _check_group(group)
    check_int("n", n, 1, 12)
    if len(g) ** n > MAX_PERIOD:
        raise ParameterError(f"power: {len(g)}^{n} terms is too many (at most {MAX_PERIOD})")
    terms: tuple[int, ...] = (1,)
    for _ in range(n):
        terms = tuple(x * t for x in g for t in terms)
    return Rhythm(terms)


def synchronize_power(group: Sequence[int], low: int, high: int) -> Rhythm:
    """The lower power's terms scaled by sum(group)^(high-low), to last as long as the higher.

    >>> synchronize_power((2, 1), 1, 2)
    Rhythm((6, 3))
    """
    g = _check_group(group)
    check_int("low", low, 1, 12)
    check_int("high", high, 1, 12)
    if low >= high:
        raise ParameterError(f"synchronize_power needs low < high, got low={low}, high={high}")
    return augment(power(g, low), sum(g) ** (high - low))


def synchronize(*groups: Sequence[int]) -> tuple[Rhythm, ...]:
    """Each group repeated until all close together (their common period, the LCM of sums).

    >>> synchronize((2, 1), (1, 1, 2))
    (Rhythm((2, 1, 2, 1, 2, 1, 2, 1)), Rhythm((1, 1, 2, 1, 1, 2, 1, 1, 2)))
    """
    if len(groups) < 2:
        raise ParameterError("synchronize needs at least two groups")
    gs = [_check_group(g) for g in groups]
    p = check_period(math.lcm(*(sum(g) for g in gs)))
    return tuple(Rhythm(g * (p // sum(g))) for g in gs)


def converse_sync(group: Sequence[int]) -> Rhythm:
    """Evolution of styles: union of the attacks of a group and of its reverse.

    >>> converse_sync((5, 3)), converse_sync((3, 2))
    (Rhythm((3, 2, 3)), Rhythm((2, 1, 2)))
    """
    g = _check_group(group)
    a = Rhythm(g).attacks
    b = Rhythm(g[::-1]).attacks
    return from_attacks(tuple(set(a) | set(b)), sum(g))


def rubato(pair: Sequence[int], tau: int) -> tuple[int, int]:
    """Variable velocity: (p, q) -> (p + tau, q - tau).

    >>> rubato((3, 2), 1)
    (4, 1)
    """
    if isinstance(pair, str) or not isinstance(pair, Sequence) or len(pair) != 2:
        raise ParameterError(f"rubato takes a pair (p, q), got {pair!r}")
    p, q = _check_group(pair)
    if isinstance(tau, bool) or not isinstance(tau, int):
        raise ParameterTypeError(f"tau must be an int, got {type(tau).__name__}")
    if p + tau <= 0 or q - tau <= 0:
        raise ParameterError(f"tau={tau} would make a duration <= 0 in ({p}, {q})")
    return p + tau, q - tau


def series(name: str, terms: int) -> tuple[int, ...]:
    """First ``terms`` of a named series: natural, arithmetic (odd numbers), geometric (powers
    of two), summation (1, 2, 3, 5, 8, ...), primes.

    >>> series("summation", 6), series("primes", 5)
    ((1, 2, 3, 5, 8, 13), (2, 3, 5, 7, 11))
    """
    check_int("terms", terms, 1, 64)
    if name == "natural":
        return tuple(range(1, terms + 1))
    if name == "arithmetic":
        return tuple(range(1, 2 * terms, 2))
    if name == "geometric":
        return tuple(2 ** i for i in range(terms))
    if name == "summation":
        out = [1, 2]
        while len(out) < terms:
            out.append(out[-1] + out[-2])
        return tuple(out[:terms])
    if name == "primes":
        ps: list[int] = []
        n = 2
        while len(ps) < terms:
            if all(n % p for p in ps):
                ps.append(n)
            n += 1
        return tuple(ps)
    raise ParameterError(
        f"series must be one of natural, arithmetic, geometric, summation, primes, "
                     f"got {name!r}")


def accelerate(group: Sequence[int], series: str | Sequence[int], terms: int = 4) -> Rhythm:
    """The group multiplied by successive terms of a series (a name or explicit terms).

    ``series`` names one of :func:`series` (``terms`` terms of it) or gives the terms.

    >>> accelerate((2, 1), "natural", 3)
    Rhythm((2, 1, 4, 2, 6, 3))
    >>> accelerate((2, 1), (3, 2, 1))
    Rhythm((6, 3, 4, 2, 2, 1))
    """
    g = _check_group(group)
    ks = _series(series, terms) if isinstance(series, str) else _check_group(series)
    return Rhythm(tuple(d * k for k in ks for d in g))


_series = series  # accelerate's argument is named ``series`` as in the spec

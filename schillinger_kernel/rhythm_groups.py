"""Book I, continued: distribution and coordination, permutations, distributive powers,
evolution of styles and variable velocities. Re-exported by :mod:`schillinger_kernel.rhythm`.

>>> from schillinger_kernel.rhythm import power, converse_sync
>>> power((2, 1), 2), converse_sync((5, 3))
(Rhythm((4, 2, 2, 1)), Rhythm((3, 2, 3)))
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from .rhythm import (
    MAX_PERIOD,
    Rhythm,
    _as_rhythm,
    _check_int,
    _check_period,
    augment,
    from_attacks,
)

T = TypeVar("T")

# ----- distribution and coordination -----------------------------------------------------------
def distribution_closure(rhythm: Sequence[int], places: int) -> tuple[int, int]:
    """How often the rhythm and the cycle of places run before they close together.

    >>> from schillinger_kernel.rhythm import interference
    >>> distribution_closure(interference(3, 2), 2)   # 1 rhythm, 2 cycles of 2 drums
    (1, 2)
    """
    n = len(_as_rhythm(rhythm).attacks)
    _check_int("places", places, 1, 1000)
    g = math.gcd(n, places)
    return places // g, n // g


def distribute(rhythm: Sequence[int], places: int | Sequence[T]) -> dict[Any, Rhythm]:
    """Deal the attacks of a rhythm cyclically to ``places`` (instruments, chord tones, pitches).

    Runs lcm(attacks, places) attacks. Each place keeps its note until its own next attack,
    so each gets its own resultant over the closed cycle (a leading rest when its first attack
    comes later; the last note is held to the end of the cycle, where the loop continues it).
    ``places`` is a count (keys 0..n-1) or a sequence of labels; a label that occurs more
    than once (a motif C D C) gathers the attacks of all its places.

    >>> from schillinger_kernel.rhythm import interference
    >>> distribute(interference(3, 2), ("kick", "snare"))
    {'kick': Rhythm((3, 3)), 'snare': Rhythm((-2, 2, 2))}
    >>> distribute(interference(3, 2), ("C", "D", "C"))["C"]
    Rhythm((3, 1, 4, 1, 3, 2, 2, 2))
    """
    r = _as_rhythm(rhythm)
    labels: tuple[Any, ...]
    if isinstance(places, int) and not isinstance(places, bool):
        labels = tuple(range(_check_int("places", places, 1, 1000)))
    elif isinstance(places, Sequence) and not isinstance(places, str) and places:
        labels = tuple(places)
    else:
        raise ValueError(f"places must be a positive int or a non-empty sequence, got {places!r}")
    runs, _ = distribution_closure(r, len(labels))
    cycle = r.period * runs
    _check_period(cycle)
    attacks = [a + k * r.period for k in range(runs) for a in r.attacks]
    dealt: dict[Any, list[int]] = {}
    for i, label in enumerate(labels):
        dealt.setdefault(label, []).extend(attacks[i::len(labels)])
    out: dict[Any, Rhythm] = {}
    for label, got in dealt.items():
        mine = sorted(got)
        durs: list[int] = [-mine[0]] if mine[0] else []
        durs += [b - a for a, b in zip(mine, [*mine[1:], cycle], strict=True)]
        out[label] = Rhythm(tuple(durs))
    return out


@dataclass(frozen=True)
class Coordination:
    """Synchronisation of an attack group with a duration group (Book I, coordination)."""

    attacks: int
    period: int
    bars: int | None
    rhythm_runs: int
    group_runs: int


def coordinate(rhythm: Sequence[int], attacks: int, places: int = 1,
               bar: int | None = None) -> Coordination:
    """Common cycle of a group of ``attacks`` (e.g. pitches) and a duration group.

    A = lcm(attacks, attacks of the rhythm, places); period = rhythm period · A / attacks of
    the rhythm; with ``bar`` (units), bars = lcm(period, bar) / bar.

    >>> from schillinger_kernel.rhythm import interference
    >>> c = coordinate(interference(3, 2), 5)
    >>> c.attacks, c.period, c.rhythm_runs, c.group_runs
    (20, 30, 5, 4)
    >>> coordinate(interference(3, 2), 5, bar=4).bars
    15
    """
    r = _as_rhythm(rhythm)
    _check_int("attacks", attacks, 1, 10_000)
    _check_int("places", places, 1, 10_000)
    n = len(r.attacks)
    if n == 0:
        raise ValueError("rhythm has no attacks (only rests)")
    a_total = math.lcm(attacks, n, places)
    period = _check_period(r.period * a_total // n)
    bars = None
    if bar is not None:
        _check_int("bar", bar, 1, MAX_PERIOD)
        bars = math.lcm(period, bar) // bar
    return Coordination(a_total, period, bars, a_total // n, a_total // attacks)


# ----- permutations ---------------------------------------------------------------------------
def _items(items: Sequence[T] | str, limit: int = 10, what: str = "permutations"
           ) -> tuple[Any, ...]:
    if isinstance(items, (str | bytes, Sequence)):
        seq = tuple(items)
        if not seq:
            raise ValueError("items must not be empty")
        if len(seq) > limit:
            raise ValueError(f"items: at most {limit} elements for {what}, got {len(seq)}")
        return seq
    raise TypeError(f"items must be a sequence, got {type(items).__name__}")


def _shape(items: Any, perms: list[tuple[Any, ...]]) -> tuple[Any, ...]:
    seen: dict[tuple[Any, ...], None] = dict.fromkeys(perms)
    if isinstance(items, str):
        return tuple("".join(p) for p in seen)
    if isinstance(items, Rhythm):
        return tuple(Rhythm(p) for p in seen)
    return tuple(seen)


def general_permutations(items: Sequence[T] | str) -> tuple[Any, ...]:
    """All arrangements in Schillinger's table order (distinct ones when elements repeat).

    The last element is inserted into each arrangement of the others, from the right end
    leftwards.

    >>> general_permutations((2, 1, 1))
    ((2, 1, 1), (1, 2, 1), (1, 1, 2))
    """
    seq = _items(items)
    perms: list[tuple[Any, ...]] = [(seq[0],)]
    for x in seq[1:]:
        perms = [(*p[:i], x, *p[i:]) for p in perms for i in range(len(p), -1, -1)]
    return _shape(items, perms)


def circular_permutations(items: Sequence[T] | str,
                          direction: str = "clockwise") -> tuple[Any, ...]:
    """Circular permutations: clockwise = successive left rotations; counter-clockwise =
    the tail reversed, then rotated.

    >>> circular_permutations("abc"), circular_permutations("abc", "counterclockwise")
    (('abc', 'bca', 'cab'), ('acb', 'cba', 'bac'))
    """
    seq = _items(items, 1000, "circular permutations")
    if direction not in ("clockwise", "counterclockwise", "counter-clockwise"):
        raise ValueError(f"direction must be 'clockwise' or 'counterclockwise', got {direction!r}")
    if direction != "clockwise":
        seq = (seq[0], *reversed(seq[1:]))
    perms = [seq[i:] + seq[:i] for i in range(len(seq))]
    return _shape(items, perms)


def permutations(items: Sequence[T] | str, circular: bool = False,
                 direction: str = "clockwise") -> tuple[Any, ...]:
    """General (table order) or circular permutations of durations, accents or groups.

    >>> permutations((2, 1, 1), circular=True)
    ((2, 1, 1), (1, 1, 2), (1, 2, 1))
    """
    if circular:
        return circular_permutations(items, direction)
    return general_permutations(items)


def _group_of(x: int | Sequence[T]) -> tuple[Any, ...]:
    if isinstance(x, int) and not isinstance(x, bool):
        return (x,)
    if isinstance(x, Sequence) and len(x):
        return tuple(x)
    raise ValueError(f"a group must be an int or a non-empty sequence, got {x!r}")


def higher_order(a: int | Sequence[T] | str, b: int | Sequence[T] | str,
                 order: int) -> tuple[Any, Any]:
    """Permutations of higher order: a_n = a_(n-1) + b_(n-1), b_n = b_(n-1) + a_(n-1).

    ``+`` joins groups; a_1 = a and b_1 = b. Two strings give strings.

    >>> higher_order((2, 1), (1, 2), 3)
    ((2, 1, 1, 2, 1, 2, 2, 1), (1, 2, 2, 1, 2, 1, 1, 2))
    >>> higher_order("a", "b", 3)
    ('abba', 'baab')
    """
    x, y = _group_of(a), _group_of(b)
    _check_int("order", order, 1, 16)
    for _ in range(order - 1):
        x, y = x + y, y + x
    if isinstance(a, str) and isinstance(b, str):
        return "".join(x), "".join(y)
    return x, y


def homogeneous_continuity(elements: Sequence[T] | str) -> tuple[Any, ...]:
    """k parts from k elements: part p plays the circular rotations p, p+1, ... in turn.

    A string gives strings.

    >>> homogeneous_continuity((2, 1, 1))
    ((2, 1, 1, 1, 1, 2, 1, 2, 1), (1, 1, 2, 1, 2, 1, 2, 1, 1), (1, 2, 1, 2, 1, 1, 1, 1, 2))
    >>> homogeneous_continuity("abc")
    ('abcbcacab', 'bcacababc', 'cababcbca')
    """
    seq = _items(elements, 100, "homogeneous continuity")
    k = len(seq)
    rotations = [seq[i:] + seq[:i] for i in range(k)]
    parts = tuple(sum((rotations[(p + j) % k] for j in range(k)), ()) for p in range(k))
    if isinstance(elements, str):
        return tuple("".join(part) for part in parts)
    return parts


# ----- powers, styles, velocities ---------------------------------------------------------------
def _check_group(group: Sequence[int]) -> tuple[int, ...]:
    if isinstance(group, str) or not isinstance(group, Sequence) or not group:
        raise ValueError(f"group must be a non-empty sequence of positive ints, got {group!r}")
    for d in group:
        _check_int("group term", d, 1, MAX_PERIOD)
    return tuple(group)


def power(group: Sequence[int], n: int) -> Rhythm:
    """Distributive power: (a+b+...)^n multiplied out without collecting terms.

    >>> power((2, 1), 3)
    Rhythm((8, 4, 4, 2, 4, 2, 2, 1))
    """
    g = _check_group(group)
    _check_int("n", n, 1, 12)
    if len(g) ** n > MAX_PERIOD:
        raise ValueError(f"power: {len(g)}^{n} terms is too many (at most {MAX_PERIOD})")
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
    _check_int("low", low, 1, 12)
    _check_int("high", high, 1, 12)
    if low >= high:
        raise ValueError(f"synchronize_power needs low < high, got low={low}, high={high}")
    return augment(power(g, low), sum(g) ** (high - low))


def synchronize(*groups: Sequence[int]) -> tuple[Rhythm, ...]:
    """Each group repeated until all close together (their common period, the LCM of sums).

    >>> synchronize((2, 1), (1, 1, 2))
    (Rhythm((2, 1, 2, 1, 2, 1, 2, 1)), Rhythm((1, 1, 2, 1, 1, 2, 1, 1, 2)))
    """
    if len(groups) < 2:
        raise ValueError("synchronize needs at least two groups")
    gs = [_check_group(g) for g in groups]
    p = _check_period(math.lcm(*(sum(g) for g in gs)))
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
        raise ValueError(f"rubato takes a pair (p, q), got {pair!r}")
    p, q = _check_group(pair)
    if isinstance(tau, bool) or not isinstance(tau, int):
        raise TypeError(f"tau must be an int, got {type(tau).__name__}")
    if p + tau <= 0 or q - tau <= 0:
        raise ValueError(f"tau={tau} would make a duration <= 0 in ({p}, {q})")
    return p + tau, q - tau


def series(name: str, terms: int) -> tuple[int, ...]:
    """First ``terms`` of a named series: natural, arithmetic (odd numbers), geometric (powers
    of two), summation (1, 2, 3, 5, 8, ...), primes.

    >>> series("summation", 6), series("primes", 5)
    ((1, 2, 3, 5, 8, 13), (2, 3, 5, 7, 11))
    """
    _check_int("terms", terms, 1, 64)
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
    raise ValueError(f"series must be one of natural, arithmetic, geometric, summation, primes, "
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

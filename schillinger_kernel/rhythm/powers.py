"""Book I: distributive powers and their synchronization, converse synchronization,
rubato, the growth series and acceleration by them; the charts of Ch. 12 (binomials and
trinomials for squaring, the practical binomials for cubes, quintinomials) and the evolution
of rhythm families of Ch. 13 (family sizes, :func:`evolve`, tracing a group to its origin).

>>> power((2, 1), 2), converse_sync((5, 3))
(Rhythm((4, 2, 2, 1)), Rhythm((3, 2, 3)))
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from ..checks import check_int, check_int_sequence
from ..errors import ParameterError, ParameterTypeError
from .resultants import interference
from .value import MAX_PERIOD, Rhythm, augment, check_generators, check_period, from_attacks

__all__ = [
    "SERIES_NAMES",
    "CubedBinomial",
    "accelerate",
    "binomials",
    "converse_sync",
    "cube_binomials",
    "evolve",
    "family_sizes",
    "power",
    "quintinomials",
    "rubato",
    "series",
    "synchronize",
    "synchronize_power",
    "trace_origin",
    "trinomials",
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


_SUMMATION_SEEDS = {"summation": (1, 2), "summation1": (1, 2), "summation2": (1, 3),
                    "summation3": (1, 4)}
SERIES_NAMES = ("natural", "arithmetic", "geometric", "summation", "summation1", "summation2",
                "summation3", "primes", "prime_numbers")


def series(name: str, terms: int) -> tuple[int, ...]:
    """The first ``terms`` terms of one of the book's growth series (Book I, Ch. 6 and Ch. 14).

    - ``"natural"``: 1, 2, 3, 4, ...
    - ``"arithmetic"``: the odd numbers 1, 3, 5, 7, ...
    - ``"geometric"``: the powers of two 1, 2, 4, 8, ...
    - ``"summation"`` or ``"summation1"``: summation series I, 1, 2, 3, 5, 8, 13, ...
    - ``"summation2"``: summation series II, 1, 3, 4, 7, 11, 18, ...
    - ``"summation3"``: summation series III, 1, 4, 5, 9, 14, 23, ...
    - ``"primes"``: the book's prime series, which (Ch. 14) begins with 1: 1, 2, 3, 5, 7, 11.
    - ``"prime_numbers"``: the primes of number theory, 2, 3, 5, 7, 11, ... (what
      ``"primes"`` gave before it followed the book).

    *Reading:* each summation series starts from its two seeds (1 and 2, 3 or 4) and every
    further term is the sum of the two before it, as Ch. 6 lists them (the source of the
    practical triples 2÷3÷5, 3÷4÷7, 4÷5÷9). The book counts 1 among its primes; ours does too
    under the book's name, and ``"prime_numbers"`` keeps the other reading available.

    Parameters
    ----------
    name : str
        One of :data:`SERIES_NAMES`.
    terms : int
        How many terms, 1..64.

    Returns
    -------
    tuple of int

    Examples
    --------
    >>> series("summation", 6), series("summation2", 6), series("summation3", 6)
    ((1, 2, 3, 5, 8, 13), (1, 3, 4, 7, 11, 18), (1, 4, 5, 9, 14, 23))
    >>> series("primes", 7), series("prime_numbers", 5)
    ((1, 2, 3, 5, 7, 11, 13), (2, 3, 5, 7, 11))
    """
    check_int("terms", terms, 1, 64)
    if name == "natural":
        return tuple(range(1, terms + 1))
    if name == "arithmetic":
        return tuple(range(1, 2 * terms, 2))
    if name == "geometric":
        return tuple(2 ** i for i in range(terms))
    if name in _SUMMATION_SEEDS:
        out = list(_SUMMATION_SEEDS[name])
        while len(out) < terms:
            out.append(out[-1] + out[-2])
        return tuple(out[:terms])
    if name in ("primes", "prime_numbers"):
        ps: list[int] = []
        n = 2
        while len(ps) < terms:
            if all(n % p for p in ps):
                ps.append(n)
            n += 1
        return tuple([1, *ps][:terms]) if name == "primes" else tuple(ps)
    raise ParameterError(
        f"series must be one of {', '.join(SERIES_NAMES)}, got {name!r}", field="series")


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


# ----- charts of groups by determinant (Ch. 12) and the evolution of families (Ch. 13) --------
def _compositions(total: int, parts: int) -> list[tuple[int, ...]]:
    if parts == 1:
        return [(total,)]
    return [(first, *rest) for first in range(total - parts + 1, 0, -1)
            for rest in _compositions(total - first, parts - 1)]


def _chart(total: int, parts: int) -> tuple[tuple[int, ...], ...]:
    return tuple(c for c in _compositions(total, parts)
                 if math.gcd(*c) == 1 and len(set(c)) > 1)


def binomials(determinant: int) -> tuple[tuple[int, int], ...]:
    """The book's chart of binomials a+b for squaring, for one determinant a+b (Ch. 12).

    *Reading:* the chart lists every binomial of the determinant in both orders (a+b and its
    converse b+a), the first term descending, and leaves out the uniform group (1+1) and any
    group with a common factor (4+2 is 2·(2+1), an augmentation of a smaller determinant).

    Parameters
    ----------
    determinant : int
        The sum a+b, 2..64.

    Returns
    -------
    tuple of (int, int)

    Examples
    --------
    >>> binomials(5)
    ((4, 1), (3, 2), (2, 3), (1, 4))
    >>> binomials(6)
    ((5, 1), (1, 5))
    >>> power(binomials(3)[0], 2)
    Rhythm((4, 2, 2, 1))
    """
    check_int("determinant", determinant, 2, 64)
    return tuple((c[0], c[1]) for c in _chart(determinant, 2))


def trinomials(determinant: int) -> tuple[tuple[int, int, int], ...]:
    """The book's chart of trinomials a+b+c for squaring, for one determinant (Ch. 12).

    Same reading as :func:`binomials`: every arrangement, first terms descending, without
    uniform groups or groups with a common factor.

    Examples
    --------
    >>> trinomials(4)
    ((2, 1, 1), (1, 2, 1), (1, 1, 2))
    >>> len(trinomials(5)), trinomials(5)[0]
    (6, (3, 1, 1))
    """
    check_int("determinant", determinant, 3, 64)
    return tuple((c[0], c[1], c[2]) for c in _chart(determinant, 3))


def quintinomials(period: int) -> tuple[tuple[int, ...], ...]:
    """The quintinomials (groups of five terms) of a period (Ch. 12-13).

    Same reading as :func:`binomials`: every arrangement of five terms summing to ``period``,
    first terms descending, without uniform groups or groups with a common factor. Within a
    determinant of 9 they are the largest non-uniform family (:func:`family_sizes`).

    Examples
    --------
    >>> quintinomials(6)
    ((2, 1, 1, 1, 1), (1, 2, 1, 1, 1), (1, 1, 2, 1, 1), (1, 1, 1, 2, 1), (1, 1, 1, 1, 2))
    >>> (2, 1, 2, 1, 2) in quintinomials(8)
    True
    """
    check_int("period", period, 5, 40)
    return _chart(period, 5)


@dataclass(frozen=True)
class CubedBinomial:
    """A binomial with its first and second powers synchronized to its cube (Book I, Ch. 12).

    ``binomial`` is a+b; ``cube`` the distributive cube (8 terms, lasting (a+b)³);
    ``square`` the distributive square with each term multiplied by a+b, and ``first`` the
    binomial with each term multiplied by (a+b)², so that all three last as long as the cube
    and can sound together as theme and counterthemes.
    """

    binomial: tuple[int, int]
    first: Rhythm
    square: Rhythm
    cube: Rhythm


def cube_binomials(determinant: int = 3) -> tuple[CubedBinomial, ...]:
    """The practical binomials for cubes, each cubed and synchronized (Book I, Ch. 12, IV).

    The cube is the square multiplied by the first term, then by the second, the products
    kept in sequence: (2+1)³ = 2(4+2+2+1) + 1(4+2+2+1) = 8+4+4+2+4+2+2+1, lasting 3³ = 27
    (three bars of 9/8 with t = 1/8). The square is synchronized with the cube by the sum
    (12+6+6+3), the first power by the square of the sum (18+9).

    *Reading:* "as cubes become relatively great number-values, it is practical to limit
    them for musical purposes by the value 3": we read the value as the determinant a+b, so
    the book's chart is determinant 3, that is 2+1 and its converse 1+2, and that is the
    default. A larger determinant (up to 9, the largest series the book finds in music) gives
    the same chart for it, the binomials of :func:`binomials` cubed in the same way.

    Parameters
    ----------
    determinant : int
        The sum a+b, 3..9 (3, the book's practical limit, by default).

    Returns
    -------
    tuple of CubedBinomial
        One per binomial of :func:`binomials`, in its order.

    Examples
    --------
    >>> [c.binomial for c in cube_binomials()]
    [(2, 1), (1, 2)]
    >>> c = cube_binomials()[0]
    >>> c.cube, c.square, c.first
    (Rhythm((8, 4, 4, 2, 4, 2, 2, 1)), Rhythm((12, 6, 6, 3)), Rhythm((18, 9)))
    """
    check_int("determinant", determinant, 3, 9)
    return tuple(CubedBinomial(b, synchronize_power(b, 1, 3), synchronize_power(b, 2, 3),
                               power(b, 3))
                 for b in binomials(determinant))


def family_sizes(n: int) -> tuple[int, ...]:
    """Group sizes of the first ``n`` families of the evolution of rhythm (Book I, Ch. 13).

    Each family comes from the previous one by converse synchronization (a group against its
    reverse), so i_1 = 2 and i_n = 2·i_(n-1) - 1 (= 2^(n-1) + 1): 2, 3, 5, 9, 17, ...

    Examples
    --------
    >>> family_sizes(5)
    (2, 3, 5, 9, 17)
    """
    check_int("n", n, 1, 32)
    out = [2]
    while len(out) < n:
        out.append(2 * out[-1] - 1)
    return tuple(out)


def evolve(group: Sequence[int]) -> Rhythm:
    """The next family of a rhythm: its synchronized permutations (Book I, Ch. 13).

    A group is synchronized with its converse (:func:`converse_sync`): 5+3 gives 3+2+3. A
    palindrome such as 3+2+3 is its own converse, so the next family comes from its circular
    permutations: take the first one that is not a palindrome and synchronize it with its
    converse, 3+2+3 → (3+3+2) → 2+1+2+1+2. A group that is not a palindrome is its own first
    such permutation, so ``evolve`` is :func:`converse_sync` on it. The result is always a
    palindrome of the same total duration with more terms than the group (at most
    2n - 1 for n terms, the family sizes of :func:`family_sizes`), so evolving again and
    again ends in the uniform group of the determinant, which has no next family.

    *Reading:* the book synchronizes "all permutations" of a resultant; the project's
    contract takes the first non-palindromic circular permutation. The book writes the
    permutation of 3+2+3 as 3+3+2; the first left rotation is 2+3+3, its converse, which
    synchronizes to the same group (a group and its converse always do), so the rotation's
    direction does not change the result.

    Parameters
    ----------
    group : sequence of int
        Positive durations (no rests), not all equal.

    Returns
    -------
    Rhythm
        The synchronized group, lasting ``sum(group)``.

    Examples
    --------
    >>> evolve((3, 2, 3))
    Rhythm((2, 1, 2, 1, 2))
    >>> evolve((5, 3)), evolve(evolve((5, 3)))
    (Rhythm((3, 2, 3)), Rhythm((2, 1, 2, 1, 2)))
    """
    g = check_int_sequence("group", group, 1, MAX_PERIOD, min_len=1)
    for k in range(len(g)):
        rotation = g[k:] + g[:k]
        if rotation != rotation[::-1]:
            return converse_sync(rotation)
    raise ParameterError(
        f"evolve: {'+'.join(map(str, g))} is uniform, so every permutation of it is a "
        "palindrome and no further family evolves from it; give a group with unequal terms",
        field="group")


def trace_origin(durations: Sequence[int]) -> tuple[int, int]:
    """The generators (a, b) whose resultant r a÷b begins with these terms (Book I, Ch. 13).

    The book's rule for a pair p+q with p > q is r(p+q)÷p, whose resultant begins p, q. In
    general b is the first term and a the first attack that does not fall on a multiple of b;
    every given term must then agree with r a÷b (repeated when the terms run past its
    period), otherwise no two-generator resultant begins this way.

    Parameters
    ----------
    durations : sequence of int
        At least two positive terms.

    Returns
    -------
    (int, int)
        The major and minor generator, a > b.

    Examples
    --------
    >>> trace_origin((3, 2))
    (5, 3)
    >>> trace_origin((2, 2, 1, 1, 2, 2))
    (5, 2)
    >>> interference(*trace_origin((3, 1, 2)))
    Rhythm((3, 1, 2, 2, 1, 3))
    """
    g = _check_group(durations)
    if len(g) < 2:
        raise ParameterError("trace_origin needs at least two terms", field="durations")
    b = g[0]
    off = [t for t in itertools.accumulate(g) if t % b]
    if not off:
        raise ParameterError(
            f"{list(g)} is uniform on {b}: no two-generator resultant is singled out",
            field="durations")
    a = off[0]
    check_generators((a, b))
    r = interference(a, b).durations
    got = tuple(r[i % len(r)] for i in range(len(g)))
    if got != g:
        raise ParameterError(
            f"{list(g)} is not the beginning of any resultant a÷b (r {a}÷{b} begins "
            f"{list(got)})", field="durations")
    return a, b

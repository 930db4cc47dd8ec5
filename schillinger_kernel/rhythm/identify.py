"""Book I in reverse: which technique made this rhythm?

:func:`identify` tries every Book I technique whose period and number of durations can match
the given durations (interference of two or three generators, countertheme, fractioning,
expansion, contraction, balance, distributive powers, the circular permutations of a
resultant, and permutations of one group), each under every rotation, and ranks what fits.

>>> identify((2, 1, 1, 2))[0].technique, identify((2, 1, 1, 2))[0].generators
('interference', (3, 2))
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from ..checks import check_int
from ..errors import ParameterError
from .permutations import circular_permutations, general_permutations
from .powers import power
from .resultants import (
    balance,
    contraction,
    countertheme,
    expansion,
    fractioning,
    interference,
)
from .value import MAX_GENERATOR, Rhythm, as_rhythm

__all__ = ["MAX_IDENTIFY", "Identification", "identify"]

MAX_IDENTIFY = 4096
"""The most durations :func:`identify` looks at."""

# Rank of each technique among equally good fits: the simpler explanation first.
_ORDER = ("interference", "fractioning", "power", "expansion", "contraction", "balance",
          "countertheme", "permutations", "circular_permutations", "general_permutations")


@dataclass(frozen=True)
class Identification:
    """One way of making the rhythm with a Book I technique.

    ``technique`` and ``generators`` (plus ``options``) name the call: for the names of
    :data:`~.techniques.TECHNIQUES`, ``technique(name, generators, **dict(options))``
    gives ``rhythm`` again; for ``"general_permutations"`` and ``"circular_permutations"``
    ``generators`` is the group whose permutations follow one another. ``rotation`` is how
    many durations the given rhythm starts into ``rhythm`` (0: from its beginning), and
    ``distance`` the sum of the absolute differences of the durations (0: exact).
    """

    technique: str
    generators: tuple[int, ...]
    rotation: int
    distance: int
    rhythm: Rhythm = field(compare=False)
    options: tuple[tuple[str, int | str], ...] = ()


def _divisor_pairs(n: int) -> Iterator[tuple[int, int]]:
    for b in range(2, math.isqrt(n) + 1):
        if n % b == 0 and b < n // b <= MAX_GENERATOR:
            yield n // b, b


def _candidates(period: int, length: int) -> Iterator[tuple[str, tuple[int, ...], Rhythm,
                                                            tuple[tuple[str, int | str], ...]]]:
    for a, b in _divisor_pairs(period):
        yield "interference", (a, b), interference(a, b), ()
    for c in range(2, round(period ** (1 / 3)) + 2):
        for b in range(c + 1, math.isqrt(period // c) + 1):
            a, rem = divmod(period, b * c)
            if not rem and b < a <= MAX_GENERATOR:
                yield "interference", (a, b, c), interference(a, b, c), ()
                yield "countertheme", (a, b, c), countertheme(a, b, c), ()
    a = math.isqrt(period)
    if a * a == period:
        for b in range(1, a):
            yield "fractioning", (a, b), fractioning(a, b), ()
    a = math.isqrt(period // 2)
    if 2 * a * a == period:
        for b in range(1, a):
            yield "balance", (a, b), balance(a, b), ()
    for a in range(2, math.isqrt(period) + 1):
        rest = period - a * a
        if rest > 0 and rest % a == 0 and rest // a < a:
            b = rest // a
            yield "expansion", (a, b), expansion(a, b), ()
            yield "contraction", (a, b), contraction(a, b), ()
    for n in (2, 3, 4):
        k = round(length ** (1 / n))
        s = round(period ** (1 / n))
        if k >= 2 and k ** n == length and s ** n == period and s <= 24:
            for group in _compositions(s, k):
                yield "power", group, power(group, n), (("n", n),)
    for a, b in _divisor_pairs_any(period, length):
        base = interference(a, b)
        yield ("permutations", (a, b), Rhythm(sum(circular_permutations(base.durations), ())),
               ())


def _divisor_pairs_any(period: int, length: int) -> Iterator[tuple[int, int]]:
    # circular permutations of r a÷b last len(r)·a·b units in len(r)² durations
    k = math.isqrt(length)
    if k * k != length or period % k:
        return
    yield from ((a, b) for a, b in _divisor_pairs(period // k) if len(interference(a, b)) == k)


def _compositions(total: int, parts: int) -> Iterator[tuple[int, ...]]:
    if parts == 1:
        yield (total,)
        return
    for first in range(total - parts + 1, 0, -1):
        for rest in _compositions(total - first, parts - 1):
            yield (first, *rest)


def _best_rotation(given: tuple[int, ...], cand: tuple[int, ...]) -> tuple[int, int]:
    n = len(given)
    best = (math.inf, 0)
    for k in range(n):
        d = sum(abs(x - y) for x, y in zip(given, cand[k:] + cand[:k], strict=True))
        if d < best[0]:
            best = (d, k)
            if d == 0:
                break
    return int(best[0]), best[1]


def _group_permutations(given: tuple[int, ...]) -> Iterator[Identification]:
    n = len(given)
    for k in range(2, min(n // 2, 10) + 1):
        if n % k:
            continue
        chunks = [given[i:i + k] for i in range(0, n, k)]
        if len(set(chunks)) < 2 or any(sorted(c) != sorted(chunks[0]) for c in chunks):
            continue
        first = chunks[0]
        circ = circular_permutations(first)
        if all(c in circ for c in chunks):
            yield Identification("circular_permutations", first, 0, 0, Rhythm(given))
        elif k <= 8 and all(c in general_permutations(first) for c in chunks):
            yield Identification("general_permutations", first, 0, 0, Rhythm(given))
        return


def identify(durations: Sequence[int], tolerance: int = 0) -> tuple[Identification, ...]:
    """Which Book I techniques produce this rhythm, best explanation first.

    Every technique whose output can have the same period and number of durations is tried
    (interference of two or three generators, countertheme, fractioning, expansion,
    contraction, balance, distributive powers, the circular permutations of a resultant),
    each starting at any of its durations (a rotation: a loop heard from another point), and
    kept when the durations differ by at most ``tolerance`` in all (the sum of the absolute
    differences; so periods up to ``tolerance`` units away are tried too). A rhythm made of
    successive permutations of one group is reported too.
    Matches are ranked by distance, then the simpler technique (interference before
    fractioning, powers, pairs of groups, countertheme and permutations), then unrotated
    before rotated.

    Parameters
    ----------
    durations : sequence of int
        Positive durations in the unit (a :class:`Rhythm`, or durations read from a
        quantized part). Rests are not identified.
    tolerance : int
        The largest total difference of durations still reported, 0..1000.

    Returns
    -------
    tuple of Identification
        Empty when nothing fits.

    Examples
    --------
    >>> best = identify((2, 1, 1, 1, 1, 1, 2))[0]
    >>> best.technique, best.generators, best.rotation
    ('fractioning', (3, 2), 0)
    >>> best = identify((1, 2, 2, 1, 3, 3))[0]          # r4÷3 heard from its 2nd duration
    >>> best.technique, best.generators, best.rotation
    ('interference', (4, 3), 1)
    >>> identify((4, 2, 2, 1))[0].technique, identify((4, 2, 2, 1))[0].options
    ('power', (('n', 2),))
    >>> [m.generators for m in identify((3, 1, 2, 2, 2, 3), tolerance=1)]
    [(4, 3)]
    """
    r = as_rhythm(durations)
    check_int("tolerance", tolerance, 0, 1000)
    if len(r) > MAX_IDENTIFY:
        raise ParameterError(f"identify looks at up to {MAX_IDENTIFY} durations, got {len(r)}",
                             field="durations")
    given = r.durations
    if any(d < 0 for d in given) or len(given) < 2:
        return ()
    Key = tuple[str, tuple[int, ...], tuple[tuple[str, int | str], ...]]
    found: dict[Key, Identification] = {}
    periods = range(max(2, r.period - tolerance), r.period + tolerance + 1)
    for name, gens, cand, options in itertools.chain.from_iterable(
            _candidates(p, len(given)) for p in periods):
        if len(cand) != len(given):
            continue
        dist, rot = _best_rotation(given, cand.durations)
        if dist <= tolerance:
            key = (name, gens, options)
            if key not in found or (dist, rot) < (found[key].distance, found[key].rotation):
                found[key] = Identification(name, gens, rot, dist, cand, options)
    matches = list(found.values()) + list(_group_permutations(given))
    matches.sort(key=lambda m: (m.distance, _ORDER.index(m.technique), m.rotation > 0,
                                len(m.generators), m.rotation, m.generators))
    return tuple(matches)

"""Book I in reverse: which technique made this rhythm?

:func:`identify` tries every Book I technique whose period and number of durations can match
the given durations (interference of two or three generators, countertheme, fractioning,
expansion, contraction, balance, distributive powers, the circular permutations of a
resultant, permutations of one group, and one bar of a grouped resultant), each under every
rotation, and ranks what fits. :func:`durations_of` reads the durations of a quantized part
(a drum track from a MIDI file, say), so ``identify(read_midi(path).parts[0])`` works too;
:func:`durations_from_taps` quantizes onsets tapped by hand (the identify widget's tap pad).

>>> identify((2, 1, 1, 2))[0].technique, identify((2, 1, 1, 2))[0].generators
('interference', (3, 2))
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from ..checks import check_int
from ..errors import ParameterError, ParameterTypeError
from ..score import Part, Score
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
from .value import MAX_GENERATOR, Rhythm, as_rhythm, group

__all__ = ["MAX_IDENTIFY", "Identification", "durations_from_taps", "durations_of", "identify"]

MAX_IDENTIFY = 4096
"""The most durations :func:`identify` looks at."""

# Rank of each technique among equally good fits: the simpler explanation first.
_ORDER = ("interference", "fractioning", "power", "expansion", "contraction", "balance",
          "countertheme", "permutations", "circular_permutations", "general_permutations",
          "grouping")


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


def _grouping_candidates(period: int, length: int) -> Iterator[
        tuple[str, tuple[int, ...], Rhythm, tuple[tuple[str, int | str], ...]]]:
    # Book I (the groupings of a resultant): r a÷b grouped by a (or by b) gives bars of
    # ``period`` units; each bar of ``length`` durations is a candidate (3+3+2, the
    # tresillo, is bar 1 of r8÷3 by 8)
    if period > 64:
        return
    # grouped by the major generator (a = period), or by the minor one with a up to 2·b
    pairs = [(period, b) for b in range(2, period)]
    pairs += [(a, period) for a in range(period + 1, 2 * period + 1) if period >= 2]
    for a, b in pairs:
        if math.gcd(a, b) != 1:
            continue
        seen: set[tuple[int, ...]] = set()
        for i, bar in enumerate(group(interference(a, b), period)):
            if len(bar) == length and bar not in seen:
                seen.add(bar)
                yield "grouping", (a, b), Rhythm(bar), (("bar", i), ("by", period))


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


def identify(durations: Sequence[int] | Part | Score, tolerance: int = 0
             ) -> tuple[Identification, ...]:
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
    durations : sequence of int, Part or Score
        Positive durations in the unit (a :class:`Rhythm`), or a quantized part (or a
        score's first part) whose durations :func:`durations_of` reads. Rests are not
        identified. A bar of a grouped resultant is reported only where no whole technique
        fits as well.
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
    >>> tresillo = identify((3, 3, 2))[0]
    >>> tresillo.technique, tresillo.generators, tresillo.options
    ('grouping', (8, 3), (('bar', 0), ('by', 8)))
    """
    if isinstance(durations, Part | Score):
        durations = durations_of(durations)
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
    # a bar of a grouped resultant explains almost any short bar: kept only as a last resort
    best_whole = min((m.distance for m in found.values()), default=tolerance + 1)
    bars: dict[tuple[int, ...], Identification] = {}
    for _name, gens, cand, options in itertools.chain.from_iterable(
            _grouping_candidates(p, len(given)) for p in periods):
        dist, rot = _best_rotation(given, cand.durations)
        if dist <= tolerance and dist < best_whole and (
                gens not in bars or (dist, rot) < (bars[gens].distance, bars[gens].rotation)):
            bars[gens] = Identification("grouping", gens, rot, dist, cand, options)
    matches = [*found.values(), *bars.values(), *_group_permutations(given)]
    matches.sort(key=lambda m: (m.distance, _ORDER.index(m.technique), m.rotation > 0,
                                len(m.generators), m.rotation, m.generators))
    return tuple(matches)


def _smallest_repeat(durs: tuple[int, ...]) -> tuple[int, ...]:
    n = len(durs)
    for k in range(1, n + 1):
        if n % k == 0 and durs == durs[:k] * (n // k):
            return durs[:k]
    return durs


def durations_of(part: Part | Score, *, period: int | None = None, loop: bool = True,
                 pitch: int | None = None, bar: int | None = None) -> tuple[int, ...]:
    """The durations (in their largest common unit) between the attacks of a quantized part.

    Notes starting together make one attack; the last duration runs to the end of the
    ``period`` (in ticks), by default the end of the last bar the part reaches (of a
    score's time signature; of 4/4 for a bare part), and leading silence joins it, as a
    loop heard from its first attack. With ``loop`` a pattern repeated several times is
    given once.

    Parameters
    ----------
    part : Part or Score
        A part, or a score whose first part with notes is read.
    period : int, optional
        Ticks of the whole pattern (a multiple of the bar, say).
    loop : bool
        Reduce a repeated pattern to one statement.
    pitch : int, optional
        Read only the notes of this pitch (one drum of a kit).
    bar : int, optional
        Ticks per bar for the default period (default: the score's, else 1920 = 4/4).

    Returns
    -------
    tuple of int

    Examples
    --------
    >>> from schillinger_kernel.score import Note, Part
    >>> kick = Part("kick", tuple(Note(t, 60, 36) for t in (0, 480, 720, 960, 1920, 2400,
    ...                                                       2640, 2880)))
    >>> durations_of(kick)
    (2, 1, 1, 4)
    """
    if isinstance(part, Score):
        bar = part.bar_ticks if bar is None else bar
        parts = [p for p in part.parts if p.notes]
        if not parts:
            raise ParameterError("part: the score has no notes", field="part")
        part = parts[0]
    if not isinstance(part, Part):
        raise ParameterTypeError(f"part must be a Part or a Score, got {type(part).__name__}",
                                 field="part")
    notes = [n for n in part.notes if pitch is None or n.pitch == pitch]
    if not notes:
        raise ParameterError(f"part: no notes{'' if pitch is None else f' of pitch {pitch}'}",
                             field="part")
    onsets = sorted({n.start for n in notes})
    end = max(n.end for n in notes)
    if period is None:
        whole = check_int("bar", 1920 if bar is None else bar, 1)
        period = -(-end // whole) * whole
    check_int("period", period, 1)
    if onsets[-1] - onsets[0] >= period:
        raise ParameterError(f"period: {period} ticks is shorter than the part's attacks "
                             f"({onsets[-1] - onsets[0]} ticks apart)", field="period")
    gaps = [b - a for a, b in itertools.pairwise(onsets)]
    gaps.append(period - onsets[-1] + onsets[0])
    unit = math.gcd(*gaps)
    durs = tuple(g // unit for g in gaps)
    return _smallest_repeat(durs) if loop else durs


#: Taps closer than this (seconds) are one attack: a finger bouncing on the pad.
TAP_BOUNCE = 0.03


def durations_from_taps(times: Sequence[float], max_division: int = 4,
                        slack: float = 0.25) -> tuple[int, ...]:
    """Durations, in the largest unit that fits, between onsets tapped by hand.

    The last tap closes the loop (tap the pattern, then its first note again), so n taps
    give n - 1 durations. The unit is the shortest gap divided by the smallest k in
    1..``max_division`` that puts every gap within ``slack`` units of a whole number (the
    k with the least error when none does), refined to the mean unit of the whole pattern
    and reduced by the durations' common factor. Taps closer than :data:`TAP_BOUNCE`
    seconds count as one.

    Parameters
    ----------
    times : sequence of float
        Onset times in seconds, ascending (any origin).
    max_division : int
        The finest subdivision of the shortest gap tried, 1..8.
    slack : float
        The largest distance from a whole number of units, 0 < slack < 0.5.

    Returns
    -------
    tuple of int

    Examples
    --------
    >>> durations_from_taps([0.0, 0.78, 1.5, 2.0])          # a tresillo, tapped loosely
    (3, 3, 2)
    >>> durations_from_taps([10.0, 10.5, 10.74, 11.0, 11.5])
    (2, 1, 1, 2)
    """
    check_int("max_division", max_division, 1, 8)
    if isinstance(slack, bool) or not isinstance(slack, int | float) or not 0 < slack < 0.5:
        raise ParameterError(f"slack must be a number between 0 and 0.5, got {slack!r}",
                             field="slack")
    if isinstance(times, str | bytes) or not isinstance(times, Sequence):
        raise ParameterTypeError(f"times must be a sequence of seconds, got "
                                 f"{type(times).__name__}", field="times")
    ts: list[float] = []
    for x in times:
        if isinstance(x, bool) or not isinstance(x, int | float) or not math.isfinite(x):
            raise ParameterTypeError(f"times must hold finite numbers, got {x!r}",
                                     field="times")
        if ts and x < ts[-1]:
            raise ParameterError(f"times must ascend, got {x} after {ts[-1]}", field="times")
        if not ts or x - ts[-1] >= TAP_BOUNCE:
            ts.append(float(x))
    if len(ts) < 2:
        raise ParameterError(f"tap at least twice (the pattern, then its first note again); "
                             f"got {len(ts)} distinct tap{'s' if len(ts) != 1 else ''}",
                             field="times")
    gaps = [b - a for a, b in itertools.pairwise(ts)]
    if len(gaps) > MAX_IDENTIFY:
        raise ParameterError(f"times: up to {MAX_IDENTIFY + 1} taps, got {len(ts)}",
                             field="times")
    shortest = min(gaps)
    best: tuple[float, list[int]] | None = None
    for k in range(1, max_division + 1):
        unit = shortest / k
        q = [max(1, round(g / unit)) for g in gaps]
        err = max(abs(g / unit - n) for g, n in zip(gaps, q, strict=True))
        if best is None or err < best[0] - 1e-9:
            best = (err, q)
        if err <= slack:
            break
    assert best is not None  # max_division >= 1
    # the shortest gap alone is a noisy unit: re-quantize against the whole pattern's
    unit = sum(gaps) / sum(best[1])
    q = [max(1, round(g / unit)) for g in gaps]
    common = math.gcd(*q)
    return tuple(n // common for n in q)

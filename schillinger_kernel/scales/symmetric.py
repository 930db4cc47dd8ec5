"""Book II: displacement of intervals, symmetric tonics, scales and systems, and the
interference of intervals.

>>> symmetric_tonics(3), symmetric_tonics(3, octaves=2)
((0, 4, 8), (0, 8, 16))
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

from ..checks import check_int
from ..errors import ParameterError, ParameterTypeError
from .scale import SYMMETRIC_DIVISIONS, Scale, tonic_pc

__all__ = [
    "displacement", "interval_interference", "symmetric_scale", "symmetric_system",
    "symmetric_tonics",
]


def _interval_list(name: str, value: object) -> tuple[int, ...]:
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise ParameterTypeError(f"{name} must be a sequence of positive ints (semitones), "
                        f"got {type(value).__name__} {value!r}")
    steps = tuple(value)
    if not steps or any(isinstance(s, bool) or not isinstance(s, int) or s < 1 for s in steps):
        raise ParameterError(f"{name} must be a non-empty list of positive ints, got {steps!r}")
    return steps


def displacement(intervals: Sequence[int]) -> tuple[tuple[int, ...], ...]:
    """The distinct circular permutations of an interval list, starting with the list itself.

    >>> displacement((2, 2, 3, 2, 3))[:3]
    ((2, 2, 3, 2, 3), (2, 3, 2, 3, 2), (3, 2, 3, 2, 2))
    >>> displacement((2, 2, 2))
    ((2, 2, 2),)
    """
    steps = _interval_list("intervals", intervals)
    # rotations i and j agree iff i - j is a multiple of the list's smallest rotational
    # period, so the distinct ones are the first ``period`` rotations: found in O(n) by the
    # prefix function (KMP) instead of comparing every rotation with every kept one
    n = len(steps)
    fail = [0] * n
    k = 0
    for i in range(1, n):
        while k and steps[i] != steps[k]:
            k = fail[k - 1]
        if steps[i] == steps[k]:
            k += 1
        fail[i] = k
    period = n - fail[-1]
    if n % period:
        period = n
    return tuple(steps[i:] + steps[:i] for i in range(period))


def symmetric_tonics(n: int, tonic: int | str = 0, *, octaves: int = 1) -> tuple[int, ...]:
    """``n`` tonics dividing ``octaves`` octaves equally (12·octaves/n semitones apart).

    With one octave these are the tonics of group 3 (n = 2, 3, 4, 6 or 12). With several
    octaves they are the tonics of group 4, the symmetric systems (Book II): three equal
    parts of two octaves are c, g#, e' (8 semitones apart), twelve equal parts of five
    octaves step by fourths. The tonics are pitches rising from the tonic's class, not
    pitch classes, because a system of several octaves does not fold into one.

    Parameters
    ----------
    n : int
        How many tonics (equal parts).
    tonic : int or str
        The first tonic, a pitch class or a name like ``"D"``.
    octaves : int
        How many octaves the tonics divide (1..8); 12·octaves must be a multiple of ``n``.

    Returns
    -------
    tuple of int
        ``n`` ascending pitches, the first the tonic's class (0..11).

    Examples
    --------
    >>> symmetric_tonics(3), symmetric_tonics(4, "D")
    ((0, 4, 8), (2, 5, 8, 11))
    >>> symmetric_tonics(3, octaves=2), symmetric_tonics(12, octaves=5)[:4]
    ((0, 8, 16), (0, 5, 10, 15))
    """
    check_int("n", n)
    check_int("octaves", octaves, 1, 8)
    if octaves == 1 and n not in SYMMETRIC_DIVISIONS:
        raise ParameterError(f"n must be one of {SYMMETRIC_DIVISIONS} (divisors of 12), got {n}",
                             field="n")
    if not 1 <= n <= 12 * octaves or (12 * octaves) % n:
        raise ParameterError(f"n must divide 12·octaves = {12 * octaves} semitones into whole "
                             f"steps (a divisor of {12 * octaves}), got {n}", field="n")
    pc = tonic_pc(tonic)
    step = 12 * octaves // n
    return tuple(pc + i * step for i in range(n))


def symmetric_scale(n: int, segment: Sequence[int], tonic: int | str = 0) -> Scale:
    """Group 3: each of the ``n`` equal segments of the octave filled with ``segment``.

    ``segment`` is an interval pattern summing to 12/n.

    >>> symmetric_scale(3, (1, 3))
    Scale((0, 1, 4, 5, 8, 9))
    """
    tonics = symmetric_tonics(n, tonic)
    seg = _interval_list("segment", segment)
    size = 12 // n
    if sum(seg) != size:
        raise ParameterError(f"segment must sum to 12/n = {size} semitones, got {sum(seg)}")
    pitches: list[int] = []
    for t in tonics:
        p = t
        for s in seg:
            pitches.append(p)
            p += s
    return Scale(pitches, 12, name=f"symmetric {n}x{list(seg)}")


def symmetric_system(interval: int, segment: Sequence[int] | None = None,
                     tonic: int | str = 0) -> Scale:
    """Group 4: tonics ``interval`` semitones apart until they close on the tonic's class.

    The system spans ``lcm(interval, 12)`` semitones (several octaves when the interval does
    not divide 12); each segment between tonics is filled with ``segment`` (default: the
    tonics alone).

    >>> s = symmetric_system(5)
    >>> s.span, len(s), s[:4]
    (60, 12, (0, 5, 10, 15))
    >>> symmetric_system(8, (3, 5)).span
    24
    """
    check_int("interval", interval)
    if not 1 <= interval <= 48:
        raise ParameterError(f"interval must be in 1..48 semitones, got {interval}")
    seg = (interval,) if segment is None else _interval_list("segment", segment)
    if sum(seg) != interval:
        raise ParameterError(f"segment must sum to interval = {interval}, got {sum(seg)}")
    span = math.lcm(interval, 12)
    pc = tonic_pc(tonic)
    pitches: list[int] = []
    for t in range(pc, pc + span, interval):
        p = t
        for s in seg:
            pitches.append(p)
            p += s
    return Scale(pitches, span, name=f"system {interval} {list(seg)}")


def interval_interference(p: int | Sequence[int], q: int | None = None,
                          *more: int) -> tuple[int, ...]:
    """Converse synchronisation of intervals ``p + q`` (+ ``more``): union with the reverse.

    The same as :func:`schillinger_kernel.rhythm.converse_sync` on ``(p, q)``, read as
    semitones. ``p`` may also be the whole interval group (``interval_interference((3, 2))``).

    >>> interval_interference(3, 2)
    (2, 1, 2)
    >>> interval_interference(p=5, q=3), interval_interference((3, 1, 2))
    ((3, 2, 3), (2, 1, 1, 2))
    """
    if isinstance(p, Sequence) and not isinstance(p, str):
        if q is not None or more:
            raise ParameterError("intervals: give either one group p=(p, q, ...) or separate "
                             "ints p, q, ...")
        intervals = tuple(p)
    else:
        intervals = (p,) if q is None else (p, q, *more)
    if len(intervals) < 2:
        raise ParameterError(f"intervals must hold at least 2 values (p and q), got {intervals!r}")
    for s in intervals:
        if isinstance(s, bool) or not isinstance(s, int) or s < 1:
            raise ParameterError(f"intervals (p, q) must be positive ints, got {s!r}")
    total = sum(intervals)
    points = set()
    for group in (intervals, tuple(reversed(intervals))):
        t = 0
        for s in group:
            points.add(t)
            t += s
    marks = [*sorted(points), total]
    return tuple(b - a for a, b in itertools.pairwise(marks))

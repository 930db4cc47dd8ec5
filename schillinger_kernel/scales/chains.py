"""Book II: interference of intervals along a scale: sliding windows and chained interference.

:func:`~.symmetric.interval_interference` synchronises one group of intervals with its
converse (3+2 -> 2+1+2). Along a whole scale the same operation slides: a window of ``size``
adjacent intervals moves one unit at a time, each window is interfered, and the results are
strung end to end into a new interval chain (a melodic line or a scale of several octaves).

*(convention)* SCHILLINGER.md defines only the interference of one group. We read the
sliding forms as follows, and say so because the book's tables can be read either way:
``circular=True`` (the default) lets the window run past the last interval back to the
first, so every unit of a one-octave scale starts one window, as in the book's cyclic
treatment of scales (displacement); ``circular=False`` keeps the windows inside the list,
which suits an open melodic chain.

>>> interval_windows((2, 2, 1), 2)
((2, 2), (2, 1), (1, 2))
>>> sliding_interference((3, 2, 1), 2, circular=False)
((2, 1, 2), (1, 1, 1))
>>> chained_interference((3, 2, 1), 2, circular=False)
(2, 1, 2, 1, 1, 1)
"""

from __future__ import annotations

from collections.abc import Sequence

from ..checks import check_int, check_int_sequence
from .symmetric import interval_interference

__all__ = ["chained_interference", "interval_windows", "sliding_interference"]


def interval_windows(intervals: Sequence[int], size: int = 2, *,
                     circular: bool = True) -> tuple[tuple[int, ...], ...]:
    """The runs of ``size`` adjacent intervals, sliding by one interval.

    Parameters
    ----------
    intervals : sequence of int
        Positive steps in semitones (a scale's :attr:`~.scale.Scale.intervals`, say).
    size : int
        Intervals per window, 2..len(intervals).
    circular : bool
        Wrap past the last interval to the first (one window per interval) or stay inside
        the list (``len - size + 1`` windows).

    Returns
    -------
    tuple of tuple of int

    Examples
    --------
    >>> interval_windows((2, 2, 1, 2, 2, 2, 1), 3, circular=False)[:2]
    ((2, 2, 1), (2, 1, 2))
    """
    steps = check_int_sequence("intervals", intervals, 1, 96, min_len=2, max_len=256)
    check_int("size", size, 2, len(steps))
    if not isinstance(circular, bool):
        raise TypeError(f"circular must be True or False, got {circular!r}")
    count = len(steps) if circular else len(steps) - size + 1
    loop = steps + steps
    return tuple(loop[i:i + size] for i in range(count))


def sliding_interference(intervals: Sequence[int], size: int = 2, *,
                         circular: bool = True) -> tuple[tuple[int, ...], ...]:
    """The interference of each sliding window of intervals (one result per window).

    Each result lasts as many semitones as its window: converse synchronisation keeps the
    span and only adds the points of the reversed group.

    Examples
    --------
    >>> sliding_interference((2, 2, 1, 2, 2, 2, 1))[2:4]
    ((1, 1, 1), (2, 2))
    """
    return tuple(interval_interference(w) for w in
                 interval_windows(intervals, size, circular=circular))


def chained_interference(intervals: Sequence[int], size: int = 2, *,
                         circular: bool = True) -> tuple[int, ...]:
    """The sliding interferences strung end to end into one chain of intervals.

    Windows overlap, so the chain spans ``size`` times the list's span when circular:
    the pentatonic 2+2+3+2+3 (one octave) chains by pairs into two octaves.

    Examples
    --------
    >>> chain = chained_interference((2, 2, 3, 2, 3))
    >>> chain, sum(chain)
    ((2, 2, 2, 1, 2, 2, 1, 2, 2, 1, 2, 2, 1, 2), 24)
    """
    return tuple(s for part in sliding_interference(intervals, size, circular=circular)
                 for s in part)

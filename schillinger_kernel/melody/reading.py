"""Book IV read back from a melody: its primary axis, secondary axes and axis changes.

>>> from schillinger_kernel.melody import axis_melody
>>> primary_axis(axis_melody("C major", "aT + bT", rhythm=(1, 1, 1, 1), unit=240))
64
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from ..errors import ParameterError, ParameterTypeError
from ..pitch import to_midi_pitch
from ..score import Note, Part

__all__ = ["axis_changes", "primary_axis", "secondary_axes"]


def _pitch_time(notes: Any) -> list[tuple[int, int, int]]:
    if isinstance(notes, Part):
        notes = notes.notes
    out = []
    for n in notes:
        if isinstance(n, Note):
            out.append((n.pitch, n.start, n.duration))
        elif isinstance(n, Sequence) and not isinstance(n, str) and len(n) == 3:
            p, s, d = n
            for what, v in (("start", s), ("duration", d)):
                if isinstance(v, bool) or not isinstance(v, int):
                    raise ParameterTypeError(f"notes: {what} must be an int, got {v!r}")
            if s < 0 or d < 1:
                raise ParameterError(f"notes: need start >= 0 and duration >= 1, got {tuple(n)}")
            out.append((to_midi_pitch(p), s, d))
        else:
            raise ParameterTypeError(
                f"notes must be Note values or (pitch, start, duration), got {n!r}")
    if not out:
        raise ParameterError("notes must not be empty")
    return out


def primary_axis(notes: Any) -> int:
    """The pitch that dominates a melody in pitch x time: the longest total sounding time.

    Ties go to the pitch nearest the duration-weighted mean pitch, then the lower one.

    >>> primary_axis([(60, 0, 1), (64, 1, 4), (67, 5, 1), (64, 6, 1)])
    64
    """
    pts = _pitch_time(notes)
    weight: dict[int, int] = {}
    for p, _s, d in pts:
        weight[p] = weight.get(p, 0) + d
    total = sum(weight.values())
    mean = sum(p * w for p, w in weight.items()) / total
    return min(weight, key=lambda p: (-weight[p], abs(p - mean), p))


def secondary_axes(notes: Any, axis: int | None = None) -> tuple[str, ...]:
    """Read a melody's trajectory as secondary axes around its primary ``axis``.

    Consecutive moves are labelled (a: up above the axis, b: down above, c: up below, d: down
    below, 0: staying on the axis) and runs of one label merged.

    >>> from schillinger_kernel.melody import axis_melody
    >>> secondary_axes(axis_melody("C major", "aT + bT + cT + dT", rhythm=(1, 1, 1)), axis=60)
    ('a', 'b', 'c', 'd')
    """
    pts = sorted(_pitch_time(notes), key=lambda t: (t[1], t[0]))
    ax = primary_axis(notes) if axis is None else axis
    labels: list[str] = []
    for (p0, _, _), (p1, _, _) in itertools.pairwise(pts):
        if p1 == p0:
            lab = "0" if p0 == ax else (labels[-1] if labels else "0")
        elif p1 > p0:
            lab = "a" if p0 >= ax else "c"
        else:
            lab = "b" if p0 > ax else "d"
        if not labels or labels[-1] != lab:
            labels.append(lab)
    return tuple(labels)


def axis_changes(notes: Any, window: int) -> tuple[tuple[int, int], ...]:
    """The primary axis of each ``window`` of time: where a melody's axis moves.

    Book IV lets the primary axis itself move (the key axes of a modulating melody); this
    reads them back. Each window (in the notes' time unit, from the first onset) gets the
    pitch that dominates it in pitch x time (:func:`primary_axis` of the sounding parts),
    and successive windows with one axis are merged. Windows where nothing sounds are
    skipped.

    Parameters
    ----------
    notes : Notes, (pitch, start, duration) triples or a Part
    window : int
        Length of one window, >= 1.

    Returns
    -------
    tuple of (start, axis)
        The start of each new axis and its pitch.

    Examples
    --------
    >>> from schillinger_kernel.melody import axis_melody
    >>> tune = axis_melody("C major", "aT + aT", rhythm=(1, 1), axis=("C4", "G4"), unit=1)
    >>> axis_changes(tune, 2)
    ((0, 60), (2, 67))
    """
    pts = _pitch_time(notes)
    if isinstance(window, bool) or not isinstance(window, int) or window < 1:
        raise ParameterError(f"window must be an int >= 1, got {window!r}", field="window")
    t0 = min(s for _p, s, _d in pts)
    end = max(s + d for _p, s, d in pts)
    out: list[tuple[int, int]] = []
    for w0 in range(t0, end, window):
        w1 = w0 + window
        parts = [(p, max(s, w0), min(s + d, w1) - max(s, w0)) for p, s, d in pts
                 if s < w1 and s + d > w0]
        if not parts:
            continue
        ax = primary_axis(parts)
        if not out or out[-1][1] != ax:
            out.append((w0, ax))
    return tuple(out)


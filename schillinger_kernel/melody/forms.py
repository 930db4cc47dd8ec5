"""Book IV's organic and combined forms: spirals growing by the summation series, and sub-axes
riding a continuous line.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from ..errors import ParameterError, ParameterTypeError
from ..pitch import to_midi_pitch
from ..scales import Scale, as_scale
from ..score import Note
from .axes import axis_melody
from .terms import parse_terms

__all__ = ["spiral_melody", "superimposed_melody"]


def _summation(count: int) -> tuple[int, ...]:
    out = [1, 2]
    while len(out) < count:
        out.append(out[-1] + out[-2])
    return tuple(out[:count])


def spiral_melody(scale: Scale | str | Sequence[int], turns: int | Sequence[int] = 4,
                  rhythm: Sequence[int] = (1,), *, axis: int | str | None = None,
                  contracting: bool = False, unit: int = 240,
                  velocity: int = 90) -> tuple[Note, ...]:
    """A spiral around the primary axis: turns a, b, d, c of growing (or shrinking) amplitude.

    Each turn rises from the axis to its amplitude (a), falls back (b), falls as far below
    (d) and rises back (c), one scale step per attack, so successive turns join without a
    leap and the melody ends on the axis.

    *(convention)* Our sources quote no text of Book IV's organic forms; we read the spiral
    as an oscillation about the axis whose amplitudes follow the summation series
    (1, 2, 3, 5, 8, ..., Book I's series of organic growth), growing outward, or inward
    with ``contracting=True``. Time grows with the amplitude because each step takes one
    attack: the arms of a turn of amplitude A last A attacks each.

    Parameters
    ----------
    scale : a :class:`~schillinger_kernel.scales.Scale`, a key/scale name or pitch classes.
    turns : int or sequence of int
        How many turns on the summation series (1..12), or the amplitudes themselves (in
        scale steps, each >= 1).
    rhythm : durations in units, cycled over the attacks.
    axis : the primary axis (MIDI pitch or name, snapped to the scale); default the tonic
        in octave 4.
    contracting : bool
        Shrink instead of grow (the amplitudes reversed).
    unit : ticks per rhythm unit.
    velocity : MIDI velocity of every note.

    Returns
    -------
    tuple of :class:`~schillinger_kernel.score.Note`
        One note per step, starting at tick 0, the last on the axis.

    Examples
    --------
    >>> [n.pitch for n in spiral_melody("C major", 2)]
    [60, 62, 60, 59, 60, 62, 64, 62, 60, 59, 57, 59, 60]
    >>> from schillinger_kernel.melody import secondary_axes
    >>> secondary_axes(spiral_melody("C major", 3), axis=60)
    ('a', 'b', 'd', 'c', 'a', 'b', 'd', 'c', 'a', 'b', 'd', 'c')
    """
    sc = as_scale(scale)
    if isinstance(turns, bool):
        raise ParameterTypeError("turns must be an int or a sequence of amplitudes, got bool")
    if isinstance(turns, int):
        if not 1 <= turns <= 12:
            raise ParameterError(f"turns must be in 1..12 (summation series), got {turns}",
                                 field="turns")
        amps = _summation(turns)
    elif isinstance(turns, Sequence) and not isinstance(turns, str) and turns:
        amps = tuple(turns)
        if any(isinstance(a, bool) or not isinstance(a, int) or not 1 <= a <= 64 for a in amps):
            raise ParameterError(f"turns: amplitudes must be ints in 1..64 scale steps, got "
                                 f"{amps!r}", field="turns")
    else:
        raise ParameterTypeError(f"turns must be an int or a non-empty sequence of amplitudes, "
                                 f"got {turns!r}")
    if contracting:
        amps = amps[::-1]
    durs = tuple(rhythm)
    if not durs or any(isinstance(d, bool) or not isinstance(d, int) or d < 1 for d in durs):
        raise ParameterError(f"rhythm must be a non-empty list of positive ints (units), got "
                             f"{durs!r}", field="rhythm")
    if isinstance(unit, bool) or not isinstance(unit, int) or not 1 <= unit <= 7680:
        raise ParameterError(f"unit must be an int in 1..7680 ticks, got {unit!r}", field="unit")
    base = sc.index_of(sc.nearest(to_midi_pitch(60 + sc.tonic if axis is None else axis)),
                       sc.tonic)
    heights: list[int] = []
    for amp in amps:
        # a: 0..A-1, b: A..1, d: 0..-(A-1), c: -A..-1; the next turn (or the end) takes 0
        heights += [*range(0, amp), *range(amp, 0, -1), *range(0, -amp, -1),
                    *range(-amp, 0)]
    heights.append(0)
    notes: list[Note] = []
    t = 0
    for h, d in zip(heights, itertools.cycle(durs), strict=False):
        pitch = sc.at(base + h, sc.tonic)
        if not 0 <= pitch <= 127:
            raise ParameterError(f"turns: the spiral leaves the MIDI range (pitch {pitch}); "
                                 f"use fewer turns or move the axis", field="turns")
        notes.append(Note(t * unit, d * unit, pitch, velocity))
        t += d
    return tuple(notes)


def superimposed_melody(scale: Scale | str | Sequence[int], terms: str | Sequence[Any],
                        sub_terms: str | Sequence[Any], rhythm: Sequence[int] = (1,), *,
                        axis: int | str | None = None, unit: int = 240, T: int | None = None,
                        sub_T: int | None = None, velocity: int = 90) -> tuple[Note, ...]:
    """Secondary axes on secondary axes: ``sub_terms`` ride the trajectory of ``terms``.

    The main ``terms`` make a continuous line (:func:`axis_melody` with ``continuous``);
    ``sub_terms``, repeated over the whole melody with their own time unit ``sub_T``, make a
    wave about the axis, and each attack of the line is raised by the wave's height at that
    moment, in scale steps. *(convention)* our sources quote no text of Book IV on
    combined axes; Symbolic Composer's Schillinger library describes the same device
    (``axis-sub-plot``: sub-axes a, b, c, d with their own displacements superimposed on
    an axis). We read the combination as the sum of the two trajectories, so a flat wave
    (``0T``) leaves the line as it is and a flat line (``0T``) leaves the wave.

    Parameters
    ----------
    scale, terms, rhythm, axis, unit, T, velocity : as in :func:`axis_melody`.
    sub_terms : the terms of the wave (text like ``"aT + bT"`` or AxisTerms).
    sub_T : the time of the wave's ``T`` in units; default one period of the rhythm.

    Returns
    -------
    tuple of :class:`~schillinger_kernel.score.Note`: the line's attacks, pitches raised.

    Examples
    --------
    >>> line = superimposed_melody("C major", "a2T", "aT + bT", rhythm=(1, 1, 1, 1), sub_T=2)
    >>> [n.pitch for n in line]                       # 0..7 plus the wave 0 1 2 1
    [60, 64, 67, 67, 67, 71, 74, 74]
    """
    sc = as_scale(scale)
    main = axis_melody(sc, terms, rhythm, axis=axis, unit=unit, T=T, velocity=velocity,
                       continuous=True)
    base = sc.nearest(to_midi_pitch(60 + sc.tonic if axis is None else axis))
    period = sub_T if sub_T is not None else sum(rhythm)
    if isinstance(period, bool) or not isinstance(period, int) or period < 1:
        raise ParameterError(f"sub_T must be a positive int (units), got {sub_T!r}",
                             field="sub_T")
    seq = parse_terms(sub_terms)
    once = sum(term.time for term in seq) * period
    total = Fraction(main[-1].start + main[-1].duration, unit)
    wave = axis_melody(sc, seq * math.ceil(total / once), rhythm, axis=base, unit=unit,
                       T=sub_T, velocity=velocity)
    starts = [n.start for n in wave]
    notes = []
    for n in main:
        lift = sc.index_of(wave[bisect.bisect_right(starts, n.start) - 1].pitch, base)
        pitch = sc.at(sc.index_of(n.pitch, sc.tonic) + lift, sc.tonic)
        if not 0 <= pitch <= 127:
            raise ParameterError(f"sub_terms: the melody leaves the MIDI range (pitch {pitch}); "
                                 f"lower the pitch coefficients or move the axis",
                                 field="sub_terms")
        notes.append(Note(n.start, n.duration, pitch, velocity))
    return tuple(notes)


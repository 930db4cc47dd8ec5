"""Book IV's melody on secondary axes: each term's trajectory sampled at a rhythm's attacks.

>>> [n.pitch for n in axis_melody("C major", "aT + bT", rhythm=(1, 1, 1, 1), unit=240)]
[60, 62, 64, 65, 67, 65, 64, 62]
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from ..errors import ParameterError
from ..pitch import to_midi_pitch
from ..scales import Scale, as_scale
from ..score import Note
from .terms import parse_terms

__all__ = ["axis_melody"]


def _height(axis: str, h: float, u: float) -> float:
    if axis == "a":
        return h * u
    if axis == "b":
        return h * (1 - u)
    if axis == "c":
        return -h * (1 - u)
    if axis == "d":
        return -h * u
    return 0.0


def axis_melody(scale: Scale | str | Sequence[int], terms: str | Sequence[Any],
                rhythm: Sequence[int] = (1,), *,
                axis: int | str | Sequence[int | str] | None = None,
                unit: int = 240, T: int | None = None, velocity: int = 90,
                continuous: bool = False) -> tuple[Note, ...]:
    """A melody from axis ``terms`` on ``scale``, its attacks from a Book I ``rhythm``.

    Parameters
    ----------
    scale : a :class:`~schillinger_kernel.scales.Scale`, a key/scale name or pitch classes.
    terms : text like ``"a2T + bT"`` or a sequence of :class:`AxisTerm`.
    rhythm : durations in units, cycled through the whole melody (rests not allowed).
    axis : the primary axis (MIDI pitch or name, snapped to the scale); default the tonic
        in octave 4. A sequence gives each term its own primary axis: the axis moves (a
        modulation of the axis, Book IV) and each secondary axis runs from its term's one.
    unit : ticks per rhythm unit (240 = an eighth note).
    T : the time of one ``T`` in units; default one period of the rhythm.
    continuous : melodic continuity: each term starts where the last one's trajectory ended
        instead of on the primary axis, so ``aT + aT`` rises twice (*convention*).

    Returns
    -------
    tuple of :class:`~schillinger_kernel.score.Note`, starting at tick 0.

    >>> [n.pitch for n in axis_melody("A minor", "cT + 0T", rhythm=(2, 1, 1), axis="A4")]
    [64, 67, 67, 69, 69, 69]
    >>> [n.pitch for n in axis_melody("C major", "aT + aT", rhythm=(1, 1), axis=("C4", "G4"))]
    [60, 62, 67, 69]
    >>> [n.pitch for n in axis_melody("C major", "aT + aT", rhythm=(1, 1), continuous=True)]
    [60, 62, 64, 65]
    """
    sc = as_scale(scale)
    seq = parse_terms(terms)
    durs = tuple(rhythm)
    if not durs:
        raise ParameterError("rhythm must not be empty")
    for d in durs:
        if isinstance(d, bool) or not isinstance(d, int) or d < 1:
            raise ParameterError(f"rhythm must hold positive ints (durations in units), got {d!r}")
    if isinstance(unit, bool) or not isinstance(unit, int) or not 1 <= unit <= 7680:
        raise ParameterError(f"unit must be an int in 1..7680 ticks, got {unit!r}")
    period = T if T is not None else sum(durs)
    if isinstance(period, bool) or not isinstance(period, int) or period < 1:
        raise ParameterError(f"T must be a positive int (units), got {T!r}")
    if isinstance(axis, Sequence) and not isinstance(axis, str):
        if len(axis) != len(seq):
            raise ParameterError(f"axis: give one primary axis per term ({len(seq)}), got "
                                 f"{len(axis)}", field="axis")
        axes = [sc.nearest(to_midi_pitch(a)) for a in axis]
    else:
        axes = [sc.nearest(to_midi_pitch(60 + sc.tonic if axis is None else axis))] * len(seq)
    bases = [sc.index_of(ax, sc.tonic) for ax in axes]
    total = sum(term.time * period for term in seq)
    if total.denominator != 1:
        raise ParameterError(f"terms: time coefficients x T = {total} units is not whole; "
                         f"choose T divisible by the fractions")
    if total > 100_000:
        raise ParameterError(f"terms x T = {total} units is too long (max 100000)")

    notes: list[Note] = []
    dur_cycle = itertools.cycle(durs)
    t0 = Fraction(0)
    pending = 0  # units of a duration that crossed a term boundary
    level = 0  # with continuous, where the last trajectory ended (steps from the axis)
    for term, base in zip(seq, bases, strict=True):
        length = term.time * period
        end = t0 + length
        attacks: list[tuple[Fraction, Fraction]] = []
        t = t0 + pending
        while t < end:
            d = next(dur_cycle)
            stop = min(t + d, end)
            attacks.append((t, stop - t))
            pending = int(t + d - stop)
            t = t + d
        if not attacks:
            t0 = end
            continue
        h = term.pitch * len(attacks)
        shift = level - math.floor(_height(term.axis, h, 0) + 0.5) if continuous else 0
        level = shift + math.floor(_height(term.axis, h, 1) + 0.5)
        for start, dur in attacks:
            u = float((start - t0) / length)
            steps = shift + math.floor(_height(term.axis, h, u) + 0.5)
            pitch = sc.at(base + steps, sc.tonic)
            if not 0 <= pitch <= 127:
                raise ParameterError(f"terms: the melody leaves the MIDI range (pitch {pitch}); "
                                 f"lower the pitch coefficients or move the axis")
            s = start * unit
            dd = dur * unit
            if s.denominator != 1 or dd.denominator != 1:
                raise ParameterError(f"unit: {unit} ticks do not divide the term lengths evenly")
            notes.append(Note(int(s), int(dd), pitch, velocity))
        t0 = end
    return tuple(notes)


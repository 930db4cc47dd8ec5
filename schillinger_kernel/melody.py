"""Book IV: melody built on axes.

The **primary axis** is the pitch that dominates a melody in pitch x time. **Secondary
axes** are the trajectories the melody takes relative to it:

* ``0`` stays on the primary axis;
* ``a`` rises away from it;
* ``b`` falls back toward it (from above);
* ``c`` rises back toward it from below;
* ``d`` falls away below it.

(b, c, d are the geometric positions of a.) A term such as ``a2T`` pairs an axis with a
time coefficient (2 x T, T being one period of the rhythm unless given) and optionally a
pitch coefficient, in the book's notation after the time with P (``a2T2P``: two scale
steps per attack) or written first (``2a2T``). Notes sample each trajectory at the
attacks of a Book I rhythm and snap to the scale. The primary axis may itself move from
term to term (``axis=("C4", "G4")``, the key axes of a modulating melody), and
:func:`axis_changes` reads such moves back from a melody. With ``continuous=True`` each term
starts where the last one ended (melodic continuity: ``aT + aT`` rises on, no leap back).

Organic (spiral) forms: :func:`spiral_melody` swings around the primary axis with turns
(a, b, d, c) whose amplitudes grow by the summation series 1, 2, 3, 5, 8 (Book I, Ch. 14,
the series of organic growth), or shrink (the contracting spiral), moving one scale step
per attack so the line is continuous.

Combinations of axes: :func:`superimposed_melody` lets secondary axes run on a moving axis,
a wave of sub-axes (``aT + bT``) riding the trajectory of the main terms (``a2T``), the
way a melody's ornaments ride its line.

>>> parse_terms("a2T + bT")
(AxisTerm(axis='a', time=Fraction(2, 1), pitch=1), AxisTerm(axis='b', time=Fraction(1, 1), pitch=1))
>>> notes = axis_melody("C major", "aT + bT", rhythm=(1, 1, 1, 1), unit=240)
>>> [n.pitch for n in notes]
[60, 62, 64, 65, 67, 65, 64, 62]
>>> primary_axis(notes)
64
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from .errors import ParameterError, ParameterTypeError
from .pitch import to_midi_pitch
from .scales import Scale, as_scale
from .score import Note, Part

__all__ = [
    "AXES",
    "AxisTerm",
    "axis_changes",
    "axis_melody",
    "parse_terms",
    "primary_axis",
    "secondary_axes",
    "spiral_melody",
    "superimposed_melody",
]


AXES = ("0", "a", "b", "c", "d")

_COEFS = r"((?:\s*(?:\d+(?:/\d+)?)?\s*[TtPp])*)\s*$"
_BOOK_RE = re.compile(r"^()([0abcd])" + _COEFS)
_SHORT_RE = re.compile(r"^(\d+)\s*\*?\s*([0abcd])" + _COEFS)
_COEF_RE = re.compile(r"\s*(\d+(?:/\d+)?)?\s*([TtPp])")


@dataclass(frozen=True)
class AxisTerm:
    """One secondary axis with its time coefficient (in T) and pitch coefficient (steps)."""

    axis: str
    time: Fraction = Fraction(1)
    pitch: int = 1

    def __post_init__(self) -> None:
        if self.axis not in AXES:
            raise ParameterError(f"terms: axis must be one of {', '.join(AXES)}, got {self.axis!r}")
        t = Fraction(self.time)
        if t <= 0:
            raise ParameterError(f"terms: time coefficient must be > 0, got {self.time!r}")
        object.__setattr__(self, "time", t)
        if isinstance(self.pitch, bool) or not isinstance(self.pitch, int) or self.pitch < 0:
            raise ParameterError(
                f"terms: pitch coefficient must be an int >= 0, got {self.pitch!r}")

    def __str__(self) -> str:
        """The book's notation: axis, time coefficient with T, pitch coefficient with P."""
        p = "" if self.pitch == 1 else f"{self.pitch}P"
        t = "" if self.time == 1 else str(self.time)
        return f"{self.axis}{t}T{p}"


def _parse_one(text: str) -> AxisTerm:
    # the book's form first: in "00P" the leading 0 is the axis; where that reading is not a
    # valid term ("00T" would be a zero time) the short form (pitch coefficient first) is
    # tried, so "00T" is the 0 axis with pitch coefficient 0
    book = _BOOK_RE.match(text)
    short = _SHORT_RE.match(text)
    if not book and not short:
        raise ParameterError(
            f"terms: cannot read {text!r}; write axis[time]T[pitch]P (the book's 'a2T2P') or "
            f"[pitch]axis[time]T ('2a2T'), with axis 0, a, b, c or d", field="terms")
    if book and short:
        try:
            return _term_of(text, book)
        except ValueError:
            return _term_of(text, short)
    return _term_of(text, book or short)  # type: ignore[arg-type]


def _term_of(text: str, m: re.Match[str]) -> AxisTerm:
    coefs: dict[str, Fraction] = {}
    for num, letter in _COEF_RE.findall(m.group(3)):
        which = letter.upper()
        if which in coefs:
            raise ParameterError(f"terms: {text!r} gives the {which} coefficient twice",
                                 field="terms")
        coefs[which] = Fraction(num) if num else Fraction(1)
    if "P" in coefs and m.group(1):
        raise ParameterError(f"terms: {text!r} gives the pitch coefficient twice (leading "
                             f"number and P); use one", field="terms")
    pitch = Fraction(m.group(1)) if m.group(1) else coefs.get("P", Fraction(1))
    if pitch.denominator != 1:
        raise ParameterError(f"terms: the pitch coefficient of {text!r} must be a whole number "
                             f"of scale steps, got {pitch}", field="terms")
    return AxisTerm(m.group(2), coefs.get("T", Fraction(1)), int(pitch))


def parse_terms(terms: str | Sequence[Any]) -> tuple[AxisTerm, ...]:
    """Terms from text (``"a2T2P + bT + 2c + d"``) or a list of AxisTerm / (axis, time[, pitch]).

    Book IV (secondary axes; SCHILLINGER.md names no chapter) writes a term as the axis
    followed by its time coefficient with T and its pitch coefficient with P: ``a2T2P``
    rises for two T with two scale steps per attack. That form is read here in either
    order (``a2P2T``); the shorter ``2a2T`` (pitch coefficient first) is accepted too. A
    missing coefficient is 1. Where a text reads both ways ("00T": the 0 axis with a zero
    time, or pitch coefficient 0 on the 0 axis) the book's form wins when it is a valid
    term, else the short one.

    Parameters
    ----------
    terms : str or sequence
        Terms joined by ``+``, or a sequence of :class:`AxisTerm`, strings or
        ``(axis, time[, pitch])`` tuples.

    Returns
    -------
    tuple of AxisTerm

    Examples
    --------
    >>> [str(t) for t in parse_terms("2a3T + 0 + d")]
    ['a3T2P', '0T', 'dT']
    >>> [(t.axis, str(t.time), t.pitch) for t in parse_terms("a2T2P + b1/2T")]
    [('a', '2', 2), ('b', '1/2', 1)]
    """
    out: list[AxisTerm] = []
    if isinstance(terms, str):
        pieces = [p.strip() for p in terms.split("+")]
        if not terms.strip() or any(not p for p in pieces):
            raise ParameterError(f"terms must look like 'a2T + bT', got {terms!r}")
        for p in pieces:
            out.append(_parse_one(p))
    elif isinstance(terms, Sequence):
        for t in terms:
            if isinstance(t, AxisTerm):
                out.append(t)
            elif isinstance(t, str):
                out.extend(parse_terms(t))
            elif isinstance(t, Sequence) and 1 <= len(t) <= 3:
                out.append(AxisTerm(str(t[0]), Fraction(t[1]) if len(t) > 1 else Fraction(1),
                                    int(t[2]) if len(t) > 2 else 1))
            else:
                raise ParameterError(f"terms: cannot read {t!r}")
    else:
        raise ParameterTypeError(f"terms must be a str or a sequence, got {type(terms).__name__}")
    if not out:
        raise ParameterError("terms must not be empty")
    return tuple(out)


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

"""Book III: geometric projection of a melody in pitch x time.

Notes are ``(pitch, start, duration)`` triples, :class:`~schillinger_kernel.score.Note`
values, a :class:`~schillinger_kernel.score.Part` or a whole
:class:`~schillinger_kernel.score.Score`; every function returns the same kind it was given.

The four positions of a figure around a pitch ``axis``:

* ``a`` the original;
* ``b`` retrograde (time mirrored: new start = total - start - duration);
* ``c`` retrograde of the inversion;
* ``d`` inversion (pitch ``2 * axis - p``).

Geometric expansion multiplies each pitch's distance from the axis (in semitones, or in
scale steps with ``scale=``); time expansion multiplies onsets and durations. They compose
with the positions (:func:`transform`).

>>> invert_pitch(74, axis=67)
60
>>> expand_pitch((60, 62, 64, 65, 67), axis=60, coefficient=2)
(60, 64, 68, 70, 74)
>>> motif = ((60, 0, 2), (64, 2, 1), (67, 3, 1))
>>> position(motif, "b")
((67, 0, 1), (64, 1, 1), (60, 2, 2))
>>> position(motif, "d", axis=60)
((60, 0, 2), (56, 2, 1), (53, 3, 1))
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from fractions import Fraction
from typing import Any, TypeVar

from .errors import ParameterError, ParameterTypeError
from .pitch import to_midi_pitch
from .scales import Scale, as_scale
from .score import Note, Part, Score

__all__ = [
    "POSITIONS",
    "Triple",
    "expand",
    "expand_pitch",
    "expand_time",
    "four_positions",
    "inversion",
    "invert_pitch",
    "position",
    "retrograde",
    "transform",
]


POSITIONS = ("a", "b", "c", "d")

Triple = tuple[int, int, int]
T = TypeVar("T")


def _check_pitch(p: int | str, what: str = "pitch") -> int:
    if isinstance(p, str):
        try:
            return to_midi_pitch(p)
        except ValueError as exc:
            raise ParameterError(f"{what}: {exc}") from None
    if isinstance(p, bool) or not isinstance(p, int):
        raise ParameterTypeError(f"{what} must be an int (MIDI pitch) or a name like 'C4', "
                        f"got {type(p).__name__} {p!r}")
    if not 0 <= p <= 127:
        raise ParameterError(f"{what} out of range: {p} (MIDI pitches are 0..127)")
    return p


def invert_pitch(pitch: int | str | Sequence[int | str], axis: int | str) -> Any:
    """Mirror pitch(es) about ``axis``: ``2 * axis - pitch`` (names like ``"D5"`` accepted).

    >>> invert_pitch((60, 64, 67), axis=64), invert_pitch("D5", axis="G4")
    ((68, 64, 61), 60)
    """
    ax = _check_pitch(axis, "axis")
    if isinstance(pitch, Sequence) and not isinstance(pitch, str):
        return tuple(invert_pitch(p, ax) for p in pitch)
    p = _check_pitch(pitch)
    return _check_pitch(2 * ax - p, "inverted pitch")


def expand_pitch(pitches: int | str | Sequence[int | str], axis: int | str, coefficient: int,
                 scale: Scale | str | None = None) -> Any:
    """Multiply each pitch's distance from ``axis`` by ``coefficient``.

    With ``scale`` the distance is counted in scale steps (pitches and axis must be in the
    scale); otherwise in semitones. A negative coefficient also inverts.

    >>> expand_pitch((60, 62, 64), axis=60, coefficient=3, scale="C major")
    (60, 65, 71)
    >>> expand_pitch(64, axis=60, coefficient=-1)
    56
    """
    axis = _check_pitch(axis, "axis")
    if isinstance(coefficient, bool) or not isinstance(coefficient, int) or coefficient == 0:
        raise ParameterError(f"coefficient must be a non-zero int, got {coefficient!r}")
    if isinstance(pitches, Sequence) and not isinstance(pitches, str):
        return tuple(expand_pitch(p, axis, coefficient, scale) for p in pitches)
    p = _check_pitch(pitches)
    if scale is None:
        return _check_pitch(axis + (p - axis) * coefficient, "expanded pitch")
    sc = as_scale(scale)
    try:
        base = sc.index_of(axis, sc.tonic)
        idx = sc.index_of(p, sc.tonic)
    except ValueError as exc:
        raise ParameterError(f"pitches: {exc} (scale-step expansion needs scale pitches)") from None
    return _check_pitch(sc.at(base + (idx - base) * coefficient, sc.tonic), "expanded pitch")


def _as_fraction(coefficient: object, name: str) -> Fraction:
    if isinstance(coefficient, bool) or not isinstance(coefficient, int | float | Fraction):
        raise ParameterTypeError(f"{name} must be a number, got {type(coefficient).__name__}")
    f = Fraction(coefficient).limit_denominator(10_000)
    if f <= 0:
        raise ParameterError(f"{name} must be > 0, got {coefficient!r}")
    return f


def _scale_time(value: int, f: Fraction, name: str) -> int:
    v = value * f
    if v.denominator != 1:
        raise ParameterError(
            f"{name}: time {value} x {f} = {v} is not a whole number of ticks/units")
    return int(v)


# ----- note containers ----------------------------------------------------------------------
def _to_triples(notes: Iterable[Any]) -> tuple[list[Triple], list[int]]:
    triples: list[Triple] = []
    velocities: list[int] = []
    for n in notes:
        if isinstance(n, Note):
            triples.append((n.pitch, n.start, n.duration))
            velocities.append(n.velocity)
        elif isinstance(n, Sequence) and len(n) == 3:
            p, s, d = n
            p = _check_pitch(p, "notes: pitch")
            for what, v in (("start", s), ("duration", d)):
                if isinstance(v, bool) or not isinstance(v, int):
                    raise ParameterTypeError(f"notes: {what} must be an int, got {v!r}")
            if s < 0 or d < 1:
                raise ParameterError(f"notes: need start >= 0 and duration >= 1, got {tuple(n)}")
            triples.append((p, s, d))
            velocities.append(90)
        else:
            raise ParameterTypeError(
                "notes must be (pitch, start, duration) triples or Note values, "
                            f"got {n!r}")
    return triples, velocities


def _apply(notes: T, fn: Any) -> T:
    """Run ``fn(triples, span) -> triples`` on notes, a Part or a Score, keeping the kind."""
    if isinstance(notes, Score):
        span = (min((n.start for n in notes.notes), default=0), notes.end)
        parts = tuple(_apply_part(p, fn, span) for p in notes.parts)
        return replace(notes, parts=parts)  # type: ignore[return-value]
    if isinstance(notes, Part):
        return _apply_part(notes, fn, None)  # type: ignore[return-value]
    seq: tuple[Any, ...] = tuple(notes)  # type: ignore[call-overload,arg-type]
    triples, vels = _to_triples(seq)
    out = fn(triples, _span(triples), False)
    if seq and isinstance(seq[0], Note):
        return tuple(sorted(Note(s, d, p, v) for (p, s, d), v in zip(out, vels, strict=True)))  # type: ignore[return-value]
    return tuple(sorted(out, key=lambda t: (t[1], t[0], t[2])))  # type: ignore[return-value]


def _apply_part(part: Part, fn: Any, span: tuple[int, int] | None) -> Part:
    triples, vels = _to_triples(part.notes)
    out = fn(triples, span or _span(triples), part.is_drums)
    return replace(part, notes=tuple(Note(s, d, p, v)
                                     for (p, s, d), v in zip(out, vels, strict=True)))


def _span(triples: Sequence[Triple]) -> tuple[int, int]:
    if not triples:
        return (0, 0)
    return (min(t[1] for t in triples), max(t[1] + t[2] for t in triples))


def _default_axis(notes: Any) -> int:
    if isinstance(notes, Score):
        pitched = [n for p in notes.parts if not p.is_drums for n in p.notes]
    elif isinstance(notes, Part):
        pitched = list(notes.notes)
    else:
        triples, _ = _to_triples(tuple(notes))
        return min(triples, key=lambda t: (t[1], t[0]))[0] if triples else 60
    return min(pitched, key=lambda n: (n.start, n.pitch)).pitch if pitched else 60


# ----- the operations -----------------------------------------------------------------------
def retrograde(notes: T) -> T:
    """Position b: time mirrored inside the figure's span (pitches unchanged).

    >>> retrograde(((60, 0, 1), (62, 1, 3)))
    ((62, 0, 3), (60, 3, 1))
    """
    def fn(tr: list[Triple], span: tuple[int, int], drums: bool) -> list[Triple]:
        lo, hi = span
        return [(p, lo + hi - s - d, d) for p, s, d in tr]
    return _apply(notes, fn)


def inversion(notes: T, axis: int | str | None = None) -> T:
    """Position d: every pitch mirrored about ``axis`` (default: the first note's pitch).

    Drum parts keep their pitches (they name instruments).

    >>> inversion(((60, 0, 1), (64, 1, 1)))
    ((60, 0, 1), (56, 1, 1))
    """
    ax = _default_axis(notes) if axis is None else _check_pitch(axis, "axis")

    def fn(tr: list[Triple], span: tuple[int, int], drums: bool) -> list[Triple]:
        if drums:
            return tr
        return [(invert_pitch(p, ax), s, d) for p, s, d in tr]
    return _apply(notes, fn)


def position(notes: T, which: str, axis: int | str | None = None) -> T:
    """One of the four geometric positions ``"a"``, ``"b"``, ``"c"``, ``"d"``.

    ``axis`` (for c and d) defaults to the first note's pitch.
    """
    if which not in POSITIONS:
        raise ParameterError(f"which must be one of {', '.join(POSITIONS)}, got {which!r}")
    if which == "a":
        return _apply(notes, lambda tr, span, drums: tr)
    if which == "b":
        return retrograde(notes)
    inv = inversion(notes, axis if axis is not None else _default_axis(notes))
    return retrograde(inv) if which == "c" else inv


def four_positions(notes: T, axis: int | str | None = None) -> dict[str, T]:
    """All four positions as a dict ``{"a": ..., "b": ..., "c": ..., "d": ...}``."""
    ax = _default_axis(notes) if axis is None else axis
    return {w: position(notes, w, ax) for w in POSITIONS}


def expand_time(notes: T, coefficient: int | float | Fraction) -> T:
    """Onsets and durations multiplied by ``coefficient`` (the result must be whole ticks).

    >>> expand_time(((60, 0, 2), (62, 2, 1)), 3)
    ((60, 0, 6), (62, 6, 3))
    """
    f = _as_fraction(coefficient, "coefficient")

    def fn(tr: list[Triple], span: tuple[int, int], drums: bool) -> list[Triple]:
        return [(p, _scale_time(s, f, "coefficient"), _scale_time(d, f, "coefficient"))
                for p, s, d in tr]
    return _apply(notes, fn)


def expand(notes: T, coefficient: int, axis: int | str | None = None,
           scale: Scale | str | None = None) -> T:
    """Geometric expansion of pitch around ``axis`` applied to notes, a Part or a Score."""
    ax = _default_axis(notes) if axis is None else _check_pitch(axis, "axis")

    def fn(tr: list[Triple], span: tuple[int, int], drums: bool) -> list[Triple]:
        if drums:
            return tr
        return [(expand_pitch(p, ax, coefficient, scale), s, d) for p, s, d in tr]
    return _apply(notes, fn)


def transform(notes: T, which: str = "a", *, axis: int | str | None = None,
              pitch_coefficient: int = 1, time_coefficient: int | float | Fraction = 1,
              scale: Scale | str | None = None) -> T:
    """Position, pitch expansion and time expansion in one call (they commute).

    >>> transform(((60, 0, 1), (62, 1, 1)), "c", pitch_coefficient=2, time_coefficient=2)
    ((56, 0, 2), (60, 2, 2))
    """
    ax = _default_axis(notes) if axis is None else _check_pitch(axis, "axis")
    out = position(notes, which, ax)
    if pitch_coefficient != 1:
        out = expand(out, pitch_coefficient, ax, scale)
    if time_coefficient != 1:
        out = expand_time(out, time_coefficient)
    return out

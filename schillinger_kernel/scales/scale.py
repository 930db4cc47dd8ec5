"""The :class:`Scale` value of Book II, named scales, keys and tonal expansion.

>>> scale("C major").expand(1)
Scale((0, 4, 7, 11, 14, 17, 21))
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from typing import Any

from ..checks import check_int
from ..errors import ParameterError, ParameterTypeError
from ..pitch import MODE_STEPS, NOTE_NAMES, pitch_class, to_midi_pitch
from ..pitch import key as parse

__all__ = [
    "NAMED_SCALES", "SYMMETRIC_DIVISIONS", "Scale", "as_scale", "from_intervals", "from_pitches",
    "key_scale", "scale", "scale_names", "tonal_expansion", "tonic_pc",
]

# Named one-octave scales as interval lists (each sums to 12); the modes a key may name come
# from the pitch vocabulary, so a key and its scale cannot disagree.
NAMED_SCALES: dict[str, tuple[int, ...]] = {
    **MODE_STEPS,
    "natural minor": MODE_STEPS["minor"],
    "harmonic minor": MODE_STEPS["harmonic"],
    "melodic minor": MODE_STEPS["melodic"],
    "harmonic major": (2, 2, 1, 2, 1, 3, 1),
    "hungarian minor": (2, 1, 3, 1, 1, 3, 1),
    "neapolitan major": (1, 2, 2, 2, 2, 2, 1),
    "neapolitan minor": (1, 2, 2, 2, 1, 3, 1),
    "major pentatonic": (2, 2, 3, 2, 3),
    "pentatonic": (2, 2, 3, 2, 3),
    "minor pentatonic": (3, 2, 2, 3, 2),
    "blues": (3, 2, 1, 1, 3, 2),
    "whole tone": (2, 2, 2, 2, 2, 2),
    "augmented": (3, 1, 3, 1, 3, 1),
    "octatonic": (1, 2, 1, 2, 1, 2, 1, 2),
    "half-whole": (1, 2, 1, 2, 1, 2, 1, 2),
    "whole-half": (2, 1, 2, 1, 2, 1, 2, 1),
    "diminished": (2, 1, 2, 1, 2, 1, 2, 1),
    "chromatic": (1,) * 12,
}

SYMMETRIC_DIVISIONS = (1, 2, 3, 4, 6, 12)


class Scale(tuple[int, ...]):
    """An ascending tuple of pitches repeating every ``span`` semitones.

    The first pitch is the tonic's pitch class (0..11); the others rise from it. Compare it
    with a plain tuple: ``scale("C major") == (0, 2, 4, 5, 7, 9, 11)``.

    >>> d = scale("D dorian")
    >>> d, d.pitch_classes, d.name
    (Scale((2, 4, 5, 7, 9, 11, 12)), (2, 4, 5, 7, 9, 11, 0), 'D dorian')
    >>> d.pitch(1), d.pitch(8), d.pitch(0)
    (62, 74, 60)
    """

    span: int
    name: str

    def __new__(cls, pitches: Iterable[int], span: int = 12, name: str = "") -> Scale:
        values = tuple(pitches)
        if not values:
            raise ParameterError("pitches must not be empty")
        for p in values:
            if isinstance(p, bool) or not isinstance(p, int):
                raise ParameterTypeError(f"pitches must be ints, got {type(p).__name__} {p!r}")
        if any(b <= a for a, b in itertools.pairwise(values)):
            raise ParameterError(f"pitches must rise strictly, got {values}")
        if isinstance(span, bool) or not isinstance(span, int) or span < 1 or span % 12:
            raise ParameterError(f"span must be a positive multiple of 12 semitones, got {span!r}")
        if values[-1] - values[0] >= span:
            raise ParameterError(f"pitches {values} do not fit in a span of {span} semitones")
        shift = values[0] - values[0] % 12
        values = tuple(v - shift for v in values)
        self = super().__new__(cls, values)
        object.__setattr__(self, "span", span)
        object.__setattr__(self, "name", str(name))
        return self

    def __setattr__(self, key: str, value: Any) -> None:
        raise AttributeError("Scale is immutable")

    def __repr__(self) -> str:
        return f"Scale({tuple(self)!r})"

    def __reduce__(self) -> Any:
        return (Scale, (tuple(self), self.span, self.name))

    # ----- descriptions -------------------------------------------------------------------
    @property
    def tonic(self) -> int:
        """Pitch class (0..11) of the first unit."""
        return self[0]

    @property
    def intervals(self) -> tuple[int, ...]:
        """Steps between successive units, the closing step (back to the tonic) included."""
        vals = (*self, self[0] + self.span)
        return tuple(b - a for a, b in itertools.pairwise(vals))

    @property
    def pitch_classes(self) -> tuple[int, ...]:
        """The units as pitch classes (0 = C), in scale order."""
        return tuple(p % 12 for p in self)

    @property
    def octaves(self) -> int:
        """How many octaves one period spans."""
        return self.span // 12

    @property
    def group(self) -> int:
        """Schillinger's scale group: 1 one-octave, 2 tonal expansion, 3 symmetric, 4 system.

        >>> scale("C major").group, scale("C major").expand(1).group, scale("whole tone").group
        (1, 2, 3)
        >>> from schillinger_kernel.scales import symmetric_system
        >>> symmetric_system(5).group
        4
        """
        symmetric = _symmetric_period(self) < self.span
        if self.span == 12:
            return 3 if symmetric else 1
        return 4 if symmetric else 2

    # ----- pitches --------------------------------------------------------------------------
    def pitch(self, degree: int, octave: int = 4) -> int:
        """MIDI pitch of a 1-based ``degree`` with the tonic in ``octave`` (C4 = 60).

        Degrees past the last unit continue into the next period; 0 and below go down.
        """
        check_int("degree", degree)
        check_int("octave", octave)
        return self.at(degree - 1, 12 * (octave + 1) + self.tonic)

    def at(self, index: int, base: int | None = None) -> int:
        """Pitch of the unit ``index`` (0-based, any int) counted from ``base`` (the tonic).

        ``base`` defaults to the tonic in octave 4.
        """
        check_int("index", index)
        if base is None:
            base = 60 + self.tonic
        q, r = divmod(index, len(self))
        return base + q * self.span + (self[r] - self[0])

    def index_of(self, pitch: int, base: int | None = None) -> int:
        """The unit index of ``pitch`` relative to ``base`` (inverse of :meth:`at`).

        Raises ValueError when ``pitch`` is not in the scale.
        """
        check_int("pitch", pitch)
        if base is None:
            base = 60 + self.tonic
        q, r = divmod(pitch - base, self.span)
        rel = tuple(p - self[0] for p in self)
        if r not in rel:
            raise ParameterError(f"pitch {pitch} is not in the scale {tuple(self)}")
        return q * len(self) + rel.index(r)

    def contains(self, pitch: int) -> bool:
        """Whether the MIDI ``pitch`` belongs to the scale (for one-octave scales: its class)."""
        try:
            self.index_of(pitch, base=self.tonic)
        except ValueError:
            return False
        return True

    def nearest(self, pitch: int) -> int:
        """The scale pitch nearest to ``pitch`` (the lower one on a tie)."""
        check_int("pitch", pitch)
        for d in range(0, self.span + 1):
            for cand in (pitch - d, pitch + d):
                if self.contains(cand):
                    return cand
        raise AssertionError("unreachable: every scale has a unit in each span")

    def step(self, pitch: int, steps: int) -> int:
        """``pitch`` (in the scale) moved by ``steps`` scale units (negative = down).

        >>> scale("C major").step(64, 2), scale("C major").step(60, -1)
        (67, 59)
        """
        check_int("steps", steps)
        return self.at(self.index_of(pitch, self.tonic) + steps, self.tonic)

    def pitches(self, low: int | str = 0, high: int | str = 127) -> tuple[int, ...]:
        """All MIDI pitches of the scale from ``low`` to ``high`` inclusive.

        >>> scale("C major pentatonic").pitches("C4", "C5")
        (60, 62, 64, 67, 69, 72)
        """
        lo, hi = to_midi_pitch(low), to_midi_pitch(high)
        if lo > hi:
            raise ParameterError(f"low must not exceed high, got low={lo}, high={hi}")
        return tuple(p for p in range(lo, hi + 1) if self.contains(p))

    # ----- transformations ------------------------------------------------------------------
    def transpose(self, semitones: int) -> Scale:
        """The scale moved by ``semitones``."""
        check_int("semitones", semitones)
        return Scale((p + semitones for p in self), self.span,
                     _retonic(self.name, (self.tonic + semitones) % 12))

    def in_key(self, tonic: int | str) -> Scale:
        """The same intervals starting on ``tonic`` (a pitch class or a name like ``"F#"``).

        >>> scale("major").in_key("G").pitch_classes
        (7, 9, 11, 0, 2, 4, 6)
        >>> scale("C major").in_key("G").name
        'G major'
        """
        pc = tonic_pc(tonic)
        return self.transpose((pc - self.tonic) % 12)

    def expand(self, k: int) -> Scale:
        """Tonal expansion E_k as a scale (see :func:`tonal_expansion`)."""
        pitches = tonal_expansion(self, k)
        return Scale(pitches, span=_expansion_span(pitches, self.span), name=self.name
                     and f"{self.name} E{k}")

    def displacements(self) -> tuple[Scale, ...]:
        """The scales on the circular permutations of the intervals (the modes of the scale).

        >>> [s.pitch_classes[:3] for s in scale("C major").displacements()[:2]]
        [(0, 2, 4), (2, 4, 5)]
        """
        out = []
        for rot in range(len(self)):
            out.append(Scale(_rotate_pitches(self, rot), self.span))
        return tuple(out)

    def to_dict(self) -> dict[str, Any]:
        """Plain data: pitches, intervals, pitch classes, span, group, name."""
        return {"name": self.name, "pitches": list(self), "intervals": list(self.intervals),
                "pitch_classes": list(self.pitch_classes), "span": self.span,
                "group": self.group, "tonic": self.tonic}


def _rotate_pitches(s: Scale, rot: int) -> tuple[int, ...]:
    return tuple(s.at(i, s.tonic) for i in range(rot, rot + len(s)))


def _symmetric_period(s: Scale) -> int:
    """Smallest transposition t (dividing span) that maps the scale's pitch set onto itself."""
    pcs = {p % s.span for p in s}
    for t in range(1, s.span):
        if s.span % t == 0 and {(p + t) % s.span for p in pcs} == pcs:
            return t
    return s.span


def _expansion_span(pitches: Sequence[int], base_span: int) -> int:
    # The expanded sequence repeats when the first unit comes round again above the last.
    top = pitches[-1]
    nxt = pitches[0]
    while nxt <= top:
        nxt += base_span
    return nxt - pitches[0]


def tonic_pc(tonic: int | str) -> int:
    """Pitch class of a tonic given as a note name or a pitch (0..127).

    >>> tonic_pc("Eb"), tonic_pc(62)
    (3, 2)
    """
    if isinstance(tonic, str):
        return pitch_class(tonic.strip())
    check_int("tonic", tonic)
    if not 0 <= tonic <= 127:
        raise ParameterError(f"tonic must be a pitch class or MIDI pitch 0..127, got {tonic}")
    return tonic % 12


# ----- construction -------------------------------------------------------------------------
def _retonic(name: str, pc: int) -> str:
    """``name`` with its leading tonic (``"C major"``) renamed to ``pc``; other names kept."""
    head, sep, rest = name.partition(" ")
    if sep and head[:1] in "ABCDEFG" and head[1:] in ("", "#", "b"):
        return f"{NOTE_NAMES[pc]} {rest}"
    return name


def from_intervals(intervals: Sequence[int], tonic: int | str = 0, name: str = "") -> Scale:
    """A scale from its steps; the closing step (back to the tonic) may be given or left out.

    >>> from_intervals((2, 2, 3, 2, 3), tonic="D").pitch_classes
    (2, 4, 6, 9, 11)
    >>> from_intervals((2, 2, 3, 2)) == from_intervals((2, 2, 3, 2, 3))
    True
    """
    steps = tuple(intervals)
    if not steps:
        raise ParameterError("intervals must not be empty")
    for s in steps:
        if isinstance(s, bool) or not isinstance(s, int) or s < 1:
            raise ParameterError(f"intervals must be positive ints (semitones), got {s!r}")
    total = sum(steps)
    if total % 12 == 0:
        span, units = total, steps[:-1]
    else:
        span = 12 * math.ceil(total / 12)
        units = steps
    pc = tonic_pc(tonic)
    pitches = [pc]
    for s in units:
        pitches.append(pitches[-1] + s)
    return Scale(pitches, span=span, name=name)


def from_pitches(pitches: Iterable[int | str], name: str = "") -> Scale:
    """A one-octave scale from pitches or note names (their pitch classes; the first is tonic).

    >>> from_pitches(["E", "G", "A", "B", "D"])
    Scale((4, 7, 9, 11, 14))
    """
    pcs: list[int] = []
    for p in pitches:
        pc = pitch_class(p) if isinstance(p, str) else tonic_pc(p)
        if pc not in pcs:
            pcs.append(pc)
    if not pcs:
        raise ParameterError("pitches must not be empty")
    tonic = pcs[0]
    rel = sorted((pc - tonic) % 12 for pc in pcs)
    return Scale((tonic + r for r in rel), 12, name)


def scale(name: str, tonic: int | str | None = None) -> Scale:
    """A named scale, e.g. ``scale("A harmonic minor")``, ``scale("whole tone", "D")``.

    Names: see :data:`NAMED_SCALES` (major, minor, the modes, harmonic/melodic minor,
    pentatonics, blues, whole tone, augmented, octatonic, chromatic ...). A leading note
    name sets the tonic; ``tonic`` overrides it (default C).

    >>> scale("A harmonic minor").pitch_classes
    (9, 11, 0, 2, 4, 5, 8)
    >>> scale("lydian", "F").pitch_classes
    (5, 7, 9, 11, 0, 2, 4)
    """
    if not isinstance(name, str) or not name.strip():
        raise ParameterError(f"name must be a scale name such as 'C major', got {name!r}")
    words = name.strip().split()
    pc = 0
    label = " ".join(w.lower() for w in words)
    if words[0][0].lower() in "abcdefg" and " ".join(words[0:]).lower() not in NAMED_SCALES:
        try:
            pc = pitch_class(words[0])
            label = " ".join(w.lower() for w in words[1:]) or "major"
        except ValueError:
            pass
    if label not in NAMED_SCALES:
        raise ParameterError(f"name: unknown scale {name!r}; known scales: "
                         f"{', '.join(sorted(NAMED_SCALES))}")
    if tonic is not None:
        pc = tonic_pc(tonic)
    return from_intervals(NAMED_SCALES[label], pc, name=f"{NOTE_NAMES[pc]} {label}")


def key_scale(key: str) -> Scale:
    """The scale of a key name such as ``"C major"``, ``"A minor"``, ``"D dorian"``.

    ``minor`` is the natural minor (aeolian); ``harmonic``/``melodic`` the other minors.

    >>> key_scale("A minor").pitch_classes
    (9, 11, 0, 2, 4, 5, 7)
    """
    k = parse(key)
    return scale(k.mode, k.tonic)


def as_scale(value: Scale | str | Sequence[int | str]) -> Scale:
    """Coerce a Scale, a key or scale name, or a pitch list into a :class:`Scale`."""
    if isinstance(value, Scale):
        return value
    if isinstance(value, str):
        try:
            return key_scale(value)
        except ValueError as exc:
            try:
                return scale(value)
            except ValueError:
                raise ParameterError(f"scale: {value!r} is neither a key ({exc}) nor a scale name "
                                 f"such as 'D dorian' or 'whole tone'") from None
    if isinstance(value, Sequence) and value:
        if all(isinstance(v, int) and not isinstance(v, bool) for v in value):
            ints = [int(v) for v in value]
            if all(b > a for a, b in itertools.pairwise(ints)) and ints[-1] - ints[0] < 12:
                return Scale(ints)
        return from_pitches(value)
    raise ParameterError(f"scale must be a Scale, a name like 'C major' or a list of pitches, "
                     f"got {value!r}")


def scale_names() -> tuple[str, ...]:
    """The names :func:`scale` accepts."""
    return tuple(sorted(NAMED_SCALES))


def tonal_expansion(units: Scale | str | Sequence[int | str], k: int) -> tuple[int, ...]:
    """E_k of a scale: take every (k+1)-th unit cyclically, skipping units already taken.

    Each unit is placed above the previous one. ``n`` units give E0..E_(n-2). Pitch
    classes in give semitones from the first unit; MIDI pitches in give MIDI pitches.

    >>> tonal_expansion((0, 2, 4, 5, 7, 9, 11), 1)
    (0, 4, 7, 11, 14, 17, 21)
    >>> tonal_expansion((60, 62, 64, 65, 67, 69, 71), 2)
    (60, 65, 71, 76, 81, 86, 91)
    >>> tonal_expansion("C major", 0)
    (0, 2, 4, 5, 7, 9, 11)
    """
    if isinstance(units, str):
        units = as_scale(units)
    if isinstance(units, Scale):
        seq = list(units)
    elif not isinstance(units, Sequence):
        raise ParameterTypeError(f"units must be a scale, a scale name or a list of pitches, "
                        f"got {type(units).__name__} {units!r}")
    else:
        seq = [to_midi_pitch(u) if isinstance(u, str) and u[-1:].isdigit()
               else (pitch_class(u) if isinstance(u, str) else check_int("units", u))
               for u in units]
    n = len(seq)
    if n < 2:
        raise ParameterError(f"units must hold at least 2 pitches, got {n}")
    if not isinstance(units, Scale) and len({p % 12 for p in seq}) < n:
        raise ParameterError(f"units must be distinct pitch classes (a scale), got {tuple(seq)}")
    check_int("k", k)
    if not 0 <= k <= n - 2:
        raise ParameterError(f"k must be in 0..{n - 2} for a scale of {n} units, got {k}")
    order = [0]
    taken = {0}
    pos = 0
    while len(order) < n:
        pos = (pos + k + 1) % n
        while pos in taken:
            pos = (pos + 1) % n
        taken.add(pos)
        order.append(pos)
    out = [seq[0]]
    for idx in order[1:]:
        p = seq[idx]
        while p <= out[-1]:
            p += 12
        while p - 12 > out[-1]:
            p -= 12
        out.append(p)
    return tuple(out)

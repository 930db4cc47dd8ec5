"""Book V: the special theory of harmony: structures, cycles, voice leading, symmetry.

* Diatonic structures stack adjacent units of E1 (every other scale unit): S5 = 1,3,5;
  S7 = 1,3,5,7; S9; S11; S13 (all seven). :func:`structure` gives their pitches on any degree
  of any key; :func:`hybrid` the four-part hybrid (root in the bass, three upper functions).
* Cycles (:func:`cycle`): in the positive direction the root of each chord becomes the 3rd,
  5th or 7th of the next, so the root falls a third (C3), a fifth (C5) or a seventh (C7, a
  second up). Negative cycles run the other way. :func:`binomial` / :func:`trinomial` alternate
  two or three cycles.
* Voice leading (:func:`cycle_progression`, :func:`progression`) by the function maps of
  :mod:`schillinger_kernel.voice_leading`.
* Symmetric harmony: S1 = 4+3, S2 = 3+4, S3 = 4+4, S4 = 3+3 (:func:`symmetric_structure`);
  Type III progressions on 2, 3, 4, 6 or 12 symmetric tonics (:func:`type_iii`).

>>> structure("C major", 2, "S7")
(62, 65, 69, 72)
>>> [NOTE_NAMES[r] for r in cycle("C major", "C3")]
['C', 'A', 'F', 'D', 'B', 'G', 'E']
>>> cycle_progression("C major", "C5", length=4).symbols
('Cmaj7', 'Fmaj7', 'Bm7b5', 'Em7')
>>> generate_progression("C major", length=4, style="classical", seed=1).romans[-2:]
('V7', 'I')
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import Any

from .chords import NOTE_NAMES, chord_symbol, parse_chord_symbol, roman_numeral
from .scales import Scale, as_scale, key_scale, symmetric_tonics
from .voice_leading import function_map

STRUCTURES: dict[str, tuple[int, ...]] = {
    "S5": (1, 3, 5), "S7": (1, 3, 5, 7), "S9": (1, 3, 5, 7, 9), "S11": (1, 3, 5, 7, 9, 11),
    "S13": (1, 3, 5, 7, 9, 11, 13),
}
HYBRID_UPPER: dict[str, tuple[int, int, int]] = {
    "S5": (5, 3, 1), "S7": (7, 5, 3), "S9": (9, 7, 3), "S11": (11, 9, 7), "S13": (13, 9, 7),
}
SYMMETRIC_STRUCTURES: dict[str, tuple[int, int]] = {
    "S1": (4, 3), "S2": (3, 4), "S3": (4, 4), "S4": (3, 3),
}
CYCLES = ("C3", "C5", "C7")
# Scale steps the root moves in the positive direction: falls a third, a fifth, a seventh.
_CYCLE_STEP = {"C3": -2, "C5": -4, "C7": -6}
# Type III: how many symmetric tonics go with which cycle.
TYPE_III_CYCLE = {2: "C5", 3: "C3", 4: "C3", 6: "C7", 12: "C7"}
VOICINGS = ("hybrid", "full", "close")


# ----- validation ---------------------------------------------------------------------------
def _key(key: str) -> tuple[Scale, str]:
    if not isinstance(key, str):
        raise ValueError(f"key must be a name like 'C major', got {key!r}")
    try:
        sc = key_scale(key)
    except ValueError as exc:
        raise ValueError(f"key: {exc}") from None
    return sc, key.strip()


def _int(name: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be in {low}..{high}, got {value}")
    return value


def _structure_name(name: str) -> str:
    if name not in STRUCTURES and name not in SYMMETRIC_STRUCTURES:
        allowed = ", ".join([*STRUCTURES, *SYMMETRIC_STRUCTURES])
        raise ValueError(f"structure must be one of {allowed}, got {name!r}")
    return name


def _direction(direction: str) -> int:
    if direction not in ("positive", "negative"):
        raise ValueError(f"direction must be 'positive' or 'negative', got {direction!r}")
    return 1 if direction == "positive" else -1


# ----- structures ---------------------------------------------------------------------------
def functions(key: str | Scale, degree: int, name: str = "S7") -> dict[int, int]:
    """``{function: pitch class}`` of a diatonic structure on ``degree`` of ``key``.

    >>> functions("A minor", 5, "S5")
    {1: 4, 3: 7, 5: 11}
    """
    sc = key if isinstance(key, Scale) else _key(key)[0]
    _int("degree", degree, 1, len(sc))
    if _structure_name(name) not in STRUCTURES:
        raise ValueError(f"structure: {name!r} is symmetric; use symmetric_structure()")
    base = degree - 1
    return {f: sc.at(base + f - 1, sc.tonic) % 12 for f in STRUCTURES[name]}


def structure(key: str, degree: int, name: str = "S7", octave: int = 4) -> tuple[int, ...]:
    """Pitches of structure ``name`` (S5..S13) on ``degree`` (1-based) of ``key``.

    The root is the degree in ``octave`` (the tonic of octave 4 is the one from C4 up).

    >>> structure("C major", 5, "S9")
    (67, 71, 74, 77, 81)
    >>> structure("A minor", 1, "S5")
    (69, 72, 76)
    """
    sc, _ = _key(key)
    _int("degree", degree, 1, len(sc))
    _int("octave", octave, -1, 9)
    if _structure_name(name) not in STRUCTURES:
        raise ValueError(f"structure: {name!r} is symmetric; use symmetric_structure()")
    root = sc.pitch(degree, octave)
    idx = sc.index_of(root, sc.tonic)
    out = tuple(sc.at(idx + f - 1, sc.tonic) for f in STRUCTURES[name])
    if out[-1] > 127:
        raise ValueError(f"octave: structure reaches pitch {out[-1]} > 127")
    return out


def hybrid(key: str, degree: int, name: str = "S7", bass_octave: int = 3,
           octave: int = 4) -> tuple[int, ...]:
    """Four-part hybrid harmony: the root in the bass, three upper functions in close position.

    Upper functions: S5 -> 5,3,1; S7 -> 7,5,3; S9 -> 9,7,3; S11 -> 11,9,7; S13 -> 13,9,7
    (listed top down). Returns ``(bass, tenor, alto, soprano)``.

    >>> hybrid("C major", 1, "S7")
    (48, 64, 67, 71)
    >>> hybrid("C major", 5, "S13")
    (55, 65, 69, 76)
    """
    sc, _ = _key(key)
    _int("degree", degree, 1, len(sc))
    _int("bass_octave", bass_octave, -1, 8)
    _int("octave", octave, -1, 9)
    if _structure_name(name) not in HYBRID_UPPER:
        raise ValueError(f"structure must be one of {', '.join(HYBRID_UPPER)}, got {name!r}")
    fs = functions(sc, degree, name)
    bass = sc.pitch(degree, bass_octave)
    upper = _close_position([fs[f] for f in reversed(HYBRID_UPPER[name])],
                            12 * (octave + 1) + fs[HYBRID_UPPER[name][2]] % 12)
    return (bass, *upper)


def _close_position(pcs: Sequence[int], lowest: int) -> tuple[int, ...]:
    out = [lowest]
    for pc in pcs[1:]:
        p = out[-1] + (pc - out[-1]) % 12
        out.append(p if p > out[-1] else p + 12)
    return tuple(out)


def symmetric_structure(root: int | str, name: str = "S1") -> tuple[int, ...]:
    """Symmetric S5 on ``root`` (MIDI pitch or name): S1 4+3, S2 3+4, S3 4+4, S4 3+3.

    >>> symmetric_structure(60, "S3"), symmetric_structure("A3", "S4")
    ((60, 64, 68), (57, 60, 63))
    """
    from .score import to_midi_pitch

    r = to_midi_pitch(root)
    if name not in SYMMETRIC_STRUCTURES:
        raise ValueError(f"name must be one of {', '.join(SYMMETRIC_STRUCTURES)}, got {name!r}")
    a, b = SYMMETRIC_STRUCTURES[name]
    if r + a + b > 127:
        raise ValueError(f"root {r} is too high for {name}")
    return (r, r + a, r + a + b)


def _symmetric_functions(root_pc: int, name: str) -> dict[int, int]:
    a, b = SYMMETRIC_STRUCTURES[name]
    return {1: root_pc % 12, 3: (root_pc + a) % 12, 5: (root_pc + a + b) % 12}


# ----- cycles -------------------------------------------------------------------------------
def _cycle_kinds(kinds: Sequence[str]) -> tuple[str, ...]:
    ks = tuple(kinds)
    if not ks:
        raise ValueError("kinds must not be empty")
    for k in ks:
        if k not in CYCLES:
            raise ValueError(f"kind must be one of {', '.join(CYCLES)}, got {k!r}")
    return ks


def cycle_degrees(kinds: str | Sequence[str], direction: str = "positive",
                  length: int | None = None, start: int = 1, units: int = 7
                  ) -> tuple[int, ...]:
    """Root degrees (1-based) of a cycle progression alternating ``kinds``.

    ``length`` defaults to the closure: the number of chords before the progression returns
    to its first root with the first cycle next (7 for one cycle, 14 for a binomial ...).

    >>> cycle_degrees("C5")
    (1, 4, 7, 3, 6, 2, 5)
    >>> len(cycle_degrees(("C3", "C5")))
    14
    """
    ks = _cycle_kinds((kinds,) if isinstance(kinds, str) else kinds)
    sign = _direction(direction)
    _int("units", units, 1, 12)
    _int("start", start, 1, units)
    total = sum(_CYCLE_STEP[k] for k in ks) * sign
    closure = len(ks) * units // math.gcd(total % units or units, units)
    n = closure if length is None else _int("length", length, 1, 4096)
    out = []
    d = start - 1
    for i in range(n):
        out.append(d % units + 1)
        d += sign * _CYCLE_STEP[ks[i % len(ks)]]
    return tuple(out)


def cycle(key: str, kind: str = "C5", direction: str = "positive", length: int = 7,
          start: int = 1) -> tuple[int, ...]:
    """Root pitch classes of a cycle C3, C5 or C7 in ``key`` from degree ``start``.

    >>> cycle("C major", "C3")
    (0, 9, 5, 2, 11, 7, 4)
    >>> cycle("C major", "C7", "negative", length=3)
    (0, 11, 9)
    """
    sc, _ = _key(key)
    if kind not in CYCLES:
        raise ValueError(f"kind must be one of {', '.join(CYCLES)}, got {kind!r}")
    degs = cycle_degrees(kind, direction, length, start, units=len(sc))
    return tuple(sc.pitch_classes[d - 1] for d in degs)


def binomial(key: str, kinds: Sequence[str] = ("C3", "C5"), direction: str = "positive",
             length: int | None = None, start: int = 1) -> tuple[int, ...]:
    """Root pitch classes alternating two cycles; closes after 14 chords by default.

    >>> binomial("C major")[:5]
    (0, 9, 2, 11, 4)
    """
    sc, _ = _key(key)
    if len(tuple(kinds)) != 2:
        raise ValueError(f"kinds must name two cycles, got {kinds!r}")
    degs = cycle_degrees(tuple(kinds), direction, length, start, units=len(sc))
    return tuple(sc.pitch_classes[d - 1] for d in degs)


def trinomial(key: str, kinds: Sequence[str] = ("C3", "C5", "C7"),
              direction: str = "positive", length: int | None = None,
              start: int = 1) -> tuple[int, ...]:
    """Root pitch classes alternating three cycles (closes after 21 chords by default)."""
    sc, _ = _key(key)
    if len(tuple(kinds)) != 3:
        raise ValueError(f"kinds must name three cycles, got {kinds!r}")
    degs = cycle_degrees(tuple(kinds), direction, length, start, units=len(sc))
    return tuple(sc.pitch_classes[d - 1] for d in degs)


def cycle_name(from_degree: int, to_degree: int, units: int = 7) -> str:
    """Name of the cycle that leads from one root degree to another: ``"C5+"``, ``"C3-"``...

    >>> cycle_name(2, 5), cycle_name(1, 6), cycle_name(4, 5)
    ('C5+', 'C3+', 'C7+')
    """
    step = (to_degree - from_degree) % units
    for kind, s in _CYCLE_STEP.items():
        if step == s % units:
            return kind + "+"
        if step == -s % units:
            return kind + "-"
    return "="


from .harmony_voicing import (  # noqa: E402  (chords, progressions, voicing: split for size)
    Chord,
    ChordSpec,
    Progression,
    diatonic_spec,
    symbol_spec,
    voice,
)


def progression(key: str, degrees: Sequence[int], structure: str = "S7", *,
                voicing: str = "hybrid", bass_octave: int = 2, octave: int = 4) -> Progression:
    """Voice-led diatonic chords on root ``degrees`` of ``key``.

    >>> progression("C major", (2, 5, 1), "S7").romans
    ('ii7', 'V7', 'Imaj7')
    """
    sc, key = _key(key)
    if isinstance(degrees, str) or not isinstance(degrees, Sequence):
        raise TypeError(f"degrees must be a sequence of ints 1..{len(sc)}, "
                        f"got {type(degrees).__name__} {degrees!r}")
    if not degrees:
        raise ValueError("degrees must not be empty (length 0)")
    specs = [diatonic_spec(sc, _int("degrees", d, 1, len(sc)), structure) for d in degrees]
    moves = tuple(cycle_name(a, b, len(sc)) for a, b in itertools.pairwise(degrees))
    return voice(specs, key, voicing=voicing, bass_octave=bass_octave, octave=octave,
                 moves=moves)


def cycle_progression(key: str, kind: str | Sequence[str] = "C5",
                      direction: str = "positive", length: int | None = 7,
                      structure: str = "S7", *, voicing: str = "full", start: int = 1,
                      octave: int = 4) -> Progression:
    """A cycle (or binomial/trinomial) progression voice-led by Schillinger's function maps.

    With ``voicing="full"`` the upper voices carry all functions of S5 or S7, so the maps
    apply: roots stay as common tones and the moving voices go by step. ``length=None``
    gives the closure.

    >>> p = cycle_progression("C major", "C3", length=3)
    >>> [c.pitches[1:] for c in p]
    [(60, 64, 67, 71), (60, 64, 67, 69), (60, 64, 65, 69)]
    """
    sc, key = _key(key)
    kinds = (kind,) if isinstance(kind, str) else tuple(kind)
    degs = cycle_degrees(kinds, direction, length, start, units=len(sc))
    specs = [diatonic_spec(sc, d, structure) for d in degs]
    maps: list[Any] = []
    for i in range(len(degs) - 1):
        try:
            maps.append(function_map(kinds[i % len(kinds)], structure, direction))
        except ValueError:
            maps.append(None)
    sign = "+" if direction == "positive" else "-"
    moves = tuple(kinds[i % len(kinds)] + sign for i in range(len(degs) - 1))
    return voice(specs, key, voicing=voicing, maps=maps, octave=octave,
                 register=(-1000, 1000), moves=moves)


def type_iii(tonic: int | str = 0, n: int = 3, structures: str | Sequence[str] = "S1",
             direction: str = "positive", length: int | None = None, *,
             key: str | None = None, voicing: str = "hybrid") -> Progression:
    """Type III progression: symmetric S5 structures on ``n`` symmetric tonics.

    2 tonics go with C5, 3 and 4 with C3 (roots fall by 12/n in the positive direction),
    6 and 12 with C7 (roots rise). ``structures`` (S1..S4) are used in turn.

    >>> type_iii("C", 3).symbols
    ('C', 'Ab', 'E')
    >>> type_iii("C", 4, ("S2", "S1"), direction="negative").symbols
    ('Cm', 'Eb', 'F#m', 'A')
    """
    tonics = symmetric_tonics(n, tonic)
    names = (structures,) if isinstance(structures, str) else tuple(structures)
    if not names:
        raise ValueError("structures must not be empty")
    for s in names:
        if s not in SYMMETRIC_STRUCTURES:
            raise ValueError(f"structures must be among S1, S2, S3, S4, got {s!r}")
    sign = _direction(direction)
    falls = TYPE_III_CYCLE[n] in ("C3", "C5") if n > 1 else True
    step = (12 // n) * (-1 if falls else 1) * sign
    count = n if length is None else _int("length", length, 1, 4096)
    roots = [(tonics[0] + i * step) % 12 for i in range(count)]
    specs = [ChordSpec(r, _symmetric_functions(r, names[i % len(names)]), names[i % len(names)])
             for i, r in enumerate(roots)]
    k = key if key is not None else f"{NOTE_NAMES[tonics[0] % 12]} major"
    kind = TYPE_III_CYCLE[n] if n > 1 else "="
    return voice(specs, k, voicing=voicing, moves=(kind + ("+" if sign > 0 else "-"),) *
                 (count - 1), style="symmetric")


def chords_from_symbols(symbols: Sequence[str], key: str = "C major", *,
                        voicing: str = "hybrid", octave: int = 4) -> Progression:
    """Voice-led chords from symbols such as ``["C", "Am", "F", "G7"]``.

    >>> chords_from_symbols(["C", "Am", "F", "G7"]).romans
    ('I', 'vi', 'IV', 'V7')
    """
    if isinstance(symbols, str) or not symbols:
        raise ValueError(f"chords must be a non-empty list of chord symbols, got {symbols!r}")
    specs = []
    for s in symbols:
        try:
            specs.append(symbol_spec(s))
        except ValueError as exc:
            raise ValueError(f"chords: {exc}") from None
    return voice(specs, key, voicing=voicing, octave=octave)


from .harmony_analysis import analyze_harmony  # noqa: E402  (split for size)
from .harmony_styles import STYLES, generate_progression  # noqa: E402

__all__ = [
    "CYCLES",
    "HYBRID_UPPER",
    "NOTE_NAMES",
    "STRUCTURES",
    "STYLES",
    "SYMMETRIC_STRUCTURES",
    "Chord",
    "ChordSpec",
    "Progression",
    "analyze_harmony",
    "as_scale",
    "binomial",
    "chord_symbol",
    "chords_from_symbols",
    "cycle",
    "cycle_degrees",
    "cycle_name",
    "cycle_progression",
    "diatonic_spec",
    "function_map",
    "functions",
    "generate_progression",
    "hybrid",
    "parse_chord_symbol",
    "progression",
    "roman_numeral",
    "structure",
    "symbol_spec",
    "symmetric_structure",
    "trinomial",
    "type_iii",
    "voice",
]

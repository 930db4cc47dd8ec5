"""The seed's progression generator on top of Book V: cycles and structures chosen by style.

``generate_progression(key, length, complexity, style, seed)`` picks root cycles (C3, C5, C7 in
either direction) and structures (S5 ... S13, or the symmetric S1 ... S4) for a style, then
voice-leads the chords (:func:`schillinger_kernel.harmony.voice`):

* ``classical``: mostly positive C5 with C3 and C7; triads, sevenths on V and ii as
  complexity grows; pre-dominant, V, I at the end; V raised in minor keys.
* ``jazz``: S7 and up; ii-V-I endings; secondary dominants and tritone substitutes with
  complexity.
* ``pop``: a four-chord loop of I, IV, V, vi (and ii, iii with complexity), repeated.
* ``modal``: C3 and C7 moves in the key's mode, returning to the tonic every four chords,
  cadencing through the mode's characteristic degree; no diminished triads.
* ``symmetric``: Type III: roots on 2, 3, 4, 6 or 12 symmetric tonics (more with complexity),
  symmetric structures S1 ... S4.

>>> p = generate_progression("A minor", length=8, style="jazz", complexity=0.3, seed=4)
>>> len(p), p.romans[-1]
(8, 'i7')
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from typing import Any

from ..errors import ParameterError, ParameterTypeError
from ..pitch import parse_key
from ..scales import Scale, key_scale, scale, symmetric_tonics
from .cycles import cycle_name
from .structures import SYMMETRIC_STRUCTURES, symmetric_functions
from .voicing import ChordSpec, Progression, diatonic_spec, voice

__all__ = [
    "MAX_LENGTH",
    "STYLES",
    "generate_progression",
]


STYLES = ("classical", "jazz", "pop", "modal", "symmetric")
MAX_LENGTH = 1024

_MINOR_MODES = ("minor", "aeolian", "harmonic", "melodic")
_MODE_CADENCE = {"major": 4, "ionian": 4, "dorian": 4, "phrygian": 2, "lydian": 2,
                 "mixolydian": 7, "aeolian": 7, "minor": 7, "harmonic": 4, "melodic": 4,
                 "locrian": 2}
_MOVES: tuple[tuple[str, int, int], ...] = (  # (cycle, direction, degree step)
    ("C5", 1, -4), ("C3", 1, -2), ("C7", 1, -6), ("C5", -1, 4), ("C3", -1, 2), ("C7", -1, 6))


def _check(key: str, length: int, complexity: float, style: str,
           seed: int | None) -> tuple[int, str]:
    if not isinstance(key, str):
        raise ParameterError(f"key must be a name like 'C major', got {key!r}")
    try:
        pc, mode = parse_key(key)
    except ValueError as exc:
        raise ParameterError(f"key: {exc}") from None
    if isinstance(length, bool) or not isinstance(length, int):
        raise ParameterTypeError(f"length must be an int, got {type(length).__name__} {length!r}")
    if not 1 <= length <= MAX_LENGTH:
        raise ParameterError(f"length must be in 1..{MAX_LENGTH} chords, got {length}")
    if isinstance(complexity, bool) or not isinstance(complexity, int | float) or not (
            0.0 <= complexity <= 1.0):
        raise ParameterError(f"complexity must be a number in 0..1, got {complexity!r}")
    if style not in STYLES:
        raise ParameterError(f"style must be one of {', '.join(STYLES)}, got {style!r}")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise ParameterError(f"seed must be an int or None, got {seed!r}")
    return pc, mode


def _weighted(rng: random.Random, options: list[Any], weights: list[float]) -> Any:
    return rng.choices(options, weights=weights, k=1)[0]


def _walk(rng: random.Random, length: int, weights: dict[tuple[str, int], float],
          allowed: Callable[[int, int, int], bool], start: int = 1) -> list[int]:
    """Root degrees from ``start`` by weighted cycle moves, filtered by ``allowed(i, prev, d)``."""
    degs = [start]
    for i in range(1, length):
        prev = degs[-1]
        opts, ws = [], []
        for kind, sign, step in _MOVES:
            d = (prev - 1 + step) % 7 + 1
            w = weights.get((kind, sign), 0.0)
            if w > 0 and allowed(i, prev, d):
                opts.append(d)
                ws.append(w)
        if not opts:
            opts = [d for d in range(1, 8) if d != prev and allowed(i, prev, d)] or [
                (prev % 7) + 1]
            ws = [1.0] * len(opts)
        degs.append(_weighted(rng, opts, ws))
    return degs


def _moves(degs: list[int | None]) -> tuple[str, ...]:
    return tuple(cycle_name(a, b) if a is not None and b is not None else ""
                 for a, b in itertools.pairwise(degs))


def _diatonic_kind(sc: Scale, degree: int) -> str:
    fs = diatonic_spec(sc, degree, "S5").functions
    third, fifth = (fs[3] - fs[1]) % 12, (fs[5] - fs[1]) % 12
    return "dim" if (third, fifth) == (3, 6) else "aug" if (third, fifth) == (4, 8) else "ok"


def _classical(sc: Scale, mode: str, length: int, cx: float,
               rng: random.Random) -> list[ChordSpec]:
    harm = scale("harmonic minor", sc.tonic) if mode in _MINOR_MODES else sc
    weights = {("C5", 1): 0.6 - 0.2 * cx, ("C3", 1): 0.2 + 0.1 * cx, ("C7", 1): 0.1 + 0.05 * cx,
               ("C5", -1): 0.12, ("C3", -1): 0.04 + 0.06 * cx, ("C7", -1): 0.04 * cx}
    body = max(length - 2, 1) if length >= 3 else length

    def allowed(i: int, prev: int, d: int) -> bool:
        if d == 7 and cx < 0.6:
            return False
        if prev == 5 and d not in (1, 6):
            return False
        if length >= 3 and i == body - 1:
            return d in (2, 4, 6) and d != prev
        return not (length >= 3 and i < body - 1 and d == 5 and i == body - 2)

    degs = _walk(rng, body, weights, allowed)
    if length >= 3:
        degs += [5, 1]
    elif length == 2:
        degs = [1, 5]
    specs = []
    for d in degs:
        s7 = (cx >= 0.75) or (d == 5 and cx >= 0.2) or (d == 2 and cx >= 0.5)
        name = "S9" if d == 5 and cx >= 0.9 else "S7" if s7 else "S5"
        specs.append(diatonic_spec(harm if d in (5, 7) else sc, d, name))
    return specs


def _dominant(root: int, name: str) -> ChordSpec:
    fs = {1: root % 12, 3: (root + 4) % 12, 5: (root + 7) % 12, 7: (root + 10) % 12}
    if name in ("S9", "S13"):
        fs[9] = (root + 2) % 12
    if name == "S13":
        fs[13] = (root + 9) % 12
    return ChordSpec(root % 12, fs, name if name in ("S9", "S13") else "S7")


def _jazz(sc: Scale, mode: str, length: int, cx: float, rng: random.Random) -> list[ChordSpec]:
    harm = scale("harmonic minor", sc.tonic) if mode in _MINOR_MODES else sc
    weights = {("C5", 1): 0.7, ("C3", 1): 0.15 + 0.1 * cx, ("C7", 1): 0.1, ("C5", -1): 0.05,
               ("C3", -1): 0.05 * cx}
    tail = [2, 5, 1] if length >= 3 else [5, 1][-length:]
    body = length - len(tail)

    def allowed(i: int, prev: int, d: int) -> bool:
        return d != 7 or cx >= 0.5

    degs = (_walk(rng, body, weights, allowed) if body > 0 else []) + tail
    if body == 0 and length >= 3:
        degs = [2, 5, 1]
    specs: list[ChordSpec] = []
    for d in degs:
        name = "S7"
        if cx >= 0.5 and rng.random() < cx:
            name = "S9"
        if d == 5 and cx >= 0.8:
            name = "S13"
        if name == "S13" and d != 5:
            name = "S9"
        specs.append(diatonic_spec(harm if d == 5 else sc, d, name))
    # secondary dominants and tritone substitutes
    for i in range(len(specs) - 1):
        a, b = degs[i], degs[i + 1]
        if cycle_name(a, b) != "C5+" or a == 5 or i >= len(specs) - 2:
            continue
        if cx >= 0.3 and rng.random() < 0.7 * cx:
            specs[i] = _dominant(specs[i].functions[1], specs[i].structure)
            if cx >= 0.8 and rng.random() < 0.4:
                specs[i] = _dominant(specs[i].functions[1] + 6, specs[i].structure)
    return specs


def _pop(sc: Scale, mode: str, length: int, cx: float, rng: random.Random) -> list[ChordSpec]:
    pool = {1, 4, 5, 6} | ({2, 3} if cx >= 0.5 else set())
    weights = {k: 1.0 for k in (("C5", 1), ("C5", -1), ("C3", 1), ("C7", 1), ("C3", -1),
                                ("C7", -1))}
    start = 6 if mode not in _MINOR_MODES and cx >= 0.3 and rng.random() < 0.25 else 1

    def allowed(i: int, prev: int, d: int) -> bool:
        return d in pool and (i < 3 or d != start)

    loop = _walk(rng, min(4, length), weights, allowed, start)
    degs = [loop[i % len(loop)] for i in range(length)]
    if length >= 2 and degs[-1] != 1:  # end at home
        degs[-1] = 1
        if degs[-2] == 1:
            degs[-2] = 5
    name = "S7" if cx >= 0.6 else "S5"
    return [diatonic_spec(sc, d, name) for d in degs]


def _modal(sc: Scale, mode: str, length: int, cx: float, rng: random.Random) -> list[ChordSpec]:
    bad = {d for d in range(1, 8) if _diatonic_kind(sc, d) != "ok" and d != 1}
    cadence = _MODE_CADENCE.get(mode, 4)
    if cadence in bad:
        cadence = next(d for d in (7, 4, 2, 5) if d not in bad)
    weights = {("C3", 1): 0.3, ("C3", -1): 0.25, ("C7", 1): 0.25, ("C7", -1): 0.25,
               ("C5", 1): 0.1 + 0.2 * cx, ("C5", -1): 0.1}

    def allowed(i: int, prev: int, d: int) -> bool:
        return d not in bad

    degs = _walk(rng, length, weights, allowed)
    for i in range(4, length, 4):
        degs[i] = 1
        if degs[i - 1] == 1:
            degs[i - 1] = cadence
    if length >= 2:
        degs[-1] = 1
        degs[-2] = cadence
    for i in range(1, length - 2):  # the fix-ups above may repeat a neighbour
        if degs[i] == degs[i - 1] or degs[i] == degs[i + 1]:
            degs[i] = rng.choice([d for d in range(2, 8) if d not in bad
                                  and d not in (degs[i - 1], degs[i + 1])])
    name = "S5" if cx < 0.4 else "S7" if cx < 0.8 else "S9"
    return [diatonic_spec(sc, d, name) for d in degs]


def _symmetric(sc: Scale, mode: str, length: int, cx: float,
               rng: random.Random) -> list[ChordSpec]:
    ladder = (2, 3, 4, 6, 12)
    i = min(int(cx * 4.99), 4)
    n = ladder[max(0, min(4, i + rng.choice((-1, 0, 0, 1))))] if cx > 0 else 2
    names = ["S1"] if cx < 0.25 else ["S1", "S2"] if cx < 0.6 else list(SYMMETRIC_STRUCTURES)
    rng.shuffle(names)
    if names[0] != "S1" and cx < 0.6:
        names = sorted(names)
    sign = rng.choice((1, -1))
    falls = n in (2, 3, 4)
    step = (12 // n) * (-1 if falls else 1) * sign
    tonics = symmetric_tonics(n, sc.tonic)
    roots = [(tonics[0] + k * step) % 12 for k in range(length)]
    if length > 1:
        roots[-1] = sc.tonic
        if roots[-2] == sc.tonic:
            roots[-2] = (sc.tonic + step) % 12
    specs = []
    for k, r in enumerate(roots):
        name = names[k % len(names)] if k != length - 1 else "S1"
        specs.append(ChordSpec(r, symmetric_functions(r, name), name))
    return specs


_BUILDERS: dict[str, Callable[[Scale, str, int, float, random.Random], list[ChordSpec]]] = {
    "classical": _classical, "jazz": _jazz, "pop": _pop, "modal": _modal,
    "symmetric": _symmetric,
}


def generate_progression(key: str = "C major", length: int = 8, complexity: float = 0.5,
                         style: str = "classical", seed: int | None = None,
                         voicing: str = "hybrid") -> Progression:
    """A voice-led progression for ``style`` in ``key`` (deterministic for a ``seed``).

    Parameters
    ----------
    key : a key name such as ``"C major"``, ``"F# minor"``, ``"D dorian"``.
    length : number of chords, 1..1024.
    complexity : 0..1; more sevenths, extensions, chromatic chords and tonics as it grows.
    style : one of :data:`STYLES`: classical, jazz, pop, modal, symmetric.
    seed : an int for a reproducible result (None: a fresh random one).
    voicing : ``"hybrid"`` (bass + three upper voices), ``"full"`` or ``"close"``.

    Returns
    -------
    Progression
        chords with root, structure, pitches, symbol (``"Am7"``) and roman numeral;
        ``to_dict()`` gives JSON-ready data.

    >>> generate_progression("C major", 4, 0.0, "classical", seed=2).symbols
    ('C', 'Dm', 'G', 'C')
    """
    _pc, mode = _check(key, length, complexity, style, seed)
    sc = key_scale(key)
    rng = random.Random(seed)
    specs = _BUILDERS[style](sc, mode, length, float(complexity), rng)
    degs: list[int | None] = [s.degree for s in specs]
    return voice(specs, key, voicing=voicing, style=style, moves=_moves(degs))

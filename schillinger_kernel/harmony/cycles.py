"""Book V: cycles of roots. In the positive direction the root of each chord becomes the 3rd,
5th or 7th of the next, so the root falls a third (C3), a fifth (C5) or a seventh (C7, a
second up); negative cycles run the other way. Binomials and trinomials alternate cycles.

>>> from schillinger_kernel.pitch import NOTE_NAMES
>>> [NOTE_NAMES[r] for r in cycle("C major", "C3")]
['C', 'A', 'F', 'D', 'B', 'G', 'E']
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from ..checks import check_int
from ..errors import ParameterError
from .structures import key_and_scale

__all__ = [
    "CYCLES",
    "TYPE_III_CYCLE",
    "binomial",
    "check_direction",
    "cycle",
    "cycle_degrees",
    "cycle_name",
    "trinomial",
]


CYCLES = ("C3", "C5", "C7")


_CYCLE_STEP = {"C3": -2, "C5": -4, "C7": -6}


TYPE_III_CYCLE = {2: "C5", 3: "C3", 4: "C3", 6: "C7", 12: "C7"}


def check_direction(direction: str) -> int:
    """+1 for ``"positive"``, -1 for ``"negative"``; anything else is an error."""
    if direction not in ("positive", "negative"):
        raise ParameterError(f"direction must be 'positive' or 'negative', got {direction!r}")
    return 1 if direction == "positive" else -1


def _cycle_kinds(kinds: Sequence[str]) -> tuple[str, ...]:
    ks = tuple(kinds)
    if not ks:
        raise ParameterError("kinds must not be empty")
    for k in ks:
        if k not in CYCLES:
            raise ParameterError(f"kind must be one of {', '.join(CYCLES)}, got {k!r}")
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
    sign = check_direction(direction)
    check_int("units", units, 1, 12)
    check_int("start", start, 1, units)
    total = sum(_CYCLE_STEP[k] for k in ks) * sign
    closure = len(ks) * units // math.gcd(total % units or units, units)
    n = closure if length is None else check_int("length", length, 1, 4096)
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
    sc, _ = key_and_scale(key)
    if kind not in CYCLES:
        raise ParameterError(f"kind must be one of {', '.join(CYCLES)}, got {kind!r}")
    degs = cycle_degrees(kind, direction, length, start, units=len(sc))
    return tuple(sc.pitch_classes[d - 1] for d in degs)


def binomial(key: str, kinds: Sequence[str] = ("C3", "C5"), direction: str = "positive",
             length: int | None = None, start: int = 1) -> tuple[int, ...]:
    """Root pitch classes alternating two cycles; closes after 14 chords by default.

    >>> binomial("C major")[:5]
    (0, 9, 2, 11, 4)
    """
    sc, _ = key_and_scale(key)
    if len(tuple(kinds)) != 2:
        raise ParameterError(f"kinds must name two cycles, got {kinds!r}")
    degs = cycle_degrees(tuple(kinds), direction, length, start, units=len(sc))
    return tuple(sc.pitch_classes[d - 1] for d in degs)


def trinomial(key: str, kinds: Sequence[str] = ("C3", "C5", "C7"),
              direction: str = "positive", length: int | None = None,
              start: int = 1) -> tuple[int, ...]:
    """Root pitch classes alternating three cycles (closes after 21 chords by default)."""
    sc, _ = key_and_scale(key)
    if len(tuple(kinds)) != 3:
        raise ParameterError(f"kinds must name three cycles, got {kinds!r}")
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

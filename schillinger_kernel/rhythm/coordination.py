"""Book I: distribution of a resultant over instrument places, and coordination of
attack groups with durations.

>>> distribute((2, 1, 1, 2), 2)[0]
Rhythm((3, 3))
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from ..checks import check_int
from ..errors import ParameterError
from .value import MAX_PERIOD, Rhythm, as_rhythm, check_period

T = TypeVar("T")

__all__ = [
    "Coordination",
    "coordinate",
    "distribute",
    "distribution_closure",
]

# ----- distribution and coordination -----------------------------------------------------------
def distribution_closure(rhythm: Sequence[int], places: int) -> tuple[int, int]:
    """How often the rhythm and the cycle of places run before they close together.

    >>> from schillinger_kernel.rhythm import interference
    >>> distribution_closure(interference(3, 2), 2)   # 1 rhythm, 2 cycles of 2 drums
    (1, 2)
    """
    n = len(as_rhythm(rhythm).attacks)
    check_int("places", places, 1, 1000)
    g = math.gcd(n, places)
    return places // g, n // g


def distribute(rhythm: Sequence[int], places: int | Sequence[T]) -> dict[Any, Rhythm]:
    """Deal the attacks of a rhythm cyclically to ``places`` (instruments, chord tones, pitches).

    Runs lcm(attacks, places) attacks. Each place keeps its note until its own next attack,
    so each gets its own resultant over the closed cycle (a leading rest when its first attack
    comes later; the last note is held to the end of the cycle, where the loop continues it).
    ``places`` is a count (keys 0..n-1) or a sequence of labels; a label that occurs more
    than once (a motif C D C) gathers the attacks of all its places.

    >>> from schillinger_kernel.rhythm import interference
    >>> distribute(interference(3, 2), ("kick", "snare"))
    {'kick': Rhythm((3, 3)), 'snare': Rhythm((-2, 2, 2))}
    >>> distribute(interference(3, 2), ("C", "D", "C"))["C"]
    Rhythm((3, 1, 4, 1, 3, 2, 2, 2))
    """
    r = as_rhythm(rhythm)
    labels: tuple[Any, ...]
    if isinstance(places, int) and not isinstance(places, bool):
        labels = tuple(range(check_int("places", places, 1, 1000)))
    elif isinstance(places, Sequence) and not isinstance(places, str) and places:
        labels = tuple(places)
    else:
        raise ParameterError(
            f"places must be a positive int or a non-empty sequence, got {places!r}")
    runs, _ = distribution_closure(r, len(labels))
    cycle = r.period * runs
    check_period(cycle)
    attacks = [a + k * r.period for k in range(runs) for a in r.attacks]
    dealt: dict[Any, list[int]] = {}
    for i, label in enumerate(labels):
        dealt.setdefault(label, []).extend(attacks[i::len(labels)])
    out: dict[Any, Rhythm] = {}
    for label, got in dealt.items():
        mine = sorted(got)
        durs: list[int] = [-mine[0]] if mine[0] else []
        durs += [b - a for a, b in zip(mine, [*mine[1:], cycle], strict=True)]
        out[label] = Rhythm(tuple(durs))
    return out


@dataclass(frozen=True)
class Coordination:
    """Synchronisation of an attack group with a duration group (Book I, coordination)."""

    attacks: int
    period: int
    bars: int | None
    rhythm_runs: int
    group_runs: int


def coordinate(rhythm: Sequence[int], attacks: int, places: int = 1,
               bar: int | None = None) -> Coordination:
    """Common cycle of a group of ``attacks`` (e.g. pitches) and a duration group.

    A = lcm(attacks, attacks of the rhythm, places); period = rhythm period · A / attacks of
    the rhythm; with ``bar`` (units), bars = lcm(period, bar) / bar.

    >>> from schillinger_kernel.rhythm import interference
    >>> c = coordinate(interference(3, 2), 5)
    >>> c.attacks, c.period, c.rhythm_runs, c.group_runs
    (20, 30, 5, 4)
    >>> coordinate(interference(3, 2), 5, bar=4).bars
    15
    """
    r = as_rhythm(rhythm)
    check_int("attacks", attacks, 1, 10_000)
    check_int("places", places, 1, 10_000)
    n = len(r.attacks)
    if n == 0:
        raise ParameterError("rhythm has no attacks (only rests)")
    a_total = math.lcm(attacks, n, places)
    period = check_period(r.period * a_total // n)
    bars = None
    if bar is not None:
        check_int("bar", bar, 1, MAX_PERIOD)
        bars = math.lcm(period, bar) // bar
    return Coordination(a_total, period, bars, a_total // n, a_total // attacks)


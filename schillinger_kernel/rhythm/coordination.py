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
    """Synchronisation of an attack group with a duration group (Book I, Ch. 8).

    ``attacks`` attacks fill ``period`` units (``bars`` bars when a bar was given) before
    everything closes together: the rhythm runs ``rhythm_runs`` times, the group of attacks
    ``group_runs`` times and, with an attack group, the attack group ``attack_group_runs``
    times.
    """

    attacks: int
    period: int
    bars: int | None
    rhythm_runs: int
    group_runs: int
    attack_group_runs: int | None = None


def coordinate(rhythm: Sequence[int], attacks: int, places: int = 1,
               bar: int | None = None,
               attack_group: Sequence[int] | None = None) -> Coordination:
    """Common cycle of a group of ``attacks`` (e.g. pitches) and a duration group (Ch. 8).

    Without an attack group, A = lcm(attacks, attacks of the rhythm, places). With
    ``attack_group`` (attacks per attack-group place, the book's 3+2+3: three places playing
    3, 2 and 3 attacks), the places of the attack group are dealt in turn to the ``places``
    instrument places, so the attack group closes with the instruments after
    lcm(P, places)/P runs of its P places, i.e. sum(attack_group)·lcm(P, places)/P attacks,
    and A = lcm(attacks, attacks of the rhythm, that number). Then period = rhythm period ·
    A / attacks of the rhythm; with ``bar`` (units), bars = lcm(period, bar) / bar.

    *Reading:* the book's example, 4 instrument places, an attack group of 3 places
    (3+2+3) and r5÷2 (6 attacks in 10 units), closes after 4 attack groups = 32 attacks,
    lcm(6, 32) = 96 attacks, 16 runs of r5÷2 = 160 units = 20 bars of 8/8, as the book
    says. (Any ``attacks`` dividing 96, such as the group's 8 attacks, gives the same.)

    Parameters
    ----------
    rhythm : sequence of int
        The duration group (rests allowed; it needs at least one attack).
    attacks : int
        Size of the group of attacks coordinated with it (pitches, accents, ...).
    places : int
        Instrument places the attacks (or the attack-group places) are dealt to.
    bar : int, optional
        Bar length in units, to count whole bars.
    attack_group : sequence of int, optional
        Attacks per attack-group place.

    Returns
    -------
    Coordination

    Examples
    --------
    >>> from schillinger_kernel.rhythm import interference
    >>> c = coordinate(interference(3, 2), 5)
    >>> c.attacks, c.period, c.rhythm_runs, c.group_runs
    (20, 30, 5, 4)
    >>> coordinate(interference(3, 2), 5, bar=4).bars
    15
    >>> book = coordinate(interference(5, 2), 8, places=4, bar=8, attack_group=(3, 2, 3))
    >>> book.bars, book.attacks, book.attack_group_runs
    (20, 96, 12)
    """
    r = as_rhythm(rhythm)
    check_int("attacks", attacks, 1, 10_000)
    check_int("places", places, 1, 10_000)
    n = len(r.attacks)
    if n == 0:
        raise ParameterError("rhythm has no attacks (only rests)")
    cycle = places
    group_total: int | None = None
    if attack_group is not None:
        if isinstance(attack_group, str) or not isinstance(attack_group, Sequence) or not (
                attack_group):
            raise ParameterError(
                f"attack_group must be a non-empty sequence of attack counts, got "
                f"{attack_group!r}", field="attack_group")
        for k in attack_group:
            check_int("attack_group", k, 1, 1000)
        group_total = sum(attack_group)
        n_places = len(attack_group)
        cycle = group_total * math.lcm(n_places, places) // n_places
    a_total = math.lcm(attacks, n, cycle)
    period = check_period(r.period * a_total // n)
    bars = None
    if bar is not None:
        check_int("bar", bar, 1, MAX_PERIOD)
        bars = math.lcm(period, bar) // bar
    return Coordination(a_total, period, bars, a_total // n, a_total // attacks,
                        None if group_total is None else a_total // group_total)

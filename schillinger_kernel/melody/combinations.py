"""Book IV's combinations of axes: which secondary axes join, balance or unbalance each other.

Book IV (Theory of Melody, vol. I p. 223), its opening chapters on the axes of melody and
their combinations (our sources hold the book's table of contents only, so no chapter
number is quoted here): a melody is a succession of secondary axes about its primary axis,
and a combination is judged by how its axes meet (does the next one start where the last
ended?) and how they sit about the primary axis (does the pitch-time of one side answer the
other?).

Each axis is a straight trajectory between two levels, counted in its amplitude from the
primary axis (the way :func:`~schillinger_kernel.melody.axis_melody` draws it):

====  =====  ===  ========================================
axis  start  end  motion
====  =====  ===  ========================================
0     0      0    stays on the primary axis
a     0      +1   rises away from it
b     +1     0    falls back toward it from above
c     -1     0    rises back toward it from below
d     0      -1   falls away below it
====  =====  ===  ========================================

A combination such as ``a + d`` is read term by term; :func:`axis_combination` gives its
levels, the leap at each junction (0 where the next axis starts where the last ended:
``a + b``, ``b + d``, ``d + c``), and the signed pitch-time area about the primary axis.

*(convention)* Our sources quote no text of these chapters (SCHILLINGER.md gives the five
axes only), so two readings are ours:

* **balancing and unbalancing.** "Balance" could mean returning to the level one started
  from, or answering one side of the primary axis with the other. We read it in pitch x
  time, the measure Book IV defines the primary axis by (the pitch-time maximum): a
  combination *balances* when its pitch-time area above the axis equals the area below, so
  the axis stays the centre of the melody; it *unbalances* when the area piles up on one
  side, which drags the heard axis that way. A balancing pair of moving axes has one axis
  above and one below (``a + c``, ``a + d``, ``b + c``, ``b + d`` and their reverses); an
  unbalancing pair keeps one side (``a + b``, ``d + c``, ``a + a`` ...). The other reading is
  kept as :attr:`AxisCombination.returns`.
* **the five axes.** The book's table is read over the five forms of motion 0, a, b, c, d
  of SCHILLINGER.md; our sources name no further axis, so a sixth letter is refused.

A term's amplitude is its pitch coefficient times its time coefficient (the steps it climbs
at a constant density of attacks), so ``a2T + dT`` does not balance and ``a2T + d2T`` does.
With ``continuous=True`` each term starts where the last ended (the melodic continuity of
``axis_melody(..., continuous=True)``): no junction leaps, and only the direction of each
term counts.

Combined (superimposed) axes, a wave of sub-axes riding the line of the main ones, are
:func:`~schillinger_kernel.melody.superimposed_melody`; :func:`axis_combination` classifies
either layer.

>>> str(axis_combination("a + d")), axis_combination("a + d").balanced
('a + d', True)
>>> [str(c) for c in balancing_pairs()][:4]
['a + c', 'a + d', 'b + c', 'b + d']
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ..errors import ParameterError
from .terms import AXES, AxisTerm, parse_terms

__all__ = [
    "AXIS_LEVELS",
    "AxisCombination",
    "axis_combination",
    "axis_combinations",
    "balancing_pairs",
    "unbalancing_pairs",
]

#: Each axis's (start, end) level in amplitudes from the primary axis.
AXIS_LEVELS: dict[str, tuple[int, int]] = {
    "0": (0, 0), "a": (0, 1), "b": (1, 0), "c": (-1, 0), "d": (0, -1)}

_MOVING = ("a", "b", "c", "d")


@dataclass(frozen=True)
class AxisCombination:
    """A succession of secondary axes, with where each term runs about the primary axis.

    Attributes
    ----------
    terms : the :class:`AxisTerm` values, in order.
    levels : each term's (start, end) level, in amplitude units above (+) or below (-) the
        primary axis.
    leaps : the jump at each junction, next start minus last end (0 = joined).
    area : the signed pitch-time area about the primary axis (amplitude x time).
    """

    terms: tuple[AxisTerm, ...]
    levels: tuple[tuple[Fraction, Fraction], ...]
    leaps: tuple[Fraction, ...]
    area: Fraction

    @property
    def axes(self) -> tuple[str, ...]:
        """The axis letters, in order."""
        return tuple(t.axis for t in self.terms)

    @property
    def joined(self) -> bool:
        """True when every term starts where the last one ended (no leap at a junction)."""
        return not any(self.leaps)

    @property
    def balanced(self) -> bool:
        """True when the pitch-time above the primary axis equals that below it."""
        return self.area == 0

    @property
    def returns(self) -> bool:
        """True when the combination ends on the level it started from."""
        return self.levels[0][0] == self.levels[-1][1]

    @property
    def side(self) -> str:
        """Where the trajectory runs: ``"above"``, ``"below"``, ``"both"`` or ``"on"`` the axis."""
        points = [p for pair in self.levels for p in pair]
        up, down = max(points) > 0, min(points) < 0
        return "both" if up and down else "above" if up else "below" if down else "on"

    def __str__(self) -> str:
        """The combination as ``axis_melody`` reads it (``"a + d"``, ``"a2T + d"``)."""
        return " + ".join(str(t).removesuffix("T") if t.time == 1 else str(t)
                          for t in self.terms)


def axis_combination(terms: str | Sequence[Any], *, continuous: bool = False
                     ) -> AxisCombination:
    """The levels, junction leaps and pitch-time balance of a succession of axes.

    Parameters
    ----------
    terms : str or sequence
        Axis terms as :func:`~schillinger_kernel.melody.parse_terms` reads them (``"a + d"``,
        ``"a2T2P + bT"``, ``[("a", 1), ("b", 1)]``).
    continuous : bool
        Each term starts where the last one ended (melodic continuity) instead of at its
        own level about the primary axis.

    Returns
    -------
    AxisCombination

    Examples
    --------
    >>> c = axis_combination("a + b")
    >>> c.joined, c.balanced, c.returns, c.side
    (True, False, True, 'above')
    >>> c = axis_combination("b + d")                  # falls through the axis
    >>> c.joined, c.balanced, c.returns, c.side
    (True, True, False, 'both')
    >>> axis_combination("a + d").leaps                # d starts back on the axis
    (Fraction(-1, 1),)
    >>> axis_combination("a + a", continuous=True).levels[-1]
    (Fraction(1, 1), Fraction(2, 1))
    """
    seq = parse_terms(terms)
    levels: list[tuple[Fraction, Fraction]] = []
    area = Fraction(0)
    for term in seq:
        amp = term.pitch * term.time
        start, end = (amp * v for v in AXIS_LEVELS[term.axis])
        if continuous:  # as axis_melody draws it: the first term starts on the axis
            shift = (levels[-1][1] if levels else 0) - start
            start, end = start + shift, end + shift
        levels.append((start, end))
        area += (start + end) / 2 * term.time  # a straight trajectory: its trapezoid
    leaps = tuple(b[0] - a[1] for a, b in itertools.pairwise(levels))
    return AxisCombination(seq, tuple(levels), leaps, area)


def axis_combinations(size: int = 2, *, axes: Sequence[str] = AXES,
                      continuous: bool = False) -> tuple[AxisCombination, ...]:
    """The full table: every succession of ``size`` axes (repeats allowed), in book order.

    Parameters
    ----------
    size : int
        Terms per combination, 1..4 (5, 25, 125 or 625 combinations of the five axes).
    axes : sequence of str
        The axes to combine (default all five, 0 a b c d).
    continuous : bool
        Classify under melodic continuity (see :func:`axis_combination`).

    Returns
    -------
    tuple of AxisCombination, each term with coefficients 1, ordered as ``axes``.

    Examples
    --------
    >>> table = axis_combinations(2)
    >>> len(table), sum(c.joined for c in table), sum(c.balanced for c in table)
    (25, 11, 9)
    >>> [str(c) for c in table if c.joined and c.balanced and c.side == "both"]
    ['b + d', 'c + a']
    """
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= 4:
        raise ParameterError(f"size must be an int in 1..4 (terms per combination), got "
                             f"{size!r}", field="size")
    if isinstance(axes, str):
        axes = tuple(axes)
    chosen = tuple(axes)
    bad = [a for a in chosen if a not in AXES]
    if not chosen or bad or len(set(chosen)) != len(chosen):
        raise ParameterError(f"axes must be distinct letters of {', '.join(AXES)}, got "
                             f"{list(chosen)!r}", field="axes")
    return tuple(axis_combination([AxisTerm(a) for a in combo], continuous=continuous)
                 for combo in itertools.product(chosen, repeat=size))


def balancing_pairs() -> tuple[AxisCombination, ...]:
    """The pairs of moving axes that balance: one above the primary axis, one below.

    *(convention)* balance read in pitch x time (see the module docstring).

    >>> [str(c) for c in balancing_pairs()]
    ['a + c', 'a + d', 'b + c', 'b + d', 'c + a', 'c + b', 'd + a', 'd + b']
    """
    return tuple(c for c in axis_combinations(2, axes=_MOVING) if c.balanced)


def unbalancing_pairs() -> tuple[AxisCombination, ...]:
    """The pairs of moving axes that unbalance: both on one side of the primary axis.

    >>> [str(c) for c in unbalancing_pairs()]
    ['a + a', 'a + b', 'b + a', 'b + b', 'c + c', 'c + d', 'd + c', 'd + d']
    """
    return tuple(c for c in axis_combinations(2, axes=_MOVING) if not c.balanced)

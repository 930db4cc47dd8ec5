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

Combinations of axes: :func:`axis_combinations` is the table of successions of axes (which
join without a leap, which balance about the primary axis in pitch x time and which
unbalance it; :func:`balancing_pairs`, :func:`unbalancing_pairs`), and
:func:`axis_combination` classifies any succession of terms. :func:`superimposed_melody`
lets secondary axes run on a moving axis, a wave of sub-axes (``aT + bT``) riding the
trajectory of the main terms (``a2T``), the way a melody's ornaments ride its line.

>>> parse_terms("a2T + bT")
(AxisTerm(axis='a', time=Fraction(2, 1), pitch=1), AxisTerm(axis='b', time=Fraction(1, 1), pitch=1))
>>> notes = axis_melody("C major", "aT + bT", rhythm=(1, 1, 1, 1), unit=240)
>>> [n.pitch for n in notes]
[60, 62, 64, 65, 67, 65, 64, 62]
>>> primary_axis(notes)
64
"""

from __future__ import annotations

from .axes import axis_melody
from .combinations import (
    AXIS_LEVELS,
    AxisCombination,
    axis_combination,
    axis_combinations,
    balancing_pairs,
    unbalancing_pairs,
)
from .forms import spiral_melody, superimposed_melody
from .reading import axis_changes, primary_axis, secondary_axes
from .terms import AXES, AxisTerm, parse_terms

__all__ = [
    "AXES",
    "AXIS_LEVELS",
    "AxisCombination",
    "AxisTerm",
    "axis_changes",
    "axis_combination",
    "axis_combinations",
    "axis_melody",
    "balancing_pairs",
    "parse_terms",
    "primary_axis",
    "secondary_axes",
    "spiral_melody",
    "superimposed_melody",
    "unbalancing_pairs",
]

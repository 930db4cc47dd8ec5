"""Book II: how many scales there are, and the scales themselves, by number of units.

A one-octave scale of ``n`` units is the tonic plus ``n - 1`` of the other eleven semitones,
so there are C(11, n-1) of them (2048 for 1..12 units). Displacement (the circular
permutations of the interval list, Book II) turns a scale into its modes; counted once per
family of modes, the scales of ``n`` units are the binary necklaces of 12 beads with ``n``
set: (1/12)·Σ_{d | gcd(12, n)} φ(d)·C(12/d, n/d).

*(convention)* The book counts scales within one octave; ``octaves`` extends the same count
to the span of a symmetric system (group 4), where the tonic repeats only after several
octaves.

>>> [scale_count(n) for n in range(1, 8)]
[1, 11, 55, 165, 330, 462, 462]
>>> scale_count(7, up_to_displacement=True), len(scales_of(7, up_to_displacement=True))
(66, 66)
"""

from __future__ import annotations

import itertools
import math

from ..checks import check_int

__all__ = ["scale_count", "scales_of"]


def _check(units: int, octaves: int) -> int:
    check_int("octaves", octaves, 1, 8)
    span = 12 * octaves
    check_int("units", units, 1, span)
    return span


def scale_count(units: int, *, octaves: int = 1, up_to_displacement: bool = False) -> int:
    """The number of scales of ``units`` units in ``octaves`` octaves.

    Parameters
    ----------
    units : int
        Units (pitches) per period, 1..12·octaves.
    octaves : int
        The span of one period in octaves (1 for groups 1 and 3).
    up_to_displacement : bool
        Count each family of modes (circular permutations of the intervals) once.

    Returns
    -------
    int

    Examples
    --------
    >>> scale_count(5), scale_count(5, up_to_displacement=True)
    (330, 66)
    >>> sum(scale_count(n) for n in range(1, 13))
    2048
    """
    span = _check(units, octaves)
    if not up_to_displacement:
        return math.comb(span - 1, units - 1)
    g = math.gcd(span, units)
    total = sum(_phi(d) * math.comb(span // d, units // d) for d in range(1, g + 1) if g % d == 0)
    return total // span


def _phi(n: int) -> int:
    return sum(1 for k in range(1, n + 1) if math.gcd(k, n) == 1)


def scales_of(units: int, *, up_to_displacement: bool = False) -> tuple[tuple[int, ...], ...]:
    """Every one-octave scale of ``units`` units, as interval lists, in lexicographic order.

    With ``up_to_displacement`` only the least rotation of each family of modes is kept
    (so the major scale appears as its Locrian-first rotation 1,2,2,1,2,2,2).

    Examples
    --------
    >>> scales_of(2)[:3]
    ((1, 11), (2, 10), (3, 9))
    >>> (1, 2, 2, 1, 2, 2, 2) in scales_of(7, up_to_displacement=True)
    True
    """
    _check(units, 1)
    out = []
    for inner in itertools.combinations(range(1, 12), units - 1):
        marks = (0, *inner, 12)
        steps = tuple(b - a for a, b in itertools.pairwise(marks))
        if up_to_displacement and steps != min(steps[i:] + steps[:i] for i in range(units)):
            continue
        out.append(steps)
    return tuple(sorted(out))

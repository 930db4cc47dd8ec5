"""Dynamics and feel: velocities shaped by section, phrase and accent; swing for jazz, the
shuffle for blues and shuffle.

* each section has a level: the theme mezzo-forte, its varied returns a little louder or
  softer in turn, B (the fractioned theme) piano, B' forte, the last return forte;
* inside a section the phrase swells to about two thirds of its length and falls back
  (an arch, as a phrase is played);
* notes on the resultant's accents (where its generators coincide, Book I) are stressed.

Swing delays the second eighth of every quarter-note beat to two thirds of the beat
(the triplet feel of jazz and blues); compound and irregular beats are left as they are.
The shuffle swings the same way and plays the delayed eighth softer, leaning on the beat.

>>> levels(["A", "A'", "B", "A''"])
[0, 7, -26, 12]
>>> swing_tick(240, (480, 480)), swing_tick(480, (480, 480))
(320, 480)
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from collections.abc import Set as AbstractSet

from ..score import Note

__all__ = ["arch", "levels", "shape", "swing", "swing_tick"]

# Wide enough apart that a piece's loudness range (EBU R128) reaches 4 LU or more even where
# B is denser, hence louder at one velocity, than A (bench/bench_compose.py measures it).
_FIRST, _LAST = 0, 12
_A_LEVELS = (7, -7)
_B_LEVELS = (-26, 10)


def levels(labels: Sequence[str]) -> list[int]:
    """Velocity offset of each section, by its label (see the module).

    >>> levels(["A", "B", "A'"])
    [0, -26, 12]
    """
    out = []
    a = b = 0
    for i, label in enumerate(labels):
        if i == len(labels) - 1 and i > 0:
            out.append(_LAST)
        elif label.startswith("B"):
            out.append(_B_LEVELS[b % 2])
            b += 1
        elif label == "A":
            out.append(_FIRST)
        else:
            out.append(_A_LEVELS[a % 2])
            a += 1
    return out


def arch(x: float, depth: int = 14) -> int:
    """Velocity offset at ``x`` (0..1) through a phrase: from ``-depth`` up to ``+depth`` at
    two thirds, falling back by a third of the swell at the end.

    >>> arch(0.0), arch(2 / 3), arch(1.0)
    (-14, 14, 6)
    """
    x = min(1.0, max(0.0, x))
    rise = x / (2 / 3) if x <= 2 / 3 else 1 - (x - 2 / 3) / (1 / 3) * 0.5
    return round(-depth + 2 * depth * math.sin(rise * math.pi / 2))


def shape(notes: Sequence[Note], spans: Sequence[tuple[int, int, int]],
          accents: AbstractSet[int] = frozenset(), *, accent: int = 6, depth: int = 14,
          low: int = 20, high: int = 124) -> list[Note]:
    """``notes`` with velocities moved by their section's level, the phrase arch and the
    resultant's ``accents`` (ticks); ``spans`` are (start, end, level) of the sections.

    >>> shape([Note(0, 240, 60, 80)], [(0, 1920, -10)], {0})
    [Note(start=0, duration=240, pitch=60, velocity=62)]
    """
    starts = [s for s, _e, _l in spans]
    out = []
    for n in notes:
        i = max(0, bisect.bisect_right(starts, n.start) - 1)
        s, e, level = spans[i] if spans else (0, max(1, n.start + 1), 0)
        v = n.velocity + level + arch((n.start - s) / max(1, e - s), depth)
        v += accent if n.start in accents else 0
        out.append(Note(n.start, n.duration, n.pitch, max(low, min(high, v))))
    return out


def swing_tick(t: int, beats: Sequence[int], ratio: float = 2 / 3) -> int:
    """Where tick ``t`` falls with swing: inside each beat of ``beats`` (ticks, one bar)
    that splits into two equal eighths, the middle moves to ``ratio`` of the beat.

    >>> swing_tick(1920 + 720, (480, 480, 480, 480))
    2720
    """
    bar = sum(beats)
    base, off = divmod(t, bar)
    start = 0
    for b in beats:
        if off < start + b:
            o = off - start
            if b % 2 or b != 480:
                return t
            half, mid = b // 2, round(b * ratio)
            warped = o * mid / half if o <= half else mid + (o - half) * (b - mid) / (b - half)
            return base * bar + start + round(warped)
        start += b
    return t


def swing(notes: Sequence[Note], beats: Sequence[int], ratio: float = 2 / 3, *,
          offbeat: int = 0) -> list[Note]:
    """``notes`` played with swing (see :func:`swing_tick`); starts and ends both move, so
    a swung eighth pair keeps its legato. ``offbeat`` is added to the velocity of the notes
    the swing moved (the shuffle leans on the beat: ``offbeat=-10``).

    >>> [(n.start, n.duration, n.velocity) for n in swing(
    ...     [Note(0, 240, 60), Note(240, 240, 62)], (480, 480), offbeat=-10)]
    [(0, 320, 90), (320, 160, 80)]
    """
    out = []
    for n in notes:
        s = swing_tick(n.start, beats, ratio)
        e = swing_tick(n.start + n.duration, beats, ratio)
        v = n.velocity + offbeat if s != n.start else n.velocity
        out.append(Note(s, max(1, e - s), n.pitch, max(1, min(127, v))))
    return out

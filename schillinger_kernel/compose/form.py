"""Form: a piece as sections (A, A', B, A'' ...) whose variations come from Schillinger's
techniques, not from repetition.

* A states the theme; each return of A varies it by a technique chosen by the seed: a
  circular permutation of the theme's groups (Book I, Ch. 9), the retrograde, inversion or
  retrograde inversion of the melody (Book III, geometric positions b, c, d) or its
  expansion (Book III, Ch. 4: intervals doubled in scale steps);
* B contrasts through the theme's fractioning (Book I, Ch. 4) or, where the theme has no
  generator pair, its square (distributive power, Book I, Ch. 12); B' takes the square
  (or, after a B on the square, the square in retrograde);
* phrase lengths come from the coordination of time structures: a section lasts the bars in
  which its rhythm's period and the bar close together (the LCM of the two, Book I Ch. 2),
  taken the number of times that comes nearest four bars;
* the plan goes into ``Score.metadata["form"]`` as ``{"label", "start_tick", "bars",
  "technique"}`` entries (the notation's rehearsal marks read it).

>>> from schillinger_kernel.rhythm import interference
>>> for s in plan_form(interference(3, 2), (3, 2), 12, 8, seed=1):
...     print(s.label, s.bars, s.technique)
A 3 theme
A' 3 inversion
B 3 fractioning
A'' 3 retrograde inversion
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from ..rhythm import Rhythm, fractioning
from ..rhythm.powers import power

__all__ = ["A_TECHNIQUES", "Section", "coordinated_bars", "plan_form", "technique_order",
           "varied_return"]

A_TECHNIQUES = ("circular permutation", "retrograde", "inversion", "retrograde inversion",
                "expansion")
_KINDS = ("A", "A", "B", "A", "B")
_MAX_B_UNITS = 128  # a square longer than this is cut: a section never hears all of it


@dataclass(frozen=True)
class Section:
    """One section: its label, length, the technique that made it and the rhythm its melody
    is heard in (for a retrograde, the theme's durations backwards)."""

    label: str
    bars: int
    technique: str
    rhythm: tuple[int, ...]
    cadence: str = ""  # how it closes (see compose.cadences); "" until the harmony is known

    @property
    def invert(self) -> bool:
        """Whether the melody is mirrored about its axis (Book III positions c and d)."""
        return "inversion" in self.technique

    @property
    def retrograde(self) -> bool:
        """Whether the melody runs backwards (Book III positions b and d)."""
        return "retrograde" in self.technique

    @property
    def expansion(self) -> int:
        """The coefficient the melody's intervals are multiplied by (1: as they are)."""
        return 2 if self.technique == "expansion" else 1


def coordinated_bars(rhythm_units: int, bar_units: int) -> int:
    """Bars in which a rhythm of ``rhythm_units`` and the bar close together, taken the
    number of times nearest four bars (four bars when they close only after eight).

    >>> coordinated_bars(6, 8), coordinated_bars(6, 6), coordinated_bars(9, 8)
    (3, 4, 4)
    """
    base = math.lcm(max(1, rhythm_units), max(1, bar_units)) // max(1, bar_units)
    if base > 8:
        return 4
    times = max(1, round(4 / base))
    return base * times


def _b_rhythm(theme: Rhythm, pair: tuple[int, ...] | None, second: bool) -> tuple[str, Rhythm]:
    durations = tuple(abs(d) for d in theme.durations)
    if pair is not None and len(pair) == 2 and pair[0] > pair[1] and not second:
        return "fractioning", fractioning(pair[0], pair[1])
    if len(durations) ** 2 <= 256:
        square = power(durations, 2).durations
        cut: list[int] = []
        for d in square:
            if sum(cut) >= _MAX_B_UNITS:
                break
            cut.append(d)
        if second and pair is None:  # B was the square already: B' hears it backwards
            return "power in retrograde", Rhythm(tuple(cut[::-1]))
        return "power", Rhythm(tuple(cut))
    return "retrograde", Rhythm(durations[::-1])


def varied_return(label: str, bars: int, technique: str, theme: Rhythm) -> Section:
    """A return of A varied by ``technique`` (one of :data:`A_TECHNIQUES`).

    >>> varied_return("A'", 4, "circular permutation", Rhythm((2, 1, 1, 2))).rhythm
    (1, 2, 2, 1)
    """
    rhythm = theme.durations
    if technique == "circular permutation":
        half = len(rhythm) // 2 or 1
        rhythm = rhythm[half:] + rhythm[:half]
    elif technique.startswith("retrograde"):  # the rhythm heard runs backwards
        rhythm = rhythm[::-1]
    return Section(label, bars, technique, rhythm)


def technique_order(seed: int) -> list[str]:
    """The order (chosen by ``seed``) in which the returns of A take the techniques.

    >>> sorted(technique_order(3)) == sorted(A_TECHNIQUES)
    True
    """
    order = list(A_TECHNIQUES)
    random.Random(seed).shuffle(order)
    return order


def _labels(kinds: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    labels = []
    for k in kinds:
        labels.append(k + "'" * seen.get(k, 0))
        seen[k] = seen.get(k, 0) + 1
    return labels


def plan_form(theme: Rhythm, pair: tuple[int, ...] | None, bars: int, bar_units: int, *,
              seed: int = 0) -> tuple[Section, ...]:
    """The sections of a ``bars``-bar piece on ``theme`` (bars of ``bar_units`` units).

    A piece of up to four bars is one A; longer pieces alternate A and B (A A' B A'' B' A'''
    ...) and end on a return of A; a section shorter than two bars left before that return
    joins the section before it.

    >>> from schillinger_kernel.rhythm import interference
    >>> [s.bars for s in plan_form(interference(3, 2), (3, 2), 16, 6)]  # B: 3 bars + 1 left
    [4, 4, 4, 4]
    """
    a_bars = coordinated_bars(sum(abs(d) for d in theme.durations), bar_units)
    if bars <= 4 or bars < 2 * a_bars:
        return (Section("A", bars, "theme", theme.durations),)
    b_kinds = [_b_rhythm(theme, pair, second=False), _b_rhythm(theme, pair, second=True)]
    b_bars = [coordinated_bars(sum(r.durations), bar_units) for _t, r in b_kinds]
    body = bars - a_bars  # the last section is always a return of A
    kinds: list[str] = []
    lengths: list[int] = []
    while sum(lengths) < body:
        k = _KINDS[len(kinds) % len(_KINDS)]
        n = a_bars if k == "A" else b_bars[kinds.count("B") % 2]
        lengths.append(min(n, body - sum(lengths)))
        kinds.append(k)
    if len(lengths) > 1 and lengths[-1] < 2:  # too short to be a phrase: the previous one grows
        extra = lengths.pop()
        kinds.pop()
        lengths[-1] += extra
    if len(kinds) > 1 and kinds[-1] == "A":  # contrast before the return
        kinds[-1] = "B"
    kinds.append("A")
    lengths.append(a_bars)
    labels = _labels(kinds)
    order = technique_order(seed)
    out = []
    a_seen = b_seen = 0
    for label, n in zip(labels, lengths, strict=True):
        if label == "A":
            out.append(Section(label, n, "theme", theme.durations))
        elif label.startswith("A"):
            out.append(varied_return(label, n, order[a_seen % len(order)], theme))
            a_seen += 1
        else:
            technique, r = b_kinds[b_seen % 2]
            b_seen += 1
            out.append(Section(label, n, technique, r.durations))
    return tuple(out)

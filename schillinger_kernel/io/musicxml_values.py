"""Note values a player reads: bars, beats, tuplets and ties for one voice.

A voice is a list of segments ``(start, end, payload)`` (times in ticks, :data:`PPQ` per
quarter; ``payload`` ``None`` for a rest) that covers a bar without gaps. :func:`spell_bar`
cuts each segment into written values:

* every beat (a quarter in x/4, a dotted quarter in 6/8, 9/8, 12/8, groups of two and three
  eighths in 5/8 and 7/8) is divided either in binary values (on the 64th-note grid) or, when
  its attacks fall on fifths, thirds, sevenths ... of the beat, as a tuplet of that beat:
  quintuplet 16ths, triplet eighths, septuplets, written with the tuplet's ratio (a
  dotted beat's in its six sixths: 5:6 and 7:6 sixteenths in 6/8, 8:6 32nds in 6/16);
* a value in the binary grid crosses no beat unless it starts on one and ends on one (or is
  dotted and its undotted part ends on one: a dotted quarter on the beat); rests follow the
  same rules, so gaps merge into few rests;
* the half bar shows (Elaine Gould, *Behind Bars*, "Metre and beaming": showing the half
  bar). In a bar of four equal beats (4/4, 4/2, 12/8) a value that crosses the middle is
  cut there, unless it is one value from the downbeat that fills its span (a whole or a
  dotted half in 4/4, a dotted whole in 12/8) or a note, not a rest, from beat 2 to beat 4
  (the syncopated half; a dotted half in 12/8). A dotted quarter on beat 2 of 4/4 is a
  quarter tied to an eighth, a dotted half on beat 2 a quarter tied to a half, a rest from
  beat 2 to beat 4 two quarter rests. A value that has to be cut is cut at the half bar
  first, wherever it starts: a note of two and a half beats from the downbeat of 4/4 is a
  half tied to an eighth, not a quarter tied to a dotted quarter. In a bar of two equal
  beats (2/4, 2/2, 6/8) the middle is beat 2, which the beat rule already shows; 3/4, 5/8,
  9/8 have no middle (a dotted quarter on beat 2 of 3/4 stays one note).

:func:`snap_times` moves a staff's attack and release times onto the nearest grid that fits
each beat (the 64th grid, or the tuplet whose grid is within :data:`TOLERANCE` ticks).

>>> from fractions import Fraction
>>> bar = Bar(0, 1920, 4, 4)
>>> [(p.start, p.value, p.tuplet) for p in spell_bar(bar, [(0, 96, 'a'), (96, 192, 'b'),
...   (192, 480, 'c'), (480, 1920, None)])][:3]  # doctest: +NORMALIZE_WHITESPACE
[(Fraction(0, 1), 120, (5, 4, 120)), (Fraction(96, 1), 120, (5, 4, 120)),
 (Fraction(192, 1), 360, (5, 4, 120))]

Two and a half beats from the downbeat, then rests: a half tied to an eighth (beat 3 shows):

>>> [(p.value, p.tie_to) for p in spell_bar(bar, [(0, 1200, 'x'), (1200, 1920, None)])]
[(960, True), (240, False), (240, False), (480, False)]

:func:`straighten` writes swung eighths as a player reads them, two plain eighths a beat
(the feel is named over the first bar, not spelled in triplets).
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ..score import PPQ, TimeSignature

__all__ = [
    "TOLERANCE",
    "WRITTEN",
    "Bar",
    "Piece",
    "bars",
    "beats",
    "snap_times",
    "spell_bar",
    "straighten",
]

# Written values in ticks: whole to 64th, with one and two dots.
_PLAIN = (1920, 960, 480, 240, 120, 60, 30)
WRITTEN = frozenset({*_PLAIN, *(v * 3 // 2 for v in _PLAIN[:-1]),
                     *(v * 7 // 4 for v in _PLAIN[:-2])})
TOLERANCE = 3  # ticks a performed time may miss its tuplet grid by and still be read on it
_GRID = 30  # the binary grid: a 64th note
# Tuplets tried, the simplest first, per kind of beat.
_SIMPLE_TUPLETS = (3, 6, 5, 12, 10, 7, 9, 14)
_COMPOUND_TUPLETS = (2, 4, 5, 7, 8)


@dataclass(frozen=True)
class Bar:
    """One bar: where it starts, how long it is, and its time signature."""

    start: int
    length: int
    numerator: int
    denominator: int


@dataclass(frozen=True)
class Piece:
    """One written value: ``start`` (ticks from the bar's start, exact), ``value`` (written
    ticks: 240 is an eighth, 360 a dotted eighth, also inside a tuplet), ``tuplet``
    ``(actual, normal, written unit)`` or ``None``, ``bracket`` (``"start"``, ``"stop"``,
    ``"startStop"`` or ``""``), the segment's ``payload`` and whether it ties to the
    previous / next piece."""

    start: Fraction
    value: int
    tuplet: tuple[int, int, int] | None
    bracket: str
    payload: Any
    tie_from: bool
    tie_to: bool

    @property
    def ticks(self) -> Fraction:
        """Sounding length in ticks (the written value scaled by the tuplet)."""
        if self.tuplet is None:
            return Fraction(self.value)
        return Fraction(self.value * self.tuplet[1], self.tuplet[0])


def bars(time_signatures: Sequence[TimeSignature], end: int) -> list[Bar]:
    """The bars that cover ``0..end`` (at least one).

    >>> [(b.start, b.length) for b in bars((TimeSignature(0, 3, 4),), 1500)]
    [(0, 1440), (1440, 1440)]
    """
    out: list[Bar] = []
    t, i = 0, 0
    while not out or t < end:
        while i + 1 < len(time_signatures) and time_signatures[i + 1].tick <= t:
            i += 1
        ts = time_signatures[i]
        out.append(Bar(t, ts.bar_ticks, ts.numerator, ts.denominator))
        t += ts.bar_ticks
    return out


def beats(bar: Bar) -> list[tuple[int, int, bool]]:
    """``(start, length, compound)`` of each beat of a bar, from the bar's start.

    >>> beats(Bar(0, 1680, 7, 8))
    [(0, 480, False), (480, 480, False), (960, 720, True)]
    """
    unit = 4 * PPQ // bar.denominator
    n = bar.numerator
    eighths = bar.denominator >= 8 and n > 3
    if eighths and n % 3 == 0:
        sizes = [3 * unit] * (n // 3)
    elif eighths:  # 5/8 as 2+3, 7/8 as 2+2+3
        twos = (n - 3) // 2 if n % 2 else n // 2
        sizes = [2 * unit] * twos + ([3 * unit] if n % 2 else [])
    else:
        sizes = [unit] * n
    out, t = [], 0
    for size in sizes:
        out.append((t, size, eighths and size == 3 * unit))
        t += size
    if t < bar.length:  # a bar longer than its meter says (never from our scores)
        out.append((t, bar.length - t, False))
    return out


def _division(length: int, positions: Sequence[Fraction], compound: bool) -> int:
    """How many equal parts a beat of ``length`` ticks is cut into: 0 for the binary grid."""
    inner = [p for p in positions if 0 < p < length]
    if all(p.denominator == 1 and int(p) % _GRID == 0 for p in inner):
        return 0
    for n in _COMPOUND_TUPLETS if compound else _SIMPLE_TUPLETS:
        if all(p * n / length == round(p * n / length) for p in inner):
            return n
    return 0


def snap_times(times: Sequence[int], bar_list: Sequence[Bar]) -> dict[int, Fraction]:
    """Each time moved onto its beat's grid: the 64th grid, or a tuplet grid it is within
    :data:`TOLERANCE` ticks of (7 per quarter at 480 ticks cannot be whole ticks).

    >>> snap = snap_times([0, 69, 137, 206, 274, 343, 411, 480], [Bar(0, 1920, 4, 4)])
    >>> [str(snap[t]) for t in (69, 137)]
    ['480/7', '960/7']
    """
    out: dict[int, Fraction] = {}
    ordered = sorted(set(times))
    k = 0
    for bar in bar_list:
        for b0, blen, compound in beats(bar):
            lo, hi = bar.start + b0, bar.start + b0 + blen
            inside = []
            while k < len(ordered) and ordered[k] < hi:
                if ordered[k] >= lo:
                    inside.append(ordered[k])
                k += 1
            out.update(_snap_beat(lo, blen, compound, inside))
    for t in ordered[k:]:
        out[t] = Fraction(round(t / _GRID) * _GRID)
    return out


def _snap_beat(lo: int, length: int, compound: bool, times: list[int]) -> dict[int, Fraction]:
    rel = [t - lo for t in times]
    if all(r % _GRID == 0 for r in rel):
        return {t: Fraction(t) for t in times}
    for n in _COMPOUND_TUPLETS if compound else _SIMPLE_TUPLETS:
        step = Fraction(length, n)
        snapped = [round(r / step) * step for r in rel]
        if all(abs(s - r) <= TOLERANCE for s, r in zip(snapped, rel, strict=True)):
            return {t: lo + s for t, s in zip(times, snapped, strict=True)}
    return {t: Fraction(lo + round(r / _GRID) * _GRID) for t, r in zip(times, rel, strict=True)}


def _tuplet_normal(n: int, compound: bool) -> int:
    """How many written units a beat cut in ``n`` holds: a dotted beat its three thirds for a
    duplet (2:3), else its six sixths (4:6, 5:6, 7:6, 8:6: a dotted quarter's sixteenths); a
    plain beat the largest power of two up to ``n`` (3:2, 5:4, 7:4, 9:8)."""
    if compound:
        return 3 if n == 2 else 6
    return 1 << (n.bit_length() - 1)


def _half_bar(bar: Bar, beat_list: list[tuple[int, int, bool]]) -> Fraction | None:
    """The middle of a bar of two or four equal beats (2/4, 2/2, 4/4, 6/8, 12/8 ...), else
    ``None`` (3/4, 5/8, 9/8 have no middle to show)."""
    if len(beat_list) in (2, 4) and len({length for _b, length, _c in beat_list}) == 1:
        return Fraction(bar.length, 2)
    return None


def _binary(s: Fraction, e: Fraction, bar: Bar, beat_list: list[tuple[int, int, bool]],
            out: list[tuple[Fraction, int]], rest: bool) -> None:
    """Cut ``s..e`` (on the 64th grid) into written values that show the beat and the half
    bar (the rules in the module doc)."""
    d = e - s
    starts = {Fraction(b0) for b0, _l, _c in beat_list}
    half = _half_bar(bar, beat_list)
    on_beat = s in starts
    crosses_beat = any(s < b < e for b in starts)
    ends_on_beat = e in starts or e == bar.length
    # a dotted value on a beat may end off the beat when its undotted part ends on one (the
    # undotted part ends inside the bar, so on a beat start)
    dotted_on_beat = on_beat and s + d * 2 / 3 in starts
    ok = d.denominator == 1 and int(d) in WRITTEN and (
        (on_beat and (ends_on_beat or dotted_on_beat)) or not crosses_beat)
    if ok and half is not None and s < half < e:
        # across the middle only from the downbeat (a whole, a dotted half), or a note from
        # beat 2 to the last of four (the syncopated half; a bar of two beats never gets
        # here: its middle is beat 2, so only the downbeat starts on a beat before it)
        ok = s == 0 or (not rest and (s, e) == (half / 2, half * 3 / 2))
    if ok:
        out.append((s, int(d)))
        return
    # cut at the strongest point inside: the half bar (a beat), another beat, then halves
    # of the beat ...
    cut = half if half is not None and s < half < e else next(
        (p for p in sorted(starts) if s < p < e), None)
    step = Fraction(min(length for _b, length, _c in beat_list))
    while cut is None and step >= 2 * _GRID:
        step /= 2
        k = (s // step + 1) * step
        cut = k if s < k < e else None
    if cut is None:  # s..e is tiny and off every grid: write what is left as a 64th
        out.append((s, _GRID))
        return
    _binary(s, cut, bar, beat_list, out, rest)
    _binary(cut, e, bar, beat_list, out, rest)


def _tuplet_values(units: int, written_unit: int) -> list[int]:
    """``units`` tuplet units as few written values as possible (largest first)."""
    out: list[int] = []
    left = units
    while left:
        k = max(k for k in range(1, left + 1) if k * written_unit in WRITTEN)
        out.append(k)
        left -= k
    return out


def spell_bar(bar: Bar, segments: Sequence[tuple[Fraction | int, Fraction | int, Any]]
              ) -> list[Piece]:
    """The written values of one voice in one bar (see the module doc).

    ``segments``: ``(start, end, payload)`` in ticks from the bar's start, covering
    ``0..bar.length`` in order (``payload`` ``None`` for a rest).

    >>> bar = Bar(0, 1920, 4, 4)
    >>> [(int(p.start), p.value, p.tie_to) for p in spell_bar(bar, [(0, 240, None),
    ...   (240, 720, 'x'), (720, 1920, None)])]
    [(0, 240, False), (240, 240, True), (480, 240, False), (720, 240, False), (960, 960, False)]
    """
    beat_list = beats(bar)
    bounds = [Fraction(s) for s, _e, _p in segments] + [Fraction(e) for _s, e, _p in segments]
    kinds: list[tuple[int, int, int]] = []  # beat start, length, division (0: binary)
    for b0, blen, compound in beat_list:
        rel = [b - b0 for b in bounds if b0 < b < b0 + blen]
        kinds.append((b0, blen, _division(blen, rel, compound)))
    pieces: list[Piece] = []
    for s_, e_, payload in segments:
        s, e = Fraction(s_), Fraction(e_)
        cuts: list[tuple[Fraction, int, tuple[int, int, int] | None]] = []
        t = s
        while t < e:
            b0, blen, n = next(k for k in kinds if k[0] <= t < k[0] + k[1])
            if n == 0:  # binary beats run together until the next tuplet beat
                stop = next((Fraction(k[0]) for k in kinds if k[0] > t and k[2]), e)
                stop = min(stop, e)
                values: list[tuple[Fraction, int]] = []
                _binary(t, stop, bar, beat_list, values, payload is None)
                cuts += [(a, v, None) for a, v in values]
                t = stop
                continue
            stop = min(e, Fraction(b0 + blen))
            compound = beat_list[[k[0] for k in kinds].index(b0)][2]
            normal = _tuplet_normal(n, compound)
            unit = Fraction(blen, n)
            written_unit = blen // normal
            units = round((stop - t) / unit)
            at = t
            for k in _tuplet_values(units, written_unit):
                cuts.append((at, k * written_unit, (n, normal, written_unit)))
                at += k * unit
            t = stop
        for j, (a, v, tup) in enumerate(cuts):
            pieces.append(Piece(a, v, tup, "", payload, payload is not None and j > 0,
                                payload is not None and j < len(cuts) - 1))
    return _brackets(pieces, kinds)


def _brackets(pieces: list[Piece], kinds: list[tuple[int, int, int]]) -> list[Piece]:
    from dataclasses import replace

    out = list(pieces)
    for b0, blen, n in kinds:
        if not n:
            continue
        inside = [i for i, p in enumerate(out) if b0 <= p.start < b0 + blen and p.tuplet]
        if inside:
            out[inside[0]] = replace(out[inside[0]], bracket="start")
            out[inside[-1]] = replace(out[inside[-1]], bracket="stop" if len(inside) > 1
                                      else "startStop")
    return out


def straighten(t: int, bar_list: Sequence[Bar], ratio: Fraction = Fraction(2, 3), *,
               played: bool = False) -> int:
    """Where a swung time is written: inside each quarter-note beat the swung middle (at
    ``ratio`` of the beat, as :func:`~schillinger_kernel.compose.dynamics.swing` plays it)
    goes back to the half, and the times around it with it; other beats (dotted quarters,
    halves) are not swung and keep their times. With ``played`` the other way: where a
    written time is played (reading a swing chart back).

    >>> bar_list = bars((TimeSignature(0, 4, 4),), 3840)
    >>> [straighten(t, bar_list) for t in (320, 480 + 160, 480 + 400, 1920 + 320)]
    [240, 600, 840, 2160]
    >>> [straighten(t, bar_list, played=True) for t in (240, 600, 840, 2160)]
    [320, 640, 880, 2240]
    """
    i = bisect.bisect_right([b.start for b in bar_list], t) - 1
    if i < 0:
        return t
    bar = bar_list[i]
    off = t - bar.start
    for start, length, compound in beats(bar):
        if start <= off < start + length:
            if compound or length != PPQ:
                return t
            o = off - start
            mid, half = PPQ * ratio, Fraction(PPQ, 2)
            if played:
                mid, half = half, mid
            written = o * half / mid if o <= mid else half + (o - mid) * (PPQ - half) / (
                PPQ - mid)
            return bar.start + start + round(written)
    return t

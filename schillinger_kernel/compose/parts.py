"""Part builders for :mod:`schillinger_kernel.compose`: melody, bass, chords, drums.

Every builder is a pure function of a :class:`Plan` (bars, harmony, scale, units) and Book I
rhythms; it returns notes. Times are in ticks; rhythms are in units of ``plan.unit`` ticks.

* melodies follow Book IV axes on the key's scale, with chord tones on strong beats;
* bass lines put the root on every chord change (walking lines for jazz);
* chord parts voice the progression's upper voices, with attacks dealt to the voices by
  Book I distribution (``rhythm.distribute``);
* drums play a groove built from a Book I resultant distributed over kick and snare, with
  hats or ride on every unit, accented where the resultant attacks.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from ..harmony import Chord, Progression
from ..melody import axis_melody, parse_terms
from ..projection import expand
from ..rhythm import Rhythm, distribute
from ..scales import Scale
from ..score import Note

__all__ = [
    "RANGES",
    "Plan",
    "bass_roots",
    "chord_part",
    "drums",
    "melody",
    "voice_line",
    "walking_bass",
]


# Comfortable sounding ranges (MIDI) by role/instrument.
RANGES: dict[str, tuple[int, int]] = {
    "piano": (60, 84), "piano lh": (36, 60), "violin": (62, 88), "viola": (50, 76),
    "cello": (36, 62), "bass": (28, 52), "tenor sax": (50, 74), "alto sax": (56, 80),
    "lead": (60, 84), "keys": (52, 76), "flute": (62, 91), "trumpet": (55, 79),
    "vibraphone": (53, 89), "pad": (52, 76), "clarinet": (52, 84), "guitar": (52, 76),
}
KICK, SNARE, HAT, OPEN_HAT, RIDE, CRASH, PEDAL_HAT = 36, 38, 42, 46, 51, 49, 44


@dataclass(frozen=True)
class Plan:
    """The frame every part is built on."""

    progression: Progression
    scale: Scale
    bar: int                 # ticks per bar
    unit: int                # ticks per rhythm unit
    chord_ticks: int         # ticks each chord lasts
    bars: int

    @property
    def end(self) -> int:
        """Tick where the piece ends."""
        return self.bars * self.bar

    def chord_at(self, tick: int) -> Chord:
        """The chord sounding at ``tick``."""
        chords = self.progression.chords
        return chords[min(tick // self.chord_ticks, len(chords) - 1)]

    def chord_starts(self) -> range:
        """Ticks where chords change."""
        return range(0, self.end, self.chord_ticks)


def _fit(pitches: Sequence[int], rng: tuple[int, int]) -> list[int]:
    """Move a line by octaves so its middle sits in ``rng``; fold stragglers back inside."""
    lo, hi = rng
    if not pitches:
        return []
    mid = sorted(pitches)[len(pitches) // 2]
    target = (lo + hi) // 2
    shift = 12 * round((target - mid) / 12)
    out = []
    for p in pitches:
        q = p + shift
        while q < lo:
            q += 12
        while q > hi:
            q -= 12
        out.append(q)
    return out


def _tile(rhythm: Sequence[int], start: int, end: int, unit: int) -> list[tuple[int, int]]:
    """(start, duration) ticks of ``rhythm`` repeated from ``start`` until ``end`` (cut there)."""
    out = []
    t = start
    for d in itertools.cycle(rhythm):
        if t >= end:
            break
        dur = min(abs(d) * unit, end - t)
        if d > 0:
            out.append((t, dur))
        t += abs(d) * unit
    return out


def _chord_tones(chord: Chord) -> set[int]:
    return {pc for _f, pc in chord.functions}


def _nearest_tone(p: int, tones: set[int], scale: Scale) -> int:
    for d in (0, -1, 1, -2, 2, -3, 3):
        if (p + d) % 12 in tones:
            return p + d
    return scale.nearest(p)


# ----- melody -------------------------------------------------------------------------------
def melody(plan: Plan, rhythm: Sequence[int], terms: str, *, axis: int, start: int, bars: int,
           rng: tuple[int, int], pitch_coefficient: int = 1, invert: bool = False,
           velocity: int = 92) -> list[Note]:
    """A melodic phrase of ``bars`` bars from ``start``: axis ``terms`` on the plan's scale.

    One T is one bar. Notes on chord changes and on long strong-beat notes take the nearest
    chord tone; the last note holds to the end of the phrase on a chord tone; with ``invert``
    the phrase is mirrored about the axis in scale steps (Book III position d).
    """
    sc = plan.scale
    length_units = bars * plan.bar // plan.unit
    raw = axis_melody(sc, terms, rhythm=tuple(abs(d) for d in rhythm), axis=axis,
                      unit=plan.unit, T=length_units // max(1, _term_count(terms)))
    notes = [n for n in raw if n.start < bars * plan.bar]
    if invert:
        notes = list(expand(tuple(notes), -1, axis=sc.nearest(axis), scale=sc))
    out: list[Note] = []
    beat = plan.bar // 4 if plan.bar % 4 == 0 else plan.bar // 3
    for i, n in enumerate(notes):
        t = start + n.start
        chord = plan.chord_at(t)
        p = n.pitch
        strong = t % plan.chord_ticks == 0 or (t % (2 * beat) == 0 and n.duration >= beat)
        last = i == len(notes) - 1
        if strong or last:
            p = _nearest_tone(p, _chord_tones(chord), sc)
        dur = (start + bars * plan.bar - t) if last else n.duration
        out.append(Note(t, max(1, dur), p, velocity))
    fitted = _fit([n.pitch for n in out], rng)
    return [Note(n.start, n.duration, p, n.velocity + (10 if n.start % plan.bar == 0 else 0))
            for n, p in zip(out, fitted, strict=True)]


def _term_count(terms: str) -> int:
    return int(sum(t.time for t in parse_terms(terms)))


# ----- bass ---------------------------------------------------------------------------------
def bass_roots(plan: Plan, rhythm: Sequence[int], rng: tuple[int, int], *,
               velocity: int = 88, fifths: bool = True) -> list[Note]:
    """Roots on every chord change; further attacks of ``rhythm`` (restarted at each chord)
    alternate root, fifth and octave, the last one leading to the next root by step."""
    out: list[Note] = []
    lo, hi = rng
    for c0 in plan.chord_starts():
        chord = plan.chord_at(c0)
        root = lo + (chord.root - lo) % 12
        fs = dict(chord.functions)
        fifth = root + (fs.get(5, (chord.root + 7) % 12) - chord.root) % 12
        slots = _tile(rhythm, c0, min(c0 + plan.chord_ticks, plan.end), plan.unit)
        cycle = [root, fifth, root + 12 if root + 12 <= hi else root, fifth] if fifths else [root]
        for k, (s, d) in enumerate(slots):
            p = cycle[k % len(cycle)]
            if k == len(slots) - 1 and k > 0 and c0 + plan.chord_ticks < plan.end:
                nxt = plan.chord_at(c0 + plan.chord_ticks).root
                target = lo + (nxt - lo) % 12
                p = plan.scale.nearest(target + (2 if target + 2 <= hi else -1))
            out.append(Note(s, d, max(lo, min(hi, p)), velocity + (10 if s == c0 else 0)))
    return out


def walking_bass(plan: Plan, rng: tuple[int, int], velocity: int = 86) -> list[Note]:
    """Quarter notes: root on the chord change, chord tones and scale steps between, and a
    chromatic approach to the next root on the last beat."""
    beat = plan.bar // 4 if plan.bar % 4 == 0 else plan.bar // 3
    lo, hi = rng
    out: list[Note] = []
    prev = None
    for t in range(0, plan.end, beat):
        chord = plan.chord_at(t)
        pos = (t % plan.chord_ticks) // beat
        n_beats = plan.chord_ticks // beat
        root = lo + 4 + (chord.root - lo - 4) % 12
        if pos == 0:
            p = root
        elif pos == n_beats - 1 and t + beat < plan.end:
            nxt = plan.chord_at(t + beat).root
            target = lo + 4 + (nxt - lo - 4) % 12
            p = target - 1 if prev is not None and prev < target else target + 1
        else:
            tones = sorted({root + (pc - chord.root) % 12 for _f, pc in chord.functions})
            p = tones[min(pos, len(tones) - 1)]
        p = max(lo, min(hi, p))
        out.append(Note(t, beat, p, velocity + (8 if pos == 0 else 0)))
        prev = p
    return out


# ----- chords -------------------------------------------------------------------------------
def chord_part(plan: Plan, rhythm: Sequence[int], rng: tuple[int, int], *,
               velocity: int = 68, staccato: bool = False, distributed: bool = False,
               with_bass: bool = False) -> list[Note]:
    """The progression's upper voices (and the bass with ``with_bass``).

    Block chords on the attacks of ``rhythm`` (restarted at each chord change); with
    ``distributed`` the attacks are dealt to the voices in turn (Book I distribution), each
    voice holding its note until its next attack or the chord change.
    """
    out: list[Note] = []
    for c0 in plan.chord_starts():
        chord = plan.chord_at(c0)
        voices = list(chord.pitches if with_bass else chord.pitches[1:])
        voices = _fit_chord(voices, rng)
        c1 = min(c0 + plan.chord_ticks, plan.end)
        if distributed:
            dealt = distribute(Rhythm(tuple(abs(d) for d in rhythm)), len(voices))
            for i, p in enumerate(voices):
                for s, d in _tile(dealt[i].durations, c0, c1, plan.unit):
                    out.append(Note(s, d, p, velocity + (8 if s == c0 else 0)))
            continue
        for s, d in _tile(rhythm, c0, c1, plan.unit):
            dd = max(plan.unit // 2, d // 2) if staccato else d
            for p in voices:
                out.append(Note(s, min(dd, c1 - s), p, velocity + (8 if s == c0 else 0)))
    return out


def _fit_chord(voices: list[int], rng: tuple[int, int]) -> list[int]:
    lo, hi = rng
    shift = 0
    while min(voices) + shift < lo:
        shift += 12
    while max(voices) + shift > hi and min(voices) + shift - 12 >= lo - 5:
        shift -= 12
    return [p + shift for p in voices]


def voice_line(plan: Plan, index: int, rhythm: Sequence[int], rng: tuple[int, int], *,
               velocity: int = 70) -> list[Note]:
    """One voice of the chord voicing (index 0 = bass, 1.. = upper voices, low to high),
    attacked on ``rhythm`` and always re-attacked when the chord changes."""
    out: list[Note] = []
    for c0 in plan.chord_starts():
        chord = plan.chord_at(c0)
        p = chord.pitches[min(index, len(chord.pitches) - 1)]
        lo, hi = rng
        while p < lo:
            p += 12
        while p > hi:
            p -= 12
        for s, d in _tile(rhythm, c0, min(c0 + plan.chord_ticks, plan.end), plan.unit):
            out.append(Note(s, d, p, velocity + (8 if s == c0 else 0)))
    return out


# ----- drums --------------------------------------------------------------------------------
def drums(plan: Plan, groove: Rhythm, style: str, *, fill_every: int = 4) -> list[Note]:
    """A groove: the resultant ``groove`` (in units) dealt to kick and snare by Book I
    distribution, hats (ride for jazz) on every unit accented on the resultant's attacks,
    a backbeat snare for pop, a crash on each section start."""
    unit = plan.unit
    dealt = distribute(groove, ("kick", "snare"))
    kick = _attacks(dealt["kick"], plan.end, unit)
    snare = _attacks(dealt["snare"], plan.end, unit)
    accents = set(_attacks(groove, plan.end, unit))
    beat = plan.bar // 4 if plan.bar % 4 == 0 else plan.bar // 3
    out: list[Note] = []
    if style == "jazz":
        for t in range(0, plan.end, beat):  # ride on the beats, pedal hat on 2 and 4
            out.append(Note(t, unit, RIDE, 78 + (10 if t in accents else 0)))
            if (t // beat) % 2 == 1:
                out.append(Note(t, unit, PEDAL_HAT, 70))
                out.append(Note(t + beat - unit // 2, unit // 2, RIDE, 64))
        out += [Note(t, unit, SNARE, 52) for t in snare]
        out += [Note(t, unit, KICK, 58) for t in kick if t % plan.bar == 0]
    else:
        for t in range(0, plan.end, unit):
            out.append(Note(t, unit // 2, HAT, 88 if t in accents else 64))
        kicks = set(kick) | set(range(0, plan.end, plan.bar))
        if style in ("pop", "band"):
            backbeat = {t for t in range(beat, plan.end, 2 * beat)}
            kicks -= backbeat
            out += [Note(t, unit, SNARE, 100) for t in sorted(backbeat)]
            out += [Note(t, unit, SNARE, 48) for t in snare if t not in backbeat
                    and t % beat]
        else:
            out += [Note(t, unit, SNARE, 84) for t in snare]
        out += [Note(t, unit, KICK, 104 if t % plan.bar == 0 else 88) for t in sorted(kicks)]
    for b in range(0, plan.bars, fill_every):
        out.append(Note(b * plan.bar, 2 * unit, CRASH, 96 if b else 104))
    return [n for n in out if n.start < plan.end]


def _attacks(r: Rhythm, end: int, unit: int) -> list[int]:
    out = []
    t = 0
    while t < end:
        for d in r.durations:
            if d > 0 and t < end:
                out.append(t)
            t += abs(d) * unit
    return out

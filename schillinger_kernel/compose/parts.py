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
    "chord_tones",
    "drums",
    "melody",
    "through",
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
    beat_ticks: tuple[int, ...] = ()  # the meter's beats in ticks (6/8: 720, 720)

    @property
    def beats(self) -> tuple[int, ...]:
        """The meter's beats in ticks, summing to a bar (default: 4 or 3 equal beats)."""
        if self.beat_ticks:
            return self.beat_ticks
        n = 4 if self.bar % 4 == 0 else 3
        return (self.bar // n,) * n

    def beat_starts(self) -> tuple[int, ...]:
        """Offsets of the beats inside a bar."""
        return tuple(itertools.accumulate((0, *self.beats[:-1])))

    def beat_onsets(self) -> list[int]:
        """Ticks of every beat in the piece."""
        return [b + o for b in range(0, self.end, self.bar) for o in self.beat_starts()]

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


def through(plan: Plan, rhythm: Sequence[int], *, sound: float = 1.0,
            min_ticks: int = 0) -> list[tuple[int, int, bool]]:
    """``rhythm`` tiled over the whole piece (it runs on through bar lines and chord changes
    until its period closes, then repeats): (start, duration, attacked) ticks, each sounding
    ``sound`` of its duration (at least ``min_ticks``), split where the chord changes
    (``attacked`` is False for the part after a change: a re-voicing, not an attack of the
    resultant)."""
    out = []
    for s, d in _tile(rhythm, 0, plan.end, plan.unit):
        dd = max(min_ticks, int(d * sound)) if sound < 1 else d
        e = min(s + dd, plan.end)
        t, attacked = s, True
        while t < e:
            c1 = (t // plan.chord_ticks + 1) * plan.chord_ticks
            out.append((t, min(e, c1) - t, attacked))
            t, attacked = c1, False
    return out


def chord_tones(chord: Chord) -> set[int]:
    """The pitch classes of ``chord``.

    >>> from schillinger_kernel.harmony import chords_from_symbols
    >>> sorted(chord_tones(chords_from_symbols(["G7"], "C major")[0]))
    [2, 5, 7, 11]
    """
    return {pc for _f, pc in chord.functions}


def _nearest_tone(p: int, tones: set[int], scale: Scale) -> int:
    for d in (0, -1, 1, -2, 2, -3, 3):
        if (p + d) % 12 in tones:
            return p + d
    return scale.nearest(p)


# ----- melody -------------------------------------------------------------------------------
def melody(plan: Plan, rhythm: Sequence[int], terms: str, *, axis: int, start: int, bars: int,
           rng: tuple[int, int], pitch_coefficient: int = 1, invert: bool = False,
           retrograde: bool = False, expansion: int = 1, velocity: int = 92) -> list[Note]:
    """A melodic phrase of ``bars`` bars from ``start``: axis ``terms`` on the plan's scale.

    One T is one bar. Notes on chord changes and on long strong-beat notes take the nearest
    chord tone; the phrase ends on a tone of its last chord, attacked on that chord's
    downbeat (a last note that starts earlier is cut there) and held to the end. Book III's
    geometric positions: with ``retrograde`` the phrase runs backwards (pitches and
    durations), with ``invert`` it is mirrored about the axis in scale steps, both together
    give the retrograde inversion; ``expansion`` multiplies its intervals from the axis (in
    scale steps).
    """
    sc = plan.scale
    length_units = bars * plan.bar // plan.unit
    raw = axis_melody(sc, terms, rhythm=tuple(abs(d) for d in rhythm), axis=axis,
                      unit=plan.unit, T=length_units // max(1, _term_count(terms)))
    notes = [n for n in raw if n.start < bars * plan.bar]
    if retrograde and notes:
        ends = [min(n.start + n.duration, bars * plan.bar) for n in notes]
        total = ends[-1]
        notes = [Note(total - e, e - n.start, n.pitch, n.velocity)
                 for n, e in zip(reversed(notes), reversed(ends), strict=True)]
    if expansion != 1:
        notes = _expanded(notes, expansion, sc.nearest(axis), sc)
    if invert:
        notes = list(expand(tuple(notes), -1, axis=sc.nearest(axis), scale=sc))
    out: list[Note] = []
    beats = set(plan.beat_starts())
    beat = min(plan.beats)
    for i, n in enumerate(notes):
        t = start + n.start
        chord = plan.chord_at(t)
        p = n.pitch
        strong = t % plan.chord_ticks == 0 or (t % plan.bar in beats and n.duration >= beat)
        last = i == len(notes) - 1
        if strong or last:
            p = _nearest_tone(p, chord_tones(chord), sc)
        end = start + bars * plan.bar
        dur = (end - t) if last else n.duration
        arrival = (end - 1) // plan.chord_ticks * plan.chord_ticks
        if last and start <= t < arrival:  # the cadence's chord is reached on its downbeat
            out.append(Note(t, arrival - t, p, velocity))
            t, dur = arrival, end - arrival
            p = _nearest_tone(p, chord_tones(plan.chord_at(t)), sc)
        out.append(Note(t, max(1, dur), p, velocity))
    fitted = _fit([n.pitch for n in out], rng)
    return [Note(n.start, n.duration, p, n.velocity + (10 if n.start % plan.bar == 0 else
                                                      4 if n.start % plan.bar in beats else 0))
            for n, p in zip(out, fitted, strict=True)]


def _expanded(notes: list[Note], k: int, axis: int, sc: Scale) -> list[Note]:
    """Each note's distance from ``axis`` in scale steps multiplied by ``k`` (Book III
    expansion); a note the expansion would carry more than two spans from the axis comes
    back by spans (the line is fitted to its range afterwards)."""
    base = sc.index_of(axis, sc.tonic)
    out = []
    for n in notes:
        q = sc.at(base + (sc.index_of(sc.nearest(n.pitch), sc.tonic) - base) * k, sc.tonic)
        while q > axis + 2 * sc.span:
            q -= sc.span
        while q < axis - 2 * sc.span:
            q += sc.span
        out.append(Note(n.start, n.duration, q, n.velocity))
    return out


def _term_count(terms: str) -> int:
    return int(sum(t.time for t in parse_terms(terms)))


# ----- bass ---------------------------------------------------------------------------------
def bass_roots(plan: Plan, rhythm: Sequence[int], rng: tuple[int, int], *,
               velocity: int = 88, fifths: bool = True) -> list[Note]:
    """Roots on every chord change; the other attacks of ``rhythm`` (running on through the
    chord changes) alternate root, fifth and octave, the last one before a change leading to
    the next root by step."""
    out: list[Note] = []
    lo, hi = rng
    slots = through(plan, rhythm)
    k = 0
    for i, (s, d, _attacked) in enumerate(slots):
        c0 = s // plan.chord_ticks * plan.chord_ticks
        chord = plan.chord_at(s)
        root = lo + (chord.root - lo) % 12
        fs = dict(chord.functions)
        fifth = root + (fs.get(5, (chord.root + 7) % 12) - chord.root) % 12
        cycle = [root, fifth, root + 12 if root + 12 <= hi else root, fifth] if fifths else [root]
        k = 0 if s == c0 else k + 1
        p = cycle[k % len(cycle)]
        c1 = c0 + plan.chord_ticks
        last_in_chord = i + 1 >= len(slots) or slots[i + 1][0] >= c1
        if last_in_chord and k > 0 and c1 < plan.end:
            target = lo + (plan.chord_at(c1).root - lo) % 12
            p = plan.scale.nearest(target + (2 if target + 2 <= hi else -1))
        out.append(Note(s, d, max(lo, min(hi, p)), velocity + (10 if s == c0 else 0)))
    return out


def _near(pc: int, ref: int, lo: int, hi: int, margin: int = 0) -> int:
    """The pitch of class ``pc`` nearest ``ref`` inside lo..hi (with ``margin``, keeping
    away from the ends of the range where the distance allows)."""
    cands = [p for p in range(lo, hi + 1) if p % 12 == pc % 12]

    def cost(p: int) -> tuple[int, int]:
        edge = margin if p < lo + margin or p > hi - margin else 0
        return abs(p - ref) + edge, p

    return min(cands, key=cost) if cands else ref


def walking_bass(plan: Plan, rng: tuple[int, int], velocity: int = 86) -> list[Note]:
    """One note a beat: the root on each chord change (in the octave nearest the line), chord
    tones and scale steps between, moving toward the next root, and a half or whole step
    approach to it on the last beat; no step wider than an octave."""
    lo, hi = rng
    onsets = plan.beat_onsets()
    out: list[Note] = []
    prev = (lo + hi) // 2 - 5
    goal: int | None = None  # the next root, chosen when its approach is played
    for i, t in enumerate(onsets):
        dur = (onsets[i + 1] if i + 1 < len(onsets) else plan.end) - t
        chord = plan.chord_at(t)
        c0 = t // plan.chord_ticks * plan.chord_ticks
        c1 = c0 + plan.chord_ticks
        nxt = onsets[i + 1] if i + 1 < len(onsets) else plan.end
        if t == c0:
            p = goal if goal is not None else _near(chord.root, prev, lo + 1, hi - 4, 5)
            goal = None
        elif nxt == c1 and c1 < plan.end:
            target = _near(plan.chord_at(c1).root, prev, lo + 1, hi - 4, 5)
            if abs(target - prev) > 7:  # the margin must not cost a leap: use the whole range
                target = _near(plan.chord_at(c1).root, prev, lo, hi)
            below = target - 1 >= lo and (prev < target or target + 1 > hi)
            p = target - 1 if below else target + 1
            step = plan.scale.nearest(target + (-2 if below else 2))
            if abs(step - target) <= 2 and step != target and (i % 3 == 1):
                p = step
            goal = target
        else:
            ahead = nxt if nxt < c1 or c1 >= plan.end else c1
            target = _near(plan.chord_at(ahead).root if ahead < plan.end else chord.root,
                           prev, lo + 1, hi - 4, 5)
            tones = [q for q in range(max(lo + 1, prev - 7), min(hi - 4, prev + 7) + 1)
                     if q % 12 in chord_tones(chord) and q != prev]
            if not tones:
                tones = [plan.scale.nearest(prev + 2)]
            toward = 1 if target >= prev else -1
            p = min(tones, key=lambda q: (abs(q - (prev + 3 * toward)), q))
        p = max(lo, min(hi, p))
        out.append(Note(t, dur, p, velocity + (8 if t == c0 else 0)))
        prev = p
    return out


# ----- chords -------------------------------------------------------------------------------
def chord_part(plan: Plan, rhythm: Sequence[int], rng: tuple[int, int], *,
               velocity: int = 68, staccato: bool = False, distributed: bool = False,
               with_bass: bool = False) -> list[Note]:
    """The progression's upper voices (and the bass with ``with_bass``).

    Block chords on the attacks of ``rhythm``, which runs on through the chord changes until
    its period closes (a chord held over a change is re-voiced there); with ``distributed``
    the attacks are dealt to the voices in turn (Book I distribution), each voice holding its
    note until its next attack.
    """
    out: list[Note] = []

    def voices_at(t: int) -> list[int]:
        chord = plan.chord_at(t)
        return _fit_chord(list(chord.pitches if with_bass else chord.pitches[1:]), rng)

    def accent(s: int, attacked: bool) -> int:
        return velocity + (8 if s % plan.bar == 0 and attacked else
                           3 if s % plan.bar in plan.beat_starts() else 0)

    if distributed:
        n = len(voices_at(0))
        dealt = distribute(Rhythm(tuple(abs(d) for d in rhythm)), n)
        for i in range(n):
            for s, d, attacked in through(plan, dealt[i].durations):
                vs = voices_at(s)
                out.append(Note(s, d, vs[min(i, len(vs) - 1)], accent(s, attacked)))
        return out
    for s, d, attacked in through(plan, rhythm, sound=0.5 if staccato else 1.0,
                                   min_ticks=plan.unit // 2):
        for p in voices_at(s):
            out.append(Note(s, d, p, accent(s, attacked)))
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
    attacked on ``rhythm`` running on through the chord changes (a note held over a change
    takes the new chord's voice there)."""
    out: list[Note] = []
    lo, hi = rng
    for s, d, attacked in through(plan, rhythm):
        chord = plan.chord_at(s)
        p = chord.pitches[min(index, len(chord.pitches) - 1)]
        while p < lo:
            p += 12
        while p > hi:
            p -= 12
        out.append(Note(s, d, p, velocity + (8 if s % plan.bar == 0 and attacked else 0)))
    return out


# ----- drums --------------------------------------------------------------------------------
def drums(plan: Plan, groove: Rhythm, style: str, *, fill_every: int = 4) -> list[Note]:
    """A groove: the resultant ``groove`` (in units) dealt to kick and snare by Book I
    distribution, hats (ride for jazz) on every unit accented on the resultant's attacks,
    a backbeat snare for pop and shuffle (whose hats lean on the beat), a crash on each
    section start."""
    unit = plan.unit
    dealt = distribute(groove, ("kick", "snare"))
    kick = _attacks(dealt["kick"], plan.end, unit)
    snare = _attacks(dealt["snare"], plan.end, unit)
    accents = set(_attacks(groove, plan.end, unit))
    onsets = plan.beat_onsets()
    offbeats = {t for i, t in enumerate(onsets) if i % len(plan.beats) % 2 == 1}
    out: list[Note] = []
    if style == "jazz":
        for i, t in enumerate(onsets):  # ride on the beats, pedal hat on 2 and 4
            out.append(Note(t, unit, RIDE, 78 + (10 if t in accents else 0)))
            if t in offbeats:
                nxt = onsets[i + 1] if i + 1 < len(onsets) else plan.end
                out.append(Note(t, unit, PEDAL_HAT, 70))
                out.append(Note(nxt - unit // 2, unit // 2, RIDE, 64))
        out += [Note(t, unit, SNARE, 52) for t in snare]
        out += [Note(t, unit, KICK, 58) for t in kick if t % plan.bar == 0]
    else:
        beats = set(onsets)
        for t in range(0, plan.end, unit):
            # the shuffle's hat leans on the beat; its off-eighth is swung and soft
            level = (80 if t in beats else 56) if style == "shuffle" else 64
            out.append(Note(t, unit // 2, HAT, level + (24 if t in accents else 0)))
        kicks = set(kick) | set(range(0, plan.end, plan.bar))
        if style in ("pop", "band", "shuffle"):
            backbeat = offbeats
            kicks -= backbeat
            out += [Note(t, unit, SNARE, 100) for t in sorted(backbeat)]
            out += [Note(t, unit, SNARE, 48) for t in snare if t not in backbeat
                    and t not in set(onsets)]
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

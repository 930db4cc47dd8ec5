"""The core of composition: a progression and rhythmic themes arranged for an ensemble.

:func:`compose` builds every part on one :class:`~.parts.Plan`, the melody section by
section (:mod:`.form`), the inner voices moving (:mod:`.inner`), then closes the piece on
its cadence, keeps the melody on top and shapes the dynamics and feel (:mod:`.dynamics`).

>>> s = compose(["C", "Am", "F", "G"], ["r3÷2"], ensemble="string quartet", seed=1)
>>> [p.name for p in s.parts], [x["label"] for x in s.metadata["form"]]
(['Violin I', 'Violin II', 'Viola', 'Cello'], ['A'])
"""

from __future__ import annotations

import bisect
import dataclasses
import random
from collections.abc import Sequence
from typing import Any

from ..errors import ParameterError
from ..harmony import STYLES, Progression, chords_from_symbols
from ..rhythm import Rhythm, distribute, interference
from ..scales import key_scale
from ..score import Note, Part, Score, TempoChange, TimeSignature
from . import dynamics
from . import parts as builders
from .args import METERS, choice, count, key_name, meter_beats, number, seed_of, theme_rhythm
from .blues import blue_line, blues_scale, boogie_bass
from .form import Section, plan_form
from .inner import moving_voice

__all__ = [
    "COMPOSE_STYLES",
    "ENSEMBLES",
    "FEELS",
    "MELODY_RANGE",
    "PHRASE_LIFT",
    "ROLE_FLOOR",
    "SHAPES_A",
    "SHAPES_B",
    "STYLE_ENSEMBLE",
    "SWING_STYLES",
    "TRACKS",
    "UNIT",
    "compose",
]


ENSEMBLES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "piano": (("Piano RH", "piano", "melody"), ("Piano LH", "piano", "left hand")),
    "string quartet": (("Violin I", "violin", "melody"), ("Violin II", "violin", "upper"),
                       ("Viola", "viola", "lower"), ("Cello", "cello", "bass")),
    "jazz combo": (("Tenor Sax", "tenor sax", "melody"), ("Piano", "piano", "comp"),
                   ("Bass", "acoustic bass", "walking"), ("Drums", "drums", "drums")),
    "band": (("Lead", "lead 1 (square)", "melody"), ("Keys", "electric piano 1", "keys"),
             ("Bass", "electric bass (finger)", "bass"), ("Drums", "drums", "drums")),
    "blues band": (("Tenor Sax", "tenor sax", "melody"), ("Piano", "piano", "comp"),
                   ("Bass", "electric bass (finger)", "boogie"), ("Drums", "drums", "drums")),
}
MELODY_RANGE = {"piano": (62, 86), "violin": (64, 88), "tenor sax": (56, 75),
                "lead 1 (square)": (62, 84), "flute": (64, 91), "vibraphone": (60, 84)}
# The book's styles (harmony.STYLES) and two of the dance floor: the 12-bar blues and the
# shuffle (pop harmony for the band, played with the shuffle feel).
COMPOSE_STYLES = (*STYLES, "blues", "shuffle")
STYLE_ENSEMBLE = {"classical": "string quartet", "jazz": "jazz combo", "pop": "band",
                  "modal": "piano", "symmetric": "piano", "blues": "blues band",
                  "shuffle": "band"}
# The feel of the styles that are not played straight.
FEELS = {"jazz": "swing", "blues": "shuffle", "shuffle": "shuffle"}
SWING_STYLES = tuple(FEELS)
TRACKS = ("bass", "drums", "keys", "pad", "arpeggio", "melody")
# Axis shapes for the phrases (T = one bar), ending on or near the primary axis.
SHAPES_A = ("0T + aT + bT + cT", "a2T + b2T", "aT + bT + dT + cT", "cT + aT + bT + 0T")
SHAPES_B = ("dT + cT + aT + bT", "a2T + bT + cT", "cT + a2T + bT")
UNIT = 240  # an eighth note
# Level of the phrases of a section longer than eight bars: first, middle ones, last (the
# blues's answering line); wide enough that a blues of one chorus keeps a loudness range of
# 4 LU or more (bench/bench_compose.py).
PHRASE_LIFT = (-14, -4, 6)
# Lowest pitch an accompanying role may be moved down to, to keep the melody on top.
ROLE_FLOOR = {"upper": 55, "lower": 48, "comp": 43, "keys": 43, "pad": 43, "arpeggio": 48,
              "left hand": 36}
_INNER = ("upper", "lower")


def _part(name: str, instrument: str, notes: list[Note], channel: int) -> Part:
    part = Part.create(name, notes, instrument=instrument)
    if part.is_drums:
        return part
    return Part(name=part.name, notes=part.notes, program=part.program, channel=channel)


def compose(progression: Progression | Sequence[str], themes: Sequence[Any] = ((3, 2),), *,
            ensemble: str | None = None, tracks: Sequence[str] | None = None,
            key: str | None = None, tempo: float = 120.0, style: str = "classical",
            complexity: float = 0.5, bars_per_chord: int = 1,
            time_signature: tuple[int, int] = (4, 4), seed: int | None = None,
            title: str = "Untitled", form: Sequence[Section] | None = None,
            meter: str | tuple[int, int] | None = None, cadence: bool = False,
            swing: bool | None = None) -> Score:
    """Arrange ``progression`` (one chord per ``bars_per_chord`` bars) for an ensemble.

    ``themes[0]`` drives the melody; ``themes[1]`` (default: the first) drives the
    accompaniment and the drum groove, running on through the chord changes until its period
    closes. Themes are read by :func:`~.args.theme_rhythm`. Give either an ``ensemble`` (see
    :data:`ENSEMBLES`) or ``tracks`` (see :data:`TRACKS`). ``meter`` (one of
    :data:`~.args.METERS`; it overrides ``time_signature``) sets the bar and its beats.

    The melody runs section by section through ``form`` (default:
    :func:`~.form.plan_form` on the first theme), each section by its technique; the plan goes
    into ``score.metadata["form"]``. With ``cadence`` every part attacks the last chord on
    the last downbeat and holds it, the melody on a chord tone (the tonic where it can). The
    melody stays the highest voice: accompanying notes that would reach it move down an
    octave. Velocities follow the sections, the phrase arch and the resultant's accents;
    ``swing`` (default: for :data:`SWING_STYLES`) swings the eighths, with the style's feel
    (:data:`FEELS`: the shuffle also plays the delayed eighth softer).
    """
    s = seed_of(seed)
    rng = random.Random(s)
    style = choice("style", style, COMPOSE_STYLES)
    cx = number("complexity", complexity, 0.0, 1.0)
    bpm = number("tempo", tempo, 20.0, 400.0)
    bpc = count("bars_per_chord", bars_per_chord, 1, 16)
    if isinstance(progression, Progression):
        prog = progression
        k = key_name(key or prog.key)
    else:
        k = key_name(key or "C major")
        prog = chords_from_symbols(list(progression), k)
    if not isinstance(themes, Sequence) or isinstance(themes, str) or not themes:
        raise ParameterError(f"themes must be a non-empty list of themes (rhythms, notation "
                             f"like 'r3÷2' or '2+1+1+2', generator pairs), got {themes!r}")
    parsed = [theme_rhythm(t) for t in themes]
    if meter is not None:
        num, den, beats = meter_beats(meter)
    else:
        num, den = time_signature
        beats = METERS.get(f"{num}/{den}", ())
    ts = TimeSignature(0, num, den)
    bars = len(prog) * bpc
    plan = builders.Plan(prog, key_scale(k), ts.bar_ticks, UNIT, ts.bar_ticks * bpc, bars,
                         tuple(b * UNIT for b in beats))
    roles = _roles(ensemble, tracks, style)
    mel, pair = parsed[0]
    acc, acc_pair = parsed[1] if len(parsed) > 1 else parsed[0]
    groove = interference(*acc_pair) if acc_pair else acc
    sections = tuple(form) if form is not None else plan_form(
        mel, pair, bars, ts.bar_ticks // UNIT, seed=s)
    if sum(x.bars for x in sections) != bars:
        raise ParameterError(f"form: the sections last {sum(x.bars for x in sections)} bars, "
                             f"the progression {bars}; they must be equal")
    built = []
    for _name, instrument, role in roles:
        if role == "melody" and style == "blues":  # the same axes, on the blues scale
            notes = blue_line(_melody(dataclasses.replace(plan, scale=blues_scale(k)),
                                      sections, instrument, cx, rng), plan, k)
        elif role == "melody":
            notes = _melody(plan, sections, instrument, cx, rng)
        else:
            notes = _role_notes(role, instrument, plan, acc, groove, style)
        if cadence:
            notes = _close(role, notes, plan, instrument)
        built.append(notes)
    top = [n for (_n, _i, role), notes in zip(roles, built, strict=True) if role == "melody"
           for n in notes]
    if top:
        built = [_below(notes, top, ROLE_FLOOR[role], plan if role in _INNER else None)
                 if role in ROLE_FLOOR else notes
                 for (_n, _i, role), notes in zip(roles, built, strict=True)]
    spans, meta = _form_spans(sections, plan)
    accents = _accent_ticks(groove, plan)
    swung = style in SWING_STYLES if swing is None else bool(swing)
    feel = FEELS.get(style, "swing") if swung else "straight"
    parts = []
    channel = 0
    for (name, instrument, _role), notes in zip(roles, built, strict=True):
        notes = dynamics.shape(notes, spans, accents)
        if swung:
            notes = dynamics.swing(notes, plan.beats, offbeat=-10 if feel == "shuffle" else 0)
        parts.append(_part(name, instrument, notes, channel))
        if instrument != "drums":
            channel += 1 if channel != 8 else 2
    metadata: dict[str, Any] = {"form": meta, "feel": feel,
                                "themes": [list(r.durations) for r, _g in parsed],
                                # the notation prints these as chord symbols
                                "chords": [{"tick": t, "symbol": c.symbol,
                                            "pitch_classes": sorted(builders.chord_tones(c))}
                                           for t, c in zip(plan.chord_starts(), prog.chords,
                                                           strict=False)]}
    return Score(parts=tuple(parts), tempos=(TempoChange(0, bpm),),
                 time_signatures=(ts,), key=k, title=title, metadata=metadata)


def _roles(ensemble: str | None, tracks: Sequence[str] | None,
           style: str) -> tuple[tuple[str, str, str], ...]:
    if tracks is None:
        return ENSEMBLES[choice("ensemble", ensemble or STYLE_ENSEMBLE[style],
                                tuple(ENSEMBLES))]
    if ensemble is not None:
        raise ParameterError("give ensemble or tracks, not both")
    roles = tuple(_track_role(choice("tracks", t, TRACKS)) for t in tracks)
    if not roles:
        raise ParameterError("tracks must name at least one of " + ", ".join(TRACKS))
    return roles


def _form_spans(sections: Sequence[Section], plan: builders.Plan
                ) -> tuple[list[tuple[int, int, int]], list[dict[str, Any]]]:
    """(start, end, level) ticks of each phrase (a section of up to eight bars is one), and
    the form plan for the metadata. The phrases of a longer section (the lines of a blues
    chorus) rise in level, the last one the answer and the loudest."""
    spans, meta = [], []
    t = 0
    for sec, level in zip(sections, dynamics.levels([x.label for x in sections]), strict=True):
        end = t + sec.bars * plan.bar
        phrases = _phrases(sec.bars)
        p0 = t
        for i, bars in enumerate(phrases):
            last = i == len(phrases) - 1
            lift = 0 if len(phrases) == 1 else PHRASE_LIFT[0 if i == 0 else 2 if last else 1]
            spans.append((p0, p0 + bars * plan.bar, level + lift))
            p0 += bars * plan.bar
        meta.append({"label": sec.label, "start_tick": t, "bars": sec.bars,
                     "technique": sec.technique} | ({"cadence": sec.cadence} if sec.cadence
                                                    else {}))
        t = end
    return spans, meta


def _accent_ticks(groove: Rhythm, plan: builders.Plan) -> set[int]:
    """Ticks of the resultant's accents (where its generators coincide), over the piece."""
    period = sum(abs(d) for d in groove.durations) * plan.unit
    marks = groove.accents or (0,)
    return {t + a * plan.unit for t in range(0, plan.end, period) for a in marks}


def _close(role: str, notes: list[Note], plan: builders.Plan, instrument: str) -> list[Note]:
    """The final cadence of one part: everything before the last bar as it was (cut at its
    bar line), then the final chord attacked on the last downbeat and held to the end."""
    last = plan.end - plan.bar
    c0 = (plan.end - 1) // plan.chord_ticks * plan.chord_ticks
    kept = [Note(n.start, min(n.duration, last - n.start), n.pitch, n.velocity)
            for n in notes if n.start < last]
    if role == "drums":
        return [*kept, Note(last, plan.bar, builders.KICK, 100),
                Note(last, plan.bar, builders.CRASH, 100)]
    chord = plan.chord_at(last)
    tones = builders.chord_tones(chord)
    if role == "melody":
        lo, hi = MELODY_RANGE.get(instrument, (60, 84))
        prev = kept[-1].pitch if kept else (lo + hi) // 2
        cands = [p for p in range(lo, hi + 1) if p % 12 == plan.scale.tonic]
        cands = cands or [p for p in range(lo, hi + 1) if p % 12 in tones]
        p = min(cands, key=lambda q: (abs(q - prev), -q)) if cands else prev
        return [*kept, Note(last, plan.bar, p, 96)]
    if role in _INNER:  # the voice's own tone of the final chord, not a passing tone
        lo, hi = _inner_range(role)
        idx = _inner_index(role)
        p = chord.pitches[min(idx, len(chord.pitches) - 1)]
        third = dict(chord.functions).get(3)
        if role == "lower" and third is not None:
            p = p - (p - third) % 12
        while p < lo:
            p += 12
        while p > hi:
            p -= 12
        return [*kept, Note(last, plan.bar, p, 78)]
    at = [n for n in notes if n.start <= last < n.start + n.duration] or \
        [n for n in notes if n.start >= c0]
    if not at:
        return kept
    if role in ("bass", "walking", "boogie"):
        root = [n for n in notes if n.start == c0 and n.pitch % 12 == chord.root]
        low = min(root or at, key=lambda n: n.pitch).pitch
        low = low - (low - chord.root) % 12 if (low - chord.root) % 12 else low
        if low < min(n.pitch for n in notes):
            low += 12
        return [*kept, Note(last, plan.bar, low, 92)]
    pitches = sorted({n.pitch if n.pitch % 12 in tones else
                      min((q for q in range(n.pitch - 2, n.pitch + 3) if q % 12 in tones),
                          key=lambda q: abs(q - n.pitch), default=n.pitch) for n in at})
    return kept + [Note(last, plan.bar, p, 78) for p in pitches]


def _below(notes: list[Note], melody: list[Note], floor: int,
           plan: builders.Plan | None = None) -> list[Note]:
    """Move accompanying notes down by octaves (not below ``floor``) until they sit under every
    melody note sounding while they do; with ``plan`` (an inner voice, which cannot drop an
    octave without crossing the voice below) a note still too high takes the highest chord
    tone under the melody instead."""
    ordered = sorted(melody, key=lambda n: n.start)
    starts = [n.start for n in ordered]
    out = []
    for n in notes:
        i = bisect.bisect_right(starts, n.start + n.duration - 1)
        over = [m.pitch for m in ordered[max(0, i - 64):i]
                if m.start < n.start + n.duration and m.start + m.duration > n.start]
        p = n.pitch
        if over:
            ceiling = min(over)
            while p >= ceiling and p - 12 >= floor:
                p -= 12
            if p >= ceiling and plan is not None:
                tones = builders.chord_tones(plan.chord_at(n.start))
                under = [q for q in range(ceiling - 1, floor - 1, -1) if q % 12 in tones]
                p = under[0] if under else p
        out.append(n if p == n.pitch else Note(n.start, n.duration, p, n.velocity))
    return out


def _track_role(track: str) -> tuple[str, str, str]:
    return {"bass": ("Bass", "electric bass (finger)", "bass"),
            "drums": ("Drums", "drums", "drums"),
            "keys": ("Keys", "electric piano 1", "keys"),
            "pad": ("Pad", "pad 2 (warm)", "pad"),
            "arpeggio": ("Arpeggio", "vibraphone", "arpeggio"),
            "melody": ("Melody", "flute", "melody")}[track]


def _inner_range(role: str) -> tuple[int, int]:
    return (60, 81) if role == "upper" else (50, 72)


def _inner_index(role: str) -> int:
    return 3 if role == "upper" else 2


def _role_notes(role: str, instrument: str, plan: builders.Plan, acc: Rhythm, groove: Rhythm,
                style: str) -> list[Note]:
    acc_units = acc.durations
    if role == "bass":
        lo, hi = (36, 60) if instrument == "cello" else (28, 52)
        rhythm = (plan.chord_ticks // UNIT // 2,) * 2 if instrument == "cello" else acc_units
        return builders.bass_roots(plan, rhythm, (lo, hi))
    if role == "walking":
        return builders.walking_bass(plan, (28, 55))
    if role == "boogie":
        return boogie_bass(plan, (28, 52))
    if role == "drums":
        return builders.drums(plan, groove, "jazz" if style == "jazz" else "pop" if
                              style == "pop" else "shuffle" if style in ("blues", "shuffle")
                              else "straight")
    if role == "comp":
        return builders.chord_part(plan, acc.augment(2).durations, (52, 76), staccato=True)
    if role == "keys":
        return builders.chord_part(plan, acc_units, (52, 76), velocity=66)
    if role == "pad":
        return builders.chord_part(plan, (plan.chord_ticks // UNIT,), (52, 76), velocity=58)
    if role == "arpeggio":
        return builders.chord_part(plan, acc_units, (60, 84), distributed=True, velocity=64)
    if role == "left hand":
        bass = builders.bass_roots(plan, (plan.chord_ticks // UNIT,), (36, 52), velocity=74,
                                   fifths=False)
        return bass + builders.chord_part(plan, acc_units, (48, 67), distributed=True,
                                          velocity=60)
    if role in _INNER:
        dealt = distribute(acc, _INNER)[role].durations
        rhythm = dealt if any(d > 0 for d in dealt) else acc.durations
        return moving_voice(plan, _inner_index(role), rhythm, _inner_range(role),
                            function=3 if role == "lower" else None)
    raise AssertionError(f"unknown role {role}")


def _melody(plan: builders.Plan, sections: Sequence[Section], instrument: str, cx: float,
            rng: random.Random) -> list[Note]:
    lo, hi = MELODY_RANGE.get(instrument, (60, 84))
    sc = plan.scale
    axis = sc.nearest(60 + sc.tonic + 12 * round(((lo + hi) // 2 - 60 - sc.tonic) / 12))
    shape_a = rng.choice(SHAPES_A)
    shape_b = rng.choice(SHAPES_B)
    pc = 2 if cx > 0.7 else 1
    out: list[Note] = []
    t = 0
    for sec in sections:
        for bars in _phrases(sec.bars):
            shape = shape_b if sec.label.startswith("B") else shape_a
            if bars < 4:  # longer phrases stretch the four-term shapes over their bars
                shape = {1: "bT", 2: "aT + bT", 3: "aT + bT + cT"}[bars]
            # a retrograde is built forwards and then reversed, so it is built on the theme
            rhythm = sec.rhythm[::-1] if sec.retrograde else sec.rhythm
            for k in sorted({pc, 1}, reverse=True):
                terms = " + ".join(f"{k}{t_.strip()}" if k > 1 else t_.strip()
                                   for t_ in shape.split("+"))
                try:
                    out += builders.melody(plan, rhythm, terms, axis=axis, start=t, bars=bars,
                                           rng=(lo, hi), invert=sec.invert,
                                           retrograde=sec.retrograde, expansion=sec.expansion)
                    break
                except ParameterError:
                    # steep axes over a long phrase can climb out of MIDI before the line
                    # is fitted to its range: the phrase takes the plain axes instead
                    if k == 1:
                        raise
            t += bars * plan.bar
    return out


def _phrases(bars: int) -> list[int]:
    """A section's phrases: itself up to eight bars, else four-bar phrases (the last one
    taking what is left), so an axis never climbs over more than two bars a term (a 12-bar
    blues chorus is three four-bar phrases, as its verses are)."""
    if bars <= 8:
        return [bars]
    out = [4] * (bars // 4)
    out[-1] += bars % 4
    return out

"""The seed's composition pipeline: form, parts and ensemble put together into a Score.

>>> generate_composition("Etude", 100, "D minor", 8, "classical", 0.5, seed=1).parts[0].name
'Violin I'
"""

from __future__ import annotations

import bisect
import math
import random
from collections.abc import Sequence
from typing import Any

from ..errors import ParameterError
from ..harmony import (
    STYLES,
    ChordSpec,
    Progression,
    chords_from_symbols,
    diatonic_spec,
    generate_progression,
    voice,
)
from ..pitch import parse_key
from ..rhythm import Rhythm, distribute, fractioning, interference
from ..scales import key_scale
from ..score import Note, Part, Score, TempoChange, TimeSignature
from . import parts as builders
from .rules import cadence_approach

__all__ = [
    "ENSEMBLES",
    "MELODY_RANGE",
    "METERS",
    "PHRASE",
    "SHAPES_A",
    "SHAPES_B",
    "STYLE_ENSEMBLE",
    "STYLE_PAIRS",
    "TRACKS",
    "UNIT",
    "accompany",
    "compose",
    "generate_composition",
    "quick_compose",
    "theme_rhythm",
]


ENSEMBLES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "piano": (("Piano RH", "piano", "melody"), ("Piano LH", "piano", "left hand")),
    "string quartet": (("Violin I", "violin", "melody"), ("Violin II", "violin", "upper"),
                       ("Viola", "viola", "lower"), ("Cello", "cello", "bass")),
    "jazz combo": (("Tenor Sax", "tenor sax", "melody"), ("Piano", "piano", "comp"),
                   ("Bass", "acoustic bass", "walking"), ("Drums", "drums", "drums")),
    "band": (("Lead", "lead 1 (square)", "melody"), ("Keys", "electric piano 1", "keys"),
             ("Bass", "electric bass (finger)", "bass"), ("Drums", "drums", "drums")),
}
MELODY_RANGE = {"piano": (62, 86), "violin": (64, 88), "tenor sax": (56, 75),
                "lead 1 (square)": (62, 84), "flute": (64, 91), "vibraphone": (60, 84)}
STYLE_ENSEMBLE = {"classical": "string quartet", "jazz": "jazz combo", "pop": "band",
                  "modal": "piano", "symmetric": "piano"}
STYLE_PAIRS = {"classical": ((3, 2), (4, 3), (5, 3)), "jazz": ((3, 2), (5, 3), (7, 4)),
               "pop": ((3, 2), (4, 3), (5, 4)), "modal": ((5, 2), (5, 4), (7, 3)),
               "symmetric": ((5, 4), (7, 4), (8, 5))}
TRACKS = ("bass", "drums", "keys", "pad", "arpeggio", "melody")
# Axis shapes for the phrases (T = one bar), ending on or near the primary axis.
SHAPES_A = ("0T + aT + bT + cT", "a2T + b2T", "aT + bT + dT + cT", "cT + aT + bT + 0T")
SHAPES_B = ("dT + cT + aT + bT", "a2T + bT + cT", "cT + a2T + bT")
PHRASE = 4
UNIT = 240  # an eighth note
# The meters offered, each as its beats in eighths (compound meters beat in dotted quarters,
# 7/8 as 2+2+3).
METERS: dict[str, tuple[int, ...]] = {
    "2/4": (2, 2), "3/4": (2, 2, 2), "4/4": (2, 2, 2, 2), "5/4": (2, 2, 2, 2, 2),
    "6/8": (3, 3), "7/8": (2, 2, 3), "9/8": (3, 3, 3), "12/8": (3, 3, 3, 3),
    "2/2": (4, 4), "3/8": (3,),
}
# Lowest pitch an accompanying role may be moved down to, to keep the melody on top.
ROLE_FLOOR = {"upper": 55, "lower": 48, "comp": 43, "keys": 43, "pad": 43, "arpeggio": 48,
              "left hand": 36}


# ----- validation ---------------------------------------------------------------------------
def _number(name: str, value: object, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not (
            low <= value <= high):
        raise ParameterError(f"{name} must be a number in {low:g}..{high:g}, got {value!r}")
    return float(value)


def _count(name: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ParameterError(f"{name} must be an int in {low}..{high}, got {value!r}")
    return value


def _key(key: str) -> str:
    if not isinstance(key, str):
        raise ParameterError(f"key must be a name like 'C major' or 'A minor', got {key!r}")
    try:
        parse_key(key)
        key_scale(key)
    except ValueError as exc:
        raise ParameterError(f"key: {exc}") from None
    return key.strip() if len(key.split()) > 1 or key.strip().endswith("m") else f"{key} major"


def _choice(name: str, value: object, allowed: Sequence[str]) -> str:
    if not isinstance(value, str) or value.strip().lower() not in allowed:
        raise ParameterError(f"{name} must be one of {', '.join(allowed)}, got {value!r}")
    return value.strip().lower()


def _meter(meter: object) -> tuple[int, int, tuple[int, ...]]:
    """``"6/8"`` or ``(6, 8)`` -> (numerator, denominator, beats in eighths)."""
    text = f"{meter[0]}/{meter[1]}" if isinstance(meter, tuple) and len(meter) == 2 else meter
    if not isinstance(text, str) or text.replace(" ", "") not in METERS:
        raise ParameterError(f"meter must be one of {', '.join(METERS)}, got {meter!r}")
    text = text.replace(" ", "")
    num, den = (int(x) for x in text.split("/"))
    return num, den, METERS[text]


def _seed(seed: object) -> int:
    if seed is None:
        return random.randrange(2**31)
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ParameterError(f"seed must be an int or None, got {seed!r}")
    return seed


def theme_rhythm(theme: Any) -> tuple[Rhythm, tuple[int, int] | None]:
    """A theme as (rhythm, generator pair or None).

    A :class:`~schillinger_kernel.rhythm.Rhythm` or a list of three or more durations is a
    rhythm; two ints ``(a, b)`` or text ``"3:2"`` / ``"3÷2"`` are generators (their
    interference is the rhythm).

    >>> theme_rhythm((3, 2))
    (Rhythm((2, 1, 1, 2)), (3, 2))
    >>> theme_rhythm([2, 1, 1])[0].durations
    (2, 1, 1)
    """
    if isinstance(theme, Rhythm):
        gens = theme.generators
        return theme, (gens[0], gens[1]) if len(gens) == 2 else None
    if isinstance(theme, str):
        for sep in (":", "÷", "/", "x"):
            if sep in theme:
                a, b = (x.strip() for x in theme.split(sep, 1))
                if a.isdigit() and b.isdigit():
                    return theme_rhythm((int(a), int(b)))
        raise ParameterError(f"themes: cannot read {theme!r}; write generators as '3:2'")
    if isinstance(theme, Sequence) and theme and all(
            isinstance(d, int) and not isinstance(d, bool) for d in theme):
        if len(theme) == 2 and theme[0] != theme[1] and min(theme) >= 1:
            a, b = max(theme), min(theme)
            if a > 64:
                raise ParameterError(f"themes: generators must be at most 64, got {theme!r}")
            return interference(a, b), (a, b)
        if any(d == 0 for d in theme) or all(d < 0 for d in theme) or sum(map(abs, theme)) > 512:
            raise ParameterError(f"themes: a rhythm needs non-zero durations with at least one "
                             f"note, at most 512 units, got {theme!r}")
        return Rhythm(tuple(theme)), None
    raise ParameterError(f"themes: each theme must be a rhythm (durations) or a generator pair "
                     f"like (3, 2), got {theme!r}")


# ----- the core -----------------------------------------------------------------------------
def _specs(p: Progression) -> list[ChordSpec]:
    return [ChordSpec(c.root, dict(c.functions), c.structure, c.degree) for c in p]


def _form(bars: int) -> list[tuple[str, int]]:
    """Phrase labels and lengths: A A' B A B' A ... ending on A."""
    if bars <= PHRASE:
        return [("A", bars)]
    n = math.ceil(bars / PHRASE)
    labels = {1: ["A"], 2: ["A", "A'"], 3: ["A", "B", "A"], 4: ["A", "A'", "B", "A"]}.get(n)
    if labels is None:
        labels = ["A", "A'", "B", "A"]
        extra = ["B'", "A", "B", "A'"]
        while len(labels) < n:
            labels.append(extra[(len(labels) - 4) % len(extra)])
        labels[-1] = "A"
    lengths = [PHRASE] * n
    lengths[-1] = bars - PHRASE * (n - 1)
    return list(zip(labels, lengths, strict=True))


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
            title: str = "Untitled", form: Sequence[tuple[str, int]] | None = None,
            meter: str | tuple[int, int] | None = None, cadence: bool = False) -> Score:
    """Arrange ``progression`` (one chord per ``bars_per_chord`` bars) for an ensemble.

    ``themes[0]`` drives the melody (and the B phrases through its fractioning); ``themes[1]``
    (default: the first) drives the accompaniment and the drum groove, running on through the
    chord changes until its period closes. Give either an ``ensemble`` (see
    :data:`ENSEMBLES`) or ``tracks`` (see :data:`TRACKS`). ``meter`` (one of :data:`METERS`,
    e.g. ``"6/8"``; it overrides ``time_signature``) sets the bar and its beats. With
    ``cadence`` every part attacks the last chord on the last downbeat and holds it, the
    melody on a chord tone (the tonic where it can). The melody stays the highest voice:
    accompanying notes that would reach it move down an octave.
    """
    seed = _seed(seed)
    rng = random.Random(seed)
    style = _choice("style", style, STYLES)
    cx = _number("complexity", complexity, 0.0, 1.0)
    bpm = _number("tempo", tempo, 20.0, 400.0)
    bpc = _count("bars_per_chord", bars_per_chord, 1, 16)
    if isinstance(progression, Progression):
        prog = progression
        k = _key(key or prog.key)
    else:
        k = _key(key or "C major")
        prog = chords_from_symbols(list(progression), k)
    if not isinstance(themes, Sequence) or isinstance(themes, str) or not themes:
        raise ParameterError(f"themes must be a non-empty list of rhythms or generator pairs, "
                         f"got {themes!r}")
    parsed = [theme_rhythm(t) for t in themes]
    if meter is not None:
        num, den, beats = _meter(meter)
    else:
        num, den = time_signature
        beats = METERS.get(f"{num}/{den}", ())
    ts = TimeSignature(0, num, den)
    bars = len(prog) * bpc
    plan = builders.Plan(prog, key_scale(k), ts.bar_ticks, UNIT, ts.bar_ticks * bpc, bars,
                         tuple(b * UNIT for b in beats))
    if tracks is None:
        ens = _choice("ensemble", ensemble or STYLE_ENSEMBLE[style], tuple(ENSEMBLES))
        roles = ENSEMBLES[ens]
    else:
        if ensemble is not None:
            raise ParameterError("give ensemble or tracks, not both")
        roles = tuple(_track_role(_choice("tracks", t, TRACKS)) for t in tracks)
        if not roles:
            raise ParameterError("tracks must name at least one of " + ", ".join(TRACKS))
    phrases = list(form) if form is not None else _form(bars)
    mel, pair = parsed[0]
    acc, acc_pair = parsed[1] if len(parsed) > 1 else parsed[0]
    groove = interference(*acc_pair) if acc_pair else acc
    built = []
    for _name, instrument, role in roles:
        notes = _role_notes(role, instrument, plan, phrases, mel, pair, acc, groove, style, cx,
                            rng)
        if cadence:
            notes = _close(role, notes, plan, instrument)
        built.append(notes)
    top = [n for (_n, _i, role), notes in zip(roles, built, strict=True) if role == "melody"
           for n in notes]
    if top:
        built = [_below(notes, top, ROLE_FLOOR[role]) if role in ROLE_FLOOR else notes
                 for (_n, _i, role), notes in zip(roles, built, strict=True)]
    parts = []
    channel = 0
    for (name, instrument, _role), notes in zip(roles, built, strict=True):
        parts.append(_part(name, instrument, notes, channel))
        if instrument != "drums":
            channel += 1 if channel != 8 else 2
    return Score(parts=tuple(parts), tempos=(TempoChange(0, bpm),),
                 time_signatures=(ts,), key=k, title=title)


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
    tones = {pc for _f, pc in chord.functions}
    if role == "melody":
        lo, hi = MELODY_RANGE.get(instrument, (60, 84))
        prev = kept[-1].pitch if kept else (lo + hi) // 2
        cands = [p for p in range(lo, hi + 1) if p % 12 == plan.scale.tonic]
        cands = cands or [p for p in range(lo, hi + 1) if p % 12 in tones]
        p = min(cands, key=lambda q: (abs(q - prev), -q)) if cands else prev
        return [*kept, Note(last, plan.bar, p, 96)]
    at = [n for n in notes if n.start <= last < n.start + n.duration] or \
        [n for n in notes if n.start >= c0]
    if not at:
        return kept
    if role in ("bass", "walking"):
        root = [n for n in notes if n.start == c0 and n.pitch % 12 == chord.root]
        low = min(root or at, key=lambda n: n.pitch).pitch
        low = low - (low - chord.root) % 12 if (low - chord.root) % 12 else low
        if low < min(n.pitch for n in notes):
            low += 12
        return [*kept, Note(last, plan.bar, low, 92)]
    pitches = sorted({n.pitch for n in at})
    return kept + [Note(last, plan.bar, p, 78) for p in pitches]


def _below(notes: list[Note], melody: list[Note], floor: int) -> list[Note]:
    """Move accompanying notes down by octaves (not below ``floor``) until they sit under every
    melody note sounding while they do."""
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
        out.append(n if p == n.pitch else Note(n.start, n.duration, p, n.velocity))
    return out


def _track_role(track: str) -> tuple[str, str, str]:
    return {"bass": ("Bass", "electric bass (finger)", "bass"),
            "drums": ("Drums", "drums", "drums"),
            "keys": ("Keys", "electric piano 1", "keys"),
            "pad": ("Pad", "pad 2 (warm)", "pad"),
            "arpeggio": ("Arpeggio", "vibraphone", "arpeggio"),
            "melody": ("Melody", "flute", "melody")}[track]


def _role_notes(role: str, instrument: str, plan: builders.Plan, phrases: list[tuple[str, int]],
                mel: Rhythm, pair: tuple[int, int] | None, acc: Rhythm, groove: Rhythm,
                style: str, cx: float, rng: random.Random) -> list[Note]:
    acc_units = acc.durations
    if role == "melody":
        return _melody(plan, phrases, mel, pair, instrument, cx, rng)
    if role == "bass":
        lo, hi = (36, 60) if instrument == "cello" else (28, 52)
        rhythm = (plan.chord_ticks // UNIT // 2,) * 2 if instrument == "cello" else acc_units
        return builders.bass_roots(plan, rhythm, (lo, hi))
    if role == "walking":
        return builders.walking_bass(plan, (28, 55))
    if role == "drums":
        return builders.drums(plan, groove, "jazz" if style == "jazz" else
                             "pop" if style == "pop" else "straight")
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
    if role in ("upper", "lower"):
        dealt = _inner_rhythm(acc, role)
        idx = 3 if role == "upper" else 2
        rng_ = (60, 81) if role == "upper" else (50, 72)
        return builders.voice_line(plan, idx, dealt, rng_)
    raise AssertionError(f"unknown role {role}")


def _inner_rhythm(acc: Rhythm, role: str) -> tuple[int, ...]:
    dealt = distribute(acc, ("upper", "lower"))[role].durations
    return dealt if any(d > 0 for d in dealt) else acc.durations


def _melody(plan: builders.Plan, phrases: list[tuple[str, int]], mel: Rhythm,
            pair: tuple[int, int] | None, instrument: str, cx: float,
            rng: random.Random) -> list[Note]:
    lo, hi = MELODY_RANGE.get(instrument, (60, 84))
    sc = plan.scale
    axis = sc.nearest(60 + sc.tonic + 12 * round(((lo + hi) // 2 - 60 - sc.tonic) / 12))
    shape_a = rng.choice(SHAPES_A)
    shape_b = rng.choice(SHAPES_B)
    pc = 2 if cx > 0.7 else 1
    b_rhythm = fractioning(*pair).durations if pair and pair[0] > pair[1] else \
        mel.retrograde().durations
    out: list[Note] = []
    t = 0
    for label, bars in phrases:
        is_b = label.startswith("B")
        shape = shape_b if is_b else shape_a
        if bars != PHRASE:
            shape = "a" + f"{bars}T" if bars > 1 else "bT"
            shape = {1: "bT", 2: "aT + bT", 3: "aT + bT + cT"}.get(bars, shape)
        terms = " + ".join(f"{pc}{t_.strip()}" if pc > 1 else t_.strip()
                           for t_ in shape.split("+"))
        out += builders.melody(plan, b_rhythm if is_b else mel.durations, terms, axis=axis,
                              start=t, bars=bars, rng=(lo, hi), invert=label.endswith("'"))
        t += bars * plan.bar
    return out


# ----- the seed's API -----------------------------------------------------------------------
def generate_composition(name: str = "Untitled", tempo: float = 120.0, key: str = "C major",
                         duration: int = 16, style: str = "classical", complexity: float = 0.5,
                         seed: int | None = None, ensemble: str | None = None, *,
                         meter: str | tuple[int, int] = "4/4") -> Score:
    """A complete piece: ``duration`` bars in ``key`` for the style's ensemble.

    Parameters
    ----------
    name : the title.
    tempo : quarter notes per minute (20..400).
    key : ``"C major"``, ``"F# minor"``, ``"D dorian"`` ...
    duration : length in bars (1..512).
    style : classical, jazz, pop, modal or symmetric.
    complexity : 0..1 (harmonic richness, larger generators, steeper melodic axes).
    seed : an int for a reproducible piece.
    ensemble : override the style's ensemble (piano, string quartet, jazz combo, band).
    meter : one of :data:`METERS` (``"4/4"``, ``"3/4"``, ``"6/8"``, ``"7/8"`` ...).

    The piece ends on the style's cadence (see :func:`quick_compose`).
    """
    if not isinstance(name, str):
        raise ParameterError(f"name must be a str, got {name!r}")
    k = _key(key)
    bars = _count("duration", duration, 1, 512)
    style = _choice("style", style, STYLES)
    cx = _number("complexity", complexity, 0.0, 1.0)
    s = _seed(seed)
    rng = random.Random(s)
    pairs = STYLE_PAIRS[style]
    pair = pairs[min(int(cx * len(pairs)), len(pairs) - 1)] if rng.random() < 0.6 else \
        rng.choice(pairs)
    acc_pair = rng.choice(STYLE_PAIRS[style])
    return quick_compose([pair, acc_pair], duration=bars, style=style, ensemble=ensemble,
                         key=k, tempo=tempo, complexity=cx, seed=s, title=name, meter=meter)


def quick_compose(themes: Sequence[Any], duration: int = 8, style: str = "classical",
                  ensemble: str | None = "piano", key: str = "C major", tempo: float = 120.0,
                  complexity: float = 0.5, seed: int | None = None,
                  title: str = "Quick composition", *,
                  meter: str | tuple[int, int] = "4/4") -> Score:
    """Themes (rhythms or generator pairs) -> a piece of ``duration`` bars for ``ensemble``.

    The piece ends on a cadence of its key and style: authentic (V7-I; ii7-V7-I in jazz) for
    classical and jazz, plagal (IV-I) for pop, the mode's characteristic degree to the tonic
    for modal (bVII-i in minor, IV-I in major and dorian, bII-i in phrygian ...), and a
    symmetric tonic a tritone away for symmetric; the final chord in root position, every part
    attacking it on the last downbeat and holding it. ``meter``: see :data:`METERS`.

    >>> s = quick_compose([(3, 2), (4, 3)], duration=4, ensemble="band", seed=5)
    >>> [p.name for p in s.parts]
    ['Lead', 'Keys', 'Bass', 'Drums']
    """
    k = _key(key)
    bars = _count("duration", duration, 1, 512)
    style = _choice("style", style, STYLES)
    cx = _number("complexity", complexity, 0.0, 1.0)
    s = _seed(seed)
    _meter(meter)
    if not isinstance(themes, Sequence) or isinstance(themes, str) or not themes:
        raise ParameterError(f"themes must be a non-empty list of rhythms or generator pairs, "
                         f"got {themes!r}")
    for t in themes:
        theme_rhythm(t)
    form = _form(bars)
    progs: dict[str, Progression] = {}
    specs: list[ChordSpec] = []
    for i, (label, n) in enumerate(form):
        base = label.rstrip("'")
        last = i == len(form) - 1
        if n != PHRASE or (last and base != "A"):
            p = generate_progression(k, n, cx, style, seed=s + 7 + i)
        else:
            if base not in progs:
                progs[base] = generate_progression(k, n, cx, style,
                                                   seed=s if base == "A" else s + 1)
            p = progs[base]
        specs += _specs(p)
    close = _cadence(k, style, cx)[-len(specs):]
    specs[-len(close):] = close
    prog = voice(specs, k, style=style)
    return compose(prog, themes, ensemble=ensemble, key=k, tempo=tempo, style=style,
                   complexity=cx, seed=s, title=title, form=form, meter=meter, cadence=True)


def _cadence(key: str, style: str, cx: float) -> list[ChordSpec]:
    """The closing chords of ``style`` in ``key`` (see :func:`quick_compose`)."""
    tonic = parse_key(key)[0]
    final = diatonic_spec(key, 1, "S7" if style == "jazz" else "S5")
    root = (tonic + cadence_approach(style, key)[0]) % 12
    if style in ("classical", "jazz"):  # the dominant seventh, leading tone raised in minor
        fs = {1: root, 3: (root + 4) % 12, 5: (root + 7) % 12}
        if style == "jazz" or cx >= 0.3:
            fs[7] = (root + 10) % 12
        dom = ChordSpec(root, fs, "S7" if 7 in fs else "S5", 5)
        return [diatonic_spec(key, 2, "S7"), dom, final] if style == "jazz" else [dom, final]
    sc = key_scale(key)
    degrees = [d + 1 for d, pc in enumerate(sc.pitch_classes) if pc == root]
    if degrees:
        return [diatonic_spec(key, degrees[0], "S5"), final]
    major = style == "symmetric" or root in {(tonic + 5) % 12, (tonic + 10) % 12}
    third = 4 if major else 3
    return [ChordSpec(root, {1: root, 3: (root + third) % 12, 5: (root + 7) % 12}, "S5"), final]


def accompany(chords: Sequence[str] = ("C", "Am", "F", "G"), bpm: float = 120.0,
              key: str = "C", tracks: Sequence[str] = ("bass", "drums", "keys"), *,
              bars_per_chord: int = 1, repeat: int = 1, style: str = "pop",
              generators: Sequence[int] = (3, 2), seed: int | None = None,
              meter: str | tuple[int, int] = "4/4") -> Score:
    """Backing tracks for chord symbols: bass on the roots, drums on a Book I groove, keys.

    ``tracks`` from :data:`TRACKS` (bass, drums, keys, pad, arpeggio, melody); the groove and
    accompaniment rhythms come from the interference of ``generators`` and run on through
    the chord changes until the resultant's period closes. ``meter``: see :data:`METERS`.
    """
    if isinstance(chords, str) or not isinstance(chords, Sequence) or not chords:
        raise ParameterError(f"chords must be a non-empty list of chord symbols, got {chords!r}")
    n = _count("repeat", repeat, 1, 64)
    if isinstance(tracks, str) or not isinstance(tracks, Sequence) or not tracks:
        raise ParameterError(f"tracks must be a non-empty list from {', '.join(TRACKS)}, "
                         f"got {tracks!r}")
    gens = tuple(generators)
    if len(gens) != 2:
        raise ParameterError(f"generators must be a pair like (3, 2), got {generators!r}")
    k = _key(key)
    prog = chords_from_symbols(list(chords) * n, k)
    style = _choice("style", style, STYLES)
    return compose(prog, [gens], tracks=tracks, key=k, tempo=bpm, style=style,
                   bars_per_chord=bars_per_chord, seed=seed, title="Accompaniment",
                   meter=meter)

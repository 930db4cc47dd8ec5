"""The seed's composition pipeline: form, parts and ensemble put together into a Score.

>>> generate_composition("Etude", 100, "D minor", 8, "classical", 0.5, seed=1).parts[0].name
'Violin I'
"""

from __future__ import annotations

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
    generate_progression,
    voice,
)
from ..pitch import parse_key
from ..rhythm import Rhythm, distribute, fractioning, interference
from ..scales import key_scale
from ..score import Note, Part, Score, TempoChange, TimeSignature
from . import parts as builders

__all__ = [
    "ENSEMBLES",
    "MELODY_RANGE",
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
MELODY_RANGE = {"piano": (62, 86), "violin": (64, 88), "tenor sax": (52, 74),
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
            title: str = "Untitled", form: Sequence[tuple[str, int]] | None = None) -> Score:
    """Arrange ``progression`` (one chord per ``bars_per_chord`` bars) for an ensemble.

    ``themes[0]`` drives the melody (and the B phrases through its fractioning); ``themes[1]``
    (default: the first) drives the accompaniment and the drum groove. Give either an
    ``ensemble`` (see :data:`ENSEMBLES`) or ``tracks`` (see :data:`TRACKS`).
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
    num, den = time_signature
    ts = TimeSignature(0, num, den)
    bars = len(prog) * bpc
    plan = builders.Plan(prog, key_scale(k), ts.bar_ticks, UNIT, ts.bar_ticks * bpc, bars)
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
    parts = []
    channel = 0
    for name, instrument, role in roles:
        notes = _role_notes(role, instrument, plan, phrases, mel, pair, acc, groove, style, cx,
                            rng)
        parts.append(_part(name, instrument, notes, channel))
        if instrument != "drums":
            channel += 1 if channel != 8 else 2
    return Score(parts=tuple(parts), tempos=(TempoChange(0, bpm),),
                 time_signatures=(ts,), key=k, title=title)


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
                         seed: int | None = None, ensemble: str | None = None) -> Score:
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
                         key=k, tempo=tempo, complexity=cx, seed=s, title=name)


def quick_compose(themes: Sequence[Any], duration: int = 8, style: str = "classical",
                  ensemble: str | None = "piano", key: str = "C major", tempo: float = 120.0,
                  complexity: float = 0.5, seed: int | None = None,
                  title: str = "Quick composition") -> Score:
    """Themes (rhythms or generator pairs) -> a piece of ``duration`` bars for ``ensemble``.

    >>> s = quick_compose([(3, 2), (4, 3)], duration=4, ensemble="band", seed=5)
    >>> [p.name for p in s.parts]
    ['Lead', 'Keys', 'Bass', 'Drums']
    """
    k = _key(key)
    bars = _count("duration", duration, 1, 512)
    style = _choice("style", style, STYLES)
    cx = _number("complexity", complexity, 0.0, 1.0)
    s = _seed(seed)
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
    prog = voice(specs, k, style=style)
    return compose(prog, themes, ensemble=ensemble, key=k, tempo=tempo, style=style,
                   complexity=cx, seed=s, title=title, form=form)


def accompany(chords: Sequence[str] = ("C", "Am", "F", "G"), bpm: float = 120.0,
              key: str = "C", tracks: Sequence[str] = ("bass", "drums", "keys"), *,
              bars_per_chord: int = 1, repeat: int = 1, style: str = "pop",
              generators: Sequence[int] = (3, 2), seed: int | None = None) -> Score:
    """Backing tracks for chord symbols: bass on the roots, drums on a Book I groove, keys.

    ``tracks`` from :data:`TRACKS` (bass, drums, keys, pad, arpeggio, melody); the groove and
    accompaniment rhythms come from the interference of ``generators``.
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
                   bars_per_chord=bars_per_chord, seed=seed, title="Accompaniment")

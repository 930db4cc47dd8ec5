"""The seed's composition API: :func:`generate_composition`, :func:`quick_compose` and
:func:`accompany`, each a form, a harmony and an ending handed to :func:`~.pipeline.compose`.

>>> generate_composition("Etude", 100, "D minor", 8, "classical", 0.5, seed=1).parts[0].name
'Violin I'
"""

from __future__ import annotations

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
from ..scales import key_scale
from ..score import Score
from .args import choice, count, key_name, meter_beats, number, seed_of, theme_rhythm
from .form import Section, plan_form
from .pipeline import TRACKS, compose
from .rules import cadence_approach

__all__ = ["STYLE_PAIRS", "accompany", "generate_composition", "quick_compose"]

STYLE_PAIRS = {"classical": ((3, 2), (4, 3), (5, 3)), "jazz": ((3, 2), (5, 3), (7, 4)),
               "pop": ((3, 2), (4, 3), (5, 4)), "modal": ((5, 2), (5, 4), (7, 3)),
               "symmetric": ((5, 4), (7, 4), (8, 5))}


def _specs(p: Progression) -> list[ChordSpec]:
    return [ChordSpec(c.root, dict(c.functions), c.structure, c.degree) for c in p]


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
    meter : one of :data:`~.args.METERS` (``"4/4"``, ``"3/4"``, ``"6/8"``, ``"7/8"`` ...).

    The themes are generator pairs of the style (:data:`STYLE_PAIRS`); the form, the
    cadence and the rest are those of :func:`quick_compose`.

    >>> s = generate_composition("Etude", 100, "G major", 16, "classical", seed=3)
    >>> [x["label"] for x in s.metadata["form"]]
    ['A', "A'", 'B', "B'", "A''"]
    """
    if not isinstance(name, str):
        raise ParameterError(f"name must be a str, got {name!r}")
    k = key_name(key)
    bars = count("duration", duration, 1, 512)
    style = choice("style", style, STYLES)
    cx = number("complexity", complexity, 0.0, 1.0)
    s = seed_of(seed)
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
    """Themes -> a piece of ``duration`` bars for ``ensemble``.

    A theme is a ``Rhythm``, the book's notation (``"r3÷2"``, ``"3:2"``, ``"2+1+1+2"``) or
    2 to 4 generators (``(3, 2)``), read as :func:`~.args.theme_rhythm` says. The piece is in
    sections (:func:`~.form.plan_form`: A, A', B, A'' ..., each varied by one of the book's
    techniques, their lengths from the coordination of the theme and the bar); sections of
    the same letter and length share their harmony. The plan is in
    ``score.metadata["form"]``.

    The piece ends on a cadence of its key and style: authentic (V7-I; ii7-V7-I in jazz) for
    classical and jazz, plagal (IV-I) for pop, the mode's characteristic degree to the tonic
    for modal (bVII-i in minor, IV-I in major and dorian, bII-i in phrygian ...), and a
    symmetric tonic a tritone away for symmetric; the final chord in root position, every part
    attacking it on the last downbeat and holding it. ``meter``: see :data:`~.args.METERS`.

    >>> s = quick_compose(["r3÷2", "4:3"], duration=4, ensemble="band", seed=5)
    >>> [p.name for p in s.parts]
    ['Lead', 'Keys', 'Bass', 'Drums']
    >>> quick_compose([(2, 1, 1, 2)])
    Traceback (most recent call last):
    ...
    schillinger_kernel.errors.ParameterError: themes: generators are different ints in 1..64, \
got (2, 1, 1, 2); a theme is one of: a Rhythm value such as Rhythm((2, 1, 1, 2)); durations \
as text '2+1+1+2' (a negative term is a rest: '2+-1+1'); generators as text 'r3÷2', '3÷2', \
'3:2' or 'r5÷3÷2'; generators as 2 to 4 ints, (3, 2) or [5, 3, 2]
    """
    k = key_name(key)
    bars = count("duration", duration, 1, 512)
    style = choice("style", style, STYLES)
    cx = number("complexity", complexity, 0.0, 1.0)
    s = seed_of(seed)
    _num, _den, beats = meter_beats(meter)
    if not isinstance(themes, Sequence) or isinstance(themes, str) or not themes:
        raise ParameterError(f"themes must be a non-empty list of themes (rhythms, notation "
                             f"like 'r3÷2' or '2+1+1+2', generator pairs), got {themes!r}")
    mel, pair = theme_rhythm(themes[0])
    for t in themes[1:]:
        theme_rhythm(t)
    form = plan_form(mel, pair, bars, sum(beats), seed=s)
    progs: dict[tuple[str, int], Progression] = {}
    specs: list[ChordSpec] = []
    for i, sec in enumerate(form):
        base = sec.label.rstrip("'")
        if (base, sec.bars) not in progs:
            progs[(base, sec.bars)] = generate_progression(
                k, sec.bars, cx, style, seed=s + (0 if base == "A" else 1) + 7 * i)
        specs += _specs(progs[(base, sec.bars)])
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

    ``tracks`` from :data:`~.pipeline.TRACKS` (bass, drums, keys, pad, arpeggio, melody);
    the groove and accompaniment rhythms come from the interference of ``generators`` and
    run on through the chord changes until the resultant's period closes. ``meter``: see
    :data:`~.args.METERS`.
    """
    if isinstance(chords, str) or not isinstance(chords, Sequence) or not chords:
        raise ParameterError(f"chords must be a non-empty list of chord symbols, got {chords!r}")
    n = count("repeat", repeat, 1, 64)
    if isinstance(tracks, str) or not isinstance(tracks, Sequence) or not tracks:
        raise ParameterError(f"tracks must be a non-empty list from {', '.join(TRACKS)}, "
                             f"got {tracks!r}")
    gens = tuple(generators)
    if len(gens) != 2:
        raise ParameterError(f"generators must be a pair like (3, 2), got {generators!r}")
    k = key_name(key)
    prog = chords_from_symbols(list(chords) * n, k)
    style = choice("style", style, STYLES)
    rhythm, _gens = theme_rhythm(gens)
    bars = len(prog) * count("bars_per_chord", bars_per_chord, 1, 16)
    # a backing track is one section: it keeps its level, only its phrase swells
    return compose(prog, [gens], tracks=tracks, key=k, tempo=bpm, style=style,
                   bars_per_chord=bars_per_chord, seed=seed, title="Accompaniment",
                   meter=meter, form=(Section("A", bars, "theme", rhythm.durations),))

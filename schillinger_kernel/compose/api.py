"""The seed's composition API: :func:`generate_composition`, :func:`quick_compose` and
:func:`accompany`, each a form, a harmony and an ending handed to :func:`~.pipeline.compose`.

>>> generate_composition("Etude", 100, "D minor", 8, "classical", 0.5, seed=1).parts[0].name
'Violin I'
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Sequence
from typing import Any

from ..errors import ParameterError
from ..harmony import chords_from_symbols, voice
from ..score import Score
from .args import choice, count, key_name, meter_beats, number, seed_of, theme_rhythm
from .blues import blues_form, blues_harmony
from .cadences import HARMONY_OF, section_harmony
from .form import Section, plan_form
from .pipeline import COMPOSE_STYLES, TRACKS, compose

__all__ = ["STYLE_PAIRS", "accompany", "generate_composition", "quick_compose"]

STYLE_PAIRS = {"classical": ((3, 2), (4, 3), (5, 3)), "jazz": ((3, 2), (5, 3), (7, 4)),
               "pop": ((3, 2), (4, 3), (5, 4)), "modal": ((5, 2), (5, 4), (7, 3)),
               "symmetric": ((5, 4), (7, 4), (8, 5)), "blues": ((3, 2), (4, 3), (3, 1)),
               "shuffle": ((3, 2), (4, 3), (5, 4))}


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
    duration : length in bars (1..512; a blues at least 12, in choruses of 12 bars).
    style : classical, jazz, pop, modal, symmetric, blues or shuffle
        (:data:`~.pipeline.COMPOSE_STYLES`).
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
    style = choice("style", style, COMPOSE_STYLES)
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
    the same letter and length share their harmony up to their cadences. A blues is in
    12-bar choruses (:mod:`.blues`), played with the shuffle feel; the shuffle style is
    the band's pop harmony with that feel. The plan is in ``score.metadata["form"]``.

    Every section ends on a cadence of its role (:mod:`.cadences`): a half cadence before a
    return of A, the style's full close elsewhere, named in the plan's ``"cadence"``. The
    piece ends on the full close of its key and style: authentic (V7-I; ii7-V7-I in jazz,
    IV7-V7-I7 in blues) for classical, jazz and blues, plagal (IV-I) for pop and shuffle, the
    mode's characteristic degree to the tonic for modal (bVII-i in minor, IV-I in major and
    dorian, bII-i in phrygian ...), and a symmetric tonic a tritone away for symmetric; the
    final chord in root position, every part attacking it on the last downbeat and holding
    it. No chord repeats the one a bar before it, except where the blues form holds it (plain
    blues, complexity under 0.3). ``meter``: see :data:`~.args.METERS`.

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
    style = choice("style", style, COMPOSE_STYLES)
    cx = number("complexity", complexity, 0.0, 1.0)
    s = seed_of(seed)
    _num, _den, beats = meter_beats(meter)
    if not isinstance(themes, Sequence) or isinstance(themes, str) or not themes:
        raise ParameterError(f"themes must be a non-empty list of themes (rhythms, notation "
                             f"like 'r3÷2' or '2+1+1+2', generator pairs), got {themes!r}")
    mel, pair = theme_rhythm(themes[0])
    for t in themes[1:]:
        theme_rhythm(t)
    if style == "blues":
        form = blues_form(mel, bars, seed=s)
        specs, names = blues_harmony(k, cx, form)
    else:
        form = plan_form(mel, pair, bars, sum(beats), seed=s)
        specs, names = section_harmony(k, style, cx, form, s)
    form = tuple(dataclasses.replace(sec, cadence=n) for sec, n in zip(form, names, strict=True))
    prog = voice(specs, k, style=HARMONY_OF.get(style, style))
    return compose(prog, themes, ensemble=ensemble, key=k, tempo=tempo, style=style,
                   complexity=cx, seed=s, title=title, form=form, meter=meter, cadence=True)


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
    style = choice("style", style, COMPOSE_STYLES)
    rhythm, _gens = theme_rhythm(gens)
    bars = len(prog) * count("bars_per_chord", bars_per_chord, 1, 16)
    # a backing track is one section: it keeps its level, only its phrase swells
    return compose(prog, [gens], tracks=tracks, key=k, tempo=bpm, style=style,
                   bars_per_chord=bars_per_chord, seed=seed, title="Accompaniment",
                   meter=meter, form=(Section("A", bars, "theme", rhythm.durations),))

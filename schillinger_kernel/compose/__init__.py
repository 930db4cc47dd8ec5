"""Composition: Book I rhythms, Book IV melodies and Book V harmony correlated into a Score.

* :func:`compose` is the core: a progression (or chord symbols) plus one or two rhythmic
  themes, arranged for an ensemble.
* :data:`COMPOSE_STYLES`: the book's styles (classical, jazz, pop, modal, symmetric) and the
  12-bar ``"blues"`` and the ``"shuffle"`` (:mod:`.blues`), both with the shuffle feel.
* :func:`generate_composition` (the seed's API): name, tempo, key, duration in bars, style,
  complexity, seed -> a complete piece in sections (A A' B A'' ..., :mod:`.form`): the
  returns of A varied by the book's techniques (circular permutation of the theme's groups,
  retrograde, inversion, expansion of the melody), B on the theme's fractioning or square,
  the lengths from the coordination of theme and bar; the plan is in
  ``score.metadata["form"]``.
* :func:`quick_compose`: themes (``Rhythm`` values, the book's notation ``"r3÷2"``,
  ``"3:2"``, ``"2+1+1+2"``, or generators ``(3, 2)``; see :func:`theme_rhythm`) -> an
  arrangement for ``"piano"``, ``"string quartet"``, ``"jazz combo"`` or ``"band"``.
* :func:`accompany`: chord symbols -> bass, drums, keys (pad, arpeggio, melody) tracks.
* inner voices move by passing and neighbour tones (:mod:`.inner`); velocities follow the
  sections, phrase arches and the resultant's accents, jazz swings (:mod:`.dynamics`).
* every section ends on a cadence of its role, half or full close (:mod:`.cadences`), and
  no chord repeats the one a bar before it;
* :mod:`.rules`: the rules a piece keeps (final and section cadences, melody on top,
  walking-bass steps), measured on the Score.

Each takes a ``meter`` from :data:`METERS` (``"4/4"``, ``"3/4"``, ``"6/8"``, ``"7/8"`` ...);
generated pieces end on their style's cadence.

Every function is deterministic for a given ``seed`` and returns a
:class:`~schillinger_kernel.score.Score`. Voices stay in their instruments' ranges, chords are
voice-led, the bass plays the roots on the chord changes and the drums play a groove built
from a Book I resultant distributed over kick and snare.

>>> s = generate_composition("Etude", tempo=100, key="D minor", duration=8, style="classical",
...                          seed=1)
>>> [p.name for p in s.parts], s.end // s.bar_ticks
(['Violin I', 'Violin II', 'Viola', 'Cello'], 8)
>>> accompany(["C", "Am", "F", "G"], bpm=96, key="C", seed=2).parts[0].name
'Bass'
"""


from .api import STYLE_PAIRS, accompany, generate_composition, quick_compose
from .args import METERS, THEME_FORMS, theme_rhythm
from .form import Section, plan_form
from .parts import RANGES, Plan
from .pipeline import COMPOSE_STYLES, ENSEMBLES, MELODY_RANGE, STYLE_ENSEMBLE, TRACKS, compose

__all__ = [
    "COMPOSE_STYLES", "ENSEMBLES", "MELODY_RANGE", "METERS", "RANGES", "STYLE_ENSEMBLE",
    "STYLE_PAIRS", "THEME_FORMS", "TRACKS",
    "Plan", "Section",
    "accompany", "compose", "generate_composition", "plan_form", "quick_compose",
    "theme_rhythm",
]

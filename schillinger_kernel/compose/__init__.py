"""Composition: Book I rhythms, Book IV melodies and Book V harmony correlated into a Score.

* :func:`compose` is the core: a progression (or chord symbols) plus one or two rhythmic
  themes, arranged for an ensemble.
* :func:`generate_composition` (the seed's API): name, tempo, key, duration in bars, style,
  complexity, seed -> a complete piece in phrase form (A A' B A ...), where A' and B' are the
  Book III inversions of A and B, B runs on the fractioned theme, and all phrases share one
  voice-led harmony.
* :func:`quick_compose`: themes (Book I rhythms, or generator pairs such as ``(3, 2)``) ->
  an arrangement for ``"piano"``, ``"string quartet"``, ``"jazz combo"`` or ``"band"``.
* :func:`accompany`: chord symbols -> bass, drums, keys (pad, arpeggio, melody) tracks.
* :mod:`.rules`: the rules a piece keeps (final cadence, melody on top, walking-bass
  steps), measured on the Score.

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


from .parts import RANGES, Plan
from .pipeline import (
    ENSEMBLES,
    MELODY_RANGE,
    METERS,
    STYLE_ENSEMBLE,
    STYLE_PAIRS,
    TRACKS,
    accompany,
    compose,
    generate_composition,
    quick_compose,
    theme_rhythm,
)

__all__ = [
    "ENSEMBLES", "MELODY_RANGE", "METERS", "RANGES", "STYLE_ENSEMBLE", "STYLE_PAIRS", "TRACKS",
    "Plan",
    "accompany", "compose", "generate_composition", "quick_compose", "theme_rhythm",
]

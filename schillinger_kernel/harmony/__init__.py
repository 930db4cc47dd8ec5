"""Book V: the special theory of harmony: structures, cycles, voice leading, symmetry.

* Diatonic structures stack adjacent units of E1 (every other scale unit): S5 = 1,3,5;
  S7 = 1,3,5,7; S9; S11; S13 (all seven). :func:`structure` gives their pitches on any degree
  of any key; :func:`hybrid` the four-part hybrid (root in the bass, three upper functions).
* Cycles (:func:`cycle`): in the positive direction the root of each chord becomes the 3rd,
  5th or 7th of the next, so the root falls a third (C3), a fifth (C5) or a seventh (C7, a
  second up). Negative cycles run the other way. :func:`binomial` / :func:`trinomial` alternate
  two or three cycles.
* Voice leading (:func:`cycle_progression`, :func:`progression`) by the function maps of
  :mod:`.voice_leading`.
* Modulation through a pivot chord the two keys share (:func:`common_chords`,
  :func:`modulate`: old tonic, pivot, the new V7, new tonic).
* Symmetric harmony: S1 = 4+3, S2 = 3+4, S3 = 4+4, S4 = 3+3 (:func:`symmetric_structure`);
  Type III progressions on 2, 3, 4, 6 or 12 symmetric tonics (:func:`type_iii`) and their
  pitch material (:func:`type_iii_scale`); generalized symmetric progressions (Ch. 12) on
  n equal parts of several octaves (:func:`symmetric_progression`).
  ``structure(..., negative=True)`` builds downward (negative harmony: S5 from c is c a f).

>>> structure("C major", 2, "S7")
(62, 65, 69, 72)
>>> [NOTE_NAMES[r] for r in cycle("C major", "C3")]
['C', 'A', 'F', 'D', 'B', 'G', 'E']
>>> cycle_progression("C major", "C5", length=4).symbols
('Cmaj7', 'Fmaj7', 'Bm7b5', 'Em7')
>>> generate_progression("C major", length=4, style="classical", seed=1).romans[-2:]
('V7', 'I')

S(6) and S(4/6), their doublings and the passing S(4/6) are in :mod:`.sixths`
(:func:`sixth_structure`, :func:`sixth_chord`, :func:`passing_six_four`); the chromatic
system (chromatic groups, Ch. 13; the passing seventh, Ch. 15; automatic chromatic
continuity, Ch. 16; hybrid continuity, Ch. 17) in :mod:`.chromatic` (:func:`chromatic_group`,
:func:`passing_seventh`, :func:`chromatic_continuity`, :func:`hybrid_continuity`).

Book VI begins in :mod:`.correlation`: :func:`melodize` a progression, :func:`harmonize` a
melody (diatonic or symmetric).

The package holds one module a job, each importing only the ones below it: :mod:`.chords`
(chord symbols, roman numerals), :mod:`.voice_leading` (function maps), :mod:`.structures`,
:mod:`.cycles`, :mod:`.voicing` (Chord, Progression, voice), :mod:`.progressions`,
:mod:`.styles` (the seed's generator), :mod:`.modulation`, :mod:`.correlation` (Book VI) and
:mod:`.analysis` (music21's reading of a score).
"""

from __future__ import annotations

from ..pitch import NOTE_NAMES
from ..scales import as_scale
from .analysis import AnalyzedChord, HarmonyAnalysis, analyze_harmony
from .chords import chord_symbol, parse_chord_symbol, roman_numeral
from .chromatic import (
    CHROMATIC_QUALITIES,
    ChromaticMove,
    chord_name,
    chromatic_continuity,
    chromatic_group,
    hybrid_continuity,
    passing_seventh,
)
from .correlation import Correlation, harmonize, melodize
from .cycles import CYCLES, binomial, cycle, cycle_degrees, cycle_name, trinomial
from .modulation import common_chords, modulate
from .progressions import (
    chords_from_symbols,
    cycle_progression,
    progression,
    symmetric_progression,
    type_iii,
)
from .sixths import (
    SIXTH_STRUCTURES,
    passing_six_four,
    sixth_chord,
    sixth_functions,
    sixth_structure,
)
from .structures import (
    HYBRID_UPPER,
    STRUCTURES,
    SYMMETRIC_STRUCTURES,
    functions,
    hybrid,
    structure,
    symmetric_structure,
    type_iii_scale,
)
from .styles import STYLES, generate_progression
from .voice_leading import derived_map, function_map, step_move
from .voicing import Chord, ChordSpec, Progression, diatonic_spec, symbol_spec, voice

__all__ = [
    "CHROMATIC_QUALITIES",
    "CYCLES",
    "HYBRID_UPPER",
    "NOTE_NAMES",
    "SIXTH_STRUCTURES",
    "STRUCTURES",
    "STYLES",
    "SYMMETRIC_STRUCTURES",
    "AnalyzedChord",
    "Chord",
    "ChordSpec",
    "ChromaticMove",
    "Correlation",
    "HarmonyAnalysis",
    "Progression",
    "analyze_harmony",
    "as_scale",
    "binomial",
    "chord_name",
    "chord_symbol",
    "chords_from_symbols",
    "chromatic_continuity",
    "chromatic_group",
    "common_chords",
    "cycle",
    "cycle_degrees",
    "cycle_name",
    "cycle_progression",
    "derived_map",
    "diatonic_spec",
    "function_map",
    "functions",
    "generate_progression",
    "harmonize",
    "hybrid",
    "hybrid_continuity",
    "melodize",
    "modulate",
    "parse_chord_symbol",
    "passing_seventh",
    "passing_six_four",
    "progression",
    "roman_numeral",
    "sixth_chord",
    "sixth_functions",
    "sixth_structure",
    "step_move",
    "structure",
    "symbol_spec",
    "symmetric_progression",
    "symmetric_structure",
    "trinomial",
    "type_iii",
    "type_iii_scale",
    "voice",
]

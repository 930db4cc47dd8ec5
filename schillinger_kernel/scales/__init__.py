"""Book II: pitch scales, their expansions and symmetric systems.

A :class:`Scale` is an immutable, ascending tuple of pitches (semitones, the tonic's pitch
class first) that repeats every ``span`` semitones: ``12`` for one-octave scales, more for
tonal expansions and for symmetric systems of several octaves. Schillinger's four groups:

1. one-octave scales of 1 to 7 units (``scale("C major")``, :func:`from_intervals`);
2. their tonal expansions (:func:`tonal_expansion`, :meth:`Scale.expand`);
3. symmetric scales on 2, 3, 4, 6 or 12 equidistant tonics (:func:`symmetric_scale`);
4. symmetric systems spanning several octaves (:func:`symmetric_system`, and their tonics
   :func:`symmetric_tonics` with ``octaves``).

Interval interference slides along a scale (:func:`sliding_interference`,
:func:`chained_interference`, :mod:`.chains`), and :func:`scale_count` / :func:`scales_of`
count and list the scales of each number of units (:mod:`.counts`). Ch. 8's string of pearls
strings small scales on symmetric tonics (:func:`string_of_pearls`, :func:`pearl_forms`,
:mod:`.pearls`).

>>> s = scale("C major")
>>> s, s.intervals, s.group
(Scale((0, 2, 4, 5, 7, 9, 11)), (2, 2, 1, 2, 2, 2, 1), 1)
>>> tonal_expansion(s, 1)
(0, 4, 7, 11, 14, 17, 21)
>>> symmetric_scale(2, (2, 1, 2, 1))
Scale((0, 2, 3, 5, 6, 8, 9, 11))
>>> interval_interference(3, 2)
(2, 1, 2)
>>> symmetric_tonics(3, octaves=2), scale_count(7)
((0, 8, 16), 462)
>>> tuple(string_of_pearls(3, (2, 1), octaves=2))
(0, 2, 3, 8, 10, 11, 16, 18, 19)
"""

from .chains import chained_interference, interval_windows, sliding_interference
from .counts import scale_count, scales_of
from .pearls import pearl_forms, string_of_pearls
from .scale import (
    NAMED_SCALES,
    SYMMETRIC_DIVISIONS,
    Scale,
    as_scale,
    from_intervals,
    from_pitches,
    key_scale,
    scale,
    scale_names,
    tonal_expansion,
)
from .symmetric import (
    displacement,
    interval_interference,
    symmetric_scale,
    symmetric_system,
    symmetric_tonics,
)

__all__ = [
    "NAMED_SCALES", "SYMMETRIC_DIVISIONS", "Scale", "as_scale", "chained_interference",
    "displacement", "from_intervals", "from_pitches", "interval_interference",
    "interval_windows", "key_scale", "pearl_forms", "scale", "scale_count", "scale_names",
    "scales_of", "sliding_interference", "string_of_pearls", "symmetric_scale",
    "symmetric_system", "symmetric_tonics", "tonal_expansion",
]

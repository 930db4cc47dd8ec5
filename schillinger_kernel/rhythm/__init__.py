"""Book I: the theory of rhythm (SSMC Book I), as pure functions returning :class:`Rhythm`.

Durations are positive ints in a unit *t*; negative durations are rests. Interference
periods are the **product** of the generators, as in the book (``period="lcm"`` is an option).

The package holds one module a job, each importing only the ones below it:

- :mod:`.graph` the Schillinger graph (SVG and text) of any durations
- :mod:`.value` the :class:`Rhythm` value and its own operations (augment, retrograde, group)
- :mod:`.resultants` interference, fractioning, expansion, contraction, balance, countertheme
- :mod:`.coordination` distribution over places and coordination of attack groups
- :mod:`.permutations` general, circular and higher-order permutations
- :mod:`.powers` distributive powers, synchronization, series and acceleration
- :mod:`.patterns` the seed's pattern, polyrhythm and variation API
- :mod:`.identify` which Book I technique made a given rhythm
- :mod:`.techniques` the registry of techniques by name, shared by every door

>>> interference(3, 2)
Rhythm((2, 1, 1, 2))
>>> interference(3, 2).attacks, interference(3, 2).period, interference(3, 2).grid
((0, 2, 3, 4), 6, '101110')
>>> fractioning(3, 2)
Rhythm((2, 1, 1, 1, 1, 1, 2))
>>> power((2, 1), 2)
Rhythm((4, 2, 2, 1))
>>> general_permutations("abc")
('abc', 'acb', 'cab', 'bac', 'bca', 'cba')
"""

from __future__ import annotations

from .coordination import Coordination, coordinate, distribute, distribution_closure
from .identify import Identification, durations_of, identify
from .patterns import Polyrhythm, generate_pattern, generate_polyrhythm, generate_variations
from .permutations import (
    circular_permutations,
    general_permutations,
    higher_order,
    homogeneous_continuity,
    permutation_count,
    permutations,
)
from .powers import (
    SERIES_NAMES,
    CubedBinomial,
    accelerate,
    binomials,
    converse_sync,
    cube_binomials,
    evolve,
    family_sizes,
    power,
    quintinomials,
    rubato,
    series,
    synchronize,
    synchronize_power,
    trace_origin,
    trinomials,
)
from .resultants import (
    FractionedGrouping,
    balance,
    canonical_pairs,
    complementary_factors,
    contraction,
    countertheme,
    expansion,
    fractioning,
    fractioning_by_b,
    groupings,
    interference,
    summation_triples,
)
from .techniques import TECHNIQUES, technique
from .value import (
    MAX_GENERATOR,
    MAX_PERIOD,
    Rhythm,
    augment,
    diminish,
    from_attacks,
    group,
    invert,
    retrograde,
)

__all__ = [
    "MAX_GENERATOR", "MAX_PERIOD", "SERIES_NAMES", "TECHNIQUES", "Coordination",
    "CubedBinomial", "FractionedGrouping", "Identification", "Polyrhythm", "Rhythm",
    "accelerate", "augment", "balance", "binomials", "canonical_pairs", "circular_permutations",
    "complementary_factors", "contraction", "converse_sync", "coordinate", "countertheme",
    "cube_binomials", "diminish", "distribute", "distribution_closure", "durations_of",
    "evolve", "expansion",
    "family_sizes", "fractioning",
    "fractioning_by_b", "from_attacks", "general_permutations", "generate_pattern",
    "generate_polyrhythm", "generate_variations", "group", "groupings", "higher_order",
    "homogeneous_continuity", "identify", "interference", "invert", "permutation_count",
    "permutations",
    "power", "quintinomials", "retrograde", "rubato", "series", "summation_triples",
    "synchronize", "synchronize_power", "technique", "trace_origin", "trinomials",
]

"""Voice leading for Book V: Schillinger's function maps and a minimal-motion fallback.

A chord is given to the voice leader as a mapping ``{function: pitch class}`` (function 1 is
the root, 3 the third, ... 13). A voicing is a tuple of MIDI pitches in voice order (the
voices keep their identity from chord to chord; they are not re-sorted).

Along positive cycles with S7 each voice holding function ``f`` takes function ``map[f]`` of
the next chord, at the nearest pitch (SCHILLINGER.md, Book V):

* C3: 1->3, 3->5, 5->7, 7->1 (only the seventh moves, down a step)
* C5: 1<->5, 3<->7 (the fifth and seventh move)
* C7: 1->7, 7->5, 5->3, 3->1 (the third, fifth and seventh move)

S5: clockwise 1->3, 3->5, 5->1 (C3); counter-clockwise 1->5, 5->3, 3->1 (C5 and C7). Negative
cycles use the inverse maps. The book gives no maps for S9, S11 and S13; :func:`derived_map`
finds them by the rule that reproduces every map above (common tones stay, the other voices
take the nearest free function, no voice moves from 1 to 1 or 5 to 5), with no voice moving
more than a third where an assignment allows it. No map sends 1 to 1
or 5 to 5, so a voice led by a map never moves in parallel octaves or fifths with a bass on
the root. Every other motion (hybrid chords, chromatic or symmetric progressions) uses the
assignment with the least total motion, keeping common tones (:func:`ranked_moves` lists
the others, best first).

>>> function_map("C5", "S7")
{1: 5, 5: 1, 3: 7, 7: 3}
>>> c7 = {1: 0, 3: 4, 5: 7, 7: 11}          # C E G B
>>> am7 = {1: 9, 3: 0, 5: 4, 7: 7}          # A C E G
>>> lead([c7, am7], (60, 64, 67, 71), maps=[function_map("C3", "S7")])
((60, 64, 67, 71), (60, 64, 67, 69))
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Mapping, Sequence
from fractions import Fraction

from ..errors import ParameterError

__all__ = [
    "S5_CLOCKWISE",
    "S5_COUNTERCLOCKWISE",
    "FunctionMap",
    "best_move",
    "derived_map",
    "function_map",
    "lead",
    "map_move",
    "nearest_pitch",
    "parallels_with_bass",
    "ranked_moves",
    "step_move",
]


FunctionMap = dict[int, int]

# Units (0..6 above the root) of each function, and the cycles' root motion in units: the
# root falls 2 (C3), 4 (C5) or 6 (C7) units, so a tone u units above the old root is u + k
# units above the new one.
_UNIT = {1: 0, 9: 1, 3: 2, 11: 3, 5: 4, 13: 5, 7: 6}
_FUNCTION = {u: f for f, u in _UNIT.items()}
_FALL = {"C3": 2, "C5": 4, "C7": 6}
_STRUCTURE_FUNCTIONS = {"S5": (1, 3, 5), "S7": (1, 3, 5, 7), "S9": (1, 3, 5, 7, 9),
                        "S11": (1, 3, 5, 7, 9, 11), "S13": (1, 3, 5, 7, 9, 11, 13)}

_POSITIVE_MAPS: dict[tuple[str, str], FunctionMap] = {
    ("C3", "S7"): {1: 3, 3: 5, 5: 7, 7: 1},
    ("C5", "S7"): {1: 5, 5: 1, 3: 7, 7: 3},
    ("C7", "S7"): {1: 7, 7: 5, 5: 3, 3: 1},
    ("C3", "S5"): {1: 3, 3: 5, 5: 1},
    ("C5", "S5"): {1: 5, 5: 3, 3: 1},
    ("C7", "S5"): {1: 5, 5: 3, 3: 1},
}

S5_CLOCKWISE: FunctionMap = {1: 3, 3: 5, 5: 1}
S5_COUNTERCLOCKWISE: FunctionMap = {1: 5, 5: 3, 3: 1}


def derived_map(kind: str, structure: str = "S9") -> FunctionMap:
    """The positive function map of ``kind`` for ``structure`` by the book's own rule.

    Each voice's tone is read as a function of the next chord (the root falls 2, 4 or 6
    units along C3, C5, C7). A tone the next chord holds stays (a common tone); the others
    move to the functions left free, the assignment with the least motion in scale units,
    ties to the falling voices, and no moving voice keeps function 1 or 5 (that would move
    in octaves or fifths with the bass). For S5 and S7 this gives exactly the book's maps
    (:func:`function_map`); for S9, S11 and S13 it is the map the book's maps imply.
    *(convention)* the book gives no maps beyond S7. S13 holds all seven units, so every
    tone is a common tone.

    Two more rules keep the book's step-wise motion where S9 and S11 would break it
    *(convention)*, in this order: no voice moves more than a third (two scale units) when
    some assignment allows it, and the orbits of the map (the functions one voice walks
    through, chord after chord) drift by the same units per chord, so voices do not pull
    apart until they cross; only then do the fewest common tones give way. S9 on C3 would
    otherwise take the ninth to the next root, a fourth (D -> A under C -> A); here three
    voices fall a step (D -> C, C -> B, B -> A) and E and G stay. For S5 and S7 the book's
    maps already keep both rules.

    >>> derived_map("C3", "S9")
    {1: 9, 3: 5, 5: 7, 7: 1, 9: 3}
    >>> derived_map("C5", "S13") == {1: 5, 3: 7, 5: 9, 7: 11, 9: 13, 11: 1, 13: 3}
    True
    """
    if kind not in _FALL:
        raise ParameterError(f"kind must be C3, C5 or C7, got {kind!r}")
    if structure not in _STRUCTURE_FUNCTIONS:
        raise ParameterError(f"structure: {structure!r} has no function map; maps exist for "
                             f"{', '.join(_STRUCTURE_FUNCTIONS)}")
    return dict(_derived(kind, structure))


@functools.cache
def _derived(kind: str, structure: str) -> tuple[tuple[int, int], ...]:
    fs = _STRUCTURE_FUNCTIONS[structure]
    units = {_UNIT[f] for f in fs}
    lands = {f: (_UNIT[f] + _FALL[kind]) % 7 for f in fs}
    common = {f: _FUNCTION[u] for f, u in lands.items() if u in units}
    best: tuple[bool, Fraction, int, int, int, tuple[int, ...]] | None = None
    for targets in itertools.permutations(fs):
        if any(f == t and f in (1, 5) for f, t in zip(fs, targets, strict=True)):
            continue
        motion = {f: (_UNIT[t] - lands[f] + 3) % 7 - 3 for f, t in zip(fs, targets, strict=True)}
        released = sum(f in common and common[f] != t for f, t in zip(fs, targets, strict=True))
        drifts = _orbit_drifts(dict(zip(fs, targets, strict=True)), motion)
        key = (max(abs(m) for m in motion.values()) > 2, max(drifts) - min(drifts), released,
               sum(abs(m) for m in motion.values()), sum(m > 0 for m in motion.values()),
               targets)
        if best is None or key < best:
            best = key
    assert best is not None  # a derangement of 1 and 5 always exists
    return tuple(zip(fs, best[-1], strict=True))


def _orbit_drifts(fmap: Mapping[int, int], motion: Mapping[int, int]) -> list[Fraction]:
    # A voice led by a map walks one orbit of it; orbits that drift at different rates
    # (scale units per chord) pull the voices apart until they cross.
    seen: set[int] = set()
    out = []
    for f in fmap:
        orbit = []
        while f not in seen:
            seen.add(f)
            orbit.append(f)
            f = fmap[f]
        if orbit:
            out.append(Fraction(sum(motion[g] for g in orbit), len(orbit)))
    return out


def function_map(kind: str, structure: str = "S7", direction: str = "positive") -> FunctionMap:
    """The function map of a cycle ``kind`` (C3, C5, C7) for ``structure`` (S5 .. S13).

    Negative cycles give the inverse map. S5 and S7 are the book's maps; S9, S11 and S13
    the maps its rule implies (:func:`derived_map`, a *convention*).

    S5 on C7 is our reading: the book names the two S5 transformations but pairs them only
    with C3 (clockwise) and C5 (counter-clockwise). On C7 the root rises a step, so the
    counter-clockwise transformation (1->5, 5->3, 3->1) takes every voice down a step or a
    third against the rising bass, the nearest motion without parallels; clockwise would
    move each voice a fourth, and the minimal motion (1->1, 3->3, 5->5) moves every voice
    with the bass in octaves and fifths.

    >>> function_map("C3", "S7", "negative")
    {3: 1, 5: 3, 7: 5, 1: 7}
    >>> function_map("C7", "S5")
    {1: 5, 5: 3, 3: 1}
    """
    if kind not in ("C3", "C5", "C7"):
        raise ParameterError(f"kind must be C3, C5 or C7, got {kind!r}")
    if direction not in ("positive", "negative"):
        raise ParameterError(f"direction must be 'positive' or 'negative', got {direction!r}")
    m = _POSITIVE_MAPS.get((kind, structure))
    if m is None:
        m = derived_map(kind, structure)
    if direction == "positive":
        return dict(m)
    return {v: k for k, v in m.items()}


def nearest_pitch(pitch: int, pc: int) -> int:
    """The pitch of class ``pc`` nearest to ``pitch`` (the lower one at a tritone).

    >>> nearest_pitch(71, 9), nearest_pitch(60, 6)
    (69, 54)
    """
    up = pitch + (pc - pitch) % 12
    down = up - 12
    return down if pitch - down <= up - pitch else up


def _functions_of(voicing: Sequence[int], chord: Mapping[int, int]) -> list[int]:
    by_pc: dict[int, int] = {}
    for f in sorted(chord):
        by_pc.setdefault(chord[f] % 12, f)
    out = []
    for p in voicing:
        if p % 12 not in by_pc:
            raise ParameterError(f"start: pitch {p} is not a tone of the first chord "
                             f"{sorted(chord.values())}")
        out.append(by_pc[p % 12])
    return out


def _candidates(n: int, functions: Sequence[int], required: Sequence[int]
                ) -> list[tuple[int, ...]]:
    fs = list(functions)
    if n == len(fs):
        return list(itertools.permutations(fs))
    if n < len(fs):
        req = [f for f in required if f in fs][:n]
        return [c for c in itertools.permutations(fs, n) if all(r in c for r in req)]
    return [c for c in itertools.product(fs, repeat=n) if set(c) == set(fs)]


def ranked_moves(voicing: Sequence[int], chord: Mapping[int, int],
                 required: Sequence[int] = (3, 7)) -> tuple[tuple[int, ...], ...]:
    """Every next voicing for ``chord`` from ``voicing``, best first (see :func:`best_move`).

    The order is: fewest crossed voices, least stretch past the spread, least total motion,
    most common tones, the lower voicing. A caller with more rules (a bass to keep clear of
    parallels, a register) takes the first that fits them.

    >>> ranked_moves((60, 64, 67), {1: 2, 3: 5, 5: 9})[:2]   # C E G -> D F A
    ((62, 65, 69), (57, 62, 65))
    """
    if not voicing:
        raise ParameterError("voicing must not be empty")
    if not chord:
        raise ParameterError("chord must have at least one tone")
    order = sorted(range(len(voicing)), key=lambda i: (voicing[i], i))
    limit = max(12 if len(voicing) <= 4 else 24, max(voicing) - min(voicing))
    keyed: dict[tuple[int, ...], tuple[int, int, int, int, tuple[int, ...]]] = {}
    for cand in _candidates(len(voicing), sorted(chord), required):
        new = tuple(nearest_pitch(p, chord[f]) for p, f in zip(voicing, cand, strict=True))
        if new in keyed:
            continue
        motion = sum(abs(a - b) for a, b in zip(voicing, new, strict=True))
        common = sum(a == b for a, b in zip(voicing, new, strict=True))
        crossed = sum(1 for i, j in itertools.pairwise(order) if new[i] > new[j])
        spread = max(0, max(new) - min(new) - limit)
        keyed[new] = (crossed, spread, motion, -common, new)
    return tuple(sorted(keyed, key=keyed.__getitem__))


def best_move(voicing: Sequence[int], chord: Mapping[int, int],
              required: Sequence[int] = (3, 7)) -> tuple[int, ...]:
    """Next voicing for ``chord`` with the least total motion from ``voicing``.

    Voices keep their order (no crossing) and their spread (an octave for up to four voices)
    when possible; ties prefer more common tones, then the lower voicing. With fewer voices
    than tones the ``required`` functions stay.

    >>> best_move((64, 67, 71), {1: 5, 3: 9, 5: 0, 7: 4})   # E G B -> F A C E
    (64, 69, 72)
    """
    return ranked_moves(voicing, chord, required)[0]


def map_move(voicing: Sequence[int], chord: Mapping[int, int], nxt: Mapping[int, int],
             fmap: FunctionMap) -> tuple[int, ...] | None:
    """The voicing of ``nxt`` that the function map ``fmap`` leads ``voicing`` (a voicing of
    ``chord``) to, each voice at the nearest pitch; None where a voice's function has no
    image in ``nxt``.

    >>> map_move((60, 64, 67), {1: 0, 3: 4, 5: 7}, {1: 2, 3: 5, 5: 9}, function_map("C7", "S5"))
    (57, 62, 65)
    """
    funcs = _functions_of(voicing, chord)
    if not all(f in fmap and fmap[f] in nxt for f in funcs):
        return None
    return tuple(nearest_pitch(p, nxt[fmap[f]]) for p, f in zip(voicing, funcs, strict=True))


def parallels_with_bass(before: Sequence[int], after: Sequence[int],
                        bass: tuple[int, int]) -> tuple[int, ...]:
    """Indices of the voices that move from an octave (or unison) or a perfect fifth above
    the bass into the same interval, in the same direction as the bass.

    ``bass`` is the bass's pitch before and after; intervals are counted modulo the octave,
    so compound fifths and octaves count too. Contrary or oblique motion is not a parallel.

    >>> parallels_with_bass((60, 64, 67), (62, 65, 69), (48, 50))   # C E G -> D F A over C -> D
    (0, 2)
    >>> parallels_with_bass((60, 64, 67), (57, 62, 65), (48, 50))
    ()
    """
    b0, b1 = bass
    return tuple(i for i, (a, b) in enumerate(zip(before, after, strict=True))
                 if (a - b0) % 12 in (0, 7) and (b - b1) % 12 == (a - b0) % 12
                 and (b - a) * (b1 - b0) > 0)


def step_move(prev: Sequence[int], chord: Mapping[int, int], bass: tuple[int, int],
              required: Sequence[int] = (), fixed: Mapping[int, int] | None = None
              ) -> tuple[int, ...]:
    """The nearest next upper voicing of ``chord`` where every voice holds or moves by step.

    A step is at most two semitones. The ``required`` functions sound, no voice crosses or
    meets another or reaches the bass, and none moves in parallel octaves or fifths with it
    (``bass`` is the bass's pitch before and after). ``fixed`` maps voice indices to the
    pitch they must take (a seventh resolving down, say). Ties prefer more held tones,
    then the lower voicing.

    >>> step_move((55, 64, 72), {1: 2, 4: 7, 6: 11}, (48, 50), (1, 4, 6))   # d g b over d
    (55, 62, 71)
    >>> step_move((55, 64, 70), {1: 5, 3: 9, 5: 0}, (48, 41), (1, 3), fixed={2: 69})
    (53, 65, 69)
    """
    pcs = {pc % 12: f for f, pc in chord.items()}
    pins = dict(fixed or {})
    near = [[pins[i]] if i in pins else [q for q in range(p - 2, p + 3) if q % 12 in pcs]
            for i, p in enumerate(prev)]
    best: tuple[int, int, tuple[int, ...]] | None = None
    for move in itertools.product(*near):
        if (any(b <= a for a, b in itertools.pairwise(move)) or min(move) <= bass[1]
                or not set(required) <= {pcs.get(q % 12) for q in move}
                or parallels_with_bass(prev, move, bass)):
            continue
        key = (sum(abs(a - b) for a, b in zip(prev, move, strict=True)),
               -sum(a == b for a, b in zip(prev, move, strict=True)), move)
        if best is None or key < best:
            best = key
    if best is None:
        raise ParameterError(f"voice leading: no move by step from {tuple(prev)} keeps the "
                             f"rules (no crossing, above the bass, no parallel octaves or "
                             f"fifths); try another octave", field="octave")
    return best[2]


def lead(chords: Sequence[Mapping[int, int]], start: Sequence[int],
         maps: Sequence[FunctionMap | None] | None = None,
         required: Sequence[int] = (3, 7)) -> tuple[tuple[int, ...], ...]:
    """Voice-lead ``chords`` (each ``{function: pitch class}``) from the voicing ``start``.

    ``maps[i]`` (optional) is the function map from chord i to chord i+1; where it is
    None, or a voice's function has no image in it, the minimal-motion move is used.
    Returns one voicing per chord, ``start`` first.
    """
    if not chords:
        raise ParameterError("chords must not be empty")
    first = tuple(start)
    if not first:
        raise ParameterError("start must hold at least one pitch")
    funcs = _functions_of(first, chords[0])
    if maps is not None and len(maps) != len(chords) - 1:
        raise ParameterError(f"maps must hold {len(chords) - 1} entries (one per move), "
                         f"got {len(maps)}")
    out = [first]
    for i, nxt in enumerate(chords[1:]):
        prev = out[-1]
        fmap = maps[i] if maps is not None else None
        if fmap is not None and all(f in fmap and fmap[f] in nxt for f in funcs):
            new_funcs = [fmap[f] for f in funcs]
            new = tuple(nearest_pitch(p, nxt[f]) for p, f in zip(prev, new_funcs, strict=True))
        else:
            new = best_move(prev, nxt, required)
            new_funcs = _functions_of(new, nxt)
        for p in new:
            if not 0 <= p <= 127:
                raise ParameterError(f"chords: voice leading left the MIDI range (pitch {p}); "
                                 f"start higher or lower")
        out.append(new)
        funcs = new_funcs
    return tuple(out)

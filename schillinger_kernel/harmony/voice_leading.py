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
cycles use the inverse maps. No map sends 1 to 1 or 5 to 5, so a voice led by a map never
moves in parallel octaves or fifths with a bass on the root. Every other motion (hybrid
chords, chromatic or symmetric progressions) uses the assignment with the least total
motion, keeping common tones (:func:`ranked_moves` lists the others, best first).

>>> function_map("C5", "S7")
{1: 5, 5: 1, 3: 7, 7: 3}
>>> c7 = {1: 0, 3: 4, 5: 7, 7: 11}          # C E G B
>>> am7 = {1: 9, 3: 0, 5: 4, 7: 7}          # A C E G
>>> lead([c7, am7], (60, 64, 67, 71), maps=[function_map("C3", "S7")])
((60, 64, 67, 71), (60, 64, 67, 69))
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

from ..errors import ParameterError

__all__ = [
    "S5_CLOCKWISE",
    "S5_COUNTERCLOCKWISE",
    "FunctionMap",
    "best_move",
    "function_map",
    "lead",
    "map_move",
    "nearest_pitch",
    "parallels_with_bass",
    "ranked_moves",
]


FunctionMap = dict[int, int]

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


def function_map(kind: str, structure: str = "S7", direction: str = "positive") -> FunctionMap:
    """The function map of a cycle ``kind`` (C3, C5, C7) for ``structure`` (S5, S7).

    Negative cycles give the inverse map. Raises ValueError where the book gives none
    (structures larger than S7).

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
        raise ParameterError(f"structure: no function map for {structure!r} on {kind}; "
                         f"maps exist for S5 and S7 on C3/C5/C7")
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

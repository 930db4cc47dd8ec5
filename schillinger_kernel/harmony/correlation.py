"""Book VI, the beginning: correlation of melody and harmony, both ways.

* :func:`melodize` (melodization of a harmonic continuity): a melody over a given
  progression. The first attack on each chord takes a chord function, the one nearest the
  melody's previous anchor (the book's principle of the smallest motion between chords);
  the attacks inside the chord fill the way to the next anchor in scale steps, as a
  secondary axis (Book IV) from one anchor to the next, and turn on a neighbour tone where
  the two anchors coincide.
* :func:`harmonize` (harmonization of a melody): each melody tone becomes a function
  (1, 3, 5, 7 ...) of a chord whose roots follow the book's cycles. *Diatonic*: chords are
  the key's structures (S5..S13) and the choice among the chords that hold a tone prefers
  positive cycles (C5, then C3 and C7), the book's strong progressions, over negative ones
  and repeated roots, chosen for the whole melody at once (the cheapest path), starting and
  ending on the tonic chord when the tones allow. *Symmetric*: roots are the n symmetric
  tonics of Type III harmony with a symmetric structure (S1..S4) and the moves prefer the
  Type III direction (roots falling 12/n for 2, 3 and 4 tonics, rising for 6 and 12).

*(convention)* SCHILLINGER.md quotes no Book VI text; the rules above are our reading of
the book's principles and are written out so that they can be checked. A melody tone that
no chord of the system holds (a chromatic tone in a diatonic key) is a passing tone: it
keeps the chord before it and its function is reported as 0.

>>> c = harmonize([60, 62, 64, 65, 67], "C major", "S5")
>>> c.progression.symbols, c.functions
(('C', 'G', 'C', 'F', 'C'), (1, 5, 3, 1, 5))
>>> from schillinger_kernel.harmony import progression
>>> m = melodize(progression("C major", (1, 4, 5, 1), "S5"), rhythm=(2, 1, 1))
>>> [n.pitch for n in m.melody][:6], m.functions[:4]
([72, 74, 71, 69, 71, 69], (1, 0, 0, 3))
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from ..checks import check_int
from ..errors import ParameterError, ParameterTypeError
from ..pitch import to_midi_pitch
from ..scales import Scale, as_scale, symmetric_tonics
from ..score import PPQ, Note, Part, Score, TempoChange
from .cycles import TYPE_III_CYCLE, check_direction, cycle_name
from .structures import (
    STRUCTURES,
    SYMMETRIC_STRUCTURES,
    check_structure,
    functions,
    key_and_scale,
    symmetric_functions,
)
from .voicing import Chord, ChordSpec, Progression, voice

__all__ = ["Correlation", "harmonize", "melodize"]

# Cost of a root move in diatonic harmonization: the book's positive cycles first.
_MOVE_COST = {"C5+": 0, "C3+": 1, "C7+": 1, "C5-": 2, "C3-": 3, "C7-": 3, "=": 4}


@dataclass(frozen=True)
class Correlation:
    """A melody and a progression that belong together, with each melody tone's function.

    ``functions[i]`` is the function (1, 3, 5, 7 ...) the i-th melody note has in the chord
    sounding under it, 0 for a passing tone; ``chord_of[i]`` is that chord's index.
    """

    melody: tuple[Note, ...]
    progression: Progression
    functions: tuple[int, ...]
    chord_of: tuple[int, ...]
    chord_ticks: tuple[tuple[int, int], ...]

    def to_score(self, *, tempo: float = 120.0, melody_instrument: str = "flute",
                 chord_instrument: str = "piano") -> Score:
        """A two-part score: the melody, and the chords held for their spans.

        >>> c = harmonize(["E4", "D4", "C4"], "C major", "S5")
        >>> [p.name for p in c.to_score().parts]
        ['Melody', 'Harmony']
        """
        chords = [Note(start, dur, p, 70)
                  for (start, dur), c in zip(self.chord_ticks, self.progression, strict=True)
                  for p in c.pitches]
        return Score(parts=(Part.create("Melody", self.melody, instrument=melody_instrument),
                            Part.create("Harmony", chords, instrument=chord_instrument)),
                     tempos=(TempoChange(0, float(tempo)),), title="Correlation")


def _melody_notes(melody: object) -> tuple[Note, ...]:
    if isinstance(melody, Part):
        melody = melody.notes
    if isinstance(melody, str) or not isinstance(melody, Sequence):
        raise ParameterTypeError(f"melody must be a sequence of pitches or Notes, got "
                                 f"{type(melody).__name__}", field="melody")
    if not melody:
        raise ParameterError("melody must hold at least one note", field="melody")
    if all(isinstance(n, Note) for n in melody):
        notes = tuple(sorted(melody, key=lambda n: (n.start, -n.pitch)))
        # one melody: where notes start together the highest is the tune
        return tuple(n for i, n in enumerate(notes) if i == 0 or n.start != notes[i - 1].start)
    out = []
    for i, p in enumerate(melody):
        if isinstance(p, Note):
            raise ParameterTypeError("melody: give all Notes or all pitches, not both",
                                     field="melody")
        out.append(Note(i * PPQ, PPQ, to_midi_pitch(p)))
    return tuple(out)


def _cheapest(options: Sequence[Sequence[int]], step_cost: Callable[[int, int], int],
              first_cost: Mapping[int, int], last_cost: Mapping[int, int]) -> list[int]:
    """The cheapest path through ``options`` (one choice per position)."""
    best = {o: (first_cost.get(o, 2), [o]) for o in options[0]}
    for opts in options[1:]:
        nxt = {}
        for o in opts:
            cost, path = min(((c + step_cost(p[-1], o), p) for c, p in best.values()),
                             key=lambda t: (t[0], t[1]))
            nxt[o] = (cost, [*path, o])
        best = nxt
    cost, path = min(((c + last_cost.get(p[-1], 2), p) for c, p in best.values()),
                     key=lambda t: (t[0], t[1]))
    return path


def harmonize(melody: Sequence[int | str] | Sequence[Note] | Part, key: str = "C major",
              structure: str = "S7", *, system: str = "diatonic", n: int = 2,
              tonic: int | str | None = None, direction: str = "positive",
              voicing: str = "hybrid") -> Correlation:
    """Harmonize a melody: a chord under each tone, the tone one of its functions.

    Parameters
    ----------
    melody : sequence of pitches (ints or names), of Notes, or a Part
        The tune; Notes keep their times, bare pitches last a quarter note each.
    key : str
        The key (diatonic) or, for the symmetric system, the key the chords are named in.
    structure : str
        Diatonic S5..S13, or symmetric S1..S4 with ``system="symmetric"``.
    system : str
        ``"diatonic"`` (the key's structures) or ``"symmetric"`` (Type III: ``n`` tonics).
    n : int
        Symmetric tonics (2, 3, 4, 6 or 12), from ``tonic`` (default the key's tonic).
    direction : str
        The cycle direction preferred in the symmetric system.
    voicing : str
        Passed to the voice leader (``"hybrid"``, ``"full"``, ``"close"``).

    Returns
    -------
    Correlation
        Each chord sounds below its melody tone: where the voice leader's register would
        reach the tune, the chord's upper voices move down an octave together.

    Examples
    --------
    >>> harmonize(["C5", "Bb4", "G4"], structure="S1", system="symmetric", n=4).progression.symbols
    ('C', 'Eb', 'C')
    """
    notes = _melody_notes(melody)
    sc, key = key_and_scale(key)
    check_structure(structure)
    pcs = [nt.pitch % 12 for nt in notes]
    if system == "diatonic":
        if structure not in STRUCTURES:
            raise ParameterError(f"structure must be one of {', '.join(STRUCTURES)} for the "
                                 f"diatonic system, got {structure!r}", field="structure")
        chord_fs = {d: functions(sc, d, structure) for d in range(1, len(sc) + 1)}

        def move(a: int, b: int) -> int:
            return _MOVE_COST[cycle_name(a, b, len(sc))[:3]]
        edge = {1: 0}
    elif system == "symmetric":
        if structure not in SYMMETRIC_STRUCTURES:
            raise ParameterError(f"structure must be one of {', '.join(SYMMETRIC_STRUCTURES)} "
                                 f"for the symmetric system, got {structure!r}",
                                 field="structure")
        check_int("n", n)
        tonics = symmetric_tonics(n, sc.tonic if tonic is None else tonic)
        sign = check_direction(direction)
        falls = TYPE_III_CYCLE.get(n, "C7") in ("C3", "C5")
        step = (12 // n) * (-1 if falls else 1) * sign
        chord_fs = {t % 12: symmetric_functions(t, structure) for t in tonics}

        def move(a: int, b: int) -> int:
            return 0 if (b - a) % 12 == step % 12 else 4 if a == b else 1
        edge = {tonics[0] % 12: 0}
    else:
        raise ParameterError(f"system must be 'diatonic' or 'symmetric', got {system!r}",
                             field="system")
    holds = [[c for c, fs in chord_fs.items() if pc in fs.values()] for pc in pcs]
    if not any(holds):
        raise ParameterError(f"melody: no {structure} chord of this system holds any of its "
                             f"tones {sorted(set(pcs))}", field="melody")
    # a passing tone keeps the chord before it: only the held tones choose chords
    held = [i for i, h in enumerate(holds) if h]
    path = _cheapest([holds[i] for i in held], move, edge, edge)
    choice: list[int] = []
    last = path[0]
    it = iter(path)
    for h in holds:
        if h:
            last = next(it)
        choice.append(last)
    fns = tuple(next((f for f, pc in chord_fs[c].items() if pc == p), 0)
                for c, p in zip(choice, pcs, strict=True))
    specs = []
    for c in choice:
        if system == "diatonic":
            specs.append(ChordSpec(chord_fs[c][1], chord_fs[c], structure, c))
        else:
            specs.append(ChordSpec(c, chord_fs[c], structure))
    low = min(nt.pitch for nt in notes)
    # the chords sound below the tune: upper voices centred an octave under its lowest tone,
    # the bass an octave lower still, so neither doubles into the other
    prog = voice(specs, key, voicing=voicing, register=(low - 16, low - 6),
                 octave=max(1, low // 12 - 2), bass_octave=max(0, low // 12 - 4),
                 style=system)
    chords = tuple(_below(c, nt.pitch) for c, nt in zip(prog, notes, strict=True))
    prog = replace(prog, chords=chords)
    spans = tuple((nt.start, nt.duration) for nt in notes)
    return Correlation(notes, prog, fns, tuple(range(len(notes))), spans)


def _below(chord: Chord, top: int) -> Chord:
    """``chord`` moved down by octaves (upper voices together, then the bass) under ``top``."""
    bass, *upper = chord.pitches
    while upper and max(upper) >= top:
        upper = [p - 12 for p in upper]
    while upper and bass >= min(upper):
        bass -= 12
    if bass < 0:
        raise ParameterError(f"melody: tone {top} is too low to harmonize below it",
                             field="melody")
    return replace(chord, pitches=(bass, *upper))


def _walk(distance: int, attacks: int) -> list[int]:
    """Scale steps from an anchor (0) for ``attacks`` attacks, reaching ``distance`` next.

    A long way is shared out evenly (leaps where the steps outnumber the attacks); a short
    one is approached by step from the nearer side and the attacks to spare turn on the
    neighbour away from the goal (the upper one where the anchors coincide), so a tone is
    not struck twice running.

    >>> _walk(3, 3), _walk(-2, 3), _walk(0, 4), _walk(5, 2)
    ([0, 1, 2], [0, 1, -1], [0, 1, 0, 1], [0, 2])
    """
    if abs(distance) >= attacks:
        return [round(distance * j / attacks) for j in range(attacks)]
    sign = -1 if distance < 0 else 1
    neighbour = -sign if distance else 1
    spare = attacks - abs(distance) + 1
    return [(0 if j % 2 == 0 else neighbour) if j < spare else sign * (j - spare + 1)
            for j in range(attacks)]


def melodize(progression: Progression, rhythm: Sequence[int] = (1,), *,
             scale: Scale | str | Sequence[int] | None = None, unit: int = PPQ // 2,
             low: int | str = "C4", high: int | str = "C6",
             velocity: int = 90) -> Correlation:
    """A melody over a progression: chord tones at the changes, scale steps between.

    One period of ``rhythm`` (a Book I rhythm, in units of ``unit`` ticks) sounds under each
    chord. Its first attack (the anchor) takes the chord tone nearest the previous anchor
    but not the same pitch (a melody moves where the harmony moves) within ``low..high``
    (the first anchor: the chord tone just above the voiced chord); the other attacks walk
    in scale steps from that anchor toward the next (a secondary axis of Book IV: a long
    way shared out evenly, a short one approached by step after a neighbour tone), turning
    on the upper neighbour when the two anchors are the same pitch. Under the last chord
    the walk returns to the anchor.

    Parameters
    ----------
    progression : Progression
        Voiced chords (any of :mod:`schillinger_kernel.harmony`'s builders).
    rhythm : sequence of int
        Durations per chord (positive ints).
    scale : Scale, name or pitch classes, optional
        The scale of the passing tones: by default the key's scale, or for a symmetric
        progression (Type III) the union of its chords' tones.
    unit, velocity : int
        Ticks per rhythm unit and the notes' velocity.
    low, high : int or str
        The melody's range.

    Returns
    -------
    Correlation

    Examples
    --------
    >>> from schillinger_kernel.harmony import type_iii
    >>> m = melodize(type_iii("C", 2, "S1", length=4), rhythm=(1, 1))
    >>> all(n.pitch % 12 in (0, 1, 4, 6, 7, 10) for n in m.melody)
    True
    """
    if not isinstance(progression, Progression) or not len(progression):
        raise ParameterTypeError("progression must be a non-empty Progression",
                                 field="progression")
    durs = tuple(rhythm) if isinstance(rhythm, Sequence) and not isinstance(rhythm, str) \
        else ()
    if not durs or any(isinstance(d, bool) or not isinstance(d, int) or d < 1 for d in durs):
        raise ParameterError(f"rhythm must be positive ints (durations in units), got {rhythm!r}",
                             field="rhythm")
    check_int("unit", unit, 1, 16 * PPQ)
    check_int("velocity", velocity, 1, 127)
    lo, hi = to_midi_pitch(low), to_midi_pitch(high)
    if hi - lo < 12:
        raise ParameterError(f"low..high must span at least an octave, got {lo}..{hi}",
                             field="high")
    if scale is None:
        if progression.style == "symmetric":
            sc = as_scale(sorted({pc for c in progression for pc in c.pitch_classes}))
        else:
            sc = key_and_scale(progression.key)[0]
    else:
        sc = as_scale(scale)
    tones = [sorted({pc for _f, pc in c.functions} or set(c.pitch_classes))
             for c in progression]
    for c, chord_pcs in zip(progression, tones, strict=True):
        if not all(sc.contains(pc) for pc in chord_pcs):
            raise ParameterError(f"scale: chord {c.symbol} has tones outside the scale "
                                 f"{sc.pitch_classes}", field="scale")
    anchors: list[int] = []
    # anchors keep a scale step from the range's ends, so a neighbour tone always fits
    margin = max(sc.intervals)
    for i, pcs in enumerate(tones):
        cands = ([p for p in range(lo + margin, hi - margin + 1) if p % 12 in pcs]
                 or [p for p in range(lo, hi + 1) if p % 12 in pcs])
        if i == 0:
            top = max(progression[0].pitches)
            above = [p for p in cands if p > top]
            anchors.append(min(above) if above else max(cands))
        else:
            prev = anchors[-1]
            anchors.append(min(cands, key=lambda p: (p == prev, abs(p - prev), p)))
    notes: list[Note] = []
    fns: list[int] = []
    chord_of: list[int] = []
    period = sum(durs)
    for i, chord in enumerate(progression):
        a = anchors[i]
        b = anchors[i + 1] if i + 1 < len(anchors) else a
        ia, ib = sc.index_of(a, sc.tonic), sc.index_of(b, sc.tonic)
        t = i * period
        for d, steps in zip(durs, _walk(ib - ia, len(durs)), strict=True):
            p = sc.at(ia + steps, sc.tonic)
            if not lo <= p <= hi:
                # only a neighbour tone can leave the range (anchors lie inside it): the
                # neighbour on the other side of the anchor stays in
                p = sc.at(ia - steps, sc.tonic)
            notes.append(Note(t * unit, d * unit, p, velocity))
            fn = next((f for f, pc in chord.functions if pc == p % 12), 0)
            fns.append(fn)
            chord_of.append(i)
            t += d
    spans = tuple((i * period * unit, period * unit) for i in range(len(progression)))
    return Correlation(tuple(notes), progression, tuple(fns), tuple(chord_of), spans)


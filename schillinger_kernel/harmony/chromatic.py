"""Book V, the chromatic system: chromatic groups, the passing seventh, chromatic continuity.

* **Chromatic groups** (Ch. 13, :func:`chromatic_group`): the chords a voicing reaches when
  some of its voices move a semitone and the rest hold. From C (c e g) one voice gives
  Em (c -> b), C#dim (c -> c#), Cm (e -> eb) and Caug (g -> g#).
* **The passing seventh** (Ch. 15, :func:`passing_seventh`): the voice doubling the root
  of S(5) falls to the seventh and on to the third of the chord a fifth below
  (C, C7, F: c -> bb -> a); ``chromatic=False`` takes the key's own seventh (C, Cmaj7, F).
* **Chromatic continuity** (Ch. 16, :func:`chromatic_continuity`): chords of one quality
  on roots moved by a constant cycle, led by the S(7) function maps of the diatonic cycles
  (:func:`~schillinger_kernel.harmony.function_map`), so the continuity runs by itself
  and every voice holds or moves by a semitone or a tone (a minor third at most for
  m(maj7) and 7#5): C7 F7 Bb7 Eb7 ... with the thirds and sevenths falling a semitone at
  each chord.

* **Hybrid continuity** (Ch. 17, :func:`hybrid_continuity`): the roots of a diatonic cycle
  in a key (diatonic) under chords of one chromatic quality (each a secondary dominant of
  the next, by default), closing on the key's own tonic chord: E7 A7 D7 G7 Cmaj7.

*(convention)* Our sources quote the chapters' names but little of their text. The readings:
a chromatic group moves whole voices by a semitone and names only chords of the usual
qualities (:data:`CHROMATIC_QUALITIES`); the passing seventh enters in the voice that
doubles the root; the chromatic cycles are C5 (roots a fifth down), C3 (a minor third
down, so the cycle closes after four chords) and C7 (a tone up), reversed when negative.

>>> [m.symbol for m in chromatic_group((60, 64, 67))]
['Em', 'C#dim', 'Cm', 'Caug']
>>> chromatic_continuity("C", 4).symbols
('C7', 'F7', 'Bb7', 'Eb7')
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from ..checks import check_int
from ..errors import ParameterError, ParameterTypeError
from ..pitch import NOTE_NAMES, pitch_class, to_midi_pitch
from .cycles import cycle_degrees
from .structures import close_position, functions, key_and_scale
from .voice_leading import function_map, step_move
from .voicing import ChordSpec, Progression, diatonic_spec, respell, voice

__all__ = [
    "CHROMATIC_QUALITIES",
    "ChromaticMove",
    "chord_name",
    "chromatic_continuity",
    "chromatic_group",
    "hybrid_continuity",
    "passing_seventh",
]


# Chord qualities a chromatic group names, as intervals above the root; the order decides
# which name a chord with two readings gets (C6 = Am7 is named Am7).
CHROMATIC_QUALITIES: dict[str, tuple[int, ...]] = {
    "": (0, 4, 7), "m": (0, 3, 7), "dim": (0, 3, 6), "aug": (0, 4, 8),
    "7": (0, 4, 7, 10), "maj7": (0, 4, 7, 11), "m7": (0, 3, 7, 10), "m7b5": (0, 3, 6, 10),
    "dim7": (0, 3, 6, 9), "m(maj7)": (0, 3, 7, 11), "7#5": (0, 4, 8, 10),
}

_CYCLE_STEPS = {"C5": -7, "C3": -3, "C7": 2}


@dataclass(frozen=True)
class ChromaticMove:
    """One chord of a chromatic group: its pitches, name and the voices that moved."""

    pitches: tuple[int, ...]
    symbol: str
    moved: tuple[int, ...]


def chord_name(pitches: Sequence[int | str]) -> str | None:
    """The chord symbol of ``pitches`` among :data:`CHROMATIC_QUALITIES`, or None.

    A root is looked for from the lowest pitch up, so a symmetric chord (aug, dim7) is named
    on its bass.

    >>> chord_name((64, 67, 71)), chord_name((60, 64, 68)), chord_name((60, 62, 64))
    ('Em', 'Caug', None)
    """
    ps = sorted(to_midi_pitch(p) for p in pitches)
    pcs = {p % 12 for p in ps}
    for suffix, ivs in CHROMATIC_QUALITIES.items():
        for root in dict.fromkeys(p % 12 for p in ps):
            if {(pc - root) % 12 for pc in pcs} == set(ivs):
                return NOTE_NAMES[root] + suffix
    return None


def chromatic_group(pitches: Sequence[int | str], voices: int = 1) -> tuple[ChromaticMove, ...]:
    """The chords reached when ``voices`` of the voices move a semitone and the rest hold.

    Parameters
    ----------
    pitches : sequence of int or str
        The chord as MIDI pitches or names, in voice order.
    voices : int
        How many voices move at once (1..number of voices).

    Returns
    -------
    tuple of ChromaticMove
        In voice order, the lower voices' moves first and a fall before a rise; only moves
        that keep the voices apart and name a chord of :data:`CHROMATIC_QUALITIES`.

    Examples
    --------
    >>> [(m.symbol, m.moved) for m in chromatic_group(("C4", "E4", "G4", "Bb4"))]
    [('C#dim7', (0,)), ('Cm7', (1,)), ('C7#5', (2,)), ('Am7', (3,)), ('Cmaj7', (3,))]
    >>> [m.symbol for m in chromatic_group((60, 64, 67), voices=2)][:3]
    ['Baug', 'E', 'C#m']
    """
    if isinstance(pitches, str) or not isinstance(pitches, Sequence):
        raise ParameterTypeError(f"pitches must be a sequence of MIDI pitches or names, got "
                                 f"{pitches!r}", field="pitches")
    ps = tuple(to_midi_pitch(p) for p in pitches)
    if not 2 <= len(ps) <= 8 or len(set(ps)) != len(ps):
        raise ParameterError(f"pitches must hold 2..8 different pitches, got {ps}",
                             field="pitches")
    check_int("voices", voices, 1, len(ps))
    out: list[ChromaticMove] = []
    seen: set[tuple[int, ...]] = set()
    for idx in itertools.combinations(range(len(ps)), voices):
        for signs in itertools.product((-1, 1), repeat=voices):
            new = list(ps)
            for i, s in zip(idx, signs, strict=True):
                new[i] += s
            cand = tuple(new)
            if len(set(cand)) != len(cand) or not all(0 <= p <= 127 for p in cand):
                continue
            name = chord_name(cand)
            if name is None or cand in seen:
                continue
            seen.add(cand)
            out.append(ChromaticMove(cand, name, idx))
    return tuple(out)


def passing_seventh(key: str, degree: int, *, chromatic: bool = True, bass_octave: int = 3,
                    octave: int = 4) -> tuple[tuple[int, ...], ...]:
    """S(5) on ``degree``, its passing seventh, and S(5) a fifth below where it resolves.

    Parameters
    ----------
    key : str
        A key name.
    degree : int
        The degree of the first chord's root.
    chromatic : bool
        The seventh a minor seventh above the root (C -> C7 in C major); False takes the
        key's own seventh (C -> Cmaj7).
    bass_octave, octave : int
        Octaves of the bass and of the upper voices.

    Returns
    -------
    tuple of tuple of int
        Three four-part chords ``(bass, tenor, alto, soprano)``. The soprano doubles the
        root, falls to the seventh over the held bass, then by step to the third of the
        next chord; the other voices hold or move by step, never in parallel octaves or
        fifths with the bass.

    Examples
    --------
    >>> passing_seventh("C major", 1)                       # C, C7, F: c -> bb -> a
    ((48, 55, 64, 72), (48, 55, 64, 70), (41, 53, 65, 69))
    >>> passing_seventh("C major", 1, chromatic=False)[1]   # Cmaj7: c -> b
    (48, 55, 64, 71)
    """
    if not isinstance(chromatic, bool):
        raise ParameterTypeError(f"chromatic must be True or False, got {chromatic!r}",
                                 field="chromatic")
    sc, _ = key_and_scale(key)
    check_int("degree", degree, 1, len(sc))
    check_int("bass_octave", bass_octave, -1, 7)
    check_int("octave", octave, -1, 8)
    first = functions(sc, degree, "S5")
    after = functions(sc, (degree + 2) % 7 + 1, "S5")
    bass = sc.pitch(degree, bass_octave)
    # the next root a fifth below: the bass falls rather than leaping up a fourth
    bass2 = bass - (first[1] - after[1]) % 12
    upper = close_position([first[5], first[3], first[1]], 12 * (octave + 1) + first[5] - 12)
    while upper[0] <= bass:
        upper = tuple(p + 12 for p in upper)
    root = upper[2]
    seventh = root - 2 if chromatic else root - (first[1] - sc.at(degree + 5, sc.tonic)) % 12
    middle = (upper[0], upper[1], seventh)
    third = seventh - (seventh - after[3]) % 12
    last = step_move(middle, after, (bass, bass2), (1, 3), fixed={2: third})
    return ((bass, *upper), (bass, *middle), (bass2, *last))


def _check_seventh_and_cycle(quality: str, kind: str) -> None:
    """A continuity moves seventh chords (four voices) by C3, C5 or C7."""
    if quality not in CHROMATIC_QUALITIES or len(CHROMATIC_QUALITIES[quality]) != 4:
        four = [q for q, ivs in CHROMATIC_QUALITIES.items() if len(ivs) == 4]
        raise ParameterError(f"quality must be a seventh chord, one of {', '.join(four)}; "
                             f"got {quality!r}", field="quality")
    if kind not in _CYCLE_STEPS:
        raise ParameterError(f"kind must be C3, C5 or C7, got {kind!r}", field="kind")


def chromatic_continuity(root: int | str = "C", length: int = 8, quality: str = "7",
                         kind: str = "C5", direction: str = "positive", *,
                         octave: int = 4) -> Progression:
    """Chords of one ``quality`` whose roots follow a cycle, led by the S(7) function maps.

    Parameters
    ----------
    root : int or str
        The first root (pitch class or name).
    length : int
        How many chords (1..512).
    quality : str
        A four-note quality of :data:`CHROMATIC_QUALITIES`: ``"7"``, ``"maj7"``, ``"m7"``,
        ``"m7b5"``, ``"dim7"``, ``"m(maj7)"`` or ``"7#5"``.
    kind : str
        ``"C5"`` (roots a fifth down), ``"C3"`` (a minor third down) or ``"C7"`` (a tone up)
        in the positive direction; the opposite way when negative.
    direction : str
        ``"positive"`` or ``"negative"``.
    octave : int
        Octave of the upper voices.

    Returns
    -------
    Progression
        Bass on the roots, the four functions above it; every upper voice holds or moves a
        semitone or a tone (up to a minor third for m(maj7) and 7#5), apart from an octave
        shift of the whole structure when a long continuity drifts out of the register.

    Examples
    --------
    >>> p = chromatic_continuity("C", 3)
    >>> [c.pitches[1:] for c in p]                         # e -> eb, bb -> a, g -> f
    [(60, 64, 67, 70), (60, 63, 65, 69), (58, 62, 65, 68)]
    >>> chromatic_continuity("G", 4, "m7", "C7").symbols
    ('Gm7', 'Am7', 'Bm7', 'C#m7')
    """
    pc = pitch_class(root) if isinstance(root, str) else check_int("root", root, 0, 11)
    check_int("length", length, 1, 512)
    _check_seventh_and_cycle(quality, kind)
    fmap = function_map(kind, "S7", direction)
    step = _CYCLE_STEPS[kind] * (1 if direction == "positive" else -1)
    ivs = CHROMATIC_QUALITIES[quality]
    specs = []
    for i in range(length):
        r = (pc + i * step) % 12
        specs.append(ChordSpec(r, {f: (r + iv) % 12 for f, iv in zip((1, 3, 5, 7), ivs,
                                                                    strict=True)}, "S7"))
    c = 12 * (octave + 1)
    prog = voice(specs, f"{NOTE_NAMES[pc]} major", voicing="full", maps=[fmap] * (length - 1),
                 octave=octave, register=(c - 5, c + 19), moves=(kind,) * (length - 1),
                 style="chromatic")
    return respell(prog, step)


def hybrid_continuity(key: str = "C major", length: int = 5, quality: str = "7",
                      kind: str = "C5", *, octave: int = 4) -> Progression:
    """Diatonic roots, chromatic chords: a positive cycle of the key closing on its tonic.

    The roots are the last ``length`` degrees of the positive cycle ``kind`` that ends on the
    tonic; every chord but the last takes ``quality`` (a dominant seventh by default, so
    each is the dominant of the next), the last is the key's own S(7) on the tonic. The
    voices follow the S(7) function map of the cycle. *(convention)* our reading of the
    hybrid (diatonic and chromatic) continuity of Ch. 17: the diatonic system gives the
    roots, the chromatic one the chords.

    Parameters
    ----------
    key : str
        A key name such as ``"C major"``.
    length : int
        Number of chords, 2..64.
    quality : str
        A seventh-chord quality of :data:`CHROMATIC_QUALITIES` for all but the last chord.
    kind : str
        The cycle of the roots: ``"C5"`` (fifths down), ``"C3"`` or ``"C7"``.
    octave : int
        Octave of the upper voices.

    Returns
    -------
    Progression
        Bass on the roots and the four functions above it.

    Examples
    --------
    >>> hybrid_continuity("C major").symbols
    ('E7', 'A7', 'D7', 'G7', 'Cmaj7')
    >>> hybrid_continuity("A minor", 4).symbols
    ('F7', 'B7', 'E7', 'Am7')
    >>> hybrid_continuity("C major", 4, "m7", "C7").symbols    # roots rise by step
    ('Gm7', 'Am7', 'Bm7', 'Cmaj7')
    """
    sc, key = key_and_scale(key)
    check_int("length", length, 2, 64)
    _check_seventh_and_cycle(quality, kind)
    # run the cycle backward from the tonic, then read it forward so it ends there
    degrees = cycle_degrees(kind, "negative", length, 1)[::-1]
    ivs = CHROMATIC_QUALITIES[quality]
    specs = []
    for d in degrees[:-1]:
        r = sc.at(d - 1, sc.tonic) % 12
        specs.append(ChordSpec(r, {f: (r + iv) % 12 for f, iv in zip((1, 3, 5, 7), ivs,
                                                                    strict=True)}, "S7", d))
    specs.append(diatonic_spec(sc, 1, "S7"))
    c = 12 * (octave + 1)
    return voice(specs, key, voicing="full", maps=[function_map(kind, "S7")] * (length - 1),
                 octave=octave, register=(c - 5, c + 19), moves=(kind + "+",) * (length - 1),
                 style="hybrid")

"""Voiced chords and progressions for Book V: :class:`Chord`, :class:`Progression`, :func:`voice`.

Re-exported by :mod:`schillinger_kernel.harmony` (use them from there).

>>> p = voice([diatonic_spec("C major", d, "S7") for d in (2, 5, 1)], "C major")
>>> p.symbols, p.romans
(('Dm7', 'G7', 'Cmaj7'), ('ii7', 'V7', 'Imaj7'))
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..checks import check_int
from ..errors import ParameterError
from ..pitch import FLAT_NAMES, NOTE_NAMES, SHARP_NAMES, parse_key
from ..scales import Scale
from ..score import PPQ, Note, Part, Score, TempoChange
from .chords import chord_symbol, key_spelling, parse_chord_symbol, roman_numeral
from .structures import (
    HYBRID_UPPER,
    STRUCTURES,
    VOICINGS,
    close_position,
    functions,
    key_and_scale,
)
from .voice_leading import map_move, parallels_with_bass, ranked_moves

__all__ = [
    "Chord",
    "ChordSpec",
    "Progression",
    "diatonic_spec",
    "respell",
    "symbol_spec",
    "voice",
]


@dataclass(frozen=True)
class Chord:
    """A voiced chord: root pitch class, structure, MIDI pitches (bass first), names."""

    root: int
    structure: str
    pitches: tuple[int, ...]
    symbol: str
    roman: str
    degree: int | None = None
    functions: tuple[tuple[int, int], ...] = ()

    @property
    def bass(self) -> int:
        """The lowest pitch."""
        return self.pitches[0]

    @property
    def pitch_classes(self) -> tuple[int, ...]:
        """Pitch classes of the structure's functions in function order."""
        return tuple(pc for _f, pc in self.functions)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {"root": self.root, "root_name": self.symbol_root, "structure": self.structure,
                "pitches": list(self.pitches), "symbol": self.symbol, "roman": self.roman,
                "degree": self.degree, "functions": {str(f): pc for f, pc in self.functions}}

    @property
    def symbol_root(self) -> str:
        """The root as spelled in the symbol."""
        s = self.symbol
        return s[:2] if len(s) > 1 and s[1] in "#b" else s[:1]


@dataclass(frozen=True)
class Progression(Sequence[Chord]):
    """A sequence of voiced :class:`Chord` in a key, with the cycle of each move."""

    key: str
    chords: tuple[Chord, ...]
    style: str = ""
    moves: tuple[str, ...] = field(default=())

    def __len__(self) -> int:
        return len(self.chords)

    def __getitem__(self, i: Any) -> Any:
        return self.chords[i]

    def __iter__(self) -> Iterator[Chord]:
        return iter(self.chords)

    @property
    def symbols(self) -> tuple[str, ...]:
        """Chord symbols, e.g. ``("C", "Am7")``."""
        return tuple(c.symbol for c in self.chords)

    @property
    def romans(self) -> tuple[str, ...]:
        """Roman numerals in the key."""
        return tuple(c.roman for c in self.chords)

    @property
    def roots(self) -> tuple[int, ...]:
        """Root pitch classes."""
        return tuple(c.root for c in self.chords)

    def __repr__(self) -> str:
        """A one-line summary; the notebook shows the chords engraved.

        >>> voice([diatonic_spec("C major", d, "S7") for d in (2, 5, 1)], "C major")
        Progression('C major', 3 chords: Dm7 G7 Cmaj7)
        """
        n, shown = len(self.chords), " ".join(self.symbols[:8])
        more = f" ... (+{n - 8})" if n > 8 else ""
        return f"Progression({self.key!r}, {n} chord{'s' * (n != 1)}: {shown}{more})"

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        """The voiced chords engraved for Jupyter, the short repr as ``text/plain``."""
        from ..notation import mimebundle  # engraving sits above the theory: imported late

        return mimebundle(self)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON (the REST API's answer)."""
        return {"key": self.key, "style": self.style, "symbols": list(self.symbols),
                "romans": list(self.romans), "moves": list(self.moves),
                "chords": [c.to_dict() for c in self.chords]}

    def to_score(self, *, bar_ticks: int = 4 * PPQ, tempo: float = 120.0,
                 instrument: str = "piano", velocity: int = 80) -> Score:
        """A one-part score holding each chord for ``bar_ticks``."""
        check_int("bar_ticks", bar_ticks, 1, 64 * PPQ)
        notes = [Note(i * bar_ticks, bar_ticks, p, velocity)
                 for i, c in enumerate(self.chords) for p in c.pitches]
        return Score(parts=(Part.create("Chords", notes, instrument=instrument),),
                     tempos=(TempoChange(0, float(tempo)),), key=_score_key(self.key),
                     title="Progression")


def _score_key(key: str) -> str:
    pc, mode = parse_key(key)
    return f"{NOTE_NAMES[pc]} {mode}"


@dataclass(frozen=True)
class ChordSpec:
    """What a chord is before it is voiced: root, functions, structure, degree."""

    root: int
    functions: Mapping[int, int]
    structure: str
    degree: int | None = None


def diatonic_spec(key: str | Scale, degree: int, name: str = "S7") -> ChordSpec:
    """The :class:`ChordSpec` of a diatonic structure."""
    fs = functions(key, degree, name)
    return ChordSpec(fs[1], fs, name, degree)


def symbol_spec(symbol: str) -> ChordSpec:
    """The :class:`ChordSpec` of a chord symbol such as ``"Am7"`` or ``"G7/B"``."""
    root, fs = parse_chord_symbol(symbol)
    size = max(fs)
    name = f"S{size}" if f"S{size}" in STRUCTURES else "S5"
    return ChordSpec(root, fs, name)


def _upper_functions(spec: ChordSpec, voicing: str) -> tuple[int, ...]:
    fs = sorted(spec.functions)
    if voicing == "hybrid":
        want = HYBRID_UPPER.get(spec.structure if spec.structure in HYBRID_UPPER else "S5")
        assert want is not None
        have = [f for f in want if f in spec.functions]
        extra = [f for f in (3, 7, 5, 1, 9) if f in spec.functions and f not in have]
        return tuple(reversed((have + extra)[:3]))
    if voicing == "full" or len(fs) <= 4:
        return tuple(fs)
    return tuple(f for f in fs if f != 5)[:4]


def _into_register(voicing: tuple[int, ...], lo: int, hi: int) -> tuple[int, ...]:
    """Move the top (or bottom) voice an octave at a time until the average is in lo..hi."""
    v = list(voicing)
    for _ in range(4 * len(v)):
        centre = sum(v) / len(v)
        if centre > hi:
            v[v.index(max(v))] -= 12
        elif centre < lo:
            v[v.index(min(v))] += 12
        else:
            break
    return tuple(v)


def _shift_into(voicing: tuple[int, ...], lo: int, hi: int, floor: int) -> tuple[int, ...]:
    """Move the whole structure by octaves until its average is in lo..hi and its lowest
    voice is above ``floor``: every voice keeps its function and its neighbours."""
    v = voicing
    for _ in range(12):
        centre = sum(v) / len(v)
        if (centre > hi or max(v) > 127) and min(v) - 12 > floor:
            v = tuple(p - 12 for p in v)
        elif (centre < lo or min(v) <= floor) and max(v) + 12 <= 127:
            v = tuple(p + 12 for p in v)
        else:
            break
    return v


def _lift_above(voicing: tuple[int, ...], floor: int) -> tuple[int, ...]:
    """Raise the lowest voice an octave at a time while it is not above ``floor``."""
    v = list(voicing)
    for _ in range(2 * len(v)):
        if min(v) > floor:
            break
        v[v.index(min(v))] += 12
    return tuple(v)


def _faults(prev: tuple[int, ...], new: tuple[int, ...], bass: tuple[int, int] | None,
            lo: int, hi: int) -> int:
    """How badly ``new`` breaks the rules: 0 when it fits them all.

    Parallels count both voice by voice and by sorted position, since a listener (and the
    engraved chord) hears the sorted pitches as the lines."""
    bad = sum(1 for p in new if not 0 <= p <= 127)
    if not lo - 12 <= sum(new) / len(new) <= hi + 12:
        bad += 1
    if len(new) > 4:
        # five to seven voices (S9 .. S13 in full) span up to two octaves round the
        # register's centre, so an outer voice past it by more than ten semitones is a fault
        bad += sum(1 for p in new if not lo - 10 <= p <= hi + 10)
    if bass is not None:
        bad += sum(1 for p in new if p <= bass[1])
        bad += len(parallels_with_bass(prev, new, bass))
        bad += len(parallels_with_bass(sorted(prev), sorted(new), bass))
    return bad


def _motion(a: Sequence[int], b: Sequence[int]) -> int:
    """Total motion of the lines as heard: the sorted pitches, position by position."""
    return sum(abs(x - y) for x, y in zip(sorted(a), sorted(b), strict=True))


# The widest move a voice makes by step or third (a major third, in semitones).
_THIRD = 4


def _leap(a: Sequence[int], b: Sequence[int]) -> int:
    """The widest motion of one voice from ``a`` to ``b``, voice by voice."""
    return max(abs(x - y) for x, y in zip(a, b, strict=True))


# Moves searched for one that keeps every rule, and the octave placements of each voice
# tried for them; past these the candidates are only wider leaps.
_SEARCH = 12
_OCTAVES = (0, -12, 12)


def _search(prev: tuple[int, ...], moves: Sequence[tuple[int, ...]],
            bass: tuple[int, int] | None, lo: int, hi: int) -> tuple[int, ...] | None:
    """The rule-keeping placement of the first ``_SEARCH`` moves with the least motion: any
    voice may sit an octave up or down (another inversion), the average stays in lo..hi and
    the spread no wider than an octave (two beyond four voices) or the previous spread."""
    limit = max(12 if len(prev) <= 4 else 24, max(prev) - min(prev))
    best: tuple[int, int, tuple[int, ...]] | None = None
    for rank, move in enumerate(moves[:_SEARCH]):
        for shift in itertools.product(_OCTAVES, repeat=len(move)):
            v = tuple(p + d for p, d in zip(move, shift, strict=True))
            if (max(v) - min(v) > limit or not lo <= sum(v) / len(v) <= hi
                    or _faults(prev, v, bass, lo, hi)):
                continue
            key = (_motion(prev, v), rank, v)
            if best is None or key < best:
                best = key
    return None if best is None else best[2]


def _next_voicing(prev: tuple[int, ...], chord: Mapping[int, int], nxt: Mapping[int, int],
                  fmap: Any, bass: tuple[int, int] | None, lo: int, hi: int
                  ) -> tuple[int, ...]:
    """The voicing of ``nxt`` after ``prev``: the function map's move when one is given (the
    book's rule), else the nearest move; octave-corrected into the register. Where that
    breaks a rule (a voice at or below the bass, parallels with it) the nearest placement of
    the next moves that keeps every rule is taken."""
    floor = -1 if bass is None else bass[1]
    first: list[tuple[int, ...]] = []
    mapped = None if fmap is None else map_move(prev, chord, nxt, fmap)
    if mapped is not None:
        # A map keeps each voice on its function, so its move shifts as a block.
        block = _shift_into(mapped, lo, hi, floor)
        # Maps whose voices drift apart (two orbits rising and falling, as some S9 maps
        # do) are followed only while the structure stays within two octaves and its
        # outer voices within ten semitones of the register.
        def fits(b: tuple[int, ...]) -> bool:
            return max(b) - min(b) <= 24 and lo - 10 <= min(b) and max(b) <= hi + 10

        if not fits(block):
            # an outer voice left the register while the average did not: the structure
            # moves as a whole octave (the map kept) rather than one voice leaping
            block = next((s for s in (tuple(p + d for p in block) for d in (-12, 12))
                          if fits(s) and min(s) > floor), block)
        if fits(block):
            if _faults(prev, block, bass, lo, hi) == 0:
                return block
            first.append(block)
    moves = ranked_moves(prev, nxt)
    if mapped is not None:
        # The map was given up (its block too wide, or breaking a rule): of the free moves,
        # those that keep every voice within a third come first, so common tones held by
        # the ranking never cost a fourth elsewhere (Fm11 -> Cm11: G, Ab -> F, G rather
        # than G, Ab -> D, G). The ranking stands within each group.
        moves = (*(m for m in moves if _leap(prev, m) <= _THIRD),
                 *(m for m in moves if _leap(prev, m) > _THIRD))
    # A free move changes inversion instead: one outer voice by an octave.
    first.append(_lift_above(_into_register(moves[0], lo, hi), floor))
    for opt in first:
        if _faults(prev, opt, bass, lo, hi) == 0:
            return opt
    found = _search(prev, moves if mapped is None else [mapped, *moves], bass, lo, hi)
    if found is not None:
        return found
    return min(first, key=lambda o: _faults(prev, o, bass, lo, hi))


def voice(specs: Sequence[ChordSpec], key: str, *, voicing: str = "hybrid",
          maps: Sequence[Any] | None = None, bass_octave: int = 2, octave: int = 4,
          register: tuple[int, int] = (55, 79), style: str = "",
          moves: Sequence[str] = ()) -> Progression:
    """Voice-lead chord specs into a :class:`Progression`.

    ``voicing``: ``"hybrid"`` (bass root + three upper functions), ``"full"`` (bass root +
    every function of the structure above it) or ``"close"`` (no separate bass). The upper
    voices start centred inside ``register`` (the average pitch 5 semitones inside either
    end). ``maps[i]`` (a function map or None) leads chord i to chord i+1 by the book's rule;
    otherwise the voices take the nearest move.

    Rules kept on every move, in this order of preference: the map's move (or the nearest
    move), octave-corrected when the average of the upper voices leaves ``register`` or a
    voice falls to the bass; no upper voice at or below the bass; no parallel octaves or
    fifths between the bass and an upper voice. A map's move is corrected as a block (every
    voice an octave, keeping its function and its neighbours); a free move by an octave of
    its outer voice (a change of inversion). Where the preferred move breaks a rule the next
    nearest move (another inversion of the same chord) is taken.

    >>> p = voice([diatonic_spec("C major", d, "S5") for d in (1, 2)], "C major")
    >>> [c.pitches for c in p]           # C E G -> D F A would be parallel with C -> D
    [(48, 60, 64, 67), (50, 57, 62, 65)]
    """
    if voicing not in VOICINGS:
        raise ParameterError(f"voicing must be one of {', '.join(VOICINGS)}, got {voicing!r}")
    if not specs:
        raise ParameterError("length must be at least 1 (no chords given)")
    sc, key = key_and_scale(key)
    spelling = key_spelling(key)
    lo, hi = register
    first = specs[0]
    upf = _upper_functions(first, voicing)
    start = close_position([first.functions[f] for f in upf],
                            12 * (octave + 1) + first.functions[upf[0]])
    while sum(start) / len(start) > hi - 5 and min(start) >= 12:
        start = tuple(p - 12 for p in start)
    while sum(start) / len(start) < lo + 5 and max(start) <= 115:
        start = tuple(p + 12 for p in start)
    basses = [12 * (bass_octave + 1) + 4 + (s.root - 4) % 12 for s in specs]  # E..Eb
    chord_maps = [dict((f, s.functions[f]) for f in _upper_functions(s, voicing)) for s in specs]
    voicings: list[tuple[int, ...]] = [start]
    for i in range(1, len(specs)):
        fmap = None if maps is None else maps[i - 1]
        bass = None if voicing == "close" else (basses[i - 1], basses[i])
        voicings.append(_next_voicing(voicings[-1], chord_maps[i - 1], chord_maps[i], fmap,
                                      bass, lo, hi))
    chords: list[Chord] = []
    for spec, up in zip(specs, voicings, strict=True):
        pitches = tuple(sorted(up))
        if voicing != "close":
            pitches = (basses[len(chords)], *pitches)
        for p in pitches:
            if not 0 <= p <= 127:
                raise ParameterError(f"octave: chord pitch {p} is outside 0..127")
        pcs = {pc for pc in spec.functions.values()}
        chords.append(Chord(
            root=spec.root, structure=spec.structure, pitches=pitches,
            symbol=chord_symbol(spec.root, pcs, spelling, functions=spec.functions),
            roman=roman_numeral(spec.root, spec.functions, sc, key),
            degree=spec.degree, functions=tuple(sorted(spec.functions.items()))))
    return Progression(key=key, chords=tuple(chords), style=style, moves=tuple(moves))


def respell(progression: Progression, step: int) -> Progression:
    """``progression`` with its chord symbols spelled for roots moving by ``step`` semitones.

    Roots rising by a semitone, a tone or a fifth read in sharps (C D E F#), every other
    constant motion in flats (C F Bb Eb, C A Gb Eb), so a chain of chords outside any key
    does not switch spelling halfway (C7 F7 ... Ab7 Db7, not Ab7 C#7).

    >>> p = voice([symbol_spec(s) for s in ("Ab", "C#")], "C major")
    >>> respell(p, 5).symbols
    ('Ab', 'Db')
    """
    names = SHARP_NAMES if step % 12 in (1, 2, 7) else FLAT_NAMES
    return dataclasses.replace(progression, chords=tuple(
        dataclasses.replace(ch, symbol=chord_symbol(ch.root, ch.pitch_classes, names,
                                                    functions=dict(ch.functions)))
        for ch in progression.chords))

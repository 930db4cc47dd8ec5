"""Book V: voice-led progressions: on root degrees, on cycles, by chord symbols, and Type III
progressions on symmetric tonics.

>>> cycle_progression("C major", "C5", length=4).symbols
('Cmaj7', 'Fmaj7', 'Bm7b5', 'Em7')
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from ..checks import check_int
from ..errors import ParameterError, ParameterTypeError
from ..pitch import NOTE_NAMES
from ..scales import symmetric_tonics
from .cycles import TYPE_III_CYCLE, check_direction, cycle_degrees, cycle_name
from .structures import SYMMETRIC_STRUCTURES, key_and_scale, symmetric_functions
from .voice_leading import function_map
from .voicing import ChordSpec, Progression, diatonic_spec, respell, symbol_spec, voice

__all__ = [
    "chords_from_symbols",
    "cycle_progression",
    "progression",
    "symmetric_progression",
    "type_iii",
]


def progression(key: str, degrees: Sequence[int], structure: str = "S7", *,
                voicing: str = "hybrid", bass_octave: int = 2, octave: int = 4) -> Progression:
    """Voice-led diatonic chords on root ``degrees`` of ``key``.

    >>> progression("C major", (2, 5, 1), "S7").romans
    ('ii7', 'V7', 'Imaj7')
    """
    sc, key = key_and_scale(key)
    if isinstance(degrees, str) or not isinstance(degrees, Sequence):
        raise ParameterTypeError(f"degrees must be a sequence of ints 1..{len(sc)}, "
                        f"got {type(degrees).__name__} {degrees!r}")
    if not degrees:
        raise ParameterError("degrees must not be empty (length 0)")
    specs = [diatonic_spec(sc, check_int("degrees", d, 1, len(sc)), structure) for d in degrees]
    moves = tuple(cycle_name(a, b, len(sc)) for a, b in itertools.pairwise(degrees))
    return voice(specs, key, voicing=voicing, bass_octave=bass_octave, octave=octave,
                 moves=moves)


def cycle_progression(key: str, kind: str | Sequence[str] = "C5",
                      direction: str = "positive", length: int | None = 7,
                      structure: str = "S7", *, voicing: str = "full", start: int = 1,
                      octave: int = 4) -> Progression:
    """A cycle (or binomial/trinomial) progression voice-led by Schillinger's function maps.

    With ``voicing="full"`` the upper voices carry all functions of the structure, so the
    maps apply: roots stay as common tones and the moving voices go by step (S5, S7: the
    book's maps; S9 .. S13: the maps its rule implies, :func:`.voice_leading.derived_map`,
    where no voice moves more than a third and S13 holds every tone). ``length=None`` gives
    the closure.

    A cycle drifts by a step at a time (positive C7 with S7 falls about two octaves in 21
    chords), so when the average of the upper voices leaves the register (a fifth below to a
    seventh above C of ``octave``, 55..79 for octave 4) or a voice reaches the bass, the whole
    upper structure moves an octave: each voice keeps its function, nothing crosses, and as
    no map sends 1 to 1 or 5 to 5 no voice moves in parallel octaves or fifths with the bass.

    >>> p = cycle_progression("C major", "C3", length=3)
    >>> [c.pitches[1:] for c in p]
    [(60, 64, 67, 71), (60, 64, 67, 69), (60, 64, 65, 69)]
    """
    sc, key = key_and_scale(key)
    kinds = (kind,) if isinstance(kind, str) else tuple(kind)
    degs = cycle_degrees(kinds, direction, length, start, units=len(sc))
    specs = [diatonic_spec(sc, d, structure) for d in degs]
    maps: list[Any] = []
    for i in range(len(degs) - 1):
        try:
            maps.append(function_map(kinds[i % len(kinds)], structure, direction))
        except ValueError:
            maps.append(None)
    sign = "+" if direction == "positive" else "-"
    moves = tuple(kinds[i % len(kinds)] + sign for i in range(len(degs) - 1))
    c = 12 * (octave + 1)
    return voice(specs, key, voicing=voicing, maps=maps, octave=octave,
                 register=(c - 5, c + 19), moves=moves)


def _symmetric_structures(structures: str | Sequence[str]) -> tuple[str, ...]:
    """The structure names of a symmetric progression, each checked (one name or several,
    taken in turn)."""
    names = (structures,) if isinstance(structures, str) else tuple(structures)
    if not names:
        raise ParameterError("structures must not be empty")
    for s in names:
        if s not in SYMMETRIC_STRUCTURES:
            raise ParameterError(f"structures must be among S1, S2, S3, S4, got {s!r}")
    return names


def type_iii(tonic: int | str = 0, n: int = 3, structures: str | Sequence[str] = "S1",
             direction: str = "positive", length: int | None = None, *,
             key: str | None = None, voicing: str = "hybrid") -> Progression:
    """Type III progression: symmetric S5 structures on ``n`` symmetric tonics.

    2 tonics go with C5, 3 and 4 with C3 (roots fall by 12/n in the positive direction),
    6 and 12 with C7 (roots rise). ``structures`` (S1..S4) are used in turn.

    >>> type_iii("C", 3).symbols
    ('C', 'Ab', 'E')
    >>> type_iii("C", 4, ("S2", "S1"), direction="negative").symbols
    ('Cm', 'Eb', 'F#m', 'A')
    """
    tonics = symmetric_tonics(n, tonic)
    names = _symmetric_structures(structures)
    sign = check_direction(direction)
    falls = TYPE_III_CYCLE[n] in ("C3", "C5") if n > 1 else True
    step = (12 // n) * (-1 if falls else 1) * sign
    count = n if length is None else check_int("length", length, 1, 4096)
    roots = [(tonics[0] + i * step) % 12 for i in range(count)]
    specs = [ChordSpec(r, symmetric_functions(r, names[i % len(names)]), names[i % len(names)])
             for i, r in enumerate(roots)]
    k = key if key is not None else f"{NOTE_NAMES[tonics[0] % 12]} major"
    kind = TYPE_III_CYCLE[n] if n > 1 else "="
    return voice(specs, k, voicing=voicing, moves=(kind + ("+" if sign > 0 else "-"),) *
                 (count - 1), style="symmetric")


def symmetric_progression(tonic: int | str = 0, n: int = 12, octaves: int = 5,
                          structures: str | Sequence[str] = "S1",
                          direction: str = "positive", length: int | None = None, *,
                          key: str | None = None, voicing: str = "hybrid") -> Progression:
    """Generalized symmetric progression (Book V, Ch. 12): roots on ``n`` equal parts of
    ``octaves`` octaves.

    Type III puts roots on 2, 3, 4, 6 or 12 tonics of one octave; the generalization takes
    the tonics of Book II's fourth group, ``symmetric_tonics(n, octaves=octaves)``, so the
    roots step through those tonics: twelve parts of five octaves by fourths (C F Bb ...),
    three parts of two octaves by minor sixths, the roots of C Ab E. ``structures``
    (S1 = 4+3, S2 = 3+4, S3 = 4+4, S4 = 3+3) are used in turn.

    *(convention)* The direction follows the book's positive cycles, read from the step's
    interval: a step of a third or sixth falls a third (C3), of a fourth or fifth rises a
    fourth (C5), of a second or seventh rises a second (C7), a tritone falls (as Type III on
    2 tonics). So one octave gives exactly the roots of :func:`type_iii`; negative runs the
    other way round the same tonics.

    Parameters
    ----------
    tonic : int or str
        The first root (pitch class or name).
    n : int
        Number of equal parts (roots), a divisor of 12·octaves.
    octaves : int
        Octaves divided (1..8); 1 gives the roots of Type III.
    structures : str or sequence of str
        Symmetric structures used in turn.
    direction : str
        ``"positive"`` (the book's positive sense, above) or ``"negative"``.
    length : int, optional
        Number of chords; default ``n`` (one turn of the system).
    key : str, optional
        Key for names and numerals; default the tonic's major.
    voicing : str
        ``"hybrid"`` (bass and three upper voices), ``"full"`` or ``"close"``.

    Returns
    -------
    Progression
        Voice-led by the rules of :func:`~.voicing.voice` (no parallel octaves or fifths
        with the bass).

    Examples
    --------
    >>> symmetric_progression("C", 12, 5, length=4).symbols
    ('C', 'F', 'Bb', 'Eb')
    >>> symmetric_progression("C", 3, 2, ("S1", "S2")).symbols
    ('C', 'Abm', 'E')
    >>> symmetric_progression("C", 6, 5, "S4", "negative").symbols     # 10 semitones apart
    ('Cdim', 'Bbdim', 'Abdim', 'Gbdim', 'Edim', 'Ddim')
    """
    tonics = symmetric_tonics(n, tonic, octaves=octaves)
    names = _symmetric_structures(structures)
    sign = check_direction(direction)
    c = (12 * octaves // n) % 12
    if n > 1 and c == 0:
        raise ParameterError(f"n: {n} parts of {octaves} octaves step by whole octaves, so the "
                             f"roots would not move; choose n not dividing {octaves}",
                             field="n")
    small = min(c, 12 - c)
    # the positive sense of the cycle the step's interval belongs to (C3, C5, C7; tritone)
    positive = -small if small in (3, 4, 6) else 5 if small == 5 else small
    step = positive * sign
    count = n if length is None else check_int("length", length, 1, 4096)
    roots = [(tonics[0] + i * step) % 12 for i in range(count)]
    specs = [ChordSpec(r, symmetric_functions(r, names[i % len(names)]), names[i % len(names)])
             for i, r in enumerate(roots)]
    k = key if key is not None else f"{NOTE_NAMES[tonics[0] % 12]} major"
    move = f"{step:+d}"
    return respell(voice(specs, k, voicing=voicing, moves=(move,) * (count - 1),
                         style="symmetric"), step)


def chords_from_symbols(symbols: Sequence[str], key: str = "C major", *,
                        voicing: str = "hybrid", octave: int = 4) -> Progression:
    """Voice-led chords from symbols such as ``["C", "Am", "F", "G7"]``.

    >>> chords_from_symbols(["C", "Am", "F", "G7"]).romans
    ('I', 'vi', 'IV', 'V7')
    """
    if isinstance(symbols, str) or not symbols:
        raise ParameterError(f"chords must be a non-empty list of chord symbols, got {symbols!r}")
    specs = []
    for s in symbols:
        try:
            specs.append(symbol_spec(s))
        except ValueError as exc:
            raise ParameterError(f"chords: {exc}") from None
    return voice(specs, key, voicing=voicing, octave=octave)

"""Book V: modulation from one key to another through a common (pivot) chord.

A modulation in the diatonic system takes three chords after the old tonic: a chord the two
keys share (the pivot, heard in the old key and read in the new), the new key's dominant
seventh (V7) and the new tonic. :func:`common_chords` lists the pivots two keys offer;
:func:`modulate` voices the whole move.

*(convention)* SCHILLINGER.md quotes no modulation text. Among the common chords we take the
one that prepares the new dominant best, read in the new key: its ii, then IV, vi, I, iii
(the chords whose roots fall a fifth or a third to V's root, the positive cycles C5 and C3),
and the new tonic only when nothing else is shared;
keys with no chord in common (F# major after C major) go straight to the new V7, a direct
(chromatic) modulation, and the result says so.

>>> common_chords("C major", "G major", "S5")
((1, 4), (3, 6), (5, 1), (6, 2))
>>> modulate("C major", "G major").symbols
('C', 'Am', 'D7', 'G')
"""

from __future__ import annotations

from ..errors import ParameterError
from ..scales import Scale
from .structures import STRUCTURES, check_structure, functions, key_and_scale
from .voicing import ChordSpec, Progression, voice

__all__ = ["PIVOT_PREFERENCE", "common_chords", "modulate"]

PIVOT_PREFERENCE = (2, 4, 6, 3, 7, 1)
"""Degrees of the new key a pivot is best read as, best first; the new tonic comes last
(heard before V7 it would arrive early) and the new dominant is never the pivot."""


def common_chords(from_key: str, to_key: str, structure: str = "S5"
                  ) -> tuple[tuple[int, int], ...]:
    """The chords two keys share: ``(degree in from_key, degree in to_key)`` pairs.

    A chord is shared when the structure on one degree of each key holds the same pitch
    classes.

    Parameters
    ----------
    from_key, to_key : str
        Key names such as ``"C major"``, ``"E minor"``.
    structure : str
        S5 (triads) .. S13.

    Returns
    -------
    tuple of (int, int)
        Ascending by the old key's degree.

    Examples
    --------
    >>> common_chords("C major", "A minor", "S7")[:2]
    ((1, 3), (2, 4))
    >>> common_chords("C major", "F# major")
    ()
    """
    a, _ = key_and_scale(from_key)
    b, _ = key_and_scale(to_key)
    if check_structure(structure) not in STRUCTURES:
        raise ParameterError(f"structure must be one of {', '.join(STRUCTURES)}, got "
                             f"{structure!r}", field="structure")
    out = []
    for da in range(1, len(a) + 1):
        fa = functions(a, da, structure)
        for db in range(1, len(b) + 1):
            fb = functions(b, db, structure)
            if fa == fb:
                out.append((da, db))
    return tuple(out)


def modulate(from_key: str, to_key: str, structure: str = "S5", *,
             voicing: str = "hybrid") -> Progression:
    """Old tonic, pivot chord, the new key's V7, new tonic: a voiced modulation.

    The progression is named in the new key (its romans read the pivot as the new key
    hears it); ``moves`` is ``("pivot", "V7", "I")`` or, without a common chord,
    ``("direct", "I")``.

    Parameters
    ----------
    from_key, to_key : str
        The keys (diatonic scales of seven units).
    structure : str
        The structure of the tonic and pivot chords (S5 .. S13); the dominant is S7.
    voicing : str
        Passed to the voice leader.

    Returns
    -------
    Progression

    Examples
    --------
    >>> p = modulate("C major", "D minor")
    >>> p.symbols, p.moves
    (('C', 'F', 'A7', 'Dm'), ('pivot', 'V7', 'I'))
    >>> modulate("C major", "F# major").moves
    ('direct', 'I')
    """
    a, _ = key_and_scale(from_key)
    b, key = key_and_scale(to_key)
    if len(a) != 7 or len(b) != 7:
        raise ParameterError("to_key: modulation needs seven-unit (diatonic) keys, got "
                             f"{len(a)} and {len(b)} units", field="to_key")
    pivots = common_chords(from_key, to_key, structure)
    usable = [p for p in pivots if p[1] != 5 and p[0] != 1]
    specs = [_spec(a, 1, structure)]
    if usable:
        _old, db = min(usable, key=lambda p: PIVOT_PREFERENCE.index(p[1]))
        specs.append(_spec(b, db, structure))
        moves: tuple[str, ...] = ("pivot", "V7", "I")
    else:
        moves = ("direct", "I")
    dominant = functions(b, 5, "S5")
    # the dominant seventh: the minor seventh above V's root whatever the mode (the leading
    # tone of harmonic minor included), so V7 always resolves to the new tonic
    root = dominant[1]
    fs = {1: root, 3: (root + 4) % 12, 5: (root + 7) % 12, 7: (root + 10) % 12}
    specs.append(ChordSpec(root, fs, "S7", 5))
    specs.append(_spec(b, 1, structure))
    return voice(specs, key, voicing=voicing, moves=moves)


def _spec(sc: Scale, degree: int, structure: str) -> ChordSpec:
    fs = functions(sc, degree, structure)
    return ChordSpec(fs[1], fs, structure, degree)

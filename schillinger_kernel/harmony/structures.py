"""Book V: diatonic structures (S5 .. S13), the four-part hybrid and the symmetric structures,
with the key and structure checks every harmony module shares.

>>> structure("C major", 2, "S7")
(62, 65, 69, 72)
>>> functions("A minor", 5, "S5")
{1: 4, 3: 7, 5: 11}
"""

from __future__ import annotations

from collections.abc import Sequence

from ..checks import check_int
from ..errors import ParameterError, ParameterTypeError
from ..pitch import to_midi_pitch
from ..scales import Scale, key_scale, symmetric_tonics

__all__ = [
    "HYBRID_UPPER",
    "STRUCTURES",
    "SYMMETRIC_STRUCTURES",
    "VOICINGS",
    "check_structure",
    "close_position",
    "functions",
    "hybrid",
    "key_and_scale",
    "structure",
    "symmetric_functions",
    "symmetric_structure",
    "type_iii_scale",
]


STRUCTURES: dict[str, tuple[int, ...]] = {
    "S5": (1, 3, 5), "S7": (1, 3, 5, 7), "S9": (1, 3, 5, 7, 9), "S11": (1, 3, 5, 7, 9, 11),
    "S13": (1, 3, 5, 7, 9, 11, 13),
}


HYBRID_UPPER: dict[str, tuple[int, int, int]] = {
    "S5": (5, 3, 1), "S7": (7, 5, 3), "S9": (9, 7, 3), "S11": (11, 9, 7), "S13": (13, 9, 7),
}


SYMMETRIC_STRUCTURES: dict[str, tuple[int, int]] = {
    "S1": (4, 3), "S2": (3, 4), "S3": (4, 4), "S4": (3, 3),
}


VOICINGS = ("hybrid", "full", "close")


def key_and_scale(key: str) -> tuple[Scale, str]:
    """The scale of ``key`` and the key's name as given (stripped).

    >>> key_and_scale(" A minor ")[1]
    'A minor'
    """
    if not isinstance(key, str):
        raise ParameterError(f"key must be a name like 'C major', got {key!r}")
    try:
        sc = key_scale(key)
    except ValueError as exc:
        raise ParameterError(f"key: {exc}") from None
    return sc, key.strip()


def check_structure(name: str) -> str:
    """``name`` if it names a diatonic or symmetric structure (S5 .. S13, S1 .. S4)."""
    if name not in STRUCTURES and name not in SYMMETRIC_STRUCTURES:
        allowed = ", ".join([*STRUCTURES, *SYMMETRIC_STRUCTURES])
        raise ParameterError(f"structure must be one of {allowed}, got {name!r}")
    return name


def functions(key: str | Scale, degree: int, name: str = "S7") -> dict[int, int]:
    """``{function: pitch class}`` of a diatonic structure on ``degree`` of ``key``.

    >>> functions("A minor", 5, "S5")
    {1: 4, 3: 7, 5: 11}
    """
    sc = key if isinstance(key, Scale) else key_and_scale(key)[0]
    check_int("degree", degree, 1, len(sc))
    if check_structure(name) not in STRUCTURES:
        raise ParameterError(f"structure: {name!r} is symmetric; use symmetric_structure()")
    base = degree - 1
    return {f: sc.at(base + f - 1, sc.tonic) % 12 for f in STRUCTURES[name]}


def structure(key: str, degree: int, name: str = "S7", octave: int = 4, *,
              negative: bool = False) -> tuple[int, ...]:
    """Pitches of structure ``name`` (S5..S13) on ``degree`` (1-based) of ``key``.

    The root is the degree in ``octave`` (the tonic of octave 4 is the one from C4 up).
    A positive structure stacks the units of E1 upward (functions 1, 3, 5, ...); a
    **negative** one (Book V, negative harmony; SCHILLINGER.md names no chapter) stacks
    them downward from the same root, functions -1, -3, -5, ...: negative S(5) on c is
    c, a, f (c = -1, a = -3, f = -5).
    Negative pitches are listed in that order, falling, so ``[0]`` is the root either way.

    Parameters
    ----------
    key : str
        A key name such as ``"C major"``.
    degree : int
        The root's degree, 1..units of the key's scale.
    name : str
        S5, S7, S9, S11 or S13.
    octave : int
        Octave of the root.
    negative : bool
        Build downward (the negative structure).

    Returns
    -------
    tuple of int
        MIDI pitches, root first.

    Examples
    --------
    >>> structure("C major", 5, "S9")
    (67, 71, 74, 77, 81)
    >>> structure("A minor", 1, "S5")
    (69, 72, 76)
    >>> structure("C major", 1, "S5", negative=True)
    (60, 57, 53)
    """
    sc, _ = key_and_scale(key)
    check_int("degree", degree, 1, len(sc))
    check_int("octave", octave, -1, 9)
    if not isinstance(negative, bool):
        raise ParameterTypeError(f"negative must be True or False, got {negative!r}",
                                 field="negative")
    if check_structure(name) not in STRUCTURES:
        raise ParameterError(f"structure: {name!r} is symmetric; use symmetric_structure()")
    root = sc.pitch(degree, octave)
    idx = sc.index_of(root, sc.tonic)
    sign = -1 if negative else 1
    out = tuple(sc.at(idx + sign * (f - 1), sc.tonic) for f in STRUCTURES[name])
    bad = [p for p in out if not 0 <= p <= 127]
    if bad:
        raise ParameterError(f"octave: structure reaches pitch {bad[0]}, outside MIDI 0..127",
                             field="octave")
    return out


def hybrid(key: str, degree: int, name: str = "S7", bass_octave: int = 3,
           octave: int = 4) -> tuple[int, ...]:
    """Four-part hybrid harmony: the root in the bass, three upper functions in close position.

    Upper functions: S5 -> 5,3,1; S7 -> 7,5,3; S9 -> 9,7,3; S11 -> 11,9,7; S13 -> 13,9,7
    (listed top down). Returns ``(bass, tenor, alto, soprano)``.

    >>> hybrid("C major", 1, "S7")
    (48, 64, 67, 71)
    >>> hybrid("C major", 5, "S13")
    (55, 65, 69, 76)
    """
    sc, _ = key_and_scale(key)
    check_int("degree", degree, 1, len(sc))
    check_int("bass_octave", bass_octave, -1, 8)
    check_int("octave", octave, -1, 9)
    if check_structure(name) not in HYBRID_UPPER:
        raise ParameterError(f"structure must be one of {', '.join(HYBRID_UPPER)}, got {name!r}")
    fs = functions(sc, degree, name)
    bass = sc.pitch(degree, bass_octave)
    upper = close_position([fs[f] for f in reversed(HYBRID_UPPER[name])],
                            12 * (octave + 1) + fs[HYBRID_UPPER[name][2]] % 12)
    return (bass, *upper)


def close_position(pcs: Sequence[int], lowest: int) -> tuple[int, ...]:
    """``pcs`` stacked upward in close position from the first at or above ``lowest``."""
    out = [lowest]
    for pc in pcs[1:]:
        p = out[-1] + (pc - out[-1]) % 12
        out.append(p if p > out[-1] else p + 12)
    return tuple(out)


def symmetric_structure(root: int | str, name: str = "S1") -> tuple[int, ...]:
    """Symmetric S5 on ``root`` (MIDI pitch or name): S1 4+3, S2 3+4, S3 4+4, S4 3+3.

    >>> symmetric_structure(60, "S3"), symmetric_structure("A3", "S4")
    ((60, 64, 68), (57, 60, 63))
    """

    r = to_midi_pitch(root)
    if name not in SYMMETRIC_STRUCTURES:
        raise ParameterError(f"name must be one of {', '.join(SYMMETRIC_STRUCTURES)}, got {name!r}")
    a, b = SYMMETRIC_STRUCTURES[name]
    if r + a + b > 127:
        raise ParameterError(f"root {r} is too high for {name}")
    return (r, r + a, r + a + b)


def symmetric_functions(root_pc: int, name: str) -> dict[int, int]:
    """``{function: pitch class}`` of the symmetric structure ``name`` on ``root_pc``."""
    a, b = SYMMETRIC_STRUCTURES[name]
    return {1: root_pc % 12, 3: (root_pc + a) % 12, 5: (root_pc + a + b) % 12}


def type_iii_scale(tonic: int | str, n: int, structure: str = "S1") -> tuple[int, ...]:
    """Pitch classes of Type III harmony: symmetric ``structure`` on ``n`` symmetric tonics.

    Book V (Type III, symmetric progressions): the harmony's pitch material is the union
    of the structure (S1 4+3, S2 3+4, S3 4+4, S4 3+3) built on each of the ``n`` tonics
    (2, 3, 4, 6 or 12) that divide the octave from ``tonic``; listed ascending from the
    tonic's class. C and F# with S1 give c db e f# g a#.

    Parameters
    ----------
    tonic : int or str
        The first tonic (pitch class or name).
    n : int
        Number of symmetric tonics: 1, 2, 3, 4, 6 or 12.
    structure : str
        S1, S2, S3 or S4.

    Returns
    -------
    tuple of int
        Distinct pitch classes, ascending from the tonic's class.

    Examples
    --------
    >>> type_iii_scale("C", 2, "S1")
    (0, 1, 4, 6, 7, 10)
    >>> type_iii_scale("C", 3, "S3")
    (0, 4, 8)
    """
    tonics = symmetric_tonics(n, tonic)
    if structure not in SYMMETRIC_STRUCTURES:
        raise ParameterError(f"structure must be one of {', '.join(SYMMETRIC_STRUCTURES)}, "
                             f"got {structure!r}", field="structure")
    first = tonics[0] % 12
    pcs = {pc for t in tonics for pc in symmetric_functions(t, structure).values()}
    return tuple(sorted(pcs, key=lambda pc: (pc - first) % 12))

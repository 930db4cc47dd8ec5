"""Book V: the structures S(6) and S(4/6), their doublings, and the passing S(4/6).

Schillinger counts S(6) and S(4/6) from their lowest tone, in units of the scale (not of
E1): S(6) is the bass with the third and the sixth above it (1, 3, 6: on c in C major,
c e a); S(4/6) the bass with the fourth and the sixth (1, 4, 6: c f a). Read as triads they
are S(5) in its first and second inversion (c e a is A minor over its third), but the book
treats each as a structure of its own whose function 1 is the bass.

In four parts one function sounds twice: ``doubling`` names it (1, the bass, by default;
the upper voices then hold the other two functions and the bass an octave or more up).

The passing S(4/6) (:func:`passing_six_four`): S(5) on a degree moves to its own S(6)
(the same harmony over its third) through S(4/6) on the step between, the bass walking by
step (I, V over its fifth, I over its third: c-e-g, d-g-b, e-g-c). *(convention)* Our
sources quote no text of these chapters; we keep the reading every harmony book shares:
the bass walks by step, the upper voices hold common tones or move by step, nothing moves
in parallel octaves or fifths with the bass, and the S(4/6) doubles its bass.

>>> sixth_structure("C major", 1, "S6"), sixth_structure("C major", 1, "S46")
((60, 64, 69), (60, 65, 69))
>>> passing_six_four("C major", 1)
((48, 55, 64, 72), (50, 55, 62, 71), (52, 55, 60, 72))
"""

from __future__ import annotations

from ..checks import check_int
from ..errors import ParameterError
from .structures import close_position, functions, key_and_scale
from .voice_leading import step_move

__all__ = [
    "SIXTH_STRUCTURES",
    "passing_six_four",
    "sixth_chord",
    "sixth_functions",
    "sixth_structure",
]


SIXTH_STRUCTURES: dict[str, tuple[int, int, int]] = {"S6": (1, 3, 6), "S46": (1, 4, 6)}

_ALIASES = {"S6": "S6", "S(6)": "S6", "S46": "S46", "S4/6": "S46", "S(4/6)": "S46",
            "S64": "S46", "S6/4": "S46", "S(6/4)": "S46"}


def _name(name: str) -> str:
    if not isinstance(name, str) or name.replace(" ", "") not in _ALIASES:
        raise ParameterError(f"name must be S6 (also 'S(6)') or S46 (also 'S(4/6)', "
                             f"'S4/6'), got {name!r}", field="name")
    return _ALIASES[name.replace(" ", "")]


def sixth_functions(key: str, degree: int, name: str = "S6") -> dict[int, int]:
    """``{function: pitch class}`` of S(6) or S(4/6) whose bass is ``degree`` of ``key``.

    Parameters
    ----------
    key : str
        A key name such as ``"C major"``.
    degree : int
        The degree of the bass (function 1), 1..units of the key's scale.
    name : str
        ``"S6"`` / ``"S(6)"`` or ``"S46"`` / ``"S(4/6)"``.

    Returns
    -------
    dict of int to int
        Function (counted in scale units from the bass) to pitch class.

    Examples
    --------
    >>> sixth_functions("C major", 5, "S46")
    {1: 7, 4: 0, 6: 4}
    """
    sc, _ = key_and_scale(key)
    check_int("degree", degree, 1, len(sc))
    return {f: sc.at(degree - 1 + f - 1, sc.tonic) % 12 for f in SIXTH_STRUCTURES[_name(name)]}


def sixth_structure(key: str, degree: int, name: str = "S6", octave: int = 4
                    ) -> tuple[int, ...]:
    """Pitches of S(6) or S(4/6) on the bass ``degree`` of ``key``, bass first, rising.

    Parameters
    ----------
    key : str
        A key name.
    degree : int
        The bass's degree, 1-based.
    name : str
        ``"S6"`` or ``"S46"`` (and the book's spellings ``"S(6)"``, ``"S(4/6)"``).
    octave : int
        Octave of the bass.

    Returns
    -------
    tuple of int
        Three MIDI pitches.

    Examples
    --------
    >>> sixth_structure("A minor", 1, "S6")
    (69, 72, 77)
    """
    sc, _ = key_and_scale(key)
    check_int("degree", degree, 1, len(sc))
    check_int("octave", octave, -1, 9)
    bass = sc.pitch(degree, octave)
    idx = sc.index_of(bass, sc.tonic)
    out = tuple(sc.at(idx + f - 1, sc.tonic) for f in SIXTH_STRUCTURES[_name(name)])
    if out[-1] > 127:
        raise ParameterError(f"octave: the structure reaches pitch {out[-1]}, outside MIDI "
                             f"0..127", field="octave")
    return out


def sixth_chord(key: str, degree: int, name: str = "S6", *, doubling: int = 1,
                bass_octave: int = 3, octave: int = 4) -> tuple[int, ...]:
    """Four-part S(6) or S(4/6): the bass and three upper voices in close position.

    Parameters
    ----------
    key, degree, name
        As for :func:`sixth_structure`.
    doubling : int
        The function that sounds twice: 1 (the bass, default), 3 or 6 for S(6), 4 or 6 for
        S(4/6). The upper voices hold the two functions above the bass and, on top, the
        doubled one.
    bass_octave : int
        Octave of the bass.
    octave : int
        Octave from which the upper voices rise.

    Returns
    -------
    tuple of int
        ``(bass, tenor, alto, soprano)``.

    Examples
    --------
    >>> sixth_chord("C major", 3, "S6")                  # e | g c' e'
    (52, 67, 72, 76)
    >>> sixth_chord("C major", 3, "S6", doubling=3)      # e | g c' g'
    (52, 67, 72, 79)
    """
    n = _name(name)
    fs = sixth_functions(key, degree, n)
    check_int("bass_octave", bass_octave, -1, 8)
    check_int("octave", octave, -1, 9)
    if doubling not in fs:
        raise ParameterError(f"doubling must be a function of {n}: "
                             f"{', '.join(map(str, fs))}, got {doubling!r}", field="doubling")
    sc, _ = key_and_scale(key)
    bass = sc.pitch(degree, bass_octave)
    # the bass's two companions, then the doubled function on top of them
    upper_fs = [*(f for f in fs if f != 1), doubling]
    upper = close_position([fs[f] for f in upper_fs], 12 * (octave + 1) + fs[upper_fs[0]])
    while upper[0] <= bass:
        upper = tuple(p + 12 for p in upper)
    if upper[-1] > 127:
        raise ParameterError(f"octave: the chord reaches pitch {upper[-1]}, outside MIDI "
                             f"0..127", field="octave")
    return (bass, *upper)


def passing_six_four(key: str, degree: int, *, direction: str = "up", bass_octave: int = 3,
                     octave: int = 4) -> tuple[tuple[int, ...], ...]:
    """S(5) to its S(6) through a passing S(4/6), the bass walking by step.

    ``direction="up"``: S(5) on ``degree``, S(4/6) on the next degree, S(6) on the third
    (I - V6/4 - I6 for degree 1). ``"down"`` runs the same chords backward, from S(6) over
    the third down to S(5) on ``degree``.

    Parameters
    ----------
    key : str
        A key name.
    degree : int
        The degree whose S(5) is prolonged.
    direction : str
        ``"up"`` or ``"down"``.
    bass_octave, octave : int
        Octaves of the bass and of the upper voices.

    Returns
    -------
    tuple of tuple of int
        Three four-part chords ``(bass, tenor, alto, soprano)``: every upper voice holds or
        moves by step, none in parallel octaves or fifths with the bass.

    Examples
    --------
    >>> passing_six_four("C major", 1, direction="down")
    ((52, 55, 60, 72), (50, 55, 62, 71), (48, 55, 64, 72))
    >>> passing_six_four("A minor", 4, bass_octave=2)      # d f a, e a c, f a d
    ((50, 57, 65, 74), (52, 57, 64, 72), (53, 57, 62, 74))
    """
    if direction not in ("up", "down"):
        raise ParameterError(f"direction must be 'up' or 'down', got {direction!r}",
                             field="direction")
    sc, _ = key_and_scale(key)
    check_int("degree", degree, 1, len(sc))
    check_int("bass_octave", bass_octave, -1, 7)
    check_int("octave", octave, -1, 8)
    base = sc.index_of(sc.pitch(degree, bass_octave), sc.tonic)
    basses = [sc.at(base + i, sc.tonic) for i in range(3)]
    chords = [functions(sc, degree, "S5"),
              sixth_functions(key, (degree % len(sc)) + 1, "S46"),
              sixth_functions(key, ((degree + 1) % len(sc)) + 1, "S6")]
    # the S(5)'s hybrid upper functions 5, 3, 1 rising from the fifth below ``octave``: open
    # position, the one from which the doubled bass of S(4/6) can leave against the bass
    first = chords[0]
    upper = close_position([first[5], first[3], first[1]], 12 * (octave + 1) + first[5] - 12)
    while upper[0] <= basses[0]:
        upper = tuple(p + 12 for p in upper)
    required = ((1, 3, 5), (1, 4, 6), (3, 6))
    voicings = [upper]
    for i in (1, 2):
        voicings.append(step_move(voicings[-1], chords[i], (basses[i - 1], basses[i]), required[i]))
    up = tuple((b, *sorted(v)) for b, v in zip(basses, voicings, strict=True))
    # down runs the same chords backward, so both directions sound the same voicings
    return up if direction == "up" else up[::-1]

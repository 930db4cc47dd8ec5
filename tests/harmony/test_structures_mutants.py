"""Book V's structures at their edges, worked by hand from the scale (C major c d e f g a b;
A natural minor a b c d e f g): every structure size, positive and negative, both ends of each
range, the four-part hybrid's upper functions, close position, the symmetric structures
(S1 4+3, S2 3+4, S3 4+4, S4 3+3) and Type III material, with each error's class, field and
words.

Written against the mutants that survived ``mutmut`` on ``harmony/structures.py`` with the
harmony tests that own it; see ``bench/mutation.py``.

Survivors judged equivalent: ``functions``' ``sc.at(..., sc.tonic)`` with the tonic dropped
or ``None`` (``Scale.at`` takes the scale's tonic by default); ``hybrid``'s own ``degree``
check with a bound dropped (the ``functions`` call that follows makes the same check with
the same words); ``% 13`` in place of ``% 12`` on a pitch class that is already 0..11
(``hybrid``'s lowest upper function, ``type_iii_scale``'s first tonic), and in
``type_iii_scale``'s sort key (two pitch classes differ by at most 11, so the orders of
``(pc - first) % 12`` and ``% 13`` agree).
"""

from __future__ import annotations

import pytest

from schillinger_kernel.errors import ParameterError, ParameterTypeError
from schillinger_kernel.harmony.structures import (
    HYBRID_UPPER,
    STRUCTURES,
    SYMMETRIC_STRUCTURES,
    VOICINGS,
    check_structure,
    close_position,
    functions,
    hybrid,
    key_and_scale,
    structure,
    symmetric_functions,
    symmetric_structure,
    type_iii_scale,
)
from schillinger_kernel.scales import key_scale

C, D, E, F, G, A, B = 60, 62, 64, 65, 67, 69, 71  # octave 4


def test_the_tables_are_books_tables() -> None:
    assert STRUCTURES == {"S5": (1, 3, 5), "S7": (1, 3, 5, 7), "S9": (1, 3, 5, 7, 9),
                          "S11": (1, 3, 5, 7, 9, 11), "S13": (1, 3, 5, 7, 9, 11, 13)}
    assert HYBRID_UPPER == {"S5": (5, 3, 1), "S7": (7, 5, 3), "S9": (9, 7, 3),
                            "S11": (11, 9, 7), "S13": (13, 9, 7)}
    assert SYMMETRIC_STRUCTURES == {"S1": (4, 3), "S2": (3, 4), "S3": (4, 4), "S4": (3, 3)}
    assert VOICINGS == ("hybrid", "full", "close")


@pytest.mark.parametrize(("name", "pitches"), [
    ("S5", (C, E, G)), ("S7", (C, E, G, B)), ("S9", (C, E, G, B, D + 12)),
    ("S11", (C, E, G, B, D + 12, F + 12)), ("S13", (C, E, G, B, D + 12, F + 12, A + 12)),
])
def test_every_size_on_the_tonic(name: str, pitches: tuple[int, ...]) -> None:
    assert structure("C major", 1, name) == pitches
    assert structure("C major", 1, name, 5) == tuple(p + 12 for p in pitches)


def test_the_default_is_s7_in_octave_4() -> None:
    assert structure("C major", 1) == (C, E, G, B)
    assert functions("C major", 1) == {1: 0, 3: 4, 5: 7, 7: 11}


@pytest.mark.parametrize(("key", "degree", "name", "pitches"), [
    ("C major", 7, "S7", (B, D + 12, F + 12, A + 12)),
    ("C major", 2, "S5", (D, F, A)),
    ("A minor", 1, "S5", (A, C + 12, E + 12)),
    ("A minor", 5, "S5", (E + 12, G + 12, B + 12)),
    ("A minor", 7, "S5", (G + 12, B + 12, D + 24)),
    (" A minor ", 3, "S7", (C + 12, E + 12, G + 12, B + 12)),
])
def test_degrees_of_a_key(key: str, degree: int, name: str, pitches: tuple[int, ...]) -> None:
    assert structure(key, degree, name) == pitches


@pytest.mark.parametrize(("degree", "name", "pitches"), [
    # Book V's negative harmony: the same units stacked down from the root
    (1, "S5", (C, A - 12, F - 12)),
    (1, "S7", (C, A - 12, F - 12, D - 12)),
    (5, "S9", (G, E, C, A - 12, F - 12)),
    (1, "S13", (C, A - 12, F - 12, D - 12, B - 24, G - 24, E - 24)),
])
def test_negative_structures_fall_from_the_root(degree: int, name: str,
                                                pitches: tuple[int, ...]) -> None:
    assert structure("C major", degree, name, negative=True) == pitches
    assert structure("C major", degree, name, negative=False) == structure("C major", degree,
                                                                           name)


def test_functions_of_each_degree() -> None:
    assert functions("A minor", 5, "S5") == {1: 4, 3: 7, 5: 11}
    assert functions("C major", 7, "S13") == {1: 11, 3: 2, 5: 5, 7: 9, 9: 0, 11: 4, 13: 7}
    assert functions(key_scale("D major"), 1, "S9") == {1: 2, 3: 6, 5: 9, 7: 1, 9: 4}
    assert functions("C major", 2, "S11") == {1: 2, 3: 5, 5: 9, 7: 0, 9: 4, 11: 7}


def test_the_range_of_midi_pitches() -> None:
    assert structure("C major", 1, "S5", 9) == (120, 124, 127)  # G9 = 127 is the top
    assert structure("C major", 1, "S5", -1) == (0, 4, 7)
    with pytest.raises(ParameterError) as info:
        structure("C major", 1, "S7", 9)
    assert str(info.value) == "octave: structure reaches pitch 131, outside MIDI 0..127"
    assert info.value.field == "octave"
    with pytest.raises(ParameterError) as info:
        structure("C major", 1, "S5", -1, negative=True)
    assert str(info.value) == "octave: structure reaches pitch -3, outside MIDI 0..127"
    assert structure("C major", 5, "S5", 0, negative=True) == (19, 16, 12)
    # the first pitch past the top is named: G#9 = 128 (A major's 7th degree in octave 8)
    with pytest.raises(ParameterError) as info:
        structure("A major", 7, "S5", 8)
    assert str(info.value) == "octave: structure reaches pitch 128, outside MIDI 0..127"
    # the octave's own range is checked first, with its own words
    for octave in (10, -2):
        with pytest.raises(ParameterError) as info:
            structure("C major", 1, "S5", octave)
        assert str(info.value) == f"octave must be in -1..9, got {octave}"


@pytest.mark.parametrize(("call", "error", "field", "words"), [
    (lambda: structure("C major", 0), ParameterError, "degree", "degree"),
    (lambda: structure("C major", 8), ParameterError, "degree", "degree"),
    (lambda: structure("C major", 1, "S5", -2), ParameterError, "octave", "octave"),
    (lambda: structure("C major", 1, "S5", 10), ParameterError, "octave", "octave"),
    (lambda: structure("C major", 1, "S5", negative=1),  # type: ignore[arg-type]
     ParameterTypeError, "negative",
     "negative must be True or False, got 1"),
    (lambda: structure("C major", 1, "S1"), ParameterError, None,
     "structure: 'S1' is symmetric; use symmetric_structure()"),
    (lambda: functions("C major", 1, "S3"), ParameterError, None,
     "structure: 'S3' is symmetric; use symmetric_structure()"),
    (lambda: structure("C major", 1, "S6"), ParameterError, None,
     "structure must be one of S5, S7, S9, S11, S13, S1, S2, S3, S4, got 'S6'"),
    (lambda: functions("C major", 0), ParameterError, "degree", "degree"),
    (lambda: functions("C major", 8), ParameterError, "degree", "degree"),
    (lambda: structure(5, 1),  # type: ignore[arg-type]
     ParameterError, None, "key must be a name like 'C major', got 5"),
    (lambda: structure("H major", 1), ParameterError, None,
     "key: key 'H major': note name must start with a letter A-G, got 'H'"),
    (lambda: hybrid("C major", 1, "S1"), ParameterError, None,
     "structure must be one of S5, S7, S9, S11, S13, got 'S1'"),
    (lambda: hybrid("C major", 8), ParameterError, "degree", "degree"),
    (lambda: hybrid("C major", 0), ParameterError, "degree", "degree"),
    (lambda: hybrid("C major", 1, bass_octave=-2), ParameterError, "bass_octave", "bass_octave"),
    (lambda: hybrid("C major", 1, bass_octave=9), ParameterError, "bass_octave", "bass_octave"),
    (lambda: hybrid("C major", 1, octave=-2), ParameterError, "octave", "octave"),
    (lambda: hybrid("C major", 1, octave=10), ParameterError, "octave", "octave"),
    (lambda: symmetric_structure(60, "S5"), ParameterError, None,
     "name must be one of S1, S2, S3, S4, got 'S5'"),
    (lambda: symmetric_structure(121, "S1"), ParameterError, None, "root 121 is too high for S1"),
    (lambda: type_iii_scale("C", 2, "S5"), ParameterError, "structure",
     "structure must be one of S1, S2, S3, S4, got 'S5'"),
])
def test_errors(call: object, error: type[Exception], field: str | None, words: str) -> None:
    with pytest.raises(error) as info:
        call()  # type: ignore[operator]
    assert words in str(info.value)
    if words.startswith(("structure", "key", "name", "root", "negative")):
        assert str(info.value) == words
    assert getattr(info.value, "field", None) == field


def test_the_edges_that_are_allowed() -> None:
    assert hybrid("C major", 7, "S5", bass_octave=8, octave=8)[0] == 12 * 9 + 11
    assert hybrid("C major", 1, "S5", bass_octave=-1, octave=-1) == (0, 0, 4, 7)
    assert hybrid("C major", 1, "S5", octave=9)[1] == 120
    assert symmetric_structure(120, "S1") == (120, 124, 127)
    assert symmetric_structure(121, "S4") == (121, 124, 127)


def test_key_and_scale() -> None:
    sc, name = key_and_scale(" A minor ")
    assert name == "A minor" and sc == key_scale("A minor")
    assert check_structure("S13") == "S13" and check_structure("S4") == "S4"


@pytest.mark.parametrize(("degree", "name", "voices"), [
    # bass: the root an octave below; upper: the functions top down, stacked closely from
    # the lowest of them in octave 4
    (1, "S5", (48, C, E, G)),  # c | c e g
    (1, "S7", (48, E, G, B)),  # c | e g b
    (1, "S9", (48, E, B, D + 12)),  # c | e b d
    (2, "S11", (50, C, E, G)),  # d | c e g (7, 9, 11 of d)
    (5, "S13", (55, F, A, E + 12)),  # g | f a e (7, 9, 13 of g)
    (7, "S7", (59, D, F, A)),  # b | d f a
])
def test_hybrid_by_hand(degree: int, name: str, voices: tuple[int, ...]) -> None:
    assert hybrid("C major", degree, name) == voices


def test_hybrid_octaves_and_default() -> None:
    assert hybrid("C major", 1) == (48, E, G, B)
    assert hybrid("C major", 1, "S7", bass_octave=2, octave=5) == (36, E + 12, G + 12, B + 12)
    assert hybrid("A minor", 1, "S7") == (57, C, E, G)  # a | c e g


def test_close_position() -> None:
    assert close_position([0, 4, 7], 60) == (60, 64, 67)
    assert close_position([7, 0, 4], 55) == (55, 60, 64)
    assert close_position([0, 0, 0], 60) == (60, 72, 84)  # a repeat goes up an octave
    assert close_position([11, 2], 59) == (59, 62)
    assert close_position([0, 11], 60) == (60, 71)
    assert close_position([5], 65) == (65,)


@pytest.mark.parametrize(("name", "pitches"), [
    ("S1", (60, 64, 67)), ("S2", (60, 63, 67)), ("S3", (60, 64, 68)), ("S4", (60, 63, 66)),
])
def test_symmetric_structures(name: str, pitches: tuple[int, ...]) -> None:
    assert symmetric_structure(60, name) == pitches
    assert symmetric_structure("C4", name) == pitches


def test_symmetric_defaults_and_functions() -> None:
    assert symmetric_structure(57) == (57, 61, 64)  # S1 by default
    assert symmetric_functions(11, "S1") == {1: 11, 3: 3, 5: 6}
    assert symmetric_functions(14, "S4") == {1: 2, 3: 5, 5: 8}
    assert symmetric_functions(9, "S2") == {1: 9, 3: 0, 5: 4}


@pytest.mark.parametrize(("tonic", "n", "name", "pcs"), [
    ("C", 2, "S1", (0, 1, 4, 6, 7, 10)),  # c e g + f# a# c#
    ("D", 2, "S2", (2, 3, 5, 8, 9, 11)),  # d f a + g# b d#
    ("C", 4, "S4", (0, 3, 6, 9)),  # four diminished triads on c eb gb a: one set
    ("A", 1, "S1", (9, 1, 4)),  # a c# e, listed from a
    (2, 3, "S3", (2, 6, 10)),
])
def test_type_iii_by_hand(tonic: int | str, n: int, name: str, pcs: tuple[int, ...]) -> None:
    assert type_iii_scale(tonic, n, name) == pcs


def test_type_iii_default_structure() -> None:
    assert type_iii_scale("C", 2) == (0, 1, 4, 6, 7, 10)

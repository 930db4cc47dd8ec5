"""The pitch vocabulary's contract, value by value: every accidental, both ends of the MIDI
range, the octave that follows the letter, every mode's signature and spelling, and the exact
refusal (class, field, words) for each malformed name.

Chords, scales, MusicXML and the widgets all name notes through this module, so a wrong
value here is a wrong note name everywhere.
"""

from __future__ import annotations

import pytest

from schillinger_kernel.errors import ParameterError, ParameterTypeError
from schillinger_kernel.pitch import (
    FLAT_NAMES,
    MODES,
    NOTE_NAMES,
    SHARP_NAMES,
    Key,
    key,
    parse_key,
    pitch_class,
    pitch_name,
    to_midi_pitch,
)


# ----- pitch_class -----------------------------------------------------------------------------
@pytest.mark.parametrize("name, pc", [
    ("C", 0), ("D", 2), ("E", 4), ("F", 5), ("G", 7), ("A", 9), ("B", 11),
    ("c", 0), ("g", 7), ("b", 11),
    ("C#", 1), ("Cs", 1), ("B#", 0), ("E#", 5), ("F##", 7), ("Fss", 7), ("B##", 1),
    ("Db", 1), ("D-", 1), ("Cb", 11), ("Fb", 4), ("Bbb", 9), ("E--", 2), ("Cbb", 10),
    ("C#b", 0), ("Eb#", 4),
])
def test_pitch_class_of_every_letter_and_accidental(name: str, pc: int) -> None:
    assert pitch_class(name) == pc


@pytest.mark.parametrize("bad", ["", "H", "h#", "#C", "1", " C"])
def test_pitch_class_needs_a_letter_first(bad: str) -> None:
    with pytest.raises(ParameterError) as info:
        pitch_class(bad)
    assert str(info.value) == f"note name must start with a letter A-G, got {bad!r}"
    assert info.value.field == "pitch"


def test_pitch_class_of_a_non_string_is_refused_the_same_way() -> None:
    with pytest.raises(ParameterError) as info:
        pitch_class(5)  # type: ignore[arg-type]
    assert str(info.value) == "note name must start with a letter A-G, got 5"


@pytest.mark.parametrize("bad, ch", [("Cx", "x"), ("CX", "X"), ("C#4", "4"), ("Bb ", " "),
                                     ("CB", "B"), ("DS", "S")])
def test_pitch_class_names_the_unexpected_character(bad: str, ch: str) -> None:
    with pytest.raises(ParameterError) as info:
        pitch_class(bad)
    assert str(info.value) == (f"note name {bad!r}: unexpected {ch!r}; use # or b (or -) "
                               "accidentals")
    assert info.value.field == "pitch"


# ----- to_midi_pitch ---------------------------------------------------------------------------
@pytest.mark.parametrize("name, midi", [
    ("C-1", 0), ("c-1", 0), ("C#-1", 1), ("B#-1", 12), ("Ab-1", 8), ("G9", 127), ("F#9", 126),
    ("C4", 60), ("c4", 60), ("A4", 69), ("Bb3", 58), ("B-3", 58), ("E-4", 63), ("Cs4", 61),
    ("C##4", 62), ("Dbb4", 60), ("B#3", 60), ("Cb4", 59), ("Cb5", 71), ("B#4", 72),
    ("C0", 12), ("A0", 21),
    ("c", 60), ("F#", 66), ("Bb", 70), ("b", 71), ("Cb", 59), ("B#", 72), (" c4 ", 60),
    ("\tG#2\n", 44), ("E-", 63), ("Dbb-1", 0),
    ("C-2", 35),  # music21 reads "-" as a flat unless it closes the name as "-1": Cb2
])
def test_to_midi_pitch_of_names(name: str, midi: int) -> None:
    assert to_midi_pitch(name) == midi


@pytest.mark.parametrize("value", [0, 1, 60, 126, 127])
def test_to_midi_pitch_passes_ints_in_range(value: int) -> None:
    assert to_midi_pitch(value) == value


@pytest.mark.parametrize("value, shown", [(-1, "-1"), (128, "128"), ("G#9", "128"),
                                          ("C10", "132"), ("Cb-1", "-1"), ("Cbb-1", "-2")])
def test_to_midi_pitch_out_of_range(value: int | str, shown: str) -> None:
    with pytest.raises(ParameterError) as info:
        to_midi_pitch(value)
    assert str(info.value) == f"pitch must be in 0..127, got {shown}"
    assert info.value.field == "pitch"


@pytest.mark.parametrize("bad", [True, 60.0, None])
def test_to_midi_pitch_of_a_non_int_is_a_type_error(bad: object) -> None:
    with pytest.raises(ParameterTypeError) as info:
        to_midi_pitch(bad)  # type: ignore[arg-type]
    assert info.value.field == "pitch"
    assert str(info.value).startswith("pitch must be an int, got ")


@pytest.mark.parametrize("bad", ["", " ", "H4", "4", "C4x", "Cx4", "C 4", "C--1x",
                                 "C4.5", "-1"])
def test_to_midi_pitch_refuses_malformed_names(bad: str) -> None:
    with pytest.raises(ParameterError) as info:
        to_midi_pitch(bad)
    assert str(info.value) == (f"pitch {bad!r}: use a note name such as 'C4' (= 60), 'F#3', "
                               "'Bb5' or 'c'")
    assert info.value.field == "pitch"


# ----- pitch_name ------------------------------------------------------------------------------
@pytest.mark.parametrize("pitch, spelling, name", [
    (0, NOTE_NAMES, "C-1"), (127, NOTE_NAMES, "G9"), (60, NOTE_NAMES, "C4"),
    (61, NOTE_NAMES, "C#4"), (63, NOTE_NAMES, "Eb4"), (71, NOTE_NAMES, "B4"),
    (61, SHARP_NAMES, "C#4"), (63, SHARP_NAMES, "D#4"), (61, FLAT_NAMES, "Db4"),
    (66, FLAT_NAMES, "Gb4"), (11, NOTE_NAMES, "B-1"), (12, NOTE_NAMES, "C0"),
])
def test_pitch_name_in_a_spelling(pitch: int, spelling: tuple[str, ...], name: str) -> None:
    assert pitch_name(pitch, spelling) == name
    assert to_midi_pitch(name) == pitch


def test_pitch_name_octave_follows_the_letter() -> None:
    sharp7 = Key.parse("C# major").spelling  # names pitch class 0 B#
    flat7 = Key.parse("Cb major").spelling   # names pitch class 11 Cb
    assert pitch_name(60, sharp7) == "B#3"
    assert pitch_name(12, sharp7) == "B#-1"
    assert pitch_name(72, sharp7) == "B#4"
    assert pitch_name(71, flat7) == "Cb5"
    assert pitch_name(11, flat7) == "Cb0"
    assert pitch_name(59, flat7) == "Cb4"


def test_pitch_name_never_says_octave_minus_two() -> None:
    # B#-2 would name MIDI 0, but no reader knows that octave
    assert pitch_name(0, Key.parse("C# major").spelling) == "C-1"
    assert pitch_name(0, Key.parse("B## major").spelling) == "C-1"


@pytest.mark.parametrize("bad, error", [(-1, ParameterError), (128, ParameterError),
                                        (True, ParameterTypeError), (60.0, ParameterTypeError)])
def test_pitch_name_range(bad: object, error: type[Exception]) -> None:
    with pytest.raises(error) as info:
        pitch_name(bad)  # type: ignore[arg-type]
    assert str(info.value).startswith("pitch must be ")


# ----- keys: parsing ---------------------------------------------------------------------------
@pytest.mark.parametrize("text, tonic, mode, name", [
    ("C major", 0, "major", "C major"), ("C Major", 0, "major", "C major"),
    ("C MAJOR", 0, "major", "C major"), ("c", 0, "major", "C major"),
    ("  a   minor  ", 9, "minor", "A minor"), ("Am", 9, "minor", "A minor"),
    ("Ebm", 3, "minor", "Eb minor"), ("e-m", 3, "minor", "Eb minor"),
    ("e- minor", 3, "minor", "Eb minor"), ("fs", 6, "major", "F# major"),
    ("Bb", 10, "major", "Bb major"), ("b", 11, "major", "B major"),
    ("d dorian", 2, "dorian", "D dorian"), ("G# harmonic", 8, "harmonic", "G# harmonic"),
])
def test_key_names_parse_to_tonic_and_mode(text: str, tonic: int, mode: str, name: str) -> None:
    k = Key.parse(text)
    assert (k.tonic, k.mode, k.name) == (tonic, mode, name)
    assert parse_key(text) == (tonic, mode)
    assert key(text) == k


@pytest.mark.parametrize("bad", ["C majr", "C major minor", "Cm minor x", "C m"])
def test_unknown_modes_list_the_allowed_ones(bad: str) -> None:
    with pytest.raises(ParameterError) as info:
        Key.parse(bad)
    assert str(info.value) == (f"key: unknown mode in {bad!r}; allowed modes: "
                               + ", ".join(MODES))
    assert info.value.field == "key"
    assert MODES[:3] == ("major", "minor", "ionian")


@pytest.mark.parametrize("bad, why", [
    ("m", "note name must start with a letter A-G, got 'm'"),
    ("H major", "note name must start with a letter A-G, got 'H'"),
    ("CM", "note name 'CM': unexpected 'M'; use # or b (or -) accidentals"),
    ("Cm major", "note name 'Cm': unexpected 'm'; use # or b (or -) accidentals"),
])
def test_a_bad_tonic_is_reported_as_a_key_error(bad: str, why: str) -> None:
    with pytest.raises(ParameterError) as info:
        Key.parse(bad)
    assert str(info.value) == f"key {bad!r}: {why}"
    assert info.value.field == "key"


@pytest.mark.parametrize("bad", ["", "   ", "\n"])
def test_an_empty_key_says_what_a_key_looks_like(bad: str) -> None:
    with pytest.raises(ParameterError) as info:
        key(bad)
    assert str(info.value) == f"key must be a name like 'C major' or 'A minor', got {bad!r}"
    assert info.value.field == "key"


@pytest.mark.parametrize("bad", [5, None, ["C"]])
def test_a_non_string_key_is_a_type_error(bad: object) -> None:
    with pytest.raises(ParameterTypeError) as info:
        parse_key(bad)  # type: ignore[arg-type]
    assert str(info.value) == ("key must be a name like 'C major' or 'A minor', got "
                               f"{type(bad).__name__}")
    assert info.value.field == "key"


# ----- keys: signatures, degrees, spelling -----------------------------------------------------
# Each mode's signature is its relative major's: C dorian reads like Bb major, F# lydian like
# C# major.
@pytest.mark.parametrize("mode, on_c, on_f_sharp", [
    ("major", 0, 6), ("ionian", 0, 6), ("dorian", -2, 4), ("phrygian", -4, 2),
    ("lydian", 1, 7), ("mixolydian", -1, 5), ("aeolian", -3, 3), ("minor", -3, 3),
    ("harmonic", -3, 3), ("melodic", -3, 3), ("locrian", -5, 1),
])
def test_every_mode_takes_its_relative_majors_signature(mode: str, on_c: int,
                                                        on_f_sharp: int) -> None:
    assert Key.parse(f"C {mode}").fifths == on_c
    assert Key.parse(f"F# {mode}").fifths == on_f_sharp


@pytest.mark.parametrize("text, fifths", [
    ("G major", 1), ("D major", 2), ("A major", 3), ("E major", 4), ("B major", 5),
    ("F major", -1), ("C major", 0), ("E# major", 11), ("G# major", 8), ("Fb major", -8),
    ("Bbb major", -9), ("B## major", 19), ("Fbb major", -15),
])
def test_signatures_beyond_seven(text: str, fifths: int) -> None:
    assert Key.parse(text).fifths == fifths


@pytest.mark.parametrize("text, degrees", [
    ("C major", ("C", "D", "E", "F", "G", "A", "B")),
    ("F# dorian", ("F#", "G#", "A", "B", "C#", "D#", "E")),
    ("F# phrygian", ("F#", "G", "A", "B", "C#", "D", "E")),
    ("F# lydian", ("F#", "G#", "A#", "B#", "C#", "D#", "E#")),
    ("F# locrian", ("F#", "G", "A", "B", "C", "D", "E")),
    ("F# harmonic", ("F#", "G#", "A", "B", "C#", "D", "E#")),
    ("F# melodic", ("F#", "G#", "A", "B", "C#", "D#", "E#")),
    ("G# major", ("G#", "A#", "B#", "C#", "D#", "E#", "F##")),
    ("Fb major", ("Fb", "Gb", "Ab", "Bbb", "Cb", "Db", "Eb")),
    ("B## major", ("B##", "C###", "D###", "E##", "F###", "G###", "A###")),
    ("Fbb major", ("Fbb", "Gbb", "Abb", "Bbbb", "Cbb", "Dbb", "Ebb")),
])
def test_degrees_take_one_letter_each(text: str, degrees: tuple[str, ...]) -> None:
    k = Key.parse(text)
    assert k.degree_names == degrees
    assert tuple(pitch_class(n) for n in degrees) == k.pitch_classes


@pytest.mark.parametrize("text, spelling", [
    # no accidental in the key: the common names outside it
    ("C major", NOTE_NAMES),
    # sharps in the key: sharps outside it; flats: flats
    ("C lydian", SHARP_NAMES),
    ("C mixolydian", FLAT_NAMES),
    ("F# major", ("C", "C#", "D", "D#", "E", "E#", "F#", "G", "G#", "A", "A#", "B")),
    ("Cb major", ("C", "Db", "D", "Eb", "Fb", "F", "Gb", "G", "Ab", "A", "Bb", "Cb")),
    # minor keys also name their raised 6th and 7th: F# and G# in A minor
    ("A minor", ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "G#", "A", "Bb", "B")),
    ("C minor", ("C", "Db", "D", "Eb", "E", "F", "Gb", "G", "Ab", "A", "Bb", "B")),
    ("Eb minor", ("C", "Db", "D", "Eb", "E", "F", "Gb", "G", "Ab", "A", "Bb", "Cb")),
    ("G# minor", ("C", "C#", "D", "D#", "E", "E#", "F#", "F##", "G#", "A", "A#", "B")),
    ("D# minor", ("B#", "C#", "C##", "D#", "E", "E#", "F#", "G", "G#", "A", "A#", "B")),
    ("G# major", ("B#", "C#", "D", "D#", "E", "E#", "F#", "F##", "G#", "A", "A#", "B")),
    # flats in the key though not on B: flats outside it
    ("C harmonic", ("C", "Db", "D", "Eb", "E", "F", "Gb", "G", "Ab", "A", "Bb", "B")),
    # a raised double flat keeps one flat (Fb minor's Dbb and Ebb become Db and Eb)
    ("Fb minor", ("Dbb", "Db", "Ebb", "Eb", "Fb", "F", "Gb", "Abb", "Ab", "Bbb", "Bb", "Cb")),
])
def test_spelling_of_all_twelve_pitch_classes(text: str, spelling: tuple[str, ...]) -> None:
    assert Key.parse(text).spelling == spelling


def test_pitch_classes_and_chord_names() -> None:
    assert key("D major").pitch_classes == (2, 4, 6, 7, 9, 11, 1)
    assert key("C harmonic").pitch_classes == (0, 2, 3, 5, 7, 8, 11)
    assert key("C major").chord_names((12, 13, -1, 27)) == ("C", "C#", "B", "Eb")
    assert key("Bb major").spell(0) == "C-1" and key("Bb major").spell(70) == "Bb4"
    assert key("Db major").spell(66) == "Gb4" and key("D major").spell(66) == "F#4"

"""One pitch vocabulary: names, keys parsed once, spelling in a key."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schillinger_kernel.errors import ParameterError, ParameterTypeError
from schillinger_kernel.pitch import (
    KEY_NAMES,
    MODES,
    Key,
    key,
    parse_key,
    pitch_class,
    pitch_name,
    to_midi_pitch,
)

# Key signatures as a musician reads them (sharps +, flats -).
SIGNATURES = {
    "C major": 0, "G major": 1, "D major": 2, "A major": 3, "E major": 4, "B major": 5,
    "F# major": 6, "C# major": 7, "F major": -1, "Bb major": -2, "Eb major": -3,
    "Ab major": -4, "Db major": -5, "Gb major": -6, "Cb major": -7, "A minor": 0,
    "E minor": 1, "F# minor": 3, "C# minor": 4, "D minor": -1, "G minor": -2, "C minor": -3,
    "F minor": -4, "Bb minor": -5, "Eb minor": -6, "D dorian": 0, "E phrygian": 0,
    "F lydian": 0, "G mixolydian": 0, "B locrian": 0,
}


@pytest.mark.parametrize(("name", "fifths"), SIGNATURES.items())
def test_key_signatures(name: str, fifths: int) -> None:
    assert key(name).fifths == fifths


def test_degrees_are_spelled_by_letter() -> None:
    assert key("Ab major").degree_names == ("Ab", "Bb", "C", "Db", "Eb", "F", "G")
    assert key("Eb minor").degree_names == ("Eb", "F", "Gb", "Ab", "Bb", "Cb", "Db")
    assert key("E major").chord_names((11, 2, 5)) == ("B", "D", "F")  # outside: by context
    assert key("E major").chord_names((11, 3, 6)) == ("B", "D#", "F#")  # V of E, not Eb-Gb-Cb


def test_minor_keys_spell_their_leading_tone_as_raised() -> None:
    assert key("A minor").spell(68) == "G#4"
    assert key("G minor").spell(66) == "F#4"
    assert key("C minor").spell(71) == "B4"


def test_keys_are_parsed_once() -> None:
    assert key("F# minor") is key("F# minor")
    assert parse_key("Bbm") == (10, "minor") and key("Bbm").name == "Bb minor"


@pytest.mark.parametrize("bad", ["", "H major", "C majr", "C major minor", "C#x"])
def test_bad_keys_say_what_is_allowed(bad: str) -> None:
    with pytest.raises(ParameterError) as err:
        key(bad)
    assert err.value.field in ("key", "pitch")
    assert "key" in str(err.value) or "note name" in str(err.value)


def test_non_string_key_is_a_type_error() -> None:
    with pytest.raises(ParameterTypeError):
        Key.parse(5)  # type: ignore[arg-type]


def test_key_names_are_the_24_keys() -> None:
    assert len(KEY_NAMES) == 24 and "Db major" in KEY_NAMES and "C# minor" in KEY_NAMES
    assert all(key(k).mode in ("major", "minor") for k in KEY_NAMES)


def test_the_harmony_explorer_labels_its_circle_in_the_key() -> None:
    from schillinger_kernel.widgets import HarmonyExplorer

    h = HarmonyExplorer(key="A major", structure="S5")
    assert h._circle["labels"] == ["A", "B", "C#", "D", "E", "F#", "G#"]
    roots = {c.split("dim")[0].rstrip("m") for c in h.progression.symbols}
    assert roots <= set(h._circle["labels"])


keys = st.sampled_from([f"{t} {m}" for t in ("C", "G", "D", "A", "E", "B", "F#", "C#", "F",
                                              "Bb", "Eb", "Ab", "Db", "Gb", "Cb")
                        for m in MODES])


@given(keys, st.integers(0, 127))
def test_spelling_names_the_same_pitch(name: str, pitch: int) -> None:
    spelled = key(name).spell(pitch)
    assert to_midi_pitch(spelled) == pitch
    assert pitch_class(spelled.rstrip("-0123456789")) == pitch % 12


@given(keys)
def test_a_seven_note_key_uses_each_letter_once(name: str) -> None:
    letters = [n[0] for n in key(name).degree_names]
    assert sorted(letters) == sorted("ABCDEFG")
    assert key(name).pitch_classes[0] == key(name).tonic


@given(st.integers(0, 127))
def test_default_names_round_trip(pitch: int) -> None:
    assert to_midi_pitch(pitch_name(pitch)) == pitch

"""The Score model: validation, transformations, JSON with its schema."""

from __future__ import annotations

import json

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from schillinger_kernel.pitch import parse_key, pitch_name, to_midi_pitch
from schillinger_kernel.rhythm import interference
from schillinger_kernel.score import (
    Note,
    Part,
    Score,
    TempoChange,
    TimeSignature,
    score_schema,
)


@pytest.mark.parametrize(("kw", "field"), [
    ({"start": 0, "duration": 0, "pitch": 60}, "note.duration"),
    ({"start": 0, "duration": -5, "pitch": 60}, "note.duration"),
    ({"start": 0, "duration": 1, "pitch": 128}, "note.pitch"),
    ({"start": 0, "duration": 1, "pitch": -1}, "note.pitch"),
    ({"start": 0, "duration": 1, "pitch": 60, "velocity": 0}, "note.velocity"),
    ({"start": 0, "duration": 1, "pitch": 60, "velocity": 128}, "note.velocity"),
    ({"start": -1, "duration": 1, "pitch": 60}, "note.start"),
])
def test_invalid_notes_name_field_and_range(kw, field):
    with pytest.raises(ValueError, match=field) as info:
        Note(**kw)
    assert ".." in str(info.value) or ">=" in str(info.value)


def test_invalid_part_and_score_values():
    with pytest.raises(ValueError, match="unknown instrument 'kazoo-9000'"):
        Part.create("x", instrument="kazoo-9000")
    with pytest.raises(ValueError, match=r"tempo\.bpm"):
        TempoChange(0, 0)
    with pytest.raises(ValueError, match=r"tempo\.bpm"):
        TempoChange(0, -60)
    with pytest.raises(ValueError, match=r"tempo\.bpm"):
        TempoChange(0, float("nan"))
    with pytest.raises(ValueError, match="denominator"):
        TimeSignature(0, 4, 3)
    with pytest.raises(ValueError, match="key"):
        Score(key="H major")
    with pytest.raises(TypeError, match="int"):
        Note(0, 1.5, 60)  # type: ignore[arg-type]


def test_names_and_keys():
    assert to_midi_pitch("C4") == 60
    assert to_midi_pitch("A4") == 69
    assert to_midi_pitch("B#3") == 60
    assert to_midi_pitch("Cb4") == 59
    assert pitch_name(61) == "C#4"
    assert parse_key("F# minor") == (6, "minor")
    assert parse_key("Am") == (9, "minor")
    assert to_midi_pitch("c") == 60 and to_midi_pitch("Eb") == 63
    with pytest.raises(ValueError, match="note name"):
        to_midi_pitch("H4")
    with pytest.raises(ValueError, match="note name"):
        to_midi_pitch("")


def test_from_durations_rests_and_accents():
    s = Score.from_durations((2, -1, 1), (60, 62), unit=240, accents=(0,))
    notes = s.parts[0].notes
    assert [(n.start, n.duration, n.pitch) for n in notes] == [(0, 480, 60), (720, 240, 62)]
    assert notes[0].velocity == 120 and notes[1].velocity == 90


def test_transpose_concat_layer():
    a = interference(3, 2).to_score("C4")
    b = interference(4, 3).to_score("E4", instrument="bass")
    assert a.transpose(12).parts[0].notes[0].pitch == 72
    drums = interference(3, 2).to_score(36, instrument="drums")
    assert drums.transpose(5) == drums  # drum notes name instruments, they do not transpose
    cat = a.concat(a)
    assert len(cat.parts) == 1
    assert cat.parts[0].notes[4].start == 1920  # the second copy starts on the next bar
    lay = a.layer(b)
    assert [p.name for p in lay.parts] == ["r3÷2", "r4÷3"]
    assert a.layer(a).parts[1].name == "r3÷2 2"
    assert lay.end == max(a.end, b.end)


def test_seconds_follow_the_tempo_map():
    s = Score(parts=(Part("p", (Note(0, 1920, 60),)),),
              tempos=(TempoChange(0, 120.0), TempoChange(960, 60.0)))
    assert s.seconds_at(960) == pytest.approx(1.0)
    assert s.seconds_at(1920) == pytest.approx(3.0)
    assert s.duration_seconds == pytest.approx(3.0)


def test_json_follows_the_shipped_schema():
    s = interference(3, 2).to_score().layer(interference(4, 3).to_score(instrument="drums"))
    data = json.loads(s.to_json())
    jsonschema.Draft202012Validator.check_schema(score_schema())
    jsonschema.validate(data, score_schema())
    assert Score.from_json(s.to_json()) == s
    data["parts"][0]["notes"][0][2] = 200
    with pytest.raises(ValueError, match="parts/0/notes/0/2"):
        Score.from_dict(data)
    with pytest.raises(ValueError, match="not valid JSON"):
        Score.from_json("{nope")


def test_music21_round_trip():
    s = interference(3, 2).to_score(("C4", "E4", "G4"), repeat=2)
    m21 = s.to_music21()
    back = Score.from_music21(m21)
    assert [(n.start, n.duration, n.pitch) for n in back.notes] == [
        (n.start, n.duration, n.pitch) for n in s.notes]


notes_st = st.builds(Note, st.integers(0, 5000), st.integers(1, 2000), st.integers(0, 127),
                     st.integers(1, 127))


@given(st.lists(notes_st, max_size=20), st.integers(-12, 12))
def test_json_round_trip_and_transpose_inverse(notes, k):
    s = Score(parts=(Part("p", tuple(notes)),))
    assert Score.from_json(s.to_json()) == s
    if all(0 <= n.pitch + k <= 127 for n in notes):
        assert s.transpose(k).transpose(-k) == s

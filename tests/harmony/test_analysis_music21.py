"""analyze_harmony reads music21 streams as well as our own values (issue 14, item 6)."""

from __future__ import annotations

import music21
import pytest

import schillinger_kernel as sk
from schillinger_kernel.errors import ParameterError, ParameterTypeError


def test_a_stream_of_chords_is_named_in_its_key() -> None:
    st: music21.stream.Stream[music21.chord.Chord] = music21.stream.Stream([
        music21.chord.Chord(c, quarterLength=4) for c in
        ("C4 E4 G4", "F3 A3 C4", "G3 B3 D4 F4", "C4 E4 G4")])
    r = sk.analyze_harmony(st)
    assert r.key == "C major"
    assert r.romans == ("I", "IV", "V7", "I") and r.symbols == ("C", "F", "G7", "C")


def test_a_parsed_musicxml_file_reads_as_the_score_it_came_from(tmp_path) -> None:
    s = sk.generate_composition("E", 100, "D minor", 4, "classical", seed=1)
    parsed = music21.converter.parse(str(s.to_musicxml(tmp_path / "e.musicxml")))
    # by bars: a tie the file writes across a bar line must not change what a bar holds
    ours, theirs = sk.analyze_harmony(s, window=1920), sk.analyze_harmony(parsed, window=1920)
    assert theirs.key == ours.key == "D minor"
    assert theirs.symbols == ours.symbols


def test_streams_without_pitches_and_other_objects_are_refused() -> None:
    with pytest.raises(ParameterError, match="no pitched notes"):
        sk.analyze_harmony(music21.stream.Stream([music21.note.Rest(quarterLength=4)]))
    with pytest.raises(ParameterTypeError, match="music21 stream"):
        sk.analyze_harmony(3.5)

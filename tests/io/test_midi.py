"""MIDI files: exact round trip, real consumers (FluidSynth renders them, music21 parses them)."""

from __future__ import annotations

import shutil
import subprocess
import wave
from pathlib import Path

import mido
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schillinger_kernel import read_midi
from schillinger_kernel.rhythm import fractioning, interference
from schillinger_kernel.score import Note, Part, Score, TempoChange, TimeSignature

SF2 = Path("/usr/share/sounds/sf2/FluidR3_GM.sf2")


def piece() -> Score:
    s = interference(3, 2).to_score(("C3", "G3"), instrument="bass", repeat=4)
    s = s.layer(fractioning(3, 2).to_score(("E5", "G5", "B5"), instrument="flute", repeat=2))
    s = s.layer(interference(4, 3).to_score(36, instrument="drums", repeat=2))
    return Score(parts=s.parts, tempos=(TempoChange(0, 96.0), TempoChange(1920, 132.5)),
                 time_signatures=(TimeSignature(0, 3, 4), TimeSignature(2880, 5, 8)),
                 key="E minor", title="Round trip")


@pytest.mark.parametrize("fmt", [0, 1])
def test_round_trip_is_exact(tmp_path, fmt):
    s = piece()
    path = s.to_midi(tmp_path / f"f{fmt}.mid", format=fmt)
    mid = mido.MidiFile(path)
    assert mid.type == fmt and mid.ticks_per_beat == 480
    assert read_midi(path) == s


def test_file_layout(tmp_path):
    s = piece()
    mid = mido.MidiFile(s.to_midi(tmp_path / "x.mid"))
    assert len(mid.tracks) == 1 + len(s.parts)
    names = [m.name for t in mid.tracks for m in t if m.type == "track_name"]
    assert names[0] == "Round trip" and names[1:] == [p.name for p in s.parts]
    channels = {m.channel for t in mid.tracks[1:] for m in t if m.type == "note_on"}
    assert 9 in channels and len(channels) == 3  # one channel per part, drums on 10
    programs = [m.program for t in mid.tracks for m in t if m.type == "program_change"]
    assert programs == [p.program for p in s.parts]
    metas = {m.type for m in mid.tracks[0]}
    assert {"set_tempo", "time_signature", "key_signature"} <= metas


def test_other_resolution_is_rescaled(tmp_path):
    s = piece()
    path = s.to_midi(tmp_path / "96.mid", ppq=96)
    assert mido.MidiFile(path).ticks_per_beat == 96
    assert read_midi(path).notes == s.notes


def test_foreign_file_without_our_metadata(tmp_path):
    mid = mido.MidiFile(ticks_per_beat=96)
    t = mido.MidiTrack()
    mid.tracks.append(t)
    t.append(mido.Message("program_change", program=40, time=0))
    t.append(mido.Message("note_on", note=69, velocity=80, time=0))
    t.append(mido.Message("note_on", note=69, velocity=0, time=96))  # running-status style off
    path = tmp_path / "foreign.mid"
    mid.save(path)
    s = read_midi(path)
    assert s.parts[0].program == 40
    assert s.notes == (Note(0, 480, 69, 80),)


def test_bad_input_is_refused_and_nothing_written(tmp_path):
    with pytest.raises(ValueError, match="no notes"):
        Score().to_midi(tmp_path / "empty.mid")
    with pytest.raises(ValueError, match="extension"):
        piece().to_midi(tmp_path / "x.wav")
    with pytest.raises(ValueError, match="does not exist"):
        piece().to_midi(tmp_path / "missing" / "x.mid")
    with pytest.raises(ValueError, match="format"):
        piece().to_midi(tmp_path / "x.mid", format=2)
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "junk.mid").write_bytes(b"not midi at all")
    with pytest.raises(ValueError, match="not a readable MIDI"):
        read_midi(tmp_path / "junk.mid")
    with pytest.raises(ValueError, match="not found"):
        read_midi(tmp_path / "nope.mid")


def test_write_is_atomic(tmp_path, monkeypatch):
    path = tmp_path / "keep.mid"
    piece().to_midi(path)
    before = path.read_bytes()

    def boom(self, filename=None, file=None):
        Path(filename).write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(mido.MidiFile, "save", boom)
    with pytest.raises(OSError):
        interference(5, 4).to_score().to_midi(path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.mid"]


@pytest.mark.skipif(shutil.which("fluidsynth") is None or not SF2.exists(),
                    reason="FluidSynth or fluid-soundfont-gm missing (apt-get install fluidsynth "
                           "fluid-soundfont-gm)")
def test_fluidsynth_renders_our_file_audibly(tmp_path):
    mid = piece().to_midi(tmp_path / "p.mid")
    wav = tmp_path / "p.wav"
    subprocess.run(["fluidsynth", "-ni", "-q", "-F", str(wav), "-r", "22050", str(SF2), str(mid)],
                   check=True, capture_output=True, timeout=120)
    with wave.open(str(wav)) as w:
        frames = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
        assert w.getnframes() / w.getframerate() > 5.0
    rms = float(np.sqrt(np.mean(frames.astype(np.float64) ** 2)))
    assert rms > 100, "FluidSynth rendered silence"


def test_music21_parses_the_same_notes(tmp_path):
    import music21

    s = interference(3, 2).to_score(("C4", "E4", "G4"), repeat=3)
    parsed = music21.converter.parse(s.to_midi(tmp_path / "m.mid"))
    got = sorted((round(float(n.offset) * 480), round(float(n.quarterLength) * 480), n.pitch.midi)
                 for n in parsed.flatten().notes)
    assert got == [(n.start, n.duration, n.pitch) for n in s.notes]


note_st = st.builds(Note, st.integers(0, 4000), st.integers(1, 1000), st.integers(0, 127),
                    st.integers(1, 127))


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture],
          deadline=None)
@given(st.lists(note_st, min_size=1, max_size=15))
def test_round_trip_property(tmp_path, notes):
    # Overlapping notes of one pitch on one channel are ambiguous in MIDI; keep them apart.
    by_pitch: dict[int, int] = {}
    kept = []
    for n in sorted(notes):
        if n.start >= by_pitch.get(n.pitch, 0):
            kept.append(n)
            by_pitch[n.pitch] = n.end
    s = Score(parts=(Part("p", tuple(kept), program=5),))
    assert read_midi(s.to_midi(tmp_path / "h.mid")) == s

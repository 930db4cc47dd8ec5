"""MIDI in and out at the edges, each file read by mido (not by our reader) or made by mido
(not by our writer): channels when parts collide, controller values at their limits, key
signatures of modes, zero-length notes after rescaling, the order of note-off and note-on,
and every refusal's words; foreign files without our metadata, with broken metadata, with
tempo or meter not at tick 0, overlapping notes of one pitch.

Written against the mutants that survived ``make mutate`` on ``io/midi.py``; see
``bench/mutation.py``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import mido
import pytest

from schillinger_kernel.io.midi import META_PREFIX, read_midi, write_midi
from schillinger_kernel.score import Note, Part, Score, TempoChange, TimeSignature


def _score(*parts: Part, key: str = "C major", title: str = "t") -> Score:
    return Score(parts=parts, key=key, title=title)


def _part(name: str, channel: int = 0, pitch: int = 60, **kw: Any) -> Part:
    return Part(name, (Note(0, 480, pitch, 90),), channel=channel, **kw)


def _messages(path: Path, kind: str) -> list[Any]:
    return [m for t in mido.MidiFile(path).tracks for m in t if m.type == kind]


def _save(tmp_path: Path, tracks: list[list[Any]], *, type_: int = 1, ppq: int = 480,
          name: str = "foreign.mid") -> Path:
    mid = mido.MidiFile(type=type_, ticks_per_beat=ppq)
    for msgs in tracks:
        mid.tracks.append(mido.MidiTrack(msgs))
    path = tmp_path / name
    mid.save(path)
    return path


# ----- writing ------------------------------------------------------------------------------
def test_colliding_channels_get_the_first_free_one_never_ten(tmp_path: Path) -> None:
    parts = [_part(f"P{i}", channel=0) for i in range(10)] + [_part("Kit", 9, 36)]
    path = write_midi(_score(*parts), tmp_path / "c.mid")
    per_track = [{m.channel for m in t if m.type == "note_on"}
                 for t in mido.MidiFile(path).tracks[1:]]
    # 0 kept, then 1..8, then 10 (9 is the drums'), and the kit keeps 9
    assert per_track == [{0}, {1}, {2}, {3}, {4}, {5}, {6}, {7}, {8}, {10}, {9}]


def test_more_than_fifteen_pitched_parts_share_channels(tmp_path: Path) -> None:
    parts = [_part(f"P{i}", channel=3) for i in range(17)]
    path = write_midi(_score(*parts), tmp_path / "many.mid")
    chans = [next(m.channel for m in t if m.type == "note_on")
             for t in mido.MidiFile(path).tracks[1:]]
    assert chans[:15] == [3, 0, 1, 2, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15]
    assert chans[15:] == [3, 3]  # none free: their own channel, shared
    # what the file could not keep comes back from the metadata
    assert [p.channel for p in read_midi(path).parts] == [3] * 17


def test_drum_parts_keep_channel_ten_even_when_two_use_it(tmp_path: Path) -> None:
    path = write_midi(_score(_part("Kit", 9, 36), _part("Perc", 9, 39)), tmp_path / "d.mid")
    assert {m.channel for m in _messages(path, "note_on")} == {9}


def test_metadata_text_carries_what_midi_cannot(tmp_path: Path) -> None:
    a = _part("Lead", 0, preset="pluck", pan=-0.25, gain=0.5, program=73)
    b = _part("Pad", 0, 64, pan=0.5, gain=1.5)
    path = write_midi(_score(a, b, key="D dorian", title="Meta"), tmp_path / "m.mid")
    first = mido.MidiFile(path).tracks[0]
    (text,) = [m.text for m in first if m.type == "text"]
    assert text.startswith(META_PREFIX) and ", " not in text  # compact JSON
    meta = json.loads(text[len(META_PREFIX):])
    assert meta == {"title": "Meta", "key": "D dorian", "parts": [
        {"name": "Lead", "channel": 0, "score_channel": 0, "program": 73, "preset": "pluck",
         "pan": -0.25, "gain": 0.5},
        {"name": "Pad", "channel": 1, "score_channel": 0, "program": 0, "preset": None,
         "pan": 0.5, "gain": 1.5}]}
    back = read_midi(path)
    assert back.key == "D dorian" and back.title == "Meta"
    assert [(p.name, p.channel, p.preset, p.pan, p.gain) for p in back.parts] == [
        ("Lead", 0, "pluck", -0.25, 0.5), ("Pad", 0, None, 0.5, 1.5)]


@pytest.mark.parametrize(("name", "written"), [
    ("E minor", "Em"), ("A harmonic", "Am"), ("D melodic", "Dm"), ("E aeolian", "Em"),
    ("D dorian", "C"), ("E phrygian", "C"), ("A major", "A"), ("Bb major", "Bb"),
    ("G# major", "C#"), ("Fb major", "Cb"), ("A# minor", "A#m"), ("Ab minor", "Abm")])
def test_key_signature_of_each_mode(tmp_path: Path, name: str, written: str) -> None:
    path = write_midi(_score(_part("A"), key=name), tmp_path / "k.mid")
    assert [m.key for m in _messages(path, "key_signature")] == [written]


@pytest.mark.parametrize(("pan", "gain", "cc10", "cc7"), [
    (-1.0, 0.0, 0, 0), (1.0, 2.0, 127, 127), (0.0, 1.0, 64, 100), (0.5, 1.27, 96, 127),
    (-0.5, 0.5, 32, 50)])
def test_pan_and_volume_controllers(tmp_path: Path, pan: float, gain: float, cc10: int,
                                    cc7: int) -> None:
    path = write_midi(_score(_part("A", pan=pan, gain=gain)), tmp_path / "cc.mid")
    cc = {m.control: m.value for m in _messages(path, "control_change")}
    assert cc == {10: cc10, 7: cc7}


def test_program_pan_volume_come_first_at_tick_zero(tmp_path: Path) -> None:
    path = write_midi(_score(_part("A", program=40)), tmp_path / "o.mid")
    track = mido.MidiFile(path).tracks[1]
    kinds = [m.type for m in track]
    assert kinds == ["track_name", "program_change", "control_change", "control_change",
                     "note_on", "note_off", "end_of_track"]
    assert [m.time for m in track] == [0, 0, 0, 0, 0, 480, 0]


def test_a_repeated_pitch_is_released_before_it_sounds_again(tmp_path: Path) -> None:
    p = Part("A", (Note(0, 480, 60, 90), Note(480, 480, 60, 80)))
    path = write_midi(_score(p), tmp_path / "rep.mid")
    notes = [(m.type, m.time, m.velocity) for m in mido.MidiFile(path).tracks[1]
             if m.type in ("note_on", "note_off")]
    assert notes == [("note_on", 0, 90), ("note_off", 480, 0), ("note_on", 0, 80),
                     ("note_off", 480, 0)]
    assert read_midi(path).notes == p.notes


def test_a_note_shorter_than_a_tick_after_rescaling_lasts_one(tmp_path: Path) -> None:
    p = Part("A", (Note(0, 5, 60, 90), Note(480, 480, 62, 90)))
    path = write_midi(_score(p), tmp_path / "short.mid", ppq=24)
    mid = mido.MidiFile(path)
    assert mid.ticks_per_beat == 24
    now, events = 0, []
    for m in mid.tracks[1]:
        now += m.time
        if m.type in ("note_on", "note_off"):
            events.append((m.type, m.note, now))
    # 5 ticks at 480 PPQ is 0.25 of a tick at 24: it keeps one tick rather than vanish
    assert events == [("note_on", 60, 0), ("note_off", 60, 1), ("note_on", 62, 24),
                      ("note_off", 62, 48)]


def test_tempo_and_meter_ticks_are_rescaled(tmp_path: Path) -> None:
    s = Score(parts=(_part("A"),), tempos=(TempoChange(0, 100.0), TempoChange(960, 50.0)),
              time_signatures=(TimeSignature(0, 4, 4), TimeSignature(1920, 3, 8)))
    path = write_midi(s, tmp_path / "r.mid", ppq=96)
    now, seen = 0, []
    for m in mido.MidiFile(path).tracks[0]:
        now += m.time
        if m.type in ("set_tempo", "time_signature"):
            seen.append((m.type, now))
    assert seen == [("set_tempo", 0), ("time_signature", 0), ("set_tempo", 192),
                    ("time_signature", 384)]


def test_format_zero_is_one_named_track(tmp_path: Path) -> None:
    s = _score(_part("A"), _part("B", 0, 64), title="Zero")
    mid = mido.MidiFile(write_midi(s, tmp_path / "z.mid", format=0))
    assert mid.type == 0 and len(mid.tracks) == 1
    track = mid.tracks[0]
    assert [m.name for m in track if m.type == "track_name"] == ["Zero"]
    assert sum(m.type == "text" for m in track) == 1
    assert {m.channel for m in track if m.type == "note_on"} == {0, 1}
    assert read_midi(tmp_path / "z.mid") == s


@pytest.mark.parametrize("ppq", [24, 32767])
def test_resolution_bounds_accepted(tmp_path: Path, ppq: int) -> None:
    path = write_midi(_score(_part("A")), tmp_path / f"{ppq}.mid", ppq=ppq)
    assert mido.MidiFile(path).ticks_per_beat == ppq


@pytest.mark.parametrize("ppq", [23, 32768, True, 96.0, "96"])
def test_resolution_refused(tmp_path: Path, ppq: object) -> None:
    with pytest.raises(ValueError) as exc:
        write_midi(_score(_part("A")), tmp_path / "x.mid", ppq=ppq)  # type: ignore[arg-type]
    assert str(exc.value) == f"ppq must be an int in 24..32767, got {ppq!r}"
    assert not list(tmp_path.iterdir())


def test_write_refusals_say_what_was_wrong(tmp_path: Path) -> None:
    with pytest.raises(TypeError) as exc:
        write_midi("score", tmp_path / "x.mid")  # type: ignore[arg-type]
    assert str(exc.value) == "score must be a Score, got str"
    with pytest.raises(ValueError) as exc2:
        write_midi(_score(_part("A")), tmp_path / "x.mid", format=2)
    assert str(exc2.value) == "format must be 0 or 1, got 2"
    for empty in (Score(), _score(Part("A"))):
        with pytest.raises(ValueError) as exc3:
            write_midi(empty, tmp_path / "x.mid")
        assert str(exc3.value) == "score has no notes to write"
    assert write_midi(_score(Part("Silent"), _part("A")), tmp_path / "x.midi").suffix == ".midi"


# ----- reading files made by mido -----------------------------------------------------------
def test_foreign_file_defaults(tmp_path: Path) -> None:
    path = _save(tmp_path, [[mido.Message("note_on", note=60, velocity=90, time=0),
                             mido.Message("note_off", note=60, velocity=0, time=480)]],
                 type_=0, name="plain.mid")
    s = read_midi(path)
    assert s.title == "plain" and s.key == "C major"
    assert s.tempos == (TempoChange(0, 120.0),)
    assert s.time_signatures == (TimeSignature(0, 4, 4),)
    assert [(p.name, p.program, p.channel, p.pan, p.gain) for p in s.parts] == [
        ("Part 1", 0, 0, 0.0, 1.0)]


def test_foreign_file_names_keys_tempos_meters(tmp_path: Path) -> None:
    conductor = [mido.MetaMessage("track_name", name="Song", time=0),
                 mido.MetaMessage("key_signature", key="F#m", time=0),
                 mido.MetaMessage("key_signature", key="C", time=0),  # only the first counts
                 mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(140), time=480),
                 mido.MetaMessage("time_signature", numerator=6, denominator=8, time=480)]
    violin = [mido.MetaMessage("track_name", name="Violin", time=0),
              mido.MetaMessage("track_name", name="ignored", time=0),
              mido.Message("program_change", channel=2, program=40, time=0),
              mido.Message("program_change", channel=2, program=41, time=0),
              mido.Message("note_on", channel=2, note=76, velocity=70, time=0),
              mido.Message("note_off", channel=2, note=76, velocity=0, time=960)]
    drums = [mido.Message("note_on", channel=9, note=36, velocity=100, time=0),
             mido.Message("note_on", channel=9, note=36, velocity=0, time=120),
             mido.Message("note_on", channel=3, note=50, velocity=60, time=0),
             mido.Message("note_off", channel=3, note=50, velocity=0, time=120)]
    s = read_midi(_save(tmp_path, [conductor, violin, drums], ppq=240))
    assert s.title == "Song" and s.key == "F# minor"
    # tempo and meter not at tick 0: 120 BPM and 4/4 stand until them (ticks ×2: 240 PPQ)
    assert s.tempos == (TempoChange(0, 120.0), TempoChange(960, 140.0))
    assert s.time_signatures == (TimeSignature(0, 4, 4), TimeSignature(1920, 6, 8))
    # by track, then channel; an unnamed track's parts are named by channel and count
    assert [(p.name, p.program, p.channel) for p in s.parts] == [
        ("Violin", 40, 2), ("Part 2", 0, 3), ("Drums", 0, 9)]
    assert s.parts[0].notes == (Note(0, 1920, 76, 70),)
    assert s.parts[2].notes == (Note(0, 240, 36, 100),)


def test_major_key_signature_and_tempo_snapped(tmp_path: Path) -> None:
    conductor = [mido.MetaMessage("key_signature", key="Eb", time=0),
                 mido.MetaMessage("set_tempo", tempo=428_571, time=0)]  # 140.0001 BPM
    notes = [mido.Message("note_on", note=60, velocity=90, time=0),
             mido.Message("note_off", note=60, velocity=0, time=480)]
    s = read_midi(_save(tmp_path, [conductor, notes]))
    assert s.key == "Eb major"
    assert s.tempos == (TempoChange(0, 140.0),)


def test_overlapping_notes_of_one_pitch_close_first_in_first_out(tmp_path: Path) -> None:
    msgs = [mido.Message("note_on", note=60, velocity=90, time=0),
            mido.Message("note_on", note=60, velocity=80, time=100),
            mido.Message("note_off", note=60, velocity=0, time=100),
            mido.Message("note_off", note=60, velocity=0, time=100),
            mido.Message("note_off", note=61, velocity=0, time=0)]  # never opened: ignored
    s = read_midi(_save(tmp_path, [msgs], type_=0))
    assert s.notes == (Note(0, 200, 60, 90), Note(100, 200, 60, 80))


def test_zero_length_foreign_note_lasts_one_tick(tmp_path: Path) -> None:
    msgs = [mido.Message("note_on", note=60, velocity=90, time=0),
            mido.Message("note_off", note=60, velocity=0, time=0)]
    assert read_midi(_save(tmp_path, [msgs], type_=0)).notes == (Note(0, 1, 60, 90),)


@pytest.mark.parametrize("text", [META_PREFIX + "{not json", META_PREFIX + "[1, 2]",
                                  "schillinger-ish:{}"])
def test_broken_or_foreign_metadata_is_ignored(tmp_path: Path, text: str) -> None:
    msgs = [mido.MetaMessage("track_name", name="Named", time=0),
            mido.MetaMessage("text", text=text, time=0),
            mido.Message("note_on", note=60, velocity=90, time=0),
            mido.Message("note_off", note=60, velocity=0, time=480)]
    s = read_midi(_save(tmp_path, [msgs], type_=0))
    assert s.title == "Named" and s.key == "C major" and s.parts[0].name == "Part 1"


def test_metadata_only_in_the_first_track_counts(tmp_path: Path) -> None:
    meta = META_PREFIX + json.dumps({"title": "Hidden", "key": "E minor", "parts": []})
    first = [mido.MetaMessage("track_name", name="Shown", time=0)]
    second = [mido.MetaMessage("text", text=meta, time=0),
              mido.Message("note_on", note=60, velocity=90, time=0),
              mido.Message("note_off", note=60, velocity=0, time=480)]
    s = read_midi(_save(tmp_path, [first, second]))
    assert s.title == "Shown" and s.key == "C major"


def test_our_metadata_orders_parts_and_matches_by_track_name(tmp_path: Path) -> None:
    # "Hi" on channel 5 is written first; read by track and channel it would come second
    hi, lo = _part("Hi", 5, 72), _part("Lo", 0, 48)
    for fmt in (0, 1):
        path = write_midi(_score(hi, lo), tmp_path / f"o{fmt}.mid", format=fmt)
        assert [(p.name, p.channel) for p in read_midi(path).parts] == [("Hi", 5), ("Lo", 0)]


def test_read_refusals_say_what_was_wrong(tmp_path: Path) -> None:
    with pytest.raises(TypeError) as exc:
        read_midi(5)  # type: ignore[arg-type]
    assert str(exc.value) == "path must be a str or os.PathLike, got int"
    missing = tmp_path / "nope.mid"
    with pytest.raises(ValueError) as exc2:
        read_midi(missing)
    assert str(exc2.value) == f"MIDI file not found: {str(missing)!r}"
    path = _save(tmp_path, [[mido.Message("note_on", note=60, velocity=90, time=0)]],
                 type_=2, name="two.mid")
    with pytest.raises(ValueError) as exc3:
        read_midi(str(path))
    assert str(exc3.value) == (f"{str(path)!r}: MIDI format 2 (independent sequences) is "
                               "not supported")
    junk = tmp_path / "junk.mid"
    junk.write_bytes(b"MThd junk")
    with pytest.raises(ValueError) as exc4:
        read_midi(junk)
    assert str(exc4.value).startswith(f"{str(junk)!r} is not a readable MIDI file: ")


# ----- the survivors of the second run ----------------------------------------------------
def test_controllers_go_to_the_parts_channel(tmp_path: Path) -> None:
    path = write_midi(_score(_part("A", 0), _part("B", 0, 64, pan=0.9)), tmp_path / "cc.mid")
    second = mido.MidiFile(path).tracks[2]
    cc = {(m.channel, m.control): m.value for m in second if m.type == "control_change"}
    assert cc == {(1, 10): 121, (1, 7): 100}  # 64 + 0.9 × 63.5 = 121.15


def test_conductor_track_order_and_ticks(tmp_path: Path) -> None:
    path = write_midi(_score(_part("A"), key="E minor", title="Cond"), tmp_path / "k.mid")
    now, seen = 0, []
    for m in mido.MidiFile(path).tracks[0]:
        now += m.time
        seen.append((m.type, now))
    assert seen == [("track_name", 0), ("text", 0), ("key_signature", 0), ("set_tempo", 0),
                    ("time_signature", 0), ("end_of_track", 0)]


def test_smf_suffix_is_accepted(tmp_path: Path) -> None:
    path = write_midi(_score(_part("A")), tmp_path / "x.smf")
    assert path.name == "x.smf" and mido.MidiFile(path).type == 1


def test_title_comes_from_our_metadata_before_the_track_name(tmp_path: Path) -> None:
    meta = META_PREFIX + json.dumps({"title": "Real title", "parts": []})
    first = [mido.MetaMessage("track_name", name="Track zero", time=0),
             mido.MetaMessage("text", text=meta, time=0)]
    notes = [mido.Message("note_on", note=60, velocity=90, time=0),
             mido.Message("note_off", note=60, velocity=0, time=480)]
    assert read_midi(_save(tmp_path, [first, notes])).title == "Real title"


def test_notes_in_a_named_conductor_track_are_not_named_after_it(tmp_path: Path) -> None:
    first = [mido.MetaMessage("track_name", name="Song", time=0),
             mido.Message("note_on", note=60, velocity=90, time=0),
             mido.Message("note_off", note=60, velocity=0, time=480)]
    second = [mido.MetaMessage("track_name", name="Cello", time=0),
              mido.Message("note_on", channel=1, note=48, velocity=90, time=0),
              mido.Message("note_off", channel=1, note=48, velocity=0, time=480)]
    s = read_midi(_save(tmp_path, [first, second]))
    assert s.title == "Song"
    assert [p.name for p in s.parts] == ["Part 1", "Cello"]


def test_a_track_our_metadata_does_not_name_goes_last(tmp_path: Path) -> None:
    path = write_midi(_score(_part("Hi", 5, 72), _part("Lo", 0, 48)), tmp_path / "ours.mid")
    mid = mido.MidiFile(path)
    mid.tracks.insert(1, mido.MidiTrack([
        mido.MetaMessage("track_name", name="Added", time=0),
        mido.Message("note_on", channel=7, note=40, velocity=90, time=0),
        mido.Message("note_off", channel=7, note=40, velocity=0, time=480)]))
    mid.save(path)
    assert [p.name for p in read_midi(path).parts] == ["Hi", "Lo", "Added"]

"""MusicXML export/import via music21, checked against the real MuseScore 3."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from schillinger_kernel import Note, Part, Score, TempoChange, TimeSignature
from schillinger_kernel.io.m21 import NOTATABLE, decompose, from_music21, to_music21
from schillinger_kernel.io.musicxml import read_musicxml, write_musicxml


def sample_score() -> Score:
    melody = Part.create("Flute", (
        Note(0, 600, 72), Note(600, 1320, 74),       # 5/16 + 11/16: not single notes
        Note(1920, 1680, 76),                        # 7/8
        Note(3600, 960, 77),                         # crosses the bar line into 3/4
        Note(4800, 240, 79), Note(5040, 240, 77, 110),
    ), instrument="flute")
    piano = Part.create("Piano", (
        Note(0, 1920, 60), Note(0, 1920, 64), Note(0, 1920, 67),     # chord
        Note(0, 480, 48), Note(480, 480, 50), Note(960, 960, 52),    # a second voice
        Note(1920, 3840, 55),
    ), instrument="piano")
    triplets = Part.create("Vibes", tuple(Note(i * 160, 160, 60 + i % 5) for i in range(12)),
                           instrument="vibraphone")
    drums = Part.create("Drums", (Note(0, 240, 36), Note(480, 240, 38), Note(480, 240, 42),
                                  Note(960, 240, 36)), instrument="drums")
    return Score(parts=(melody, piano, triplets, drums),
                 tempos=(TempoChange(0, 96.0), TempoChange(3840, 120.0)),
                 time_signatures=(TimeSignature(0, 4, 4), TimeSignature(3840, 3, 4)),
                 key="Eb major", title="MusicXML sample")


def triples(part: Part) -> list[tuple[int, int, int]]:
    """What a player reads back: drum hits are written held to the next hit or the beat's
    end (no rest confetti), so a drum's length is not part of it."""
    if part.is_drums:
        return sorted((n.start, 0, n.pitch) for n in part.notes)
    return sorted((n.start, n.duration, n.pitch) for n in part.notes)


def test_decompose() -> None:
    assert decompose(480) == (480,)
    assert decompose(600) == (480, 120)
    assert decompose(1680) == (1440, 240)
    assert sum(decompose(1230)) == 1230
    assert all(v in NOTATABLE for v in decompose(3990))


def test_to_music21_makes_measures_ties_and_notatable_values() -> None:
    m = to_music21(sample_score())
    flute = m.parts[0]
    measures = flute.getElementsByClass("Measure")
    assert len(measures) == 4  # 4/4, 4/4, 3/4 + 3/4 covering 6240 ticks... (1920*2+1440*2)
    for el in m.recurse().notesAndRests:
        assert el.duration.type not in ("complex", "inexpressible"), el
    ties = [n.tie.type for n in flute.recurse().notes if n.tie is not None]
    assert "start" in ties and "stop" in ties
    assert m.parts[1].recurse().getElementsByClass("Voice")  # overlapping notes -> voices
    assert from_music21(m).parts[0].notes == sample_score().parts[0].notes


def test_musicxml_round_trip(tmp_path: Path) -> None:
    s = sample_score()
    path = write_musicxml(s, tmp_path / "sample.musicxml")
    assert path.read_text().lstrip().startswith("<?xml")
    back = read_musicxml(path)
    # the staves carry the instruments' names (a label that only names the instrument)
    assert [p.name for p in back.parts] == ["Flute", "Piano", "Vibraphone", "Drum Set"]
    for a, b in zip(s.parts, back.parts, strict=True):
        assert triples(a) == triples(b)
        assert a.program == b.program
    assert back.parts[3].is_drums
    assert back.key == "Eb major"
    assert [(t.tick, t.numerator, t.denominator) for t in back.time_signatures] == [
        (0, 4, 4), (3840, 3, 4)]
    assert [(t.tick, t.bpm) for t in back.tempos] == [(0, 96.0), (3840, 120.0)]
    assert back.title == "MusicXML sample"
    mxl = write_musicxml(s, tmp_path / "sample.mxl")
    assert triples(read_musicxml(mxl).parts[1]) == triples(s.parts[1])


def test_score_bridges(tmp_path: Path) -> None:
    s = Score.from_durations((3, 1, 2, 2), pitches=("C4", "E4", "G4"), unit=240, key="A minor")
    p = s.to_musicxml(tmp_path / "x.xml")
    assert read_musicxml(p).notes == s.notes
    assert Score.from_music21(s.to_music21()).notes == s.notes
    assert read_musicxml(p).key == "A minor"


def test_bad_paths(tmp_path: Path) -> None:
    s = sample_score()
    with pytest.raises(ValueError, match="extension"):
        write_musicxml(s, tmp_path / "x.pdf")
    with pytest.raises(ValueError, match="does not exist"):
        write_musicxml(s, tmp_path / "nope" / "x.musicxml")
    with pytest.raises(ValueError, match="does not exist"):
        read_musicxml(tmp_path / "missing.musicxml")
    bad = tmp_path / "bad.musicxml"
    bad.write_text("not xml at all")
    with pytest.raises(ValueError, match="MusicXML"):
        read_musicxml(bad)
    with pytest.raises(TypeError, match="Score"):
        write_musicxml("score", tmp_path / "x.musicxml")  # type: ignore[arg-type]
    assert not list(tmp_path.glob(".*.part*"))  # no half-written files left behind


def drum_score() -> Score:
    import dataclasses

    every = Part.create("Kit", tuple(
        Note(i * 240, 600 if i % 3 == 0 else 240, p, 40 + i)
        for i, p in enumerate([*range(35, 82), 0, 20, 100, 127])), instrument="drums")
    hits = Part.create("Groove", (Note(0, 480, 36), Note(0, 480, 42), Note(0, 480, 49),
                                  Note(480, 960, 38), Note(480, 960, 46), Note(960, 240, 44)),
                       instrument="drums")
    return Score(parts=(every, dataclasses.replace(hits, program=32)), title="Drums")


def test_drum_parts_are_unpitched_percussion() -> None:
    from music21 import clef, note, percussion

    m = to_music21(drum_score())
    kit = m.parts[0]
    assert not kit.recurse().getElementsByClass(note.Note)
    assert isinstance(kit.recurse().getElementsByClass(clef.Clef).first(), clef.PercussionClef)
    first = kit.recurse().getElementsByClass(note.Unpitched).first()
    assert (first.displayStep, first.displayOctave, first.storedInstrument.percMapPitch) == (
        "E", 4, 35)
    assert m.parts[1].recurse().getElementsByClass(percussion.PercussionChord)
    back = from_music21(m)
    for a, b in zip(drum_score().parts, back.parts, strict=True):
        assert a.notes == b.notes and b.is_drums


def test_drum_musicxml_names_each_drum_and_round_trips(tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET

    s = drum_score()
    for suffix in (".musicxml", ".mxl"):
        back = read_musicxml(write_musicxml(s, tmp_path / f"d{suffix}"))
        for a, b in zip(s.parts, back.parts, strict=True):
            assert (triples(a), a.program, a.channel) == (triples(b), b.program, b.channel)
            assert [n.velocity for n in sorted(a.notes)] == [n.velocity for n in sorted(b.notes)]
        assert [p.name for p in back.parts] == ["Drum Set", "Groove"]
    root = ET.parse(tmp_path / "d.musicxml").getroot()
    kit = root.find("part-list/score-part")
    assert kit is not None
    unpitched = {int(m.findtext("midi-unpitched") or 0) - 1
                 for m in kit.findall("midi-instrument")}
    assert unpitched == {n.pitch for n in s.parts[0].notes}
    assert {m.findtext("midi-channel") for m in kit.findall("midi-instrument")} == {"10"}
    names = {i.findtext("instrument-name") for i in kit.findall("score-instrument")}
    assert {"Bass Drum 1", "Closed Hi-Hat", "Drum 127"} <= names
    notes = root.findall("part/measure/note")
    assert not [n for n in notes if n.find("pitch") is not None]
    assert all(n.find("instrument") is not None for n in notes if n.find("unpitched") is not None)
    assert not [n for n in notes if n.get("id")]  # our bookkeeping ids are gone


def test_drum_display_positions_are_distinct_and_read_back(tmp_path: Path) -> None:
    from schillinger_kernel.io.drumkit import GM_DRUMS, drum_display, drum_from_display

    assert len({v[1:] for v in GM_DRUMS.values()}) == len(GM_DRUMS)
    assert all(drum_from_display(*drum_display(p)) == p for p in GM_DRUMS)
    # a file from music21 alone (no per-note instruments) still reads back by position + head
    s = Score(parts=(drum_score().parts[1],))
    path = tmp_path / "plain.musicxml"
    to_music21(s).write("musicxml", fp=str(path))
    assert read_musicxml(path).parts[0].notes == s.parts[0].notes


@pytest.mark.slow
def test_musescore_renders_our_file_and_music21_reads_the_same_notes(tmp_path: Path) -> None:
    mscore = shutil.which("mscore3") or shutil.which("musescore3")
    if mscore is None:
        pytest.skip("MuseScore 3 (mscore3, Debian package musescore3) is not installed")
    from schillinger_kernel.compose import generate_composition

    for name, score in (("sample", sample_score()), ("drums", drum_score()),
                        ("composed", generate_composition("Test", 100, "G major", 8,
                                                          "jazz", 0.6, seed=3))):
        xml = write_musicxml(score, tmp_path / f"{name}.musicxml")
        pdf = tmp_path / f"{name}.pdf"
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)}
        proc = subprocess.run([mscore, "-o", str(pdf), str(xml)], env=env, capture_output=True,
                              text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr[-2000:]
        assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 2000
        # MuseScore can re-export what it read: the notes survive its import too
        again = tmp_path / f"{name}_ms.musicxml"
        proc = subprocess.run([mscore, "-o", str(again), str(xml)], env=env,
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr[-2000:]
        back = read_musicxml(again)
        for a, b in zip(score.parts, back.parts, strict=True):
            assert triples(a) == triples(b), a.name
        assert triples(read_musicxml(xml).parts[0]) == triples(score.parts[0])


def test_accidentals_only_where_the_key_signature_needs_them(tmp_path: Path) -> None:
    # D minor (one flat): D F Bb need no sign; B natural and C sharp do, once per measure.
    s = Score.from_durations((2, 2, 2, 2, 2, 2, 2, 2), ("D4", "F4", "Bb4", "B4", "C#5", "C#5"),
                             key="D minor")
    xml = s.to_musicxml(tmp_path / "acc.musicxml").read_text()
    assert xml.count("<accidental>natural</accidental>") == 1
    assert xml.count("<accidental>sharp</accidental>") == 1
    assert xml.count("<accidental>") == 2
    assert read_musicxml(tmp_path / "acc.musicxml").notes == s.notes


def test_notes_are_spelled_in_the_pieces_key() -> None:
    """The V of E major is B D# F#, Ab major's fourth is Db, A minor's leading tone G#."""
    from schillinger_kernel.io.m21 import to_music21
    from schillinger_kernel.score import Note, Part, Score

    def names(key: str, notes: tuple[Note, ...]) -> list[list[str]]:
        s = Score(parts=(Part.create("Piano", notes),), key=key)
        return [[p.nameWithOctave for p in n.pitches] for n in to_music21(s).recurse().notes]

    assert names("E major", (Note(0, 480, 71), Note(0, 480, 75), Note(0, 480, 78))) == [
        ["B4", "D#5", "F#5"]]
    assert names("Ab major", (Note(0, 480, 61), Note(480, 480, 67))) == [["D-4"], ["G4"]]
    assert names("A minor", (Note(0, 480, 68),)) == [["G#4"]]


def test_a_drum_staff_has_no_key_signature_and_the_key_survives_a_drums_first_score(
        tmp_path: Path) -> None:
    from schillinger_kernel.io.m21 import to_music21
    from schillinger_kernel.io.musicxml import read_musicxml, write_musicxml
    from schillinger_kernel.score import Note, Part, Score

    drums = Part.create("Drums", (Note(0, 480, 36),), instrument="drums")
    piano = Part.create("Piano", (Note(0, 480, 70),))
    s = Score(parts=(drums, piano), key="Bb major")
    from music21 import key

    staves = to_music21(s).parts
    assert not list(staves[0].flatten().getElementsByClass(key.KeySignature))
    assert list(staves[1].flatten().getElementsByClass(key.KeySignature))
    path = write_musicxml(s, tmp_path / "drums_first.musicxml")
    assert read_musicxml(path).key == "Bb major"

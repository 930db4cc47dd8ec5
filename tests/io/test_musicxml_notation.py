"""MusicXML a player reads: grand staff, tuplets, chord symbols, rehearsal marks, dynamics,
drum voices. Read back by music21 and by MuseScore 3 (its MIDI export), independent readers."""

from __future__ import annotations

import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import schillinger_kernel as sk
from schillinger_kernel import Note, Part, Score
from schillinger_kernel.errors import ParameterTypeError
from schillinger_kernel.io.musicxml import read_musicxml, write_musicxml
from schillinger_kernel.io.musicxml_staves import split_staff
from schillinger_kernel.io.musicxml_values import Bar, snap_times, spell_bar

MSCORE = shutil.which("mscore3") or shutil.which("musescore3")
needs_mscore = pytest.mark.skipif(MSCORE is None, reason="MuseScore 3 (mscore3) not installed")


def musescore_midi(xml: Path, tmp: Path) -> list[list[tuple[int, int]]]:
    """MuseScore 3 imports ``xml`` and exports MIDI: (onset at 480 PPQ, pitch) per track."""
    import mido

    assert MSCORE is not None
    mid = tmp / (xml.stem + ".mid")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp)}
    proc = subprocess.run([MSCORE, "-o", str(mid), str(xml)], env=env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    f = mido.MidiFile(str(mid))
    out = []
    for track in f.tracks:
        t, notes = 0, []
        for msg in track:
            t += msg.time
            if msg.type == "note_on" and msg.velocity > 0:
                notes.append((round(t * 480 / f.ticks_per_beat), msg.note))
        if notes:
            out.append(sorted(notes))
    return out


def notes_of(root: ET.Element) -> Iterator[tuple[ET.Element, ET.Element]]:
    for part in root.findall("part"):
        for n in part.iter("note"):
            yield part, n


def piano_piece() -> Score:
    rh = Part.create("Piano RH", (
        Note(0, 480, 72), Note(480, 480, 74), Note(960, 960, 76), Note(960, 960, 79),
        Note(1920, 1920, 71), Note(1920, 480, 67), Note(2400, 1440, 64)), instrument="piano")
    lh = Part.create("Piano LH", (
        Note(0, 1920, 48), Note(0, 960, 55), Note(960, 960, 52), Note(1920, 3840, 43)),
        instrument="piano")
    return Score(parts=(rh, lh), key="C major", title="Hands")


def test_hands_are_one_part_on_a_grand_staff(tmp_path: Path) -> None:
    s = piano_piece()
    path = write_musicxml(s, tmp_path / "hands.musicxml")
    root = ET.parse(path).getroot()
    parts = root.findall("part")
    assert len(parts) == 1 and root.findtext("part-list/score-part/part-name") == "Piano"
    assert parts[0].findtext("measure/attributes/staves") == "2"
    clefs = [(c.get("number"), c.findtext("sign")) for c in parts[0].findall(
        "measure/attributes/clef")]
    assert clefs == [("1", "G"), ("2", "F")]
    assert parts[0].find("measure/backup") is not None
    # each hand on its staff, and staff 2's voices numbered apart from staff 1's
    for _p, n in notes_of(root):
        if n.find("pitch") is None:
            continue
        octave = int(n.findtext("pitch/octave") or 0)
        staff, voice = n.findtext("staff"), int(n.findtext("voice") or 0)
        assert staff == ("1" if octave >= 4 else "2"), ET.tostring(n)
        assert (voice <= 4) == (staff == "1")
    # a tie joins notes of one voice and one staff only
    open_ties: dict[tuple[str, str, str, str], int] = {}
    for _p, n in notes_of(root):
        pitch = (n.findtext("pitch/step") or "") + (n.findtext("pitch/octave") or "")
        where = (n.findtext("staff") or "", n.findtext("voice") or "", pitch, "")
        kinds = [t.get("type") for t in n.findall("tie")]
        if "stop" in kinds:
            assert open_ties.pop(where, 0), f"tie stops without a start in its voice: {where}"
        if "start" in kinds:
            open_ties[where] = 1
    assert not open_ties
    back = read_musicxml(path)
    assert len(back.parts) == 1
    assert sorted((n.start, n.duration, n.pitch) for n in back.parts[0].notes) == sorted(
        (n.start, n.duration, n.pitch) for n in s.notes)


def test_one_piano_part_is_split_at_middle_c_with_hysteresis() -> None:
    line = [Note(i * 240, 240, p) for i, p in enumerate((67, 64, 62, 60, 59, 57, 59, 60))]
    upper, lower = split_staff([*line, Note(0, 1920, 36)])
    # the line stays on the upper staff below middle C (it came from above), the bass below
    assert [n.pitch for n in upper] == [67, 64, 62, 60, 59, 57, 59, 60]
    assert [n.pitch for n in lower] == [36]
    assert [n.pitch for n in split_staff([Note(0, 480, 59)])[1]] == [59]


@needs_mscore
def test_musescore_plays_the_grand_staff_and_tuplets_at_our_times(tmp_path: Path) -> None:
    wide = Part.create("Piano", (Note(0, 480, 76), Note(0, 1920, 40), Note(480, 480, 60),
                                 Note(960, 960, 50), Note(960, 960, 70)), instrument="piano")
    five = sk.rhythm.interference(5, 4).to_score(pitch=67, unit=96, repeat=2)
    three = Part.create("Flute", tuple(Note(i * 160, 160, 72 + i % 3) for i in range(12)),
                        instrument="flute")
    s = Score(parts=(wide, five.parts[0], three), title="Readers")
    heard = musescore_midi(write_musicxml(s, tmp_path / "readers.musicxml"), tmp_path)
    # MuseScore exports a track per staff: the piano's two staves are its first two tracks
    assert len(heard) == 4 and heard[0] and heard[1]
    assert [sorted(heard[0] + heard[1]), *heard[2:]] == [
        sorted((n.start, n.pitch) for n in p.notes) for p in s.parts]


def test_quintuplets_are_tuplets_not_ties_to_64ths(tmp_path: Path) -> None:
    s = sk.rhythm.interference(5, 4).to_score(pitch=67, unit=96, repeat=2)
    path = write_musicxml(s, tmp_path / "r54.musicxml")
    root = ET.parse(path).getroot()
    notes = [n for _p, n in notes_of(root)]
    assert notes and all(n.findtext("time-modification/actual-notes") == "5"
                         and n.findtext("time-modification/normal-notes") == "4" for n in notes)
    assert not [n for n in notes if n.findtext("type") in ("32nd", "64th") or n.find("tie")
                is not None]
    starts = [t for n in notes for t in n.iter("tuplet") if t.get("type") == "start"]
    stops = [t for n in notes for t in n.iter("tuplet") if t.get("type") == "stop"]
    assert len(starts) == len(stops) == 8 and all(t.get("bracket") == "yes" for t in starts)
    assert read_musicxml(path).notes == s.notes
    import music21

    parsed: Any = music21.converter.parse(path)
    ratios = {(t.numberNotesActual, t.numberNotesNormal) for n in parsed.recurse().notes
              for t in n.duration.tuplets}
    assert ratios == {(5, 4)}


def test_tuplets_by_beat_triplets_septuplets_and_binary_beats() -> None:
    bar = Bar(0, 1920, 4, 4)
    segs = [(0, 160, "a"), (160, 320, "b"), (320, 480, "c"), (480, 960, "d"),
            (960, 1440, None), (1440, 1920, "e")]
    pieces = spell_bar(bar, segs)
    assert [(p.value, p.tuplet) for p in pieces] == [
        (240, (3, 2, 240)), (240, (3, 2, 240)), (240, (3, 2, 240)),
        (480, None), (480, None), (480, None)]
    assert [p.bracket for p in pieces[:3]] == ["start", "", "stop"]
    # seven per quarter cannot be whole ticks at 480 PPQ: read onto the septuplet grid
    sept = [round(k * 480 / 7) for k in range(8)]
    snap = snap_times(sept, [bar])
    assert [snap[t] * 7 for t in sept] == [k * 480 for k in range(8)]


def test_syncopation_shows_the_beat_and_rests_merge() -> None:
    bar = Bar(0, 1920, 4, 4)
    # an eighth, a quarter across beat 2, a quarter across the middle of the bar
    pieces = spell_bar(bar, [(0, 240, "a"), (240, 720, "b"), (720, 1200, "c"),
                             (1200, 1920, None)])
    assert [(int(p.start), p.value, p.tie_to) for p in pieces] == [
        (0, 240, False), (240, 240, True), (480, 240, False), (720, 240, True),
        (960, 240, False), (1200, 240, False), (1440, 480, False)]
    # a dotted quarter on the beat stays one note; a whole rest is one rest
    assert [p.value for p in spell_bar(bar, [(0, 720, "a"), (720, 960, "b"),
                                             (960, 1920, None)])] == [720, 240, 960]
    assert [p.value for p in spell_bar(bar, [(0, 1920, None)])] == [1920]
    six = Bar(0, 1440, 6, 8)
    assert [p.value for p in spell_bar(six, [(0, 720, "a"), (720, 1440, None)])] == [720, 720]


def test_chord_symbols_rehearsal_marks_dynamics_and_tempo(tmp_path: Path) -> None:
    notes = tuple(Note(i * 480, 480, 60 + i % 5, 40 if i < 8 else 110) for i in range(16))
    s = Score(parts=(Part.create("Flute", notes, instrument="flute"),), title="Marks")
    s = sk.Score(parts=s.parts, tempos=(sk.TempoChange(0, 96.0), sk.TempoChange(3840, 132.0)),
                 title="Marks", metadata={"form": [{"label": "A", "start_tick": 0},
                                                   {"label": "B", "start_tick": 3840}]})
    path = write_musicxml(s, tmp_path / "m.musicxml",
                          chords=((0, "Cmaj9"), (1920, "Bbm7"), (3840, "F#m7b5"),
                                  (5760, "G7/B")))
    root = ET.parse(path).getroot()
    harmonies = [(h.findtext("root/root-step"), float(h.findtext("root/root-alter") or 0),
                  h.find("kind").get("text"), h.findtext("bass/bass-step"))  # type: ignore[union-attr]
                 for h in root.iter("harmony")]
    assert harmonies == [("C", 0, "maj9", None), ("B", -1, "m7", None),
                         ("F", 1, "m7b5", None), ("G", 0, "7", "B")]
    assert [r.text for r in root.iter("rehearsal")] == ["A", "B"]
    assert [d[0].tag for d in root.iter("dynamics")] == ["pp", "ff"]  # velocities 40, 110
    assert [s_.get("tempo") for s_ in root.iter("sound") if s_.get("tempo")] == ["96", "132"]
    import music21

    parsed: Any = music21.converter.parse(path)
    # music21 rebuilds each chord from root, kind, degrees and bass: its pitch classes
    chords = [(c.root().name, sorted({p.pitchClass for p in c.pitches}), c.bass().name)
              for c in parsed.recurse().getElementsByClass(music21.harmony.ChordSymbol)]
    assert chords == [("C", [0, 2, 4, 7, 11], "C"), ("B-", [1, 5, 8, 10], "B-"),
                      ("F#", [0, 4, 6, 9], "F#"), ("G", [2, 5, 7, 11], "B")]
    assert read_musicxml(path).notes == s.notes  # chord symbols are not notes
    with pytest.raises(ParameterTypeError, match="chords"):
        write_musicxml(s, tmp_path / "x.musicxml", chords=(("C", 0),))  # type: ignore[arg-type]


def test_a_steady_swell_is_a_hairpin(tmp_path: Path) -> None:
    rising = [Note(i * 480, 480, 60 + i % 5, 40 + (i // 4) * 12) for i in range(24)]
    falling = [Note(n.start, n.duration, n.pitch, 130 - n.velocity) for n in rising]
    for notes, kind in ((rising, "crescendo"), (falling, "diminuendo")):
        s = Score(parts=(Part.create("Flute", notes, instrument="flute"),))
        root = ET.parse(write_musicxml(s, tmp_path / f"{kind}.musicxml")).getroot()
        assert [w.get("type") for w in root.iter("wedge")] == [kind, "stop"]
    steady = Score(parts=(Part.create("Flute", [Note(i * 480, 480, 60) for i in range(16)]),))
    root = ET.parse(write_musicxml(steady, tmp_path / "steady.musicxml")).getroot()
    assert not list(root.iter("wedge")) and len(list(root.iter("dynamics"))) == 1


def test_progressions_carry_their_chord_symbols() -> None:
    from schillinger_kernel.notation.engrave import musicxml

    p = sk.generate_progression("C major", length=8, style="jazz", seed=3)
    root = ET.fromstring(musicxml(p).encode())
    kinds = [h.find("kind").get("text") for h in root.iter("harmony")]  # type: ignore[union-attr]
    steps = [h.findtext("root/root-step") for h in root.iter("harmony")]
    assert [f"{s}{k}" for s, k in zip(steps, kinds, strict=True)] == list(p.symbols)


def test_notes_under_a_chord_symbol_are_spelled_as_its_thirds(tmp_path: Path) -> None:
    # E7 in C major: G# (its third), not the key's Ab; Bbmaj7: Bb and D, A natural
    notes = (Note(0, 1920, 64), Note(0, 1920, 68), Note(0, 1920, 71), Note(0, 1920, 74),
             Note(1920, 1920, 70), Note(1920, 1920, 74), Note(1920, 1920, 77),
             Note(1920, 1920, 81))
    s = Score(parts=(Part.create("Piano", notes),), key="C major")
    root = ET.parse(write_musicxml(s, tmp_path / "c.musicxml",
                                   chords=((0, "E7"), (1920, "Bbmaj7")))).getroot()
    names = [[(n.findtext("pitch/step") or "") + {"1": "#", "-1": "b"}.get(
        n.findtext("pitch/alter") or "", "") for n in m.iter("note")]
        for m in root.iter("measure")]
    assert names == [["E", "G#", "B", "D"], ["Bb", "D", "F", "A"]]


def test_drums_hands_and_feet_voices_x_heads_no_rest_confetti(tmp_path: Path) -> None:
    hats = [Note(t, 120, 42) for t in range(0, 3840, 240)]
    kit = Part.create("Drums", (*hats, *(Note(t, 120, 36) for t in (0, 960, 1920, 2880)),
                                *(Note(t, 120, 38) for t in (480, 1440, 2400, 3360))),
                      instrument="drums")
    path = write_musicxml(Score(parts=(kit,)), tmp_path / "kit.musicxml")
    root = ET.parse(path).getroot()
    voice_of: dict[str, set[str]] = {}
    for _p, n in notes_of(root):
        if n.find("unpitched") is not None:
            inst = n.find("instrument")
            assert inst is not None
            voice_of.setdefault(inst.get("id", ""), set()).add(n.findtext("voice") or "")
            head = n.findtext("notehead")
            if inst.get("id", "").endswith("I43"):  # closed hi-hat (GM 42 + 1)
                assert head == "x"
    assert {k.rsplit("-", 1)[1]: v for k, v in voice_of.items()} == {
        "I43": {"1"}, "I39": {"1"}, "I37": {"2"}}
    types = [(n.find("rest") is not None, n.findtext("type")) for _p, n in notes_of(root)]
    assert (True, "16th") not in types  # eighth-note hats read as eighths
    assert all(n.findtext("stem") == ("up" if n.findtext("voice") == "1" else "down")
               for _p, n in notes_of(root)
               if n.find("unpitched") is not None and n.find("chord") is None)
    back = read_musicxml(path)
    assert sorted((n.start, n.pitch) for n in back.notes) == sorted(
        (n.start, n.pitch) for n in kit.notes)


@pytest.mark.parametrize("meter", [(3, 4), (6, 8), (7, 8), (5, 4), (12, 8)])
def test_every_meter_round_trips(tmp_path: Path, meter: tuple[int, int]) -> None:
    s = sk.generate_composition("Meter", 110, "A minor", 4, "pop", 0.6, seed=2,
                                meter=f"{meter[0]}/{meter[1]}")
    back = read_musicxml(write_musicxml(s, tmp_path / "m.musicxml"))
    assert [(t.numerator, t.denominator) for t in back.time_signatures] == [meter]
    for a, b in zip((p for p in s.parts if not p.is_drums),
                    (p for p in back.parts if not p.is_drums), strict=True):
        assert sorted((n.start, n.duration, n.pitch) for n in a.notes) == sorted(
            (n.start, n.duration, n.pitch) for n in b.notes), a.name


_TPC_OF = {"C": 14, "G": 15, "D": 16, "A": 17, "E": 18, "B": 19, "F": 13}


@needs_mscore
def test_musescore_reads_staves_symbols_marks_tuplets_and_drums(tmp_path: Path) -> None:
    """MuseScore 3's own file (.mscx) after importing ours: what a MuseScore user sees."""
    piano = Part.create("Piano", (Note(0, 1920, 76), Note(0, 1920, 40), Note(1920, 960, 72),
                                  Note(1920, 960, 48), Note(2880, 960, 50)), instrument="piano")
    five = Part.create("Flute", tuple(Note(i * 96, 96, 72 + i % 4) for i in range(40)),
                       instrument="flute")
    kit = Part.create("Drums", tuple(Note(t, 120, 42) for t in range(0, 3840, 240)),
                      instrument="drums")
    s = Score(parts=(piano, five, kit), metadata={"form": [{"label": "A", "start_tick": 0},
                                                           {"label": "B", "start_tick": 1920}]})
    xml = write_musicxml(s, tmp_path / "look.musicxml", chords=((0, "Ebmaj7"), (1920, "F#m7")))
    assert MSCORE is not None
    out = tmp_path / "look.mscx"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)}
    proc = subprocess.run([MSCORE, "-o", str(out), str(xml)], env=env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    root = ET.parse(out).getroot()
    score = root.find("Score")
    assert score is not None
    assert [len(p.findall("Staff")) for p in score.findall("Part")] == [2, 1, 1]
    harmonies = [(int(h.findtext("root") or 0), h.findtext("name")) for h in score.iter("Harmony")]
    assert harmonies == [(_TPC_OF["E"] - 7, "maj7"), (_TPC_OF["F"] + 7, "m7")]
    marks = ["".join(r.itertext()).strip() for r in score.iter("RehearsalMark")]
    assert marks == ["A", "B"]
    tuplets = {(t.findtext("actualNotes"), t.findtext("normalNotes")) for t in score.iter("Tuplet")}
    assert tuplets == {("5", "4")}
    heads = {int(d.get("pitch", 0)): d.findtext("head") for d in score.iter("Drum")}
    assert heads[42] == "cross"
    assert [d.findtext("subtype") for d in score.iter("Dynamic")] == ["mf", "mf", "mf"]
    swell = Score(parts=(Part.create("Flute", [Note(i * 480, 480, 72, 40 + (i // 4) * 12)
                                              for i in range(24)], instrument="flute"),))
    xml = write_musicxml(swell, tmp_path / "swell.musicxml")
    proc = subprocess.run([MSCORE, "-o", str(out), str(xml)], env=env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    pins = [h.findtext("subtype") for h in ET.parse(out).getroot().iter("HairPin")]
    assert pins == ["0"]  # MuseScore's crescendo hairpin

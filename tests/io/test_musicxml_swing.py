"""Issue 14: swung and shuffled eighths are written as a player reads a swing chart, plain
eighths under a "Swing" or "Shuffle" mark, while the MIDI keeps the swung times."""

from __future__ import annotations

import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from schillinger_kernel import Note, Part, Score, read_midi
from schillinger_kernel.compose import generate_composition
from schillinger_kernel.compose.dynamics import swing, swing_tick
from schillinger_kernel.io.musicxml import read_musicxml, write_musicxml
from schillinger_kernel.io.musicxml_values import bars, straighten
from schillinger_kernel.score import TimeSignature


def _notes(path: Path) -> list[ET.Element]:
    return ET.parse(path).getroot().findall("part/measure/note")


def _first_words(path: Path) -> list[str]:
    measure = ET.parse(path).getroot().find("part/measure")
    assert measure is not None
    return [w.text or "" for w in measure.iter("words")]


def test_straighten_undoes_the_swing_of_compose() -> None:
    bar_list = bars((TimeSignature(0, 4, 4), TimeSignature(3840, 6, 8)), 3840 + 2 * 1440)
    beats = (480, 480, 480, 480)
    for t in range(0, 3840, 30):  # every 64th of two 4/4 bars, swung and written back
        assert straighten(swing_tick(t, beats), bar_list) == t
        assert straighten(t, bar_list, played=True) == swing_tick(t, beats)
    # a 6/8 bar's beats are dotted quarters: not swung, written as they are
    assert [straighten(t, bar_list) for t in (3840 + 240, 3840 + 480, 3840 + 960)] == [
        4080, 4320, 4800]


@pytest.mark.parametrize(("style", "feel"), [("blues", "Shuffle"), ("jazz", "Swing")])
def test_swung_eighths_are_written_straight_under_the_feel(tmp_path: Path, style, feel) -> None:
    from music21 import converter

    s = generate_composition("Feel", 100, "Bb major", 12, style, 0.6, seed=3)
    assert s.metadata["feel"] == feel.lower()
    melody = s.parts[0].notes
    assert {n.start % 480 for n in melody} & {320}  # the score itself is swung
    path = write_musicxml(s, tmp_path / f"{style}.musicxml")
    notes = _notes(path)
    assert not [n for n in notes if n.find("time-modification") is not None]
    assert not [n for n in notes if n.find("notations/tuplet") is not None]
    assert sum(n.findtext("type") == "eighth" for n in notes) >= 40
    assert feel in _first_words(path)
    m21 = converter.parse(str(path))
    assert not [n for n in m21.recurse().notesAndRests if n.duration.tuplets]
    assert feel in [e.content for e in m21.parts[0].measure(1).recurse().getElementsByClass(
        "TextExpression")]
    # read back, the mark swings the eighths again: the notes are the score's own
    back = read_musicxml(path)
    assert back.metadata["feel"] == feel.lower()
    assert sorted((n.start, n.duration, n.pitch) for n in back.parts[0].notes) == sorted(
        (n.start, n.duration, n.pitch) for n in melody)


def test_the_midi_keeps_the_swing(tmp_path: Path) -> None:
    s = generate_composition("Shuffle", 100, "F major", 12, "blues", 0.5, seed=7)
    back = read_midi(s.to_midi(tmp_path / "shuffle.mid"))
    hats = [n for p in back.parts if p.is_drums for n in p.notes if n.pitch == 42]
    assert {n.start % 480 for n in hats} == {0, 320}


def test_straight_and_compound_scores_are_not_marked(tmp_path: Path) -> None:
    straight = Score(parts=(Part.create("Sax", (Note(0, 240, 72), Note(240, 240, 74))),))
    path = write_musicxml(straight, tmp_path / "straight.musicxml")
    assert not {"Swing", "Shuffle"} & set(_first_words(path))
    # 12/8 is long-short by its meter: nothing to straighten, no mark
    s = generate_composition("Blues", 100, "E major", 12, "blues", 0.5, seed=4, meter="12/8")
    path = write_musicxml(s, tmp_path / "compound.musicxml")
    assert "Shuffle" not in _first_words(path)
    assert read_musicxml(path).metadata.get("feel") is None
    # a hand-made swing score: two eighths, played long-short
    played = Score(parts=(Part.create("Sax", swing(straight.parts[0].notes, (480,) * 4)),),
                   metadata={"feel": "swing"})
    path = write_musicxml(played, tmp_path / "played.musicxml")
    assert [n.findtext("type") for n in _notes(path)][:2] == ["eighth", "eighth"]


@pytest.mark.slow
def test_musescore_opens_the_swing_chart(tmp_path: Path) -> None:
    mscore = shutil.which("mscore3") or shutil.which("musescore3")
    if mscore is None:
        pytest.skip("MuseScore 3 (mscore3, Debian package musescore3) is not installed")
    s = generate_composition("Shuffle", 96, "G major", 12, "blues", 0.6, seed=5)
    xml = write_musicxml(s, tmp_path / "shuffle.musicxml")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)}
    for out in ("shuffle.pdf", "shuffle_ms.musicxml"):
        proc = subprocess.run([mscore, "-o", str(tmp_path / out), str(xml)], env=env,
                              capture_output=True, text=True, timeout=180)
        assert proc.returncode == 0, proc.stderr[-2000:]
    assert (tmp_path / "shuffle.pdf").read_bytes()[:5] == b"%PDF-"
    again = tmp_path / "shuffle_ms.musicxml"
    # MuseScore keeps the mark and the plain eighths
    assert "Shuffle" in _first_words(again)
    assert not [n for n in _notes(again) if n.find("time-modification") is not None]
    back = read_musicxml(again)
    assert sorted((n.start, n.pitch) for n in back.parts[0].notes) == sorted(
        (n.start, n.pitch) for n in s.parts[0].notes)

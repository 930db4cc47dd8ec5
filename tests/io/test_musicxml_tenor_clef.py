"""High cello (and bassoon, trombone) passages are written in the tenor clef, for the bars
they sit high, and the notation programs read them at our pitches: MuseScore 3 exports the
same MIDI, music21 reads the same notes back."""

from __future__ import annotations

import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from schillinger_kernel import Note, Part, Score
from schillinger_kernel.io.musicxml import read_musicxml, write_musicxml

MSCORE = shutil.which("mscore3") or shutil.which("musescore3")

# bar 1 low, bars 2-4 high (up to A4), bar 5 back down to G2
_CLIMB = (48, 50, 52, 53, 55, 60, 64, 67, 69, 67, 65, 64, 62, 60, 59, 57, 55, 50, 45, 43)


def _line(instrument: str, pitches: tuple[int, ...] = _CLIMB) -> Score:
    notes = tuple(Note(i * 480, 480, p) for i, p in enumerate(pitches))
    return Score(parts=(Part.create(instrument.title(), notes, instrument=instrument),),
                 title="High line")


def _clefs(path: Path) -> list[tuple[str | None, str | None, str | None]]:
    root = ET.parse(path).getroot()
    return [(m.get("number"), c.findtext("sign"), c.findtext("line"))
            for m in root.iter("measure") for c in m.iter("clef")]


@pytest.mark.parametrize("instrument", ["cello", "bassoon", "trombone"])
def test_high_bars_change_to_the_tenor_clef_and_back(instrument: str, tmp_path: Path) -> None:
    path = write_musicxml(_line(instrument), tmp_path / "line.musicxml")
    assert _clefs(path) == [("1", "F", "4"), ("2", "C", "4"), ("5", "F", "4")]
    back = read_musicxml(path)
    assert [n.pitch for n in back.notes] == list(_CLIMB)


def test_low_parts_and_other_instruments_keep_one_clef(tmp_path: Path) -> None:
    low = tuple(p - 12 for p in _CLIMB)
    assert _clefs(write_musicxml(_line("cello", low), tmp_path / "low.musicxml")) == [
        ("1", "F", "4")]
    # a bass guitar and a tuba never read the tenor clef
    for instrument in ("electric bass (finger)", "tuba"):
        assert _clefs(write_musicxml(_line(instrument), tmp_path / "b.musicxml")) == [
            ("1", "F", "4")], instrument


@pytest.mark.skipif(MSCORE is None, reason="MuseScore 3 (mscore3) not installed")
def test_musescore_plays_the_tenor_clef_bars_at_our_pitches(tmp_path: Path) -> None:
    mido = pytest.importorskip("mido")
    xml = write_musicxml(_line("cello"), tmp_path / "cello.musicxml")
    mid = tmp_path / "cello.mid"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)}
    assert MSCORE is not None
    proc = subprocess.run([MSCORE, "-o", str(mid), str(xml)], env=env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    midi = mido.MidiFile(str(mid))
    heard = []
    for track in midi.tracks:
        t = 0
        for msg in track:
            t += msg.time
            if msg.type == "note_on" and msg.velocity > 0:
                heard.append((round(t * 480 / midi.ticks_per_beat), msg.note))
    assert sorted(heard) == [(i * 480, p) for i, p in enumerate(_CLIMB)]

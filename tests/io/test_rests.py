"""Rests through every rhythm path: group, to_score, MIDI, MusicXML and audio.

A negative duration is a rest (Book I writes them as the silent units of a resultant). The
rhythm (3, -3, 2) in eighths is a dotted quarter, a dotted-quarter rest and a quarter; barred
in 2/4 (four eighths) its rest crosses the bar line and must stay a rest on both sides.
Each path is read back by something other than our own reader where one exists: mido's
events, MusicXML's elements by ElementTree, music21's rests, the rendered samples.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import mido
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from schillinger_kernel.io.midi import read_midi
from schillinger_kernel.io.musicxml import read_musicxml, write_musicxml
from schillinger_kernel.rhythm import Rhythm, group

RESTED = (3, -3, 2)
EIGHTH = 240  # ticks of one unit in to_score


def test_group_keeps_rests_as_rests_across_bar_lines() -> None:
    assert group(RESTED, 2) == ((2,), (1, -1), (-2,), (2,))
    assert group(RESTED, 4) == ((3, -1), (-2, 2))
    assert group((-3, 2, -1), 2) == ((-2,), (-1, 1), (1, -1))
    assert group((-5,), 2) == ((-2,), (-2,), (-1,))


def cells(durations: tuple[int, ...]) -> list[int]:
    """One +1 (sounding) or -1 (silent) per unit."""
    return [1 if d > 0 else -1 for d in durations for _ in range(abs(d))]


@given(st.lists(st.integers(1, 9).flatmap(lambda n: st.sampled_from([n, -n])), min_size=1,
                max_size=12), st.integers(1, 8))
def test_group_property_every_unit_keeps_its_sound_or_silence(durations, bar) -> None:
    bars = group(tuple(durations), bar)
    assert cells(tuple(d for b in bars for d in b)) == cells(tuple(durations))
    assert all(sum(abs(d) for d in b) == bar for b in bars[:-1])
    assert 0 < sum(abs(d) for d in bars[-1]) <= bar


def rested_score():
    return Rhythm(RESTED).to_score("E4", time_signature=(2, 4), repeat=2)


def test_to_score_leaves_the_rests_silent() -> None:
    notes = rested_score().parts[0].notes
    assert [(n.start, n.end) for n in notes] == [(0, 720), (1440, 1920), (1920, 2640),
                                                 (3360, 3840)]
    assert rested_score().end == 8 * 2 * EIGHTH


@pytest.mark.parametrize("ppq", [96, 480, 960])
def test_midi_keeps_the_rests(tmp_path: Path, ppq: int) -> None:
    s = rested_score()
    path = s.to_midi(tmp_path / "r.mid", ppq=ppq)
    mid = mido.MidiFile(path)
    on, off, now = [], [], 0
    for msg in mido.merge_tracks(mid.tracks):
        now += msg.time
        if msg.type == "note_on" and msg.velocity > 0:
            on.append(now)
        elif msg.type in ("note_on", "note_off"):
            off.append(now)
    k = ppq / 480
    assert on == [round(t * k) for t in (0, 1440, 1920, 3360)]
    assert off == [round(t * k) for t in (720, 1920, 2640, 3840)]
    assert read_midi(path) == s


def measures(path: Path) -> list[tuple[int, ...]]:
    """Signed durations in eighths per measure of a MusicXML file (rests negative)."""
    root = ET.parse(path).getroot()
    divisions = int(root.findtext(".//attributes/divisions") or 0)
    out = []
    for m in root.iter("measure"):
        bar = []
        for n in m.iter("note"):
            if n.find("chord") is not None:
                continue
            d = int(n.findtext("duration") or 0) * 2 // divisions
            bar.append(-d if n.find("rest") is not None else d)
        out.append(tuple(bar))
    return out


def test_musicxml_writes_the_rests_on_both_sides_of_the_bar_line(tmp_path: Path) -> None:
    s = rested_score()
    path = write_musicxml(s, tmp_path / "r.musicxml")
    assert measures(path) == list(group(RESTED * 2, 4)) == [(3, -1), (-2, 2), (3, -1), (-2, 2)]
    assert read_musicxml(path) == s


def test_music21_reads_the_rests(tmp_path: Path) -> None:
    import music21

    path = write_musicxml(rested_score(), tmp_path / "r.musicxml")
    parsed: Any = music21.converter.parse(path)
    flat = parsed.parts[0].flatten()
    rests = [(float(r.offset), float(r.quarterLength))
             for r in flat.getElementsByClass(music21.note.Rest)]
    assert rests == [(1.5, 0.5), (2.0, 1.0), (5.5, 0.5), (6.0, 1.0)]
    sounding = [(float(n.offset), float(n.quarterLength)) for n in flat.notes]
    assert sounding == [(0.0, 1.5), (3.0, 1.0), (4.0, 1.5), (7.0, 1.0)]


def test_rendered_rests_are_silent() -> None:
    import schillinger_kernel as sk

    sr = 22050
    s = Rhythm(RESTED).to_score("A4", instrument="piano", tempo=120.0)
    mono = np.abs(sk.render(s, sample_rate=sr, backend="numpy", room=None).mono())

    def level(t0: float, t1: float) -> float:
        x = mono[int(t0 * sr):int(t1 * sr)]
        return float(np.sqrt(np.mean(x * x)))

    # At 120 BPM an eighth is 0.25 s: sound 0-0.75 s, rest 0.75-1.5 s, sound 1.5-2 s.
    # 1.0-1.4 s is past the release (0.12 s) and before the next attack's lead-in.
    assert level(1.0, 1.4) < 1e-3 * level(0.1, 0.6)
    assert level(1.6, 1.9) > 0.1 * level(0.1, 0.6)

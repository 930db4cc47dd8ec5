"""MIDI files read by other readers (mido's own timing, music21), compared as whole scores.

Our reader and writer share assumptions, so a round trip through both can hide a bug they
share. Here a score with a tempo map, meter changes and rests is written at several
resolutions and read back by mido (absolute ticks, seconds by ``mido.tick2second``) and by
music21 (offsets in quarter notes, meters, metronome marks); the expected seconds are worked
out by hand below, not by our tempo map.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import mido
import pytest

from schillinger_kernel.rhythm import Rhythm
from schillinger_kernel.score import Note, Part, Score, TempoChange, TimeSignature

PPQS = [96, 480, 960]

# Tempo map (tick at 480 PPQ, BPM): 4 beats at 120 (2 s), 6 at 60 (6 s), then 90.
TEMPOS = ((0, 120.0), (1920, 60.0), (4800, 90.0))
TEMPO_SECONDS = (0.0, 2.0, 8.0)
METERS = ((0, 4, 4), (1920, 3, 4), (3360, 6, 8))
END_SECONDS = 8.0 + 4 * 60 / 90  # the piece ends 4 beats into the 90 BPM section


def seconds(tick: float) -> float:
    """Seconds at ``tick`` (480 PPQ) under :data:`TEMPOS`, worked out piece by piece."""
    out = 0.0
    for (t0, bpm), nxt in zip(TEMPOS, [*TEMPOS[1:], (float("inf"), 0.0)], strict=True):
        if tick <= t0:
            break
        out += (min(tick, nxt[0]) - t0) / 480 * 60 / bpm
    return out


def whole_score() -> Score:
    # The melody is Rhythm((3, -3, 2)) in eighths: note, rest, note, then the same again
    # after a triplet and a sixteenth run; it ends at tick 6720 (10.67 s).
    mel = Rhythm((3, -3, 2)).to_score(("E4", "G4")).parts[0].notes
    tail = [Note(1920 + i * 160, 160, 72 + i, 80) for i in range(3)]  # a triplet of quarters
    tail += [Note(2400 + i * 120, 120, 60 + i, 70) for i in range(8)]  # sixteenths
    tail += [Note(4800 + n.start, n.duration, n.pitch, n.velocity) for n in mel]  # after a rest
    melody = Part.create("Melody", [*mel, *tail], instrument="flute")
    bass = Part.create("Bass", [Note(0, 1920, 36, 100), Note(3360, 1440, 43, 90),
                                Note(4800, 1440, 36, 90)], instrument="bass")
    kit = Part.create("Kit", [Note(t, 120, 36 if t % 960 == 0 else 42, 100)
                              for t in range(0, 6720, 480)], instrument="drums")
    return Score(parts=(melody, bass, kit),
                 tempos=tuple(TempoChange(t, b) for t, b in TEMPOS),
                 time_signatures=tuple(TimeSignature(*m) for m in METERS),
                 key="D major", title="Whole score")


def test_the_reference_score_is_what_the_tests_assume() -> None:
    s = whole_score()
    assert [seconds(t) for t, _ in TEMPOS] == list(TEMPO_SECONDS)
    assert s.end == 6720 and seconds(s.end) == pytest.approx(END_SECONDS, abs=1e-12)
    # rests stay silent: the melody sounds 0-720 and 1440-1920, nothing in 720-1440
    assert [(n.start, n.end) for n in s.parts[0].notes[:2]] == [(0, 720), (1440, 1920)]


def mido_view(path: Path) -> dict[str, Any]:
    """What mido alone makes of the file: events by absolute tick and by seconds."""
    mid = mido.MidiFile(path)
    tempos, meters, notes = [], [], []
    open_: dict[tuple[int, int], tuple[int, float]] = {}
    tick, secs, tempo = 0, 0.0, 500000
    for msg in mido.merge_tracks(mid.tracks):
        tick += msg.time
        secs += mido.tick2second(msg.time, mid.ticks_per_beat, tempo)
        if msg.type == "set_tempo":
            tempo = msg.tempo
            tempos.append((tick, secs, round(mido.tempo2bpm(msg.tempo), 3)))
        elif msg.type == "time_signature":
            meters.append((tick, secs, msg.numerator, msg.denominator))
        elif msg.type == "note_on" and msg.velocity > 0:
            open_[(msg.channel, msg.note)] = (tick, secs)
        elif msg.type in ("note_on", "note_off"):
            t0, s0 = open_.pop((msg.channel, msg.note))
            notes.append((msg.channel, msg.note, t0, tick, s0, secs))
    assert not open_, "notes left sounding"
    return {"ppq": mid.ticks_per_beat, "tempos": tempos, "meters": meters,
            "notes": sorted(notes), "length": mid.length}


@pytest.mark.parametrize("fmt", [0, 1])
@pytest.mark.parametrize("ppq", PPQS)
def test_mido_reads_the_whole_score(tmp_path: Path, ppq: int, fmt: int) -> None:
    s = whole_score()
    view = mido_view(s.to_midi(tmp_path / "w.mid", ppq=ppq, format=fmt))
    k = ppq / 480
    assert view["ppq"] == ppq
    # ticks exactly; seconds to 10 us (MIDI stores a tempo in whole microseconds per beat)
    assert [(t, bpm) for t, _, bpm in view["tempos"]] == [(round(t * k), bpm) for t, bpm in TEMPOS]
    assert [s for _, s, _ in view["tempos"]] == pytest.approx(TEMPO_SECONDS, abs=1e-5)
    assert [(t, n, d) for t, _, n, d in view["meters"]] == [(round(t * k), n, d)
                                                            for t, n, d in METERS]
    assert [s for _, s, _, _ in view["meters"]] == pytest.approx(
        [seconds(t) for t, _, _ in METERS], abs=1e-5)
    channel = {"Melody": 0, "Bass": 1, "Kit": 9}
    expected = sorted((channel[p.name], n.pitch, round(n.start * k), round(n.end * k),
                       seconds(n.start), seconds(n.end)) for p in s.parts for n in p.notes)
    assert [e[:4] for e in view["notes"]] == [e[:4] for e in expected]
    assert [x for e in view["notes"] for x in e[4:]] == pytest.approx(
        [x for e in expected for x in e[4:]], abs=1e-5)
    assert view["length"] == pytest.approx(END_SECONDS, abs=1e-5)


@pytest.mark.parametrize("ppq", PPQS)
def test_music21_reads_the_whole_score(tmp_path: Path, ppq: int) -> None:
    import music21

    s = whole_score()
    parsed: Any = music21.converter.parse(s.to_midi(tmp_path / "w.mid", ppq=ppq))
    flat = parsed.flatten()
    # music21 copies the conductor track's marks into every part: one set of them
    marks = sorted({(float(m.offset), round(float(m.number), 2))
                    for m in flat.getElementsByClass(music21.tempo.MetronomeMark)})
    assert marks == [(t / 480, bpm) for t, bpm in TEMPOS]
    meters = sorted({(float(m.offset), m.ratioString)
                     for m in flat.getElementsByClass(music21.meter.TimeSignature)})
    assert meters == [(t / 480, f"{n}/{d}") for t, n, d in METERS]
    def ticks(n: Any) -> tuple[int, int]:
        return round(float(n.offset) * 480), round(float(n.quarterLength) * 480)

    pitched = sorted((*ticks(n), p.midi) for n in flat.notes for p in n.pitches)
    assert pitched == sorted((n.start, n.duration, n.pitch)
                             for p in s.parts if not p.is_drums for n in p.notes)
    drums = sorted(ticks(n) for n in flat.getElementsByClass(music21.note.Unpitched))
    assert drums == [(n.start, n.duration) for n in s.parts[2].notes]
    # the rests of the melody are rests to music21 too
    melody = parsed.parts[0]  # the first track after the conductor: the melody
    assert melody.partName == "Melody"
    rests = [(float(r.offset), float(r.quarterLength))
             for r in melody.flatten().getElementsByClass(music21.note.Rest)]
    assert (1.5, 1.5) in rests

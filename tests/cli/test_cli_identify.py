"""`schillinger rhythm identify file.mid`, run as a real subprocess on files written by mido."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import mido

from schillinger_kernel.rhythm import fractioning

EXE = Path(sys.executable).with_name("schillinger")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(EXE), *args], capture_output=True, text=True, timeout=120)


def write(path: Path, tracks: list[list[tuple[int, int, int]]], length: int,
          time_signature: tuple[int, int] = (4, 4)) -> None:
    """Tracks of (channel, note, onset in ticks) at 480 PPQ, each note 60 ticks long."""
    mid = mido.MidiFile(ticks_per_beat=480)
    for i, hits in enumerate(tracks):
        track = mido.MidiTrack()
        mid.tracks.append(track)
        if i == 0:
            track.append(mido.MetaMessage("time_signature", numerator=time_signature[0],
                                          denominator=time_signature[1]))
        events = sorted([(t, 1, "note_on", c, n) for c, n, t in hits]
                        + [(t + 60, 0, "note_off", c, n) for c, n, t in hits])
        now = 0
        for t, _o, kind, channel, note in events:
            track.append(mido.Message(kind, channel=channel, note=note, velocity=90,
                                      time=t - now))
            now = t
        track.append(mido.MetaMessage("end_of_track", time=length - now))
    mid.save(path)


def test_identify_a_fractioned_melody_in_nine_eight(tmp_path: Path) -> None:
    onsets, t = [], 0
    for d in fractioning(3, 2):                # period 9 in eighths: two bars of 9/8
        onsets.append(t * 240)
        t += d
    path = tmp_path / "melody.mid"
    write(path, [[(0, 60, o) for o in onsets + [o + 9 * 240 for o in onsets]]], 4320, (9, 8))
    out = run("rhythm", "identify", str(path), "--top", "1")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].endswith(": 2 1 1 1 1 1 2")
    assert lines[1].split() == ["fractioning", "3÷2", "rotation=0", "distance=0"]


def test_identify_reads_each_drum_of_a_kit(tmp_path: Path) -> None:
    kick = [b * 1920 + x for b in range(2) for x in (0, 720, 1440)]
    hats = [k * 240 for k in range(16)]
    path = tmp_path / "groove.mid"
    write(path, [[(9, 36, t) for t in kick] + [(9, 42, t) for t in hats]], 3840)
    out = run("rhythm", "identify", str(path))
    assert out.returncode == 0, out.stderr
    text = out.stdout
    kick_block = text.split("pitch 36:")[1].split("pitch 42")[0]
    assert kick_block.splitlines()[0].strip() == "3 3 2"
    assert "grouping 8÷3 bar=0 by=8" in kick_block


def test_identify_reports_nothing_found_with_exit_1(tmp_path: Path) -> None:
    path = tmp_path / "clave.mid"
    write(path, [[(9, 75, t) for t in (0, 360, 720, 1200, 1440)]], 1920)
    out = run("rhythm", "identify", str(path))
    assert out.returncode == 1
    assert "no Book I technique fits" in out.stdout
    near = run("rhythm", "identify", str(path), "--tolerance", "2", "--top", "1")
    assert near.returncode == 0 and "distance=2" in near.stdout


def test_identify_bad_input_exits_2_with_one_line(tmp_path: Path) -> None:
    for args in (["rhythm", "identify", str(tmp_path / "missing.mid")],
                 ["rhythm", "identify", "a.mid", "b.mid"],
                 ["rhythm", "interference", "3", "x"]):
        out = run(*args)
        assert out.returncode == 2, args
        assert len(out.stderr.strip().splitlines()) == 1, out.stderr

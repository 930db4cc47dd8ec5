"""`schillinger compose`, `schillinger harmony` and the composed part of `schillinger demo`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from schillinger_kernel import read_midi, read_musicxml

EXE = Path(sys.executable).with_name("schillinger")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(EXE), *args], capture_output=True, text=True, timeout=180)


def test_compose_writes_midi_and_musicxml(tmp_path: Path) -> None:
    mid, xml = tmp_path / "p.mid", tmp_path / "p.musicxml"
    out = run("compose", str(mid), str(xml), "--style", "jazz", "--key", "F major",
              "--bars", "8", "--seed", "4", "--title", "CLI piece")
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("wrote") == 2
    a, b = read_midi(mid), read_musicxml(xml)
    assert [p.name for p in a.parts] == ["Tenor Sax", "Piano", "Bass", "Drums"]
    assert a.end == 8 * a.bar_ticks and b.title == "CLI piece"
    assert sorted((n.start, n.pitch) for n in a.parts[0].notes) == sorted(
        (n.start, n.pitch) for n in b.parts[0].notes)


def test_compose_with_themes(tmp_path: Path) -> None:
    out = run("compose", str(tmp_path / "q.mid"), "--themes", "3:2", "4:3", "--ensemble",
              "band", "--bars", "4", "--seed", "1")
    assert out.returncode == 0, out.stderr
    assert [p.name for p in read_midi(tmp_path / "q.mid").parts] == [
        "Lead", "Keys", "Bass", "Drums"]


def test_compose_in_a_meter(tmp_path: Path) -> None:
    mid = tmp_path / "m.mid"
    out = run("compose", str(mid), "--style", "classical", "--key", "G minor", "--bars", "4",
              "--seed", "2", "--meter", "6/8")
    assert out.returncode == 0, out.stderr
    s = read_midi(mid)
    ts = s.time_signatures[0]
    assert (ts.numerator, ts.denominator) == (6, 8) and s.end == 4 * 1440
    out = run("compose", str(tmp_path / "t.mid"), "--themes", "3:2", "--bars", "2",
              "--meter", "7/8", "--seed", "1")
    assert out.returncode == 0, out.stderr
    assert read_midi(tmp_path / "t.mid").bar_ticks == 1680


def test_harmony_prints_a_progression() -> None:
    out = run("harmony", "--key", "C major", "--cycle", "C3", "--length", "3")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "Cmaj7 Am7 Fmaj7"
    assert lines[1] == "Imaj7 vi7 IVmaj7"
    out = run("harmony", "--style", "pop", "--seed", "2", "--json", "--length", "4")
    data = json.loads(out.stdout)
    assert len(data["chords"]) == 4 and data["style"] == "pop"


@pytest.mark.parametrize("args", [
    ["compose", "x.pdf"], ["compose", "x.mid", "--key", "H major"],
    ["compose", "x.mid", "--bars", "0"], ["compose", "x.mid", "--style", "baroque"],
    ["compose", "x.mid", "--themes", "3x"], ["compose", "x.mid", "--meter", "11/8"],
    ["harmony", "--length", "0"],
    ["harmony", "--key", "Q minor"], ["harmony", "--complexity", "3"],
])
def test_bad_input_exits_2_with_one_line(args, tmp_path: Path) -> None:
    out = subprocess.run([str(EXE), *args], capture_output=True, text=True, timeout=120,
                         cwd=tmp_path)
    assert out.returncode == 2, (args, out.stderr)
    assert len(out.stderr.strip().splitlines()) == 1, out.stderr
    assert not list(tmp_path.iterdir())


def test_help() -> None:
    for cmd in ("compose", "harmony"):
        out = run(cmd, "--help")
        assert out.returncode == 0 and "usage" in out.stdout.lower()


@pytest.mark.slow
def test_demo_writes_a_composed_piece(tmp_path: Path) -> None:
    out = run("demo", str(tmp_path / "d"))
    assert out.returncode == 0, out.stderr
    piece = read_musicxml(tmp_path / "d" / "demo_composition.musicxml")
    assert len(piece.parts) == 4 and piece.notes
    assert read_midi(tmp_path / "d" / "demo_composition.mid").notes
    assert read_midi(tmp_path / "d" / "demo_rhythm.mid").notes
    import soundfile

    from schillinger_kernel import quality, read_audio

    info = soundfile.info(str(tmp_path / "d" / "demo_composition.flac"))
    assert (info.format, info.subtype, info.channels, info.samplerate) == (
        "FLAC", "PCM_24", 2, 48000)
    lufs = quality(read_audio(tmp_path / "d" / "demo_composition.flac"))["integrated_lufs"]
    assert abs(lufs - -14.0) < 0.5

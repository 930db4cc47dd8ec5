"""The `schillinger` console script, run as a real subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from schillinger_kernel import read_midi
from schillinger_kernel.rhythm import interference

EXE = Path(sys.executable).with_name("schillinger")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(EXE), *args], capture_output=True, text=True, timeout=120)


def test_rhythm_prints_durations_and_graph(tmp_path):
    out = run("rhythm", "interference", "3", "2", "--midi", str(tmp_path / "r.mid"))
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "2 1 1 2"
    assert any(line.startswith("r") for line in lines[1:])
    score = read_midi(tmp_path / "r.mid")
    assert [n.duration // 240 for n in score.notes][:4] == list(interference(3, 2))


def test_help_everywhere():
    for args in ([], ["rhythm"], ["demo"]):
        out = run(*args, "--help")
        assert out.returncode == 0 and "usage" in out.stdout.lower()


def test_bad_input_exits_2_with_one_line():
    for args in (["rhythm", "interference", "0", "2"], ["rhythm", "nope", "3", "2"],
                 ["rhythm", "fractioning", "2", "3"], ["rhythm", "interference", "x"]):
        out = run(*args)
        assert out.returncode == 2, args
        assert len(out.stderr.strip().splitlines()) == 1, out.stderr
        assert "error" in out.stderr

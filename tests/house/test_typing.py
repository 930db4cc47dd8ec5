"""A user's type checker sees the real types through the lazy top level (py.typed + stub)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = '''
import schillinger_kernel as sk

r = sk.rhythm.interference(3, 2)
reveal_type(r)
reveal_type(sk.render)
reveal_type(sk.harmony.cycle)
reveal_type(sk.harmony.Progression)
reveal_type(sk.rhythm.power)
reveal_type(sk.generate_composition)
reveal_type(sk.key("A major").spell(61))
'''


def test_py_typed_ships() -> None:
    import schillinger_kernel

    pkg = Path(schillinger_kernel.__file__).parent
    assert (pkg / "py.typed").exists() and (pkg / "__init__.pyi").exists()


@pytest.mark.slow
def test_mypy_strict_on_a_user_script_reports_real_types(tmp_path: Path) -> None:
    script = tmp_path / "user.py"
    script.write_text(SCRIPT, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary",
         "--cache-dir", str(tmp_path / ".mypy_cache"), str(script)],
        capture_output=True, text=True, timeout=600, cwd=tmp_path)
    notes = [line.split("Revealed type is ", 1)[1] for line in proc.stdout.splitlines()
             if "Revealed type is" in line]
    assert len(notes) == 7, proc.stdout + proc.stderr
    assert notes[0] == '"schillinger_kernel.rhythm.value.Rhythm"'
    assert notes[1].endswith('-> schillinger_kernel.audio.Audio"') or notes[1].endswith(
        '-> schillinger_kernel.synth.audio.Audio"')
    assert "-> tuple[int, ...]" in notes[2]
    assert "-> schillinger_kernel.harmony.voicing.Progression" in notes[3]
    assert notes[4].endswith('-> schillinger_kernel.rhythm.value.Rhythm"')
    assert notes[5].endswith('-> schillinger_kernel.score.Score"')
    assert notes[6] in ('"str"', '"builtins.str"')
    assert "Any" not in notes[0] and "error:" not in proc.stdout, proc.stdout

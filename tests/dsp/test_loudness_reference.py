"""Loudness against an independent meter: ffmpeg's ``ebur128`` filter (BS.1770-4 / R128).

The material exercises both gates of BS.1770-4: a 997 Hz tone at -20 dBFS followed by a
passage 8, 15 or 14 LU below it (the relative gate, 10 LU below the ungated mean, keeps the
first and drops the others) and, in one case, a long stretch at -80 dBFS that only the
absolute gate (-70 LUFS) removes: without it the -34 dB passage would pass the lowered
relative gate. The expected values are what ffmpeg 5.1's ``ebur128`` prints for the same
files (one decimal); they are asserted literally too, so a moved gate fails even where
ffmpeg is missing. Normalisation presets are checked on the file ``write`` produces, with
the targets of the standards spelled out here rather than read from ``PRESETS``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from schillinger_kernel.audio import Audio
from schillinger_kernel.dsp import PRESETS, integrated_loudness, true_peak_db
from schillinger_kernel.io.audio import write

SR = 48000
needs_ffmpeg = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is not installed")


def tone(dbfs: float, seconds: float, freq: float = 997.0) -> np.ndarray:
    """A stereo sine (both channels equal): at 997 Hz, ``dbfs`` dBFS reads ``dbfs`` LUFS."""
    t = np.arange(int(seconds * SR)) / SR
    y = 10 ** (dbfs / 20) * np.sin(2 * np.pi * freq * t)
    return np.stack([y, y], axis=1)


def passages(*parts: tuple[float, float]) -> Audio:
    """(dBFS, seconds) passages back to back."""
    return Audio(np.concatenate([tone(db, s) for db, s in parts]).astype(np.float32), SR)


def ebur128(path: Path) -> dict[str, float]:
    """ffmpeg's summary for ``path``: integrated loudness, its relative threshold, true peak."""
    err = subprocess.run(["ffmpeg", "-nostats", "-hide_banner", "-i", str(path), "-af",
                          "ebur128=peak=true", "-f", "null", "-"],
                         capture_output=True, text=True, check=True).stderr
    summary = err[err.rfind("Summary:"):]

    def num(pattern: str) -> float:
        m = re.search(pattern, summary)
        assert m is not None, f"no {pattern!r} in ffmpeg's summary:\n{summary}"
        return float(m.group(1))

    return {"I": num(r"I:\s+(-?[\d.]+) LUFS"), "threshold": num(r"Threshold:\s+(-?[\d.]+) LUFS"),
            "true_peak": num(r"Peak:\s+(-?[\d.]+) dBFS")}


# (passages, integrated loudness as ffmpeg 5.1 reads it)
GATED = {
    # 8 LU below: above the relative gate, so it counts and pulls the level down.
    "kept": (((-20, 4), (-28, 4)), -22.4),
    # 15 LU below: dropped by the -10 LU gate (a -20 LU gate would keep it: -22.9).
    "dropped": (((-20, 4), (-35, 4)), -20.2),
    # 14 LU below, then 30 s at -80 dBFS: only the absolute gate keeps the relative gate
    # high enough to drop the -34 passage (without it: -22.6).
    "both gates": (((-20, 3), (-34, 3), (-80, 30)), -20.2),
}


@pytest.mark.parametrize("case", sorted(GATED))
def test_gated_loudness_matches_the_reading_of_ffmpeg(case: str) -> None:
    parts, expected = GATED[case]
    assert integrated_loudness(passages(*parts)) == pytest.approx(expected, abs=0.08)


@needs_ffmpeg
@pytest.mark.parametrize("case", sorted(GATED))
def test_gated_loudness_agrees_with_ffmpeg_ebur128(case: str, tmp_path: Path) -> None:
    parts, _ = GATED[case]
    audio = passages(*parts)
    ref = ebur128(write(audio, tmp_path / "g.wav"))
    ours = integrated_loudness(audio)
    assert ours is not None
    assert ours == pytest.approx(ref["I"], abs=0.08)  # ffmpeg prints one decimal


def test_absolute_gate_sits_at_minus_70_lufs() -> None:
    # A whole piece just above the gate is measured; just below, it is silence.
    assert integrated_loudness(passages((-68, 2))) == pytest.approx(-68.0, abs=0.05)
    assert integrated_loudness(passages((-72, 2))) is None


# The named targets as the standards and platforms publish them: (LUFS, true-peak dBTP).
NAMED_TARGETS = {"ebu-r128": (-23.0, -1.0), "streaming": (-14.0, -1.0), "apple": (-16.0, -1.0)}


def crest_material() -> Audio:
    """A quiet 220 Hz tone with loud 3 kHz bursts twice a second: the ceiling has work to do."""
    x = tone(-30, 6, 220.0)
    burst = 0.9 * np.hanning(200) * np.sin(2 * np.pi * 3000 * np.arange(200) / SR)
    for i in range(0, len(x), SR // 2):
        x[i:i + 200] += burst[:, None]
    return Audio(x.astype(np.float32), SR)


def test_every_named_target_is_the_published_one() -> None:
    assert PRESETS == NAMED_TARGETS


@pytest.mark.parametrize("mode", sorted(NAMED_TARGETS))
def test_normalised_file_meets_its_named_target_by_our_meter(mode: str, tmp_path: Path) -> None:
    from schillinger_kernel.io.audio import read_audio

    lufs, ceiling = NAMED_TARGETS[mode]
    back = read_audio(write(crest_material(), tmp_path / f"{mode}.wav", normalize=mode))
    assert integrated_loudness(back) == pytest.approx(lufs, abs=0.15)
    assert true_peak_db(back) <= ceiling


@needs_ffmpeg
@pytest.mark.parametrize("mode", sorted(NAMED_TARGETS))
@pytest.mark.parametrize("bit_depth", [16, 32])
def test_normalised_file_meets_its_named_target_by_ffmpeg(mode: str, bit_depth: int,
                                                          tmp_path: Path) -> None:
    lufs, ceiling = NAMED_TARGETS[mode]
    path = write(crest_material(), tmp_path / f"{mode}.wav", normalize=mode, bit_depth=bit_depth)
    ref = ebur128(path)
    assert ref["I"] == pytest.approx(lufs, abs=0.15)
    assert ref["true_peak"] <= ceiling
    # The bursts put the true peak over the ceiling at -14 and -16 LUFS: the limiter held it.
    if lufs > -20:
        assert ref["true_peak"] > ceiling - 1.0

"""Loudness (BS.1770), true peak, the quality report and librosa features."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

import schillinger_kernel as sk
from schillinger_kernel.analysis import analyze, quality
from schillinger_kernel.audio import Audio
from schillinger_kernel.dsp import (
    integrated_loudness,
    k_weighting,
    loudness_range,
    oversampled_peaks,
    true_peak_db,
)
from schillinger_kernel.score import Note, Part, Score


def sine(freq: float, dbfs: float, seconds: float, sr: int = 48000, channels: int = 2,
         phase: float = 0.0) -> Audio:
    t = np.arange(int(seconds * sr)) / sr
    y = 10 ** (dbfs / 20) * np.sin(2 * np.pi * freq * t + phase)
    return Audio(np.repeat(y[:, None], channels, axis=1), sr)


def test_k_weighting_matches_the_standard_at_48k() -> None:
    shelf, hp = k_weighting(48000)
    assert np.allclose(shelf, [1.53512485958697, -2.69169618940638, 1.19839281085285, 1.0,
                               -1.69065929318241, 0.73248077421585], atol=1e-10)
    assert np.allclose(hp, [1.0, -2.0, 1.0, 1.0, -1.99004745483398, 0.99007225036621],
                       atol=1e-10)


@pytest.mark.parametrize("sr", [48000, 44100, 22050])
def test_integrated_loudness_of_a_reference_tone(sr: int) -> None:
    # BS.1770: a 997 Hz sine at -20 dBFS in both channels of a stereo pair reads -20 LUFS.
    assert integrated_loudness(sine(997, -20, 2.0, sr)) == pytest.approx(-20.0, abs=0.05)
    # One channel only: 3 dB less.
    mono = sine(997, -20, 2.0, sr, channels=1)
    assert integrated_loudness(mono) == pytest.approx(-23.01, abs=0.05)


def test_gating_ignores_silence_and_rejects_quiet_parts() -> None:
    loud = sine(997, -20, 3.0).samples
    silence = np.zeros_like(loud)
    quiet = sine(997, -45, 3.0).samples
    # Blocks across the edge pass the relative gate and pull the mean 0.22 LU down.
    assert integrated_loudness(Audio(np.concatenate([loud, silence]), 48000)) == pytest.approx(
        -20.22, abs=0.05)
    assert integrated_loudness(Audio(np.concatenate([loud, quiet]), 48000)) == pytest.approx(
        -20.22, abs=0.05)  # more than 10 LU below: gated out like silence
    assert integrated_loudness(Audio(silence, 48000)) is None
    steps = Audio(np.concatenate([sine(997, -20, 10.0).samples, sine(997, -30, 10.0).samples]),
                  48000)
    assert loudness_range(steps) == pytest.approx(10.0, abs=0.5)


def test_true_peak_sees_between_samples() -> None:
    # fs/4 with a 45 degree phase: every sample sits at 0.707 of the crest.
    a = sine(12000, 0.0, 0.5, phase=np.pi / 4)
    assert 20 * np.log10(a.peak) == pytest.approx(-3.01, abs=0.02)
    assert oversampled_peaks(a.samples)[1000:-1000].max() == pytest.approx(1.0, abs=0.01)
    assert true_peak_db(a) > -0.1
    assert true_peak_db(Audio(np.zeros((4800, 2)), 48000)) == float("-inf")


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is not installed")
def test_loudness_agrees_with_ffmpeg_ebur128(tmp_path: Path) -> None:
    s = Score.from_durations((2, 1, 1, 2, 1, 1, 4), pitches=(57, 60, 64, 69), tempo=132)
    s = s.add_part(Part.create("Kit", [Note(t, 120, 36 if t % 960 == 0 else 42, 110)
                                       for t in range(0, 4800, 240)], instrument="drums"))
    p = sk.render(s, backend="numpy").write(tmp_path / "x.wav")
    out = subprocess.run(["ffmpeg", "-nostats", "-hide_banner", "-i", str(p), "-af",
                          "ebur128=peak=true", "-f", "null", "-"],
                         capture_output=True, text=True, check=True).stderr
    summary = out[out.rfind("Summary:"):]
    ref_i = float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1))  # type: ignore[union-attr]
    ref_tp = float(re.search(r"Peak:\s+(-?[\d.]+) dBFS", summary).group(1))  # type: ignore
    report = quality(sk.read_audio(p))
    assert report["integrated_lufs"] == pytest.approx(ref_i, abs=0.15)
    assert report["true_peak_dbtp"] == pytest.approx(ref_tp, abs=0.25)


def test_quality_report_fields_and_violations() -> None:
    a = sine(1000, -10, 1.0)
    r = quality(a)
    assert r["crest_factor_db"] == pytest.approx(3.01, abs=0.02)
    assert r["stereo_correlation"] == pytest.approx(1.0)
    assert r["clipped_samples"] == 0 and r["dc_offset"] < 1e-3
    assert r["violations"] == []
    x = a.samples.copy()
    x[:, 1] *= -1  # out of phase
    x[:100] = 1.0  # clipped
    x += 0.02  # DC
    r = quality(Audio(x, 48000), targets="streaming")
    text = " | ".join(r["violations"])
    for needle in ("clipped samples", "DC offset", "stereo correlation", "integrated loudness",
                   "true peak"):
        assert needle in text
    assert quality(Audio(np.zeros((48000, 2)), 48000))["violations"] == [
        "silent: no block above the -70 LUFS gate"]


def test_quality_target_validation() -> None:
    a = sine(1000, -10, 0.5)
    with pytest.raises(ValueError, match="targets must be one of"):
        quality(a, targets="cinema")
    with pytest.raises(ValueError, match="unknown key 'loudness'"):
        quality(a, targets={"loudness": -14})
    with pytest.raises(ValueError, match="must be a finite number"):
        quality(a, targets={"integrated_lufs": float("nan")})
    with pytest.raises(TypeError, match="must be an Audio"):
        quality(np.zeros((10, 2)))  # type: ignore[arg-type]
    assert quality(a, targets={"integrated_lufs": -10.5, "lufs_tolerance": 1})["violations"] == []


@pytest.mark.slow
def test_analyze_a_beat_and_a_tone(tmp_path: Path) -> None:
    beat = Score(parts=(Part.create("Kit", [Note(t, 120, 36, 120) for t in range(0, 480 * 16,
                                                                                480)],
                                    instrument="drums"),
                        Part.create("A", [Note(0, 480 * 16, 69, 90)], instrument="pad")))
    path = sk.render(beat, sample_rate=22050, backend="numpy").write(tmp_path / "b.wav")
    r = analyze(path)
    assert r["tempo_bpm"] == pytest.approx(120, rel=0.06)
    assert len(r["beats_s"]) >= 10
    assert r["dominant_pitch_class"] == "A"
    assert r["duration_s"] > 7.5 and r["rms_mean"] > 0 and r["spectral_centroid_hz"] > 0
    assert 0 < r["zero_crossing_rate"] < 0.5


def test_analyze_bad_input(tmp_path: Path) -> None:
    bad = tmp_path / "bad.flac"
    bad.write_text("not audio")
    with pytest.raises(ValueError, match="not a readable audio file"):
        analyze(bad)
    with pytest.raises(FileNotFoundError):
        analyze(tmp_path / "missing.wav")
    with pytest.raises(TypeError, match="expects an Audio or a path"):
        analyze(42)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="too short"):
        analyze(Audio(np.zeros((100, 2)), 48000))

"""Tuning of the synth to a fraction of a cent: A4 = 440 Hz, twelve-tone equal temperament.

The frequency is estimated from a long sustained note: 3 s of the sustain, a Hann window,
an FFT zero-padded eight times and a parabola through the log magnitudes of the peak bin and
its neighbours. On a steady partial that estimate is good to far below 0.01 cent (1 cent at
A4 is 0.25 Hz; an unpadded 0.25 s FFT has 4 Hz bins), so the tolerance below is set by the
musical requirement, not by the estimator.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import schillinger_kernel as sk
from schillinger_kernel.score import Note, Part, Score, TempoChange

TOLERANCE_CENTS = 0.1


def estimate_frequency(x: np.ndarray, sample_rate: int, pad: int = 8) -> float:
    """The strongest spectral peak above 20 Hz, interpolated between bins (Hz)."""
    n = len(x) * pad
    spec = np.abs(np.fft.rfft(x * np.hanning(len(x)), n))
    lo = int(20 * n / sample_rate)
    k = lo + int(np.argmax(spec[lo:]))
    a, b, c = np.log(spec[k - 1:k + 2])
    return (k + 0.5 * (a - c) / (a - 2 * b + c)) * sample_rate / n


def cents(f: float, ref: float) -> float:
    return 1200 * math.log2(f / ref)


def test_the_estimator_resolves_a_tenth_of_a_cent() -> None:
    sr = 22050
    t = np.arange(3 * sr) / sr
    for f in (440.0, 440.0 * 2 ** (0.1 / 1200), 443.0, 261.6255653):
        assert cents(estimate_frequency(np.sin(2 * np.pi * f * t + 0.3), sr), f) == (
            pytest.approx(0.0, abs=0.01))


def sustained(pitch: int, preset: str, sample_rate: int) -> np.ndarray:
    """3 s from the sustain of a 4 s note (8 beats at 120 BPM), past the attack."""
    s = Score(parts=(Part("P", (Note(0, 480 * 8, pitch, 100),), preset=preset),),
              tempos=(TempoChange(0, 120.0),))
    mono = sk.render(s, sample_rate=sample_rate, backend="numpy").mono()
    return np.asarray(mono[int(0.5 * sample_rate):int(3.5 * sample_rate)], dtype=np.float64)


@pytest.mark.parametrize("sample_rate", [22050, 48000])
def test_a4_is_440_hz(sample_rate: int) -> None:
    f = estimate_frequency(sustained(69, "lead", sample_rate), sample_rate)
    assert cents(f, 440.0) == pytest.approx(0.0, abs=TOLERANCE_CENTS), f"A4 sounds at {f:.4f} Hz"


@pytest.mark.parametrize("pitch", [33, 45, 57, 60, 64, 67, 81, 93])
@pytest.mark.parametrize("preset", ["lead", "bass"])
def test_equal_temperament_across_the_range(pitch: int, preset: str) -> None:
    sr = 22050
    expected = 440.0 * 2 ** ((pitch - 69) / 12)
    f = estimate_frequency(sustained(pitch, preset, sr), sr)
    assert cents(f, expected) == pytest.approx(0.0, abs=TOLERANCE_CENTS), (
        f"MIDI {pitch} ({preset}) sounds at {f:.4f} Hz, expected {expected:.4f} Hz")

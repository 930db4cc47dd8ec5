"""The dsp layer on its own: convolution, meters, mastering, dither, threads."""

from __future__ import annotations

import math

import numpy as np
import pytest

from schillinger_kernel.audio import Audio
from schillinger_kernel.dsp import (
    DITHER_SAMPLES,
    PRESETS,
    cpu_threads,
    fft_convolve,
    integrated_loudness,
    k_filter,
    limit_true_peak,
    normalize,
    oversampled_peaks,
    quantize_int16,
    resample,
    true_peak_db,
)
from schillinger_kernel.errors import ParameterError, ParameterTypeError

SR = 48000


def tone(freq: float = 997.0, amp: float = 0.1, seconds: float = 2.0, sr: int = SR) -> Audio:
    t = np.arange(int(seconds * sr)) / sr
    return Audio(np.stack([amp * np.sin(2 * np.pi * freq * t)] * 2, axis=1), sr)


@pytest.mark.parametrize("n, m", [(1, 1), (100, 7), (5000, 300), (9000, 5000)])
def test_fft_convolve_matches_direct_convolution(n: int, m: int) -> None:
    rng = np.random.default_rng(n + m)
    x = rng.standard_normal((2, n)).astype(np.float32)
    h = rng.standard_normal((2, m)).astype(np.float32)
    y = fft_convolve(np, x, h)
    assert y.shape == (2, n) and y.dtype == np.float32
    for c in range(2):
        assert np.allclose(y[c], np.convolve(x[c], h[c])[:n], atol=1e-3)
    shared = fft_convolve(np, x, h[0])  # one response for every row
    assert np.allclose(shared[1], np.convolve(x[1], h[0])[:n], atol=1e-3)


def test_k_filter_boosts_highs_and_cuts_lows() -> None:
    def gain(freq: float) -> float:
        y = k_filter(tone(freq, 1.0, 1.0).samples, SR)[SR // 2:, 0]
        return 20 * math.log10(float(np.sqrt(np.mean(y * y))) * math.sqrt(2))

    assert gain(997.0) == pytest.approx(0.69, abs=0.1)  # why -0.691 sits in the LUFS formula
    assert gain(10000.0) == pytest.approx(4.0, abs=0.2)  # the +4 dB shelf
    assert gain(20.0) < -10.0  # the high pass


def test_meters_reject_what_is_not_audio() -> None:
    with pytest.raises(ParameterTypeError, match="must be an Audio") as err:
        integrated_loudness(np.zeros((10, 2)))  # type: ignore[arg-type]
    assert err.value.field == "audio"
    with pytest.raises(TypeError):
        true_peak_db("x.wav")  # type: ignore[arg-type]


def test_oversampled_peaks_of_a_mono_vector_and_bad_factor() -> None:
    x = np.sin(np.pi / 2 * np.arange(4800) + np.pi / 4)
    assert oversampled_peaks(x).shape == (4800,)
    with pytest.raises(ParameterError):
        oversampled_peaks(x, factor=0)


@pytest.mark.parametrize("rate", [44100, 22050, 96000])
def test_resample_keeps_pitch_and_length(rate: int) -> None:
    out = resample(tone(1000.0, 0.5, 1.0), rate)
    assert out.sample_rate == rate and out.frames == rate
    b = out.mono()
    spec = np.abs(np.fft.rfft(b * np.hanning(len(b))))
    assert abs(np.argmax(spec) * rate / len(b) - 1000.0) < 2.0


def test_resample_arguments() -> None:
    a = tone(seconds=0.1)
    assert resample(a, SR) is a
    with pytest.raises(ParameterError, match="sample_rate must be in") as err:
        resample(a, 100)
    assert err.value.field == "sample_rate"
    with pytest.raises(ParameterTypeError):
        resample(a, 44100.0)  # type: ignore[arg-type]


def test_limiter_holds_the_true_peak_ceiling_and_leaves_quiet_audio_alone() -> None:
    loud = tone(3000.0, 1.0, 0.5).samples
    ceiling = 10 ** (-3 / 20)
    y = limit_true_peak(loud, ceiling, SR)
    assert float(oversampled_peaks(y).max()) <= ceiling + 1e-4
    quiet = tone(3000.0, 0.1, 0.5).samples
    assert limit_true_peak(quiet, ceiling, SR) is quiet
    with pytest.raises(ParameterError):
        limit_true_peak(loud, 0.0, SR)


@pytest.mark.parametrize("mode", sorted(PRESETS))
def test_normalize_presets(mode: str) -> None:
    target, ceiling = PRESETS[mode]
    out = normalize(tone(), mode)
    assert integrated_loudness(out) == pytest.approx(target, abs=0.1)
    assert true_peak_db(out) <= ceiling


def test_normalize_peak_lufs_and_errors() -> None:
    a = tone(amp=0.2, seconds=1.0)
    assert true_peak_db(normalize(a, "peak", -6.0)) == pytest.approx(-6.2, abs=0.05)
    assert integrated_loudness(normalize(a, "lufs", -30.0)) == pytest.approx(-30.0, abs=0.1)
    silence = Audio(np.zeros((SR, 2)), SR)
    for mode, message in (("peak", "peak-normalise silence"), ("lufs", "loudness-normalise")):
        with pytest.raises(ParameterError, match=message):
            normalize(silence, mode)
    for kw, field in (({"mode": "loud"}, "mode"), ({"mode": "lufs", "target": 3.0}, "target"),
                      ({"mode": "lufs", "true_peak": math.nan}, "true_peak")):
        with pytest.raises(ParameterError) as err:
            normalize(a, **kw)  # type: ignore[arg-type]
        assert err.value.field == field
    assert np.array_equal(a.samples, tone(amp=0.2, seconds=1.0).samples)  # input untouched


def test_tpdf_dither_is_triangular_within_one_lsb() -> None:
    x = np.zeros(200_000, np.float32)
    assert not quantize_int16(x, None).any()
    d = quantize_int16(x, 0).astype(np.int64)
    assert set(np.unique(d).tolist()) <= {-1, 0, 1}
    assert abs(float(d.mean())) < 0.01
    # TPDF of +-1 LSB rounded: P(+-1) = 1/8 each, P(0) = 3/4.
    assert float(np.mean(d == 0)) == pytest.approx(0.75, abs=0.01)
    assert np.array_equal(quantize_int16(x, 7), quantize_int16(x, 7))  # a fixed table
    assert quantize_int16(np.array([2.0, -2.0], np.float32), None).tolist() == [32767, -32768]
    with pytest.raises(ParameterError):
        quantize_int16(x, DITHER_SAMPLES)  # no room left in the table


def test_cpu_threads_is_a_small_positive_int() -> None:
    assert isinstance(cpu_threads(), int) and 1 <= cpu_threads() <= 8

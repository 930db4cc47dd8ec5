"""The loudness meter at its edges, against an independent meter: ffmpeg's ``ebur128``.

Every expected reading below is what ffmpeg 5.1's ``ebur128`` prints (one decimal) for the
same samples, fed to it as raw float32 on stdin (neither our writer nor our meter is in the
path); ``test_pinned_readings_are_what_ffmpeg_reads`` checks the pins against ffmpeg when it is
installed, and the other tests compare our meter with the pins, so a moved gate fails even
where ffmpeg is missing. The material exercises both gates of BS.1770-4 (passages 10 to 25
LU below the main level, a piece just above and just below -70 LUFS), the channel
weights of 5.0 and 5.1, the K-weighting coefficients the standard tabulates for 48 kHz, and
the 10th/95th percentiles and -20 LU gate of EBU Tech 3342's loudness range. The named
normalisation targets are checked in ``test_loudness_reference.py``.

Written against the mutants that survived ``mutmut`` on ``dsp/loudness.py`` with
``tests/dsp/test_loudness_reference.py`` alone (``python -m bench.mutation --one``).
The K-weighting impulse response is cached (``lru_cache(maxsize=8)``) and mutmut forks each
mutant from a process that has already run the tests, so a mutant of the filter is only seen
by a test that misses the cache: the sample-rate sweep reads nine rates in one loop, which
always recomputes the first of them.

Survivors judged equivalent (8 of 251): ``>=`` for ``>`` at the absolute and relative gates
of both meters (no block of continuous material sits exactly on a gate); ``k_filter``
keeping its input's precision instead of converting to float32 (``Audio`` holds float32,
so the meters read the same); one more leading zero in the running sum of ``_block_power`` (every
block moves by one sample of 19200, under 1e-4 LU); ``np.zeros(1)`` for no blocks at all
(a zero-power block is silence, dropped by the absolute gate just like none).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import warnings

import numpy as np
import pytest

from schillinger_kernel.audio import MAX_RATE, MIN_RATE, Audio
from schillinger_kernel.dsp.loudness import (
    ABS_GATE,
    check_audio,
    integrated_loudness,
    k_filter,
    k_weighting,
    loudness_range,
)
from schillinger_kernel.errors import ParameterError, ParameterTypeError

SR = 48000
needs_ffmpeg = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is not installed")


def tone(dbfs: float, seconds: float, sr: int = SR, channels: int = 2) -> np.ndarray:
    """A 997 Hz sine in every channel: at ``dbfs`` dBFS a stereo pair reads ``dbfs`` LUFS."""
    t = np.arange(int(seconds * sr)) / sr
    y = 10 ** (dbfs / 20) * np.sin(2 * np.pi * 997 * t)
    return np.stack([y] * channels, axis=1)


def steps(*parts: tuple[float, float]) -> np.ndarray:
    """(dBFS, seconds) stereo passages back to back."""
    return np.concatenate([tone(db, s) for db, s in parts])


def ramp() -> np.ndarray:
    """30 s whose level glides from -40 to -10 dBFS: every percentile of LRA is a new value."""
    t = np.arange(30 * SR) / SR
    y = 10 ** (np.linspace(-40, -10, t.size) / 20) * np.sin(2 * np.pi * 997 * t)
    return np.stack([y, y], axis=1)


def alone(channels: int, loud: int, quiet: float | None = None) -> np.ndarray:
    """3 s of a -20 dBFS tone in channel ``loud`` only (``quiet`` dBFS in channel 0 too)."""
    x = np.zeros((3 * SR, channels))
    x[:, loud] = tone(-20, 3, channels=1)[:, 0]
    if quiet is not None:
        x[:, 0] = tone(quiet, 3, channels=1)[:, 0]
    return x


# name: (samples, integrated loudness, loudness range or None) as ffmpeg 5.1 reads them
READINGS = {
    # 11 LU below 20 s at -20: the -10 LU gate (from the ungated mean, -20.7) drops it just;
    # a -11 LU gate would keep it (-20.6).
    "11 LU below, dropped": (lambda: steps((-20, 20), (-31, 4)), -20.0, None),
    # 10.2 LU below: above the gate, so it counts.
    "10.2 LU below, kept": (lambda: steps((-20, 20), (-30.2, 4)), -20.7, None),
    # LRA: a passage 15 or 18 LU below is inside the -20 LU gate and is the range ...
    "15 LU below": (lambda: steps((-20, 20), (-35, 10)), -20.0, 15.0),
    "18 LU below": (lambda: steps((-20, 20), (-38, 10)), -20.0, 18.0),
    "two steps down": (lambda: steps((-18, 8), (-26, 6), (-36, 6)), -20.0, 18.0),
    # 21 LU below the main level but just inside the gate (20 LU below the mean, -21.7) ...
    "21 LU below, inside": (lambda: steps((-20, 20), (-41, 10)), -20.0, 21.0),
    # ... and one 25 LU below is outside it: only the windows across the step are left.
    "25 LU below": (lambda: steps((-20, 20), (-45, 10)), -20.0, None),
    "glide": (ramp, -16.5, 23.0),
    "just above the absolute gate": (lambda: tone(-69.5, 2), -69.5, None),
    # 5.0 (L R C Ls Rs) and 5.1 (L R C LFE Ls Rs): surrounds weigh 1.41, the LFE nothing.
    "5.0 centre": (lambda: alone(5, 2), -23.0, None),
    "5.0 left surround": (lambda: alone(5, 3), -21.5, None),
    "5.0 right surround": (lambda: alone(5, 4), -21.5, None),
    "5.1 LFE": (lambda: alone(6, 3, quiet=-30), -33.0, None),
    "5.1 left surround": (lambda: alone(6, 4), -21.5, None),
    "5.1 right surround": (lambda: alone(6, 5), -21.5, None),
}


def ebur128(x: np.ndarray, sr: int = SR) -> tuple[float, float]:
    """ffmpeg's integrated loudness and loudness range of ``x`` (frames, channels)."""
    x = np.ascontiguousarray(x, np.float32)
    err = subprocess.run(
        ["ffmpeg", "-nostats", "-hide_banner", "-f", "f32le", "-ar", str(sr), "-ac",
         str(x.shape[1]), "-i", "pipe:0", "-af", "ebur128", "-f", "null", "-"],
        input=x.tobytes(), capture_output=True, check=True).stderr.decode()
    summary = err[err.rfind("Summary:"):]
    i = re.search(r"I:\s+(-?[\d.]+) LUFS", summary)
    lra = re.search(r"LRA:\s+(-?[\d.]+) LU", summary)
    assert i is not None and lra is not None, summary
    return float(i.group(1)), float(lra.group(1))


@needs_ffmpeg
@pytest.mark.parametrize("name", sorted(READINGS))
def test_pinned_readings_are_what_ffmpeg_reads(name: str) -> None:
    make, lufs, lra = READINGS[name]
    ref_i, ref_lra = ebur128(make())
    assert ref_i == lufs
    if lra is not None:
        assert ref_lra == lra


@pytest.mark.parametrize("name", sorted(READINGS))
def test_integrated_loudness_reads_what_ffmpeg_reads(name: str) -> None:
    make, lufs, _ = READINGS[name]
    x = make()
    ours = integrated_loudness(Audio(x.astype(np.float32), SR))
    assert ours == pytest.approx(lufs, abs=0.06)  # ffmpeg prints one decimal


@pytest.mark.parametrize("name", sorted(n for n, r in READINGS.items() if r[2] is not None))
def test_loudness_range_reads_what_ffmpeg_reads(name: str) -> None:
    make, _, lra = READINGS[name]
    ours = loudness_range(Audio(make().astype(np.float32), SR))
    assert ours == pytest.approx(lra, abs=0.1)


@pytest.mark.parametrize("quiet", [-42.2, -45.0])
def test_a_passage_outside_the_range_gate_leaves_only_the_step(quiet: float) -> None:
    # ffmpeg reads 1.8 LU for both (its 0.1 LU bins); ours sees the same few windows across
    # the step. -42.2 sits half a LU outside the gate: a -21 LU gate would read 22 LU.
    lra = loudness_range(Audio(steps((-20, 20), (quiet, 10)).astype(np.float32), SR))
    assert lra is not None and 1.3 < lra < 1.9


def test_the_absolute_gate_is_minus_70_lufs_to_half_a_decibel() -> None:
    assert ABS_GATE == -70.0
    assert integrated_loudness(Audio(tone(-70.5, 2).astype(np.float32), SR)) is None
    assert loudness_range(Audio(tone(-70.5, 4).astype(np.float32), SR)) is None
    steady = loudness_range(Audio(tone(-69.5, 4).astype(np.float32), SR))
    assert steady == pytest.approx(0, abs=0.01)


def test_one_whole_block_is_enough_and_less_is_nothing() -> None:
    x = tone(-20, 0.4).astype(np.float32)  # 19200 frames: one 400 ms block
    assert integrated_loudness(Audio(x, SR)) == pytest.approx(-20.0, abs=0.01)
    assert integrated_loudness(Audio(x[:-1], SR)) is None
    y = tone(-20, 3).astype(np.float32)  # one 3 s short-term window
    assert loudness_range(Audio(y, SR)) == pytest.approx(0.0, abs=0.01)
    assert loudness_range(Audio(y[:-1], SR)) is None


@pytest.mark.parametrize("frames", [23999, 24000, 24001])
def test_the_last_whole_block_counts_whatever_the_length(frames: int) -> None:
    # 23999 = 19200 + 4800 - 1: the last block that fits starts at 4799, not 4800.
    x = tone(-20, 1)[:frames].astype(np.float32)
    assert integrated_loudness(Audio(x, SR)) == pytest.approx(-20.0, abs=0.01)


def test_silence_reads_nothing_and_warns_of_nothing() -> None:
    silence = Audio(np.zeros((4 * SR, 2), np.float32), SR)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # log10(0) of a silent block is expected, not a fault
        assert integrated_loudness(silence) is None
        assert loudness_range(silence) is None


# ITU-R BS.1770-4, Tables 1 and 2: the K-weighting filter at 48 kHz.
SHELF_48K = [1.53512485958697, -2.69169618940638, 1.19839281085285,
             1.0, -1.69065929318241, 0.73248077421585]
HIGHPASS_48K = [1.0, -2.0, 1.0, 1.0, -1.99004745483398, 0.99007225036621]


def test_k_weighting_at_48_khz_is_the_standards_table() -> None:
    sos = k_weighting(48000)
    assert sos.shape == (2, 6)
    assert sos[0].tolist() == pytest.approx(SHELF_48K, abs=1e-8)
    assert sos[1].tolist() == pytest.approx(HIGHPASS_48K, abs=1e-8)


def test_k_weighting_takes_every_allowed_rate_and_no_other() -> None:
    for sr in (MIN_RATE, MAX_RATE):
        assert np.all(np.isfinite(k_weighting(sr)))
    for sr in (MIN_RATE - 1, MAX_RATE + 1):
        with pytest.raises(ParameterError, match="sample_rate") as e:
            k_weighting(sr)
        assert e.value.field == "sample_rate"


def test_the_k_filter_gains_its_shelf_and_loses_the_bass() -> None:
    # The shelf lifts high frequencies by about 4 dB; the high pass removes DC.
    t = np.arange(SR) / SR
    hi = np.sin(2 * np.pi * 10000 * t)[:, None]
    y = k_filter(hi, SR)[SR // 2:, 0]
    gain = 20 * np.log10(np.sqrt(np.mean(y * y)) / np.sqrt(0.5))
    assert gain == pytest.approx(4.0, abs=0.1)
    dc = k_filter(np.ones((SR, 1)), SR)[SR // 2:, 0]
    assert np.max(np.abs(dc)) < 1e-3


def test_a_tone_reads_its_level_at_every_common_rate() -> None:
    # ffmpeg reads -20.0 LUFS at each of these. Nine rates in one loop: the filter's cache
    # holds eight, so 11025 Hz is always computed afresh here (see the module docstring).
    for sr in (11025, 8000, 16000, 22050, 32000, 44100, 48000, 88200, 96000):
        x = tone(-20, 1, sr).astype(np.float32)
        assert integrated_loudness(Audio(x, sr)) == pytest.approx(-20.0, abs=0.05), sr


def test_anything_but_audio_is_refused_by_name() -> None:
    with pytest.raises(ParameterTypeError, match=r"^audio must be an Audio, got ndarray$") as e:
        check_audio(np.zeros((8, 2)))
    assert e.value.field == "audio"
    audio = Audio(np.zeros((8, 2)), 8000)
    assert check_audio(audio) is audio

"""Loudness meters: K-weighting, integrated loudness and loudness range.

Implemented here with NumPy (ITU-R BS.1770-4 gating, EBU Tech 3342 loudness range) and
checked against ffmpeg's ``ebur128``. The quality report (``analysis.quality``) and loudness
normalisation (:func:`schillinger_kernel.dsp.mastering.normalize`) both read these meters.

Examples
--------
>>> import numpy as np
>>> from schillinger_kernel.audio import Audio
>>> t = np.arange(48000 * 3) / 48000
>>> tone = Audio(np.stack([0.1 * np.sin(2 * np.pi * 997 * t)] * 2, axis=1), 48000)
>>> round(integrated_loudness(tone), 1)  # a -20 dBFS stereo sine at 997 Hz
-20.0
>>> round(loudness_range(tone), 1)  # steady: no spread
0.0
>>> integrated_loudness(Audio(np.zeros((48000, 2)), 48000)) is None  # all gated out
True
"""

from __future__ import annotations

import functools
import math

import numpy as np

from ..audio import MAX_RATE, MIN_RATE, Audio
from ..checks import check_int
from ..errors import ParameterTypeError
from .convolution import fft_convolve

__all__ = ["ABS_GATE", "check_audio", "integrated_loudness", "k_filter", "k_weighting",
           "loudness_range"]

ABS_GATE = -70.0  # LUFS: blocks below it are silence to every loudness measure


def check_audio(audio: object) -> Audio:
    """``audio`` if it is an :class:`Audio`, else a ``ParameterTypeError`` (a ``TypeError``).

    >>> check_audio(Audio(np.zeros(8), 8000)).frames
    8
    """
    if not isinstance(audio, Audio):
        raise ParameterTypeError(f"audio must be an Audio, got {type(audio).__name__}",
                                 field="audio")
    return audio


def k_weighting(sample_rate: int) -> np.ndarray:
    """Second-order sections of the BS.1770 K-weighting filter at any sample rate.

    The two stages (high shelf, high pass) follow from their analogue prototypes through the
    bilinear transform, which reproduces the coefficients the standard lists for 48 kHz.

    Parameters
    ----------
    sample_rate : int
        In ``MIN_RATE..MAX_RATE`` Hz.

    Returns
    -------
    numpy.ndarray, shape (2, 6)
        ``[b0, b1, b2, a0, a1, a2]`` of the shelf, then of the high pass.

    Examples
    --------
    >>> [round(float(c), 8) for c in k_weighting(48000)[0]]
    [1.53512486, -2.69169619, 1.19839281, 1.0, -1.69065929, 0.73248077]
    """
    fs = float(check_int("sample_rate", sample_rate, MIN_RATE, MAX_RATE))
    g, f0, q = 3.999843853973347, 1681.974450955533, 0.7071752369554196
    k = math.tan(math.pi * f0 / fs)
    vh = 10 ** (g / 20)
    vb = vh ** 0.4996667741545416
    a0 = 1 + k / q + k * k
    shelf = [(vh + vb * k / q + k * k) / a0, 2 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0,
             1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0]
    f0, q = 38.13547087602444, 0.5003270373238773
    k = math.tan(math.pi * f0 / fs)
    a0 = 1 + k / q + k * k
    highpass = [1.0, -2.0, 1.0, 1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0]
    return np.array([shelf, highpass])


@functools.lru_cache(maxsize=8)
def _k_ir(sample_rate: int) -> np.ndarray:
    """Impulse response of the K-weighting cascade, long enough to decay below 1e-9."""
    # Filtering as an FFT convolution with this response beats a per-sample IIR loop by far.
    n = int(0.3 * sample_rate)
    x = np.zeros(n)
    x[0] = 1.0
    for b0, b1, b2, _, a1, a2 in k_weighting(sample_rate):  # direct form I, two biquads
        y = [0.0] * n
        x1 = x2 = y1 = y2 = 0.0
        for i, xi in enumerate(x.tolist()):
            yi = b0 * xi + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2
            x2, x1, y2, y1 = x1, xi, y1, yi
            y[i] = yi
        x = np.array(y)
    return x.astype(np.float32)


def k_filter(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    """``samples`` (frames, channels) through the K-weighting filter (FFT convolution).

    >>> y = k_filter(np.ones((9600, 1), np.float32), 48000)
    >>> y.shape, abs(float(y[-1, 0])) < 0.01  # the high pass removes DC
    ((9600, 1), True)
    """
    y = fft_convolve(np, np.ascontiguousarray(np.asarray(samples, np.float32).T),
                     _k_ir(sample_rate))
    return np.asarray(y.T, dtype=np.float64)


def _block_power(audio: Audio, window: float, hop: float) -> np.ndarray:
    """Channel-weighted mean square of K-weighted blocks (``window`` s long, every ``hop`` s)."""
    sr = audio.sample_rate
    w, h = round(window * sr), round(hop * sr)
    if audio.frames < w:
        return np.zeros(0)
    y = k_filter(audio.samples, sr)
    csum = np.concatenate([np.zeros((1, y.shape[1])), np.cumsum(y * y, axis=0)])
    starts = np.arange(0, y.shape[0] - w + 1, h)
    ms = (csum[starts + w] - csum[starts]) / w  # (blocks, channels)
    weights = np.ones(y.shape[1])
    if y.shape[1] == 5 or y.shape[1] == 6:  # surround channels weigh 1.41 (L R C [LFE] Ls Rs)
        weights[-2:] = 1.41
        if y.shape[1] == 6:
            weights[3] = 0.0
    return np.asarray(ms @ weights)


def _lufs(power: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return -0.691 + 10 * np.log10(power)


def integrated_loudness(audio: Audio) -> float | None:
    """Integrated loudness in LUFS (BS.1770-4 gating); ``None`` when everything is gated out.

    Blocks of 400 ms every 100 ms; the absolute gate (-70 LUFS) drops silence, the relative
    gate (10 LU below the mean of the rest) drops quiet passages.

    >>> t = np.arange(48000) / 48000
    >>> mono = Audio(0.1 * np.sin(2 * np.pi * 997 * t), 48000)
    >>> round(integrated_loudness(mono), 1)  # one channel: 3 dB below the stereo pair
    -23.0
    """
    p = _block_power(check_audio(audio), 0.4, 0.1)
    p = p[_lufs(p) > ABS_GATE]
    if p.size == 0:
        return None
    rel = _lufs(np.mean(p)) - 10.0
    p = p[_lufs(p) > rel]
    return float(_lufs(np.mean(p)))


def loudness_range(audio: Audio) -> float | None:
    """Loudness range in LU (EBU Tech 3342): spread of the gated 3-s short-term loudness.

    ``None`` when the audio is shorter than 3 s or silent.

    >>> loudness_range(Audio(np.full((48000, 2), 0.1), 48000)) is None  # shorter than 3 s
    True
    """
    p = _block_power(check_audio(audio), 3.0, 0.1)
    p = p[_lufs(p) > ABS_GATE]
    if p.size == 0:
        return None
    st = _lufs(p)
    st = st[st > _lufs(np.mean(p)) - 20.0]
    lo, hi = np.percentile(st, [10, 95])
    return float(hi - lo)

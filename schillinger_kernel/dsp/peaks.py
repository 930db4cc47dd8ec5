"""Peak meters: oversampled peaks and the true peak (ITU-R BS.1770 Annex 2).

Sample values miss the crests of a waveform between samples; a DAC does not. The true peak
is the largest value of the signal 4x oversampled by a polyphase low-pass.

Examples
--------
>>> import numpy as np
>>> from schillinger_kernel.audio import Audio
>>> t = np.arange(4800)
>>> x = 0.5 * np.sin(np.pi / 2 * t + np.pi / 4)  # fs/4: every sample misses the crests
>>> a = Audio(np.stack([x, x], axis=1), 48000)
>>> round(float(20 * np.log10(a.peak)), 1), -6.5 < true_peak_db(a) < -5.5  # crests: -6 dB
(-9.0, True)
"""

from __future__ import annotations

import functools
import math

import numpy as np

from ..audio import Audio
from ..checks import check_int
from .loudness import check_audio

__all__ = ["TAPS_PER_PHASE", "oversampled_peaks", "true_peak_db"]


TAPS_PER_PHASE = 32  # a sharp low-pass: 16 taps read noise and near-Nyquist tones low


@functools.lru_cache(maxsize=4)
def _oversampler(factor: int, taps_per_phase: int = TAPS_PER_PHASE) -> np.ndarray:
    """Polyphase low-pass (Kaiser-windowed sinc) for ``factor``x oversampling: (factor, taps)."""
    n = factor * taps_per_phase
    t = (np.arange(n) - n // 2) / factor  # centred on a tap: phase 0 falls on the samples
    h = np.sinc(t) * np.kaiser(n + 1, 9.0)[:n]
    h *= factor / h.sum()
    return np.ascontiguousarray(h.reshape(taps_per_phase, factor).T).astype(np.float32)


def oversampled_peaks(x: np.ndarray, factor: int = 4, chunk: int = 1 << 15) -> np.ndarray:
    """Per input frame, the largest absolute value of all channels ``factor``-times oversampled.

    Parameters
    ----------
    x : array_like, shape (frames, channels) or (frames,)
        Samples.
    factor : int
        Oversampling factor (4 is what BS.1770 asks for at 48 kHz).
    chunk : int
        Frames filtered at a time: bounds the memory of long files.

    Returns
    -------
    numpy.ndarray, shape (frames,), float32
        Never below the sample peak of the same frame.

    Examples
    --------
    >>> t = np.arange(4800)
    >>> x = np.sin(np.pi / 2 * t + np.pi / 4)[:, None]  # fs/4: samples miss the crests
    >>> round(float(np.abs(x).max()), 3), round(float(oversampled_peaks(x)[100:-100].max()), 2)
    (0.707, 1.0)
    """
    check_int("factor", factor, 1, 64)
    check_int("chunk", chunk, 1)
    x = np.asarray(x, dtype=np.float32)
    if x.ndim == 1:
        x = x[:, None]
    phases = _oversampler(factor)
    taps = phases.shape[1]
    delay = taps // 2
    # Output frame j, phase p: sum_k phases[p, k] x[j + delay - k], a direct convolution per
    # phase (no BLAS: a skinny product gains nothing from its threads), chunk by chunk. Phase 0
    # is the samples themselves (the sinc's zeros fall on them): the final maximum covers it.
    taps_p = phases[1:] if factor > 1 else phases
    n, ch = x.shape
    pad = np.zeros((taps, ch), dtype=np.float32)
    padded = np.concatenate([pad, x, pad])  # x[i] is padded[i + taps]
    out = np.empty(n, dtype=np.float32)
    for s in range(0, n, chunk):
        e = min(n, s + chunk)
        lo = s + delay + 1  # where x[s + delay - taps + 1] is in padded
        peak = np.zeros(e - s, dtype=np.float32)
        for c in range(ch):
            seg = np.ascontiguousarray(padded[lo:lo + e - s + taps - 1, c])
            for h in taps_p:
                np.maximum(peak, np.abs(np.convolve(seg, h, "valid")), out=peak)
        out[s:e] = peak
    return np.maximum(out, np.abs(x).max(axis=1))


def true_peak_db(audio: Audio) -> float:
    """True peak in dBTP (4x oversampled); ``-inf`` for silence.

    >>> true_peak_db(Audio(np.zeros((100, 2)), 48000))
    -inf
    """
    peak = float(oversampled_peaks(check_audio(audio).samples).max(initial=0.0))
    peak = max(peak, audio.peak)
    return 20 * math.log10(peak) if peak > 0 else float("-inf")

"""Mastering: resampling, a true-peak limiter, peak and loudness normalisation, TPDF dither.

What an export does to the samples before they are encoded (``io.audio.write`` calls these
and then only encodes), and what a preview does to meet its loudness constraints
(``synth.preview``). Everything returns a new :class:`~schillinger_kernel.audio.Audio` or
array; nothing is changed in place.

Examples
--------
>>> import numpy as np
>>> from schillinger_kernel.audio import Audio
>>> from schillinger_kernel.dsp.loudness import integrated_loudness
>>> from schillinger_kernel.dsp.peaks import true_peak_db
>>> t = np.arange(48000 * 3) / 48000
>>> tone = Audio(np.stack([0.1 * np.sin(2 * np.pi * 997 * t)] * 2, axis=1), 48000)
>>> loud = normalize(tone, "streaming")  # -14 LUFS, true peak at most -1 dBTP
>>> round(integrated_loudness(loud), 1), true_peak_db(loud) <= -1.0
(-14.0, True)
>>> resample(tone, 44100).frames
132300
>>> quantize_int16(np.array([0.5, -1.0], np.float32), None).tolist()
[16384, -32767]
"""

from __future__ import annotations

import functools
import math

import numpy as np

from ..audio import MAX_RATE, MIN_RATE, Audio
from ..checks import check_choice, check_float, check_int
from ..errors import ParameterError
from .loudness import check_audio, integrated_loudness
from .peaks import oversampled_peaks, true_peak_db

__all__ = ["DITHER_SAMPLES", "MARGIN_DB", "NORMALIZE", "PRESETS", "limit_true_peak", "normalize",
           "promised_peak", "quantize_int16", "resample"]

# Loudness presets: (target LUFS, true-peak ceiling dBTP).
PRESETS: dict[str, tuple[float, float]] = {"ebu-r128": (-23.0, -1.0), "streaming": (-14.0, -1.0),
                                           "apple": (-16.0, -1.0)}
NORMALIZE = ("peak", "lufs", *PRESETS)
MARGIN_DB = 0.2  # safety below a true-peak ceiling (meters, dither and codecs differ a little)
DITHER_SAMPLES = 1 << 20  # the dither table: 4 MB, 10.9 s of stereo at 48 kHz


def resample(audio: Audio, sample_rate: int) -> Audio:
    """``audio`` at another sample rate (band-limited FFT resampling, silence-padded ends).

    Parameters
    ----------
    audio : Audio
        The sound to convert.
    sample_rate : int
        The new rate, in ``MIN_RATE..MAX_RATE`` Hz; the same rate returns ``audio`` itself.

    Returns
    -------
    Audio
        ``round(frames * sample_rate / audio.sample_rate)`` frames.

    Examples
    --------
    >>> a = Audio(np.zeros((48000, 2), dtype=np.float32), 48000)
    >>> resample(a, 44100).frames
    44100
    """
    check_audio(audio)
    check_int("sample_rate", sample_rate, MIN_RATE, MAX_RATE)
    old = audio.sample_rate
    if sample_rate == old:
        return audio
    g = math.gcd(sample_rate, old)
    unit_in, unit_out = old // g, sample_rate // g
    k = max(1, math.ceil(0.05 * old / unit_in))  # >= 50 ms of silence on each side
    pad_in, pad_out = unit_in * k, unit_out * k
    n = audio.frames
    n_out = round(n * sample_rate / old)
    x = np.concatenate([np.zeros((pad_in, audio.channels), np.float32), audio.samples,
                        np.zeros((pad_in, audio.channels), np.float32)])
    m_in = x.shape[0]
    m_out = m_in * unit_out // unit_in if (m_in * unit_out) % unit_in == 0 else round(
        m_in * sample_rate / old)
    spec = np.fft.rfft(x, axis=0)
    keep = min(spec.shape[0], m_out // 2 + 1)
    out_spec = np.zeros((m_out // 2 + 1, audio.channels), dtype=spec.dtype)
    out_spec[:keep] = spec[:keep]
    if m_out % 2 == 0 and keep == m_out // 2 + 1 and m_out < m_in:
        out_spec[-1] *= 0.5  # the new Nyquist bin is shared by both halves
    y = np.fft.irfft(out_spec, n=m_out, axis=0) * (m_out / m_in)
    return Audio(y[pad_out:pad_out + n_out].astype(np.float32), sample_rate)


def _running_min(x: np.ndarray, radius: int) -> np.ndarray:
    """Minimum over ``[i - radius, i + radius]`` for every ``i`` (van Herk / Gil-Werman)."""
    w, n = 2 * radius + 1, x.shape[0]
    tail = radius + (-(n + 2 * radius)) % w
    pad = np.concatenate([np.full(radius, x[0]), x, np.full(tail, x[-1])]).reshape(-1, w)
    pre = np.minimum.accumulate(pad, axis=1).ravel()
    suf = np.minimum.accumulate(pad[:, ::-1], axis=1)[:, ::-1].ravel()
    return np.minimum(suf[:n], pre[w - 1:w - 1 + n])


def _running_mean(x: np.ndarray, radius: int) -> np.ndarray:
    pad = np.concatenate([np.full(radius, x[0]), x, np.full(radius, x[-1])]).astype(np.float64)
    c = np.concatenate([[0.0], np.cumsum(pad)])
    return (c[2 * radius + 1:] - c[:-2 * radius - 1]) / (2 * radius + 1)


def limit_true_peak(x: np.ndarray, ceiling: float, sample_rate: int) -> np.ndarray:
    """Smooth look-ahead limiter: gain <= ceiling / true peak at every sample (linked stereo).

    Parameters
    ----------
    x : numpy.ndarray, shape (frames, channels)
        Samples; returned as they are when nothing is over the ceiling.
    ceiling : float
        Linear amplitude (not dB) the 4x-oversampled peak must stay under.
    sample_rate : int
        Sets the 2 ms gain smoothing inside a 4 ms hold.

    Examples
    --------
    >>> x = np.full((4800, 2), 0.9, np.float32)
    >>> float(limit_true_peak(x, 0.5, 48000).max()) <= 0.5
    True
    """
    check_float("ceiling", ceiling, 0.0, 1e6, low_open=True)
    check_int("sample_rate", sample_rate, MIN_RATE, MAX_RATE)
    if x.shape[0] == 0:
        return x
    peaks = oversampled_peaks(x)
    need = np.minimum(1.0, ceiling / np.maximum(peaks, 1e-12))
    if need.min() >= 1.0:
        return x
    radius = max(1, int(0.002 * sample_rate))  # 2 ms smoothing inside a 4 ms hold: gain <= need
    gain = _running_mean(_running_min(need, 2 * radius), radius)
    return (x * np.minimum(gain, need)[:, None]).astype(np.float32)


def normalize(audio: Audio, mode: str, target: float | None = None,
              true_peak: float = -1.0) -> Audio:
    """Loudness- or peak-normalised copy of ``audio``.

    Parameters
    ----------
    audio : Audio
        The sound; silence cannot be normalised (``ParameterError``).
    mode : {"peak", "lufs", "ebu-r128", "streaming", "apple"}
        ``"peak"``: scale so the true peak is ``target`` dBTP (default -1). ``"lufs"``: scale
        to ``target`` LUFS (default -23) and limit so the true peak stays under ``true_peak``
        dBTP. ``"ebu-r128"`` (-23 LUFS), ``"streaming"`` (-14) and ``"apple"`` (-16) are
        ``"lufs"`` with their targets and a -1 dBTP ceiling.
    target : float, optional
        dBTP for ``"peak"``, LUFS otherwise; in -70..0.
    true_peak : float
        The ceiling in dBTP for the loudness modes; in -70..0.

    Examples
    --------
    >>> a = Audio(np.full((4800, 2), 0.25), 48000)
    >>> round(true_peak_db(normalize(a, "peak", -6.0)), 1)  # a 0.2 dB safety margin
    -6.2
    """
    check_audio(audio)
    check_choice("mode", mode, NORMALIZE)
    if target is not None:
        check_float("target", target, -70.0, 0.0)
    check_float("true_peak", true_peak, -70.0, 0.0)
    x = audio.samples.astype(np.float64)
    if mode == "peak":
        tp = true_peak_db(audio)
        if not math.isfinite(tp):
            raise ParameterError("cannot peak-normalise silence", field="audio")
        goal = -1.0 if target is None else float(target)
        gain = 10 ** ((goal - MARGIN_DB - tp) / 20)
        return Audio((x * gain).astype(np.float32), audio.sample_rate)
    if mode in PRESETS:
        preset_target, preset_ceiling = PRESETS[mode]
        goal = preset_target if target is None else float(target)
        ceiling_db = preset_ceiling if true_peak == -1.0 else float(true_peak)
    else:
        goal = -23.0 if target is None else float(target)
        ceiling_db = float(true_peak)
    ceiling = 10 ** ((ceiling_db - MARGIN_DB) / 20)
    y = audio.samples
    for _ in range(4):  # gain, limit, measure again: limiting lowers loudness a little
        lufs = integrated_loudness(Audio(y, audio.sample_rate))
        if lufs is None:
            raise ParameterError("cannot loudness-normalise silence (below the -70 LUFS gate)",
                                 field="audio")
        if abs(lufs - goal) < 0.05:
            break
        y = limit_true_peak((y * 10 ** ((goal - lufs) / 20)).astype(np.float32), ceiling,
                            audio.sample_rate)
    return Audio(limit_true_peak(np.asarray(y, dtype=np.float32), ceiling, audio.sample_rate),
                 audio.sample_rate)


def promised_peak(mode: str, target: float | None = None, true_peak: float = -1.0) -> float:
    """The true peak (dBTP) that :func:`normalize` with these arguments promises not to pass.

    ``"peak"``: its ``target`` (default -1); the loudness modes: their ceiling.

    >>> promised_peak("streaming"), promised_peak("lufs", -20.0, -2.0), promised_peak("peak", -3.0)
    (-1.0, -2.0, -3.0)
    """
    check_choice("mode", mode, NORMALIZE)
    if mode == "peak":
        return -1.0 if target is None else float(target)
    if mode in PRESETS and true_peak == -1.0:
        return PRESETS[mode][1]
    return float(true_peak)


@functools.lru_cache(maxsize=1)
def _dither_table() -> np.ndarray:
    """Triangular (TPDF) noise of +-1 LSB: the difference of two uniform variables."""
    # One fixed table, read from per-block offsets: the same export gives the same file.
    rng = np.random.Generator(np.random.PCG64(0))
    u = rng.random((2, DITHER_SAMPLES), dtype=np.float32)
    return np.subtract(u[0], u[1])


def quantize_int16(x: np.ndarray, offset: int | None, out: np.ndarray | None = None,
                   work: np.ndarray | None = None) -> np.ndarray:
    """Quantise float samples to int16 with triangular (TPDF) dither of +-1 LSB.

    The dither is a fixed ten-second table read from ``offset`` (each block of an export
    starts at its own random offset, far beyond any audible repetition); ``offset=None``
    rounds without dither. ``x.size`` must leave room: ``offset + x.size <= DITHER_SAMPLES``.

    Parameters
    ----------
    x : numpy.ndarray
        float32 samples in [-1, 1] (louder ones clip).
    offset : int or None
        Where in the dither table to start, or ``None`` for plain rounding.
    out : numpy.ndarray, optional
        An int16 array of ``x``'s shape to write into (an exporter reuses its blocks: fresh
        ones come from the kernel a page fault at a time); by default a new one.
    work : numpy.ndarray, optional
        A float32 array of ``x``'s shape for the intermediate values, contents undefined.

    Returns
    -------
    numpy.ndarray
        ``out``, or the new int16 array.

    Examples
    --------
    >>> x = np.full(1000, 0.1 / 32767, np.float32)  # a tenth of an LSB
    >>> int(quantize_int16(x, None).sum()), 0 < int(quantize_int16(x, 0).sum()) < 1000
    (0, True)
    >>> into = np.zeros(2, np.int16)
    >>> quantize_int16(np.array([0.25, 2.0], np.float32), None, out=into) is into, into.tolist()
    (True, [8192, 32767])
    """
    if offset is not None:
        check_int("offset", offset, 0, DITHER_SAMPLES - x.size)
    for name, a, kind in (("out", out, np.int16), ("work", work, np.float32)):
        if a is not None and (a.shape != x.shape or a.dtype != kind):
            raise ParameterError(f"{name} must be a {np.dtype(kind).name} array of shape "
                                 f"{x.shape}, got {a.dtype} {a.shape}", field=name)
    # Four passes over a block, each in place: scale, dither, round, and clip straight into
    # the integers (the cast inside the clip: no float copy of the rounded block).
    y = np.multiply(x, np.float32(32767.0), out=work, dtype=np.float32)
    if offset is not None:
        y += _dither_table()[offset:offset + x.size].reshape(x.shape)
    np.rint(y, out=y)
    result = np.empty(x.shape, dtype=np.int16) if out is None else out
    np.clip(y, -32768.0, 32767.0, out=result, casting="unsafe")
    return result

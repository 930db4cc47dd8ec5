"""Audio files: write an :class:`~schillinger_kernel.synth.audio.Audio` to wav, flac, ogg or mp3,
and read audio files back.

``write`` converts the sample rate, normalises (by true peak, or by integrated loudness with a
true-peak ceiling), applies TPDF dither when reducing to 16 bits, and writes atomically (a
temporary file renamed into place), reporting progress through a callback.

>>> import numpy as np, tempfile, pathlib
>>> from schillinger_kernel.synth.audio import Audio
>>> t = np.arange(4800) / 48000
>>> tone = Audio(np.stack([np.sin(2 * np.pi * 440 * t)] * 2, axis=1) * 0.5, 48000)
>>> p = write(tone, pathlib.Path(tempfile.mkdtemp()) / "a.wav", bit_depth=16, normalize="peak")
>>> back = read_audio(p)
>>> back.sample_rate, back.channels, round(back.peak, 2)
(48000, 2, 0.87)
"""

from __future__ import annotations

import contextlib
import functools
import math
import os
import struct
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from ..synth.audio import Audio
from ..synth.engine import cpu_threads
from .atomic import atomic_path, check_target

FORMATS: dict[str, str] = {".wav": "WAV", ".flac": "FLAC", ".ogg": "OGG", ".mp3": "MP3"}
SUBTYPES: dict[str, tuple[str, ...]] = {
    "WAV": ("PCM_16", "PCM_24", "PCM_32", "FLOAT"),
    "FLAC": ("PCM_16", "PCM_24"),
    "OGG": ("VORBIS", "OPUS"),
    "MP3": ("MPEG_LAYER_III",),
}
DEFAULT_SUBTYPE = {"WAV": "FLOAT", "FLAC": "PCM_24", "OGG": "VORBIS", "MP3": "MPEG_LAYER_III"}
BIT_DEPTHS = {16: "PCM_16", 24: "PCM_24", 32: "FLOAT"}
LOSSY_RATES = {"MP3": (8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000)}
# Loudness presets: (target LUFS, true-peak ceiling dBTP).
PRESETS: dict[str, tuple[float, float]] = {"ebu-r128": (-23.0, -1.0), "streaming": (-14.0, -1.0),
                                           "apple": (-16.0, -1.0)}
NORMALIZE = ("peak", "lufs", *PRESETS)
BLOCK_FRAMES = 1 << 17  # frames per encoded block of a stereo export (measured best)
_MARGIN_DB = 0.2  # safety below a true-peak ceiling (meters, dither and codecs differ a little)


def _progress(cb: Callable[[float], Any] | None, value: float) -> None:
    if cb is not None:
        cb(min(1.0, max(0.0, value)))


def resample(audio: Audio, sample_rate: int) -> Audio:
    """``audio`` at another sample rate (band-limited FFT resampling, silence-padded ends).

    >>> a = Audio(np.zeros((48000, 2), dtype=np.float32), 48000)
    >>> resample(a, 44100).frames
    44100
    """
    if isinstance(sample_rate, bool) or not isinstance(sample_rate, int) or not (
            8000 <= sample_rate <= 384000):
        raise ValueError(f"sample_rate must be an int in 8000..384000, got {sample_rate!r}")
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


def _check_write_args(path: str | os.PathLike[str], format: str | None, subtype: str | None,
                      bit_depth: int | None) -> tuple[Path, str, str]:
    if format is None:
        if not isinstance(path, str | os.PathLike):
            raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}")
        suffix = Path(path).suffix.lower()
        if suffix not in FORMATS:
            raise ValueError(f"path {str(path)!r}: unknown audio format {suffix or '(none)'!r}; "
                             f"allowed: {', '.join(FORMATS)}")
        fmt = FORMATS[suffix]
    else:
        fmt = str(format).upper()
        if fmt not in SUBTYPES:
            raise ValueError(f"format must be one of {', '.join(SUBTYPES)}, got {format!r}")
    target = check_target(path)
    if bit_depth is not None:
        if bit_depth not in BIT_DEPTHS:
            raise ValueError(f"bit_depth must be 16, 24 or 32 (float), got {bit_depth!r}")
        if subtype is not None and subtype != BIT_DEPTHS[bit_depth]:
            raise ValueError(f"bit_depth={bit_depth} contradicts subtype={subtype!r}")
        subtype = BIT_DEPTHS[bit_depth]
        if fmt in ("OGG", "MP3"):
            raise ValueError(f"bit_depth does not apply to lossy {fmt}; leave it out")
    sub = (subtype or DEFAULT_SUBTYPE[fmt]).upper()
    if sub not in SUBTYPES[fmt]:
        raise ValueError(f"subtype {sub!r} is not available for {fmt}; "
                         f"allowed: {', '.join(SUBTYPES[fmt])}")
    return target, fmt, sub


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


def _limit(x: np.ndarray, ceiling: float, sr: int) -> np.ndarray:
    """Smooth look-ahead limiter: gain <= ceiling / true peak at every sample (linked stereo)."""
    from ..analysis import oversampled_peaks

    peaks = oversampled_peaks(x)
    need = np.minimum(1.0, ceiling / np.maximum(peaks, 1e-12))
    if need.min() >= 1.0:
        return x
    radius = max(1, int(0.002 * sr))  # 2 ms smoothing inside a 4 ms hold: gain <= need
    gain = _running_mean(_running_min(need, 2 * radius), radius)
    return (x * np.minimum(gain, need)[:, None]).astype(np.float32)


def normalize(audio: Audio, mode: str, target: float | None = None,
              true_peak: float = -1.0) -> Audio:
    """Loudness- or peak-normalised copy of ``audio``.

    ``mode="peak"``: scale so the true peak is ``target`` dBTP (default -1). ``mode="lufs"``:
    scale to ``target`` LUFS (default -23) and limit so the true peak stays under ``true_peak``
    dBTP. ``"ebu-r128"`` (-23 LUFS), ``"streaming"`` (-14) and ``"apple"`` (-16) are ``"lufs"``
    with their targets and a -1 dBTP ceiling.
    """
    from ..analysis import integrated_loudness, true_peak_db

    if mode not in NORMALIZE:
        raise ValueError(f"normalize must be one of {', '.join(NORMALIZE)} or None, got {mode!r}")
    for name, v in (("target", target), ("true_peak", true_peak)):
        if v is not None and (isinstance(v, bool) or not isinstance(v, int | float)
                              or not math.isfinite(v) or not -70.0 <= v <= 0.0):
            raise ValueError(f"{name} must be a number of dB in -70..0, got {v!r}")
    x = audio.samples.astype(np.float64)
    if mode == "peak":
        tp = true_peak_db(audio)
        if not math.isfinite(tp):
            raise ValueError("cannot peak-normalise silence")
        goal = -1.0 if target is None else float(target)
        gain = 10 ** ((goal - _MARGIN_DB - tp) / 20)
        return Audio((x * gain).astype(np.float32), audio.sample_rate)
    if mode in PRESETS:
        preset_target, preset_ceiling = PRESETS[mode]
        goal = preset_target if target is None else float(target)
        ceiling_db = preset_ceiling if true_peak == -1.0 else float(true_peak)
    else:
        goal = -23.0 if target is None else float(target)
        ceiling_db = float(true_peak)
    ceiling = 10 ** ((ceiling_db - _MARGIN_DB) / 20)
    y = audio.samples
    for _ in range(4):  # gain, limit, measure again: limiting lowers loudness a little
        lufs = integrated_loudness(Audio(y, audio.sample_rate))
        if lufs is None:
            raise ValueError("cannot loudness-normalise silence (below the -70 LUFS gate)")
        if abs(lufs - goal) < 0.05:
            break
        y = _limit((y * 10 ** ((goal - lufs) / 20)).astype(np.float32), ceiling,
                   audio.sample_rate)
    return Audio(_limit(np.asarray(y, dtype=np.float32), ceiling, audio.sample_rate),
                 audio.sample_rate)


DITHER_SAMPLES = 1 << 20  # the dither table: 4 MB, 10.9 s of stereo at 48 kHz


@functools.lru_cache(maxsize=1)
def _dither_table() -> np.ndarray:
    """Triangular (TPDF) noise of +-1 LSB: the difference of two uniform variables."""
    rng = np.random.Generator(np.random.PCG64(0))
    u = rng.random((2, DITHER_SAMPLES), dtype=np.float32)
    return np.subtract(u[0], u[1])


def _tpdf(x: np.ndarray, offset: int | None) -> np.ndarray:
    """Quantise float samples to int16 with triangular (TPDF) dither of +-1 LSB.

    The dither is the table of :func:`_dither_table` read from ``offset`` (each block of an
    export starts at its own random offset; the table is ten seconds long, far beyond any
    audible repetition); ``offset=None`` rounds without dither. ``x.size`` must leave room:
    ``offset + x.size <= DITHER_SAMPLES``.
    """
    y = x * np.float32(32767.0)
    if offset is not None:
        y += _dither_table()[offset:offset + x.size].reshape(x.shape)
    np.rint(y, out=y)
    np.clip(y, -32768.0, 32767.0, out=y)
    return y.astype(np.int16)


def write(audio: Audio, path: str | os.PathLike[str], *, format: str | None = None,
          subtype: str | None = None, bit_depth: int | None = None,
          sample_rate: int | None = None, normalize: str | None = None,
          target: float | None = None, true_peak: float = -1.0, dither: bool = True,
          progress: Callable[[float], Any] | None = None) -> Path:
    """Write ``audio`` to ``path`` (wav, flac, ogg, mp3) atomically; returns the path.

    Parameters
    ----------
    format : str, optional
        ``"WAV"``, ``"FLAC"``, ``"OGG"`` or ``"MP3"``; by default from the extension.
    subtype, bit_depth : optional
        Sample format: ``bit_depth`` 16, 24 or 32 (float) or a soundfile ``subtype``
        (``"PCM_16"``, ``"PCM_24"``, ``"FLOAT"``...). Defaults: float WAV, 24-bit FLAC.
    sample_rate : int, optional
        Convert to this rate first (polyphase resampling).
    normalize : {"peak", "lufs", "ebu-r128", "streaming", "apple"}, optional
        See :func:`normalize`; ``target`` is dBTP for ``"peak"``, LUFS otherwise, and
        ``true_peak`` the ceiling in dBTP for the loudness modes.
    dither : bool
        TPDF dither when writing 16-bit PCM (on by default).
    progress : callable, optional
        Called with the fraction done (0..1); raising from it aborts and leaves no file.
    """
    if not isinstance(audio, Audio):
        raise TypeError(f"audio must be an Audio, got {type(audio).__name__}")
    target_path, fmt, sub = _check_write_args(path, format, subtype, bit_depth)
    if progress is not None and not callable(progress):
        raise TypeError(f"progress must be callable, got {type(progress).__name__}")
    if normalize is not None and normalize not in NORMALIZE:
        raise ValueError(f"normalize must be one of {', '.join(NORMALIZE)} or None, "
                         f"got {normalize!r}")
    rate = audio.sample_rate if sample_rate is None else sample_rate
    if fmt in LOSSY_RATES and rate not in LOSSY_RATES[fmt]:
        raise ValueError(f"{fmt} supports sample rates {LOSSY_RATES[fmt]}, got {rate}; "
                         f"pass sample_rate=48000")
    if audio.frames == 0:
        raise ValueError("audio has no frames: nothing to write")
    import soundfile as sf

    _progress(progress, 0.0)
    out = resample(audio, rate) if sample_rate is not None else audio
    _progress(progress, 0.1)
    if normalize is not None:
        out = normalize_audio(out, normalize, target, true_peak)
    _progress(progress, 0.3)
    data = out.samples
    total = data.shape[0]
    step = max(1, BLOCK_FRAMES * 2 // out.channels)  # about 256k samples a block
    starts = range(0, total, step)  # block by block: cache-friendly

    def encode(k: int) -> np.ndarray:
        block: np.ndarray = data[starts[k]:starts[k] + step]
        if sub == "PCM_16":  # each block its own dither offset: the same export, the same file
            room = DITHER_SAMPLES - block.size
            offset = int(np.random.default_rng([0, k]).integers(0, room)) if dither else None
            return _tpdf(block, offset)
        if sub != "FLOAT":
            return np.clip(block, -1.0, 1.0)
        return block

    # Blocks are encoded in worker threads (NumPy releases the GIL) while this one writes.
    with atomic_path(target_path) as tmp, contextlib.ExitStack() as stack:
        pool = stack.enter_context(ThreadPoolExecutor(min(2, cpu_threads())))
        if fmt == "WAV" and sub == "PCM_16" and data.size * 2 < 1 << 32:
            # Plain 16-bit WAV: the encoded blocks are the file's bytes, written as they are
            # (libsndfile converts frame by frame, twice the time of the whole export).
            raw = stack.enter_context(open(tmp, "wb"))
            raw.write(wav_header(total, out.channels, out.sample_rate))

            def put(block: np.ndarray) -> None:
                raw.write(np.ascontiguousarray(block, dtype="<i2").data)
        else:
            put = stack.enter_context(sf.SoundFile(
                tmp, "w", samplerate=out.sample_rate, channels=out.channels, format=fmt,
                subtype=sub)).write
        for k, block in enumerate(pool.map(encode, range(len(starts)))):
            put(block)
            _progress(progress, 0.3 + 0.7 * min(total, starts[k] + step) / total)
    return target_path


def wav_header(frames: int, channels: int, sample_rate: int) -> bytes:
    """The 44-byte RIFF/WAVE header of a 16-bit PCM file (little-endian, as WAV is).

    >>> h = wav_header(48000, 2, 48000)
    >>> len(h), h[:4], h[8:16], int.from_bytes(h[40:44], "little")
    (44, b'RIFF', b'WAVEfmt ', 192000)
    """
    size = frames * channels * 2
    fmt = struct.pack("<IHHIIHH", 16, 1, channels, sample_rate, sample_rate * channels * 2,
                      channels * 2, 16)
    return b"RIFF" + struct.pack("<I", 36 + size) + b"WAVEfmt " + fmt + b"data" + struct.pack(
        "<I", size)


normalize_audio = normalize


def read_audio(path: str | os.PathLike[str]) -> Audio:
    """Read a wav, flac, ogg, mp3 (anything libsndfile reads) into float32 :class:`Audio`.

    Raises ``FileNotFoundError`` for a missing file and ``ValueError`` naming the file when it
    is not readable audio.
    """
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}")
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"audio file {str(p)!r} does not exist")
    import soundfile as sf

    try:
        data, rate = sf.read(p, dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError, TypeError) as exc:
        raise ValueError(f"{str(p)!r} is not a readable audio file: {exc}") from None
    if data.shape[0] == 0:
        raise ValueError(f"{str(p)!r} holds no audio frames")
    return Audio(data, int(rate))


def info(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Format, subtype, sample rate, channels and frames of an audio file (no decoding)."""
    import soundfile as sf

    try:
        i = sf.info(str(path))
    except (sf.LibsndfileError, RuntimeError) as exc:
        raise ValueError(f"{str(path)!r} is not a readable audio file: {exc}") from None
    return {"format": i.format, "subtype": i.subtype, "sample_rate": i.samplerate,
            "channels": i.channels, "frames": i.frames}

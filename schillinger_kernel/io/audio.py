"""Audio files: encode an :class:`~schillinger_kernel.audio.Audio` to wav, flac, ogg or mp3,
and decode audio files back.

Encoding and decoding only: ``write`` asks :mod:`schillinger_kernel.dsp.mastering` to convert
the sample rate, normalise (by true peak, or by integrated loudness with a true-peak ceiling)
and quantise with TPDF dither when reducing to 16 bits; then it writes atomically (a temporary
file renamed into place), reporting progress through a callback. A normalised lossy export
(OGG, MP3) is decoded again and measured: where the codec pushed its true peak over the
ceiling, it is normalised under a ceiling lowered by the excess and encoded again.
``resample``, ``normalize`` and the presets are re-exported from ``dsp`` so old imports keep
working.

Examples
--------
>>> import numpy as np, tempfile, pathlib
>>> from schillinger_kernel.audio import Audio
>>> t = np.arange(4800) / 48000
>>> tone = Audio(np.stack([np.sin(2 * np.pi * 440 * t)] * 2, axis=1) * 0.5, 48000)
>>> p = write(tone, pathlib.Path(tempfile.mkdtemp()) / "a.wav", bit_depth=16, normalize="peak")
>>> back = read_audio(p)
>>> back.sample_rate, back.channels, round(back.peak, 2)
(48000, 2, 0.87)
>>> info(p)["subtype"]
'PCM_16'
"""

from __future__ import annotations

import collections
import contextlib
import os
import struct
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from ..audio import Audio
from ..dsp.mastering import (
    DITHER_SAMPLES,
    NORMALIZE,
    PRESETS,
    normalize,
    promised_peak,
    quantize_int16,
    resample,
)
from ..dsp.peaks import true_peak_db
from ..dsp.threads import cpu_threads
from ..errors import ParameterError, ParameterTypeError
from .atomic import atomic_path, check_target

__all__ = ["BIT_DEPTHS", "DEFAULT_SUBTYPE", "DITHER_SAMPLES", "FORMATS", "LOSSY_RATES",
           "NORMALIZE", "PRESETS", "SUBTYPES", "info", "normalize", "normalize_audio",
           "read_audio", "resample", "wav_header", "write"]

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
BLOCK_FRAMES = 1 << 17  # frames per encoded block of a stereo export (measured best)
LOSSY_TRIES = 4  # encodes of a normalised lossy export at most (measured: two suffice)
LOSSY_SLACK_DB = 0.1  # a decoded lossy file may read this close under its ceiling
# ``write`` has a parameter called ``normalize``, which hides the function inside it.
normalize_audio = normalize


def _progress(cb: Callable[[float], Any] | None, value: float) -> None:
    if cb is not None:
        cb(min(1.0, max(0.0, value)))


def _check_write_args(path: str | os.PathLike[str], format: str | None, subtype: str | None,
                      bit_depth: int | None) -> tuple[Path, str, str]:
    if format is None:
        if not isinstance(path, str | os.PathLike):
            raise ParameterTypeError(
                f"path must be a str or os.PathLike, got {type(path).__name__}", field="path")
        suffix = Path(path).suffix.lower()
        if suffix not in FORMATS:
            raise ParameterError(
                f"path {str(path)!r}: unknown audio format {suffix or '(none)'!r}; "
                f"allowed: {', '.join(FORMATS)}", field="path")
        fmt = FORMATS[suffix]
    else:
        fmt = str(format).upper()
        if fmt not in SUBTYPES:
            raise ParameterError(f"format must be one of {', '.join(SUBTYPES)}, got {format!r}",
                                 field="format")
    target = check_target(path)
    if bit_depth is not None:
        if bit_depth not in BIT_DEPTHS:
            raise ParameterError(f"bit_depth must be 16, 24 or 32 (float), got {bit_depth!r}",
                                 field="bit_depth")
        if subtype is not None and subtype != BIT_DEPTHS[bit_depth]:
            raise ParameterError(f"bit_depth={bit_depth} contradicts subtype={subtype!r}",
                                 field="bit_depth")
        subtype = BIT_DEPTHS[bit_depth]
        if fmt in ("OGG", "MP3"):
            raise ParameterError(f"bit_depth does not apply to lossy {fmt}; leave it out",
                                 field="bit_depth")
    sub = (subtype or DEFAULT_SUBTYPE[fmt]).upper()
    if sub not in SUBTYPES[fmt]:
        raise ParameterError(f"subtype {sub!r} is not available for {fmt}; "
                             f"allowed: {', '.join(SUBTYPES[fmt])}", field="subtype")
    return target, fmt, sub


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
        raise ParameterTypeError(f"audio must be an Audio, got {type(audio).__name__}",
                                 field="audio")
    target_path, fmt, sub = _check_write_args(path, format, subtype, bit_depth)
    if progress is not None and not callable(progress):
        raise ParameterTypeError(f"progress must be callable, got {type(progress).__name__}",
                                 field="progress")
    if normalize is not None and normalize not in NORMALIZE:
        raise ParameterError(f"normalize must be one of {', '.join(NORMALIZE)} or None, "
                             f"got {normalize!r}", field="normalize")
    rate = audio.sample_rate if sample_rate is None else sample_rate
    if fmt in LOSSY_RATES and rate not in LOSSY_RATES[fmt]:
        raise ParameterError(f"{fmt} supports sample rates {LOSSY_RATES[fmt]}, got {rate}; "
                             f"pass sample_rate=48000", field="sample_rate")
    if audio.frames == 0:
        raise ParameterError("audio has no frames: nothing to write", field="audio")
    _progress(progress, 0.0)
    out = resample(audio, rate) if sample_rate is not None else audio
    _progress(progress, 0.1)
    lossy = fmt in ("OGG", "MP3")
    with atomic_path(target_path) as tmp:
        if normalize is None:
            _progress(progress, 0.3)
            _encode(out, tmp, fmt, sub, dither, progress, 0.3, 1.0)
            return target_path
        ceiling = promised_peak(normalize, target, true_peak)
        goal, peak = target, true_peak
        for attempt in range(LOSSY_TRIES if lossy else 1):
            done = normalize_audio(out, normalize, goal, peak)
            _progress(progress, 0.3 if attempt == 0 else 0.9)
            _encode(done, tmp, fmt, sub, dither, progress if attempt == 0 else None, 0.3,
                    0.8 if lossy else 1.0)
            if not lossy:  # the file holds these samples (to an LSB of dither)
                break
            # A lossy codec reshapes the waveform: measure what a player will decode and,
            # when it passes the ceiling, normalise again under a ceiling lowered by the excess.
            over = true_peak_db(read_audio(tmp)) - (ceiling - LOSSY_SLACK_DB)
            if over <= 0:
                break
            if normalize == "peak":
                goal = max(-70.0, promised_peak("peak", goal) - over - 0.05)
            else:
                peak = max(-70.0, promised_peak(normalize, goal, peak) - over - 0.05)
        _progress(progress, 1.0)
    return target_path


def _encode(out: Audio, tmp: Path, fmt: str, sub: str, dither: bool,
            progress: Callable[[float], Any] | None, p0: float, p1: float) -> None:
    """Encode ``out`` into ``tmp`` block by block, reporting progress from ``p0`` to ``p1``."""
    import soundfile as sf

    data = out.samples
    total, channels = data.shape
    step = max(1, BLOCK_FRAMES * 2 // channels)  # about 256k samples a block
    starts = range(0, total, step)  # block by block: cache-friendly
    pcm16 = sub == "PCM_16"
    # Each block its own dither offset, all drawn from one seeded generator: the same
    # export, the same file.
    offsets = (np.random.default_rng(0).integers(0, DITHER_SAMPLES - step * channels + 1,
                                                 len(starts)).tolist()
               if pcm16 and dither else [None] * len(starts))
    workers = min(2, cpu_threads())
    # Blocks are encoded at most ``window`` ahead of the one being written, into buffers
    # reused round robin (block ``k`` into slot ``k % window``, free again once block
    # ``k`` is written), each thread with its own float scratch: fresh arrays cost a page
    # fault per 4 kB, as much as the arithmetic.
    window = min(len(starts), workers + 2)
    slots = [np.empty((step, channels), dtype=np.int16) for _ in range(window)] if pcm16 else []
    scratch = threading.local()

    def encode(k: int) -> np.ndarray:
        block: np.ndarray = data[starts[k]:starts[k] + step]
        if pcm16:
            work = getattr(scratch, "work", None)
            if work is None:
                work = scratch.work = np.empty((step, channels), dtype=np.float32)
            rows = block.shape[0]
            return quantize_int16(block, offsets[k], out=slots[k % window][:rows],
                                  work=work[:rows])
        if sub != "FLOAT":
            return np.clip(block, -1.0, 1.0)
        return block

    # Blocks are encoded in worker threads (NumPy releases the GIL) while this one writes.
    with contextlib.ExitStack() as stack:
        pool = stack.enter_context(ThreadPoolExecutor(workers))
        if fmt == "WAV" and pcm16 and data.size * 2 < 1 << 32:
            # Plain 16-bit WAV: the encoded blocks are the file's bytes, written as they are
            # (libsndfile converts frame by frame, twice the time of the whole export).
            raw = stack.enter_context(open(tmp, "wb"))
            raw.write(wav_header(total, channels, out.sample_rate))

            def put(block: np.ndarray) -> None:
                raw.write(np.ascontiguousarray(block, dtype="<i2").data)
        else:
            put = stack.enter_context(sf.SoundFile(
                tmp, "w", samplerate=out.sample_rate, channels=channels, format=fmt,
                subtype=sub)).write
        pending = collections.deque(pool.submit(encode, k) for k in range(window))
        for k in range(len(starts)):
            put(pending.popleft().result())
            if k + window < len(starts):  # block k's slot is free now
                pending.append(pool.submit(encode, k + window))
            _progress(progress, p0 + (p1 - p0) * min(total, starts[k] + step) / total)


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


def read_audio(path: str | os.PathLike[str]) -> Audio:
    """Read a wav, flac, ogg, mp3 (anything libsndfile reads) into float32 :class:`Audio`.

    Raises ``FileNotFoundError`` for a missing file and ``ValueError`` naming the file when it
    is not readable audio.
    """
    if not isinstance(path, str | os.PathLike):
        raise ParameterTypeError(
            f"path must be a str or os.PathLike, got {type(path).__name__}", field="path")
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"audio file {str(p)!r} does not exist")
    import soundfile as sf

    try:
        data, rate = sf.read(p, dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError, TypeError) as exc:
        raise ParameterError(f"{str(p)!r} is not a readable audio file: {exc}",
                             field="path") from None
    if data.shape[0] == 0:
        raise ParameterError(f"{str(p)!r} holds no audio frames", field="path")
    return Audio(data, int(rate))


def info(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Format, subtype, sample rate, channels and frames of an audio file (no decoding)."""
    import soundfile as sf

    try:
        i = sf.info(str(path))
    except (sf.LibsndfileError, RuntimeError) as exc:
        raise ParameterError(f"{str(path)!r} is not a readable audio file: {exc}",
                             field="path") from None
    return {"format": i.format, "subtype": i.subtype, "sample_rate": i.samplerate,
            "channels": i.channels, "frames": i.frames}

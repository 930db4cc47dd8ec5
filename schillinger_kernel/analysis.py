"""Listening with numbers: the quality report and audio features.

* :func:`quality` (``sk.quality``, the seed's ``assess_quality``): the report a mastering
  engineer asks for, with a list of violations against targets such as ``"ebu-r128"``.
* :func:`analyze` (``sk.analyze_audio``): duration, tempo and beats, chroma, RMS, spectral
  centroid and zero-crossing rate via librosa.

The meters the report reads live in :mod:`schillinger_kernel.dsp` (export normalisation reads
them too) and are re-exported here: :func:`integrated_loudness` and :func:`loudness_range`
(BS.1770-4, EBU Tech 3342), :func:`true_peak_db` and :func:`oversampled_peaks`,
:func:`k_weighting` and :func:`k_filter`.

Examples
--------
>>> import numpy as np
>>> from schillinger_kernel.audio import Audio
>>> t = np.arange(48000 * 3) / 48000
>>> tone = Audio(np.stack([0.1 * np.sin(2 * np.pi * 997 * t)] * 2, axis=1), 48000)
>>> round(integrated_loudness(tone), 1)  # a -20 dBFS stereo sine at 997 Hz
-20.0
>>> report = quality(tone, targets="ebu-r128")
>>> report["violations"]
['integrated loudness -20.0 LUFS is outside -23.0 +- 1.0 LU']
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from typing import Any

import numpy as np

from .audio import Audio
from .checks import check_int
from .dsp.loudness import (
    ABS_GATE,
    check_audio,
    integrated_loudness,
    k_filter,
    k_weighting,
    loudness_range,
)
from .dsp.peaks import oversampled_peaks, true_peak_db
from .errors import ParameterError, ParameterTypeError
from .pitch import NOTE_NAMES

__all__ = ["ABS_GATE", "CLIP_LEVEL", "DEFAULT_TARGETS", "PITCH_CLASSES", "TARGET_KEYS",
           "TARGET_PRESETS", "analyze", "integrated_loudness", "k_filter", "k_weighting",
           "loudness_range", "oversampled_peaks", "quality", "true_peak_db"]

TARGET_PRESETS: dict[str, dict[str, float]] = {
    "ebu-r128": {"integrated_lufs": -23.0, "lufs_tolerance": 1.0, "true_peak_dbtp": -1.0},
    "streaming": {"integrated_lufs": -14.0, "lufs_tolerance": 1.0, "true_peak_dbtp": -1.0},
    "apple": {"integrated_lufs": -16.0, "lufs_tolerance": 1.0, "true_peak_dbtp": -1.0},
}
DEFAULT_TARGETS: dict[str, float] = {"true_peak_dbtp": -1.0, "max_clipped_samples": 0,
                                     "max_dc_offset": 0.005, "min_stereo_correlation": -0.2}
TARGET_KEYS = ("integrated_lufs", "lufs_tolerance", "true_peak_dbtp", "max_clipped_samples",
               "max_dc_offset", "min_stereo_correlation", "max_loudness_range")
CLIP_LEVEL = 0.9999


def _targets(targets: str | Mapping[str, float] | None) -> dict[str, float]:
    if targets is None:
        return dict(DEFAULT_TARGETS)
    if isinstance(targets, str):
        if targets not in TARGET_PRESETS:
            raise ParameterError(f"targets must be one of {', '.join(TARGET_PRESETS)} or a "
                                 f"mapping, got {targets!r}", field="targets")
        return {**DEFAULT_TARGETS, **TARGET_PRESETS[targets]}
    if not isinstance(targets, Mapping):
        raise ParameterTypeError(f"targets must be a preset name or a mapping, got "
                                 f"{type(targets).__name__}", field="targets")
    out = dict(DEFAULT_TARGETS)
    for k, v in targets.items():
        if k not in TARGET_KEYS:
            raise ParameterError(f"targets: unknown key {k!r}; allowed: "
                                 f"{', '.join(TARGET_KEYS)}", field="targets")
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise ParameterError(f"targets[{k!r}] must be a finite number, got {v!r}",
                                 field="targets")
        out[k] = float(v)
    return out


def _db(x: float) -> float:
    return 20 * math.log10(x) if x > 0 else float("-inf")


def _num(x: float | None) -> float | None:
    return None if x is None or not math.isfinite(x) else round(float(x), 3)


def quality(audio: Audio, targets: str | Mapping[str, float] | None = None) -> dict[str, Any]:
    """Quality report of ``audio``: loudness, peaks, clipping, DC, stereo image, violations.

    ``targets``: ``"ebu-r128"``, ``"streaming"``, ``"apple"`` or a mapping with any of
    ``integrated_lufs``, ``lufs_tolerance``, ``true_peak_dbtp`` (a ceiling),
    ``max_clipped_samples``, ``max_dc_offset``, ``min_stereo_correlation``,
    ``max_loudness_range``. Without targets: -1 dBTP, no clipping, small DC, sane stereo.
    Levels of silence are reported as ``None``.
    """
    check_audio(audio)
    t = _targets(targets)
    x = audio.samples.astype(np.float64)
    lufs, lra, tp = integrated_loudness(audio), loudness_range(audio), true_peak_db(audio)
    peak = float(np.max(np.abs(x))) if x.size else 0.0
    rms = float(np.sqrt(np.mean(x * x))) if x.size else 0.0
    dc = float(np.max(np.abs(x.mean(axis=0)))) if x.size else 0.0
    clipped = int(np.count_nonzero(np.abs(x) >= CLIP_LEVEL))
    corr = None
    if audio.channels == 2:
        den = math.sqrt(float(np.sum(x[:, 0] ** 2)) * float(np.sum(x[:, 1] ** 2)))
        corr = float(np.sum(x[:, 0] * x[:, 1]) / den) if den > 0 else None
    report: dict[str, Any] = {
        "integrated_lufs": _num(lufs), "loudness_range_lu": _num(lra),
        "sample_peak_dbfs": _num(_db(peak)), "true_peak_dbtp": _num(tp),
        "clipped_samples": clipped, "dc_offset": round(dc, 6),
        "stereo_correlation": _num(corr), "crest_factor_db": _num(_db(peak / rms) if rms else None),
        "rms_dbfs": _num(_db(rms)), "duration_s": round(audio.duration, 3),
        "sample_rate": audio.sample_rate, "channels": audio.channels, "targets": t,
    }
    v: list[str] = []
    if lufs is None:
        v.append("silent: no block above the -70 LUFS gate")
    if "integrated_lufs" in t and lufs is not None:
        tol = t.get("lufs_tolerance", 1.0)
        if abs(lufs - t["integrated_lufs"]) > tol:
            v.append(f"integrated loudness {lufs:.1f} LUFS is outside "
                     f"{t['integrated_lufs']:.1f} +- {tol:.1f} LU")
    if "true_peak_dbtp" in t and math.isfinite(tp) and tp > t["true_peak_dbtp"]:
        v.append(f"true peak {tp:.2f} dBTP is above the {t['true_peak_dbtp']:.1f} dBTP ceiling")
    if clipped > t.get("max_clipped_samples", 0):
        v.append(f"{clipped} clipped samples (|x| >= {CLIP_LEVEL})")
    if dc > t.get("max_dc_offset", 1.0):
        v.append(f"DC offset {dc:.4f} is above {t['max_dc_offset']}")
    if corr is not None and corr < t.get("min_stereo_correlation", -1.0):
        v.append(f"stereo correlation {corr:.2f} is below {t['min_stereo_correlation']} "
                 f"(phase problems, poor mono compatibility)")
    if "max_loudness_range" in t and lra is not None and lra > t["max_loudness_range"]:
        v.append(f"loudness range {lra:.1f} LU is above {t['max_loudness_range']:.1f} LU")
    report["violations"] = v
    return report


PITCH_CLASSES = NOTE_NAMES  # chroma bins are named by the one pitch vocabulary


def analyze(audio_or_path: Audio | str | os.PathLike[str], hop_length: int = 512
            ) -> dict[str, Any]:
    """Audio features via librosa: duration, tempo and beats, chroma, RMS, centroid, ZCR.

    Accepts an :class:`Audio` or the path of an audio file (a clear ``ValueError`` names a
    file that is not readable audio). Channels are averaged to mono first.
    """
    if isinstance(audio_or_path, str | os.PathLike):
        # The one sideways import, lazy: reading a file is io's job, and sk.analyze_audio(path)
        # is public. Callers that hold an Audio (the server) pass it and never load io here.
        from .io.audio import read_audio

        audio = read_audio(audio_or_path)
    elif isinstance(audio_or_path, Audio):
        audio = audio_or_path
    else:
        raise ParameterTypeError(f"analyze expects an Audio or a path, got "
                                 f"{type(audio_or_path).__name__}", field="audio_or_path")
    check_int("hop_length", hop_length, 32, 8192)
    import librosa

    y, sr = audio.mono(), audio.sample_rate
    if y.shape[0] < 2048:
        raise ParameterError(f"audio is too short to analyse ({audio.duration:.3f} s; need "
                             f"2048 frames, about {2048 / sr:.2f} s)", field="audio_or_path")
    tempo, beats = librosa.beat.beat_track(y=y, sr=sr, hop_length=hop_length)
    chroma = librosa.feature.chroma_stft(y=y, sr=sr, hop_length=hop_length).mean(axis=1)
    rms = librosa.feature.rms(y=y, hop_length=hop_length)[0]
    centroid = librosa.feature.spectral_centroid(y=y, sr=sr, hop_length=hop_length)[0]
    zcr = librosa.feature.zero_crossing_rate(y, hop_length=hop_length)[0]
    top = float(chroma.max()) or 1.0
    return {
        "duration_s": round(audio.duration, 3), "sample_rate": sr,
        "tempo_bpm": round(float(np.atleast_1d(tempo)[0]), 2),
        "beats_s": [round(float(b), 4) for b in librosa.frames_to_time(beats, sr=sr,
                                                                         hop_length=hop_length)],
        "chroma": {pc: round(float(c) / top, 4) for pc, c in zip(PITCH_CLASSES, chroma,
                                                                 strict=True)},
        "dominant_pitch_class": PITCH_CLASSES[int(np.argmax(chroma))],
        "rms_mean": round(float(rms.mean()), 6), "rms_max": round(float(rms.max()), 6),
        "spectral_centroid_hz": round(float(centroid.mean()), 2),
        "zero_crossing_rate": round(float(zcr.mean()), 6),
    }

"""The quality report and the feature analysis at their edges: every field's value worked by
hand from the signal (a sine of amplitude A peaks at 20 log10 A dBFS, its RMS is A/sqrt 2, its
crest factor 3.01 dB), every violation's exact sentence, both sides of every threshold, the
presets' numbers as the standards publish them (EBU R 128: -23 LUFS +- 1 LU and -1 dBTP;
the streaming services' -14 LUFS; Apple's -16 LUFS), and the argument checks.

Written against the mutants that survived ``mutmut`` on ``analysis.py`` with
``tests/test_analysis.py``; see ``bench/mutation.py``. The librosa features are compared with
librosa called directly on the same samples and parameters.

Survivors judged equivalent: ``float("-INF")`` for ``float("-inf")`` (Python reads both);
the ``t.get(key, default)`` fallbacks of ``max_clipped_samples``, ``max_dc_offset`` and
``min_stereo_correlation`` (``_targets`` always starts from ``DEFAULT_TARGETS``, which holds
all three, so a fallback is never read); ``astype(None)`` for ``astype(np.float64)``
(NumPy's default dtype is float64); ``chroma.max() or 2.0`` for ``or 1.0`` (the fallback
is read only for a chroma of all zeros, which librosa does not return for audio past the
length check); ``zip(..., strict=None)`` (always 12 bins on both sides);
``zip``'s ``strict`` dropped or ``False`` (the same 12 bins);
``|x| > CLIP_LEVEL`` for ``>=`` (samples are float32 and no float32 equals 0.9999: the
neighbours are 0.99989998 and 0.99990004, so the comparison never meets equality);
``sqrt(mean(x * x)) if x.size or True`` (NumPy's mean of no samples is NaN, which ``_db``
turns into ``None`` as the 0.0 would). Left open: ``analyze``'s ``duration_s`` and ``beats_s``
rounded to one more decimal (4 and 5 places) pass, since every duration and beat time here
is already exact to 3 and 4 places.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from schillinger_kernel.analysis import (
    CLIP_LEVEL,
    DEFAULT_TARGETS,
    TARGET_KEYS,
    TARGET_PRESETS,
    analyze,
    integrated_loudness,
    loudness_range,
    quality,
    true_peak_db,
)
from schillinger_kernel.audio import Audio
from schillinger_kernel.errors import ParameterError, ParameterTypeError

SR = 48000


def sine(amplitude: float, seconds: float = 4.0, freq: float = 997.0, channels: int = 2,
         sr: int = SR) -> np.ndarray:
    t = np.arange(int(seconds * sr)) / sr
    y = amplitude * np.sin(2 * np.pi * freq * t)
    return np.repeat(y[:, None], channels, axis=1)


def test_a_sine_reads_as_worked_by_hand() -> None:
    r = quality(Audio(sine(0.5), SR))
    peak_db = 20 * math.log10(0.5)  # -6.021
    rms_db = 20 * math.log10(0.5 / math.sqrt(2))  # -9.031
    assert r["sample_peak_dbfs"] == round(peak_db, 3)
    assert r["rms_dbfs"] == round(rms_db, 3)
    assert r["crest_factor_db"] == round(peak_db - rms_db, 3) == 3.01
    # BS.1770's -0.691 offsets the K-weighting's gain at 997 Hz, so two channels of
    # -9.03 dB RMS sum to -6.02 LUFS
    assert r["integrated_lufs"] == pytest.approx(rms_db + 10 * math.log10(2), abs=0.01)
    assert r["true_peak_dbtp"] == pytest.approx(peak_db, abs=0.01)
    assert r["loudness_range_lu"] == 0.0
    assert r["stereo_correlation"] == 1.0 and r["dc_offset"] == 0.0
    assert r["clipped_samples"] == 0
    assert (r["duration_s"], r["sample_rate"], r["channels"]) == (4.0, SR, 2)
    assert r["targets"] == DEFAULT_TARGETS == {"true_peak_dbtp": -1.0, "max_clipped_samples": 0,
                                               "max_dc_offset": 0.005,
                                               "min_stereo_correlation": -0.2}
    assert r["violations"] == []
    # values are rounded to 3 decimals, the DC offset to 6
    x = sine(0.5) + 0.0012345678
    assert quality(Audio(x, SR))["dc_offset"] == 0.001235


def test_mono_and_a_silent_channel_have_no_correlation() -> None:
    mono = quality(Audio(sine(0.5, channels=1), SR))
    assert mono["stereo_correlation"] is None and mono["channels"] == 1
    # one channel of the pair: 3 dB less loudness, the same peak, 3 dB less RMS
    assert mono["integrated_lufs"] == pytest.approx(-9.03, abs=0.01)
    half = sine(0.5)
    half[:, 1] = 0.0
    r = quality(Audio(half, SR))
    assert r["stereo_correlation"] is None  # nothing to correlate with
    assert r["rms_dbfs"] == round(20 * math.log10(0.5 / math.sqrt(2)) - 10 * math.log10(2), 3)
    assert r["crest_factor_db"] == round(10 * math.log10(2) + 20 * math.log10(math.sqrt(2)), 3)


def test_a_partly_correlated_pair() -> None:
    x = sine(0.5)
    t = np.arange(x.shape[0]) / SR
    x[:, 1] = 0.5 * np.sin(2 * np.pi * 997 * t + math.pi / 3)  # cos(60 deg) = 0.5
    assert quality(Audio(x, SR))["stereo_correlation"] == pytest.approx(0.5, abs=1e-3)
    x[:, 1] = -x[:, 0]
    assert quality(Audio(x, SR))["stereo_correlation"] == -1.0


def test_unequal_and_quiet_pairs_correlate_fully() -> None:
    x = sine(0.5)
    x[:, 1] *= 0.5  # the same wave 6 dB down on the right: still fully correlated
    assert quality(Audio(x, SR))["stereo_correlation"] == 1.0
    quiet = sine(0.001)  # energies far below 1: the correlation is still measured
    assert quality(Audio(quiet, SR))["stereo_correlation"] == 1.0


def test_duration_to_the_millisecond() -> None:
    assert quality(Audio(np.zeros((12345, 1)), 8000))["duration_s"] == 1.543  # 1.543125 s
    assert quality(Audio(np.zeros((8004, 1)), 8000))["duration_s"] == 1.0  # 1.0005 s


def test_no_frames_at_all() -> None:
    r = quality(Audio(np.zeros((0, 2)), SR))
    assert (r["sample_peak_dbfs"], r["rms_dbfs"], r["crest_factor_db"]) == (None, None, None)
    assert (r["dc_offset"], r["clipped_samples"], r["duration_s"]) == (0.0, 0, 0.0)
    assert r["violations"] == ["silent: no block above the -70 LUFS gate"]


def test_silence_reports_none_for_every_level() -> None:
    r = quality(Audio(np.zeros((SR, 2)), SR))
    for key in ("integrated_lufs", "loudness_range_lu", "sample_peak_dbfs", "true_peak_dbtp",
                "stereo_correlation", "crest_factor_db", "rms_dbfs"):
        assert r[key] is None, key
    assert r["violations"] == ["silent: no block above the -70 LUFS gate"]
    assert r["clipped_samples"] == 0 and r["dc_offset"] == 0.0


@pytest.mark.parametrize(("name", "lufs"), [("ebu-r128", -23.0), ("streaming", -14.0),
                                             ("apple", -16.0)])
def test_the_presets_are_the_published_targets(name: str, lufs: float) -> None:
    assert TARGET_PRESETS[name] == {"integrated_lufs": lufs, "lufs_tolerance": 1.0,
                                    "true_peak_dbtp": -1.0}
    a = Audio(sine(0.5), SR)  # -6.02 LUFS: louder than every preset
    r = quality(a, targets=name)
    assert r["targets"] == {**DEFAULT_TARGETS, "integrated_lufs": lufs, "lufs_tolerance": 1.0}
    got = integrated_loudness(a)
    assert got is not None
    assert r["violations"] == [f"integrated loudness {got:.1f} LUFS is outside {lufs:.1f} "
                               "+- 1.0 LU"]
    # a tone at the target passes; one 1.5 LU off does not
    gain = 10 ** ((lufs - got) / 20)
    assert quality(Audio(sine(0.5 * gain), SR), targets=name)["violations"] == []
    off = 10 ** ((lufs - 1.5 - got) / 20)
    assert quality(Audio(sine(0.5 * off), SR), targets=name)["violations"][0].startswith(
        "integrated loudness")


def test_the_loudness_window_includes_its_edges_and_defaults_to_one_lu() -> None:
    a = Audio(sine(0.5), SR)
    got = integrated_loudness(a)
    assert got is not None
    for target in (got + 1.0, got - 1.0):
        tol = abs(got - target)  # exactly the distance: inside the window
        assert quality(a, {"integrated_lufs": target, "lufs_tolerance": tol})["violations"] == []
        assert quality(a, {"integrated_lufs": target,
                           "lufs_tolerance": tol * 0.999})["violations"] == [
            f"integrated loudness {got:.1f} LUFS is outside {target:.1f} +- "
            f"{tol * 0.999:.1f} LU"]
    # no tolerance given: 1 LU
    assert quality(a, {"integrated_lufs": got + 0.9})["violations"] == []
    assert quality(a, {"integrated_lufs": got + 1.1})["violations"] == [
        f"integrated loudness {got:.1f} LUFS is outside {got + 1.1:.1f} +- 1.0 LU"]


def test_the_true_peak_ceiling_is_inclusive() -> None:
    a = Audio(sine(0.5), SR)
    tp = true_peak_db(a)
    assert quality(a, {"true_peak_dbtp": tp})["violations"] == []
    assert quality(a, {"true_peak_dbtp": tp - 0.01})["violations"] == [
        f"true peak {tp:.2f} dBTP is above the {tp - 0.01:.1f} dBTP ceiling"]
    # the default ceiling is -1 dBTP: a full-scale sine breaks it, one at -1.5 dB does not
    assert quality(Audio(sine(10 ** (-1.5 / 20)), SR))["violations"] == []
    loud = quality(Audio(sine(10 ** (-0.5 / 20)), SR))["violations"]
    assert loud == [f"true peak {true_peak_db(Audio(sine(10 ** (-0.5 / 20)), SR)):.2f} dBTP "
                    "is above the -1.0 dBTP ceiling"]


def test_clipping_counts_samples_at_the_level_and_allows_the_given_number() -> None:
    x = sine(0.25)
    x[:7, 0] = 1.0
    x[7:10, 1] = -0.99995  # at or past CLIP_LEVEL in magnitude counts
    x[10:20, 1] = 0.9998  # below it does not
    a = Audio(x, SR)
    r = quality(a, {"true_peak_dbtp": 10.0})
    assert r["clipped_samples"] == 10
    assert r["violations"] == [f"10 clipped samples (|x| >= {CLIP_LEVEL})"]
    assert CLIP_LEVEL == 0.9999
    assert quality(a, {"true_peak_dbtp": 10.0, "max_clipped_samples": 10})["violations"] == []
    assert quality(a, {"true_peak_dbtp": 10.0, "max_clipped_samples": 9})["violations"] == [
        "10 clipped samples (|x| >= 0.9999)"]


def test_dc_offset_is_the_largest_channel_mean() -> None:
    x = sine(0.25)
    x[:, 0] += 0.004
    x[:, 1] -= 0.02
    r = quality(Audio(x, SR))
    assert r["dc_offset"] == pytest.approx(0.02, abs=1e-6)
    assert r["violations"] == [f"DC offset {r['dc_offset']:.4f} is above 0.005"]
    assert quality(Audio(x, SR), {"max_dc_offset": 0.021})["violations"] == []
    a = Audio(x, SR)
    exact = float(np.abs(a.samples.astype(np.float64)[:, 1].mean()))  # the right channel's
    assert quality(a, {"max_dc_offset": exact})["violations"] == []  # at the limit: allowed
    x[:, 1] += 0.02 - 0.004  # both at 0.004: below the default 0.005
    assert quality(Audio(x, SR))["violations"] == []


def test_stereo_correlation_below_the_floor() -> None:
    x = sine(0.25)
    x[:, 1] = -x[:, 0]
    r = quality(Audio(x, SR))
    assert r["violations"] == ["stereo correlation -1.00 is below -0.2 (phase problems, poor "
                               "mono compatibility)"]
    assert quality(Audio(x, SR), {"min_stereo_correlation": -1.0})["violations"] == []
    assert quality(Audio(x, SR), {"min_stereo_correlation": -0.99})["violations"] == [
        "stereo correlation -1.00 is below -0.99 (phase problems, poor mono compatibility)"]


def test_loudness_range_target_only_when_asked() -> None:
    # 4 s loud then 4 s 12 dB quieter: a range near 12 LU
    x = np.concatenate([sine(0.5), sine(0.5 * 10 ** (-12 / 20))])
    a = Audio(x, SR)
    lra = loudness_range(a)
    assert lra is not None and 10.0 < lra < 12.5
    assert quality(a)["violations"] == []
    assert quality(a, {"max_loudness_range": lra})["violations"] == []
    assert quality(a, {"max_loudness_range": 5.0})["violations"] == [
        f"loudness range {lra:.1f} LU is above 5.0 LU"]


def test_violations_come_in_a_fixed_order() -> None:
    x = sine(0.5)
    x[:, 1] = -x[:, 0]
    x[:100] = 1.0
    x += 0.02
    text = quality(Audio(x, SR), targets="streaming")["violations"]
    assert [v.split()[0] for v in text] == ["integrated", "true", "200", "DC", "stereo"]


@pytest.mark.parametrize(("targets", "error", "message"), [
    ("cinema", ParameterError, "targets must be one of ebu-r128, streaming, apple or a mapping, "
                               "got 'cinema'"),
    (["ebu-r128"], ParameterTypeError, "targets must be a preset name or a mapping, got list"),
    ({"loudness": -14}, ParameterError, "targets: unknown key 'loudness'; allowed: "
                                        + ", ".join(TARGET_KEYS)),
    ({"integrated_lufs": float("nan")}, ParameterError,
     "targets['integrated_lufs'] must be a finite number, got nan"),
    ({"integrated_lufs": float("inf")}, ParameterError,
     "targets['integrated_lufs'] must be a finite number, got inf"),
    ({"max_clipped_samples": True}, ParameterError,
     "targets['max_clipped_samples'] must be a finite number, got True"),
    ({"max_dc_offset": "0.1"}, ParameterError,
     "targets['max_dc_offset'] must be a finite number, got '0.1'"),
])
def test_bad_targets_are_refused(targets: object, error: type[Exception], message: str) -> None:
    with pytest.raises(error) as info:
        quality(Audio(sine(0.1, 0.5), SR), targets)  # type: ignore[arg-type]
    assert str(info.value) == message
    assert getattr(info.value, "field", None) == "targets"


def test_mapping_targets_start_from_the_defaults_and_become_floats() -> None:
    r = quality(Audio(sine(0.1, 0.5), SR), {"max_clipped_samples": 3})
    assert r["targets"] == {**DEFAULT_TARGETS, "max_clipped_samples": 3.0}
    assert isinstance(r["targets"]["max_clipped_samples"], float)
    assert quality(Audio(sine(0.1, 0.5), SR), {})["targets"] == DEFAULT_TARGETS
    assert quality(Audio(sine(0.1, 0.5), SR), None)["targets"] == DEFAULT_TARGETS


def test_analyze_a_tone_by_hand() -> None:
    # 440 Hz at amplitude 0.4 for 2 s at 22050 Hz, given as Audio
    sr = 22050
    a = Audio(sine(0.4, 2.0, 440.0, 2, sr), sr)
    r = analyze(a, hop_length=32)
    assert (r["duration_s"], r["sample_rate"]) == (2.0, sr)
    assert r["dominant_pitch_class"] == "A" and r["chroma"]["A"] == 1.0
    assert list(r["chroma"]) == ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb",
                                 "B"]
    assert all(0.0 <= v < 1.0 for k, v in r["chroma"].items() if k != "A")
    assert r["rms_mean"] == pytest.approx(0.4 / math.sqrt(2), rel=0.03)
    assert r["rms_max"] == pytest.approx(0.4 / math.sqrt(2), rel=0.01)
    assert r["spectral_centroid_hz"] == pytest.approx(440, rel=0.1)
    assert r["zero_crossing_rate"] == pytest.approx(2 * 440 / sr, rel=0.05)
    assert isinstance(r["tempo_bpm"], float) and isinstance(r["beats_s"], list)


def test_analyze_checks_its_arguments() -> None:
    sr = 22050
    a = Audio(sine(0.4, 0.2, 440.0, 1, sr), sr)
    for hop in (31, 8193):
        with pytest.raises(ParameterError, match="hop_length"):
            analyze(a, hop_length=hop)
    assert analyze(a, hop_length=8192)["sample_rate"] == sr
    assert analyze(Audio(sine(0.4, 0.256, 440.0, 1, 8000), 8000))["duration_s"] == 0.256
    with pytest.raises(ParameterError) as info:
        analyze(Audio(sine(0.4, 0.256, 440.0, 1, 8000)[:2047], 8000))
    assert str(info.value) == ("audio is too short to analyse (0.256 s; need 2048 frames, "
                               "about 0.26 s)")
    assert info.value.field == "audio_or_path"
    with pytest.raises(ParameterTypeError) as tinfo:
        analyze(42)  # type: ignore[arg-type]
    assert str(tinfo.value) == "analyze expects an Audio or a path, got int"


def test_analyze_agrees_with_librosa_called_directly() -> None:
    # clicks at 120 bpm over a 330 Hz tone at 16 kHz with a hop of 256: librosa's defaults
    # (22050 Hz, hop 512) would give other frames, beats and tempo
    import librosa

    sr, hop = 16000, 256
    t = np.arange(sr * 6) / sr
    y = 0.2 * np.sin(2 * np.pi * 330 * t)
    for k in range(12):
        start = k * sr // 2
        y[start:start + 400] += 0.8 * np.exp(-np.arange(400) / 60) * np.sin(
            2 * np.pi * 2000 * np.arange(400) / sr)
    a = Audio(np.stack([y, y], axis=1), sr)
    mono = a.mono()
    r = analyze(a, hop_length=hop)
    tempo, beats = librosa.beat.beat_track(y=mono, sr=sr, hop_length=hop)
    assert r["tempo_bpm"] == round(float(np.atleast_1d(tempo)[0]), 2)
    assert r["beats_s"] == [round(float(b), 4) for b in librosa.frames_to_time(
        beats, sr=sr, hop_length=hop)]
    chroma = librosa.feature.chroma_stft(y=mono, sr=sr, hop_length=hop).mean(axis=1)
    assert list(r["chroma"].values()) == [round(float(c) / float(chroma.max()), 4)
                                          for c in chroma]
    assert r["dominant_pitch_class"] == "E"  # 330 Hz is E4
    rms = librosa.feature.rms(y=mono, hop_length=hop)[0]
    assert (r["rms_mean"], r["rms_max"]) == (round(float(rms.mean()), 6),
                                             round(float(rms.max()), 6))
    cen = librosa.feature.spectral_centroid(y=mono, sr=sr, hop_length=hop)[0]
    assert r["spectral_centroid_hz"] == round(float(cen.mean()), 2)
    zcr = librosa.feature.zero_crossing_rate(mono, hop_length=hop)[0]
    assert r["zero_crossing_rate"] == round(float(zcr.mean()), 6)
    assert r["duration_s"] == 6.0 and r["sample_rate"] == sr
    # the default hop is librosa's own, 512
    assert analyze(a) == analyze(a, hop_length=512) != r


def test_analyze_errors_name_their_field() -> None:
    with pytest.raises(ParameterTypeError) as tinfo:
        analyze(3.5)  # type: ignore[arg-type]
    assert tinfo.value.field == "audio_or_path"
    with pytest.raises(ParameterError) as info:
        analyze(Audio(sine(0.4, 0.5, 440.0, 1, 8000), 8000), hop_length=16)
    assert info.value.field == "hop_length" and str(info.value).startswith("hop_length")
    # at 8360 Hz the minimum, 2048 frames, is 0.24498 s: said to two decimals as 0.24
    with pytest.raises(ParameterError) as info:
        analyze(Audio(np.full((2047, 1), 0.1), 8360))
    assert str(info.value) == ("audio is too short to analyse (0.245 s; need 2048 frames, "
                               "about 0.24 s)")

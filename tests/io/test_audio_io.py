"""Audio export and import: formats, bit depths, rates, dither, normalisation, atomicity."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

import schillinger_kernel as sk
from schillinger_kernel.audio import Audio
from schillinger_kernel.dsp import integrated_loudness, resample, true_peak_db
from schillinger_kernel.io.audio import info, read_audio, write
from schillinger_kernel.score import Note, Part, Score

SR = 22050


@pytest.fixture(scope="module")
def audio() -> Audio:
    s = Score.from_durations((1, 1, 1, 1, 2, 2), pitches=(60, 64, 67, 72), tempo=150)
    s = s.add_part(Part.create("Kit", [Note(t, 120, n, 110) for t, n in
                                       ((0, 36), (480, 38), (960, 36), (1440, 38))],
                               instrument="drums"))
    return sk.render(s, sample_rate=SR, backend="numpy")


def tone(freq: float = 1000.0, seconds: float = 1.0, amp: float = 0.5, sr: int = 48000) -> Audio:
    t = np.arange(int(seconds * sr)) / sr
    y = amp * np.sin(2 * np.pi * freq * t)
    return Audio(np.stack([y, y], axis=1), sr)


@pytest.mark.parametrize("name, kw, fmt, subtype", [
    ("a.wav", {}, "WAV", "FLOAT"),
    ("a.wav", {"bit_depth": 16}, "WAV", "PCM_16"),
    ("a.wav", {"bit_depth": 24}, "WAV", "PCM_24"),
    ("a.wav", {"bit_depth": 32}, "WAV", "FLOAT"),
    ("a.flac", {}, "FLAC", "PCM_24"),
    ("a.flac", {"subtype": "PCM_16"}, "FLAC", "PCM_16"),
    ("a.ogg", {}, "OGG", "VORBIS"),
    ("a.mp3", {}, "MP3", "MPEG_LAYER_III"),
])
def test_formats_read_back(audio: Audio, tmp_path: Path, name: str, kw: dict, fmt: str,
                           subtype: str) -> None:
    p = audio.write(tmp_path / name, **kw)
    assert p == tmp_path / name
    i = sf.info(str(p))
    assert (i.format, i.subtype, i.samplerate, i.channels) == (fmt, subtype, SR, 2)
    back = read_audio(p)
    assert back.channels == 2 and back.sample_rate == SR
    assert abs(back.frames - audio.frames) <= 2048  # codecs may pad a little
    n = min(back.frames, audio.frames)
    if fmt in ("WAV", "FLAC"):
        lsb = {"PCM_16": 2 ** -15, "PCM_24": 2 ** -23, "FLOAT": 0.0}[subtype]
        assert np.max(np.abs(back.samples[:n] - audio.samples[:n])) <= 2 * lsb + 1e-7
    assert list(tmp_path.iterdir()) == [p]  # no temporary files left behind


def test_16_bit_wav_is_what_libsndfile_and_sox_read(audio: Audio, tmp_path: Path) -> None:
    """16-bit WAV is written by our own header and blocks: the same samples as libsndfile's
    16-bit FLAC of the same export (same dither), and sox reads its header."""
    import shutil
    import subprocess

    long = Audio(np.concatenate([audio.samples] * 6), SR)  # several export blocks
    wav = read_audio(long.write(tmp_path / "a.wav", bit_depth=16))
    flac = read_audio(long.write(tmp_path / "a.flac", bit_depth=16))
    assert np.array_equal(wav.samples, flac.samples)
    mono = Audio(long.mono(), SR)  # one channel: another frame size
    assert np.array_equal(read_audio(mono.write(tmp_path / "m.wav", bit_depth=16)).samples,
                          read_audio(mono.write(tmp_path / "m.flac", bit_depth=16)).samples)
    if shutil.which("sox") is None:
        pytest.skip("sox is not installed (.ci/run installs it)")
    out = subprocess.run(["sox", "--i", str(tmp_path / "a.wav")], capture_output=True,
                         text=True, check=True).stdout
    assert "Channels       : 2" in out and f"Sample Rate    : {SR}" in out
    assert "16-bit Signed Integer PCM" in out and f"{long.frames} samples" in out


@pytest.mark.parametrize("rate", [44100, 96000, 22050])
def test_sample_rate_conversion(tmp_path: Path, rate: int) -> None:
    a = tone(1000.0, 1.0, 0.5, 48000)
    p = write(a, tmp_path / "r.wav", sample_rate=rate)
    assert info(p)["sample_rate"] == rate and info(p)["frames"] == rate
    b = read_audio(p).mono()
    spec = np.abs(np.fft.rfft(b * np.hanning(len(b))))
    assert abs(np.argmax(spec) * rate / len(b) - 1000.0) < 2.0
    t = np.arange(rate) / rate  # the converted tone matches the ideal one at the new rate
    mid = slice(rate // 10, -rate // 10)
    assert np.max(np.abs(b[mid] - 0.5 * np.sin(2 * np.pi * 1000 * t)[mid])) < 1e-3
    assert resample(a, 48000) is a


def test_tpdf_dither_on_16_bit(tmp_path: Path) -> None:
    # A level of a quarter of an LSB: plain rounding loses it, dither keeps it on average.
    quiet = Audio(np.full((48000, 2), 0.25 / 32767, dtype=np.float32), 48000)
    plain = read_audio(write(quiet, tmp_path / "plain.wav", bit_depth=16, dither=False))
    dith = read_audio(write(quiet, tmp_path / "dith.wav", bit_depth=16))
    assert np.all(plain.samples == 0)
    assert float(dith.samples.mean()) * 32768 == pytest.approx(0.25, abs=0.03)
    assert np.std(dith.samples) * 32768 < 1.0  # noise of under one LSB


def test_peak_normalisation(audio: Audio, tmp_path: Path) -> None:
    p = audio.write(tmp_path / "peak.wav", normalize="peak")
    tp = true_peak_db(read_audio(p))
    assert -1.5 < tp <= -1.0
    p = audio.write(tmp_path / "peak3.wav", normalize="peak", target=-3.0)
    assert -3.5 < true_peak_db(read_audio(p)) <= -3.0


@pytest.mark.parametrize("mode, target", [("ebu-r128", -23.0), ("streaming", -14.0),
                                          ("lufs", -9.0)])
def test_loudness_normalisation(audio: Audio, tmp_path: Path, mode: str, target: float) -> None:
    kw = {"target": target} if mode == "lufs" else {}
    p = audio.write(tmp_path / f"{mode}.flac", normalize=mode, **kw)
    back = read_audio(p)
    assert integrated_loudness(back) == pytest.approx(target, abs=0.5)
    assert true_peak_db(back) <= -1.0  # -9 LUFS needs the limiter to keep this


def test_interrupted_export_leaves_nothing(tmp_path: Path) -> None:
    long = tone(seconds=6.0)  # several blocks: the callback fires while the file is written
    seen: list[float] = []

    def stop_halfway(fraction: float) -> None:
        seen.append(fraction)
        if fraction > 0.5:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        long.write(tmp_path / "x.wav", progress=stop_halfway)
    assert list(tmp_path.iterdir()) == []
    assert 0.3 < seen[-1] < 1.0


def test_progress_reports_to_one(audio: Audio, tmp_path: Path) -> None:
    seen: list[float] = []
    audio.write(tmp_path / "x.wav", progress=seen.append)
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)


@pytest.mark.parametrize("name, kw, exc, match", [
    ("x.aiffx", {}, ValueError, "unknown audio format"),
    ("noext", {}, ValueError, "unknown audio format"),
    ("missing/x.wav", {}, ValueError, "does not exist"),
    ("x.wav", {"bit_depth": 8}, ValueError, "bit_depth must be 16, 24 or 32"),
    ("x.flac", {"subtype": "FLOAT"}, ValueError, "not available for FLAC"),
    ("x.mp3", {"bit_depth": 16}, ValueError, "does not apply to lossy"),
    ("x.mp3", {"sample_rate": 96000}, ValueError, "MP3 supports sample rates"),
    ("x.wav", {"normalize": "loud"}, ValueError, "normalize must be one of"),
    ("x.wav", {"normalize": "lufs", "target": math.nan}, ValueError, "target must be"),
    ("x.wav", {"format": "aiff"}, ValueError, "format must be one of"),
])
def test_bad_export_arguments_write_nothing(audio: Audio, tmp_path: Path, name: str, kw: dict,
                                            exc: type, match: str) -> None:
    with pytest.raises(exc, match=match):
        audio.write(tmp_path / name, **kw)
    assert list(tmp_path.iterdir()) == []


def test_unwritable_targets(audio: Audio, tmp_path: Path) -> None:
    (tmp_path / "dir.wav").mkdir()
    with pytest.raises(ValueError, match="is a folder"):
        audio.write(tmp_path / "dir.wav")
    with pytest.raises(TypeError, match="path must be"):
        audio.write(42)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="silence"):
        Audio(np.zeros((4800, 2), np.float32), 48000).write(tmp_path / "s.wav", normalize="lufs")
    assert [p.name for p in tmp_path.iterdir()] == ["dir.wav"]


def test_read_audio_errors(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_audio(tmp_path / "nope.wav")
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"RIFF not really a wave file")
    with pytest.raises(ValueError, match="not a readable audio file"):
        read_audio(bad)
    with pytest.raises(ValueError, match="not a readable audio file"):
        info(bad)


def test_audio_value_validation() -> None:
    with pytest.raises(ValueError, match="NaN"):
        Audio(np.array([[0.0, math.nan]]), 48000)
    with pytest.raises(ValueError, match="sample_rate must be in"):
        Audio(np.zeros((10, 2)), 100)
    with pytest.raises(ValueError, match="shape"):
        Audio(np.zeros((2, 2, 2)), 48000)
    a = Audio(np.zeros(10), 48000)
    assert a.channels == 1 and a == Audio(np.zeros((10, 1)), 48000)


def test_score_export_audio_one_liner(tmp_path: Path) -> None:
    s = Score.from_durations((2, 1, 1), pitches=("A3", "C4", "E4"))
    p = s.export_audio(tmp_path / "s.flac", sample_rate=SR, backend="numpy",
                       normalize="ebu-r128")
    assert p.exists() and info(p)["sample_rate"] == SR
    assert integrated_loudness(read_audio(p)) == pytest.approx(-23.0, abs=0.5)

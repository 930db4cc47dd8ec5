"""Honest peaks: what ``write`` promises, read back from the file by an independent meter.

The meter is FFmpeg's ``ebur128=peak=true`` (its own 192 kHz resampler), run on the written
WAV, FLAC, OGG and MP3; the material is a rendered band with drums and broadband noise bursts
(the hardest case for a 4x meter and for lossy codecs).
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

import schillinger_kernel as sk
from schillinger_kernel.audio import Audio
from schillinger_kernel.dsp.peaks import true_peak_db
from schillinger_kernel.io.audio import read_audio, write
from schillinger_kernel.score import Note, Part, Score, TempoChange

pytestmark = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="needs ffmpeg")

SR = 48000


def ffmpeg_meter(path: Path) -> tuple[float, float]:
    """FFmpeg's true peak (dBTP, printed to 0.1 dB) and integrated loudness (LUFS) of a file."""
    err = subprocess.run(["ffmpeg", "-hide_banner", "-nostats", "-i", str(path), "-af",
                          "ebur128=peak=true", "-f", "null", "-"], capture_output=True,
                         text=True, check=True).stderr
    peak = re.findall(r"Peak:\s+(-?[\d.]+|-inf) dBFS", err)
    lufs = re.findall(r"I:\s+(-?[\d.]+) LUFS", err)
    return float(peak[-1]), float(lufs[-1])


def noise_bursts() -> Audio:
    """50 ms of white noise every half second: energy up to Nyquist, hard transients."""
    rng = np.random.default_rng(7)
    n = 4 * SR
    gate = (np.arange(n) % (SR // 2)) < SR // 20
    x = np.where(gate[:, None], rng.standard_normal((n, 2)) * 0.3, 0.0)
    return Audio(x.astype(np.float32), SR)


def band() -> Audio:
    """Six seconds of chords, bass, a lead and a drum kit with sixteenth hats."""
    beats = 12
    chords = [Note(b * 480, 440, p + 12 * (b % 2), 90) for b in range(beats)
              for p in (60, 64, 67, 71)]
    bass = [Note(e * 240, 220, 36 + e % 5, 100) for e in range(beats * 2)]
    lead = [Note(e * 240, 230, 72 + (3 * e) % 12, 110) for e in range(beats * 2)]
    kit = [Note(s * 120, 60, (36, 42, 38, 42)[s % 4], 120) for s in range(beats * 4)]
    score = Score(parts=(Part.create("Keys", chords, instrument="piano"),
                         Part.create("Bass", bass, instrument="bass"),
                         Part.create("Lead", lead, instrument="trumpet"),
                         Part.create("Kit", kit, instrument="drums")),
                  tempos=(TempoChange(0, 120.0),))
    return sk.render(score, SR, backend="numpy")


MATERIAL = {"noise bursts": noise_bursts, "band": band}
FILES: dict[str, tuple[str, int | None]] = {  # file name, bit depth
    "wav16": ("x.wav", 16), "wav-float": ("x.wav", None), "flac": ("x.flac", None),
    "ogg": ("x.ogg", None), "mp3": ("x.mp3", None)}


@pytest.fixture(scope="module")
def material() -> dict[str, Audio]:
    return {name: make() for name, make in MATERIAL.items()}


@pytest.mark.parametrize("kind", list(FILES))
@pytest.mark.parametrize("what", list(MATERIAL))
def test_streaming_export_stays_under_its_ceiling(material: dict[str, Audio], tmp_path: Path,
                                                  what: str, kind: str) -> None:
    name, bits = FILES[kind]
    p = write(material[what], tmp_path / name, normalize="streaming", bit_depth=bits)
    peak, lufs = ffmpeg_meter(p)
    assert peak <= -1.0, f"{what} {kind}: FFmpeg reads {peak} dBTP over the -1 dBTP ceiling"
    if what == "band":  # (noise at 10% duty cannot reach -14 LUFS under -1 dBTP)
        assert lufs == pytest.approx(-14.0, abs=0.5)  # and the loudness target still holds


@pytest.mark.parametrize("kind", ["flac", "ogg", "mp3"])
def test_other_promises_hold_too(material: dict[str, Audio], tmp_path: Path, kind: str) -> None:
    name = FILES[kind][0]
    loud = write(material["noise bursts"], tmp_path / name, normalize="lufs", target=-12.0,
                 true_peak=-2.0)
    assert ffmpeg_meter(loud)[0] <= -2.0
    peaked = write(material["band"], tmp_path / f"p{name}", normalize="peak", target=-3.0)
    assert ffmpeg_meter(peaked)[0] <= -3.0


def test_our_meter_reads_broadband_material_as_ffmpeg_does(material: dict[str, Audio],
                                                           tmp_path: Path) -> None:
    """The 4x meter with a sharp low-pass: noise up to Nyquist is not under-read."""
    for what, audio in material.items():
        p = write(audio, tmp_path / "m.wav")  # float: the samples as they are
        ours = true_peak_db(read_audio(p))
        assert math.isfinite(ours)
        assert ours == pytest.approx(ffmpeg_meter(p)[0], abs=0.15), what

"""Listening by measurement: our instruments and ensemble against FluidSynth on the same MIDI.

Run ``python -m bench.listen`` (FluidSynth and FluidR3_GM.sf2 needed). For each instrument
family a short phrase (four notes with rests, rising velocity, in the family's register) is
written with the project's MIDI export and rendered by us (dry, ``room=None``) and by
FluidSynth (reverb and chorus off, ``-R 0 -C 0``); printed per family:

* the spectral centroid of both (Hz): where the brightness sits;
* the MFCC distance ours vs FluidSynth (mean of MFCC 1..12 over the sounding frames,
  Euclidean; the same measure the tests use to keep our families apart);
* the onset error: each note's onset (the first millisecond its envelope passes a tenth of
  that note's peak) minus the score's time, mean and worst in ms, for both.

Then a full piece (the jazz sketch, seed 4) rendered both ways with their default rooms:
the stereo correlation of left and right (1 = mono) and each part's loudness (LUFS, the part
rendered alone), with the lead's margin over the drums.

The measures are public (:func:`mfcc`, :func:`centroid`, :func:`stereo_correlation`,
:func:`onsets`) so the tests and the tutorial use the very same code.

>>> import numpy as np
>>> t = np.arange(48000) / 48000
>>> round(centroid(np.sin(2 * np.pi * 1000 * t), 48000))
1000
>>> mfcc(np.sin(2 * np.pi * 440 * t), 48000).shape
(12,)
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

import schillinger_kernel as sk
from schillinger_kernel.score import Note, Part, Score, TempoChange

__all__ = ["FAMILIES", "SOUNDFONT", "centroid", "main", "mfcc", "mfcc_distance", "onsets",
           "phrase", "stereo_correlation"]

SOUNDFONT = "/usr/share/sounds/sf2/FluidR3_GM.sf2"
SR = 48000

# Family: (General MIDI program, lowest note of its phrase); "drums" is the GM kit.
FAMILIES: dict[str, tuple[int, int]] = {
    "piano": (0, 60), "electric piano": (4, 60), "organ": (16, 60), "vibraphone": (11, 72),
    "guitar": (24, 55), "harp": (46, 60), "acoustic bass": (32, 36), "electric bass": (33, 36),
    "synth bass": (38, 36), "violin": (40, 67), "viola": (41, 60), "cello": (42, 48),
    "contrabass": (43, 36), "strings": (48, 60), "pizzicato": (45, 55), "timpani": (47, 43),
    "choir": (52, 60), "trumpet": (56, 67), "trombone": (57, 53), "french horn": (60, 55),
    "tuba": (58, 36), "tenor sax": (66, 55), "oboe": (68, 67), "clarinet": (71, 60),
    "flute": (73, 72), "square lead": (80, 67), "saw lead": (81, 67), "synth pad": (89, 60),
    "drums": (-1, 0),
}
TICKS = 480  # a beat: four notes of a beat, each after a beat of rest
STEPS = (0, 4, 7, 12)
VELOCITIES = (50, 75, 100, 120)
KIT = (36, 42, 38, 46)


def phrase(family: str, tempo: float = 120.0) -> Score:
    """The family's test phrase as a Score: four one-beat notes, each after a beat's rest."""
    program, low = FAMILIES[family]
    if program < 0:
        notes = tuple(Note(2 * i * TICKS, TICKS // 2, k, v)
                      for i, (k, v) in enumerate(zip(KIT, VELOCITIES, strict=True)))
        part = Part("Drums", notes, channel=9, program=0, preset="drum")
    else:
        notes = tuple(Note(2 * i * TICKS, TICKS, low + s, v)
                      for i, (s, v) in enumerate(zip(STEPS, VELOCITIES, strict=True)))
        part = Part(family.title(), notes, program=program)
    return Score(parts=(part,), tempos=(TempoChange(0, tempo),))


# ----- measures --------------------------------------------------------------------------------
def centroid(y: np.ndarray, sr: int) -> float:
    """Spectral centroid (Hz) of a mono signal: the power-weighted mean frequency."""
    p = np.abs(np.fft.rfft(np.asarray(y, dtype=np.float64))) ** 2
    return float((p * np.fft.rfftfreq(y.shape[0], 1.0 / sr)).sum() / max(p.sum(), 1e-30))


def _mel(f: np.ndarray) -> np.ndarray:
    return 2595.0 * np.log10(1.0 + f / 700.0)


def mfcc(y: np.ndarray, sr: int, n: int = 12, bands: int = 40, frame: int = 2048,
         hop: int = 512) -> np.ndarray:
    """Mean MFCC 1..``n`` of a mono signal over its sounding frames (within 40 dB of the
    loudest): a spectral envelope independent of level (c0 is dropped)."""
    y = np.asarray(y, dtype=np.float64)
    if y.shape[0] < frame:
        y = np.concatenate([y, np.zeros(frame - y.shape[0])])
    idx = np.arange(0, y.shape[0] - frame + 1, hop)[:, None] + np.arange(frame)[None, :]
    spec = np.abs(np.fft.rfft(y[idx] * np.hanning(frame), axis=1)) ** 2
    f = np.fft.rfftfreq(frame, 1.0 / sr)
    edges = np.linspace(_mel(np.array(60.0)), _mel(np.array(min(12000.0, sr / 2))), bands + 2)
    hz = 700.0 * (10 ** (edges / 2595.0) - 1)
    fb = np.maximum(0.0, np.minimum((f[None, :] - hz[:-2, None]) / (hz[1:-1, None] - hz[:-2, None]),
                                    (hz[2:, None] - f[None, :]) / (hz[2:, None] - hz[1:-1, None])))
    energy = spec @ fb.T
    total = energy.sum(axis=1)
    loud = total > total.max() * 1e-4
    logm = np.log(energy[loud] + 1e-12)
    k = np.arange(bands)
    dct = np.cos(np.pi / bands * (k[None, :] + 0.5) * np.arange(1, n + 1)[:, None])
    return np.asarray((logm @ dct.T).mean(axis=0) * np.sqrt(2.0 / bands))


def mfcc_distance(a: np.ndarray, b: np.ndarray, sr: int) -> float:
    """Euclidean distance between the mean MFCCs of two mono signals."""
    return float(np.linalg.norm(mfcc(a, sr) - mfcc(b, sr)))


def stereo_correlation(samples: np.ndarray) -> float:
    """Pearson correlation of left and right of a ``(frames, 2)`` signal (1 = mono)."""
    x = np.asarray(samples, dtype=np.float64)
    return float(np.corrcoef(x[:, 0], x[:, 1])[0, 1])


def onsets(y: np.ndarray, sr: int, times: Sequence[float], window: float = 0.2) -> np.ndarray:
    """Each note's measured onset (s): the first sample within ``window`` s around its score
    time where ``|y|`` passes a tenth of the peak in that window (attack shapes differ, so a
    relative threshold compares like with like)."""
    a = np.abs(np.asarray(y, dtype=np.float64))
    out = []
    for t in times:
        lo, hi = max(0, int((t - window / 4) * sr)), min(a.shape[0], int((t + window) * sr))
        seg = a[lo:hi]
        out.append((lo + int(np.argmax(seg > 0.1 * seg.max()))) / sr if seg.size else np.nan)
    return np.array(out)


# ----- the two renderers ---------------------------------------------------------------------
def _fluidsynth(score: Score, d: Path, name: str, dry: bool) -> np.ndarray:
    import soundfile as sf

    from schillinger_kernel.io.midi import write_midi

    mid, wav = d / f"{name}.mid", d / f"{name}.wav"
    write_midi(score, mid)
    opts = ["-R", "0", "-C", "0"] if dry else []
    subprocess.run(["fluidsynth", "-ni", "-q", *opts, "-F", str(wav), "-r", str(SR), SOUNDFONT,
                    str(mid)], check=True, capture_output=True, timeout=120)
    y, _ = sf.read(wav, dtype="float32", always_2d=True)
    return np.asarray(y)


def _ours(score: Score, dry: bool) -> np.ndarray:
    return np.asarray(sk.render(score, sample_rate=SR, backend="numpy",
                                room=None if dry else "studio").samples)


def _lufs(samples: np.ndarray) -> float:
    from schillinger_kernel.audio import Audio
    from schillinger_kernel.dsp.loudness import integrated_loudness

    v = integrated_loudness(Audio(samples, SR))
    return float("nan") if v is None else float(v)


def families(d: Path) -> None:
    """Print the per-family table."""
    print(f"{'family':15} {'centroid Hz':>11} {'fluidsynth':>10} {'MFCC dist':>9} "
          f"{'onset ms ours mean/worst':>25} {'fluidsynth mean/worst':>22}")
    for fam in FAMILIES:
        s = phrase(fam)
        times = [s.seconds_at(n.start) for n in s.parts[0].notes]
        ours = _ours(s, dry=True).mean(axis=1)
        theirs = _fluidsynth(s, d, fam.replace(" ", "_"), dry=True).mean(axis=1)
        e_o = (onsets(ours, SR, times) - times) * 1000
        e_t = (onsets(theirs, SR, times) - times) * 1000
        print(f"{fam:15} {centroid(ours, SR):11.0f} {centroid(theirs, SR):10.0f} "
              f"{mfcc_distance(ours, theirs, SR):9.1f} "
              f"{np.mean(e_o):12.2f} / {np.max(np.abs(e_o)):6.2f}     "
              f"{np.mean(e_t):10.2f} / {np.max(np.abs(e_t)):6.2f}", flush=True)


def ensemble(d: Path) -> None:
    """Print the full piece's stereo correlation and part loudness, both renderers."""
    s = sk.generate_composition("Jazz Sketch", 140, "Bb major", 16, "jazz", 0.7, seed=4)
    ours, theirs = _ours(s, dry=False), _fluidsynth(s, d, "jazz", dry=False)
    print(f"\njazz sketch (seed 4): stereo correlation ours {stereo_correlation(ours):.3f}, "
          f"fluidsynth {stereo_correlation(theirs):.3f}; "
          f"integrated ours {_lufs(ours):.1f} LUFS, fluidsynth {_lufs(theirs):.1f} LUFS")
    print(f"{'part':12} {'ours LUFS':>9} {'fluidsynth':>10}")
    level: dict[str, tuple[float, float]] = {}
    for i, p in enumerate(s.parts):
        alone = dataclasses.replace(s, parts=(p,))
        level[p.name] = (_lufs(_ours(alone, dry=False)),
                         _lufs(_fluidsynth(alone, d, f"part{i}", dry=False)))
        print(f"{p.name:12} {level[p.name][0]:9.1f} {level[p.name][1]:10.1f}", flush=True)
    lead, drums = s.parts[0].name, next(p.name for p in s.parts if p.is_drums)
    print(f"lead over drums: ours {level[lead][0] - level[drums][0]:+.1f} LU, "
          f"fluidsynth {level[lead][1] - level[drums][1]:+.1f} LU")


def main() -> None:
    """Print both tables (skipped with a note when FluidSynth or the SoundFont is missing)."""
    if shutil.which("fluidsynth") is None or not os.path.exists(SOUNDFONT):
        print("listen: needs fluidsynth and FluidR3_GM.sf2 (apt-get install fluidsynth "
              "fluid-soundfont-gm)")
        return
    with tempfile.TemporaryDirectory() as tmp:
        families(Path(tmp))
        ensemble(Path(tmp))


if __name__ == "__main__":
    main()
    sys.exit(0)

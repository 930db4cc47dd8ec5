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

Then the composer's pieces (:data:`PIECES`: jazz, string quartet, pop, blues) rendered both
ways with their default rooms: the stereo correlation of left and right (1 = mono) and each
part's loudness (LUFS; ours with the other parts at gain 0, so every part keeps the role it
has in the piece; FluidSynth's from the part alone), each against the lead.

``python -m bench.listen calibrate`` prints the loudness tables the ensemble balances with
(:data:`~schillinger_kernel.synth.ensemble.SOUND_LEVEL`, ``KIT_LEVEL``, ``KIT_BALANCE``),
measured on :func:`reference_phrase` and :func:`kit_phrase`.

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

__all__ = ["FAMILIES", "KIT_NOTES", "PIECES", "SOUNDFONT", "calibrate", "centroid",
           "fluidsynth", "kit_phrase", "main", "mfcc", "mfcc_distance", "onsets",
           "part_loudness", "phrase", "piece", "reference_phrase", "stereo_correlation"]

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
# The composer's pieces the balance is measured on: generate_composition's arguments.
PIECES: dict[str, tuple[str, float, str, int, str, float, int]] = {
    "jazz": ("Jazz Sketch", 140, "Bb major", 16, "jazz", 0.7, 4),
    "quartet": ("Quartet", 96, "D minor", 16, "classical", 0.6, 3),
    "pop": ("Pop", 116, "G major", 16, "pop", 0.5, 2),
    "blues": ("Blues", 120, "F major", 24, "blues", 0.6, 5),
}
# A General MIDI note for each drum of our kit.
KIT_NOTES = {"kick": 36, "rim": 37, "snare": 38, "clap": 39, "hat_closed": 42, "hat_open": 46,
             "tom_low": 43, "tom_mid": 47, "tom_high": 50, "crash": 49, "ride": 51, "perc": 56}
_LOW_SOUNDS = {"bass", "acoustic_bass", "electric_bass", "synth_bass", "contrabass", "tuba"}
_MID_SOUNDS = {"cello", "trombone", "timpani"}


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


def piece(name: str) -> Score:
    """One of :data:`PIECES`, composed."""
    title, tempo, key, bars, style, cx, seed = PIECES[name]
    return sk.generate_composition(title, tempo, key, bars, style, cx, seed=seed)


def reference_phrase(sound: str) -> Score:
    """Eight legato quarters at 120 BPM, velocity 100, an arpeggio (0 4 7 12) from E2 for
    the basses and tuba, E3 for cello, trombone and timpani, E4 for the rest, played by
    ``sound`` (a row of the render's sound table): what its loudness is calibrated on."""
    from schillinger_kernel.synth.presets import PRESETS, timbre_for_program

    base = 40 if sound in _LOW_SOUNDS else 52 if sound in _MID_SOUNDS else 64
    notes = tuple(Note(i * TICKS, TICKS, base + STEPS[i % 4], 100) for i in range(8))
    if sound in PRESETS and PRESETS[sound].layers:
        part = Part("Ref", notes, preset=sound)
    else:
        part = Part("Ref", notes, program=min(p for p in range(128)
                                              if timbre_for_program(p, "") == sound))
    return Score(parts=(part,), tempos=(TempoChange(0, 120.0),))


def kit_phrase(kind: str) -> Score:
    """Eight hits of one drum (:data:`KIT_NOTES`) at 120 BPM, velocity 100."""
    notes = tuple(Note(i * TICKS, TICKS // 2, KIT_NOTES[kind], 100) for i in range(8))
    return Score(parts=(Part("Drums", notes, channel=9),), tempos=(TempoChange(0, 120.0),))


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
def fluidsynth(score: Score, d: Path, name: str, dry: bool) -> np.ndarray:
    """FluidSynth's render of ``score`` (our MIDI export, FluidR3_GM, 48 kHz) written as
    ``d/name.wav``: ``(frames, 2)``; ``dry`` turns its reverb and chorus off."""
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
        theirs = fluidsynth(s, d, fam.replace(" ", "_"), dry=True).mean(axis=1)
        e_o = (onsets(ours, SR, times) - times) * 1000
        e_t = (onsets(theirs, SR, times) - times) * 1000
        print(f"{fam:15} {centroid(ours, SR):11.0f} {centroid(theirs, SR):10.0f} "
              f"{mfcc_distance(ours, theirs, SR):9.1f} "
              f"{np.mean(e_o):12.2f} / {np.max(np.abs(e_o)):6.2f}     "
              f"{np.mean(e_t):10.2f} / {np.max(np.abs(e_t)):6.2f}", flush=True)


def part_loudness(score: Score, sample_rate: int = SR, **kw: object) -> dict[str, float]:
    """LUFS of each part of ``score`` as it sounds in the mix (our render, default room):
    the other parts stay in the score at gain 0, so roles and seats are those of the piece.
    ``kw`` goes to :func:`schillinger_kernel.render`."""
    from schillinger_kernel.dsp.loudness import integrated_loudness

    out = {}
    for i, p in enumerate(score.parts):
        muted = dataclasses.replace(score, parts=tuple(
            q if j == i else dataclasses.replace(q, gain=0.0)
            for j, q in enumerate(score.parts)))
        v = integrated_loudness(sk.render(muted, sample_rate=sample_rate, backend="numpy",
                                          **kw))  # type: ignore[arg-type]
        out[p.name] = float("nan") if v is None else float(v)
    return out


def ensemble(d: Path) -> None:
    """Print each piece's stereo correlation and part loudness, both renderers, with each
    part's role and its level against the lead."""
    from schillinger_kernel.synth.ensemble import roles
    from schillinger_kernel.synth.timeline import sound_of

    for name in PIECES:
        s = piece(name)
        ours, theirs = _ours(s, dry=False), fluidsynth(s, d, name, dry=False)
        print(f"\n{name} ({PIECES[name][0]}, seed {PIECES[name][-1]}): stereo correlation "
              f"ours {stereo_correlation(ours):.3f}, fluidsynth {stereo_correlation(theirs):.3f}"
              f"; integrated ours {_lufs(ours):.1f} LUFS, fluidsynth {_lufs(theirs):.1f} LUFS")
        print(f"{'part':12} {'role':8} {'ours LUFS':>9} {'vs lead':>7} {'fluidsynth':>10} "
              f"{'vs lead':>7}")
        mine = part_loudness(s)
        fs = {p.name: _lufs(fluidsynth(dataclasses.replace(s, parts=(p,)), d,
                                        f"{name}{i}", dry=False))
              for i, p in enumerate(s.parts)}
        rs = roles(s.parts, [sound_of(p) for p in s.parts])
        lead = s.parts[rs.index("lead")].name
        for p, r in zip(s.parts, rs, strict=True):
            print(f"{p.name:12} {r:8} {mine[p.name]:9.1f} {mine[p.name] - mine[lead]:+7.1f} "
                  f"{fs[p.name]:10.1f} {fs[p.name] - fs[lead]:+7.1f}", flush=True)


def calibrate() -> None:
    """Print the loudness tables of :mod:`schillinger_kernel.synth.ensemble`, measured now."""
    from schillinger_kernel.synth.timeline import SOUNDS

    def ours(s: Score) -> float:
        return round(_lufs(np.asarray(sk.render(s, sample_rate=SR, backend="numpy", room=None,
                                                ensemble=False).samples)), 1)

    print("SOUND_LEVEL =", {snd: ours(reference_phrase(snd)) for snd in SOUNDS})
    print("KIT_LEVEL =", {k: ours(kit_phrase(k)) for k in KIT_NOTES})
    if shutil.which("fluidsynth") is None or not os.path.exists(SOUNDFONT):
        print("KIT_BALANCE needs fluidsynth and FluidR3_GM.sf2")
        return
    with tempfile.TemporaryDirectory() as tmp:
        fs = {k: _lufs(fluidsynth(kit_phrase(k), Path(tmp), k, dry=True)) for k in KIT_NOTES}
    print("KIT_BALANCE =", {k: round(v - fs["snare"], 1) for k, v in fs.items()})


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
    calibrate() if sys.argv[1:] == ["calibrate"] else main()
    sys.exit(0)

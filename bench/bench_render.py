"""Our CPU renderer against FluidSynth on the same MIDI files.

Five pieces at 120 bpm, three minutes each, written with ``score.to_midi`` and rendered both
ways at 48 kHz stereo:

* ``typical``: four parts: piano chords (four notes a beat), bass in eighths, strings holding
  four-note chords, drums (sixteenth hats, kick, snare);
* ``dense``: the same with twelve-note piano and string chords;
* ``sparse``: four monophonic General MIDI parts (flute, clarinet, horn, cello), one note at
  a time each, in eighths, quarters, halves and quarters;
* ``solo``: one violin line in eighths and sixteenths;
* ``played``: as a player would play it: piano triads, a violin line and string chords, every
  note's onset, length and velocity nudged (no two notes alike, so no note is rendered once
  and reused: the renderer's worst case).

FluidSynth runs as ``fluidsynth -ni -q -F out.wav -r 48000 FluidR3_GM.sf2 in.mid`` (its
SoundFont load included, as a user pays it). Ours is ``render`` plus writing a 16-bit WAV
with dither (``render+write``), and the render alone. Reported: wall time (best of five for
both: the minimum is what a quiet machine gives, and ours is a shared VM), CPU time, real-time
factor (seconds of music per second of work), the ratio FluidSynth / ours, and peak memory
(FluidSynth: max RSS; ours: peak of allocations seen by ``tracemalloc``, which tracks NumPy's
buffers). Benchmarks print; they never fail.

Last, for the sparse piece and the solo, where the costs every piece pays weigh most: the
CPU milliseconds of each step of the default render + write (:func:`stages`).
"""

from __future__ import annotations

import math
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from schillinger_kernel.score import Note, Part, Score, TempoChange

SOUNDFONT = "/usr/share/sounds/sf2/FluidR3_GM.sf2"
CHORDS = ((60, 64, 67, 71), (62, 65, 69, 72), (57, 60, 64, 67), (55, 59, 62, 65))


def piece(dense: bool = False, seconds: float = 180.0, bpm: float = 120.0) -> Score:
    """The benchmark piece: four parts (piano, bass, strings, drums), ``seconds`` long."""
    beats = int(seconds * bpm / 60)
    n = 12 if dense else 4

    def chord(b: int) -> list[int]:
        c = CHORDS[(b // 4) % 4]
        return [c[i % 4] + 12 * (i // 4) - 12 for i in range(n)]

    piano = [Note(b * 480, 440, p, 80) for b in range(beats) for p in chord(b)]
    bass = [Note(e * 240, 220, 36 + (e // 8) % 5 * 2, 90) for e in range(beats * 2)]
    pad = [Note(b * 480, 4 * 480 - 20, p, 70) for b in range(0, beats, 4) for p in chord(b)]
    drums = []
    for s in range(beats * 4):
        drums.append(Note(s * 120, 60, 42, 70))
        if s % 8 in (0, 4):
            drums.append(Note(s * 120, 120, 36 if s % 8 == 0 else 38, 110))
    parts = (Part.create("Piano", piano, instrument="piano"),
             Part.create("Bass", bass, instrument="bass", pan=-0.2),
             Part.create("Strings", pad, instrument="strings", pan=0.3),
             Part.create("Drums", drums, instrument="drums"))
    return Score(parts=parts, tempos=(TempoChange(0, bpm),),
                 title="dense" if dense else "typical")


def _line(name: str, instrument: str, beats: int, step: int, low: int, span: int, seed: int,
          vel: int) -> Part:
    """A monophonic line: notes of ``step`` ticks, legato, pitches wandering in a range."""
    notes, pitch = [], low + span // 2
    for i in range(beats * 480 // step):
        pitch = low + (pitch - low + (seed * 7 + i * 5) % 7 - 3) % span
        notes.append(Note(i * step, step - 10, pitch, vel + (i * 13 + seed) % 24 - 12))
    return Part.create(name, notes, instrument=instrument)


def sparse(seconds: float = 180.0, bpm: float = 120.0) -> Score:
    """Four monophonic GM parts: flute eighths, clarinet quarters, horn halves, cello quarters."""
    beats = int(seconds * bpm / 60)
    parts = (_line("Flute", "flute", beats, 240, 72, 14, 1, 84),
             _line("Clarinet", "clarinet", beats, 480, 60, 12, 2, 76),
             _line("Horn", "horn", beats, 960, 53, 10, 3, 70),
             _line("Cello", "cello", beats, 480, 36, 14, 4, 80))
    return Score(parts=parts, tempos=(TempoChange(0, bpm),), title="sparse")


def solo(seconds: float = 180.0, bpm: float = 120.0) -> Score:
    """One violin line: eighths, with every fourth beat in sixteenths."""
    beats = int(seconds * bpm / 60)
    notes, t, i = [], 0, 0
    while t < beats * 480:
        step = 120 if (t // 480) % 4 == 3 else 240
        notes.append(Note(t, step - 10, 67 + (i * 5) % 17, 70 + (i * 11) % 40))
        t, i = t + step, i + 1
    return Score(parts=(Part.create("Violin", notes, instrument="violin"),),
                 tempos=(TempoChange(0, bpm),), title="solo")


def played(seconds: float = 180.0, bpm: float = 120.0) -> Score:
    """Piano triads in eighths, a violin line in sixteenths, string chords in whole notes,
    each note's onset, length and velocity nudged a little (deterministically)."""
    beats = int(seconds * bpm / 60)

    def nudge(i: int, k: int) -> tuple[int, int, int]:  # onset ticks, length ticks, velocity
        return (i * 7 + k * 3) % 11, (i * 37 + k * 13) % 61 - 30, 50 + (i * 29 + k * 17) % 60

    def notes(step: int, chord: tuple[int, ...], low: int, long: int) -> list[Note]:
        out = []
        for i in range(beats * 480 // step):
            for k, p in enumerate(chord):
                dt, dl, vel = nudge(i, k)
                out.append(Note(i * step + dt, long + dl, low + (p + i * 5) % 24, vel))
        return out

    parts = (Part.create("Piano", notes(240, (0, 4, 7), 48, 220), instrument="piano"),
             Part.create("Violin", notes(120, (0,), 67, 110), instrument="violin"),
             Part.create("Strings", notes(1920, (0, 3, 7, 10), 48, 1880), instrument="strings"))
    return Score(parts=parts, tempos=(TempoChange(0, bpm),), title="played")


def pieces() -> list[Score]:
    """The benchmark's pieces, three minutes each."""
    return [piece(), piece(dense=True), sparse(), solo(), played()]


REPEATS = 5


def _best(fn: Callable[[], object], repeats: int = REPEATS) -> tuple[float, float]:
    """Best wall and CPU seconds of ``repeats`` calls."""
    wall, cpu = [], []
    for _ in range(repeats):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - w0)
        cpu.append(time.process_time() - c0)
    return min(wall), min(cpu)


def _fluidsynth(mid: Path, wav: Path, repeats: int = REPEATS) -> tuple[float, float, float]:
    """Best wall seconds, CPU seconds and peak RSS (MB) of FluidSynth rendering ``mid``."""
    cmd = ["fluidsynth", "-ni", "-q", "-F", str(wav), "-r", "48000", SOUNDFONT, str(mid)]
    timer = shutil.which("time") or "/usr/bin/time"
    walls, cpus, rss = [], [], 0.0
    for _ in range(repeats):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        w0 = time.perf_counter()
        if os.path.exists(timer):
            out = subprocess.run([timer, "-f", "%M", *cmd], capture_output=True, text=True,
                                 check=True)
            rss = max(rss, float(out.stderr.strip().splitlines()[-1]) / 1024)
        else:  # pragma: no cover - without /usr/bin/time
            subprocess.run(cmd, capture_output=True, check=True)
        walls.append(time.perf_counter() - w0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return min(walls), min(cpus), rss


def stages(score: Score, repeats: int = REPEATS) -> dict[str, float]:
    """Best CPU milliseconds of each step of ``render`` + 16-bit WAV write on its default
    path (room "studio", one bus), the steps taken one by one as ``_render_batch`` takes
    them: ``plan``, the ``engine`` (its note table included), the ``room``'s convolution,
    its ``add-back`` into the bus (peak measured) and the ``wav`` write."""
    import schillinger_kernel.synth.engine as eng
    from schillinger_kernel.audio import Audio
    from schillinger_kernel.synth import room
    from schillinger_kernel.synth.backend import get_backend

    be, sr = get_backend("numpy"), 48000
    decay, predelay = room.ROOMS["studio"]
    q = room.room_q(sr)
    best: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(repeats):
            c = [time.process_time()]
            tl = eng.plan([score], sr, decay / 2 + predelay, None, None, True, True)
            c.append(time.process_time())
            y, send = eng.synthesize_send(tl, be, send_q=q)
            c.append(time.process_time())
            assert send is not None  # planned with a room
            n = int(tl.frames[0])
            answer, _ = room.room(np, send[:-(-n // q)], sr, "studio", decimated=True)
            c.append(time.process_time())
            mix, _peak = room.add_room_peak(np, y[:n], answer, q)
            c.append(time.process_time())
            audio = Audio(mix, sr)  # checked finite here, untimed: render's mix is trusted
            w0 = time.process_time()
            audio.write(Path(tmp) / "stages.wav", bit_depth=16)
            c.append(time.process_time() - w0 + c[-1])
            for k, name in enumerate(("plan", "engine", "room", "add-back", "wav")):
                best[name] = min(best.get(name, math.inf), (c[k + 1] - c[k]) * 1e3)
    return best


def _peak_mb(fn: Callable[[], object]) -> float:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2 ** 20
    finally:
        tracemalloc.stop()


def main() -> None:
    import schillinger_kernel as sk

    have_fs = shutil.which("fluidsynth") is not None and os.path.exists(SOUNDFONT)
    if not have_fs:
        print("FluidSynth or FluidR3_GM.sf2 missing (apt-get install fluidsynth "
              "fluid-soundfont-gm): printing our numbers only")
    sk.render(piece(seconds=4.0), backend="numpy")  # warm-up: imports, caches
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for score in pieces():
            name = score.title
            mid = score.to_midi(Path(tmp) / f"{name}.mid")
            music = score.duration_seconds
            audio = sk.render(score, backend="numpy")

            def render(s: Score = score) -> object:
                return sk.render(s, backend="numpy")

            def render_write(s: Score = score, n: str = name) -> object:
                return sk.render(s, backend="numpy").write(Path(tmp) / f"{n}-ours.wav",
                                                           bit_depth=16)

            r_wall, r_cpu = _best(render)
            w_wall, w_cpu = _best(render_write)
            mem = _peak_mb(render)
            row: dict[str, Any] = {"piece": name, "music_s": music, "audio_s": audio.duration,
                   "render": r_wall, "render_cpu": r_cpu, "render_write": w_wall,
                   "render_write_cpu": w_cpu, "ours_mb": mem}
            if have_fs:
                f_wall, f_cpu, f_mb = _fluidsynth(mid, Path(tmp) / f"{name}-fs.wav")
                row |= {"fs": f_wall, "fs_cpu": f_cpu, "fs_mb": f_mb}
            rows.append(row)
    print(f"CPU render vs FluidSynth, 48 kHz stereo, best of {REPEATS} ({os.cpu_count()} CPUs, "
          f"python {sys.version.split()[0]})")
    head = (f"{'piece':8} {'music':>6} {'ours render':>12} {'+write wav':>11} "
            f"{'RT x':>7} {'cpu s':>6} {'peak MB':>8}")
    if have_fs:
        head += f" | {'fluidsynth':>10} {'RT x':>6} {'cpu s':>6} {'RSS MB':>7} | " \
                f"{'ratio':>6} {'cpu ratio':>9}"
    print(head)
    for r in rows:
        line = (f"{r['piece']:8} {r['music_s']:5.0f}s {r['render']:11.2f}s "
                f"{r['render_write']:10.2f}s {r['music_s'] / r['render_write']:6.0f}x "
                f"{r['render_write_cpu']:6.2f} {r['ours_mb']:8.0f}")
        if have_fs:
            line += (f" | {r['fs']:9.2f}s {r['music_s'] / r['fs']:5.0f}x {r['fs_cpu']:6.2f} "
                     f"{r['fs_mb']:7.0f} | {r['fs'] / r['render_write']:5.1f}x "
                     f"{r['fs_cpu'] / r['render_write_cpu']:8.1f}x")
        print(line)
    if have_fs:
        print("ratio = FluidSynth wall / ours (render + 16-bit WAV) wall; target >= 20x. "
              "cpu ratio compares CPU seconds (robust on a busy machine).")
    for score in (sparse(), solo()):  # where the fixed costs weigh most
        parts = ", ".join(f"{k} {v:.0f}" for k, v in stages(score).items())
        print(f"stages, CPU ms (best of {REPEATS}), {score.title}: {parts}")


if __name__ == "__main__":
    main()

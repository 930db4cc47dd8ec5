"""What the widgets send to the browser: a Score as binary buffers, PCM in chunks.

No theory and no Jupyter here, only packing. A score goes as a struct of arrays, one buffer
per field (``start`` float64 seconds, ``dur`` float32 seconds, ``pitch``/``vel``/``part``
uint8), plus a small JSON ``meta`` (parts, tempo, bar lines, pitch range). Times are in
seconds on the score's own tempo map, so the browser schedules them without knowing about
ticks; the widget's tempo control plays them faster or slower as a rate.

>>> from schillinger_kernel.score import Score
>>> buffers, meta = encode_score(Score.from_durations((2, 1, 1, 2), 60, unit=240, tempo=120))
>>> sorted(buffers), meta["count"], meta["duration"]
(['dur', 'part', 'pitch', 'start', 'vel'], 4, 1.5)
>>> np.frombuffer(buffers["start"], dtype="<f8").tolist()
[0.0, 0.5, 0.75, 1.0]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..score import Score

__all__ = ["MAX_NOTES", "MAX_PCM_BYTES", "PCM_CHUNK_BYTES", "encode_score", "pcm_chunks",
           "tick_seconds"]

#: Most notes a widget sends (about 4 MB of buffers, well under the 10 MiB message limit).
MAX_NOTES = 250_000
#: Size of one PCM chunk message (1 MiB of float32 samples).
PCM_CHUNK_BYTES = 1 << 20
#: Most PCM a widget holds for the browser (about 5.8 minutes of 48 kHz stereo).
MAX_PCM_BYTES = 128 << 20

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b",
           "#e377c2")


def tick_seconds(score: Score, ticks: np.ndarray) -> np.ndarray:
    """Seconds from the start at each tick of ``ticks``, following the score's tempo map.

    >>> from schillinger_kernel.score import Score, TempoChange
    >>> s = Score(tempos=(TempoChange(0, 120.0), TempoChange(960, 60.0)))
    >>> tick_seconds(s, np.array([0, 960, 1440])).round(9).tolist()
    [0.0, 1.0, 2.0]
    """
    return score.tempo_map.seconds_array(ticks)


def _bar_ticks(score: Score, end: int, limit: int = 4096) -> list[int]:
    sigs = score.time_signatures
    out: list[int] = []
    for i, ts in enumerate(sigs):
        stop = sigs[i + 1].tick if i + 1 < len(sigs) else end
        t = ts.tick
        while t <= stop and t <= end and len(out) < limit:
            if not out or out[-1] != t:
                out.append(t)
            t += ts.bar_ticks
    return out


def encode_score(score: Score | None) -> tuple[dict[str, bytes], dict[str, Any]]:
    """The score as ``(buffers, meta)``: one little-endian byte buffer per note field.

    Raises ``ValueError`` when the score has more than :data:`MAX_NOTES` notes or more than
    255 parts.
    """
    if score is None:
        score = Score()
    if not isinstance(score, Score):
        raise TypeError(f"score must be a Score, got {type(score).__name__}")
    if len(score.parts) > 255:
        raise ValueError(f"score has {len(score.parts)} parts; widgets show at most 255")
    rows = [(n.start, n.duration, n.pitch, n.velocity, i)
            for i, p in enumerate(score.parts) for n in p.notes]
    if len(rows) > MAX_NOTES:
        raise ValueError(f"score has {len(rows)} notes; widgets send at most {MAX_NOTES} "
                         "(export audio or MIDI for longer pieces)")
    rows.sort()
    arr = np.array(rows, dtype=np.int64).reshape(-1, 5)
    starts = tick_seconds(score, arr[:, 0])
    ends = tick_seconds(score, arr[:, 0] + arr[:, 1])
    end_tick = score.end
    buffers = {
        "start": starts.astype("<f8").tobytes(),
        "dur": (ends - starts).astype("<f4").tobytes(),
        "pitch": arr[:, 2].astype(np.uint8).tobytes(),
        "vel": arr[:, 3].astype(np.uint8).tobytes(),
        "part": arr[:, 4].astype(np.uint8).tobytes(),
    }
    bars = tick_seconds(score, np.array(_bar_ticks(score, end_tick), dtype=np.int64))
    pitched = [r[2] for r in rows if not score.parts[r[4]].is_drums] or [r[2] for r in rows]
    meta: dict[str, Any] = {
        "title": score.title,
        "tempo": score.tempo,
        "duration": float(tick_seconds(score, np.array([end_tick]))[0]),
        "count": len(rows),
        "bars": [round(float(b), 6) for b in bars],
        "low": min(pitched, default=60),
        "high": max(pitched, default=72),
        "parts": [{
            "name": p.name, "program": p.program, "preset": p.render_preset,
            "timbre": _timbre(p.program, p.render_preset, p.is_drums, bool(p.preset)),
            "drums": p.is_drums, "gain": p.gain, "pan": p.pan,
            "color": PALETTE[i % len(PALETTE)],
        } for i, p in enumerate(score.parts)],
    }
    return buffers, meta


def _timbre(program: int, preset: str, drums: bool, explicit: bool) -> str:
    """The synthesiser's family timbre of a part ("flute", "violin", ...), so the browser's
    voice follows the instrument; the render preset where the synth names none."""
    if drums or explicit:
        return preset
    try:
        from ..synth.presets import timbre_for_program
    except ImportError:  # a synthesiser without family timbres
        return preset
    return str(timbre_for_program(program, preset))


def pcm_chunks(samples: Any, chunk_bytes: int = PCM_CHUNK_BYTES) -> tuple[list[bytes], int, int]:
    """Interleaved float32 chunks of ``samples`` (frames,) or (frames, channels).

    Returns ``(chunks, frames, channels)``; every chunk holds whole frames and at most
    ``chunk_bytes`` bytes.

    >>> chunks, frames, channels = pcm_chunks(np.zeros((300_000, 2)), chunk_bytes=1 << 20)
    >>> [len(c) for c in chunks], frames, channels
    ([1048576, 1048576, 302848], 300000, 2)
    """
    a = np.asarray(samples)
    if a.ndim == 1:
        a = a[:, None]
    if a.ndim != 2 or a.shape[0] < 1 or not 1 <= a.shape[1] <= 8:
        raise ValueError(f"samples must be (frames,) or (frames, channels<=8), got {a.shape}")
    if not np.issubdtype(a.dtype, np.floating):
        raise TypeError(f"samples must be floating point, got {a.dtype}")
    a = np.ascontiguousarray(a, dtype="<f4")
    if not np.isfinite(a).all():
        raise ValueError("samples must be finite (no NaN or inf)")
    if a.nbytes > MAX_PCM_BYTES:
        raise ValueError(f"audio is {a.nbytes >> 20} MiB; widgets send at most "
                         f"{MAX_PCM_BYTES >> 20} MiB (lower the sample rate or play the notes)")
    frames, channels = a.shape
    per = max(1, chunk_bytes // (4 * channels))
    chunks = [a[i:i + per].tobytes() for i in range(0, frames, per)]
    return chunks, frames, channels

"""The render plan: scores laid end to end on one timeline and flattened into note arrays.

Host side (NumPy) and cheap; :mod:`.engine` turns a :class:`Timeline` into samples.

>>> from schillinger_kernel.score import Score
>>> tl = plan([Score.from_durations((2, 1, 1), pitches=(60, 64, 67))], 8000)
>>> tl.voices["pitch"].tolist(), tl.total_blocks > 0
([60, 64, 67], True)
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..score import Part, Score
from .ensemble import kit_level, kit_pan, kit_send, levels, room_send, seat, spread
from .presets import (
    DRUM_KINDS,
    DRUM_LENGTH,
    PRESETS,
    TIMBRES,
    Preset,
    drum_kind_table,
    timbre_for_program,
)

__all__ = [
    "BLOCK",
    "MASTER_GAIN",
    "MIN_TIME",
    "PITCHED",
    "SOUNDS",
    "Timeline",
    "pan_gains",
    "plan",
    "resolve_presets",
    "seats",
    "sound_of",
    "tail_seconds",
    "velocity_gain",
]


BLOCK = 256  # samples per block: envelopes are sampled at block edges
MIN_TIME = 1e-4  # seconds: shortest attack, decay, release
MASTER_GAIN = 1.0  # mix level: the four-part benchmark piece peaks around -5 dBFS
PITCHED: tuple[str, ...] = tuple(name for name, p in PRESETS.items() if p.layers)
SOUNDS: tuple[str, ...] = PITCHED + tuple(TIMBRES)  # rows of the layer table, in this order


@dataclass(frozen=True)
class _Layers:
    first: np.ndarray  # first layer row of each pitched preset
    count: np.ndarray  # number of layers of each pitched preset
    adsr: np.ndarray  # (rows, 4): attack, decay, sustain, release
    ratios: np.ndarray  # (rows, partials), 0 = no partial
    amps: np.ndarray  # (rows, partials), level included
    velocity: np.ndarray  # (rows,): brightness exponent of the note's velocity (0..1)
    cutoff: np.ndarray  # (rows,): low-pass corner in Hz, 0 = none
    fixed: np.ndarray  # (rows,): 1.0 where the ratios are frequencies in Hz
    shift: np.ndarray  # (rows,): Hz added to every partial of the row


@functools.lru_cache(maxsize=16)
def _layer_table(presets: tuple[Preset, ...]) -> _Layers:
    rows = [la for p in presets for la in p.layers]
    width = max(len(la.partials) for la in rows)
    ratios = np.zeros((len(rows), width))
    amps = np.zeros((len(rows), width))
    for i, la in enumerate(rows):
        for j, (r, a) in enumerate(la.partials):
            ratios[i, j], amps[i, j] = r, a * la.level
    count = np.array([len(p.layers) for p in presets], dtype=np.int64)
    first = np.concatenate([[0], np.cumsum(count)[:-1]]).astype(np.int64)
    adsr = np.array([[max(la.attack, MIN_TIME), max(la.decay, MIN_TIME), la.sustain,
                      max(la.release, MIN_TIME)] for la in rows])
    return _Layers(first, count, adsr, ratios, amps,
                   np.array([la.velocity for la in rows]), np.array([la.cutoff for la in rows]),
                   np.array([float(la.fixed) for la in rows]),
                   np.array([la.shift for la in rows]))


def resolve_presets(overrides: Mapping[str, Preset] | None = None) -> dict[str, Preset]:
    """The preset table with ``overrides`` (name -> :class:`Preset`) swapped in."""
    table = dict(PRESETS)
    for name, p in (overrides or {}).items():
        if name not in PITCHED:
            raise ValueError(f"presets: only pitched presets ({', '.join(PITCHED)}) can be "
                             f"replaced, got {name!r}")
        if not isinstance(p, Preset) or not p.layers:
            raise TypeError(f"presets[{name!r}] must be a Preset with layers")
        table[name] = p
    return table


@dataclass(frozen=True)
class Timeline:
    """Host-side plan of one or more scores laid end to end (see :func:`plan`)."""

    sample_rate: int
    block_start: np.ndarray  # first block of each score
    frames: np.ndarray  # output frames of each score
    total_blocks: int
    voices: dict[str, np.ndarray]  # on (block), lead, gate (s), pitch, preset (SOUNDS), amp,
    # vel (velocity / 127), pan
    hits: dict[str, np.ndarray]  # pos (sample), kind, amp, pan
    pans: np.ndarray  # (pans, 2 | 3): left, right (and room send) gain of each pan position
    layers: _Layers  # the layer table of the pitched presets


def pan_gains(pan: float) -> tuple[float, float]:
    """Equal-power pan law: (left, right) gains for pan -1..1 (centre = 0.707 each)."""
    theta = (pan + 1.0) * math.pi / 4.0
    return math.cos(theta), math.sin(theta)


def velocity_gain(velocity: np.ndarray) -> np.ndarray:
    """Amplitude for MIDI velocities 1..127 (a 1.5 power curve, 127 = 1.0)."""
    return (np.asarray(velocity, dtype=np.float64) / 127.0) ** 1.5


def _seconds(score: Score, ticks: np.ndarray) -> np.ndarray:
    return score.tempo_map.seconds_array(ticks)


def tail_seconds(score: Score, presets: Mapping[str, Preset] | None = None) -> float:
    """How long after the last note ends the score still sounds (releases, drum decays)."""
    table = PRESETS if presets is None else presets
    tail = 0.0
    for p in score.parts:
        if not p.notes:
            continue
        if p.render_preset == "drum" or p.is_drums:
            kinds = drum_kind_table()
            names = {int(kinds[n.pitch]) for n in p.notes}
            tail = max(tail, *(DRUM_LENGTH[DRUM_KINDS[k]] for k in names))
        else:
            name = sound_of(p)
            tail = max(tail, table[p.render_preset].release,
                       (TIMBRES[name] if name in TIMBRES else table[name]).release)
    return tail


def sound_of(part: Part, overridden: frozenset[str] = frozenset()) -> str:
    """The row of :data:`SOUNDS` a pitched part plays: its explicit (or overridden) preset,
    else its General MIDI program's family timbre."""
    name = part.render_preset
    if part.preset is not None or name in overridden:
        return name
    return timbre_for_program(part.program, name)


def seats(score: Score, overridden: frozenset[str] = frozenset()) -> list[float]:
    """The pan of each part of ``score``: its own where set, else its instrument's seat
    (:func:`.ensemble.seat`), pitched parts that would share a seat moved apart.

    >>> from schillinger_kernel.score import Note, Part, Score
    >>> n = (Note(0, 480, 60, 90),)
    >>> seats(Score(parts=(Part("Vn", n, program=40), Part("Vc", n, program=42),
    ...                    Part("Pno", n, program=0, pan=0.5))))
    [-0.45, 0.4, 0.5]
    """
    kit = [p.render_preset == "drum" or p.is_drums for p in score.parts]
    # The kit keeps the middle of the stage: only pitched parts make way for each other.
    moved = iter(spread([seat(sound_of(p, overridden)) for p, k in zip(score.parts, kit,
                                                                        strict=True) if not k]))
    auto = [seat("drum") if k else next(moved) for k in kit]
    return [p.pan if p.pan != 0.0 else a for p, a in zip(score.parts, auto, strict=True)]


def plan(scores: Sequence[Score], sample_rate: int, extra_tail: float = 0.0,
         part_filter: Callable[[str], bool] | None = None,
         presets: Mapping[str, Preset] | None = None, ensemble: bool = False,
         room: bool = False) -> Timeline:
    """Lay ``scores`` end to end and flatten their notes into arrays (host side).

    ``ensemble``: seat parts left at pan 0 by instrument, spread the drum kit, and play
    parts left at gain 1.0 at their role's level (:func:`.ensemble.levels`). ``room``: a
    third gain per pan position, each part's send to the room (mono), which the renderer's
    room reverb reads.
    """
    table = resolve_presets(presets)
    kinds = drum_kind_table()
    v_cols: dict[str, list[np.ndarray]] = {
        k: [] for k in ("on", "lead", "gate", "pitch", "preset", "amp", "vel", "pan")}
    overridden = frozenset(presets or {})
    h_cols: dict[str, list[np.ndarray]] = {k: [] for k in ("pos", "kind", "amp", "pan")}
    pans: dict[tuple[float, ...], int] = {}

    def pan_index(pan: float, send: float) -> int:
        left, right = pan_gains(max(-1.0, min(1.0, pan)))
        key = (left, right, send) if room else (left, right)
        return pans.setdefault(key, len(pans))

    block_start, frames = [], []
    cursor = 0
    tb = BLOCK / sample_rate
    for score in scores:
        length = score.duration_seconds + tail_seconds(score, table) + extra_tail
        n_frames = max(1, math.ceil(length * sample_rate))
        n_blocks = -(-n_frames // BLOCK) + 1
        block_start.append(cursor)
        frames.append(n_frames)
        placed = seats(score, overridden) if ensemble else [p.pan for p in score.parts]
        gains = (levels(score.parts, [sound_of(p, overridden) for p in score.parts])
                 if ensemble else [p.gain for p in score.parts])
        for part, part_pan, gain in zip(score.parts, placed, gains, strict=True):
            if not part.notes or (part_filter is not None and not part_filter(part.name)):
                continue
            arr = np.array([(n.start, n.duration, n.pitch, n.velocity) for n in part.notes],
                           dtype=np.int64)
            on_s = _seconds(score, arr[:, 0].astype(np.float64))
            off_s = _seconds(score, (arr[:, 0] + arr[:, 1]).astype(np.float64))
            amp = velocity_gain(arr[:, 3]) * (gain * MASTER_GAIN)
            if part.render_preset == "drum" or part.is_drums:
                kind = kinds[arr[:, 2]]
                if ensemble:  # each drum at its place and level in the kit
                    spot = np.array([pan_index(part_pan + kit_pan(k), kit_send(k))
                                     for k in DRUM_KINDS], dtype=np.int64)
                    pan = spot[kind]
                    amp = amp * np.array([kit_level(k) for k in DRUM_KINDS])[kind]
                else:
                    pan = np.full(len(arr), pan_index(part_pan, room_send("drum")),
                                  dtype=np.int64)
                h_cols["pos"].append(cursor * BLOCK + np.round(on_s * sample_rate).astype(np.int64))
                h_cols["kind"].append(kind)
                h_cols["amp"].append(amp)
                h_cols["pan"].append(pan)
                continue
            pan = np.full(len(arr), pan_index(part_pan, room_send(sound_of(part, overridden))),
                          dtype=np.int64)
            # The envelope is sampled at block edges as if smoothed over one block (see
            # _lanes): it rises from half a block before the onset, in the block ``on_b``.
            on_b = np.maximum(np.floor(on_s / tb - 0.5), 0).astype(np.int64)
            v_cols["on"].append(cursor + on_b)
            v_cols["lead"].append(on_s - on_b * tb)  # the onset, seconds after that block starts
            v_cols["gate"].append(np.maximum(off_s - on_s, MIN_TIME))
            v_cols["pitch"].append(arr[:, 2])
            v_cols["preset"].append(np.full(len(arr), SOUNDS.index(sound_of(part, overridden)),
                                            dtype=np.int64))
            v_cols["amp"].append(amp)
            v_cols["vel"].append(arr[:, 3] / 127.0)
            v_cols["pan"].append(pan)
        cursor += n_blocks
    ints = {"on", "pitch", "preset", "pos", "kind", "pan"}

    def cat(cols: dict[str, list[np.ndarray]]) -> dict[str, np.ndarray]:
        return {k: (np.concatenate(v) if v else np.zeros(0)).astype(
            np.int64 if k in ints else np.float64) for k, v in cols.items()}

    voices = cat(v_cols)
    order = np.argsort(voices["on"], kind="stable")  # by onset: chunks find theirs by search
    voices = {k: a[order] for k, a in voices.items()}

    return Timeline(sample_rate, np.array(block_start, dtype=np.int64),
                    np.array(frames, dtype=np.int64), cursor, voices, cat(h_cols),
                    np.array(list(pans), dtype=np.float64).reshape(-1, 3 if room else 2),
                    _layer_table(tuple(table[n] for n in PITCHED) +
                                 tuple(TIMBRES[n] for n in SOUNDS[len(PITCHED):])))

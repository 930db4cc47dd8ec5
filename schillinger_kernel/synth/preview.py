"""Preset preview in the seed's shape: ``render_audio(preset, context, duration)``.

A *preset* is a plain dict (as a UI or REST client sends it)::

    {"name": "Warm pad", "role": "pad",
     "parameters": {"attack": 0.4, "decay": 0.5, "sustain": 0.8, "release": 1.0, "gain": 1.0},
     "constraints": {"lufs_target": -16.0, "true_peak_limit": -1.0}}

and a *context* the musical situation: ``{"tempo": 96, "key": "D", "scale": "minor",
"time_signature": "3/4"}``. The preview plays a short phrase that suits the role (held chords
for a pad, roots for a bass, a scale line for a lead, an arpeggio for a pluck, a beat for drums,
slow swells for fx) and returns a ``(frames, 2)`` float32 array.

>>> y = render_audio({"name": "sub", "role": "bass", "parameters": {"attack": 0.01}},
...                  {"tempo": 120, "key": "A", "scale": "minor"}, 1.0, sample_rate=22050,
...                  backend="numpy")
>>> y.shape, y.dtype.name
((22050, 2), 'float32')
>>> render_audio({"name": "x", "role": "pad", "parameters": {"sustain": 2}}, {}, 1.0)
Traceback (most recent call last):
...
ValueError: preset.parameters.sustain must be a number in 0..1, got 2
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import numpy as np

from ..audio import Audio
from ..pitch import parse_key
from ..score import Note, Part, Score, TempoChange, TimeSignature
from .backend import Backend
from .presets import PRESETS, Preset

__all__ = [
    "PARAMETERS",
    "ROLES",
    "SCALES",
    "check_context",
    "check_preset",
    "render_audio",
]


ROLES: dict[str, str] = {
    "pad": "pad", "bass": "bass", "lead": "lead", "pluck": "pluck", "drum": "drum", "fx": "fx",
    "drums": "drum", "percussion": "drum", "melody": "lead", "chords": "pad", "harmony": "pad",
    "keys": "pluck", "arp": "pluck", "arpeggio": "pluck", "texture": "fx",
}
SCALES: dict[str, tuple[int, ...]] = {
    "major": (0, 2, 4, 5, 7, 9, 11), "ionian": (0, 2, 4, 5, 7, 9, 11),
    "minor": (0, 2, 3, 5, 7, 8, 10), "aeolian": (0, 2, 3, 5, 7, 8, 10),
    "dorian": (0, 2, 3, 5, 7, 9, 10), "phrygian": (0, 1, 3, 5, 7, 8, 10),
    "lydian": (0, 2, 4, 6, 7, 9, 11), "mixolydian": (0, 2, 4, 5, 7, 9, 10),
    "locrian": (0, 1, 3, 5, 6, 8, 10), "harmonic": (0, 2, 3, 5, 7, 8, 11),
    "melodic": (0, 2, 3, 5, 7, 9, 11), "pentatonic": (0, 2, 4, 7, 9),
    "whole-tone": (0, 2, 4, 6, 8, 10), "chromatic": tuple(range(12)),
}
PARAMETERS: dict[str, tuple[float, float]] = {
    "attack": (0.0, 10.0), "decay": (0.0, 20.0), "sustain": (0.0, 1.0), "release": (0.0, 10.0),
    "gain": (0.0, 4.0), "pan": (-1.0, 1.0),
}


def _number(where: str, value: object, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(
            value) or not low <= value <= high:
        raise ValueError(f"{where} must be a number in {low:g}..{high:g}, got {value!r}")
    return float(value)


def check_preset(preset: object) -> tuple[str, dict[str, float], dict[str, float]]:
    """Validate a preset dict: (render preset name, parameters, constraints)."""
    if not isinstance(preset, Mapping):
        raise TypeError(f"preset must be a dict, got {type(preset).__name__}")
    name = preset.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"preset.name must be a non-empty string, got {name!r}")
    role = preset.get("role", name)
    if not isinstance(role, str) or role.lower() not in ROLES:
        raise ValueError(f"preset.role must be one of {', '.join(ROLES)}, got {role!r}")
    params = preset.get("parameters", {}) or {}
    if not isinstance(params, Mapping):
        raise ValueError(f"preset.parameters must be a dict, got {type(params).__name__}")
    checked: dict[str, float] = {}
    for key, value in params.items():
        if key not in PARAMETERS:
            raise ValueError(f"preset.parameters.{key} is unknown; allowed: "
                             f"{', '.join(PARAMETERS)}")
        checked[key] = _number(f"preset.parameters.{key}", value, *PARAMETERS[key])
    cons = preset.get("constraints", {}) or {}
    if not isinstance(cons, Mapping):
        raise ValueError(f"preset.constraints must be a dict, got {type(cons).__name__}")
    limits: dict[str, float] = {}
    for key, value in cons.items():
        if key not in ("lufs_target", "true_peak_limit"):
            raise ValueError(f"preset.constraints.{key} is unknown; allowed: lufs_target, "
                             f"true_peak_limit")
        limits[key] = _number(f"preset.constraints.{key}", value, -70.0, 0.0)
    return ROLES[role.lower()], checked, limits


def check_context(context: object) -> tuple[float, int, tuple[int, ...], tuple[int, int]]:
    """Validate a context dict: (tempo, tonic pitch class, scale steps, time signature)."""
    if context is None:
        context = {}
    if not isinstance(context, Mapping):
        raise TypeError(f"context must be a dict, got {type(context).__name__}")
    tempo = _number("context.tempo", context.get("tempo", 120), 20.0, 400.0)
    key = context.get("key", "C")
    try:
        tonic, mode = parse_key(key)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"context.key: {exc}") from None
    scale = context.get("scale", mode)
    if not isinstance(scale, str) or scale.lower() not in SCALES:
        raise ValueError(f"context.scale must be one of {', '.join(SCALES)}, got {scale!r}")
    ts = context.get("time_signature", (4, 4))
    if isinstance(ts, str):
        try:
            ts = tuple(int(x) for x in ts.split("/"))
        except ValueError:
            raise ValueError(f"context.time_signature must look like '4/4', got {ts!r}") from None
    if not isinstance(ts, tuple | list) or len(ts) != 2:
        raise ValueError(f"context.time_signature must be like '4/4' or (4, 4), got {ts!r}")
    try:
        TimeSignature(0, int(ts[0]), int(ts[1]))
    except (ValueError, TypeError) as exc:
        raise ValueError(f"context.time_signature: {exc}") from None
    return tempo, tonic, SCALES[scale.lower()], (int(ts[0]), int(ts[1]))


def _phrase(role: str, tempo: float, tonic: int, steps: tuple[int, ...],
            meter: tuple[int, int], duration: float) -> list[Note]:
    beat = 480 * 4 // meter[1]
    bar = beat * meter[0]
    total = math.ceil(duration * tempo / 60 * 480)  # ticks of quarter notes

    def degree(d: int, octave: int) -> int:
        return 12 * (octave + 1) + tonic + steps[d % len(steps)] + 12 * (d // len(steps))

    def triad(d: int, octave: int) -> list[int]:
        return [degree(d + k, octave) for k in (0, 2, 4)]

    prog = (0, 3, 4, 0)  # I IV V I
    notes: list[Note] = []
    t, i = 0, 0
    while t < total:
        root = prog[(t // bar) % len(prog)]
        if role == "pad":
            notes += [Note(t, bar, p, 80) for p in triad(root, 4)]
            t += bar
        elif role == "bass":
            notes.append(Note(t, beat, degree(root, 2), 96))
            t += beat
        elif role == "lead":
            notes.append(Note(t, beat // 2, degree(i % 8 if (i // 8) % 2 == 0 else 7 - i % 8, 5),
                              90))
            t += beat // 2
        elif role == "pluck":
            notes.append(Note(t, beat // 2, triad(root, 4)[i % 3], 90))
            t += beat // 2
        elif role == "drum":
            step = i % (2 * meter[0])
            notes.append(Note(t, beat // 2, 42, 70))
            if step == 0 or step == meter[0]:
                notes.append(Note(t, beat // 2, 36, 110))
            elif step % 2 == 0:
                notes.append(Note(t, beat // 2, 38, 100))
            t += beat // 2
        else:  # fx: slow swells on root and fifth
            notes += [Note(t, 2 * bar, degree(root, 5), 80), Note(t, 2 * bar, degree(root + 4, 4),
                                                                 70)]
            t += 2 * bar
        i += 1
    return notes


def render_audio(preset: Mapping[str, Any], context: Mapping[str, Any] | None, duration: float,
                 *, sample_rate: int = 48000, backend: str | Backend = "auto") -> np.ndarray:
    """Preview one preset in a musical context: a ``(frames, 2)`` float32 array.

    ``frames == round(duration * sample_rate)``; a 10 ms fade closes the clip. With
    ``constraints.lufs_target`` the clip is loudness-normalised (true peak under
    ``constraints.true_peak_limit``, default -1 dBTP); with only ``true_peak_limit`` it is
    turned down if its true peak is above the limit. Invalid presets raise ``ValueError``
    naming the bad field.
    """
    from .renderer import check_rate, render

    role, params, limits = check_preset(preset)
    tempo, tonic, steps, meter = check_context(context)
    duration = _number("duration", duration, 0.05, 600.0)
    check_rate(sample_rate)
    notes = _phrase(role, tempo, tonic, steps, meter, duration)
    part = Part(str(preset["name"]).strip() or role, tuple(notes), preset=role,
                channel=9 if role == "drum" else 0, pan=params.get("pan", 0.0),
                gain=params.get("gain", 1.0))
    score = Score(parts=(part,), tempos=(TempoChange(0, tempo),),
                  time_signatures=(TimeSignature(0, *meter),))
    overrides: dict[str, Preset] = {}
    adsr = {k: params[k] for k in ("attack", "decay", "sustain", "release") if k in params}
    if adsr and role != "drum":
        base = PRESETS[role]
        layers = tuple(replace(la, attack=adsr.get("attack", la.attack),
                               decay=adsr.get("decay", la.decay),
                               sustain=adsr.get("sustain", la.sustain),
                               release=adsr.get("release", la.release)) for la in base.layers)
        overrides[role] = replace(base, layers=layers)
    # The sound itself, where its pan puts it: no seat, no room.
    audio = render(score, sample_rate=sample_rate, backend=backend, presets=overrides,
                   room=None, ensemble=False)
    n = round(duration * sample_rate)
    y = np.zeros((n, 2), dtype=np.float32)
    m = min(n, audio.frames)
    y[:m] = audio.samples[:m]
    fade = min(n, int(0.01 * sample_rate))
    y[n - fade:] *= np.linspace(1.0, 0.0, fade, dtype=np.float32)[:, None]
    if limits:
        # dsp, not analysis or io: synth sits beside those and may import neither.
        from ..dsp.mastering import normalize
        from ..dsp.peaks import true_peak_db

        ceiling = limits.get("true_peak_limit", -1.0)
        clip = Audio(y, sample_rate)
        if "lufs_target" in limits:
            y = np.array(normalize(clip, "lufs", limits["lufs_target"], ceiling).samples)
        elif true_peak_db(clip) > ceiling:
            y = np.array(normalize(clip, "peak", ceiling).samples)
    return y

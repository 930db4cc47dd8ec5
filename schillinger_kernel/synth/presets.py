"""Render presets: the sound of each part (pad, bass, lead, pluck, drum, fx).

A pitched preset is one or more *layers*; a layer is a harmonic spectrum (partials as
``(frequency ratio, amplitude)``) under its own ADSR envelope, so a pluck can have a bright layer
that dies quickly over a darker body that rings on. The drum preset maps General MIDI percussion
notes (channel 10) to synthesized kick, snare, clap, hats, toms, cymbals and small percussion,
built from noise and pitch envelopes.

>>> PRESETS["pad"].layers[0].attack
0.35
>>> drum_kind(36), drum_kind(42), drum_kind(45)
('kick', 'hat_closed', 'tom_mid')
>>> get_preset("organ")
Traceback (most recent call last):
...
ValueError: preset must be one of pad, bass, lead, pluck, drum, fx, got 'organ'
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from ..instruments import PRESETS as PRESET_NAMES

__all__ = [
    "DRUM_KINDS",
    "DRUM_LENGTH",
    "PRESETS",
    "Layer",
    "Preset",
    "drum_kind",
    "drum_kind_table",
    "drum_template",
    "drum_templates",
    "get_preset",
]


@dataclass(frozen=True)
class Layer:
    """One spectrum under one ADSR envelope (times in seconds, sustain 0..1)."""

    partials: tuple[tuple[float, float], ...]
    attack: float
    decay: float
    sustain: float
    release: float
    level: float = 1.0

    def __post_init__(self) -> None:
        for name in ("attack", "decay", "release", "level"):
            v = getattr(self, name)
            if not math.isfinite(v) or v < 0 or v > 60:
                raise ValueError(f"{name} must be a finite number of seconds in 0..60, got {v!r}")
        if not math.isfinite(self.sustain) or not 0 <= self.sustain <= 1:
            raise ValueError(f"sustain must be in 0..1, got {self.sustain!r}")
        if not self.partials:
            raise ValueError("partials must not be empty")
        for ratio, amp in self.partials:
            if not (math.isfinite(ratio) and ratio > 0 and math.isfinite(amp) and amp >= 0):
                raise ValueError(f"partials need finite ratio > 0 and amplitude >= 0, "
                                 f"got {(ratio, amp)!r}")


@dataclass(frozen=True)
class Preset:
    """A named sound: layers for pitched presets, none for ``drum``; ``gain`` scales the voice."""

    name: str
    layers: tuple[Layer, ...]
    gain: float = 1.0

    @property
    def release(self) -> float:
        """The longest release of the layers (the tail after a note ends)."""
        return max((la.release for la in self.layers), default=0.0)


def _harmonics(n: int, slope: float, detune: float = 0.0, detune_amp: float = 0.0
               ) -> tuple[tuple[float, float], ...]:
    out = [(float(h), 1.0 / h ** slope) for h in range(1, n + 1)]
    if detune:
        out += [(h * (1 + detune), detune_amp / h ** slope) for h in range(1, 4)]
    return tuple(out)


def _norm(partials: tuple[tuple[float, float], ...]) -> float:
    return math.sqrt(sum(a * a for _, a in partials) / 2)


def _preset(name: str, layers: tuple[Layer, ...], gain: float) -> Preset:
    # Each preset is scaled so that its first layer alone has RMS 0.1 * gain at full sustain.
    scale = 0.1 * gain / _norm(layers[0].partials)
    return Preset(name, tuple(Layer(la.partials, la.attack, la.decay, la.sustain, la.release,
                                    la.level * scale) for la in layers), gain)


PRESETS: dict[str, Preset] = {
    "pad": _preset("pad", (Layer(_harmonics(6, 1.3, detune=0.004, detune_amp=0.7),
                                 0.35, 0.8, 0.8, 0.9),), 0.55),
    "bass": _preset("bass", (Layer(((1, 1.0), (2, 0.6), (3, 0.35), (4, 0.2), (5, 0.12), (6, 0.07)),
                                   0.005, 0.3, 0.7, 0.08),), 1.1),
    "lead": _preset("lead", (Layer(_harmonics(8, 1.0), 0.01, 0.2, 0.75, 0.15),), 0.8),
    "pluck": _preset("pluck", (Layer(_harmonics(8, 0.8), 0.002, 0.35, 0.0, 0.12),
                               Layer(((1, 1.0), (2, 0.3), (3, 0.1)), 0.003, 2.5, 0.0, 0.25, 0.8)),
                     1.0),
    "fx": _preset("fx", (Layer(((1, 1.0), (2.76, 0.5), (5.4, 0.25), (8.93, 0.12)),
                               0.01, 1.5, 0.2, 1.2),
                         Layer(_harmonics(4, 1.5, detune=0.011, detune_amp=0.8),
                               0.6, 1.0, 0.6, 1.2, 0.5)), 0.6),
    "drum": Preset("drum", (), 1.0),
}
assert set(PRESETS) == set(PRESET_NAMES)


def get_preset(name: str) -> Preset:
    """The preset called ``name``; ``ValueError`` naming the allowed ones otherwise."""
    if name not in PRESETS:
        raise ValueError(f"preset must be one of {', '.join(PRESET_NAMES)}, got {name!r}")
    return PRESETS[name]


# ----- drums ---------------------------------------------------------------------------------
DRUM_KINDS: tuple[str, ...] = ("kick", "snare", "clap", "rim", "hat_closed", "hat_open",
                               "tom_low", "tom_mid", "tom_high", "crash", "ride", "perc")

_GM_DRUMS: dict[int, str] = {
    35: "kick", 36: "kick", 37: "rim", 38: "snare", 39: "clap", 40: "snare",
    41: "tom_low", 43: "tom_low", 45: "tom_mid", 47: "tom_mid", 48: "tom_high", 50: "tom_high",
    42: "hat_closed", 44: "hat_closed", 54: "hat_closed", 46: "hat_open",
    49: "crash", 52: "crash", 55: "crash", 57: "crash", 51: "ride", 53: "ride", 59: "ride",
}

# Seconds each drum sound lasts.
DRUM_LENGTH: dict[str, float] = {
    "kick": 0.45, "snare": 0.3, "clap": 0.3, "rim": 0.06, "hat_closed": 0.08, "hat_open": 0.45,
    "tom_low": 0.5, "tom_mid": 0.45, "tom_high": 0.4, "crash": 1.8, "ride": 1.2, "perc": 0.15,
}


def drum_kind(note: int) -> str:
    """The synthesized drum sound for a General MIDI percussion note (others: ``"perc"``)."""
    return _GM_DRUMS.get(int(note), "perc")


def drum_kind_table() -> np.ndarray:
    """Index into :data:`DRUM_KINDS` for each MIDI note 0..127."""
    return np.array([DRUM_KINDS.index(drum_kind(n)) for n in range(128)], dtype=np.int64)


def _hp_noise(rng: np.random.Generator, n: int, order: int = 2) -> np.ndarray:
    x = rng.standard_normal(n + order)
    for _ in range(order):
        x = np.diff(x)
    return x / (2 ** order)


def _sweep(t: np.ndarray, f_start: float, f_end: float, tau: float) -> np.ndarray:
    # Exponential pitch glide f(t) = f_end + (f_start - f_end) exp(-t/tau), integrated to a phase.
    phase = f_end * t + (f_start - f_end) * tau * (1 - np.exp(-t / tau))
    return np.sin(2 * np.pi * phase)


def _drum(kind: str, sr: int) -> np.ndarray:
    n = round(DRUM_LENGTH[kind] * sr)
    t = np.arange(n) / sr
    rng = np.random.default_rng(DRUM_KINDS.index(kind) + 17)
    fade = np.minimum(1.0, (n - np.arange(n)) / max(1, int(0.004 * sr)))
    if kind == "kick":
        y = _sweep(t, 150, 48, 0.045) * np.exp(-t / 0.12)
        y += 0.25 * _hp_noise(rng, n) * np.exp(-t / 0.004)
    elif kind == "snare":
        tone = 0.6 * np.sin(2 * np.pi * 185 * t) + 0.3 * np.sin(2 * np.pi * 330 * t)
        y = tone * np.exp(-t / 0.05) + 1.2 * _hp_noise(rng, n, 1) * np.exp(-t / 0.07)
    elif kind == "clap":
        env = sum(np.where(t >= k * 0.011, np.exp(-(t - k * 0.011) / 0.008), 0) for k in range(3))
        y = 1.3 * _hp_noise(rng, n, 1) * (env + 0.5 * np.exp(-t / 0.06))
    elif kind == "rim":
        y = np.sin(2 * np.pi * 1700 * t) * np.exp(-t / 0.008) + 0.3 * _hp_noise(rng, n) * np.exp(
            -t / 0.003)
    elif kind in ("hat_closed", "hat_open", "crash", "ride"):
        decay = {"hat_closed": 0.018, "hat_open": 0.12, "crash": 0.5, "ride": 0.35}[kind]
        metal = sum(np.sign(np.sin(2 * np.pi * f * t)) for f in (205.3, 304.4, 369.6, 522.7,
                                                                 540.0, 800.0))
        noise = _hp_noise(rng, n, 2)
        mix = 0.6 if kind == "ride" else 0.3
        y = (mix * np.diff(metal, prepend=0.0) / 3 + 1.4 * noise) * np.exp(-t / decay)
        y *= 0.55 if kind in ("crash", "ride") else 0.8
    elif kind.startswith("tom"):
        f0 = {"tom_low": 90.0, "tom_mid": 130.0, "tom_high": 180.0}[kind]
        y = _sweep(t, f0 * 1.6, f0, 0.03) * np.exp(-t / 0.16) + 0.1 * _hp_noise(rng, n) * np.exp(
            -t / 0.01)
    else:  # perc: a short woody two-tone hit
        y = (np.sin(2 * np.pi * 560 * t) + 0.6 * np.sin(2 * np.pi * 845 * t)) * np.exp(-t / 0.035)
    y = y * fade
    return (0.5 * y / max(1e-9, float(np.max(np.abs(y))))).astype(np.float32)


@functools.lru_cache(maxsize=64)
def drum_template(kind: str, sample_rate: int) -> np.ndarray:
    """One drum sound at ``sample_rate``, built on first use (seeded noise: every backend and
    every call gets the same samples); read-only.

    >>> drum_template("kick", 8000).shape
    (3600,)
    """
    if kind not in DRUM_KINDS:
        raise ValueError(f"drum kind must be one of {', '.join(DRUM_KINDS)}, got {kind!r}")
    y = _drum(kind, sample_rate)
    y.setflags(write=False)
    return y


def drum_templates(sample_rate: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All drum sounds at ``sample_rate`` back to back: (samples, start offsets, lengths).

    >>> data, starts, lengths = drum_templates(8000)
    >>> len(starts) == len(DRUM_KINDS) and int(lengths.sum()) == data.shape[0]
    True
    """
    parts = [drum_template(k, sample_rate) for k in DRUM_KINDS]
    lengths = np.array([p.shape[0] for p in parts], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    return np.concatenate(parts), starts, lengths

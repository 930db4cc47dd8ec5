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
from dataclasses import dataclass, replace

import numpy as np

from ..instruments import PRESETS as PRESET_NAMES

__all__ = [
    "DRUM_KINDS",
    "DRUM_LENGTH",
    "PRESETS",
    "TIMBRES",
    "Layer",
    "Preset",
    "drum_kind",
    "drum_kind_table",
    "drum_template",
    "drum_templates",
    "get_preset",
    "timbre_for_program",
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
    velocity: float = 0.0
    cutoff: float = 0.0
    fixed: bool = False
    shift: float = 0.0

    def __post_init__(self) -> None:
        """``velocity``: the layer's level follows ``(velocity / 127) ** velocity`` on top of the
        note's level, so a layer of upper partials with ``velocity > 0`` makes a forte brighter.
        ``cutoff``: a gentle low-pass in Hz (0 = none) on the layer's partials, fixed in
        frequency, so high notes have fewer strong partials (register-dependent brightness).
        ``fixed``: the partials' ratios are frequencies in Hz whatever the pitch (breath, bow
        and hammer noise sit in fixed bands; every note shares their oscillators).
        ``shift``: Hz added to every partial's frequency, so a layer can be a sideband a few Hz
        above the body: beating with it, each partial wavers in pitch and level at that rate
        (a string player's vibrato).
        """
        if not math.isfinite(self.shift) or not 0 <= self.shift <= 20:
            raise ValueError(f"shift must be in 0..20 Hz, got {self.shift!r}")
        if not math.isfinite(self.velocity) or not 0 <= self.velocity <= 8:
            raise ValueError(f"velocity must be in 0..8, got {self.velocity!r}")
        if not math.isfinite(self.cutoff) or not 0 <= self.cutoff <= 100000:
            raise ValueError(f"cutoff must be in 0..100000 Hz, got {self.cutoff!r}")
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
    return Preset(name, tuple(replace(la, level=la.level * scale) for la in layers), gain)


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


# ----- instrument families (General MIDI programs) -------------------------------------------
Partials = tuple[tuple[float, float], ...]


def _series(n: int, slope: float, *, even: float = 1.0, start: int = 1, stretch: float = 0.0,
            pluck: float = 0.0, weights: tuple[float, ...] = ()) -> Partials:
    """Harmonics ``start..n`` at ``1 / h ** slope``: ``even`` scales the even ones (a clarinet's
    are weak), ``stretch`` the piano's inharmonicity B (ratio ``h sqrt(1 + B h^2)``), ``pluck``
    the plucking point (a comb over the harmonics), ``weights`` multiply the first ones."""
    out = []
    for h in range(start, n + 1):
        a = 1.0 / h ** slope
        if h % 2 == 0:
            a *= even
        if pluck:
            a *= abs(math.sin(math.pi * h * pluck)) + 0.08
        if h <= len(weights):
            a *= weights[h - 1]
        ratio = h * math.sqrt((1 + stretch * h * h) / (1 + stretch))
        out.append((round(ratio, 6), a))
    return tuple(out)


def _scatter(seed: int, n: int, lo: float, hi: float, amp: float) -> Partials:
    """``n`` inharmonic partials spread over ``lo..hi`` (seeded): breath, bow and hammer noise
    as a cluster of unrelated sines, which the oscillator bank plays like any partial; in Hz
    for a ``fixed`` layer."""
    rng = np.random.default_rng(seed)
    ratios = np.exp(np.sort(rng.uniform(math.log(lo), math.log(hi), n)))
    return tuple((round(float(r), 6), amp * float(g)) for r, g in
                 zip(ratios, rng.uniform(0.6, 1.0, n), strict=True))


_Noise = functools.partial(Layer, fixed=True)  # a layer of fixed-frequency noise partials


def _chorus(partials: Partials, cents: float, k: int, amp: float) -> Partials:
    """Detuned copies of the first ``k`` partials: their beating is a section's shimmer."""
    f = 2 ** (cents / 1200)
    return tuple((round(r * f, 6), a * amp) for r, a in partials[:k])


VIBRATO_RATE = 5.5  # Hz: a string player's vibrato


def _vibrato(partials: Partials, depth: float) -> Partials:
    """The upper sideband of each partial for a vibrato of ``depth`` (fraction of the pitch,
    at a 330 Hz reference): partial ``h`` swings ``h`` times as far, so its sideband is
    stronger, up to 0.35 of the partial (beyond that it would beat like a tremolo)."""
    return tuple((r, a * min(0.35, 0.5 * r * depth * 330.0 / VIBRATO_RATE)) for r, a in partials)


def _bowed(name: str, cutoff: float, slope: float, gain: float, attack: float = 0.07,
           seed: int = 0, section: bool = False,
           weights: tuple[float, ...] = (1.0, 0.9, 1.1, 0.8)) -> Preset:
    body = _series(16, slope, weights=weights)
    return _preset(name, (
        Layer(body + _chorus(body, 9.0 if section else 5.0, 4, 0.35), attack, 0.3, 0.85, 0.22,
              cutoff=cutoff),
        # The vibrato sets in after the bow has caught the string (on the partials that
        # carry the pitch: the ten lowest, so fewer oscillators than all sixteen).
        Layer(_vibrato(body[:10], 0.005 if section else 0.008), 0.35, 0.3, 0.85, 0.22,
              cutoff=cutoff, shift=VIBRATO_RATE),
        Layer(_series(16, slope * 0.7, start=4), attack * 0.8, 0.3, 0.8, 0.2, 0.5,
              velocity=1.5, cutoff=cutoff * 1.6),
        _Noise(_scatter(40 + seed, 6, 900, 4200, 0.06), attack * 0.5, 0.15, 0.35, 0.1,
              velocity=1.0)), gain)


def _blown(name: str, body: Partials, bright_from: int, cutoff: float, gain: float,
           breath: float, attack: float = 0.03, seed: int = 0, vel: float = 1.6) -> Preset:
    upper = tuple(p for p in body if p[0] >= bright_from - 0.5)
    return _preset(name, (
        Layer(body, attack, 0.2, 0.9, 0.12, cutoff=cutoff),
        Layer(upper, attack * 1.3, 0.25, 0.85, 0.1, 0.9, velocity=vel, cutoff=cutoff * 1.8),
        _Noise(_scatter(60 + seed, 6, 450, 2700, 0.05), attack * 0.6, 0.1, 1.0, 0.1, breath,
              velocity=0.8)), gain)


TIMBRES: dict[str, Preset] = {
    "piano": _preset("piano", (
        Layer(_series(12, 1.25, stretch=0.0004, pluck=0.12), 0.002, 3.2, 0.0, 0.3),
        Layer(_series(18, 0.7, start=3, stretch=0.0004, pluck=0.12), 0.002, 0.6, 0.0, 0.2,
              0.35, velocity=2.5, cutoff=3500),
        _Noise(_scatter(1, 6, 1500, 7500, 0.1), 0.001, 0.05, 0.0, 0.03, 1.0, velocity=1.0)), 1.2),
    "epiano": _preset("epiano", (
        Layer(((1, 1.0), (2, 0.12), (3, 0.04)), 0.002, 2.6, 0.0, 0.35),
        Layer(((1, 0.4), (7.02, 0.5), (14.1, 0.2)), 0.001, 0.35, 0.0, 0.1, 0.6, velocity=2.2)),
        1.1),
    "organ": _preset("organ", (
        Layer(((0.5, 0.5), (1, 1.0), (1.5, 0.3), (2, 0.7), (3, 0.45), (4, 0.5), (6, 0.25),
               (8, 0.45), (10, 0.3), (12, 0.3), (16, 0.2)), 0.012, 0.1, 1.0, 0.07),
        _Noise(_scatter(5, 3, 1500, 4800, 0.04), 0.004, 0.03, 0.0, 0.02, 1.0)), 0.55),
    "mallet": _preset("mallet", (
        Layer(((1, 1.0), (3.93, 0.3), (9.5, 0.1)), 0.001, 2.4, 0.0, 0.5),
        Layer(((3.93, 0.6), (9.5, 0.35), (13.7, 0.15)), 0.001, 0.25, 0.0, 0.1, 0.8,
              velocity=1.8),
        _Noise(_scatter(7, 4, 600, 3600, 0.1), 0.0005, 0.02, 0.0, 0.02, 1.0)), 1.2),
    "guitar": _preset("guitar", (
        Layer(_series(12, 1.1, pluck=0.18), 0.002, 1.8, 0.0, 0.15, cutoff=1800),
        Layer(_series(20, 0.6, start=4, pluck=0.18), 0.001, 0.6, 0.0, 0.08, 0.4, velocity=2.5,
              cutoff=5000)), 1.2),
    "harp": _preset("harp", (
        Layer(_series(8, 1.9, pluck=0.3), 0.002, 2.6, 0.0, 0.5),
        Layer(_series(10, 1.2, start=3, pluck=0.3), 0.002, 0.6, 0.0, 0.1, 0.7,
              velocity=2.5)), 1.1),
    "acoustic_bass": _preset("acoustic_bass", (
        Layer(_series(6, 1.5), 0.006, 1.1, 0.15, 0.1),
        Layer(_series(10, 0.9, start=3), 0.004, 0.12, 0.0, 0.06, 0.6, velocity=2.0)), 1.2),
    "electric_bass": _preset("electric_bass", (
        Layer(_series(10, 1.15, pluck=0.2), 0.004, 0.9, 0.35, 0.08, cutoff=1800),
        Layer(_series(14, 0.7, start=3, pluck=0.2), 0.003, 0.15, 0.0, 0.06, 0.5, velocity=1.8,
              cutoff=3000)), 1.1),
    "synth_bass": _preset("synth_bass", (
        Layer(_series(14, 1.0), 0.004, 0.25, 0.6, 0.06, cutoff=900),
        Layer(_series(14, 0.9, start=2), 0.003, 0.12, 0.1, 0.05, 0.7, velocity=1.5,
              cutoff=2500)), 1.0),
    "violin": _bowed("violin", 3600, 0.85, 0.8, seed=1, weights=(0.8, 1.0, 1.2, 1.0, 0.9)),
    "viola": _bowed("viola", 2200, 1.05, 0.8, attack=0.08, seed=2,
                    weights=(0.7, 1.4, 1.5, 0.7, 0.5)),
    "cello": _bowed("cello", 1300, 1.2, 0.85, attack=0.09, seed=3, weights=(1.3, 1.0, 0.6, 0.4)),
    "contrabass": _bowed("contrabass", 900, 1.2, 0.95, attack=0.1, seed=4),
    "strings": _bowed("strings", 1500, 1.4, 0.6, attack=0.25, seed=5, section=True,
                      weights=(1.2, 1.0, 0.7, 0.5)),
    "pizzicato": _preset("pizzicato", (
        Layer(_series(8, 1.4), 0.002, 0.5, 0.0, 0.1, cutoff=2000),
        Layer(_series(12, 0.8, start=3), 0.002, 0.15, 0.0, 0.08, 0.5, velocity=2.0,
              cutoff=3500),
        _Noise(_scatter(9, 3, 900, 3000, 0.05), 0.001, 0.03, 0.0, 0.02)), 1.2),
    "timpani": _preset("timpani", (
        Layer(((1, 1.0), (1.5, 0.5), (1.99, 0.35), (2.44, 0.2), (2.9, 0.1)), 0.003, 2.0, 0.0,
              0.4),
        Layer(((2.44, 0.5), (2.9, 0.4), (3.4, 0.3), (4.1, 0.2)), 0.002, 0.3, 0.0, 0.2, 0.6,
              velocity=2.0),
        _Noise(_scatter(11, 5, 600, 3600, 0.12), 0.001, 0.06, 0.0, 0.03, 1.0, velocity=1.5)),
        1.3),
    "voice": _preset("voice", (
        Layer(_series(12, 1.2, weights=(1.0, 1.4, 1.2, 0.7)), 0.15, 0.5, 0.85, 0.4,
              cutoff=1300),
        Layer(_chorus(_series(6, 1.3), 7.0, 6, 0.6), 0.2, 0.5, 0.8, 0.4, 1.0, cutoff=1300),
        Layer(_series(14, 0.8, start=5), 0.12, 0.5, 0.7, 0.3, 0.35, velocity=1.5,
              cutoff=3200)), 0.6),
    "trumpet": _blown("trumpet", _series(16, 0.55, weights=(0.6, 0.9, 1.0, 1.0)), 4, 2600, 0.8,
                      0.3, attack=0.025, seed=1, vel=2.4),
    "trombone": _blown("trombone", _series(14, 0.8, weights=(0.8, 1.0, 1.0)), 4, 1500, 0.85,
                       0.3, attack=0.035, seed=2, vel=2.4),
    "horn": _blown("horn", _series(10, 1.3), 3, 900, 0.9, 0.2, attack=0.05, seed=3, vel=2.0),
    "tuba": _blown("tuba", _series(10, 1.2), 3, 600, 1.0, 0.2, attack=0.05, seed=4),
    "sax": _blown("sax", _series(16, 0.6, weights=(1.0, 1.2, 1.1, 0.9)), 4, 3200, 0.75, 1.0,
                  attack=0.03, seed=5, vel=2.0),
    "double_reed": _blown("double_reed", _series(16, 0.6, weights=(0.35, 0.8, 1.0, 1.0, 0.9)),
                          3, 3000, 0.7, 0.6, attack=0.025, seed=6),
    "clarinet": _blown("clarinet", _series(15, 0.45, even=0.08), 3, 4500, 0.75, 0.5,
                       attack=0.03, seed=7),
    "flute": _blown("flute", ((1, 1.0), (2, 0.3), (3, 0.14), (4, 0.05), (5, 0.03)), 2, 4000,
                    0.9, 2.2, attack=0.04, seed=8, vel=1.2),
    "square_lead": _preset("square_lead", (
        Layer(_series(15, 1.0, even=0.0), 0.006, 0.2, 0.8, 0.1),
        Layer(_series(21, 0.8, even=0.0, start=5), 0.005, 0.2, 0.7, 0.1, 0.5,
              velocity=1.2)), 0.6),
    "saw_lead": _preset("saw_lead", (
        Layer(_series(24, 1.0), 0.006, 0.2, 0.8, 0.12, cutoff=7000),
        Layer(_chorus(_series(8, 1.0), 12.0, 8, 0.7), 0.008, 0.2, 0.8, 0.12, 1.0,
              cutoff=4000),
        Layer(_series(16, 0.8, start=3), 0.006, 0.2, 0.8, 0.12, 0.5, velocity=1.5,
              cutoff=6000)), 0.55),
    "synth_pad": _preset("synth_pad", (
        Layer(_series(10, 1.0), 0.45, 1.0, 0.85, 0.9, cutoff=1600),
        Layer(_chorus(_series(10, 1.0), 14.0, 10, 0.8), 0.6, 1.0, 0.85, 0.9, 1.0,
              cutoff=1600),
        Layer(_chorus(_series(14, 0.9, start=4), -11.0, 11, 0.6), 0.7, 1.0, 0.8, 0.9, 1.0,
              velocity=1.5)), 0.5),
    "synth_fx": _preset("synth_fx", (
        Layer(((1, 1.0), (2.76, 0.6), (5.4, 0.35), (8.93, 0.2), (13.3, 0.1)), 0.005, 1.8, 0.1,
              1.2),
        Layer(_chorus(((1, 1.0), (3.01, 0.4), (7.1, 0.2)), 21.0, 3, 0.8), 0.3, 1.2, 0.5, 1.2,
              0.6),
        _Noise(_scatter(13, 8, 2000, 9000, 0.05), 0.2, 0.8, 0.3, 0.8, 1.5, velocity=2.0)),
        0.55),
}

# General MIDI program -> family timbre (programs not listed keep their render preset).
_PROGRAM_TIMBRE: dict[int, str] = {
    **dict.fromkeys(range(0, 4), "piano"), **dict.fromkeys((4, 5, 7), "epiano"), 6: "harp",
    **dict.fromkeys(range(8, 16), "mallet"), **dict.fromkeys(range(16, 24), "organ"),
    **dict.fromkeys(range(24, 32), "guitar"), 32: "acoustic_bass",
    **dict.fromkeys(range(33, 38), "electric_bass"), 38: "synth_bass", 39: "synth_bass",
    40: "violin", 41: "viola", 42: "cello", 43: "contrabass", 44: "strings",
    45: "pizzicato", 46: "harp", 47: "timpani", **dict.fromkeys(range(48, 52), "strings"),
    **dict.fromkeys(range(52, 55), "voice"), 55: "trumpet", 56: "trumpet", 57: "trombone",
    58: "tuba", 59: "trumpet", 60: "horn", 61: "trombone", 62: "trombone", 63: "horn",
    **dict.fromkeys(range(64, 68), "sax"), **dict.fromkeys(range(68, 71), "double_reed"),
    71: "clarinet", **dict.fromkeys(range(72, 80), "flute"), 80: "square_lead",
    **dict.fromkeys(range(81, 88), "saw_lead"), 85: "voice", 104: "guitar", 105: "guitar",
    106: "guitar", 107: "harp", 108: "mallet", 109: "double_reed", 110: "violin",
    111: "double_reed", 112: "mallet", 113: "mallet", 114: "mallet",
    **dict.fromkeys(range(88, 96), "synth_pad"), **dict.fromkeys(range(96, 104), "synth_fx"),
    115: "mallet", 116: "timpani", 117: "timpani", 118: "timpani",
    **dict.fromkeys(range(119, 128), "synth_fx"),
}
assert set(_PROGRAM_TIMBRE) == set(range(128)) and set(_PROGRAM_TIMBRE.values()) <= set(TIMBRES)


def timbre_for_program(program: int, preset: str) -> str:
    """The family timbre a General MIDI ``program`` (0..127) sounds with when its part has no
    explicit preset: a name in :data:`TIMBRES`; ``preset`` (its render preset) for a number
    outside General MIDI.

    >>> timbre_for_program(40, "lead"), timbre_for_program(71, "lead")
    ('violin', 'clarinet')
    >>> timbre_for_program(90, "pad"), timbre_for_program(200, "pad")
    ('synth_pad', 'pad')
    """
    return _PROGRAM_TIMBRE.get(int(program), preset)


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


def _band_limit(x: np.ndarray, sr: int, low: float, high: float) -> np.ndarray:
    """``x`` through a gentle band-pass (second-order slopes below ``low``, fourth-order
    above ``high``), done in one FFT; same level in the pass band."""
    f = np.fft.rfftfreq(x.shape[0], 1.0 / sr)
    shape = (f / low) ** 2 / (1 + (f / low) ** 2) / np.sqrt(1 + (f / high) ** 8)
    return np.fft.irfft(np.fft.rfft(x) * shape, n=x.shape[0])


def _band_noise(rng: np.random.Generator, n: int, sr: int, low: float, high: float
                ) -> np.ndarray:
    """Seeded noise in a band (see :func:`_band_limit`) at unit RMS."""
    y = _band_limit(rng.standard_normal(n), sr, low, high)
    return y / max(1e-12, float(np.sqrt(np.mean(y * y))))


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
        y = tone * np.exp(-t / 0.06) + 0.3 * _band_noise(rng, n, sr, 900.0, 5000.0) * np.exp(
            -t / 0.07)
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
        # Cymbals sound mostly between 3 and 12 kHz and fall off above (raw differenced noise
        # put three quarters of a hat's energy above 16 kHz).
        low, high = {"hat_closed": (4500.0, 11000.0), "hat_open": (3500.0, 9500.0),
                     "crash": (2500.0, 9000.0), "ride": (3000.0, 8000.0)}[kind]
        noise = _band_noise(rng, n, sr, low, high)
        metal = _band_limit(np.diff(metal, prepend=0.0), sr, 1000.0, high)
        mix = 0.6 if kind == "ride" else 0.3
        y = (mix * metal / 3 + 1.4 * noise) * np.exp(-t / decay)
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

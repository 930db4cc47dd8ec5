"""Onsets to the sample: every family and the drums start where the score says, at every rate.

The engine renders each note from its exact envelope at every sample, starting at the onset
(to a quarter of a sample); these tests find each note's first sample in the rendered audio and
its attack's length, for rates from 8 kHz to 96 kHz.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import schillinger_kernel as sk
from schillinger_kernel.score import PPQ, Note, Part, Score, TempoChange
from schillinger_kernel.synth.engine import BLOCK
from schillinger_kernel.synth.presets import Layer, Preset

RATES = (8000, 11025, 22050, 44100, 48000, 96000)
FAMILIES = ("piano", "electric piano", "guitar", "harp", "vibes", "organ", "violin", "strings",
            "flute", "clarinet", "sax", "trumpet", "horn", "bass", "synth bass", "lead", "pad",
            "choir")
# Ticks (PPQ a beat at 60 bpm): off the block grid and off the sample grid at most rates;
# 2.5 s apart, so each note has died away before the next.
TICKS = (PPQ // 2, 5 * PPQ // 2 + 7, 5 * PPQ + 333, 15 * PPQ // 2 + 401)


def _score(instrument: str, pitch: int = 60) -> Score:
    drums = instrument == "drums"
    notes = tuple(Note(t, 240, 38 if drums else pitch + 5 * i, 100) for i, t in enumerate(TICKS))
    part = Part.create("P", notes, instrument=instrument)
    return Score(parts=(part,), tempos=(TempoChange(0, 60.0),))


def _first_sounding(x: np.ndarray, near: float, sr: int) -> int:
    """The first sample from two blocks before ``near`` above rounding noise.

    Before an onset the mix is zero up to float32 rounding (about 1e-9 of the note's peak);
    the first sample of even a slow attack is 1e-6 of it or more.
    """
    lo = max(0, math.floor(near) - 2 * BLOCK)
    seg = np.abs(x[lo:lo + 4 * BLOCK + sr // 50])
    floor = 1e-7 * float(seg.max())
    return lo + int(np.argmax(seg > floor))


@pytest.mark.parametrize("sr", RATES)
def test_every_family_and_the_drums_start_on_their_sample(sr: int) -> None:
    late: dict[str, list[float]] = {}
    for instrument in (*FAMILIES, "drums"):
        score = _score(instrument)
        x = sk.render(score, sample_rate=sr, backend="numpy", room=None).mono()
        errs = []
        for t in TICKS:
            want = score.seconds_at(t) * sr
            got = _first_sounding(x, want, sr)
            # The note is silent at its exact onset time and sounds from the next sample on.
            errs.append(got - want)
        if not all(-1.0 <= e <= 1.0 for e in errs):
            late[instrument] = errs
    assert not late, f"onsets off by more than a sample at {sr} Hz: {late}"


def _sine_attack(attack: float) -> dict[str, Preset]:
    """A one-partial lead whose attack is ``attack`` seconds and then holds."""
    return {"lead": Preset("lead", (Layer(((1.0, 1.0),), attack, 1.0, 1.0, 0.05),), 1.0)}


@pytest.mark.parametrize("sr", (8000, 22050, 48000, 96000))
@pytest.mark.parametrize("attack", (0.002, 0.02))
def test_a_short_attack_keeps_its_length(sr: int, attack: float) -> None:
    """10% to 90% of the rise takes 80% of the attack, whatever the block is at this rate."""
    start = 1.0 + 37.3 / sr  # off the sample grid
    part = Part("P", (Note(round(start * PPQ), PPQ, 81, 127),), preset="lead")
    s = Score(parts=(part,), tempos=(TempoChange(0, 60.0),))
    start = s.seconds_at(part.notes[0].start)
    x = sk.render(s, sample_rate=sr, backend="numpy", room=None, ensemble=False,
                  presets=_sine_attack(attack)).mono().astype(np.float64)
    # A 880 Hz sine: its envelope is the running peak over one period (both half-waves).
    period = math.ceil(sr / 880)
    env = np.array([np.abs(x[max(0, i - period):i + 1]).max() for i in range(x.shape[0])])
    top = env[int((start + attack + 0.05) * sr)]
    t10 = int(np.argmax(env > 0.1 * top)) / sr
    t90 = int(np.argmax(env > 0.9 * top)) / sr
    assert t10 - start == pytest.approx(0.1 * attack, abs=1.5 / sr + 1 / 880)
    assert t90 - t10 == pytest.approx(0.8 * attack, abs=2.0 / sr + 1 / 880)
    assert np.abs(x[:math.floor(start * sr)]).max() < 1e-5 * top  # nothing before the onset


def test_releases_end_on_time() -> None:
    """The gate and the release's end are exact too: silence 10 ms after a 5 ms release."""
    sr = 8000
    preset = {"lead": Preset("lead", (Layer(((1.0, 1.0),), 0.002, 1.0, 1.0, 0.005),), 1.0)}
    part = Part("P", (Note(PPQ, PPQ // 10, 69, 127), Note(3 * PPQ, PPQ, 69, 127)),
                preset="lead")
    s = Score(parts=(part,), tempos=(TempoChange(0, 60.0),))
    x = sk.render(s, sample_rate=sr, backend="numpy", room=None, ensemble=False,
                  presets=preset).mono()
    off = s.seconds_at(PPQ + PPQ // 10)
    assert np.abs(x[int((off - 0.01) * sr):int(off * sr)]).max() > 0.05  # held to the gate
    gone = x[math.ceil((off + 0.0051) * sr):math.floor(s.seconds_at(3 * PPQ) * sr)]
    assert np.abs(gone).max() < 1e-6  # and silent from the end of its 5 ms release

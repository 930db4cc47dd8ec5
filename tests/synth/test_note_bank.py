"""The note bank: notes rendered once and placed by overlap-add sound as if each were played.

The reference here is the straightforward per-note sum in float64, written from the layer
table alone: for every note, every layer, every partial, ``gain * env(t) * a sin(2 pi f t)``
from the note's onset, panned. The engine (recurring chords rendered once as a whole, repeated
notes from the bank, long or single notes rendered chunk by chunk, envelopes from each
layer's kept curve or computed whole) must match it sample for sample, up to float32
rounding.
"""

from __future__ import annotations

import numpy as np
import pytest

from schillinger_kernel.score import Note, Part, Score, TempoChange
from schillinger_kernel.synth import notes, notetable
from schillinger_kernel.synth.backend import get_backend
from schillinger_kernel.synth.engine import BLOCK, plan, synthesize
from schillinger_kernel.synth.envelopes import adsr
from schillinger_kernel.synth.timeline import Timeline

SR = 48000  # at 120 bpm a tick is 50 samples: every onset falls on a sample


def phrase() -> Score:
    """Chords that recur (one with other velocities), a repeated violin note (vibrato
    sideband and bow noise), a long note and a short one at its pitch, and single notes, on
    two pans."""
    chord = (48, 55, 64)
    piano = [Note(t, 400, p, 90) for t in (0, 480, 960) for p in chord]
    piano += [Note(1440, 400, p, 60) for p in chord]  # same notes, softer: its own sound
    piano += [Note(1700 + 37 * i, 300, 60 + i, 70 + 9 * i) for i in range(3)]  # all distinct
    violin = [Note(t, 230, 74, 80) for t in (0, 240, 480)] + [Note(720, 2400, 79, 100),
                                                              Note(3300, 300, 79, 60)]
    return Score(parts=(Part.create("Pno", piano, instrument="piano", pan=-0.4),
                        Part.create("Vn", violin, instrument="violin", pan=0.5)),
                 tempos=(TempoChange(0, 120.0),))


def reference(tl: Timeline) -> np.ndarray:
    """Every note of ``tl`` summed straight from its layers, in float64: ``(frames, 2)``."""
    v, lt, sr = tl.voices, tl.layers, tl.sample_rate
    out = np.zeros((tl.total_blocks * BLOCK, 2))
    for i in range(v["on"].shape[0]):
        onset = round(v["on"][i] * BLOCK + v["lead"][i] * sr)
        gate = round(v["gate"][i] * sr) / sr
        f0 = 440.0 * 2.0 ** ((v["pitch"][i] - 69) / 12)
        p = v["preset"][i]
        for r in range(lt.first[p], lt.first[p] + lt.count[p]):
            a, d, s, rel = lt.adsr[r]
            n = min(out.shape[0] - onset, int(np.ceil((gate + rel) * sr)) + 1)
            t = np.arange(n) / sr
            f = (lt.ratios[r] if lt.fixed[r] else f0 * lt.ratios[r]) + lt.shift[r]
            amp = lt.amps[r] / (np.sqrt(1 + (f / lt.cutoff[r]) ** 4) if lt.cutoff[r] else 1)
            keep = (f > 0) & (f < 0.45 * sr) & (amp > 1e-2 * amp.max())
            osc = np.sin(2 * np.pi * np.outer(t, f[keep])) @ amp[keep]
            g = v["amp"][i] * v["vel"][i] ** lt.velocity[r]
            y = g * adsr(np, t, gate, a, d, s, rel) * osc
            out[onset:onset + n] += np.outer(y, tl.pans[v["pan"][i], :2])
    return out


@pytest.mark.parametrize("bank", ["default", "off", "small chunks", "short curves"])
def test_the_bank_sounds_like_every_note_played(monkeypatch: pytest.MonkeyPatch,
                                                bank: str) -> None:
    from schillinger_kernel.synth import engine

    if bank == "off":  # nothing kept: every note rendered in each chunk it sounds in
        monkeypatch.setattr(notes, "BANK_BYTES", 0)
    if bank == "small chunks":  # notes across many chunks; the long one never kept whole
        monkeypatch.setattr(engine, "CHUNK_BLOCKS", 5)
        monkeypatch.setattr(notes, "MAX_BANKED", 20000)
    if bank == "short curves":  # the long note past the kept envelope curves: its own
        monkeypatch.setattr(notetable, "CURVE_SAMPLES", 30000)
    tl = plan([phrase()], SR)
    got = np.asarray(synthesize(tl, get_backend("numpy"), threads=2), dtype=np.float64)
    want = reference(tl)
    assert got.shape == want.shape
    peak = np.abs(want).max()
    assert peak > 0.1
    assert np.abs(got - want).max() < 2e-6 * peak


def test_recurring_chords_and_notes_are_rendered_once() -> None:
    nt = notes.note_table(get_backend("numpy"), plan([phrase()], SR))
    assert nt is not None
    n_keys = len(nt.keys)
    chords = [k for k in nt.bank if k >= n_keys]
    assert len(chords) == 1  # the forte chord, three times; the softer one once
    # Placed: the forte chord three times as one item, every other note as itself.
    assert int(np.sum(nt.key == chords[0])) == 3
    assert nt.start.shape[0] == 3 + 3 + 3 + 5
    assert nt.key[nt.key < n_keys].shape[0] == 11
    assert sum(1 for k in nt.bank if k < n_keys) == 1  # the repeated violin note
    # The partials of the violin's two pitches played more than once, kept for their notes
    # (on NumPy as held products up to their gates and partials after).
    assert len(nt.oscs) + len(nt.held) == 2

"""Notes placed straight from kept curves (issue #13, speed) sound as ``render_note`` makes
them; so do drum hits added by ``axpy`` and kept notes whose layers were summed.

On NumPy a note that is not kept whole is added layer by layer from its kept attack-decay-
sustain curve and its kept release shape (times the level at its gate), with no envelope
array, and a layer that has decayed to silence is skipped where it is silent. The generic
path (any array namespace; here NumPy under another name) still builds each note's
envelope and multiplies it out (:func:`.notetable.render_note`). Both must agree on material
where no two notes are alike: onsets between samples (every quarter-sample place), gates of
every length, a note longer than the kept curves, notes crossing many chunks.
"""

from __future__ import annotations

import numpy as np
import pytest
from phrases import played_phrase as phrase

from schillinger_kernel.score import Note, Part, Score, TempoChange
from schillinger_kernel.synth import engine, envelopes, notes, notetable, placing
from schillinger_kernel.synth.backend import Backend, get_backend
from schillinger_kernel.synth.engine import plan, synthesize


def played_phrase() -> Score:
    """Piano (layers that decay to silence), violin and strings, no two notes alike."""
    return phrase(piano=24, violin=40)


@pytest.mark.parametrize("case", ["default", "no bank", "small chunks", "short curves"])
def test_placing_from_kept_curves_matches_rendered_notes(monkeypatch: pytest.MonkeyPatch,
                                                         case: str) -> None:
    if case == "no bank":  # no oscillators kept either: each segment computes its own
        monkeypatch.setattr(notes, "BANK_BYTES", 0)
    if case == "small chunks":
        monkeypatch.setattr(engine, "CHUNK_BLOCKS", 3)
    if case == "short curves":  # the long string note past the kept curves
        monkeypatch.setattr(notetable, "CURVE_SAMPLES", 20000)
    tl = plan([played_phrase()], 44100)
    # At 117 bpm and 44.1 kHz onsets fall between samples: every place is used.
    exact = tl.voices["on"] * engine.BLOCK + tl.voices["lead"] * 44100
    places = np.ceil((np.ceil(exact - 1e-6) - exact) * notetable.FRACTIONS - 1e-6)
    assert len(set(places.tolist())) >= 3
    fast = synthesize(tl, get_backend("numpy"), threads=2)
    plain = synthesize(tl, Backend.generic(np, name="numpy-generic"), threads=1)
    peak = float(np.abs(plain).max())
    assert peak > 0.05
    np.testing.assert_allclose(fast, plain, rtol=0, atol=1e-6 * peak)


def test_a_layer_decayed_to_silence_is_left_out_where_silent() -> None:
    # The piano's hammer layer (sustain 0, 50 ms decay) has settled long before a 2 s gate:
    # its kept curve is zero there, and so is its level at the gate (under the threshold).
    tl = plan([Score(parts=(Part.create("Pno", [Note(0, 1920, 60, 100)], instrument="piano"),),
                     tempos=(TempoChange(0, 120.0),))], 48000)
    nt = notes.note_table(get_backend("numpy"), tl)
    assert nt is not None
    s, _gate, _n_l, length, frac = nt.keys[0]
    hammer = [p for p in nt.adsr[s] if p[2] == 0.0 and p[1] < 0.1]
    assert hammer, "the piano has a quickly decaying layer"
    p = hammer[0]
    settle = envelopes.settled_at(p, frac / notetable.FRACTIONS, 48000)
    curve = notetable.held_curve(np, nt, p, frac, length)
    assert float(np.abs(curve[settle:]).max()) == 0.0 and float(curve[settle - 1]) > 0.0
    layer = next(i for i, q in enumerate(nt.adsr[s]) if (q == p).all())
    assert 0.0 <= nt.levels[0, layer] < placing._GONE


def drum_phrase() -> Score:
    """Hats closer together than they ring, kicks and snares off the grid, crashes."""
    hits = [Note(i * 60 + (i * 7) % 13, 60, 42, 60 + (i * 11) % 60) for i in range(48)]
    hits += [Note(i * 240 + (i * 5) % 17, 120, 36 if i % 2 else 38, 100) for i in range(12)]
    hits += [Note(0, 480, 49, 110), Note(1500, 480, 49, 90)]
    return Score(parts=(Part.create("Kit", hits, instrument="drums"),),
                 tempos=(TempoChange(0, 123.0),))


@pytest.mark.parametrize("chunk", [256, 2])
def test_drum_hits_added_by_axpy_match_the_generic_scatter(monkeypatch: pytest.MonkeyPatch,
                                                           chunk: int) -> None:
    # Small chunks: most hits ring across a chunk's edge and are added a part at a time.
    monkeypatch.setattr(engine, "CHUNK_BLOCKS", chunk)
    tl = plan([drum_phrase()], 48000)
    fast = synthesize(tl, get_backend("numpy"), threads=2)
    plain = synthesize(tl, Backend.generic(np, name="numpy-generic"), threads=1)
    peak = float(np.abs(plain).max())
    assert peak > 0.05
    np.testing.assert_allclose(fast, plain, rtol=0, atol=1e-6 * peak)


def test_kept_notes_sum_the_layers_that_share_a_velocity_exponent(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # A violin line repeating its notes at many velocities: the notes are kept, and their
    # two layers with velocity exponent 0 (body and bow) are summed into one row.
    line = [Note(i * 240, 230, 67 + (i * 5) % 7, 40 + (i * 11) % 80) for i in range(40)]
    tl = plan([Score(parts=(Part.create("Vn", line, instrument="violin"),),
                     tempos=(TempoChange(0, 120.0),))], 48000)
    be = get_backend("numpy")
    nt = notes.note_table(be, tl)
    assert nt is not None and nt.merged
    k = next(iter(nt.merged))
    assert nt.bank[k].shape[0] == len(nt.merged[k]) < nt.keys[k][2]
    merged = synthesize(tl, be, threads=2)
    monkeypatch.setattr(notes, "_merge_layers", lambda nt, exponents, counts: None)
    monkeypatch.setattr(notes, "from_held",
                        lambda nt, k, ht: notetable.render_note(be, nt, k, 0, nt.keys[k][3]))
    layered = synthesize(tl, be, threads=2)
    peak = float(np.abs(layered).max())
    assert peak > 0.05
    np.testing.assert_allclose(merged, layered, rtol=0, atol=1e-6 * peak)

"""Held tables: a sound's notes up to their gates kept as products, its partials after them.

On NumPy a sound that several single notes play keeps, per group of layers sharing a
velocity exponent, the product of its envelope curve and oscillator up to the latest gate,
and each layer's oscillator from the earliest gate on; rows that sound the same (a noise
layer's fixed partials) are shared by every pitch of the preset. Notes placed from them,
and kept notes built from them, must sound as the plain per-layer rendering does.
"""

from __future__ import annotations

import numpy as np
import pytest

from schillinger_kernel.score import Note, Part, Score, TempoChange
from schillinger_kernel.synth import notes, notetable
from schillinger_kernel.synth.backend import Backend, get_backend
from schillinger_kernel.synth.engine import plan, synthesize, synthesize_send

SR = 48000


def line() -> Score:
    """A violin and a cello line: each pitch several times with other gates and velocities
    (so no note repeats whole), plus one note repeated exactly (kept whole)."""
    vn = [Note(i * 240 + (i * 7) % 11, 200 + (i * 37) % 61, 67 + (i * 5) % 4,
               50 + (i * 29) % 60) for i in range(24)]
    vn += [Note(6000 + 480 * i, 300, 72, 90) for i in range(3)]
    vc = [Note(i * 480 + (i * 3) % 7, 400 + (i * 13) % 41, 43 + (i * 3) % 3, 60 + i)
          for i in range(12)]
    return Score(parts=(Part.create("Vn", vn, instrument="violin", pan=-0.3),
                        Part.create("Vc", vc, instrument="cello", pan=0.4)),
                 tempos=(TempoChange(0, 120.0),))


def test_layers_are_grouped_by_velocity_exponent_and_noise_rows_shared() -> None:
    nt = notes.note_table(get_backend("numpy"), plan([line()], SR))
    assert nt is not None and len(nt.held) >= 4 and not nt.oscs
    for (s, _frac), ht in nt.held.items():
        layers = sorted(i for m in ht.groups for i in m)
        assert layers == list(range(nt.freqs[s].shape[0]))
        assert len(ht.groups) < len(layers)  # the bowed strings' body and vibrato band
        assert ht.gates[0] <= ht.gates[1] <= min(r.shape[0] for r in ht.held)
    # The bow noise sits at fixed frequencies: one row for every pitch of the violin.
    by_preset: dict[bytes, set[int]] = {}
    for (s, _frac), ht in nt.held.items():
        noise = ht.tail[-1]
        by_preset.setdefault(nt.adsr[s].tobytes(), set()).add(id(noise))
    assert len(by_preset) == 2 and all(len(ids) == 1 for ids in by_preset.values())


def test_kept_notes_built_from_held_tables_match_their_layers_rendered() -> None:
    be = get_backend("numpy")
    nt = notes.note_table(be, plan([line()], SR))
    assert nt is not None
    built = [k for k in nt.merged if (nt.keys[k][0], nt.keys[k][4]) in nt.held]
    assert built, "the repeated violin note is kept, from its sound's held table"
    for k in built:
        whole = np.asarray(notetable.render_note(be, nt, k, 0, nt.keys[k][3]))
        ht = nt.held[(nt.keys[k][0], nt.keys[k][4])]
        want = np.stack([whole[list(m)].sum(axis=0) for m in ht.groups])
        peak = float(np.abs(want).max())
        assert peak > 0.01
        np.testing.assert_allclose(nt.bank[k], want, rtol=0, atol=2e-6 * peak)


@pytest.mark.parametrize("tables", ["held", "none"])
def test_notes_placed_from_held_tables_sound_as_rendered_note_by_note(
        monkeypatch: pytest.MonkeyPatch, tables: str) -> None:
    tl = plan([line()], SR)
    fast = np.asarray(synthesize(tl, get_backend("numpy"), threads=2))
    if tables == "none":  # nothing kept: every note rendered with its own oscillators
        monkeypatch.setattr(notes, "BANK_BYTES", 0)
        fast = np.asarray(synthesize(tl, get_backend("numpy"), threads=2))
    plain = synthesize(tl, Backend.generic(np, name="numpy-generic"), threads=1)
    peak = float(np.abs(plain).max())
    assert peak > 0.05
    np.testing.assert_allclose(fast, plain, rtol=0, atol=2e-6 * peak)


@pytest.mark.parametrize("parts", [3, 4, 5])
def test_a_few_pan_rows_panned_through_contiguous_rows_match_the_general_product(
        parts: int) -> None:
    names = ("flute", "clarinet", "horn", "cello", "violin")
    score = Score(parts=tuple(
        Part.create(names[i], [Note(j * 240, 230, 60 + i * 3 + j % 5, 80) for j in range(12)],
                    instrument=names[i], pan=-0.8 + 0.4 * i) for i in range(parts)),
        tempos=(TempoChange(0, 120.0),))
    tl = plan([score], 22050, room=True)
    assert tl.pans.shape[1] == 3
    out, send = synthesize_send(tl, get_backend("numpy"), threads=1)
    g_out, g_send = synthesize_send(tl, Backend.generic(np, name="numpy-generic"), threads=1)
    peak = float(np.abs(g_out).max())
    assert peak > 0.05 and send is not None and g_send is not None
    np.testing.assert_allclose(out, g_out, rtol=0, atol=2e-6 * peak)
    np.testing.assert_allclose(send, g_send, rtol=0, atol=2e-6 * float(np.abs(g_send).max()))

"""Held tables: a sound's notes up to their gates kept as products, its partials after them.

On NumPy, a sound that several single notes play keeps a :class:`.notetable.HeldTable`
(:func:`held_tables`): per group of layers sharing a velocity exponent, the product of their
shared envelope curve and oscillator up to the latest gate, and each layer's oscillator from
the earliest gate on; a kept note is then built from it (:func:`from_held`) instead of
rendered layer by layer. Separate from :mod:`.notes` (which decides what is kept) because
it is one shortcut with its own bookkeeping, built from :mod:`.notetable`'s pieces.

>>> from schillinger_kernel.score import Note, Part, Score
>>> from schillinger_kernel.synth.backend import get_backend
>>> from schillinger_kernel.synth.notes import note_table
>>> from schillinger_kernel.synth.timeline import plan
>>> s = Score(parts=(Part.create("Vn", [Note(i * 480, 200 + 40 * (i % 3), 67, 80)
...                                      for i in range(6)], instrument="violin"),))
>>> nt = note_table(get_backend("numpy"), plan([s], 8000))
>>> ht = nt.held[(0, 0)]  # three gates of one sound: one table serves them
>>> len(ht.groups) < len(ht.tail)  # body and vibrato band share a velocity exponent
True
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from .backend import Backend
from .envelopes import settled_at
from .notetable import FRACTIONS, HeldTable, NoteTable, held_curve, oscillators, release_curve

__all__ = ["from_held", "held_tables"]


def held_tables(be: Backend, nt: NoteTable, wanted: list[tuple[int, int, int, int, int]],
                 exponents: list[np.ndarray], mapper: Callable[..., Any]
                 ) -> dict[tuple[int, int], HeldTable]:
    """The :class:`HeldTable` of each (sound, onset's place, first gate, last gate, longest
    note) in ``wanted``; ``exponents``: per sound, its layers' velocity exponents. NumPy.

    Each distinct row (a group's product, a layer's oscillator) is computed once, as long as
    the longest use of it needs, by ``mapper``.
    """
    rows: dict[bytes, list[Any]] = {}  # row -> [sound, layers, frac, from, to]
    plans = []

    def need(key: bytes, s: int, layers: list[int], frac: int, a: int, b: int) -> bytes:
        r = rows.setdefault(key, [s, layers, frac, a, b])
        r[3], r[4] = min(r[3], a), max(r[4], b)
        return key

    for s, frac, g_lo, g_hi, n in wanted:
        sig = [nt.freqs[s][i][nt.freqs[s][i] > 0].tobytes() + np.asarray(nt.amps[s][i]).tobytes()
               for i in range(nt.freqs[s].shape[0])]
        groups: dict[float, list[int]] = {}
        for layer, e in enumerate(exponents[s].tolist()):
            groups.setdefault(e, []).append(layer)
        held = [need(b"h%d" % frac + b"".join(nt.adsr[s][i].tobytes() + sig[i] for i in m),
                     s, m, frac, 0, g_hi) for m in groups.values()]
        tail = [need(b"t%d" % frac + sig[i], s, [i], frac, g_lo, n) for i in range(len(sig))]
        lead = frac / FRACTIONS
        # A group of layers that decay to silence (sustain 0) is exactly 0 once all settled.
        silent = tuple(-1 if np.any(nt.adsr[s][m, 2] != 0.0) else max(
            settled_at(q, lead, nt.sample_rate) for q in nt.adsr[s][m]) for m in groups.values())
        plans.append(((s, frac), held, tuple(tuple(m) for m in groups.values()), silent, tail,
                      (g_lo, g_hi)))

    def row(key: bytes) -> np.ndarray:
        s, layers, frac, a, b = rows[key]
        osc = oscillators(be, nt, s, frac, a, b, layers)
        if key[:1] == b"t":
            return osc[0]  # type: ignore[no-any-return]
        out = np.zeros(b, dtype=np.float32)
        for i, layer in enumerate(layers):
            out += held_curve(np, nt, nt.adsr[s][layer], frac, b)[:b] * osc[i]
        return out

    made = dict(zip(rows, mapper(row, list(rows)), strict=True))
    return {at: HeldTable(tuple(made[k] for k in held), groups, silent,
                          tuple(made[k] for k in tail), tuple(rows[k][3] for k in tail), gates)
            for at, held, groups, silent, tail, gates in plans}


def from_held(nt: NoteTable, k: int, ht: HeldTable) -> tuple[np.ndarray, list[int]]:
    """Distinct note ``k`` whole from its sound's :class:`.notetable.HeldTable` (NumPy): one row per
    group of layers that share a velocity exponent, and the layer whose gain weighs each
    (as :func:`.notes.note_table` leaves a kept note)."""
    _s, gate, _n_l, n, frac = nt.keys[k]
    g0 = math.ceil(gate - frac / FRACTIONS)
    out = np.empty((len(ht.groups), n), dtype=np.float32)
    levels = nt.levels[k].tolist()
    for j, (row, members) in enumerate(zip(ht.held, ht.groups, strict=True)):
        out[j, :g0] = row[:g0]
        out[j, g0:] = 0.0
        for layer in members:
            t0 = ht.tail_from[layer]
            rc = release_curve(np, nt, float(nt.adsr[_s][layer][3]), frac, n - g0)
            out[j, g0:] += (levels[layer] * rc[:n - g0]) * ht.tail[layer][g0 - t0:n - t0]
    return out, [m[0] for m in ht.groups]

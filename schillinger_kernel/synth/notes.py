"""Pitched notes rendered once and placed by overlap-add: cost follows distinct notes.

A pitched note's sound depends only on its preset, its pitch, its gate (in samples) and where
its onset falls between two samples; its velocity only scales each layer (a forte's brighter
layers grow faster, see :class:`~.presets.Layer`). So every distinct note is rendered once,
one row per layer, and each note adds its layers, weighted by its own gains, into the mono row
of its pan position at its onset sample (:mod:`.placing`); a chord that recurs whole (same
notes, same velocities) is rendered once as one row and placed as one, and a kept note's
layers that share a velocity exponent as one row. A typical piece repeats its notes and
chords many times over; a note that occurs once, or is very long, is rendered straight into
each time chunk it sounds in. What is kept stays within :data:`BANK_BYTES`.

A layer of a note is ``env(t) * sum_p a_p sin(2 pi f_p t)``, ``t`` counted from the note's
onset sample: the exact ADSR envelope at every sample (attacks as short as the instrument's
own, onsets on their sample) times the layer's partials, phase zero at the onset, as a struck
or bowed string starts. The partials are summed by one GEMM per layer over blocks of
:data:`~.timeline.BLOCK` samples: coefficients (amplitude times the phase at each block's
start) times a basis (each partial's sine and cosine over one block). Written against an
array namespace ``xp`` (NumPy on the CPU, CuPy on a GPU), like the engine.

This module decides what is rendered once and kept; the table and rendering one note live
in :mod:`.notetable`, the held tables (a NumPy shortcut) in :mod:`.held`.

>>> from schillinger_kernel.score import Note, Part, Score
>>> from schillinger_kernel.synth.backend import get_backend
>>> from schillinger_kernel.synth.timeline import plan
>>> s = Score(parts=(Part.create("Vn", [Note(i * 480, 470, 67, 80) for i in range(4)],
...                              instrument="violin"),))
>>> nt = note_table(get_backend("numpy"), plan([s], 8000))
>>> len(nt.keys), sorted(nt.bank)  # four notes, one distinct: rendered once
(1, [0])
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np

from . import notetable
from .backend import Backend
from .envelopes import held
from .held import from_held, held_tables
from .notetable import FRACTIONS, NoteTable, oscillators, render_note
from .schedule import schedule
from .timeline import BLOCK, Timeline

__all__ = ["BANK_BYTES", "MAX_BANKED", "note_table"]

BANK_BYTES = 64 << 20  # the rendered notes kept for reuse
MAX_BANKED = 1 << 20  # samples: longer notes are rendered chunk by chunk, never kept whole
_FLOOR = 1e-2  # partials 40 dB under the loudest of their layer are left out


def _partials(tl: Timeline, rows: np.ndarray, pitch: int) -> tuple[np.ndarray, np.ndarray]:
    """Frequencies (Hz) and amplitudes of layer ``rows`` at ``pitch``: (layers, P), P >= 1."""
    lt = tl.layers
    f0 = 440.0 * 2.0 ** ((pitch - 69.0) / 12.0)
    fixed = lt.fixed[rows][:, None]  # noise layers: the ratios are Hz already
    freq = (f0 * (1.0 - fixed) + fixed) * lt.ratios[rows] + lt.shift[rows][:, None]
    amp = lt.amps[rows].copy()
    # A layer's low-pass is fixed in Hz: the higher the note, the fewer strong partials.
    cut = lt.cutoff[rows][:, None]
    rel = freq / np.where(cut > 0, cut, 1.0)
    amp = amp * np.where(cut > 0, 1.0 / np.sqrt(1.0 + rel ** 4), 1.0)
    floor = _FLOOR * amp.max(axis=1, keepdims=True)
    ok = (freq > 0) & (freq < 0.45 * tl.sample_rate) & (amp > floor)
    n_p = max(1, int(ok.sum(axis=1).max()))
    freqs, amps = np.zeros((len(rows), n_p)), np.zeros((len(rows), n_p))
    for i in range(len(rows)):  # a few layers
        k = np.nonzero(ok[i])[0]
        freqs[i, :k.shape[0]], amps[i, :k.shape[0]] = freq[i, k], amp[i, k]
    return freqs, amps


def _basis(xp: Any, freqs: np.ndarray, sr: int) -> Any:
    """(layers, 2 P, BLOCK): ``sin(w tau)`` then ``cos(w tau)`` of each partial over a block."""
    # w (c + f) = w c + w f with c a multiple of _FINE: the sines and cosines of a few
    # coarse and fine angles make all BLOCK by the angle-sum identities (float64, then
    # float32), an eighth of the transcendental calls.
    w = freqs[:, :, None, None] * (2 * math.pi / sr)
    coarse = w * np.arange(0, BLOCK, _FINE)[None, None, :, None]
    fine = w * np.arange(_FINE)[None, None, None, :]
    sc, cc, sf, cf = np.sin(coarse), np.cos(coarse), np.sin(fine), np.cos(fine)
    shape = (*freqs.shape, BLOCK)
    sin = np.reshape(sc * cf + cc * sf, shape)
    cos = np.reshape(cc * cf - sc * sf, shape)
    return xp.asarray(np.concatenate([sin, cos], axis=1).astype(np.float32))


_FINE = 16  # _basis's fine angles: BLOCK = _FINE coarse x _FINE fine


def _chords(start: np.ndarray, row: np.ndarray, key: np.ndarray, gains: np.ndarray
            ) -> list[list[np.ndarray]]:
    """Notes struck together (same onset sample and pan row) whose whole group recurs.

    Returns, per recurring group (a chord with its velocities), the note indices of each of
    its occurrences; the members of every occurrence in the same order.
    """
    order = np.lexsort((key, start, row))
    s_o, r_o = start[order], row[order]
    cut = np.nonzero((np.diff(s_o) != 0) | (np.diff(r_o) != 0))[0] + 1
    seen: dict[tuple[bytes, bytes], list[np.ndarray]] = {}
    edges = np.concatenate([[0], cut, [order.shape[0]]]).tolist()
    for g in np.nonzero(np.diff(edges) > 1)[0].tolist():  # a note alone is no chord
        m = order[edges[g]:edges[g + 1]]
        seen.setdefault((key[m].tobytes(), gains[m].tobytes()), []).append(m)
    return [occ for occ in seen.values() if len(occ) > 1]


def note_table(be: Backend, tl: Timeline, mapper: Callable[..., Any] = map) -> NoteTable | None:
    """Group the timeline's pitched notes by what they sound like; render the repeated ones.

    Recurring chords (same notes, same velocities, struck together) are rendered once as a
    whole, then repeated notes, within :data:`BANK_BYTES`; ``mapper`` (``map`` or an
    executor's) renders them. None when the timeline has no pitched notes.
    """
    xp = be.xp
    v, lt, sr = tl.voices, tl.layers, tl.sample_rate
    if v["on"].shape[0] == 0:
        return None
    # The first sample at or after the exact onset; the onset's place before it, in quarters
    # of a sample, is part of what a note sounds like (its envelope and phases start there).
    # Rounded up: a note whose onset falls between two samples sounds from the later one.
    exact = v["on"] * BLOCK + v["lead"] * sr
    start = np.ceil(exact - 1e-6).astype(np.int64)
    frac = np.ceil((start - exact) * FRACTIONS - 1e-6).clip(0, FRACTIONS).astype(np.int64)
    gate = np.maximum(np.round(v["gate"] * sr), 1).astype(np.int64)
    preset = v["preset"]
    n_layers = int(lt.count.max())
    rows = lt.first[:, None] + np.arange(n_layers)[None, :]  # (presets, layers)
    valid = np.arange(n_layers)[None, :] < lt.count[:, None]
    rows = np.where(valid, rows, 0)
    tail = np.ceil(np.where(valid, lt.adsr[rows, 3], 0.0).max(axis=1) * sr).astype(np.int64) + 1
    length = gate + tail[preset]
    # Each layer's level: the note's, times velocity ** (the layer's brightness exponent).
    gains = np.where(valid[preset], v["amp"][:, None] * np.exp(
        np.log(v["vel"])[:, None] * lt.velocity[rows[preset]]), 0.0).astype(np.float32)
    sounds, pp = np.unique(preset * 128 + v["pitch"], return_inverse=True)
    keys_u, key = np.unique((pp.astype(np.int64) * (1 << 40) + gate) * (FRACTIONS + 1) + frac,
                            return_inverse=True)
    key = key.astype(np.int64)
    key_frac, key_pg = keys_u % (FRACTIONS + 1), keys_u // (FRACTIONS + 1)
    key_pp, key_gate = key_pg >> 40, key_pg & ((1 << 40) - 1)
    key_pre = sounds[key_pp] // 128
    keys = [(int(p), int(g), int(lt.count[pr]), int(g + tail[pr]), int(f))
            for p, g, pr, f in zip(key_pp, key_gate, key_pre, key_frac, strict=True)]
    # Each layer's held level at each distinct note's gate: its release starts there.
    k_adsr = lt.adsr[rows[key_pre]]  # (keys, layers, 4); past a preset's layers unused
    levels = held(np, (key_gate / sr)[:, None], k_adsr[..., 0], k_adsr[..., 1], k_adsr[..., 2])
    freqs, amps, basis, envs = [], [], [], []
    for s in sounds.tolist():
        r = rows[s // 128, :lt.count[s // 128]]
        f, a = _partials(tl, r, s % 128)
        freqs.append(f)
        amps.append(xp.asarray(a, dtype=xp.float32))
        basis.append(_basis(xp, f, sr))
        envs.append(lt.adsr[r])
    pans, row = np.unique(v["pan"], return_inverse=True)
    row = row.astype(np.int64)
    left = BANK_BYTES
    # Recurring chords first (the most samples saved first): each becomes one source.
    chords = sorted(_chords(start, row, key, gains), key=lambda occ: -(len(occ) - 1) * int(
        length[occ[0]].max()) * occ[0].shape[0])
    kept, solo = [], np.ones(start.shape[0], dtype=bool)
    for occ in chords:
        size = int(length[occ[0]].max()) * 4
        if size <= left and size <= 4 * MAX_BANKED:
            kept.append(occ)
            left -= size
            for m in occ:
                solo[m] = False
    # Then, by the renders they save, the notes heard more than once on their own and the
    # oscillators of sounds several such notes share (their envelopes differ: other gates or
    # velocities; a kept note needs no oscillators of its own).
    count = np.bincount(key[solo], minlength=len(keys))
    size_k = np.array([k[2] * k[3] * 4 for k in keys], dtype=np.int64)
    sound_f = pp[solo].astype(np.int64) * (FRACTIONS + 1) + frac[solo]
    uses, at_sound = np.unique(sound_f, return_inverse=True)
    longest = np.zeros(uses.shape[0], dtype=np.int64)
    np.maximum.at(longest, at_sound, length[solo])
    n_uses = np.bincount(at_sound, minlength=uses.shape[0])
    u_pre = sounds[uses // (FRACTIONS + 1)] // 128
    size_o = longest * 4 * lt.count[u_pre]
    if be.name == "numpy":  # HeldTables: products up to the latest gate, partials after the first
        g_0 = np.ceil(gate[solo] - frac[solo] / FRACTIONS).astype(np.int64)
        g_hi, g_lo = np.zeros_like(longest), longest.copy()
        np.maximum.at(g_hi, at_sound, g_0)
        np.minimum.at(g_lo, at_sound, g_0)
        n_groups = np.array([len(set(lt.velocity[rows[p, :lt.count[p]]].tolist()))
                             for p in range(rows.shape[0])], dtype=np.int64)
        held_ok = g_hi <= notetable.CURVE_SAMPLES
        size_o = np.where(held_ok, 4 * (n_groups[u_pre] * g_hi + lt.count[u_pre] * (
            longest - g_lo)), size_o)
    saved = np.concatenate([n_uses - 1, count - 1])  # oscillators first on a tie
    banked, oscs = [], []
    for c in np.argsort(-saved, kind="stable").tolist():
        is_osc = c < uses.shape[0]
        k = c if is_osc else c - uses.shape[0]
        n = int(longest[k]) if is_osc else keys[k][3]
        size = int(size_o[k] if is_osc else size_k[k])
        if saved[c] < 1 or n > MAX_BANKED or size > left:
            continue
        if is_osc:
            span = (int(g_lo[k]), int(g_hi[k])) if be.name == "numpy" and held_ok[k] else None
            oscs.append((int(uses[k]) // (FRACTIONS + 1), int(uses[k]) % (FRACTIONS + 1), n,
                         span))
        else:
            banked.append(k)
        left -= size
    n_k = len(keys)
    idx = np.nonzero(solo)[0]
    c_start = np.array([int(start[m[0]]) for occ in kept for m in occ], dtype=np.int64)
    c_row = np.array([int(row[m[0]]) for occ in kept for m in occ], dtype=np.int64)
    c_src = np.array([n_k + i for i, occ in enumerate(kept) for _ in occ], dtype=np.int64)
    c_len = np.array([int(length[occ[0]].max()) for occ in kept for _ in occ], dtype=np.int64)
    c_gain = np.zeros((c_start.shape[0], n_layers), dtype=np.float32)
    c_gain[:, 0] = 1.0  # a chord is one row, its notes' gains inside
    i_start = np.concatenate([start[idx], c_start])
    order = np.argsort(i_start, kind="stable")
    i_len = np.concatenate([length[idx], c_len])
    all_gains = np.concatenate([gains[idx], c_gain])[order]
    nt = NoteTable(sr, i_start[order], i_len[order], np.concatenate([key[idx], c_src])[order],
                   np.concatenate([row[idx], c_row])[order],
                   xp.asarray(all_gains), all_gains, keys, freqs, amps,
                   basis, envs, {}, int(i_len.max()), pans, {}, {}, levels, {}, {})
    plain = [o for o in oscs if o[3] is None]
    for o, w in zip(plain, mapper(lambda o: oscillators(be, nt, o[0], o[1], 0, o[2]), plain),
                    strict=True):
        nt.oscs[(o[0], o[1])] = w
    nt.held.update(held_tables(be, nt, [(o[0], o[1], *o[3], o[2]) for o in oscs if o[3]],
                                [lt.velocity[rows[sd // 128, :lt.count[sd // 128]]]
                                 for sd in sounds.tolist()], mapper))

    def bank(k: int) -> Any:
        ht = nt.held.get((keys[k][0], keys[k][4]))
        return render_note(be, nt, k, 0, keys[k][3]) if ht is None else from_held(nt, k, ht)

    for k, w in zip(banked, mapper(bank, banked), strict=True):
        if isinstance(w, tuple):  # summed by velocity exponent already
            nt.bank[k], nt.merged[k] = w
        else:
            nt.bank[k] = w

    def chord(occ: list[np.ndarray]) -> Any:
        m = occ[0]
        out = xp.zeros((1, int(length[m].max())), dtype=xp.float32)
        for i in m.tolist():
            k = int(key[i])
            w = nt.bank.get(k)
            w = render_note(be, nt, k, 0, keys[k][3]) if w is None else w
            g = gains[i, :keys[k][2]] if k not in nt.merged else gains[i, nt.merged[k]]
            out[:, :keys[k][3]] = out[:, :keys[k][3]] + xp.asarray(g) @ w
        return out

    for i, w in enumerate(mapper(chord, kept)):
        nt.bank[n_k + i] = w
    if be.name == "numpy":
        _merge_layers(nt, lt.velocity[rows[key_pre]], lt.count[key_pre])
        nt = replace(nt, schedule=schedule(nt))
    return nt


def _merge_layers(nt: NoteTable, exponents: np.ndarray, counts: np.ndarray) -> None:
    """Sum the rows of each kept single note whose layers share a velocity exponent.

    Such layers get the same gain in every note (velocity ** exponent times the note's
    level), so one row and one ``axpy`` serve them all; ``nt.merged[k]`` names the layer
    whose gain weighs each row of note ``k``. (Bowed strings: body and bow share one.)
    ``exponents``: keys x layers, the first ``counts[k]`` of key ``k`` its preset's.
    """
    for k in [k for k in nt.bank if k < len(nt.keys) and k not in nt.merged]:
        e = exponents[k, :counts[k]].tolist()
        groups: dict[float, list[int]] = {}
        for layer, x in enumerate(e):
            groups.setdefault(x, []).append(layer)
        if len(groups) == len(e):
            continue
        w = nt.bank[k]
        rows = []
        for members in groups.values():
            row = w[members[0], :].copy()
            for m in members[1:]:
                row += w[m, :]
            rows.append(row)
        nt.bank[k] = np.stack(rows)
        nt.merged[k] = [members[0] for members in groups.values()]

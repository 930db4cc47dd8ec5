"""The placing schedule: every pitched note as a few flat segments, built once (NumPy).

Placing a note from its sound's :class:`.notetable.HeldTable` is a handful of row operations
(an ``axpy`` per group of layers up to its gate, a product with the release's shape and an
``axpy`` per layer after it), each over a span of samples fixed by the note alone. Working
those spans, weights and source rows out note by note in every time chunk cost more than
the arithmetic on a piece whose notes are all different (the renderer's worst case: onsets,
lengths and velocities nudged). So :func:`schedule` works them out once for all notes, with
array operations per held table, as one flat table of *segments* in the order the notes
are placed; a time chunk selects the segments that overlap it and runs each as one call
(:func:`.placing.add_notes`). A release segment ends where its layer's release shape
reaches zero, not at the note's longest layer's end.

Kept notes (whole rows in :attr:`.notetable.NoteTable.bank`) are one segment per row; a note
that has neither (another namespace's path, or a note past the kept curves) is one segment
that places it the way :mod:`.placing` does without a schedule.

>>> from schillinger_kernel.score import Note, Part, Score
>>> from schillinger_kernel.synth.backend import get_backend
>>> from schillinger_kernel.synth.notes import note_table
>>> from schillinger_kernel.synth.timeline import plan
>>> s = Score(parts=(Part.create("Pno", [Note(i * 480, 200 + 40 * i, 60, 60 + 10 * i)
...                                       for i in range(3)], instrument="piano"),))
>>> sc = note_table(get_backend("numpy"), plan([s], 8000)).schedule
>>> sc.note_ptr.tolist()  # three notes; the hammer layer's release is skipped (settled)
[0, 5, 10, 15]
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import notetable
from .notetable import FRACTIONS, NoteTable, release_curve

__all__ = ["GONE", "Schedule", "schedule"]

GONE = 5e-8  # a decay this far down is taken as its sustain level (see envelopes.SETTLED)


@dataclass(frozen=True)
class Schedule:
    """Segments of the pitched notes, those of note ``i`` at ``note_ptr[i]..note_ptr[i + 1]``.

    Per segment: ``lo``, ``hi`` (its samples on the timeline), ``note`` (its note's index in
    the :class:`.notetable.NoteTable`), ``src`` (index into ``sources`` of the row it reads;
    -1: place the note without a schedule), ``src_at`` (that row's sample at ``lo``), ``env``
    (the release shape it is multiplied by, from its first sample at ``lo``; -1: none),
    ``weight`` (float64) and ``row`` (the mono row it is added into).
    """

    note_ptr: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    note: np.ndarray
    src: np.ndarray
    src_at: np.ndarray
    env: np.ndarray
    weight: np.ndarray
    row: np.ndarray
    sources: tuple[np.ndarray, ...]


def schedule(nt: NoteTable) -> Schedule:
    """The :class:`Schedule` of every note of ``nt`` (a NumPy note table, its held tables and
    bank filled in)."""
    n_notes = nt.start.shape[0]
    sources: list[np.ndarray] = []
    ids: dict[int, int] = {}

    def source(a: np.ndarray) -> int:
        i = ids.get(id(a))
        if i is None:
            i = ids[id(a)] = len(sources)
            sources.append(a)
        return i

    keys = np.array(nt.keys, dtype=np.int64).reshape(-1, 5)
    key = nt.key
    # Batches of segments: note, order within the note, lo, hi, src, src_at, env, weight.
    segs: list[tuple[Any, ...]] = []

    def add(notes: np.ndarray, order: int, lo: np.ndarray, hi: np.ndarray, src: Any,
            src_at: Any, env: Any, w: np.ndarray) -> None:
        m = np.nonzero((hi > lo) & (w != 0.0))[0]
        if m.shape[0]:
            segs.append(tuple(c[m] if isinstance(c, np.ndarray) else np.full(m.shape[0], c)
                              for c in (notes, order, lo, hi, src, src_at, env, w)))

    done = np.zeros(n_notes, dtype=bool)
    # Kept notes: one segment per kept row, weighted by the gain of the layer it stands for.
    by_key = np.argsort(key, kind="stable")
    bounds = np.searchsorted(key[by_key], list(nt.bank) + [k + 1 for k in nt.bank])
    for (k, rows), b0, b1 in zip(nt.bank.items(), bounds[:len(nt.bank)],
                                 bounds[len(nt.bank):], strict=True):
        at = by_key[b0:b1]
        if at.shape[0] == 0:
            continue
        done[at] = True
        layers = nt.merged.get(k, list(range(rows.shape[0])))
        for r, layer in enumerate(layers):
            add(at, r, nt.start[at], nt.start[at] + nt.length[at], source(rows[r]), 0, -1,
                nt.gains_host[at, layer].astype(np.float64))
    if nt.held:
        _held(nt, keys, done, source, add)
    # The rest, one segment each: placed as without a schedule.
    rest = np.nonzero(~done)[0]
    segs.append((rest, np.zeros_like(rest), nt.start[rest], nt.start[rest] + nt.length[rest],
                 np.full(rest.shape[0], -1), np.zeros_like(rest), np.full(rest.shape[0], -1),
                 np.ones(rest.shape[0])))
    note_, order_, lo_, hi_, src_, at_, env_, w_ = (np.concatenate(c) for c in zip(
        *segs, strict=True))
    order = np.lexsort((order_, note_))
    note = note_[order].astype(np.int64)
    return Schedule(np.searchsorted(note, np.arange(n_notes + 1)).astype(np.int64),
                    lo_[order].astype(np.int64), hi_[order].astype(np.int64), note,
                    src_[order].astype(np.int64), at_[order].astype(np.int64),
                    env_[order].astype(np.int64), w_[order].astype(np.float64),
                    nt.row[note].astype(np.int64), tuple(sources))


def _held(nt: NoteTable, keys: np.ndarray, done: np.ndarray, source: Callable[[Any], int],
          add: Callable[..., None]) -> None:
    """The segments of the notes placed from held tables (marked in ``done``): every table's
    groups and layers as rows of small arrays, so that each group and each layer of all the
    notes is one batch of array operations."""
    tables = list(nt.held.items())
    n_g = max(len(ht.groups) for _, ht in tables)
    n_l = max(len(ht.tail) for _, ht in tables)
    n_t = len(tables)
    g_src, g_silent, g_gain = (np.full((n_t, n_g), -1, dtype=np.int64) for _ in range(3))
    l_src, l_from, l_env, l_len = (np.full((n_t, n_l), -1, dtype=np.int64) for _ in range(4))
    l_decays = np.zeros((n_t, n_l), dtype=bool)
    gates = np.zeros((n_t, 2), dtype=np.int64)
    sounding: dict[int, int] = {}
    for t, ((s, frac), ht) in enumerate(tables):
        gates[t] = ht.gates
        for j, (row, members, silent) in enumerate(zip(ht.held, ht.groups, ht.silent,
                                                       strict=True)):
            g_src[t, j], g_silent[t, j], g_gain[t, j] = source(row), silent, members[0]
        for layer, p in enumerate(nt.adsr[s]):
            rc = release_curve(np, nt, float(p[3]), frac,
                               max(1, math.ceil(float(p[3]) * nt.sample_rate) + 2))
            if id(rc) not in sounding:  # the shape falls to exactly 0 and stays there
                sounding[id(rc)] = int(np.count_nonzero(rc))
            l_src[t, layer], l_from[t, layer] = source(ht.tail[layer]), ht.tail_from[layer]
            l_env[t, layer], l_len[t, layer] = source(rc), sounding[id(rc)]
            l_decays[t, layer] = p[2] == 0.0
    codes = np.array([s * (FRACTIONS + 1) + frac for (s, frac), _ in tables], dtype=np.int64)
    by_code = np.argsort(codes)
    at = np.nonzero(~done & (nt.key < keys.shape[0]))[0]
    k = nt.key[at]
    code = keys[k, 0] * (FRACTIONS + 1) + keys[k, 4]
    where = np.minimum(np.searchsorted(codes[by_code], code), n_t - 1)
    tab = by_code[where]
    g0 = np.ceil(keys[k, 1] - keys[k, 4] / FRACTIONS).astype(np.int64)
    fits = (codes[tab] == code) & (g0 >= gates[tab, 0]) & (g0 <= gates[tab, 1]) & (
        g0 <= notetable.CURVE_SAMPLES)
    at, k, tab, g0 = at[fits], k[fits], tab[fits], g0[fits]
    done[at] = True
    start, end = nt.start[at], nt.start[at] + nt.length[at]
    gains = nt.gains_host[at].astype(np.float64)
    rows = np.arange(at.shape[0])
    for j in range(n_g):
        silent = g_silent[tab, j]
        h = np.where(silent < 0, g0, np.minimum(g0, silent))
        w = np.where(g_src[tab, j] >= 0, gains[rows, np.maximum(g_gain[tab, j], 0)], 0.0)
        add(at, j, start, np.minimum(start + h, end), g_src[tab, j], 0, -1, w)
    for layer in range(n_l):
        level = nt.levels[k, layer]
        w = gains[:, layer] * level
        # A layer that decays to silence has nothing left at a gate past its settling.
        w = np.where((l_src[tab, layer] < 0) | (l_decays[tab, layer] & (level < GONE)), 0.0, w)
        lo = start + g0
        add(at, n_g + layer, lo, np.minimum(lo + l_len[tab, layer], end), l_src[tab, layer],
            g0 - l_from[tab, layer], l_env[tab, layer], w)

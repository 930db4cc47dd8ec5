"""Placing pitched notes: each note sounding in a time chunk added into its pan row.

A kept note (:attr:`.notetable.NoteTable.bank`) is added from its rendered rows, one ``axpy``
per row weighted by the note's gain for that layer. On NumPy a note that is not kept is
added without an envelope array: up to its gate a layer's envelope is the curve every note
of that layer and onset place shares (:func:`.notetable.held_curve`), after it the release's
shape (:func:`.notetable.release_curve`) times the level at the gate, so each stretch of a
layer is one product with its oscillator and one ``axpy`` with the number in its weight;
a layer that decays to silence (sustain 0) is left out where its curve is exactly silent.
Where several such notes play one sound, its curves times its oscillators are kept up to the
gates (:class:`.notetable.HeldTable`): up to its gate a note is then one ``axpy`` per group of
layers sharing a velocity exponent, reading one kept row instead of two. On NumPy all of
this is worked out once per note, as the segments of :class:`.schedule.Schedule`, and a time
chunk runs the segments that overlap it (:func:`_run`); only a note with neither kept rows
nor a held table is still placed here note by note (:func:`_place`). Other namespaces add
:func:`.notetable.render_note`'s rows by a product.

>>> import numpy as np
>>> from schillinger_kernel.score import Score
>>> from schillinger_kernel.synth.backend import get_backend
>>> from schillinger_kernel.synth.notes import note_table
>>> from schillinger_kernel.synth.timeline import plan
>>> be = get_backend("numpy")
>>> nt = note_table(be, plan([Score.from_durations((1, 1), pitches=(60, 64))], 8000))
>>> mono = np.zeros((1, 4096), dtype=np.float32)
>>> add_notes(be, nt, mono, 0, 4096), bool(np.abs(mono).max() > 0)
(True, True)
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from typing import Any

import numpy as np

from . import notetable
from .backend import Backend
from .envelopes import settled_at
from .notetable import (
    FRACTIONS,
    NoteTable,
    held_curve,
    oscillators,
    release_curve,
    release_key,
    render_note,
)
from .schedule import GONE as _GONE
from .schedule import Schedule

__all__ = ["add_notes"]

_BUF = threading.local()


def _buffer(n: int) -> np.ndarray:
    """A per-thread float32 work row of ``n`` samples (contents undefined), reused."""
    buf = getattr(_BUF, "row", None)
    if buf is None or buf.shape[0] < n:
        buf = np.empty(max(n, 1 << 16), dtype=np.float32)
        _BUF.row = buf
    return buf[:n]  # type: ignore[no-any-return]


def _place(be: Backend, nt: NoteTable, k: int, a: int, b: int, tgt: np.ndarray,
           gains: np.ndarray, axpy: Callable[..., Any]) -> None:
    """Add samples ``a..b`` of distinct note ``k``, weighted by its layers' ``gains``, into
    ``tgt`` (NumPy, in place): :func:`.notetable.render_note` without its envelope array.

    Up to the gate, a sound with a :class:`.notetable.HeldTable` is one ``axpy`` per group of
    layers from its kept products. Otherwise each layer's envelope is a kept curve times a
    number (the attack-decay-sustain curve up to the gate; the release's shape, times the
    level at the gate, after it), so a layer is one product with its oscillator and one
    ``axpy`` per stretch, the number in its weight.
    """
    s, gate, _n_l, _, frac = nt.keys[k]
    lead = frac / FRACTIONS
    g0 = math.ceil(gate - lead)
    g_at = min(b, max(a, g0))
    # A very long note: its own envelope, as render_note does (the bound read at call time).
    if g_at > notetable.CURVE_SAMPLES:
        seg = render_note(be, nt, k, a, b)
        for layer, g in enumerate(gains[:seg.shape[0]].tolist()):
            if g != 0.0:
                axpy(seg[layer, :], tgt, a=g)
        return
    h, n = g_at - a, b - a
    g_list = gains.tolist()
    ht = nt.held.get((s, frac))
    if ht is not None and g_at <= ht.gates[1] and (b <= g_at or ht.gates[0] <= g_at):
        for row, members, silent in zip(ht.held, ht.groups, ht.silent, strict=True):
            w = g_list[members[0]]
            hl = h if silent < 0 else min(h, max(0, silent - a))
            if w != 0.0 and hl > 0:
                axpy(row[a:a + hl], tgt[:hl], a=w)
        if b > g_at:
            _release(nt, k, [t[g_at - t0:b - t0] for t, t0 in zip(ht.tail, ht.tail_from,
                                                                  strict=True)],
                     g_at, g0, tgt[h:n], g_list, axpy)
        return
    kept = nt.oscs.get((s, frac))
    osc = kept[:, a:b] if kept is not None and kept.shape[1] >= b else \
        oscillators(be, nt, s, frac, a, b)
    buf = _buffer(n)
    curves = nt.curves
    for layer, (g, (p, c_key, _r_key, _rel, settled)) in enumerate(zip(
            g_list, _layer_plan(nt, s, frac), strict=False)):
        if g == 0.0:
            continue
        # A layer that decays to silence is exactly silent in its curve once settled
        # (see envelope) and at its gate's level past that: nothing to add there.
        hl = h if settled < 0 else min(h, max(0, settled - a))
        if hl > 0:
            c = curves.get(c_key)
            if c is None or c.shape[0] < g_at:
                c = held_curve(np, nt, p, frac, g_at)
            np.multiply(c[a:a + hl], osc[layer, :hl], out=buf[:hl])
            axpy(buf[:hl], tgt[:hl], a=g)
    if b > g_at:
        _release(nt, k, osc[:, h:], g_at, g0, tgt[h:n], g_list, axpy)


def _release(nt: NoteTable, k: int, osc: Any, g_at: int, g0: int, tgt: np.ndarray,
             gains: list[float], axpy: Callable[..., Any]) -> None:
    """Add note ``k``'s release from sample ``g_at`` on (``g0``: its first sample at or after
    the gate), ``osc`` its layers' oscillators there, into ``tgt``: per layer one product
    with the release's shape and one ``axpy`` with the level at the gate in its weight."""
    s, _gate, _n_l, _, frac = nt.keys[k]
    levels = nt.levels[k].tolist()
    m = tgt.shape[0]
    buf = _buffer(m)
    curves = nt.curves
    for layer, (g, (_p, _c_key, r_key, rel, settled)) in enumerate(zip(
            gains, _layer_plan(nt, s, frac), strict=False)):
        if g == 0.0 or (settled >= 0 and levels[layer] < _GONE):
            continue
        rc = curves.get(r_key)
        if rc is None or rc.shape[0] < g_at + m - g0:
            rc = release_curve(np, nt, rel, frac, g_at + m - g0)
        np.multiply(rc[g_at - g0:g_at + m - g0], osc[layer][:m], out=buf)
        axpy(buf, tgt, a=g * levels[layer])


def _layer_plan(nt: NoteTable, s: int, frac: int) -> list[tuple[np.ndarray, tuple[bytes, int],
                                                                 tuple[bytes, int], float, int]]:
    """Per layer of sound ``s`` at onset place ``frac``: its ADSR row, the keys of its kept
    curve and release shape, its release (seconds), and the sample where a layer that decays
    to silence has settled (-1 for a layer that sustains); kept."""
    got = nt.plans.get((s, frac))
    if got is None:
        lead = frac / FRACTIONS
        got = [(p, (p.tobytes(), frac), release_key(float(p[3]), frac), float(p[3]),
                settled_at(p, lead, nt.sample_rate) if p[2] == 0.0 else -1)
               for p in nt.adsr[s]]
        nt.plans[(s, frac)] = got
    return got


def _axpy() -> Callable[..., Any]:
    """BLAS ``saxpy``: ``y += a x`` in place on contiguous float32 vectors."""
    from scipy.linalg.blas import saxpy

    return saxpy  # type: ignore[no-any-return]


def add_notes(be: Backend, nt: NoteTable, mono: Any, s0: int, s1: int) -> bool:
    """Add every note sounding in samples ``s0..s1`` into ``mono`` (rows x (s1 - s0)).

    Returns whether any note sounded there.
    """
    lo, hi = np.searchsorted(nt.start, [s0 - nt.longest + 1, s1]).tolist()
    if nt.schedule is not None and be.name == "numpy":
        return _run(be, nt, nt.schedule, mono, s0, s1, lo, hi)
    start, length = nt.start[lo:hi], nt.length[lo:hi]
    here = np.nonzero(start + length > s0)[0]
    if here.shape[0] == 0:
        return False
    a = np.maximum(s0 - start[here], 0)
    b = np.minimum(s1 - start[here], length[here])
    x0 = start[here] + a - s0
    axpy = _axpy() if be.name == "numpy" else None
    for i, j, p, q, x, r in zip((here + lo).tolist(), nt.key[here + lo].tolist(), a.tolist(),
                                b.tolist(), x0.tolist(), nt.row[here + lo].tolist(),
                                strict=True):
        w = nt.bank.get(j)
        if w is None and axpy is not None:
            _place(be, nt, j, p, q, mono[r, x:x + q - p], nt.gains_host[i], axpy)
            continue
        seg = w[:, p:q] if w is not None else render_note(be, nt, j, p, q)
        if axpy is not None:
            # Layer by layer, in place: one pass over the row per layer, no temporary.
            tgt = mono[r, x:x + q - p]
            g_row = nt.gains_host[i].tolist()
            for row, layer in enumerate(nt.merged.get(j, range(seg.shape[0]))):
                if g_row[layer] != 0.0:
                    axpy(seg[row, :], tgt, a=g_row[layer])
        else:
            mono[r, x:x + q - p] = mono[r, x:x + q - p] + nt.gains[i, :seg.shape[0]] @ seg
    return True



def _run(be: Backend, nt: NoteTable, sc: Schedule, mono: np.ndarray, s0: int, s1: int,
         lo: int, hi: int) -> bool:
    """:func:`add_notes` from the schedule (NumPy): the segments of notes ``lo..hi`` that
    overlap samples ``s0..s1``, each one ``axpy`` (a release: after one product with its
    shape), in the order the notes are placed."""
    p0, p1 = sc.note_ptr[lo], sc.note_ptr[hi]
    at = np.nonzero((sc.lo[p0:p1] < s1) & (sc.hi[p0:p1] > s0))[0] + p0
    if at.shape[0] == 0:
        return False
    a = np.maximum(sc.lo[at], s0)
    n = np.minimum(sc.hi[at], s1) - a
    skip = a - sc.lo[at]
    axpy, mul = _axpy(), np.multiply
    src, rows = sc.sources, list(mono)
    buf = _buffer(int(n.max()))
    for i, j, x, e, xe, m, w, r, t in zip(
            sc.note[at].tolist(), sc.src[at].tolist(), (sc.src_at[at] + skip).tolist(),
            sc.env[at].tolist(), skip.tolist(), n.tolist(), sc.weight[at].tolist(),
            sc.row[at].tolist(), (a - s0).tolist(), strict=True):
        if e >= 0:
            mul(src[e][xe:xe + m], src[j][x:x + m], out=buf[:m])
            axpy(buf[:m], rows[r][t:t + m], a=w)
        elif j >= 0:
            axpy(src[j][x:x + m], rows[r][t:t + m], a=w)
        else:  # placed as without a schedule
            a_n = t + s0 - int(nt.start[i])
            _place(be, nt, int(nt.key[i]), a_n, a_n + m, rows[r][t:t + m], nt.gains_host[i],
                   axpy)
    return True

"""Envelopes and the blocks where they bend, rendered sample by sample.

The engine (:mod:`.engine`) ramps every envelope linearly between the edges of its blocks of
:data:`~.timeline.BLOCK` samples and sums the partials by block GEMMs. That is exact on a
linear attack or a held note, but not across an envelope's bends: the onset (silence, then
the attack), and where a segment is short against a block, the peak, the gate and the end of
the release and the blocks after a fast decay or release starts. :func:`bend_blocks` finds
those blocks for each voice-layer; the engine leaves them out of its GEMMs,
:func:`render_bends` renders them from the exact envelope times the voice-layer's own
partials, and :func:`add_bends` adds them into the engine's mono rows. Written against an
array namespace ``xp``, like the engine.

>>> import numpy as np
>>> t = np.array([0.0, 0.001, 0.002, 0.5, 0.55, 0.6])  # seconds after the onset
>>> adsr(np, t, gate=0.5, a=0.002, d=0.1, s=0.5, r=0.1).round(3).tolist()
[0.0, 0.5, 1.0, 0.5, 0.063, 0.0]
>>> kb, fresh = bend_blocks(np, 256 / 48000, np.array([0.001]), np.array([[0.002, 0.1, 0.5,
...                         0.03]]), np.array([0.5]), np.array([200]))
>>> kb[fresh].tolist()  # onset and peak share block 0; gate, the next (fast release), end
[0, 93, 94, 99]
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .backend import Backend
from .timeline import BLOCK, Timeline

__all__ = ["CANDIDATES", "CURVED", "add_bends", "adsr", "bend_blocks", "held", "render_bends",
           "take", "unit"]


def held(xp: Any, u: Any, a: Any, d: Any, s: Any) -> Any:
    """Attack-decay-sustain level ``u`` seconds after onset, the key still down."""
    decay = s + (1.0 - s) * xp.exp(-5.0 * xp.maximum(u - a, 0.0) / d)
    return xp.where(u < a, u / a, decay)


def adsr(xp: Any, t: Any, gate: Any, a: Any, d: Any, s: Any, r: Any,
          at_gate: Any | None = None) -> Any:
    """ADSR level at time ``t`` after onset for a note held ``gate`` seconds.

    ``at_gate``: the held level at ``gate`` when already known (``held(xp, gate, a, d, s)``).
    """
    if at_gate is None:
        at_gate = held(xp, gate, a, d, s)
    rel = xp.clip(1.0 - (t - gate) / r, 0.0, 1.0)
    return xp.where(t < gate, held(xp, t, a, d, s), at_gate * rel * rel * rel)


def take(xp: Any, a: Any, i: Any) -> Any:
    """Rows ``i`` of ``a`` (``xp.take`` along the first axis)."""
    return xp.take(a, i, axis=0)


def unit(xp: Any, cycles: Any) -> Any:
    """``exp(2 pi i cycles)`` as complex64, reduced in float64 first (long pieces stay exact)."""
    th = (cycles - xp.floor(cycles)) * (2.0 * math.pi)
    return xp.astype(xp.astype(xp.cos(th), xp.complex128) + 1j * xp.astype(xp.sin(th),
                                                                            xp.complex128),
                     xp.complex64)


CANDIDATES = 6  # candidate blocks per voice-layer (see render_bends)
CURVED = 8.0  # decays and releases shorter than this many blocks bend within one


def bend_blocks(xp: Any, tb: float, lead: Any, params: Any, gate: Any, n_blocks: Any
                ) -> tuple[Any, Any]:
    """The blocks (counted from each voice-layer's first) where its envelope bends.

    ``tb``: seconds per block; per voice-layer, ``lead``: its onset in seconds after its
    first block starts, ``params``: (attack, decay, sustain, release) rows, ``gate``: seconds
    held, ``n_blocks``: blocks it sounds in. The candidates are the block of the onset; of
    the peak where the attack or the decay is shorter than :data:`CURVED` blocks, and the
    next block where the decay is; of the gate, the next one and the end of the release where
    the release is. Returns ``(voices,
    CANDIDATES)`` block numbers, sorted per row, and a mask that is False on repeats.
    """
    a, d, r = params[:, 0], params[:, 1], params[:, 3]
    peak, off = lead + a, lead + gate
    fast_d, fast_r = d < CURVED * tb, r < CURVED * tb
    # Slow segments meet almost smoothly (a cubic release ends flat): their blocks are left to
    # the ramps; those candidates repeat the onset and are dropped.
    times = xp.stack([lead, xp.where(fast_d | (a < CURVED * tb), peak, lead),
                      xp.where(fast_d, peak + tb, lead), xp.where(fast_r, off, lead),
                      xp.where(fast_r, off + tb, lead), xp.where(fast_r, off + r, lead)], axis=1)
    kb = xp.sort(xp.minimum(xp.astype(xp.floor(times / tb), xp.int64),
                            xp.reshape(n_blocks - 1, (-1, 1))), axis=1)
    fresh = xp.concat([xp.ones((kb.shape[0], 1), dtype=xp.bool),
                       kb[:, 1:] != kb[:, :-1]], axis=1)
    return kb, fresh


def render_bends(be: Backend, tl: Timeline, vl: dict[str, Any], sel: Any, kb: Any,
                 fresh: Any, c0: int, c1: int, pans: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, Any] | None:
    """The blocks c0..c1 where an envelope bends (see :func:`bend_blocks`), rendered per sample.

    ``vl``: the engine's voice-layer and lane tables, ``sel``: the voice-layers sounding in
    the chunk, ``kb``, ``fresh``: their :func:`bend_blocks`, ``pans``: the chunk's pan
    positions (host). The GEMMs leave these blocks out; here each is the exact envelope times
    the voice-layer's own partials (phase from the score's start, as in the GEMMs), so a voice
    is silent to the last sample before its onset. Returns, sorted by block, each block's row
    within the chunk (host), its pan position's index into ``pans`` (host) and its samples
    ``(blocks, BLOCK)``; None when no bend falls in the chunk.
    """
    xp = be.xp
    tb = BLOCK / tl.sample_rate
    on_s = take(xp, vl["on"], sel)
    lead = take(xp, vl["lead"], sel)
    params = take(xp, vl["adsr"], sel)
    gate = take(xp, vl["gate"], sel)
    absb = xp.reshape(on_s, (-1, 1)) + kb
    flat = xp.nonzero(xp.reshape(fresh & (absb >= c0) & (absb < c1), (-1,)))[0]
    if flat.shape[0] == 0:
        return None
    # In the order of their blocks, the order the slices of the chunk take them in.
    by_row = np.argsort(be.to_numpy(take(xp, xp.reshape(absb, (-1,)), flat)), kind="stable")
    flat = take(xp, flat, xp.asarray(by_row))
    vs = flat // CANDIDATES  # the voice-layer (index into sel) of each bent block
    k = take(xp, xp.reshape(kb, (-1,)), flat)
    # The exact envelope at the block's samples, times the note's level.
    since = xp.reshape(xp.astype(k, xp.float32) * tb - take(xp, lead, vs), (-1, 1)) + \
        xp.reshape(xp.astype(xp.arange(BLOCK), xp.float32) / tl.sample_rate, (1, -1))
    a_k, g_k = take(xp, params, vs), take(xp, gate, vs)
    col = [xp.reshape(v, (-1, 1)) for v in (g_k, a_k[:, 0], a_k[:, 1], a_k[:, 2], a_k[:, 3])]
    res = adsr(xp, xp.maximum(since, 0.0), *col) * xp.reshape(
        take(xp, take(xp, vl["amp"], sel), vs), (-1, 1))
    # The lane's partials over the block: per lane, one batched product of its bent blocks'
    # coefficients (amplitude x phase at the block's start) and its columns' basis.
    lane = take(xp, take(xp, vl["lane"], sel), vs)
    b_abs = be.to_numpy(take(xp, on_s, vs) + k)
    score = np.searchsorted(tl.block_start, b_abs, side="right") - 1
    lag = xp.asarray((b_abs - tl.block_start[score]) * tb, dtype=xp.float64)
    lane_host = be.to_numpy(lane)
    n_p = int(vl["lane_n"][lane_host].max())  # partials of the richest lane here (P)
    cols = take(xp, vl["lane_cols"], lane)[:, :n_p]  # (K, P)
    n_k = cols.shape[0]
    z = unit(xp, xp.reshape(take(xp, vl["freqs"], xp.reshape(cols, (-1,))), (n_k, n_p)) *
             xp.reshape(lag, (-1, 1))) * xp.astype(take(xp, vl["lane_amps"], lane)[:, :n_p],
                                                    xp.complex64)
    coef = xp.reshape(xp.stack([xp.real(z), xp.imag(z)], axis=2), (n_k, 2 * n_p))
    lanes_k, inv = xp.unique_inverse(lane)
    order = xp.argsort(inv, stable=True)
    inv_s = take(xp, inv, order)
    n_u = lanes_k.shape[0]
    # Slot of each bent block among its lane's: the rows of a (lanes, depth, 2P) stack.
    slot_s = xp.arange(n_k, dtype=xp.int64) - take(xp, xp.searchsorted(
        inv_s, xp.arange(n_u, dtype=inv_s.dtype), side="left"), inv_s)
    depth = int(xp.max(slot_s)) + 1
    at = take(xp, inv_s * depth + slot_s, xp.argsort(order))  # each bent block's row
    two_p = 2 * n_p
    if be.name == "numpy":
        padded = np.zeros((n_u * depth, two_p), dtype=np.float32)
        padded[at] = coef
    else:
        idx = xp.reshape(xp.reshape(at * two_p, (-1, 1)) + xp.reshape(
            xp.arange(two_p, dtype=xp.int64), (1, -1)), (-1,))
        padded = be.scatter_add(n_u * depth * two_p, idx, xp.reshape(coef, (-1,)))
    padded = xp.reshape(padded, (n_u, depth, two_p))
    basis = xp.reshape(take(xp, vl["level"], xp.reshape(
        take(xp, vl["lane_cols"], lanes_k)[:, :n_p], (-1,))), (n_u, two_p, BLOCK))
    wave = take(xp, xp.reshape(padded @ basis, (n_u * depth, BLOCK)), at)
    pan_i = np.minimum(np.searchsorted(pans, vl["lane_pan"][lane_host]),
                       pans.shape[0] - 1)
    return b_abs - c0, pan_i, wave * res


def add_bends(be: Backend, bent: tuple[np.ndarray, np.ndarray, Any], mono: Any, r0: int,
              r1: int) -> None:
    """Add the bent blocks (see :func:`render_bends`) of rows r0..r1 into ``mono``.

    ``mono``: the engine's (pan positions, r1 - r0, BLOCK) rows of a slice of its chunk.
    """
    xp = be.xp
    rows, pan_i, samples = bent
    lo, hi = np.searchsorted(rows, [r0, r1]).tolist()
    if hi == lo:
        return
    n = r1 - r0
    target = pan_i[lo:hi] * n + rows[lo:hi] - r0  # row of mono seen as (pans * n, BLOCK)
    part = samples[lo:hi, :]
    if be.name == "numpy":
        np.add.at(mono.reshape(-1, BLOCK), target, part)  # a view: mono is contiguous scratch
        return
    n_p = int(pan_i.max()) + 1
    idx = xp.reshape(xp.reshape(xp.asarray(target) * BLOCK, (-1, 1)) + xp.reshape(
        xp.arange(BLOCK, dtype=xp.int64), (1, -1)), (-1,))
    add = xp.reshape(be.scatter_add(n_p * n * BLOCK, idx, xp.reshape(part, (-1,))),
                     (n_p, n, BLOCK))
    mono[:n_p, :, :] = mono[:n_p, :, :] + add

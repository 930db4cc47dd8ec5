"""The synthesis engine: scores to stereo float32 audio, written once against ``xp``.

How it works (no Python loop over notes or samples on the hot path):

1. **Plan** (host, NumPy; :mod:`.timeline`): every note of every part becomes one row of a
   few flat arrays (onset, gate, pitch, velocity x gain x pan, preset); drum notes become hits.
   Many scores are laid one after another on one timeline, so a batch renders in one call.
2. **Voice-layers** (``xp``): each note is expanded into the layers of its preset; each layer of
   each pitch is a *lane* whose spectrum (partial frequencies x amplitudes) is one row of a lane
   matrix ``H`` (lanes x columns); a column is one distinct (pan position, partial frequency).
3. **Envelopes** (``xp``): time is cut into blocks of :data:`BLOCK` samples. The exact ADSR
   value of every voice-layer at every block edge is computed on one flat array (segment ids
   from the backend) and scatter-added into an envelope matrix ``E`` (blocks x start level |
   ramp x lanes): within a block the level ramps linearly. The few blocks where an envelope
   bends (its onset, peak, gate and end of release, and the block after a fast decay's or
   release's start) are left out of ``E`` and rendered sample by sample instead (:mod:`.bends`):
   the exact envelope times the voice-layer's own partials, so every note starts on its
   sample and a 2 ms attack lasts 2 ms at any sample rate.
4. **Oscillators by matrix product** (``xp``): ``A = E @ H`` gives the amplitude of every partial
   frequency in every block. The oscillator phase at each block edge (free-running oscillators,
   phase measured from the score's start) is a precomputed rotation since the chunk's start
   times the phase there. Amplitude times phase makes a coefficient matrix, and per pan position
   one GEMM ``C @ basis`` (basis = sin, cos, ramp*sin, ramp*cos of each column's frequency over
   one block) sums that position's partials in mono: amplitude ramps are linear within a block,
   partials exact. Only the columns sounding in a chunk enter its GEMMs.
5. **Bends**: the per-sample blocks of step 3 are added into the mono rows of their pan
   positions after the GEMMs.
6. **Drums**: the hits sounding in a chunk (those that started earlier and still ring too) are
   added at their exact sample positions into a mono row per pan position.
7. **Pan**: one small product takes the mono rows (pitched and drums) to left and right, written
   straight into the output, where the soft limit runs while the slice is still in cache.

Time is processed in chunks of :data:`CHUNK_BLOCKS` blocks (:data:`GPU_CHUNK_BLOCKS` off the
CPU), each complete on its own, so memory stays bounded and on the CPU worker threads share
them; within a chunk the work goes by row slices of :data:`SLICE_BLOCKS` blocks, each with
only the columns sounding in it, so the arrays stay in cache and a short note's partials cost
only the slices it sounds in.

>>> from schillinger_kernel.score import Score
>>> from schillinger_kernel.synth.backend import get_backend
>>> tl = plan([Score.from_durations((2, 1, 1), pitches=(60, 64, 67))], 8000)
>>> y = synthesize(tl, get_backend("numpy"))
>>> y.shape[1], y.dtype
(2, dtype('float32'))
"""

from __future__ import annotations

import contextlib
import math
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from ..dsp.threads import cpu_threads  # shared with io.audio's exporter
from .backend import Backend
from .bends import add_bends, bend_blocks, render_bends
from .bends import adsr as _adsr
from .bends import held as _held
from .bends import take as _take
from .bends import unit as _unit
from .presets import DRUM_KINDS, drum_template
from .timeline import BLOCK, Timeline, plan, resolve_presets, tail_seconds

__all__ = ["BLOCK", "Timeline", "chunk_blocks", "cpu_threads", "plan", "resolve_presets",
           "soft_limit", "synthesize", "tail_seconds"]

CHUNK_BLOCKS = 768  # on the CPU: a chunk's matrices stay in cache
GPU_CHUNK_BLOCKS = 8192  # on a GPU: fewer, larger kernels
SLICE_BLOCKS = 64  # on the CPU: blocks per GEMM slice, each with only its sounding columns
_PAN_KEY = 1 << 32  # column key: pan index * _PAN_KEY + frequency in mHz


# ----- the array code (xp only from here on) ------------------------------------------------
_SCRATCH = threading.local()


def _scratch(be: Backend, name: str, shape: tuple[int, ...]) -> Any:
    """A float32 work array of ``shape``, contents undefined.

    On NumPy it is a per-thread buffer reused from chunk to chunk: fresh arrays of this size
    come from the kernel a page fault at a time, which cost as much as the arithmetic.
    """
    if be.name != "numpy":
        return be.xp.empty(shape, dtype=be.xp.float32)
    size = math.prod(shape)
    bufs = _SCRATCH.__dict__.setdefault("bufs", {})
    if name not in bufs or bufs[name].size < size:
        bufs[name] = np.empty(size, dtype=np.float32)
    return bufs[name][:size].reshape(shape)


def _lanes(be: Backend, tl: Timeline) -> dict[str, Any] | None:
    """Expand voices into voice-layers and build the lane x frequency matrices (L and R)."""
    xp = be.xp
    v = tl.voices
    if v["on"].shape[0] == 0:
        return None
    lt = tl.layers
    preset = xp.asarray(v["preset"])
    count = _take(xp, xp.asarray(lt.count), preset)
    n_vl = int(lt.count[v["preset"]].sum())
    vid = be.segment_ids(count, n_vl)
    offs = xp.cumulative_sum(count) - count
    row = _take(xp, _take(xp, xp.asarray(lt.first), preset), vid) + (
        xp.arange(n_vl, dtype=xp.int64) - _take(xp, offs, vid))
    # Block edges sample the exact envelope; the blocks where it bends (see render_bends) are
    # corrected sample by sample, so onsets and short attacks keep their time to the sample.
    tb = BLOCK / tl.sample_rate
    adsr = _take(xp, xp.asarray(lt.adsr, dtype=xp.float32), row)
    gate = _take(xp, xp.asarray(v["gate"], dtype=xp.float32), vid)
    lead = _take(xp, xp.asarray(v["lead"], dtype=xp.float32), vid)
    nblk = xp.astype(xp.ceil((lead + gate + adsr[:, 3]) / tb), xp.int64) + 1
    pitch = _take(xp, xp.asarray(v["pitch"]), vid)
    pan = _take(xp, xp.asarray(v["pan"]), vid)
    n_rows = int(lt.adsr.shape[0])
    # A lane is one (pan position, preset layer, pitch): voices in a lane share oscillators.
    lanes, lane_of = xp.unique_inverse((pan * n_rows + row) * 128 + pitch)
    l_pan, l_row = lanes // (128 * n_rows), (lanes // 128) % n_rows
    l_pitch = xp.astype(lanes % 128, xp.float64)
    f0 = 440.0 * 2.0 ** ((l_pitch - 69.0) / 12.0)
    fixed = xp.reshape(_take(xp, xp.asarray(lt.fixed), l_row), (-1, 1))  # noise: Hz already
    freq = (xp.reshape(f0, (-1, 1)) * (1.0 - fixed) + fixed) * _take(xp, xp.asarray(lt.ratios),
                                                                      l_row)
    freq = freq + xp.reshape(_take(xp, xp.asarray(lt.shift), l_row), (-1, 1))  # sidebands
    amp = _take(xp, xp.asarray(lt.amps), l_row)
    # A layer's low-pass is fixed in Hz: the higher the note, the fewer strong partials.
    cut = xp.reshape(_take(xp, xp.asarray(lt.cutoff), l_row), (-1, 1))
    has_cut = cut > 0
    rel = freq / xp.where(has_cut, cut, 1.0)
    amp = amp * xp.where(has_cut, 1.0 / xp.sqrt(1.0 + rel * rel * rel * rel), 1.0)
    # Partials 40 dB under the loudest of their lane are dropped (fewer oscillators).
    floor = 1e-2 * xp.max(amp, axis=1, keepdims=True)
    ok = xp.reshape((freq > 0) & (freq < 0.45 * tl.sample_rate) & (amp > floor), (-1,))
    keep = xp.nonzero(ok)[0]
    width = freq.shape[1]
    f_flat = _take(xp, xp.reshape(freq, (-1,)), keep)
    # A column is one (pan position, partial frequency in mHz): lanes share its oscillator.
    key = _take(xp, l_pan, keep // width) * _PAN_KEY + xp.astype(xp.round(f_flat * 1000.0),
                                                                   xp.int64)
    cols, c_of = xp.unique_inverse(key)
    n_lanes, n_c = lanes.shape[0], cols.shape[0]
    h = xp.reshape(be.scatter_add(n_lanes * n_c, (keep // width) * n_c + c_of,
                                  _take(xp, xp.reshape(amp, (-1,)), keep)), (n_lanes, n_c))
    freqs = xp.astype(cols % _PAN_KEY, xp.float64) / 1000.0
    # Each lane's partials as a padded row of (column, amplitude), for render_bends.
    keep_h, c_h = be.to_numpy(keep), be.to_numpy(c_of)
    lane_h = keep_h // width
    rank = np.arange(keep_h.shape[0]) - np.searchsorted(lane_h, lane_h, side="left")
    n_part = int(rank.max(initial=0)) + 1
    lane_cols = np.zeros((n_lanes, n_part), dtype=np.int64)
    lane_cols[lane_h, rank] = c_h
    lane_amps = np.zeros((n_lanes, n_part), dtype=np.float32)
    lane_amps[lane_h, rank] = be.to_numpy(_take(xp, xp.reshape(amp, (-1,)), keep))
    basis = _basis(xp, freqs, tl.sample_rate)
    return {"lane_cols": xp.asarray(lane_cols), "lane_amps": xp.asarray(lane_amps),
            "lane_pan": be.to_numpy(l_pan),  # (lanes,) pan position (host)
            "lane_n": np.bincount(lane_h, minlength=n_lanes),  # (lanes,) partials (host)
            "on": _take(xp, xp.asarray(v["on"]), vid), "nblk": nblk, "gate": gate, "lead": lead,
            # onsets on the host (sorted) and the longest voice-layer, for the chunks' search
            "on_host": np.repeat(v["on"], lt.count[v["preset"]]), "longest": int(xp.max(nblk)),
            "adsr": adsr, "lane": lane_of,
            # The note's level, times velocity ** (the layer's brightness exponent): upper
            # partials grow faster than the body, so a forte is brighter, not only louder.
            "amp": xp.astype(_take(xp, xp.asarray(v["amp"]), vid) * xp.exp(
                xp.log(_take(xp, xp.asarray(v["vel"]), vid)) *
                _take(xp, xp.asarray(lt.velocity), row)), xp.float32),
            "H": h,  # (lanes, C): amplitude of each column's partial in each lane
            "freqs": freqs,  # (C,) Hz
            "col_pan": be.to_numpy(cols // _PAN_KEY),  # (C,) pan position (host)
            "gains": xp.asarray(tl.pans.T, dtype=xp.float32),  # (2, pans): left, right
            # Oscillator rotation j blocks into a chunk, a unit complex number per column.
            "rot": _rotations(xp, freqs, tb, chunk_blocks(be)),  # (C, chunk blocks)
            "basis": basis,  # (C, level|ramp, cos|sin phi, BLOCK)
            # The level half of each column's basis as one contiguous row: render_bends' input.
            "level": xp.reshape(basis[:, 0, :, :], (basis.shape[0], 2 * BLOCK))}


def _rotations(xp: Any, freqs: Any, step: float, n: int) -> Any:
    """``exp(2 pi i f step j)`` for each frequency and ``j < n``: (F, n) complex64.

    Coarse (every 32 steps) times fine factors: a tenth of the transcendentals, each factor
    exact in float64 before it is rounded to complex64.
    """
    n_coarse = -(-n // 32)
    f_col = xp.reshape(freqs, (-1, 1, 1))
    coarse = _unit(xp, f_col * xp.reshape(xp.astype(xp.arange(n_coarse), xp.float64) * (32 * step),
                                          (1, -1, 1)))
    fine = _unit(xp, f_col * xp.reshape(xp.astype(xp.arange(32), xp.float64) * step, (1, 1, -1)))
    return xp.reshape(coarse * fine, (freqs.shape[0], n_coarse * 32))[:, :n]


def chunk_blocks(be: Backend) -> int:
    """Blocks per time chunk on this backend."""
    return CHUNK_BLOCKS if be.name == "numpy" else GPU_CHUNK_BLOCKS


def _pitched(be: Backend, tl: Timeline, vl: dict[str, Any], c0: int, c1: int
             ) -> dict[str, Any] | None:
    """The oscillator GEMMs' operands for the pitched voices sounding in blocks c0..c1.

    Column-major, so each column's blocks are contiguous: ``amps`` (column, level | ramp, 1,
    block), ``phase`` (column, 1, cos | sin, block), the columns' indices into the lane
    matrix's (``used``, host, sorted by pan) and pan positions (``pan_of``, host), the pan
    positions sounding (``pans``, host) and their ``gains`` (2, pans); None when nothing
    sounds.
    """
    xp = be.xp
    nb = c1 - c0
    # Voice-layers are sorted by onset: those sounding here start in the window below.
    lo, hi = np.searchsorted(vl["on_host"], [c0 - vl["longest"] + 1, c1]).tolist()
    on, nblk = vl["on"], vl["nblk"]
    sel = xp.nonzero(on[lo:hi] + nblk[lo:hi] > c0)[0] + lo
    if sel.shape[0] == 0:
        return None
    on_s, n_s = _take(xp, on, sel), _take(xp, nblk, sel)
    k0 = xp.maximum(c0 - on_s, 0)
    cnt = xp.minimum(c1 - on_s, n_s) - k0
    total = int(xp.sum(cnt))
    seg = be.segment_ids(cnt, total)
    n_sel = sel.shape[0]
    # The ADSR level at the cnt + 1 block edges of each voice-layer, computed once: a block's
    # start level is its first edge, its ramp the difference to the next.
    seg1 = be.segment_ids(cnt + 1, total + n_sel)
    offs1 = xp.cumulative_sum(cnt + 1) - (cnt + 1)
    edge = _take(xp, k0, seg1) + xp.arange(total + n_sel, dtype=xp.int64) - _take(xp, offs1, seg1)
    tb = BLOCK / tl.sample_rate
    adsr = _take(xp, vl["adsr"], sel)
    gate = _take(xp, vl["gate"], sel)
    a, d, s, r = adsr[:, 0], adsr[:, 1], adsr[:, 2], adsr[:, 3]
    at_gate = _held(xp, gate, a, d, s)
    # Time since the onset at each edge: the first block ramps up from the exact onset.
    since = xp.astype(edge, xp.float32) * tb - _take(xp, _take(xp, vl["lead"], sel), seg1)
    lvl = _adsr(xp, xp.maximum(since, 0.0), *(_take(xp, v, seg1) for v in (
        gate, a, d, s, r, at_gate)))
    pos = xp.arange(total, dtype=xp.int64) + seg  # edge of each block's start
    k = _take(xp, edge, pos)
    blk = _take(xp, on_s, seg) + k - c0  # row within the chunk
    # Blocks where an envelope bends are left out of the GEMMs: render_bends renders them.
    kb, fresh = bend_blocks(xp, tb, _take(xp, vl["lead"], sel), adsr, gate, n_s)
    rel = kb - xp.reshape(k0, (-1, 1))  # the bent blocks' places in each voice's run here
    here = xp.reshape(fresh & (rel >= 0) & (rel < xp.reshape(cnt, (-1, 1))), (-1,))
    at_bent = xp.take(xp.reshape(rel + xp.reshape(xp.cumulative_sum(cnt) - cnt, (-1, 1)), (-1,)),
                      xp.nonzero(here)[0])
    g = _take(xp, _take(xp, vl["amp"], sel), seg)
    g = g * (1.0 - xp.minimum(be.scatter_add(total, at_bent, xp.ones(at_bent.shape[0],
                                                                      dtype=xp.float32)), 1.0))
    e0 = _take(xp, lvl, pos)
    e1 = _take(xp, lvl, pos + 1) - e0
    lanes_c, lane_c = xp.unique_inverse(_take(xp, vl["lane"], sel))
    n_l = lanes_c.shape[0]
    at = _take(xp, lane_c, seg) * (2 * nb) + blk
    # Envelope matrix E: (lane, start level | ramp, block), velocity and part gain included.
    env = xp.reshape(be.scatter_add(nb * 2 * n_l, xp.concat([at, at + nb]),
                                    xp.concat([e0 * g, e1 * g])), (n_l, 2 * nb))
    # The columns (pan, partial frequency) sounding in this chunk and their amplitude in each
    # block: A = H^T @ E, (column, level | ramp, 1, block).
    h = _take(xp, vl["H"], lanes_c)
    used = xp.nonzero(xp.sum(h, axis=0) > 0)[0]
    n_c = used.shape[0]
    amps = xp.reshape(xp.matrix_transpose(xp.take(h, used, axis=1)) @ env, (n_c, 2, 1, nb))
    # Oscillator phase at each block edge, measured from the start of the row's score, as
    # (cos, sin) pairs: the rotation since c0 times the phase at c0 (per score in the chunk).
    first, last = np.searchsorted(tl.block_start, [c0, c1 - 1], side="right") - 1
    if first == last:  # one score (the rows of other scores need their own phase at c0)
        scores, row_of = np.array([first]), np.zeros(0, dtype=np.int64)
    else:
        rows_score = np.searchsorted(tl.block_start, np.arange(c0, c1), side="right") - 1
        scores, row_of = np.unique(rows_score, return_inverse=True)
    lag = xp.asarray((c0 - tl.block_start[scores]) * tb, dtype=xp.float64)
    freqs = xp.reshape(_take(xp, vl["freqs"], used), (1, -1))
    at_c0 = _unit(xp, xp.reshape(freqs, (-1, 1)) * xp.reshape(lag, (1, -1)))  # (C, scores)
    if scores.shape[0] > 1:
        at_c0 = xp.take(at_c0, xp.asarray(row_of.reshape(-1)), axis=1)
    z = _take(xp, vl["rot"], used)[:, :nb] * at_c0
    phase = xp.stack([xp.real(z), xp.imag(z)], axis=1)[:, None, :, :]  # (n_c, 1, cos|sin, nb)
    # Columns are sorted by pan: each pan position is one run of them, summed in mono by its
    # own GEMMs and panned at the end (half the work of one stereo GEMM).
    used_host = be.to_numpy(used)
    pan_of = vl["col_pan"][used_host]
    pans = np.unique(pan_of)
    gains = xp.take(vl["gains"], xp.asarray(pans), axis=1)  # (2, pans in chunk)
    return {"amps": amps, "phase": phase, "used": used_host, "pan_of": pan_of, "pans": pans,
            "gains": gains, "bent": render_bends(be, tl, vl, sel, kb, fresh, c0, c1, pans)}


def _basis(xp: Any, freqs: Any, sr: int) -> Any:
    """(F, 2, 2, BLOCK): [sin, cos] and ramp * [sin, cos] of each frequency over one block.

    ``cos(phi)`` pairs with ``sin(w tau)`` and ``sin(phi)`` with ``cos(w tau)``: their sum is
    ``sin(phi + w tau)``.
    """
    z = _rotations(xp, freqs, 1.0 / sr, BLOCK)  # exp(i w tau)
    sc = xp.stack([xp.imag(z), xp.real(z)], axis=1)  # (F, 2, B)
    ramp = xp.reshape(xp.astype(xp.arange(BLOCK), xp.float32) / BLOCK, (1, 1, -1))
    return xp.stack([sc, sc * ramp], axis=1)


def _drum_groups(be: Backend, tl: Timeline) -> dict[str, Any] | None:
    """Drum hits grouped by (pan, sound), sorted by sample position, with their templates."""
    xp = be.xp
    hits = tl.hits
    if hits["pos"].shape[0] == 0:
        return None
    used = np.unique(hits["pan"])
    groups = []
    for j, g in enumerate(used.tolist()):  # one row of the mono buffer per pan position
        for kind in np.unique(hits["kind"][hits["pan"] == g]).tolist():  # per drum sound
            sel = np.nonzero((hits["pan"] == g) & (hits["kind"] == kind))[0]
            sel = sel[np.argsort(hits["pos"][sel], kind="stable")]
            tmpl = drum_template(DRUM_KINDS[kind], tl.sample_rate)  # only the sounds used
            groups.append((j, hits["pos"][sel],  # positions stay on the host: chunks search
                           xp.asarray(hits["amp"][sel], dtype=xp.float32),
                           xp.asarray(tmpl, dtype=xp.float32)))
    return {"groups": groups, "gains": xp.asarray(tl.pans[used].T, dtype=xp.float32),
            "longest": int(max(g[3].shape[0] for g in groups))}


def _drum_chunk(be: Backend, dr: dict[str, Any], s0: int, s1: int) -> Any | None:
    """The drums sounding in samples s0..s1, mono per drum pan: ``(drum pans, s1 - s0)``.

    Hits that started earlier ring into the span and hits near its end are cut off, so each
    chunk is complete on its own and chunks can be computed in any order.
    """
    m = s1 - s0
    n_max = dr["longest"]
    base = s0 - n_max + 1  # the buffer holds every hit that overlaps the span whole
    mono = _scratch(be, "drums", (dr["gains"].shape[1], m + 2 * n_max - 2))
    mono[...] = 0.0
    heard = False
    for j, pos, amp, tmpl in dr["groups"]:
        lo, hi = np.searchsorted(pos, [s0 - tmpl.shape[0] + 1, s1]).tolist()
        if hi > lo:
            row = mono[j, :]
            added = be.add_hits(row, pos[lo:hi] - base, amp[lo:hi], tmpl)
            if added is not row:  # backends without in-place adds
                mono[j, :] = added
            heard = True
    return mono[:, n_max - 1:n_max - 1 + m] if heard else None


def _render_chunk(be: Backend, tl: Timeline, vl: dict[str, Any] | None,
                  dr: dict[str, Any] | None, c0: int, c1: int, out: Any,
                  slice_blocks: int | None = None, limit: bool = False) -> None:
    """Write the sound of blocks c0..c1 into ``out[c0 * BLOCK:c1 * BLOCK, :]``.

    Each pan position is summed in mono (the pitched voices by their GEMMs, the drums added at
    their sample positions) and one small product pans them all. The work goes by slices of
    ``slice_blocks`` blocks, each with only the columns sounding in it (None: one slice).
    """
    xp = be.xp
    nb, s0 = c1 - c0, c0 * BLOCK
    p = None if vl is None else _pitched(be, tl, vl, c0, c1)
    d = None if dr is None else _drum_chunk(be, dr, s0, c1 * BLOCK)
    if p is None and d is None:
        out[s0:c1 * BLOCK, :] = xp.zeros((nb * BLOCK, out.shape[1]), dtype=xp.float32)
        return
    pp: dict[str, Any] = p or {"pans": np.zeros(0, dtype=np.int64),
                               "gains": xp.zeros((out.shape[1], 0), dtype=xp.float32)}
    n_p = int(pp["pans"].shape[0])
    gains = pp["gains"] if d is None or dr is None else xp.concat([pp["gains"], dr["gains"]],
                                                                  axis=1)
    if gains.shape[1] == 1:  # a silent second row: an inner dimension of one misses BLAS
        gains = xp.concat([gains, xp.zeros((gains.shape[0], 1), dtype=xp.float32)], axis=1)
    n_rows = gains.shape[1]
    step = nb if slice_blocks is None else max(1, min(nb, slice_blocks))
    if p is not None:
        amps, phase, used, pan_of = p["amps"], p["phase"], p["used"], p["pan_of"]
        assert vl is not None  # p was built from vl
        all_basis = vl["basis"]
        if step < nb:
            # Which columns sound in each slice (host): a note's partials enter only the GEMMs
            # of the slices it sounds in, not its whole chunk.
            n_s = -(-nb // step)
            loud = xp.sum(xp.abs(amps), axis=(1, 2))  # (columns, blocks)
            if n_s * step > nb:
                loud = xp.concat([loud, xp.zeros((loud.shape[0], n_s * step - nb),
                                                  dtype=loud.dtype)], axis=1)
            live = be.to_numpy(xp.max(xp.reshape(loud, (-1, n_s, step)), axis=2) > 0)
    for r0 in range(0, nb, step):
        r1 = min(nb, r0 + step)
        mono = _scratch(be, "mono", (n_rows, r1 - r0, BLOCK))
        if p is not None:
            # Columns sounding here, as runs per pan position (columns are sorted by pan).
            cols = np.arange(used.shape[0]) if step == nb else np.nonzero(live[:, r0 // step])[0]
            edges = [*np.searchsorted(pan_of[cols], pp["pans"], side="left").tolist(),
                     cols.shape[0]]
        for j in range(n_p):
            run = cols[edges[j]:edges[j + 1]]
            if run.shape[0] == 0:
                mono[j, :, :] = 0.0
                continue
            if step == nb and run.shape[0] == run[-1] - run[0] + 1:  # one contiguous run
                at: Any = slice(int(run[0]), int(run[-1]) + 1)
                a_s, ph_s = amps[at, :, :, r0:r1], phase[at, :, :, r0:r1]
            elif be.name == "numpy":
                # Fancy indexing reads only the rows wanted; ``take`` would first copy the
                # whole strided slice of every column, once per pan position.
                a_s, ph_s = amps[run, :, :, r0:r1], phase[run, :, :, r0:r1]
            else:
                at = xp.asarray(run)
                a_s = xp.take(amps[:, :, :, r0:r1], at, axis=0)
                ph_s = xp.take(phase[:, :, :, r0:r1], at, axis=0)
            coef = xp.reshape(a_s * ph_s, (4 * run.shape[0], r1 - r0))  # read transposed
            basis = xp.reshape(xp.take(all_basis, xp.asarray(used[run]), axis=0), (-1, BLOCK))
            be.matmul_to(xp.matrix_transpose(coef), basis, mono, (j, slice(None), slice(None)))
        if p is not None and p["bent"] is not None:
            add_bends(be, p["bent"], mono, r0, r1)
        n_d = 0 if d is None else d.shape[0]
        if d is not None:
            mono[n_p:n_p + n_d, :, :] = xp.reshape(d[:, r0 * BLOCK:r1 * BLOCK],
                                                   (n_d, r1 - r0, BLOCK))
        if n_p + n_d < n_rows:
            mono[n_p + n_d:, :, :] = 0.0
        # Frames x (left, right) straight into ``out``: the product reads ``mono`` transposed.
        span = slice(s0 + r0 * BLOCK, s0 + r1 * BLOCK)
        be.matmul_to(xp.matrix_transpose(xp.reshape(mono, (n_rows, (r1 - r0) * BLOCK))),
                     xp.matrix_transpose(gains), out, (span, slice(None)))
        if limit:  # while the slice is in cache
            out[span, :] = soft_limit(xp, out[span, :])


def _one_blas_thread() -> contextlib.AbstractContextManager[Any]:
    # Chunks run in parallel threads; BLAS threads on top of them would only fight for cores.
    # (Also with one worker: see synthesize.)
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl is a dependency
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def synthesize(tl: Timeline, be: Backend, on_chunk: Callable[[int, int], None] | None = None,
               threads: int | None = None, limit: bool = False) -> Any:
    """Render a :class:`Timeline` to a ``(total_blocks * BLOCK, 2)`` float32 array of ``xp``.

    ``limit``: pass the result through :func:`soft_limit` (chunk by chunk, while in cache).

    On NumPy the time chunks are shared among ``threads`` worker threads (default: one per
    CPU); NumPy releases the GIL inside its array operations.
    """
    xp = be.xp
    n = tl.total_blocks * BLOCK
    vl = _lanes(be, tl)
    dr = _drum_groups(be, tl)
    if vl is None and dr is None:
        return xp.zeros((n, tl.pans.shape[1]), dtype=xp.float32)
    # Left, right and, with a room, its send (tl.pans' columns); each chunk writes its span.
    out = xp.empty((n, tl.pans.shape[1]), dtype=xp.float32)
    step = chunk_blocks(be)
    spans = [(c0, min(c0 + step, tl.total_blocks)) for c0 in range(0, tl.total_blocks, step)]
    workers = (threads or cpu_threads()) if be.name == "numpy" else 1
    slices = SLICE_BLOCKS if be.name == "numpy" else None
    with contextlib.ExitStack() as stack:
        def work(span: tuple[int, int]) -> int:
            _render_chunk(be, tl, vl, dr, span[0], span[1], out, slices, limit)
            return span[1]

        if be.name == "numpy":
            # Also with one worker: the GEMMs are small (64 x 256 outputs), and BLAS threads
            # spin on them (measured: 4-5x the CPU seconds of one BLAS thread, busy machine).
            stack.enter_context(_one_blas_thread())
        if workers > 1 and len(spans) > 1:
            pool = stack.enter_context(ThreadPoolExecutor(workers))
            done: Any = pool.map(work, spans)  # in order
        else:
            done = (work(span) for span in spans)
        for i, _ in enumerate(done):
            if on_chunk is not None:
                on_chunk(i + 1, len(spans))
    return out


def soft_limit(xp: Any, x: Any, knee: float = 0.9) -> Any:
    """Identity below ``knee``, a tanh curve above it: the result stays within [-1, 1].

    Works in place on ``x`` (and returns it): only the few samples over the knee are touched.
    Raises ``ValueError`` if ``x`` holds NaN or infinity (nothing to limit them to).
    """
    peak = max(float(xp.max(x)), -float(xp.min(x)))
    if not math.isfinite(peak):
        raise ValueError("the mix holds NaN or infinite samples")
    if peak <= knee:  # no |x| array when nothing is over
        return x
    over = xp.abs(x) > knee
    v = x[over]
    x[over] = xp.sign(v) * (knee + (1.0 - knee) * xp.tanh((xp.abs(v) - knee) / (1.0 - knee)))
    return x

"""The synthesis engine: scores to stereo float32 audio, written once against ``xp``.

How it works (no Python loop over notes or samples on the hot path):

1. **Plan** (host, NumPy; :mod:`.timeline`): every note of every part becomes one row of a
   few flat arrays (onset, gate, pitch, velocity x gain x pan, preset); drum notes become hits.
   Many scores are laid one after another on one timeline, so a batch renders in one call.
2. **Voice-layers** (``xp``): each note is expanded into the layers of its preset; each layer of
   each pitch is a *lane* whose spectrum (partial frequencies x amplitudes) is one row of a lane
   matrix ``H`` (lanes x columns); a column is one distinct (pan position, partial frequency).
3. **Envelopes** (``xp``): time is cut into blocks of :data:`BLOCK` samples. The ADSR value of
   every voice-layer at every block edge is computed on one flat array (segment ids from the
   backend), sampled from the envelope smoothed over one block, so the linear ramps between
   edges put each onset's rise within a fraction of a block of the score's time. The values are
   scatter-added into an envelope matrix ``E`` (blocks x start level | ramp x lanes).
4. **Oscillators by matrix product** (``xp``): ``A = E @ H`` gives the amplitude of every partial
   frequency in every block. The oscillator phase at each block edge (free-running oscillators,
   phase measured from the score's start) is a precomputed rotation since the chunk's start
   times the phase there. Amplitude times phase makes a coefficient matrix, and per pan position
   one GEMM ``C @ basis`` (basis = sin, cos, ramp*sin, ramp*cos of each column's frequency over
   one block) sums that position's partials in mono: amplitude ramps are linear within a block,
   partials exact. Only the columns sounding in a chunk enter its GEMMs.
5. **Drums**: the hits sounding in a chunk (those that started earlier and still ring too) are
   added at their exact sample positions into a mono row per pan position.
6. **Pan**: one small product takes the mono rows (pitched and drums) to left and right, written
   straight into the output, where the soft limit runs while the slice is still in cache.

Time is processed in chunks of :data:`CHUNK_BLOCKS` blocks (:data:`GPU_CHUNK_BLOCKS` off the
CPU), each complete on its own, so memory stays bounded and on the CPU worker threads share
them; within a chunk the work goes by row slices of about :data:`PIECE_CELLS` (blocks x
columns) so the arrays stay in cache.

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
from .presets import DRUM_KINDS, drum_template
from .timeline import BLOCK, Timeline, plan, resolve_presets, tail_seconds

__all__ = ["BLOCK", "Timeline", "chunk_blocks", "cpu_threads", "plan", "resolve_presets",
           "soft_limit", "synthesize", "tail_seconds"]

CHUNK_BLOCKS = 768  # on the CPU: a chunk's matrices stay in cache
GPU_CHUNK_BLOCKS = 8192  # on a GPU: fewer, larger kernels
PIECE_CELLS = 1 << 18  # on the CPU: (blocks x columns) per GEMM, so its arrays stay in cache
_PAN_KEY = 1 << 32  # column key: pan index * _PAN_KEY + frequency in mHz


# ----- the array code (xp only from here on) ------------------------------------------------
def _held(xp: Any, u: Any, a: Any, d: Any, s: Any) -> Any:
    """Attack-decay-sustain level ``u`` seconds after onset, the key still down."""
    decay = s + (1.0 - s) * xp.exp(-5.0 * xp.maximum(u - a, 0.0) / d)
    return xp.where(u < a, u / a, decay)


def _adsr(xp: Any, t: Any, gate: Any, a: Any, d: Any, s: Any, r: Any,
          at_gate: Any | None = None) -> Any:
    """ADSR level at time ``t`` after onset for a note held ``gate`` seconds.

    ``at_gate``: the held level at ``gate`` when already known (``_held(xp, gate, a, d, s)``).
    """
    if at_gate is None:
        at_gate = _held(xp, gate, a, d, s)
    rel = xp.clip(1.0 - (t - gate) / r, 0.0, 1.0)
    return xp.where(t < gate, _held(xp, t, a, d, s), at_gate * rel * rel * rel)


def _take(xp: Any, a: Any, i: Any) -> Any:
    return xp.take(a, i, axis=0)


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
    # Block edges sample the envelope smoothed over one block (a box filter), so that linear
    # ramps between edges keep each onset's time to a fraction of a block: the attack is one
    # block longer and starts half a block early, the gate ends half a block later (so the
    # release starts on time).
    tb = BLOCK / tl.sample_rate
    adsr = _take(xp, xp.asarray(lt.adsr + np.array([tb, 0.0, 0.0, 0.0]), dtype=xp.float32), row)
    gate = _take(xp, xp.asarray(v["gate"] + 0.5 * tb, dtype=xp.float32), vid)
    lead = _take(xp, xp.asarray(v["lead"] - 0.5 * tb, dtype=xp.float32), vid)
    nblk = xp.astype(xp.ceil((lead + gate + adsr[:, 3]) / tb), xp.int64) + 1
    pitch = _take(xp, xp.asarray(v["pitch"]), vid)
    pan = _take(xp, xp.asarray(v["pan"]), vid)
    n_rows = int(lt.adsr.shape[0])
    # A lane is one (pan position, preset layer, pitch): voices in a lane share oscillators.
    lanes, lane_of = xp.unique_inverse((pan * n_rows + row) * 128 + pitch)
    l_pan, l_row = lanes // (128 * n_rows), (lanes // 128) % n_rows
    l_pitch = xp.astype(lanes % 128, xp.float64)
    f0 = 440.0 * 2.0 ** ((l_pitch - 69.0) / 12.0)
    freq = xp.reshape(f0, (-1, 1)) * _take(xp, xp.asarray(lt.ratios), l_row)
    amp = _take(xp, xp.asarray(lt.amps), l_row)
    ok = xp.reshape((freq > 0) & (freq < 0.45 * tl.sample_rate) & (amp > 0), (-1,))
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
    return {"on": _take(xp, xp.asarray(v["on"]), vid), "nblk": nblk, "gate": gate, "lead": lead,
            # onsets on the host (sorted) and the longest voice-layer, for the chunks' search
            "on_host": np.repeat(v["on"], lt.count[v["preset"]]), "longest": int(xp.max(nblk)),
            "adsr": adsr, "lane": lane_of,
            "amp": _take(xp, xp.asarray(v["amp"], dtype=xp.float32), vid),
            "H": h,  # (lanes, C): amplitude of each column's partial in each lane
            "freqs": freqs,  # (C,) Hz
            "col_pan": be.to_numpy(cols // _PAN_KEY),  # (C,) pan position (host)
            "gains": xp.asarray(tl.pans.T, dtype=xp.float32),  # (2, pans): left, right
            # Oscillator rotation j blocks into a chunk, a unit complex number per column.
            "rot": _rotations(xp, freqs, tb, chunk_blocks(be)),  # (C, chunk blocks)
            "basis": _basis(xp, freqs, tl.sample_rate)}  # (C, level|ramp, cos|sin phi, BLOCK)


def _unit(xp: Any, cycles: Any) -> Any:
    """``exp(2 pi i cycles)`` as complex64, reduced in float64 first (long pieces stay exact)."""
    th = (cycles - xp.floor(cycles)) * (2.0 * math.pi)
    return xp.astype(xp.astype(xp.cos(th), xp.complex128) + 1j * xp.astype(xp.sin(th),
                                                                            xp.complex128),
                     xp.complex64)


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
    block), ``phase`` (column, 1, cos | sin, block), the runs of columns of each pan position
    (``bounds``), their ``basis`` matrices and the ``gains`` (2, pans); None when nothing
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
    g = _take(xp, _take(xp, vl["amp"], sel), seg)
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
    pan_of = vl["col_pan"][be.to_numpy(used)]
    pans, first = np.unique(pan_of, return_index=True)
    bounds = [*first.tolist(), n_c]
    basis = [xp.reshape(_take(xp, vl["basis"], used[bounds[j]:bounds[j + 1]]),
                        (-1, BLOCK)) for j in range(len(pans))]
    gains = xp.take(vl["gains"], xp.asarray(pans), axis=1)  # (2, pans in chunk)
    return {"amps": amps, "phase": phase, "bounds": bounds, "basis": basis, "gains": gains}


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
                  cells: int | None = None, limit: bool = False) -> None:
    """Write the sound of blocks c0..c1 into ``out[c0 * BLOCK:c1 * BLOCK, :]``.

    Each pan position is summed in mono (the pitched voices by their GEMMs, the drums added at
    their sample positions) and one small product pans them all. The work goes by slices of
    about ``cells`` (blocks x columns) each so its arrays stay in cache (None: one slice).
    """
    xp = be.xp
    nb, s0 = c1 - c0, c0 * BLOCK
    p = None if vl is None else _pitched(be, tl, vl, c0, c1)
    d = None if dr is None else _drum_chunk(be, dr, s0, c1 * BLOCK)
    if p is None and d is None:
        out[s0:c1 * BLOCK, :] = xp.zeros((nb * BLOCK, 2), dtype=xp.float32)
        return
    pp: dict[str, Any] = p or {"basis": [], "gains": xp.zeros((2, 0), dtype=xp.float32),
                               "amps": xp.zeros((0, 2, 1, nb), dtype=xp.float32)}
    n_p = len(pp["basis"])
    gains = pp["gains"] if d is None or dr is None else xp.concat([pp["gains"], dr["gains"]],
                                                                  axis=1)
    if gains.shape[1] == 1:  # a silent second row: an inner dimension of one misses BLAS
        gains = xp.concat([gains, xp.zeros((2, 1), dtype=xp.float32)], axis=1)
    n_rows = gains.shape[1]
    pieces = 1 if cells is None else max(1, -(-nb * pp["amps"].shape[0] // cells))
    step = -(-nb // pieces)
    for r0 in range(0, nb, step):
        r1 = min(nb, r0 + step)
        mono = _scratch(be, "mono", (n_rows, r1 - r0, BLOCK))
        for j in range(n_p):
            u0, u1 = pp["bounds"][j], pp["bounds"][j + 1]
            coef = xp.reshape(pp["amps"][u0:u1, :, :, r0:r1] * pp["phase"][u0:u1, :, :, r0:r1],
                              (4 * (u1 - u0), r1 - r0))  # read transposed by the GEMM
            be.matmul_to(xp.matrix_transpose(coef), pp["basis"][j], mono,
                         (j, slice(None), slice(None)))
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
        return xp.zeros((n, 2), dtype=xp.float32)
    out = xp.empty((n, 2), dtype=xp.float32)  # each chunk writes its own span
    step = chunk_blocks(be)
    spans = [(c0, min(c0 + step, tl.total_blocks)) for c0 in range(0, tl.total_blocks, step)]
    workers = (threads or cpu_threads()) if be.name == "numpy" else 1
    cells = PIECE_CELLS if be.name == "numpy" else None
    with contextlib.ExitStack() as stack:
        def work(span: tuple[int, int]) -> int:
            _render_chunk(be, tl, vl, dr, span[0], span[1], out, cells, limit)
            return span[1]

        if workers > 1 and len(spans) > 1:
            stack.enter_context(_one_blas_thread())
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

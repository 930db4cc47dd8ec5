"""The synthesis engine: scores to stereo float32 audio, written once against ``xp``.

How it works:

1. **Plan** (host, NumPy; :mod:`.timeline`): every note of every part becomes one row of a
   few flat arrays (onset, gate, pitch, velocity x gain x pan, preset); drum notes become hits.
   Many scores are laid one after another on one timeline, so a batch renders in one call.
2. **Notes** (:mod:`.notes`): pitched notes are grouped by what they sound like (preset, pitch,
   gate); each distinct note is rendered once per layer (exact envelope at every sample times
   its partials, summed by GEMMs) and placed by overlap-add at its onset sample, weighted by
   its velocity's layer gains, into a mono row per pan position. Cost follows the distinct
   notes, not the sounding time.
3. **Drums**: the hits sounding in a chunk (those that started earlier and still ring too) are
   added at their exact sample positions into a mono row per pan position.
4. **Pan**: one small product takes the mono rows (pitched and drums) to left and right (and
   the room send), written straight into the output, where the soft limit runs while the
   chunk is still in cache.

Time is processed in chunks of :data:`CHUNK_BLOCKS` blocks (:data:`GPU_CHUNK_BLOCKS` off the
CPU), each complete on its own, so memory stays bounded; on the CPU one after another in
the calling thread unless worker threads are asked for (see :func:`synthesize_send`).

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

from ..checks import check_int
from ..dsp.threads import cpu_threads  # re-exported: the engine no longer calls it itself
from ..errors import ParameterError
from .backend import Backend
from .notes import note_table
from .notetable import NoteTable
from .placing import add_notes
from .presets import DRUM_KINDS, drum_template
from .timeline import BLOCK, Timeline, plan, resolve_presets, tail_seconds

__all__ = ["BLOCK", "Timeline", "chunk_blocks", "cpu_threads", "decimate", "plan",
           "resolve_presets", "soft_limit", "synthesize", "synthesize_send", "tail_seconds"]

CHUNK_BLOCKS = 256  # on the CPU: a chunk's mono rows stay in cache
GPU_CHUNK_BLOCKS = 8192  # on a GPU: fewer, larger kernels


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


def chunk_blocks(be: Backend) -> int:
    """Blocks per time chunk on this backend."""
    return CHUNK_BLOCKS if be.name == "numpy" else GPU_CHUNK_BLOCKS


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


def _add_drums_np(dr: dict[str, Any], mono: np.ndarray, s0: int, s1: int) -> bool:
    """:func:`_drum_chunk` on NumPy, added straight into ``mono`` (drum pans x (s1 - s0)):
    each hit's part inside the span by one ``axpy``, so a hit across the span's edges adds
    only what sounds inside it. Returns whether any hit sounded there."""
    from scipy.linalg.blas import saxpy as axpy  # y += a x in place (float32, contiguous)

    heard = False
    for j, pos, amp, tmpl in dr["groups"]:
        n = tmpl.shape[0]
        lo, hi = np.searchsorted(pos, [s0 - n + 1, s1]).tolist()
        row = mono[j, :]
        for p, g in zip(pos[lo:hi].tolist(), amp[lo:hi].tolist(), strict=True):
            a, b = max(s0, p), min(s1, p + n)
            axpy(tmpl[a - p:b - p], row[a - s0:b - s0], a=g)
            heard = True
    return heard


def _render_chunk(be: Backend, tl: Timeline, nt: NoteTable | None, dr: dict[str, Any] | None,
                  gains: Any, c0: int, c1: int, out: Any, send: Any | None,
                  limit: bool = False, send_q: int = 1) -> None:
    """Write the sound of blocks c0..c1 into ``out[c0 * BLOCK:c1 * BLOCK, :]`` (and the room
    send, the mean of each ``send_q`` samples, into ``send``'s span).

    Each pan position is summed in mono (the pitched notes placed by :func:`.placing.add_notes`,
    the drums at their sample positions) and one small product pans them all.
    """
    xp = be.xp
    s0, s1 = c0 * BLOCK, c1 * BLOCK
    n_p = 0 if nt is None else int(nt.pans.shape[0])
    mono = _scratch(be, "mono", (gains.shape[1], s1 - s0))
    mono[...] = 0.0
    heard = nt is not None and add_notes(be, nt, mono, s0, s1)
    if dr is not None and be.name == "numpy":
        drums = _add_drums_np(dr, mono[n_p:, :], s0, s1)
    else:
        d = None if dr is None else _drum_chunk(be, dr, s0, s1)
        if d is not None:
            mono[n_p:n_p + d.shape[0], :] = d
        drums = d is not None
    if not heard and not drums:
        out[s0:s1, :] = xp.zeros((s1 - s0, out.shape[1]), dtype=xp.float32)
        if send is not None:
            send[s0 // send_q:s1 // send_q] = xp.zeros((s1 - s0) // send_q, dtype=xp.float32)
        return
    # The send at the full rate, in a chunk's scratch when it is to be decimated here.
    full = send if send is None or send_q == 1 else _scratch(be, "send", (s1 - s0,))
    at = slice(s0, s1) if send_q == 1 else slice(None)
    if be.name == "numpy" and gains.shape[1] <= _FEW_ROWS:
        _pan_few(mono, gains, out[s0:s1, :], None if full is None else full[at])
    elif be.name == "numpy" and gains.shape[1] <= _SOME_ROWS:
        # Left, right (and the send) as contiguous rows by one small GEMM, then interleaved:
        # with a few rows a GEMM writing frames x 2 straight into ``out`` runs slower
        # (measured: about half the time at 3 and 4 rows, the same from 6).
        lr = _scratch(be, "pan", (gains.shape[0], s1 - s0))
        np.matmul(gains, mono, out=lr)
        out[s0:s1, 0] = lr[0]
        out[s0:s1, 1] = lr[1]
        if full is not None:
            full[at] = lr[2]
    else:
        # Frames x (left, right) straight into ``out``: the product reads ``mono`` transposed.
        be.matmul_to(xp.matrix_transpose(mono), xp.matrix_transpose(gains[:2, :]), out,
                     (slice(s0, s1), slice(None)))
        if full is not None:  # the room's mono send, contiguous: the room reads it in one pass
            be.matmul_to(gains[2, :], mono, full, at)
    if send is not None and send_q > 1:
        send[s0 // send_q:s1 // send_q] = decimate(xp, full, send_q)
    if limit:  # while the chunk is in cache
        out[s0:s1, :] = soft_limit(xp, out[s0:s1, :])


_FEW_ROWS = 2  # mono rows up to which a chunk is panned row by row (a solo, a duo)
_SOME_ROWS = 5  # up to which it is panned to contiguous rows first, then interleaved


def _pan_few(mono: np.ndarray, gains: np.ndarray, out: np.ndarray, send: np.ndarray | None
             ) -> None:
    """``out = mono.T @ gains[:2].T`` (and ``send = gains[2] @ mono``) for a few rows, NumPy.

    A stereo frame seen as one complex64, so each row is one contiguous multiply (a row
    times ``left + i right``): BLAS with an inner dimension of one or two and two outputs
    per frame spends several times the arithmetic on its loop overhead.
    """
    dst = out.view(np.complex64).reshape(-1)
    pan = gains[0, :].astype(np.complex64) + 1j * gains[1, :].astype(np.complex64)
    np.multiply(mono[0, :], pan[0], out=dst)
    for r in range(1, mono.shape[0]):
        dst += mono[r, :] * pan[r]
    if send is not None:
        np.multiply(mono[0, :], gains[2, 0], out=send)
        for r in range(1, mono.shape[0]):
            send += mono[r, :] * gains[2, r]


def decimate(xp: Any, x: Any, q: int) -> Any:
    """The mean of each ``q`` samples of ``x`` (its length a multiple of ``q``): the phases
    summed in order, then divided, as :func:`.room.room` decimates its send.

    >>> decimate(np, np.arange(8, dtype=np.float32), 4).tolist()
    [1.5, 5.5]
    """
    acc = x[0::q] + x[1::q] if q > 1 else x[0::1] * 1.0
    for p in range(2, q):
        acc += x[p::q]
    return acc / q


def _one_blas_thread() -> contextlib.AbstractContextManager[Any]:
    # Chunks run in parallel threads; BLAS threads on top of them would only fight for cores.
    # (Also with one worker: see synthesize.)
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl is a dependency
        return contextlib.nullcontext()
    # SciPy's own OpenBLAS (the placing's and the drums' saxpy) loaded first, so that the
    # limit reaches it: loaded later, inside the limit, it ran a process's first render
    # with a BLAS thread per CPU, each saxpy of a note handed to threads that then spin.
    import scipy.linalg.blas  # noqa: F401

    return threadpool_limits(limits=1, user_api="blas")


def synthesize(tl: Timeline, be: Backend, on_chunk: Callable[[int, int], None] | None = None,
               threads: int | None = None, limit: bool = False) -> Any:
    """Render a :class:`Timeline` to a ``(total_blocks * BLOCK, 2)`` float32 array of ``xp``.

    ``limit``: pass the result through :func:`soft_limit` (chunk by chunk, while in cache).
    A timeline planned with a room also has a send: see :func:`synthesize_send`.
    """
    return synthesize_send(tl, be, on_chunk, threads, limit)[0]


def synthesize_send(tl: Timeline, be: Backend,
                    on_chunk: Callable[[int, int], None] | None = None,
                    threads: int | None = None, limit: bool = False, send_q: int = 1
                    ) -> tuple[Any, Any | None]:
    """:func:`synthesize`, and the parts' room send ``(total_blocks * BLOCK // send_q,)`` in
    mono when ``tl`` was planned with a room (its pans have a third column), else None.

    ``send_q`` (a divisor of :data:`BLOCK`): the send comes as the mean of each ``send_q``
    samples, decimated chunk by chunk while in cache (the room works at a lower rate), so
    no full-rate send is kept.

    On NumPy the time chunks run one after another in the calling thread, or are shared
    among ``threads`` worker threads. One is the default: placing notes is a loop of small
    calls that holds Python's lock, and two such threads ran slower than one (measured on
    the benchmark's five pieces, 2 CPUs: 50 against 69 ms on the solo, 254 against 289 on
    the played piece, 104 against 143 on the dense). The room's transforms and its add back
    (:mod:`.room`), large array operations that release the lock, use the threads instead.
    """
    xp = be.xp
    n = tl.total_blocks * BLOCK
    has_send = tl.pans.shape[1] == 3
    if BLOCK % check_int("send_q", send_q, 1, BLOCK):
        raise ParameterError(f"send_q must divide a block of {BLOCK} samples (1, 2, 4, .., "
                             f"{BLOCK}), got {send_q}", field="send_q")
    if tl.voices["on"].shape[0] == 0 and tl.hits["pos"].shape[0] == 0:
        return (xp.zeros((n, 2), dtype=xp.float32),
                xp.zeros(n // send_q, dtype=xp.float32) if has_send else None)
    step = chunk_blocks(be)
    spans = [(c0, min(c0 + step, tl.total_blocks)) for c0 in range(0, tl.total_blocks, step)]
    workers = (threads or 1) if be.name == "numpy" else 1
    with contextlib.ExitStack() as stack:
        mapper: Callable[..., Any] = map
        if be.name == "numpy":
            # Also with one worker: the GEMMs are small (a note's blocks), and BLAS threads
            # spin on them (measured: 4-5x the CPU seconds of one BLAS thread, busy machine).
            stack.enter_context(_one_blas_thread())
        if workers > 1:
            mapper = stack.enter_context(ThreadPoolExecutor(workers)).map  # in order
        nt = note_table(be, tl, mapper)
        dr = _drum_groups(be, tl)
        # Mono rows: the pitched notes' pan positions, then the drums'; gains (outputs, rows).
        g = [] if nt is None else [xp.asarray(tl.pans[nt.pans].T, dtype=xp.float32)]
        g += [] if dr is None else [dr["gains"]]
        gains = xp.concat(g, axis=1)
        if gains.shape[1] == 1 and be.name != "numpy":
            # A silent second row: an inner dimension of one misses BLAS (NumPy pans a
            # single row without it, see _pan_few).
            gains = xp.concat([gains, xp.zeros((gains.shape[0], 1), dtype=xp.float32)], axis=1)
        # Left and right and, with a room, its send (tl.pans' columns); each chunk writes its
        # span.
        out = xp.empty((n, 2), dtype=xp.float32)
        send = xp.empty(n // send_q, dtype=xp.float32) if has_send else None

        def work(span: tuple[int, int]) -> int:
            _render_chunk(be, tl, nt, dr, gains, span[0], span[1], out, send, limit, send_q)
            return span[1]

        done = mapper(work, spans)
        for i, _ in enumerate(done):
            if on_chunk is not None:
                on_chunk(i + 1, len(spans))
    return out, send


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

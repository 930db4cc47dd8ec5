"""The room every part sends to: a convolution with a dark stereo tail, at a fraction of the rate.

Separate from :mod:`.effects` (the user's per-part chains and the master limiter) because
the room is the renderer's own send bus with its own machinery: the send decimated to about
12 kHz (:func:`room_q`), one complex FFT convolution for both ears (:func:`room`), and the
answer interpolated back into the full-rate bus while its peak is measured
(:func:`add_room_peak`). Its tail (:func:`reverb_ir`) is the reverb effect's too.

>>> sorted(ROOMS)
['chamber', 'hall', 'studio']
>>> x = np.zeros(24000, dtype=np.float32); x[0] = 1.0
>>> answer, q = room(np, x, 24000, "chamber")
>>> q, answer.shape
(2, (12000, 2))
"""

from __future__ import annotations

import functools
import math
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from ..dsp.threads import cpu_threads

__all__ = ["ROOMS", "add_room", "add_room_peak", "reverb_ir", "room", "room_q"]


@functools.lru_cache(maxsize=16)
def reverb_ir(sr: int, decay: float, predelay: float) -> np.ndarray:
    """The synthetic stereo tail ``(2, round((decay + predelay) sr))`` float32, unit energy per
    ear, silent for ``predelay`` seconds: :func:`.effects.reverb`'s and the room's.

    >>> ir = reverb_ir(8000, 0.5, 0.01)
    >>> ir.shape, float(abs(ir[:, :80]).max()), round(float((ir[0] ** 2).sum()), 3)
    ((2, 4080), 0.0, 1.0)
    """
    # Decorrelated exponentially decaying noise per channel (RT60 = decay), gently darkening.
    n = round((decay + predelay) * sr)
    rng = np.random.default_rng(1770)
    t = np.arange(n) / sr
    noise = rng.standard_normal((2, n))
    smooth = 0.5 * (noise + np.concatenate([noise[:, :1], noise[:, :-1]], axis=1))
    mix = np.exp(-t / max(decay, 1e-3))  # from bright to dark over the decay
    ir = (mix * noise + (1 - mix) * smooth) * np.exp(-6.908 * (t - predelay) / decay)
    ir[:, t < predelay] = 0.0
    ir /= np.sqrt(np.sum(ir ** 2, axis=1, keepdims=True)) + 1e-12
    return ir.astype(np.float32)


# name: (RT60 seconds, predelay seconds)
ROOMS: dict[str, tuple[float, float]] = {"studio": (0.9, 0.012), "chamber": (1.4, 0.018),
                                         "hall": (2.1, 0.025)}
_ROOM_RATE = 12000  # Hz: the room's tail is dark, so it is computed at about this rate


def _fft(xp: Any) -> Any:
    # SciPy's FFT is several times NumPy's on the CPU (float32 kept, no plan rebuilt).
    if xp is np:
        import scipy.fft

        return scipy.fft
    return xp.fft


def _decimate(xp: Any, send: Any, q: int, m: int, rows: int = 1 << 16) -> Any:
    """The mean of each ``q`` samples of ``send`` (zero-padded to ``m q``): ``(m,)``.

    The send may be a column of the engine's buffer, never copied whole. On NumPy it is read
    a block at a time, once, and its phases summed while the block is in cache: each strided
    phase read straight from the buffer would touch every cache line of it again.

    >>> _decimate(np, np.arange(10, dtype=np.float32), 4, 3).tolist()
    [1.5, 5.5, 4.25]
    """
    n = send.shape[0]
    if xp is not np:
        x = xp.concat([send, xp.zeros(m * q - n, dtype=send.dtype)]) if m * q > n else send
        return sum((x[p::q] for p in range(1, q)), start=x[0::q]) / q
    out = np.empty(m, dtype=np.result_type(send.dtype, np.float32))
    step = rows * q
    for a in range(0, m * q, step):
        b = min(m * q, a + step)
        block = np.zeros(b - a, dtype=send.dtype)
        block[:max(0, min(n, b) - a)] = send[a:min(n, b)]
        # The same sums, in the same order, as the generic path: bit for bit.
        acc = block[0::q] + block[1::q] if q > 1 else block.copy()
        for p in range(2, q):
            acc += block[p::q]
        np.divide(acc, q, out=out[a // q:b // q])
    return out


@functools.lru_cache(maxsize=16)
def _room_ir(sr: int, decay: float, predelay: float) -> np.ndarray:
    """:func:`reverb_ir` convolved with the send's smoothing ``(0.25, 0.5, 0.25)``: one
    sample longer, and causal because the tail's first sample is silent (predelay).

    >>> ir = _room_ir(12000, 0.9, 0.012)
    >>> ir.shape, float(abs(ir[:, 0]).max())
    ((2, 10945), 0.0)
    """
    ir = reverb_ir(sr, decay, predelay).astype(np.float64)
    out = np.zeros((2, ir.shape[1] + 1))
    out[:, 1:] += 0.25 * ir
    out[:, :-1] += 0.5 * ir
    out[:, :-2] += 0.25 * ir[:, 1:]
    return out.astype(np.float32)


def room_q(sr: int) -> int:
    """The factor :func:`room` lowers the rate by: ``sr // 12000`` (at least 1).

    >>> room_q(48000), room_q(44100), room_q(8000)
    (4, 3, 1)
    """
    return max(1, sr // _ROOM_RATE)


def room(xp: Any, send: Any, sr: int, name: str = "studio", *,
         decimated: bool = False) -> tuple[Any, int]:
    """The room's stereo answer to a mono ``send`` ``(frames,)``, at a ``q``-th of the rate:
    ``(answer (ceil(frames / q), 2), q)``; :func:`add_room` brings it back to ``sr``.

    A convolution with a decorrelated stereo tail (:func:`reverb_ir`, unit energy), computed
    at ``sr / q`` (``q = sr // 12000``): the send is averaged over ``q`` samples and lightly
    smoothed, then convolved (one FFT of the mono send serves both ears), which costs about
    a ``q``-th of a full-rate convolution; what the tail loses above 5 kHz a real room
    absorbs too. ``decimated``: ``send`` is the mean of each ``q`` samples already
    (``(ceil(frames / q),)``, as :func:`.engine.synthesize_send` gives it).

    >>> x = np.zeros(48000, dtype=np.float32); x[0] = 1.0
    >>> answer, q = room(np, x, 48000)
    >>> y = add_room(np, np.zeros((48000, 2), dtype=np.float32), answer, q)
    >>> q, bool(abs(float(np.corrcoef(y[:, 0], y[:, 1])[0, 1])) < 0.3)
    (4, True)
    """
    if name not in ROOMS:
        raise ValueError(f"room must be one of {', '.join(ROOMS)} or None, got {name!r}")
    decay, predelay = ROOMS[name]
    q = room_q(sr)
    m = send.shape[0] if decimated else -(-send.shape[0] // q)
    x = send if decimated else _decimate(xp, send, q, m)
    # The light smoothing (0.25, 0.5, 0.25) is folded into the tail (see _room_ir): one
    # pass over the send fewer. Overlap-add: blocks of ``lb`` samples whose whole
    # convolution (``lb + taps - 1``) fits one transform of ``nfft``, about four times the
    # tail (fewer, fuller transforms than blocks as long as the tail, still in cache), a
    # group of blocks at a time (bounded memory).
    taps = _room_ir(-(-sr // q), decay, predelay).shape[1]
    nfft = 1 << max(13, math.ceil(math.log2(4 * taps)))
    g = xp.asarray(_room_spectrum(-(-sr // q), decay, predelay, nfft))
    fft = _fft(xp)
    ours = {"overwrite_x": True} if xp is np else {}  # SciPy may transform in place
    lb = nfft - taps + 1
    nb = -(-m // lb)
    # Each block zero-padded to the transform's length once, here: the transform would
    # copy each into a padded buffer of its own.
    xb = xp.zeros((nb, nfft), dtype=x.dtype)
    xb[:nb - 1, :lb] = xp.reshape(x[:(nb - 1) * lb], (nb - 1, lb))
    xb[nb - 1, :m - (nb - 1) * lb] = x[(nb - 1) * lb:]
    # Both ears in one complex signal, left + i right: the send's spectrum (its upper half
    # mirrored from the lower, the send being real) times that of the complex tail, and
    # one inverse transform gives each frame's two ears side by side, as add_room reads
    # them (two real inverses would need a transposing copy, a third of the room's time).
    y = xp.empty(nb * lb, dtype=xp.complex64)
    group = max(1, (1 << 19) // nfft)
    groups = range(0, nb, group)

    def blocks(g0: int) -> Any:
        """Blocks g0..g1 into ``y``; returns the last one's ring past them."""
        g1 = min(nb, g0 + group)
        spec = _times_tail(xp, fft.rfft(xb[g0:g1, :], axis=-1), g)
        z = xp.astype(fft.ifft(spec, n=nfft, axis=-1, **ours), xp.complex64, copy=False)
        # Each block's last ``taps - 1`` samples ring into the next block's first.
        if g1 - g0 > 1:
            z[1:, :taps - 1] += z[:-1, lb:]
        if xp is np:  # straight into place, no flattened copy of the blocks first
            y[g0 * lb:g1 * lb].reshape(g1 - g0, lb)[...] = z[:, :lb]
        else:
            y[g0 * lb:g1 * lb] = xp.reshape(z[:, :lb], (-1,))
        return z[-1, lb:]

    # Groups are independent but for their last ring, added once all are in: on NumPy the
    # CPU's threads share them whole (transforms, products and copies alike).
    if xp is np and cpu_threads() > 1 and len(groups) > 1:
        with ThreadPoolExecutor(cpu_threads()) as pool:
            rings = list(pool.map(blocks, groups))
    else:
        rings = [blocks(g0) for g0 in groups]
    for g0, ring in zip(groups, rings, strict=True):
        at = min(nb, g0 + group) * lb
        if at < nb * lb:
            y[at:at + taps - 1] += ring
    fade = min(m, max(1, round(0.02 * sr / q)))  # the cut tail ends without a click
    y[m - fade:m] *= xp.astype(xp.linspace(1.0, 0.0, fade, dtype=xp.float32), xp.complex64)
    return _ears(xp, y[:m]), q


@functools.lru_cache(maxsize=16)
def _room_spectrum(sr: int, decay: float, predelay: float, nfft: int) -> np.ndarray:
    """The ``nfft``-point spectrum of the complex tail ``left + i right`` (:func:`_room_ir`).

    >>> g = _room_spectrum(12000, 0.9, 0.012, 1 << 15)
    >>> g.shape, g.dtype.name
    ((32768,), 'complex64')
    """
    ir = _room_ir(sr, decay, predelay).astype(np.float64)
    return np.fft.fft(ir[0] + 1j * ir[1], n=nfft).astype(np.complex64)


def _times_tail(xp: Any, low: Any, g: Any) -> Any:
    """The full spectrum of real blocks whose lower half (``rfft``) is ``low`` ``(blocks,
    nfft // 2 + 1)``, times ``g`` ``(nfft,)``: the upper half is the lower one mirrored and
    conjugated.

    >>> x = np.array([[1.0, 2.0, 0.0, -1.0]], dtype=np.float32)
    >>> g = np.array([1, 2j, 3, -1j], dtype=np.complex64)
    >>> bool(np.allclose(_times_tail(np, np.fft.rfft(x), g), np.fft.fft(x) * g))
    True
    """
    half = g.shape[0] // 2
    if xp is not np:
        return xp.concat([low * g[:half + 1],
                          xp.conj(xp.flip(low[:, 1:half], axis=-1)) * g[half + 1:]], axis=1)
    # Into one array, no concatenated copy.
    out = np.empty((low.shape[0], g.shape[0]), dtype=np.result_type(low, g))
    np.multiply(low, g[:half + 1], out=out[:, :half + 1])
    np.multiply(np.conj(low[:, half - 1:0:-1]), g[half + 1:], out=out[:, half + 1:])
    return out


def _ears(xp: Any, z: Any) -> Any:
    """A complex signal ``left + i right`` ``(n,)`` as frames of two ears ``(n, 2)``.

    >>> _ears(np, np.array([1 + 2j, 3 - 4j], dtype=np.complex64)).tolist()
    [[1.0, 2.0], [3.0, -4.0]]
    """
    if xp is np:  # the same memory, read as pairs of floats: no copy
        return z.view(np.float32).reshape(-1, 2)
    return xp.stack([xp.real(z), xp.imag(z)], axis=1)


def add_room(xp: Any, into: Any, answer: Any, q: int, rows: int = 1 << 14) -> Any:
    """Add :func:`room`'s ``answer`` to ``into`` ``(frames, 2)`` in place, interpolated
    back to the full rate (linearly, between the answer's frames).

    Frame ``k q + p`` gets ``(1 - w) answer[k - 1] + w answer[k]`` with ``w = (p + 0.5) / q``
    (``answer[-1]`` is silence), computed as ``answer[k - 1] + w d`` for ``w < 1/2`` and
    ``answer[k] - (1 - w) d`` above (``d = answer[k] - answer[k - 1]``): a phase and its
    mirror share a product. :func:`add_room_peak` also measures the result.

    >>> answer = np.array([[1.0, 2.0], [3.0, 4.0]], dtype=np.float32)
    >>> add_room(np, np.zeros((4, 2), dtype=np.float32), answer, 2)[:, 0].tolist()
    [0.25, 0.75, 1.5, 2.5]
    """
    return add_room_peak(xp, into, answer, q, rows)[0]


def add_room_peak(xp: Any, into: Any, answer: Any, q: int, rows: int = 1 << 14
                  ) -> tuple[Any, float]:
    """:func:`add_room`, and the sample peak ``max |into|`` of the result (NaN if it holds
    NaN), measured while each span is in cache: the limiter need not read the bus again.

    >>> answer = np.array([[1.0, 2.0], [3.0, -4.0]], dtype=np.float32)
    >>> y, peak = add_room_peak(np, np.zeros((4, 2), dtype=np.float32), answer, 2)
    >>> y[:, 1].tolist(), peak
    ([0.5, 1.5, 0.5, -2.5], 2.5)
    """
    n = into.shape[0]
    m = -(-n // q)
    if (xp is np and into.dtype == answer.dtype == np.float32 and into.flags.c_contiguous
            and into.shape[1] == 2):
        # A stereo frame seen as one complex64: the strided adds below run as 1-D loops
        # (rows of two floats cost NumPy an inner loop each, several times the arithmetic),
        # a block of ``rows`` answer frames at a time while it is in cache; the weights
        # multiply the frames' floats (real products, not complex ones). The same products
        # and sums, bit for bit, as the generic loop.
        dst = into.view(np.complex64).reshape(-1)

        def span(k0: int) -> float:  # frames k0 q .. k1 q: disjoint, so threads share them
            k1 = min(m, k0 + rows)
            # answer[k0 - 1:k1] (a silent frame before the first), contiguous: a block's copy
            src = np.zeros((k1 - k0 + 1, 2), dtype=np.float32)
            src[1 if k0 == 0 else 0:] = answer[max(0, k0 - 1):k1]
            prev, cur = src[:-1].reshape(-1), src[1:].reshape(-1)
            step = cur - prev
            e, t = np.empty_like(prev), np.empty_like(prev)
            f0, f1 = k0 * q, min(n, k1 * q)
            for low in range((q + 1) // 2):  # a phase and its mirror share one product
                np.multiply(step, np.float32((low + 0.5) / q), out=e)
                for phase in sorted({low, q - 1 - low}):
                    n_p = 2 * len(range(f0 + phase, f1, q))
                    if n_p:
                        if phase == low:
                            np.add(prev[:n_p], e[:n_p], out=t[:n_p])
                        else:
                            np.subtract(cur[:n_p], e[:n_p], out=t[:n_p])
                        dst[f0 + phase:f1:q] += t[:n_p].view(np.complex64)
            seg = into[f0:f1]
            return float(np.maximum(seg.max(), -seg.min())) if f1 > f0 else 0.0

        starts = range(0, m, rows)
        if cpu_threads() > 1 and len(starts) > 1:
            with ThreadPoolExecutor(cpu_threads()) as pool:
                peaks = list(pool.map(span, starts))
        else:
            peaks = [span(k0) for k0 in starts]
        return into, float(np.max(peaks, initial=0.0))
    framed = xp.concat([xp.zeros((1, answer.shape[1]), dtype=answer.dtype), answer], axis=0)
    prev, cur = framed[:-1, :], framed[1:, :]
    step = cur - prev
    for p in range(q):  # one phase of the interpolation at a time (little memory)
        n_p = -(-(n - p) // q)  # frames p, p + q, ... below n
        if n_p <= 0:
            continue
        # Phase p is prev + w step; its mirror q - 1 - p (weight 1 - w) is cur - w step.
        low = min(p, q - 1 - p)
        e = ((low + 0.5) / q) * step[:n_p, :]
        into[p::q, :] += (prev[:n_p, :] + e) if p == low else (cur[:n_p, :] - e)
    return into, (max(float(xp.max(into)), -float(xp.min(into))) if n else 0.0)

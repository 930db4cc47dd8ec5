"""Effects on rendered buses, written against the array namespace: reverb, delay and EQ.

Each effect takes a ``(2, frames)`` float32 array and returns one of the same shape. Reverb and
EQ are FFT convolutions done block-wise (overlap-add over a batch of blocks, no Python loop over
samples); delay sums a handful of shifted copies. A chain is a mapping such as
``{"eq": {"low_db": 3}, "reverb": {"decay": 1.5, "wet": 0.2}}``, applied in the order eq, delay,
reverb.

>>> check_chain({"reverb": {"decay": 1.2}})
{'reverb': {'decay': 1.2, 'wet': 0.25, 'predelay': 0.01}}
>>> tail_seconds({"reverb": {"decay": 1.2}, "delay": {"time": 0.25, "feedback": 0.5}})
3.71

The default *room* every part sends to (:func:`room`) and the master bus's gentle peak
limiter (:func:`limit`) live here too.

>>> sorted(ROOMS)
['chamber', 'hall', 'studio']
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from ..dsp.convolution import fft_convolve  # shared with the meters; still importable here
from ..dsp.threads import cpu_threads

__all__ = [
    "EFFECTS",
    "LIMIT_CEILING",
    "ORDER",
    "ROOMS",
    "add_room",
    "add_room_peak",
    "apply_chain",
    "check_chain",
    "delay",
    "eq",
    "limit",
    "reverb",
    "room",
    "room_q",
    "tail_seconds",
]


EFFECTS: dict[str, dict[str, tuple[float, float, float]]] = {
    # name: {parameter: (default, low, high)}
    "reverb": {"decay": (1.5, 0.1, 8.0), "wet": (0.25, 0.0, 1.0), "predelay": (0.01, 0.0, 0.2)},
    "delay": {"time": (0.375, 0.01, 2.0), "feedback": (0.35, 0.0, 0.9), "wet": (0.3, 0.0, 1.0)},
    "eq": {"low_db": (0.0, -24.0, 24.0), "mid_db": (0.0, -24.0, 24.0),
           "high_db": (0.0, -24.0, 24.0), "low_hz": (250.0, 20.0, 2000.0),
           "high_hz": (4000.0, 500.0, 16000.0)},
}
ORDER = ("eq", "delay", "reverb")


def check_chain(chain: Mapping[str, Any], where: str = "effects") -> dict[str, dict[str, float]]:
    """Validate an effect chain and fill in defaults; ``ValueError`` names the bad field."""
    if not isinstance(chain, Mapping):
        raise TypeError(f"{where} must be a mapping of effect name to parameters, "
                        f"got {type(chain).__name__}")
    out: dict[str, dict[str, float]] = {}
    for name, params in chain.items():
        if name not in EFFECTS:
            raise ValueError(f"{where}: unknown effect {name!r}; allowed: {', '.join(EFFECTS)}")
        params = {} if params is None or params is True else params
        if not isinstance(params, Mapping):
            raise TypeError(f"{where}.{name} must be a mapping of parameters, "
                            f"got {type(params).__name__}")
        spec = EFFECTS[name]
        for key in params:
            if key not in spec:
                raise ValueError(f"{where}.{name}: unknown parameter {key!r}; "
                                 f"allowed: {', '.join(spec)}")
        vals: dict[str, float] = {}
        for key, (default, low, high) in spec.items():
            v = params.get(key, default)
            if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v) \
                    or not low <= v <= high:
                raise ValueError(f"{where}.{name}.{key} must be a number in {low}..{high}, "
                                 f"got {v!r}")
            vals[key] = float(v)
        out[name] = vals
    return out


def tail_seconds(chain: Mapping[str, Mapping[str, float]]) -> float:
    """How long the chain rings on after the input stops (added to the render length)."""
    chain = check_chain(chain)
    tail = 0.0
    if "delay" in chain:
        d = chain["delay"]
        tail += d["time"] * _delay_taps(d["feedback"])
    if "reverb" in chain:
        tail += chain["reverb"]["decay"] + chain["reverb"]["predelay"]
    return round(tail, 6)


def _delay_taps(feedback: float) -> int:
    if feedback <= 0:
        return 1
    return int(min(16, max(1, math.ceil(math.log(1e-3) / math.log(feedback)))))


def apply_chain(xp: Any, x: Any, chain: Mapping[str, Mapping[str, float]], sr: int) -> Any:
    """Run ``x`` (2, frames) through the chain, in the order eq, delay, reverb."""
    for name in ORDER:
        if name in chain:
            x = _APPLY[name](xp, x, sr, **chain[name])
    return x


@functools.lru_cache(maxsize=16)
def _reverb_ir(sr: int, decay: float, predelay: float) -> np.ndarray:
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


def reverb(xp: Any, x: Any, sr: int, decay: float = 1.5, wet: float = 0.25,
           predelay: float = 0.01) -> Any:
    """Convolution reverb with a synthetic stereo tail of RT60 ``decay`` seconds."""
    ir = xp.asarray(_reverb_ir(sr, decay, predelay))
    return (1.0 - wet) * x + wet * fft_convolve(xp, x, ir)


def delay(xp: Any, x: Any, sr: int, time: float = 0.375, feedback: float = 0.35,
          wet: float = 0.3) -> Any:
    """Feedback echo: copies every ``time`` seconds, each ``feedback`` times the one before."""
    c, n = x.shape
    step = round(time * sr)
    echoes = xp.zeros_like(x)
    gain = 1.0
    for k in range(1, _delay_taps(feedback) + 1):  # a few taps, each one vectorised
        s = k * step
        if s >= n:
            break
        echoes = echoes + gain * xp.concat([xp.zeros((c, s), dtype=x.dtype), x[:, :n - s]],
                                           axis=1)
        gain *= feedback
    return x + wet * echoes


def eq(xp: Any, x: Any, sr: int, low_db: float = 0.0, mid_db: float = 0.0, high_db: float = 0.0,
       low_hz: float = 250.0, high_hz: float = 4000.0) -> Any:
    """Three-band EQ (low shelf, mid, high shelf) as a linear-phase FIR, delay compensated."""
    taps = 1025
    nfft = 4096
    f = xp.astype(xp.arange(nfft // 2 + 1), xp.float64) * (sr / nfft)
    s_low = 1.0 / (1.0 + (f / low_hz) ** 4)
    s_high = 1.0 - 1.0 / (1.0 + (f / high_hz) ** 4)
    db = low_db * s_low + high_db * s_high + mid_db * (1.0 - s_low - s_high)
    mag = 10.0 ** (db / 20.0)
    h = xp.fft.irfft(xp.astype(mag, xp.complex128), n=nfft)
    half = taps // 2
    h = xp.concat([h[nfft - half:], h[:half + 1]])  # centred, zero phase -> linear phase
    win = 0.5 - 0.5 * xp.cos(2 * math.pi * xp.astype(xp.arange(taps), xp.float64) / (taps - 1))
    h = xp.astype(h * win, xp.float32)
    c, _n = x.shape
    padded = xp.concat([x, xp.zeros((c, half), dtype=x.dtype)], axis=1)
    return fft_convolve(xp, padded, h)[:, half:]


_APPLY = {"reverb": reverb, "delay": delay, "eq": eq}


# ----- the room and the master bus ----------------------------------------------------------
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
    """:func:`_reverb_ir` convolved with the send's smoothing ``(0.25, 0.5, 0.25)``: one
    sample longer, and causal because the tail's first sample is silent (predelay).

    >>> ir = _room_ir(12000, 0.9, 0.012)
    >>> ir.shape, float(abs(ir[:, 0]).max())
    ((2, 10945), 0.0)
    """
    ir = _reverb_ir(sr, decay, predelay).astype(np.float64)
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

    A convolution with a decorrelated stereo tail (:func:`reverb`'s, unit energy), computed
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
    # pass over the send fewer.
    ir = xp.asarray(_room_ir(-(-sr // q), decay, predelay))
    taps = ir.shape[1]
    # Overlap-add: blocks of ``lb`` samples whose whole convolution (``lb + taps - 1``)
    # fits one transform of ``nfft``, at least twice the tail (fewer, fuller transforms
    # than blocks as long as the tail), a group of blocks at a time (bounded memory); both
    # ears share the send's spectrum.
    fft = _fft(xp)
    # SciPy shares a batch of blocks' transforms among the CPU's threads.
    kw = {"workers": cpu_threads()} if xp is np else {}
    nfft = 1 << max(13, math.ceil(math.log2(2 * taps)))
    lb = nfft - taps + 1
    nb = -(-m // lb)
    xb = xp.reshape(xp.concat([x, xp.zeros(nb * lb - m, dtype=x.dtype)]), (nb, lb))
    h = xp.reshape(fft.rfft(ir, n=nfft, axis=-1, **kw), (2, 1, nfft // 2 + 1))
    y = xp.zeros((2, (nb + 1) * lb), dtype=xp.float32)
    group = 16
    for g0 in range(0, nb, group):
        g1 = min(nb, g0 + group)
        spec = xp.reshape(fft.rfft(xb[g0:g1, :], n=nfft, axis=-1, **kw),
                          (1, g1 - g0, nfft // 2 + 1))
        yb = xp.astype(fft.irfft(spec * h, n=nfft, axis=-1, **kw), xp.float32, copy=False)
        y[:, g0 * lb:g1 * lb] += xp.reshape(yb[:, :, :lb], (2, (g1 - g0) * lb))
        # Each block's last ``taps - 1`` samples ring into the next block's span.
        nxt = xp.reshape(y[:, (g0 + 1) * lb:(g1 + 1) * lb], (2, g1 - g0, lb))
        nxt[:, :, :taps - 1] += yb[:, :, lb:]
    fade = min(m, max(1, round(0.02 * sr / q)))  # the cut tail ends without a click
    y[:, m - fade:m] *= xp.reshape(xp.linspace(1.0, 0.0, fade, dtype=xp.float32), (1, -1))
    return xp.matrix_transpose(y[:, :m]), q


def add_room(xp: Any, into: Any, answer: Any, q: int, rows: int = 1 << 14) -> Any:
    """Add :func:`room`'s ``answer`` to ``into`` ``(frames, 2)`` in place, interpolated
    back to the full rate (linearly, between the answer's frames).

    Frame ``k q + p`` gets ``(1 - w) answer[k - 1] + w answer[k]`` with ``w = (p + 0.5) / q``
    (``answer[-1]`` is silence). :func:`add_room_peak` also measures the result.

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
            tmp = np.empty_like(prev)
            f0, f1 = k0 * q, min(n, k1 * q)
            for p in range(q):
                w = (p + 0.5) / q
                n_p = 2 * len(range(f0 + p, f1, q))
                if n_p:
                    t = np.multiply(prev[:n_p], np.float32(1.0 - w), out=tmp[:n_p])
                    t += cur[:n_p] * np.float32(w)
                    dst[f0 + p:f1:q] += t.view(np.complex64)
            seg = into[f0:f1]
            return float(np.maximum(seg.max(), -seg.min())) if f1 > f0 else 0.0

        starts = range(0, m, rows)
        if cpu_threads() > 1 and len(starts) > 1:
            with ThreadPoolExecutor(cpu_threads()) as pool:
                peaks = list(pool.map(span, starts))
        else:
            peaks = [span(k0) for k0 in starts]
        return into, float(np.max(peaks, initial=0.0))
    for p in range(q):  # one phase of the interpolation at a time (little memory)
        w = (p + 0.5) / q
        n_p = -(-(n - p) // q)  # frames p, p + q, ... below n
        if n_p <= 0:
            continue
        phase = xp.concat([w * answer[:1, :], (1.0 - w) * answer[:n_p - 1, :] +
                           w * answer[1:n_p, :]], axis=0)
        into[p::q, :] += phase
    return into, (max(float(xp.max(into)), -float(xp.min(into))) if n else 0.0)


def _running_min(xp: Any, a: Any) -> Any:
    """``min(a[:i + 1])`` for every ``i``, by doubling (log2 n whole-array steps)."""
    s = 1
    while s < a.shape[0]:
        a = xp.concat([a[:s], xp.minimum(a[s:], a[:-s])])
        s *= 2
    return a


LIMIT_CEILING = 0.891  # the master limiter's ceiling: -1 dBFS, under the soft limit's knee


def limit(xp: Any, x: Any, sr: int, ceiling: float = LIMIT_CEILING, release: float = 0.25,
          block: int = 128, peak: float | None = None) -> Any:
    """A gentle peak limiter for the master bus ``(frames, channels)``, applied in place:
    sample peaks stay at or under ``ceiling`` (-1 dBFS by default). Returns ``x``.

    The gain is set per ``block`` samples, looking one block ahead so it has come down
    before a peak arrives, ramps linearly between block edges and recovers at 6 dB per
    ``release`` seconds. Below the ceiling the bus passes untouched. ``peak``: the bus's
    sample peak where it is known already (:func:`add_room_peak`), saving a pass over it.

    >>> t = np.arange(48000) / 48000
    >>> x = np.sin(2 * np.pi * 220 * t) * np.where(t < 0.5, 0.3, 1.5)
    >>> x = np.stack([x, x], axis=1).astype(np.float32)
    >>> y = limit(np, x.copy(), 48000)
    >>> float(np.abs(y).max()) <= 0.891, bool(np.allclose(y[:20000], x[:20000]))
    (True, True)
    """
    n, c = x.shape
    if peak is None:  # else measured already (add_room_peak)
        peak = max(float(xp.max(x)), -float(xp.min(x))) if n else 0.0  # no |x| copy
    if peak <= ceiling:
        return x
    nb = -(-n // block)
    whole = n // block
    rows = xp.reshape(x[:whole * block, :], (whole, block * c))
    peaks = xp.maximum(xp.max(rows, axis=1), -xp.min(rows, axis=1))
    if whole < nb:  # the last, shorter block
        rest = x[whole * block:, :]
        peaks = xp.concat([peaks, xp.reshape(xp.maximum(xp.max(rest), -xp.min(rest)), (1,))])
    # Target gain (dB) of each block; an edge takes the lower of the blocks on either side.
    target = xp.minimum(0.0, 20.0 * xp.log10(ceiling / xp.maximum(
        xp.astype(peaks, xp.float64), 1e-12)))
    edges = xp.concat([target[:1], xp.minimum(target[:-1], target[1:]), target[-1:]])
    # Recovery of ``rate`` dB per edge: g[e] = min over k <= e of edges[k] + rate (e - k).
    rate = 6.0 * block / (release * sr)
    k = xp.astype(xp.arange(nb + 1), edges.dtype) * rate
    g = xp.astype(10.0 ** (xp.minimum(_running_min(xp, edges - k) + k, 0.0) / 20.0),
                  x.dtype)
    ramp = xp.reshape(xp.astype(xp.arange(block), x.dtype) / block, (1, -1))
    group = 4096  # blocks at a time: the gain curve stays small
    for b0 in range(0, nb, group):
        b1 = min(nb, b0 + group)
        g0, g1 = xp.reshape(g[b0:b1], (-1, 1)), xp.reshape(g[b0 + 1:b1 + 1], (-1, 1))
        s0, s1 = b0 * block, min(n, b1 * block)
        if float(xp.min(g[b0:b1 + 1])) >= 1.0:  # no gain reduction here: leave it untouched
            continue
        curve = xp.reshape(g0 + (g1 - g0) * ramp, (-1, 1))
        x[s0:s1, :] *= curve[:s1 - s0, :]
    return x

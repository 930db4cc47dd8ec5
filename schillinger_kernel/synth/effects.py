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

The master bus's gentle peak limiter (:func:`limit`) lives here too; the default *room* every
part sends to is :mod:`.room`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from ..dsp.convolution import fft_convolve  # shared with the meters; still importable here
from .room import reverb_ir

__all__ = [
    "EFFECTS",
    "LIMIT_CEILING",
    "ORDER",
    "apply_chain",
    "check_chain",
    "delay",
    "eq",
    "limit",
    "reverb",
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


def reverb(xp: Any, x: Any, sr: int, decay: float = 1.5, wet: float = 0.25,
           predelay: float = 0.01) -> Any:
    """Convolution reverb with a synthetic stereo tail of RT60 ``decay`` seconds."""
    ir = xp.asarray(reverb_ir(sr, decay, predelay))
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

    >>> import numpy as np
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

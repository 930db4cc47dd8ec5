"""The ADSR envelope, written against an array namespace ``xp``.

:mod:`.notes` renders every note from it: the exact envelope at every sample (so onsets fall
on their sample and a 2 ms attack lasts 2 ms at any rate) times its partials. Here the
envelope's formulas only (:func:`adsr` in closed form, :func:`envelope` stretch by stretch at
a layer's samples, and when a decay has settled): pure functions of time and the layer's
four parameters, apart from the note tables that keep their curves.

>>> import numpy as np
>>> t = np.array([0.0, 0.001, 0.002, 0.5, 0.55, 0.6])  # seconds after the onset
>>> adsr(np, t, gate=0.5, a=0.002, d=0.1, s=0.5, r=0.1).round(3).tolist()
[0.0, 0.5, 1.0, 0.5, 0.063, 0.0]
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["SETTLED", "adsr", "envelope", "held", "settled_at"]


def held(xp: Any, u: Any, a: Any, d: Any, s: Any) -> Any:
    """Attack-decay-sustain level ``u`` seconds after onset, the key still down.

    >>> import numpy as np
    >>> held(np, np.array([0.001, 0.002]), 0.002, 0.1, 0.5).tolist()
    [0.5, 1.0]
    """
    decay = s + (1.0 - s) * xp.exp(-5.0 * xp.maximum(u - a, 0.0) / d)
    return xp.where(u < a, u / a, decay)


def adsr(xp: Any, t: Any, gate: Any, a: Any, d: Any, s: Any, r: Any,
         at_gate: Any | None = None) -> Any:
    """ADSR level at time ``t`` after onset for a note held ``gate`` seconds.

    Linear attack, exponential decay to the sustain level, cubic release.
    ``at_gate``: the held level at ``gate`` when already known (``held(xp, gate, a, d, s)``).
    """
    if at_gate is None:
        at_gate = held(xp, gate, a, d, s)
    rel = xp.clip(1.0 - (t - gate) / r, 0.0, 1.0)
    return xp.where(t < gate, held(xp, t, a, d, s), at_gate * rel * rel * rel)


SETTLED = 17.0 / 5.0  # decay constants after which exp(-5 u / d) < 5e-8: the sustain level


def envelope(xp: Any, params: np.ndarray, gate: float, a: float, n: int, sr: int) -> Any:
    """ADSR levels (:func:`adsr`) of layers ``params`` (layers x 4) at the ``n``
    samples ``a, a + 1, ..`` after the onset: ``(layers, n)`` float32.

    Each stretch of the envelope is computed with its own formula only where it applies (the
    attack's line, the decay's exponential until it has settled, the held level, the release's
    cubic), once per sample.

    >>> import numpy as np
    >>> e = envelope(np, np.array([[0.002, 0.1, 0.5, 0.1]]), 0.5, 0, 5, 1000)
    >>> [round(float(x), 3) for x in e[0]]  # a 2 ms attack, then the decay
    [0.0, 0.5, 1.0, 0.976, 0.952]
    """

    def at(t: float) -> int:  # the first sample at or after t seconds
        return min(n, max(0, math.ceil(t * sr - a)))

    def time(i0: int, i1: int) -> Any:
        return (xp.astype(xp.arange(i0, i1), xp.float32) + a) / sr

    rows = []
    for att, dec, sus, rel in params.tolist():
        env = xp.zeros(n, dtype=xp.float32)
        i_gate, i_end = at(gate), at(gate + rel)
        i_att = min(at(att), i_gate)
        i_set = min(max(at(att + SETTLED * dec), i_att), i_gate)
        if i_att > 0:
            env[:i_att] = time(0, i_att) / att
        if i_set > i_att:
            env[i_att:i_set] = held(xp, time(i_att, i_set), att, dec, sus)
        if i_gate > i_set:
            env[i_set:i_gate] = sus
        if i_end > i_gate:
            r = xp.clip(1.0 - (time(i_gate, i_end) - gate) / rel, 0.0, 1.0)
            env[i_gate:i_end] = float(held(np, np.float64(gate), att, dec, sus)) * r * r * r
        rows.append(env)
    return xp.stack(rows)


def settled_at(params: np.ndarray, lead: float, sr: int) -> int:
    """The first sample (from the note's first, ``lead`` samples after its onset) where a
    layer's decay has settled (:data:`SETTLED`): from there its curve holds the sustain level
    (:func:`envelope`'s ``i_set``, gate aside).

    >>> settled_at(np.array([0.002, 0.05, 0.0, 0.1]), 0.0, 8000)  # (2 + 3.4 x 50) ms at 8 kHz
    1376
    """
    att, dec = float(params[0]), float(params[1])
    return max(0, math.ceil((att + SETTLED * dec) * sr - lead))

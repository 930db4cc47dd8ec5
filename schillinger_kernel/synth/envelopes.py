"""The ADSR envelope, written against an array namespace ``xp``.

:mod:`.notes` renders every note from it: the exact envelope at every sample (so onsets fall
on their sample and a 2 ms attack lasts 2 ms at any rate) times its partials.

>>> import numpy as np
>>> t = np.array([0.0, 0.001, 0.002, 0.5, 0.55, 0.6])  # seconds after the onset
>>> adsr(np, t, gate=0.5, a=0.002, d=0.1, s=0.5, r=0.1).round(3).tolist()
[0.0, 0.5, 1.0, 0.5, 0.063, 0.0]
"""

from __future__ import annotations

from typing import Any

__all__ = ["adsr", "held"]


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

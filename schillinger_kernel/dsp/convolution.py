"""FFT convolution on any array namespace (NumPy, CuPy through array-api-compat).

The renderer's reverb and EQ (``synth.effects``) and the meters' filters (K-weighting,
oversampling) all convolve with it, so it lives below both.

Examples
--------
>>> import numpy as np
>>> x = np.array([[1.0, 2.0, 3.0, 0.0]], dtype=np.float32)
>>> fft_convolve(np, x, np.array([1.0, 1.0], dtype=np.float32)).round(4).tolist()
[[1.0, 3.0, 5.0, 3.0]]
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["fft_convolve"]


def fft_convolve(xp: Any, x: Any, h: Any) -> Any:
    """Convolve each row of ``x`` (c, n) with ``h`` (c, m) or (m,), truncated to n samples.

    Overlap-add over blocks at least as long as ``h``: all blocks transform in one batched FFT
    (no Python loop over blocks, which is what keeps it fast on a GPU too).

    Parameters
    ----------
    xp : module
        The array namespace of ``x`` and ``h`` (``numpy``, or a compatible one such as CuPy's).
    x : array, shape (c, n)
        Signals, one per row.
    h : array, shape (c, m) or (m,)
        An impulse response per row, or one shared by all rows.

    Returns
    -------
    array, shape (c, n), float32
        The first ``n`` samples of each full convolution.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.zeros((2, 8), dtype=np.float32); x[:, 0] = 1.0
    >>> h = np.array([[0.5, 0.25], [1.0, -1.0]], dtype=np.float32)
    >>> fft_convolve(np, x, h)[:, :3].round(4).tolist()
    [[0.5, 0.25, 0.0], [1.0, -1.0, 0.0]]
    """
    c, n = x.shape
    m = h.shape[-1]
    lb = 1 << max(12, math.ceil(math.log2(max(m, 1))))
    nb = -(-n // lb)
    pad = nb * lb - n
    xb = xp.reshape(xp.concat([x, xp.zeros((c, pad), dtype=x.dtype)], axis=1), (c, nb, lb))
    hx = h if h.ndim == 2 else xp.broadcast_to(xp.reshape(h, (1, m)), (c, m))
    hf = xp.fft.rfft(hx, n=2 * lb, axis=-1)
    yb = xp.fft.irfft(xp.fft.rfft(xb, n=2 * lb, axis=-1) * xp.reshape(hf, (c, 1, lb + 1)),
                      n=2 * lb, axis=-1)
    head = xp.reshape(yb[:, :, :lb], (c, nb * lb))
    tail = xp.reshape(yb[:, :, lb:], (c, nb * lb))
    zeros = xp.zeros((c, lb), dtype=head.dtype)
    y = xp.concat([head, zeros], axis=1) + xp.concat([zeros, tail], axis=1)
    return xp.astype(y[:, :n], xp.float32)

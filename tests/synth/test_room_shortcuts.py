"""The room path's NumPy shortcut (one-pass decimation) gives the same bits as the general
code: it is a speed-up, never a change of sound."""

from __future__ import annotations

import array_api_strict as strict
import numpy as np
import pytest

from schillinger_kernel.synth.room import _decimate


@pytest.mark.parametrize(("n", "q", "rows"), [(1001, 4, 7), (4096, 4, 1024), (999, 3, 50),
                                              (17, 1, 4), (64, 8, 3), (5, 4, 1)])
def test_the_send_decimated_a_block_at_a_time_matches_the_strided_sum(n: int, q: int,
                                                                      rows: int) -> None:
    rng = np.random.default_rng(n)
    bus = rng.standard_normal((n, 3)).astype(np.float32)
    m = -(-n // q)
    fast = _decimate(np, bus[:, 2], q, m, rows=rows)  # a strided column, as the engine's
    general = np.asarray(_decimate(strict, strict.asarray(bus[:, 2].copy()), q, m))
    assert fast.shape == (m,) and fast.dtype == np.float32
    np.testing.assert_array_equal(fast, general)

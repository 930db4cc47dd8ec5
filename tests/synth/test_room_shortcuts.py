"""The room path's NumPy shortcuts (one-pass decimation, in-place compaction) give the same
bits as the general code: they are a speed-up, never a change of sound."""

from __future__ import annotations

import array_api_strict as strict
import numpy as np
import pytest

from schillinger_kernel.synth.effects import _decimate
from schillinger_kernel.synth.renderer import _compact


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


@pytest.mark.parametrize(("frames", "n", "rows"), [(1000, 1000, 7), (1000, 613, 64),
                                                   (4096, 4096, 1 << 16), (3, 1, 1)])
def test_compact_moves_left_and_right_to_the_front_bit_for_bit(frames: int, n: int,
                                                              rows: int) -> None:
    rng = np.random.default_rng(frames + n)
    y = rng.standard_normal((frames, 3)).astype(np.float32)
    y[::5, 0] = np.nan  # raw bits move: a NaN's payload included
    want = y[:n, :2].copy()
    got = _compact(y, n, rows=rows)
    assert got.shape == (n, 2) and got.flags.c_contiguous
    assert np.shares_memory(got, y)  # no second copy of the piece
    np.testing.assert_array_equal(got.view(np.int32), want.view(np.int32))

"""The renderer's NumPy shortcuts give the same samples as the general code they replace."""

from __future__ import annotations

import numpy as np
import pytest

from bench.bench_render import piece
from schillinger_kernel.synth.backend import get_backend
from schillinger_kernel.synth.effects import limit
from schillinger_kernel.synth.engine import plan, synthesize_send
from schillinger_kernel.synth.room import add_room


@pytest.mark.parametrize(("n", "q", "rows"), [(1001, 4, 7), (4096, 4, 1024), (999, 3, 50),
                                              (17, 1, 4), (64, 8, 3)])
def test_the_room_added_as_complex_frames_matches_the_strided_loop(n: int, q: int,
                                                                   rows: int) -> None:
    rng = np.random.default_rng(n)
    answer = rng.standard_normal((-(-n // q) + 2, 2)).astype(np.float32).T.copy().T
    bus = rng.standard_normal((n, 2)).astype(np.float32)
    fast = add_room(np, bus.copy(), answer, q, rows=rows)
    # A Fortran-ordered bus is not C-contiguous: it takes the general, phase-by-phase path.
    general = add_room(np, np.asfortranarray(bus), answer, q)
    np.testing.assert_array_equal(fast, general)


def test_the_limiter_leaves_the_quiet_blocks_bit_identical() -> None:
    t = np.arange(4 * 48000) / 48000
    x = (np.sin(2 * np.pi * 220 * t) * np.where((t > 3.0) & (t < 3.2), 1.5, 0.3))
    x = np.stack([x, x], axis=1).astype(np.float32)
    y = limit(np, x.copy(), 48000)
    assert float(np.abs(y).max()) <= 0.891
    np.testing.assert_array_equal(y[:2 * 48000], x[:2 * 48000])  # far before the peak
    assert not np.array_equal(y[int(3.05 * 48000):int(3.15 * 48000)],
                              x[int(3.05 * 48000):int(3.15 * 48000)])


def test_one_worker_and_two_render_the_same_samples() -> None:
    tl = plan([piece(seconds=12.0)], 22050, 0.5, None, None, True, True)
    be = get_backend("numpy")
    one, two = synthesize_send(tl, be, threads=1), synthesize_send(tl, be, threads=2)
    np.testing.assert_array_equal(one[0], two[0])
    np.testing.assert_array_equal(one[1], two[1])  # the room send too

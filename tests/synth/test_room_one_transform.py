"""The room's two ears come out of one complex inverse transform (issue #13): under a strictly
standard namespace (the portable path: concatenated spectra, ears stacked) it gives what the
NumPy shortcuts give (spectra multiplied into place, ears read off the complex memory), for
sends shorter than one block, exactly whole blocks and many groups of blocks."""

from __future__ import annotations

import array_api_strict as strict
import numpy as np
import pytest

from schillinger_kernel.synth import room


@pytest.mark.parametrize(("sr", "name", "frames"), [(48000, "studio", 4_000),
                                                     (48000, "studio", 800_000),
                                                     (24000, "hall", 300_001),
                                                     (12000, "chamber", 0)])
def test_the_portable_room_matches_the_numpy_room(sr: int, name: str, frames: int) -> None:
    q = room.room_q(sr)
    taps = room._room_ir(-(-sr // q), *room.ROOMS[name]).shape[1]
    if frames == 0:  # exactly two whole blocks of the overlap-add
        nfft = 1 << max(13, int(np.ceil(np.log2(4 * taps))))
        frames = 2 * (nfft - taps + 1) * q
    rng = np.random.default_rng(frames)
    send = (rng.standard_normal(-(-frames // q)) * 0.1).astype(np.float32)
    fast, q_fast = room.room(np, send, sr, name, decimated=True)
    general, q_general = room.room(strict, strict.asarray(send), sr, name, decimated=True)
    general = np.asarray(general)
    assert q_fast == q_general == q
    assert fast.shape == general.shape == (send.shape[0], 2)
    assert fast.dtype == general.dtype == np.float32 and fast.flags.c_contiguous
    scale = float(np.abs(fast).max())
    assert scale > 0.01
    np.testing.assert_allclose(general, fast, rtol=0, atol=1e-6 * scale)
    # Two ears, not one: the tails are decorrelated.
    assert abs(float(np.corrcoef(fast[:, 0], fast[:, 1])[0, 1])) < 0.3

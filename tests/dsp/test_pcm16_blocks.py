"""The 16-bit export's shortcuts (issue #13) keep its samples: quantising into reused
buffers gives the plain computation's integers, and a WAV written a block at a time through
a few recycled buffers holds every block's own samples, in order."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from schillinger_kernel.audio import Audio
from schillinger_kernel.dsp.mastering import DITHER_SAMPLES, _dither_table, quantize_int16
from schillinger_kernel.errors import ParameterError
from schillinger_kernel.io.audio import BLOCK_FRAMES, read_audio, write


def plain(x: np.ndarray, offset: int | None) -> np.ndarray:
    """Scale, dither, round half to even, clip: in float64, step by step."""
    y = x.astype(np.float64) * 32767.0
    if offset is not None:
        y = y + _dither_table()[offset:offset + x.size].reshape(x.shape)
    return np.clip(np.rint(y), -32768, 32767).astype(np.int16)


@pytest.mark.parametrize("offset", [None, 0, 12345, DITHER_SAMPLES - 6000])
def test_quantising_into_given_buffers_matches_the_plain_computation(offset: int | None
                                                                      ) -> None:
    rng = np.random.default_rng(7)
    x = (rng.standard_normal((3000, 2)) * 0.6).astype(np.float32)
    x[:4, 0] = [1.5, -1.5, 0.5 / 32767, -2.5 / 32767]  # clipped; ties round to even
    out = np.full(x.shape, 99, dtype=np.int16)
    work = np.full(x.shape, np.nan, dtype=np.float32)
    got = quantize_int16(x, offset, out=out, work=work)
    assert got is out
    fresh = quantize_int16(x, offset)
    np.testing.assert_array_equal(got, fresh)
    want = plain(x, offset)
    # float32 scaling can land a value on the other side of a rounding edge: one LSB at most
    assert int(np.max(np.abs(got.astype(np.int32) - want))) <= 1
    assert np.mean(got != want) < 1e-3
    if offset is None:
        assert got[:4, 0].tolist() == [32767, -32768, 0, -2]


@pytest.mark.parametrize(("name", "value"), [("out", np.zeros((10, 2), dtype=np.int32)),
                                             ("out", np.zeros((9, 2), dtype=np.int16)),
                                             ("work", np.zeros((10, 2), dtype=np.float64))])
def test_a_buffer_of_the_wrong_kind_is_refused(name: str, value: np.ndarray) -> None:
    with pytest.raises(ParameterError, match=name):
        quantize_int16(np.zeros((10, 2), dtype=np.float32), None, **{name: value})


@pytest.mark.parametrize("channels", [1, 2, 3])
def test_a_long_16_bit_wav_holds_every_block_in_order(tmp_path: Path, channels: int) -> None:
    # More blocks than recycled buffers (a wrong reuse would repeat or swap blocks), the
    # last one short.
    frames = 7 * BLOCK_FRAMES * 2 // channels + 1234
    t = np.arange(frames, dtype=np.float64)
    x = np.stack([0.5 * np.sin(2 * np.pi * (110 + 40 * c) * t / 8000 + 0.1 * (t / frames))
                  for c in range(channels)], axis=1).astype(np.float32)
    audio = Audio(x, 8000)
    first = write(audio, tmp_path / "a.wav", bit_depth=16)
    back = read_audio(first).samples
    assert back.shape == x.shape
    # Each sample within the dither's LSB and the rounding's half of it.
    err = np.abs(back.astype(np.float64) * 32768 - x.astype(np.float64) * 32767)
    assert float(err.max()) <= 1.5 + 1e-6
    assert 0.2 < float(np.mean(np.abs(back * 32768 - np.rint(x * 32767)))) < 0.8  # dithered
    again = write(audio, tmp_path / "b.wav", bit_depth=16)
    assert first.read_bytes() == again.read_bytes()  # the same export, the same file
    plain_rounding = read_audio(write(audio, tmp_path / "c.wav", bit_depth=16,
                                      dither=False)).samples
    # Rounded as the exporter scales, in float32: exactly.
    np.testing.assert_array_equal(np.rint(plain_rounding * 32768),
                                  np.clip(np.rint(x * np.float32(32767)), -32768, 32767))

"""The render's fixed costs cut (issue #13) without changing the sound.

Each shortcut is checked against the plain computation it replaces: the room's convolution
(smoothing folded into the tail, fuller transforms) against the decimate-smooth-convolve of
the definition in float64; the room added with its peak measured against the add and a scan;
a solo's panning against the matrix product; the partials' block basis against sines and
cosines taken one by one; and a whole render against the engine's buffers put through the
room, the limiter and the soft limit step by step.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.signal

import schillinger_kernel as sk
from bench.bench_render import solo
from schillinger_kernel.errors import ParameterError, ParameterTypeError
from schillinger_kernel.score import Note, Part, Score, TempoChange
from schillinger_kernel.synth import effects, engine, notes, room
from schillinger_kernel.synth.backend import get_backend
from schillinger_kernel.synth.engine import BLOCK, plan, soft_limit, synthesize_send


def plain_room(send: np.ndarray, sr: int, name: str) -> np.ndarray:
    """The room by its definition, in float64: the mean of each ``q`` samples, smoothed
    (0.25, 0.5, 0.25, the ends repeated), convolved with each ear's tail, cut at the send's
    length with a 20 ms fade."""
    decay, predelay = room.ROOMS[name]
    q = max(1, sr // 12000)
    m = -(-send.shape[0] // q)
    x = np.zeros(m * q)
    x[:send.shape[0]] = send
    x = x.reshape(m, q).mean(axis=1)
    x = 0.5 * x + 0.25 * (np.concatenate([x[:1], x[:-1]]) + np.concatenate([x[1:], x[-1:]]))
    ir = room.reverb_ir(-(-sr // q), decay, predelay).astype(np.float64)
    y = np.stack([scipy.signal.fftconvolve(x, ir[c])[:m] for c in range(2)], axis=1)
    fade = min(m, max(1, round(0.02 * sr / q)))
    y[m - fade:] *= np.linspace(1.0, 0.0, fade)[:, None]
    return y


@pytest.mark.parametrize(("name", "sr", "n"), [("studio", 48000, 300_001),
                                               ("studio", 48000, 1_000_003),  # a long send
                                               ("hall", 44100, 250_000),
                                               ("chamber", 96000, 123_457),
                                               ("studio", 12000, 5_000)])
def test_the_room_matches_its_definition(name: str, sr: int, n: int) -> None:
    rng = np.random.default_rng(n)
    send = (rng.standard_normal(n) * np.exp(-np.arange(n) / n)).astype(np.float32)
    send[:8] = 0.0  # as a render's send starts: the repeated first sample is silence
    answer, q = room.room(np, send, sr, name)
    want = plain_room(send, sr, name)
    assert q == max(1, sr // 12000) and answer.shape == want.shape
    assert answer.dtype == np.float32
    np.testing.assert_allclose(answer, want, rtol=0, atol=2e-6 * float(np.abs(want).max()))


def test_the_folded_tail_is_the_tail_smoothed() -> None:
    ir = room.reverb_ir(12000, 1.4, 0.018).astype(np.float64)
    folded = room._room_ir(12000, 1.4, 0.018)
    for c in range(2):
        want = np.convolve(ir[c], [0.25, 0.5, 0.25])[1:]  # centred: one sample earlier
        np.testing.assert_allclose(folded[c], want, rtol=0, atol=1e-7)


@pytest.mark.parametrize(("n", "q", "rows"), [(1001, 4, 7), (4096, 4, 1024), (999, 3, 50),
                                              (17, 1, 4), (64, 8, 3)])
def test_the_room_added_with_its_peak_matches_the_add_and_a_scan(n: int, q: int,
                                                                 rows: int) -> None:
    rng = np.random.default_rng(n + q)
    answer = rng.standard_normal((-(-n // q), 2)).astype(np.float32)
    bus = rng.standard_normal((n, 2)).astype(np.float32)
    fast, peak = room.add_room_peak(np, bus.copy(), answer, q, rows=rows)
    general, general_peak = room.add_room_peak(np, np.asfortranarray(bus), answer, q)
    np.testing.assert_array_equal(fast, general)
    assert peak == general_peak == float(np.abs(fast).max())


def test_a_nan_in_the_bus_shows_in_the_peak() -> None:
    bus = np.zeros((4096, 2), dtype=np.float32)
    bus[3000, 1] = np.nan
    _, peak = room.add_room_peak(np, bus, np.ones((1024, 2), dtype=np.float32), 4, rows=100)
    assert math.isnan(peak)


@pytest.mark.parametrize("rows", [1, 2])
def test_a_few_rows_panned_one_by_one_match_the_product(rows: int) -> None:
    rng = np.random.default_rng(rows)
    mono = rng.standard_normal((rows, 5000)).astype(np.float32)
    gains = rng.random((3, rows)).astype(np.float32)
    out = np.full((5000, 2), np.nan, dtype=np.float32)
    send = np.full(5000, np.nan, dtype=np.float32)
    engine._pan_few(mono, gains, out, send)
    np.testing.assert_allclose(out, mono.T.astype(np.float64) @ gains[:2].T, rtol=1e-6,
                               atol=1e-6)
    np.testing.assert_allclose(send, gains[2].astype(np.float64) @ mono, rtol=1e-6, atol=1e-6)


def test_the_block_basis_matches_sines_and_cosines_one_by_one() -> None:
    freqs = np.array([[27.5, 440.0, 4186.0, 21000.0], [0.0, 3.3, 12345.6, 999.9]])
    got = notes._basis(np, freqs, 48000)
    th = freqs[:, :, None] * (np.arange(BLOCK) / 48000)[None, None, :] * (2 * math.pi)
    want = np.concatenate([np.sin(th), np.cos(th)], axis=1)
    assert got.shape == want.shape and got.dtype == np.float32
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-6)


def step_by_step(score: Score, sr: int) -> np.ndarray:
    """The render with a room, each step whole: engine, room, add, limiter, soft limit."""
    be = get_backend("numpy")
    decay, predelay = room.ROOMS["studio"]
    tl = plan([score], sr, decay / 2 + predelay, None, None, True, True)
    y, send = synthesize_send(tl, be)
    assert send is not None
    n = int(tl.frames[0])
    answer, q = room.room(np, send[:n], sr, "studio")
    mix = room.add_room(np, y[:n].copy(), answer, q)
    return soft_limit(np, effects.limit(np, mix, sr))


@pytest.mark.parametrize("loud", [False, True])
def test_a_render_with_a_room_is_the_steps_taken_one_by_one(loud: bool) -> None:
    if loud:  # over the limiter's ceiling: the limiter and the soft limit both run
        score = Score(parts=tuple(Part.create(f"P{k}", [Note(i * 240, 230, 48 + 4 * k + i % 5,
                                                             127) for i in range(40)],
                                              instrument="organ", gain=2.0)
                                  for k in range(12)),
                      tempos=(TempoChange(0, 120.0),))
    else:
        score = solo(seconds=6.0)
    got = sk.render(score, sample_rate=24000, backend="numpy").samples
    want = step_by_step(score, 24000)
    np.testing.assert_array_equal(got, want)
    assert (float(np.abs(got).max()) > effects.LIMIT_CEILING * 0.99) == loud
    assert float(np.abs(got).max()) <= effects.LIMIT_CEILING + 1e-6


@pytest.mark.parametrize(("sr", "q"), [(48000, 4), (24000, 2), (96000, 8)])
def test_the_send_decimated_chunk_by_chunk_is_the_full_send_decimated(sr: int, q: int) -> None:
    tl = plan([solo(seconds=4.0)], sr, 0.5, None, None, True, True)
    be = get_backend("numpy")
    y_full, full = synthesize_send(tl, be)
    y_dec, dec = synthesize_send(tl, be, send_q=q)
    assert full is not None and dec is not None and dec.shape == (full.shape[0] // q,)
    np.testing.assert_array_equal(y_dec, y_full)
    np.testing.assert_array_equal(dec, room._decimate(np, full, q, full.shape[0] // q))


@pytest.mark.parametrize(("send_q", "says"), [(0, "in 1..256"), (512, "in 1..256"),
                                              (3, "divide a block of 256 samples")])
def test_a_send_step_that_does_not_divide_a_block_is_refused(send_q: int, says: str) -> None:
    tl = plan([solo(seconds=1.0)], 48000, 0.5, None, None, True, True)
    with pytest.raises(ParameterError, match=f"send_q must .*{says}"):
        synthesize_send(tl, get_backend("numpy"), send_q=send_q)


def test_a_send_step_must_be_an_int() -> None:
    tl = plan([solo(seconds=1.0)], 48000, 0.5, None, None, True, True)
    with pytest.raises(ParameterTypeError, match="send_q must be an int"):
        synthesize_send(tl, get_backend("numpy"), send_q=True)


@pytest.mark.parametrize("sr", [44100, 48000])
def test_a_render_at_either_kind_of_rate_is_the_steps_taken_one_by_one(sr: int) -> None:
    # 44100: q = 3 does not divide a block, so the room decimates the full-rate send itself.
    score = solo(seconds=3.0)
    np.testing.assert_array_equal(sk.render(score, sample_rate=sr, backend="numpy").samples,
                                  step_by_step(score, sr))

"""An ensemble that sounds placed: seats by instrument, a default room, a limited master bus
and a balance where the melody stays above the drums."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

import schillinger_kernel as sk
from bench.listen import stereo_correlation
from schillinger_kernel.audio import Audio
from schillinger_kernel.dsp.loudness import integrated_loudness
from schillinger_kernel.score import Note, Part, Score
from schillinger_kernel.synth.effects import limit
from schillinger_kernel.synth.ensemble import SEATS
from schillinger_kernel.synth.timeline import seats

SR = 22050


def solo(program: int, pan: float = 0.0, pitch: int = 60, preset: str | None = None,
         channel: int = 0) -> Score:
    return Score(parts=(Part("P", (Note(0, 960, pitch, 100),), program=program, pan=pan,
                             preset=preset, channel=channel),))


def measured_pan(samples: np.ndarray) -> float:
    """The pan that the equal-power law gives for the left and right RMS."""
    left, right = np.sqrt(np.mean(samples.astype(np.float64) ** 2, axis=0))
    return 4 / math.pi * math.atan2(right, left) - 1


@pytest.mark.parametrize("program, seat", [(40, "violin"), (42, "cello"), (43, "contrabass"),
                                           (56, "trumpet"), (60, "horn"), (0, "piano"),
                                           (24, "guitar"), (66, "sax")])
def test_a_part_left_at_pan_0_sits_where_its_instrument_does(program: int, seat: str) -> None:
    a = sk.render(solo(program), sample_rate=SR, backend="numpy", room=None)
    assert measured_pan(a.samples) == pytest.approx(SEATS[seat], abs=0.02)


def test_violins_left_cellos_right_as_an_orchestra_sits() -> None:
    assert SEATS["violin"] < SEATS["viola"] < SEATS["cello"] < SEATS["contrabass"]
    assert SEATS["horn"] < 0 < SEATS["trumpet"] < SEATS["trombone"] < SEATS["tuba"]


def test_an_explicit_pan_wins_and_ensemble_false_plays_the_part_where_it_says() -> None:
    placed = sk.render(solo(40, pan=0.7), sample_rate=SR, backend="numpy", room=None)
    assert measured_pan(placed.samples) == pytest.approx(0.7, abs=0.02)
    flat = sk.render(solo(40), sample_rate=SR, backend="numpy", room=None, ensemble=False)
    assert np.array_equal(flat.samples[:, 0], flat.samples[:, 1])


def test_parts_that_would_share_a_seat_move_apart() -> None:
    n = (Note(0, 480, 67, 90),)
    quartet = Score(parts=(Part("Vn1", n, program=40), Part("Vn2", n, program=40),
                           Part("Va", n, program=41), Part("Vc", n, program=42)))
    assert seats(quartet) == [-0.45, -0.25, 0.2, 0.4]


def test_the_drum_kit_is_spread_as_a_drummer_sets_it_up() -> None:
    def hit(note: int) -> float:
        s = Score(parts=(Part("Kit", (Note(0, 240, note, 100),), channel=9, preset="drum"),))
        return measured_pan(sk.render(s, sample_rate=SR, backend="numpy", room=None).samples)

    assert hit(42) > 0.2  # hi-hat on the audience's right
    assert hit(51) < -0.2  # ride on the left
    assert abs(hit(36)) < 0.02  # kick in the middle


def test_the_room_is_on_by_default_and_off_with_one_argument() -> None:
    s = solo(66, pitch=55)
    dry = sk.render(s, sample_rate=SR, backend="numpy", room=None)
    wet = sk.render(s, sample_rate=SR, backend="numpy")
    assert wet.frames > dry.frames
    tail = wet.samples[dry.frames:dry.frames + SR // 10]
    assert np.sqrt(np.mean(tail ** 2)) > 1e-3 * np.sqrt(np.mean(dry.samples ** 2))
    assert stereo_correlation(dry.samples) == pytest.approx(1.0, abs=1e-6)  # centre, mono
    assert stereo_correlation(wet.samples) < 0.98  # the room's answer differs left and right
    hall = sk.render(s, sample_rate=SR, backend="numpy", room="hall")
    assert hall.frames > wet.frames


def test_the_bass_sends_less_to_the_room_than_the_strings() -> None:
    def wet_share(program: int, pitch: int) -> float:
        s = solo(program, pitch=pitch)
        dry = sk.render(s, sample_rate=SR, backend="numpy", room=None).samples
        wet = sk.render(s, sample_rate=SR, backend="numpy").samples[:dry.shape[0]]
        return float(np.sum((wet - dry) ** 2) / np.sum(dry ** 2))

    assert wet_share(33, 40) < 0.5 * wet_share(48, 60)


def test_a_room_or_effects_end_in_a_limiter_under_minus_1_dbfs() -> None:
    chord = tuple(Note(0, 1920, p, 127) for p in (48, 55, 60, 64, 67, 72))
    loud = Score(parts=tuple(Part(f"P{i}", chord, program=prog, gain=4.0)
                             for i, prog in enumerate((0, 48, 56, 61, 66, 81))))
    a = sk.render(loud, sample_rate=SR, backend="numpy")
    assert 0.85 < a.peak <= 10 ** (-1 / 20) + 1e-6
    quiet = solo(73)
    assert sk.render(quiet, sample_rate=SR, backend="numpy").peak < 0.5  # nothing to limit


def test_the_limiter_is_gentle() -> None:
    t = np.arange(SR * 2) / SR
    level = np.where((t > 0.5) & (t < 0.6), 2.0, 0.3)
    x = np.stack([np.sin(2 * np.pi * 220 * t) * level] * 2, axis=1).astype(np.float32)
    y = limit(np, x.copy(), SR)
    assert float(np.abs(y).max()) <= 0.891 + 1e-6
    assert np.array_equal(y[:int(0.45 * SR)], x[:int(0.45 * SR)])  # before: untouched
    after = slice(int(1.5 * SR), int(1.6 * SR))  # 0.9 s later the gain has come back
    assert np.sqrt(np.mean(y[after] ** 2)) == pytest.approx(np.sqrt(np.mean(x[after] ** 2)),
                                                            rel=0.01)
    dip = slice(int(0.7 * SR), int(0.75 * SR))  # just after the peak it recovers gradually
    assert 0.3 < float(np.sqrt(np.mean(y[dip] ** 2)) / np.sqrt(np.mean(x[dip] ** 2))) < 1


def test_a_room_name_outside_the_list_is_refused() -> None:
    with pytest.raises(ValueError, match="room must be one of studio, chamber, hall or None"):
        sk.render(solo(0), sample_rate=SR, backend="numpy", room="cathedral")
    with pytest.raises(TypeError, match="ensemble must be a bool"):
        sk.render(solo(0), sample_rate=SR, backend="numpy", ensemble="yes")  # type: ignore


def test_render_many_places_and_rooms_like_render() -> None:
    """A batch shares one engine buffer (the room added beside the other scores); a single
    render reuses its buffer in place: the same sound either way."""
    s = sk.generate_composition("Jazz Sketch", 140, "Bb major", 2, "jazz", 0.7, seed=4)
    t = s.transpose(3)
    many = sk.render_many([s, t], sample_rate=SR, backend="numpy", progress=False)
    for score, batched in zip((s, t), many, strict=True):
        one = sk.render(score, sample_rate=SR, backend="numpy")
        assert batched.frames == one.frames
        assert np.allclose(batched.samples, one.samples, atol=1e-6)


@pytest.fixture(scope="module")
def jazz() -> Score:
    return sk.generate_composition("Jazz Sketch", 140, "Bb major", 16, "jazz", 0.7, seed=4)


def part_lufs(score: Score, name: str) -> float:
    part = next(p for p in score.parts if p.name == name)
    a = sk.render(dataclasses.replace(score, parts=(part,)), sample_rate=48000, backend="numpy")
    value = integrated_loudness(a)
    assert value is not None
    return value


def test_the_melody_is_not_buried_by_the_drums(jazz: Score) -> None:
    """Each part rendered alone (seat, room and balance as in the mix): the lead at least
    3 LU above the drums (ours: about +8; FluidSynth's GM set: +10; before: -3)."""
    lead = jazz.parts[0].name
    drums = next(p.name for p in jazz.parts if p.is_drums)
    assert part_lufs(jazz, lead) >= part_lufs(jazz, drums) + 3.0


def test_the_full_piece_is_placed_not_mono(jazz: Score) -> None:
    a = sk.render(jazz, sample_rate=SR, backend="numpy")
    assert 0.5 < stereo_correlation(a.samples) < 0.95
    flat = sk.render(jazz, sample_rate=SR, backend="numpy", room=None, ensemble=False)
    assert stereo_correlation(flat.samples) == pytest.approx(1.0, abs=1e-6)
    assert isinstance(a, Audio) and a.peak <= 10 ** (-1 / 20) + 1e-6

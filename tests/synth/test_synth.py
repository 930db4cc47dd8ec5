"""The renderer: backends, presets, the engine, effects, batches, preset previews."""

from __future__ import annotations

import logging
import math
from concurrent.futures import ThreadPoolExecutor

import array_api_strict
import numpy as np
import pytest

import schillinger_kernel as sk
from schillinger_kernel.audio import Audio
from schillinger_kernel.score import Note, Part, Score, TempoChange
from schillinger_kernel.synth import Backend, BackendUnavailable, get_backend, get_namespace
from schillinger_kernel.synth.engine import BLOCK
from schillinger_kernel.synth.presets import DRUM_KINDS, drum_kind, drum_templates

SR = 22050


def mixed_score(tempo: float = 150.0) -> Score:
    """Four short parts: pluck melody, bass, pad, drums (about 2 s)."""
    s = Score.from_durations((2, 1, 1, 2, 2), pitches=(60, 64, 67, 72), tempo=tempo)
    return (s.add_part(Part.create("Bass", [Note(0, 960, 36, 100), Note(960, 960, 43, 90)],
                                   instrument="bass", pan=-0.5))
            .add_part(Part.create("Pad", [Note(0, 1920, p, 70) for p in (60, 64, 67)],
                                  instrument="pad", pan=0.4))
            .add_part(Part.create("Kit", [Note(t, 120, n, 100) for t, n in
                                          ((0, 36), (240, 42), (480, 38), (720, 42))],
                                  instrument="drums")))


def one_note(pitch: int = 69, preset: str = "lead", start: int = 0, velocity: int = 100,
             pan: float = 0.0, gain: float = 1.0, channel: int = 0) -> Score:
    part = Part("P", (Note(start, 480, pitch, velocity),), preset=preset, pan=pan, gain=gain,
                channel=channel)
    return Score(parts=(part,))


def rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64))))


# ----- backends -------------------------------------------------------------------------------
def test_numpy_backend_and_namespace() -> None:
    assert get_backend("numpy").name == "numpy"
    assert get_namespace("numpy") is np


def test_auto_logs_its_choice(caplog: pytest.LogCaptureFixture) -> None:
    from schillinger_kernel.synth import backend as bmod

    bmod._auto.cache_clear()
    with caplog.at_level(logging.INFO, logger="schillinger_kernel.synth"):
        b = get_backend("auto")
    lines = [r.getMessage() for r in caplog.records if "render backend" in r.getMessage()]
    assert len(lines) == 1
    assert lines[0].startswith(f"render backend: {b.name} (")
    if b.name == "numpy":  # no GPU here: the line says why
        assert "CuPy" in lines[0]


def test_cupy_unavailable_says_how_to_install() -> None:
    try:
        get_backend("cupy")
    except BackendUnavailable as exc:
        assert "pip install 'schillinger-workbench[gpu]'" in str(exc)
    else:  # pragma: no cover - only on a machine with a GPU
        pytest.skip("CuPy and a CUDA device are present")


def test_unknown_backend() -> None:
    with pytest.raises(ValueError, match="backend must be one of"):
        get_backend("opencl")
    with pytest.raises(ValueError, match="backend must be one of"):
        sk.render(mixed_score(), backend="tpu")


def test_generic_scatter_matches_numpy() -> None:
    strict = Backend.generic(array_api_strict)
    idx, vals = [3, 1, 3, 0, 3], [1.0, 2.0, 3.0, 4.0, 0.5]
    a = get_backend("numpy").scatter_add(5, np.array(idx), np.array(vals))
    b = strict.scatter_add(5, array_api_strict.asarray(idx), array_api_strict.asarray(vals))
    assert np.array_equal(a, strict.to_numpy(b))
    assert a.tolist() == [4.0, 2.0, 0.0, 4.5, 0.0]


# ----- the engine -----------------------------------------------------------------------------
def test_render_shape_range_and_length() -> None:
    s = mixed_score()
    a = sk.render(s, sample_rate=SR, backend="numpy")
    assert isinstance(a, Audio)
    assert a.samples.dtype == np.float32 and a.samples.shape == (a.frames, 2)
    assert a.sample_rate == SR
    assert 0.05 < a.peak < 1.0
    assert s.duration_seconds < a.duration < s.duration_seconds + 1.5
    assert not a.samples.flags.writeable


def test_array_api_strict_runs_the_same_engine() -> None:
    """Portability proof: the engine's array code under a strictly standard namespace."""
    s = mixed_score()
    ref = sk.render(s, sample_rate=SR, backend="numpy",
                    effects={"eq": {"low_db": 3}, "delay": {}, "reverb": {"decay": 0.5}})
    got = sk.render(s, sample_rate=SR, backend=Backend.generic(array_api_strict),
                    effects={"eq": {"low_db": 3}, "delay": {}, "reverb": {"decay": 0.5}})
    assert got.frames == ref.frames
    assert np.max(np.abs(got.samples - ref.samples)) < 1e-5


def test_chunk_size_does_not_change_the_sound(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks are independent (notes and drums ringing across their edges)."""
    from schillinger_kernel.synth import engine

    long_crash = Part.create("Cym", [Note(t, 120, 49, 110) for t in (0, 700, 1500)],
                             instrument="drums")  # 1.8 s crashes across many small chunks
    s = mixed_score().add_part(long_crash)
    whole = sk.render(s, sample_rate=SR, backend="numpy")
    monkeypatch.setattr(engine, "CHUNK_BLOCKS", 7)  # 1792 samples: every sound spans chunks
    small = sk.render(s, sample_rate=SR, backend="numpy")
    assert small.frames == whole.frames
    assert np.max(np.abs(small.samples - whole.samples)) < 1e-5
    assert rms(whole.samples) > 0.01


def test_onsets_inside_a_block_keep_their_time() -> None:
    """Notes start in a block but the envelope starts at the exact onset: shifting a note by
    a quarter block moves its attack by a quarter block, not by zero or a whole block."""
    shift = BLOCK // 4

    def attack_centre(extra: int) -> float:
        start = 480 * 3 + extra  # ticks; at 120 bpm one tick is SR / 960 samples
        a = sk.render(one_note(69, "pluck", start=start), sample_rate=SR, backend="numpy")
        e = np.square(a.mono().astype(np.float64))
        e = np.convolve(e, np.ones(64), mode="same")
        onset = int(np.argmax(e > 1e-6))
        peak = onset + int(np.argmax(e[onset:onset + 4 * BLOCK]))
        return float(np.sum(np.arange(onset, peak) * np.diff(e[onset:peak + 1])) /
                     max(1e-12, e[peak] - e[onset]))

    ticks = round(shift * 960 / SR)  # the shift in ticks
    moved = attack_centre(ticks) - attack_centre(0)
    assert moved == pytest.approx(ticks * SR / 960, abs=BLOCK / 8)


def test_soft_limit_is_pointwise_and_rejects_nan() -> None:
    from schillinger_kernel.synth.engine import soft_limit

    x = np.linspace(-2.0, 2.0, 4001, dtype=np.float32).reshape(-1, 1)
    whole = soft_limit(np, x.copy())
    parts = np.concatenate([soft_limit(np, x[i:i + 700].copy()) for i in range(0, 4001, 700)])
    assert np.array_equal(whole, parts)  # chunk by chunk, the same curve
    assert float(np.max(np.abs(whole))) <= 1.0
    quiet = x[1800:2201].copy()  # |x| <= 0.2: untouched
    assert np.array_equal(soft_limit(np, quiet.copy()), quiet)
    with pytest.raises(ValueError, match="NaN or infinite"):
        soft_limit(np, np.array([[0.1], [np.nan]], dtype=np.float32))


@pytest.mark.parametrize("pos", [
    np.sort(np.concatenate([np.random.default_rng(5).integers(0, 2000, 40), [100, 100, 100]])),
    np.arange(7, 2000, 320),  # evenly spaced and apart: one strided view
    np.arange(7, 2000, 150),  # evenly spaced but overlapping
    np.array([1234]),
])
def test_add_hits_in_place_matches_scatter(pos: np.ndarray) -> None:
    """NumPy's in-place adds (strided, or layered where hits overlap) equal a scatter-add."""
    rng = np.random.default_rng(5)
    tmpl = rng.standard_normal(300).astype(np.float32)
    amp = rng.random(pos.shape[0]).astype(np.float32)
    got = get_backend("numpy").add_hits(np.zeros(2400, np.float32), pos, amp, tmpl)
    strict = Backend.generic(array_api_strict)
    ref = strict.to_numpy(strict.add_hits(
        array_api_strict.zeros(2400, dtype=array_api_strict.float32), pos,
        array_api_strict.asarray(amp), array_api_strict.asarray(tmpl)))
    direct = np.zeros(2400)
    for p, a in zip(pos, amp, strict=True):
        direct[p:p + 300] += a * tmpl
    assert np.max(np.abs(got - direct)) < 1e-5
    assert np.max(np.abs(ref - direct)) < 1e-5


def test_pitch_is_right() -> None:
    a = sk.render(one_note(69, "lead"), sample_rate=SR, backend="numpy")
    x = a.mono()[: SR // 4]
    spec = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    freq = np.argmax(spec) * SR / len(x)
    assert abs(freq - 440.0) < 5.0


@pytest.mark.parametrize("preset", ["pad", "bass", "lead", "pluck", "fx"])
def test_every_pitched_preset_sounds(preset: str) -> None:
    a = sk.render(one_note(57, preset), sample_rate=SR, backend="numpy")
    assert rms(a.samples) > 1e-3
    assert a.peak < 1.0


def test_presets_differ() -> None:
    renders = {p: sk.render(one_note(57, p), sample_rate=SR, backend="numpy").mono()[:SR // 2]
               for p in ("pad", "bass", "lead", "pluck")}
    names = list(renders)
    for i, p in enumerate(names):
        for q in names[i + 1:]:
            assert not np.allclose(renders[p], renders[q], atol=1e-3), (p, q)


def test_onset_and_release_follow_the_score() -> None:
    # One beat at 120 bpm = 0.5 s; the note starts at beat 1 and lasts one beat.
    a = sk.render(one_note(69, "lead", start=480), sample_rate=SR, backend="numpy", room=None)
    env = np.abs(a.mono())
    first = int(np.argmax(env > 1e-4))
    # The envelope is sampled smoothed over a block: it starts rising up to 1.5 blocks early
    # (its half-way point is on time: see test_onsets_inside_a_block_keep_their_time).
    assert 0.5 * SR - 1.5 * BLOCK <= first <= 0.5 * SR + BLOCK
    assert env[int(1.0 * SR) - 200:int(1.0 * SR)].max() > 0.01  # still sounding
    assert a.duration == pytest.approx(1.15, abs=0.01)  # the lead's release is 0.15 s
    assert env[-int(0.01 * SR):].max() < 1e-3  # and has died away by the end


def test_tempo_map_moves_notes() -> None:
    notes = (Note(0, 240, 69, 100), Note(960, 240, 69, 100))
    fast = Score(parts=(Part("P", notes, preset="pluck"),), tempos=(TempoChange(0, 120.0),))
    slow = Score(parts=(Part("P", notes, preset="pluck"),),
                 tempos=(TempoChange(0, 120.0), TempoChange(480, 60.0)))
    second = slow.seconds_at(960)
    assert second == pytest.approx(1.5)
    a = sk.render(slow, sample_rate=SR, backend="numpy").mono()
    b = sk.render(fast, sample_rate=SR, backend="numpy").mono()
    win = int(0.05 * SR)
    assert rms(a[int(1.5 * SR):int(1.5 * SR) + win]) > 5 * rms(a[int(1.4 * SR):int(1.45 * SR)])
    assert rms(b[int(1.0 * SR):int(1.0 * SR) + win]) > 0.01


def test_pan_velocity_and_gain() -> None:
    left = sk.render(one_note(pan=-1.0), sample_rate=SR, backend="numpy", room=None).samples
    assert rms(left[:, 1]) < 1e-6 < rms(left[:, 0])
    loud = rms(sk.render(one_note(velocity=120), sample_rate=SR, backend="numpy").samples)
    soft = rms(sk.render(one_note(velocity=40), sample_rate=SR, backend="numpy").samples)
    assert loud > 3 * soft
    half = rms(sk.render(one_note(gain=0.5), sample_rate=SR, backend="numpy").samples)
    full = rms(sk.render(one_note(gain=1.0), sample_rate=SR, backend="numpy").samples)
    assert half == pytest.approx(full / 2, rel=1e-3)


def test_drums_from_gm_notes_are_sample_accurate() -> None:
    assert [drum_kind(n) for n in (35, 36, 38, 42, 46, 49, 41, 50, 81)] == [
        "kick", "kick", "snare", "hat_closed", "hat_open", "crash", "tom_low", "tom_high", "perc"]
    _data, starts, lengths = drum_templates(SR)
    assert len(starts) == len(DRUM_KINDS) and np.all(lengths > 0)
    kick = sk.render(one_note(36, "drum", start=240, channel=9), sample_rate=SR, backend="numpy",
                     room=None)
    first = int(np.argmax(np.abs(kick.mono()) > 0))
    assert first == round(0.25 * SR)  # drums are not quantised to blocks
    hat = sk.render(one_note(42, "drum", channel=9), sample_rate=SR, backend="numpy").mono()
    k = kick.mono()[first:first + 2048]

    def centroid(x: np.ndarray) -> float:
        spec = np.abs(np.fft.rfft(x, 4096)) ** 2
        return float(np.sum(spec * np.arange(len(spec))) / np.sum(spec)) * SR / 4096

    assert centroid(hat[:2048]) > 4 * centroid(k)  # hats are bright, kicks are low


def test_progress_callback_reaches_one() -> None:
    seen: list[float] = []
    sk.render(mixed_score(), sample_rate=SR, backend="numpy", progress=seen.append)
    assert seen and seen[-1] == 1.0 and seen == sorted(seen)


# ----- effects --------------------------------------------------------------------------------
def test_effects_change_the_sound() -> None:
    s = one_note(57, "pluck")
    dry = sk.render(s, sample_rate=SR, backend="numpy", room=None)
    wet = sk.render(s, sample_rate=SR, backend="numpy", effects={"reverb": {"decay": 1.0}},
                    room=None)
    assert wet.frames > dry.frames  # room for the tail
    end = dry.frames
    assert rms(wet.samples[end:end + SR // 4]) > 1e-4
    echo = sk.render(s, sample_rate=SR, backend="numpy",
                     effects={"delay": {"time": 0.5, "feedback": 0.3, "wet": 0.5}}).mono()
    d = sk.render(s, sample_rate=SR, backend="numpy").mono()
    lag = int(0.5 * SR)
    assert np.allclose(echo[lag:lag + 1000] - d[lag:lag + 1000], 0.5 * d[:1000], atol=1e-5)
    low = sk.render(s, sample_rate=SR, backend="numpy", effects={"eq": {"low_db": -18}})
    assert rms(low.samples) < 0.5 * rms(dry.samples)  # the fundamental at 220 Hz went down


def test_effects_per_part() -> None:
    s = mixed_score()
    plain = sk.render(s, sample_rate=SR, backend="numpy")
    only_bass = sk.render(s, sample_rate=SR, backend="numpy",
                          effects={"Bass": {"eq": {"low_db": -20}}})
    assert only_bass.frames == plain.frames
    assert not np.allclose(only_bass.samples, plain.samples, atol=1e-4)


@pytest.mark.parametrize("effects, match", [
    ({"chorus": {}}, "neither 'master', an effect name"),
    ({"reverb": {"decay": float("nan")}}, r"reverb.decay must be a number"),
    ({"reverb": {"size": 1}}, "unknown parameter 'size'"),
    ({"delay": {"feedback": 1.5}}, r"delay.feedback must be a number in 0.0..0.9"),
    ({"master": {"flanger": {}}}, "unknown effect 'flanger'"),
])
def test_bad_effects(effects: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        sk.render(mixed_score(), sample_rate=SR, backend="numpy", effects=effects)


# ----- bad input ------------------------------------------------------------------------------
def test_bad_render_input() -> None:
    with pytest.raises(ValueError, match="no notes"):
        sk.render(Score(), backend="numpy")
    with pytest.raises(ValueError, match="no notes"):
        sk.render(Score(parts=(Part("Empty"),)), backend="numpy")
    with pytest.raises(TypeError, match="must be a Score"):
        sk.render("C E G", backend="numpy")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="sample_rate must be in"):
        sk.render(mixed_score(), sample_rate=1000, backend="numpy")
    with pytest.raises(ValueError, match=r"part\.preset must be one of"):
        Part("P", preset="organ")
    with pytest.raises(ValueError, match=r"part\.gain"):
        Part("P", gain=float("nan"))


# ----- batches --------------------------------------------------------------------------------
def variations() -> list[Score]:
    base = mixed_score()
    return [base.transpose(k).with_tempo(140.0 + 10 * k) for k in range(4)]


def test_render_many_equals_single_renders() -> None:
    scores = variations()
    batch = sk.render_many(scores, sample_rate=SR, backend="numpy", progress=False)
    for s, a in zip(scores, batch, strict=True):
        single = sk.render(s, sample_rate=SR, backend="numpy")
        assert a.frames == single.frames
        assert np.max(np.abs(a.samples - single.samples)) < 1e-5


def test_render_many_chunks_and_threads() -> None:
    scores = variations()
    ref = sk.render_many(scores, sample_rate=SR, backend="numpy", progress=False)
    small = sk.render_many(scores, sample_rate=SR, backend="numpy", progress=False,
                           max_batch_frames=SR)  # one score per batch
    with ThreadPoolExecutor(2) as pool:
        threaded = sk.render_many(scores, sample_rate=SR, backend="numpy", progress=False,
                                  executor=pool, batch_size=1)
    for r, a, b in zip(ref, small, threaded, strict=True):
        assert np.max(np.abs(r.samples - a.samples)) < 1e-5
        assert np.max(np.abs(r.samples - b.samples)) < 1e-5


def test_render_many_progress_bar(capsys: pytest.CaptureFixture[str]) -> None:
    sk.render_many(variations()[:2], sample_rate=SR, backend="numpy", progress=True)
    assert "2/2" in capsys.readouterr().err


def test_render_many_bad_input() -> None:
    assert sk.render_many([], backend="numpy") == []
    with pytest.raises(ValueError, match=r"scores\[1\] has no notes"):
        sk.render_many([mixed_score(), Score()], backend="numpy")
    with pytest.raises(TypeError, match=r"concurrent\.futures\.Executor"):
        sk.render_many([mixed_score()], backend="numpy", executor="dask")  # type: ignore
    with pytest.raises(ValueError, match="batch_size"):
        sk.render_many([mixed_score()], backend="numpy", batch_size=0)


def test_render_many_on_a_dask_cluster() -> None:
    distributed = pytest.importorskip("distributed")
    scores = variations()
    ref = sk.render_many(scores, sample_rate=SR, backend="numpy", progress=False)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        got = sk.render_many(scores, sample_rate=SR, backend="numpy", progress=False,
                             executor=client.get_executor(), batch_size=2)
    for r, a in zip(ref, got, strict=True):
        assert np.max(np.abs(r.samples - a.samples)) < 1e-5


# ----- preset preview (seed shape) ------------------------------------------------------------
def test_render_audio_shape_and_roles() -> None:
    ctx = {"tempo": 100, "key": "D", "scale": "dorian", "time_signature": "3/4"}
    for role in ("pad", "bass", "lead", "pluck", "drums", "fx"):
        y = sk.render_audio({"name": role, "role": role}, ctx, 1.5, sample_rate=SR,
                            backend="numpy")
        assert y.shape == (round(1.5 * SR), 2) and y.dtype == np.float32
        assert rms(y) > 1e-3, role


def test_render_audio_adsr_and_constraints() -> None:
    slow = sk.render_audio({"name": "p", "role": "pad", "parameters": {"attack": 1.0}}, {}, 1.0,
                           sample_rate=SR, backend="numpy")
    fast = sk.render_audio({"name": "p", "role": "pad", "parameters": {"attack": 0.01}}, {}, 1.0,
                           sample_rate=SR, backend="numpy")
    first = slice(0, SR // 10)
    assert rms(fast[first]) > 4 * rms(slow[first])
    loud = sk.render_audio({"name": "l", "role": "lead",
                            "constraints": {"lufs_target": -16, "true_peak_limit": -2}},
                           {"tempo": 120}, 3.0, sample_rate=SR, backend="numpy")
    a = Audio(loud, SR)
    assert sk.analysis.integrated_loudness(a) == pytest.approx(-16, abs=0.5)
    assert sk.analysis.true_peak_db(a) <= -2.0


@pytest.mark.parametrize("preset, context, match", [
    ({"role": "pad"}, {}, "preset.name"),
    ({"name": "x", "role": "organ"}, {}, "preset.role must be one of"),
    ({"name": "x", "role": "pad", "parameters": {"attack": math.nan}}, {},
     "preset.parameters.attack"),
    ({"name": "x", "role": "pad", "parameters": {"cutoff": 1}}, {}, "preset.parameters.cutoff"),
    ({"name": "x", "role": "pad", "constraints": {"lufs_target": 3}}, {},
     "preset.constraints.lufs_target"),
    ({"name": "x", "role": "pad"}, {"tempo": -1}, "context.tempo"),
    ({"name": "x", "role": "pad"}, {"scale": "bebop"}, "context.scale"),
    ({"name": "x", "role": "pad"}, {"key": "H major"}, "context.key"),
    ({"name": "x", "role": "pad"}, {"time_signature": "4/5"}, "context.time_signature"),
])
def test_render_audio_names_the_bad_field(preset: dict, context: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        sk.render_audio(preset, context, 1.0, sample_rate=SR, backend="numpy")

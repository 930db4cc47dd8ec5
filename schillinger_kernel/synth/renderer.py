"""``render`` and ``render_many``: scores to :class:`Audio`, one at a time or by the thousand.

>>> from schillinger_kernel.score import Score
>>> s = Score.from_durations((2, 1, 1, 2), pitches=(60, 64, 67), tempo=240)
>>> a = render(s, sample_rate=22050, backend="numpy")
>>> a.channels, a.sample_rate, a.samples.dtype.name, a.peak <= 1.0
(2, 22050, 'float32', True)
>>> [x.frames for x in render_many([s, s.transpose(2)], sample_rate=22050, backend="numpy",
...                                progress=False)] == [a.frames, a.frames]
True
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Executor, Future, as_completed
from typing import Any

from ..audio import Audio
from ..score import Score
from .backend import Backend, get_backend
from .effects import EFFECTS, LIMIT_CEILING, apply_chain, check_chain, limit, tail_seconds
from .engine import BLOCK, plan, resolve_presets, soft_limit, synthesize_send
from .engine import tail_seconds as score_tail
from .presets import Preset
from .room import ROOMS, add_room_peak, room_q
from .room import room as room_answer  # ``room`` is render's argument

__all__ = [
    "RATES",
    "Chains",
    "check_rate",
    "check_room",
    "check_score",
    "estimate_frames",
    "render",
    "render_many",
]


RATES = (8000, 192000)
Chains = tuple[dict[str, dict[str, float]], dict[str, dict[str, dict[str, float]]]]


def check_rate(sample_rate: object) -> int:
    """Validate a render sample rate (an int in 8000..192000)."""
    if isinstance(sample_rate, bool) or not isinstance(sample_rate, int):
        raise TypeError(f"sample_rate must be an int, got {type(sample_rate).__name__} "
                        f"{sample_rate!r}")
    if not RATES[0] <= sample_rate <= RATES[1]:
        raise ValueError(f"sample_rate must be in {RATES[0]}..{RATES[1]} Hz, got {sample_rate}")
    return sample_rate


def check_room(name: object) -> str | None:
    """Validate a room name (one of :data:`.room.ROOMS`) or None (no room)."""
    if name is not None and (not isinstance(name, str) or name not in ROOMS):
        raise ValueError(f"room must be one of {', '.join(ROOMS)} or None, got {name!r}")
    return name


def check_score(score: object, where: str = "score") -> Score:
    """A Score with at least one note, else a TypeError/ValueError naming ``where``."""
    if not isinstance(score, Score):
        raise TypeError(f"{where} must be a Score, got {type(score).__name__}")
    if not any(p.notes for p in score.parts):
        raise ValueError(f"{where} has no notes: nothing to render")
    return score


def _chains(effects: Mapping[str, Any] | None, scores: list[Score]) -> Chains:
    """Split ``effects`` into the master chain and per-part chains (validated)."""
    if effects is None:
        return {}, {}
    if not isinstance(effects, Mapping):
        raise TypeError(f"effects must be a mapping, got {type(effects).__name__}")
    if all(k in EFFECTS for k in effects):  # a bare chain means the master bus
        return check_chain(effects), {}
    names = {p.name for s in scores for p in s.parts}
    master: dict[str, dict[str, float]] = {}
    parts: dict[str, dict[str, dict[str, float]]] = {}
    for target, chain in effects.items():
        if target == "master":
            master = check_chain(chain, "effects['master']")
        elif target in names:
            parts[target] = check_chain(chain, f"effects[{target!r}]")
        else:
            raise ValueError(f"effects: {target!r} is neither 'master', an effect name "
                             f"({', '.join(EFFECTS)}) nor a part name ({', '.join(sorted(names))})")
    return master, parts


def _not_in(names: set[str]) -> Callable[[str], bool]:
    return lambda name: name not in names


def _equals(target: str) -> Callable[[str], bool]:
    return lambda name: name == target


def _render_batch(scores: list[Score], sample_rate: int, be: Backend, chains: Chains,
                  on_chunk: Callable[[int, int], None] | None = None,
                  presets: Mapping[str, Preset] | None = None, room_name: str | None = None,
                  ensemble: bool = True) -> list[Audio]:
    xp = be.xp
    master, parts = chains
    extra = tail_seconds(master) + max((tail_seconds(c) for c in parts.values()), default=0.0)
    if room_name is not None:  # the room rings on until it is 30 dB down (40 under the dry)
        extra += ROOMS[room_name][0] / 2 + ROOMS[room_name][1]
    groups: list[tuple[Callable[[str], bool] | None, dict[str, dict[str, float]]]] = [(None, {})]
    if parts:
        groups = [(_not_in(set(parts)), {})]
        groups += [(_equals(t), c) for t, c in parts.items()]
    # Without effects or room the soft limit is the last step: the engine applies it chunk by
    # chunk. Otherwise the master bus (dry + room + effects) goes through the limiter.
    final = not parts and not master and room_name is None
    # The engine hands over the room's send at the room's rate where a block holds whole
    # groups of its samples (no full-rate send kept); else the room decimates it.
    q = 1 if room_name is None else room_q(sample_rate)
    send_q = q if BLOCK % q == 0 else 1
    buses = []
    for i, (keep, chain) in enumerate(groups):
        tl = plan(scores, sample_rate, extra, keep, presets, ensemble, room_name is not None)
        report = None
        if on_chunk is not None:
            def report(done: int, total: int, i: int = i) -> None:
                on_chunk(i * total + done, total * len(groups))
        y, send = synthesize_send(tl, be, report, limit=final, send_q=send_q)
        buses.append((y, send, chain))
    out = []
    for k in range(len(scores)):  # the same layout in every bus: slice each score out
        s0, n = int(tl.block_start[k]) * BLOCK, int(tl.frames[k])
        answer = None
        if room_name is not None:  # the parts' room sends, summed in mono
            send = None
            for _y, sends, _chain in buses:
                assert sends is not None  # planned with a room: the engine made a send
                part = sends[s0 // send_q:(s0 + n + send_q - 1) // send_q]
                send = part if send is None else send + part
            answer, q = room_answer(xp, send, sample_rate, room_name,
                                    decimated=send_q > 1)
            del send
        mix = None
        for y, _sends, chain in buses:
            # The engine's buffer itself where it is the only bus: the mix is ours to change.
            seg = _fx(xp, y[s0:s0 + n, :], chain, sample_rate) if chain else y[s0:s0 + n, :]
            mix = seg if mix is None else mix + seg
        peak = None
        if answer is not None:  # in place: the mix is ours (the engine's buffer or a sum)
            mix, peak = add_room_peak(xp, mix, answer, q)
        if master:
            mix = _fx(xp, mix, master, sample_rate)
            peak = None
        if final:  # soft-limited and checked finite by the engine, chunk by chunk
            out.append(_checked(be, mix, sample_rate))
        elif peak is not None and peak <= LIMIT_CEILING:
            # Measured as the room went in: finite (a NaN peak fails the test) and under the
            # limiter's ceiling, which is under the soft limit's knee, so both would leave
            # every sample as it is.
            out.append(_checked(be, mix, sample_rate))
        else:
            mix = limit(xp, mix, sample_rate, peak=peak)  # in place: the mix is ours
            # The soft limit raises on NaN or infinity: what it returns is finite.
            out.append(_checked(be, soft_limit(xp, mix), sample_rate))
    return out


def _checked(be: Backend, mix: Any, sample_rate: int) -> Audio:
    """The mix as :class:`Audio`, known finite already: not summed again (10 ms on three
    minutes of stereo) where it is C-contiguous float32, as the engine's buffer is."""
    samples = be.to_numpy(mix)
    if samples.dtype.name == "float32" and samples.ndim == 2 and samples.flags.c_contiguous:
        return Audio._trusted(samples, sample_rate)
    return Audio(samples, sample_rate)


def _fx(xp: Any, x: Any, chain: dict[str, dict[str, float]], sample_rate: int) -> Any:
    """Effects work on (channels, frames); buses are (frames, channels)."""
    return xp.permute_dims(apply_chain(xp, xp.permute_dims(x, (1, 0)), chain, sample_rate),
                           (1, 0))


def render(score: Score, sample_rate: int = 48000, backend: str | Backend = "auto", *,
           effects: Mapping[str, Any] | None = None,
           progress: Callable[[float], None] | None = None,
           presets: Mapping[str, Preset] | None = None, room: str | None = "studio",
           ensemble: bool = True) -> Audio:
    """Render every part and note of ``score`` to stereo float32 :class:`Audio` in [-1, 1].

    Parameters
    ----------
    score : Score
        What to play; parts sound with their ``render_preset``, ``pan`` and ``gain``.
    sample_rate : int
        Frames per second, 8000..192000.
    backend : {"auto", "numpy", "cupy"} or Backend
        Where to compute (see :mod:`schillinger_kernel.synth.backend`).
    effects : mapping, optional
        ``{"reverb": {...}, "delay": {...}, "eq": {...}}`` for the master bus, or
        ``{"master": chain, "<part name>": chain}``; see :mod:`.effects` for the parameters.
    progress : callable, optional
        Called with the fraction done (0..1) as time chunks finish.
    presets : mapping, optional
        Replacement :class:`~.presets.Preset` values for pitched preset names (custom ADSR).
    room : {"studio", "chamber", "hall"} or None
        The room every part sends to (its share by instrument, see :mod:`.ensemble`); None
        renders dry. With a room or effects the master bus ends in a gentle limiter (peaks
        at or under -1 dBFS).
    ensemble : bool
        Seat parts left at pan 0 by instrument (as an orchestra or band sits), spread the
        drum kit and balance it under the band; False plays every part at its own pan and
        the drums at full level.
    """
    check_score(score)
    check_room(room)
    if not isinstance(ensemble, bool):
        raise TypeError(f"ensemble must be a bool, got {type(ensemble).__name__}")
    check_rate(sample_rate)
    if progress is not None and not callable(progress):
        raise TypeError(f"progress must be callable, got {type(progress).__name__}")
    be = get_backend(backend)
    chains = _chains(effects, [score])
    tick = None if progress is None else (lambda d, t: progress(d / t))
    resolve_presets(presets)
    (audio,) = _render_batch([score], sample_rate, be, chains, tick, presets, room, ensemble)
    if progress is not None:
        progress(1.0)
    return audio


def estimate_frames(score: Score, sample_rate: int) -> int:
    """Frames :func:`render` will produce for ``score`` without effects."""
    return math.ceil((score.duration_seconds + score_tail(score)) * sample_rate)


def _job(scores: list[Score], sample_rate: int, backend: str, effects: Any,
         presets: Mapping[str, Preset] | None = None, room_name: str | None = "studio",
         ensemble: bool = True) -> list[Audio]:
    """One batch, run wherever an executor sends it (module level, so it pickles)."""
    be = get_backend(backend)
    return _render_batch(scores, sample_rate, be, _chains(effects, scores), None, presets,
                         room_name, ensemble)


def render_many(scores: Iterable[Score], sample_rate: int = 48000,
                backend: str | Backend = "auto", *, effects: Mapping[str, Any] | None = None,
                executor: Executor | None = None, batch_size: int | None = None,
                max_batch_frames: int = 1 << 24, progress: bool | None = None,
                presets: Mapping[str, Preset] | None = None, room: str | None = "studio",
                ensemble: bool = True) -> list[Audio]:
    """Render many scores; those that fit in memory together render in one vectorised call.

    Scores are grouped into batches of at most ``max_batch_frames`` output frames (and at most
    ``batch_size`` scores); each batch is one pass of the engine. With ``executor`` (any
    :class:`concurrent.futures.Executor`, e.g. a Dask ``Client.get_executor()``) the batches
    run there, each worker picking its own backend. A progress bar (tqdm) counts scores;
    ``progress=None`` shows it only on a terminal or in a notebook.

    ``room`` and ``ensemble`` as for :func:`render`.

    Returns the :class:`Audio` of each score, in order.
    """
    check_room(room)
    scores = list(scores)
    for i, s in enumerate(scores):
        check_score(s, f"scores[{i}]")
    check_rate(sample_rate)
    if executor is not None and not isinstance(executor, Executor):
        raise TypeError(f"executor must be a concurrent.futures.Executor, "
                        f"got {type(executor).__name__}")
    if batch_size is not None and (isinstance(batch_size, bool) or not isinstance(
            batch_size, int) or batch_size < 1):
        raise ValueError(f"batch_size must be a positive int or None, got {batch_size!r}")
    if isinstance(max_batch_frames, bool) or not isinstance(max_batch_frames, int) \
            or max_batch_frames < 1:
        raise ValueError(f"max_batch_frames must be a positive int, got {max_batch_frames!r}")
    chains = _chains(effects, scores)
    resolve_presets(presets)
    if not scores:
        return []
    if executor is not None and batch_size is None:
        batch_size = max(1, math.ceil(len(scores) / 16))
    batches: list[list[int]] = [[]]
    frames = 0
    for i, s in enumerate(scores):
        f = estimate_frames(s, sample_rate)
        full = batch_size is not None and len(batches[-1]) >= batch_size
        if batches[-1] and (frames + f > max_batch_frames or full):
            batches.append([])
            frames = 0
        batches[-1].append(i)
        frames += f
    from tqdm.auto import tqdm

    bar = tqdm(total=len(scores), unit="score", desc="render",
               disable=None if progress is None else not progress)
    results: list[Audio | None] = [None] * len(scores)
    try:
        if executor is None:
            be = get_backend(backend)
            for batch in batches:
                audios = _render_batch([scores[i] for i in batch], sample_rate, be, chains,
                                       None, presets, room, ensemble)
                for i, a in zip(batch, audios, strict=True):
                    results[i] = a
                bar.update(len(batch))
        else:
            name = backend.name if isinstance(backend, Backend) else backend
            if name not in ("auto", "numpy", "cupy"):
                raise ValueError(f"backend {name!r} cannot be sent to an executor; "
                                 f"use 'auto', 'numpy' or 'cupy'")
            futures: dict[Future[list[Audio]], list[int]] = {
                executor.submit(_job, [scores[i] for i in b], sample_rate, name,
                                effects, presets, room, ensemble): b for b in batches}
            for fut in as_completed(futures):
                for i, a in zip(futures[fut], fut.result(), strict=True):
                    results[i] = a
                bar.update(len(futures[fut]))
    finally:
        bar.close()
    return [a for a in results if a is not None]

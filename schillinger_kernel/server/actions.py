"""The verbs of the API, shared by REST, WebSocket ``generate`` and OSC.

Each :class:`Action` turns a validated request body into *work*: a function of a progress
callback that calls the core (``rhythm``, ``scales``, ``harmony``, ``compose``, ``synth``,
``analysis``, ``Score`` exports) and returns JSON-ready data. Fast actions run on the event
loop; ``blocking`` ones run as jobs in the thread pool. Checks that must answer 400 at once
(score JSON, paths) happen in ``prepare``, before any job starts. No music theory here.

>>> act = ACTIONS["rhythm"]
>>> req = act.model(technique="interference", generators=[3, 2])
>>> work = act.prepare(Context("/tmp", "/"), req)
>>> answer = work(lambda fraction, message="": None)
>>> answer["durations"], answer["attacks"], answer["period"]
([2, 1, 1, 2], [0, 2, 3, 4], 6)
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .. import Score
from . import models
from .paths import ensure_parent, files_url, relative_posix, resolve_inside

Progress = Callable[..., None]
Work = Callable[[Progress], dict[str, Any]]

EXPORT_SUFFIXES: dict[str, tuple[str, ...]] = {
    "midi": (".mid", ".midi"),
    "musicxml": (".musicxml", ".xml", ".mxl"),
    "wav": (".wav",), "flac": (".flac",), "ogg": (".ogg",), "mp3": (".mp3",),
}
AUDIO_SUFFIXES = (".wav", ".flac", ".ogg", ".mp3")
SCALES_FUNCTIONS = ("scale", "key_scale", "from_intervals", "from_pitches", "tonal_expansion",
                    "symmetric_tonics", "symmetric_scale", "symmetric_system",
                    "interval_interference", "displacement", "scale_names")


@dataclass(frozen=True)
class Context:
    """What an action may know about the server: root dir, base URL, render backend."""

    root_dir: str | Path
    base_url: str
    render_backend: Any = "auto"  # a name, or the synth Backend resolved at start


@dataclass(frozen=True)
class Action:
    """One verb: its request model, whether it blocks, and how to prepare its work."""

    name: str
    model: type[BaseModel]
    prepare: Callable[[Context, Any], Work]
    blocking: bool
    summary: str


def jsonable(value: Any) -> Any:
    """Plain JSON data from core values (``to_dict``, tuples, numpy scalars and arrays).

    >>> jsonable({"a": (1, 2.5), "b": float("nan")})
    {'a': [1, 2.5], 'b': None}
    """
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if hasattr(value, "to_dict") and callable(value.to_dict):
        return jsonable(value.to_dict())
    if hasattr(value, "tolist") and callable(value.tolist):  # numpy arrays and scalars
        return jsonable(value.tolist())
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return str(value)


def parse_score(data: dict[str, Any] | None, field: str = "score") -> Score:
    """A Score from request JSON; ValueError names the field."""
    if data is None:
        raise ValueError(f"{field} is required")
    try:
        return Score.from_dict(data)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{field}: {exc}") from None


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-")[:40] or "score"


# ----- theory ------------------------------------------------------------------------------
def _rhythm(ctx: Context, req: models.RhythmRequest) -> Work:
    from .. import rhythm

    def work(progress: Progress) -> dict[str, Any]:
        try:
            r = rhythm.technique(req.technique, req.generators, **req.options)
        except (TypeError, ValueError) as exc:
            if req.options and "keyword" in str(exc):
                raise ValueError(f"options: {exc}") from None
            raise
        out: dict[str, Any] = {"technique": req.technique, "generators": list(req.generators),
                               "durations": list(r.durations), "attacks": list(r.attacks),
                               "period": r.period}
        if req.score:
            out["score"] = r.to_score().to_dict()
        return out
    return work


def _scales(ctx: Context, req: models.ScalesRequest) -> Work:
    from .. import scales

    if req.function not in SCALES_FUNCTIONS:
        raise ValueError(f"function must be one of {', '.join(SCALES_FUNCTIONS)}, "
                         f"got {req.function!r}")
    fn = getattr(scales, req.function)

    def work(progress: Progress) -> dict[str, Any]:
        args = {k: tuple(v) if isinstance(v, list) else v for k, v in req.args.items()}
        try:
            result = fn(**args)
        except TypeError as exc:
            raise ValueError(f"args: {exc}") from None
        return {"function": req.function, "result": jsonable(result)}
    return work


def _progression(ctx: Context, req: models.ProgressionRequest) -> Work:
    def work(progress: Progress) -> dict[str, Any]:
        from .. import harmony

        prog = harmony.generate_progression(req.key, req.length, req.complexity, req.style,
                                            req.seed, req.voicing)
        out = {"progression": jsonable(prog)}
        if req.score:
            out["score"] = prog.to_score().to_dict()
        return out
    return work


def _harmony_analyze(ctx: Context, req: models.HarmonyAnalyzeRequest) -> Work:
    if (req.chords is None) == (req.score is None):
        raise ValueError("chords: give either chords (lists of MIDI pitches) or score")
    score = parse_score(req.score) if req.score is not None else None

    def work(progress: Progress) -> dict[str, Any]:
        from .. import harmony

        progress(0.1, "analysing")
        subject: Any = score if score is not None else [list(c) for c in req.chords or []]
        return {"analysis": jsonable(harmony.analyze_harmony(subject, req.key, req.window))}
    return work


def _compose(ctx: Context, req: models.ComposeRequest) -> Work:
    def work(progress: Progress) -> dict[str, Any]:
        from .. import compose

        progress(0.1, req.mode)
        try:
            score = getattr(compose, req.mode)(**req.args)
        except TypeError as exc:
            raise ValueError(f"args: {exc}") from None
        return {"score": score.to_dict()}
    return work


# ----- files -------------------------------------------------------------------------------
def _file_answer(ctx: Context, target: Path, fmt: str) -> dict[str, Any]:
    rel = relative_posix(ctx.root_dir, target)
    return {"path": rel, "url": files_url(ctx.base_url, rel), "format": fmt,
            "bytes": target.stat().st_size}


def _write(ctx: Context, score: Score, fmt: str, target: Path, sample_rate: int,
           progress: Progress, normalize: str | None = None) -> dict[str, Any]:
    ensure_parent(ctx.root_dir, target)
    if fmt == "midi":
        progress(0.5, "writing MIDI")
        score.to_midi(target)
        return _file_answer(ctx, target, fmt)
    if fmt == "musicxml":
        progress(0.3, "writing MusicXML")
        score.to_musicxml(target)
        return _file_answer(ctx, target, fmt)
    from .. import synth

    progress(0.05, "rendering")
    audio = synth.render(score, sample_rate=sample_rate, backend=ctx.render_backend,
                         progress=lambda f: progress(0.05 + 0.75 * f, "rendering"))
    progress(0.8, f"writing {fmt}")
    kw = {"normalize": normalize} if normalize else {}
    audio.write(target, **kw)
    out = _file_answer(ctx, target, fmt)
    out["seconds"] = score.duration_seconds
    out["sample_rate"] = sample_rate
    return out


def _export(ctx: Context, req: models.ExportRequest) -> Work:
    score = parse_score(req.score)
    target = resolve_inside(ctx.root_dir, req.path, suffixes=EXPORT_SUFFIXES[req.format])

    def work(progress: Progress) -> dict[str, Any]:
        return _write(ctx, score, req.format, target, req.sample_rate, progress)
    return work


def _render(ctx: Context, req: models.RenderRequest) -> Work:
    score = parse_score(req.score)
    path = req.path or f"renders/{_slug(score.title)}.wav"
    target = resolve_inside(ctx.root_dir, path, suffixes=AUDIO_SUFFIXES)
    fmt = target.suffix.lstrip(".").lower()
    if req.backend is not None:
        ctx = Context(ctx.root_dir, ctx.base_url, req.backend)

    def work(progress: Progress) -> dict[str, Any]:
        out = _write(ctx, score, fmt, target, req.sample_rate, progress, req.normalize)
        progress(0.9, "quality report")
        from .. import analysis
        from ..io.audio import read_audio

        out["quality"] = jsonable(analysis.quality(read_audio(target)))
        return out
    return work


def _analyze(ctx: Context, req: models.AnalyzeRequest) -> Work:
    target = resolve_inside(ctx.root_dir, req.path, must_exist=True, suffixes=AUDIO_SUFFIXES)

    def work(progress: Progress) -> dict[str, Any]:
        from .. import analysis
        from ..io.audio import read_audio

        progress(0.1, "reading")
        audio = read_audio(target)
        progress(0.4, "analysing")
        return {"path": relative_posix(ctx.root_dir, target),
                "features": jsonable(analysis.analyze(audio)),
                "quality": jsonable(analysis.quality(audio))}
    return work


ACTIONS: dict[str, Action] = {a.name: a for a in (
    Action("rhythm", models.RhythmRequest, _rhythm, False,
           "A Book I rhythm: technique applied to generators"),
    Action("scales", models.ScalesRequest, _scales, False,
           "A Book II scale function by name"),
    Action("harmony/progression", models.ProgressionRequest, _progression, True,
           "A chord progression"),
    Action("harmony/analyze", models.HarmonyAnalyzeRequest, _harmony_analyze, True,
           "Harmonic analysis of chords or a score"),
    Action("compose", models.ComposeRequest, _compose, True, "A composition as a Score"),
    Action("render", models.RenderRequest, _render, True,
           "Render a score to an audio file in the root directory (a job)"),
    Action("export", models.ExportRequest, _export, True,
           "Write a score as MIDI, MusicXML or audio inside the root directory"),
    Action("analyze", models.AnalyzeRequest, _analyze, True,
           "Audio features and quality report of a file in the root directory"),
)}

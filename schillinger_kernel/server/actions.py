"""The verbs of the API, shared by REST, WebSocket ``generate``, OSC and the widgets.

Each :class:`Action` turns a validated request body into *work*: a function of a progress
callback that calls the core (``rhythm``, ``scales``, ``harmony``, ``compose``, ``synth``,
``analysis``, ``Score`` exports) and returns JSON-ready data. Fast actions run in the bounded
worker-thread pool; ``blocking`` ones run as jobs. Checks that must answer 400 at once
(score JSON, paths) happen in ``prepare``, before any job starts. No music theory here.
Compose, harmony and rhythm-with-score work, pure Python that would hold the GIL in a thread,
runs in the context's :class:`~.procpool.ProcessPool` when it has one (:func:`perform` in a
child); a job that is cancelled stops its child (:mod:`.stopping`). The limits, the JSON
conversions and the checked calls into the core are :mod:`.limits`, :mod:`.payload` and
:mod:`.calling`.

The theory actions also have ``compute``: the core value itself (a ``Rhythm``, a
``Progression``, a ``Scale``) for the widgets, which call :func:`compute` with the same request
models and checks as the doors. Errors are the taxonomy of :mod:`schillinger_kernel.errors`
with the request field at fault; :mod:`.errors` maps them for every door.

This module imports neither tornado nor jupyter_server (the kernel imports it for the widgets).

>>> act = ACTIONS["rhythm"]
>>> req = act.model(technique="interference", generators=[3, 2])
>>> work = act.prepare(Context("/tmp", "/"), req)
>>> answer = work(lambda fraction, message="": None)
>>> answer["durations"], answer["attacks"], answer["period"]
([2, 1, 1, 2], [0, 2, 3, 4], 6)
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

from pydantic import BaseModel

from .. import Score
from ..errors import Conflict, ParameterError, WorkbenchError
from . import models
from .calling import SCALES_FUNCTIONS, call_core, core_arguments, scales_keywords, tuples
from .exporting import CHILD_FORMATS, export_bytes
from .limits import Limits, check_bars, check_lists, check_render, too_large
from .paths import commit_file, files_url, relative_posix, resolve_inside
from .payload import JsonText, jsonable, parse_score
from .procpool import ProcessPool

# Limits, jsonable, parse_score, scales_keywords, too_large, check_bars, check_render and
# SCALES_FUNCTIONS live in .limits, .payload and .calling; named here too for the modules
# that import them with the action table.
__all__ = ["ACTIONS", "AUDIO_SUFFIXES", "EXPORT_SUFFIXES", "SCALES_FUNCTIONS", "Action",
           "Context", "Limits", "Progress", "Work", "check_bars", "check_render", "compute",
           "jsonable", "parse_score", "perform", "perform_json", "scales_keywords", "too_large",
           "validate"]

Progress = Callable[..., None]
#: a prepared action: JSON-ready data, or (computed in a child) its :class:`.JsonText`
Work = Callable[[Progress], Any]

EXPORT_SUFFIXES: dict[str, tuple[str, ...]] = {
    "midi": (".mid", ".midi"),
    "musicxml": (".musicxml", ".xml", ".mxl"),
    "wav": (".wav",), "flac": (".flac",), "ogg": (".ogg",), "mp3": (".mp3",),
}
AUDIO_SUFFIXES = (".wav", ".flac", ".ogg", ".mp3")


@dataclass(frozen=True)
class Context:
    """What an action may know about the server: root dir, base URL, render backend, limits."""

    root_dir: str | Path
    base_url: str
    render_backend: Any = "auto"  # a name, or the synth Backend resolved at start
    limits: Limits = dataclasses.field(default_factory=Limits)
    #: where the pure-Python theory work runs (None: in the calling thread)
    procs: ProcessPool | None = None


def perform(name: str, ctx: Context, req: BaseModel) -> dict[str, Any]:
    """Prepare and run action ``name`` here, without progress: what a child process runs.

    >>> req = validate("rhythm", {"technique": "interference", "generators": [3, 2]})
    >>> perform("rhythm", Context("/tmp", "/"), req)["period"]
    6
    """
    return ACTIONS[name].prepare(ctx, req)(lambda fraction, message="": None)


def perform_json(name: str, ctx: Context, req: BaseModel) -> JsonText:
    """:func:`perform`, its answer written as JSON text (what a child sends back).

    >>> req = validate("rhythm", {"technique": "interference", "generators": [3, 2]})
    >>> perform_json("rhythm", Context("/tmp", "/"), req)[:40]
    '{"technique": "interference", "generator'
    """
    return JsonText(json.dumps(perform(name, ctx, req)))


def _in_process(name: str, ctx: Context, req: BaseModel, progress: Progress
                ) -> JsonText | None:
    """The answer of ``name`` computed in ``ctx.procs`` (None when there is none: the caller
    runs the work itself). The child gets the context as plain data, the backend by name."""
    if ctx.procs is None:
        return None
    progress(0.05, "queued for a worker process")  # a cancelled job stops here
    backend = ctx.render_backend if isinstance(ctx.render_backend, str) else "auto"
    plain = dataclasses.replace(ctx, procs=None, render_backend=backend)
    answer: JsonText = ctx.procs.call(perform_json, name, plain, req)
    return answer


@dataclass(frozen=True)
class Action:
    """One verb: its request model, whether it blocks, how to prepare its work and (theory
    verbs) how to compute the core value from a validated request."""

    name: str
    model: type[BaseModel]
    prepare: Callable[[Context, Any], Work]
    blocking: bool
    summary: str
    compute: Callable[[Any], Any] | None = None


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-")[:40] or "score"


# ----- theory ------------------------------------------------------------------------------
def _rhythm_value(req: models.RhythmRequest) -> Any:
    from .. import rhythm

    if req.technique not in rhythm.TECHNIQUES:
        raise ParameterError(f"technique must be one of {', '.join(rhythm.TECHNIQUES)}, "
                             f"got {req.technique!r}", field="technique")
    # the options are the technique's keywords: checked by its signature before it runs
    core_arguments(rhythm.TECHNIQUES[req.technique], [list(req.generators)], req.options,
               "options")
    try:
        return rhythm.technique(req.technique, list(req.generators), **req.options)
    except WorkbenchError as exc:  # an option's error, named as the client sent it
        if exc.field is not None and exc.field in req.options:
            exc.field = f"options.{exc.field}"
        raise


def _check_rhythm_request(req: models.RhythmRequest, limits: Limits) -> None:
    check_lists(req.options, limits, "options")
    period = req.options.get("period")
    cap = limits.rhythm_score_period if req.score else limits.rhythm_period
    name = "rhythm_score_period" if req.score else "rhythm_period"
    if isinstance(period, int | float) and not isinstance(period, bool) and period > cap:
        raise too_large("units of period", period, cap, name, "options.period")


def _check_rhythm_value(r: Any, req: models.RhythmRequest, limits: Limits) -> None:
    cap = limits.rhythm_score_period if req.score else limits.rhythm_period
    name = "rhythm_score_period" if req.score else "rhythm_period"
    if r.period > cap:
        raise too_large("units of period", r.period, cap, name, "generators")


def _rhythm(ctx: Context, req: models.RhythmRequest) -> Work:
    _check_rhythm_request(req, ctx.limits)

    def work(progress: Progress) -> dict[str, Any] | JsonText:
        # a score of up to max_rhythm_score_period notes is built in pure Python: in a child
        if req.score and (done := _in_process("rhythm", ctx, req, progress)) is not None:
            return done
        r = _rhythm_value(req)
        _check_rhythm_value(r, req, ctx.limits)
        out: dict[str, Any] = {"technique": req.technique, "generators": list(req.generators),
                               "durations": list(r.durations), "attacks": list(r.attacks),
                               "period": r.period}
        if req.score:
            out["score"] = r.to_score().to_dict()
        return out
    return work


def _check_function(req: models.ScalesRequest) -> None:
    # only the listed functions: the name comes from the client and goes to getattr
    if req.function not in SCALES_FUNCTIONS:
        raise ParameterError(f"function must be one of {', '.join(SCALES_FUNCTIONS)}, "
                             f"got {req.function!r}", field="function")


def _scales_value(req: models.ScalesRequest) -> Any:
    from .. import scales

    _check_function(req)
    return call_core(getattr(scales, req.function), (), tuples(req.args), "args")


def _scales(ctx: Context, req: models.ScalesRequest) -> Work:
    _check_function(req)
    check_lists(req.args, ctx.limits, "args")

    def work(progress: Progress) -> dict[str, Any]:
        return {"function": req.function, "result": jsonable(_scales_value(req))}
    return work


def _progression_value(req: models.ProgressionRequest) -> Any:
    from .. import harmony

    return harmony.generate_progression(req.key, req.length, req.complexity, req.style,
                                        req.seed, req.voicing)


def _progression(ctx: Context, req: models.ProgressionRequest) -> Work:
    def work(progress: Progress) -> dict[str, Any] | JsonText:
        if (done := _in_process("harmony/progression", ctx, req, progress)) is not None:
            return done
        prog = _progression_value(req)
        out = {"progression": jsonable(prog)}
        if req.score:
            out["score"] = prog.to_score().to_dict()
        return out
    return work


def _cycle_value(req: models.CycleRequest) -> Any:
    from .. import harmony

    return harmony.cycle_progression(req.key, req.kind, req.direction, req.length,
                                     req.structure)


def _cycle(ctx: Context, req: models.CycleRequest) -> Work:
    def work(progress: Progress) -> dict[str, Any] | JsonText:
        if (done := _in_process("harmony/cycle", ctx, req, progress)) is not None:
            return done
        prog = _cycle_value(req)
        out = {"progression": jsonable(prog)}
        if req.score:
            out["score"] = prog.to_score().to_dict()
        return out
    return work


def _harmony_analyze(ctx: Context, req: models.HarmonyAnalyzeRequest) -> Work:
    if (req.chords is None) == (req.score is None):
        raise ParameterError("chords: give either chords (lists of MIDI pitches) or score",
                             field="chords")
    if req.chords is not None and len(req.chords) > ctx.limits.chords:
        raise too_large("chords", len(req.chords), ctx.limits.chords, "chords", "chords")
    score = parse_score(req.score, limits=ctx.limits) if req.score is not None else None

    def work(progress: Progress) -> dict[str, Any] | JsonText:
        from .. import harmony

        if (done := _in_process("harmony/analyze", ctx, req, progress)) is not None:
            return done
        progress(0.1, "analysing")
        subject: Any = score if score is not None else [list(c) for c in req.chords or []]
        return {"analysis": jsonable(harmony.analyze_harmony(subject, req.key, req.window))}
    return work


def _count_arg(args: Mapping[str, Any], name: str, default: int) -> int:
    value = args.get(name, default)
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 \
        else default  # a wrong type or value is the core's to refuse, with its words


def _check_compose(req: models.ComposeRequest, limits: Limits) -> None:
    args = req.args
    chords = args.get("chords", args.get("progression"))
    n_chords = len(chords) if isinstance(chords, list | tuple) else 1
    if n_chords > limits.chords:
        raise too_large("chords", n_chords, limits.chords, "chords",
                        "args.chords" if "chords" in args else "args.progression")
    if req.mode == "accompany":
        bars = (n_chords if chords is not None else 4) * _count_arg(
            args, "bars_per_chord", 1) * _count_arg(args, "repeat", 1)
        field = "args"
    else:
        bars = _count_arg(args, "duration", 16)
        field = "args.duration"
    if bars > limits.bars:
        raise too_large("bars", bars, limits.bars, "bars", field)


def _compose(ctx: Context, req: models.ComposeRequest) -> Work:
    _check_compose(req, ctx.limits)

    def work(progress: Progress) -> dict[str, Any] | JsonText:
        from .. import compose

        if (done := _in_process("compose", ctx, req, progress)) is not None:
            return done
        progress(0.1, req.mode)
        score = call_core(getattr(compose, req.mode), (), req.args, "args")
        notes = sum(len(p.notes) for p in score.parts)
        if notes > ctx.limits.notes:
            raise too_large("notes", notes, ctx.limits.notes, "notes", "args")
        return {"score": score.to_dict()}
    return work


# ----- files -------------------------------------------------------------------------------
def _file_answer(ctx: Context, target: Path, fmt: str, size: int) -> dict[str, Any]:
    rel = relative_posix(ctx.root_dir, target)
    return {"path": rel, "url": files_url(ctx.base_url, rel), "format": fmt, "bytes": size}


def _check_free(target: Path, path: str, overwrite: bool) -> None:
    """Refuse at once (before a long render) a file that exists and is not to be replaced;
    :func:`commit_file` checks again, atomically, when the file is written."""
    if not overwrite and (target.exists() or target.is_symlink()):
        raise Conflict(f"path: {path!r} exists; send overwrite: true to replace it",
                       field="path")


def _write(ctx: Context, score: Score | dict[str, Any], fmt: str, path: str, sample_rate: int,
           progress: Progress, normalize: str | None = None, *, overwrite: bool = True,
           before_commit: Callable[[Path], None] | None = None) -> dict[str, Any]:
    """Write the file in a private folder, then :func:`commit_file` it under the root; a
    score still as JSON (MIDI, MusicXML) is parsed and written in ``ctx.procs``
    (:func:`.exporting.export_bytes`), its bytes committed here with the same checks."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="sk-write-") as private:
        tmp = Path(private) / PurePath(path.replace("\\", "/")).name
        extra: dict[str, Any] = {}
        if not isinstance(score, Score):  # score JSON: parsed and written in a child
            progress(0.05, "queued for a worker process")  # a cancelled job stops here
            args = (score, fmt, tmp.name, ctx.limits)
            data: bytes = export_bytes(*args) if ctx.procs is None else \
                ctx.procs.call(export_bytes, *args)
            tmp.write_bytes(data)
            del data
        elif fmt == "midi":
            progress(0.5, "writing MIDI")
            score.to_midi(tmp)
        elif fmt == "musicxml":
            progress(0.3, "writing MusicXML")
            score.to_musicxml(tmp)
        else:
            from .. import synth

            progress(0.05, "rendering")
            audio = synth.render(score, sample_rate=sample_rate, backend=ctx.render_backend,
                                 progress=lambda f: progress(0.05 + 0.75 * f, "rendering"))
            progress(0.8, f"writing {fmt}")
            kw = {"normalize": normalize} if normalize else {}
            audio.write(tmp, **kw)
            del audio
            extra = {"seconds": score.duration_seconds, "sample_rate": sample_rate}
        if before_commit is not None:
            before_commit(tmp)
        size = tmp.stat().st_size
        target = commit_file(ctx.root_dir, path, tmp, overwrite=overwrite)
    return {**_file_answer(ctx, target, fmt, size), **extra}


def _export(ctx: Context, req: models.ExportRequest) -> Work:
    if ctx.procs is not None and req.format in CHILD_FORMATS:
        # parsed and written in a child, in the job (pure Python that would hold the lock
        # in a thread): a bad score fails the job with the same 4xx, and a cancelled job
        # ends its child
        target = resolve_inside(ctx.root_dir, req.path, suffixes=EXPORT_SUFFIXES[req.format])
        _check_free(target, req.path, req.overwrite)

        def in_child(progress: Progress) -> dict[str, Any]:
            return _write(ctx, req.score, req.format, req.path, req.sample_rate, progress,
                          overwrite=req.overwrite)
        return in_child
    score = parse_score(req.score, limits=ctx.limits)
    if req.format in ("wav", "flac", "ogg", "mp3"):
        check_render(score, ctx.limits)
    target = resolve_inside(ctx.root_dir, req.path, suffixes=EXPORT_SUFFIXES[req.format])
    _check_free(target, req.path, req.overwrite)

    def work(progress: Progress) -> dict[str, Any]:
        return _write(ctx, score, req.format, req.path, req.sample_rate, progress,
                      overwrite=req.overwrite)
    return work


def _render(ctx: Context, req: models.RenderRequest) -> Work:
    score = parse_score(req.score, limits=ctx.limits)
    check_render(score, ctx.limits)
    path = req.path or f"renders/{_slug(score.title)}.wav"
    target = resolve_inside(ctx.root_dir, path, suffixes=AUDIO_SUFFIXES)
    fmt = target.suffix.lstrip(".").lower()
    if req.backend is not None:
        ctx = dataclasses.replace(ctx, render_backend=req.backend)

    def work(progress: Progress) -> dict[str, Any]:
        quality: dict[str, Any] = {}

        def report(written: Path) -> None:  # read back before it is moved into the root
            from .. import analysis
            from ..io.audio import read_audio

            progress(0.9, "quality report")
            quality["quality"] = jsonable(analysis.quality(read_audio(written)))

        out = _write(ctx, score, fmt, path, req.sample_rate, progress, req.normalize,
                     before_commit=report)
        return {**out, **quality}
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
           "A Book I rhythm: technique applied to generators", _rhythm_value),
    Action("scales", models.ScalesRequest, _scales, False,
           "A Book II scale function by name", _scales_value),
    Action("harmony/progression", models.ProgressionRequest, _progression, True,
           "A chord progression", _progression_value),
    Action("harmony/cycle", models.CycleRequest, _cycle, False,
           "A Book V root-cycle progression (C3, C5, C7, positive or negative)", _cycle_value),
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


def validate(name: str, body: Mapping[str, Any] | BaseModel) -> BaseModel:
    """The request model of action ``name`` from a JSON body (pydantic errors propagate).

    >>> validate("rhythm", {"technique": "interference", "generators": [3, 2]}).generators
    [3, 2]
    """
    if name not in ACTIONS:
        raise ParameterError(f"endpoint must be one of {', '.join(ACTIONS)}, got {name!r}",
                             field="endpoint")
    model = ACTIONS[name].model
    return body if isinstance(body, model) else model.model_validate(body)


def compute(name: str, body: Mapping[str, Any] | BaseModel) -> Any:
    """The core value of theory action ``name`` for ``body``: what the widgets show.

    The same request model and checks as REST, WebSocket and OSC, so a widget refuses what
    the doors refuse, with the same message (:func:`~.errors.map_error`).

    >>> compute("rhythm", {"technique": "interference", "generators": [3, 2]})
    Rhythm((2, 1, 1, 2))
    """
    req = validate(name, body)
    fn = ACTIONS[name].compute
    if fn is None:
        raise ParameterError(f"{name} has no core value; run it as an action", field="endpoint")
    return fn(req)

"""The server-side service every door shares: one clock, one session store, one job pool.

REST handlers, the WebSocket and the OSC bridge all call a :class:`Workbench` (kept in the
tornado settings as ``schillinger_workbench``), so a tempo set over OSC is the tempo a browser
sees over the WebSocket. It owns start and stop of everything the extension runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from .. import Score, __version__
from ..errors import Cancelled, Conflict, NotFound, ParameterError
from . import actions, models
from .ableton import AbletonBridge, clip_length, part_notes
from .actions import ACTIONS, Context, Limits, parse_score
from .audio_out import LocalOutput
from .errors import Answered
from .exporting import warm_up
from .hub import Hub
from .interpreter import (
    freeze_heap,
    lower_switch_interval,
    restore_switch_interval,
    thaw_heap,
)
from .jobs import Job, JobManager, Reporter, WorkPool
from .loading import load_score, read_transport_body, receive_load, release
from .osc import OscBridge
from .payload import JsonText, answer_data
from .sessions import SessionStore
from .stopping import StopSignal, running_under
from .transport import TransportClock

__all__ = [
    "PUSH_HZ",
    "SAVE_EVERY_S",
    "Settings",
    "Workbench",
    "job_outcome",
]


PUSH_HZ = 30.0
SAVE_EVERY_S = 2.0
#: how long stopping waits for commits already in the writer thread (a stuck disk must not
#: hang exit)
STOP_COMMIT_WAIT_S = 10.0


@dataclass(frozen=True)
class Settings:
    """The extension's configuration (the ExtensionApp traits)."""

    root_dir: str
    base_url: str = "/"
    osc_enabled: bool = True
    osc_host: str = "127.0.0.1"
    osc_port: int = 7440
    osc_reply_port: int = 7441
    ableton_host: str = "127.0.0.1"
    ableton_port: int = 11000
    ableton_reply_port: int = 11001
    render_backend: str = "auto"
    sessions_dir: str = ""
    audio_output: bool = True
    sample_rate: int = 48000
    job_workers: int = 2
    job_queue: int = 32
    job_user_queue: int = 8  # jobs one user may have queued or running
    job_result_ttl: float = 3600.0  # seconds a finished job's result stays on disk
    jobs_dir: str = ""  # where results are written ('': the system's temporary folder)
    action_workers: int = 2
    action_queue: int = 16
    limits: Limits = field(default_factory=Limits)
    osc_reply_hosts: tuple[str, ...] = ()  # beyond loopback: IPs replies may go to ("*": any)
    osc_rate: float = 200.0  # OSC messages per second per sender (bursts of as many)
    osc_secret: str = ""  # what /schillinger/auth wants ("": drawn at start; see osc_auth)
    osc_tokens: tuple[str, ...] = ()  # also accepted by /schillinger/auth (the Jupyter token)
    osc_key_file: str = ""  # where the secret is written for its user ("": nowhere)
    sessions_synchronous: str = "FULL"  # FULL: fsync per commit; NORMAL: crash-safe only


class Workbench:
    """Transport, sessions, jobs, WebSocket hub, OSC and AbletonOSC bridges of one server."""

    def __init__(self, settings: Settings, log: logging.Logger | None = None) -> None:
        self.settings = settings
        self.log = log or logging.getLogger("schillinger")
        self.ctx = Context(settings.root_dir, settings.base_url, settings.render_backend,
                           settings.limits)
        self.clock = TransportClock(sample_rate=settings.sample_rate)
        self.output = LocalOutput(enabled=settings.audio_output)
        self.sessions = SessionStore(settings.sessions_dir or None,
                                     synchronous=settings.sessions_synchronous)
        self.jobs = JobManager(max_workers=settings.job_workers, max_queue=settings.job_queue,
                               per_user=settings.job_user_queue,
                               results_dir=settings.jobs_dir or None,
                               ttl=settings.job_result_ttl, log=self.log)
        self.pool = WorkPool(settings.action_workers, settings.action_queue)
        self.hub = Hub(self)
        self.osc = OscBridge(self, settings.osc_host, settings.osc_port, settings.osc_reply_port,
                             enabled=settings.osc_enabled)
        self.ableton = AbletonBridge(settings.ableton_host, settings.ableton_port,
                                     settings.ableton_reply_port, on_tempo=self._live_tempo)
        self.score: Score | None = None
        self.backend_name = settings.render_backend
        self.backend_reason = "not resolved yet"
        self.backend_error: str | None = None
        self._render_job: Job | None = None
        self._tasks: list[asyncio.Task[Any]] = []
        self.started = False
        self.clock.add_listener(self._transport_changed)

    # ----- life cycle ------------------------------------------------------------------------
    async def start(self) -> None:
        """Bind OSC, load sessions, probe audio, start the 30 Hz transport push."""
        if self.started:
            return
        self.started = True
        # the loop waits less for the GIL while workers compute, and full collections skip
        # what the server holds from its start (see interpreter)
        lower_switch_interval()
        freeze_heap()
        self.jobs.bind_loop(asyncio.get_running_loop())
        self.output.probe()
        await asyncio.get_running_loop().run_in_executor(None, self._resolve_backend)
        try:
            n = self.sessions.load()
        except OSError as exc:
            self.log.warning("schillinger: cannot read sessions: %s", exc)
            n = 0
        await self.osc.start()
        osc = self.osc.status()
        self.log.info("schillinger: %d sessions loaded; OSC %s", n,
                      f"on udp://{osc['host']}:{osc['port']}" if osc["enabled"] else osc["error"])
        self._tasks = [asyncio.ensure_future(self._push_loop()),
                       asyncio.ensure_future(self._save_loop())]
        if self.ctx.procs is not None:
            self.ctx.procs.warm(warm_up)
        await asyncio.get_running_loop().run_in_executor(None, warm_up)  # not under a request

    def _resolve_backend(self) -> None:
        """Pick the render backend once (probing CuPy takes a moment); fall back to NumPy."""
        from ..synth import BackendUnavailable, get_backend

        try:
            be = get_backend(self.settings.render_backend)
        except (BackendUnavailable, ValueError) as exc:
            be = get_backend("numpy")
            self.backend_error = f"{self.settings.render_backend}: {exc}; using numpy"
        self.backend_name = be.name
        self.backend_reason = be.reason
        self.ctx = Context(self.ctx.root_dir, self.ctx.base_url, be, self.settings.limits,
                           self.ctx.procs)

    async def stop(self) -> None:
        """Stop everything started by :meth:`start`; save sessions."""
        for t in self._tasks:
            t.cancel()
        for t in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await t
        self._tasks = []
        self.osc.stop()
        self.ableton.close()
        self.output.stop()
        await self.hub.close_all()
        self.jobs.shutdown()
        self.pool.shutdown()
        # commits already handed to the writer thread finish first, so their waiters are
        # answered and the final save does not race them
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.sessions.group.idle(), STOP_COMMIT_WAIT_S)
        with contextlib.suppress(OSError):
            self.sessions.save()
        if self.started:
            thaw_heap()
            restore_switch_interval()
        self.started = False

    async def _push_loop(self) -> None:
        while True:
            await asyncio.sleep(1.0 / PUSH_HZ)
            if self.clock.playing and self.hub.transport_subscribers:
                self.hub.push_transport(self.clock.state())

    async def _save_loop(self) -> None:
        while True:
            await asyncio.sleep(SAVE_EVERY_S)
            try:
                self.sessions.save()
            except OSError as exc:
                self.log.warning("schillinger: cannot save sessions: %s", exc)

    # ----- status ----------------------------------------------------------------------------
    def status(self) -> dict[str, Any]:
        """The ``GET status`` answer."""
        return {"version": __version__, "backend": self.backend_name,
                "backend_reason": self.backend_error or self.backend_reason,
                "osc": self.osc.status(), "sessions": len(self.sessions),
                "transport": self.clock.state(), "audio_output": self.output.status(),
                "ableton": self.ableton.status(), "jobs": len(self.jobs.list()),
                "websocket": self.hub.stats(),
                "score": None if self.score is None else {"title": self.score.title,
                                                          "parts": len(self.score.parts)}}

    # ----- actions ---------------------------------------------------------------------------
    def validate(self, name: str, body: dict[str, Any] | BaseModel) -> BaseModel:
        """The request model of action ``name`` from a JSON body (pydantic errors propagate)."""
        return actions.validate(name, body)

    def run_inline(self, name: str, req: BaseModel) -> dict[str, Any]:
        """Run an action in the calling thread (the widgets; never the event loop)."""
        data: dict[str, Any] = answer_data(
            ACTIONS[name].prepare(self.ctx, req)(lambda fraction, message="": None))
        return data

    async def offload(self, fn: Callable[..., Any], *args: Any) -> Any:
        """``fn(*args)`` in the bounded worker pool (:class:`Busy` when it is full)."""
        return await self.pool.run(fn, *args)

    def start_job(self, name: str, body: dict[str, Any] | BaseModel,
                  progress: Callable[[float, str], None] | None = None,
                  work: actions.Work | None = None, owner: str = "",
                  detached: bool = False) -> Job:
        """Validate and prepare (errors raise at once), then run as a job.

        ``work``: the action already prepared (off the loop, by :meth:`run_action`);
        ``owner``: whose job it is (bounded per owner); ``detached``: handed out as a
        resource to poll, so no disconnect cancels it.
        """
        req = self.validate(name, body)
        if work is None:
            work = ACTIONS[name].prepare(self.ctx, req)
        loop = asyncio.get_running_loop()

        def run(rep: Reporter) -> Any:
            def report(fraction: float, message: str = "") -> None:
                rep.report(fraction, message)
                if progress is not None:
                    loop.call_soon_threadsafe(progress, fraction, message)
            return work(report)

        return self.jobs.submit(name, run, owner, detached)

    async def dumps(self, data: Any) -> str:
        """``json.dumps(data)`` off the loop: an answer may be a score of 100,000 notes.

        The default executor, not the bounded pool: the request was admitted already, and
        refusing its answer now would waste the work done.
        """
        return await asyncio.get_running_loop().run_in_executor(None, json.dumps, data)

    async def submit_job(self, name: str, body: dict[str, Any] | BaseModel, owner: str = "",
                         detached: bool = False) -> Job:
        """Validate and prepare in the worker pool (a score of 200,000 notes takes a while
        to parse), then start the job: the REST ``render`` and ``export``."""
        def ready() -> tuple[BaseModel, actions.Work]:
            req = self.validate(name, body)
            return req, ACTIONS[name].prepare(self.ctx, req)

        req, work = await self.pool.run(ready)
        return self.start_job(name, req, None, work, owner, detached)

    async def run_action(self, name: str, body: dict[str, Any] | BaseModel,
                         progress: Callable[[float, str], None] | None = None,
                         owner: str = "", waiter: Any = None) -> dict[str, Any]:
        """Run action ``name`` and return its answer, for every door.

        The request is validated on the loop (its size is bounded by the body, message and
        packet limits); the work, its ``prepare`` included, runs off the loop: ``blocking``
        actions as jobs, the others in the bounded worker pool. A full pool or job queue
        raises :class:`Busy` (429). A job is ``owner``'s and awaited by ``waiter`` (a
        connection): when it goes away (:meth:`JobManager.abandon`) the job is cancelled.
        """
        answer = await self._run_action(name, body, progress, owner, waiter)
        if isinstance(answer, JsonText):  # computed in a child: parsed off the loop
            answer = await asyncio.get_running_loop().run_in_executor(
                None, answer_data, answer)
        data: dict[str, Any] = answer
        return data

    async def run_action_text(self, name: str, body: dict[str, Any] | BaseModel,
                              owner: str = "", waiter: Any = None,
                              progress: Callable[[float, str], None] | None = None) -> str:
        """:meth:`run_action`'s answer as JSON text, for REST and the WebSocket: an answer
        computed in a child process comes as the text it wrote, and is neither parsed nor
        written again here."""
        answer = await self._run_action(name, body, progress, owner, waiter)
        return answer if isinstance(answer, JsonText) else await self.dumps(answer)

    async def _run_action(self, name: str, body: dict[str, Any] | BaseModel,
                          progress: Callable[[float, str], None] | None, owner: str,
                          waiter: Any) -> Any:
        if isinstance(body, BaseModel):
            req = self.validate(name, body)
        else:  # a large body validates for a while: in the pool
            req = await self.pool.run(self.validate, name, body)
        act = ACTIONS[name]
        if not act.blocking:
            loop = asyncio.get_running_loop()

            def report(fraction: float, message: str = "") -> None:
                if progress is not None:
                    loop.call_soon_threadsafe(progress, fraction, message)

            return await self._watched_call(waiter, act.prepare, req, report)
        prepared = await self.pool.run(act.prepare, self.ctx, req)  # parses scores
        job = self.start_job(name, req, progress, prepared, owner)
        await self.jobs.wait(job, waiter)
        if job.status != "done":
            return job_outcome(job)
        # the result lies on disk as JSON text: read back off the loop, parsed by the caller
        text = await asyncio.get_running_loop().run_in_executor(None, _result_text, job)
        return text

    async def _watched_call(self, waiter: Any, prepare: Callable[..., actions.Work],
                            req: BaseModel, report: Callable[..., None]) -> Any:
        """A fast action's work in the worker pool, stopped when ``waiter`` (a connection)
        goes away: dropped while it waits for a thread; when it waits on a child process
        (:class:`~.procpool.ProcessPool`), that child is ended and its slot freed."""
        signal = StopSignal()

        def work() -> Any:
            with running_under(signal):
                return prepare(self.ctx, req)(report)

        fut = self.pool.submit(work)
        key = signal.on_set(fut.cancel)  # a running call is not cancelled: its child is
        try:
            with self.jobs.watching(waiter, signal):
                return await asyncio.wrap_future(fut)
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if signal.is_set() and fut.cancelled() and not (task and task.cancelling()):
                # dropped for the client that went away, not a cancel of this task
                raise Cancelled("the client went away before the work started") from None
            raise
        finally:
            signal.discard(key)

    # ----- transport -------------------------------------------------------------------------
    def transport_command(self, req: models.TransportRequest) -> dict[str, Any]:
        """Apply one transport command; return the new state."""
        c = self.clock
        a = req.action
        if a == "play":
            return c.play()
        if a == "stop":
            return c.stop()
        if a == "toggle":
            return c.stop() if c.playing else c.play()
        if a == "seek":
            if req.position_beats is None:
                raise ParameterError("position_beats is required for action 'seek'",
                                     field="position_beats")
            return c.seek(req.position_beats)
        if a == "tempo":
            if req.tempo is None:
                raise ParameterError("tempo is required for action 'tempo'", field="tempo")
            return c.set_tempo(req.tempo)
        if a == "loop":
            if req.loop is None:
                raise ParameterError("loop is required for action 'loop' ({start, end, "
                                     "enabled})", field="loop")
            return c.set_loop(req.loop.start, req.loop.end, req.loop.enabled)
        if a == "load":
            return self._load(*load_score(req.score, self.settings.limits))
        return self._load(None)

    async def transport(self, req: models.TransportRequest) -> dict[str, Any]:
        """:meth:`transport_command` with a ``load``'s score parsed and checked in the worker
        pool (200,000 notes take a while to read): only the swap happens on the loop."""
        if req.action != "load":
            return self.transport_command(req)
        return self._load(*await self.pool.run(load_score, req.score, self.settings.limits))

    async def transport_body(self, raw: bytes) -> dict[str, Any]:
        """``POST transport`` from its raw body, read off the loop, a large one in a child
        process (:func:`~.loading.read_transport_body`); only the swap happens on the loop."""
        req, loaded = await read_transport_body(raw, self.settings.limits, self.ctx.procs,
                                                self.pool)
        return self.transport_command(req) if loaded is None else self._load(*loaded)

    async def transport_message(self, text: str) -> tuple[Any, dict[str, Any]] | None:
        """A large WebSocket ``transport`` ``load`` read from its text in a child process, as
        :meth:`transport_body` reads REST's (:func:`~.loading.receive_load`, which says what
        it raises): its ``id`` and the new state; None: not one, read it as any message."""
        got = await receive_load(text, self.settings.limits, self.ctx.procs, self.pool)
        return None if got is None else (got[0], self._load(*got[1]))

    def _load(self, score: Score | None, length: float | None = None) -> dict[str, Any]:
        """Swap ``score`` in (None: unload); the one it replaces is freed beside the loop."""
        old, self.score = [self.score] if self.score is not None else [], score
        if old:  # its notes are freed a slice at a time (see loading.release), off the loop
            try:
                asyncio.get_running_loop().run_in_executor(None, release, old)
            except RuntimeError:  # called from a thread: freed in it
                release(old)
        if score is None:
            self.output.set_buffer(None)
            return self.clock.set_length(None)
        if not self.ableton.following:
            self.clock.set_tempo(score.tempo)
        state = self.clock.set_length(length)
        self._render_for_output()
        return state

    def _transport_changed(self, event: str, state: dict[str, Any]) -> None:
        self.hub.push_transport(state)
        out = self.output
        if event == "play":
            out.start(state["position_samples"])
        elif event == "stop":
            out.stop()
        elif event in ("seek", "loop"):
            out.seek_samples(state["position_samples"])
            lp = state["loop"]
            spb = 60.0 / state["tempo"] * state["sample_rate"]
            out.set_loop_samples((round(lp["start"] * spb), round(lp["end"] * spb))
                                 if lp["enabled"] else None)
        elif event == "tempo" and self.score is not None:
            self._render_for_output()

    def _render_for_output(self) -> None:
        """Render the loaded score at the clock's tempo for the local output (a job)."""
        if self.score is None or not self.output.available:
            return
        score = self.score.with_tempo(self.clock.tempo)
        rate, backend = self.clock.sample_rate, self.ctx.render_backend

        def work(rep: Reporter) -> dict[str, Any]:
            from .. import synth

            rep.report(0.1, "rendering for local output")
            audio = synth.render(score, sample_rate=rate, backend=backend)
            self.output.set_buffer(audio.samples, rate)
            return {"seconds": score.duration_seconds}

        self._render_job = self.jobs.submit("output", work)

    # ----- Ableton ---------------------------------------------------------------------------
    def _live_tempo(self, bpm: float) -> None:
        if abs(bpm - self.clock.tempo) > 1e-6:
            with contextlib.suppress(ValueError, TypeError):
                self.clock.set_tempo(bpm)

    async def ableton_command(self, req: models.AbletonRequest) -> dict[str, Any]:
        """Run one AbletonOSC command; :class:`PeerUnavailable` when Live does not answer."""
        ab = self.ableton
        if req.action == "push_clip":
            score = parse_score(req.score) if req.score is not None else self.score
            if score is None:
                raise ParameterError("score is required (or load one into the transport "
                                     "first)", field="score")
            notes = part_notes(score, req.part)
            length = req.length_beats or clip_length(score)
            name = req.name or (score.parts[req.part].name if isinstance(req.part, int)
                                else str(req.part))
            return await ab.push_clip(notes, req.track, req.clip, length, name, req.replace)
        if req.action == "get_tempo":
            return {"live_tempo": await ab.get_tempo()}
        if req.action == "set_tempo":
            if req.tempo is None:
                raise ParameterError("tempo is required for action 'set_tempo'",
                                     field="tempo")
            return {"live_tempo": await ab.set_tempo(req.tempo)}
        if req.action == "follow_tempo":
            bpm = await ab.follow_tempo(True)
            if bpm is not None:
                self._live_tempo(bpm)
            return {"following": True, "live_tempo": bpm}
        if req.action == "unfollow_tempo":
            await ab.follow_tempo(False)
            return {"following": False, "live_tempo": ab.live_tempo}
        await ab.transport(req.action == "play")
        return {"live_playing": req.action == "play"}


def _result_text(job: Job) -> JsonText:
    text = job.result_text
    if text is None:
        raise NotFound(f"the result of job {job.id} has expired")
    return text


def job_outcome(job: Job) -> dict[str, Any]:
    """A finished job's result, or its exception re-raised (cancelled: :class:`Cancelled`)."""
    if job.status == "done":
        result = job.result
        if result is None:
            raise NotFound(f"the result of job {job.id} has expired")
        return dict(result)
    if job.status == "cancelled":
        raise Cancelled(f"job {job.id} was cancelled")
    if job.answer is not None:
        raise Answered(job.answer)
    raise Conflict(f"job {job.id} has not finished ({job.status})")


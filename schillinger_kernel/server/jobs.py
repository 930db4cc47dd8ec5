"""Jobs: slow work (render, export, analysis) in a thread pool, with progress and cancel.

The event loop never waits on a job: :meth:`JobManager.submit` returns at once, the work runs
in a worker thread and reports through a :class:`Reporter`; ``await manager.wait(job)`` lets a
handler wait without blocking other requests. Cancelling a queued job drops it; a running job
stops at its next progress report, and work it waits for in a child process
(:class:`~.procpool.ProcessPool`) is stopped at once, its process ended and its slot freed.

Bounded everywhere: at most ``max_workers + max_queue`` jobs are queued or running, at most
``per_user`` of one owner (beyond either: :class:`Busy`, REST 429 with ``Retry-After``).
Results are written to a private folder on disk (``results_dir``), not kept in memory, and
deleted ``ttl`` seconds after the job ended (or when the job is forgotten). A failed job keeps
its error as plain data (:class:`~.errors.ErrorAnswer`): the exception, and with it every
frame and array of the failed work, is released. A job some clients wait for is cancelled
when the last of them goes away (:meth:`JobManager.abandon`), unless it was handed out as a
resource to poll (``detached``); so is the work a connection waits for outside any job
(:meth:`JobManager.watching`: a REST rhythm computed in a child process).

>>> jm = JobManager(max_workers=1)
>>> job = jm.submit("demo", lambda rep: {"answer": 42})
>>> job.future.result() is None, job.result
(True, {'answer': 42})
>>> jm.get(job.id).to_dict()["status"]
'done'
>>> jm.shutdown()
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import shutil
import tempfile
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# the taxonomy's Cancelled (REST 409): raised inside a job's work once it was cancelled
from ..errors import Busy, Cancelled
from ..io.atomic import atomic_path
from .errors import ErrorAnswer, map_error
from .payload import JsonText
from .stopping import StopSignal, running_under

__all__ = ["JOB_STATES", "Busy", "Cancelled", "Job", "JobManager", "Reporter", "WorkPool"]

JOB_STATES = ("queued", "running", "done", "error", "cancelled")

class Reporter:
    """Passed to a job's work function: ``report(fraction, message)`` updates the progress and
    raises :class:`Cancelled` once the job has been cancelled."""

    def __init__(self, job: Job, notify: Callable[[Job], None]) -> None:
        self._job = job
        self._notify = notify

    @property
    def cancelled(self) -> bool:
        """True once cancel was asked for."""
        return self._job.cancel_event.is_set()

    def report(self, fraction: float, message: str = "") -> None:
        """Record progress ``fraction`` (0..1, clipped) and a short message."""
        if self.cancelled:
            raise Cancelled(f"job {self._job.id} was cancelled")
        self._job.progress = min(1.0, max(0.0, float(fraction)))
        self._job.message = str(message)
        self._notify(self._job)


@dataclass
class Job:
    """One unit of work and what is known about it (its result lies on disk)."""

    id: str
    kind: str
    status: str = "queued"
    progress: float = 0.0
    message: str = ""
    error: str | None = None
    created: float = field(default_factory=time.time)
    finished: float | None = None
    owner: str = ""
    detached: bool = False  # handed out to poll: no disconnect cancels it
    answer: ErrorAnswer | None = None  # a failure, as every door answers it
    result_path: Path | None = None
    expired: bool = False
    #: set by cancel; also ends the child process the work waits on (:mod:`.stopping`)
    cancel_event: StopSignal = field(default_factory=StopSignal, repr=False)
    future: Future[Any] = field(default_factory=Future, repr=False)
    waiters: set[Hashable] = field(default_factory=set, repr=False)

    @property
    def result(self) -> Any:
        """The result read back from disk (None before it is done, after it expired)."""
        if self.result_path is None:
            return None
        try:
            return json.loads(self.result_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    @property
    def result_text(self) -> JsonText | None:
        """The result as the JSON text on disk, unparsed (None before done, after expiry)."""
        if self.result_path is None:
            return None
        try:
            return JsonText(self.result_path.read_text(encoding="utf-8"))
        except OSError:
            return None

    def to_dict(self, result: bool = True) -> dict[str, Any]:
        """JSON-ready state: ``id``, ``kind``, ``status``, ``progress``, ``message``,
        ``result`` (when done, until it expires; None without ``result``), ``error``
        (when failed)."""
        return {"id": self.id, "kind": self.kind, "status": self.status,
                "progress": self.progress, "message": self.message,
                "result": self.result if result else None,
                "error": self.error, "created": self.created, "finished": self.finished,
                "expired": self.expired}


class WorkPool:
    """A bounded thread pool for the actions every door runs: the event loop only routes.

    At most ``workers`` calls run and ``queue`` more wait; one more is refused with
    :class:`Busy` (REST 429) at once instead of growing a queue without end.

    Pure-Python work in these threads holds the GIL between switches: a server lowers the
    switch interval while it runs (:func:`.interpreter.lower_switch_interval`).

    >>> import asyncio
    >>> pool = WorkPool(1, 0)
    >>> asyncio.run(pool.run(sum, [1, 2, 3]))
    6
    >>> pool.shutdown()
    """

    def __init__(self, workers: int = 2, queue: int = 16, name: str = "sk-action") -> None:
        self.workers, self.queue = max(1, workers), max(0, queue)
        self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix=name)
        self._pending = 0
        self._lock = threading.Lock()

    @property
    def pending(self) -> int:
        """Calls running or waiting."""
        return self._pending

    def _done(self, _: Future[Any]) -> None:
        with self._lock:
            self._pending -= 1

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        """Queue ``fn(*args)`` or raise :class:`Busy` when every slot is taken."""
        with self._lock:
            if self._pending >= self.workers + self.queue:
                raise Busy(f"the server is busy: {self.workers} workers running and "
                           f"{self.queue} requests waiting (SchillingerApp.action_workers, "
                           "action_queue); try again shortly")
            self._pending += 1
        try:
            fut = self._pool.submit(fn, *args)
        except BaseException:
            self._done(Future())
            raise
        fut.add_done_callback(self._done)  # counted until the thread is free again
        return fut

    async def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        """``fn(*args)`` in a worker thread, awaited without blocking the loop."""
        return await asyncio.wrap_future(self.submit(fn, *args))

    def shutdown(self) -> None:
        """Drop waiting calls; running ones finish."""
        self._pool.shutdown(wait=False, cancel_futures=True)


class JobManager:
    """Runs jobs in ``max_workers`` threads and keeps the last ``keep`` of them.

    At most ``max_queue`` jobs wait beyond the running ones and ``per_user`` belong to one
    owner; more are refused with :class:`Busy` (REST 429). Results go to ``results_dir``
    (a private folder made inside it; the system's temporary folder when None) and are
    deleted ``ttl`` seconds after their job ended.
    """

    def __init__(self, max_workers: int = 2, keep: int = 200, max_queue: int = 32,
                 per_user: int = 8, results_dir: str | os.PathLike[str] | None = None,
                 ttl: float = 3600.0, log: logging.Logger | None = None) -> None:
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="sk-job")
        self._workers, self._max_queue = max(1, max_workers), max(0, max_queue)
        self._per_user = max(1, per_user)
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._keep = keep
        self._ttl = ttl
        self._log = log or logging.getLogger("schillinger")
        self._listeners: list[Callable[[dict[str, Any]], None]] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._watched: dict[Hashable, set[StopSignal]] = {}
        # results are deleted by a thread of their own: an unlink on a busy disk held the
        # event loop (submit and list forget and expire results) up to ~0.1 s
        self._remover = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sk-job-rm")
        if results_dir is not None:
            os.makedirs(results_dir, mode=0o700, exist_ok=True)
        # mkdtemp: a fresh folder only this user can read, whoever else shares the parent
        self.results_dir = Path(tempfile.mkdtemp(prefix="sk-jobs-", dir=results_dir))

    def bind_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        """Deliver listener calls on ``loop`` (jobs report from worker threads)."""
        self._loop = loop

    def add_listener(self, listener: Callable[[dict[str, Any]], None]) -> None:
        """Call ``listener(job_dict)`` on every progress or state change (on the bound loop)."""
        self._listeners.append(listener)

    def _notify(self, job: Job) -> None:
        if not self._listeners:
            return
        data = job.to_dict(result=False)  # listeners follow progress, not results

        def deliver() -> None:
            for listener in list(self._listeners):
                listener(data)

        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(deliver)
        else:
            deliver()

    def active(self, owner: str | None = None) -> int:
        """Jobs queued or running (of ``owner`` only, when given)."""
        return sum(1 for j in self._jobs.values() if j.status in ("queued", "running")
                   and (owner is None or j.owner == owner))

    def submit(self, kind: str, work: Callable[[Reporter], Any], owner: str = "",
               detached: bool = False) -> Job:
        """Queue ``work(reporter)``; its return value (JSON data) becomes the job's result.

        Raises :class:`Busy` when ``max_workers`` run and ``max_queue`` wait already, or
        ``owner`` has ``per_user`` jobs queued or running.
        """
        self.expire()
        active = self.active()
        if active >= self._workers + self._max_queue:
            raise Busy(f"the server is busy: {active} jobs running or waiting (at most "
                       f"{self._workers + self._max_queue}: SchillingerApp.job_workers, "
                       "job_queue); try again shortly")
        if owner and self.active(owner) >= self._per_user:
            raise Busy(f"you have {self._per_user} jobs running or waiting already (at most "
                       f"{self._per_user}: SchillingerApp.job_user_queue); wait for one to "
                       "finish or cancel one")
        job = Job(uuid.uuid4().hex[:12], kind, owner=owner, detached=detached)
        self._jobs[job.id] = job
        while len(self._jobs) > self._keep:
            oldest = next(iter(self._jobs.values()))
            if oldest.status in ("queued", "running"):
                break
            self._forget(self._jobs.popitem(last=False)[1])
        reporter = Reporter(job, self._notify)
        job.future = self._pool.submit(self._run, job, work, reporter)
        return job

    def _run(self, job: Job, work: Callable[[Reporter], Any], reporter: Reporter) -> None:
        if job.cancel_event.is_set():
            job.status, job.finished = "cancelled", time.time()
            raise Cancelled(f"job {job.id} was cancelled")
        job.status = "running"
        self._notify(job)
        try:
            with running_under(job.cancel_event):
                result = work(reporter)
            if job.cancel_event.is_set():  # cancelled (or shut down) while it ran in a process
                raise Cancelled(f"job {job.id} was cancelled")
            self._store(job, result)
            job.status, job.progress = "done", 1.0
        except Cancelled as exc:
            job.status = "cancelled"
            del work, reporter
            raise exc.with_traceback(None) from None
        except Exception as exc:
            # the answer is plain data; the exception is raised to the future stripped of
            # its traceback and context, so the failed work's frames (and arrays) are freed
            job.answer = map_error(exc, self._log)
            job.status, job.error = "error", f"{type(exc).__name__}: {job.answer.message}"
            del work, reporter
            raise exc.with_traceback(None) from None
        finally:
            job.finished = time.time()
            self._notify(job)

    def _store(self, job: Job, result: Any) -> None:
        path = self.results_dir / f"{job.id}.json"
        with atomic_path(path) as tmp:
            # a child's answer is JSON text already: written as it is
            text = result if isinstance(result, JsonText) else json.dumps(result)
            tmp.write_text(text, encoding="utf-8")
        job.result_path = path

    def _forget(self, job: Job) -> None:
        path, job.result_path = job.result_path, None  # nobody reads it from now on
        if path is not None:
            # after shutdown the submit fails: the folder goes with everything in it
            with contextlib.suppress(RuntimeError):
                self._remover.submit(_unlink, path)

    def expire(self, now: float | None = None) -> int:
        """Delete the results of jobs that ended ``ttl`` seconds ago; how many."""
        cutoff = (time.time() if now is None else now) - self._ttl
        n = 0
        for job in list(self._jobs.values()):
            if job.result_path is not None and job.finished is not None \
                    and job.finished < cutoff:
                self._forget(job)
                job.expired = True
                n += 1
        return n

    def get(self, job_id: str) -> Job | None:
        """The job with ``job_id`` or None."""
        return self._jobs.get(job_id)

    def list(self) -> list[dict[str, Any]]:
        """All kept jobs, oldest first, without results."""
        self.expire()
        return [j.to_dict(result=False) for j in self._jobs.values()]

    def cancel(self, job_id: str) -> Job | None:
        """Ask a job to stop; returns it (None when unknown)."""
        job = self._jobs.get(job_id)
        if job is None:
            return None
        job.cancel_event.set()
        if job.status == "queued" and job.future.cancel():
            job.status, job.finished = "cancelled", time.time()
            self._notify(job)
        return job

    async def wait(self, job: Job, waiter: Hashable | None = None) -> Job:
        """Wait for ``job`` without blocking the event loop; errors stay in the job.

        ``waiter`` (a connection) is counted while it waits: :meth:`abandon` cancels the job
        once no waiter is left.
        """
        if waiter is not None:
            job.waiters.add(waiter)
        try:
            await asyncio.wrap_future(job.future)
        except (Cancelled, asyncio.CancelledError):
            pass
        except Exception:  # recorded in job.answer by _run
            pass
        finally:
            job.waiters.discard(waiter)
        return job

    @contextlib.contextmanager
    def watching(self, waiter: Hashable | None, signal: StopSignal) -> Iterator[None]:
        """Within the block, :meth:`abandon` of ``waiter`` sets ``signal``: work one
        connection waits for outside a job (which only it waits for) stops when it goes.

        >>> jm, sig = JobManager(max_workers=1), StopSignal()
        >>> with jm.watching("conn", sig):
        ...     _ = jm.abandon("conn")
        >>> sig.is_set()
        True
        >>> jm.shutdown()
        """
        if waiter is None:
            yield
            return
        self._watched.setdefault(waiter, set()).add(signal)
        try:
            yield
        finally:
            signals = self._watched.get(waiter)
            if signals is not None:
                signals.discard(signal)
                if not signals:
                    del self._watched[waiter]

    def abandon(self, waiter: Hashable) -> tuple[Job, ...]:
        """``waiter`` went away: stop the work it watched (:meth:`watching`) and cancel each
        unfinished job it alone waited for (not the detached ones); returns those cancelled."""
        for signal in self._watched.pop(waiter, set()):
            signal.set()
        gone = []
        for job in list(self._jobs.values()):
            if waiter not in job.waiters:
                continue
            job.waiters.discard(waiter)
            if not job.waiters and not job.detached and job.status in ("queued", "running"):
                self.cancel(job.id)
                gone.append(job)
        return tuple(gone)

    def shutdown(self) -> None:
        """Cancel queued jobs, stop the workers (running jobs finish), delete the results."""
        for job in self._jobs.values():
            job.cancel_event.set()
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._remover.shutdown(wait=False, cancel_futures=True)
        shutil.rmtree(self.results_dir, ignore_errors=True)


def _unlink(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()

"""Jobs: slow work (render, export, analysis) in a thread pool, with progress and cancel.

The event loop never waits on a job: :meth:`JobManager.submit` returns at once, the work runs
in a worker thread and reports through a :class:`Reporter`; ``await manager.wait(job)`` lets a
handler wait without blocking other requests. Cancelling a queued job drops it; a running job
stops at its next progress report.

>>> jm = JobManager(max_workers=1)
>>> job = jm.submit("demo", lambda rep: {"answer": 42})
>>> job.future.result()
{'answer': 42}
>>> jm.get(job.id).to_dict()["status"]
'done'
>>> jm.shutdown()
"""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

# the taxonomy's Cancelled (REST 409): raised inside a job's work once it was cancelled
from ..errors import Busy, Cancelled

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
    """One unit of work and what is known about it."""

    id: str
    kind: str
    status: str = "queued"
    progress: float = 0.0
    message: str = ""
    result: Any = None
    error: str | None = None
    created: float = field(default_factory=time.time)
    finished: float | None = None
    cancel_event: threading.Event = field(default_factory=threading.Event, repr=False)
    future: Future[Any] = field(default_factory=Future, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready state: ``id``, ``kind``, ``status``, ``progress``, ``message``,
        ``result`` (when done), ``error`` (when failed)."""
        return {"id": self.id, "kind": self.kind, "status": self.status,
                "progress": self.progress, "message": self.message, "result": self.result,
                "error": self.error, "created": self.created, "finished": self.finished}


class WorkPool:
    """A bounded thread pool for the actions every door runs: the event loop only routes.

    At most ``workers`` calls run and ``queue`` more wait; one more is refused with
    :class:`Busy` (REST 429) at once instead of growing a queue without end.

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

    At most ``max_queue`` jobs wait beyond the running ones; more are refused with
    :class:`Busy` (REST 429).
    """

    def __init__(self, max_workers: int = 2, keep: int = 200, max_queue: int = 32) -> None:
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="sk-job")
        self._workers, self._max_queue = max(1, max_workers), max(0, max_queue)
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._keep = keep
        self._listeners: list[Callable[[dict[str, Any]], None]] = []
        self._loop: asyncio.AbstractEventLoop | None = None

    def bind_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        """Deliver listener calls on ``loop`` (jobs report from worker threads)."""
        self._loop = loop

    def add_listener(self, listener: Callable[[dict[str, Any]], None]) -> None:
        """Call ``listener(job_dict)`` on every progress or state change (on the bound loop)."""
        self._listeners.append(listener)

    def _notify(self, job: Job) -> None:
        if not self._listeners:
            return
        data = job.to_dict()

        def deliver() -> None:
            for listener in list(self._listeners):
                listener(data)

        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(deliver)
        else:
            deliver()

    def submit(self, kind: str, work: Callable[[Reporter], Any]) -> Job:
        """Queue ``work(reporter)``; its return value becomes the job's ``result``.

        Raises :class:`Busy` when ``max_workers`` run and ``max_queue`` wait already.
        """
        active = sum(1 for j in self._jobs.values() if j.status in ("queued", "running"))
        if active >= self._workers + self._max_queue:
            raise Busy(f"the server is busy: {active} jobs running or waiting (at most "
                       f"{self._workers + self._max_queue}: SchillingerApp.job_workers, "
                       "job_queue); try again shortly")
        job = Job(uuid.uuid4().hex[:12], kind)
        self._jobs[job.id] = job
        while len(self._jobs) > self._keep:
            oldest = next(iter(self._jobs.values()))
            if oldest.status in ("queued", "running"):
                break
            self._jobs.popitem(last=False)
        reporter = Reporter(job, self._notify)

        def run() -> Any:
            if job.cancel_event.is_set():
                raise Cancelled(f"job {job.id} was cancelled")
            job.status = "running"
            self._notify(job)
            try:
                job.result = work(reporter)
                job.status, job.progress = "done", 1.0
                return job.result
            except Cancelled:
                job.status = "cancelled"
                raise
            except Exception as exc:
                job.status, job.error = "error", f"{type(exc).__name__}: {exc}"
                raise
            finally:
                job.finished = time.time()
                self._notify(job)

        inner = self._pool.submit(run)
        job.future = inner
        return job

    def get(self, job_id: str) -> Job | None:
        """The job with ``job_id`` or None."""
        return self._jobs.get(job_id)

    def list(self) -> list[dict[str, Any]]:
        """All kept jobs, oldest first, without results."""
        return [{**j.to_dict(), "result": None} for j in self._jobs.values()]

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

    async def wait(self, job: Job) -> Job:
        """Wait for ``job`` without blocking the event loop; errors stay in the job."""
        try:
            await asyncio.wrap_future(job.future)
        except (Cancelled, asyncio.CancelledError):
            pass
        except Exception:  # recorded in job.error by run()
            pass
        return job

    def shutdown(self) -> None:
        """Cancel queued jobs and stop the workers (running jobs finish)."""
        for job in self._jobs.values():
            job.cancel_event.set()
        self._pool.shutdown(wait=False, cancel_futures=True)

"""A bounded process pool for the pure-Python theory work that would hold the GIL.

Compose and harmony work is pure Python: in a worker *thread* it holds the
interpreter lock for hundreds of milliseconds at a time, and the event loop (``/status``,
heartbeats) waits for it. In a child process it cannot. The children are started with
``spawn`` (the server has threads: ``fork`` would copy locks held by them) and kept.

Bounded like :class:`~.jobs.WorkPool`: at most ``workers`` calls run and ``queue`` more wait;
one more is refused with :class:`~schillinger_kernel.errors.Busy` (REST 429). A call's
exception crosses the process boundary as itself when it pickles (the error taxonomy does,
its ``field`` included); one that does not arrives as a plain ``RuntimeError`` with its words,
so a door's error mapper still answers it. A child that dies (killed, out of memory) fails
only the calls it held, and the next call gets a fresh pool.

>>> pool = ProcessPool(1, 0)
>>> pool.call(sum, [1, 2, 3])
6
>>> pool.shutdown()
"""

from __future__ import annotations

import multiprocessing
import pickle
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from ..errors import Busy, PeerUnavailable

__all__ = ["ProcessPool", "default_workers"]


def default_workers() -> int:
    """``min(2, cpu count)``: the processes a server runs theory work in.

    >>> 1 <= default_workers() <= 2
    True
    """
    return max(1, min(2, multiprocessing.cpu_count()))


def _portable(exc: BaseException) -> BaseException:
    """``exc`` if it survives pickling, else a RuntimeError with its words."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    # the traceback's frames hold the failed work's values: not sent back
    return exc.with_traceback(None)


def _child(fn: Callable[..., Any], args: tuple[Any, ...]) -> Any:
    try:
        return fn(*args)
    except Exception as exc:
        raise _portable(exc) from None


class ProcessPool:
    """At most ``workers`` child processes running calls, ``queue`` more waiting.

    ``fn`` and its arguments must pickle: module-level functions and plain data.
    """

    def __init__(self, workers: int | None = None, queue: int = 16) -> None:
        self.workers = max(1, workers if workers is not None else default_workers())
        self.queue = max(0, queue)
        self._ctx = multiprocessing.get_context("spawn")
        self._lock = threading.Lock()
        self._pending = 0
        self._pool: ProcessPoolExecutor | None = None
        self._closed = False

    @property
    def pending(self) -> int:
        """Calls running or waiting."""
        return self._pending

    def _executor(self) -> ProcessPoolExecutor:
        # started on first use: a server that never composes starts no process
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.workers, mp_context=self._ctx)
        return self._pool

    def _done(self, _: Future[Any]) -> None:
        with self._lock:
            self._pending -= 1

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        """Queue ``fn(*args)`` in a child or raise :class:`Busy` when every slot is taken."""
        with self._lock:
            if self._closed:
                raise PeerUnavailable("the server is shutting down; try again later")
            if self._pending >= self.workers + self.queue:
                raise Busy(f"the server is busy: {self.workers} processes running and "
                           f"{self.queue} requests waiting (SchillingerApp.process_workers, "
                           "process_queue); try again shortly")
            self._pending += 1
            try:
                try:
                    fut = self._executor().submit(_child, fn, args)
                except BrokenProcessPool:  # a child died earlier: start afresh
                    self._drop()
                    fut = self._executor().submit(_child, fn, args)
            except BaseException:
                self._pending -= 1
                raise
        fut.add_done_callback(self._done)
        return fut

    def _drop(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)

    def call(self, fn: Callable[..., Any], *args: Any) -> Any:
        """``fn(*args)`` in a child, waited for in the calling thread (which then holds no
        lock the event loop needs). A child that died fails the call with ``MemoryError``
        (413, as work that outgrew the memory in a thread), and the pool is renewed for the
        next call."""
        fut = self.submit(fn, *args)
        try:
            return fut.result()
        except BrokenProcessPool:
            with self._lock:
                if self._pool is not None and getattr(self._pool, "_broken", False):
                    self._drop()
            # a child is killed mostly for its memory: answered as MemoryError is in a thread
            raise MemoryError("the worker process running this request stopped (out of "
                              "memory?); try a smaller request") from None

    def shutdown(self) -> None:
        """Drop waiting calls and stop the children (running calls are not waited for)."""
        with self._lock:
            self._closed = True
            self._drop()

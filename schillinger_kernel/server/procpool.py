"""A bounded process pool for the pure-Python theory work that would hold the GIL.

Compose, harmony and rhythm-with-score work is pure Python: in a worker *thread* it holds the
interpreter lock for hundreds of milliseconds at a time, and the event loop (``/status``,
heartbeats) waits for it. In a child process it cannot. The children are started with
``spawn`` (the server has threads: ``fork`` would copy locks held by them) and kept between
calls; each serves one call at a time over its own pipe, so the pool knows which child runs
which call and can stop that call alone. They run at a lower CPU priority than the server
(:data:`CHILD_NICE`).

Bounded like :class:`~.jobs.WorkPool`: at most ``workers`` calls run and ``queue`` more wait;
one more is refused with :class:`~schillinger_kernel.errors.Busy` (REST 429). A call's
exception crosses the process boundary as itself when it pickles (the error taxonomy does,
its ``field`` included); one that does not arrives as a plain ``RuntimeError`` with its words,
so a door's error mapper still answers it. A child that dies (killed, out of memory) fails
only the call it held (``MemoryError``, 413), and the next call gets a fresh child.

:meth:`ProcessPool.stop` drops a waiting call, or ends the child running it, and frees its
slot; :meth:`ProcessPool.call` does so by itself when the job it runs under is cancelled
(:mod:`.stopping`).

>>> pool = ProcessPool(1, 0)
>>> pool.call(sum, [1, 2, 3])
6
>>> pool.shutdown()
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import threading
from collections.abc import Callable
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing import connection
from typing import Any

from ..errors import Busy, Cancelled, PeerUnavailable
from . import stopping

__all__ = ["CHILD_NICE", "ProcessPool", "default_workers"]

#: How much lower the children's CPU priority is than the server's (``nice``): when every
#: core runs theory work, the event loop still gets one as soon as a request arrives.
CHILD_NICE = 10


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


def _lower_priority() -> None:
    """Run below the server: on a box with as many busy children as cores, the event loop
    would wait for a core; and a server given a real-time policy keeps it for its loop, not
    for seconds of theory work that would starve the machine."""
    with contextlib.suppress(OSError, AttributeError):
        if os.sched_getscheduler(0) in (os.SCHED_FIFO, os.SCHED_RR):
            os.sched_setscheduler(0, os.SCHED_OTHER, os.sched_param(0))
    with contextlib.suppress(OSError):
        os.nice(CHILD_NICE)


def _serve(conn: connection.Connection) -> None:
    """A child's life: run each ``(fn, args)`` received, send back ``(ok, value)``."""
    _lower_priority()
    while True:
        try:
            fn, args = conn.recv()
        except (EOFError, OSError):  # the pool closed its end: the server is going
            return
        except Exception as exc:  # the call did not unpickle here
            conn.send((False, _portable(exc)))
            continue
        try:
            answer: tuple[bool, Any] = (True, fn(*args))
        except Exception as exc:
            answer = (False, _portable(exc))
        del fn, args
        try:
            conn.send(answer)
        except Exception as exc:  # the answer does not pickle (nothing was written yet)
            conn.send((False, _portable(exc)))


class _ChildGone(Exception):
    """The child ended before it answered."""


class _Child:
    """One spawned process serving calls one at a time over a pipe."""

    def __init__(self, ctx: Any) -> None:
        self.conn, theirs = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(theirs,), daemon=True,
                                   name="sk-theory")
        self.process.start()
        theirs.close()

    def run(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> Any:
        """``fn(*args)`` in the child; its exception re-raised here; :class:`_ChildGone`
        when the child ends first."""
        try:
            self.conn.send((fn, args))  # pickled before anything is written
        except (BrokenPipeError, ConnectionResetError, EOFError):
            raise _ChildGone() from None
        ready = connection.wait([self.conn, self.process.sentinel])
        if self.conn not in ready:
            raise _ChildGone()
        try:
            ok, value = self.conn.recv()
        except (EOFError, OSError):
            raise _ChildGone() from None
        if ok:
            return value
        raise value

    @property
    def alive(self) -> bool:
        """Whether the process still runs."""
        return bool(self.process.is_alive())

    def kill(self) -> None:
        """End the process now (SIGKILL): what it computes is of no use to anyone."""
        if self.process.is_alive():
            self.process.kill()

    def close(self) -> None:
        """Kill, reap and release the pipe."""
        self.kill()
        self.process.join(5)
        self.conn.close()


@dataclass
class _Call:
    fn: Callable[..., Any]
    args: tuple[Any, ...]
    stopped: bool = False
    child: _Child | None = None


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
        self._drivers: ThreadPoolExecutor | None = None
        self._idle: list[_Child] = []
        self._calls: dict[Future[Any], _Call] = {}
        self._closed = False

    @property
    def pending(self) -> int:
        """Calls running or waiting."""
        return self._pending

    @property
    def running(self) -> int:
        """Calls a child is running now."""
        with self._lock:
            return sum(1 for c in self._calls.values() if c.child is not None)

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        """Queue ``fn(*args)`` for a child or raise :class:`Busy` when every slot is taken."""
        call = _Call(fn, args)
        with self._lock:
            if self._closed:
                raise PeerUnavailable("the server is shutting down; try again later")
            if self._pending >= self.workers + self.queue:
                raise Busy(f"the server is busy: {self.workers} processes running and "
                           f"{self.queue} requests waiting (SchillingerApp.process_workers, "
                           "process_queue); try again shortly")
            if self._drivers is None:  # a server that never composes starts no thread
                # one thread per child, waiting on its pipe: a started child is never idle
                # for want of a thread
                self._drivers = ThreadPoolExecutor(self.workers, thread_name_prefix="sk-proc")
            fut = self._drivers.submit(self._drive, call)
            self._pending += 1
            self._calls[fut] = call
        fut.add_done_callback(self._done)
        return fut

    def _done(self, fut: Future[Any]) -> None:
        with self._lock:
            self._pending -= 1
            self._calls.pop(fut, None)

    def _drive(self, call: _Call) -> Any:
        """Run ``call`` in an idle child (or a new one) and wait for its answer."""
        with self._lock:
            if call.stopped or self._closed:
                raise Cancelled("the work was stopped before it started")
            child = self._idle.pop() if self._idle else None
        if child is None or not child.alive:
            if child is not None:
                child.close()
            child = _Child(self._ctx)
        with self._lock:
            if not (call.stopped or self._closed):
                call.child = child
        if call.child is None:  # stopped while the child started
            self._release(child, healthy=True)
            raise Cancelled("the work was stopped before it started")
        healthy = False
        try:
            value = child.run(call.fn, call.args)
            healthy = True
            return value
        except _ChildGone:
            if call.stopped:
                raise Cancelled("the work was stopped") from None
            if self._closed:
                raise PeerUnavailable("the server is shutting down; try again later") from None
            # a child is killed mostly for its memory: answered as MemoryError is in a thread
            raise MemoryError("the worker process running this request stopped (out of "
                              "memory?); try a smaller request") from None
        except BaseException:
            healthy = child.alive  # the work's own error: the child serves on
            raise
        finally:
            with self._lock:
                call.child = None
            self._release(child, healthy and not call.stopped)

    def _release(self, child: _Child, healthy: bool) -> None:
        with self._lock:
            keep = healthy and not self._closed and child.alive
            if keep:
                self._idle.append(child)
        if not keep:
            child.close()

    def warm(self, fn: Callable[..., Any], *args: Any) -> threading.Thread:
        """Start the children now, in a thread of their own, each running ``fn(*args)``
        once (imports, say) before it serves calls: the first request then waits neither for
        a child to spawn nor for its imports. A child whose ``fn`` fails is ended; calls get
        a fresh one. Returns the thread (joined by tests; the server does not wait).

        >>> pool = ProcessPool(1, 0)
        >>> pool.warm(sum, [1, 2]).join()
        >>> len(pool._idle), pool.call(sum, [3, 4])
        (1, 7)
        >>> pool.shutdown()
        """
        def start() -> None:
            for _ in range(self.workers):
                with self._lock:
                    if self._closed or len(self._idle) >= self.workers:
                        return
                child = _Child(self._ctx)
                try:
                    child.run(fn, args)
                except (Exception, _ChildGone):
                    child.close()
                    return
                with self._lock:  # calls may have started children meanwhile: no more kept
                    keep = not self._closed and len(self._idle) < self.workers
                    if keep:
                        self._idle.append(child)
                if not keep:
                    child.close()

        thread = threading.Thread(target=start, daemon=True, name="sk-proc-warm")
        thread.start()
        return thread

    def stop(self, fut: Future[Any]) -> bool:
        """Drop the call of ``fut`` if it waits, or end the child running it (its result
        then raises :class:`~schillinger_kernel.errors.Cancelled`); False when it is over."""
        if fut.cancel():
            return True
        with self._lock:
            call = self._calls.get(fut)
            if call is None:
                return False
            call.stopped = True
            child = call.child
        if child is not None:
            child.kill()
        return True

    def call(self, fn: Callable[..., Any], *args: Any) -> Any:
        """``fn(*args)`` in a child, waited for in the calling thread (which then holds no
        lock the event loop needs). When that thread runs a job (:func:`.stopping.current`),
        cancelling the job stops the call and frees its slot. A child that died fails the
        call with ``MemoryError`` (413, as work that outgrew the memory in a thread)."""
        fut = self.submit(fn, *args)
        signal = stopping.current()
        key = signal.on_set(lambda: self.stop(fut)) if signal is not None else None
        try:
            return fut.result()
        except CancelledError:
            raise Cancelled("the work was stopped before it started") from None
        finally:
            if signal is not None:
                signal.discard(key)

    def shutdown(self) -> None:
        """Drop waiting calls and end the children (running calls are not waited for)."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
            busy = [c.child for c in self._calls.values() if c.child is not None]
            drivers, self._drivers = self._drivers, None
        if drivers is not None:
            drivers.shutdown(wait=False, cancel_futures=True)
        for child in idle:
            child.close()
        for child in busy:  # their drivers reap them
            child.kill()

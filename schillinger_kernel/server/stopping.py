"""Stop signals: a job's cancel flag that also reaches work waiting outside its thread.

A job's work checks its flag at each progress report; work that waits on a child process
reports nothing until the child answers. So the flag also runs callbacks when it is set (the
process pool registers one that ends the child), and the thread running a job makes the
job's signal :func:`current` for whatever that work calls.

>>> sig = StopSignal()
>>> seen = []
>>> sig.on_set(lambda: seen.append("stopped")) is not None
True
>>> with running_under(sig):
...     current() is sig
True
>>> current() is None, sig.set(), seen, sig.is_set()
(True, None, ['stopped'], True)
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator

__all__ = ["StopSignal", "current", "running_under"]

Callback = Callable[[], object]


class StopSignal:
    """A ``threading.Event`` whose :meth:`set` also calls the callbacks registered with
    :meth:`on_set` (once each; a callback registered after it was set is called at once)."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._callbacks: dict[int, Callback] = {}
        self._next = 0

    def is_set(self) -> bool:
        """Whether a stop was asked for."""
        return self._event.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until set or ``timeout`` seconds passed; whether it is set."""
        return self._event.wait(timeout)

    def set(self) -> None:
        """Ask to stop: set the flag, then call (and drop) every registered callback."""
        with self._lock:
            self._event.set()
            callbacks, self._callbacks = list(self._callbacks.values()), {}
        for callback in callbacks:
            callback()

    def on_set(self, callback: Callback) -> int | None:
        """Call ``callback()`` when the signal is set; a key for :meth:`discard`, or None when
        it was set already (``callback`` was then called here)."""
        with self._lock:
            if not self._event.is_set():
                self._next += 1
                self._callbacks[self._next] = callback
                return self._next
        callback()
        return None

    def discard(self, key: int | None) -> None:
        """Forget the callback registered under ``key`` (the work it would stop is over)."""
        if key is not None:
            with self._lock:
                self._callbacks.pop(key, None)


_local = threading.local()


def current() -> StopSignal | None:
    """The signal of the job this thread runs, or None outside a job."""
    signal: StopSignal | None = getattr(_local, "signal", None)
    return signal


@contextlib.contextmanager
def running_under(signal: StopSignal | None) -> Iterator[None]:
    """Make ``signal`` :func:`current` in this thread for the ``with`` block."""
    before = current()
    _local.signal = signal
    try:
        yield
    finally:
        _local.signal = before

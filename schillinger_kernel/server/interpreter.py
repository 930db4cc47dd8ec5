"""How a running server shares the interpreter with its event loop (issue 18).

Every thread of the server process takes turns holding the interpreter lock (the GIL), and
the event loop, which answers ``GET /status`` and heartbeats, needs it after each select and
socket call. Three things decide how long it waits:

- the switch interval: a thread running Python code hands the lock over only every interval
  (CPython's default is 5 ms), and the loop wants it several times per request. A running
  server lowers it to :data:`GIL_SWITCH_S` (:func:`lower_switch_interval`) and puts it back
  when it stops, so a process that merely imports the server keeps its own;
- the cyclic garbage collector: a full collection scans every live object in one call that
  holds the lock; reading a big score triggers many (:func:`collector_paused`);
- what is scanned: a Jupyter server holds ~300,000 objects once started, and a full
  collection over them held the lock ~100 ms. :func:`freeze_heap` moves the objects alive
  when the server starts out of the collector's sight (``gc.freeze``) until it stops; they
  are still freed when nothing refers to them.

Each pair nests: the last ``restore``/``thaw`` undoes the first ``lower``/``freeze``.

>>> import gc, sys
>>> before = sys.getswitchinterval()
>>> lower_switch_interval(); freeze_heap()
>>> sys.getswitchinterval() <= GIL_SWITCH_S, gc.get_freeze_count() > 0
(True, True)
>>> thaw_heap(); restore_switch_interval()
>>> sys.getswitchinterval() == before
True
"""

from __future__ import annotations

import contextlib
import gc
import sys
import threading
from collections.abc import Iterator

__all__ = ["GIL_SWITCH_S", "collector_paused", "freeze_heap", "lower_switch_interval",
           "restore_switch_interval", "thaw_heap"]

#: The GIL switch interval (seconds) while a server runs. A thread that wants the GIL waits up
#: to one interval per hand-over, so with two workers parsing a 100,000-note score at the
#: default 5 ms ``GET /status`` waited tens of ms.
GIL_SWITCH_S = 0.001

_lock = threading.Lock()
_lowered = 0
_switch_before = 0.005
_frozen = 0
_paused = 0
_was_enabled = True


def lower_switch_interval() -> None:
    """Lower the process's GIL switch interval to :data:`GIL_SWITCH_S` (or keep a lower one)
    until the matching :func:`restore_switch_interval`."""
    global _lowered, _switch_before
    with _lock:
        _lowered += 1
        if _lowered == 1:
            _switch_before = sys.getswitchinterval()
            sys.setswitchinterval(min(_switch_before, GIL_SWITCH_S))


def restore_switch_interval() -> None:
    """Undo one :func:`lower_switch_interval`; the last one puts back the interval of before
    the first (no effect without one)."""
    global _lowered
    with _lock:
        if _lowered == 0:
            return
        _lowered -= 1
        if _lowered == 0:
            sys.setswitchinterval(_switch_before)


def freeze_heap() -> None:
    """Keep every object alive now out of later collections, until the matching
    :func:`thaw_heap`. Young garbage is collected first (a cheap, partial collection); cycles
    already in the oldest generation stay until the thaw."""
    global _frozen
    with _lock:
        _frozen += 1
        gc.collect(1)
        gc.freeze()


def thaw_heap() -> None:
    """Undo one :func:`freeze_heap`; the last one hands every frozen object back to the
    collector (no effect without one)."""
    global _frozen
    with _lock:
        if _frozen == 0:
            return
        _frozen -= 1
        if _frozen == 0:
            gc.unfreeze()


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while the block runs (in any thread; nested and
    concurrent blocks count). Reading a 100,000-note score makes millions of objects, and
    each full collection they trigger scans them all while holding the GIL (81-236 ms seen),
    so the event loop stalls; plain reference counting still frees what they drop.

    >>> import gc
    >>> with collector_paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    global _paused, _was_enabled
    with _lock:
        _paused += 1
        if _paused == 1:
            _was_enabled = gc.isenabled()  # a host that turned it off keeps it off
            gc.disable()
    try:
        yield
    finally:
        with _lock:
            _paused -= 1
            if _paused == 0 and _was_enabled:
                gc.enable()

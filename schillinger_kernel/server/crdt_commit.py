"""Group commit: changes that arrive together are stored in one go, off the event loop.

A client's Yjs update is acknowledged only once it is on disk. Committing each one at once
would cost one ``fsync`` per update; instead the first change schedules one commit per
changed session for the end of the event loop's turn, and every change read in that turn
(the frames of all clients that were ready) rides along. tornado hands a connection's frames
over one per turn, so while a requester says more of its frames are already read from the
socket (``more``), the commit waits a turn more, up to ``max_wait`` seconds. A lone edit is
stored at once; ten clients editing together took 102 commits for 1,000 updates, one
client's burst of 300 pipelined edits 8 (300 without ``more``).

``commit`` is a coroutine function given the waiting items and answering one outcome per
item (None when stored, else the exception): the store awaits its writer thread there, so
the loop serves other requests during the ``fsync``. One commit runs at a time; what is
requested meanwhile rides in the next, which starts as soon as the first is over. Each
waiter is told the outcome after it. When an item's commit fails, the requests for the same
key that came in while it ran are told the same failure: the store gave up on all that the
item held unstored (:meth:`.sessions.SessionStore.mark`).

>>> import asyncio
>>> stored, told = [], []
>>> async def write(items):
...     stored.append(list(items))
...     return [None] * len(items)
>>> async def main():
...     group = GroupCommit(write)
...     for n in range(3):
...         group.request("s1", "session one", lambda exc, n=n: told.append((n, exc)))
...     await group.idle()
>>> asyncio.run(main())
>>> stored, told
([['session one']], [(0, None), (1, None), (2, None)])
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

__all__ = ["Commit", "Done", "GroupCommit"]

T = TypeVar("T")
#: Told the outcome of a commit: None when stored, else what the commit raised.
Done = Callable[[Exception | None], None]
#: Stores the waiting items; answers one outcome per item, in their order.
Commit = Callable[[Sequence[T]], Awaitable[Sequence[Exception | None]]]


class GroupCommit(Generic[T]):
    """Run ``commit(items)`` once per loop turn for the items changed, one commit at a time."""

    def __init__(self, commit: Commit[T], max_wait: float = 0.002) -> None:
        self._commit = commit
        self.max_wait = max_wait
        self._waiting: dict[str, tuple[T, list[Done]]] = {}
        self._more: list[Callable[[], bool]] = []
        self._handle: asyncio.Handle | None = None
        self._flight: asyncio.Task[None] | None = None
        self._first = 0.0
        #: items stored, and changes requested (``changes / commits``: how well they group)
        self.commits = 0
        self.changes = 0

    def request(self, key: str, item: T, done: Done,
                more: Callable[[], bool] | None = None) -> None:
        """Store ``item`` (known by ``key``) soon; call ``done`` when that is over.

        ``more()``: whether the requester has more changes already received and about to be
        read (its next frames in the read buffer); while it says so, the commit waits a
        turn more, up to ``max_wait`` seconds, so a burst rides in few transactions."""
        entry = self._waiting.setdefault(key, (item, []))
        entry[1].append(done)
        if more is not None:
            self._more.append(more)
        self.changes += 1
        if self._handle is None and self._flight is None:
            self._first = time.perf_counter()
            self._handle = asyncio.get_running_loop().call_soon(self._turn)

    def _turn(self) -> None:
        loop = asyncio.get_running_loop()
        if (time.perf_counter() - self._first < self.max_wait
                and any(more() for more in self._more)):
            self._handle = loop.call_soon(self._turn)
            return
        self._handle = None
        self._flight = loop.create_task(self._flush())

    async def _flush(self) -> None:
        try:
            while self._waiting:  # what came in during a commit goes at once: it waited
                waiting, self._waiting = self._waiting, {}
                self._more = []
                keys = list(waiting)
                try:
                    outcomes = list(await self._commit([waiting[k][0] for k in keys]))
                except Exception as exc:  # every waiter is told; none is left hanging
                    outcomes = [exc] * len(keys)
                for key, outcome in zip(keys, outcomes, strict=True):
                    dones = waiting[key][1]
                    if outcome is None:
                        self.commits += 1
                    elif key in self._waiting:
                        dones += self._waiting.pop(key)[1]
                    for done in dones:
                        done(outcome)
        finally:
            self._flight = None

    async def idle(self) -> None:
        """Return once nothing waits and no commit runs (for shutdown and tests)."""
        while self._handle is not None or self._flight is not None:
            if self._flight is not None:
                await asyncio.shield(self._flight)
            else:
                await asyncio.sleep(0)

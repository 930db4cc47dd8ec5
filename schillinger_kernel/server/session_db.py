"""Durable storage of shared sessions: one embedded SQLite file in write-ahead-log mode.

Every change is one transaction committed with ``synchronous=FULL``, so when :meth:`SessionDB.
commit` returns, the change is on disk (the WAL is fsynced) and survives ``kill -9`` of the
server and a power cut alike; the caller acknowledges an operation only after that. A session
is a row of ``sessions``; its latest parameters are rows of ``params`` and its operation log
rows of ``operations``, all stored as JSON text, so a commit writes only what changed. Its
shared Y document (:mod:`.crdt`) is a numbered list of binary updates in ``ydoc``, appended
to in the same transactions and now and then replaced by one snapshot (compaction).

The connection belongs to one writer thread, as ``sqlite3`` wants, which runs the jobs handed
to it in order: a commit's ``fsync`` (tens of milliseconds on a virtual disk) never runs on
the server's event loop. :meth:`SessionDB.commit_later` hands over a batch and returns at
once, with a future the loop awaits; :meth:`SessionDB.commit` and the other methods wait for
their job (for scripts, tests and start-up).

>>> import tempfile, pathlib
>>> db = SessionDB(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite3")
>>> db.commit({"id": "a1", "name": "duet", "created": 0.0, "owner": None, "seq": 1,
...            "dropped": 0, "idle_since": None}, {"tempo": "96"}, [], [(1, '{"seq": 1}')], 0)
>>> [row["name"] for row in db.load()], db.load()[0]["operations"], db.load()[0]["ydoc"]
(['duet'], [{'seq': 1}], [])
>>> done = db.commit_later([Change({"id": "a1", "name": "trio", "created": 0.0,
...     "owner": None, "seq": 1, "dropped": 0, "idle_since": None})])
>>> done.result(), db.query("SELECT name FROM sessions")
([None], [('trio',)])
>>> db.close()
"""

from __future__ import annotations

import json
import queue
import sqlite3
import threading
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from ..errors import ParameterError

__all__ = ["SCHEMA", "SYNCHRONOUS", "Change", "SessionDB"]

R = TypeVar("R")

#: ``FULL``: fsync at every commit (survives a power cut); ``NORMAL``: the WAL is written at
#: every commit but fsynced at checkpoints (survives ``kill -9`` of the server, not a power
#: cut; about 100 times faster on a virtual disk).
SYNCHRONOUS = ("FULL", "NORMAL")


SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, created REAL NOT NULL, owner TEXT,
    seq INTEGER NOT NULL, dropped INTEGER NOT NULL, idle_since REAL);
CREATE TABLE IF NOT EXISTS params (
    session TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL,
    PRIMARY KEY (session, name)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS operations (
    session TEXT NOT NULL, seq INTEGER NOT NULL, record TEXT NOT NULL,
    PRIMARY KEY (session, seq)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS ydoc (
    session TEXT NOT NULL, n INTEGER NOT NULL, part BLOB NOT NULL, PRIMARY KEY (session, n));
"""


@dataclass(frozen=True)
class Change:
    """One session's changes, stored in one transaction (see :meth:`SessionDB.commit`)."""

    meta: Mapping[str, Any]
    params: Mapping[str, str] | None = None
    removed_params: Sequence[str] = ()
    operations: Sequence[tuple[int, str]] = ()
    keep_from: int = 0
    y_rows: Sequence[tuple[int, bytes]] = ()
    y_keep_from: int = 0


# a job: what to run with the connection, and the future told its outcome; None stops
_Job = tuple[Callable[[sqlite3.Connection], Any], "Future[Any]"] | None


def _serve(path: Path, synchronous: str, jobs: queue.SimpleQueue[_Job],
           opened: Future[None]) -> None:
    """The writer thread: open the file, then run the jobs in order until told to stop.

    It holds no reference to its :class:`SessionDB`, so a store dropped without
    :meth:`SessionDB.close` is collected, and its finalizer stops the thread."""
    try:
        # autocommit off at the driver level: each commit below is one explicit transaction
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(f"PRAGMA synchronous={synchronous}")
        conn.executescript(SCHEMA)
    except BaseException as exc:
        opened.set_exception(exc)
        return
    opened.set_result(None)
    try:
        while (job := jobs.get()) is not None:
            work, told = job
            if told.set_running_or_notify_cancel():
                try:
                    told.set_result(work(conn))
                except BaseException as exc:  # the waiter gets it, the thread goes on
                    told.set_exception(exc)
    finally:
        conn.close()


class SessionDB:
    """The SQLite file at ``path`` (created with its folder when missing); ``synchronous``:
    one of :data:`SYNCHRONOUS`. Its connection lives in a writer thread of its own."""

    def __init__(self, path: str | Path, synchronous: str = "FULL") -> None:
        if synchronous not in SYNCHRONOUS:
            raise ParameterError(f"synchronous must be one of {', '.join(SYNCHRONOUS)}, got "
                                 f"{synchronous!r}", field="synchronous")
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.synchronous = synchronous
        self.commits = 0
        self._jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        opened: Future[None] = Future()
        self._thread = threading.Thread(target=_serve, name="schillinger-session-db",
                                        args=(self.path, synchronous, self._jobs, opened),
                                        daemon=True)
        self._thread.start()
        self._closed = False
        weakref.finalize(self, self._jobs.put, None)
        opened.result()

    def later(self, work: Callable[[sqlite3.Connection], R]) -> Future[R]:
        """Run ``work(connection)`` in the writer thread after every job handed over before;
        return at once with the future of its result. After :meth:`close`, a
        ``sqlite3.ProgrammingError``, as the closed connection itself would raise."""
        if self._closed:
            raise sqlite3.ProgrammingError("Cannot operate on a closed database.")
        told: Future[R] = Future()
        self._jobs.put((work, told))
        return told

    def close(self) -> None:
        """Finish every job handed over, then close the connection (later calls fail)."""
        if not self._closed:
            self._closed = True
            self._jobs.put(None)
            if threading.current_thread() is not self._thread:
                self._thread.join()

    def commit(self, meta: Mapping[str, Any], params: Mapping[str, str],
               removed_params: Iterable[str], operations: Iterable[tuple[int, str]],
               keep_from: int, y_rows: Iterable[tuple[int, bytes]] = (),
               y_keep_from: int = 0) -> None:
        """Store one session's changes in one durable transaction; return once on disk.

        ``meta``: the ``sessions`` row; ``params``: changed parameters as JSON text;
        ``removed_params``: names to delete; ``operations``: new ``(seq, JSON record)``;
        log rows with ``seq < keep_from`` are deleted (the bounded log); ``y_rows``: new
        ``(n, update)`` of the Y document, whose rows with ``n < y_keep_from`` are deleted
        (a snapshot among ``y_rows`` replaced them).
        """
        change = Change(meta, params, tuple(removed_params), tuple(operations), keep_from,
                        tuple(y_rows), y_keep_from)
        self.later(lambda conn: self._store(conn, change)).result()

    def commit_later(self, changes: Sequence[Change]) -> Future[list[Exception | None]]:
        """Store each change in its own durable transaction, in the writer thread; the
        future's result says, per change, None (on disk) or what the store raised."""

        def run(conn: sqlite3.Connection) -> list[Exception | None]:
            out: list[Exception | None] = []
            for change in changes:
                try:
                    self._store(conn, change)
                    out.append(None)
                except Exception as exc:  # this session's change only; the others go on
                    out.append(exc)
            return out

        return self.later(run)

    def _store(self, c: sqlite3.Connection, change: Change) -> None:
        meta = change.meta
        c.execute("BEGIN IMMEDIATE")
        try:
            c.execute(
                "INSERT INTO sessions (id, name, created, owner, seq, dropped, idle_since) "
                "VALUES (:id, :name, :created, :owner, :seq, :dropped, :idle_since) "
                "ON CONFLICT(id) DO UPDATE SET name=excluded.name, owner=excluded.owner, "
                "seq=excluded.seq, dropped=excluded.dropped, idle_since=excluded.idle_since",
                {**meta, "owner": None if meta["owner"] is None else json.dumps(meta["owner"])})
            sid = meta["id"]
            c.executemany("INSERT OR REPLACE INTO params (session, name, value) VALUES (?, ?, ?)",
                          [(sid, k, v) for k, v in (change.params or {}).items()])
            c.executemany("DELETE FROM params WHERE session = ? AND name = ?",
                          [(sid, k) for k in change.removed_params])
            c.executemany("INSERT OR REPLACE INTO operations (session, seq, record) "
                          "VALUES (?, ?, ?)", [(sid, s, r) for s, r in change.operations])
            if change.keep_from > 0:
                c.execute("DELETE FROM operations WHERE session = ? AND seq < ?",
                          (sid, change.keep_from))
            c.executemany("INSERT OR REPLACE INTO ydoc (session, n, part) VALUES (?, ?, ?)",
                          [(sid, n, part) for n, part in change.y_rows])
            if change.y_keep_from > 0:
                c.execute("DELETE FROM ydoc WHERE session = ? AND n < ?",
                          (sid, change.y_keep_from))
            c.execute("COMMIT")
        except BaseException:
            c.execute("ROLLBACK")
            raise
        self.commits += 1  # only the writer thread counts

    def delete_later(self, session_id: str) -> Future[None]:
        """Remove a session with its parameters and log, durably, in the writer thread."""

        def run(c: sqlite3.Connection) -> None:
            c.execute("BEGIN IMMEDIATE")
            try:
                for table, col in (("sessions", "id"), ("params", "session"),
                                   ("operations", "session"), ("ydoc", "session")):
                    c.execute(f"DELETE FROM {table} WHERE {col} = ?", (session_id,))
                c.execute("COMMIT")
            except BaseException:
                c.execute("ROLLBACK")
                raise

        return self.later(run)

    def delete(self, session_id: str) -> None:
        """Remove a session with its parameters and log, durably; return once on disk."""
        self.delete_later(session_id).result()

    def query(self, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """The rows of one read-only statement (for inspection and tests).

        >>> import tempfile, pathlib
        >>> db = SessionDB(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite3", "NORMAL")
        >>> db.query("PRAGMA synchronous"), db.query("PRAGMA journal_mode")
        ([(1,)], [('wal',)])
        >>> db.close()
        """
        return self.later(lambda c: c.execute(sql, tuple(args)).fetchall()).result()

    def load(self) -> list[dict[str, Any]]:
        """Every stored session as a dict: the ``sessions`` columns, ``owner`` decoded,
        ``params`` (name -> value), ``operations`` (records, by sequence number) and
        ``ydoc`` (the Y document's stored ``(n, update)`` rows, oldest first)."""
        return self.later(_load).result()


def _load(c: sqlite3.Connection) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    rows = c.execute("SELECT id, name, created, owner, seq, dropped, idle_since "
                     "FROM sessions ORDER BY created").fetchall()
    for sid, name, created, owner, seq, dropped, idle_since in rows:
        params = {k: json.loads(v) for k, v in c.execute(
            "SELECT name, value FROM params WHERE session = ?", (sid,))}
        ops = [json.loads(r) for (r,) in c.execute(
            "SELECT record FROM operations WHERE session = ? ORDER BY seq", (sid,))]
        ydoc = [(n, bytes(part)) for n, part in c.execute(
            "SELECT n, part FROM ydoc WHERE session = ? ORDER BY n", (sid,))]
        out.append({"id": sid, "name": name, "created": created,
                    "owner": None if owner is None else json.loads(owner), "seq": seq,
                    "dropped": dropped, "idle_since": idle_since, "params": params,
                    "operations": ops, "ydoc": ydoc})
    return out

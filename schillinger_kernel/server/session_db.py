"""Durable storage of shared sessions: one embedded SQLite file in write-ahead-log mode.

Every change is one transaction committed with ``synchronous=FULL``, so when :meth:`SessionDB.
commit` returns, the change is on disk (the WAL is fsynced) and survives ``kill -9`` of the
server and a power cut alike; the caller acknowledges an operation only after that. A session
is a row of ``sessions``; its latest parameters are rows of ``params`` and its operation log
rows of ``operations``, all stored as JSON text, so a commit writes only what changed. Its
shared Y document (:mod:`.crdt`) is a numbered list of binary updates in ``ydoc``, appended
to in the same transactions and now and then replaced by one snapshot (compaction).

The connection belongs to one thread (the server's event loop), as ``sqlite3`` wants.

>>> import tempfile, pathlib
>>> db = SessionDB(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite3")
>>> db.commit({"id": "a1", "name": "duet", "created": 0.0, "owner": None, "seq": 1,
...            "dropped": 0, "idle_since": None}, {"tempo": "96"}, [], [(1, '{"seq": 1}')], 0)
>>> [row["name"] for row in db.load()], db.load()[0]["operations"], db.load()[0]["ydoc"]
(['duet'], [{'seq': 1}], [])
>>> db.close()
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..errors import ParameterError

__all__ = ["SCHEMA", "SYNCHRONOUS", "SessionDB"]

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


class SessionDB:
    """The SQLite file at ``path`` (created with its folder when missing); ``synchronous``:
    one of :data:`SYNCHRONOUS`."""

    def __init__(self, path: str | Path, synchronous: str = "FULL") -> None:
        if synchronous not in SYNCHRONOUS:
            raise ParameterError(f"synchronous must be one of {', '.join(SYNCHRONOUS)}, got "
                                 f"{synchronous!r}", field="synchronous")
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # autocommit off at the driver level: each commit() below is one explicit transaction
        self._conn = sqlite3.connect(self.path, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute(f"PRAGMA synchronous={synchronous}")
        self.synchronous = synchronous
        self._conn.executescript(SCHEMA)
        self.commits = 0

    def close(self) -> None:
        """Close the connection (later calls fail)."""
        self._conn.close()

    def commit(self, meta: Mapping[str, Any], params: Mapping[str, str],
               removed_params: Iterable[str], operations: Iterable[tuple[int, str]],
               keep_from: int, y_rows: Iterable[tuple[int, bytes]] = (),
               y_keep_from: int = 0) -> None:
        """Store one session's changes in one durable transaction.

        ``meta``: the ``sessions`` row; ``params``: changed parameters as JSON text;
        ``removed_params``: names to delete; ``operations``: new ``(seq, JSON record)``;
        log rows with ``seq < keep_from`` are deleted (the bounded log); ``y_rows``: new
        ``(n, update)`` of the Y document, whose rows with ``n < y_keep_from`` are deleted
        (a snapshot among ``y_rows`` replaced them).
        """
        c = self._conn
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
                          [(sid, k, v) for k, v in params.items()])
            c.executemany("DELETE FROM params WHERE session = ? AND name = ?",
                          [(sid, k) for k in removed_params])
            c.executemany("INSERT OR REPLACE INTO operations (session, seq, record) "
                          "VALUES (?, ?, ?)", [(sid, s, r) for s, r in operations])
            if keep_from > 0:
                c.execute("DELETE FROM operations WHERE session = ? AND seq < ?",
                          (sid, keep_from))
            c.executemany("INSERT OR REPLACE INTO ydoc (session, n, part) VALUES (?, ?, ?)",
                          [(sid, n, part) for n, part in y_rows])
            if y_keep_from > 0:
                c.execute("DELETE FROM ydoc WHERE session = ? AND n < ?", (sid, y_keep_from))
            c.execute("COMMIT")
        except BaseException:
            c.execute("ROLLBACK")
            raise
        self.commits += 1

    def delete(self, session_id: str) -> None:
        """Remove a session with its parameters and log, durably."""
        c = self._conn
        c.execute("BEGIN IMMEDIATE")
        try:
            for table, col in (("sessions", "id"), ("params", "session"),
                               ("operations", "session"), ("ydoc", "session")):
                c.execute(f"DELETE FROM {table} WHERE {col} = ?", (session_id,))
            c.execute("COMMIT")
        except BaseException:
            c.execute("ROLLBACK")
            raise

    def load(self) -> list[dict[str, Any]]:
        """Every stored session as a dict: the ``sessions`` columns, ``owner`` decoded,
        ``params`` (name -> value), ``operations`` (records, by sequence number) and
        ``ydoc`` (the Y document's stored ``(n, update)`` rows, oldest first)."""
        c = self._conn
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

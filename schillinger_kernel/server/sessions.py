"""Shared sessions: members, shared parameters and an ordered operation log.

A session is a room several browsers (or scripts) join to work on one composition. The server
orders every ``operation`` (a sequence number per session) and keeps the log, so a late joiner
replays the history; ``param_change`` values are kept as the latest value per name. Sessions are
stored in an embedded SQLite file in ``sessions_dir`` (:mod:`.session_db`), each change durably
before the call that makes it returns, so the ``seq`` an operation is echoed with means "stored".
The server's event loop uses the ``async`` methods (:meth:`SessionStore.write`,
:meth:`SessionStore.acreate`...): the store's writer thread does the ``fsync`` while the loop
serves other requests; the plain methods wait for the disk (scripts, tests, start-up).
The shared state (parameters, the score being built, the operation history) is also a Y
document (:class:`.crdt.SessionDoc`, ``Session.doc``) that clients edit concurrently; the
server's own changes are written into it, and its updates are stored in the same transactions.
The log is bounded in count (``max_operations``) and in bytes (``max_log_bytes``): past either
the oldest records are dropped (``dropped`` counts them); one record over the byte budget alone
is refused (413).
The identity that creates a session owns it: only the owner renames or deletes it. Sessions
nobody is in expire (:meth:`SessionStore.expire`). A member is an ``"editor"`` or a
``"watcher"`` (a user who may only read: it sees the session live, and cannot create one).

Who a member is comes from the server's identity provider (:class:`Identity`, made from the
authenticated ``jupyter_server.auth.User``), never from the client: members and operations
carry that identity's ``username``, ``display_name`` and ``color``.

>>> store = SessionStore()
>>> ann = Identity("ann", "Ann", "#1f77b4")
>>> s = store.join("duet", "c1", ann)
>>> s.add_operation("c1", {"kind": "set_tempo", "bpm": 90}, ann)["user"]["username"]
'ann'
>>> store.join("duet", "c2", Identity("ben", "Ben")).members["c1"].name
'Ann'
"""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import Forbidden, NotFound, ParameterError, PeerUnavailable, TooLarge
from .awareness import EDITOR, ROLES
from .crdt import MAX_DOC_BYTES, SessionDoc
from .crdt_commit import GroupCommit
from .identity import MAX_NAME, Identity
from .session_db import SessionDB
from .session_state import MAX_LOG_BYTES, Member, Session, Unstored, check_name

__all__ = [
    "DB_NAME",
    "EMPTY_TTL",
    "IDLE_TTL",
    "MAX_LOG_BYTES",
    "MAX_NAME",
    "Identity",
    "Member",
    "Session",
    "SessionStore",
    "check_name",
]

DB_NAME = "sessions.sqlite3"
#: Seconds a session nobody is in lives when nothing was ever done in it (a typo, a test)...
EMPTY_TTL = 120.0
#: ...and when it holds work: a week, so a team can come back to it the next days.
IDLE_TTL = 7 * 86400.0
_SAFE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
#: What the store's file can raise: the disk is full, gone or read-only.
_DISK_ERRORS = (OSError, sqlite3.Error)

class SessionStore:
    """All sessions of one server; with a ``directory``, stored durably in
    ``directory/sessions.sqlite3`` (:class:`.session_db.SessionDB`; ``synchronous`` says
    whether a commit waits for the disk, see :data:`.session_db.SYNCHRONOUS`).

    Every change goes to disk before the method that makes it returns (:meth:`create`,
    :meth:`join`, :meth:`leave`, :meth:`rename`, :meth:`delete`, and :meth:`mark` after an
    operation or a parameter change), so an answer sent after it is an acknowledgement of
    something stored. On the event loop their ``async`` twins (:meth:`acreate`,
    :meth:`ajoin`, :meth:`arename`, :meth:`adelete`, :meth:`write`) await the same, while
    the store's writer thread waits for the disk; everything the loop stores goes through
    :attr:`group` (a group commit, :mod:`.crdt_commit`), clients' Yjs updates included, so
    commits never overlap and changes made together share one. Each session's log holds at most
    ``max_operations`` records and ``max_log_bytes`` bytes, its Y document at most
    ``max_doc_bytes`` stored bytes. Sessions nobody is in expire: after ``empty_ttl``
    seconds when nothing was ever done in them, after ``idle_ttl`` seconds otherwise
    (:meth:`expire`).
    """

    def __init__(self, directory: str | Path | None = None, max_sessions: int = 1000,
                 max_operations: int = 10_000, empty_ttl: float = EMPTY_TTL,
                 idle_ttl: float = IDLE_TTL, synchronous: str = "FULL",
                 max_log_bytes: int = MAX_LOG_BYTES,
                 max_doc_bytes: int = MAX_DOC_BYTES) -> None:
        self.directory = Path(directory) if directory else None
        self.max_sessions = max_sessions
        self.max_operations = max_operations
        self.max_log_bytes = max_log_bytes
        self.max_doc_bytes = max_doc_bytes
        #: stores clients' updates of the Y documents, many per transaction
        self.group: GroupCommit[Session] = GroupCommit(self._commit_group)
        self.empty_ttl = empty_ttl
        self.idle_ttl = idle_ttl
        self.synchronous = synchronous
        self._sessions: dict[str, Session] = {}
        self._db: SessionDB | None = None

    def __len__(self) -> int:
        return len(self._sessions)

    @property
    def db(self) -> SessionDB | None:
        """The open store (opened on first use), or None without a directory."""
        if self._db is None and self.directory is not None:
            self._db = SessionDB(self.directory / DB_NAME, self.synchronous)
        return self._db

    def close(self) -> None:
        """Close the store's file once its writer thread has stored what it was given."""
        if self._db is not None:
            self._db.close()
            self._db = None

    def list(self) -> list[dict[str, Any]]:
        """Summaries of all sessions, oldest first."""
        return [s.summary() for s in sorted(self._sessions.values(), key=lambda s: s.created)]

    def get(self, key: str) -> Session | None:
        """The session with id or name ``key``, or None."""
        if key in self._sessions:
            return self._sessions[key]
        return next((s for s in self._sessions.values() if s.name == key), None)

    def create(self, name: str, owner: Identity | None = None) -> Session:
        """A new session named ``name`` owned by ``owner`` (names need not be unique; ids
        are); stored before it is returned."""
        session = self._new(name, owner, wait=True)
        try:
            self.mark(session)
        except Exception:
            del self._sessions[session.id]
            raise
        return session

    async def acreate(self, name: str, owner: Identity | None = None) -> Session:
        """:meth:`create` for the event loop: the loop serves others while it is stored."""
        session = self._new(name, owner, wait=False)
        try:
            await self.write(session)
        except Exception:
            self._sessions.pop(session.id, None)
            raise
        return session

    def _new(self, name: str, owner: Identity | None, wait: bool) -> Session:
        name = check_name(name, "session")
        if len(self._sessions) >= self.max_sessions:
            self.expire(wait=wait)
            if len(self._sessions) >= self.max_sessions:
                raise TooLarge(f"session: the server already holds {self.max_sessions} "
                               "sessions; delete some first", field="session")
        sid = uuid.uuid4().hex[:12]
        session = Session(sid, name, max_operations=self.max_operations, owner=owner,
                          idle_since=time.time(), max_log_bytes=self.max_log_bytes,
                          doc=SessionDoc(max_bytes=self.max_doc_bytes))
        self._sessions[sid] = session
        return session

    def _owned(self, key: str, by: Identity | None, verb: str) -> Session:
        # the holder of the server's own token owns the server, and so every session on it
        s = self.get(key)
        if s is None:
            raise NotFound(f"no session {key!r}", field="session")
        if by is not None and s.owner is not None and not by.shares_the_token and (
                by.username != s.owner.username):
            raise Forbidden(f"only the owner of session {s.name!r}, {s.owner.display_name} "
                            f"({s.owner.username}), may {verb} it", field="session")
        return s

    def rename(self, key: str, name: str, by: Identity | None = None) -> Session:
        """Rename the session ``key``; ``by``: who asks (refused unless the owner)."""
        s = self._owned(key, by, "rename")
        old, s.name = s.name, check_name(name, "name")
        try:
            self.mark(s)
        except Exception:
            s.name = old
            raise
        return s

    async def arename(self, key: str, name: str, by: Identity | None = None) -> Session:
        """:meth:`rename` for the event loop."""
        s = self._owned(key, by, "rename")
        old, s.name = s.name, check_name(name, "name")
        try:
            await self.write(s)
        except Exception:
            s.name = old
            raise
        return s

    def delete(self, key: str, by: Identity | None = None) -> bool:
        """Remove a session and what is stored of it; False when there is none.

        ``by``: who asks; anyone but the owner is refused with :class:`Forbidden`."""
        if self.get(key) is None:
            return False
        s = self._owned(key, by, "delete")
        if self.db is not None:
            self.db.delete(s.id)
        del self._sessions[s.id]
        return True

    async def adelete(self, key: str, by: Identity | None = None) -> bool:
        """:meth:`delete` for the event loop."""
        if self.get(key) is None:
            return False
        s = self._owned(key, by, "delete")
        # gone from memory first, so that no commit waiting for it writes it back
        del self._sessions[s.id]
        db = self.db
        if db is not None:
            try:
                await asyncio.wrap_future(db.delete_later(s.id))
            except _DISK_ERRORS as exc:
                self._sessions[s.id] = s
                raise PeerUnavailable(f"cannot delete session {s.name!r}: {exc}") from exc
        return True

    def join(self, key: str, client_id: str, user: Identity, role: str = EDITOR) -> Session:
        """Add a member to the session ``key`` (created, owned by ``user``, when missing);
        return the session.

        ``user`` is the server-side identity of the client (see :class:`Identity`), ``role``
        ``"editor"`` or ``"watcher"``; a watcher cannot create a session
        (:class:`Forbidden`)."""
        session = self._joinable(key, user, role) or self.create(key, owner=user)
        session.members[client_id] = Member(client_id, user, role=role)
        if session.idle_since is not None:
            session.idle_since = None
            self.mark(session)
        return session

    def _joinable(self, key: str, user: Identity, role: str) -> Session | None:
        if not isinstance(user, Identity):
            raise TypeError(f"user must be an Identity, got {type(user).__name__}")
        if role not in ROLES:
            raise ParameterError(f"role must be one of {ROLES}, got {role!r}", field="role")
        session = self.get(check_name(key, "session"))
        if session is None and role != EDITOR:
            raise Forbidden(f"not authorized to write schillinger (there is no session {key!r}"
                            ", and creating one needs write; a watcher joins sessions that "
                            "exist)", field="session")
        return session

    async def ajoin(self, key: str, client_id: str, user: Identity, role: str = EDITOR
                    ) -> Session:
        """:meth:`join` for the event loop."""
        session = self._joinable(key, user, role) or await self.acreate(key, owner=user)
        if session.idle_since is not None:
            session.idle_since = None
            await self.write(session)
        # added after the awaits, in the same loop step as the caller's announcement, so the
        # member counts that others hear rise in the order the joins finish
        session.members[client_id] = Member(client_id, user, role=role)
        return session

    def leave(self, key: str, client_id: str) -> Session | None:
        """Remove a member; return the session (None when unknown)."""
        session = self.get(key)
        if session is not None:
            session.members.pop(client_id, None)
            if not session.members and session.idle_since is None:
                session.idle_since = time.time()
                self.mark(session)
        return session

    def leave_soon(self, key: str, client_id: str) -> Session | None:
        """:meth:`leave` for the event loop (a closing connection cannot wait): the time the
        session fell idle is stored by the next group commit."""
        session = self.get(key)
        if session is not None:
            session.members.pop(client_id, None)
            if not session.members and session.idle_since is None:
                session.idle_since = time.time()
                if self.db is not None:  # a refusal: the next commit that succeeds stores it
                    self.group.request(session.id, session, lambda _exc: None)
        return session

    def expire(self, now: float | None = None, wait: bool = True) -> tuple[str, ...]:
        """Delete the sessions nobody has been in for too long; return their ids.

        ``wait=False`` (the event loop): gone from memory now, from the disk once the writer
        thread gets to it (a failed delete leaves it to come back at the next start)."""
        now = time.time() if now is None else now
        gone = tuple(s.id for s in self._sessions.values()
                     if not s.members and s.idle_since is not None
                     and now - s.idle_since > (self.idle_ttl if s.has_content()
                                               else self.empty_ttl))
        for sid in gone:
            if wait or self.db is None:
                self.delete(sid)
            else:
                del self._sessions[sid]
                self.db.delete_later(sid)
        return gone

    def mark(self, session: Session) -> None:
        """Store what changed in ``session`` (new operations, parameters, name, idle time)
        durably, now; an acknowledgement may be sent when this returns. It waits for the
        disk: on the event loop use :meth:`write`.

        When the store cannot write, the unstored changes are undone in memory too (so the
        server never shows what it could not keep) and :class:`PeerUnavailable` is raised.
        """
        db = self.db
        if db is None:
            return
        todo = session.unstored()
        try:
            outcome = db.commit_later([todo.change]).result()[0]
        except _DISK_ERRORS as exc:
            outcome = exc
        self._told(todo, outcome, db)

    async def write(self, session: Session) -> None:
        """:meth:`mark` for the event loop: stored by the group commit in the writer thread,
        with whatever else changed meanwhile; returns once on disk (or raises the same)."""
        if self.db is None:
            return
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def tell(exc: Exception | None) -> None:
            if done.done():  # the writer was cancelled (its client hung up)
                return
            if exc is None:
                done.set_result(None)
            else:
                done.set_exception(exc)

        self.group.request(session.id, session, tell)
        await done

    async def _commit_group(self, sessions: Sequence[Session]) -> Sequence[Exception | None]:
        """The group commit's work: take each session's changes here on the loop, store them
        in the writer thread, then note the outcome here again."""
        db = self.db
        outcomes: list[Exception | None] = [None] * len(sessions)
        todo: list[tuple[int, Unstored]] = []
        for i, s in enumerate(sessions):
            # a session deleted while its commit waited must not be written back
            if db is None or self._sessions.get(s.id) is not s:
                continue
            try:
                todo.append((i, s.unstored()))
            except ParameterError as exc:
                outcomes[i] = exc
        if not todo or db is None:
            return outcomes
        try:
            results = await asyncio.wrap_future(db.commit_later([t.change for _, t in todo]))
        except _DISK_ERRORS as exc:
            results = [exc] * len(todo)
        for (i, t), result in zip(todo, results, strict=True):
            try:
                self._told(t, result, db)
            except Exception as exc:
                outcomes[i] = exc
        return outcomes

    @staticmethod
    def _told(todo: Unstored, outcome: Exception | None, db: SessionDB) -> None:
        if outcome is None:
            todo.stored()
            return
        if not isinstance(outcome, _DISK_ERRORS):
            raise outcome
        todo.refused()
        raise PeerUnavailable(f"cannot store session {todo.session.name!r} in {db.path}: "
                              f"{outcome}; the change was not kept") from outcome

    # ----- start-up and upkeep ----------------------------------------------------------------
    def save(self) -> int:
        """Periodic upkeep (the server calls it every few seconds): expire idle sessions;
        return how many expired. Nothing waits here to be written: every change was stored
        when it was made."""
        return len(self.expire(wait=False))

    def load(self) -> int:
        """Read the stored sessions; return how many were loaded.

        Sessions saved as JSON files by earlier versions are moved into the store (each file
        is removed once its session is stored; unreadable files are left alone). Loaded
        sessions never hold members: nobody is connected after a restart.
        """
        db = self.db
        if db is None:
            return 0
        n = 0
        for d in db.load():
            try:
                s = self._restore(d)
            except (ValueError, KeyError, TypeError):
                continue
            s.stored_seq = s.seq
            s.stored_params = {k: json.dumps(v) for k, v in s.params.items()}
            self._sessions[s.id] = s
            if not d["ydoc"] and s.has_content():  # stored before sessions had documents
                s.doc.seed(s.params, s.operations)
                self.mark(s)
            n += 1
        return n + self._import_json()

    def _restore(self, d: dict[str, Any]) -> Session:
        owner = d.get("owner")
        idle = d.get("idle_since")
        rows = d.get("ydoc", [])
        return Session(str(d["id"]), check_name(d["name"], "session"),
                       doc=SessionDoc((u for _n, u in rows), max_bytes=self.max_doc_bytes),
                       y_next=rows[-1][0] + 1 if rows else 0,
                       max_log_bytes=self.max_log_bytes,
                       created=float(d["created"]), params=dict(d["params"]),
                       operations=list(d["operations"]), seq=int(d["seq"]),
                       dropped=int(d.get("dropped", 0)), max_operations=self.max_operations,
                       owner=None if not owner else Identity(**owner),
                       idle_since=time.time() if idle is None else float(idle))

    def _import_json(self) -> int:
        assert self.directory is not None
        n = 0
        for f in sorted(self.directory.glob("*.json")):
            if not _SAFE_ID.match(f.stem) or f.stem in self._sessions:
                continue
            try:
                s = self._restore({**json.loads(f.read_text()), "idle_since": None})
            except (OSError, ValueError, KeyError, TypeError):
                continue
            s.doc.seed(s.params, s.operations)
            self._sessions[s.id] = s
            self.mark(s)
            f.unlink(missing_ok=True)
            n += 1
        return n

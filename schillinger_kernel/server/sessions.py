"""Shared sessions: members, shared parameters and an ordered operation log.

A session is a room several browsers (or scripts) join to work on one composition. The server
orders every ``operation`` (a sequence number per session) and keeps the log, so a late joiner
replays the history; ``param_change`` values are kept as the latest value per name. Sessions are
stored in an embedded SQLite file in ``sessions_dir`` (:mod:`.session_db`), each change durably
before the call that makes it returns, so the ``seq`` an operation is echoed with means "stored".
The shared state (parameters, the score being built, the operation history) is also a Y
document (:class:`.crdt.SessionDoc`, ``Session.doc``) that clients edit concurrently; the
server's own changes are written into it, and its updates are stored in the same transactions.
The log is bounded in count (``max_operations``) and in bytes (``max_log_bytes``): past either
the oldest records are dropped (``dropped`` counts them); one record over the byte budget alone
is refused (413).
The identity that creates a session owns it: only the owner renames or deletes it. Sessions
nobody is in expire (:meth:`SessionStore.expire`).

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

import json
import re
import sqlite3
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import (
    Forbidden,
    NotFound,
    ParameterError,
    ParameterTypeError,
    PeerUnavailable,
    TooLarge,
)
from .crdt import MAX_DOC_BYTES, SessionDoc
from .crdt_commit import GroupCommit
from .identity import MAX_NAME, Identity
from .session_db import SessionDB

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


#: Bytes (as JSON) a session's operation log may hold; older records are dropped past it.
MAX_LOG_BYTES = 8 * 1024 * 1024
DB_NAME = "sessions.sqlite3"
#: Seconds a session nobody is in lives when nothing was ever done in it (a typo, a test)...
EMPTY_TTL = 120.0
#: ...and when it holds work: a week, so a team can come back to it the next days.
IDLE_TTL = 7 * 86400.0
_SAFE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def check_name(value: object, field_name: str = "name") -> str:
    """A stripped, non-empty display name of at most 100 characters."""
    if not isinstance(value, str):
        raise ParameterTypeError(f"{field_name} must be a non-empty string", field=field_name)
    if not value.strip():
        raise ParameterError(f"{field_name} must be a non-empty string", field=field_name)
    if len(value) > MAX_NAME:
        raise ParameterError(f"{field_name} must be at most {MAX_NAME} characters",
                             field=field_name)
    return value.strip()


@dataclass
class Member:
    """One connected client in a session, with the server-side identity of its user."""

    client_id: str
    user: Identity
    joined: float = field(default_factory=time.time)
    state: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The display name (from the identity provider)."""
        return self.user.display_name

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON (``name`` is the display name)."""
        return {"client": self.client_id, "name": self.name, **self.user.to_dict(),
                "joined": self.joined, "state": self.state}


@dataclass
class Session:
    """A shared session: id, name, owner, members, latest parameters and the operation log.

    ``owner`` is the identity that created it (only the owner may rename or delete it);
    ``idle_since`` the time the last member left (None while someone is in it).
    """

    id: str
    name: str
    created: float = field(default_factory=time.time)
    members: dict[str, Member] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    operations: list[dict[str, Any]] = field(default_factory=list)
    seq: int = 0
    max_operations: int = 10_000
    max_log_bytes: int = MAX_LOG_BYTES
    dropped: int = 0
    owner: Identity | None = None
    idle_since: float | None = None
    # what the store holds on disk: the last stored seq and each parameter's JSON text
    stored_seq: int = field(default=0, repr=False)
    stored_params: dict[str, str] = field(default_factory=dict, repr=False)
    #: the shared Y document, and the number its next stored update row gets
    doc: SessionDoc = field(default_factory=SessionDoc, repr=False)
    y_next: int = field(default=0, repr=False)
    log_bytes: int = field(default=0, repr=False)
    _sizes: list[int] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        if not self._sizes and self.operations:
            self._sizes = [len(json.dumps(r)) for r in self.operations]
            self.log_bytes = sum(self._sizes)

    def add_operation(self, client_id: str, op: Any, user: Identity | None = None
                      ) -> dict[str, Any]:
        """Append ``op`` with the next sequence number (to the log and the document's
        ``history``); return the stored record (``from``: the client id, ``user``: the
        identity of whoever sent it).

        Past ``max_operations`` records or ``max_log_bytes`` bytes the oldest are dropped;
        a record larger than ``max_log_bytes`` by itself is refused (:class:`TooLarge`)."""
        record = {"seq": self.seq + 1, "from": client_id,
                  "user": None if user is None else user.to_dict(), "time": time.time(),
                  "op": op}
        size = len(json.dumps(record))
        if size > self.max_log_bytes:
            raise TooLarge(f"op: one operation of {size} bytes is more than the session's "
                           f"whole log may hold ({self.max_log_bytes} bytes); send smaller "
                           "operations", field="op")
        self.seq += 1
        self.operations.append(record)
        self._sizes.append(size)
        self.log_bytes += size
        self.doc.append_history(record)
        cut = max(0, len(self.operations) - self.max_operations)
        while self.log_bytes - sum(self._sizes[:cut]) > self.max_log_bytes:
            cut += 1
        if cut:
            self.log_bytes -= sum(self._sizes[:cut])
            del self.operations[:cut], self._sizes[:cut]
            self.dropped += cut
            self.doc.drop_history(cut)
        return record

    def sync_params(self) -> None:
        """Take the document's parameters after a client edited them there."""
        values = self.doc.param_values()
        for k in [k for k in self.params if k not in values]:
            del self.params[k]
        for k, v in values.items():
            if k not in self.params or self.params[k] != v:
                self.params[k] = v

    def people(self) -> list[dict[str, Any]]:
        """Who is in the session: one entry per user (a user may have several tabs open),
        with ``username``, ``display_name``, ``color`` and ``initials``."""
        seen: dict[str, dict[str, Any]] = {}
        for m in self.members.values():
            seen.setdefault(m.user.username, m.user.to_dict())
        return list(seen.values())

    def summary(self) -> dict[str, Any]:
        """Id, name, owner, member count and names, log length, idle time (the list view)."""
        return {"id": self.id, "name": self.name, "created": self.created,
                "owner": None if self.owner is None else self.owner.to_dict(),
                "members": len(self.members), "people": self.people(),
                "operations": self.seq, "idle_since": self.idle_since}

    def to_dict(self, history: bool = True) -> dict[str, Any]:
        """Everything a late joiner needs; ``history=False`` leaves the log out."""
        out = {**self.summary(), "members": [m.to_dict() for m in self.members.values()],
               "params": self.params, "dropped": self.dropped,
               "score": self.doc.score_values(), "log_bytes": self.log_bytes,
               "document_bytes": self.doc.size}
        if history:
            out["operations"] = self.operations
        return out

    def has_content(self) -> bool:
        """Whether anything was done in it (an operation or a parameter)."""
        return self.seq > 0 or bool(self.params)


class SessionStore:
    """All sessions of one server; with a ``directory``, stored durably in
    ``directory/sessions.sqlite3`` (:class:`.session_db.SessionDB`; ``synchronous`` says
    whether a commit waits for the disk, see :data:`.session_db.SYNCHRONOUS`).

    Every change goes to disk before the method that makes it returns (:meth:`create`,
    :meth:`join`, :meth:`leave`, :meth:`rename`, :meth:`delete`, and :meth:`mark` after an
    operation or a parameter change), so an answer sent after it is an acknowledgement of
    something stored. Clients' Yjs updates are stored by :attr:`group` (a group commit,
    :mod:`.crdt_commit`), which acknowledges them after. Each session's log holds at most
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
        self.group: GroupCommit[Session] = GroupCommit(self._mark_if_kept)
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
        """Close the store's file (everything is already on disk)."""
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
        name = check_name(name, "session")
        if len(self._sessions) >= self.max_sessions:
            self.expire()
            if len(self._sessions) >= self.max_sessions:
                raise TooLarge(f"session: the server already holds {self.max_sessions} "
                               "sessions; delete some first", field="session")
        sid = uuid.uuid4().hex[:12]
        session = Session(sid, name, max_operations=self.max_operations, owner=owner,
                          idle_since=time.time(), max_log_bytes=self.max_log_bytes,
                          doc=SessionDoc(max_bytes=self.max_doc_bytes))
        self._sessions[sid] = session
        try:
            self.mark(session)
        except Exception:
            del self._sessions[sid]
            raise
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

    def join(self, key: str, client_id: str, user: Identity) -> Session:
        """Add a member to the session ``key`` (created, owned by ``user``, when missing);
        return the session.

        ``user`` is the server-side identity of the client (see :class:`Identity`)."""
        if not isinstance(user, Identity):
            raise TypeError(f"user must be an Identity, got {type(user).__name__}")
        session = self.get(check_name(key, "session")) or self.create(key, owner=user)
        session.members[client_id] = Member(client_id, user)
        if session.idle_since is not None:
            session.idle_since = None
            self.mark(session)
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

    def expire(self, now: float | None = None) -> tuple[str, ...]:
        """Delete the sessions nobody has been in for too long; return their ids."""
        now = time.time() if now is None else now
        gone = tuple(s.id for s in self._sessions.values()
                     if not s.members and s.idle_since is not None
                     and now - s.idle_since > (self.idle_ttl if s.has_content()
                                               else self.empty_ttl))
        for sid in gone:
            self.delete(sid)
        return gone

    def mark(self, session: Session) -> None:
        """Store what changed in ``session`` (new operations, parameters, name, idle time)
        durably, now; an acknowledgement may be sent when this returns.

        When the store cannot write, the unstored changes are undone in memory too (so the
        server never shows what it could not keep) and :class:`PeerUnavailable` is raised.
        """
        db = self.db
        if db is None:
            return
        try:
            current = {k: json.dumps(v) for k, v in session.params.items()}
        except (TypeError, ValueError) as exc:
            self._undo(session, None)
            raise ParameterError(f"value must be plain JSON: {exc}", field="value") from exc
        changed = {k: v for k, v in current.items() if session.stored_params.get(k) != v}
        removed = [k for k in session.stored_params if k not in current]
        before = None
        if changed or removed:  # set by the server (a JSON message): into the document too
            before = session.doc.param_values()
            session.doc.replace_params(session.params)
        fresh = min(len(session.operations), session.seq - session.stored_seq)
        # the new records are the log's tail: no scan of a long history per operation
        new_ops = [(r["seq"], json.dumps(r)) for r in session.operations[
            len(session.operations) - fresh:]] if fresh > 0 else []
        keep_from = session.operations[0]["seq"] if session.dropped and session.operations else 0
        doc = session.doc
        pending = doc.take_pending()
        y_keep_from, compact = 0, doc.needs_compaction()
        if compact:  # one snapshot replaces every earlier row
            y_rows = [(session.y_next, doc.snapshot())]
            y_keep_from = session.y_next
        else:
            y_rows = [(session.y_next + i, u) for i, u in enumerate(pending)]
        meta = {"id": session.id, "name": session.name, "created": session.created,
                "owner": None if session.owner is None else session.owner.to_dict(),
                "seq": session.seq, "dropped": session.dropped,
                "idle_since": session.idle_since}
        try:
            db.commit(meta, changed, removed, new_ops, keep_from, y_rows, y_keep_from)
        except (OSError, sqlite3.Error) as exc:
            self._undo(session, before)
            raise PeerUnavailable(f"cannot store session {session.name!r} in {db.path}: "
                                  f"{exc}; the change was not kept") from exc
        session.stored_seq = session.seq
        session.stored_params = current
        session.y_next += len(y_rows)
        nbytes = sum(len(u) for _n, u in y_rows)
        doc.stored(len(pending), nbytes, rows=1 if compact else None)

    def _mark_if_kept(self, session: Session) -> None:
        # a session deleted while its commit waited must not be written back
        if self._sessions.get(session.id) is session:
            self.mark(session)

    @staticmethod
    def _undo(session: Session, params_before: dict[str, Any] | None) -> None:
        # the document cannot forget an update; later ones undo the server's refused changes
        # there, and the next commit stores them all. Clients' updates stay: they merged them
        # already, are not acknowledged, and are stored with the next commit
        kept = [r["seq"] <= session.stored_seq for r in session.operations]
        session.log_bytes -= sum(n for n, k in zip(session._sizes, kept, strict=True) if not k)
        session._sizes[:] = [n for n, k in zip(session._sizes, kept, strict=True) if k]
        session.operations[:] = [r for r, k in zip(session.operations, kept, strict=True) if k]
        session.seq = session.stored_seq
        session.doc.trim_history(session.stored_seq)
        if params_before is not None:
            session.doc.replace_params(params_before)
        session.params = session.doc.param_values()

    # ----- start-up and upkeep ----------------------------------------------------------------
    def save(self) -> int:
        """Periodic upkeep (the server calls it every few seconds): expire idle sessions;
        return how many expired. Nothing waits here to be written: every change was stored
        when it was made."""
        return len(self.expire())

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

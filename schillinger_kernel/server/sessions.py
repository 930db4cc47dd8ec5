"""Shared sessions: members, shared parameters and an ordered operation log.

A session is a room several browsers (or scripts) join to work on one composition. The server
orders every ``operation`` (a sequence number per session) and keeps the log, so a late joiner
replays the history; ``param_change`` values are kept as the latest value per name. Sessions are
saved as JSON in ``sessions_dir`` (atomically, debounced by the caller) and loaded at start.

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

import hashlib
import json
import re
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Forbidden, ParameterError, ParameterTypeError, TooLarge
from ..io.atomic import atomic_path

__all__ = [
    "MAX_NAME",
    "Identity",
    "Member",
    "Session",
    "SessionStore",
    "check_name",
]


MAX_NAME = 100
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


#: Colours given to users whose identity provider sets none (chosen by the username's hash,
#: so one user keeps one colour on every server).
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf")


@dataclass(frozen=True)
class Identity:
    """Who a client is, as the server's identity provider says (never as the client says).

    >>> Identity.of(None)
    Traceback (most recent call last):
    ...
    schillinger_kernel.errors.Forbidden: not authenticated
    >>> Identity("alice", "Alice").claims("alice"), Identity("alice", "Alice").claims("Bob")
    (True, False)
    """

    username: str
    display_name: str = ""
    color: str = ""
    initials: str = ""

    def __post_init__(self) -> None:
        if not self.display_name:
            object.__setattr__(self, "display_name", self.username)
        if not self.color:
            digest = hashlib.sha256(self.username.encode()).digest()
            object.__setattr__(self, "color", PALETTE[digest[0] % len(PALETTE)])

    @classmethod
    def of(cls, user: Any) -> Identity:
        """The identity of an authenticated ``jupyter_server.auth.User`` (or anything with
        ``username``, ``display_name``, ``name``, ``color``, ``initials``)."""
        username = str(getattr(user, "username", "") or "") if user else ""
        if not username:
            raise Forbidden("not authenticated")
        display = getattr(user, "display_name", "") or getattr(user, "name", "") or username
        return cls(username, str(display)[:MAX_NAME], str(getattr(user, "color", "") or ""),
                   str(getattr(user, "initials", "") or ""))

    def claims(self, name: object) -> bool:
        """Whether a client-sent ``name`` names this identity (its username or display name,
        ignoring case and surrounding spaces)."""
        if not isinstance(name, str):
            return False
        wanted = name.strip().casefold()
        return wanted in (self.username.casefold(), self.display_name.strip().casefold())

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON: ``username``, ``display_name``, ``color``, ``initials``."""
        return {"username": self.username, "display_name": self.display_name,
                "color": self.color, "initials": self.initials}


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
    """A shared session: id, name, members, latest parameters and the operation log."""

    id: str
    name: str
    created: float = field(default_factory=time.time)
    members: dict[str, Member] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    operations: list[dict[str, Any]] = field(default_factory=list)
    seq: int = 0
    max_operations: int = 10_000
    dropped: int = 0

    def add_operation(self, client_id: str, op: Any, user: Identity | None = None
                      ) -> dict[str, Any]:
        """Append ``op`` with the next sequence number; return the stored record (``from``:
        the client id, ``user``: the identity of whoever sent it)."""
        self.seq += 1
        record = {"seq": self.seq, "from": client_id,
                  "user": None if user is None else user.to_dict(), "time": time.time(),
                  "op": op}
        self.operations.append(record)
        if len(self.operations) > self.max_operations:
            cut = len(self.operations) - self.max_operations
            del self.operations[:cut]
            self.dropped += cut
        return record

    def summary(self) -> dict[str, Any]:
        """Id, name, member count and log length (the list view)."""
        return {"id": self.id, "name": self.name, "created": self.created,
                "members": len(self.members), "operations": self.seq}

    def to_dict(self, history: bool = True) -> dict[str, Any]:
        """Everything a late joiner needs; ``history=False`` leaves the log out."""
        out = {**self.summary(), "members": [m.to_dict() for m in self.members.values()],
               "params": self.params, "dropped": self.dropped}
        if history:
            out["operations"] = self.operations
        return out


class SessionStore:
    """All sessions of one server, optionally persisted as JSON files in ``directory``."""

    def __init__(self, directory: str | Path | None = None, max_sessions: int = 1000,
                 max_operations: int = 10_000) -> None:
        self.directory = Path(directory) if directory else None
        self.max_sessions = max_sessions
        self.max_operations = max_operations
        self._sessions: dict[str, Session] = {}
        self._dirty: set[str] = set()

    def __len__(self) -> int:
        return len(self._sessions)

    def list(self) -> list[dict[str, Any]]:
        """Summaries of all sessions, oldest first."""
        return [s.summary() for s in sorted(self._sessions.values(), key=lambda s: s.created)]

    def get(self, key: str) -> Session | None:
        """The session with id or name ``key``, or None."""
        if key in self._sessions:
            return self._sessions[key]
        return next((s for s in self._sessions.values() if s.name == key), None)

    def create(self, name: str) -> Session:
        """A new session named ``name`` (names need not be unique; ids are)."""
        name = check_name(name, "session")
        if len(self._sessions) >= self.max_sessions:
            raise TooLarge(f"session: the server already holds {self.max_sessions} sessions; "
                           "delete some first", field="session")
        sid = uuid.uuid4().hex[:12]
        session = Session(sid, name, max_operations=self.max_operations)
        self._sessions[sid] = session
        self.mark(session)
        return session

    def delete(self, key: str) -> bool:
        """Remove a session and its file; False when there is none."""
        s = self.get(key)
        if s is None:
            return False
        del self._sessions[s.id]
        self._dirty.discard(s.id)
        if self.directory is not None:
            (self.directory / f"{s.id}.json").unlink(missing_ok=True)
        return True

    def join(self, key: str, client_id: str, user: Identity) -> Session:
        """Add a member to the session ``key`` (created when missing); return the session.

        ``user`` is the server-side identity of the client (see :class:`Identity`)."""
        if not isinstance(user, Identity):
            raise TypeError(f"user must be an Identity, got {type(user).__name__}")
        session = self.get(check_name(key, "session")) or self.create(key)
        session.members[client_id] = Member(client_id, user)
        return session

    def leave(self, key: str, client_id: str) -> Session | None:
        """Remove a member; return the session (None when unknown)."""
        session = self.get(key)
        if session is not None:
            session.members.pop(client_id, None)
        return session

    def mark(self, session: Session) -> None:
        """Note that ``session`` changed and must be saved."""
        self._dirty.add(session.id)

    # ----- persistence -----------------------------------------------------------------------
    def save(self) -> int:
        """Write every changed session to ``directory``; return how many were written."""
        if self.directory is None or not self._dirty:
            self._dirty.clear()
            return 0
        self.directory.mkdir(parents=True, exist_ok=True)
        n = 0
        for sid in sorted(self._dirty):
            s = self._sessions.get(sid)
            if s is None:
                continue
            data = {"id": s.id, "name": s.name, "created": s.created, "params": s.params,
                    "operations": s.operations, "seq": s.seq, "dropped": s.dropped}
            with atomic_path(self.directory / f"{sid}.json") as tmp:
                tmp.write_text(json.dumps(data))
            n += 1
        self._dirty.clear()
        return n

    def load(self) -> int:
        """Read the sessions saved in ``directory``; return how many were loaded.

        Unreadable files are skipped (returned sessions never hold members: nobody is
        connected after a restart).
        """
        if self.directory is None or not self.directory.is_dir():
            return 0
        n = 0
        for f in sorted(self.directory.glob("*.json")):
            if not _SAFE_ID.match(f.stem):
                continue
            try:
                d = json.loads(f.read_text())
                s = Session(str(d["id"]), check_name(d["name"], "session"),
                            created=float(d["created"]), params=dict(d["params"]),
                            operations=list(d["operations"]), seq=int(d["seq"]),
                            dropped=int(d.get("dropped", 0)), max_operations=self.max_operations)
            except (OSError, ValueError, KeyError, TypeError):
                continue
            self._sessions[s.id] = s
            n += 1
        return n

"""Shared sessions: members, shared parameters and an ordered operation log.

A session is a room several browsers (or scripts) join to work on one composition. The server
orders every ``operation`` (a sequence number per session) and keeps the log, so a late joiner
replays the history; ``param_change`` values are kept as the latest value per name. Sessions are
saved as JSON in ``sessions_dir`` (atomically, debounced by the caller) and loaded at start.

>>> store = SessionStore()
>>> s = store.join("duet", "c1", "Ann")
>>> s.add_operation("c1", {"kind": "set_tempo", "bpm": 90})["seq"]
1
>>> store.join("duet", "c2", "Ben").members["c1"].name
'Ann'
"""

from __future__ import annotations

import json
import re
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ParameterError, ParameterTypeError, TooLarge
from ..io.atomic import atomic_path

__all__ = [
    "MAX_NAME",
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


@dataclass
class Member:
    """One connected client in a session."""

    client_id: str
    name: str
    joined: float = field(default_factory=time.time)
    state: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {"client": self.client_id, "name": self.name, "joined": self.joined,
                "state": self.state}


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

    def add_operation(self, client_id: str, op: Any) -> dict[str, Any]:
        """Append ``op`` with the next sequence number; return the stored record."""
        self.seq += 1
        record = {"seq": self.seq, "from": client_id, "time": time.time(), "op": op}
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

    def join(self, key: str, client_id: str, name: str) -> Session:
        """Add a member to the session ``key`` (created when missing); return the session."""
        session = self.get(check_name(key, "session")) or self.create(key)
        session.members[client_id] = Member(client_id, check_name(name, "name"))
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

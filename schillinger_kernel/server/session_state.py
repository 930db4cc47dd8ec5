"""One shared session's state: members, parameters, the operation log, its Y document, and
what of it is not yet on disk.

:meth:`Session.unstored` takes what changed since the last commit as one
:class:`.session_db.Change` (on the event loop, where the session lives); the store writes it
in its writer thread and then calls :meth:`Unstored.stored`, or :meth:`Unstored.refused`,
which undoes in memory what the disk would not keep.

>>> ann = Identity("ann", "Ann")
>>> s = Session("a1", "duet")
>>> s.add_operation("c1", {"kind": "set_tempo", "bpm": 90}, ann)["seq"]
1
>>> todo = s.unstored()
>>> [seq for seq, _ in todo.change.operations], s.stored_seq
([1], 0)
>>> todo.stored(); s.stored_seq
1
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from ..errors import ParameterError, ParameterTypeError, TooLarge
from .awareness import EDITOR
from .crdt import SessionDoc
from .identity import MAX_NAME, Identity
from .session_db import Change

__all__ = ["MAX_LOG_BYTES", "Member", "Session", "Unstored", "check_name"]

#: Bytes (as JSON) a session's operation log may hold; older records are dropped past it.
MAX_LOG_BYTES = 8 * 1024 * 1024


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
    """One connected client in a session, with the server-side identity of its user and its
    ``role``: ``"editor"`` (may change the session) or ``"watcher"`` (the Authorizer allows
    it ``read`` only, e.g. a plain hub share: it sees everything live and changes nothing)."""

    client_id: str
    user: Identity
    joined: float = field(default_factory=time.time)
    state: dict[str, Any] = field(default_factory=dict)
    role: str = EDITOR

    @property
    def name(self) -> str:
        """The display name (from the identity provider)."""
        return self.user.display_name

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON (``name`` is the display name)."""
        return {"client": self.client_id, "name": self.name, **self.user.to_dict(),
                "role": self.role, "joined": self.joined, "state": self.state}


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
        with ``username``, ``display_name``, ``color``, ``initials`` and ``role``
        (``"editor"`` when any of the user's tabs may edit)."""
        seen: dict[str, dict[str, Any]] = {}
        for m in self.members.values():
            entry = seen.setdefault(m.user.username, {**m.user.to_dict(), "role": m.role})
            if m.role == EDITOR:
                entry["role"] = EDITOR
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



    def unstored(self) -> Unstored:
        """What changed since the last commit, as one :class:`.session_db.Change`.

        The server's own parameter changes go into the document here. Parameters that are
        not plain JSON are refused (:class:`ParameterError`), the unstored changes undone."""
        try:
            current = {k: json.dumps(v) for k, v in self.params.items()}
        except (TypeError, ValueError) as exc:
            self.undo(None)
            raise ParameterError(f"value must be plain JSON: {exc}", field="value") from exc
        changed = {k: v for k, v in current.items() if self.stored_params.get(k) != v}
        removed = [k for k in self.stored_params if k not in current]
        before = None
        if changed or removed:  # set by the server (a JSON message): into the document too
            before = self.doc.param_values()
            self.doc.replace_params(self.params)
        fresh = min(len(self.operations), self.seq - self.stored_seq)
        # the new records are the log's tail: no scan of a long history per operation
        new_ops = [(r["seq"], json.dumps(r)) for r in self.operations[
            len(self.operations) - fresh:]] if fresh > 0 else []
        keep_from = self.operations[0]["seq"] if self.dropped and self.operations else 0
        doc = self.doc
        pending = len(doc.pending)
        y_keep_from, compact = 0, doc.needs_compaction()
        if compact:  # one snapshot replaces every earlier row
            y_rows = [(self.y_next, doc.snapshot())]
            y_keep_from = self.y_next
        else:
            y_rows = [(self.y_next + i, u) for i, u in enumerate(doc.take_pending())]
        meta = {"id": self.id, "name": self.name, "created": self.created,
                "owner": None if self.owner is None else self.owner.to_dict(),
                "seq": self.seq, "dropped": self.dropped, "idle_since": self.idle_since}
        return Unstored(self, Change(meta, changed, removed, new_ops, keep_from, y_rows,
                                     y_keep_from), current, before, pending, compact)

    def undo(self, params_before: dict[str, Any] | None) -> None:
        """Forget in memory what is not stored (the disk refused it).

        The document cannot forget an update; later ones undo the server's refused changes
        there, and the next commit stores them all. Clients' updates stay: they merged them
        already, are not acknowledged, and are stored with the next commit."""
        kept = [r["seq"] <= self.stored_seq for r in self.operations]
        self.log_bytes -= sum(n for n, k in zip(self._sizes, kept, strict=True) if not k)
        self._sizes[:] = [n for n, k in zip(self._sizes, kept, strict=True) if k]
        self.operations[:] = [r for r, k in zip(self.operations, kept, strict=True) if k]
        self.seq = self.stored_seq
        self.doc.trim_history(self.stored_seq)
        if params_before is not None:
            self.doc.replace_params(params_before)
        self.params = self.doc.param_values()


@dataclass(frozen=True)
class Unstored:
    """A session's changes on their way to disk (:meth:`Session.unstored`)."""

    session: Session
    change: Change
    params: dict[str, str]
    params_before: dict[str, Any] | None
    pending: int
    compact: bool

    def stored(self) -> None:
        """The change is on disk: remember what the store now holds."""
        s = self.session
        s.stored_seq = int(self.change.meta["seq"])
        s.stored_params = self.params
        s.y_next += len(self.change.y_rows)
        nbytes = sum(len(u) for _n, u in self.change.y_rows)
        s.doc.stored(self.pending, nbytes, rows=1 if self.compact else None)

    def refused(self) -> None:
        """The disk refused it: undo in memory what is not stored (:meth:`Session.undo`)."""
        self.session.undo(self.params_before)

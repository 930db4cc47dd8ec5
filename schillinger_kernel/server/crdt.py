"""The shared state of a session as a Y document (pycrdt), and the Yjs sync protocol on it.

A session's document has three roots, the same names in every client (browser ``yjs`` or
``pycrdt``):

============  ==========  ==================================================================
``params``    ``Map``     the shared parameters, name -> JSON value (anyone edits)
``score``     ``Array``   the score being built, one JSON item per element (anyone edits)
``history``   ``Array``   the operation log, one record per ``operation`` in ``seq`` order
                          (written by the server only, so every client sees one order)
============  ==========  ==================================================================

Clients merge concurrent edits locally (the CRDT) and exchange binary Yjs protocol messages
with the server: ``[0, 0, state]`` (sync step 1: "what I have"), ``[0, 1, update]`` (step 2:
"what you lack"), ``[0, 2, update]`` (an update) and ``[1, ...]`` (awareness, relayed as
is). :class:`SessionDoc` answers them and keeps every change it has not yet stored in
:attr:`SessionDoc.pending`, for the session store to write durably.

>>> server, client = SessionDoc(), SessionDoc()
>>> _ = server.set_param("tempo", 96)
>>> reply = server.handle(sync_step1(client.doc), origin="c1").reply
>>> client.handle(reply, origin="server").update != b""
True
>>> client.params.to_py(), len(server.pending)
({'tempo': 96.0}, 1)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pycrdt import (
    Array,
    Doc,
    Map,
    TransactionEvent,
    YMessageType,
    YSyncMessageType,
    create_sync_message,
    create_update_message,
    get_update,
    write_message,
)

from ..errors import ParameterError, TooLarge
from .awareness import read_uint

__all__ = [
    "COMPACT_ROWS",
    "MAX_DOC_BYTES",
    "Handled",
    "SessionDoc",
    "plain",
    "sync_step1",
    "update_message",
]

#: Stored bytes a session's document may grow to (its snapshot plus the updates since); an
#: update past it is refused (413) rather than letting one room fill the disk.
MAX_DOC_BYTES = 16 * 1024 * 1024
#: Stored update rows after which the store replaces them with one snapshot.
COMPACT_ROWS = 512
_EMPTY_UPDATE = b"\x00\x00"


def sync_step1(doc: Doc) -> bytes:
    """The sync step 1 message of ``doc`` (its state vector)."""
    return create_sync_message(doc)


def update_message(update: bytes) -> bytes:
    """The sync update message carrying ``update``."""
    return create_update_message(update)


def plain(value: Any) -> Any:
    """``value`` read back from Y as plain JSON: Y numbers are doubles, so integral ones
    become ``int`` again (``96.0`` -> ``96``), as the JSON side of the session sent them.

    >>> plain({"a": [1.0, 2.5, True], "b": None})
    {'a': [1, 2.5, True], 'b': None}
    """
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


@dataclass(frozen=True)
class Handled:
    """What one incoming message did: ``reply`` for the sender (or None), ``update`` the
    change it made to the document (``b""``: none), ``relay`` bytes for the other members
    (awareness; or None)."""

    reply: bytes | None = None
    update: bytes = b""
    relay: bytes | None = None


class SessionDoc:
    """One session's Y document, rebuilt from stored ``updates`` (oldest first).

    ``max_bytes``: the stored size it may reach (:data:`MAX_DOC_BYTES`). Every change made
    here (by a client's message or by the server's own methods) is appended to
    :attr:`pending` until the store takes it (:meth:`take_pending`); the server's own
    changes also to :attr:`outbox`, for every client (:meth:`take_outbox`).
    """

    def __init__(self, updates: Iterable[bytes] = (), max_bytes: int = MAX_DOC_BYTES) -> None:
        self.doc: Doc = Doc()
        self.params: Map[Any] = self.doc.get("params", type=Map)
        self.score: Array[Any] = self.doc.get("score", type=Array)
        self.history: Array[Any] = self.doc.get("history", type=Array)
        self.max_bytes = max_bytes
        self.stored_bytes = 0
        self.stored_rows = 0
        for u in updates:
            self.doc.apply_update(u)
            self.stored_bytes += len(u)
            self.stored_rows += 1
        self.pending: list[bytes] = []
        self.outbox: list[bytes] = []
        self._last = b""
        self._client = False
        # the callback runs inside the transaction's commit, so _last is the change just made
        self._sub = self.doc.observe(self._changed)

    def _changed(self, event: TransactionEvent) -> None:
        update: bytes = event.update
        if update and update != _EMPTY_UPDATE:
            self._last = update
            self.pending.append(update)
            if not self._client:  # a client's own change goes to the others by handle()
                self.outbox.append(update)

    def _capture(self) -> bytes:
        last, self._last = self._last, b""
        return last

    @property
    def size(self) -> int:
        """Bytes stored plus bytes waiting to be stored."""
        return self.stored_bytes + sum(len(u) for u in self.pending)

    def take_outbox(self) -> list[bytes]:
        """The server's own changes not yet sent to the clients (and forget them)."""
        out, self.outbox = self.outbox, []
        return out

    def take_pending(self) -> list[bytes]:
        """The changes not yet stored (the caller stores them, then calls :meth:`stored`)."""
        return list(self.pending)

    def stored(self, n: int, nbytes: int, rows: int | None = None) -> None:
        """The first ``n`` pending changes are on disk, ``nbytes`` in all; ``rows``: the
        store's row count now, when it compacted."""
        del self.pending[:n]
        self.stored_bytes += nbytes
        self.stored_rows += n
        if rows is not None:
            self.stored_rows, self.stored_bytes = rows, nbytes

    def needs_compaction(self) -> bool:
        """Whether the stored rows should be replaced by one snapshot."""
        return self.stored_rows + len(self.pending) > COMPACT_ROWS

    def snapshot(self) -> bytes:
        """The whole document as one update."""
        return self.doc.get_update()

    # ----- the server's own edits (from the JSON messages and REST) ---------------------------
    def set_param(self, name: str, value: Any) -> bytes:
        """Set one shared parameter; return the update (``b""`` when unchanged)."""
        self.params[name] = value
        return self._capture()

    def append_history(self, record: Mapping[str, Any]) -> bytes:
        """Append one operation record to ``history``; return the update."""
        self.history.append(dict(record))
        return self._capture()

    def replace_params(self, values: Mapping[str, Any]) -> None:
        """Make the shared parameters equal ``values`` (only those that differ change)."""
        now = self.param_values()
        with self.doc.transaction():
            for k in [k for k in now if k not in values]:
                del self.params[k]
            for k, v in values.items():
                if k not in now or now[k] != v:
                    self.params[k] = v
        self._capture()

    def drop_history(self, n: int) -> bytes:
        """Remove the ``n`` oldest records (the bounded log); return the update."""
        n = min(n, len(self.history))
        if n > 0:
            del self.history[0:n]
        return self._capture()

    def trim_history(self, last_seq: int) -> bytes:
        """Remove the records past ``seq`` ``last_seq`` (changes the store refused)."""
        with self.doc.transaction():
            while len(self.history) and float(self.history[-1].get("seq", 0)) > last_seq:
                del self.history[len(self.history) - 1]
        return self._capture()

    def seed(self, params: Mapping[str, Any], operations: Iterable[Mapping[str, Any]]) -> None:
        """Fill an empty document from a session stored before documents were (one update)."""
        with self.doc.transaction():
            for k, v in params.items():
                self.params[k] = v
            for r in operations:
                self.history.append(dict(r))
        self._capture()

    def param_values(self) -> dict[str, Any]:
        """The shared parameters as plain JSON."""
        return {k: plain(v) for k, v in (self.params.to_py() or {}).items()}

    def score_values(self) -> list[Any]:
        """The score being built as plain JSON."""
        return list(plain(self.score.to_py() or []))

    def to_dict(self) -> dict[str, Any]:
        """``params``, ``score`` and ``history`` as plain JSON."""
        return {"params": self.param_values(), "score": self.score_values(),
                "history": plain(self.history.to_py())}

    # ----- the Yjs protocol -------------------------------------------------------------------
    def handle(self, message: bytes, origin: str) -> Handled:
        """Answer one binary Yjs message from client ``origin``.

        Raises :class:`ParameterError` for what is not a Yjs sync or awareness message and
        :class:`TooLarge` for an update that would take the document past ``max_bytes``.

        >>> SessionDoc().handle(b"\\x07", "c1")
        Traceback (most recent call last):
        ...
        schillinger_kernel.errors.ParameterError: binary message: type 7 is not a Yjs sync (0) \
or awareness (1) message
        """
        if not message:
            raise ParameterError("binary message: empty; send a Yjs sync or awareness message",
                                 field="message")
        kind = message[0]
        if kind == YMessageType.AWARENESS:
            return Handled(relay=message)
        if kind != YMessageType.SYNC or len(message) < 2:
            raise ParameterError(f"binary message: type {kind} is not a Yjs sync (0) or "
                                 "awareness (1) message", field="message")
        step = message[1]
        payload = self._payload(message)
        if step == YSyncMessageType.SYNC_STEP1:
            try:
                diff = self.doc.get_update(payload)
            except ValueError as exc:
                raise ParameterError(f"binary message: bad state vector in sync step 1: {exc}",
                                     field="message") from exc
            return Handled(reply=bytes([YMessageType.SYNC, YSyncMessageType.SYNC_STEP2])
                           + write_message(diff))
        if step not in (YSyncMessageType.SYNC_STEP2, YSyncMessageType.SYNC_UPDATE):
            raise ParameterError(f"binary message: sync step {step} is not 0, 1 or 2",
                                 field="message")
        if payload == _EMPTY_UPDATE:
            return Handled()
        # the stored rows may hold superseded updates until compaction: ask the real size
        if (self.size + len(payload) > self.max_bytes
                and len(self.snapshot()) + len(payload) > self.max_bytes):
            raise TooLarge(f"binary message: this update ({len(payload)} bytes) would take "
                           f"the session's document past {self.max_bytes} bytes; start a new "
                           "session or remove content", field="message")
        self._client = True
        try:
            self.doc.apply_update(payload)
        except ValueError as exc:
            raise ParameterError(f"binary message: not a Yjs update: {exc}",
                                 field="message") from exc
        finally:
            self._client = False
        return Handled(update=self._capture())

    def changes(self, message: bytes) -> bool:
        """Whether sync message ``message`` (a step 2 or an update) would change the
        document: it holds items the document lacks, or deletes items it still has.

        A client that only watches answers the server's sync step 1 with a step 2 too; this
        tells such a harmless one (nothing new, or deletions already made) from an edit,
        without applying it.

        >>> server, client = SessionDoc(), SessionDoc()
        >>> _ = server.set_param("tempo", 96)
        >>> _ = client.handle(server.handle(sync_step1(client.doc), "c").reply, "s")
        >>> client.params["key"] = "C"
        >>> same = update_message(client.doc.get_update(client.doc.get_state()))
        >>> server.changes(same), server.changes(update_message(client.doc.get_update()))
        (False, True)
        """
        kind = message[:1]
        if kind != bytes([YMessageType.SYNC]) or message[1:2] not in (
                bytes([YSyncMessageType.SYNC_STEP2]), bytes([YSyncMessageType.SYNC_UPDATE])):
            return False
        payload = self._payload(message)
        if payload == _EMPTY_UPDATE:
            return False
        try:  # the items this document lacks, and the update's whole delete set
            missing = get_update(payload, self.doc.get_state())
        except ValueError as exc:
            raise ParameterError(f"binary message: not a Yjs update: {exc}",
                                 field="message") from exc
        structs, i = read_uint(missing, 0)
        if structs:
            return True
        have = _delete_set(self.doc.get_update(self.doc.get_state()), 1)
        return any(not _covered(have.get(client, []), start, length)
                   for client, ranges in _delete_set(missing, i).items()
                   for start, length in ranges)

    @staticmethod
    def _payload(message: bytes) -> bytes:
        # a var-uint length, then exactly that many bytes: nothing missing, nothing after
        length, shift, i = 0, 0, 2
        while True:
            if i >= len(message) or shift > 35:
                raise ParameterError("binary message: truncated Yjs sync message",
                                     field="message")
            byte = message[i]
            length |= (byte & 127) << shift
            shift += 7
            i += 1
            if byte < 128:
                break
        if len(message) - i != length:
            raise ParameterError(f"binary message: the sync message says {length} bytes "
                                 f"follow, {len(message) - i} do", field="message")
        return message[i:]


def _delete_set(update: bytes, i: int) -> dict[int, list[tuple[int, int]]]:
    """The delete set at ``update[i:]`` (the part of a v1 update after its structs):
    client -> ranges ``(clock, length)``."""
    out: dict[int, list[tuple[int, int]]] = {}
    clients, i = read_uint(update, i)
    for _ in range(clients):
        client, i = read_uint(update, i)
        n, i = read_uint(update, i)
        ranges = out.setdefault(client, [])
        for _ in range(n):
            clock, i = read_uint(update, i)
            length, i = read_uint(update, i)
            ranges.append((clock, length))
    return out


def _covered(ranges: list[tuple[int, int]], start: int, length: int) -> bool:
    """Whether the clocks ``start .. start + length - 1`` lie in ``ranges`` (merged)."""
    end = start + length
    for clock, n in sorted(ranges):
        if clock > start:
            return False
        if clock + n > start:
            start = clock + n
            if start >= end:
                return True
    return start >= end

"""The Yjs side of one WebSocket connection: binary frames on the joined session's document.

A connection speaks the Yjs protocol once it joins with ``"sync": "yjs"`` (or sends a binary
frame); only such connections get binary frames, so JSON-only clients never see one. Per
frame: a sync step 1 is answered with step 2; an update is applied to the session's
:class:`.crdt.SessionDoc`, relayed at once to the other Yjs members (they merge it without
waiting for the disk) and handed to the store's group commit (:mod:`.crdt_commit`); when that
commit is on disk the sender gets ``{"type": "sync_ack", "session", "frames"}``: every binary
frame it sent up to ``frames`` is stored.

A watcher (a member the Authorizer allows ``read`` only) gets the document and every update
like anyone; an update of its that would change the document is refused (403, the connection
kept), one that changes nothing (its answer to the server's sync step 1) is passed over.

Awareness messages are relayed as the server stamps them (:mod:`.awareness`): a connection
speaks for one Y client id, the first its awareness names that no other member holds (each
join starts afresh); entries for any other id are cut, and each state's ``client``, ``user``,
``role`` and ``editing`` say what the server knows. When a member leaves, the others are told
its awareness state is gone.

>>> YjsPeer.__name__, "sync_ack" in __doc__
('YjsPeer', True)
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

from tornado.websocket import WebSocketClosedError

from ..errors import ParameterError, PeerUnavailable, TooLarge
from .awareness import encode, parse, stamp
from .crdt import sync_step1, update_message

if TYPE_CHECKING:  # pragma: no cover
    from .identity import Identity
    from .sessions import Session
    from .workbench import Workbench

__all__ = ["Socket", "YjsPeer"]


class Socket(Protocol):
    """What :class:`YjsPeer` needs of its connection (a :class:`.ws.SessionSocket`)."""

    client_id: str
    session_id: str | None
    ws_connection: Any
    role: str

    @property
    def wb(self) -> Workbench: ...

    @property
    def user(self) -> Identity: ...

    async def allowed(self, action: str) -> bool: ...

    async def authorize(self, kind: str, data: Mapping[str, Any]) -> None: ...

    def send(self, message: dict[str, Any]) -> None: ...

    def error(self, msg_id: Any, exc: Exception) -> None: ...

    def write_message(self, message: bytes | str, binary: bool = False) -> Any: ...

    def close(self, code: int | None = None, reason: str | None = None) -> None: ...


class YjsPeer:
    """The Yjs state of connection ``sock``: ``enabled`` once it speaks the protocol,
    ``frames`` binary frames received so far, ``yid`` the Y client id its awareness speaks
    for in the joined session (None until it names one) and ``clock`` that state's latest
    clock."""

    def __init__(self, sock: Socket) -> None:
        self.sock = sock
        self.enabled = False
        self.frames = 0
        self.yid: int | None = None
        self.clock = 0
        # the frames the latest successful commit covered, not yet acknowledged
        self._ack: tuple[str, int] | None = None
        self._refused: Exception | None = None

    @staticmethod
    def wants(sync: object) -> bool:
        """Whether a ``join``'s ``sync`` field asks for the Yjs protocol (``"yjs"``; left
        out: no); anything else is refused.

        >>> YjsPeer.wants("yjs"), YjsPeer.wants(None)
        (True, False)
        """
        if sync not in (None, "yjs"):
            raise ParameterError(f"sync must be \"yjs\" (the Yjs protocol in binary frames) or "
                                 f"left out, got {sync!r}", field="sync")
        return sync == "yjs"

    def joined(self, s: Session, yjs: bool) -> None:
        """After ``joined``: when this connection speaks Yjs (``yjs``, or it sent binary
        frames before), send the document's sync step 1."""
        self.yid, self.clock = None, 0
        self.enabled = self.enabled or yjs
        if self.enabled:
            self.send_bytes(sync_step1(s.doc.doc))

    def send_bytes(self, data: bytes) -> None:
        """Send one binary frame (dropped, like text, when the client lags too far)."""
        sock = self.sock
        if sock.ws_connection is None or not sock.wb.hub.admit(sock, len(data) + 14):
            return
        with contextlib.suppress(WebSocketClosedError):
            sock.write_message(data, binary=True)

    def broadcast(self, s: Session, data: bytes, exclude: str | None = None) -> None:
        """Send ``data`` to the members of ``s`` that speak Yjs (but ``exclude``)."""
        clients = self.sock.wb.hub.clients
        for cid in tuple(s.members):
            peer = getattr(clients.get(cid), "yjs", None)
            if cid != exclude and isinstance(peer, YjsPeer) and peer.enabled:
                peer.send_bytes(data)

    def outbox(self, s: Session) -> None:
        """Send the server's own changes to the document to every Yjs member."""
        for update in s.doc.take_outbox():
            self.broadcast(s, update_message(update))

    async def on_binary(self, message: bytes, limit: int) -> None:
        """Handle one binary frame (errors raise, for the connection to answer)."""
        sock = self.sock
        if len(message) > limit:
            raise TooLarge(f"binary message too large ({len(message)} bytes; at most {limit}: "
                           "SchillingerApp.max_ws_message_bytes)", field="message")
        s = sock.wb.sessions.get(sock.session_id or "")
        if s is None:
            raise ParameterError("binary messages are Yjs sync messages on a session's "
                                 "document: join a session first ({\"type\": \"join\", "
                                 "\"session\": ...}), then send them", field="message")
        changes = message[:1] == b"\x00" and message[1:2] != b"\x00"  # sync step 2 or update
        may_write = changes and await sock.allowed("write")
        if not may_write:
            await sock.authorize("ysync", {"writes": False})  # it needs read at least
        if changes and not may_write:
            self.enabled = True
            self.frames += 1  # counted either way: the client counts what it sent
            if s.doc.changes(message):  # an edit by a watcher: the same 403 as JSON edits
                await sock.authorize("ysync", {"writes": True})
            # nothing to apply (it holds nothing new): "stored" at once
            sock.send({"type": "sync_ack", "session": s.id, "frames": self.frames})
            return
        if message[:1] == b"\x01":
            relay = self._awareness(s, message, sock.wb.settings.limits.operation_bytes)
            self.enabled = True
            self.frames += 1
            if relay is not None:
                self.broadcast(s, relay, exclude=sock.client_id)
            return
        self.enabled = True
        self.frames += 1
        done = s.doc.handle(message, sock.client_id)
        if done.reply is not None:
            self.send_bytes(done.reply)
        if done.relay is not None:
            self.broadcast(s, done.relay, exclude=sock.client_id)
        if done.update:
            # the others merge it now; the sender hears "stored" only once it is on disk
            self.broadcast(s, update_message(done.update), exclude=sock.client_id)
            s.sync_params()
        if not changes:
            return
        if s.doc.pending:  # what it holds may be in the document but not yet on disk
            # a commit already running took its changes before this frame: each frame asks,
            # and is acknowledged by the commit that started after it
            sid, frames = s.id, self.frames
            sock.wb.sessions.group.request(
                s.id, s, lambda exc: self._stored(exc, sid, frames), self._more_to_read)
        else:  # all it holds was stored already (another client sent it first)
            sock.send({"type": "sync_ack", "session": s.id, "frames": self.frames})

    def _awareness(self, s: Session, message: bytes, limit: int) -> bytes | None:
        """What of awareness message ``message`` the others get: this connection's own
        entry, stamped (None when it held none)."""
        clients = self.sock.wb.hub.clients
        taken = {getattr(getattr(clients.get(cid), "yjs", None), "yid", None)
                 for cid in s.members if cid != self.sock.client_id}
        kept = []
        for yid, clock, state in parse(message):
            if self.yid is None and yid not in taken:
                self.yid = yid  # the first id it names that no other member speaks for
            if yid != self.yid:
                continue  # a state for someone else's id: not this connection's to set
            self.clock = max(self.clock, clock)
            kept.append((yid, clock, stamp(state, self.sock.client_id, self.sock.user,
                                           self.sock.role, limit)))
        return encode(kept) if kept else None

    def left(self, s: Session) -> None:
        """This connection left ``s``: tell its other Yjs members its awareness is gone
        (a browser that crashed cannot say so itself)."""
        if self.yid is not None:
            self.broadcast(s, encode([(self.yid, self.clock + 1, "null")]),
                           exclude=self.sock.client_id)
        self.yid, self.clock = None, 0

    def _more_to_read(self) -> bool:
        # frames tornado has already read from the socket but not yet handed to us
        stream = getattr(self.sock.ws_connection, "stream", None)
        return bool(getattr(stream, "_read_buffer_size", 0))

    def _stored(self, exc: Exception | None, sid: str, frames: int) -> None:
        if isinstance(exc, PeerUnavailable):
            exc = PeerUnavailable(f"your updates are not stored yet ({exc}): the session's "
                                  "document holds them, and the next commit that succeeds "
                                  "stores them; until a sync_ack covers them they may be lost")
        # one commit tells all the frames it covered at once: one answer, for the latest
        if self._ack is None and self._refused is None:
            asyncio.get_running_loop().call_soon(self._send_ack)
        if exc is not None:
            self._refused = exc
        elif self._ack is None or frames > self._ack[1]:
            self._ack = (sid, frames)

    def _send_ack(self) -> None:
        refused, self._refused = self._refused, None
        if refused is not None:
            self._ack = None
            self.sock.error(None, refused)
            return
        if self._ack is None:
            return
        (sid, frames), self._ack = self._ack, None
        self.sock.send({"type": "sync_ack", "session": sid, "frames": frames})
        s = self.sock.wb.sessions.get(sid)
        if s is not None:  # what the server changed in the document while storing
            self.outbox(s)

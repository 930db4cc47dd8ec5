"""A Python client of a session's Y document: a pycrdt ``Doc`` speaking the Yjs sync protocol
over the workbench's WebSocket, as a browser with ``yjs`` does.

Its own edits go out as updates the moment they are made (no round trip: the document merges
what the others did whenever it arrives); the server's sync step 1 and updates come in;
``sync_ack`` says how many of its binary frames the server has stored durably.

The protocol part works on any transport (``send`` is any callable); :meth:`YClient.connect`
opens the workbench's WebSocket with tornado.

>>> from schillinger_kernel.server.crdt import SessionDoc
>>> server, wire = SessionDoc(), []
>>> alice = YClient(wire.append)
>>> alice.start()                              # sync step 1: "what I have"
>>> alice.receive(server.handle(wire.pop(), "alice").reply)  # step 2: what it lacked
>>> alice.params["tempo"] = 96                 # a local edit: merged here, sent at once
>>> server.handle(wire.pop(), "alice").update != b""
True
>>> server.param_values(), alice.waiting_for
({'tempo': 96}, 2)
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any

from pycrdt import (
    Array,
    Doc,
    Map,
    TransactionEvent,
    YMessageType,
    create_sync_message,
    create_update_message,
    handle_sync_message,
)
from tornado.httpclient import HTTPRequest
from tornado.websocket import WebSocketClientConnection, websocket_connect

__all__ = ["YClient"]

_EMPTY_STEP2 = b"\x00\x01\x02\x00\x00"


class YClient:
    """One client's document (roots ``params``, ``score``, ``history``).

    ``send(data)`` puts one frame on the wire (bytes: binary, str: JSON text). ``sent``
    counts binary frames, ``waiting_for`` is the last of them that carried a change (the one
    an acknowledgement must reach), ``acked`` the latest ``sync_ack``; ``synced`` turns
    True when the server's sync step 2 (everything it had) arrived; ``role`` is what
    ``joined`` said (``"editor"``, or ``"watcher"``: every change is refused); ``awareness``
    holds the awareness messages relayed from the others (as the server stamped them),
    ``errors`` the ``error`` messages received and ``messages`` every other JSON message.
    """

    def __init__(self, send: Callable[[bytes | str], Any]) -> None:
        self._send_frame = send
        self.doc: Doc = Doc()
        self.params: Map[Any] = self.doc.get("params", type=Map)
        self.score: Array[Any] = self.doc.get("score", type=Array)
        self.history: Array[Any] = self.doc.get("history", type=Array)
        self.sent = 0
        self.waiting_for = 0
        self.acked = 0
        self.sent_at: dict[int, float] = {}
        self.acked_at: dict[int, float] = {}
        self.updates_in = 0
        self.synced = False
        self.role: str | None = None
        self.awareness: list[bytes] = []
        self.messages: list[dict[str, Any]] = []
        self.errors: list[dict[str, Any]] = []
        self._remote = False
        self._ack = asyncio.Event()
        # the callback runs as each local transaction commits: that is when an edit is sent
        self._sub = self.doc.observe(self._local)

    def _send(self, data: bytes, carries_change: bool) -> None:
        self.sent += 1
        if carries_change:
            self.waiting_for = self.sent
            self.sent_at[self.sent] = time.perf_counter()
        self._send_frame(data)

    def _local(self, event: TransactionEvent) -> None:
        if not self._remote:
            self._send(create_update_message(event.update), True)

    def start(self) -> None:
        """Send sync step 1 (after ``joined``): the server answers with what this lacks."""
        self._send(create_sync_message(self.doc), False)

    def send_frame(self, data: bytes) -> None:
        """Send a binary frame made elsewhere (an awareness message, say), counted like the
        client's own, so that ``sync_ack`` counts stay aligned."""
        self._send(data, False)

    def send_json(self, message: dict[str, Any]) -> None:
        """Send one JSON message (``operation``, ``param_change``...)."""
        self._send_frame(json.dumps(message))

    def receive(self, data: bytes | str | None) -> dict[str, Any] | None:
        """Take one frame from the server: Yjs messages are applied (a step 1 answered),
        JSON messages returned (and ``sync_ack`` and ``error`` noted)."""
        if data is None:
            return None
        if isinstance(data, bytes):
            if data and data[0] == YMessageType.SYNC:
                self._remote = True
                try:
                    reply = handle_sync_message(data[1:], self.doc)
                finally:
                    self._remote = False
                self.updates_in += 1
                self.synced = self.synced or data[1:2] == b"\x01"
                if reply is not None:
                    self._send(reply, reply != _EMPTY_STEP2)
            elif data and data[0] == YMessageType.AWARENESS:
                self.awareness.append(data)
            return None
        msg: dict[str, Any] = json.loads(data)
        if msg.get("type") == "sync_ack":
            self.acked = int(msg["frames"])
            self.acked_at[self.acked] = time.perf_counter()
            self._ack.set()
        elif msg.get("type") == "error":
            self.errors.append(msg)
            self._ack.set()
        else:
            if msg.get("type") == "joined":
                self.role = msg.get("role")
            self.messages.append(msg)
        return msg

    async def pump(self, conn: WebSocketClientConnection) -> None:
        """Read ``conn`` until it closes, taking every frame (run it as a task)."""
        while True:
            data = await conn.read_message()
            if data is None:
                return
            self.receive(data)

    async def stored(self, timeout: float = 30.0) -> None:
        """Wait until every change sent so far is acknowledged as stored durably; an
        ``error`` from the server raises ``RuntimeError``."""
        async with asyncio.timeout(timeout):
            while self.acked < self.waiting_for:
                if self.errors:
                    raise RuntimeError(f"the server refused: {self.errors[-1]}")
                self._ack.clear()
                await self._ack.wait()

    def state(self) -> dict[str, Any]:
        """The document as plain data."""
        return {"params": self.params.to_py() or {}, "score": self.score.to_py() or [],
                "history": self.history.to_py() or []}

    @classmethod
    async def connect(cls, url: str, session: str, token: str = "",
                      headers: dict[str, str] | None = None
                      ) -> tuple[YClient, WebSocketClientConnection, asyncio.Task[None]]:
        """Open ``url`` (the ``.../schillinger/api/ws`` address) and :meth:`join`."""
        hdrs = dict(headers or {})
        if token:
            hdrs["Authorization"] = f"token {token}"
        conn = await websocket_connect(HTTPRequest(url, headers=hdrs))
        client, task = await cls.join(conn, session)
        return client, conn, task

    @classmethod
    async def join(cls, conn: WebSocketClientConnection, session: str
                   ) -> tuple[YClient, asyncio.Task[None]]:
        """On an open workbench WebSocket: read ``hello``, join ``session``, start syncing;
        return the client and the task reading the connection."""
        client = cls(lambda data: conn.write_message(data, binary=isinstance(data, bytes)))
        while True:
            msg = await conn.read_message()
            if msg is None:
                raise ConnectionError("the server closed the WebSocket before its greeting")
            if isinstance(msg, str) and json.loads(msg).get("type") == "hello":
                break
        client.send_json({"type": "join", "session": session, "sync": "yjs"})
        while True:
            msg = await conn.read_message()
            if msg is None:
                raise ConnectionError(f"the server closed the WebSocket before {session!r} "
                                      "was joined")
            got = client.receive(msg)
            if got is not None and got.get("type") == "joined":
                break
            if client.errors:
                raise RuntimeError(f"cannot join {session!r}: {client.errors[-1]}")
        task = asyncio.ensure_future(client.pump(conn))
        client.start()
        return client, task

"""The WebSocket hub: who is connected, who listens to the transport, and the fan-out.

A broadcast is serialised once (``json.dumps``), encoded once, framed once (a server never
masks, so the same WebSocket frame goes to every peer) and handed to each peer without waiting:
one ``send`` on its socket when nothing is queued for it, else through its tornado stream's
buffer, which keeps the peer's messages in order. Nothing is awaited per peer and no per-peer
future or task is made (tornado's ``write_message`` wraps every write in a task); peers that are
closing or closed are dropped.

A peer that does not read cannot make the server hold its messages without end: once more
than ``send_limit`` bytes wait in its stream (:func:`queued_bytes`), it is dropped from the hub
and closed with code :data:`SLOW_CONSUMER` (1008, policy violation), and its buffer is freed
when the close times out. Peers that vanish without closing are found by the WebSocket
keep-alive pings (:class:`~.ws.SessionSocket`).

Every broadcast's hand-off time (serialise, frame, write to every socket) is kept for the last
:data:`STATS_KEPT` broadcasts and reported by ``GET status`` under ``websocket``.

JupyterHub's scopes for the extension are :mod:`.hub_scopes`.

>>> text_frame(b"hi")
b'\\x81\\x02hi'
>>> len(text_frame(b"x" * 200)), len(text_frame(b"x" * 70_000))
(204, 70010)
"""

from __future__ import annotations

import contextlib
import json
import logging
import statistics
import struct
import time
from collections import deque
from collections.abc import Iterable
from typing import Any, Protocol

from tornado.iostream import IOStream, StreamClosedError
from tornado.websocket import WebSocketClosedError

# configs written before the authorizer had its own module name it here
from .hub_scopes import HubScopeAuthorizer as HubScopeAuthorizer

__all__ = [
    "SEND_LIMIT",
    "SLOW_CONSUMER",
    "STATS_KEPT",
    "Hub",
    "Peer",
    "queued_bytes",
    "text_frame",
]


_log = logging.getLogger(__name__)
STATS_KEPT = 1024
SLOW_CONSUMER = 1008  #: close code for a peer whose unread messages passed the send limit
SEND_LIMIT = 16 * 1024 * 1024  #: bytes that may wait for one peer (``max_ws_send_queue_bytes``)


def queued_bytes(stream: Any) -> int:
    """Bytes written to ``stream`` (a tornado IOStream) that the peer has not taken yet.

    >>> queued_bytes(None)
    0
    """
    if stream is None:
        return 0
    total = getattr(stream, "_total_write_index", 0)
    done = getattr(stream, "_total_write_done_index", 0)
    return max(0, int(total) - int(done))


def text_frame(payload: bytes) -> bytes:
    """One unmasked, unfragmented WebSocket text frame (RFC 6455 section 5.2) for ``payload``.

    Parameters
    ----------
    payload : bytes
        The UTF-8 bytes of the message.

    Returns
    -------
    bytes
        Header (FIN + opcode 1, 7-, 16- or 64-bit length) followed by the payload.

    >>> text_frame(b"")
    b'\\x81\\x00'
    """
    if not isinstance(payload, bytes | bytearray):
        raise TypeError(f"payload must be bytes, got {type(payload).__name__}")
    n = len(payload)
    if n < 126:
        head = struct.pack("!BB", 0x81, n)
    elif n <= 0xFFFF:
        head = struct.pack("!BBH", 0x81, 126, n)
    else:
        head = struct.pack("!BBQ", 0x81, 127, n)
    return head + payload


class Peer(Protocol):
    """What the hub needs of a connection (a :class:`~.ws.SessionSocket`)."""

    client_id: str
    ws_connection: Any

    def write_message(self, message: bytes | str, binary: bool = False) -> Any:
        """Tornado's write (used when the fast path does not apply)."""

    def close(self, code: int | None = None, reason: str | None = None) -> None:
        """Close the connection."""


def _write(conn: Peer, proto: Any, frame: bytes, text: str) -> bool:
    """Hand ``frame`` to one peer without waiting; False when its connection is gone.

    On a plain TCP stream with nothing queued, the frame goes straight to the socket (one
    ``send``); what the kernel does not take, or any frame behind queued bytes, goes through the
    stream's buffer, so the peer's messages keep their order. TLS or compressed connections use
    tornado's ``write_message``.
    """
    stream = getattr(proto, "stream", None)
    try:
        if type(stream) is not IOStream or getattr(proto, "_compressor", None) is not None:
            conn.write_message(text)
            return True
        if stream.writing():
            stream.write(frame)
            return True
        try:
            sent = stream.socket.send(frame)
        except (BlockingIOError, InterruptedError):
            sent = 0
        if sent < len(frame):
            stream.write(frame[sent:])
        return True
    except (StreamClosedError, WebSocketClosedError):
        return False
    except OSError as exc:  # reset or broken pipe: close it; on_close cleans the session up
        if isinstance(stream, IOStream):
            stream.close(exc)
        return False


def drop_slow(conn: Peer, limit: int) -> None:
    """Close a peer that stopped reading (its unread messages passed ``limit`` bytes)."""
    with contextlib.suppress(Exception):
        conn.close(SLOW_CONSUMER, f"too slow: more than {limit} bytes unread "
                   "(SchillingerApp.max_ws_send_queue_bytes)")


class Hub:
    """The open sockets of one server and who listens to what."""

    def __init__(self, wb: Any = None) -> None:
        self.wb = wb
        self.clients: dict[str, Peer] = {}
        self.transport_subscribers: set[str] = set()
        self.broadcasts = 0
        self.dropped_slow = 0
        limits = getattr(getattr(wb, "settings", None), "limits", None)
        self.send_limit: int = getattr(limits, "ws_send_queue_bytes", SEND_LIMIT)
        self._fanout: deque[tuple[int, float]] = deque(maxlen=STATS_KEPT)

    def add(self, conn: Peer) -> None:
        """Register an open socket."""
        self.clients[conn.client_id] = conn

    def admit(self, conn: Peer, nbytes: int) -> bool:
        """Whether ``nbytes`` more may be queued for ``conn``; if not, it is dropped (closed
        with :data:`SLOW_CONSUMER`) and forgotten."""
        proto = conn.ws_connection
        if queued_bytes(getattr(proto, "stream", None)) + nbytes <= self.send_limit:
            return True
        self.dropped_slow += 1
        self.remove(conn)
        drop_slow(conn, self.send_limit)
        return False

    def remove(self, conn: Peer) -> None:
        """Forget a closed socket."""
        if self.clients.get(conn.client_id) is conn:
            del self.clients[conn.client_id]
        self.transport_subscribers.discard(conn.client_id)

    def send_text(self, client_ids: Iterable[str], text: str, exclude: str | None = None,
                  _t0: float | None = None) -> int:
        """Send an already-serialised message to ``client_ids`` (but ``exclude``).

        Returns how many peers got it. The frame is built once; closed peers are dropped.
        """
        t0 = time.perf_counter() if _t0 is None else _t0
        frame = text_frame(text.encode())
        clients = self.clients
        dead: list[Peer] = []
        n = 0
        for cid in tuple(client_ids):
            if cid == exclude:
                continue
            conn = clients.get(cid)
            if conn is None:
                continue
            proto = conn.ws_connection
            if proto is None or proto.is_closing():
                dead.append(conn)
                continue
            if not self.admit(conn, len(frame)):
                continue
            if not _write(conn, proto, frame, text):
                dead.append(conn)
                continue
            n += 1
        for conn in dead:
            self.remove(conn)
        self.broadcasts += 1
        self._fanout.append((n, time.perf_counter() - t0))
        return n

    def broadcast(self, client_ids: Iterable[str], message: dict[str, Any],
                  exclude: str | None = None) -> int:
        """Serialise once, send to many (all of ``client_ids`` but ``exclude``)."""
        t0 = time.perf_counter()
        return self.send_text(client_ids, json.dumps(message), exclude, _t0=t0)

    def last_fanout(self) -> tuple[int, float]:
        """(recipients, seconds) of the latest broadcast; (0, 0.0) before any."""
        return self._fanout[-1] if self._fanout else (0, 0.0)

    def stats(self) -> dict[str, Any]:
        """Connected clients, broadcasts so far and the hand-off time of the recent ones."""
        times = sorted(t for _n, t in self._fanout)
        out: dict[str, Any] = {"clients": len(self.clients), "dropped_slow": self.dropped_slow,
                               "transport_subscribers": len(self.transport_subscribers),
                               "broadcasts": self.broadcasts, "fanout": None}
        if times:
            p99 = times[min(len(times) - 1, round(0.99 * (len(times) - 1)))]
            out["fanout"] = {"n": len(times),
                             "max_recipients": max(n for n, _t in self._fanout),
                             "median_ms": statistics.median(times) * 1e3,
                             "p99_ms": p99 * 1e3, "max_ms": times[-1] * 1e3}
        return out

    def push_transport(self, state: dict[str, Any]) -> None:
        """The transport state to every subscriber."""
        if self.transport_subscribers:
            self.broadcast(self.transport_subscribers, {"type": "transport", "state": state})

    async def close_all(self) -> None:
        """Close every socket (server shutdown)."""
        for conn in list(self.clients.values()):
            with contextlib.suppress(Exception):
                conn.close(1001, "server shutting down")
        self.clients.clear()
        self.transport_subscribers.clear()

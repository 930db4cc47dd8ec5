"""The WebSocket ``{base_url}/schillinger/api/ws``: generate, sessions, transport, heartbeat.

Every message is a JSON object with ``type`` and an optional ``id`` echoed in the answer.

=================  ======================================================================
``generate``       the REST body of ``endpoint`` (default ``rhythm``) plus ``id``; answered
                   by ``progress`` messages, then ``result`` (``id``, ``result``) or ``error``
``join``           ``session`` (id or name, created when missing): answered by ``joined``
                   with the connection's ``role``, members (each with the user's
                   ``username``, ``display_name``, ``color`` and ``role``), params and the
                   operation history; the others get ``presence``. A ``name``, if sent,
                   must be the user's own (403 otherwise). Joining only reads: a user the
                   Authorizer allows ``read`` only joins as a ``"watcher"`` (sees
                   everything live, every edit refused), but cannot create a session
``leave``          leave the session (closing the socket leaves too)
``presence``       with ``state``: share a cursor/selection with the others (stamped with
                   the server's identity and role, :func:`.awareness.stamp`); without: list
``param_change``   ``param``, ``value``: kept in the session, broadcast to the others; with
                   an ``id``, answered by ``ack`` (``delivered``: how many got it,
                   ``fanout_ms``: the server's time to hand it to their sockets)
``operation``      ``op``: numbered (``seq``), kept, broadcast in order to every member
``transport``      ``action``: ``subscribe``/``unsubscribe``/``get`` or a transport command;
                   subscribers get the state at 30 Hz while playing and on every change
``ableton``        the REST ``ableton`` body
``heartbeat``      answered with ``heartbeat`` and the server time
binary frames      the Yjs sync protocol on the joined session's Y document (:mod:`.crdt`),
                   for clients that join with ``"sync": "yjs"``; updates are relayed at
                   once and acknowledged by ``sync_ack`` once stored (:mod:`.crdt_ws`)
=================  ======================================================================

The server's own changes to a session (``operation``, ``param_change``) are written into
its Y document too and sent to every member as Yjs updates.

Bounded: a message over ``max_ws_message_bytes`` or nested deeper than ``max_json_depth``
answers ``error`` (413/400; one four times over the limit is closed by tornado, 1009); what a
session keeps (``operation``, ``param_change``, presence ``state``) may be at most
``max_operation_bytes``; ``generate`` and ``ableton`` run beside the connection's reading (at
most :data:`MAX_IN_FLIGHT` at once), so heartbeats and pongs are read meanwhile, and closing
the connection cancels the jobs only it waited for. A ``transport`` ``load`` of 256 KiB or
more is read from its text in a child process, as over REST (:func:`.loading.receive_load`).
A client that leaves more than ``max_ws_send_queue_bytes`` unread is closed with 1008
(:mod:`.hub`); keep-alive pings every ``ServerApp.websocket_ping_interval`` seconds (else
Jupyter's ``ws_ping_interval``, 30 s) close a client that does not answer.

Malformed JSON, unknown types and bad fields answer ``error`` (``message``, ``field``,
``status``: what REST would answer) made by the one error mapper (:mod:`.errors`), so a bad
request reads the same here as on REST and OSC; the connection stays open.

Authorization: the upgrade is authenticated (``ws_authenticated``) and needs ``read`` on the
extension's resource (``@authorized``, as every REST route); then every message asks the
Authorizer again for the action of its type (:func:`message_action`: ``write`` for what
changes state or writes files, ``read`` for the rest), and a refusal answers ``error`` with
status 403 (``join``, ``leave`` and ``presence`` only read, so a read-only user can watch).
Identities come from the server: ``hello`` reports the authenticated user
(``identity``: ``username``, ``display_name``, ``color``), members, presence, ``param_change``
and ``operation`` carry that identity, and a ``join`` whose ``name`` claims anyone else is
refused (403); leave ``name`` out.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from jupyter_server.auth.decorator import ws_authenticated
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.base.websocket import WS_PING_INTERVAL, WebSocketMixin
from tornado.websocket import WebSocketClosedError, WebSocketHandler

from .. import __version__
from ..errors import Busy, Forbidden, ParameterError, ParameterTypeError, TooLarge
from . import models
from .awareness import EDITOR, WATCHER, stamp
from .base import AUTH_RESOURCE, ENDPOINT_ACTIONS, READ, WRITE, authorize, user_may
from .crdt_ws import YjsPeer
from .errors import map_error
from .loading import MessageRefused, may_be_large_load, read_message
from .sessions import Identity

if TYPE_CHECKING:  # pragma: no cover
    from .workbench import Workbench

__all__ = [
    "BACKGROUND",
    "MAX_IN_FLIGHT",
    "MAX_MESSAGE",
    "MESSAGE_ACTIONS",
    "PRESENCE_LIST_MAX",
    "TYPES",
    "SessionSocket",
    "message_action",
]


MAX_MESSAGE = 4 * 1024 * 1024
#: Message types answered beside the connection's reading (they may take seconds).
BACKGROUND = frozenset({"generate", "ableton"})
#: Such answers one connection may have running at once (more: 429).
MAX_IN_FLIGHT = 8
#: messages longer than this (characters) are parsed in the worker pool: checking and parsing
#: a 4 MB message held the event loop ~0.5 s
PARSE_INLINE_CHARS = 64 * 1024
#: Largest session whose join and leave broadcasts carry the member list (beyond: ``count``).
PRESENCE_LIST_MAX = 50
TYPES = ("generate", "join", "leave", "presence", "param_change", "operation", "transport",
         "ableton", "heartbeat")

#: The Authorizer action of each message type on ``AUTH_RESOURCE``; ``None``: it depends on
#: the message (see :func:`message_action`).
MESSAGE_ACTIONS: dict[str, str | None] = {
    "generate": None, "join": READ, "leave": READ, "presence": READ, "param_change": WRITE,
    "operation": WRITE, "transport": None, "ableton": WRITE, "heartbeat": READ,
    "ysync": None,
}
_TRANSPORT_READS = ("get", "subscribe", "unsubscribe")


def message_action(kind: str, data: Mapping[str, Any]) -> str:
    """The action message ``data`` of type ``kind`` needs (unknown cases need ``write``).

    >>> message_action("generate", {"endpoint": "rhythm"}), message_action("generate", {
    ...     "endpoint": "export"})
    ('read', 'write')
    >>> message_action("transport", {"action": "subscribe"}), message_action("transport", {
    ...     "action": "play"})
    ('read', 'write')
    >>> message_action("join", {"session": "duet"}), message_action("operation", {"op": 1})
    ('read', 'write')
    """
    fixed = MESSAGE_ACTIONS.get(kind, WRITE)
    if fixed is not None:
        return fixed
    if kind == "generate":
        endpoint = data.get("endpoint", "rhythm")
        return ENDPOINT_ACTIONS.get(endpoint, WRITE) if isinstance(endpoint, str) else WRITE
    if kind == "transport":
        return READ if data.get("action", "get") in _TRANSPORT_READS else WRITE
    if kind == "ysync":  # a binary frame: sync step 1 only reads, the rest may write
        return WRITE if data.get("writes", True) else READ
    return WRITE


class SessionSocket(WebSocketMixin, WebSocketHandler, JupyterHandler):  # type: ignore[misc]
    """One client connection (authenticated like every Jupyter WebSocket)."""

    client_id: str = ""
    _size = 0  # length of the message being handled
    _tasks: set[asyncio.Task[None]] = frozenset()  # type: ignore[assignment]  # until open
    session_id: str | None = None
    display_name: str = ""
    identity: Identity | None = None
    #: in the joined session: ``"editor"`` or ``"watcher"`` (the Authorizer allows read only)
    role: str = EDITOR
    auth_resource = AUTH_RESOURCE
    yjs: YjsPeer  # the connection's Yjs side (made in open)

    def initialize(self, *, auth_actions: Mapping[str, str] | None = None) -> None:
        """The route table's actions (the upgrade needs ``auth_actions["get"]``: read)."""
        self.auth_actions = dict(auth_actions or {"get": READ})

    def set_default_headers(self) -> None:
        """No extra headers on WebSocket upgrades."""

    @property
    def wb(self) -> Workbench:
        """The shared service."""
        wb: Workbench = self.settings["schillinger_workbench"]
        return wb

    def get_compression_options(self) -> dict[str, Any] | None:
        """No compression: messages are small and latency matters."""
        return None

    @ws_authenticated
    @authorize(READ)
    async def get(self, *args: Any, **kwargs: Any) -> None:
        """Upgrade to a WebSocket once Jupyter has authenticated the user and the Authorizer
        allows reading the extension's resource."""
        res = super().get(*args, **kwargs)
        if res is not None:
            await res

    def open(self, *args: str, **kwargs: str) -> None:  # type: ignore[override]
        """Register and greet with the client id and the authenticated identity."""
        self._tasks = set()
        self.yjs = YjsPeer(self)
        self.client_id = uuid.uuid4().hex[:12]
        self.identity = Identity.of(self.current_user)
        self.display_name = self.identity.display_name
        self.set_nodelay(True)  # small frames: no Nagle delay behind a peer's delayed ACK
        self.wb.hub.add(self)
        self.send({"type": "hello", "client": self.client_id, "user": self.display_name,
                   "identity": self.identity.to_dict(), "version": __version__})

    @property
    def user(self) -> Identity:
        """The server-side identity of this connection."""
        if self.identity is None:
            raise Forbidden("not authenticated")
        return self.identity

    async def allowed(self, action: str) -> bool:
        """Whether the Authorizer lets this connection's user do ``action`` (read, write)."""
        return await user_may(self, action, self.auth_resource)

    async def authorize(self, kind: str, data: Mapping[str, Any]) -> None:
        """Ask the Authorizer for the action message ``kind`` needs (Forbidden when not)."""
        action = message_action(kind, data)
        if not await self.allowed(action):
            raise Forbidden(f"not authorized to {action} {self.auth_resource} "
                            f"({kind!r} needs {action})", field="type")

    def on_close(self) -> None:
        """Leave the session, unregister, cancel the jobs only this connection awaited."""
        if self.session_id is not None:
            self._leave()
        self.wb.hub.remove(self)
        self.wb.jobs.abandon(self)
        for task in list(self._tasks):
            task.cancel()

    def send(self, message: dict[str, Any]) -> None:
        """Send one JSON message (ignored when the socket is gone); a client that has left
        more than ``max_ws_send_queue_bytes`` unread is dropped instead (:meth:`Hub.admit`)."""
        self.send_text(json.dumps(message))

    def send_text(self, text: str) -> None:
        """Send one message already serialised (see :meth:`send`)."""
        if self.ws_connection is None or not self.wb.hub.admit(self, len(text) + 14):
            return
        with contextlib.suppress(WebSocketClosedError):
            self.write_message(text)

    @property
    def ping_interval(self) -> float:
        """Seconds between keep-alive pings (tornado's unit): ``ServerApp.
        websocket_ping_interval`` when set, else Jupyter's ``ws_ping_interval`` (in ms, 30 s
        by default). Jupyter's mixin gives milliseconds under this name, which tornado would
        read as 30,000 seconds."""
        seconds = self.settings.get("websocket_ping_interval")
        if seconds:
            return float(seconds)
        return float(self.settings.get("ws_ping_interval", WS_PING_INTERVAL)) / 1000.0

    @property
    def ping_timeout(self) -> float:
        """Seconds a pong may take before the connection is closed (``ServerApp.
        websocket_ping_timeout``, else the ping interval)."""
        seconds = self.settings.get("websocket_ping_timeout")
        return float(seconds) if seconds else self.ping_interval

    @property
    def max_message_size(self) -> int:
        """Frames tornado reads at all: a little over our own limit, so a message just
        over it gets a clear ``error`` (413), and a far larger one is closed (1009) before
        it is buffered."""
        return int(self.wb.settings.limits.ws_message_bytes) * 4 + 65536

    def error(self, msg_id: Any, exc: Exception) -> None:
        """The ``error`` answer of ``exc`` (by the one mapper); the connection stays open."""
        ans = map_error(exc, self.log)
        self.send({"type": "error", "id": msg_id, "message": ans.message, "field": ans.field,
                   "status": ans.status})

    async def on_message(self, message: str | bytes) -> None:
        """Parse, check and dispatch one message; every error is answered, none closes."""
        msg_id: Any = None
        try:
            limits = self.wb.settings.limits
            if isinstance(message, bytes):
                await self.yjs.on_binary(message, limits.ws_message_bytes)
                return
            if may_be_large_load(message, limits) and await self._child_load(message):
                return
            args = (message, limits.ws_message_bytes, limits.json_depth)
            # off the loop, the order of messages is kept: the next frame is read once this
            # one returns
            data = self._parse(*args) if len(message) <= PARSE_INLINE_CHARS \
                else await self.wb.offload(self._parse, *args)
            self._size = len(message)
            msg_id = data.get("id")
            kind = data.get("type")
            if not isinstance(kind, str) or kind not in TYPES:
                raise ParameterError(f"unknown message type {kind!r}; use generate, join, "
                                     "leave, presence, param_change, operation, transport, "
                                     "ableton or heartbeat", field="type")
            await self.authorize(kind, data)
            handler = getattr(self, f"_on_{kind}")
            if kind not in BACKGROUND:
                await handler(data, msg_id)
                return
            # tornado reads this connection's next frame only once on_message returns: long
            # answers run beside it, so heartbeats, pongs and a close are read meanwhile
            if len(self._tasks) >= MAX_IN_FLIGHT:
                raise Busy(f"{MAX_IN_FLIGHT} requests of this connection are still running; "
                           "wait for their answers")
            task = asyncio.ensure_future(self._answer(handler, data, msg_id))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        except Exception as exc:
            self.error(msg_id, exc)

    async def _child_load(self, message: str) -> bool:
        """Answer a large ``transport`` ``load`` read in a child process from the message's
        text, as REST's (:meth:`Workbench.transport_message`); False when it is not one (or
        the user may not write: then it is read, and refused, as any message)."""
        if not await self.allowed(WRITE):
            return False
        try:
            done = await self.wb.transport_message(message)
        except MessageRefused as exc:
            self.error(exc.msg_id, exc.error)
            return True
        if done is None:
            return False
        self.send({"type": "transport", "id": done[0], "state": self.wb.clock.state()})
        return True

    async def _answer(self, handler: Any, data: dict[str, Any], msg_id: Any) -> None:
        try:
            await handler(data, msg_id)
        except Exception as exc:
            self.error(msg_id, exc)

    @staticmethod
    def _parse(message: str | bytes, limit: int = MAX_MESSAGE,
               max_depth: int = models.MAX_JSON_DEPTH) -> dict[str, Any]:
        if isinstance(message, bytes):
            raise ParameterTypeError("binary messages are not accepted; send JSON text")
        return read_message(message, limit, max_depth)

    # ----- message types ---------------------------------------------------------------------
    async def _on_heartbeat(self, data: dict[str, Any], msg_id: Any) -> None:
        self.send({"type": "heartbeat", "id": msg_id, "time": time.time()})

    async def _on_generate(self, data: dict[str, Any], msg_id: Any) -> None:
        body = {k: v for k, v in data.items() if k not in ("type", "id", "endpoint")}
        endpoint = data.get("endpoint", "rhythm")
        if not isinstance(endpoint, str):
            raise ParameterTypeError("endpoint must be a string", field="endpoint")
        self.send({"type": "progress", "id": msg_id, "progress": 0.0, "message": "started"})

        def progress(fraction: float, message: str) -> None:
            self.send({"type": "progress", "id": msg_id, "progress": fraction,
                       "message": message})

        result = await self.wb.run_action_text(endpoint, body, owner=self.user.username,
                                               waiter=self, progress=progress)
        # the answer is JSON text already (a child's, or written off the loop): wrapped, not
        # parsed and written again
        self.send_text(f'{{"type": "result", "id": {json.dumps(msg_id)}, "result": {result}}}')

    def _members(self) -> list[dict[str, Any]]:
        s = self.wb.sessions.get(self.session_id or "")
        return [] if s is None else [m.to_dict() for m in s.members.values()]

    @staticmethod
    def _roster(s: Any) -> list[dict[str, Any]] | None:
        """The member list a join or leave tells everyone: None past
        :data:`PRESENCE_LIST_MAX` members (each would get the whole list on every join:
        cubic in the session's size); ``presence`` without ``state`` lists them."""
        if len(s.members) > PRESENCE_LIST_MAX:
            return None
        return [m.to_dict() for m in s.members.values()]

    def _kept(self, what: str) -> None:
        """Refuse a message a session would keep that is larger than ``max_operation_bytes``:
        the session's log holds thousands of them, so each must stay small."""
        limit = self.wb.settings.limits.operation_bytes
        if self._size > limit:
            raise TooLarge(f"too large: a {what} message of {self._size} characters; at most "
                           f"{limit} (SchillingerApp.max_operation_bytes)", field=what)

    def _session(self) -> Any:
        s = self.wb.sessions.get(self.session_id or "")
        if s is None:
            raise ParameterError("join a session first ({\"type\": \"join\", \"session\": ...})")
        return s

    async def _on_join(self, data: dict[str, Any], msg_id: Any) -> None:
        key = data.get("session")
        user = self.user
        if "name" in data and data["name"] is not None and not user.claims(data["name"]):
            raise Forbidden(f"name: you are {user.display_name!r} ({user.username}); names "
                            "come from the server's login, leave 'name' out", field="name")
        yjs = self.yjs.wants(data.get("sync"))
        # joining only reads: who may not write joins as a watcher (sees all, changes nothing)
        role = EDITOR if await self.allowed(WRITE) else WATCHER
        if self.session_id is not None:
            self._leave()
        s = await self.wb.sessions.ajoin(key, self.client_id, user,  # type: ignore[arg-type]
                                         role)
        self.session_id, self.role = s.id, role
        self.send({"type": "joined", "id": msg_id, "client": self.client_id, "role": role,
                   "session": s.to_dict(history=True), "sync": "yjs" if yjs else None})
        self.yjs.joined(s, yjs)
        self.wb.hub.broadcast(s.members, {"type": "presence", "session": s.id,
                                          "event": "join", "client": self.client_id,
                                          "members": self._roster(s),
                                          "count": len(s.members)}, exclude=self.client_id)

    def _leave(self) -> None:
        sid = self.session_id
        self.session_id = None
        s = self.wb.sessions.leave_soon(sid or "", self.client_id)
        if s is not None:
            self.yjs.left(s)
            self.wb.hub.broadcast(list(s.members), {
                "type": "presence", "session": s.id, "event": "leave",
                "client": self.client_id, "members": self._roster(s),
                "count": len(s.members)})

    async def _on_leave(self, data: dict[str, Any], msg_id: Any) -> None:
        s = self._session()
        self._leave()
        self.send({"type": "left", "id": msg_id, "session": s.id})

    async def _on_presence(self, data: dict[str, Any], msg_id: Any) -> None:
        s = self._session()
        if "state" in data:
            self._kept("state")
            state = data["state"]
            if not isinstance(state, dict):
                raise ParameterTypeError("state must be a JSON object", field="state")
            # names, colours and "editing" as the server knows them, whatever the client said
            state = json.loads(stamp(state, self.client_id, self.user, self.role,
                                     self.wb.settings.limits.operation_bytes))
            s.members[self.client_id].state = state
            self.wb.hub.broadcast(s.members, {
                "type": "presence", "session": s.id, "event": "update",
                "client": self.client_id, "user": self.user.to_dict(), "state": state},
                exclude=self.client_id)
        self.send({"type": "presence", "id": msg_id, "session": s.id, "event": "list",
                   "members": self._members()})

    async def _on_param_change(self, data: dict[str, Any], msg_id: Any) -> None:
        s = self._session()
        param = data.get("param")
        if not isinstance(param, str) or not param or len(param) > 200:
            raise ParameterError("param must be a non-empty string (at most 200 characters)",
                                 field="param")
        if "value" not in data:
            raise ParameterError("value is required", field="value")
        self._kept("value")
        s.params[param] = data["value"]
        await self.wb.sessions.write(s)
        self.yjs.outbox(s)
        hub = self.wb.hub
        delivered = hub.broadcast(s.members, {
            "type": "param_change", "session": s.id, "from": self.client_id,
            "user": self.user.to_dict(), "param": param, "value": data["value"],
            "time": time.time()}, exclude=self.client_id)
        if msg_id is not None:  # how many got it, and the server's hand-off time
            self.send({"type": "ack", "id": msg_id, "delivered": delivered,
                       "fanout_ms": hub.last_fanout()[1] * 1e3})

    async def _on_operation(self, data: dict[str, Any], msg_id: Any) -> None:
        s = self._session()
        if "op" not in data:
            raise ParameterError("op is required", field="op")
        self._kept("op")
        record = s.add_operation(self.client_id, data["op"], self.user)
        await self.wb.sessions.write(s)
        self.yjs.outbox(s)
        self.wb.hub.broadcast(s.members, {"type": "operation", "id": msg_id,
                                                "session": s.id, **record})

    async def _on_transport(self, data: dict[str, Any], msg_id: Any) -> None:
        action = data.get("action", "get")
        hub = self.wb.hub
        if action == "subscribe":
            hub.transport_subscribers.add(self.client_id)
        elif action == "unsubscribe":
            hub.transport_subscribers.discard(self.client_id)
        elif action != "get":
            body = {k: v for k, v in data.items() if k not in ("type", "id")}
            # a load's score is parsed in the worker pool (Workbench.transport), a large load's
            # message in a child (_child_load): only the swap runs on the loop, as over REST
            await self.wb.transport(models.TransportRequest.model_validate(body))
        self.send({"type": "transport", "id": msg_id, "state": self.wb.clock.state()})

    async def _on_ableton(self, data: dict[str, Any], msg_id: Any) -> None:
        body = {k: v for k, v in data.items() if k not in ("type", "id")}
        req = models.AbletonRequest.model_validate(body)
        result = await self.wb.ableton_command(req)
        self.send({"type": "result", "id": msg_id, "result": result})

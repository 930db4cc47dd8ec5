"""The WebSocket hub and the hub authorizer at their edges, over real tornado WebSockets.

A tornado server in the test's loop registers each connection in a :class:`Hub` the way
:class:`~schillinger_kernel.server.ws.SessionSocket` does (``add`` on open, ``remove`` on
close); clients are tornado's own ``websocket_connect``. What a client receives, the close
code and reason it sees, and the hub's counters are checked exactly; frames are checked
against RFC 6455 section 5.2 byte by byte.

Written against the mutants that survived ``mutmut`` on ``server/hub.py`` (its JupyterHub half
is now ``server/hub_scopes.py``) with
``tests/server/test_units.py``, ``test_osc_auth.py`` and ``test_hub_config.py``; see
``bench/mutation.py``.

Survivors of ``server/hub.py`` alone (since the split; 306 mutants, 275 killed, 25 survived,
6 timed out, 91.7%, with ``test_units.py``, ``test_hub_config.py`` and this file), judged
equivalent unless said otherwise:

- ``getattr`` defaults dropped or changed (``queued_bytes``' ``0`` for the write indexes,
  ``_write``'s and ``admit``'s ``None`` for ``stream``): every tornado ``IOStream`` and
  WebSocket protocol has those attributes, so the default is never read;
- ``_write`` choosing tornado's ``write_message`` or the fast path on a compressed connection
  (``or`` to ``and``, ``getattr(None, "_compressor")``): a compressed peer then gets an
  uncompressed frame, which RFC 7692 allows and the client reads as the same text (the plain
  peers' fast path is pinned by ``test_a_plain_socket_gets_the_frame_without_a_task_per_peer``);
- ``sent = 0`` changed to ``None``/``1`` after ``BlockingIOError``: a socket refuses a whole
  frame only when its buffer is full, and then the stream is still writing its backlog, so the
  frame takes the ``stream.writing()`` branch first (no test reached this line); ``sent < len``
  to ``<=``: writing the empty rest of a fully sent frame changes nothing;
- ``_write``'s ``return False`` after ``StreamClosedError`` (``_write`` 31): the stream
  raises it only when it closed after ``is_closing()`` was asked, within one synchronous
  broadcast, which a test cannot arrange without a race (left open, not equivalent). A reset
  peer (``OSError``, ``stream.close(exc)``, and ``send_text`` dropping it and going on to the
  rest) is pinned by ``test_a_peer_reset_mid_broadcast_is_dropped_and_the_rest_still_get_it``;
- ``contextlib.suppress(Exception)`` to ``suppress(None)`` in ``drop_slow`` and ``close_all``:
  tornado's ``close`` does not raise on an open or closing handler;
- what the hand-off time includes (``broadcast``'s ``t0`` dropped, ``send_text``'s own
  ``t0`` always used): the two differ by the ``json.dumps`` time, which only a timing
  assertion could see; ``Hub.wb = None``: the hub never reads it back;
- ``stats``' ``min(len(times) + 1, ...)``: ``round(0.99 * (n - 1))`` never exceeds
  ``n - 1``, so the ``min`` always takes it.
"""

from __future__ import annotations

import asyncio
import json
import socket
import struct
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from helpers import authorized, wait_until_async
from tornado.httpserver import HTTPServer
from tornado.iostream import IOStream
from tornado.web import Application
from tornado.websocket import WebSocketClientConnection, WebSocketHandler, websocket_connect

from schillinger_kernel.errors import ParameterError, ParameterTypeError
from schillinger_kernel.server.hub import (
    SEND_LIMIT,
    SLOW_CONSUMER,
    STATS_KEPT,
    Hub,
    queued_bytes,
    text_frame,
)
from schillinger_kernel.server.hub_scopes import WRITE_SCOPE, HubScopeAuthorizer, hub_decision
from schillinger_kernel.server.limits import Limits
from schillinger_kernel.server.workbench import Settings

SHARE = "access:servers!server=alice/"


# -- frames ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("n", "head"), [
    (0, b"\x81\x00"), (1, b"\x81\x01"), (125, b"\x81\x7d"),
    (126, b"\x81\x7e\x00\x7e"), (0xFFFF, b"\x81\x7e\xff\xff"),
    (0x10000, b"\x81\x7f\x00\x00\x00\x00\x00\x01\x00\x00"),
])
def test_text_frame_header_at_each_length_boundary(n: int, head: bytes) -> None:
    payload = b"a" * n
    assert text_frame(payload) == head + payload
    assert text_frame(bytearray(payload)) == head + payload  # type: ignore[arg-type]


def test_text_frame_refuses_text() -> None:
    with pytest.raises(TypeError) as info:
        text_frame("hi")  # type: ignore[arg-type]
    assert str(info.value) == "payload must be bytes, got str"


def test_queued_bytes_of_a_real_stream_that_is_not_read() -> None:
    async def scenario() -> tuple[int, int, int]:
        a, b = socket.socketpair()
        stream = IOStream(a)
        try:
            before = queued_bytes(stream)
            # far more than the socket buffers take: the rest waits in the stream
            stream.write(b"x" * 8_000_000)
            waiting = queued_bytes(stream)
            return before, waiting, 8_000_000
        finally:
            stream.close()
            b.close()

    before, waiting, sent = asyncio.run(scenario())
    assert before == 0
    assert 0 < waiting <= sent
    assert queued_bytes(None) == 0


# -- the hub over real WebSockets -----------------------------------------------------------

class _Socket(WebSocketHandler):
    """Registers in the hub as SessionSocket does; the client names its id in the URL."""

    hub: Hub
    compress: bool

    def initialize(self, hub: Hub, compress: bool) -> None:
        self.hub, self.compress = hub, compress

    def get_compression_options(self) -> dict[str, Any] | None:
        return {} if self.compress else None

    def open(self, *args: str, **kwargs: str) -> None:
        self.client_id = self.get_argument("id")
        self.hub.add(self)

    def on_close(self) -> None:
        self.hub.remove(self)


async def _read(conn: WebSocketClientConnection) -> Any:
    # a guard, not a timing check: a message that never comes fails the test instead of
    # hanging it (a close that raised inside the hub leaves the client waiting)
    return await asyncio.wait_for(conn.read_message(), 60)


async def _json(conn: WebSocketClientConnection) -> Any:
    message = await _read(conn)
    assert isinstance(message, str), message
    return json.loads(message)


@dataclass
class Rig:
    hub: Hub
    port: int
    compress: bool = False

    async def client(self, cid: str) -> WebSocketClientConnection:
        conn = await websocket_connect(
            f"ws://127.0.0.1:{self.port}/ws?id={cid}",
            compression_options={} if self.compress else None)
        # the server registers it on its side of the handshake
        await wait_until_async(lambda: cid in self.hub.clients, 5, f"{cid} registered",
                               interval=0.005)
        return conn


async def _rig(hub: Hub, compress: bool = False) -> tuple[Rig, HTTPServer]:
    app = Application([(r"/ws", _Socket, {"hub": hub, "compress": compress})])
    server = HTTPServer(app)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    sock.setblocking(False)
    server.add_sockets([sock])
    return Rig(hub, sock.getsockname()[1], compress), server


@pytest.fixture
async def rig() -> AsyncIterator[Rig]:
    r, server = await _rig(Hub())
    yield r
    server.stop()
    await r.hub.close_all()


async def test_broadcast_reaches_the_named_clients_but_the_excluded(rig: Rig) -> None:
    a, b, c = [await rig.client(x) for x in "abc"]
    assert set(rig.hub.clients) == {"a", "b", "c"}
    # the excluded and the unknown come first: the rest are still served
    n = rig.hub.broadcast(["b", "zz", "a"], {"type": "hello", "n": 1}, exclude="b")
    assert n == 1  # b excluded, zz unknown, c not named
    assert await _json(a) == {"type": "hello", "n": 1}
    assert rig.hub.broadcast(["a", "b", "c"], {"n": 2}) == 3
    for conn in (a, b, c):
        assert await _json(conn) == {"n": 2}
    # text as given, frame built once, order kept per client
    assert rig.hub.send_text(["b"], "one") == 1 and rig.hub.send_text(["b"], "two") == 1
    assert [await _read(b), await _read(b)] == ["one", "two"]
    assert rig.hub.broadcasts == 4
    assert rig.hub.last_fanout()[0] == 1 and rig.hub.last_fanout()[1] >= 0.0
    for conn in (a, b, c):
        conn.close()


async def test_compressed_connections_get_the_same_messages() -> None:
    r, server = await _rig(Hub(), compress=True)
    try:
        a = await r.client("a")
        assert r.hub.clients["a"].ws_connection._compressor is not None
        assert r.hub.broadcast(["a"], {"x": "y" * 300}) == 1
        assert await _json(a) == {"x": "y" * 300}
        a.close()
    finally:
        server.stop()
        await r.hub.close_all()


async def test_large_messages_arrive_whole(rig: Rig) -> None:
    a = await rig.client("a")
    big = "z" * 3_000_000  # more than one send() takes: the rest goes through the buffer
    assert rig.hub.send_text(["a"], big) == 1
    assert rig.hub.send_text(["a"], "after") == 1
    assert await _read(a) == big
    assert await _read(a) == "after"
    a.close()


async def test_closed_and_closing_clients_are_dropped(rig: Rig) -> None:
    a, b = await rig.client("a"), await rig.client("b")
    peer_b = rig.hub.clients["b"]
    peer_b.close(1000, "bye")  # closing on the server side: no more messages for it
    assert rig.hub.broadcast(["b", "a"], {"n": 1}) == 1  # a closing peer first: a still served
    assert "b" not in rig.hub.clients and "a" in rig.hub.clients
    assert await _json(a) == {"n": 1}
    assert await _read(b) is None
    a.close()


async def test_remove_forgets_only_the_registered_connection(rig: Rig) -> None:
    a1 = await rig.client("a")
    first = rig.hub.clients["a"]
    a2 = await rig.client("a")  # a reconnect under the same id replaces the first
    second = rig.hub.clients["a"]
    assert second is not first
    rig.hub.transport_subscribers.add("a")
    rig.hub.remove(first)  # the old socket's close must not unregister the new one
    assert rig.hub.clients["a"] is second
    assert "a" not in rig.hub.transport_subscribers
    rig.hub.remove(second)
    assert "a" not in rig.hub.clients
    a1.close()
    a2.close()


async def test_a_client_that_does_not_read_is_dropped_at_the_limit() -> None:
    class _Carrier:  # what Workbench gives the hub: its settings
        settings = Settings(root_dir=".", limits=Limits(ws_send_queue_bytes=1000))

    hub = Hub(_Carrier())
    assert hub.send_limit == 1000
    assert Hub().send_limit == SEND_LIMIT == 16 * 1024 * 1024
    r, server = await _rig(hub)
    try:
        a = await r.client("a")
        peer = hub.clients["a"]
        fits = "x" * (1000 - 4)  # a 996-byte text: 4 header bytes, exactly the limit
        assert len(text_frame(fits.encode())) == 1000
        assert hub.admit(peer, 1000) is True and hub.dropped_slow == 0
        assert hub.send_text(["a"], fits) == 1
        assert await _read(a) == fits
        assert hub.admit(peer, 1001) is False
        assert hub.dropped_slow == 1 and "a" not in hub.clients
        assert await _read(a) is None
        assert a.close_code == SLOW_CONSUMER == 1008
        assert a.close_reason == ("too slow: more than 1000 bytes unread "
                                  "(SchillingerApp.max_ws_send_queue_bytes)")
        b = await r.client("b")
        assert hub.send_text(["b"], "y" * 1000) == 0  # 1004 bytes: over the limit at once
        assert hub.dropped_slow == 2 and await _read(b) is None
        assert b.close_code == 1008
    finally:
        server.stop()
        await hub.close_all()


async def test_unread_messages_wait_in_the_stream_until_the_limit() -> None:
    class _Carrier:
        settings = Settings(root_dir=".", limits=Limits(ws_send_queue_bytes=5_000_000))

    hub = Hub(_Carrier())
    r, server = await _rig(hub)
    try:
        slow, fast = await r.client("slow"), await r.client("fast")
        chunk = "m" * 1_000_000
        sent = 0
        for _ in range(40):  # 40 MB: far more than the sockets' kernel buffers hold
            # the slow one is named first: dropping it must not cost the fast one its copy
            sent += hub.send_text(["slow", "fast"], chunk) - 1
            assert await _read(fast) == chunk
            if "slow" not in hub.clients:
                break
        # the kernel took some, the stream queued the rest until 5 MB waited: then dropped
        assert "slow" not in hub.clients and hub.dropped_slow == 1
        assert 5 <= sent < 40
        got = 0
        while (m := await _read(slow)) is not None:
            assert m == chunk
            got += 1
        assert slow.close_code == SLOW_CONSUMER
        # a reader that keeps up gets a long queued run whole and in order
        for i in range(4):
            assert hub.send_text(["fast"], f"{i}" * 1_000_000) == 1
        assert hub.send_text(["fast"], "end") == 1
        assert [await _read(fast) for _ in range(5)] == [f"{i}" * 1_000_000 for i in range(4)
                                                         ] + ["end"]
        assert "fast" in hub.clients
        fast.close()
    finally:
        server.stop()
        await hub.close_all()


async def test_a_plain_socket_gets_the_frame_without_a_task_per_peer(rig: Rig) -> None:
    # the fast path: one send on the socket, no future or task (tornado's write_message
    # makes a task per message, which at 30 pushes a second to every peer adds up)
    peers = [await rig.client(f"p{i}") for i in range(5)]
    before = len(asyncio.all_tasks())
    assert rig.hub.broadcast([f"p{i}" for i in range(5)], {"n": 1}) == 5
    assert len(asyncio.all_tasks()) == before
    assert rig.hub.last_fanout()[0] == 5 and 0.0 < rig.hub.last_fanout()[1] < 5.0
    for conn in peers:
        assert await _json(conn) == {"n": 1}
        conn.close()


async def test_a_peer_reset_mid_broadcast_is_dropped_and_the_rest_still_get_it(
        rig: Rig) -> None:
    gone, stays = await rig.client("gone"), await rig.client("stays")
    server_stream = rig.hub.clients["gone"].ws_connection.stream
    # the client closes with SO_LINGER 0, so its kernel answers with a reset at once; the
    # server's stream has not read it when the broadcast (no await in between) sends to it
    assert gone.protocol is not None and gone.protocol.stream is not None
    client_stream = gone.protocol.stream
    assert client_stream.socket is not None
    client_stream.socket.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                    struct.pack("ii", 1, 0))
    client_stream.close()
    assert rig.hub.broadcast(["gone", "stays"], {"n": 1}) == 1
    assert list(rig.hub.clients) == ["stays"]
    assert isinstance(server_stream.error, ConnectionResetError), server_stream.error
    assert server_stream.closed()
    assert await _json(stays) == {"n": 1}
    stays.close()


async def test_push_transport_goes_to_subscribers_only(rig: Rig) -> None:
    a, b = await rig.client("a"), await rig.client("b")
    rig.hub.push_transport({"playing": True})
    assert rig.hub.broadcasts == 0  # nobody subscribed: nothing sent, nothing counted
    rig.hub.transport_subscribers.add("b")
    rig.hub.push_transport({"playing": True, "tempo": 90.0})
    assert await _json(b) == {"type": "transport",
                                                  "state": {"playing": True, "tempo": 90.0}}
    assert rig.hub.broadcasts == 1 and rig.hub.last_fanout()[0] == 1
    a.close()
    b.close()


async def test_close_all_says_the_server_is_shutting_down(rig: Rig) -> None:
    a, b = await rig.client("a"), await rig.client("b")
    rig.hub.transport_subscribers.add("a")
    await rig.hub.close_all()
    assert rig.hub.clients == {} and rig.hub.transport_subscribers == set()
    for conn in (a, b):
        assert await _read(conn) is None
        assert (conn.close_code, conn.close_reason) == (1001, "server shutting down")


async def test_stats_before_and_after_broadcasts(rig: Rig) -> None:
    assert rig.hub.last_fanout() == (0, 0.0)
    assert rig.hub.stats() == {"clients": 0, "dropped_slow": 0, "transport_subscribers": 0,
                               "broadcasts": 0, "fanout": None}
    a, b = await rig.client("a"), await rig.client("b")
    rig.hub.transport_subscribers.add("a")
    rig.hub.broadcast(["a", "b"], {"n": 1})
    rig.hub.broadcast(["a"], {"n": 2})
    rig.hub.broadcast([], {"n": 3})
    s = rig.hub.stats()
    fan = s.pop("fanout")
    assert s == {"clients": 2, "dropped_slow": 0, "transport_subscribers": 1, "broadcasts": 3}
    assert fan["n"] == 3 and fan["max_recipients"] == 2
    assert set(fan) == {"n", "max_recipients", "median_ms", "p99_ms", "max_ms"}
    assert 0 <= fan["median_ms"] <= fan["p99_ms"] <= fan["max_ms"]
    assert rig.hub.last_fanout()[0] == 0
    a.close()
    b.close()


def test_stats_percentiles_of_known_hand_off_times() -> None:
    hub = Hub()
    # the hand-off times of 200 broadcasts, as send_text records them
    for i in range(200):
        hub._fanout.append((i % 5, (i + 1) / 1000))
    fan = hub.stats()["fanout"]
    assert fan["n"] == 200 and fan["max_recipients"] == 4
    assert fan["median_ms"] == pytest.approx(100.5)
    assert fan["p99_ms"] == pytest.approx(198.0)  # index round(0.99 * 199) = 197
    assert fan["max_ms"] == pytest.approx(200.0)
    two = Hub()
    two._fanout.extend([(1, 0.001), (1, 0.003)])
    assert two.stats()["fanout"]["p99_ms"] == pytest.approx(3.0)  # round(0.99) = 1: the top
    one = Hub()
    one._fanout.append((3, 0.002))
    assert one.stats()["fanout"] == {"n": 1, "max_recipients": 3, "median_ms": 2.0,
                                     "p99_ms": 2.0, "max_ms": 2.0}
    assert STATS_KEPT == 1024 and hub._fanout.maxlen == STATS_KEPT


# -- the hub's decision and the authorizer ---------------------------------------------------

@pytest.mark.parametrize("name", ["action", "resource", "username", "owner", "server_name"])
def test_every_named_argument_must_be_a_string(name: str) -> None:
    kwargs: dict[str, Any] = {"action": "read", "resource": "schillinger", "username": "bob",
                              "owner": "alice", "server_name": ""}
    kwargs[name] = 7
    with pytest.raises(ParameterTypeError) as info:
        hub_decision(kwargs.pop("action"), kwargs.pop("resource"), scopes=[SHARE], **kwargs)
    assert str(info.value) == f"{name} must be a string, got int 7"
    assert info.value.field == name


@pytest.mark.parametrize(("field", "value"), [("scopes", SHARE), ("scopes", [SHARE, 3]),
                                              ("access_scopes", "access:servers"),
                                              ("access_scopes", [None])])
def test_scope_lists_must_hold_strings(field: str, value: Any) -> None:
    kwargs: dict[str, Any] = {"scopes": [SHARE], field: value}
    with pytest.raises(ParameterTypeError) as info:
        hub_decision("read", "schillinger", username="bob", owner="alice", **kwargs)
    assert str(info.value) == (f"{field} must be an iterable of scope strings such as "
                               f"'access:servers!server=alice/', got {value!r}")
    assert info.value.field == field


def test_the_reasons_read_exactly() -> None:
    def reason(**kw: Any) -> tuple[bool, str]:
        args = {"username": "bob", "scopes": [SHARE], "owner": "alice"} | kw
        d = hub_decision(args.pop("action", "write"), args.pop("resource", "schillinger"),
                         **args)
        return d.allowed, d.reason

    assert reason(access_scopes=[]) == (False, "no access to alice/: bob holds none of "
                                               "(no access scopes)")
    assert reason(scopes=[]) == (False, "no access to alice/: bob holds none of "
                                        "access:servers!server=alice/, "
                                        "access:servers!user=alice")
    assert reason(username="alice", scopes=["access:servers!user=alice"]) == (
        True, "alice owns alice/")
    assert reason(server_name="band", scopes=["access:servers!server=alice/band",
                                              f"{WRITE_SCOPE}!server=alice/band"]) == (
        True, f"bob holds {WRITE_SCOPE} for alice/band")
    assert reason(action="read") == (True, "bob reaches alice/: read is allowed")
    assert reason(resource="contents") == (True, "bob reaches alice/: write is allowed")
    assert reason() == (False, f"read-only share: writing needs the owner or "
                               f"{WRITE_SCOPE}!server=alice/")
    # an owner named "" is nobody: the empty username does not own it, nor does a write
    # scope filtered on the empty server name
    assert reason(owner="", username="", scopes=["access:servers", WRITE_SCOPE],
                  access_scopes=[SHARE]) == (
        False, f"read-only share: writing needs the owner or {WRITE_SCOPE}!server=/")
    with pytest.raises(ParameterError) as info:
        reason(scopes=[SHARE, "access:servers!nonsense"])
    assert info.value.field == "scopes"
    assert str(info.value).endswith(f"; give them as the hub expands them, e.g. "
                                    f"'{WRITE_SCOPE}!user=bob'")


def test_without_jupyterhub_the_decision_says_what_to_install(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "jupyterhub.services.auth", None)  # as if not installed
    with pytest.raises(ParameterError) as info:
        hub_decision("read", "schillinger", username="bob", scopes=[SHARE], owner="alice")
    assert str(info.value) == ("hub_decision needs JupyterHub's scope matching: "
                               "pip install jupyterhub")


def test_the_authorizer_fails_closed_outside_a_hub() -> None:
    from jupyter_server.auth.identity import IdentityProvider, User

    auth = HubScopeAuthorizer(identity_provider=IdentityProvider())
    alice = User(username="alice")
    for action in ("read", "write", "execute"):
        assert authorized(auth, None, alice, action, "schillinger") is False


def _hub_authorizer(access: set[str]) -> HubScopeAuthorizer:
    """The authorizer as a single-user server makes it: JupyterHub's own identity provider
    holding a HubOAuth with this server's access scopes (nothing here talks to a hub)."""
    from jupyterhub.services.auth import HubOAuth
    from jupyterhub.singleuser.extension import JupyterHubIdentityProvider

    hub_auth = HubOAuth(api_token="t" * 32, api_url="http://127.0.0.1:9/hub/api",
                        access_scopes=access)
    return HubScopeAuthorizer(identity_provider=JupyterHubIdentityProvider(hub_auth=hub_auth))


def _hub_user(name: str, scopes: Any) -> Any:
    from jupyterhub.singleuser.extension import JupyterHubUser

    return JupyterHubUser({"name": name, "scopes": scopes})


def test_the_authorizer_under_a_hub(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("jupyterhub")
    monkeypatch.setenv("JUPYTERHUB_USER", "alice")
    monkeypatch.delenv("JUPYTERHUB_SERVER_NAME", raising=False)
    auth = _hub_authorizer({SHARE})
    bob = _hub_user("bob", [SHARE])
    writer = _hub_user("bob", [SHARE, f"{WRITE_SCOPE}!server=alice/"])
    alice = _hub_user("alice", ["access:servers!user=alice"])
    stranger = _hub_user("carol", ["access:servers!user=carol"])
    assert authorized(auth, None, bob, "read", "schillinger") is True
    assert authorized(auth, None, bob, "write", "schillinger") is False
    assert authorized(auth, None, bob, "write", "contents") is True  # the hub's check only
    assert authorized(auth, None, writer, "write", "schillinger") is True
    assert authorized(auth, None, alice, "write", "schillinger") is True  # the owner
    assert authorized(auth, None, stranger, "read", "schillinger") is False
    # scopes the hub's parser refuses, or that are not strings, grant nothing
    assert authorized(auth, None, _hub_user("bob", [SHARE, "access:servers!x"]), "read",
                              "schillinger") is False
    assert authorized(auth, None, _hub_user("bob", [SHARE, 3]), "read", "schillinger") is False
    assert authorized(auth, None, _hub_user("bob", None), "read", "schillinger") is False
    # a user without hub information (not from the hub's identity provider) gets nothing
    from jupyter_server.auth.identity import User

    assert authorized(auth, None, User(username="bob"), "read", "schillinger") is False


def test_the_authorizer_reads_the_server_name_and_owner(monkeypatch: pytest.MonkeyPatch
                                                        ) -> None:
    pytest.importorskip("jupyterhub")
    band = "access:servers!server=alice/band"
    monkeypatch.setenv("JUPYTERHUB_USER", "alice")
    monkeypatch.setenv("JUPYTERHUB_SERVER_NAME", "band")
    auth = _hub_authorizer({band})
    assert authorized(auth, None, _hub_user("bob", [band, f"{WRITE_SCOPE}!server=alice/band"]),
                              "write", "schillinger") is True
    assert authorized(auth, None, _hub_user("bob", [band, f"{WRITE_SCOPE}!server=alice/"]),
                              "write", "schillinger") is False
    # no owner in the environment: nobody writes, not even a holder of the write scope
    monkeypatch.delenv("JUPYTERHUB_USER")
    monkeypatch.delenv("JUPYTERHUB_SERVER_NAME")
    auth = _hub_authorizer({SHARE})
    anyone = _hub_user("alice", ["access:servers", WRITE_SCOPE])
    assert authorized(auth, None, anyone, "read", "schillinger") is True
    assert authorized(auth, None, anyone, "write", "schillinger") is False


@pytest.mark.parametrize(("kwargs", "field"), [({"sharing": 1}, "sharing"),
                                               ({"shares_may_write": None}, "shares_may_write"),
                                               ({"authorizer": "NoDots"}, "authorizer"),
                                               ({"authorizer": "my.bad-name.X"}, "authorizer"),
                                               ({"authorizer": "..."}, "authorizer"),
                                               ({"authorizer": "_._"}, "authorizer"),
                                               ({"authorizer": 5}, "authorizer")])
def test_config_option_errors_name_their_field(kwargs: dict[str, Any], field: str) -> None:
    from schillinger_kernel.server.hub_scopes import hub_config_lines

    with pytest.raises((ParameterError, ParameterTypeError)) as info:
        hub_config_lines(**kwargs)
    assert getattr(info.value, "field", None) == field
    if field == "authorizer":
        assert str(info.value) == ("authorizer must be a dotted class path such as "
                                   "'schillinger_kernel.server.hub_scopes.HubScopeAuthorizer', got "
                                   f"{kwargs['authorizer']!r}")

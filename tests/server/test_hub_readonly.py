"""Read-only shares under a real JupyterHub (issue 16, item 1) with ``HubScopeAuthorizer``.

The hub of ``test_hub_singleuser`` configured by the lines an admin pastes
(``hub_config_lines()``: the custom scope ``custom:schillinger:write`` declared, users may
share their servers and grant it, every server started with
``--ServerApp.authorizer_class=schillinger_kernel.server.hub_scopes.HubScopeAuthorizer``).
Through the
proxy, with tokens the hub issued: a plain share lets bob read but not write (403, our
message), over REST and over the WebSocket, where every message type that writes is refused
and the connection stays usable; alice, the owner, writes; a share that also carries the write
scope lets bob write, on both doors (and, through npm's proxy, edit the Yjs document). With a
plain share bob joins alice's session as a watcher: through npm's proxy he gets her Y document
and every edit she makes live, and each edit of his is refused.
"""

from __future__ import annotations

import asyncio
import json
import typing
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest
import test_hub_singleuser as base
from helpers import wait_until_async
from test_hub_singleuser import Hub, _api, _token
from tornado.httpclient import HTTPRequest
from tornado.websocket import WebSocketClientConnection, websocket_connect

from schillinger_kernel.server import models
from schillinger_kernel.server.base import ENDPOINT_ACTIONS, READ, WRITE
from schillinger_kernel.server.crdt_client import YClient
from schillinger_kernel.server.hub_scopes import WRITE_SCOPE, hub_config_lines
from schillinger_kernel.server.ws import MESSAGE_ACTIONS, TYPES, message_action

requests = base.requests
pytestmark = base.pytestmark

READONLY = "\n" + hub_config_lines()  # what notebooks/08_teams.ipynb tells an admin to paste


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    """The hub and proxy on loopback, alice's server started with the scope-aware authorizer."""
    yield from base.running_hub(tmp_path_factory.mktemp("hubreadonly"), READONLY)


def _share(hub: Hub, alice: str, scopes: list[str] | None = None) -> list[str]:
    body = {"user": "bob", **({"scopes": scopes} if scopes else {})}
    r = requests.post(f"{hub.url}hub/api/shares/alice/", json=body, timeout=30,
                      headers={"Authorization": f"token {alice}"})
    assert r.status_code in (200, 201), r.text
    return list(r.json()["scopes"])


def _unshare(hub: Hub, alice: str) -> None:
    """Every share of alice's server revoked (each test starts from none)."""
    r = requests.delete(f"{hub.url}hub/api/shares/alice/", timeout=30,
                        headers={"Authorization": f"token {alice}"})
    assert r.status_code == 204, r.text


def test_share_reads_owner_and_write_scope_write(hub: Hub) -> None:
    alice = _token(hub, "alice")
    as_alice = {"Authorization": f"token {alice}"}
    _unshare(hub, alice)
    assert _share(hub, alice) == ["access:servers!server=alice/"]  # the default: read-only

    # a token issued after the share: the single-user server caches token models a while
    as_bob = {"Authorization": f"token {_token(hub, 'bob')}"}
    r = requests.get(_api(hub, "/status"), headers=as_bob, timeout=30)
    assert r.status_code == 200, r.text
    for tail, body in (("/transport", {"action": "play"}), ("/sessions", {"name": "bob-s"})):
        r = requests.post(_api(hub, tail), headers=as_bob, json=body, timeout=30)
        assert r.status_code == 403, (tail, r.status_code, r.text)
        assert r.json()["message"] == "not authorized to write schillinger", r.text
    status = requests.get(_api(hub, "/status"), headers=as_alice, timeout=30).json()
    assert status["transport"]["playing"] is False  # bob's play changed nothing

    # the owner writes without the custom scope
    r = requests.post(_api(hub, "/transport"), headers=as_alice, json={"action": "play"},
                      timeout=30)
    assert r.status_code == 200, r.text
    r = requests.post(_api(hub, "/transport"), headers=as_alice, json={"action": "stop"},
                      timeout=30)
    assert r.status_code == 200, r.text

    # alice adds the write scope to bob's share; his next token carries it
    scopes = _share(hub, alice, ["access:servers!server=alice/",
                                 f"{WRITE_SCOPE}!server=alice/"])
    assert f"{WRITE_SCOPE}!server=alice/" in scopes, scopes
    as_bob = {"Authorization": f"token {_token(hub, 'bob')}"}
    r = requests.post(_api(hub, "/sessions"), headers=as_bob, json={"name": "bob-s"},
                      timeout=30)
    assert r.status_code == 201, r.text
    assert r.json()["owner"]["username"] == "bob", r.text


def _literals(model: type[models.Body], field: str) -> tuple[str, ...]:
    return typing.get_args(model.model_fields[field].annotation)


def _writes() -> list[dict[str, Any]]:
    """One message for every way the WebSocket writes: each type's write form, every transport
    and Ableton command, every generate endpoint that writes. No payloads beyond the type and
    action: authorization comes before any check of the rest."""
    out: list[dict[str, Any]] = [
        {"type": "param_change", "param": "tempo", "value": 90},
        {"type": "operation", "op": {"kind": "note", "pitch": 60}}]
    out += [{"type": "transport", "action": a} for a in _literals(models.TransportRequest,
                                                                  "action")]
    out += [{"type": "ableton", "action": a} for a in _literals(models.AbletonRequest,
                                                                "action")]
    out += [{"type": "generate", "endpoint": e} for e, act in ENDPOINT_ACTIONS.items()
            if act == WRITE]
    return out


def test_the_write_list_covers_every_writing_message() -> None:
    writes = _writes()
    assert all(message_action(m["type"], m) == WRITE for m in writes)
    # every JSON type but those a watcher needs has a form that writes, each in the list
    watching = {"heartbeat", "join", "leave", "presence"}
    assert {m["type"] for m in writes} == set(TYPES) - watching
    assert {MESSAGE_ACTIONS[t] for t in watching} == {READ}
    assert {m["action"] for m in writes if m["type"] == "transport"} >= {"play", "load", "seek"}


class _Conversation:
    """A WebSocket through the proxy: ``ask`` sends one message (with an ``id``) and returns
    the answer carrying that ``id``, passing over pushes and progress meanwhile."""

    def __init__(self, conn: WebSocketClientConnection) -> None:
        self.conn = conn
        self.n = 0

    async def next(self, pred: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        while True:
            msg = await asyncio.wait_for(self.conn.read_message(), 60)
            assert msg is not None, "the WebSocket closed"
            if isinstance(msg, bytes):
                continue  # Yjs frames are not answers
            data = json.loads(msg)
            if pred(data):
                return dict(data)

    async def ask(self, message: dict[str, Any]) -> dict[str, Any]:
        self.n += 1
        n = self.n
        await self.conn.write_message(json.dumps({**message, "id": n}))
        return await self.next(lambda d: d.get("id") == n and d.get("type") != "progress")


def _talk(hub: Hub, token: str,
          script: Callable[[_Conversation, dict[str, Any]], Awaitable[Any]]) -> Any:
    url = _api(hub, "/ws").replace("http://", "ws://", 1)

    async def run() -> Any:
        conn = await websocket_connect(HTTPRequest(
            url, headers={"Authorization": f"token {token}"}, connect_timeout=30,
            request_timeout=30))
        try:
            talk = _Conversation(conn)
            hello = await talk.next(lambda d: d.get("type") == "hello")
            return await script(talk, hello)
        finally:
            conn.close()

    return asyncio.run(run())


def test_websocket_share_reads_write_scope_writes(hub: Hub) -> None:
    alice = _token(hub, "alice")
    as_alice = {"Authorization": f"token {alice}"}
    _unshare(hub, alice)
    _share(hub, alice)
    writes = _writes()

    async def read_only(talk: _Conversation, hello: dict[str, Any]) -> dict[str, Any]:
        assert hello["identity"]["username"] == "bob", hello
        out: dict[str, Any] = {"reads": [await talk.ask({"type": "heartbeat"}),
                                         await talk.ask({"type": "transport", "action": "get"}),
                                         await talk.ask({"type": "transport",
                                                         "action": "subscribe"}),
                                         await talk.ask({"type": "generate", "technique":
                                                         "interference", "generators": [3, 2]})]}
        out["writes"] = [await talk.ask(m) for m in writes]
        out["create"] = await talk.ask({"type": "join", "session": "bob-ws"})
        # a Yjs update frame: bob cannot join a session, so there is no document to write
        await talk.conn.write_message(b"\x00\x02\x01\x00", binary=True)
        out["binary"] = await talk.next(lambda d: d.get("type") == "error")
        out["after"] = [await talk.ask({"type": "heartbeat"}),
                        await talk.ask({"type": "transport", "action": "get"})]
        return out

    seen = _talk(hub, _token(hub, "bob"), read_only)
    heartbeat, state, subscribed, generated = seen["reads"]
    assert heartbeat["type"] == "heartbeat", heartbeat
    assert state["type"] == subscribed["type"] == "transport", (state, subscribed)
    assert generated["type"] == "result", generated
    assert generated["result"]["durations"] == [2, 1, 1, 2], generated
    for message, answer in zip(writes, seen["writes"], strict=True):
        # the same refusal for every write: REST's message, the type that needed it, 403
        assert answer == {"type": "error", "id": answer["id"], "field": "type", "status": 403,
                          "message": "not authorized to write schillinger "
                                     f"({message['type']!r} needs write)"}, (message, answer)
    create = seen["create"]  # joining is a read, making a session is not
    assert (create["status"], create["field"]) == (403, "session"), create
    assert create["message"].startswith("not authorized to write schillinger"), create
    # refused either way; which words say so depends on the proxy (base.PYPI_PROXY)
    why = "malformed JSON" if base.PYPI_PROXY else "join a session first"
    assert seen["binary"]["status"] == 400 and why in seen["binary"]["message"], seen["binary"]
    again, state = seen["after"]
    assert again["type"] == "heartbeat" and state["state"]["playing"] is False, seen["after"]
    status = requests.get(_api(hub, "/status"), headers=as_alice, timeout=30).json()
    assert status["transport"]["playing"] is False
    listed = requests.get(_api(hub, "/sessions"), headers=as_alice, timeout=30).json()
    assert "bob-ws" not in {s["name"] for s in listed}, listed

    _share(hub, alice, ["access:servers!server=alice/", f"{WRITE_SCOPE}!server=alice/"])

    async def writer(talk: _Conversation, hello: dict[str, Any]) -> list[dict[str, Any]]:
        return [await talk.ask({"type": "join", "session": "bob-ws"}),
                await talk.ask({"type": "param_change", "param": "tempo", "value": 90}),
                await talk.ask({"type": "operation", "op": {"kind": "note", "pitch": 60}}),
                await talk.ask({"type": "presence", "state": {"cursor": 3}}),
                await talk.ask({"type": "transport", "action": "play"}),
                await talk.ask({"type": "transport", "action": "stop"}),
                await talk.ask({"type": "leave"})]

    joined, ack, op, presence, play, stop, left = _talk(hub, _token(hub, "bob"), writer)
    assert joined["type"] == "joined", joined
    assert [m["username"] for m in joined["session"]["members"]] == ["bob"], joined
    assert ack["type"] == "ack" and ack["delivered"] == 0, ack
    assert op["type"] == "operation" and op["user"]["username"] == "bob", op
    assert presence["type"] == "presence" and presence["event"] == "list", presence
    assert play["state"]["playing"] is True and stop["state"]["playing"] is False, (play, stop)
    assert left["type"] == "left", left
    listed = requests.get(_api(hub, "/sessions"), headers=as_alice, timeout=30).json()
    mine = {s["name"]: s for s in listed}
    assert mine["bob-ws"]["owner"]["username"] == "bob", listed
    assert mine["bob-ws"]["operations"] == 1, mine["bob-ws"]
    if not base.PYPI_PROXY:  # the Python proxy forwards binary frames as text
        assert _yjs_edit(hub, _token(hub, "bob"), "bob-ws") == [{"bar": 1, "notes": [60, 67]}]
        one = requests.get(_api(hub, f"/sessions/{mine['bob-ws']['id']}"), headers=as_alice,
                           timeout=30).json()
        assert one["score"] == [{"bar": 1, "notes": [60, 67]}], one
    _unshare(hub, alice)


def _yjs_edit(hub: Hub, token: str, session: str) -> Any:
    """Join ``session`` with Yjs through the proxy, add a bar to the score, wait until the
    server says it is stored; the score the client then holds."""
    async def edit() -> Any:
        url = _api(hub, "/ws").replace("http://", "ws://", 1)
        client, conn, task = await YClient.connect(url, session, token)
        try:
            client.score.append({"bar": 1, "notes": [60, 67]})
            await client.stored(timeout=60)
            return client.state()["score"]
        finally:
            task.cancel()
            conn.close()

    return asyncio.run(edit())


def test_a_plain_share_watches_a_session_live(hub: Hub) -> None:
    if base.PYPI_PROXY:
        pytest.skip("the Python configurable-http-proxy forwards binary WebSocket frames as "
                    "text: Yjs needs npm's (npm ci at the repository root)")
    alice = _token(hub, "alice")
    _unshare(hub, alice)
    _share(hub, alice)  # plain: read only
    url = _api(hub, "/ws").replace("http://", "ws://", 1)

    async def watch() -> dict[str, Any]:
        a, a_conn, a_task = await YClient.connect(url, "duet-live", alice)
        a.params["tempo"] = 96
        await a.stored(timeout=60)
        b, b_conn, b_task = await YClient.connect(url, "duet-live", _token(hub, "bob"))
        try:
            joined = next(m for m in b.messages if m["type"] == "joined")
            await _until(lambda: b.synced and b.params.get("tempo") == 96)
            a.params["tempo"] = 104  # alice plays on; bob sees it live
            a.score.append({"bar": 1, "notes": [60]})
            await _until(lambda: b.params.get("tempo") == 104 and len(b.score) == 1)
            b.params["tempo"] = 1  # bob's edit: refused
            b.send_json({"type": "param_change", "param": "tempo", "value": 1})
            await _until(lambda: len(b.errors) == 2)
            b.send_json({"type": "heartbeat", "id": "kept"})
            await _until(lambda: any(m.get("id") == "kept" for m in b.messages))
            a.send_json({"type": "heartbeat", "id": "kept"})
            await _until(lambda: any(m.get("id") == "kept" for m in a.messages))
            return {"joined": joined, "errors": b.errors, "alice": a.state(),
                    "alice_errors": a.errors}
        finally:
            for task, conn in ((a_task, a_conn), (b_task, b_conn)):
                task.cancel()
                conn.close()

    seen = asyncio.run(watch())
    joined = seen["joined"]
    assert joined["role"] == "watcher", joined
    assert {m["username"]: m["role"] for m in joined["session"]["members"]} == {
        "alice": "editor", "bob": "watcher"}, joined
    assert [{k: e[k] for k in ("status", "field", "message")} for e in seen["errors"]] == [
        {"status": 403, "field": "type",
         "message": f"not authorized to write schillinger ({k!r} needs write)"}
        for k in ("ysync", "param_change")], seen["errors"]
    assert seen["alice"]["params"] == {"tempo": 104.0} and not seen["alice_errors"], seen
    listed = requests.get(_api(hub, "/sessions"), timeout=30,
                          headers={"Authorization": f"token {alice}"}).json()
    one = next(s for s in listed if s["name"] == "duet-live")
    one = requests.get(_api(hub, f"/sessions/{one['id']}"), timeout=30,
                       headers={"Authorization": f"token {alice}"}).json()
    assert one["params"] == {"tempo": 104} and one["score"] == [{"bar": 1, "notes": [60]}]
    _unshare(hub, alice)


async def _until(pred: Callable[[], Any], timeout: float = 60.0) -> None:
    """Until ``pred()`` holds, reading the connections meanwhile (fails after ``timeout``)."""
    await wait_until_async(pred, timeout, "the watcher's view")

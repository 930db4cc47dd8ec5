"""Sharing a server through a real JupyterHub (issue 16, item 1): alice shares, bob joins.

The hub of ``test_hub_singleuser`` (its config, DummyAuthenticator, local spawner, the Python
configurable-http-proxy), with the default ``user`` role widened by ``shares!user`` so alice may
share her own server. Through the proxy, with tokens the hub issued: bob cannot reach alice's
server before the share; after alice's ``POST /hub/api/shares/alice/`` he can, and whatever he
creates there is his, whatever name the client claims.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
import test_hub_singleuser as base
from test_hub_singleuser import Hub, _api, _token
from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

requests = base.requests
pytestmark = base.pytestmark

ROLES = """
c.JupyterHub.load_roles = [{"name": "admin", "services": ["tester"]},
                           {"name": "user", "scopes": ["self", "shares!user",
                                                     "read:users:name"]}]
"""


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    """The hub and proxy on loopback, alice's server started; alice may share it."""
    yield from base.running_hub(tmp_path_factory.mktemp("hubshare"), ROLES)


def _refused(r: Any) -> bool:
    return r.status_code in (401, 403) or (
        r.status_code == 302 and "/hub/" in r.headers.get("Location", ""))


def _ws_join_as(hub: Hub, token: str, session: str) -> tuple[dict[str, Any], ...]:
    """bob's WebSocket: hello, then a join claiming alice's name, then a plain join."""
    url = _api(hub, "/ws").replace("http://", "ws://", 1)

    async def talk() -> tuple[dict[str, Any], ...]:
        conn = await websocket_connect(HTTPRequest(
            url, headers={"Authorization": f"token {token}"}, connect_timeout=30,
            request_timeout=30))

        async def until(pred: Any) -> dict[str, Any]:
            while True:
                msg = await asyncio.wait_for(conn.read_message(), 30)
                assert msg is not None, "the WebSocket closed"
                data = json.loads(msg)
                if pred(data):
                    return dict(data)
        try:
            hello = await until(lambda d: d.get("type") == "hello")
            conn.write_message(json.dumps({"type": "join", "id": 1, "session": session,
                                           "name": "alice"}))
            claim = await until(lambda d: d.get("id") == 1)
            conn.write_message(json.dumps({"type": "join", "id": 2, "session": session}))
            joined = await until(lambda d: d.get("id") == 2)
            return hello, claim, joined
        finally:
            conn.close()

    return asyncio.run(talk())


def test_share_lets_bob_in_as_bob(hub: Hub) -> None:
    alice, bob = _token(hub, "alice"), _token(hub, "bob")
    as_bob = {"Authorization": f"token {bob}"}
    status = _api(hub, "/status")

    r = requests.get(status, headers=as_bob, allow_redirects=False, timeout=30)
    assert _refused(r), ("bob before the share", r.status_code, r.text[:200])

    r = requests.post(f"{hub.url}hub/api/shares/alice/", json={"user": "bob"}, timeout=30,
                      headers={"Authorization": f"token {alice}"})
    assert r.status_code in (200, 201), r.text
    assert "access:servers!server=alice/" in r.json()["scopes"], r.json()

    # the share holds at once in the hub; the single-user server caches bob's token model
    # for a while, so a token issued after the share is the one that shows it
    bob = _token(hub, "bob")
    as_bob = {"Authorization": f"token {bob}"}
    r = requests.get(status, headers=as_bob, timeout=30)
    assert r.status_code == 200, r.text

    # bob claims alice in headers the hub or proxy might have set: the hub's identity wins
    claims = {**as_bob, "X-Forwarded-User": "alice", "X-Remote-User": "alice",
              "Remote-User": "alice"}
    r = requests.post(_api(hub, "/sessions"), headers=claims, json={"name": "bob-duet"},
                      timeout=30)
    assert r.status_code == 201, r.text
    # ...and in the body: the request is refused, nothing is created under alice's name
    r = requests.post(_api(hub, "/sessions"), headers=as_bob, timeout=30,
                      json={"name": "fake-alice", "owner": "alice"})
    assert r.status_code in (400, 403, 422), (r.status_code, r.text)

    listed = requests.get(_api(hub, "/sessions"), timeout=30,
                          headers={"Authorization": f"token {alice}"}).json()
    owners = {s["name"]: s["owner"]["username"] for s in listed}
    assert owners.get("bob-duet") == "bob", listed
    assert "fake-alice" not in owners, listed

    # on the WebSocket: hello says bob, a join naming alice is refused, a plain join is bob
    hello, claim, joined = _ws_join_as(hub, bob, "bob-duet")
    assert hello["identity"]["username"] == "bob", hello
    assert claim.get("type") == "error", claim
    assert joined.get("type") == "joined", joined
    members = [m.get("username") for m in joined["session"].get("members", [])]
    assert members and set(members) == {"bob"}, joined

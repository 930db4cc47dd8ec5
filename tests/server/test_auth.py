"""Authentication and authorization as Jupyter ships and as JupyterHub uses them.

The other server tests run with ``allow_unauthenticated_access = False``, which refuses
anonymous requests by itself. Here the server keeps Jupyter's defaults (anonymous access
allowed unless a handler says otherwise), so only our own decorators stand between an
anonymous request and the workbench; and the Authorizer is swapped for one that denies
everything, one that allows reading only (a read-only share), and an identity provider with
two users (alice and bob) to check that bob cannot appear as alice.

Which routes only read and which write is written out here (``WRITES``), independently of
the route table, so a route moved to the wrong action fails a test.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from jupyter_server.auth import Authorizer, IdentityProvider, User
from tornado.httpclient import HTTPClientError, HTTPRequest
from tornado.websocket import websocket_connect

from schillinger_kernel.server.base import AUTH_RESOURCE
from schillinger_kernel.server.handlers import routes

EXT = "schillinger_kernel.server"
SCORE = {"parts": [{"name": "A", "notes": [[0, 480, 60, 90], [480, 480, 64, 90]]}]}

#: A request that would succeed (and change something) if nothing refused it.
BODIES: dict[str, dict[str, Any]] = {
    "/rhythm": {"technique": "interference", "generators": [3, 2]},
    "/scales": {"function": "scale", "args": {"name": "D dorian"}},
    "/harmony/progression": {"key": "A minor", "length": 4, "seed": 3},
    "/harmony/cycle": {"key": "C major", "length": 4},
    "/harmony/analyze": {"chords": [[60, 64, 67], [65, 69, 72]]},
    "/compose": {"mode": "quick_compose"},
    "/analyze": {"path": "nothing.wav"},
    "/render": {"score": SCORE, "sample_rate": 22050},
    "/export": {"score": SCORE, "format": "midi", "path": "anon/take.mid"},
    "/sessions": {"name": "intruders"},
    "/transport": {"action": "play"},
    "/ableton": {"action": "set_tempo", "tempo": 42},
}

#: Every (method, route) that changes state or writes files; all others only read.
WRITES = {("post", "/render"), ("post", "/export"), ("post", "/sessions"),
          ("patch", "/sessions/{session_id}"), ("delete", "/sessions/{session_id}"),
          ("post", "/transport"), ("post", "/ableton"),
          ("delete", "/jobs/{job_id}")}


class DenyAll(Authorizer):
    """Says no to everything (as a hub would to a user without access)."""

    def is_authorized(self, handler: Any, user: Any, action: str, resource: str) -> bool:
        return False


class ReadOnly(Authorizer):
    """Allows ``read`` only (a read-only share)."""

    def is_authorized(self, handler: Any, user: Any, action: str, resource: str) -> bool:
        return action == "read"


USERS = {"alice-token": User("alice", name="Alice Liddell", display_name="Alice",
                             color="#c0392b"),
         "bob-token": User("bob", name="Bob Dylan", display_name="Bob", color="#2980b9")}


class TwoUsers(IdentityProvider):
    """Tokens ``alice-token`` and ``bob-token`` log in alice and bob (the server's own token
    still logs in its anonymous user)."""

    async def get_user_token(self, handler: Any) -> User | None:
        user = USERS.get(self.get_token(handler) or "")
        if user is not None:
            return user
        return await super().get_user_token(handler)


def _config(mode: str, ports: dict[str, int], tmp_path: Any) -> dict[str, Any]:
    server: dict[str, Any] = {"jpserver_extensions": {EXT: True,
                                                      "jupyter_server_terminals": False}}
    if mode == "deny":
        server["authorizer_class"] = DenyAll
    elif mode == "readonly":
        server["authorizer_class"] = ReadOnly
    elif mode == "two_users":
        server["identity_provider_class"] = TwoUsers
    # no allow_unauthenticated_access: Jupyter's default (True) stands
    return {"ServerApp": server,
            "SchillingerApp": {"osc_port": 0, "osc_reply_port": ports["reply"],
                               "audio_output": False, "ableton_port": ports["live"],
                               "ableton_reply_port": ports["live_reply"],
                               "sessions_dir": str(tmp_path / "sessions")}}


@pytest.fixture
def jp_server_config(ports: dict[str, int], tmp_path: Any, request: Any) -> dict[str, Any]:
    return _config(getattr(request, "param", "default"), ports, tmp_path)


def _calls() -> list[tuple[str, str, str, bytes | None]]:
    """(method, route path, url tail, body) for every method of every REST route."""
    out = []
    for route in routes():
        spec = getattr(route.handler, "spec", None)
        if spec is None:
            continue
        tail = route.path.replace("{job_id}", "x").replace("{session_id}", "x")
        for method in spec:
            body = (json.dumps(BODIES.get(route.path, {})).encode()
                    if method in ("post", "patch") else None)
            out.append((method, route.path, tail, body))
    return out


def _fetch(http_server_client: Any, jp_base_url: str, tail: str, method: str,
           body: bytes | None, headers: dict[str, str]) -> Any:
    url = f"{jp_base_url}schillinger/api{tail}"
    return http_server_client.fetch(url, method=method.upper(), body=body, headers=headers,
                                    raise_error=False, follow_redirects=False,
                                    request_timeout=20)


def _ws_url(jp_http_port: int, jp_base_url: str) -> str:
    return f"ws://localhost:{jp_http_port}{jp_base_url}schillinger/api/ws"


def _nothing_changed(wb: Any, root: Any) -> None:
    assert wb.clock.state()["playing"] is False
    assert wb.clock.state()["tempo"] == 120.0
    assert len(wb.sessions) == 0
    # queries may run as jobs in the pool; no render or export job was started
    assert not [j for j in wb.jobs.list() if j["kind"] in ("render", "export")]
    assert not (root / "anon").exists()
    assert not [p for p in root.rglob("*") if p.is_file()]


def test_route_table_matches_the_expected_actions() -> None:
    """The route table's action per method: what ``WRITES`` says, read for the rest."""
    seen = set()
    for route in routes():
        spec = getattr(route.handler, "spec", None) or {"get": {}}  # the WebSocket: get only
        assert set(route.auth) == set(spec), route.path  # every method has a rule
        assert route.resource == AUTH_RESOURCE == "schillinger"
        for method, action in route.auth.items():
            expected = "write" if (method, route.path) in WRITES else "read"
            assert action == expected, (method, route.path)
            seen.add((method, route.path))
    assert seen >= WRITES


def test_jupyter_defaults_refuse_anonymous_everywhere(
        jp_serverapp: Any, wb: Any, run: Any, http_server_client: Any, jp_base_url: str,
        jp_http_port: int, jp_root_dir: Any) -> None:
    assert jp_serverapp.allow_unauthenticated_access is True  # Jupyter's default
    checked = 0
    for method, _path, tail, body in _calls():
        for headers in ({}, {"Authorization": "token wrong"}):
            r = run(_fetch(http_server_client, jp_base_url, tail, method, body, headers))
            assert r.code in (401, 403), (method, tail, r.code, r.body)
            checked += 1
    with pytest.raises(HTTPClientError) as err:
        run(websocket_connect(_ws_url(jp_http_port, jp_base_url)))
    assert err.value.code == 403
    assert checked == 2 * len(_calls()) > 30
    _nothing_changed(wb, jp_root_dir)


@pytest.mark.parametrize("jp_server_config", ["deny"], indirect=True)
def test_an_authorizer_that_denies_everything_is_obeyed(
        jp_serverapp: Any, wb: Any, run: Any, jp_fetch: Any, http_server_client: Any,
        jp_base_url: str, jp_auth_header: dict[str, str], jp_ws_fetch: Any,
        jp_root_dir: Any) -> None:
    core = run(jp_fetch("api", "contents", raise_error=False))
    assert core.code == 403  # Jupyter's own API obeys it too
    for method, _path, tail, body in _calls():
        r = run(_fetch(http_server_client, jp_base_url, tail, method, body, jp_auth_header))
        assert r.code == 403, (method, tail, r.code, r.body)
        assert "not authorized" in json.loads(r.body)["message"]
    with pytest.raises(HTTPClientError) as err:
        run(jp_ws_fetch("schillinger", "api", "ws"))
    assert err.value.code == 403
    _nothing_changed(wb, jp_root_dir)


async def _recv(ws: Any, kind: str, timeout: float = 10.0) -> dict[str, Any]:
    async with asyncio.timeout(timeout):
        while True:
            msg = await ws.read_message()
            assert msg is not None, "the server closed the connection"
            data: dict[str, Any] = json.loads(msg)
            if data["type"] in (kind, "error"):
                return data


@pytest.mark.parametrize("jp_server_config", ["readonly"], indirect=True)
def test_read_only_users_can_look_but_not_change(
        wb: Any, run: Any, http_server_client: Any, jp_base_url: str,
        jp_auth_header: dict[str, str], jp_ws_fetch: Any, jp_root_dir: Any) -> None:
    for method, path, tail, body in _calls():
        r = run(_fetch(http_server_client, jp_base_url, tail, method, body, jp_auth_header))
        if (method, path) in WRITES:
            assert r.code == 403, (method, tail, r.code, r.body)
        else:  # a query: answered (404 for the made-up job, 400 for the missing file)
            assert r.code in (200, 400, 404), (method, tail, r.code, r.body)
    code = run(_fetch(http_server_client, jp_base_url, "/status", "get", None, jp_auth_header))
    assert code.code == 200

    async def scenario() -> None:
        ws = await jp_ws_fetch("schillinger", "api", "ws")
        assert (await _recv(ws, "hello"))["identity"]["username"]
        for msg, answer in [({"type": "heartbeat"}, "heartbeat"),
                            ({"type": "transport", "action": "get"}, "transport"),
                            ({"type": "transport", "action": "subscribe"}, "transport"),
                            ({"type": "generate", **BODIES["/rhythm"]}, "result")]:
            ws.write_message(json.dumps({**msg, "id": "q"}))
            got = await _recv(ws, answer)
            assert got["type"] == answer, (msg, got)
        for msg in [{"type": "transport", "action": "play"},
                    {"type": "transport", "action": "tempo", "tempo": 77},
                    {"type": "join", "session": "duet"},
                    {"type": "generate", "endpoint": "export", **BODIES["/export"]},
                    {"type": "generate", "endpoint": "render", **BODIES["/render"]},
                    {"type": "ableton", "action": "set_tempo", "tempo": 42}]:
            ws.write_message(json.dumps({**msg, "id": "w"}))
            got = await _recv(ws, "never")
            assert got["type"] == "error" and got["status"] == 403, (msg, got)
            assert "not authorized to write" in got["message"]
        ws.close()

    run(scenario())
    _nothing_changed(wb, jp_root_dir)


@pytest.mark.parametrize("jp_server_config", ["two_users"], indirect=True)
def test_bob_cannot_appear_as_alice(wb: Any, run: Any, jp_ws_fetch: Any, jp_fetch: Any) -> None:
    async def login(token: str) -> tuple[Any, dict[str, Any]]:
        ws = await jp_ws_fetch("schillinger", "api", "ws",
                               headers={"Authorization": f"token {token}"})
        hello = await _recv(ws, "hello")
        return ws, hello["identity"]

    async def scenario() -> None:
        alice, who_a = await login("alice-token")
        bob, who_b = await login("bob-token")
        assert (who_a["username"], who_a["display_name"], who_a["color"]) == (
            "alice", "Alice", "#c0392b")
        assert who_b["username"] == "bob"
        alice.write_message(json.dumps({"type": "join", "session": "duet2"}))
        joined = await _recv(alice, "joined")
        assert [m["username"] for m in joined["session"]["members"]] == ["alice"]

        for claim in ("alice", "Alice", " ALICE ", "Alice Liddell", "Ludwig van Beethoven"):
            bob.write_message(json.dumps({"type": "join", "id": "j", "session": "duet2",
                                          "name": claim}))
            err = await _recv(bob, "joined")
            assert err["type"] == "error" and err["status"] == 403, (claim, err)
            assert err["field"] == "name" and "Bob" in err["message"]
        assert [m.user.username for m in wb.sessions.get("duet2").members.values()] == [
            "alice"]

        bob.write_message(json.dumps({"type": "join", "session": "duet2"}))
        jb = await _recv(bob, "joined")
        pres = await _recv(alice, "presence")
        for members in (jb["session"]["members"], pres["members"]):
            assert [(m["username"], m["name"], m["color"]) for m in members] == [
                ("alice", "Alice", "#c0392b"), ("bob", "Bob", "#2980b9")]

        bob.write_message(json.dumps({"type": "presence", "state": {"cursor": 3}}))
        upd = await _recv(alice, "presence")
        assert upd["event"] == "update" and upd["user"]["username"] == "bob"
        bob.write_message(json.dumps({"type": "param_change", "param": "g", "value": 1,
                                      "user": {"username": "alice"}, "from": "alice"}))
        pc = await _recv(alice, "param_change")
        assert pc["user"]["username"] == "bob" and pc["from"] != "alice"
        bob.write_message(json.dumps({"type": "operation", "op": {"n": 1},
                                      "user": "alice"}))
        op = await _recv(alice, "operation")
        assert op["user"] == {"username": "bob", "display_name": "Bob", "color": "#2980b9",
                              "initials": op["user"]["initials"]}
        r = await jp_fetch("schillinger", "api", "sessions", "duet2")
        assert json.loads(r.body)["operations"][-1]["user"]["username"] == "bob"
        alice.close()
        bob.close()

    run(scenario())


def test_a_cookie_needs_its_origin_and_xsrf_token(
        wb: Any, run: Any, http_server_client: Any, jp_http_port: int, jp_base_url: str,
        jp_auth_header: dict[str, str], jp_root_dir: Any) -> None:
    """A browser's login cookie alone (another site's page using it) changes nothing: a
    foreign Origin cannot open the WebSocket, and a POST without the XSRF token is refused."""
    r = run(_fetch(http_server_client, jp_base_url, "/status", "get", None, jp_auth_header))
    cookies = [c.split(";", 1)[0] for c in r.headers.get_list("Set-Cookie")]
    login = next(c for c in cookies if c.startswith("username-"))
    cookie = {"Cookie": login}
    ok = run(_fetch(http_server_client, jp_base_url, "/status", "get", None, cookie))
    assert ok.code == 200  # the cookie alone is a valid login
    for tail, body in (("/transport", BODIES["/transport"]), ("/export", BODIES["/export"]),
                       ("/sessions", BODIES["/sessions"])):
        r = run(_fetch(http_server_client, jp_base_url, tail, "post",
                       json.dumps(body).encode(), cookie))
        assert r.code == 403, (tail, r.code, r.body)
        assert b"XSRF" in r.body or b"xsrf" in r.body
    req = HTTPRequest(_ws_url(jp_http_port, jp_base_url),
                      headers={**cookie, "Origin": "http://evil.example"})
    with pytest.raises(HTTPClientError) as err:
        run(websocket_connect(req))
    assert err.value.code == 403
    _nothing_changed(wb, jp_root_dir)

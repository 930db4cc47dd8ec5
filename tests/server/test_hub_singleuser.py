"""Authentication and authorization where teams use the workbench: a real JupyterHub.

A JupyterHub (DummyAuthenticator for the login form, SimpleLocalProcessSpawner) with its
configurable-http-proxy (npm's, as hubs run it, from the repository's root ``npm ci``; else the
Python port on PyPI; run as the hub's proxy command) spawns alice's server with
``python -m jupyterhub.singleuser``: a jupyter-server with the hub's identity provider,
JUPYTERHUB_* in its environment and our extension loaded as on any install. Every request
goes through the proxy, as a browser's would, and every credential is checked by the hub:
tokens it issued, its OAuth login cookie, its scopes. Nothing stands in for the hub.

Checked: every REST route and method and the WebSocket refuse a request without credentials,
with a wrong token, with bob's token (a hub user without access to alice's server) and with an
alice token scoped without ``access:servers``; alice's token works and our extension sees her
hub name; her browser login (hub form, then OAuth) works for reading, but a POST without the
XSRF token and a WebSocket from a foreign Origin are refused.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from helpers import free_port, stop, wait_until
from tornado.httpclient import HTTPClientError, HTTPRequest
from tornado.websocket import websocket_connect

from schillinger_kernel.server.handlers import routes

requests = pytest.importorskip("requests")
pytest.importorskip("jupyterhub", reason="JupyterHub is in the dev extra: pip install -e .[dev]")

BIN = Path(sys.executable).parent
REPO = Path(__file__).resolve().parents[2]
#: The proxy: $SCHILLINGER_TEST_CHP, else npm's (``npm ci`` at the repository root: what hubs
#: run), else the Python port from PyPI (the dev extra).
CHP = os.environ.get("SCHILLINGER_TEST_CHP") or shutil.which(
    "configurable-http-proxy", path=str(REPO / "node_modules" / ".bin")) or shutil.which(
    "configurable-http-proxy", path=str(BIN)) or shutil.which("configurable-http-proxy")
#: The Python port forwards a client's binary WebSocket frames as text (its ``on_message``
#: writes them without ``binary=True``), so Yjs frames reach the server only through npm's.
PYPI_PROXY = CHP is not None and Path(CHP).parent == BIN
HUB_START_TIMEOUT = 120.0
SPAWN_TIMEOUT = 180.0
PASSWORD = secrets.token_hex(8)

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(CHP is None, reason="configurable-http-proxy is missing "
                                 "(npm ci at the repository root, or pip install -e .[dev])")]


@dataclass
class Hub:
    """A running JupyterHub: the proxy's public URL, a service token with admin rights."""

    url: str
    service_token: str
    log: Path
    process: subprocess.Popen[bytes]

    def api(self, method: str, path: str, **kw: Any) -> Any:
        r = requests.request(method, f"{self.url}hub/api/{path}", timeout=30,
                             headers={"Authorization": f"token {self.service_token}"}, **kw)
        r.raise_for_status()
        return r.json() if r.content else None

    def log_tail(self, n: int = 60) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])


def _hub_config(tmp: Path, ports: dict[str, int], service_token: str) -> str:
    spawner_args = ["--allow-root"] if os.geteuid() == 0 else []
    spawner_args += ["--SchillingerApp.osc_port=0", "--SchillingerApp.audio_output=False",
                     f"--SchillingerApp.sessions_dir={tmp / 'sessions'}",
                     "--ServerApp.jpserver_extensions={'jupyter_server_terminals': False}"]
    return f"""
c = get_config()  # noqa
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {ports["public"]}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {ports["hub"]}
c.JupyterHub.db_url = "sqlite:///{tmp / 'hub.sqlite'}"
c.JupyterHub.cookie_secret_file = "{tmp / 'cookie_secret'}"
c.ConfigurableHTTPProxy.command = [{CHP!r}]
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{ports["proxy_api"]}"
c.ConfigurableHTTPProxy.auth_token = {secrets.token_hex(16)!r}
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = {PASSWORD!r}
c.Authenticator.allowed_users = {{"alice", "bob"}}
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = "{tmp / 'home'}/{{username}}"
c.Spawner.cmd = [{sys.executable!r}, "-m", "jupyterhub.singleuser"]
c.Spawner.args = {spawner_args!r}
c.Spawner.default_url = "/tree"
c.Spawner.start_timeout = {int(SPAWN_TIMEOUT)}
c.Spawner.http_timeout = {int(SPAWN_TIMEOUT)}
c.JupyterHub.services = [{{"name": "tester", "api_token": {service_token!r}}}]
c.JupyterHub.load_roles = [{{"name": "admin", "services": ["tester"]}}]
"""


def running_hub(tmp: Path, extra_config: str = "") -> Iterator[Hub]:
    """Start JupyterHub and its proxy on loopback in ``tmp`` (config: :func:`_hub_config`
    plus ``extra_config``), spawn alice's single-user server, yield the hub, stop it all."""
    for user in ("alice", "bob"):
        (tmp / "home" / user).mkdir(parents=True)
    ports = {k: free_port() for k in ("public", "hub", "proxy_api")}
    token = secrets.token_hex(16)
    config = tmp / "jupyterhub_config.py"
    config.write_text(_hub_config(tmp, ports, token) + extra_config)
    log = tmp / "hub.log"
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(config)],
                                stdout=out, stderr=subprocess.STDOUT, cwd=tmp, env=env)
    h = Hub(f"http://127.0.0.1:{ports['public']}/", token, log, proc)

    def answers() -> bool:
        if proc.poll() is not None:
            pytest.fail(f"jupyterhub exited with {proc.returncode}:\n{h.log_tail()}")
        try:
            return requests.get(f"{h.url}hub/api/", timeout=5).status_code == 200
        except requests.RequestException:
            return False

    def alice_ready() -> bool:
        server = h.api("GET", "users/alice").get("servers", {}).get("", {})
        return bool(server.get("ready"))

    try:
        wait_until(answers, HUB_START_TIMEOUT, "JupyterHub behind its proxy", interval=0.5)
        h.api("POST", "users/alice/server")
        wait_until(alice_ready, SPAWN_TIMEOUT, "alice's single-user server", interval=0.5)
        yield h
    except AssertionError as e:
        pytest.fail(f"{e}:\n{h.log_tail()}")
    finally:
        stop(proc, 60)  # the hub stops the servers it spawned and its proxy


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    """JupyterHub and its proxy on loopback, with alice's single-user server started."""
    yield from running_hub(tmp_path_factory.mktemp("hub"))


def _token(hub: Hub, user: str, **body: Any) -> str:
    return str(hub.api("POST", f"users/{user}/tokens", json={"note": "test", **body})["token"])


def _api(hub: Hub, tail: str) -> str:
    return f"{hub.url}user/alice/schillinger/api{tail}"


def _calls() -> list[tuple[str, str]]:
    """(method, url tail) for every method of every REST route of the extension."""
    out: list[tuple[str, str]] = []
    for route in routes():
        spec = getattr(route.handler, "spec", None)
        if spec is None:
            continue
        tail = route.path.replace("{job_id}", "x").replace("{session_id}", "x")
        out.extend((method, tail) for method in spec)
    return out


BODIES = {"/transport": {"action": "play"}, "/sessions": {"name": "intruders"},
          "/export": {"score": {"parts": []}, "format": "midi", "path": "anon/take.mid"}}


def _ws(hub: Hub, headers: dict[str, str]) -> dict[str, Any]:
    """Open the WebSocket through the proxy; the ``hello`` message, or raise HTTPClientError."""
    url = _api(hub, "/ws").replace("http://", "ws://", 1)

    async def hello() -> dict[str, Any]:
        conn = await websocket_connect(HTTPRequest(url, headers=headers, connect_timeout=30,
                                                    request_timeout=30))
        try:
            while True:
                msg = await asyncio.wait_for(conn.read_message(), 30)
                assert msg is not None, "the WebSocket closed before its hello"
                data = json.loads(msg)
                if data.get("type") == "hello":
                    return dict(data)
        finally:
            conn.close()

    return asyncio.run(hello())


def _refused_everywhere(hub: Hub, headers: dict[str, str], who: str) -> int:
    checked = 0
    for method, tail in _calls():
        body = BODIES.get(tail, {}) if method in ("post", "patch") else None
        r = requests.request(method.upper(), _api(hub, tail), json=body, headers=headers,
                             allow_redirects=False, timeout=30)
        # 401/403 from the single-user server; a 302 to the hub's login page is a refusal
        # too (jupyterhub answers unauthenticated page requests with it)
        refused = r.status_code in (401, 403) or (
            r.status_code == 302 and "/hub/" in r.headers.get("Location", ""))
        assert refused, (who, method, tail, r.status_code, r.text[:200])
        checked += 1
    with pytest.raises(HTTPClientError) as err:
        _ws(hub, headers)
    assert err.value.code in (401, 403), (who, err.value.code)
    return checked


def _nothing_changed(hub: Hub, alice: str) -> None:
    status = requests.get(_api(hub, "/status"), timeout=30,
                          headers={"Authorization": f"token {alice}"}).json()
    assert status["transport"]["playing"] is False
    sessions = requests.get(_api(hub, "/sessions"), timeout=30,
                            headers={"Authorization": f"token {alice}"}).json()
    assert "intruders" not in json.dumps(sessions)


def test_singleuser_server_runs_our_extension_under_the_hub(hub: Hub) -> None:
    alice = _token(hub, "alice")
    r = requests.get(_api(hub, "/status"), headers={"Authorization": f"token {alice}"},
                     timeout=30)
    assert r.status_code == 200, r.text
    assert r.json()["version"]
    # the server is the hub's single-user server, not a plain jupyter server
    user = hub.api("GET", "users/alice")
    assert user["servers"][""]["url"] == "/user/alice/"


def test_no_credentials_or_wrong_token_refused_everywhere(hub: Hub) -> None:
    alice = _token(hub, "alice")
    n = _refused_everywhere(hub, {}, "anonymous")
    n += _refused_everywhere(hub, {"Authorization": "token not-a-hub-token"}, "wrong token")
    assert n == 2 * len(_calls()) > 30
    _nothing_changed(hub, alice)


def test_another_hub_user_is_refused_everywhere(hub: Hub) -> None:
    alice, bob = _token(hub, "alice"), _token(hub, "bob")
    _refused_everywhere(hub, {"Authorization": f"token {bob}"}, "bob")
    # a token of alice's own that the hub scoped without access to her servers
    narrow = _token(hub, "alice", scopes=["read:users:name!user=alice"])
    _refused_everywhere(hub, {"Authorization": f"token {narrow}"}, "alice, narrow scope")
    _nothing_changed(hub, alice)


def test_alice_token_acts_as_alice(hub: Hub) -> None:
    alice = _token(hub, "alice")
    auth = {"Authorization": f"token {alice}"}
    r = requests.post(_api(hub, "/rhythm"), headers=auth, timeout=60,
                      json={"technique": "interference", "generators": [3, 2]})
    assert r.status_code == 200, r.text
    assert r.json()["durations"] == [2, 1, 1, 2]
    hello = _ws(hub, auth)
    assert hello["identity"]["username"] == "alice"
    r = requests.post(_api(hub, "/sessions"), headers=auth, json={"name": "alice-duet"},
                      timeout=30)
    assert r.status_code == 201, r.text
    listed = requests.get(_api(hub, "/sessions"), headers=auth, timeout=30).json()
    mine = [s for s in listed if s["name"] == "alice-duet"]
    assert mine and mine[0]["owner"]["username"] == "alice", listed


def test_browser_login_needs_xsrf_and_its_own_origin(hub: Hub) -> None:
    """alice logs in with the hub's form, then OAuth to her server: her cookie reads, but a
    POST without the XSRF token and a WebSocket from another site are refused."""
    s = requests.Session()
    page = s.get(f"{hub.url}hub/login", timeout=30)
    xsrf = re.search(r'name="_xsrf"\s+value="([^"]+)"', page.text)
    form = {"username": "alice", "password": PASSWORD, **({"_xsrf": xsrf.group(1)} if xsrf
                                                          else {})}
    r = s.post(f"{hub.url}hub/login", data=form, timeout=30)
    assert r.status_code == 200 and "login" not in r.url, (r.status_code, r.url)
    r = s.get(f"{hub.url}user/alice/tree", timeout=60)  # OAuth with the hub, then the page
    assert r.status_code == 200 and "/user/alice/" in r.url, (r.status_code, r.url)
    assert any(c.name.startswith("jupyterhub-user-alice") for c in s.cookies)

    assert s.get(_api(hub, "/status"), timeout=30).status_code == 200  # the cookie reads
    for tail in ("/transport", "/sessions", "/export"):
        r = s.post(_api(hub, tail), json=BODIES[tail], timeout=30)
        assert r.status_code == 403 and "xsrf" in r.text.lower(), (tail, r.status_code, r.text)
    token = s.cookies.get("_xsrf", path="/user/alice/") or s.cookies.get("_xsrf")
    assert token, "the single-user server set no _xsrf cookie"
    r = s.post(_api(hub, "/transport"), json={"action": "stop"}, timeout=30,
               headers={"X-XSRFToken": token})
    assert r.status_code == 200, r.text  # the same request with its XSRF token goes through

    cookie = "; ".join(f"{c.name}={c.value}" for c in s.cookies
                       if c.path in ("/", "/user/alice/") or c.path.startswith("/user/alice"))
    with pytest.raises(HTTPClientError) as err:
        _ws(hub, {"Cookie": cookie, "Origin": "http://evil.example"})
    assert err.value.code == 403
    same_site = hub.url.rstrip("/")
    assert _ws(hub, {"Cookie": cookie, "Origin": same_site})["identity"]["username"] == "alice"

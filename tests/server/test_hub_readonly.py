"""Read-only shares under a real JupyterHub (issue 16, item 1) with ``HubScopeAuthorizer``.

The hub of ``test_hub_share`` (alice may share her server), with the custom scope
``custom:schillinger:write`` declared and alice's server started with
``--ServerApp.authorizer_class=schillinger_kernel.server.hub.HubScopeAuthorizer``. Through the
proxy, with tokens the hub issued: a plain share lets bob read but not write (403, our
message); alice, the owner, writes; a share that also carries the write scope lets bob write.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator

import pytest
import test_hub_singleuser as base
from helpers import free_port, wait_until
from test_hub_share import ROLES
from test_hub_singleuser import Hub, _api, _token

from schillinger_kernel.server.hub import WRITE_SCOPE

requests = base.requests
pytestmark = base.pytestmark

# users may grant the write scope on their own servers (so alice can put it in a share)
READONLY = ROLES.replace('"read:users:name"]', f'"read:users:name", "{WRITE_SCOPE}!user"]') + f"""
c.JupyterHub.custom_scopes = {{{WRITE_SCOPE!r}: {{"description": "change a Schillinger server"}}}}
c.Spawner.args = c.Spawner.args + [
    "--ServerApp.authorizer_class=schillinger_kernel.server.hub.HubScopeAuthorizer"]
"""


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    """The hub and proxy on loopback, alice's server started with the scope-aware authorizer."""
    assert WRITE_SCOPE in READONLY and "shares!user" in READONLY  # the roles text matched
    tmp = tmp_path_factory.mktemp("hubreadonly")
    for user in ("alice", "bob"):
        (tmp / "home" / user).mkdir(parents=True)
    ports = {k: free_port() for k in ("public", "hub", "proxy_api")}
    token = secrets.token_hex(16)
    config = tmp / "jupyterhub_config.py"
    config.write_text(base._hub_config(tmp, ports, token) + READONLY)
    log = tmp / "hub.log"
    env = {**os.environ, "PATH": f"{base.BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
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

    try:
        wait_until(answers, base.HUB_START_TIMEOUT, "JupyterHub behind its proxy", interval=0.5)
        h.api("POST", "users/alice/server")
        wait_until(lambda: h.api("GET", "users/alice")["servers"].get("", {}).get("ready"),
                   base.SPAWN_TIMEOUT, "alice's single-user server", interval=0.5)
        yield h
    except AssertionError as e:
        pytest.fail(f"{e}:\n{h.log_tail()}")
    finally:
        proc.terminate()  # the hub stops the servers it spawned and its proxy
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def _share(hub: Hub, alice: str, scopes: list[str] | None = None) -> list[str]:
    body = {"user": "bob", **({"scopes": scopes} if scopes else {})}
    r = requests.post(f"{hub.url}hub/api/shares/alice/", json=body, timeout=30,
                      headers={"Authorization": f"token {alice}"})
    assert r.status_code in (200, 201), r.text
    return list(r.json()["scopes"])


def test_share_reads_owner_and_write_scope_write(hub: Hub) -> None:
    alice = _token(hub, "alice")
    as_alice = {"Authorization": f"token {alice}"}
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

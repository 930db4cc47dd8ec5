"""Read-only shares under a real JupyterHub (issue 16, item 1) with ``HubScopeAuthorizer``.

The hub of ``test_hub_share`` (alice may share her server), with the custom scope
``custom:schillinger:write`` declared and alice's server started with
``--ServerApp.authorizer_class=schillinger_kernel.server.hub.HubScopeAuthorizer``. Through the
proxy, with tokens the hub issued: a plain share lets bob read but not write (403, our
message); alice, the owner, writes; a share that also carries the write scope lets bob write.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import test_hub_singleuser as base
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
    yield from base.running_hub(tmp_path_factory.mktemp("hubreadonly"), READONLY)


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

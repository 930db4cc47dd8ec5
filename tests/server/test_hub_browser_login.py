"""Writes in the browser under a real JupyterHub (issue 16): roles and teams write, shares read.

A browser reaches alice's server through the hub's OAuth: the user logs in with the hub's
form, opens ``/user/alice/``, confirms the hub's "Authorize access" page (shown for another
user's server) and gets a cookie whose token the hub issued to alice's server's OAuth client.
That token holds ``access:servers!server=alice/`` plus the scopes in
``c.Spawner.oauth_client_allowed_scopes``, cut to what the user's *roles* hold. Checked here the
way a browser does it (form, redirects, confirmation form, cookie + XSRF token) against a hub
configured by ``hub_config_lines(teams=["band"])``: frank, granted the write scope for alice's
server by a role, and dave, alice's teammate in ``band``, write (both only read without the
``oauth_client_allowed_scopes`` line); carol, with a plain share, reads and is refused writes;
bob, whose *share* carries the write scope, writes with an API token but only reads in the
browser (the hub does not count shares there); erin, with nothing, is refused by the hub.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

import pytest
import test_hub_singleuser as base
from test_hub_singleuser import PASSWORD, Hub, _api, _token

from schillinger_kernel.server.hub_scopes import WRITE_SCOPE, hub_config_lines

requests = base.requests
pytestmark = base.pytestmark

GRANT = f"{WRITE_SCOPE}!server=alice/"
CONFIG = "\n" + hub_config_lines(teams=["band"]) + (
    'c.Authenticator.allowed_users |= {"carol", "dave", "erin", "frank"}\n'
    'c.JupyterHub.load_groups = {"band": {"users": ["alice", "dave"]}}\n'
    # the admin's way to let one user change one server: a role, as docs/hub-admin.md says
    'c.JupyterHub.load_roles.append({"name": "frank-writes-alice", "users": ["frank"], '
    f'"scopes": ["access:servers!server=alice/", "{GRANT}"]}})\n')


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    """The hub configured by ``hub_config_lines``; alice shares her server with bob (write
    scope in the share) and carol (plain)."""
    for h in base.running_hub(tmp_path_factory.mktemp("hubbrowser"), CONFIG):
        alice = {"Authorization": f"token {_token(h, 'alice')}"}
        for user, scopes in (("bob", ["access:servers!server=alice/", GRANT]),
                             ("carol", None)):
            r = requests.post(f"{h.url}hub/api/shares/alice/", headers=alice, timeout=30,
                              json={"user": user, **({"scopes": scopes} if scopes else {})})
            assert r.status_code in (200, 201), r.text
        yield h


def _hidden(page: str, name: str) -> list[str]:
    """The values of the form's hidden inputs called ``name``."""
    return [html.unescape(m.group(1)) for m in re.finditer(
        rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', page)]


def _browser(hub: Hub, user: str) -> tuple[Any, int]:
    """``user``'s browser session on alice's server after the hub's login and OAuth, and the
    final status of opening ``/user/alice/tree``."""
    s = requests.Session()
    page = s.get(f"{hub.url}hub/login", timeout=30)
    form = {"username": user, "password": PASSWORD}
    form.update(("_xsrf", x) for x in _hidden(page.text, "_xsrf"))
    r = s.post(f"{hub.url}hub/login", data=form, timeout=30)
    assert r.status_code == 200 and "login" not in r.url, (r.status_code, r.url)
    r = s.get(f"{hub.url}user/alice/tree", timeout=60)
    if "oauth2/authorize" in r.url and r.status_code == 200:  # "Authorize access"
        assert "alice" in r.text, r.text[:500]
        confirm = {"_xsrf": _hidden(r.text, "_xsrf")[0], "scopes": _hidden(r.text, "scopes")}
        r = s.post(r.url, data=confirm, timeout=60)
    return s, r.status_code


def _post(hub: Hub, s: Any, tail: str, body: dict[str, Any]) -> Any:
    xsrf = s.cookies.get("_xsrf", path="/user/alice/") or s.cookies.get("_xsrf")
    assert xsrf, "the single-user server set no _xsrf cookie"
    return s.post(_api(hub, tail), json=body, headers={"X-XSRFToken": xsrf}, timeout=30)


def _writes(hub: Hub, s: Any, user: str) -> None:
    r = _post(hub, s, "/sessions", {"name": f"{user}-in-browser"})
    assert r.status_code == 201, r.text
    assert r.json()["owner"]["username"] == user, r.text
    for action in ("play", "stop"):
        r = _post(hub, s, "/transport", {"action": action})
        assert r.status_code == 200, (action, r.text)


def test_role_granted_write_writes_in_the_browser(hub: Hub) -> None:
    s, status = _browser(hub, "frank")
    assert status == 200, status
    assert s.get(_api(hub, "/status"), timeout=30).status_code == 200
    _writes(hub, s, "frank")


def test_write_carried_by_a_share_reads_only_in_the_browser(hub: Hub) -> None:
    """JupyterHub cuts a browser's OAuth scopes to the user's roles, not his shares: bob's
    share writes with his API tokens (test_hub_readonly) but his browser only reads. If this
    starts failing, the hub changed: drop the caveat in docs/hub-admin.md."""
    s, status = _browser(hub, "bob")
    assert status == 200, status
    r = _post(hub, s, "/sessions", {"name": "bob-in-browser"})
    assert r.status_code == 403, (r.status_code, r.text)
    as_bob = {"Authorization": f"token {_token(hub, 'bob')}"}
    r = requests.post(_api(hub, "/sessions"), headers=as_bob, json={"name": "bob-by-token"},
                      timeout=30)
    assert r.status_code == 201, r.text


def test_plain_share_reads_only_in_the_browser(hub: Hub) -> None:
    s, status = _browser(hub, "carol")
    assert status == 200, status
    assert s.get(_api(hub, "/status"), timeout=30).status_code == 200
    for tail, body in (("/transport", {"action": "play"}), ("/sessions", {"name": "carol-s"})):
        r = _post(hub, s, tail, body)
        assert r.status_code == 403, (tail, r.status_code, r.text)
        assert r.json()["message"] == "not authorized to write schillinger", r.text
    alice = {"Authorization": f"token {_token(hub, 'alice')}"}
    status_now = requests.get(_api(hub, "/status"), headers=alice, timeout=30).json()
    assert status_now["transport"]["playing"] is False  # carol's play changed nothing


def test_team_member_writes_in_the_browser(hub: Hub) -> None:
    s, status = _browser(hub, "dave")
    assert status == 200, status
    _writes(hub, s, "dave")


def test_stranger_is_refused_at_the_door(hub: Hub) -> None:
    _, status = _browser(hub, "erin")
    assert status == 403, status

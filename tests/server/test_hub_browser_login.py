"""Writes in the browser under a real JupyterHub (issue 16): roles, teams and write shares.

A browser reaches alice's server through the hub's OAuth: the user logs in with the hub's
form, opens ``/user/alice/``, confirms the hub's "Authorize access" page (shown for another
user's server) and gets a cookie whose token the hub issued to alice's server's OAuth client.
That token holds ``access:servers!server=alice/`` plus the scopes in
``c.Spawner.oauth_client_allowed_scopes``, cut to what the user's *roles* hold, never his
shares. Checked here the way a browser does it (form, redirects, confirmation form, cookie +
XSRF token) against a hub configured by ``hub_config_lines(teams=["band"])``: frank, granted
the write scope for alice's server by a role, and dave, alice's teammate in ``band``, write;
bob, whose *share* carries the write scope, writes too (``HubScopeAuthorizer`` asks the hub
for the server's shares with the server's own token, ``read:shares!server`` from the config
lines), while a token bob narrowed to access only stays read-only; grace, whose group
``strings`` has a write share, does not even open the server (JupyterHub 6.1 drops group shares
from tokens); carol, with a plain share, reads and is refused writes; a write added to henry's
share and then revoked counts once the authorizer's share cache (1 s here, through
``--HubScopeAuthorizer.share_cache_seconds``) has expired; erin, with nothing, is refused by
the hub. ``ShareLookup`` itself is checked against the same hub: it keeps its answer for its
time to live and asks again after.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

import pytest
import test_hub_singleuser as base
from helpers import wait_until
from test_hub_singleuser import PASSWORD, Hub, _api, _token

from schillinger_kernel.server.hub_scopes import WRITE_SCOPE, hub_config_lines
from schillinger_kernel.server.hub_shares import ShareLookup

requests = base.requests
pytestmark = base.pytestmark

ACCESS = "access:servers!server=alice/"
GRANT = f"{WRITE_SCOPE}!server=alice/"
#: Seconds alice's server keeps the hub's share list (60 by default).
SHARE_CACHE_S = 1
CONFIG = "\n" + hub_config_lines(teams=["band"]) + (
    'c.Authenticator.allowed_users |= {"carol", "dave", "erin", "frank", "grace", "henry"}\n'
    'c.JupyterHub.load_groups = {"band": {"users": ["alice", "dave"]}, '
    '"strings": {"users": ["grace"]}}\n'
    f'c.Spawner.args.append("--HubScopeAuthorizer.share_cache_seconds={SHARE_CACHE_S}")\n'
    # the admin's way to let one user change one server: a role, as docs/hub-admin.md says
    'c.JupyterHub.load_roles.append({"name": "frank-writes-alice", "users": ["frank"], '
    f'"scopes": ["access:servers!server=alice/", "{GRANT}"]}})\n')


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    """The hub configured by ``hub_config_lines``; alice shares her server with bob and with
    group strings (write scope in the share), carol and henry (plain)."""
    for h in base.running_hub(tmp_path_factory.mktemp("hubbrowser"), CONFIG):
        for kind, who, scopes in (("user", "bob", [ACCESS, GRANT]), ("user", "carol", None),
                                  ("group", "strings", [ACCESS, GRANT]),
                                  ("user", "henry", None)):
            r = _share(h, "POST", {kind: who, **({"scopes": scopes} if scopes else {})})
            assert r.status_code in (200, 201), r.text
        yield h


def _share(hub: Hub, method: str, body: dict[str, Any]) -> Any:
    """Alice's request to the hub's shares of her server (POST grants, PATCH revokes)."""
    alice = {"Authorization": f"token {_token(hub, 'alice')}"}
    return requests.request(method, f"{hub.url}hub/api/shares/alice/", headers=alice,
                            json=body, timeout=30)


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


def test_write_carried_by_a_share_writes_in_the_browser(hub: Hub) -> None:
    """The hub leaves bob's share out of his browser's token; the authorizer finds it in the
    hub's share list of alice's server. His API token holds the share's scopes itself."""
    s, status = _browser(hub, "bob")
    assert status == 200, status
    _writes(hub, s, "bob")
    as_bob = {"Authorization": f"token {_token(hub, 'bob')}"}
    r = requests.post(_api(hub, "/sessions"), headers=as_bob, json={"name": "bob-by-token"},
                      timeout=30)
    assert r.status_code == 201, r.text


def test_a_token_narrowed_to_access_stays_read_only(hub: Hub) -> None:
    """Shares are looked up for browser logins only: a token bob asked for with access alone
    does not get his share's write scope back."""
    narrow = {"Authorization": f"token {_token(hub, 'bob', scopes=[ACCESS])}"}
    assert requests.get(_api(hub, "/status"), headers=narrow, timeout=30).status_code == 200
    r = requests.post(_api(hub, "/transport"), headers=narrow, json={"action": "play"},
                      timeout=30)
    assert r.status_code == 403, (r.status_code, r.text)


def test_a_share_to_a_group_does_not_open_the_server(hub: Hub) -> None:
    """JupyterHub 6.1 lets grace through its own "Authorize access" page on the share to her
    group, but drops the share from her token ("discarding scopes ... not present in roles of
    owner"), so alice's server refuses her before any authorizer is asked. If this starts
    failing, the hub changed: the authorizer already counts group shares (the lookup test
    below), so check that grace writes and update docs/hub-admin.md."""
    _, status = _browser(hub, "grace")
    assert status == 403, status


def test_adding_and_revoking_a_share_write_counts_after_the_cache(hub: Hub) -> None:
    s, status = _browser(hub, "henry")
    assert status == 200, status

    def stop_status() -> int:
        return int(_post(hub, s, "/transport", {"action": "stop"}).status_code)

    assert stop_status() == 403  # a plain share
    r = _share(hub, "POST", {"user": "henry", "scopes": [ACCESS, GRANT]})
    assert r.status_code == 200 and GRANT in r.json()["scopes"], r.text
    wait_until(lambda: stop_status() == 200, 30 + SHARE_CACHE_S, "henry's added write")
    r = _share(hub, "PATCH", {"user": "henry", "scopes": [GRANT]})  # revokes the write only
    assert r.status_code == 200 and r.json()["scopes"] == [ACCESS], r.text
    wait_until(lambda: stop_status() == 403, 30 + SHARE_CACHE_S, "henry's revoked write")
    assert s.get(_api(hub, "/status"), timeout=30).status_code == 200  # he still reads


def test_share_lookup_keeps_its_answer_for_its_time_to_live(hub: Hub) -> None:
    """The cache against the real hub, on a clock the test turns (alice's own token may read
    her shares, as her server's token may)."""
    now = [0.0]
    lookup = ShareLookup(f"{hub.url}hub/api", _token(hub, "alice"), "alice", "", ttl=60,
                         timeout=10, clock=lambda: now[0])
    first = lookup.scopes_for("bob", groups=[])
    assert first == {ACCESS, GRANT}, first
    assert lookup.scopes_for("grace", groups=["strings"]) == {ACCESS, GRANT}
    assert lookup.scopes_for("grace", groups=[]) == frozenset()
    r = _share(hub, "PATCH", {"user": "bob", "scopes": [GRANT]})
    assert r.status_code == 200, r.text
    try:
        now[0] = 59.0
        assert lookup.scopes_for("bob", groups=[]) == first  # kept
        now[0] = 60.0
        assert lookup.scopes_for("bob", groups=[]) == {ACCESS}  # asked again
    finally:
        assert _share(hub, "POST", {"user": "bob", "scopes": [ACCESS, GRANT]}).status_code == 200
    # a token that may not read the shares gets no answer: nothing is granted
    refused = ShareLookup(f"{hub.url}hub/api", _token(hub, "bob"), "alice", "", ttl=60,
                          timeout=10)
    assert refused.shares() == ()


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

"""Shares that write in browsers, without a hub: the decision, the share list, failing closed.

The hub's side (its share list, a browser login, a share's write added and revoked) runs on a
real JupyterHub in ``test_hub_browser_login.py``. Here: what a share list grants whom
(``parse_shares``, ``scopes_shared_with``), that ``hub_decision`` counts share scopes for the
write question only, that ``ShareLookup`` refuses bad settings and fails closed (and keeps
that answer for its time to live) when nothing answers, and that ``HubScopeAuthorizer`` asks
for shares only for a browser login's write and reads only when the hub is unreachable.
"""

from __future__ import annotations

import socket
from typing import Any

import pytest
from helpers import authorized

from schillinger_kernel.errors import ParameterError, ParameterTypeError
from schillinger_kernel.server.hub_scopes import WRITE_SCOPE, HubScopeAuthorizer, hub_decision
from schillinger_kernel.server.hub_shares import (
    Share,
    ShareLookup,
    parse_shares,
    scopes_shared_with,
)

pytest.importorskip("jupyterhub", reason="JupyterHub is in the dev extra: pip install -e .[dev]")

ACCESS = "access:servers!server=alice/"
GRANT = f"{WRITE_SCOPE}!server=alice/"
#: The hub's answer to GET /hub/api/shares/alice/ (JupyterHub 6.1's share model).
PAGE = {"items": [
    {"server": {"user": {"name": "alice"}, "name": ""}, "scopes": [ACCESS, GRANT],
     "user": {"name": "bob"}, "group": None, "kind": "user"},
    {"server": {"user": {"name": "alice"}, "name": ""}, "scopes": [ACCESS],
     "user": {"name": "carol"}, "group": None, "kind": "user"},
    {"server": {"user": {"name": "alice"}, "name": ""}, "scopes": [ACCESS, GRANT],
     "user": None, "group": {"name": "strings"}, "kind": "group"},
], "_pagination": {"offset": 0, "limit": 200, "total": 3, "next": None}}


def _closed_port() -> int:
    """A loopback port with nothing listening (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_share_list_grants_its_users_and_groups() -> None:
    shares = parse_shares(PAGE)
    assert [(s.kind, s.name) for s in shares] == [("user", "bob"), ("user", "carol"),
                                                  ("group", "strings")]
    assert scopes_shared_with(shares, "bob", []) == {ACCESS, GRANT}
    assert scopes_shared_with(shares, "carol", ["band"]) == {ACCESS}
    assert scopes_shared_with(shares, "grace", ["strings"]) == {ACCESS, GRANT}
    assert scopes_shared_with(shares, "erin", ["band"]) == frozenset()
    # a user is not a group of the same name
    assert scopes_shared_with(shares, "strings", []) == frozenset()
    assert scopes_shared_with(shares, "bob", [5]) == {ACCESS, GRANT}  # type: ignore[list-item]


@pytest.mark.parametrize("page", [None, [], {"items": None}, {"items": [None, 3]},
                                  {"items": [{"kind": "role", "role": {"name": "x"},
                                              "scopes": [GRANT]}]},
                                  {"items": [{"kind": "user", "user": {"name": 3},
                                              "scopes": [GRANT]}]},
                                  {"items": [{"kind": "user", "user": {"name": "bob"},
                                              "scopes": GRANT}]}])
def test_odd_share_lists_grant_nothing(page: Any) -> None:
    assert parse_shares(page) == ()


def test_a_bare_list_and_odd_scopes() -> None:
    got = parse_shares([{"kind": "user", "user": {"name": "bob"}, "scopes": [GRANT, 7]}])
    assert got == (Share("user", "bob", frozenset({GRANT})),)


def test_share_scopes_count_for_writing_only() -> None:
    ask = {"username": "bob", "owner": "alice"}
    with_share = hub_decision("write", "schillinger", scopes=[ACCESS], share_scopes=[GRANT],
                              **ask)
    assert with_share.allowed and with_share.reason.endswith("by a share"), with_share
    assert not hub_decision("write", "schillinger", scopes=[ACCESS], share_scopes=[ACCESS],
                            **ask).allowed
    # a share never opens the server: reaching it is the token's alone
    for action in ("read", "write"):
        got = hub_decision(action, "schillinger", scopes=[], share_scopes=[ACCESS, GRANT],
                           **ask)
        assert not got.allowed and got.reason.startswith("no access to alice/"), got
    # the write scope of another server gives nothing
    assert not hub_decision("write", "schillinger", scopes=[ACCESS],
                            share_scopes=[f"{WRITE_SCOPE}!server=alice/band"], **ask).allowed
    with pytest.raises(ParameterTypeError, match="share_scopes must be an iterable"):
        hub_decision("write", "schillinger", scopes=[ACCESS], share_scopes=GRANT, **ask)


@pytest.mark.parametrize(("kwargs", "error", "words"), [
    ({"ttl": -1}, ParameterError, "ttl must be >= 0.0 and <= 86400.0, got -1"),
    ({"ttl": "60"}, ParameterTypeError, "ttl must be a number, got str '60'"),
    ({"timeout": 0}, ParameterError, "timeout must be > 0.0 and <= 60.0, got 0"),
    ({"owner": None}, ParameterTypeError, "owner must be a string, got NoneType None"),
])
def test_share_lookup_refuses_bad_settings(kwargs: dict[str, Any], error: type[Exception],
                                           words: str) -> None:
    settings: dict[str, Any] = {"api_url": "http://127.0.0.1:1/hub/api", "token": "t",
                                "owner": "alice", "server_name": "", "ttl": 60, "timeout": 1}
    with pytest.raises(error, match=words):
        ShareLookup(**{**settings, **kwargs})


def _asked(caplog: pytest.LogCaptureFixture) -> int:
    """How many times the hub was asked and did not answer (each failure logs one warning)."""
    return sum("no share list from the hub" in r.getMessage() for r in caplog.records)


def test_an_unreachable_hub_grants_nothing_and_is_asked_again_after_the_ttl(
        caplog: pytest.LogCaptureFixture) -> None:
    now = [0.0]
    port = _closed_port()
    lookup = ShareLookup(f"http://127.0.0.1:{port}/hub/api/", "t", "alice", "band", ttl=30,
                         timeout=1, clock=lambda: now[0])
    assert lookup.url == f"http://127.0.0.1:{port}/hub/api/shares/alice/band"
    caplog.set_level("WARNING", logger="schillinger_kernel.server.hub_shares")
    assert lookup.scopes_for("bob", []) == frozenset()
    assert _asked(caplog) == 1
    now[0] = 29.0
    assert lookup.shares() == () and _asked(caplog) == 1  # the failure is kept: no new ask
    now[0] = 30.0
    assert lookup.shares() == () and _asked(caplog) == 2


def _authorizer(port: int, **config: Any) -> HubScopeAuthorizer:
    from jupyterhub.services.auth import HubOAuth
    from jupyterhub.singleuser.extension import JupyterHubIdentityProvider

    hub_auth = HubOAuth(api_token="t" * 32, api_url=f"http://127.0.0.1:{port}/hub/api",
                        access_scopes={ACCESS})
    return HubScopeAuthorizer(identity_provider=JupyterHubIdentityProvider(hub_auth=hub_auth),
                              **config)


def _user(name: str, scopes: list[str], session: str | None) -> Any:
    from jupyterhub.singleuser.extension import JupyterHubUser

    return JupyterHubUser({"name": name, "scopes": scopes, "groups": [],
                           "session_id": session})


def test_the_authorizer_asks_for_shares_only_for_a_browser_write(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("JUPYTERHUB_USER", "alice")
    monkeypatch.delenv("JUPYTERHUB_SERVER_NAME", raising=False)
    auth = _authorizer(_closed_port(), share_cache_seconds=5.0)
    assert auth.share_cache_seconds == 5.0
    caplog.set_level("WARNING", logger="schillinger_kernel.server.hub_shares")
    api_token, browser = _user("bob", [ACCESS], None), _user("bob", [ACCESS], "s1")
    assert authorized(auth, None, api_token, "read", "schillinger") is True
    for who in (api_token, _user("alice", ["access:servers!user=alice"], "s2")):
        authorized(auth, None, who, "write", "schillinger")
    assert _asked(caplog) == 0  # an API token, and the owner: no lookup
    authorized(auth, None, browser, "write", "contents")
    assert _asked(caplog) == 0  # the rest of Jupyter: the hub's check only
    # a browser's write: the hub is asked, does not answer, bob reads only
    assert authorized(auth, None, browser, "write", "schillinger") is False
    assert _asked(caplog) == 1
    assert "/hub/api/shares/alice/ (shares grant nothing for 5 s)" in caplog.text
    assert authorized(auth, None, browser, "write", "schillinger") is False
    assert _asked(caplog) == 1  # kept for share_cache_seconds
    assert authorized(auth, None, browser, "read", "schillinger") is True
    # a write scope in the token itself needs no lookup
    assert authorized(auth, None, _user("bob", [ACCESS, GRANT], "s1"), "write",
                              "schillinger") is True


def test_the_cache_setting_is_bounded() -> None:
    from traitlets import TraitError

    with pytest.raises(TraitError):
        _authorizer(_closed_port(), share_cache_seconds=-1.0)

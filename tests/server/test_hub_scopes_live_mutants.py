"""``HubScopeAuthorizer`` asking a real JupyterHub, in the test's own process.

The hub-facing half of :mod:`schillinger_kernel.server.hub_scopes` (``owner_groups``, the
authorizer's share lookup, the awaitable answer of ``is_authorized``) normally runs inside the
single-user server a hub spawns, a child process where mutmut can neither map tests nor switch
mutants on. Here one real JupyterHub (with its configurable-http-proxy, on loopback, one per
module; no single-user server is spawned) holds users, the group ``band`` (alice, bob) and
``strings`` (erin), the team role of ``hub_config_lines(teams=["band"])``, and alice's shares:
read-only to carol and erin, write to dave (by name) and to group ``strings``. The authorizer
is built here with the hub's API URL and a token of alice's holding what her server's own
token holds (``SERVER_TOKEN_SCOPES`` as the hub expands them for ``alice/``), and the users
are the hub's own models of their tokens.

The models of a browser login: the hub puts a ``session_id`` only in OAuth tokens of a login
session, issued to a spawned server's OAuth client; here the model of an API token scoped as a
browser's (access to alice's server, no write) gets a ``session_id`` string, the one field the
authorizer reads to tell a browser from an API token.

Measured with ``python -m bench.mutation --one schillinger_kernel/server/hub_scopes.py --tests``
with the fast tests of ``bench/mutation_report.md``'s row plus this file: of the 86 mutants
that survived the fast tests alone (448 killed of 534), 70 are killed here, so 518 killed / 16
survived (97.0%). mutmut's timeout counts the tests' own time, not the hub's start in the
module fixture, so on a busy machine give ``[tool.mutmut] timeout_constant = 60`` or some
mutants read "timeout" instead of killed or survived. Survivors judged equivalent, with the
reason:

- ``_group_scopes_as_owner`` 5, 9 (``rpartition`` for ``partition``): a scope the hub expands
  holds one filter (one ``!``) and group names hold no ``=``: both splits agree.
- ``is_authorized`` 71 (``_browser_write(..., None, owner, ...)`` inside the decision): it only
  differs for the owner whose own decision failed, which happens only when her token lacks
  access to her server; shares never grant access, so asking for them changes nothing.
- ``_shares`` 2 (``context = ""``): urllib treats an empty context as none.
- ``_shares`` 3 (``certfile or keyfile``): ``make_ssl_context`` returns None unless both are
  given, as the unmutated condition does.
- ``_shares`` 6, 9, 12, 15, 18, 21 and ``owner_groups`` 12, 15, 18 (a ``getattr`` default
  changed or dropped): a ``HubAuth`` always has ``certfile``, ``keyfile`` and ``api_token``
  traits, so the default is never read.
- ``_shares`` 47 (``api_token or "XXXX"``): the hub always gives its server a token; an empty
  one and a wrong one are both refused.
- ``owner_groups`` 24 (``sync=`` dropped): ``user_for_token``'s ``sync`` defaults to True.
"""

from __future__ import annotations

import asyncio
import ctypes
import inspect
import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import test_hub_singleuser as base
from helpers import free_port, stop, wait_until

from schillinger_kernel.server.hub_scopes import (
    WRITE_SCOPE,
    HubScopeAuthorizer,
    hub_config_lines,
    owner_groups,
)

requests = base.requests
pytestmark = [pytest.mark.skipif(base.CHP is None, reason="configurable-http-proxy is missing "
                                 "(npm ci at the repository root, or pip install -e .[dev])")]

ACCESS = "access:servers!server=alice/"
GRANT = f"{WRITE_SCOPE}!server=alice/"
BAND = ["access:servers!group=band", f"{WRITE_SCOPE}!group=band"]
#: ``SERVER_TOKEN_SCOPES`` as the hub expands them for alice's default server.
SERVER_TOKEN = ["users:activity!user=alice", ACCESS, "read:shares!server=alice/"]
TEAM = """
c.Authenticator.allowed_users = {"alice", "bob", "carol", "dave", "erin"}
c.JupyterHub.load_groups = {"band": {"users": ["alice", "bob"]}, "strings": {"users": ["erin"]}}
""" + hub_config_lines(teams=["band"])


@dataclass
class Live:
    """The running hub, its API URL as a single-user server reaches it, alice's server token."""

    hub: base.Hub
    api_url: str
    server_token: str

    def token(self, user: str, scopes: list[str] | None = None) -> str:
        body: dict[str, Any] = {"note": "live"} | ({"scopes": scopes} if scopes else {})
        return str(self.hub.api("POST", f"users/{user}/tokens", json=body)["token"])

    def model(self, token: str) -> dict[str, Any]:
        """The hub's model of ``token``'s user: what a single-user server is told."""
        r = requests.get(f"{self.api_url}/user", headers={"Authorization": f"token {token}"},
                         timeout=30)
        r.raise_for_status()
        return dict(r.json())

    def share(self, method: str, body: dict[str, Any]) -> None:
        r = requests.request(method, f"{self.api_url}/shares/alice/", json=body, timeout=30,
                             headers={"Authorization": f"token {self.token('alice')}"})
        assert r.status_code in (200, 201, 204), (body, r.status_code, r.text)


def _stop_with_parent() -> None:
    # a mutmut worker stopped at its timeout never runs the fixture's teardown: on Linux the
    # kernel then sends the hub SIGTERM (PR_SET_PDEATHSIG), and the hub stops its proxy
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)


def _start(tmp: Path) -> Iterator[Live]:
    ports = {k: free_port() for k in ("public", "hub", "proxy_api")}
    service = secrets.token_hex(16)
    config = tmp / "jupyterhub_config.py"
    config.write_text(base._hub_config(tmp, ports, service) + TEAM)
    log = tmp / "hub.log"
    env = {**os.environ, "PATH": f"{base.BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(config)],
                                stdout=out, stderr=subprocess.STDOUT, cwd=tmp, env=env,
                                preexec_fn=_stop_with_parent)
    hub = base.Hub(f"http://127.0.0.1:{ports['public']}/", service, log, proc)
    api_url = f"http://127.0.0.1:{ports['hub']}/hub/api"

    def answers() -> bool:
        if proc.poll() is not None:
            pytest.fail(f"jupyterhub exited with {proc.returncode}:\n{hub.log_tail()}")
        try:  # with this hub's own token: another process that took the port answers 403
            return requests.get(f"{api_url}/users/alice", timeout=5, headers={
                "Authorization": f"token {service}"}).status_code == 200
        except requests.RequestException:
            return False

    try:
        wait_until(answers, base.HUB_START_TIMEOUT, "JupyterHub", interval=0.2)
        live = Live(hub, api_url, "")
        live.server_token = live.token("alice", SERVER_TOKEN)
        live.share("POST", {"user": "carol", "scopes": [ACCESS]})
        live.share("POST", {"user": "dave", "scopes": [ACCESS, GRANT]})
        # erin reaches the server by her own read share (on JupyterHub 6.1 a group share's
        # scopes are not in its members' token models); her group's share carries the write
        live.share("POST", {"user": "erin", "scopes": [ACCESS]})
        live.share("POST", {"group": "strings", "scopes": [ACCESS, GRANT]})
        yield live
    finally:
        stop(proc, 60)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """One JupyterHub for the module: users, groups, alice's shares, her server's token."""
    yield from _start(tmp_path_factory.mktemp("hublive"))


@pytest.fixture(autouse=True)
def _alices_server(monkeypatch: pytest.MonkeyPatch) -> None:
    # what the hub's spawner puts in alice's server's environment
    monkeypatch.setenv("JUPYTERHUB_USER", "alice")
    monkeypatch.delenv("JUPYTERHUB_SERVER_NAME", raising=False)


def _hub_auth(api_url: str, token: str, **tls: str) -> Any:
    from jupyterhub.services.auth import HubOAuth

    return HubOAuth(api_token=token, api_url=api_url, cache_max_age=0,
                    access_scopes={ACCESS, "access:servers!user=alice"}, **tls)


def _authorizer(hub_auth: Any, **config: Any) -> HubScopeAuthorizer:
    from jupyterhub.singleuser.extension import JupyterHubIdentityProvider

    return HubScopeAuthorizer(identity_provider=JupyterHubIdentityProvider(hub_auth=hub_auth),
                              **config)


def _user(model: dict[str, Any], browser: bool = False) -> Any:
    from jupyterhub.singleuser.extension import JupyterHubUser

    return JupyterHubUser({**model, "session_id": "login-1" if browser else None})


def _browser(live: Live, name: str) -> Any:
    """``name``'s model for a token scoped as a browser's for alice's server."""
    return _user(live.model(live.token(name, [ACCESS])), browser=True)


def _answer(auth: HubScopeAuthorizer, user: Any, action: str) -> tuple[bool, Any]:
    """(whether the answer was an awaitable, the settled answer)."""
    answer = auth.is_authorized(None, user, action, "schillinger")
    if not inspect.isawaitable(answer):
        return False, answer

    async def settle() -> Any:
        return await answer
    return True, asyncio.run(settle())


def test_owner_groups_are_the_hubs_answer_for_the_servers_token(live: Live) -> None:
    auth = _hub_auth(live.api_url, live.server_token)
    assert owner_groups(auth, BAND) == frozenset({"band"})
    assert owner_groups(auth, [ACCESS]) is None  # no group filter: the hub is not asked


def test_owner_groups_fail_closed_and_say_why_when_no_hub_answers(
        caplog: pytest.LogCaptureFixture) -> None:
    port = free_port()  # nothing listens there: the connection is refused
    auth = _hub_auth(f"http://127.0.0.1:{port}/hub/api", "t" * 32)
    caplog.set_level(logging.WARNING)
    assert owner_groups(auth, BAND) == frozenset()
    said = [r for r in caplog.records if r.getMessage().startswith("no hub groups")]
    assert len(said) == 1 and said[0].name == auth.log.name, caplog.text
    assert said[0].getMessage().startswith(
        "no hub groups for this server's owner: HTTP 500: Internal Server Error (Failed to "
        f"connect to Hub API at 'http://127.0.0.1:{port}/hub/api'."), said[0].getMessage()


def test_owner_groups_of_a_hub_auth_without_a_log_warn_here(
        caplog: pytest.LogCaptureFixture) -> None:
    class Bare:  # an identity provider's hub_auth of another shape: a token, nothing else
        api_token = "t"

    caplog.set_level(logging.WARNING, logger="schillinger_kernel.server.hub_scopes")
    assert owner_groups(Bare(), BAND) == frozenset()
    assert [r.name for r in caplog.records] == ["schillinger_kernel.server.hub_scopes"]


def test_group_filters_write_for_members_of_the_owners_group_only(live: Live) -> None:
    auth = _authorizer(_hub_auth(live.api_url, live.server_token))
    bob = _user(live.model(live.token("bob")))
    assert set(BAND) <= set(bob.hub_user["scopes"])
    # group filters need the hub: the answer is an awaitable, for reading too
    assert _answer(auth, bob, "write") == (True, True)
    assert _answer(auth, bob, "read") == (True, True)
    carol = _user(live.model(live.token("carol")))
    assert _answer(auth, carol, "read") == (False, True)  # her share: no hub needed
    assert _answer(auth, carol, "write") == (False, False)
    # the same band scopes on a server whose owner's token is refused: nothing granted
    refused = _authorizer(_hub_auth(live.api_url, "not-a-token-the-hub-issued"))
    assert _answer(refused, bob, "write") == (True, False)
    assert _answer(refused, bob, "read") == (True, False)


def test_browser_writes_follow_write_shares_by_name_and_by_group(live: Live) -> None:
    auth = _authorizer(_hub_auth(live.api_url, live.server_token))
    dave, erin, carol = (_browser(live, u) for u in ("dave", "erin", "carol"))
    assert erin.hub_user["groups"] == ["strings"]
    assert _answer(auth, dave, "write") == (True, True)  # share to dave, with write
    assert _answer(auth, erin, "write") == (True, True)  # share to group strings
    assert _answer(auth, carol, "write") == (True, False)  # a read share
    for who in (dave, erin, carol):
        assert _answer(auth, who, "read") == (False, True)
    # an API token of dave's holds his share's write itself: no lookup, a plain answer
    assert _answer(auth, _user(live.model(live.token("dave"))), "write") == (False, True)
    # the owner's own browser writes without asking the hub
    alice = _user(live.model(live.token("alice", ["access:servers!user=alice"])), True)
    assert _answer(auth, alice, "write") == (False, True)


def test_a_revoked_share_counts_until_the_cache_expires(live: Live) -> None:
    kept = _authorizer(_hub_auth(live.api_url, live.server_token))
    fresh = _authorizer(_hub_auth(live.api_url, live.server_token), share_cache_seconds=0.0)
    live.hub.api("POST", "users", json={"usernames": ["grace"]})
    live.share("POST", {"user": "grace", "scopes": [ACCESS, GRANT]})
    grace = _browser(live, "grace")
    assert _answer(kept, grace, "write") == (True, True)
    assert _answer(fresh, grace, "write") == (True, True)
    live.share("PATCH", {"user": "grace", "scopes": [GRANT]})  # revokes the write only
    assert _answer(kept, grace, "write") == (True, True)  # kept for share_cache_seconds
    assert _answer(fresh, grace, "write") == (True, False)


def test_a_hub_that_never_answers_grants_no_shares() -> None:
    with socket.socket() as silent:  # accepts connections (the kernel's backlog), never replies
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/hub/api"
        auth = _authorizer(_hub_auth(url, "t" * 32), share_timeout_seconds=0.05)
        dave = _user({"name": "dave", "scopes": [ACCESS], "groups": []}, browser=True)
        assert _answer(auth, dave, "write") == (True, False)
        assert _answer(auth, dave, "read") == (False, True)


def test_the_share_lookup_of_an_internal_ssl_hub_trusts_its_ca(live: Live,
                                                               tmp_path: Path) -> None:
    from certipy import Certipy

    certs = Certipy(store_dir=str(tmp_path))
    ca = certs.create_ca("hub-ca")["files"]
    pair = certs.create_signed_pair("alice-server", "hub-ca")["files"]
    tls = {"certfile": pair["cert"], "keyfile": pair["key"], "client_ca": ca["cert"]}
    hub_auth = _hub_auth(live.api_url, live.server_token, **tls)
    auth = _authorizer(hub_auth)
    # the hub here speaks plain http, where urllib leaves the context unused: shares still work
    assert _answer(auth, _browser(live, "dave"), "write") == (True, True)
    context = auth._shares(hub_auth, "alice", "").ssl_context
    assert context is not None
    issuers = [str(c["issuer"]) for c in context.get_ca_certs()]
    assert [i for i in issuers if "'commonName', 'hub-ca'" in i], issuers

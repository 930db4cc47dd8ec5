"""Teams on JupyterHub (issue 16): write granted by hub group, ``!group=`` filters resolved.

The hub hands a user's scopes to single-user servers as its roles hold them: a role of group
``band`` with ``custom:schillinger:write!group=band`` arrives as exactly that string (not as
``!server=``/``!user=`` forms), and JupyterHub's ``check_scopes`` on the server cannot resolve
group filters. ``HubScopeAuthorizer`` asks the hub for the groups of its server's owner (with the
server's own token) and reads ``<scope>!group=<g>`` as ``<scope>!user=<owner>`` when the owner
is in ``g``, as the hub itself does.

On a real hub (``test_hub_singleuser``'s, configured with ``hub_config_lines(teams=["band"])``,
alice and bob in group ``band``, carol and dave outside it): bob writes on alice's workbench
without any share of his own; carol, with a plain share from alice, reads and is refused every
write; dave reaches nothing. Without a hub: the decision for group filters, the owner's groups
from a hub that does not answer, and the config lines.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import test_hub_singleuser as base
from helpers import free_port
from test_hub_singleuser import Hub, _api, _token

from schillinger_kernel.errors import ParameterError
from schillinger_kernel.server.hub_scopes import (
    WRITE_SCOPE,
    hub_config_lines,
    hub_decision,
    owner_groups,
)

requests = base.requests

TEAM = """
c.Authenticator.allowed_users = {"alice", "bob", "carol", "dave"}
c.JupyterHub.load_groups = {"band": {"users": ["alice", "bob"]}}
""" + hub_config_lines(teams=["band"])

BAND = ["access:servers!group=band", f"{WRITE_SCOPE}!group=band"]


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    """The hub and proxy on loopback, alice's server started; band = alice and bob."""
    yield from base.running_hub(tmp_path_factory.mktemp("hubgroups"), TEAM)


def _as(token: str) -> dict[str, str]:
    return {"Authorization": f"token {token}"}


def _writes(hub: Hub, token: str, name: str) -> list[int]:
    """Status codes of two writes: a new session, then transport play and stop."""
    codes = [requests.post(_api(hub, "/sessions"), headers=_as(token), json={"name": name},
                           timeout=30).status_code]
    for action in ("play", "stop"):
        codes.append(requests.post(_api(hub, "/transport"), headers=_as(token), timeout=30,
                                   json={"action": action}).status_code)
    return codes


@pytest.mark.slow
@pytest.mark.skipif(base.CHP is None, reason="configurable-http-proxy is missing "
                    "(npm ci at the repository root, or pip install -e .[dev])")
def test_band_member_writes_outsiders_read_or_nothing(hub: Hub) -> None:
    alice = _token(hub, "alice")
    # alice shares with the whole band (JupyterHub 5+), and read-only with bob and carol
    for body in ({"group": "band"}, {"user": "bob"}, {"user": "carol"}):
        r = requests.post(f"{hub.url}hub/api/shares/alice/", json=body, headers=_as(alice),
                          timeout=30)
        assert r.status_code in (200, 201), (body, r.text)
        assert r.json()["scopes"] == ["access:servers!server=alice/"], r.json()

    bob, carol, dave = (_token(hub, u) for u in ("bob", "carol", "dave"))
    # what a single-user server is told about an ordinary (inherit) token: the team role's
    # group filters as the role holds them, nothing naming alice's server but the share
    model = requests.get(f"{hub.url}hub/api/user", headers=_as(bob), timeout=30).json()
    assert set(BAND) <= set(model["scopes"]), model["scopes"]
    assert model["groups"] == ["band"]
    assert [s for s in model["scopes"] if "alice" in s] == ["access:servers!server=alice/"]

    r = requests.get(_api(hub, "/status"), headers=_as(bob), timeout=30)
    assert r.status_code == 200, (r.status_code, r.text, hub.log_tail())
    assert _writes(hub, bob, "band-take") == [201, 200, 200], hub.log_tail()
    listed = requests.get(_api(hub, "/sessions"), headers=_as(alice), timeout=30).json()
    owners = {s["name"]: s["owner"]["username"] for s in listed}
    assert owners.get("band-take") == "bob", listed

    # a token asking for alice's server by name: the hub resolves the group filters itself
    named = ["access:servers!server=alice/", f"{WRITE_SCOPE}!server=alice/"]
    scoped = _token(hub, "bob", scopes=named)
    model = requests.get(f"{hub.url}hub/api/user", headers=_as(scoped), timeout=30).json()
    assert set(named) <= set(model["scopes"]), model["scopes"]
    assert _writes(hub, scoped, "band-take-2") == [201, 200, 200]

    # carol holds write on her own servers only (the user role's !user): reads, never writes
    assert requests.get(_api(hub, "/status"), headers=_as(carol), timeout=30).status_code == 200
    codes = _writes(hub, carol, "carol-take")
    assert codes == [403, 403, 403], codes
    r = requests.post(_api(hub, "/sessions"), headers=_as(carol), json={"name": "c"},
                      timeout=30)
    assert r.json()["message"] == "not authorized to write schillinger", r.text
    # nor may she ask the hub for a token naming alice's server with write
    r = requests.post(f"{hub.url}hub/api/users/carol/tokens", headers=_as(carol), timeout=30,
                      json={"scopes": named})
    assert r.status_code == 400 and "not held by User carol" in r.text, r.text

    # dave: no share, no band
    r = requests.get(_api(hub, "/status"), headers=_as(dave), allow_redirects=False,
                     timeout=30)
    assert r.status_code in (401, 403), r.status_code
    assert _writes(hub, dave, "dave-take")[0] in (401, 403)
    names = {s["name"] for s in requests.get(_api(hub, "/sessions"), headers=_as(alice),
                                             timeout=30).json()}
    assert {"band-take", "band-take-2"} <= names
    assert not {"carol-take", "dave-take"} & names, names


def _decide(action: str, scopes: list[str], groups: list[str] | None,
            username: str = "bob") -> bool:
    return hub_decision(action, "schillinger", username=username, scopes=scopes,
                        owner="alice", owner_groups=groups).allowed


def test_group_filters_cover_the_owners_groups_only() -> None:
    assert _decide("write", BAND, ["band"])
    assert _decide("read", BAND, ["strings", "band"])
    assert not _decide("write", BAND, ["strings"])
    assert not _decide("read", BAND, ["strings"])
    assert not _decide("read", BAND, None)  # unresolved, as JupyterHub's check_scopes leaves it
    assert not _decide("write", BAND, [])
    # bob's inherit token on the hub: a share of alice's server and the band's write
    shared = ["access:servers!server=alice/", f"{WRITE_SCOPE}!group=band"]
    assert _decide("write", shared, ["band"])
    assert not _decide("write", shared, None)  # what check_scopes alone decides
    assert _decide("read", shared, None)
    # access by group, write by a share naming the server, or only read
    assert _decide("write", ["access:servers!group=band", f"{WRITE_SCOPE}!server=alice/"],
                   ["band"])
    only_access = ["access:servers!group=band"]
    assert _decide("read", only_access, ["band"])
    d = hub_decision("write", "schillinger", username="bob", scopes=only_access,
                     owner="alice", owner_groups=["band"])
    assert d == hub_decision("write", "schillinger", username="bob", owner="alice",
                             scopes=["access:servers!server=alice/"])
    # a group filter on another scope, or an unfiltered group name, grants nothing here
    assert not _decide("read", ["read:users!group=band"], ["band"])
    assert not _decide("write", ["access:servers!server=alice/",
                                 f"{WRITE_SCOPE}!group=bandits"], ["band"])
    # the resolved scope names the owner, never the asker
    assert not _decide("write", ["access:servers!server=alice/",
                                 f"{WRITE_SCOPE}!user=bob"], ["band"])


def test_non_group_scopes_decide_as_before_with_or_without_owner_groups() -> None:
    cases = [["access:servers!server=alice/"],
             ["access:servers!server=alice/", f"{WRITE_SCOPE}!server=alice/"],
             ["access:servers!user=alice", f"{WRITE_SCOPE}!user=alice"],
             ["access:servers!server=carol/", WRITE_SCOPE],
             ["access:servers", WRITE_SCOPE]]
    for scopes in cases:
        for action in ("read", "write"):
            plain = hub_decision(action, "schillinger", username="bob", scopes=scopes,
                                 owner="alice")
            for groups in ([], ["band"]):
                assert hub_decision(action, "schillinger", username="bob", scopes=scopes,
                                    owner="alice", owner_groups=groups) == plain, scopes


def test_owner_groups_are_typed() -> None:
    with pytest.raises(TypeError, match="owner_groups must be an iterable"):
        hub_decision("read", "schillinger", username="bob", scopes=BAND, owner="alice",
                     owner_groups="band")


def test_owner_groups_asks_the_hub_only_for_group_filters() -> None:
    from jupyterhub.services.auth import HubAuth

    # a hub that does not answer: nothing listens on this port
    auth = HubAuth(api_token="t0ken", api_url=f"http://127.0.0.1:{free_port()}/hub/api",
                   cache_max_age=0)
    assert owner_groups(auth, ["access:servers!server=alice/", WRITE_SCOPE]) is None
    assert owner_groups(auth, []) is None
    assert owner_groups(auth, BAND) == frozenset()  # no answer: no groups, nothing granted
    assert owner_groups(HubAuth(api_token="", api_url=auth.api_url), BAND) == frozenset()


def test_config_lines_for_teams() -> None:
    assert hub_config_lines(teams=[]) == hub_config_lines()
    lines = hub_config_lines(teams=["band", "choir"])
    assert lines.splitlines()[:4] == hub_config_lines().splitlines()[:4]
    assert lines.splitlines()[7] == hub_config_lines().splitlines()[7].replace(
        '"read:users:name", ', '"read:users:name", "read:groups:name", '), lines
    for team in ("band", "choir"):
        assert (f'{{"name": "schillinger-team-{team}", "groups": ["{team}"], "scopes": '
                f'["access:servers!group={team}", "{WRITE_SCOPE}!group={team}"]}}') in lines
    # without sharing, teams still get their role but users need not name groups
    assert '"read:groups:name"' not in hub_config_lines(sharing=False, teams=["band"])
    for bad in ("Band", "-band", "band!", "a b", ""):
        with pytest.raises(ParameterError, match="teams must be hub group names"):
            hub_config_lines(teams=[bad])
    with pytest.raises(TypeError, match="teams must be an iterable"):
        hub_config_lines(teams="band")


def test_owner_groups_leaves_odd_scopes_to_the_decision() -> None:
    assert owner_groups(None, "access:servers!group=band") is None
    assert owner_groups(None, 5) is None
    assert owner_groups(None, None) is None

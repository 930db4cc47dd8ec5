"""The hub set-up without a hub: the config lines an admin pastes, and the authorizer's decision.

``hub_config_lines()`` is loaded by JupyterHub's own configuration classes (the hub and its
spawner read it as they would at start-up); ``hub_decision`` is asked what the single-user
servers ask, with scopes as the hub expands them, and matched by JupyterHub's own
``check_scopes``. The same lines and decisions run through a real hub in
``test_hub_readonly.py``; docs/hub-admin.md and notebooks/08_teams.ipynb show them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from traitlets.config import Config

from schillinger_kernel.errors import ParameterError, ParameterTypeError
from schillinger_kernel.server.hub_scopes import (
    AUTHORIZER,
    SERVER_TOKEN_SCOPES,
    WRITE_SCOPE,
    hub_config_lines,
    hub_decision,
)

pytest.importorskip("jupyterhub", reason="JupyterHub is in the dev extra: pip install -e .[dev]")
from jupyterhub.app import JupyterHub
from jupyterhub.spawner import LocalProcessSpawner

ROOT = Path(__file__).resolve().parents[2]
SHARE = "access:servers!server=alice/"
USER_ROLE = ["self", "shares!user", "read:users:name", f"{WRITE_SCOPE}!user"]
#: The server's own token: the hub's ``server`` role plus listing its own shares.
TOKEN_SCOPES = ["users:activity!user", "access:servers!server", "read:shares!server"]


def _loaded(lines: str, config: Config | None = None) -> tuple[JupyterHub, LocalProcessSpawner]:
    c = config if config is not None else Config()
    exec(compile(lines, "jupyterhub_config.py", "exec"), {"c": c})
    return JupyterHub(config=c), LocalProcessSpawner(config=c)


def test_the_lines_load_into_jupyterhub_and_add_to_an_existing_config() -> None:
    c = Config()
    c.JupyterHub.load_roles = [{"name": "admin", "services": ["tester"]}]
    c.Spawner.args = ["--debug"]
    c.JupyterHub.custom_scopes = {"custom:other": {"description": "kept"}}
    hub, spawner = _loaded(hub_config_lines(), c)
    assert hub.load_roles == [{"name": "admin", "services": ["tester"]},
                              {"name": "user", "scopes": USER_ROLE}]
    assert set(hub.custom_scopes) == {"custom:other", WRITE_SCOPE}
    assert spawner.args == ["--debug", f"--ServerApp.authorizer_class={AUTHORIZER}"]
    assert spawner.server_token_scopes == TOKEN_SCOPES == list(SERVER_TOKEN_SCOPES)
    # on an empty config the same lines stand alone
    hub, spawner = _loaded(hub_config_lines())
    assert hub.load_roles == [{"name": "user", "scopes": USER_ROLE}]
    assert spawner.args == [f"--ServerApp.authorizer_class={AUTHORIZER}"]
    assert spawner.server_token_scopes == TOKEN_SCOPES


def test_the_options_choose_the_user_role() -> None:
    hub, spawner = _loaded(hub_config_lines(shares_may_write=False))
    assert hub.load_roles == [{"name": "user", "scopes": USER_ROLE[:3]}]
    assert spawner.server_token_scopes == []  # the hub's default: its server role
    hub, spawner = _loaded(hub_config_lines(sharing=False))
    assert hub.load_roles == [{"name": "user", "scopes": ["self", f"{WRITE_SCOPE}!user"]}]
    assert spawner.server_token_scopes == TOKEN_SCOPES
    hub, spawner = _loaded(hub_config_lines(sharing=False, shares_may_write=False,
                                            authorizer="my_site.auth.Strict"))
    assert hub.load_roles == [] and WRITE_SCOPE in hub.custom_scopes
    assert spawner.args == ["--ServerApp.authorizer_class=my_site.auth.Strict"]


@pytest.mark.parametrize(("kwargs", "error", "words"), [
    ({"sharing": "yes"}, ParameterTypeError, "sharing must be True or False, got 'yes'"),
    ({"shares_may_write": 1}, ParameterTypeError, "shares_may_write must be True or False"),
    ({"authorizer": "x; import os"}, ParameterError, "authorizer must be a dotted class path"),
    ({"authorizer": "Strict"}, ParameterError, "authorizer must be a dotted class path"),
])
def test_bad_options_are_refused(kwargs: dict[str, object], error: type[Exception],
                                 words: str) -> None:
    with pytest.raises(error, match=words.replace("(", r"\(")):
        hub_config_lines(**kwargs)  # type: ignore[arg-type]


ALICE = ["access:servers!user=alice", f"{WRITE_SCOPE}!user=alice", "read:users:name!user=alice"]
CASES = [
    # (who, scopes, action, resource, server_name, allowed, reason contains)
    ("alice", ALICE, "write", "schillinger", "", True, "alice owns alice/"),
    ("bob", [SHARE], "read", "schillinger", "", True, "bob reaches alice/: read is allowed"),
    ("bob", [SHARE], "write", "schillinger", "", False,
     f"read-only share: writing needs the owner or {WRITE_SCOPE}!server=alice/"),
    ("bob", [SHARE, f"{WRITE_SCOPE}!server=alice/"], "write", "schillinger", "", True,
     f"bob holds {WRITE_SCOPE} for alice/"),
    ("bob", [SHARE, f"{WRITE_SCOPE}!user=alice"], "write", "schillinger", "", True, "holds"),
    ("teacher", ["access:servers", WRITE_SCOPE], "write", "schillinger", "", True, "holds"),
    # write on another of alice's servers, or on carol's, gives nothing here
    ("bob", [SHARE, f"{WRITE_SCOPE}!server=alice/band"], "write", "schillinger", "", False,
     "read-only share"),
    ("bob", [SHARE, f"{WRITE_SCOPE}!user=carol"], "write", "schillinger", "", False,
     "read-only share"),
    # the named server band: its own share scope
    ("bob", ["access:servers!server=alice/band"], "read", "schillinger", "band", True,
     "bob reaches alice/band"),
    ("bob", [SHARE], "read", "schillinger", "band", False, "no access to alice/band"),
    # the write scope without access to the server reaches nothing
    ("dave", [f"{WRITE_SCOPE}!server=alice/"], "write", "schillinger", "", False,
     "no access to alice/: dave holds none of access:servers!server=alice/, "
     "access:servers!user=alice"),
    ("carol", ["access:servers!user=carol"], "read", "schillinger", "", False, "no access"),
    # the rest of Jupyter gets the hub's check only: a share may write alice's files
    ("bob", [SHARE], "write", "contents", "", True, "bob reaches alice/: write is allowed"),
    ("bob", [SHARE], "execute", "kernels", "", True, "execute is allowed"),
]


@pytest.mark.parametrize(("who", "scopes", "action", "resource", "server", "allowed", "why"),
                         CASES, ids=[f"{c[0]}-{c[2]}-{c[3]}-{i}" for i, c in enumerate(CASES)])
def test_decisions(who: str, scopes: list[str], action: str, resource: str, server: str,
                   allowed: bool, why: str) -> None:
    got = hub_decision(action, resource, username=who, scopes=scopes, owner="alice",
                       server_name=server)
    assert got.allowed is allowed, got
    assert why in got.reason, got


def test_access_scopes_given_by_the_server_and_no_owner() -> None:
    # what a single-user server passes: its JUPYTERHUB_OAUTH_ACCESS_SCOPES
    mine = {"access:servers!server=alice/"}
    assert hub_decision("read", "schillinger", username="bob", scopes=[SHARE], owner="alice",
                        access_scopes=mine).allowed
    assert not hub_decision("read", "schillinger", username="bob", scopes=[SHARE],
                            owner="alice", access_scopes=set()).allowed  # nothing reaches it
    # without an owner in the environment nobody writes, reading still needs access
    nobody = hub_decision("write", "schillinger", username="", scopes=["access:servers",
                                                                       WRITE_SCOPE],
                          owner="", access_scopes=mine)
    assert not nobody.allowed and "read-only" in nobody.reason


def test_bad_scopes_are_refused_with_what_to_send() -> None:
    with pytest.raises(ParameterError, match=r"as the hub expands them.*!user=bob"):
        hub_decision("write", "schillinger", username="bob", owner="alice",
                     scopes=[SHARE, f"{WRITE_SCOPE}!user"])  # a role's form, not expanded
    with pytest.raises(ParameterTypeError, match="scopes must be an iterable of scope strings"):
        hub_decision("read", "schillinger", username="bob", owner="alice", scopes=SHARE)
    with pytest.raises(ParameterTypeError, match="username must be a string, got NoneType"):
        hub_decision("read", "schillinger", username=None, owner="alice",  # type: ignore[arg-type]
                     scopes=[SHARE])


def test_the_admin_page_shows_the_lines_the_code_writes() -> None:
    page = (ROOT / "docs" / "hub-admin.md").read_text()
    assert hub_config_lines() in page, "docs/hub-admin.md: paste hub_config_lines() again"

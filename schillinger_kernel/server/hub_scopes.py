"""JupyterHub's scopes for the extension: who may write on a shared server.

Under JupyterHub, :class:`HubScopeAuthorizer` (``--ServerApp.authorizer_class``) makes shares
read-only for the extension: writes need the server's owner or the custom hub scope
:data:`WRITE_SCOPE`. Its decision is :func:`hub_decision` (a pure function of the user's hub
scopes, the owner's groups and what the server's shares grant, so it can be shown and tested
without a hub), and :func:`hub_config_lines` writes the ``jupyterhub_config.py`` lines that
switch it on (notebooks/08_teams.ipynb, docs/hub-admin.md). The WebSocket fan-out is
:mod:`.hub`; the hub's share list, asked for browser logins, is :mod:`.hub_shares`.

>>> hub_decision("write", "schillinger", username="bob", owner="alice",
...              scopes=["access:servers!server=alice/"]).allowed
False
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
from collections.abc import Awaitable, Iterable
from dataclasses import dataclass
from typing import Any

from jupyter_server.auth.authorizer import Authorizer
from traitlets import Float

from ..errors import ParameterError, ParameterTypeError
from .hub_shares import ShareLookup

__all__ = ["AUTHORIZER", "BROWSER_SCOPE", "SERVER_TOKEN_SCOPES", "WRITE_SCOPE", "HubDecision",
           "HubScopeAuthorizer", "hub_config_lines", "hub_decision", "owner_groups"]

_log = logging.getLogger(__name__)

#: The custom JupyterHub scope that lets a user who is not the owner write (declare it in
#: ``c.JupyterHub.custom_scopes``; grant it filtered, e.g. ``!server=alice/``).
WRITE_SCOPE = "custom:schillinger:write"
#: What a browser's OAuth token for a server may carry besides access to it: the write scope
#: for that server (the hub expands a bare ``!server``), where the user's roles hold it.
BROWSER_SCOPE = f"{WRITE_SCOPE}!server"
#: A hub group that :func:`hub_config_lines` names a role after (a role name's characters).
_TEAM = re.compile(r"[a-z0-9](?:[a-z0-9\-_~.]{0,200}[a-z0-9])?")
#: What a hub passes to each single-user server as ``--ServerApp.authorizer_class``.
AUTHORIZER = "schillinger_kernel.server.hub_scopes.HubScopeAuthorizer"
#: The server's own token (``JUPYTERHUB_API_TOKEN``): the hub's default ``server`` role, plus
#: reading the server's own shares (the hub resolves a bare ``!server`` to the server).
SERVER_TOKEN_SCOPES = ("users:activity!user", "access:servers!server", "read:shares!server")


@dataclass(frozen=True)
class HubDecision:
    """What :class:`HubScopeAuthorizer` answers for one request, and why (for people)."""

    allowed: bool
    reason: str


def _strings(name: str, values: Iterable[str]) -> frozenset[str]:
    if isinstance(values, str) or not all(isinstance(v, str) for v in values):
        raise ParameterTypeError(f"{name} must be an iterable of scope strings such as "
                                 f"'access:servers!server=alice/', got {values!r}", field=name)
    return frozenset(values)


def _group_scopes_as_owner(held: frozenset[str], owner: str,
                           groups: frozenset[str]) -> frozenset[str]:
    """``<scope>!user=<owner>`` for each held ``<scope>!group=<g>`` whose ``g`` is in ``groups``
    (the hub's own reading of a group filter: the members' users and servers)."""
    if not owner:
        return frozenset()
    out = set()
    for scope in held:
        base, _, kind_value = scope.partition("!")
        kind, _, value = kind_value.partition("=")
        if kind == "group" and value in groups:
            out.add(f"{base}!user={owner}")
    return frozenset(out)


def hub_decision(action: str, resource: str, *, username: str, scopes: Iterable[str],
                 owner: str, server_name: str = "",
                 access_scopes: Iterable[str] | None = None,
                 owner_groups: Iterable[str] | None = None,
                 share_scopes: Iterable[str] | None = None) -> HubDecision:
    """Whether hub user ``username`` holding ``scopes`` may do ``action`` on ``resource`` of
    ``owner``'s server ``server_name``: the decision :class:`HubScopeAuthorizer` makes.

    First JupyterHub's own check (as its ``JupyterHubAuthorizer``): ``scopes`` must grant one
    of ``access_scopes`` (by default what the hub's spawner requires for that server,
    ``access:servers!server=<owner>/<server_name>`` or ``access:servers!user=<owner>``). Then,
    for ``write`` on the extension's resource ``"schillinger"`` only: the owner may, anyone
    else needs :data:`WRITE_SCOPE` for this server (plain, or filtered ``!user=<owner>`` or
    ``!server=<owner>/<server_name>``). Scopes are matched by JupyterHub's own
    ``check_scopes`` (jupyterhub must be installed, as it is on every hub).

    A scope filtered by group (``...!group=band``) covers the servers of the group's members,
    as in the hub. The hub hands such scopes to single-user servers unresolved and
    ``check_scopes`` cannot resolve them, so with ``owner_groups`` (the owner's hub groups)
    each ``<scope>!group=<g>`` with ``g`` among them counts as ``<scope>!user=<owner>``.

    ``share_scopes`` are what the hub's shares of the server grant the user (the hub leaves
    them out of a browser's token): they count for the write question only, never for reaching
    the server.

    Parameters
    ----------
    action : str
        The jupyter-server action: ``"read"``, ``"write"`` or ``"execute"``.
    resource : str
        The jupyter-server resource (``"schillinger"`` for this extension, ``"contents"``...).
    username : str
        The hub user asking.
    scopes : iterable of str
        That user's scopes as the hub expands them (``...!user=bob``, never a role's
        bare ``!user``).
    owner, server_name : str
        Whose server is asked, and its name (``""``: the default server).
    access_scopes : iterable of str, optional
        The scopes that reach the server (a single-user server reads them from
        ``JUPYTERHUB_OAUTH_ACCESS_SCOPES``).
    owner_groups : iterable of str, optional
        The hub groups ``owner`` belongs to; without them ``!group=`` filters grant nothing.
    share_scopes : iterable of str, optional
        The scopes of the server's shares made to the user or his groups
        (:func:`~.hub_shares.scopes_shared_with`).

    Returns
    -------
    HubDecision
        ``allowed``, and a one-line ``reason``.

    Examples
    --------
    >>> share = ["access:servers!server=alice/"]
    >>> hub_decision("read", "schillinger", username="bob", scopes=share, owner="alice")
    HubDecision(allowed=True, reason='bob reaches alice/: read is allowed')
    >>> hub_decision("write", "schillinger", username="bob", scopes=share, owner="alice").reason
    'read-only share: writing needs the owner or custom:schillinger:write!server=alice/'
    >>> band = ["access:servers!group=band", "custom:schillinger:write!group=band"]
    >>> hub_decision("write", "schillinger", username="bob", scopes=band, owner="alice",
    ...              owner_groups=["band"]).allowed
    True
    >>> hub_decision("write", "schillinger", username="bob", scopes=band, owner="alice",
    ...              owner_groups=["strings"]).allowed
    False
    >>> hub_decision("write", "schillinger", username="bob", scopes=share, owner="alice",
    ...              share_scopes=[f"{WRITE_SCOPE}!server=alice/"]).reason
    'bob holds custom:schillinger:write for alice/ by a share'
    """
    named = {"action": action, "resource": resource, "username": username, "owner": owner,
             "server_name": server_name}
    for name, value in named.items():
        if not isinstance(value, str):
            raise ParameterTypeError(f"{name} must be a string, got "
                                     f"{type(value).__name__} {value!r}", field=name)
    try:  # jupyterhub is on every hub, but a dev extra here: no import at module load
        from jupyterhub.services.auth import check_scopes
    except ImportError as exc:  # pragma: no cover - dev installs have it
        raise ParameterError("hub_decision needs JupyterHub's scope matching: "
                             "pip install jupyterhub") from exc
    # imported here: handlers imports the workbench, which imports this module
    from .base import AUTH_RESOURCE, WRITE
    held = _strings("scopes", scopes)
    shared = _strings("share_scopes", share_scopes if share_scopes is not None else ())
    if owner_groups is not None:  # resolved here; check_scopes would only warn about them
        held = frozenset(s for s in held if "!group=" not in s) | _group_scopes_as_owner(
            held, owner, _strings("owner_groups", owner_groups))
    server = f"{owner}/{server_name}"
    needed = (_strings("access_scopes", access_scopes) if access_scopes is not None
              else frozenset({f"access:servers!server={server}",
                              f"access:servers!user={owner}"}))
    try:
        reaches = bool(check_scopes(set(needed), set(held)))
        if not reaches:
            return HubDecision(False, f"no access to {server}: {username} holds none of "
                               f"{', '.join(sorted(needed)) or '(no access scopes)'}")
        if resource != AUTH_RESOURCE or action != WRITE:
            return HubDecision(True, f"{username} reaches {server}: {action} is allowed")
        if owner and username == owner:
            return HubDecision(True, f"{username} owns {server}")
        wanted = f"{WRITE_SCOPE}!server={server}"
        if owner and check_scopes({wanted}, set(held)):
            return HubDecision(True, f"{username} holds {WRITE_SCOPE} for {server}")
        if owner and shared and check_scopes({wanted}, set(shared)):
            return HubDecision(True, f"{username} holds {WRITE_SCOPE} for {server} by a share")
    except ValueError as exc:  # jupyterhub's parser: a malformed or unexpanded filter
        raise ParameterError(f"scopes: {exc}; give them as the hub expands them, e.g. "
                             f"'{WRITE_SCOPE}!user=bob'", field="scopes") from exc
    return HubDecision(False, f"read-only share: writing needs the owner or {wanted}")


def hub_config_lines(*, sharing: bool = True, shares_may_write: bool = True,
                     authorizer: str = AUTHORIZER, teams: Iterable[str] = ()) -> str:
    """The ``jupyterhub_config.py`` lines that make shared workbenches read-only.

    They declare :data:`WRITE_SCOPE`, start every single-user server with
    :class:`HubScopeAuthorizer` (``authorizer``), let a browser's login token keep
    :data:`BROWSER_SCOPE` where the user's roles grant it (else a browser only reads another
    user's workbench), and widen the ``user`` role so users may share their own servers
    (``sharing``) and put the write scope in a share (``shares_may_write``). With
    ``shares_may_write`` each server's own token also gets :data:`SERVER_TOKEN_SCOPES`, so the
    authorizer may read the server's shares: the hub cuts browser tokens to the user's roles,
    and a share's write scope counts in the browser only that way. Each line adds to what the
    config already holds (``append``, ``update``), so they go at the end of an existing
    ``jupyterhub_config.py``; if it defines the ``user`` role itself, add these scopes there
    instead.

    Each hub group named in ``teams`` gets a role ``schillinger-team-<group>``: its members
    reach and change each other's workbenches (``access:servers!group=<group>``,
    ``WRITE_SCOPE!group=<group>``, resolved by :class:`HubScopeAuthorizer`), and users may share
    with groups by name.

    Parameters
    ----------
    sharing : bool
        Users may share their own servers (``shares!user``, ``read:users:name``).
    shares_may_write : bool
        Users hold :data:`WRITE_SCOPE` on their own servers, so a share may carry it.
    authorizer : str
        The authorizer class (dotted path) the servers run.
    teams : iterable of str
        Existing hub groups whose members write on each other's workbenches.

    Returns
    -------
    str
        Python lines, one statement each, with a comment saying why.

    Examples
    --------
    >>> print(hub_config_lines(sharing=False, shares_may_write=False).splitlines()[-1])
    c.Spawner.oauth_client_allowed_scopes.append("custom:schillinger:write!server")
    >>> print(hub_config_lines(teams=["band"]).splitlines()[-2])
    # members of hub group band open and change each other's workbenches
    """
    team_names = _strings("teams", teams)
    for team in sorted(team_names):
        if not _TEAM.fullmatch(team):
            raise ParameterError("teams must be hub group names of lower-case letters, digits "
                                 f"and '-_.~' (they name a role), got {team!r}", field="teams")
    for name, flag in (("sharing", sharing), ("shares_may_write", shares_may_write)):
        if not isinstance(flag, bool):
            raise ParameterTypeError(f"{name} must be True or False, got {flag!r}", field=name)
    if not isinstance(authorizer, str) or not authorizer.replace(".", "").replace(
            "_", "").isalnum() or "." not in authorizer:
        raise ParameterError("authorizer must be a dotted class path such as "
                             f"{AUTHORIZER!r}, got {authorizer!r}", field="authorizer")
    scope = {WRITE_SCOPE: {"description": "change a Schillinger workbench: transport, "
                                          "sessions, exports"}}
    lines = ["# Schillinger Workbench: shares read, owners (and holders of "
             f"{WRITE_SCOPE}) write",
             f"c.JupyterHub.custom_scopes.update({json.dumps(scope)})",
             "# every single-user server asks this authorizer before each action",
             f'c.Spawner.args.append("--ServerApp.authorizer_class={authorizer}")',
             # the hub gives a browser's token only access plus these, cut to what the user's
             # roles hold; a bare !server is the server the browser opens
             f"# browser logins keep {WRITE_SCOPE} where a role grants it for the server",
             f"c.Spawner.oauth_client_allowed_scopes.append({json.dumps(BROWSER_SCOPE)})"]
    role = ["self"] + (["shares!user", "read:users:name"] if sharing else []) + (
        ["read:groups:name"] if sharing and team_names else []) + (
        [f"{WRITE_SCOPE}!user"] if shares_may_write else [])
    why = (["share their own servers"] if sharing else []) + (
        [f"put {WRITE_SCOPE} in shares of their servers"] if shares_may_write else [])
    if why:
        lines += [f"# users may {' and '.join(why)}",
                  "c.JupyterHub.load_roles.append("
                  f"{json.dumps({'name': 'user', 'scopes': role})})"]
    if shares_may_write:
        lines += ["# each server's own token lists its shares: a share's write scope then "
                  "counts in browsers too",
                  "c.Spawner.server_token_scopes.extend("
                  f"{json.dumps(list(SERVER_TOKEN_SCOPES))})"]
    for team in sorted(team_names):
        team_role = {"name": f"schillinger-team-{team}", "groups": [team],
                     "scopes": [f"access:servers!group={team}", f"{WRITE_SCOPE}!group={team}"]}
        lines += [f"# members of hub group {team} open and change each other's workbenches",
                  f"c.JupyterHub.load_roles.append({json.dumps(team_role)})"]
    return "\n".join(lines) + "\n"


class HubScopeAuthorizer(Authorizer):
    """jupyter-server Authorizer for a JupyterHub single-user server: shares read, owners write.

    For every action and resource it first makes JupyterHub's own check (the user's hub scopes
    include this server's ``access:servers``, as ``JupyterHubAuthorizer`` does). On the
    extension's resource ``"schillinger"``, ``write`` further needs the server's owner
    (``JUPYTERHUB_USER``) or :data:`WRITE_SCOPE` for this server (unfiltered, or with a
    ``!user=`` or ``!server=`` filter naming it; a ``!group=`` filter counts when the owner is
    in that group: :func:`owner_groups` asks the hub). A browser login (a token with a hub
    login session) whose token lacks the write scope also gets it from a share of this server
    to the user or one of his groups that carries it: the hub leaves shares out of browser
    tokens, so the authorizer asks the hub for the server's shares (:mod:`.hub_shares`, cached
    :attr:`share_cache_seconds`; no answer: read only). Tokens made through the API already
    hold their shares' scopes, and one narrowed on purpose stays narrow. Set with
    ``--ServerApp.authorizer_class=schillinger_kernel.server.hub_scopes.HubScopeAuthorizer``.
    Its decision, with examples: :func:`hub_decision`; at work: tests/server/test_hub_readonly.py
    and tests/server/test_hub_browser_login.py.
    """

    share_cache_seconds = Float(60.0, min=0.0, max=86400.0, help=(
        "Seconds the hub's list of this server's shares is kept: a share granted or revoked "
        "counts in browsers at most this long after (0: ask the hub on every such write)."),
    ).tag(config=True)
    share_timeout_seconds = Float(2.0, min=0.05, max=60.0, help=(
        "Seconds to wait for the hub's share list; no answer counts as no shares."),
    ).tag(config=True)

    _share_lookup: ShareLookup | None = None

    def is_authorized(self, handler: Any, user: Any, action: str,
                      resource: str) -> Awaitable[bool] | bool:
        """Whether ``user`` may do ``action`` on ``resource``: :func:`hub_decision` with the
        user's hub scopes, this server's owner (``JUPYTERHUB_USER``), name
        (``JUPYTERHUB_SERVER_NAME``) and access scopes (the hub auth's), and for a browser
        login's write the scopes this server's shares grant him.

        Where the answer needs the hub (the owner's groups for a ``!group=`` scope, the
        server's shares for a browser's write) it is an awaitable that asks in a worker
        thread, so the event loop never waits on the hub; Jupyter awaits either kind."""
        hub_auth = getattr(self.identity_provider, "hub_auth", None)
        hub_user = getattr(user, "hub_user", None)
        if hub_auth is None or not isinstance(hub_user, dict):
            return False  # not under a hub: fail closed rather than guess
        scopes = hub_user.get("scopes") or ()
        username = str(user.username)
        owner = os.environ.get("JUPYTERHUB_USER", "")
        server_name = os.environ.get("JUPYTERHUB_SERVER_NAME", "")

        def decide() -> bool:
            try:
                asked = {"username": username, "scopes": scopes, "owner": owner,
                         "server_name": server_name, "access_scopes": hub_auth.access_scopes,
                         "owner_groups": owner_groups(hub_auth, scopes)}
                decision = hub_decision(action, resource, **asked)
                if decision.allowed or not _browser_write(action, resource, username, owner,
                                                          hub_user):
                    return decision.allowed
                groups = [g for g in hub_user.get("groups") or () if isinstance(g, str)]
                shared = self._shares(hub_auth, owner, server_name).scopes_for(username, groups)
                return hub_decision(action, resource, share_scopes=shared, **asked).allowed
            except (ParameterError, ParameterTypeError):
                return False  # scopes the hub's parser refuses grant nothing

        asks_hub = (_browser_write(action, resource, username, owner, hub_user)
                    or any(isinstance(s, str) and "!group=" in s for s in scopes))
        return asyncio.to_thread(decide) if asks_hub else decide()

    def _shares(self, hub_auth: Any, owner: str, server_name: str) -> ShareLookup:
        if self._share_lookup is None:
            context = None
            if getattr(hub_auth, "certfile", "") and getattr(hub_auth, "keyfile", ""):
                from jupyterhub.utils import make_ssl_context  # internal_ssl hubs only
                context = make_ssl_context(hub_auth.keyfile, hub_auth.certfile,
                                           cafile=hub_auth.client_ca)
            self._share_lookup = ShareLookup(
                str(hub_auth.api_url), str(hub_auth.api_token or ""), owner, server_name,
                ttl=self.share_cache_seconds, timeout=self.share_timeout_seconds,
                ssl_context=context)
        return self._share_lookup


def _browser_write(action: str, resource: str, username: str, owner: str,
                   hub_user: dict[str, Any]) -> bool:
    """Whether shares may add the write scope: a non-owner's write on the workbench, with a
    token the hub issued to a browser login (it carries the login's ``session_id``; API tokens
    have none and already hold their shares' scopes)."""
    from .base import AUTH_RESOURCE, WRITE
    return (action == WRITE and resource == AUTH_RESOURCE and bool(owner)
            and username != owner and bool(hub_user.get("session_id")))


def owner_groups(hub_auth: Any, scopes: Any) -> frozenset[str] | None:
    """The hub groups of this server's owner when ``scopes`` hold a ``!group=`` filter, else
    None (no call to the hub).

    Asked of the hub with the server's own token (``JUPYTERHUB_API_TOKEN``, whose ``/hub/api/user``
    model always names its owner's groups) and cached by ``hub_auth`` like any token model
    (``HubAuth.cache_max_age``, 5 minutes by default). A hub that does not answer gives no
    groups: group filters then grant nothing.

    >>> owner_groups(None, ["access:servers!server=alice/"]) is None
    True
    """
    if not isinstance(scopes, list | tuple | set | frozenset) or not any(
            isinstance(s, str) and "!group=" in s for s in scopes):
        return None  # hub_decision refuses scopes of any other shape
    token = getattr(hub_auth, "api_token", "")
    if not token:
        return frozenset()
    try:
        model = hub_auth.user_for_token(token, sync=True)
    except Exception as exc:  # the hub down or refusing: group filters grant nothing
        getattr(hub_auth, "log", _log).warning("no hub groups for this server's owner: %s", exc)
        return frozenset()
    groups = model.get("groups") if isinstance(model, dict) else None
    return frozenset(g for g in groups or () if isinstance(g, str))

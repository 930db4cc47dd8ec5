"""What JupyterHub's shares of this server grant a user, asked of the hub and cached.

JupyterHub cuts the OAuth token a browser gets for a server to what the user's *roles* hold,
not his shares, so the write scope in a share reaches a user's API tokens but never his
browser. :class:`ShareLookup` asks the hub for this server's shares
(``GET /hub/api/shares/<owner>/<server>``, with the server's own token, which needs
``read:shares!server``: :func:`~.hub_scopes.hub_config_lines` grants it) and keeps the list
for a while; :func:`scopes_shared_with` picks the scopes one user gets from it, by his name or
one of his groups. :class:`~.hub_scopes.HubScopeAuthorizer` uses both for browser logins.

>>> shares = parse_shares({"items": [{"kind": "user", "user": {"name": "bob"},
...                                   "scopes": ["access:servers!server=alice/"]}]})
>>> sorted(scopes_shared_with(shares, "bob", groups=()))
['access:servers!server=alice/']
"""

from __future__ import annotations

import json
import logging
import ssl
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ..checks import check_float
from ..errors import ParameterTypeError

__all__ = ["MAX_PAGES", "Share", "ShareLookup", "parse_shares", "scopes_shared_with"]

_log = logging.getLogger(__name__)

#: Pages of the hub's share list read at most (the hub serves up to 200 shares a page);
#: shares past them grant nothing.
MAX_PAGES = 20


@dataclass(frozen=True)
class Share:
    """One share of this server: to a ``"user"`` or a ``"group"`` called ``name``."""

    kind: str
    name: str
    scopes: frozenset[str]


def parse_shares(page: Any) -> tuple[Share, ...]:
    """The shares in one page of the hub's ``/hub/api/shares/<owner>/<server>`` answer (its
    ``items``; a bare list too); entries of another shape are skipped (they grant nothing).

    >>> parse_shares({"items": [{"kind": "group", "group": {"name": "band"}, "scopes": ["x"]},
    ...                         {"kind": "user", "user": None}]})
    (Share(kind='group', name='band', scopes=frozenset({'x'})),)
    """
    items = page.get("items") if isinstance(page, dict) else page
    out = []
    for item in items if isinstance(items, list) else ():
        if not isinstance(item, dict) or item.get("kind") not in ("user", "group"):
            continue
        who, scopes = item.get(item["kind"]), item.get("scopes")
        name = who.get("name") if isinstance(who, dict) else None
        if isinstance(name, str) and isinstance(scopes, list):
            out.append(Share(item["kind"], name,
                             frozenset(s for s in scopes if isinstance(s, str))))
    return tuple(out)


def scopes_shared_with(shares: Iterable[Share], username: str,
                       groups: Iterable[str]) -> frozenset[str]:
    """The scopes ``shares`` grant hub user ``username`` who is in hub ``groups``: those of
    the shares made to him and to any of his groups (as the hub counts them).

    >>> band = [Share("group", "band", frozenset({"w"})), Share("user", "carol", frozenset("r"))]
    >>> sorted(scopes_shared_with(band, "bob", ["band"]))
    ['w']
    >>> sorted(scopes_shared_with(band, "bob", []))
    []
    """
    mine = frozenset(g for g in groups if isinstance(g, str))
    out: set[str] = set()
    for share in shares:
        if (share.kind == "user" and share.name == username) or (
                share.kind == "group" and share.name in mine):
            out |= share.scopes
    return frozenset(out)


@dataclass
class ShareLookup:
    """This server's shares, asked of the hub at most once per ``ttl`` seconds.

    A hub that does not answer within ``timeout`` seconds, or refuses, counts as no shares for
    ``ttl`` seconds too (fail closed: shares then grant nothing, and a hub that is down does
    not hold up every request). Asked synchronously, as jupyter-server asks its Authorizer:
    the cache keeps that to one short request per ``ttl``.

    Parameters
    ----------
    api_url : str
        The hub's API (``JUPYTERHUB_API_URL``, e.g. ``http://127.0.0.1:8081/hub/api``).
    token : str
        The server's own token (``JUPYTERHUB_API_TOKEN``), holding ``read:shares!server``.
    owner, server_name : str
        Whose server this is, and its name (``""``: the default server).
    ttl, timeout : float
        Seconds an answer is kept; seconds to wait for the hub.

    Examples
    --------
    >>> lookup = ShareLookup("http://127.0.0.1:9/hub/api", "t", "alice", "", ttl=60, timeout=1)
    >>> lookup.url
    'http://127.0.0.1:9/hub/api/shares/alice/'
    >>> lookup.shares()  # nothing listens on port 9: no shares
    ()
    """

    api_url: str
    token: str
    owner: str
    server_name: str
    ttl: float
    timeout: float
    ssl_context: ssl.SSLContext | None = None
    clock: Callable[[], float] = time.monotonic
    _kept: tuple[float, tuple[Share, ...]] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        for name in ("api_url", "token", "owner", "server_name"):
            value = getattr(self, name)
            if not isinstance(value, str):
                raise ParameterTypeError(f"{name} must be a string, got "
                                         f"{type(value).__name__} {value!r}", field=name)
        # a day at most: a revoked share must stop granting within a working session
        self.ttl = check_float("ttl", self.ttl, 0.0, 86400.0)
        self.timeout = check_float("timeout", self.timeout, 0.0, 60.0, low_open=True)

    @property
    def url(self) -> str:
        """The hub's share list of this server."""
        return (f"{self.api_url.rstrip('/')}/shares/{urllib.parse.quote(self.owner)}/"
                f"{urllib.parse.quote(self.server_name)}")

    def shares(self) -> tuple[Share, ...]:
        """This server's shares: kept ones if younger than ``ttl``, else the hub's answer."""
        now = self.clock()
        if self._kept is not None and now - self._kept[0] < self.ttl:
            return self._kept[1]
        try:
            found = self._fetch()
        except (OSError, ValueError) as exc:  # down, refusing (HTTPError), or not JSON
            _log.warning("no share list from the hub at %s (shares grant nothing for %g s): "
                         "%s", self.url, self.ttl, exc)
            found = ()
        self._kept = (now, found)
        return found

    def scopes_for(self, username: str, groups: Iterable[str]) -> frozenset[str]:
        """:func:`scopes_shared_with` of :meth:`shares`."""
        return scopes_shared_with(self.shares(), username, groups)

    def _fetch(self) -> tuple[Share, ...]:
        found: list[Share] = []
        offset = 0
        for _ in range(MAX_PAGES):
            query = urllib.parse.urlencode({"offset": offset}) if offset else ""
            request = urllib.request.Request(
                f"{self.url}?{query}" if query else self.url,
                headers={"Authorization": f"token {self.token}",
                         "Accept": "application/jupyterhub-pagination+json"})
            with urllib.request.urlopen(request, timeout=self.timeout,
                                        context=self.ssl_context) as response:
                page = json.loads(response.read().decode("utf-8"))
            found.extend(parse_shares(page))
            nxt = page.get("_pagination", {}).get("next") if isinstance(page, dict) else None
            if not isinstance(nxt, dict) or not isinstance(nxt.get("offset"), int):
                break
            offset = nxt["offset"]
        return tuple(found)

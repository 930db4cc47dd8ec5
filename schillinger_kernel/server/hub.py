"""The WebSocket hub: who is connected, who listens to the transport, and the fan-out.

A broadcast is serialised once (``json.dumps``), encoded once, framed once (a server never
masks, so the same WebSocket frame goes to every peer) and handed to each peer without waiting:
one ``send`` on its socket when nothing is queued for it, else through its tornado stream's
buffer, which keeps the peer's messages in order. Nothing is awaited per peer and no per-peer
future or task is made (tornado's ``write_message`` wraps every write in a task); peers that are
closing or closed are dropped.

A peer that does not read cannot make the server hold its messages without end: once more
than ``send_limit`` bytes wait in its stream (:func:`queued_bytes`), it is dropped from the hub
and closed with code :data:`SLOW_CONSUMER` (1008, policy violation), and its buffer is freed
when the close times out. Peers that vanish without closing are found by the WebSocket
keep-alive pings (:class:`~.ws.SessionSocket`).

Every broadcast's hand-off time (serialise, frame, write to every socket) is kept for the last
:data:`STATS_KEPT` broadcasts and reported by ``GET status`` under ``websocket``.

Under JupyterHub, :class:`HubScopeAuthorizer` (``--ServerApp.authorizer_class``) makes shares
read-only for the extension: writes need the server's owner or the custom hub scope
:data:`WRITE_SCOPE`. Its decision is :func:`hub_decision` (a pure function of the user's hub
scopes and the owner's groups, so it can be shown and tested without a hub), and
:func:`hub_config_lines` writes the ``jupyterhub_config.py`` lines that switch it on
(notebooks/08_teams.ipynb, docs/hub-admin.md).

>>> text_frame(b"hi")
b'\\x81\\x02hi'
>>> len(text_frame(b"x" * 200)), len(text_frame(b"x" * 70_000))
(204, 70010)
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import statistics
import struct
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from jupyter_server.auth.authorizer import Authorizer
from tornado.iostream import IOStream, StreamClosedError
from tornado.websocket import WebSocketClosedError

from ..errors import ParameterError, ParameterTypeError

__all__ = [
    "AUTHORIZER",
    "SEND_LIMIT",
    "SLOW_CONSUMER",
    "STATS_KEPT",
    "WRITE_SCOPE",
    "Hub",
    "HubDecision",
    "HubScopeAuthorizer",
    "Peer",
    "hub_config_lines",
    "hub_decision",
    "owner_groups",
    "queued_bytes",
    "text_frame",
]


_log = logging.getLogger(__name__)
STATS_KEPT = 1024
SLOW_CONSUMER = 1008  #: close code for a peer whose unread messages passed the send limit
SEND_LIMIT = 16 * 1024 * 1024  #: bytes that may wait for one peer (``max_ws_send_queue_bytes``)
#: The custom JupyterHub scope that lets a user who is not the owner write (declare it in
#: ``c.JupyterHub.custom_scopes``; grant it filtered, e.g. ``!server=alice/``).
WRITE_SCOPE = "custom:schillinger:write"
#: A hub group that :func:`hub_config_lines` names a role after (a role name's characters).
_TEAM = re.compile(r"[a-z0-9](?:[a-z0-9\-_~.]{0,200}[a-z0-9])?")
#: What a hub passes to each single-user server as ``--ServerApp.authorizer_class``.
AUTHORIZER = "schillinger_kernel.server.hub.HubScopeAuthorizer"


def queued_bytes(stream: Any) -> int:
    """Bytes written to ``stream`` (a tornado IOStream) that the peer has not taken yet.

    >>> queued_bytes(None)
    0
    """
    if stream is None:
        return 0
    total = getattr(stream, "_total_write_index", 0)
    done = getattr(stream, "_total_write_done_index", 0)
    return max(0, int(total) - int(done))


def text_frame(payload: bytes) -> bytes:
    """One unmasked, unfragmented WebSocket text frame (RFC 6455 section 5.2) for ``payload``.

    Parameters
    ----------
    payload : bytes
        The UTF-8 bytes of the message.

    Returns
    -------
    bytes
        Header (FIN + opcode 1, 7-, 16- or 64-bit length) followed by the payload.

    >>> text_frame(b"")
    b'\\x81\\x00'
    """
    if not isinstance(payload, bytes | bytearray):
        raise TypeError(f"payload must be bytes, got {type(payload).__name__}")
    n = len(payload)
    if n < 126:
        head = struct.pack("!BB", 0x81, n)
    elif n <= 0xFFFF:
        head = struct.pack("!BBH", 0x81, 126, n)
    else:
        head = struct.pack("!BBQ", 0x81, 127, n)
    return head + payload


class Peer(Protocol):
    """What the hub needs of a connection (a :class:`~.ws.SessionSocket`)."""

    client_id: str
    ws_connection: Any

    def write_message(self, message: bytes | str, binary: bool = False) -> Any:
        """Tornado's write (used when the fast path does not apply)."""

    def close(self, code: int | None = None, reason: str | None = None) -> None:
        """Close the connection."""


def _write(conn: Peer, proto: Any, frame: bytes, text: str) -> bool:
    """Hand ``frame`` to one peer without waiting; False when its connection is gone.

    On a plain TCP stream with nothing queued, the frame goes straight to the socket (one
    ``send``); what the kernel does not take, or any frame behind queued bytes, goes through the
    stream's buffer, so the peer's messages keep their order. TLS or compressed connections use
    tornado's ``write_message``.
    """
    stream = getattr(proto, "stream", None)
    try:
        if type(stream) is not IOStream or getattr(proto, "_compressor", None) is not None:
            conn.write_message(text)
            return True
        if stream.writing():
            stream.write(frame)
            return True
        try:
            sent = stream.socket.send(frame)
        except (BlockingIOError, InterruptedError):
            sent = 0
        if sent < len(frame):
            stream.write(frame[sent:])
        return True
    except (StreamClosedError, WebSocketClosedError):
        return False
    except OSError as exc:  # reset or broken pipe: close it; on_close cleans the session up
        if isinstance(stream, IOStream):
            stream.close(exc)
        return False


def drop_slow(conn: Peer, limit: int) -> None:
    """Close a peer that stopped reading (its unread messages passed ``limit`` bytes)."""
    with contextlib.suppress(Exception):
        conn.close(SLOW_CONSUMER, f"too slow: more than {limit} bytes unread "
                   "(SchillingerApp.max_ws_send_queue_bytes)")


class Hub:
    """The open sockets of one server and who listens to what."""

    def __init__(self, wb: Any = None) -> None:
        self.wb = wb
        self.clients: dict[str, Peer] = {}
        self.transport_subscribers: set[str] = set()
        self.broadcasts = 0
        self.dropped_slow = 0
        limits = getattr(getattr(wb, "settings", None), "limits", None)
        self.send_limit: int = getattr(limits, "ws_send_queue_bytes", SEND_LIMIT)
        self._fanout: deque[tuple[int, float]] = deque(maxlen=STATS_KEPT)

    def add(self, conn: Peer) -> None:
        """Register an open socket."""
        self.clients[conn.client_id] = conn

    def admit(self, conn: Peer, nbytes: int) -> bool:
        """Whether ``nbytes`` more may be queued for ``conn``; if not, it is dropped (closed
        with :data:`SLOW_CONSUMER`) and forgotten."""
        proto = conn.ws_connection
        if queued_bytes(getattr(proto, "stream", None)) + nbytes <= self.send_limit:
            return True
        self.dropped_slow += 1
        self.remove(conn)
        drop_slow(conn, self.send_limit)
        return False

    def remove(self, conn: Peer) -> None:
        """Forget a closed socket."""
        if self.clients.get(conn.client_id) is conn:
            del self.clients[conn.client_id]
        self.transport_subscribers.discard(conn.client_id)

    def send_text(self, client_ids: Iterable[str], text: str, exclude: str | None = None,
                  _t0: float | None = None) -> int:
        """Send an already-serialised message to ``client_ids`` (but ``exclude``).

        Returns how many peers got it. The frame is built once; closed peers are dropped.
        """
        t0 = time.perf_counter() if _t0 is None else _t0
        frame = text_frame(text.encode())
        clients = self.clients
        dead: list[Peer] = []
        n = 0
        for cid in tuple(client_ids):
            if cid == exclude:
                continue
            conn = clients.get(cid)
            if conn is None:
                continue
            proto = conn.ws_connection
            if proto is None or proto.is_closing():
                dead.append(conn)
                continue
            if not self.admit(conn, len(frame)):
                continue
            if not _write(conn, proto, frame, text):
                dead.append(conn)
                continue
            n += 1
        for conn in dead:
            self.remove(conn)
        self.broadcasts += 1
        self._fanout.append((n, time.perf_counter() - t0))
        return n

    def broadcast(self, client_ids: Iterable[str], message: dict[str, Any],
                  exclude: str | None = None) -> int:
        """Serialise once, send to many (all of ``client_ids`` but ``exclude``)."""
        t0 = time.perf_counter()
        return self.send_text(client_ids, json.dumps(message), exclude, _t0=t0)

    def last_fanout(self) -> tuple[int, float]:
        """(recipients, seconds) of the latest broadcast; (0, 0.0) before any."""
        return self._fanout[-1] if self._fanout else (0, 0.0)

    def stats(self) -> dict[str, Any]:
        """Connected clients, broadcasts so far and the hand-off time of the recent ones."""
        times = sorted(t for _n, t in self._fanout)
        out: dict[str, Any] = {"clients": len(self.clients), "dropped_slow": self.dropped_slow,
                               "transport_subscribers": len(self.transport_subscribers),
                               "broadcasts": self.broadcasts, "fanout": None}
        if times:
            p99 = times[min(len(times) - 1, round(0.99 * (len(times) - 1)))]
            out["fanout"] = {"n": len(times),
                             "max_recipients": max(n for n, _t in self._fanout),
                             "median_ms": statistics.median(times) * 1e3,
                             "p99_ms": p99 * 1e3, "max_ms": times[-1] * 1e3}
        return out

    def push_transport(self, state: dict[str, Any]) -> None:
        """The transport state to every subscriber."""
        if self.transport_subscribers:
            self.broadcast(self.transport_subscribers, {"type": "transport", "state": state})

    async def close_all(self) -> None:
        """Close every socket (server shutdown)."""
        for conn in list(self.clients.values()):
            with contextlib.suppress(Exception):
                conn.close(1001, "server shutting down")
        self.clients.clear()
        self.transport_subscribers.clear()


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
                 owner_groups: Iterable[str] | None = None) -> HubDecision:
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
    from .handlers import AUTH_RESOURCE, WRITE
    held = _strings("scopes", scopes)
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
    except ValueError as exc:  # jupyterhub's parser: a malformed or unexpanded filter
        raise ParameterError(f"scopes: {exc}; give them as the hub expands them, e.g. "
                             f"'{WRITE_SCOPE}!user=bob'", field="scopes") from exc
    return HubDecision(False, f"read-only share: writing needs the owner or {wanted}")


def hub_config_lines(*, sharing: bool = True, shares_may_write: bool = True,
                     authorizer: str = AUTHORIZER, teams: Iterable[str] = ()) -> str:
    """The ``jupyterhub_config.py`` lines that make shared workbenches read-only.

    They declare :data:`WRITE_SCOPE`, start every single-user server with
    :class:`HubScopeAuthorizer` (``authorizer``), and widen the ``user`` role so users may
    share their own servers (``sharing``) and put the write scope in a share
    (``shares_may_write``). Each line adds to what the config already holds (``append``,
    ``update``), so they go at the end of an existing ``jupyterhub_config.py``; if it defines
    the ``user`` role itself, add these scopes there instead.

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
    c.Spawner.args.append("--ServerApp.authorizer_class=schillinger_kernel.server.hub.HubScopeAuthorizer")
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
             f'c.Spawner.args.append("--ServerApp.authorizer_class={authorizer}")']
    role = ["self"] + (["shares!user", "read:users:name"] if sharing else []) + (
        ["read:groups:name"] if sharing and team_names else []) + (
        [f"{WRITE_SCOPE}!user"] if shares_may_write else [])
    why = (["share their own servers"] if sharing else []) + (
        [f"put {WRITE_SCOPE} in shares of their servers"] if shares_may_write else [])
    if why:
        lines += [f"# users may {' and '.join(why)}",
                  "c.JupyterHub.load_roles.append("
                  f"{json.dumps({'name': 'user', 'scopes': role})})"]
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
    in that group: :func:`owner_groups` asks the hub). Set with
    ``--ServerApp.authorizer_class=schillinger_kernel.server.hub.HubScopeAuthorizer``.
    Its decision, with examples: :func:`hub_decision`; at work: tests/server/test_hub_readonly.py.
    """

    def is_authorized(self, handler: Any, user: Any, action: str, resource: str) -> bool:
        """Whether ``user`` may do ``action`` on ``resource``: :func:`hub_decision` with the
        user's hub scopes, this server's owner (``JUPYTERHUB_USER``), name
        (``JUPYTERHUB_SERVER_NAME``) and access scopes (the hub auth's)."""
        hub_auth = getattr(self.identity_provider, "hub_auth", None)
        hub_user = getattr(user, "hub_user", None)
        if hub_auth is None or not isinstance(hub_user, dict):
            return False  # not under a hub: fail closed rather than guess
        scopes = hub_user.get("scopes") or ()
        try:
            return hub_decision(action, resource, username=str(user.username),
                                scopes=scopes,
                                owner=os.environ.get("JUPYTERHUB_USER", ""),
                                server_name=os.environ.get("JUPYTERHUB_SERVER_NAME", ""),
                                access_scopes=hub_auth.access_scopes,
                                owner_groups=owner_groups(hub_auth, scopes)).allowed
        except (ParameterError, ParameterTypeError):
            return False  # scopes the hub's parser refuses grant nothing


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

"""The server's OSC address space, served on the laptop and relayed to the remote workbench.

:class:`LocalOsc` is the server's own OSC door (:class:`~schillinger_kernel.server.osc.
OscBridge`: parsing, bundles and their timetags, the per-sender rate, ``/schillinger/auth``,
replies to the sender only, ``/schillinger/error``) with the server's own routes
(:func:`~schillinger_kernel.server.osc_routes.install`), so every address takes the same
arguments and answers in the same shape as on the server. What the routes would compute on the
server is asked of the remote workbench over the WebSocket instead:

- ``rhythm``, ``scales``, ``harmony/progression``: a ``generate`` message (:class:`Relay`);
- ``/schillinger/status``: the server's ``GET status``, the bridge's own port in front;
- ``/schillinger/transport/...``: a ``transport`` message; the answer is the server's state;
- ``/schillinger/ableton/...``: an ``ableton`` message (the server's AbletonOSC client, which
  reaches Live on the server's machine; Live on the laptop follows MIDI and Link instead).

Changes (transport, Live) need an authenticated local sender, as on the server: the secret is
the bridge's (``--osc-secret``, else drawn at start and printed), or the user's API token.
Refusals by the server (a read-only share: 403) come back word for word.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any, cast

from ..actions import Limits
from ..osc import OscBridge
from ..osc_routes import TRANSPORT_VERBS, Client, as_float, as_int, transport_body
from ..workbench import Settings
from .remote import Remote

__all__ = ["LocalOsc", "Relay"]


class Relay:
    """What the server's OSC routes ask of a workbench, asked of the remote one."""

    def __init__(self, remote: Remote, settings: Settings, log: logging.Logger) -> None:
        self.remote = remote
        self.settings = settings
        self.log = log

    async def run_action(self, endpoint: str, body: dict[str, Any], *_: Any, **__: Any
                         ) -> dict[str, Any]:
        """The server's answer to action ``endpoint`` (a WebSocket ``generate``)."""
        answer = await self.remote.request({"type": "generate", "endpoint": endpoint, **body})
        result: dict[str, Any] = answer["result"]
        return result

    async def offload(self, fn: Callable[..., Any], *args: Any) -> Any:
        """``fn(*args)`` off the event loop (turning a score into flat notes)."""
        return await asyncio.get_running_loop().run_in_executor(None, fn, *args)


class LocalOsc(OscBridge):
    """The server's OSC door on ``host:port`` of this machine, relaying to ``remote``.

    Parameters
    ----------
    remote
        The connected WebSocket to the workbench.
    host, port, reply_port
        Where to listen (a taken ``port``: a free one nearby, said once) and where keyed
        one-shot senders get answers.
    secret
        What ``/schillinger/auth`` wants ("" : drawn now); the API token is accepted too.
    key_file
        Where to write the secret and port for this user only ("" : nowhere).
    log
        Where the door logs.
    reply_hosts
        IPs besides loopback that answers may go to (a phone on the LAN).
    """

    def __init__(self, remote: Remote, host: str = "127.0.0.1", port: int = 7440,
                 reply_port: int = 7441, secret: str = "", key_file: str = "",
                 log: logging.Logger | None = None, reply_hosts: tuple[str, ...] = ()
                 ) -> None:
        self.remote = remote
        # the server's routes are kept except these, whose work is the server's state
        self._relayed: dict[str, Callable[..., Any]] = {
            "/schillinger/status": self._relay_status,
            "/schillinger/ableton/push_clip": self._relay_ableton,
            "/schillinger/ableton/tempo": self._relay_ableton,
            "/schillinger/ableton/follow": self._relay_ableton,
            **{f"/schillinger/transport/{verb}": self._relay_transport for verb in TRANSPORT_VERBS},
        }
        settings = Settings(root_dir="", osc_host=host, osc_port=port,
                            osc_reply_port=reply_port, limits=Limits(), osc_secret=secret,
                            osc_tokens=(remote.token,), osc_reply_hosts=reply_hosts,
                            osc_key_file=key_file)
        relay = Relay(remote, settings, log or logging.getLogger("schillinger.bridge"))
        # the door and the routes kept use only log, settings, run_action and offload of it
        super().__init__(cast(Any, relay), host, port, reply_port)

    def map(self, address: str, fn: Callable[..., Any], writes: Any = False) -> None:
        """Route ``address`` as the server does, to the relay where the answer is the
        server's state."""
        super().map(address, self._relayed.get(address, fn), writes)

    async def _relay_status(self, client: Client, address: str, *args: Any) -> None:
        st = await self.remote.status()
        tr = st["transport"]
        self.reply(client, address, [self.port, int(st["sessions"]), int(tr["playing"]),
                                     float(tr["position_beats"]), float(tr["tempo"])])

    async def _relay_transport(self, client: Client, address: str, *args: Any) -> None:
        body = transport_body(address.rsplit("/", 1)[-1], args)
        st = (await self.remote.request({"type": "transport", **body}))["state"]
        self.reply(client, address, [int(st["playing"]), float(st["position_beats"]),
                                     float(st["tempo"])])

    async def _relay_ableton(self, client: Client, address: str, *args: Any) -> None:
        verb = address.rsplit("/", 1)[-1]
        body: dict[str, Any]
        if verb == "push_clip":
            body = {"action": "push_clip",
                    "track": as_int(args[0], "track") if len(args) > 0 else 0,
                    "clip": as_int(args[1], "clip") if len(args) > 1 else 0,
                    "part": args[2] if len(args) > 2 else 0}
        elif verb == "tempo":
            body = ({"action": "set_tempo", "tempo": as_float(args[0], "tempo")} if args
                    else {"action": "get_tempo"})
        else:
            on = bool(as_int(args[0], "on")) if args else True
            body = {"action": "follow_tempo" if on else "unfollow_tempo"}
        result = (await self.remote.request({"type": "ableton", **body}))["result"]
        if verb == "push_clip":
            self.reply(client, address, [result["track"], result["clip"], result["notes"]])
        elif verb == "tempo":
            self.reply(client, address, [float(result["live_tempo"])])
        else:
            self.reply(client, address, [int(body["action"] == "follow_tempo"),
                                         float(result.get("live_tempo") or 0.0)])


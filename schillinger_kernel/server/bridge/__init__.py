"""The local bridge to a remote workbench: ``schillinger bridge URL --token ...``.

A DAW on a musician's laptop cannot reach UDP on a JupyterHub, and a hub's transport plays
nothing on the laptop. The bridge runs there and relays:

- **OSC**: the server's ``/schillinger/...`` address space served on 127.0.0.1
  (:mod:`.local_osc`, the server's own OSC door and routes), each message relayed over the
  authenticated WebSocket (:mod:`.remote`) and answered to its sender only;
- **MIDI out**: a virtual port (mido + python-rtmidi) that follows the hub's transport with
  MIDI clock, start/stop and song position, and plays the score the hub's transport has
  loaded (fetched again on each load), or one given with ``--score`` (:mod:`.midi`);
- **Ableton Link**: the hub's tempo, start/stop and beat on the Link session, and a Link app's
  tempo change back to the hub as the bridge's user (:mod:`.link`, ``aalink``), so Live,
  Bitwig or any Link app plays in time.

MIDI and Link are optional (``pip install schillinger-workbench[bridge]``); where the machine
has neither, the bridge says why and relays OSC alone. :class:`~.app.Bridge` ties the parts
together; :mod:`.cli` is the subcommand.

>>> from schillinger_kernel.server.bridge import hub_urls
>>> hub_urls("https://hub.example/user/alice/").ws
'wss://hub.example/user/alice/schillinger/api/ws'
"""

from __future__ import annotations

from typing import Any

from .urls import HubUrls, hub_urls

__all__ = ["Bridge", "BridgeConfig", "HubUrls", "hub_urls"]


def __getattr__(name: str) -> Any:
    # the tornado client loads only when a bridge is built, not for hub_urls
    if name in ("Bridge", "BridgeConfig"):
        from . import app

        return getattr(app, name)
    raise AttributeError(f"module 'schillinger_kernel.server.bridge' has no attribute {name!r}")

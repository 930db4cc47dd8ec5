"""The bridge on a real JupyterHub: alice's laptop plays what her hub server has loaded.

The hub of tests/server/test_hub_singleuser.py (JupyterHub, its proxy, alice's single-user
server with our extension; every request through the proxy, every token the hub's). The
bridge is given only what alice has: the address of her server on the hub and a token the hub
issued her. Without ``--score`` its MIDI out (a port that records what it is sent) plays the
score her hub server's transport has loaded, and the next load; a tempo set by a real second
Link peer (aalink, as Live would be) becomes her server's tempo.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import mido
import pytest
import requests
from helpers import wait_until_async
from mido.ports import BaseOutput

from schillinger_kernel.rhythm import interference
from schillinger_kernel.server.bridge import Bridge, BridgeConfig

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))
import test_hub_singleuser as hubtest  # the hub set-up every hub test shares

pytestmark = hubtest.pytestmark


class Kept(BaseOutput):  # type: ignore[misc]
    """A mido output port that keeps the messages sent to it."""

    def _open(self, **kwargs: Any) -> None:
        self.got: list[mido.Message] = []

    def _send(self, msg: mido.Message) -> None:
        self.got.append(msg)


@pytest.fixture(scope="module")
def jhub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[hubtest.Hub]:
    """JupyterHub and its proxy on loopback, with alice's single-user server started."""
    yield from hubtest.running_hub(tmp_path_factory.mktemp("hub"))


def _transport(jhub: hubtest.Hub, token: str, body: dict[str, Any] | None = None
               ) -> dict[str, Any]:
    url = f"{jhub.url}user/alice/schillinger/api/transport"
    headers = {"Authorization": f"token {token}"}
    r = (requests.get(url, headers=headers, timeout=30) if body is None else
         requests.post(url, data=json.dumps(body), headers=headers, timeout=60))
    r.raise_for_status()
    state: dict[str, Any] = r.json()
    return state


def test_alices_bridge_plays_her_hub_servers_score(jhub: hubtest.Hub) -> None:
    token = hubtest._token(jhub, "alice")
    low = dataclasses.replace(interference(3, 2).to_score("C4"), title="Low")
    high = dataclasses.replace(interference(3, 2).to_score("G4"), title="High")
    _transport(jhub, token, {"action": "load", "score": low.to_dict()})
    _transport(jhub, token, {"action": "loop", "loop": {"start": 0, "end": 3, "enabled": True}})
    try:
        import aalink  # the [bridge] extra: without it, MIDI alone is checked
    except ImportError:
        aalink = None

    async def scenario() -> None:
        port = Kept(name="recorder")
        bridge = Bridge(BridgeConfig(url=f"{jhub.url}user/alice/", token=token, osc_port=0,
                                     link=aalink is not None),
                        say=lambda line: None, midi_out=port)
        loop = asyncio.get_running_loop()

        def ons() -> list[int]:
            return [m.note for m in port.got if m.type == "note_on"]

        async def rest(body: dict[str, Any] | None = None) -> dict[str, Any]:
            return await loop.run_in_executor(None, _transport, jhub, token, body)

        live = None
        try:
            lines = await bridge.start()
            assert lines[0].startswith(f"connected to {jhub.url}user/alice/ as alice (alice)")
            assert "MIDI out: playing the server's score 'Low' (4 notes)" in lines
            await rest({"action": "play"})
            await wait_until_async(lambda: ons().count(60) >= 4, 30, "Low's notes")
            await rest({"action": "load", "score": high.to_dict()})
            await wait_until_async(lambda: 67 in ons(), 30, "High's notes after the load")
            first = ons().index(67)
            await wait_until_async(lambda: len(ons()) >= first + 4, 30, "a pass of High")
            assert set(ons()[first:]) == {67}
            if aalink is None:
                return
            live = aalink.Link(100.0)  # Live on alice's laptop
            live.enabled = True
            try:
                await wait_until_async(lambda: bridge.link and bridge.link.peers > 0, 10,
                                       "the Link peers to find each other")
            except AssertionError:
                pytest.skip("MIDI through the hub passed; Link peers on this machine do not "
                            "see each other (no multicast on loopback here)")
            await wait_until_async(lambda: abs(live.tempo - 120.0) < 0.01, 10,
                                   "the peer at the hub server's tempo")
            live.tempo = 126.0

            async def hub_tempo() -> bool:
                return (await rest())["tempo"] == 126.0

            await wait_until_async(hub_tempo, 20, "alice's hub server at the Link tempo")
        finally:
            if live is not None:
                live.enabled = False
            bridge.close()
            await rest({"action": "stop"})

    asyncio.run(scenario())


"""The bridge in process against a real Jupyter server: an OSC client that talks only to the
bridge gets the server's answers, word for word, and changes reach the server."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from helpers import wait_until_async

from schillinger_kernel.errors import Forbidden
from schillinger_kernel.server.bridge import Bridge, BridgeConfig


def make(hub: dict[str, Any], **kw: Any) -> Bridge:
    cfg = {"url": hub["url"], "token": hub["token"], "osc_port": 0, "midi": False,
           "link": False, **kw}
    return Bridge(BridgeConfig(**cfg), say=lambda line: None)


def test_osc_answers_are_the_servers(hub: dict[str, Any], wb: Any, run: Any,
                                     osc_peer: Any) -> None:
    async def scenario() -> None:
        bridge = make(hub)
        lines = await bridge.start()
        assert lines[0].startswith(f"connected to {hub['url']}")
        assert bridge.osc is not None and bridge.osc.port != hub["server_osc"]
        port = bridge.osc.port
        peer = await osc_peer()
        try:
            for message in (("/schillinger/rhythm/interference", 3, 2),
                            ("/schillinger/rhythm/fractioning/notes", 3, 2),
                            ("/schillinger/scales/key_scale", "D dorian"),
                            ("/schillinger/harmony/progression", "A minor", 4, 0.5, "jazz", 7),
                            ("/schillinger/rhythm/interference", "x", 2),
                            ("/schillinger/transport/get",),
                            ("/schillinger/help",),
                            ("/schillinger/nowhere", 1)):
                via_bridge = await peer.ask(port, *message)
                direct = await peer.ask(hub["server_osc"], *message)
                assert via_bridge == direct, message
            address, args = await peer.ask(port, "/schillinger/rhythm/interference", 3, 2)
            assert (address, args) == ("/schillinger/rhythm/interference", [2, 1, 1, 2])
            status = await peer.ask(port, "/schillinger/status")
            assert status[1][0] == port and status[1][4] == wb.clock.tempo
        finally:
            bridge.close()

    run(scenario())


def test_changes_need_auth_and_reach_the_server(hub: dict[str, Any], wb: Any, run: Any,
                                                osc_peer: Any) -> None:
    async def scenario() -> None:
        bridge = make(hub, osc_secret="s3cret")
        await bridge.start()
        assert bridge.osc is not None
        port = bridge.osc.port
        peer = await osc_peer()
        try:
            address, args = await peer.ask(port, "/schillinger/transport/tempo", 93.0)
            assert address == "/schillinger/error" and args[3] == 403, args
            assert "/schillinger/auth" in args[1]
            assert wb.clock.tempo != 93.0
            assert (await peer.ask(port, "/schillinger/auth", "s3cret"))[1][0] == 1
            address, args = await peer.ask(port, "/schillinger/transport/tempo", 93.0)
            assert (address, args[2]) == ("/schillinger/transport/tempo", 93.0)
            assert wb.clock.tempo == 93.0
            address, args = await peer.ask(port, "/schillinger/transport/play")
            assert args[0] == 1 and wb.clock.playing
            # the server's own refusal comes back as the server words it
            address, args = await peer.ask(port, "/schillinger/transport/tempo", 5000.0)
            assert address == "/schillinger/error" and args[2] == "tempo" and args[3] == 400
            await peer.ask(port, "/schillinger/transport/stop")
            assert not wb.clock.playing
            # the API token is a secret too, on another socket
            other = await osc_peer()
            assert (await other.ask(port, "/schillinger/auth", hub["token"]))[1][0] == 1
            assert (await other.ask(port, "/schillinger/transport/seek", 8.0))[1][1] == 8.0
        finally:
            bridge.close()

    run(scenario())


def test_transport_pushes_are_followed(hub: dict[str, Any], wb: Any, run: Any,
                                       jp_fetch: Any) -> None:
    """A change made by someone else (REST here) reaches the bridge's timeline."""
    async def scenario() -> None:
        bridge = make(hub)
        await bridge.start()
        try:
            _transport(wb, "tempo", tempo=77.0)
            await wait_until_async(lambda: bridge.snapshot and bridge.snapshot.tempo == 77.0,
                                   10, "the bridge to hear the new tempo")
            _transport(wb, "play")
            await wait_until_async(lambda: bridge.snapshot and bridge.snapshot.playing,
                                   10, "the bridge to hear play")
        finally:
            bridge.close()

    run(scenario())


def _transport(wb: Any, action: str, **kw: Any) -> Any:
    from schillinger_kernel.server.models import TransportRequest

    return wb.transport_command(TransportRequest.model_validate({"action": action, **kw}))


@pytest.mark.parametrize("jp_server_config", ["readonly"], indirect=True)
def test_a_read_only_share_reads_but_cannot_change(hub: dict[str, Any], wb: Any, run: Any,
                                                   osc_peer: Any) -> None:
    """The bridge's own secret opens only its door: the server still decides (403)."""
    async def scenario() -> None:
        bridge = make(hub, osc_secret="s3cret")
        await bridge.start()
        assert bridge.osc is not None
        port = bridge.osc.port
        peer = await osc_peer()
        try:
            assert (await peer.ask(port, "/schillinger/rhythm/interference", 3, 2))[1] == [
                2, 1, 1, 2]
            await peer.ask(port, "/schillinger/auth", "s3cret")
            address, args = await peer.ask(port, "/schillinger/transport/play")
            assert address == "/schillinger/error" and args[3] == 403, args
            assert "not authorized to write" in args[1]
            assert not wb.clock.playing
        finally:
            bridge.close()

    run(scenario())


def test_bad_token_is_one_clear_error(hub: dict[str, Any], run: Any) -> None:
    with pytest.raises(Forbidden, match="refused the token"):
        run(make({**hub, "token": "wrong"}).start())


def test_reconnects_after_the_connection_drops(hub: dict[str, Any], wb: Any, run: Any,
                                               osc_peer: Any) -> None:
    async def scenario() -> None:
        bridge = make(hub)
        await bridge.start()
        stop = asyncio.Event()
        serving = asyncio.ensure_future(bridge.serve(stop))
        try:
            bridge.remote.close()
            await wait_until_async(lambda: bridge.reconnects == 1, 20, "a reconnection")
            assert bridge.osc is not None
            peer = await osc_peer()
            answer = await peer.ask(bridge.osc.port, "/schillinger/rhythm/interference", 3, 2)
            assert answer[1] == [2, 1, 1, 2]
        finally:
            stop.set()
            await serving
            bridge.close()

    run(scenario())

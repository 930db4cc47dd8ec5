"""The bridge plays what the server has loaded, and Link changes reach the server.

Against a real Jupyter server: without ``--score`` the bridge's MIDI out (a mido port that
records what it is sent, as in test_midi_link.py) plays the score the server's transport has
loaded and follows every load and unload; a tempo set by a real second Link peer (aalink, as
Live would be) becomes the server's tempo as the bridge's user, and so do its starts and stops
(and the server's reach the peer); a read-only share refuses them, so the Link session goes
back to the server's tempo and start/stop state, and so does ``--link-follow-only``.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import mido
import pytest
from helpers import wait_until_async
from mido.ports import BaseOutput

from schillinger_kernel.rhythm import interference
from schillinger_kernel.server.bridge import Bridge, BridgeConfig
from schillinger_kernel.server.models import TransportRequest


class Kept(BaseOutput):  # type: ignore[misc]
    """A mido output port that keeps the messages sent to it."""

    def _open(self, **kwargs: Any) -> None:
        self.got: list[mido.Message] = []

    def _send(self, msg: mido.Message) -> None:
        self.got.append(msg)


def _command(wb: Any, action: str, **kw: Any) -> dict[str, Any]:
    state: dict[str, Any] = wb.transport_command(
        TransportRequest.model_validate({"action": action, **kw}))
    return state


def _ons(port: Kept) -> list[int]:
    return [m.note for m in port.got if m.type == "note_on"]


def test_midi_plays_the_servers_score_and_follows_its_loads(hub: dict[str, Any], wb: Any,
                                                            run: Any) -> None:
    # 4 notes in 3 beats on C4, and the same rhythm on G4
    low = dataclasses.replace(interference(3, 2).to_score("C4"), title="Low")
    high = dataclasses.replace(interference(3, 2).to_score("G4"), title="High")
    _command(wb, "load", score=low.to_dict())
    _command(wb, "loop", loop={"start": 0.0, "end": 3.0, "enabled": True})

    async def scenario() -> None:
        port = Kept(name="recorder")
        said: list[str] = []
        bridge = Bridge(BridgeConfig(url=hub["url"], token=hub["token"], osc_port=0,
                                     link=False), say=said.append, midi_out=port)
        try:
            lines = await bridge.start()
            assert "MIDI out on port 'recorder': clock, transport and the server's loaded " \
                   "score (each load followed)" in lines
            assert "MIDI out: playing the server's score 'Low' (4 notes)" in lines
            _command(wb, "play")
            await wait_until_async(lambda: _ons(port).count(60) >= 4, 20,
                                   "the loaded score's notes on MIDI out")
            assert set(_ons(port)) == {60}

            # a load while playing: from the first note of the new score on, only its notes
            _command(wb, "load", score=high.to_dict())
            await wait_until_async(lambda: 67 in _ons(port), 20, "the new score's notes")
            first = _ons(port).index(67)
            await wait_until_async(lambda: len(_ons(port)) >= first + 4, 20,
                                   "a pass of the new score")
            assert set(_ons(port)[_ons(port).index(67):]) == {67}
            assert "MIDI out: playing the server's score 'High' (4 notes)" in said
            # the notes of the old score that sounded were ended, none is left hanging
            ended = [m.note for m in port.got if m.type == "note_off"]
            assert ended.count(60) == _ons(port).count(60)

            # an unload: clock and transport go on, no notes
            _command(wb, "unload")
            await wait_until_async(lambda: bridge.midi is not None and not bridge.midi.events,
                                   20, "the bridge to drop the unloaded score")
            notes = len(_ons(port))
            clocks = sum(m.type == "clock" for m in port.got)
            await wait_until_async(lambda: sum(m.type == "clock" for m in port.got)
                                   >= clocks + 48, 20, "two more beats of MIDI clock")
            assert len(_ons(port)) == notes
            assert bridge.loads == wb.clock.loads
            assert "MIDI out: the server has no score loaded (clock and transport only)" in said
        finally:
            bridge.close()
            _command(wb, "stop")

    run(scenario())


def test_a_local_score_wins_over_the_servers(hub: dict[str, Any], wb: Any, run: Any,
                                             tmp_path: Any) -> None:
    local = interference(3, 2).to_score("E4")
    (tmp_path / "mine.json").write_text(local.to_json(), encoding="utf-8")
    _command(wb, "load", score=interference(3, 2).to_score("C4").to_dict())

    async def scenario() -> None:
        port = Kept(name="recorder")
        bridge = Bridge(BridgeConfig(url=hub["url"], token=hub["token"], osc_port=0,
                                     link=False, score=str(tmp_path / "mine.json")),
                        say=lambda line: None, midi_out=port)
        try:
            lines = await bridge.start()
            assert any("4 notes of --score" in line for line in lines), lines
            _command(wb, "play")
            # the state says 0.00001 beats or so: the note at beat 0 sounds all the same
            await wait_until_async(lambda: len(_ons(port)) >= 4, 20, "the local score's notes")
            assert set(_ons(port)) == {64} and bridge.loads is None
        finally:
            bridge.close()
            _command(wb, "stop")

    run(scenario())


def _link_peer(aalink: Any, tempo: float) -> Any:
    live = aalink.Link(tempo)  # another Link app on this machine, as Live would be
    live.start_stop_sync_enabled = True
    live.enabled = True
    return live


async def _peers_meet(bridge: Bridge) -> None:
    try:
        await wait_until_async(lambda: bridge.link and bridge.link.peers > 0, 10,
                               "the Link peers to find each other")
    except AssertionError:
        pytest.skip("Link peers on this machine do not see each other (no multicast on "
                    "loopback here)")


@dataclasses.dataclass
class Linked:
    """A Link app (``live``) and a bridge to the hub's server that have found each other."""

    live: Any
    bridge: Bridge
    said: list[str]
    lines: list[str]


@contextlib.asynccontextmanager
async def _linked(hub: dict[str, Any], wb: Any, tempo: float,
                  **config: Any) -> AsyncIterator[Linked]:
    aalink = pytest.importorskip("aalink", reason="aalink (the [bridge] extra) is not "
                                 "installed: Ableton Link is not tested")
    live = _link_peer(aalink, tempo)
    said: list[str] = []
    bridge = Bridge(BridgeConfig(url=hub["url"], token=hub["token"], osc_port=0, midi=False,
                                 **config), say=said.append)
    try:
        lines = await bridge.start()
        await _peers_meet(bridge)
        yield Linked(live, bridge, said, lines)
    finally:
        bridge.close()
        live.enabled = False
        _command(wb, "stop")


def test_a_link_apps_tempo_becomes_the_servers(hub: dict[str, Any], wb: Any,
                                               run: Any) -> None:
    async def scenario() -> None:
        async with _linked(hub, wb, 100.0) as k:
            assert any("their tempo changes, starts and stops set the server's" in line
                       for line in k.lines), k.lines
            await wait_until_async(lambda: abs(k.live.tempo - 120.0) < 0.01, 10,
                                   "the peer at the server's tempo")
            k.live.tempo = 131.5  # the musician turns Live's tempo
            await wait_until_async(lambda: wb.clock.tempo == 131.5, 10,
                                   "the server at the Link app's tempo")
            # a sweep: every step reaches the server, and the server's echoes of the earlier
            # steps do not drag the session back
            for bpm in (140.0, 141.0, 142.0, 143.0):
                k.live.tempo = bpm
            await wait_until_async(lambda: wb.clock.tempo == 143.0, 10, "the sweep's end")
            await wait_until_async(lambda: abs(k.live.tempo - 143.0) < 0.01, 10,
                                   "the peer to stay at its tempo")
            # and the other way still: the server's tempo on the peer
            _command(wb, "tempo", tempo=97.0)
            await wait_until_async(lambda: abs(k.live.tempo - 97.0) < 0.01, 10,
                                   "the peer to follow the server")
            assert k.bridge.link_refusal is None

    run(scenario())


@pytest.mark.parametrize("jp_server_config", ["readonly"], indirect=True)
def test_a_read_only_share_keeps_its_tempo_against_link(hub: dict[str, Any], wb: Any,
                                                        run: Any) -> None:
    async def scenario() -> None:
        async with _linked(hub, wb, 100.0) as k:
            await wait_until_async(lambda: abs(k.live.tempo - 120.0) < 0.01, 10,
                                   "the peer at the server's tempo")
            k.live.tempo = 150.0
            await wait_until_async(lambda: k.bridge.link_refusal, 10, "the server's refusal")
            assert "not authorized to write" in str(k.bridge.link_refusal)
            assert any(line.startswith("Ableton Link: the server refused tempo 150:")
                       for line in k.said), k.said
            await wait_until_async(lambda: abs(k.live.tempo - 120.0) < 0.01, 10,
                                   "the Link session back at the server's tempo")
            assert wb.clock.tempo == 120.0

    run(scenario())


def test_a_link_apps_start_and_stop_become_the_servers(hub: dict[str, Any], wb: Any,
                                                       run: Any) -> None:
    async def scenario() -> None:
        async with _linked(hub, wb, 120.0) as k:
            assert k.live.playing is False and wb.clock.playing is False
            for _ in range(2):  # Live's play and stop buttons, twice
                k.live.playing = True
                await wait_until_async(lambda: wb.clock.playing, 10,
                                       "the server playing after the Link app started")
                await wait_until_async(lambda: k.bridge.snapshot and k.bridge.snapshot.playing,
                                       10, "the server's echo at the bridge")
                assert k.live.playing is True  # the echo did not stop or restart it
                k.live.playing = False
                await wait_until_async(lambda: not wb.clock.playing, 10,
                                       "the server stopped after the Link app stopped")
            # and the other way: the server's start and stop reach the Link app
            _command(wb, "play")
            await wait_until_async(lambda: k.live.playing, 10, "the peer playing")
            _command(wb, "stop")
            await wait_until_async(lambda: not k.live.playing, 10, "the peer stopped")
            assert k.bridge.link_refusal is None

    run(scenario())


def test_link_follow_only_puts_the_servers_start_stop_back(hub: dict[str, Any], wb: Any,
                                                           run: Any) -> None:
    async def scenario() -> None:
        async with _linked(hub, wb, 120.0, link_sets_tempo=False) as k:
            assert any("--link-follow-only: they cannot change them" in x for x in k.lines)
            k.live.playing = True
            assert k.live.playing is True
            await wait_until_async(lambda: not k.live.playing, 10,
                                   "the Link session back at the server's state (stopped)")
            _command(wb, "play")  # the server still leads
            await wait_until_async(lambda: k.live.playing, 10, "the peer playing")
            k.live.playing = False
            await wait_until_async(lambda: k.live.playing, 10, "the peer playing again")
            assert wb.clock.playing is True and k.bridge.link_refusal is None

    run(scenario())


@pytest.mark.parametrize("jp_server_config", ["readonly"], indirect=True)
def test_a_read_only_share_keeps_its_start_stop_against_link(hub: dict[str, Any], wb: Any,
                                                             run: Any) -> None:
    async def scenario() -> None:
        async with _linked(hub, wb, 120.0) as k:
            k.live.playing = True
            await wait_until_async(lambda: k.bridge.link_refusal, 10, "the server's refusal")
            assert "not authorized to write" in str(k.bridge.link_refusal)
            assert any(line.startswith("Ableton Link: the server refused play:")
                       for line in k.said), k.said
            await wait_until_async(lambda: not k.live.playing, 10,
                                   "the Link session stopped again, as the server is")
            assert wb.clock.playing is False

    run(scenario())

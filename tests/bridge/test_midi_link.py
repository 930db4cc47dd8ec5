"""MIDI out and Ableton Link following the transport.

The timing rules (clock pulses, song position, notes between two positions) are checked with
a mido port that keeps what it is sent (mido's own ``BaseOutput``); the OS's virtual MIDI port
and a second Link peer are used where this machine offers them, skipped with the reason where
it does not (a container has no ALSA sequencer)."""

from __future__ import annotations

from typing import Any

import mido
import pytest
from helpers import wait_until_async
from mido.ports import BaseOutput

from schillinger_kernel.rhythm import interference
from schillinger_kernel.server.bridge import Bridge, BridgeConfig
from schillinger_kernel.server.bridge.midi import MidiFollower, MidiUnavailable, open_port
from schillinger_kernel.server.bridge.timeline import Snapshot, note_events


class Kept(BaseOutput):  # type: ignore[misc]
    """A mido output port that keeps the messages sent to it."""

    def _open(self, **kwargs: Any) -> None:
        self.got: list[mido.Message] = []

    def _send(self, msg: mido.Message) -> None:
        self.got.append(msg)


def kinds(port: Kept) -> list[str]:
    return [m.type for m in port.got]


def test_clock_start_and_notes_follow_the_position() -> None:
    port = Kept()
    score = interference(3, 2).to_score("C4")  # 2 1 1 2 eighths: notes at beats 0, 1, 1.5, 2
    follower = MidiFollower(port, score)
    follower.update(Snapshot(True, 0.0, 120.0, at=0.0))
    assert kinds(port) == ["songpos", "start"]
    for step in range(1, 101):  # one second in 10 ms ticks: beats 0..2
        follower.tick(now=step * 0.01)
    assert kinds(port).count("clock") == 48  # 2 beats at 120 BPM, 24 a beat
    assert kinds(port).count("note_on") == 3 and kinds(port).count("note_off") == 2
    assert all(m.note == 60 and m.velocity > 0 for m in port.got if m.type == "note_on")
    for step in range(101, 151):  # on to beat 3: the last note (2..3) starts
        follower.tick(now=step * 0.01)
    assert kinds(port).count("note_on") == 4 and kinds(port).count("note_off") == 3
    follower.update(Snapshot(False, 2.9, 120.0, at=1.45))  # stop: silence, then the position
    assert kinds(port)[-3:] == ["note_off", "stop", "songpos"]
    assert port.got[-1].pos == 11  # beat 2.9: the 11th sixteenth


def test_seek_and_loop_wrap_resend_the_position() -> None:
    port = Kept()
    follower = MidiFollower(port)
    follower.update(Snapshot(True, 0.0, 60.0, at=0.0, loop_enabled=True, loop_start=0.0,
                             loop_end=2.0))
    follower.tick(now=1.5)
    port.got.clear()
    follower.tick(now=2.5)  # past the loop's end: the position went back to 0.5
    assert kinds(port) == ["stop", "songpos", "continue"] and port.got[1].pos == 2
    port.got.clear()
    follower.update(Snapshot(True, 16.0, 60.0, at=2.6))  # a seek while playing
    assert kinds(port) == ["stop", "songpos", "continue"] and port.got[1].pos == 64
    port.got.clear()
    follower.update(Snapshot(True, 16.2, 60.0, at=2.65))  # drift (0.15 beat), not a seek
    assert kinds(port) == []
    follower.tick(now=2.65)  # the clock catches up instead of jumping: pulses 16.0..16.2
    assert kinds(port) == ["clock"] * 5


def test_note_events_put_offs_before_ons_at_one_beat() -> None:
    ev = note_events(interference(3, 2).to_score("C4"))
    at_two = [e.on for e in ev if e.beat == 2.0]
    assert at_two == [False, True]


def _bridge(hub: dict[str, Any], **kw: Any) -> Bridge:
    return Bridge(BridgeConfig(url=hub["url"], token=hub["token"], osc_port=0, **kw),
                  say=lambda line: None)


def test_midi_on_where_the_os_has_it_else_a_clear_message(hub: dict[str, Any], wb: Any,
                                                          run: Any) -> None:
    async def scenario() -> list[str]:
        bridge = _bridge(hub, link=False, midi_name="Schillinger Test")
        try:
            lines = await bridge.start()
            if bridge.midi is None:
                return lines
            from schillinger_kernel.server.models import TransportRequest

            names = [n for n in mido.get_input_names() if "Schillinger Test" in n]
            assert names, mido.get_input_names()
            with mido.open_input(names[0]) as inport:
                wb.transport_command(TransportRequest(action="play"))
                await wait_until_async(lambda: any(m.type == "clock"
                                                   for m in inport.iter_pending()),
                                       10, "MIDI clock from the virtual port")
            return lines
        finally:
            bridge.close()

    lines = run(scenario())
    text = "\n".join(lines)
    if "MIDI out is off:" in text:
        assert "ALSA sequencer" in text or "python-rtmidi" in text or "loopMIDI" in text
        said = next(line for line in lines if "MIDI out is off:" in line)
        pytest.skip(f"no MIDI on this machine; the bridge said: {said}")
    assert "MIDI out on port 'Schillinger Test'" in text


def test_open_port_explains_a_missing_port() -> None:
    try:
        open_port(existing="no such port").close()
    except MidiUnavailable as exc:
        assert str(exc).startswith("MIDI out is off:")
    else:
        pytest.fail("a port named 'no such port' opened")


def test_link_peers_follow_the_hub(hub: dict[str, Any], wb: Any, run: Any) -> None:
    aalink = pytest.importorskip("aalink", reason="aalink (the [bridge] extra) is not "
                                 "installed: Ableton Link is not tested")
    from schillinger_kernel.server.models import TransportRequest

    async def scenario() -> None:
        live = aalink.Link(100.0)  # another Link app on this machine, as Live would be
        live.start_stop_sync_enabled = True
        live.enabled = True
        bridge = _bridge(hub, midi=False)
        try:
            lines = await bridge.start()
            assert bridge.link is not None, lines
            try:
                await wait_until_async(lambda: bridge.link and bridge.link.peers > 0, 10,
                                       "the Link peers to find each other")
            except AssertionError:
                pytest.skip("Link peers on this machine do not see each other (no "
                            "multicast on loopback here)")
            wb.transport_command(TransportRequest(action="tempo", tempo=93.0))
            await wait_until_async(lambda: abs(live.tempo - 93.0) < 0.01, 10,
                                   "Live's tempo to follow the hub's")
            wb.transport_command(TransportRequest(action="play"))
            await wait_until_async(lambda: live.playing, 10, "Live to start with the hub")
            wb.transport_command(TransportRequest(action="stop"))
            await wait_until_async(lambda: not live.playing, 10, "Live to stop with the hub")
        finally:
            bridge.close()
            live.enabled = False

    run(scenario())


def test_score_for_midi_out_from_a_midi_file_or_json(tmp_path: Any) -> None:
    from schillinger_kernel.server.bridge.app import load_score

    score = interference(3, 2).to_score("C4", repeat=2)
    mid = score.to_midi(tmp_path / "r.mid")
    (tmp_path / "r.json").write_text(score.to_json(), encoding="utf-8")
    for path in (mid, tmp_path / "r.json"):
        loaded = load_score(path)
        assert [(e.beat, e.pitch) for e in note_events(loaded)] == [
            (e.beat, e.pitch) for e in note_events(score)]
    with pytest.raises(ValueError, match="no file"):
        load_score(tmp_path / "missing.mid")

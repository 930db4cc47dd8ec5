"""The AbletonOSC bridge against a real OSC peer standing in for Live on loopback.

FakeLive answers like AbletonOSC does: on UDP ``live``, replies to the sender's IP on the reply
port, getters echo the ids first, ``start_listen/tempo`` pushes ``/live/song/get/tempo``.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from pythonosc.osc_message_builder import build_msg
from pythonosc.osc_packet import OscPacket


class FakeLive(asyncio.DatagramProtocol):
    def __init__(self, reply_port: int) -> None:
        self.reply_port = reply_port
        self.log: list[tuple[str, list[Any]]] = []
        self.clips: dict[tuple[int, int], dict[str, Any]] = {}
        self.tempo = 120.0
        self.listening = False
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def reply(self, address: str, *args: Any) -> None:
        assert self.transport is not None
        self.transport.sendto(build_msg(address, list(args)).dgram, ("127.0.0.1", self.reply_port))

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        for timed in OscPacket(data).messages:
            a, args = timed.message.address, list(timed.message.params)
            self.log.append((a, args))
            if a == "/live/clip_slot/get/has_clip":
                self.reply(a, args[0], args[1], (args[0], args[1]) in self.clips)
            elif a == "/live/clip_slot/create_clip":
                self.clips[(args[0], args[1])] = {"length": args[2], "notes": [], "name": ""}
            elif a == "/live/clip_slot/delete_clip":
                self.clips.pop((args[0], args[1]), None)
            elif a == "/live/clip/add/notes":
                clip = self.clips[(args[0], args[1])]
                flat = args[2:]
                clip["notes"] += [tuple(flat[i:i + 5]) for i in range(0, len(flat), 5)]
            elif a == "/live/clip/set/name":
                self.clips[(args[0], args[1])]["name"] = args[2]
            elif a == "/live/clip/get/name":
                self.reply(a, args[0], args[1], self.clips[(args[0], args[1])]["name"])
            elif a == "/live/song/get/tempo":
                self.reply(a, self.tempo)
            elif a == "/live/song/set/tempo":
                self.tempo = float(args[0])
                if self.listening:
                    self.reply("/live/song/get/tempo", self.tempo)
            elif a == "/live/song/start_listen/tempo":
                self.listening = True
            elif a == "/live/song/stop_listen/tempo":
                self.listening = False

    def user_turns_tempo_knob(self, bpm: float) -> None:
        self.tempo = bpm
        if self.listening:
            self.reply("/live/song/get/tempo", bpm)


@pytest.fixture
def live(run: Any, ports: dict[str, int]) -> Any:
    async def start() -> FakeLive:
        loop = asyncio.get_running_loop()
        _, proto = await loop.create_datagram_endpoint(
            lambda: FakeLive(ports["live_reply"]), local_addr=("127.0.0.1", ports["live"]))
        return proto

    fake = run(start())
    yield fake
    assert fake.transport is not None
    fake.transport.close()


def seventy_note_score() -> dict[str, Any]:
    notes = [[i * 240, 240, 60 + i % 12, 80 + i % 40] for i in range(70)]
    return {"title": "r", "parts": [{"name": "Lead", "notes": notes},
                                    {"name": "Bass", "program": 33, "notes": [[0, 960, 36, 90]]}]}


def test_push_clip_exact_messages(wb: Any, api: Any, run: Any, live: FakeLive) -> None:
    score = seventy_note_score()
    code, ans = run(api("ableton", {"action": "push_clip", "score": score, "track": 2,
                                    "clip": 1}))
    assert code == 200, ans
    assert ans == {"track": 2, "clip": 1, "notes": 70, "chunks": 2, "length_beats": 36.0,
                   "name": "Lead"}
    addresses = [a for a, _ in live.log]
    assert addresses == ["/live/clip_slot/get/has_clip", "/live/clip_slot/create_clip",
                         "/live/clip_slot/get/has_clip", "/live/clip/add/notes",
                         "/live/clip/add/notes", "/live/clip/set/name", "/live/clip/get/name"]
    assert live.log[1][1] == [2, 1, 36.0]  # 70 eighths = 35 beats -> 9 bars of 4/4
    first = live.log[3][1]
    assert first[:2] == [2, 1] and len(first) == 2 + 64 * 5
    assert first[2:7] == [60, 0.0, 0.5, 80, 0]  # pitch, start, duration (beats), vel, mute
    assert live.log[4][1][2:7] == [64 % 12 + 60, 32.0, 0.5, 80 + 64 % 40, 0]
    assert len(live.clips[(2, 1)]["notes"]) == 70 and live.clips[(2, 1)]["name"] == "Lead"

    live.log.clear()  # the slot is full now: replace deletes first, replace=false refuses
    code, ans = run(api("ableton", {"action": "push_clip", "score": score, "part": "Bass",
                                    "track": 2, "clip": 1, "replace": False}))
    assert code == 400 and "already holds a clip" in ans["message"]
    assert [a for a, _ in live.log] == ["/live/clip_slot/get/has_clip"]
    live.log.clear()
    code, ans = run(api("ableton", {"action": "push_clip", "score": score, "part": "Bass",
                                    "track": 2, "clip": 1, "length_beats": 8}))
    assert code == 200 and ans["notes"] == 1
    assert [a for a, _ in live.log][1:3] == ["/live/clip_slot/delete_clip",
                                             "/live/clip_slot/create_clip"]
    assert live.clips[(2, 1)]["notes"] == [(36, 0.0, 2.0, 90, 0)]
    code, ans = run(api("ableton", {"action": "push_clip", "score": score, "part": "Drums"}))
    assert code == 400 and ans["field"] == "part"


def test_tempo_set_get_and_follow(wb: Any, api: Any, run: Any, live: FakeLive,
                                  jp_ws_fetch: Any, osc_peer: Any,
                                  ports: dict[str, int]) -> None:
    async def scenario() -> None:
        code, ans = await api("ableton", {"action": "get_tempo"})
        assert (code, ans) == (200, {"live_tempo": 120.0})
        code, ans = await api("ableton", {"action": "set_tempo", "tempo": 133})
        assert ans == {"live_tempo": 133.0} and ("/live/song/set/tempo", [133.0]) in live.log
        code, ans = await api("ableton", {"action": "follow_tempo"})
        assert ans == {"following": True, "live_tempo": 133.0}
        _, st = await api("transport")
        assert st["tempo"] == 133.0  # the transport follows Live

        ws = await jp_ws_fetch("schillinger", "api", "ws")
        await ws.read_message()
        ws.write_message(json.dumps({"type": "transport", "action": "subscribe"}))
        await ws.read_message()
        live.user_turns_tempo_knob(97.0)
        while True:
            msg = json.loads(await asyncio.wait_for(ws.read_message(), 5))
            if msg["type"] == "transport" and msg["state"]["tempo"] == 97.0:
                break
        ws.write_message(json.dumps({"type": "ableton", "id": 3, "action": "get_tempo"}))
        while True:
            msg = json.loads(await asyncio.wait_for(ws.read_message(), 5))
            if msg["type"] == "result":
                assert msg == {"type": "result", "id": 3, "result": {"live_tempo": 97.0}}
                break
        ws.close()

        peer = await osc_peer(ports["reply"])
        peer.send(ports["osc"], "/schillinger/ableton/tempo", 101.0)  # Live's tempo: a change
        assert (await peer.next())[1][3] == 403
        peer.send(ports["osc"], "/schillinger/auth", wb.osc.auth.secret)
        assert (await peer.next())[0] == "/schillinger/auth"
        peer.send(ports["osc"], "/schillinger/ableton/tempo", 101.0)
        assert await peer.next() == ("/schillinger/ableton/tempo", [101.0])
        peer.send(ports["osc"], "/schillinger/ableton/follow", 0)
        assert await peer.next() == ("/schillinger/ableton/follow", [0, 101.0])
        assert live.listening is False
        code, ans = await api("transport", {"action": "load",
                                            "score": seventy_note_score()})
        peer.send(ports["osc"], "/schillinger/ableton/push_clip", 0, 3, "Bass")
        assert await peer.next() == ("/schillinger/ableton/push_clip", [0, 3, 1])

    run(scenario())


def test_no_live_answers_502_and_osc_error(wb: Any, api: Any, run: Any, osc_peer: Any,
                                           ports: dict[str, int]) -> None:
    wb.ableton.timeout = 0.3  # nothing listens on the Live port

    async def scenario() -> None:
        code, ans = await api("ableton", {"action": "get_tempo"})
        assert code == 502 and "no answer from AbletonOSC" in ans["message"]
        _, st = await api("status")
        assert "no answer" in st["ableton"]["error"]
        peer = await osc_peer(ports["reply"])
        peer.send(ports["osc"], "/schillinger/ableton/tempo")
        addr, (where, message, *_field_status) = await peer.next()
        assert (addr, where) == ("/schillinger/error", "/schillinger/ableton/tempo")
        assert "no answer" in message

    run(scenario())

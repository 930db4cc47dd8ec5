"""The WebSocket: generate, malformed input, shared sessions, transport pushes."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest


async def recv(ws: Any, timeout: float = 5.0) -> dict[str, Any]:
    msg = await asyncio.wait_for(ws.read_message(), timeout)
    assert msg is not None, "the server closed the connection"
    data: dict[str, Any] = json.loads(msg)
    return data


async def connect(jp_ws_fetch: Any, **headers: str) -> Any:
    ws = await jp_ws_fetch("schillinger", "api", "ws", headers=headers or None)
    hello = await recv(ws)
    assert hello["type"] == "hello" and hello["client"]
    ws.client_id = hello["client"]
    ws.identity = hello["identity"]  # who the server says this connection is
    assert hello["user"] == ws.identity["display_name"]
    return ws


async def until(ws: Any, kind: str, timeout: float = 5.0) -> dict[str, Any]:
    """The next message of type ``kind`` (others are skipped), within ``timeout`` s in all."""
    async with asyncio.timeout(timeout):
        while True:
            msg = await recv(ws, timeout)
            if msg["type"] == kind:
                return msg


def test_generate_matches_rest(jp_ws_fetch: Any, api: Any, run: Any) -> None:
    body = {"technique": "interference", "generators": [3, 2]}

    async def scenario() -> None:
        ws = await connect(jp_ws_fetch)
        ws.write_message(json.dumps({"type": "generate", "id": "g1", **body}))
        first = await recv(ws)
        assert first["type"] == "progress" and first["id"] == "g1"
        msg = await until(ws, "result")
        assert msg["id"] == "g1"
        _code, rest = await api("rhythm", body)
        assert msg["result"] == rest
        assert msg["result"]["durations"] == [2, 1, 1, 2]
        ws.close()

    run(scenario())


@pytest.mark.parametrize(("raw", "needle"), [
    ("{not json", "malformed JSON"), ("[1,2]", "JSON object"), ('{"type": "dance"}', "unknown"),
    ('{"id": 5}', "unknown"),
    ('{"type": "generate", "id": 7, "technique": "interference", "generators": ["x"]}',
     "generators.0"),
    ('{"type": "generate", "id": 8, "endpoint": "nope"}', "endpoint"),
    ('{"type": "transport", "action": "seek"}', "position_beats"),
    ('{"type": "param_change", "param": "x", "value": 1}', "join a session"),
    ('{"type": "join", "session": 42}', "session"),
    ('{"type": "ableton", "action": "dance"}', "action"),
])
def test_malformed_messages_keep_the_connection(jp_ws_fetch: Any, run: Any, wb: Any,
                                                raw: str, needle: str) -> None:
    async def scenario() -> None:
        ws = await connect(jp_ws_fetch)
        ws.write_message(raw)
        err = await until(ws, "error")
        assert needle in err["message"], err
        ws.write_message(b"\x00\x01", binary=True)
        assert "binary" in (await until(ws, "error"))["message"]
        ws.write_message(json.dumps({"type": "heartbeat", "id": "hb"}))
        hb = await until(ws, "heartbeat")
        assert hb["id"] == "hb" and hb["time"] > 0
        ws.close()

    run(scenario())


def test_sessions_presence_params_operations(jp_ws_fetch: Any, run: Any, wb: Any,
                                             api: Any) -> None:
    async def scenario() -> None:
        a = await connect(jp_ws_fetch)
        b = await connect(jp_ws_fetch)
        # names come from the login (the token's anonymous user here), not from the client
        a.write_message(json.dumps({"type": "join", "id": 1, "session": "duet"}))
        joined = await until(a, "joined")
        sid = joined["session"]["id"]
        b.write_message(json.dumps({"type": "join", "id": 2, "session": sid,
                                    "name": b.identity["display_name"]}))  # one's own: fine
        jb = await until(b, "joined")
        ann, ben = a.identity, b.identity
        assert [m["name"] for m in jb["session"]["members"]] == [ann["display_name"],
                                                                  ben["display_name"]]
        assert [(m["username"], m["color"]) for m in jb["session"]["members"]] == [
            (ann["username"], ann["color"]), (ben["username"], ben["color"])]
        pres = await until(a, "presence")
        assert pres["event"] == "join" and pres["client"] == b.client_id

        a.write_message(json.dumps({"type": "param_change", "id": "p", "param": "gens",
                                    "value": [5, 3]}))
        pc = await until(b, "param_change")
        assert pc["from"] == a.client_id and pc["value"] == [5, 3]
        assert pc["user"]["username"] == ann["username"]
        assert (await until(a, "ack"))["id"] == "p"  # the sender gets an ack, not an echo

        for k in range(3):
            (a if k % 2 == 0 else b).write_message(
                json.dumps({"type": "operation", "op": {"n": k}}))
        ops_a = [await until(a, "operation") for _ in range(3)]
        seen_b = [(await until(b, "operation"))["op"]["n"] for _ in range(3)]
        assert [op["seq"] for op in ops_a] == [1, 2, 3] and seen_b == [0, 1, 2]
        assert [op["user"]["username"] for op in ops_a] == [
            ann["username"], ben["username"], ann["username"]]

        c = await connect(jp_ws_fetch)  # a late joiner gets the history
        c.write_message(json.dumps({"type": "join", "session": "duet"}))
        jc = await until(c, "joined")
        assert [op["op"]["n"] for op in jc["session"]["operations"]] == [0, 1, 2]
        assert jc["session"]["params"] == {"gens": [5, 3]}

        b.close()  # closing leaves the session: the others hear about it
        left = await until(a, "presence")
        while left["event"] != "leave":
            left = await until(a, "presence")
        assert left["client"] == b.client_id
        _code, rest = await api(f"sessions/{sid}")
        assert sorted(m["username"] for m in rest["members"]) == sorted(
            [ann["username"], c.identity["username"]])
        assert rest["operations"][-1]["seq"] == 3
        a.close()
        c.close()

    run(scenario())


def test_transport_pushes_while_playing(jp_ws_fetch: Any, run: Any, api: Any) -> None:
    async def scenario() -> None:
        ws = await connect(jp_ws_fetch)
        ws.write_message(json.dumps({"type": "transport", "id": "s", "action": "subscribe"}))
        assert (await until(ws, "transport"))["id"] == "s"
        await api("transport", {"action": "play"})  # REST, OSC and WS share one clock
        # pushes keep coming while playing (30 Hz in the server; the rate is not timed here)
        states = [(await until(ws, "transport"))["state"] for _ in range(8)]
        assert all(s["playing"] for s in states)
        assert states[-1]["position_beats"] > states[1]["position_beats"]
        ws.write_message(json.dumps({"type": "transport", "id": "x", "action": "stop"}))
        st = await until(ws, "transport")
        while st["state"]["playing"]:
            st = await until(ws, "transport")
        ws.close()

    run(scenario())


def test_fanout_one_frame_to_many_in_order_and_closed_peers_dropped(
        jp_ws_fetch: Any, run: Any, wb: Any, api: Any) -> None:
    async def scenario() -> None:
        conns = [await connect(jp_ws_fetch) for _ in range(12)]
        for ws in conns:
            ws.write_message(json.dumps({"type": "join", "session": "fan"}))
            await until(ws, "joined")
        sender, others = conns[0], conns[1:]
        big = "x" * 70_000  # a 64-bit length frame; short ones are checked by the acks
        sender.write_message(json.dumps({"type": "param_change", "id": "big", "param": "p",
                                         "value": big}))
        for ws in others:
            assert (await until(ws, "param_change"))["value"] == big
        ack = await until(sender, "ack")
        assert ack["id"] == "big" and ack["delivered"] == 11 and ack["fanout_ms"] >= 0
        for k in range(5):  # operations reach every member (the sender too) in order
            conns[k % 3].write_message(json.dumps({"type": "operation", "op": {"k": k}}))
        for ws in conns:
            assert [(await until(ws, "operation"))["op"]["k"] for _ in range(5)] == list(
                range(5))

        # more than the socket takes at once: the rest is queued behind, in order, intact
        blob = "y" * 400_000
        members = wb.sessions.get("fan").members
        for k in range(40):  # synchronously: nobody reads meanwhile
            assert wb.hub.broadcast(members, {"type": "bulk", "k": k, "blob": blob}) == 12
        assert wb.hub.clients[others[1].client_id].ws_connection.stream.writing()
        for ws in (sender, others[1]):
            for k in range(40):
                msg = await until(ws, "bulk", timeout=30)
                assert msg["k"] == k and msg["blob"] == blob
        for ws in [*others[2:], others[0]]:
            while (await until(ws, "bulk", timeout=30))["k"] != 39:
                pass

        # a peer whose stream just died is skipped and forgotten by the next broadcast
        session = wb.sessions.get("fan")
        victim = wb.hub.clients[others[0].client_id]
        victim.ws_connection.stream.close()
        assert wb.hub.broadcast(session.members, {"type": "note"}) == 11
        assert others[0].client_id not in wb.hub.clients
        sender.write_message(json.dumps({"type": "param_change", "id": "after", "param": "p",
                                         "value": 1}))
        assert (await until(sender, "ack"))["delivered"] == 10
        _code, st = await api("status")
        assert st["websocket"]["clients"] == 11
        assert st["websocket"]["fanout"]["max_recipients"] == 12
        assert st["websocket"]["fanout"]["p99_ms"] >= st["websocket"]["fanout"]["median_ms"]
        for ws in conns:
            ws.close()

    run(scenario())

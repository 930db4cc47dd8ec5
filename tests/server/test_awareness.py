"""Awareness as the server passes it on (issue 16): nothing a client says of itself is trusted.

Three users of one plain jupyter server (team.py: alice and carol may write, bob only reads)
in one session, speaking Yjs. Each awareness state reaches the others with ``client``,
``user``, ``name``, ``color`` and ``role`` as the server's login says, ``editing`` only from
members who may edit (and only a short string); a connection speaks for one Y client id, so
entries naming another member's id (a forged state, a forged "gone") never arrive; a member
that leaves is announced gone. JSON ``presence`` states are stamped the same way.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import team
from helpers import wait_until_async

from schillinger_kernel.server import awareness
from schillinger_kernel.server.crdt_client import YClient


@pytest.fixture
def jp_server_config(ports: dict[str, int], tmp_path: Any) -> dict[str, Any]:
    return team.config(ports, tmp_path)


def _states(client: YClient) -> list[tuple[int, int, Any]]:
    """Every awareness entry ``client`` has received, states parsed."""
    return [(yid, clock, json.loads(state)) for msg in client.awareness
            for yid, clock, state in awareness.parse(msg)]


def _me(client: YClient) -> str:
    return str(next(m for m in client.messages if m["type"] == "joined")["client"])


def test_awareness_says_what_the_server_knows(wb: Any, run: Any, jp_ws_fetch: Any) -> None:
    async def scenario() -> None:
        joined = {who: await team.yjoin(jp_ws_fetch, who, "room")
                  for who in ("alice", "bob", "carol")}
        alice, bob, carol = (joined[w][0] for w in ("alice", "bob", "carol"))
        a_id, c_id = alice.doc.client_id, carol.doc.client_id

        alice.send_frame(awareness.encode([(a_id, 1, json.dumps({"editing": "key"}))]))
        await wait_until_async(lambda: _states(carol), 10, "alice's state at carol's")
        # carol's own state claims to be alice; then she speaks for alice's id
        claim = {"user": {"name": "Alice", "username": "alice", "color": "#c0392b"},
                 "name": "Alice", "color": "#c0392b", "client": _me(alice),
                 "role": "owner", "editing": "tempo", "cursor": 5}
        carol.send_frame(awareness.encode([(c_id, 1, json.dumps(claim)),
                                           (a_id, 9, json.dumps({"editing": "meter"}))]))
        carol.send_frame(awareness.encode([(a_id, 10, "null")]))  # "alice is gone"
        carol.send_frame(awareness.encode([(c_id, 2, json.dumps({"editing": "x" * 201}))]))
        await wait_until_async(lambda: len(_states(bob)) == 3, 10, "carol's states at bob's")
        first, mine, last = _states(bob)
        assert first[:2] == (a_id, 1) and first[2]["editing"] == "key"
        yid, clock, state = mine
        assert (yid, clock) == (c_id, 1)
        assert state["user"] == {"username": "carol", "display_name": "Carol",
                                 "color": "#27ae60", "initials": state["user"]["initials"],
                                 "name": "Carol", "role": "editor"}, state
        assert (state["name"], state["color"], state["client"], state["role"]) == (
            "Carol", "#27ae60", _me(carol), "editor")
        assert (state["editing"], state["cursor"]) == ("tempo", 5)  # hers to say: an editor
        assert last[:2] == (c_id, 2) and last[2]["editing"] is None  # too long for a name
        assert carol.errors == [] and alice.awareness and all(
            yid == c_id for yid, _c, _s in _states(alice))  # alice's id: never carol's

        # bob watches: whatever he says, he edits nothing
        bob.send_frame(awareness.encode([(bob.doc.client_id, 1, json.dumps(
            {"user": {"name": "Alice"}, "editing": "tempo"}))]))
        await wait_until_async(lambda: any(y == bob.doc.client_id for y, _c, _s in
                                           _states(alice)), 10, "bob's state at alice's")
        [(_y, _c, seen)] = [e for e in _states(alice) if e[0] == bob.doc.client_id]
        assert (seen["user"]["name"], seen["role"], seen["editing"]) == (
            "Bob", "watcher", None)

        # a second tab of carol's cannot take alice's id either
        other, o_ws, o_task = await team.yjoin(jp_ws_fetch, "carol", "room")
        other.send_frame(awareness.encode([(a_id, 11, json.dumps({"editing": "key"}))]))
        other.send_json({"type": "heartbeat", "id": "h"})
        await team.answer(other, lambda m: m.get("id") == "h", "the heartbeat")
        alice.send_json({"type": "heartbeat", "id": "h"})
        await team.answer(alice, lambda m: m.get("id") == "h", "alice's heartbeat")
        assert [e for e in _states(bob) if e[0] == a_id] == [first]

        # too large a state: refused, as an operation that large would be
        huge = json.dumps({"notes": "x" * (wb.settings.limits.operation_bytes + 1)})
        other.send_frame(awareness.encode([(other.doc.client_id, 1, huge)]))
        await wait_until_async(lambda: other.errors, 10, "the refusal")
        assert other.errors[-1]["status"] == 413 and other.errors[-1]["field"] == "state"

        # carol leaves: the others hear her state is gone (her browser could not say so)
        c_task, c_ws = joined["carol"][2], joined["carol"][1]
        c_task.cancel()
        c_ws.close()
        await wait_until_async(lambda: (c_id, 3, None) in _states(alice), 10,
                               "carol's state removed at alice's")
        for _client, ws, task in (joined["alice"], joined["bob"], (other, o_ws, o_task)):
            task.cancel()
            ws.close()

    run(scenario())


def test_presence_states_are_stamped_too(wb: Any, run: Any, jp_ws_fetch: Any) -> None:
    async def scenario() -> None:
        alice = await team.login(jp_ws_fetch, "alice")
        bob = await team.login(jp_ws_fetch, "bob")
        for ws in (alice, bob):
            ws.write_message(json.dumps({"type": "join", "session": "p"}))
            assert json.loads(await ws.read_message())["type"] == "joined"
        bob.write_message(json.dumps({"type": "presence", "id": 1, "state": {
            "name": "Alice", "color": "#c0392b", "editing": "tempo", "cursor": 2}}))
        while True:
            msg = json.loads(await alice.read_message())
            if msg["type"] == "presence" and msg["event"] == "update":
                break
        state = msg["state"]
        assert (state["name"], state["color"], state["role"], state["editing"],
                state["cursor"]) == ("Bob", "#2980b9", "watcher", None, 2), state
        assert msg["user"]["username"] == "bob"
        listed = json.loads(await bob.read_message())
        assert listed["event"] == "list" and listed["members"][1]["state"] == state, listed
        alice.close()
        bob.close()

    run(scenario())

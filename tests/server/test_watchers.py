"""Watching a session live with read-only access (issue 16): joining is a read.

On a plain jupyter server whose Authorizer lets bob read only (team.py; what a plain JupyterHub
share gives, see test_hub_readonly.py for the same through a real hub): bob joins alice's
session as a watcher, gets the Y document, every later update, presence, operations and the
transport; he is listed with ``role: "watcher"``; every edit he tries (a Yjs update, a
``param_change``, an ``operation``, a transport command) gets the same 403 answer and his
connection keeps working; his answer to the server's sync step 1 (nothing new) is no edit.
He cannot create a session either.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import team
from helpers import wait_until_async
from pycrdt import Doc, Map, write_message

from schillinger_kernel.server import crdt


@pytest.fixture
def jp_server_config(ports: dict[str, int], tmp_path: Any) -> dict[str, Any]:
    return team.config(ports, tmp_path)


def _refusal(kind: str) -> dict[str, Any]:
    return {"field": "type", "status": 403,
            "message": f"not authorized to write schillinger ({kind!r} needs write)"}


def test_a_read_only_user_watches_live_and_changes_nothing(
        wb: Any, run: Any, jp_ws_fetch: Any, jp_fetch: Any) -> None:
    async def scenario() -> None:
        bob_ws = await team.login(jp_ws_fetch, "bob")
        bob_ws.write_message(json.dumps({"type": "join", "id": 1, "session": "nowhere"}))
        err = json.loads(await bob_ws.read_message())
        assert err["type"] == "error" and err["status"] == 403, err
        assert err["field"] == "session" and "not authorized to write" in err["message"]
        assert wb.sessions.get("nowhere") is None  # a watcher creates nothing
        bob_ws.close()

        alice, a_ws, a_task = await team.yjoin(jp_ws_fetch, "alice", "live")
        alice.params["tempo"] = 96
        alice.score.append({"bar": 1, "notes": [60, 64]})
        await alice.stored()

        bob, b_ws, b_task = await team.yjoin(jp_ws_fetch, "bob", "live")
        joined = next(m for m in bob.messages if m["type"] == "joined")
        assert joined["role"] == bob.role == "watcher" and alice.role == "editor", joined
        assert [(m["username"], m["role"]) for m in joined["session"]["members"]] == [
            ("alice", "editor"), ("bob", "watcher")]
        await wait_until_async(lambda: bob.synced, 10, "bob's copy of the document")
        assert bob.state()["params"] == {"tempo": 96.0}
        assert bob.state()["score"] == [{"bar": 1.0, "notes": [60.0, 64.0]}]
        pres = await team.answer(alice, lambda m: m["type"] == "presence"
                                 and m.get("event") == "join", "alice told bob joined")
        assert {m["username"]: m["role"] for m in pres["members"]} == {
            "alice": "editor", "bob": "watcher"}
        assert not bob.errors, bob.errors  # his answer to step 1 was no edit

        # live: alice's edits, operations and transport reach him
        b_ws.write_message(json.dumps({"type": "transport", "action": "subscribe", "id": 2}))
        alice.params["tempo"] = 100
        alice.send_json({"type": "operation", "op": {"kind": "note", "pitch": 67}})
        alice.send_json({"type": "transport", "action": "play"})
        await wait_until_async(lambda: bob.params.get("tempo") == 100, 10,
                               "alice's edit at bob's")
        await team.answer(bob, lambda m: m["type"] == "operation"
                          and m["user"]["username"] == "alice", "alice's operation")
        await team.answer(bob, lambda m: m["type"] == "transport"
                          and m["state"]["playing"], "the transport playing, pushed")
        await wait_until_async(lambda: len(bob.history) == 1, 10, "the history at bob's")

        # every edit of his: the same 403, and nothing changes anywhere
        bob.params["tempo"] = 1  # a Yjs update
        await wait_until_async(lambda: bob.errors, 10, "the refusal of bob's Yjs edit")
        tries: list[dict[str, Any]] = [{"type": "param_change", "param": "tempo", "value": 1},
                                       {"type": "operation", "op": {"kind": "erase"}},
                                       {"type": "transport", "action": "stop"},
                                       {"type": "transport", "action": "tempo", "tempo": 33}]
        for n, msg in enumerate(tries, 10):
            bob.send_json({**msg, "id": n})
        await wait_until_async(lambda: len(bob.errors) == 1 + len(tries), 10,
                               "every refusal")
        got = [{k: e[k] for k in ("field", "status", "message")} for e in bob.errors]
        assert got == [_refusal(k) for k in ("ysync", "param_change", "operation",
                                             "transport", "transport")], got
        bob.send_json({"type": "heartbeat", "id": "still"})
        await team.answer(bob, lambda m: m.get("id") == "still", "the connection kept")
        s = wb.sessions.get("live")
        assert s.doc.param_values() == {"tempo": 100} and s.params == {"tempo": 100}
        assert s.seq == 1 and wb.clock.state()["playing"] is True
        assert wb.clock.state()["tempo"] == 120.0
        alice.send_json({"type": "heartbeat", "id": "after"})  # all sent to her before is in
        await team.answer(alice, lambda m: m.get("id") == "after", "alice's heartbeat")
        assert alice.params["tempo"] == 100.0 and not alice.errors

        # presence from a watcher is read; REST lists him as one
        r = await jp_fetch("schillinger", "api", "sessions",
                           headers={"Authorization": "token alice-token"})
        people = next(x for x in json.loads(r.body) if x["name"] == "live")["people"]
        assert {p["username"]: p["role"] for p in people} == {
            "alice": "editor", "bob": "watcher"}
        alice.send_json({"type": "transport", "action": "stop"})
        for task, ws in ((a_task, a_ws), (b_task, b_ws)):
            task.cancel()
            ws.close()

    run(scenario())


def test_a_watchers_harmless_step2_is_passed_over(wb: Any, run: Any, jp_ws_fetch: Any) -> None:
    """A watcher that reconnects with a copy holding deletions answers step 1 with them
    (Yjs sends its whole delete set): no edit, no refusal; a new deletion is one."""
    async def scenario() -> None:
        alice, a_ws, a_task = await team.yjoin(jp_ws_fetch, "alice", "again")
        alice.params["a"] = 1
        alice.params["b"] = 2
        del alice.params["a"]
        await alice.stored()
        copy: Doc[Any] = Doc()
        copy.apply_update(wb.sessions.get("again").doc.snapshot())

        bob_ws = await team.login(jp_ws_fetch, "bob")
        bob_ws.write_message(json.dumps({"type": "join", "session": "again", "sync": "yjs"}))
        while True:  # joined, then the server's sync step 1
            frame = await bob_ws.read_message()
            if isinstance(frame, bytes):
                break
        server_state = wb.sessions.get("again").doc.doc.get_state()
        same = bytes([0, 1]) + write_message(copy.get_update(server_state))
        assert same != bytes([0, 1, 2, 0, 0])  # it carries the delete set
        bob_ws.write_message(same, binary=True)
        ack = json.loads(await bob_ws.read_message())
        assert ack == {"type": "sync_ack", "session": ack["session"], "frames": 1}, ack
        params: Map[Any] = copy.get("params", type=Map)
        del params["b"]  # a deletion the server has not made: an edit
        bob_ws.write_message(crdt.update_message(copy.get_update(server_state)), binary=True)
        err = json.loads(await bob_ws.read_message())
        assert {k: err[k] for k in ("field", "status", "message")} == _refusal("ysync"), err
        assert wb.sessions.get("again").doc.param_values() == {"b": 2}
        a_task.cancel()
        a_ws.close()
        bob_ws.close()

    run(scenario())

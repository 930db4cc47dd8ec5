"""A session's shared state as a Y document (issue 16): clients speaking the Yjs sync
protocol over the workbench's WebSocket merge concurrent edits and converge; the server's
own changes (``operation``, ``param_change``) land in the same document; updates are stored
before they are acknowledged; the document and the log are bounded."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from helpers import wait_until_async
from pycrdt import Array, Doc, Map, create_update_message

from schillinger_kernel.errors import ParameterError, PeerUnavailable, TooLarge
from schillinger_kernel.server import awareness
from schillinger_kernel.server.crdt import COMPACT_ROWS, SessionDoc
from schillinger_kernel.server.crdt_client import YClient
from schillinger_kernel.server.sessions import Identity, SessionStore

N_CLIENTS = 10
N_EDITS = 100
ANN = Identity("ann", "Ann")


async def yjoin(jp_ws_fetch: Any, session: str) -> tuple[YClient, Any, asyncio.Task[None]]:
    ws = await jp_ws_fetch("schillinger", "api", "ws")
    client, task = await YClient.join(ws, session)
    return client, ws, task


async def converged(clients: list[YClient], server: SessionDoc, timeout: float = 60) -> None:
    """Until every client's document equals the server's (or the timeout fails the test)."""

    def same() -> bool:
        want = {"params": server.params.to_py() or {}, "score": server.score.to_py() or [],
                "history": server.history.to_py() or []}
        return all(c.state() == want for c in clients)

    await wait_until_async(same, timeout, "every client's document to equal the server's")


async def next_turn() -> None:
    """Give the event loop one turn (the other clients' frames are read meanwhile)."""
    loop = asyncio.get_running_loop()
    turn = loop.create_future()
    loop.call_soon(turn.set_result, None)
    await turn


def test_ten_clients_hundred_concurrent_edits_converge(jp_ws_fetch: Any, wb: Any,
                                                       run: Any) -> None:
    async def scenario() -> None:
        joined = [await yjoin(jp_ws_fetch, "jam") for _ in range(N_CLIENTS)]
        clients = [c for c, _ws, _t in joined]

        async def edit(c: YClient, who: int) -> None:
            for k in range(N_EDITS):
                with c.doc.transaction():  # one update: an item, this client's mark, a tempo
                    item = {"c": who, "k": k}
                    if k % 2:
                        c.score.insert(0, item)  # concurrent inserts at the same place
                    else:
                        c.score.append(item)
                    c.params[f"c{who}"] = k
                    c.params["tempo"] = 60 + who  # everyone writes one key: one value wins
                if k % 25 == 0:  # the server's own log, written into the same document
                    c.send_json({"type": "operation", "op": {"c": who, "k": k}})
                await next_turn()  # let the others' frames in between

        await asyncio.gather(*(edit(c, i) for i, c in enumerate(clients)))
        await asyncio.gather(*(c.stored() for c in clients))
        s = wb.sessions.get("jam")
        await converged(clients, s.doc)

        state = clients[0].state()
        items = sorted((int(i["c"]), int(i["k"])) for i in state["score"])
        assert items == [(c, k) for c in range(N_CLIENTS) for k in range(N_EDITS)]
        assert {k: v for k, v in state["params"].items() if k != "tempo"} == {
            f"c{c}": N_EDITS - 1 for c in range(N_CLIENTS)}
        assert state["params"]["tempo"] in {60 + c for c in range(N_CLIENTS)}
        assert [r["seq"] for r in state["history"]] == list(range(1, 4 * N_CLIENTS + 1))
        # the JSON side of the session reads the same document
        assert s.params == {k: int(v) for k, v in state["params"].items()}
        assert [r["op"] for r in s.operations] == [
            {"c": int(r["op"]["c"]), "k": int(r["op"]["k"])} for r in state["history"]]
        assert all(not c.errors for c in clients)
        # stored: a store reopened on the same file rebuilds the very same document
        again = SessionStore(wb.sessions.directory)
        again.load()
        t = again.get("jam")
        assert t is not None and t.doc.to_dict() == s.doc.to_dict()
        assert t.params == s.params
        again.close()
        assert wb.sessions.group.commits * 2 < wb.sessions.group.changes  # grouped commits
        for _c, ws, task in joined:
            task.cancel()
            ws.close()

    run(scenario())


def test_a_late_joiner_gets_the_document_and_server_edits_reach_y_clients(
        jp_ws_fetch: Any, api: Any, run: Any) -> None:
    async def scenario() -> None:
        a, ws_a, task_a = await yjoin(jp_ws_fetch, "late")
        a.score.append({"bar": 1, "notes": [60, 64, 67]})
        a.send_json({"type": "param_change", "param": "key", "value": "D dorian", "id": "p"})
        a.send_json({"type": "operation", "op": {"kind": "transpose", "by": 2}})
        await a.stored()
        b, ws_b, task_b = await yjoin(jp_ws_fetch, "late")
        await wait_until_async(lambda: b.state() == a.state() and len(a.history) == 1
                               and a.params.get("key") == "D dorian", 10,
                               "both clients to hold the score, the key and the operation")
        assert b.state()["score"] == [{"bar": 1.0, "notes": [60.0, 64.0, 67.0]}]
        assert b.state()["history"][0]["user"]["username"]  # who, from the server
        joined = b.messages[0]
        assert joined["type"] == "joined"
        code, rest = await api(f"sessions/{joined['session']['id']}")
        assert code == 200
        assert rest["score"] == [{"bar": 1, "notes": [60, 64, 67]}]
        assert rest["params"] == {"key": "D dorian"} and rest["document_bytes"] > 0
        for task, ws in ((task_a, ws_a), (task_b, ws_b)):
            task.cancel()
            ws.close()

    run(scenario())


@pytest.mark.parametrize(("frame", "needle"), [
    (b"\x07\x00", "not a Yjs sync (0) or awareness (1)"),
    (b"\x00\x02\x05ab", "says 5 bytes follow, 2 do"),
    (b"\x00\x02\x03\x05\x01z", "not a Yjs update"),
    (b"\x00\x09\x00", "sync step 9"),
    (b"", "empty"),
])
def test_bad_binary_frames_are_answered_and_the_connection_stays(
        jp_ws_fetch: Any, run: Any, wb: Any, frame: bytes, needle: str) -> None:
    async def scenario() -> None:
        early = await jp_ws_fetch("schillinger", "api", "ws")
        await early.read_message()  # hello
        early.write_message(b"\x00\x00\x01\x00", binary=True)
        before = json.loads(await asyncio.wait_for(early.read_message(), 10))
        assert before["type"] == "error" and "join a session first" in before["message"]
        early.close()
        c, ws, task = await yjoin(jp_ws_fetch, "bad")
        c.send_frame(frame)
        await wait_until_async(lambda: c.errors, 10, "the error answer")
        assert needle in c.errors[0]["message"] and c.errors[0]["status"] == 400, c.errors
        c.errors.clear()
        c.params["after"] = 1  # the connection still syncs
        await c.stored()
        assert wb.sessions.get("bad").params == {"after": 1}
        task.cancel()
        ws.close()

    run(scenario())


# ----- the document and the store, without a server -------------------------------------------
def test_updates_are_stored_with_the_session_and_compacted(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    s = store.join("solo", "c1", ANN)
    client: Doc = Doc()
    score = client.get("score", type=Array)
    sent: list[bytes] = []
    sub = client.observe(lambda e: sent.append(e.update))
    for k in range(COMPACT_ROWS + 10):
        score.append(k)
        assert s.doc.handle(create_update_message(sent[-1]), "c1").update
        if k % 100 == 0 or k >= COMPACT_ROWS - 2:
            store.mark(s)
    store.mark(s)
    client.unobserve(sub)
    assert store.db is not None
    ((rows,),) = store.db.query("SELECT COUNT(*) FROM ydoc")
    assert rows < 20, rows  # one snapshot replaced the first few hundred rows
    again = SessionStore(tmp_path)
    assert again.load() == 1
    t = again.get("solo")
    assert t is not None and t.doc.score.to_py() == list(range(COMPACT_ROWS + 10))
    assert t.doc.stored_rows == rows


def test_the_document_is_bounded_and_refused_updates_change_nothing() -> None:
    doc = SessionDoc(max_bytes=2000)
    client: Doc = Doc()
    text = client.get("params", type=Map)
    sent: list[bytes] = []
    client.observe(lambda e: sent.append(e.update))
    text["small"] = "x" * 100
    doc.handle(create_update_message(sent[-1]), "c1")
    text["big"] = "y" * 5000
    with pytest.raises(TooLarge, match="past 2000 bytes; start a new session"):
        doc.handle(create_update_message(sent[-1]), "c1")
    assert doc.param_values() == {"small": "x" * 100}
    with pytest.raises(ParameterError, match="bad state vector"):
        doc.handle(b"\x00\x00\x02\xff\xff", "c1")


def test_the_log_is_bounded_in_bytes(tmp_path: Path) -> None:
    store = SessionStore(tmp_path, max_log_bytes=2000)
    s = store.join("long", "c1", ANN)
    for k in range(40):
        s.add_operation("c1", {"k": k, "pad": "p" * 50}, ANN)
        store.mark(s)
    assert s.log_bytes <= 2000 and s.dropped > 0
    assert [r["seq"] for r in s.operations] == list(range(s.dropped + 1, 41))
    assert [int(r["seq"]) for r in s.doc.to_dict()["history"]] == [
        r["seq"] for r in s.operations]
    with pytest.raises(TooLarge, match=r"more than the session's whole log may hold \(2000"):
        s.add_operation("c1", {"pad": "q" * 3000}, ANN)
    assert s.seq == 40
    again = SessionStore(tmp_path, max_log_bytes=2000)
    again.load()
    t = again.get("long")
    assert t is not None and t.log_bytes == s.log_bytes and t.operations == s.operations
    assert t.doc.history.to_py() == s.doc.history.to_py()


def test_a_refused_commit_keeps_the_update_for_the_next(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    s = store.join("duet", "c1", ANN)
    client: Doc = Doc()
    params = client.get("params", type=Map)
    sent: list[bytes] = []
    client.observe(lambda e: sent.append(e.update))
    params["tempo"] = 90
    s.doc.handle(create_update_message(sent[-1]), "c1")
    s.sync_params()
    assert store.db is not None
    store.db.close()
    with pytest.raises(PeerUnavailable, match="was not kept"):
        store.mark(s)
    store._db = None  # the disk is back
    params["tempo"] = 100
    s.doc.handle(create_update_message(sent[-1]), "c1")
    s.sync_params()
    store.mark(s)
    again = SessionStore(tmp_path)
    again.load()
    t = again.get("duet")
    assert t is not None and t.params == {"tempo": 100} == t.doc.param_values()


def test_no_acknowledgement_for_what_the_disk_refused(jp_ws_fetch: Any, wb: Any,
                                                      run: Any) -> None:
    async def scenario() -> None:
        c, ws, task = await yjoin(jp_ws_fetch, "disk")
        c.params["a"] = 1
        await c.stored()
        store = wb.sessions
        store.db.close()  # the store is gone from under the server (disk unplugged, say)
        c.params["b"] = 2
        await wait_until_async(lambda: c.errors, 10, "the error answer")
        assert "not stored yet" in c.errors[0]["message"], c.errors
        assert c.errors[0]["status"] == 502  # PeerUnavailable: the store did not answer
        assert c.acked < c.waiting_for  # no sync_ack claims it is stored
        c.errors.clear()
        store._db = None  # the disk is back: the next commit stores the held update too
        c.params["c"] = 3
        await c.stored()
        again = SessionStore(store.directory)
        again.load()
        t = again.get("disk")
        assert t is not None and t.doc.param_values() == {"a": 1, "b": 2, "c": 3} == t.params
        again.close()
        task.cancel()
        ws.close()

    run(scenario())


def test_a_session_deleted_while_its_commit_waits_stays_deleted(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    s = store.join("brief", "c1", ANN)
    told: list[Exception | None] = []

    async def scenario() -> None:
        s.doc.set_param("tempo", 80)  # a change waiting for the group commit
        store.group.request(s.id, s, told.append)
        store.leave(s.id, "c1")
        assert store.delete(s.id, by=ANN)
        await wait_until_async(lambda: told, 10, "the group commit")

    asyncio.run(scenario())
    assert told == [None]
    assert SessionStore(tmp_path).load() == 0


def test_awareness_is_relayed_and_json_only_members_get_no_binary(jp_ws_fetch: Any, wb: Any,
                                                                  run: Any) -> None:
    async def scenario() -> None:
        a, ws_a, task_a = await yjoin(jp_ws_fetch, "aware")
        b, ws_b, task_b = await yjoin(jp_ws_fetch, "aware")
        plain_ws = await jp_ws_fetch("schillinger", "api", "ws")
        await plain_ws.read_message()  # hello
        plain_ws.write_message(json.dumps({"type": "join", "session": "aware"}))
        cursor = awareness.encode([(5, 1, '{"cursor": 3}')])
        a.send_frame(cursor)
        a.params["tempo"] = 72
        await a.stored()
        await wait_until_async(lambda: b.awareness and b.params.get("tempo") == 72, 10,
                               "the cursor and the tempo at the other client")
        # passed on with the server's word on who sent it (tests/server/test_awareness.py)
        [(yid, clock, state)] = awareness.parse(b.awareness[0])
        me = next(m for m in a.messages if m.get("type") == "joined")["client"]
        assert (yid, clock, json.loads(state)["cursor"], json.loads(state)["client"]) == (
            5, 1, 3, me)
        assert len(b.awareness) == 1 and not a.awareness
        plain_ws.write_message(json.dumps({"type": "heartbeat", "id": "end"}))
        async with asyncio.timeout(10):  # everything up to the heartbeat's answer is text
            while True:
                frame = await plain_ws.read_message()
                assert isinstance(frame, str), frame
                if json.loads(frame).get("id") == "end":
                    break
        for task, ws in ((task_a, ws_a), (task_b, ws_b)):
            task.cancel()
            ws.close()
        plain_ws.close()

    run(scenario())


def test_join_refuses_an_unknown_sync_protocol(jp_ws_fetch: Any, wb: Any, run: Any) -> None:
    async def scenario() -> None:
        ws = await jp_ws_fetch("schillinger", "api", "ws")
        await ws.read_message()  # hello
        ws.write_message(json.dumps({"type": "join", "session": "x", "sync": "automerge"}))
        err = json.loads(await asyncio.wait_for(ws.read_message(), 10))
        assert err["type"] == "error" and err["status"] == 400 and err["field"] == "sync"
        assert 'sync must be "yjs"' in err["message"] and wb.sessions.get("x") is None
        ws.close()

    run(scenario())


def test_one_clients_pipelined_burst_rides_in_few_commits(jp_ws_fetch: Any, wb: Any,
                                                          run: Any) -> None:
    async def scenario() -> None:
        c, ws, task = await yjoin(jp_ws_fetch, "burst")
        await c.stored()
        group = wb.sessions.group
        before = group.commits
        for k in range(200):  # written to the socket back to back, before the server reads
            c.score.append(k)
        await c.stored()
        assert group.commits - before < 50, group.commits - before  # not one per frame
        again = SessionStore(wb.sessions.directory)
        again.load()
        t = again.get("burst")
        assert t is not None and t.doc.score_values() == list(range(200))
        again.close()
        task.cancel()
        ws.close()

    run(scenario())


def test_superseded_updates_do_not_count_against_the_document_budget() -> None:
    doc = SessionDoc(max_bytes=3000)
    client: Doc = Doc()
    params = client.get("params", type=Map)
    sent: list[bytes] = []
    client.observe(lambda e: sent.append(e.update))
    for k in range(200):  # one key set over and over: the document stays small
        params["tempo"] = 60 + k
        assert doc.handle(create_update_message(sent[-1]), "c1").update
    assert doc.size > 3000 and doc.param_values() == {"tempo": 259}

"""Shared sessions that survive a crash (issue 16): every acknowledged operation and parameter
is on disk before its acknowledgement, so ``kill -9`` right after the last one loses nothing.

The crash test runs a real ``jupyter server`` process, a WebSocket client pipelines
operations and parameter changes, the server is killed with SIGKILL the moment the last
acknowledgement arrives, and a new server on the same folders must hold every one of them.
"""

from __future__ import annotations

import asyncio
import json
import signal
from pathlib import Path
from typing import Any

import pytest
from live_server import LiveServer

from schillinger_kernel.errors import Forbidden, PeerUnavailable
from schillinger_kernel.server.sessions import Identity, SessionStore

N_OPS = 200
N_PARAMS = 50


async def _acked_then_killed(live: LiveServer) -> tuple[str, dict[Any, int], dict[str, Any]]:
    """Join, pipeline N_OPS operations and N_PARAMS parameter changes, collect the acks,
    SIGKILL the server as soon as the last one is read; return the session id, the seq of
    each acknowledged operation (by request id) and the acknowledged parameters."""
    import websockets

    url = live.url.replace("http://", "ws://") + "schillinger/api/ws"
    ws = await websockets.connect(url, additional_headers={
        "Authorization": f"token {live.token}"}, max_queue=None)
    try:
        assert json.loads(await ws.recv())["type"] == "hello"
        await ws.send(json.dumps({"type": "join", "session": "crash-duet"}))
        joined = json.loads(await ws.recv())
        assert joined["type"] == "joined", joined
        sid = joined["session"]["id"]
        for i in range(N_OPS):  # no waiting between sends: acks race the next requests
            await ws.send(json.dumps({"type": "operation", "id": f"op{i}",
                                      "op": {"bar": i, "notes": [60 + i % 12, 64]}}))
            if i % 4 == 0 and i // 4 < N_PARAMS:
                k = i // 4
                await ws.send(json.dumps({"type": "param_change", "id": f"p{k}",
                                          "param": f"g{k % 7}", "value": k}))
        seqs: dict[Any, int] = {}
        params: dict[str, Any] = {}
        want_params = {f"p{k}": (f"g{k % 7}", k) for k in range(N_PARAMS)}
        acked_params = 0
        while len(seqs) < N_OPS or acked_params < N_PARAMS:
            msg = json.loads(await asyncio.wait_for(ws.recv(), 30))
            if msg["type"] == "operation":
                seqs[msg["id"]] = msg["seq"]
            elif msg["type"] == "ack":
                name, value = want_params[msg["id"]]
                params[name] = value  # acks come in order: the last one per name wins
                acked_params += 1
            else:
                raise AssertionError(f"unexpected message {msg}")
        assert live.proc is not None
        live.proc.send_signal(signal.SIGKILL)
        live.proc.wait(10)
        return sid, seqs, params
    finally:
        await ws.close()


def test_kill_9_right_after_the_acks_loses_nothing(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    live = LiveServer(root).start()
    try:
        sid, seqs, params = asyncio.run(_acked_then_killed(live))
    finally:
        live.stop()
    assert live.proc is not None and live.proc.returncode == -signal.SIGKILL
    assert sorted(seqs.values()) == list(range(1, N_OPS + 1))

    again = LiveServer(root).start()  # the same root and sessions folder, new ports
    try:
        stored = again.get(f"schillinger/api/sessions/{sid}")
        listed = again.get("schillinger/api/sessions")
    finally:
        again.stop()
    by_seq = {r["seq"]: r for r in stored["operations"]}
    for i in range(N_OPS):
        record = by_seq[seqs[f"op{i}"]]
        assert record["op"] == {"bar": i, "notes": [60 + i % 12, 64]}
        assert record["user"]["username"]  # who sent it is stored with it
    assert stored["params"] == params
    assert stored["members"] == [] and stored["operations"][-1]["seq"] == N_OPS
    assert [s["id"] for s in listed] == [sid]


def test_store_survives_reopen_and_keeps_the_owner(tmp_path: Path) -> None:
    ann, ben = Identity("ann", "Ann"), Identity("ben", "Ben")
    store = SessionStore(tmp_path, max_operations=3)
    s = store.join("trio", "c1", ann)
    store.join("trio", "c2", ben)
    for k in range(5):
        s.add_operation("c2", {"k": k}, ben)
        store.mark(s)
    s.params.update(tempo=90, key="D dorian")
    store.mark(s)
    del s.params["key"]
    store.mark(s)
    assert s.summary()["people"] == [{**u.to_dict(), "role": "editor"} for u in (ann, ben)]
    store.close()  # no save(): each change was stored when it was made

    again = SessionStore(tmp_path)
    assert again.load() == 1
    t = again.get("trio")
    assert t is not None and t.owner == ann and not t.members
    assert (t.seq, t.dropped, [r["seq"] for r in t.operations]) == (5, 2, [3, 4, 5])
    assert t.params == {"tempo": 90}
    assert t.idle_since is not None  # nobody is in it after a restart


def test_only_the_owner_renames_or_deletes(tmp_path: Path) -> None:
    ann, ben = Identity("ann", "Ann"), Identity("ben", "Ben")
    store = SessionStore(tmp_path)
    s = store.create("duet", owner=ann)
    with pytest.raises(Forbidden, match=r"only the owner of session 'duet', Ann \(ann\)"):
        store.rename(s.id, "ben's now", by=ben)
    with pytest.raises(Forbidden, match="may delete it"):
        store.delete(s.id, by=ben)
    assert store.rename(s.id, "  duo ", by=ann).name == "duo"
    with pytest.raises(ValueError, match="name must be a non-empty string"):
        store.rename(s.id, " ", by=ann)
    reopened = SessionStore(tmp_path)
    assert reopened.load() == 1 and reopened.get("duo") is not None
    assert store.delete("duo", by=ann) and store.get("duo") is None
    assert SessionStore(tmp_path).load() == 0
    assert store.delete("duo", by=ann) is False


def test_empty_sessions_expire_and_sessions_with_work_wait(tmp_path: Path) -> None:
    store = SessionStore(tmp_path, empty_ttl=60, idle_ttl=3600)
    ann = Identity("ann")
    typo = store.join("dute", "c1", ann)
    work = store.join("duet", "c2", ann)
    work.add_operation("c2", {"n": 1}, ann)
    store.mark(work)
    store.leave(typo.id, "c1")
    store.leave(work.id, "c2")
    assert typo.idle_since is not None and work.idle_since is not None
    left = work.idle_since
    assert store.expire(now=typo.idle_since + 30) == ()
    assert store.expire(now=typo.idle_since + 61) == (typo.id,)
    assert [s["name"] for s in store.list()] == ["duet"]
    store.join("duet", "c3", ann)  # someone is in it: it never expires
    assert work.idle_since is None and store.expire(now=left + 10 * 3600) == ()
    store.leave("duet", "c3")
    assert store.expire(now=work.idle_since + 3601) == (work.id,)
    assert len(store) == 0 and SessionStore(tmp_path).load() == 0


def test_a_change_the_disk_refuses_is_not_kept(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    ann = Identity("ann")
    s = store.join("duet", "c1", ann)
    s.add_operation("c1", {"n": 1}, ann)
    s.params["g"] = 1
    store.mark(s)
    assert store.db is not None
    store.db.close()  # the store is gone from under the server (disk unplugged, say)
    s.add_operation("c1", {"n": 2}, ann)
    s.params["g"] = 2
    with pytest.raises(PeerUnavailable, match="was not kept"):
        store.mark(s)
    assert (s.seq, [r["op"] for r in s.operations], s.params) == (1, [{"n": 1}], {"g": 1})
    s.params["bad"] = object()
    store._db = None  # reopen: the same file
    with pytest.raises(ValueError, match="plain JSON"):
        store.mark(s)
    assert s.params == {"g": 1}


def test_the_server_token_holder_owns_every_session(tmp_path: Path) -> None:
    """Jupyter makes a random user for each request with the server's shared token; whoever
    holds it owns the server, so may rename and delete any session; a named user may not
    touch one the token holder created."""
    store = SessionStore(tmp_path)
    token_a, token_b = Identity("a" * 32, "Anonymous Io"), Identity("b" * 32, "Anonymous Europa")
    bob = Identity("bob", "Bob")
    mine = store.create("mine", owner=token_a)
    with pytest.raises(Forbidden, match="only the owner"):
        store.delete(mine.id, by=bob)
    assert store.rename(mine.id, "ours", by=token_b).name == "ours"
    bobs = store.create("bob's", owner=bob)
    assert store.delete(bobs.id, by=token_b) and store.delete(mine.id, by=token_a)


@pytest.mark.parametrize(("mode", "level"), [("FULL", 2), ("NORMAL", 1)])
def test_the_commit_waits_for_the_disk_as_configured(tmp_path: Path, mode: str,
                                                     level: int) -> None:
    store = SessionStore(tmp_path, synchronous=mode)
    s = store.join("duet", "c1", Identity("ann"))
    assert store.db is not None
    assert store.db.query("PRAGMA synchronous") == [(level,)]
    assert store.db.query("PRAGMA journal_mode") == [("wal",)]
    s.add_operation("c1", {"n": 1})
    store.mark(s)
    with pytest.raises(ValueError, match="synchronous must be one of FULL, NORMAL"):
        _ = SessionStore(tmp_path / "x", synchronous="OFF").db

"""The event loop only routes, and one request cannot ask for unbounded work (issue 18).

Heavy work is held in a worker thread by a gate the test opens, or (work that runs in the
process pool) its one child process is held by reading a named pipe, so "status answered
while the action ran" is an ordering of completions, never a timing threshold.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import os
import socket
import threading
import time
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from helpers import wait_until, wait_until_async

from schillinger_kernel.errors import Busy, NotFound, TooLarge
from schillinger_kernel.server import actions
from schillinger_kernel.server.actions import Limits
from schillinger_kernel.server.errors import map_error
from schillinger_kernel.server.hub import queued_bytes
from schillinger_kernel.server.jobs import JobManager
from schillinger_kernel.server.workbench import job_outcome


class Gate:
    """Wraps ``actions._rhythm_value``: each call waits (in its worker) until opened."""

    def __init__(self) -> None:
        self.entered = 0
        self.open = threading.Event()
        self.threads: list[str] = []

    def wrap(self, fn: Any) -> Any:
        def gated(req: Any) -> Any:
            self.entered += 1
            self.threads.append(threading.current_thread().name)
            if not self.open.wait(20):  # on the loop this would freeze the server: fail, not hang
                raise RuntimeError("the gate was never opened")
            return fn(req)
        return gated


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[Gate]:
    g = Gate()
    monkeypatch.setattr(actions, "_rhythm_value", g.wrap(actions._rhythm_value))
    yield g
    g.open.set()


HEAVY = {"technique": "interference", "generators": [1, 1], "options": {"period": 20000},
         "score": True}
#: the same rhythm without its score: computed in a worker thread, where the gate holds it
LONG = {"technique": "interference", "generators": [1, 1], "options": {"period": 20000}}


@pytest.fixture
def fifo(tmp_path: Path) -> Iterator[Path]:
    """A named pipe: ``Path.read_bytes`` on it blocks (in a child) until :func:`release`."""
    path = tmp_path / "gate"
    os.mkfifo(path)
    yield path
    with contextlib.suppress(OSError):  # a child still reading: let it go
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
        os.close(fd)


def release(path: Path) -> None:
    with open(path, "wb"):  # blocks until the child opened it for reading; closing ends it
        pass


def test_status_answers_while_a_rest_action_runs(api: Any, run: Any, gate: Gate) -> None:
    async def scenario() -> list[str]:
        done: list[str] = []

        async def call(name: str, *a: Any) -> Any:
            out = await api(*a)
            done.append(name)
            return out

        heavy = asyncio.ensure_future(call("rhythm", "rhythm", LONG))
        await wait_until_async(lambda: gate.entered, 10, "the rhythm to start in a worker")
        code, st = await call("status", "status")
        assert code == 200 and st["version"]
        code2, _ = await call("transport", "transport")
        assert code2 == 200
        gate.open.set()
        code, body = await heavy
        assert code == 200, body
        assert body["period"] == 20000 and len(body["attacks"]) == 20000
        return done

    assert run(scenario()) == ["status", "transport", "rhythm"]
    assert all(name.startswith("sk-action") for name in gate.threads)


def test_a_rhythm_with_its_score_runs_in_a_process_while_status_answers(
        api: Any, wb: Any, run: Any, fifo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The score of a 20,000-unit rhythm is built in a child process: the server's own
    ``_rhythm_value`` is never called, and ``/status`` answers while the rhythm waits for the
    one child (held by the named pipe) and its answer comes after."""
    procs = wb.ctx.procs
    assert procs is not None and procs.workers == 1
    here: list[Any] = []
    monkeypatch.setattr(actions, "_rhythm_value",
                        lambda req: here.append(req))  # in this process: must not run

    async def scenario() -> list[str]:
        loop = asyncio.get_running_loop()
        done: list[str] = []
        held = procs.submit(Path.read_bytes, fifo)
        await wait_until_async(lambda: procs.running == 1, 30, "the child held by the pipe")

        async def heavy() -> Any:
            out = await api("rhythm", HEAVY)
            done.append("rhythm")
            return out

        task = asyncio.ensure_future(heavy())
        await wait_until_async(lambda: procs.pending == 2, 30, "the rhythm handed to a process")
        for _ in range(3):
            code, st = await api("status")
            assert code == 200 and st["version"]
            done.append("status")
        assert not task.done()
        await loop.run_in_executor(None, release, fifo)
        code, body = await task
        assert code == 200, body
        assert body["period"] == 20000 and len(body["score"]["parts"][0]["notes"]) == 20000
        assert held.result() == b""
        return done

    assert run(scenario()) == ["status", "status", "status", "rhythm"]
    assert here == []  # the rhythm and its score were computed in the child


def test_websocket_heartbeat_while_generate_runs(jp_ws_fetch: Any, wb: Any, run: Any,
                                                 gate: Gate) -> None:
    """A heartbeat on another connection is answered while a generate runs (tornado reads
    one connection's messages in order, so the loop itself is what is shown free here)."""

    async def scenario() -> list[str]:
        ws = await jp_ws_fetch("schillinger", "api", "ws")
        other = await jp_ws_fetch("schillinger", "api", "ws")
        order: list[str] = []
        try:
            for sock in (ws, other):
                assert json.loads(await sock.read_message())["type"] == "hello"
            ws.write_message(json.dumps({"type": "generate", "id": "g", **LONG}))
            await wait_until_async(lambda: gate.entered, 10, "generate to start in a worker")
            other.write_message(json.dumps({"type": "heartbeat", "id": "h"}))
            beat = json.loads(await asyncio.wait_for(other.read_message(), 20))
            order.append(beat["type"])
            gate.open.set()
            while True:
                msg = json.loads(await asyncio.wait_for(ws.read_message(), 20))
                if msg["type"] in ("result", "error"):
                    order.append(msg["type"])
                    assert msg["type"] == "result", msg
                    return order
        finally:
            ws.close()
            other.close()

    assert run(scenario()) == ["heartbeat", "result"]


def test_osc_status_answers_while_a_rhythm_runs(wb: Any, run: Any, osc_peer: Any,
                                               ports: dict[str, int], gate: Gate) -> None:
    async def scenario() -> list[str]:
        peer = await osc_peer(ports["reply"])
        peer.send(ports["osc"], "/schillinger/rhythm/interference", 3, 2)
        await wait_until_async(lambda: gate.entered, 10, "the OSC rhythm to start in a worker")
        peer.send(ports["osc"], "/schillinger/status")
        first = await peer.next(10)
        gate.open.set()
        second = await peer.next(20)
        assert second == ("/schillinger/rhythm/interference", [2, 1, 1, 2])
        return [first[0], second[0]]

    assert run(scenario()) == ["/schillinger/status", "/schillinger/rhythm/interference"]


def test_full_pool_answers_429_with_retry_after(api: Any, wb: Any, run: Any, gate: Gate,
                                                jp_fetch: Any) -> None:
    slots = wb.pool.workers + wb.pool.queue

    async def scenario() -> None:
        body = {"technique": "interference", "generators": [3, 2]}
        held = [asyncio.ensure_future(api("rhythm", body)) for _ in range(slots)]
        await wait_until_async(lambda: wb.pool.pending == slots, 10, "every slot taken")
        r = await jp_fetch("schillinger", "api", "rhythm", method="POST",
                           body=json.dumps(body), raise_error=False)
        assert r.code == 429, r.body
        assert r.headers["Retry-After"] == "1"
        assert "busy" in json.loads(r.body)["message"]
        gate.open.set()
        for code, _ in await asyncio.gather(*held):
            assert code == 200
        code, _ = await api("rhythm", body)  # slots are free again
        assert code == 200

    run(scenario())


# ----- limits -----------------------------------------------------------------------------
@pytest.mark.parametrize(("path", "body", "trait"), [
    ("rhythm", {"technique": "interference", "generators": [1, 1],
                "options": {"period": 10**6}, "score": True}, "max_rhythm_score_period"),
    ("rhythm", {"technique": "interference", "generators": [1, 1],
                "options": {"period": 10**9}}, "max_rhythm_period"),
    ("scales", {"function": "displacement", "args": {"intervals": [1, 2] * 1001}},
     "max_list_items"),
    ("compose", {"mode": "accompany", "args": {"chords": ["C", "F"] * 200}}, "max_chords"),
    ("compose", {"mode": "accompany", "args": {"chords": ["C", "F"], "repeat": 5000}},
     "max_bars"),
    ("compose", {"mode": "generate_composition", "args": {"duration": 100000}}, "max_bars"),
    ("harmony/analyze", {"chords": [[60, 64, 67]] * 300}, "max_chords"),
    ("render", {"score": {"parts": [{"name": "p", "notes": [[0, 480, 60, 90]] * 200_001}]}},
     "max_notes"),
])
def test_limits_are_413_naming_the_trait(api: Any, run: Any, path: str, body: dict[str, Any],
                                         trait: str) -> None:
    code, answer = run(api(path, body))
    assert code == 413, answer
    assert f"SchillingerApp.{trait}" in answer["message"]


def test_long_scores_are_refused_before_rendering(api: Any, run: Any) -> None:
    far = {"parts": [{"name": "p", "notes": [[10**12, 480, 60, 90]]}]}
    for path, body, trait in [
            ("render", {"score": far}, "max_bars"),
            ("export", {"score": far, "format": "midi", "path": "far.mid"}, "max_bars"),
            ("transport", {"action": "load", "score": far}, "max_bars")]:
        code, answer = run(api(path, body))
        assert code == 413, (path, answer)
        assert f"SchillingerApp.{trait}" in answer["message"]


def test_body_limit(api: Any, run: Any) -> None:
    raw = json.dumps({"technique": "interference", "generators": [3, 2],
                      "pad": "x" * (Limits.body_bytes + 10)}).encode()
    code, answer = run(api("rhythm", raw=raw, method="POST"))
    assert code == 413 and "SchillingerApp.max_body_bytes" in answer["message"]


@pytest.fixture
def jp_server_config(jp_server_config: dict[str, Any]) -> dict[str, Any]:
    # small limits so the tests send small requests; pings every second
    jp_server_config["SchillingerApp"].update(
        {"max_ws_message_bytes": 2000, "action_workers": 1, "action_queue": 2,
         "max_ws_send_queue_bytes": 1_000_000, "process_workers": 1})
    jp_server_config["ServerApp"]["websocket_ping_interval"] = 1
    return jp_server_config


def test_configured_limits_reach_the_doors(jp_ws_fetch: Any, wb: Any, run: Any) -> None:
    assert wb.settings.limits.ws_message_bytes == 2000

    async def scenario() -> None:
        ws = await jp_ws_fetch("schillinger", "api", "ws")
        try:
            assert json.loads(await ws.read_message())["type"] == "hello"
            ws.write_message(json.dumps({"type": "heartbeat", "pad": "x" * 3000}))
            msg = json.loads(await asyncio.wait_for(ws.read_message(), 10))
            assert msg["type"] == "error" and msg["status"] == 413
            assert "max_ws_message_bytes" in msg["message"]
            ws.write_message(json.dumps({"type": "heartbeat", "id": 1}))  # still open
            assert json.loads(await asyncio.wait_for(ws.read_message(), 10))["id"] == 1
        finally:
            ws.close()

    run(scenario())


# ----- jobs: bounded per user, results on disk and expired, nothing held after failures ------
def test_jobs_per_user_and_overall_bounds() -> None:
    gate = threading.Event()
    jm = JobManager(max_workers=1, max_queue=2, per_user=2)
    try:
        held = [jm.submit("slow", lambda rep: gate.wait(20) and {}, owner="ann")
                for _ in range(2)]
        with pytest.raises(Busy, match=r"SchillingerApp\.job_user_queue") as info:
            jm.submit("slow", lambda rep: {}, owner="ann")
        assert map_error(info.value).status == 429
        jm.submit("slow", lambda rep: gate.wait(20) and {}, owner="bob")  # another user: fine
        with pytest.raises(Busy, match=r"SchillingerApp\.job_workers, job_queue"):
            jm.submit("slow", lambda rep: {}, owner="cy")  # 3 of 1 + 2: the server is full
        gate.set()
        for job in held:
            job.future.result(10)
        assert jm.submit("again", lambda rep: {"ok": 1}, owner="ann").future.result(10) is None
    finally:
        gate.set()
        jm.shutdown()


def test_job_results_live_on_disk_and_expire(tmp_path: Path) -> None:
    jm = JobManager(max_workers=1, results_dir=tmp_path / "jobs", ttl=60.0)
    try:
        job = jm.submit("demo", lambda rep: {"notes": list(range(1000))})
        assert job.future.result(10) is None  # the future holds nothing
        assert jm.results_dir.parent == tmp_path / "jobs"
        assert (jm.results_dir.stat().st_mode & 0o777) == 0o700
        files = list(jm.results_dir.iterdir())
        assert [f.name for f in files] == [f"{job.id}.json"]
        assert job_outcome(job)["notes"][-1] == 999
        assert jm.expire(now=time.time() + 30) == 0  # not yet
        assert jm.expire(now=time.time() + 61) == 1
        assert job.expired and job.result is None  # at once; the file goes off the loop
        wait_until(lambda: not list(jm.results_dir.iterdir()), 30, "the result file deleted")
        with pytest.raises(NotFound, match="expired"):
            job_outcome(job)
    finally:
        jm.shutdown()
    assert not jm.results_dir.exists()


def test_a_failed_job_holds_no_arrays() -> None:
    jm = JobManager(max_workers=1)
    refs: list[Any] = []

    def work(rep: Any) -> Any:
        big = np.ones(4_000_000)  # 32 MB that the failure's frames would keep alive
        refs.append(weakref.ref(big))
        raise MemoryError()

    try:
        job = jm.submit("fail", work)
        with pytest.raises(MemoryError):
            job.future.result(10)
        wait_until(lambda: job.finished is not None, 10, "the job to end")
        gc.collect()
        assert refs and refs[0]() is None, "the failed job still holds its array"
        assert job.status == "error" and job.answer is not None and job.answer.status == 413
        with pytest.raises(Exception) as info:
            job_outcome(job)
        assert map_error(info.value) == job.answer
        assert isinstance(TooLarge("x"), ValueError)
    finally:
        jm.shutdown()


def test_abandoned_jobs_are_cancelled_unless_someone_else_waits(run: Any) -> None:
    jm = JobManager(max_workers=2, max_queue=2)
    gate = threading.Event()

    def slow(rep: Any) -> dict[str, Any]:
        while not gate.is_set():
            rep.report(0.5, "working")  # raises Cancelled once cancelled
            gate.wait(0.01)
        return {}

    async def scenario() -> None:
        jm.bind_loop(asyncio.get_running_loop())
        alone, shared, polled = (jm.submit("a", slow), jm.submit("b", slow),
                                 jm.submit("c", slow, detached=True))
        a, b = object(), object()
        waits = [asyncio.ensure_future(jm.wait(alone, a)),
                 asyncio.ensure_future(jm.wait(shared, a)),
                 asyncio.ensure_future(jm.wait(shared, b)),
                 asyncio.ensure_future(jm.wait(polled, a))]
        await wait_until_async(lambda: a in alone.waiters and b in shared.waiters, 10,
                               "the waits to register")
        assert jm.abandon(a) == (alone,)
        await waits[0]
        assert alone.status == "cancelled"
        assert shared.status in ("queued", "running") and polled.status != "cancelled"
        gate.set()
        await asyncio.gather(*waits)
        assert shared.status == "done" and polled.status == "done"

    try:
        run(scenario())
    finally:
        gate.set()
        jm.shutdown()


def test_closing_the_websocket_cancels_its_export(jp_ws_fetch: Any, wb: Any, run: Any,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  jp_root_dir: Path) -> None:
    def endless(ctx: Any, score: Any, fmt: str, path: str, rate: int, progress: Any,
                *a: Any, **kw: Any) -> dict[str, Any]:
        while True:  # a render that reports progress until it is cancelled
            progress(0.5, "rendering")
            threading.Event().wait(0.01)  # a slice of work between reports

    monkeypatch.setattr(actions, "_write", endless)

    async def scenario() -> None:
        ws = await jp_ws_fetch("schillinger", "api", "ws")
        await ws.read_message()
        ws.write_message(json.dumps({"type": "generate", "endpoint": "export", "format": "midi",
                                     "path": "never.mid", "score": {"parts": [
                                         {"name": "p", "notes": [[0, 480, 60, 90]]}]}}))
        job = await wait_until_async(
            lambda: next((j for j in wb.jobs._jobs.values() if j.kind == "export"
                          and j.status == "running"), None), 20, "the export to run")
        ws.close()
        await wait_until_async(lambda: job.status == "cancelled", 20, "the export cancelled")

    run(scenario())
    assert not (jp_root_dir / "never.mid").exists()


# ----- WebSocket hygiene: keep-alive pings, slow readers dropped -----------------------------
async def raw_ws(port: int, base_url: str, auth: dict[str, str]) -> tuple[Any, Any]:
    """A WebSocket client that upgrades and then never reads (a tiny receive buffer)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.setblocking(False)
    await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", port))
    reader, writer = await asyncio.open_connection(sock=sock)
    key = "".join(f"{b:02x}" for b in os.urandom(8))
    head = (f"GET {base_url}schillinger/api/ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
            f"Sec-WebSocket-Key: {key}==\r\n"
            + "".join(f"{k}: {v}\r\n" for k, v in auth.items()) + "\r\n")
    writer.write(head.encode())
    status = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
    assert status.startswith(b"HTTP/1.1 101"), status
    return reader, writer


def test_keepalive_pings_drop_a_silent_client(wb: Any, run: Any, jp_http_port: int,
                                              jp_base_url: str, jp_auth_header: Any,
                                              http_server_client: Any) -> None:
    async def scenario() -> None:
        _reader, writer = await raw_ws(jp_http_port, jp_base_url, dict(jp_auth_header))
        await wait_until_async(lambda: len(wb.hub.clients) == 1, 10, "the client registered")
        conn = next(iter(wb.hub.clients.values()))
        assert (conn.ping_interval, conn.ping_timeout) == (1.0, 1.0)
        # it never answers a ping: closed by the keep-alive, and forgotten
        await wait_until_async(lambda: not wb.hub.clients, 30, "the silent client dropped")
        writer.close()

    run(scenario())


def test_ping_interval_is_in_seconds_by_default() -> None:
    from schillinger_kernel.server.ws import SessionSocket

    class Fake:
        def __init__(self, settings: dict[str, Any]) -> None:
            self.settings = settings

    interval = SessionSocket.ping_interval.fget  # type: ignore[attr-defined]
    assert interval(Fake({})) == 30.0  # Jupyter's 30,000 ms, in tornado's seconds
    assert interval(Fake({"ws_ping_interval": 5000})) == 5.0
    assert interval(Fake({"websocket_ping_interval": 2})) == 2.0


def test_a_reader_that_stops_is_dropped_after_the_send_limit(
        wb: Any, run: Any, jp_http_port: int, jp_base_url: str, jp_auth_header: Any,
        jp_ws_fetch: Any, http_server_client: Any) -> None:
    async def scenario() -> None:
        _reader, writer = await raw_ws(jp_http_port, jp_base_url, dict(jp_auth_header))
        good = await jp_ws_fetch("schillinger", "api", "ws")
        await good.read_message()
        await wait_until_async(lambda: len(wb.hub.clients) == 2, 10, "both registered")
        stalled = next(c for c in wb.hub.clients.values() if c.ws_connection.stream.socket
                       .getpeername()[1] == writer.get_extra_info("sockname")[1])
        reader = next(c for c in wb.hub.clients.values() if c is not stalled)
        ids = list(wb.hub.clients)
        blob = "z" * 100_000
        sent, rounds = 2, 0
        # up to 30 MB: the kernel's socket buffers take a few MB, then the stream queues
        while sent == 2 and rounds < 300:
            sent = wb.hub.broadcast(ids, {"type": "bulk", "k": rounds, "blob": blob})
            rounds += 1
            await wait_until_async(lambda: queued_bytes(reader.ws_connection.stream) == 0,
                                   20, "the reading client to take its copy")
        assert stalled.client_id not in wb.hub.clients and sent == 1
        assert wb.hub.stats()["dropped_slow"] == 1
        for k in range(rounds):  # the reading client got everything, in order
            msg = json.loads(await asyncio.wait_for(good.read_message(), 20))
            assert msg["k"] == k
        good.close()
        writer.close()

    run(scenario())


def test_large_sessions_announce_joins_without_the_whole_roster(
        jp_ws_fetch: Any, wb: Any, run: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from schillinger_kernel.server import ws as ws_module

    monkeypatch.setattr(ws_module, "PRESENCE_LIST_MAX", 2)

    async def scenario() -> None:
        conns = []
        for _ in range(3):
            c = await jp_ws_fetch("schillinger", "api", "ws")
            await c.read_message()
            c.write_message(json.dumps({"type": "join", "session": "big"}))
            # joined before the next one joins: joins on different connections have no order
            # of their own (each may wait for the store)
            while json.loads(await asyncio.wait_for(c.read_message(), 10))["type"] != "joined":
                pass
            conns.append(c)
        seen: list[tuple[int, bool]] = []
        while len(seen) < 2:  # the first member hears two joins: 2 members, then 3
            msg = json.loads(await asyncio.wait_for(conns[0].read_message(), 10))
            if msg["type"] == "presence":
                seen.append((msg["count"], msg["members"] is None))
        assert seen == [(2, False), (3, True)]
        conns[0].write_message(json.dumps({"type": "presence", "id": "list"}))
        while (msg := json.loads(await asyncio.wait_for(conns[0].read_message(), 10))).get(
                "id") != "list":
            pass
        assert len(msg["members"]) == 3  # asked for: the full list
        for c in conns:
            c.close()

    run(scenario())


def test_a_childs_answer_reaches_rest_as_the_text_it_wrote(wb: Any, run: Any) -> None:
    """REST sends the child's JSON text as it is (never unpickled as a tree and written
    again on the server); the other doors get the same answer as data."""
    from schillinger_kernel.server.payload import JsonText

    text = run(wb.run_action_text("rhythm", HEAVY))
    assert isinstance(text, JsonText)
    data = run(wb.run_action("rhythm", HEAVY))
    assert isinstance(data, dict) and json.loads(text) == data
    assert len(data["score"]["parts"][0]["notes"]) == 20000
    job_text = run(wb.run_action_text("compose", {"mode": "generate_composition",
                                                  "args": {"duration": 2}}))
    assert isinstance(job_text, JsonText) and json.loads(job_text)["score"]["parts"]

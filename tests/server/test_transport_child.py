"""A large transport ``load`` is read in a child process, not in the server (issue 18).

Its JSON parse is one C call that holds the interpreter lock for as long as it takes: in a
thread of the server it stalled ``GET /status`` 60-95 ms for a 100,000-note score. The test
holds the one child busy on a named pipe (no sleeps, no timing): the load waits for the
*process*, ``/status`` answers meanwhile, and the score is swapped in only after the gate
opens; a load sent over the WebSocket goes the same way, and a bad one answers the REST
error under its ``id`` on a connection that stays open. Also: the server lowers the GIL switch
interval and freezes its start-up heap only while it runs.
"""

from __future__ import annotations

import asyncio
import gc
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers import release, wait_until_async
from jupyter_server.auth import Authorizer

from schillinger_kernel import Score
from schillinger_kernel.server.interpreter import GIL_SWITCH_S
from schillinger_kernel.server.loading import CHILD_READ_BYTES
from schillinger_kernel.server.workbench import Settings, Workbench

NOTES = 2000
#: large by its metadata (any JSON is kept there), so the schema check of the notes is short
SCORE = {"title": "big", "metadata": {"pad": "x" * CHILD_READ_BYTES}, "parts": [
    {"name": "p", "notes": [[(k // 4) * 240, 240, 40 + k % 40, 90] for k in range(NOTES)]}]}


class ReadOnly(Authorizer):
    """Allows ``read`` only (a read-only share)."""

    def is_authorized(self, handler: Any, user: Any, action: str, resource: str) -> bool:
        return action == "read"


@pytest.fixture
def read_only() -> bool:
    """Asked for by a test: its server's Authorizer allows reading only."""
    return True


@pytest.fixture
def jp_server_config(jp_server_config: dict[str, Any], request: Any) -> dict[str, Any]:
    jp_server_config["SchillingerApp"]["process_workers"] = 1  # the gate holds all of them
    if "read_only" in request.fixturenames:
        jp_server_config["ServerApp"]["authorizer_class"] = ReadOnly
    return jp_server_config


def test_a_large_load_waits_for_a_process_while_status_answers(
        api: Callable[..., Any], wb: Any, run: Callable[[Any], Any], gate: Path) -> None:
    raw = json.dumps({"action": "load", "score": SCORE}).encode()
    assert len(raw) >= CHILD_READ_BYTES
    procs = wb.ctx.procs
    assert procs is not None and procs.workers == 1

    async def scenario() -> None:
        held = procs.submit(Path.read_bytes, gate)
        load = asyncio.ensure_future(api("transport", raw=raw, method="POST", timeout=120))
        await wait_until_async(lambda: procs.pending == 2, 30, "the load handed to a process")
        code, body = await api("status")
        assert code == 200 and body["score"] is None  # not read yet: its process is held
        assert not load.done()
        await asyncio.get_running_loop().run_in_executor(None, release, gate)
        code, state = await load
        assert code == 200, state
        assert state["length_beats"] == (NOTES // 4 - 1) * 0.5 + 0.5
        assert held.result() == b""

    run(scenario())
    assert wb.score == Score.from_dict(SCORE)


#: Large loads the child refuses, the status and words of the answer (REST and WebSocket alike).
BAD_LOADS = [
    ({**SCORE, "parts": [{"name": "p", "notes": [[0, 480, 999, 90]]}]},
     400, "greater than the maximum of 127"),
    ({**SCORE, "title": 5}, 400, "score"),
    ({**SCORE, "parts": [{"name": "p", "notes": [[0, 480 * 4 * 2000, 60, 90]]}]},
     413, "SchillingerApp.max_"),
]


@pytest.mark.parametrize(("score", "status", "words"), BAD_LOADS)
def test_a_large_bad_load_is_a_400_from_the_child(
        api: Callable[..., Any], run: Callable[[Any], Any], wb: Any,
        score: dict[str, Any], status: int, words: str) -> None:
    raw = json.dumps({"action": "load", "score": score}).encode()
    assert len(raw) >= CHILD_READ_BYTES
    code, answer = run(api("transport", raw=raw, method="POST", timeout=120))
    assert code == status and words in answer["message"], answer
    assert wb.score is None


async def ws_connect(jp_ws_fetch: Any) -> Any:
    ws = await jp_ws_fetch("schillinger", "api", "ws")
    assert json.loads(await ws.read_message())["type"] == "hello"
    return ws


async def ws_next(ws: Any, kind: str) -> dict[str, Any]:
    """The next message of type ``kind`` (pushes of other types are skipped)."""
    async with asyncio.timeout(120):
        while True:
            msg = await ws.read_message()
            assert msg is not None, "the server closed the connection"
            data: dict[str, Any] = json.loads(msg)
            if data["type"] == kind:
                return data


def test_a_large_websocket_load_waits_for_a_process_while_status_answers(
        jp_ws_fetch: Any, api: Callable[..., Any], wb: Any, run: Callable[[Any], Any],
        gate: Path) -> None:
    text = json.dumps({"type": "transport", "id": "big", "action": "load", "score": SCORE})
    assert len(text) >= CHILD_READ_BYTES
    procs = wb.ctx.procs

    async def scenario() -> None:
        ws = await ws_connect(jp_ws_fetch)
        held = procs.submit(Path.read_bytes, gate)
        await ws.write_message(text)
        await wait_until_async(lambda: procs.pending == 2, 30, "the load handed to a process")
        code, body = await api("status")
        assert code == 200 and body["score"] is None  # not read yet: its process is held
        await asyncio.get_running_loop().run_in_executor(None, release, gate)
        answer = await ws_next(ws, "transport")
        assert answer["id"] == "big"
        assert answer["state"]["length_beats"] == (NOTES // 4 - 1) * 0.5 + 0.5
        assert held.result() == b""
        ws.close()

    run(scenario())
    assert wb.score == Score.from_dict(SCORE)
    assert procs.pending == 0


@pytest.mark.parametrize(("score", "status", "words"), [
    *BAD_LOADS, (None, 400, "pad: Extra inputs are not permitted"),
])
def test_a_large_bad_websocket_load_answers_as_rest_and_keeps_the_connection(
        jp_ws_fetch: Any, api: Callable[..., Any], wb: Any, run: Callable[[Any], Any],
        gate: Path, score: dict[str, Any] | None, status: int, words: str) -> None:
    # None: large by a field the request does not have (refused by its schema, pydantic)
    body = {"action": "load", "score": score} if score is not None else {
        "action": "load", "score": SCORE, "pad": "x"}
    procs = wb.ctx.procs

    async def scenario() -> None:
        rest_code, rest = await api("transport", raw=json.dumps(body).encode(), method="POST",
                                    timeout=120)
        assert rest_code == status and words in rest["message"], rest
        ws = await ws_connect(jp_ws_fetch)
        held = procs.submit(Path.read_bytes, gate)
        await ws.write_message(json.dumps({"type": "transport", "id": 9, **body}))
        await wait_until_async(lambda: procs.pending == 2, 30, "the load handed to a process")
        await asyncio.get_running_loop().run_in_executor(None, release, gate)
        err = await ws_next(ws, "error")
        assert (err["id"], err["status"], err["message"], err["field"]) == (
            9, rest_code, rest["message"], rest.get("field"))
        assert held.result() == b""
        await ws.write_message(json.dumps({"type": "transport", "id": "g", "action": "get"}))
        assert (await ws_next(ws, "transport"))["id"] == "g"  # the connection is kept
        ws.close()

    run(scenario())
    assert wb.score is None


def test_a_large_websocket_load_of_a_read_only_user_is_refused_before_any_process(
        jp_ws_fetch: Any, wb: Any, run: Callable[[Any], Any], gate: Path,
        read_only: bool) -> None:
    text = json.dumps({"type": "transport", "id": 3, "action": "load", "score": SCORE})
    procs = wb.ctx.procs

    async def scenario() -> None:
        ws = await ws_connect(jp_ws_fetch)
        held = procs.submit(Path.read_bytes, gate)  # a load handed to the child would wait
        await ws.write_message(text)
        err = await ws_next(ws, "error")
        assert (err["id"], err["status"], err["field"]) == (3, 403, "type"), err
        assert err["message"] == ("not authorized to write schillinger "
                                  "('transport' needs write)")
        assert procs.pending == 1 and not held.done()  # answered while the child is held
        await asyncio.get_running_loop().run_in_executor(None, release, gate)
        assert held.result() == b""
        await ws.write_message(json.dumps({"type": "transport", "id": "g", "action": "get"}))
        assert (await ws_next(ws, "transport"))["id"] == "g"  # reading is allowed
        ws.close()

    run(scenario())
    assert wb.score is None


def test_the_switch_interval_and_the_frozen_heap_last_while_the_server_runs(
        tmp_path: Path) -> None:
    before = sys.getswitchinterval()
    sys.setswitchinterval(0.004)
    frozen = gc.get_freeze_count()
    wb = Workbench(Settings(root_dir=str(tmp_path), osc_enabled=False, audio_output=False,
                            sessions_dir=str(tmp_path / "sessions")))

    async def scenario() -> tuple[float, int]:
        await wb.start()
        during = sys.getswitchinterval(), gc.get_freeze_count()
        await wb.stop()
        return during

    try:
        interval, during = asyncio.run(scenario())
        assert interval == GIL_SWITCH_S and during > frozen
        assert sys.getswitchinterval() == 0.004
        assert gc.get_freeze_count() == frozen
    finally:
        sys.setswitchinterval(before)

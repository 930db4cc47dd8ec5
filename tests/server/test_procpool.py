"""The process pool for pure-Python theory work: bounded, errors crossing as our taxonomy,
renewed after a child dies, and (with a real server) the event loop answering ``/status``
while a compose job waits for or runs in a process.

A child is held busy deterministically by reading a named pipe: it blocks until the test
opens the pipe for writing and closes it, so no test depends on how fast anything runs.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import release, wait_until_async

from schillinger_kernel.errors import Busy, TooLarge
from schillinger_kernel.server.actions import Context, Limits, perform, validate
from schillinger_kernel.server.procpool import CHILD_NICE, ProcessPool


@pytest.fixture
def pool() -> Iterator[ProcessPool]:
    p = ProcessPool(1, 0)
    yield p
    p.shutdown()


def test_a_call_runs_in_another_process(pool: ProcessPool) -> None:
    assert pool.call(os.getpid) != os.getpid()


def test_the_taxonomy_crosses_the_boundary_with_its_field(pool: ProcessPool) -> None:
    ctx = Context("/tmp", "/", limits=Limits(bars=4))
    req = validate("compose", {"mode": "generate_composition", "args": {"duration": 8}})
    with pytest.raises(TooLarge, match=r"SchillingerApp\.max_bars") as info:
        pool.call(perform, "compose", ctx, req)
    assert info.value.field == "args.duration"


def test_a_compose_answer_comes_back_as_json_data(pool: ProcessPool) -> None:
    req = validate("compose", {"mode": "generate_composition", "args": {"duration": 4}})
    answer = pool.call(perform, "compose", Context("/tmp", "/"), req)
    assert answer["score"]["parts"] and answer["score"]["parts"][0]["notes"]


def test_full_pool_refuses_with_busy_then_recovers(pool: ProcessPool, gate: Path) -> None:
    held = pool.submit(Path.read_bytes, gate)
    with pytest.raises(Busy, match="process_workers"):
        pool.submit(sum, [1, 2])
    release(gate)
    assert held.result() == b""
    assert pool.call(sum, [1, 2]) == 3


def test_a_dead_child_fails_its_call_and_the_pool_is_renewed(pool: ProcessPool) -> None:
    with pytest.raises(MemoryError, match="worker process"):
        pool.call(os.abort)
    assert pool.call(sum, [4, 5]) == 9
    assert pool.pending == 0


def test_after_shutdown_calls_are_refused(gate: Path) -> None:
    p = ProcessPool(1, 4)
    assert p.call(sum, [1]) == 1
    p.shutdown()
    with pytest.raises(Exception, match="shutting down"):
        p.submit(sum, [1])


def test_children_run_at_a_lower_cpu_priority(pool: ProcessPool) -> None:
    # when every core runs theory work, the server's event loop must still win a core
    assert pool.call(os.nice, 0) == min(19, os.nice(0) + CHILD_NICE)


# ----- with a real Jupyter server -----------------------------------------------------------
@pytest.fixture
def jp_server_config(jp_server_config: dict[str, Any]) -> dict[str, Any]:
    # one process: the gate holds it, so the compose job deterministically waits behind it
    jp_server_config["SchillingerApp"]["process_workers"] = 1
    return jp_server_config


def test_status_answers_while_a_compose_job_waits_for_a_process(
        api: Callable[..., Any], wb: Any, run: Callable[[Any], Any], gate: Path) -> None:
    procs = wb.ctx.procs
    assert procs is not None and procs.workers == 1

    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        held = procs.submit(Path.read_bytes, gate)
        compose = asyncio.ensure_future(api("compose", {"mode": "generate_composition",
                                                        "args": {"duration": 32}}))
        # the compose job's call is in the process pool, behind the gate
        await wait_until_async(lambda: procs.pending == 2, 30, "compose handed to a process")
        status, body = await api("status")
        assert status == 200 and body["version"]
        assert not compose.done()  # it cannot have finished: its process is held by the gate
        await loop.run_in_executor(None, release, gate)
        code, answer = await compose
        assert code == 200, answer
        assert answer["score"]["parts"]
        assert held.result() == b""

    run(scenario())


@pytest.mark.parametrize("score", [True, False])  # a child's JSON text; data written here
def test_websocket_generate_answers_what_rest_answers(
        api: Callable[..., Any], jp_ws_fetch: Any, run: Callable[[Any], Any],
        score: bool) -> None:
    body = {"technique": "interference", "generators": [4, 3], "score": score}
    msg_id = {"n": [1, "x\u00e9\""]}  # any JSON the client chose comes back as it was

    async def scenario() -> None:
        code, rest = await api("rhythm", body, timeout=120)
        assert code == 200, rest
        ws = await jp_ws_fetch("schillinger", "api", "ws")
        assert json.loads(await ws.read_message())["type"] == "hello"
        ws.write_message(json.dumps({"type": "generate", "id": msg_id, "endpoint": "rhythm",
                                     **body}))
        while (msg := json.loads(await ws.read_message()))["type"] == "progress":
            assert msg["id"] == msg_id
        ws.close()
        assert msg == {"type": "result", "id": msg_id, "result": rest}
        assert ("score" in rest) is score

    run(scenario())


def test_long_websocket_messages_are_checked_and_answered_in_order(
        jp_ws_fetch: Any, wb: Any, run: Any) -> None:
    from schillinger_kernel.server.ws import PARSE_INLINE_CHARS

    pad = "x" * (2 * PARSE_INLINE_CHARS)  # parsed in the worker pool, not on the loop
    deep = "[" * 200 + "]" * 200

    async def scenario() -> None:
        ws = await jp_ws_fetch("schillinger", "api", "ws")
        assert json.loads(await ws.read_message())["type"] == "hello"
        ws.write_message(f'{{"type": "heartbeat", "id": 0, "pad": "{pad}"}}')
        ws.write_message(f'{{"type": "heartbeat", "id": 1, "pad": {deep}, "more": "{pad}"}}')
        ws.write_message('{"type": "heartbeat", "id": 2}')
        answers = [json.loads(await ws.read_message()) for _ in range(3)]
        ws.close()
        assert [a.get("id") for a in answers] == [0, None, 2]  # the messages' own order
        assert answers[0]["type"] == answers[2]["type"] == "heartbeat"
        assert answers[1]["type"] == "error" and answers[1]["status"] == 400
        assert "nests 201 levels" in answers[1]["message"]  # the message is one more

    run(scenario())


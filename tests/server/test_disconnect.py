"""A client that hangs up stops the process-pool work it was waiting for (issue 18).

``POST rhythm`` with a score is not a job: its worker thread waits on a child process. When
the connection closes (tornado's ``on_connection_close``), that child is ended and the pool's
slot freed; a call still waiting for a child is dropped; a WebSocket ``generate`` the same
when the socket closes. The child is held deterministically by stopping it (SIGSTOP) before
the request: it takes the call but cannot answer, so only the disconnect can free the slot.
Conditions are waited on, never durations.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import wait_until_async

RHYTHM = {"technique": "interference", "generators": [3, 2], "score": True}


@pytest.fixture
def jp_server_config(jp_server_config: dict[str, Any]) -> dict[str, Any]:
    jp_server_config["SchillingerApp"].update({"process_workers": 1, "process_queue": 4})
    return jp_server_config


def gone(pid: int) -> bool:
    """Whether process ``pid`` has ended (or is a zombie nobody reaped yet)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


@pytest.fixture
def fifo(tmp_path: Path) -> Iterator[Path]:
    """A named pipe nobody writes: reading it holds a child until the call is stopped."""
    path = tmp_path / "never"
    os.mkfifo(path)
    yield path
    with contextlib.suppress(OSError):
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))


async def post_and_keep_open(port: int, base_url: str, auth: dict[str, str], path: str,
                             body: dict[str, Any]) -> asyncio.StreamWriter:
    """Send ``POST path`` on a raw connection and return it unread: the caller hangs up."""
    _, writer = await asyncio.open_connection("127.0.0.1", port)
    data = json.dumps(body).encode()
    head = "".join(f"{k}: {v}\r\n" for k, v in auth.items())
    writer.write(f"POST {base_url.rstrip('/')}/schillinger/api/{path} HTTP/1.1\r\n"
                 f"Host: 127.0.0.1:{port}\r\n{head}Content-Type: application/json\r\n"
                 f"Content-Length: {len(data)}\r\n\r\n".encode() + data)
    await writer.drain()
    return writer


def test_hanging_up_ends_the_child_of_a_rest_rhythm_and_frees_its_slot(
        api: Callable[..., Any], wb: Any, run: Callable[[Any], Any], jp_http_port: int,
        jp_base_url: str, jp_auth_header: dict[str, str]) -> None:
    procs = wb.ctx.procs
    assert procs is not None and procs.workers == 1

    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        child = await loop.run_in_executor(None, procs.call, os.getpid)
        os.kill(child, signal.SIGSTOP)  # takes the next call, never answers it
        try:
            conn = await post_and_keep_open(jp_http_port, jp_base_url, jp_auth_header,
                                            "rhythm", RHYTHM)
            await wait_until_async(lambda: procs.running == 1, 30, "the rhythm in the child")
            assert wb.pool.pending == 1  # a worker thread waits on the child
            code, _ = await api("status")  # the loop is free meanwhile
            assert code == 200
            conn.close()
            await wait_until_async(lambda: gone(child), 30, "the child ended")
            await wait_until_async(lambda: procs.pending == 0 and wb.pool.pending == 0, 30,
                                   "the process slot and the worker thread freed")
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGCONT)
        code, body = await api("rhythm", RHYTHM, timeout=120)  # a fresh child serves
        assert code == 200, body
        assert body["period"] == 6 and body["score"]["parts"]

    run(scenario())


def test_hanging_up_drops_a_rest_call_waiting_for_a_child(
        api: Callable[..., Any], wb: Any, run: Callable[[Any], Any], jp_http_port: int,
        jp_base_url: str, jp_auth_header: dict[str, str], fifo: Path) -> None:
    procs = wb.ctx.procs

    async def scenario() -> None:
        held = procs.submit(Path.read_bytes, fifo)  # the one child, busy until stopped
        await wait_until_async(lambda: procs.running == 1, 30, "the child held")
        conn = await post_and_keep_open(jp_http_port, jp_base_url, jp_auth_header,
                                        "harmony/cycle", {"score": True})
        await wait_until_async(lambda: procs.pending == 2, 30, "the cycle waiting")
        conn.close()
        await wait_until_async(lambda: procs.pending == 1 and wb.pool.pending == 0, 30,
                               "the waiting call dropped and its thread freed")
        assert procs.running == 1 and not held.done()  # the other call is untouched
        assert procs.stop(held)
        await wait_until_async(lambda: procs.pending == 0, 30, "the pool empty")

    run(scenario())


def test_closing_the_websocket_ends_the_child_of_its_rhythm(
        jp_ws_fetch: Any, wb: Any, run: Callable[[Any], Any]) -> None:
    procs = wb.ctx.procs

    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        child = await loop.run_in_executor(None, procs.call, os.getpid)
        os.kill(child, signal.SIGSTOP)
        try:
            ws = await jp_ws_fetch("schillinger", "api", "ws")
            assert json.loads(await ws.read_message())["type"] == "hello"
            ws.write_message(json.dumps({"type": "generate", "id": "r", "endpoint": "rhythm",
                                         **RHYTHM}))
            await wait_until_async(lambda: procs.running == 1, 30, "the rhythm in the child")
            ws.close()
            await wait_until_async(lambda: gone(child), 30, "the child ended")
            await wait_until_async(lambda: procs.pending == 0 and wb.pool.pending == 0, 30,
                                   "the process slot and the worker thread freed")
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGCONT)

    run(scenario())


def test_a_client_that_stays_gets_its_answer(api: Callable[..., Any],
                                             run: Callable[[Any], Any]) -> None:
    code, body = run(api("rhythm", RHYTHM, timeout=120))
    assert code == 200, body
    assert body["durations"] == [2, 1, 1, 2]

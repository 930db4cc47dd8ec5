"""Stopping a job stops the work it waits for in a child process and frees its slot (issue 18).

A child is held busy deterministically by reading a named pipe that is never written: only
stopping the call can end it. So "the child was ended" is shown by its process id going away,
and "the slot was freed" by the pool's counts and by the next call being served, never by a
duration.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import wait_until, wait_until_async

from schillinger_kernel.errors import Busy, Cancelled
from schillinger_kernel.server.jobs import JobManager
from schillinger_kernel.server.procpool import ProcessPool
from schillinger_kernel.server.stopping import StopSignal


@pytest.fixture
def fifo(tmp_path: Path) -> Iterator[Path]:
    """A named pipe nobody writes: ``Path.read_bytes`` on it blocks until its reader ends."""
    path = tmp_path / "never"
    os.mkfifo(path)
    yield path
    with contextlib.suppress(OSError):  # a reader left over: let it go
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))


@pytest.fixture
def pool() -> Iterator[ProcessPool]:
    p = ProcessPool(1, 1)
    yield p
    p.shutdown()


def gone(pid: int) -> bool:
    """Whether process ``pid`` has ended (or is a zombie nobody reaped yet)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def test_stop_ends_the_running_child_and_drops_the_waiting_call(pool: ProcessPool,
                                                                 fifo: Path) -> None:
    child = pool.call(os.getpid)  # the one child, kept for the next call
    running = pool.submit(Path.read_bytes, fifo)
    wait_until(lambda: pool.running == 1, 30, "the child to take the call")
    waiting = pool.submit(sum, [1, 2])
    with pytest.raises(Busy):  # one running, one waiting: full
        pool.submit(sum, [3])
    assert pool.stop(waiting) and waiting.cancelled()
    assert pool.stop(running)
    with pytest.raises(Cancelled, match="stopped"):
        running.result(30)
    wait_until(lambda: gone(child), 30, "the stopped child to end")
    assert pool.pending == 0 and pool.running == 0
    assert pool.call(sum, [4, 5]) == 9  # served by a fresh child
    assert pool.call(os.getpid) != child
    assert not pool.stop(running)  # over: nothing to stop


def test_a_cancelled_job_ends_its_child(pool: ProcessPool, fifo: Path) -> None:
    jm = JobManager(max_workers=1, max_queue=2, per_user=1)
    child = pool.call(os.getpid)
    try:
        job = jm.submit("hold", lambda rep: pool.call(Path.read_bytes, fifo), owner="ann")
        wait_until(lambda: pool.running == 1, 30, "the job's call to run in the child")
        with pytest.raises(Busy, match="job_user_queue"):  # ann's one slot is taken
            jm.submit("more", lambda rep: {}, owner="ann")
        jm.cancel(job.id)
        with pytest.raises(Cancelled):
            job.future.result(30)
        assert job.status == "cancelled"
        wait_until(lambda: gone(child), 30, "the child to end")
        assert pool.pending == 0
        again = jm.submit("more", lambda rep: {"sum": pool.call(sum, [2, 3])}, owner="ann")
        assert again.future.result(60) is None and again.result == {"sum": 5}
    finally:
        jm.shutdown()


def test_a_signal_set_before_the_call_stops_it_at_once(pool: ProcessPool) -> None:
    from schillinger_kernel.server.stopping import running_under

    signal = StopSignal()
    signal.set()
    with running_under(signal), pytest.raises(Cancelled):
        pool.call(sum, [1])
    wait_until(lambda: pool.pending == 0, 30, "the slot to be freed")
    assert pool.call(sum, [1]) == 1


def test_signal_callbacks_run_once_and_can_be_discarded() -> None:
    signal, seen = StopSignal(), list[str]()
    kept = signal.on_set(lambda: seen.append("kept"))
    dropped = signal.on_set(lambda: seen.append("dropped"))
    signal.discard(dropped)
    assert kept is not None and not signal.wait(0)
    done = threading.Event()

    def stop_from_another_thread() -> None:
        signal.set()
        done.set()

    threading.Thread(target=stop_from_another_thread).start()
    assert done.wait(10) and signal.is_set()
    signal.set()  # again: nothing more
    assert seen == ["kept"]


# ----- with a real Jupyter server -----------------------------------------------------------
@pytest.fixture
def jp_server_config(jp_server_config: dict[str, Any]) -> dict[str, Any]:
    jp_server_config["SchillingerApp"].update({"process_workers": 1, "process_queue": 4})
    return jp_server_config


def test_deleting_a_job_over_rest_ends_its_child_and_frees_the_pool(
        api: Callable[..., Any], wb: Any, run: Callable[[Any], Any], fifo: Path) -> None:
    procs = wb.ctx.procs
    assert procs is not None and procs.workers == 1

    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        child = await loop.run_in_executor(None, procs.call, os.getpid)
        job = wb.jobs.submit("hold", lambda rep: procs.call(Path.read_bytes, fifo),
                             owner="ann")
        await wait_until_async(lambda: procs.running == 1, 30, "the job running in the child")
        code, body = await api("status")  # the loop is free meanwhile
        assert code == 200
        code, body = await api(f"jobs/{job.id}", method="DELETE")
        assert code == 200, body
        await wait_until_async(lambda: job.status == "cancelled", 30, "the job cancelled")
        await wait_until_async(lambda: gone(child), 30, "its child ended")
        assert procs.pending == 0
        code, body = await api(f"jobs/{job.id}")
        assert code == 200 and body["status"] == "cancelled"
        # the one process slot is free: a compose is served (by a fresh child)
        code, body = await api("compose", {"mode": "generate_composition",
                                           "args": {"duration": 2}}, timeout=120)
        assert code == 200, body
        assert body["score"]["parts"]

    run(scenario())


def test_closing_the_websocket_drops_its_compose_waiting_for_a_process(
        jp_ws_fetch: Any, wb: Any, run: Callable[[Any], Any], fifo: Path) -> None:
    procs = wb.ctx.procs

    async def scenario() -> None:
        held = procs.submit(Path.read_bytes, fifo)
        await wait_until_async(lambda: procs.running == 1, 30, "the child held")
        ws = await jp_ws_fetch("schillinger", "api", "ws")
        assert json.loads(await ws.read_message())["type"] == "hello"
        ws.write_message(json.dumps({"type": "generate", "id": "c", "endpoint": "compose",
                                     "mode": "generate_composition",
                                     "args": {"duration": 8}}))
        await wait_until_async(lambda: procs.pending == 2, 30, "the compose waiting")
        job = next(j for j in wb.jobs._jobs.values() if j.kind == "compose")
        ws.close()
        await wait_until_async(lambda: job.status == "cancelled", 30, "the compose cancelled")
        await wait_until_async(lambda: procs.pending == 1, 30, "its slot freed")
        assert procs.stop(held)
        await wait_until_async(lambda: procs.pending == 0, 30, "the pool empty")

    run(scenario())


@pytest.mark.parametrize(("body", "status", "words"), [
    ({"mode": "generate_composition", "args": {"duration": 10**6}}, 413, "max_bars"),
    ({"mode": "generate_composition", "args": {"nonsense": 1}}, 400, "nonsense"),
    ({"mode": "accompany", "args": {"chords": ["C"] * 10**4}}, 413, "max_chords"),
])
def test_bad_and_huge_compose_requests_are_4xx_with_a_message(
        api: Callable[..., Any], run: Callable[[Any], Any], body: dict[str, Any],
        status: int, words: str) -> None:
    code, answer = run(api("compose", body))
    assert code == status, answer
    assert words in answer["message"] and "/tmp" not in answer["message"]

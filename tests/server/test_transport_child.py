"""A large transport ``load`` is read in a child process, not in the server (issue 18).

Its JSON parse is one C call that holds the interpreter lock for as long as it takes: in a
thread of the server it stalled ``GET /status`` 60-95 ms for a 100,000-note score. The test
holds the one child busy on a named pipe (no sleeps, no timing): the load waits for the
*process*, ``/status`` answers meanwhile, and the score is swapped in only after the gate
opens. Also: the server lowers the GIL switch interval and freezes its start-up heap only
while it runs.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import wait_until_async

from schillinger_kernel import Score
from schillinger_kernel.server.interpreter import GIL_SWITCH_S
from schillinger_kernel.server.loading import CHILD_READ_BYTES
from schillinger_kernel.server.workbench import Settings, Workbench

NOTES = 2000
#: large by its metadata (any JSON is kept there), so the schema check of the notes is short
SCORE = {"title": "big", "metadata": {"pad": "x" * CHILD_READ_BYTES}, "parts": [
    {"name": "p", "notes": [[(k // 4) * 240, 240, 40 + k % 40, 90] for k in range(NOTES)]}]}


@pytest.fixture
def jp_server_config(jp_server_config: dict[str, Any]) -> dict[str, Any]:
    jp_server_config["SchillingerApp"]["process_workers"] = 1  # the gate holds all of them
    return jp_server_config


@pytest.fixture
def gate(tmp_path: Path) -> Iterator[Path]:
    fifo = tmp_path / "gate"
    os.mkfifo(fifo)
    yield fifo


def release(fifo: Path) -> None:
    with open(fifo, "wb"):  # blocks until the child opened it for reading; closing ends it
        pass


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


@pytest.mark.parametrize(("score", "status", "words"), [
    ({**SCORE, "parts": [{"name": "p", "notes": [[0, 480, 999, 90]]}]},
     400, "greater than the maximum of 127"),
    ({**SCORE, "title": 5}, 400, "score"),
    ({**SCORE, "parts": [{"name": "p", "notes": [[0, 480 * 4 * 2000, 60, 90]]}]},
     413, "SchillingerApp.max_"),
])
def test_a_large_bad_load_is_a_400_from_the_child(
        api: Callable[..., Any], run: Callable[[Any], Any], wb: Any,
        score: dict[str, Any], status: int, words: str) -> None:
    raw = json.dumps({"action": "load", "score": score}).encode()
    assert len(raw) >= CHILD_READ_BYTES
    code, answer = run(api("transport", raw=raw, method="POST", timeout=120))
    assert code == status and words in answer["message"], answer
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

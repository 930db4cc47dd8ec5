"""Jobs started over OSC belong to their sender and are bounded per user like REST jobs
(issue 18): an authenticated sender acts as the server's user, every other local sender
shares one owner per IP.

The one child process is held by reading a named pipe, so the first job stays running
while the next requests arrive; nothing depends on how fast anything runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import free_port, wait_until_async

from schillinger_kernel.server.osc_routes import sender_owner, server_identity

PROGRESSION = "/schillinger/harmony/progression"


@pytest.fixture
def jp_server_config(jp_server_config: dict[str, Any]) -> dict[str, Any]:
    jp_server_config["SchillingerApp"].update({"process_workers": 1, "job_user_queue": 1})
    return jp_server_config


@pytest.fixture
def fifo(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "gate"
    os.mkfifo(path)
    yield path
    with contextlib.suppress(OSError):
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))


def release(path: Path) -> None:
    with open(path, "wb"):  # blocks until the child opened it for reading; closing ends it
        pass


def test_owners() -> None:
    assert sender_owner("127.0.0.1", False) == "osc:127.0.0.1"
    assert sender_owner("::1", True) == server_identity() != ""


def test_osc_jobs_are_bounded_per_sender_like_rest_jobs(
        wb: Any, run: Callable[[Any], Any], osc_peer: Any, fifo: Path) -> None:
    procs = wb.ctx.procs
    osc = wb.osc.port

    def jobs_of(owner: str) -> list[Any]:
        return [j for j in wb.jobs._jobs.values()
                if j.kind == "harmony/progression" and j.owner == owner]

    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        held = procs.submit(Path.read_bytes, fifo)
        await wait_until_async(lambda: procs.running == 1, 30, "the child held")
        first, second, trusted = [await osc_peer(free_port(2)) for _ in range(3)]
        # an unauthenticated reader starts a job: its owner is its IP
        first.send(osc, PROGRESSION, "C", 4)
        job = (await wait_until_async(lambda: jobs_of("osc:127.0.0.1"), 30, "the job"))[0]
        assert job.status in ("queued", "running")
        # another socket on the same IP is the same owner: over job_user_queue = 1
        second.send(osc, PROGRESSION, "G", 4)
        address, (where, message, field, status) = await second.next(20)
        assert (address, where, status) == ("/schillinger/error", PROGRESSION, 429)
        assert "SchillingerApp.job_user_queue" in message and field == ""
        # a sender that proved the secret is the server's user: a bound of its own
        trusted.send(osc, "/schillinger/auth", wb.osc.auth.secret)
        assert await trusted.next(20) == ("/schillinger/auth", [1, 3600.0])
        trusted.send(osc, PROGRESSION, "F", 4)
        await wait_until_async(lambda: jobs_of(server_identity()), 30, "the trusted job")
        await loop.run_in_executor(None, release, fifo)
        for peer in (first, trusted):
            address, args = await peer.next(120)
            assert address == PROGRESSION and json.loads(args[0])["key"] in ("C", "F")
        assert held.result() == b""
        assert jobs_of("") == []  # every OSC job had an owner

    run(scenario())


def test_bad_and_huge_osc_requests_answer_4xx(wb: Any, run: Callable[[Any], Any],
                                             osc_peer: Any) -> None:
    async def scenario() -> None:
        peer = await osc_peer(free_port(2))
        for args, status in [(("C", 10**6), 400), (("C", "four"), 400), (("nokey", 4), 400)]:
            peer.send(wb.osc.port, PROGRESSION, *args)
            address, (where, message, _field, code) = await peer.next(20)
            assert (address, where) == ("/schillinger/error", PROGRESSION), message
            assert 400 <= code < 500 and code == status, message
        notes = "/schillinger/rhythm/interference/notes"
        peer.send(wb.osc.port, notes, 100_000, 100_001)  # over the model's bound
        address, (_where, message, _field, code) = await peer.next(20)
        assert code == 400 and "less than or equal to 1000" in message
        peer.send(wb.osc.port, notes, 400, 401)  # a period of 160,400, refused in the child
        address, (_where, message, _field, code) = await peer.next(60)
        assert code == 413 and "SchillingerApp.max_rhythm_score_period" in message

    run(scenario())

"""Helpers shared by the whole suite (``from helpers import ...``; ``tests/`` is on the
import path through ``pythonpath`` in pyproject's pytest section).

* ``free_port(kind)``: a loopback port nobody holds right now (TCP by default, or UDP).
* ``wait_until(pred, timeout, what)``: poll a condition until it holds, with a bounded deadline;
  ``await wait_until_async(...)`` is the same on an event loop (``pred`` may be a coroutine
  function). Tests wait on conditions, never for a fixed time, and assert no durations (speed
  belongs to ``make bench``).
"""

from __future__ import annotations

import asyncio
import inspect
import socket
import subprocess
import time
from collections.abc import Callable
from typing import Any


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    """A port on 127.0.0.1 that nobody holds right now (``socket.SOCK_DGRAM`` for UDP)."""
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(pred: Callable[[], Any], timeout: float, what: str = "the condition",
               interval: float = 0.05) -> Any:
    """Poll ``pred`` every ``interval`` s until it returns something truthy, and return that;
    raise ``AssertionError`` naming ``what`` after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = pred()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


async def wait_until_async(pred: Callable[[], Any], timeout: float,
                           what: str = "the condition", interval: float = 0.05) -> Any:
    """``wait_until`` on an event loop: ``pred`` may return an awaitable; the loop stays free
    between polls."""
    deadline = time.monotonic() + timeout
    while True:
        value = pred()
        if inspect.isawaitable(value):
            value = await value
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await asyncio.sleep(interval)


def authorized(authorizer: Any, *args: Any) -> Any:
    """``authorizer.is_authorized(*args)`` settled as Jupyter's ``ensure_async`` settles it:
    an awaitable answer (one that asks the hub in a thread) is awaited, a plain one returned."""
    answer = authorizer.is_authorized(*args)
    if inspect.isawaitable(answer):
        async def wait() -> Any:
            return await answer
        return asyncio.run(wait())
    return answer


def release(fifo: Any) -> None:
    """Let go of a child process held reading the named pipe ``fifo`` (the server tests'
    ``gate``): opening it for writing blocks until the child has it open; closing ends it."""
    with open(fifo, "wb"):
        pass


def stop(proc: subprocess.Popen[Any], grace: float = 20) -> None:
    """End a child the tests started: ask it to stop (a hub stops what it spawned), and kill
    it if it has not stopped within ``grace`` seconds."""
    proc.terminate()
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)

"""``interpreter.collector_paused``: no cyclic collection while a big score is read (issue 18).

A 100,000-note transport load triggered full collections that held the GIL for 81-236 ms
each, so ``GET /status`` waited up to 191 ms on a quiet machine; with the collector paused
around the read the longest wait was 53-56 ms (``python -m bench.bench_heavy 15``).
"""

from __future__ import annotations

import gc
import threading

import pytest

from schillinger_kernel.server.interpreter import collector_paused


def test_overlapping_blocks_in_threads_keep_it_paused_until_the_last_ends() -> None:
    inside, release = threading.Event(), threading.Event()

    def hold() -> None:
        with collector_paused():
            inside.set()
            release.wait(10)

    t = threading.Thread(target=hold)
    t.start()
    assert inside.wait(10)
    with collector_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()  # the other thread's block still runs
    release.set()
    t.join(10)
    assert gc.isenabled()


def test_an_error_inside_still_turns_it_back_on() -> None:
    with pytest.raises(ValueError, match="bad score"), collector_paused():
        raise ValueError("bad score")
    assert gc.isenabled()

"""The transport ``load`` reads, validates and parses its score off the event loop (issue 18).

The parse is held in its worker thread by a gate the test opens, so "status answered while
the load was parsed" is an ordering of completions, never a timing threshold.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from helpers import wait_until_async

from schillinger_kernel.server import loading

SCORE = {"parts": [{"name": "p", "notes": [[k * 480, 480, 60 + k % 12, 90]
                                           for k in range(2000)]}]}


class Gate:
    def __init__(self) -> None:
        self.open = threading.Event()
        self.threads: list[str] = []

    def wrap(self, fn: Any) -> Any:
        def gated(*args: Any, **kwargs: Any) -> Any:
            self.threads.append(threading.current_thread().name)
            if not self.open.wait(20):  # on the loop this would freeze the server: fail
                raise RuntimeError("the gate was never opened")
            return fn(*args, **kwargs)
        return gated


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[Gate]:
    g = Gate()
    monkeypatch.setattr(loading, "parse_score", g.wrap(loading.parse_score))
    yield g
    g.open.set()


def test_load_parses_in_a_worker_while_status_answers(
        api: Callable[..., Any], wb: Any, run: Callable[[Any], Any], gate: Gate) -> None:
    async def scenario() -> list[str]:
        order: list[str] = []

        async def load() -> Any:
            out = await api("transport", {"action": "load", "score": SCORE})
            order.append("load")
            return out

        task = asyncio.ensure_future(load())
        await wait_until_async(lambda: gate.threads, 10, "the parse to start in a worker")
        code, body = await api("status")
        assert code == 200 and body["score"] is None  # not swapped in yet
        order.append("status")
        code, state = await api("transport")
        assert code == 200 and state["length_beats"] is None
        gate.open.set()
        code, state = await task
        assert code == 200, state
        assert state["length_beats"] == 2000.0
        return order

    assert run(scenario()) == ["status", "load"]
    assert gate.threads and all(t.startswith("sk-action") for t in gate.threads)
    assert wb.score is not None and len(wb.score.parts[0].notes) == 2000


@pytest.mark.parametrize(("body", "status", "words"), [
    ({"action": "load"}, 400, "score is required"),
    ({"action": "load", "score": {"parts": "many"}}, 400, "score"),
    ({"action": "load", "score": {"parts": [{"name": "p", "notes": [[0, 480, 999, 90]]}]}},
     400, "greater than the maximum of 127"),
    ({"action": "load", "score": {"parts": [{"name": "p",
                                             "notes": [[0, 480, 60, 90]] * 200_001}]}},
     413, "SchillingerApp.max_notes"),
    ({"action": "load", "score": {"parts": [{"name": "p", "notes": [[0, 10**9, 60, 90]]}]}},
     413, "SchillingerApp.max_"),
    ({"action": "warp"}, 400, "action"),
])
def test_bad_and_huge_loads_are_4xx_with_a_message(api: Callable[..., Any],
                                                   run: Callable[[Any], Any],
                                                   body: dict[str, Any], status: int,
                                                   words: str) -> None:
    code, answer = run(api("transport", body))
    assert code == status, answer
    assert words in answer["message"] and "Traceback" not in json.dumps(answer)


def test_a_body_over_the_limit_is_413(api: Callable[..., Any], run: Callable[[Any], Any],
                                      wb: Any) -> None:
    raw = json.dumps({"action": "load", "score": SCORE,
                      "pad": "x" * wb.settings.limits.body_bytes}).encode()
    code, answer = run(api("transport", raw=raw, method="POST"))
    assert code == 413 and "SchillingerApp.max_body_bytes" in answer["message"]

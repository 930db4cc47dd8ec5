"""The event loop only routes, and one request cannot ask for unbounded work (issue 18).

Heavy work is held in a worker thread by a gate the test opens, so "status answered while the
action ran" is an ordering of completions, never a timing threshold.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from helpers import wait_until_async

from schillinger_kernel.server import actions
from schillinger_kernel.server.actions import Limits


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


def test_status_answers_while_a_rest_action_runs(api: Any, run: Any, gate: Gate) -> None:
    async def scenario() -> list[str]:
        done: list[str] = []

        async def call(name: str, *a: Any) -> Any:
            out = await api(*a)
            done.append(name)
            return out

        heavy = asyncio.ensure_future(call("rhythm", "rhythm", HEAVY))
        await wait_until_async(lambda: gate.entered, 10, "the rhythm to start in a worker")
        code, st = await call("status", "status")
        assert code == 200 and st["version"]
        code2, _ = await call("transport", "transport")
        assert code2 == 200
        gate.open.set()
        code, body = await heavy
        assert code == 200, body
        assert body["period"] == 20000 and len(body["score"]["parts"][0]["notes"]) == 20000
        return done

    assert run(scenario()) == ["status", "transport", "rhythm"]
    assert all(name.startswith("sk-action") for name in gate.threads)


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
            ws.write_message(json.dumps({"type": "generate", "id": "g", **HEAVY}))
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
    # small limits so the tests send small requests
    jp_server_config["SchillingerApp"].update(
        {"max_ws_message_bytes": 2000, "action_workers": 1, "action_queue": 2})
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

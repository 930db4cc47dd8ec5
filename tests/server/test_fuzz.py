"""Fuzzing every door with a small budget (issue 18); ``bench/bench_fuzz.py`` runs the same
generators with 10,000 inputs per door against a ``jupyter server`` process.

REST requests come from our own ``openapi.json``; WebSocket messages and OSC packets from
the same Hypothesis strategies. Whatever is sent: no HTTP 5xx but 502/503, no error answer of
status 500 on the WebSocket or OSC, no dropped WebSocket connection, the OSC bridge still
answers, no error logged by the server, and no error message names a server path. The inputs are
derandomised (the same on every run); the known cases of the issue are listed on their own.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository's bench/
from bench.bench_fuzz import (
    Tally,
    deep,
    fuzz,
    leaks_path,
    osc_packets,
    prepare_root,
    rest_calls,
    ws_messages,
)
from schillinger_kernel.server.openapi import build_openapi

REST_BUDGET, WS_BUDGET, OSC_BUDGET = 150, 150, 300


@pytest.fixture
def jp_server_config(ports: dict[str, int], tmp_path: Any) -> dict[str, Any]:
    # small work limits: a valid render drawn by the fuzz stays short
    return {
        "ServerApp": {"jpserver_extensions": {"schillinger_kernel.server": True,
                                              "jupyter_server_terminals": False},
                      "allow_unauthenticated_access": False},
        "SchillingerApp": {"osc_port": 0, "osc_reply_port": ports["reply"],
                           "audio_output": False, "ableton_port": ports["live"],
                           "ableton_reply_port": ports["live_reply"],
                           "sessions_dir": str(tmp_path / "sessions"),
                           "max_render_seconds": 4.0, "max_bars": 64, "osc_rate": 1e5},
    }


class Errors(logging.Handler):
    """Every record of level ERROR or above, from any logger, while the fuzz runs."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def logged(wb: Any) -> Iterator[Errors]:
    h = Errors()
    loggers = [logging.getLogger(), wb.log, logging.getLogger("asyncio"),
               logging.getLogger("tornado.application"), logging.getLogger("tornado.general")]
    for lg in loggers:
        lg.addHandler(h)
    yield h
    for lg in loggers:
        lg.removeHandler(h)


@pytest.fixture
def root(jp_root_dir: Path, tmp_path: Any) -> Path:
    prepare_root(jp_root_dir)
    return jp_root_dir


def secrets(root: Path, tmp_path: Path) -> tuple[str, ...]:
    return (str(root), str(root.resolve()), str(tmp_path), "/tmp/")


def assert_clean(tally: Tally, logged: Errors) -> None:
    assert tally.sent > 0
    assert not tally.failures, "\n".join(tally.failures[:10])
    assert not logged.records, [r.getMessage()[:300] for r in logged.records[:5]]


def test_rest_fuzz_from_openapi(jp_fetch: Any, wb: Any, run: Any, root: Path,
                                tmp_path: Path, logged: Errors) -> None:
    tally = Tally("REST")
    spec = build_openapi("/")
    hidden = secrets(root, tmp_path)

    def check(call: Any) -> None:
        tally.sent += 1
        kw = {} if call.body is None else {"body": call.body}
        r = run(jp_fetch("schillinger", "api", *call.path.strip("/").split("/"),
                         method=call.method, raise_error=False, request_timeout=60, **kw))
        text = r.body.decode("utf-8", "replace")
        tally.status(r.code, f"{call.method} {call.path} {call.body!r:.200} -> {text:.300}")
        routed = r.headers.get("Content-Type", "").startswith("application/json")
        if r.code >= 400 and routed:  # an id no route matches gets Jupyter's own 404 page
            assert json.loads(text).get("message"), (r.code, text)
        if r.code >= 400 and leaks_path(text, hidden):
            tally.leaks += 1
            tally.failures.append(f"path leak: {text[:200]}")

    fuzz(rest_calls(spec), REST_BUDGET, check, seed=18)
    assert_clean(tally, logged)


async def _ws_roundtrip(ws: Any, msg: str | bytes, k: int, tally: Tally,
                        hidden: tuple[str, ...]) -> None:
    ws.write_message(msg, binary=isinstance(msg, bytes))
    ws.write_message(json.dumps({"type": "heartbeat", "id": f"probe{k}"}))
    while True:
        text = await asyncio.wait_for(ws.read_message(), 60)
        if text is None:
            tally.drops += 1
            tally.failures.append(f"dropped after {msg!r:.200}")
            return
        ans = json.loads(text)
        if ans.get("type") == "error":
            tally.status(int(ans["status"]), f"{msg!r:.200} -> {text:.300}")
            if leaks_path(text, hidden):
                tally.leaks += 1
                tally.failures.append(f"path leak: {text[:200]}")
        if ans.get("type") == "heartbeat" and ans.get("id") == f"probe{k}":
            return


def test_websocket_fuzz(jp_ws_fetch: Any, run: Any, root: Path, tmp_path: Path,
                        logged: Errors) -> None:
    tally = Tally("WebSocket")
    drawn: list[str | bytes] = []
    fuzz(ws_messages(build_openapi("/")), WS_BUDGET, drawn.append, seed=18)
    hidden = secrets(root, tmp_path)

    async def scenario() -> None:
        ws = await jp_ws_fetch("schillinger", "api", "ws")
        await ws.read_message()  # hello
        for k, msg in enumerate(drawn):
            tally.sent += 1
            await _ws_roundtrip(ws, msg, k, tally, hidden)
            if tally.drops:
                break
        ws.close()

    run(scenario())
    assert_clean(tally, logged)


def test_osc_fuzz(wb: Any, run: Any, osc_peer: Any, ports: dict[str, int],
                  logged: Errors) -> None:
    tally = Tally("OSC")
    drawn: list[bytes] = []
    fuzz(osc_packets, OSC_BUDGET, drawn.append, seed=18)

    async def scenario() -> None:
        peer = await osc_peer(ports["reply"])
        for k, packet in enumerate(drawn):
            tally.sent += 1
            peer.send_raw(ports["osc"], packet)
            if k % 20 == 19 or k == len(drawn) - 1:  # still serving? collect answers so far
                peer.send(ports["osc"], "/schillinger/ping", f"alive{k}")
                while True:
                    address, args = await peer.next(30)
                    if address == "/schillinger/error" and len(args) >= 4:
                        tally.status(int(args[3]), repr(args[:3]))
                    if address == "/schillinger/pong" and args[1:] == [f"alive{k}"]:
                        break

    run(scenario())
    assert_clean(tally, logged)


# ----- the known cases of the issue, each on its own ------------------------------------------
SCORE = {"ppq": 480, "parts": [{"name": "p", "notes": [[0, 480, 60, 90]]}]}


@pytest.mark.parametrize(("path", "needle"), [
    ("a" * 255 + ".mid", "longer than 255 bytes"),
    ("taken.mid/x.mid", "not a folder"),
    ("loop/x.mid", "path"),
])
def test_hostile_export_paths_are_4xx_without_server_paths(
        api: Any, run: Any, root: Path, tmp_path: Path, path: str, needle: str) -> None:
    code, body = run(api("export", {"score": SCORE, "format": "midi", "path": path}))
    assert 400 <= code < 500, body
    assert needle in body["message"] and body["field"] == "path"
    assert not leaks_path(body["message"], secrets(root, tmp_path))


def test_a_note_at_tick_10_to_the_12(api: Any, run: Any, root: Path) -> None:
    score = {"ppq": 480, "parts": [{"name": "p", "notes": [[10**12, 480, 60, 90]]}]}
    for fmt, path in (("midi", "far.mid"), ("wav", "far.wav"), ("musicxml", "far.musicxml")):
        code, body = run(api("export", {"score": score, "format": fmt, "path": path}))
        assert code == 413 and "max_bars" in body["message"], body
    code, body = run(api("transport", {"action": "load", "score": score}))
    assert code == 413, body


def test_json_nested_5000_deep(api: Any, run: Any, jp_ws_fetch: Any) -> None:
    for raw in (deep(5000), deep(5000, "obj"), '{"technique": "interference", "generators": '
                                               '[3, 2], "options": ' + deep(900, "obj") + "}"):
        code, body = run(api("rhythm", raw=raw.encode()))
        assert code == 400 and "levels deep" in body["message"], body

    async def scenario() -> None:
        ws = await jp_ws_fetch("schillinger", "api", "ws")
        await ws.read_message()
        tally = Tally("WebSocket")
        for k, raw in enumerate((deep(5000), '{"type": "param_change", "param": "x", '
                                 '"value": ' + deep(5000) + "}")):
            await _ws_roundtrip(ws, raw, k, tally, ())
        assert tally.drops == 0 and tally.statuses == {400: 2}, tally
        ws.close()

    run(scenario())

"""One error mapper for every door: each error kind has one status, and the same bad request
gets the same message and field over REST, the WebSocket and OSC (and in the widgets)."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import pytest
from pydantic import ValidationError

from schillinger_kernel import errors as taxonomy
from schillinger_kernel.server import models
from schillinger_kernel.server.errors import MAX_MESSAGE, ErrorAnswer, map_error, status_of

# ----- the mapper alone ----------------------------------------------------------------------


@pytest.mark.parametrize(("exc", "status"), [
    (taxonomy.ParameterError("bad", field="x"), 400),
    (taxonomy.ParameterTypeError("bad type", field="x"), 400),
    (taxonomy.NotFound("no job 'x'"), 404),
    (taxonomy.Conflict("exists"), 409),
    (taxonomy.Cancelled("job x was cancelled"), 409),
    (taxonomy.TooLarge("too many notes", field="notes"), 413),
    (taxonomy.Busy("every worker is busy"), 429),
    (taxonomy.PeerUnavailable("no answer from AbletonOSC"), 502),
    (taxonomy.WorkbenchError("something refused"), 400),
    (ValueError("builtin value"), 400),
    (TypeError("builtin type"), 400),
    (KeyError("k"), 404),
    (IndexError("i"), 404),
    (ModuleNotFoundError("no module named 'cupy'"), 503),
])
def test_each_kind_has_its_status(exc: Exception, status: int) -> None:
    ans = map_error(exc)
    assert status_of(exc) == status and ans.status == status
    assert ans.field == getattr(exc, "field", None)


def test_status_is_by_kind_never_by_words() -> None:
    # a RuntimeError naming AbletonOSC is no peer error: only PeerUnavailable is
    assert map_error(taxonomy.PeerUnavailable("Live is quiet")).status == 502
    assert map_error(taxonomy.Cancelled("AbletonOSC")).status == 409


def test_validation_errors_name_the_field() -> None:
    with pytest.raises(ValidationError) as info:
        models.RhythmRequest.model_validate({"technique": "interference",
                                             "generators": [3, "x"]})
    ans = map_error(info.value)
    assert (ans.status, ans.field) == (400, "generators.1")
    assert ans.message.startswith("generators.1: ")
    assert ans.errors and ans.errors[0]["field"] == "generators.1"
    assert ans.to_dict() == {"message": ans.message, "field": "generators.1",
                             "errors": ans.errors}


def test_unexpected_errors_are_500_and_logged(caplog: Any) -> None:
    log = logging.getLogger("schillinger.test")
    with caplog.at_level(logging.ERROR, logger="schillinger.test"):
        ans = map_error(ZeroDivisionError("secret detail"), log)
    assert ans == ErrorAnswer(500, "internal error (ZeroDivisionError); see the server log")
    assert any(r.exc_info for r in caplog.records)


def test_messages_are_bounded_once_for_all_doors() -> None:
    ans = map_error(taxonomy.ParameterError("x" * 5000, field="f"))
    assert len(ans.message) == MAX_MESSAGE and ans.field == "f"


def test_widgets_refuse_with_the_doors_words() -> None:
    from schillinger_kernel.server.actions import compute
    from schillinger_kernel.widgets.rhythm_explorer import _compute

    body = {"technique": "interference", "generators": [3, 1001]}
    with pytest.raises(ValidationError) as info:
        compute("rhythm", body)
    _r, _svg, err = _compute("no_such", (3, 2))
    with pytest.raises(taxonomy.ParameterError) as unknown:
        compute("rhythm", {"technique": "no_such", "generators": [3, 2]})
    assert err == map_error(unknown.value).message and unknown.value.field == "technique"
    assert map_error(info.value).field == "generators.1"


# ----- the three doors on a real server ------------------------------------------------------

#: (REST path, REST body == WebSocket generate body, OSC address, OSC args, expected field)
CASES = [
    ("rhythm", {"technique": "interference", "generators": [0, 2]},
     "/schillinger/rhythm/interference", [0, 2], "generators.0"),
    ("rhythm", {"technique": "no_such", "generators": [3, 2]},
     "/schillinger/rhythm/no_such", [3, 2], "technique"),
    ("scales", {"function": "key_scale", "args": {"key": "H major"}},
     "/schillinger/scales/key_scale", ["H major"], "args"),
    ("scales", {"function": "os_system", "args": {}},
     "/schillinger/scales/os_system", [], "function"),
    ("harmony/progression", {"key": "C major", "length": 0},
     "/schillinger/harmony/progression", ["C major", 0], "length"),
]


async def _ws_error(jp_ws_fetch: Any, endpoint: str, body: dict[str, Any]) -> dict[str, Any]:
    ws = await jp_ws_fetch("schillinger", "api", "ws")
    try:
        ws.write_message(json.dumps({"type": "generate", "id": "e1", "endpoint": endpoint,
                                     **body}))
        while True:
            msg = await asyncio.wait_for(ws.read_message(), 10)
            assert msg is not None, "the server closed the connection"
            data: dict[str, Any] = json.loads(msg)
            if data["type"] == "result":
                raise AssertionError(f"expected an error, got {data}")
            if data["type"] == "error":
                assert data["id"] == "e1"
                return data
    finally:
        ws.close()


@pytest.mark.parametrize(("path", "body", "address", "args", "field"), CASES,
                         ids=[f"{c[0]}-{c[4]}" for c in CASES])
def test_same_bad_request_same_answer_on_every_door(
        wb: Any, api: Any, run: Any, jp_ws_fetch: Any, osc_peer: Any, ports: dict[str, int],
        path: str, body: dict[str, Any], address: str, args: list[Any], field: str) -> None:
    async def scenario() -> None:
        code, rest = await api(path, body)
        ws = await _ws_error(jp_ws_fetch, path, body)
        peer = await osc_peer(ports["reply"])
        peer.send(ports["osc"], address, *args)
        addr, (where, message, osc_field, osc_status) = await peer.next(10)

        assert code == 400, rest
        assert rest["field"] is not None and rest["field"].split(".")[0] == field.split(".")[0]
        assert (ws["message"], ws["field"], ws["status"]) == (rest["message"], rest["field"],
                                                               code)
        assert (addr, where) == ("/schillinger/error", address)
        assert (message, osc_field, osc_status) == (rest["message"], rest["field"], code)

    run(scenario())


def test_osc_scales_go_through_the_action(wb: Any, api: Any, run: Any, osc_peer: Any,
                                          ports: dict[str, int]) -> None:
    """OSC's positional arguments become the REST body's named ``args``; *args too."""
    async def scenario() -> None:
        peer = await osc_peer(ports["reply"])
        peer.send(ports["osc"], "/schillinger/scales/interval_interference", 3, 2)
        _addr, osc = await peer.next(10)
        _code, rest = await api("scales", {"function": "interval_interference",
                                           "args": {"p": 3, "q": 2}})
        assert osc == rest["result"]
        peer.send(ports["osc"], "/schillinger/scales/scale", "D dorian", 2, 3)  # one too many
        addr, (_where, message, osc_field, status) = await peer.next(10)
        assert (addr, osc_field, status) == ("/schillinger/error", "args", 400)
        assert message.startswith("args: ")

    run(scenario())


def test_status_reports_the_bound_osc_port(wb: Any, api: Any, run: Any) -> None:
    """The test configuration asks for port 0; status tells the port bound."""
    code, st = run(api("status"))
    assert code == 200 and st["osc"]["enabled"] is True
    assert st["osc"]["port"] > 0 and st["osc"]["port"] == wb.osc.port
    assert st["audio_output"]["enabled"] is False


def test_action_table_imports_no_jupyter_server() -> None:
    """The widgets import the action table and the mapper inside the kernel: no tornado."""
    import subprocess
    import sys

    code = ("import sys, schillinger_kernel.server.actions, schillinger_kernel.server.errors; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & "
            "{'tornado', 'jupyter_server', 'jupyter_core'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, check=True)
    assert out.stdout.strip() == "[]", out.stdout


def test_harmony_explorer_and_rest_share_the_cycle_action(api: Any, run: Any) -> None:
    from schillinger_kernel.widgets import HarmonyExplorer

    code, ans = run(api("harmony/cycle", {"key": "C major", "kind": "C3", "length": 4}))
    assert code == 200, ans
    h = HarmonyExplorer(key="C major", cycle="C3", structure="S7", length=4)
    assert ans["progression"]["symbols"] == list(h.progression.symbols)
    code, ans = run(api("harmony/cycle", {"key": "C major", "direction": "sideways"}))
    assert code == 400 and ans["field"] == "direction"

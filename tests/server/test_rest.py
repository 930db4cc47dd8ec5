"""REST API against a real Jupyter server with the extension (auth required, base URL /a%40b/)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from openapi_spec_validator import validate as validate_openapi
from tornado.httpclient import HTTPClientError
from tornado.websocket import websocket_connect

from schillinger_kernel.server.handlers import routes


def test_status_shape(api: Any, run: Any, ports: dict[str, int]) -> None:
    code, st = run(api("status"))
    assert code == 200
    assert {"version", "backend", "osc", "sessions", "transport"} <= set(st)
    osc = {k: v for k, v in st["osc"].items() if k != "auth"}  # auth: see test_osc_auth
    assert osc == {"enabled": True, "host": "127.0.0.1", "port": ports["osc"],
                   "requested_port": 0, "reply_port": ports["reply"], "error": None,
                   "notice": None}
    assert {"playing", "position_beats", "position_samples", "tempo", "loop"} <= set(
        st["transport"])
    assert st["audio_output"]["available"] is False  # no sound card here: status says why
    assert st["audio_output"]["error"]


def test_rhythm(api: Any, run: Any) -> None:
    code, body = run(api("rhythm", {"technique": "interference", "generators": [3, 2]}))
    assert code == 200
    assert (body["durations"], body["attacks"], body["period"]) == ([2, 1, 1, 2], [0, 2, 3, 4], 6)
    code, body = run(api("rhythm", {"technique": "fractioning", "generators": [3, 2],
                                    "score": True}))
    assert code == 200 and body["score"]["parts"][0]["notes"]
    code, body = run(api("rhythm"))
    assert code == 200 and "interference" in body["techniques"]


@pytest.mark.parametrize(("body", "field"), [
    ({"technique": "interference", "generators": [3, "x"]}, "generators.1"),
    ({"technique": "interference", "generators": []}, "generators"),
    ({"technique": "interference", "generators": [0, 2]}, "generators.0"),
    ({"technique": "interference", "generators": [3.5, 2]}, "generators.0"),
    ({"generators": [3, 2]}, "technique"),
    ({"technique": "interference", "generators": [3, 2], "tempo": 1}, "tempo"),
    ({"technique": "no-such", "generators": [3, 2]}, "technique"),
    ({"technique": "interference", "generators": [3, 2], "options": {"bogus": 1}}, "options"),
])
def test_rhythm_bad_input_names_the_field(api: Any, run: Any, body: dict[str, Any],
                                          field: str) -> None:
    code, answer = run(api("rhythm", body))
    assert code == 400, answer
    assert answer["field"] == field
    assert field.split(".")[0] in answer["message"]


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b"", b"null", b"\xff\xfe"])
def test_malformed_bodies_are_400(api: Any, run: Any, raw: bytes) -> None:
    for path in ("rhythm", "transport", "sessions", "export", "render", "harmony/progression",
                 "ableton", "scales", "compose", "analyze", "harmony/analyze"):
        code, answer = run(api(path, raw=raw, method="POST"))
        assert code == 400, (path, answer)
        assert "message" in answer


def test_transport_commands(api: Any, run: Any) -> None:
    code, st = run(api("transport", {"action": "tempo", "tempo": 90}))
    assert code == 200 and st["tempo"] == 90.0
    code, st = run(api("transport", {"action": "seek", "position_beats": 8}))
    assert st["position_beats"] == 8.0 and st["position_samples"] == round(8 * 60 / 90 * 48000)
    code, st = run(api("transport", {"action": "loop", "loop": {"start": 0, "end": 4}}))
    assert st["loop"] == {"enabled": True, "start": 0.0, "end": 4.0}
    code, st = run(api("transport", {"action": "play"}))
    assert st["playing"] is True
    code, st = run(api("transport"))
    assert st["playing"] is True and 0 <= st["position_beats"] < 4
    code, st = run(api("transport", {"action": "stop"}))
    assert st["playing"] is False
    for body, field in [({"action": "seek"}, "position_beats"), ({"action": "jump"}, "action"),
                        ({"action": "tempo", "tempo": 0}, "tempo"),
                        ({"action": "loop", "loop": {"start": 4, "end": 2}}, "loop")]:
        code, answer = run(api("transport", body))
        assert code == 400 and answer["field"] == field, answer


def test_sessions_and_jobs(api: Any, run: Any) -> None:
    code, s = run(api("sessions", {"name": "Duet in r(5÷3)"}))
    assert code == 201 and s["name"] == "Duet in r(5÷3)"
    code, listing = run(api("sessions"))
    assert [x["id"] for x in listing] == [s["id"]]
    code, one = run(api(f"sessions/{s['id']}"))
    assert one["operations"] == [] and one["members"] == []
    assert run(api("sessions", {"name": ""}))[0] == 400
    assert run(api(f"sessions/{s['id']}", method="DELETE"))[0] == 200
    code, answer = run(api(f"sessions/{s['id']}"))
    assert code == 404 and "no session" in answer["message"]
    assert run(api("jobs/doesnotexist"))[0] == 404
    assert run(api("jobs"))[1] == []


def test_openapi_is_valid_and_lists_every_route(api: Any, run: Any, jp_serverapp: Any,
                                                jp_base_url: str) -> None:
    code, doc = run(api("openapi.json"))
    assert code == 200
    validate_openapi(doc)
    registered = set()
    for rule in jp_serverapp.web_app.default_router.rules:
        for sub in getattr(rule.target, "rules", []):
            pattern = sub.matcher.regex.pattern.rstrip("$")
            if "/schillinger/api/" in pattern:
                path = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", pattern)
                registered.add(path.replace("\\.", ".").split(jp_base_url.rstrip("/"), 1)[1])
    assert registered == set(doc["paths"])
    assert len(registered) == len(routes())
    post = doc["paths"]["/schillinger/api/rhythm"]["post"]
    ref = post["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert ref.endswith("/RhythmRequest") and "RhythmRequest" in doc["components"]["schemas"]


def test_every_route_refuses_unauthenticated(jp_serverapp: Any, wb: Any, run: Any,
                                             http_server_client: Any, jp_base_url: str,
                                             jp_http_port: int) -> None:
    checked = 0
    for path, _regex, handler, *_ in routes():
        url = f"{jp_base_url}schillinger/api{path}".replace("{job_id}", "x").replace(
            "{session_id}", "x")
        spec = getattr(handler, "spec", None)
        if spec is None:  # the WebSocket
            with pytest.raises(HTTPClientError) as err:
                run(websocket_connect(f"ws://localhost:{jp_http_port}{url}"))
            assert err.value.code == 403
            checked += 1
            continue
        for method in spec:
            body = json.dumps({}) if method in ("post", "put", "patch") else None
            for headers in ({}, {"Authorization": "token wrong"}):
                r = run(http_server_client.fetch(url, method=method.upper(), body=body,
                                                 headers=headers, raise_error=False,
                                                 follow_redirects=False))
                assert r.code in (401, 403), (method, url, r.code)
                checked += 1
    assert checked > 2 * len(routes())


def test_export_stays_in_root(api: Any, run: Any, jp_root_dir: Any, tmp_path: Any,
                              jp_fetch: Any) -> None:
    score = {"parts": [{"name": "A", "notes": [[0, 480, 60, 90], [480, 480, 64, 90]]}]}
    outside = tmp_path / "outside"
    outside.mkdir()
    (jp_root_dir / "escape").symlink_to(outside)
    for bad in ("../x.mid", "/tmp/x.mid", "escape/x.mid", ".hidden/x.mid", "sub/../../x.mid",
                "x.txt"):
        code, answer = run(api("export", {"score": score, "format": "midi", "path": bad}))
        assert code == 400 and answer["field"] == "path", (bad, answer)
    assert not list(outside.iterdir())
    code, answer = run(api("analyze", {"path": "../../etc/passwd"}))
    assert code == 400
    code, answer = run(api("export", {"score": {"parts": "nope"}, "format": "midi",
                                      "path": "a.mid"}))
    assert code == 400 and answer["field"] == "score"
    code, done = run(api("export", {"score": score, "format": "midi", "path": "takes/one.mid"}))
    assert code == 200, done
    assert done["path"] == "takes/one.mid" and (jp_root_dir / "takes" / "one.mid").is_file()
    assert done["url"] == "/a%40b/files/takes/one.mid"
    r = run(jp_fetch("files", "takes", "one.mid"))
    assert r.body[:4] == b"MThd"

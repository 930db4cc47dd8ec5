"""Routes that call the core: scales, harmony, render/export jobs (progress, cancel), analyze."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from helpers import wait_until_async

SHORT = {"title": "Two notes", "parts": [{"name": "A", "notes": [[0, 480, 60, 90],
                                                                [480, 480, 67, 90]]}]}


def long_score(notes: int = 3000) -> dict[str, Any]:
    return {"title": "Long", "parts": [{"name": "A", "notes": [
        [i * 240, 960, 48 + i % 24, 90] for i in range(notes)]}]}


async def job_status(api: Any, job_id: str) -> dict[str, Any]:
    code, job = await api(f"jobs/{job_id}")
    assert code == 200
    return dict(job)


async def wait_job(api: Any, job_id: str, timeout: float = 60.0) -> dict[str, Any]:
    async def finished() -> dict[str, Any] | None:
        job = await job_status(api, job_id)
        return job if job["status"] not in ("queued", "running") else None

    result: dict[str, Any] = await wait_until_async(finished, timeout, f"job {job_id} to end")
    return result


def test_scales_and_harmony(api: Any, run: Any) -> None:
    code, ans = run(api("scales", {"function": "scale", "args": {"name": "D dorian"}}))
    assert code == 200 and ans["result"]["pitches"] == [2, 4, 5, 7, 9, 11, 12]
    code, ans = run(api("scales", {"function": "symmetric_scale",
                                   "args": {"n": 2, "segment": [2, 1, 2, 1]}}))
    assert code == 200 and ans["result"]["pitches"] == [0, 2, 3, 5, 6, 8, 9, 11]
    code, ans = run(api("scales", {"function": "__import__", "args": {}}))
    assert code == 400 and ans["field"] == "function"
    code, ans = run(api("scales", {"function": "scale", "args": {"nome": "x"}}))
    assert code == 400 and ans["field"] == "args"
    code, listing = run(api("scales"))
    assert "scale" in listing["functions"]

    body = {"key": "A minor", "length": 4, "complexity": 0.2, "style": "classical", "seed": 3,
            "score": True}
    code, ans = run(api("harmony/progression", body))
    assert code == 200, ans
    prog = ans["progression"]
    assert len(prog["symbols"]) == 4 and prog["key"] == "A minor"
    assert ans["score"]["parts"][0]["notes"]
    assert run(api("harmony/progression", body))[1] == ans  # seeded: reproducible
    code, ans = run(api("harmony/progression", {**body, "style": "polka"}))
    assert code == 400 and "style" in ans["message"]
    code, ans = run(api("harmony/progression", {**body, "length": 0}))
    assert code == 400 and ans["field"] == "length"

    code, ans = run(api("harmony/analyze", {"chords": [[60, 64, 67], [65, 69, 72],
                                                       [67, 71, 74], [60, 64, 67]]}))
    assert code == 200, ans
    assert ans["analysis"]
    code, ans = run(api("harmony/analyze", {}))
    assert code == 400 and ans["field"] == "chords"
    code, ans = run(api("harmony/analyze", {"chords": [[60, 200]]}))
    assert code == 400 and ans["field"] == "chords.0.1"


@pytest.mark.slow
def test_compose(api: Any, run: Any) -> None:
    code, ans = run(api("compose", {"mode": "quick_compose",
                                    "args": {"themes": [[3, 2]], "duration": 2, "seed": 1}}))
    assert code == 200, ans
    assert ans["score"]["parts"] and ans["score"]["parts"][0]["notes"]
    code, ans = run(api("compose", {"mode": "accompany",
                                    "args": {"chords": ["C", "G"], "seed": 2}}))
    assert code == 200, ans
    code, ans = run(api("compose", {"mode": "accompany", "args": {"chordz": ["C"]}}))
    assert code == 400 and ans["field"] == "args"
    code, ans = run(api("compose", {"mode": "improvise"}))
    assert code == 400 and ans["field"] == "mode"


def test_render_job_progress_result_and_files(api: Any, run: Any, jp_root_dir: Any,
                                              jp_fetch: Any, jp_ws_fetch: Any) -> None:
    async def scenario() -> None:
        code, job = await api("render", {"score": SHORT, "sample_rate": 22050,
                                         "path": "mix/two.wav"})
        assert code == 202 and job["status"] in ("queued", "running") and job["url"]
        done = await wait_job(api, job["id"])
        assert done["status"] == "done", done
        res = done["result"]
        assert res["path"] == "mix/two.wav" and res["url"] == "/a%40b/files/mix/two.wav"
        assert res["quality"] and (jp_root_dir / "mix" / "two.wav").stat().st_size > 1000
        r = await jp_fetch("files", "mix", "two.wav")
        assert r.body[:4] == b"RIFF"
        code, exp = await api("export", {"score": SHORT, "format": "flac", "path": "two.flac",
                                         "sample_rate": 22050})
        assert code == 200 and exp["bytes"] > 100 and (jp_root_dir / "two.flac").is_file()

        ws = await jp_ws_fetch("schillinger", "api", "ws")
        await ws.read_message()
        ws.write_message(json.dumps({"type": "generate", "id": "r", "endpoint": "render",
                                     "score": SHORT, "sample_rate": 22050, "path": "ws.wav"}))
        kinds = []
        while True:
            msg = json.loads(await asyncio.wait_for(ws.read_message(), 30))
            kinds.append(msg["type"])
            if msg["type"] in ("result", "error"):
                break
        assert kinds[-1] == "result" and kinds.count("progress") >= 3, kinds
        assert msg["result"]["path"] == "ws.wav"
        ws.close()

    run(scenario())


@pytest.mark.slow
def test_cancel_and_no_blocking(api: Any, run: Any, jp_root_dir: Any) -> None:
    async def scenario() -> None:
        code, job = await api("render", {"score": long_score(), "sample_rate": 48000,
                                         "path": "long.wav"})
        assert code == 202
        async def rendering() -> bool:
            return (await job_status(api, job["id"]))["status"] == "running"

        await wait_until_async(rendering, 30, "the render to start")
        code, _ = await api("status")  # the event loop answers while the job renders:
        assert code == 200
        assert await rendering()  # the answer did not wait for the render to end
        code, _ = await api(f"jobs/{job['id']}", method="DELETE")
        assert code == 200
        done = await wait_job(api, job["id"], 30)
        assert done["status"] == "cancelled", done
        assert not (jp_root_dir / "long.wav").exists()

    run(scenario())


@pytest.mark.slow
def test_analyze_a_file_in_the_root(api: Any, run: Any, jp_root_dir: Any) -> None:
    """The first librosa analysis in a fresh environment takes long (imports, numba JIT with
    no cache yet: over 120 s on a loaded 2-core machine), so the request waits longer."""
    async def scenario() -> None:
        code, exp = await api("export", {"score": SHORT, "format": "wav", "path": "a.wav",
                                         "sample_rate": 22050})
        assert code == 200, exp
        code, feats = await api("analyze", {"path": "a.wav"}, timeout=300)
        assert code == 200, feats
        assert feats["path"] == "a.wav" and feats["quality"] and feats["features"]
        code, ans = await api("analyze", {"path": "missing.wav"})
        assert code == 400 and ans["field"] == "path"

    run(scenario())

"""The server's parts on their own: transport clock, root-dir paths, sessions, jobs, output."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import numpy as np
import pytest
from helpers import wait_until

from schillinger_kernel.server.audio_out import LocalOutput
from schillinger_kernel.server.jobs import JobManager
from schillinger_kernel.server.paths import ensure_parent, resolve_inside
from schillinger_kernel.server.sessions import Identity, SessionStore
from schillinger_kernel.server.transport import TransportClock


class FakeTime:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def test_transport_position_tempo_and_loop() -> None:
    now = FakeTime()
    events: list[str] = []
    c = TransportClock(tempo=120.0, sample_rate=48000, clock=now)
    c.add_listener(lambda ev, st: events.append(ev))
    c.play()
    now.t += 2.0
    assert c.position_beats() == pytest.approx(4.0)
    c.set_tempo(60.0)  # the position stays continuous across a tempo change
    assert c.position_beats() == pytest.approx(4.0)
    now.t += 1.0
    assert c.position_beats() == pytest.approx(5.0)
    assert c.position_samples() == round(5.0 * 48000)
    c.stop()
    now.t += 10.0
    assert c.position_beats() == pytest.approx(5.0)
    c.seek(0.0)
    c.set_tempo(120.0)
    c.set_loop(1.0, 3.0)
    c.play()
    now.t += 1.75  # 3.5 beats -> wraps to 1 + (3.5 - 1) % 2 = 1.5
    assert c.position_beats() == pytest.approx(1.5)
    st = c.state()
    assert st["loop"] == {"enabled": True, "start": 1.0, "end": 3.0}
    assert set(st) >= {"playing", "position_beats", "position_samples", "tempo", "loop"}
    assert events == ["play", "tempo", "stop", "seek", "tempo", "loop", "play"]


@pytest.mark.parametrize("bad", [
    ("tempo", 0.0), ("tempo", 1000.0), ("tempo", float("nan")), ("seek", -1.0),
    ("tempo", "fast"),
])
def test_transport_rejects_bad_values(bad: tuple[str, object]) -> None:
    c = TransportClock()
    verb, value = bad
    fn = c.set_tempo if verb == "tempo" else c.seek
    with pytest.raises((ValueError, TypeError)):
        fn(value)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"loop\.end"):
        c.set_loop(4.0, 2.0)


def test_paths_stay_inside_root(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / "escape").symlink_to(outside)
    (root / "inner").mkdir()
    (root / "link_in").symlink_to(root / "inner")
    assert resolve_inside(root, "a/b.mid") == root.resolve() / "a" / "b.mid"
    assert resolve_inside(root, "link_in/x.mid") == (root / "inner" / "x.mid").resolve()
    for bad in ("../x.mid", "a/../../x.mid", "/etc/passwd", "C:\\x.mid", "\\\\srv\\x",
                "escape/x.mid", ".git/hooks/x", "", "a/\x00.mid", ".", "a/.."):
        with pytest.raises((ValueError, TypeError)):
            resolve_inside(root, bad)
    with pytest.raises(ValueError, match="extension"):
        resolve_inside(root, "x.exe", suffixes=(".mid",))
    with pytest.raises(ValueError, match="no file"):
        resolve_inside(root, "missing.wav", must_exist=True)
    target = ensure_parent(root, resolve_inside(root, "deep/er/x.mid"))
    assert target.parent.is_dir()


def test_sessions_history_and_persistence(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "s", max_operations=3)
    ann = Identity("ann", "Ann")
    s = store.join("duet", "c1", ann)
    store.join(s.id, "c2", Identity("ben", "Ben", "#123456"))
    assert [m.to_dict()["username"] for m in s.members.values()] == ["ann", "ben"]
    assert s.members["c2"].to_dict()["color"] == "#123456"
    assert s.members["c1"].to_dict()["color"].startswith("#")  # none given: one from the name
    for k in range(5):
        s.add_operation("c1", {"k": k}, ann)
    s.params["tempo"] = 90
    store.mark(s)
    assert [op["seq"] for op in s.operations] == [3, 4, 5]
    assert s.dropped == 2
    assert s.operations[-1]["user"]["username"] == "ann"
    assert store.save() == 0  # nothing expires: both members are in
    again = SessionStore(tmp_path / "s")
    assert again.load() == 1
    t = again.get("duet")
    assert t is not None and t.seq == 5 and t.params == {"tempo": 90} and not t.members
    (tmp_path / "s" / "broken.json").write_text("{nope")
    assert SessionStore(tmp_path / "s").load() == 1
    assert again.delete(t.id) and not (tmp_path / "s" / f"{t.id}.json").exists()
    with pytest.raises(ValueError, match="session"):
        store.join("", "c3", ann)
    with pytest.raises(TypeError, match="Identity"):
        store.join("duet", "c3", "alice")  # a bare name is no identity


def test_jobs_progress_cancel_and_errors() -> None:
    jm = JobManager(max_workers=1)
    seen: list[tuple[str, float]] = []
    jm.add_listener(lambda d: seen.append((d["status"], d["progress"])))
    started, gate = threading.Event(), threading.Event()

    def slow(rep):
        rep.report(0.0, "step 0")
        started.set()
        gate.wait(5)  # released by the test once both cancels were asked for
        rep.report(0.5, "step 1")  # raises Cancelled
        return {"ok": True}

    running = jm.submit("slow", slow)
    queued = jm.submit("never", lambda rep: {"ran": True})
    assert started.wait(5), "the slow job did not start"
    jm.cancel(queued.id)
    jm.cancel(running.id)
    gate.set()
    wait_until(lambda: running.status != "running", 5, "the running job to stop")
    assert running.status == "cancelled"
    assert queued.status == "cancelled" and queued.result is None
    failing = jm.submit("fail", lambda rep: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        failing.future.result(5)
    assert failing.status == "error" and "ZeroDivisionError" in (failing.error or "")
    assert ("running", 0.0) in seen
    jm.shutdown()


def test_local_output_without_device_and_callback_copy() -> None:
    out = LocalOutput(enabled=True, device="no such device 12345")
    assert out.probe() is False
    st = out.status()
    assert st["available"] is False and st["error"].startswith("no audio output")
    assert out.start(0) is False  # nothing crashes without a device
    buf = np.arange(10, dtype=np.float32)
    out.set_buffer(buf, 48000)
    out.set_loop_samples((2, 6))
    out.seek_samples(4)
    block = np.zeros((7, 2), dtype=np.float32)
    out.fill(block)
    assert block[:, 0].tolist() == [4, 5, 2, 3, 4, 5, 2]
    assert block[:, 1].tolist() == block[:, 0].tolist()  # mono buffer fills both channels


def test_server_package_import_is_light() -> None:
    import subprocess
    import sys

    code = ("import sys, schillinger_kernel, schillinger_kernel.server as s; "
            "s._jupyter_server_extension_points; "
            "print('tornado' in sys.modules, 'jupyter_server' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    assert out.stdout.split() == ["False", "False"]

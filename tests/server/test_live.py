"""End to end: the installed extension in a real ``jupyter server`` process, driven by the
example clients in examples/ and by ``jupyter server extension list``."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from live_server import LiveServer

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    root = tmp_path_factory.mktemp("live") / "root"
    root.mkdir()
    server = LiveServer(root).start()
    yield server
    server.stop()
    assert server.proc is not None and server.proc.returncode is not None


def test_extension_listed_enabled_and_ok() -> None:
    out = subprocess.run([sys.executable, "-m", "jupyter_server", "extension", "list"],
                         capture_output=True, text=True, timeout=120)
    text = out.stdout + out.stderr
    assert "schillinger_kernel.server \x1b[32menabled" in text or (
        "schillinger_kernel.server enabled" in text), text
    assert "Validating schillinger_kernel.server" in text
    ok = [ln for ln in text.splitlines() if "schillinger_kernel.server" in ln and "OK" in ln]
    assert ok, text


def test_ws_example_client(live: LiveServer) -> None:
    out = subprocess.run([sys.executable, str(REPO / "examples" / "ws_client.py"),
                          "--url", live.url, "--token", live.token, "5", "3"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert "durations 3 2 1 3 1 2 3" in lines
    assert any(ln.startswith("session example operation seq 1") for ln in lines)


def test_ws_example_client_refused_without_token(live: LiveServer) -> None:
    out = subprocess.run([sys.executable, str(REPO / "examples" / "ws_client.py"),
                          "--url", live.url, "--token", "wrong"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode != 0 and "403" in out.stderr


def test_osc_example_client(live: LiveServer) -> None:
    out = subprocess.run([sys.executable, str(REPO / "examples" / "osc_client.py"),
                          "--port", str(live.osc_port), "--reply-port", str(live.reply_port),
                          "--token", live.token],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "/schillinger/pong 0.1.0 hello"
    assert lines[1] == "/schillinger/rhythm/interference 2 1 1 2"
    assert lines[2].startswith("/schillinger/rhythm/interference/notes 60 0.0 1.5 120 0")
    assert lines[3] == "/schillinger/transport/tempo 0 0.0 96.0"
    assert lines[4].startswith("/schillinger/transport/play 1 ")
    assert lines[-1].startswith("/schillinger/error /schillinger/rhythm/interference")
    assert live.get("schillinger/api/transport")["tempo"] == 96.0

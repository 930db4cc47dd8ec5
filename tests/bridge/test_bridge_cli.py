"""``schillinger bridge`` as a musician runs it: a real subprocess against a real server, a
UDP OSC client that talks only to the bridge, Ctrl-C to stop; bad input is one line."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import stat
import sys
from pathlib import Path
from typing import Any

from helpers import free_port

EXE = Path(sys.executable).with_name("schillinger")


def _env(tmp_path: Path, token: str) -> dict[str, str]:
    return {**os.environ, "SCHILLINGER_TOKEN": token,
            "JUPYTER_RUNTIME_DIR": str(tmp_path / "bridge-runtime")}


async def _lines_until(stream: asyncio.StreamReader, needle: str, timeout: float = 60.0
                       ) -> list[str]:
    lines: list[str] = []
    async with asyncio.timeout(timeout):
        while True:
            raw = await stream.readline()
            assert raw, f"the bridge exited before printing {needle!r}: {lines}"
            lines.append(raw.decode().rstrip())
            if needle in lines[-1]:
                return lines


def test_bridge_subprocess_relays_and_stops_on_ctrl_c(hub: dict[str, Any], wb: Any, run: Any,
                                                      osc_peer: Any, tmp_path: Path) -> None:
    port = free_port(socket.SOCK_DGRAM)

    async def scenario() -> None:
        proc = await asyncio.create_subprocess_exec(
            str(EXE), "bridge", hub["url"], "--osc-port", str(port), "--no-link",
            env=_env(tmp_path, hub["token"]), stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE)
        assert proc.stdout is not None and proc.stderr is not None
        try:
            lines = await _lines_until(proc.stdout, "bridge running")
            text = "\n".join(lines)
            assert f"OSC on udp://127.0.0.1:{port}" in text
            assert "MIDI out" in text  # on, or off with the reason
            found = re.search(r"/schillinger/auth (\w+) .*written to (\S+)", text)
            assert found, text
            secret, key_file = found.group(1), Path(found.group(2))
            assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
            peer = await osc_peer()
            answer = await peer.ask(port, "/schillinger/rhythm/interference", 3, 2)
            assert answer == ("/schillinger/rhythm/interference", [2, 1, 1, 2])
            assert (await peer.ask(port, "/schillinger/auth", secret))[1][0] == 1
            answer = await peer.ask(port, "/schillinger/transport/tempo", 101.0)
            assert answer[1][2] == 101.0 and wb.clock.tempo == 101.0
            proc.send_signal(signal.SIGINT)
            assert await asyncio.wait_for(proc.wait(), 30) == 0
            rest = (await proc.stdout.read()).decode()
            assert "bridge stopped" in rest
            assert not key_file.exists()
            assert "Traceback" not in (await proc.stderr.read()).decode()
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()

    run(scenario())


def test_bad_token_and_bad_url_are_one_line(hub: dict[str, Any], run: Any,
                                            tmp_path: Path) -> None:
    async def bridge(url: str, token: str) -> tuple[int, str]:
        proc = await asyncio.create_subprocess_exec(
            str(EXE), "bridge", url, "--osc-port", "0", "--no-link", "--no-midi",
            env=_env(tmp_path, token), stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE)
        _, err = await asyncio.wait_for(proc.communicate(), 60)
        return int(proc.returncode or 0), err.decode()

    closed = free_port()
    cases = [(hub["url"], "not-the-token", 1, "refused the token"),
             (hub["url"].replace("/a%40b/", "/elsewhere/"), hub["token"], 1,
              "no Schillinger Workbench at"),
             (f"http://127.0.0.1:{closed}/", hub["token"], 1, "cannot reach 127.0.0.1"),
             ("hub.example/user/alice/", hub["token"], 2, "http:// or https://"),
             (hub["url"], "", 2, "SCHILLINGER_TOKEN")]
    for url, token, code, needle in cases:
        rc, err = run(bridge(url, token))
        assert rc == code, (url, err)
        assert len(err.strip().splitlines()) == 1 and needle in err, (url, err)
        assert "Traceback" not in err

"""Server extension latency on loopback, against a real ``jupyter server`` process.

- REST round trip: ``POST rhythm`` r(3÷2) on a kept-alive connection.
- WebSocket fan-out: 100 clients in one session; one sends ``param_change``, time until the
  last of the other 99 has it.
- OSC request to reply: ``/schillinger/rhythm/interference 3 2`` and its answer.
- Memory: the server's resident size with 100 sessions (each with a member and 50 operations).

Targets (issue 6): REST p99 < 10 ms, WebSocket fan-out p99 < 10 ms at 100 clients,
OSC p99 < 2 ms, < 250 MB. Prints; never asserts.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from pythonosc.osc_message_builder import build_msg


def _free(kind: int = socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pct(xs: list[float]) -> str:
    xs = sorted(xs)
    p99 = xs[min(len(xs) - 1, round(0.99 * (len(xs) - 1)))]
    return (f"median {statistics.median(xs) * 1e3:7.3f} ms   p99 {p99 * 1e3:7.3f} ms   "
            f"(n={len(xs)})")


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Server:
    def __init__(self) -> None:
        self.home = Path(tempfile.mkdtemp(prefix="bench-server-"))
        (self.home / "root").mkdir()
        self.port, self.osc, self.reply = _free(), _free(socket.SOCK_DGRAM), _free(
            socket.SOCK_DGRAM)
        self.token = secrets.token_hex(16)
        env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(self.home / "rt"),
               "JUPYTER_CONFIG_DIR": str(self.home / "cfg"),
               "JUPYTER_DATA_DIR": str(self.home / "data")}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "jupyter_server", "--no-browser", "--allow-root",
             f"--port={self.port}", "--ip=127.0.0.1", f"--ServerApp.root_dir={self.home}/root",
             f"--IdentityProvider.token={self.token}", "--ServerApp.log_level=WARN",
             f"--SchillingerApp.osc_port={self.osc}",
             f"--SchillingerApp.osc_reply_port={self.reply}",
             f"--SchillingerApp.sessions_dir={self.home}/sessions"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(600):
            try:
                if self.get("status")["osc"]["enabled"]:
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("jupyter server did not start")

    def get(self, path: str) -> Any:
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}/schillinger/api/{path}",
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=5) as r:
            return json.loads(r.read())

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(15)


def bench_rest(srv: Server, n: int = 500) -> list[float]:
    conn = http.client.HTTPConnection("127.0.0.1", srv.port)
    body = json.dumps({"technique": "interference", "generators": [3, 2]})
    headers = {"Authorization": f"token {srv.token}", "Content-Type": "application/json"}
    times = []
    for i in range(n + 50):
        t0 = time.perf_counter()
        conn.request("POST", "/schillinger/api/rhythm", body, headers)
        r = conn.getresponse()
        r.read()
        if i >= 50:  # warm-up
            times.append(time.perf_counter() - t0)
    conn.close()
    return times


def bench_osc(srv: Server, n: int = 1000) -> list[float]:
    dgram = build_msg("/schillinger/rhythm/interference", [3, 2]).dgram
    times = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", srv.reply))
        s.settimeout(2)
        for i in range(n + 100):
            t0 = time.perf_counter()
            s.sendto(dgram, ("127.0.0.1", srv.osc))
            s.recvfrom(4096)
            if i >= 100:
                times.append(time.perf_counter() - t0)
    return times


async def _fanout(srv: Server, clients: int, rounds: int) -> tuple[list[float], list[float]]:
    import websockets

    url = f"ws://127.0.0.1:{srv.port}/schillinger/api/ws"
    hdr = {"Authorization": f"token {srv.token}"}
    conns = [await websockets.connect(url, additional_headers=hdr, max_queue=None)
             for _ in range(clients)]
    for ws in conns:
        await ws.recv()  # hello
        await ws.send(json.dumps({"type": "join", "session": "bench", "name": "b"}))
    for ws in conns:  # drain joined + presence messages
        while True:
            msg = json.loads(await ws.recv())
            if msg["type"] == "joined":
                break
    for ws in conns:  # drain the presence messages of later joiners
        while True:
            try:
                await asyncio.wait_for(ws.recv(), 0.05)
            except TimeoutError:
                break
    sender, others = conns[0], conns[1:]

    async def wait_one(ws: Any) -> float:
        while json.loads(await ws.recv())["type"] != "param_change":
            pass
        return time.perf_counter()

    first, last = [], []
    for i in range(rounds + 10):
        t0 = time.perf_counter()
        await sender.send(json.dumps({"type": "param_change", "param": "x", "value": i}))
        arrivals = await asyncio.gather(*(wait_one(ws) for ws in others))
        if i >= 10:
            first.append(min(arrivals) - t0)
            last.append(max(arrivals) - t0)
    for ws in conns:
        await ws.close()
    return first, last


async def _sessions(srv: Server, count: int, ops: int) -> None:
    import websockets

    url = f"ws://127.0.0.1:{srv.port}/schillinger/api/ws"
    hdr = {"Authorization": f"token {srv.token}"}
    conns = []
    for k in range(count):
        ws = await websockets.connect(url, additional_headers=hdr)
        await ws.recv()
        await ws.send(json.dumps({"type": "join", "session": f"s{k}", "name": f"user{k}"}))
        for j in range(ops):
            await ws.send(json.dumps({"type": "operation", "op": {"set": "bar", "n": j,
                                                                  "notes": [60, 64, 67]}}))
        conns.append(ws)
    await asyncio.sleep(0.5)
    while srv.get("status")["sessions"] < count:
        await asyncio.sleep(0.1)
    for ws in conns:
        await ws.close()


def main() -> None:
    srv = Server()
    try:
        base = _rss_mb(srv.proc.pid)
        print(f"REST POST rhythm         {_pct(bench_rest(srv))}")
        print(f"OSC request -> reply     {_pct(bench_osc(srv))}")
        first, last = asyncio.run(_fanout(srv, 100, 100))
        print(f"WS fan-out, 100 clients  {_pct(last)}   (send -> last of 99 receivers)")
        print(f"  first receiver         {_pct(first)}   (all 99 clients live in this one "
              "Python process, which parses every copy: the spread is mostly client-side)")
        asyncio.run(_sessions(srv, 100, 50))
        print(f"server RSS               {base:.0f} MB at start, {_rss_mb(srv.proc.pid):.0f} MB "
              f"holding 100 sessions x 50 operations")
    finally:
        srv.stop()


if __name__ == "__main__":
    main()

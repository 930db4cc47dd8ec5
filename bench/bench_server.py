"""Server extension latency on loopback, against a real ``jupyter server`` process.

- REST round trip: ``POST rhythm`` r(3÷2) on a kept-alive connection.
- WebSocket fan-out: 100 clients in one session; one sends ``param_change`` and the other 99,
  spread over a few receiver processes (not this one), stamp its arrival. Reported apart: the
  server's hand-off (serialise, frame, write to the 99 sockets: timed in the server and
  returned in the ``ack``), send to first and to last receiver (end to end), and the client
  side (spread among the clients sharing a process, JSON parse).
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


# ----- WebSocket fan-out: receivers in their own processes ------------------------------------
# The clients that receive the broadcast live in RECEIVER_PROCS processes of their own, so the
# server's hand-off is not mixed with one Python process parsing 99 copies. Time stamps use
# time.perf_counter (CLOCK_MONOTONIC on Linux: one clock for every process on the machine).
RECEIVER_PROCS = 4
WARM = 10


def _receiver_main(url: str, token: str, count: int, rounds: int, ready: Any,
                   done: Any) -> None:
    """A receiver process: ``count`` clients in the session ``bench``; reports each round."""
    asyncio.run(_receiver(url, token, count, rounds, ready, done))


async def _receiver(url: str, token: str, count: int, rounds: int, ready: Any,
                    done: Any) -> None:
    import websockets

    hdr = {"Authorization": f"token {token}"}
    conns = [await websockets.connect(url, additional_headers=hdr, max_queue=None)
             for _ in range(count)]
    for ws in conns:
        await ws.recv()  # hello
        await ws.send(json.dumps({"type": "join", "session": "bench"}))
    for ws in conns:
        while json.loads(await ws.recv())["type"] != "joined":
            pass
    arrivals: dict[int, list[float]] = {}
    parse: list[float] = []

    async def listen(ws: Any) -> None:
        while True:
            raw = await ws.recv()
            t = time.perf_counter()  # the frame is in: stamp before parsing
            msg = json.loads(raw)
            parse.append(time.perf_counter() - t)
            if msg["type"] != "param_change":
                continue  # presence of later joiners
            i = msg["value"]
            got = arrivals.setdefault(i, [])
            got.append(t)
            if len(got) == count:
                done.put(("round", i))
            if i == rounds - 1:
                return

    tasks = [asyncio.ensure_future(listen(ws)) for ws in conns]
    ready.put(count)
    await asyncio.gather(*tasks)
    done.put(("result", {"arrivals": arrivals, "parse": parse}))
    for ws in conns:
        await ws.close()


async def _fanout(srv: Server, clients: int, rounds: int,
                  procs: int) -> dict[str, list[float]]:
    import multiprocessing as mp

    import websockets

    url = f"ws://127.0.0.1:{srv.port}/schillinger/api/ws"
    ctx = mp.get_context("spawn")
    ready, done = ctx.Queue(), ctx.Queue()
    receivers = clients - 1
    sizes = [receivers // procs + (k < receivers % procs) for k in range(procs)]
    workers = [ctx.Process(target=_receiver_main, daemon=True,
                           args=(url, srv.token, n, rounds, ready, done)) for n in sizes]
    for w in workers:
        w.start()
    try:
        for _ in workers:
            await asyncio.to_thread(ready.get, True, 120)
        sender = await websockets.connect(url, additional_headers={
            "Authorization": f"token {srv.token}"})
        await sender.recv()  # hello
        await sender.send(json.dumps({"type": "join", "session": "bench"}))
        while json.loads(await sender.recv())["type"] != "joined":
            pass
        await asyncio.sleep(0.5)  # let the presence messages of the joins settle
        sent, server, first, last, spread = [], [], [], [], []
        per_round: dict[int, list[float]] = {}
        results: list[dict[str, Any]] = []
        for i in range(rounds):
            t0 = time.perf_counter()
            await sender.send(json.dumps({"type": "param_change", "id": i, "param": "x",
                                          "value": i}))
            sent.append(t0)
            while (ack := json.loads(await sender.recv()))["type"] != "ack":
                pass
            if ack["delivered"] != receivers:
                raise RuntimeError(f"the server delivered to {ack['delivered']} of {receivers}")
            server.append(ack["fanout_ms"] / 1e3)
            had = 0
            while had < len(workers):  # every process has had round i: next round
                kind, res = await asyncio.to_thread(done.get, True, 30)
                if kind == "round":
                    had += 1
                else:
                    results.append(res)
            per_round[i] = []
        await sender.close()
        while len(results) < len(workers):
            results.append((await asyncio.to_thread(done.get, True, 30))[1])
        parse: list[float] = []
        for res in results:
            parse += res["parse"]
            for i, times in res["arrivals"].items():
                per_round[i] += times
                if i >= WARM:
                    spread.append(max(times) - min(times))
        for i, t0 in enumerate(sent):
            first.append(min(per_round[i]) - t0)
            last.append(max(per_round[i]) - t0)
    finally:
        for w in workers:
            w.join(10)
            if w.is_alive():
                w.terminate()
    return {"server": server[WARM:], "first": first[WARM:], "last": last[WARM:],
            "spread": spread, "parse": parse}


async def _sessions(srv: Server, count: int, ops: int) -> None:
    import websockets

    url = f"ws://127.0.0.1:{srv.port}/schillinger/api/ws"
    hdr = {"Authorization": f"token {srv.token}"}
    conns = []
    for k in range(count):
        # max_queue=None: the echoed operations are never read, and a full queue would stall
        # the closing handshake for its 10 s timeout
        ws = await websockets.connect(url, additional_headers=hdr, max_queue=None)
        await ws.recv()
        await ws.send(json.dumps({"type": "join", "session": f"s{k}"}))
        for j in range(ops):
            await ws.send(json.dumps({"type": "operation", "op": {"set": "bar", "n": j,
                                                                  "notes": [60, 64, 67]}}))
        conns.append(ws)
    for ws in conns:  # answered after every operation sent before it: all are stored
        await ws.send(json.dumps({"type": "heartbeat", "id": "done"}))
        while json.loads(await ws.recv())["type"] != "heartbeat":
            pass
    await asyncio.gather(*(ws.close() for ws in conns))


def main() -> None:
    t0 = time.perf_counter()
    srv = Server()
    phases = [("server start", time.perf_counter() - t0)]

    def phase(name: str) -> None:
        phases.append((name, time.perf_counter() - t0 - sum(t for _n, t in phases)))

    try:
        base = _rss_mb(srv.proc.pid)
        print(f"REST POST rhythm         {_pct(bench_rest(srv))}")
        phase("REST")
        print(f"OSC request -> reply     {_pct(bench_osc(srv))}")
        phase("OSC")
        procs = RECEIVER_PROCS
        fan = asyncio.run(_fanout(srv, 100, 100 + WARM, procs))
        print(f"WS fan-out, 100 clients (1 sender, 99 receivers in {procs} processes), "
              f"100 rounds after {WARM} warm-up:")
        print(f"  server hand-off        {_pct(fan['server'])}   (json + frame + 99 socket "
              "writes, timed by the server, from the ack)")
        print(f"  send -> first receiver {_pct(fan['first'])}")
        print(f"  send -> last receiver  {_pct(fan['last'])}   (end to end, client side "
              "included)")
        print(f"  client: spread in proc {_pct(fan['spread'])}   (first -> last of the "
              "clients sharing one receiver process)")
        print(f"  client: JSON parse     {_pct(fan['parse'])}   (per message)")
        phase("WS fan-out")
        asyncio.run(_sessions(srv, 100, 50))
        print(f"server RSS               {base:.0f} MB at start, {_rss_mb(srv.proc.pid):.0f} MB "
              f"holding 100 sessions x 50 operations")
        phase("sessions")
        print("time: " + ", ".join(f"{n} {t:.1f} s" for n, t in phases))
    finally:
        srv.stop()


if __name__ == "__main__":
    main()

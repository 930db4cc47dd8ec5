"""Server extension latency on loopback, against a real ``jupyter server`` process.

- REST round trip: ``POST rhythm`` r(3÷2) on a kept-alive connection.
- WebSocket fan-out: 100 clients in one session; one sends ``param_change`` and the other 99,
  spread over a few receiver processes (not this one), stamp its arrival. Reported apart: the
  server's hand-off (serialise, frame, write to the 99 sockets: timed in the server and
  returned in the ``ack``), send to first and to last receiver (end to end), and the client
  side (spread among the clients sharing a process, JSON parse).
- OSC request to reply: ``/schillinger/rhythm/interference 3 2`` and its answer.
- Memory: the server's resident size with 100 sessions (each with a member and 50 operations).
- Durable acknowledgement: an operation sent over the WebSocket until its echo, which the
  server sends only after committing it to the session store; and the store's commit alone.
- The session's Y document (issue 16), pycrdt clients speaking the Yjs sync protocol: the
  round trip of an update from one client's edit to another client's document; the
  durable acknowledgement (``sync_ack``) of one edit at a time, of edits pipelined by one
  client, and of 10 clients pipelining at once (group commit: one SQLite transaction per
  session per turn of the server's event loop). ``python -m bench.bench_server crdt``.
- The loop during commits (issue 18): a 1 ms timer's lateness while 200 operations are
  stored one by one, with the fsync on the loop (``mark``) and in the store's writer thread
  (``write``). ``python -m bench.bench_server store``.

- Load (issue 18): 1,000 WebSocket clients in one session (``BENCH_WS_CLIENTS``), 10 of them
  upgraded and then never reading; the fan-out's p50/p99 and the server's RSS, with stalled
  clients dropped by the send limit (``max_ws_send_queue_bytes``, 1 MB here).
  ``python -m bench.bench_server load 300`` runs only this part.

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
import threading
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
    """A ``jupyter server`` with the extension on free ports; ``extra``: more command-line
    options; ``log``: keep its output in ``home/server.log`` (else discarded)."""

    def __init__(self, extra: tuple[str, ...] = (), log: bool = False) -> None:
        self.home = Path(tempfile.mkdtemp(prefix="bench-server-"))
        (self.home / "root").mkdir()
        self.port, self.osc, self.reply = _free(), _free(socket.SOCK_DGRAM), _free(
            socket.SOCK_DGRAM)
        self.token = secrets.token_hex(16)
        self.log = self.home / "server.log"
        out = open(self.log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115
        env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(self.home / "rt"),
               "JUPYTER_CONFIG_DIR": str(self.home / "cfg"),
               "JUPYTER_DATA_DIR": str(self.home / "data")}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "jupyter_server", "--no-browser", "--allow-root",
             f"--port={self.port}", "--ip=127.0.0.1", f"--ServerApp.root_dir={self.home}/root",
             f"--IdentityProvider.token={self.token}", "--ServerApp.log_level=WARN",
             f"--SchillingerApp.osc_port={self.osc}",
             f"--SchillingerApp.osc_reply_port={self.reply}",
             f"--SchillingerApp.sessions_dir={self.home}/sessions", *extra],
            env=env, stdout=out, stderr=subprocess.STDOUT)
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
    # a long opening timeout: with 1,000 clients the server is busy with the joins
    conns = [await websockets.connect(url, additional_headers=hdr, max_queue=None,
                                      open_timeout=300, ping_interval=None)
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


# ----- load: many clients, some of which stop reading ------------------------------------------
def _masked_text(payload: bytes) -> bytes:
    """A client's text frame (clients must mask; a zero mask keeps the bytes as they are)."""
    n = len(payload)
    head = bytes([0x81, 0x80 | n]) if n < 126 else bytes([0x81, 0x80 | 126]) + n.to_bytes(2, "big")
    return head + b"\x00\x00\x00\x00" + payload


async def _stalled(srv: Server, session: str) -> Any:
    """A client that upgrades, joins ``session`` and never reads again (small receive buffer)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.setblocking(False)
    await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", srv.port))
    reader, writer = await asyncio.open_connection(sock=sock)
    writer.write((f"GET /schillinger/api/ws HTTP/1.1\r\nHost: 127.0.0.1:{srv.port}\r\n"
                  "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                  "Sec-WebSocket-Key: c2NoaWxsaW5nZXIgYmVuY2g=\r\n"
                  f"Authorization: token {srv.token}\r\n\r\n").encode())
    await reader.readuntil(b"\r\n\r\n")
    writer.write(_masked_text(json.dumps({"type": "join", "session": session}).encode()))
    await writer.drain()
    return writer


async def _load(srv: Server, clients: int, stalled: int, rounds: int, payload: int,
                procs: int) -> dict[str, Any]:
    """``clients`` in one session (``stalled`` of them never read); the sender's
    ``param_change`` of ``payload`` bytes each round; the server's hand-off time and the
    end-to-end time to the last reading client, with the server's RSS along the way."""
    import multiprocessing as mp

    import websockets

    url = f"ws://127.0.0.1:{srv.port}/schillinger/api/ws"
    ctx = mp.get_context("spawn")
    ready, done = ctx.Queue(), ctx.Queue()
    readers = clients - 1 - stalled
    sizes = [readers // procs + (k < readers % procs) for k in range(procs)]
    workers = [ctx.Process(target=_receiver_main, daemon=True,
                           args=(url, srv.token, n, rounds, ready, done)) for n in sizes]
    rss = {"start": _rss_mb(srv.proc.pid)}
    for w in workers:
        w.start()
    stuck = []
    try:
        for _ in workers:
            await asyncio.to_thread(ready.get, True, 600)
        stuck = [await _stalled(srv, "bench") for _ in range(stalled)]
        sender = await websockets.connect(url, additional_headers={
            "Authorization": f"token {srv.token}"}, max_size=None)
        await sender.recv()
        await sender.send(json.dumps({"type": "join", "session": "bench"}))
        while json.loads(await sender.recv())["type"] != "joined":
            pass
        await asyncio.sleep(1.0)  # let the presence messages of the joins settle
        rss["connected"] = _rss_mb(srv.proc.pid)
        blob = "p" * payload
        server, last, delivered = [], [], []
        for i in range(rounds):
            t0 = time.perf_counter()
            await sender.send(json.dumps({"type": "param_change", "id": i, "param": "x",
                                          "value": i, "pad": blob}))
            while (ack := json.loads(await sender.recv()))["type"] != "ack":
                pass
            server.append(ack["fanout_ms"] / 1e3)
            delivered.append(ack["delivered"])
            had = 0
            while had < len(workers):
                kind, _res = await asyncio.to_thread(done.get, True, 120)
                had += kind == "round"
            last.append(time.perf_counter() - t0)
        rss["after rounds"] = _rss_mb(srv.proc.pid)
        status = srv.get("status")["websocket"]
        await sender.close()
    finally:
        for w in workers:
            w.join(10)
            if w.is_alive():
                w.terminate()
        for wr in stuck:
            wr.close()
    return {"server": server[WARM:], "last": last[WARM:], "delivered": delivered,
            "rss": rss, "dropped_slow": status.get("dropped_slow"), "readers": readers}


def bench_load(srv: Server, clients: int = 1000, stalled: int = 10, rounds: int = 60,
               payload: int = 50_000) -> None:
    """Print the load figures (issue 18): fan-out to ``clients`` with ``stalled`` not reading."""
    procs = max(RECEIVER_PROCS, clients // 250)
    out = asyncio.run(_load(srv, clients, stalled, rounds + WARM, payload, procs))
    d = out["delivered"]
    print(f"WS load: {clients} clients ({stalled} stalled, {out['readers']} reading in {procs} "
          f"processes), {rounds} rounds of a {payload // 1000} kB param_change:")
    print(f"  server hand-off        {_pct(out['server'])}")
    print(f"  send -> last reader    {_pct(out['last'])}   (end to end)")
    print(f"  delivered per round    first {d[0]}, last {d[-1]}; stalled clients dropped by the "
          f"send limit: {out['dropped_slow']}")
    print("  server RSS             " + ", ".join(f"{k} {v:.0f} MB"
                                                 for k, v in out["rss"].items()))


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


async def _durable_acks(srv: Server, n: int = 300) -> list[float]:
    """One client sends an operation and waits for its echo (sent only once the operation is
    committed to the session store, fsync included), ``n`` times after 30 warm-up."""
    import websockets

    url = f"ws://127.0.0.1:{srv.port}/schillinger/api/ws"
    ws = await websockets.connect(url, additional_headers={
        "Authorization": f"token {srv.token}"})
    await ws.recv()
    await ws.send(json.dumps({"type": "join", "session": "durable"}))
    await ws.recv()
    times = []
    for i in range(n + 30):
        t0 = time.perf_counter()
        await ws.send(json.dumps({"type": "operation", "id": i, "op": {"bar": i}}))
        while json.loads(await ws.recv()).get("id") != i:
            pass
        if i >= 30:
            times.append(time.perf_counter() - t0)
    await ws.close()
    return times


def bench_commit(n: int = 500) -> list[float]:
    """The store alone: one operation appended and committed (WAL, synchronous=FULL)."""
    from schillinger_kernel.server.sessions import Identity, SessionStore

    with tempfile.TemporaryDirectory(dir=Path.home()) as d:  # the home disk, not a tmpfs
        store = SessionStore(d)
        who = Identity("bench")
        s = store.join("durable", "c", who)
        times = []
        for i in range(n):
            t0 = time.perf_counter()
            s.add_operation("c", {"bar": i, "notes": [60, 64, 67]}, who)
            store.mark(s)
            times.append(time.perf_counter() - t0)
        store.close()
    return times


def bench_commit_loop(n: int = 200, wait: bool = False) -> tuple[list[float], list[float]]:
    """The event loop while ``n`` operations are stored one by one (issue 18): its lag (a
    1 ms timer's lateness) and each commit's time, with ``SessionStore.write`` (the writer
    thread does the fsync) or, ``wait=True``, with ``SessionStore.mark`` (the loop waits)."""
    from schillinger_kernel.server.sessions import Identity, SessionStore

    async def run(store: Any) -> tuple[list[float], list[float]]:
        who = Identity("bench")
        s = store.join("durable", "c", who)
        lags: list[float] = []
        commits: list[float] = []
        done = False

        async def tick() -> None:
            while not done:
                t0 = time.perf_counter()
                await asyncio.sleep(0.001)
                lags.append(time.perf_counter() - t0 - 0.001)

        ticker = asyncio.ensure_future(tick())
        for i in range(n):
            s.add_operation("c", {"bar": i, "notes": [60, 64, 67]}, who)
            t0 = time.perf_counter()
            if wait:
                store.mark(s)
            else:
                await store.write(s)
            commits.append(time.perf_counter() - t0)
            await asyncio.sleep(0.002)
        done = True
        await ticker
        return lags, commits

    with tempfile.TemporaryDirectory(dir=Path.home()) as d:  # the home disk, not a tmpfs
        store = SessionStore(d)
        try:
            return asyncio.run(run(store))
        finally:
            store.close()


def store_main() -> None:
    """``python -m bench.bench_server store``: the loop's lag while commits run."""
    for wait, how in ((True, "mark (fsync on the loop)"), (False, "write (writer thread)")):
        lags, commits = bench_commit_loop(wait=wait)
        print(f"{how}: loop lag {_pct(lags)}; commit {_pct(commits)}", flush=True)


def _ack_latencies(c: Any) -> list[float]:
    """Per edit: from its frame's send to the first ``sync_ack`` covering it."""
    import bisect

    acks = sorted(c.acked_at.items())
    frames = [f for f, _t in acks]
    out = []
    for f, t0 in c.sent_at.items():
        i = bisect.bisect_left(frames, f)
        if i < len(acks):
            out.append(acks[i][1] - t0)
    return out


async def _crdt(srv: Server, n: int = 300, clients: int = 10, burst: int = 100
                ) -> dict[str, list[float]]:
    from schillinger_kernel.server.crdt_client import YClient

    url = f"ws://127.0.0.1:{srv.port}/schillinger/api/ws"
    a, conn_a, task_a = await YClient.connect(url, "ybench", token=srv.token)
    b, conn_b, task_b = await YClient.connect(url, "ybench", token=srv.token)
    got = asyncio.Event()
    b.doc.observe(lambda _e: got.set())
    await a.stored()
    trip = []
    for i in range(n + WARM):  # one edit, until the other client's document has it
        got.clear()
        t0 = time.perf_counter()
        a.params["tempo"] = 60 + i % 100
        await asyncio.wait_for(got.wait(), 10)
        if i >= WARM:
            trip.append(time.perf_counter() - t0)
    one = []
    for i in range(n + WARM):  # one edit at a time, until it is acknowledged as stored
        t0 = time.perf_counter()
        a.score.append({"bar": i, "notes": [60, 64, 67]})
        await a.stored()
        if i >= WARM:
            one.append(time.perf_counter() - t0)
    a.sent_at.clear()
    a.acked_at.clear()
    for i in range(n):  # pipelined: no waiting between edits
        a.score.append({"bar": i, "notes": [62, 65, 69]})
    await a.stored()
    piped = _ack_latencies(a)
    for conn, task in ((conn_a, task_a), (conn_b, task_b)):
        task.cancel()
        conn.close()
    many = [await YClient.connect(url, "ybench-10", token=srv.token) for _ in range(clients)]
    for c, _conn, _task in many:
        await c.stored()
        c.sent_at.clear()
        c.acked_at.clear()
    for k in range(burst):
        for i, (c, _conn, _task) in enumerate(many):
            c.score.append({"c": i, "k": k})
        await asyncio.sleep(0)
    await asyncio.gather(*(c.stored() for c, _conn, _task in many))
    group = [x for c, _conn, _task in many for x in _ack_latencies(c)]
    for _c, conn, task in many:
        task.cancel()
        conn.close()
    return {"trip": trip, "one": one, "piped": piped, "group": group}


def crdt_main(srv: Server | None = None) -> None:
    """The Y document part alone (on ``srv``, or a server of its own)."""
    own = srv is None
    srv = srv or Server()
    try:
        r = asyncio.run(_crdt(srv))
        print("Y document (pycrdt clients, Yjs sync protocol over the WebSocket):")
        print(f"  update round trip A->B  {_pct(r['trip'])}   (edit in A until B's document "
              "has it; no commit on the way)")
        print(f"  durable ack, one edit   {_pct(r['one'])}   (edit until sync_ack: "
              "committed, synchronous=FULL)")
        print(f"  durable ack, pipelined  {_pct(r['piped'])}   (one client, 300 edits "
              "back to back)")
        print(f"  durable ack, 10 clients {_pct(r['group'])}   (10 x 100 edits at once; "
              "group commit)")
    finally:
        if own:
            srv.stop()


def main() -> None:
    t0 = time.perf_counter()
    # The OSC figure is latency, one request at a time back to back: the per-sender limit
    # (200 a second, bursts of as many) would drop that run's packets after its burst.
    srv = Server(extra=("--SchillingerApp.osc_rate=0",))
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
        print(f"durable ack (WS op->echo) {_pct(asyncio.run(_durable_acks(srv)))}")
        print(f"  store commit alone      {_pct(bench_commit())}   (SQLite WAL, "
              "synchronous=FULL)")
        phase("durable acks")
        crdt_main(srv)
        phase("Y document")
    finally:
        srv.stop()
    status_main()
    phase("status under jobs")
    load_main(int(os.environ.get("BENCH_WS_CLIENTS", "1000")))
    phase("WS load")
    print("time: " + ", ".join(f"{n} {t:.1f} s" for n, t in phases))


def bench_status_under_jobs(srv: Server, n: int = 200, busy: int = 2) -> list[float]:
    """GET /status latencies while ``busy`` clients keep heavy compose jobs running."""
    body = json.dumps({"mode": "generate_composition", "args": {"duration": 512}})
    headers = {"Authorization": f"token {srv.token}", "Content-Type": "application/json"}
    stop = threading.Event()
    done = [0]

    def keep_busy() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=300)
        while not stop.is_set():
            conn.request("POST", "/schillinger/api/compose", body, headers)
            conn.getresponse().read()
            done[0] += 1
        conn.close()

    workers = [threading.Thread(target=keep_busy, daemon=True) for _ in range(busy)]
    for w in workers:
        w.start()
    time.sleep(1.0)  # the first jobs are running (and the process pool started)
    conn = http.client.HTTPConnection("127.0.0.1", srv.port)
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        conn.request("GET", "/schillinger/api/status", headers=headers)
        conn.getresponse().read()
        times.append(time.perf_counter() - t0)
        time.sleep(0.01)
    conn.close()
    stop.set()
    for w in workers:
        w.join(300)
    print(f"  ({done[0]} compose jobs of 512 bars finished meanwhile)")
    return times


def status_main() -> None:
    """/status latency under running compose jobs: in threads (before) and processes."""
    for label, extra in (("threads  (process_workers=0)", ("--SchillingerApp.process_workers=0",)),
                         ("processes (default)", ())):
        srv = Server(extra=extra)
        try:
            print(f"GET /status under 2 compose clients, {label}:")
            print(f"  {_pct(bench_status_under_jobs(srv))}")
        finally:
            srv.stop()


def load_main(clients: int = 1000, stalled: int = 10) -> None:
    """The load bench alone, on a server whose send limit (1 MB) the stalled clients pass."""
    srv = Server(extra=("--SchillingerApp.max_ws_send_queue_bytes=1000000",))
    try:
        bench_load(srv, clients, stalled)
    finally:
        srv.stop()


if __name__ == "__main__":
    if sys.argv[1:2] == ["status"]:  # python -m bench.bench_server status
        status_main()
    elif sys.argv[1:2] == ["store"]:  # python -m bench.bench_server store
        store_main()
    elif sys.argv[1:2] == ["crdt"]:  # python -m bench.bench_server crdt
        crdt_main()
    elif sys.argv[1:2] == ["load"]:  # python -m bench.bench_server load 300
        load_main(int(sys.argv[2]) if len(sys.argv) > 2 else 1000)
    else:
        main()

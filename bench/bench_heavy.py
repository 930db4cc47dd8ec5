"""``GET /status`` while heavy requests run (issue 18): the event loop only routes.

Two clients keep one kind of heavy request going on a real ``jupyter server`` while a third
asks ``GET /status`` every 10 ms; printed per kind: median, p99 and longest ``/status``, the
heavy requests answered and their status codes (any 5xx is a failure). The kinds are a rhythm
answered with its 100,000-note score (a child process since issue 18), a transport ``load``
of a 100,000-note score (parsed in a worker thread since issue 18) and a 512-bar composition.

``python -m bench.bench_heavy [seconds per kind]`` (default 20). To measure an older checkout,
put it first on ``PYTHONPATH`` (``git archive HEAD | tar -x -C /tmp/head``). Prints; never
asserts.
"""

from __future__ import annotations

import http.client
import json
import statistics
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

SECONDS = 20.0
#: 100,000 notes in chords of 50, one a beat: 500 bars, 1,000 s (inside the default limits)
SCORE = {"title": "load", "parts": [{"name": "p", "notes": [
    [(k // 50) * 480, 480, 36 + k % 50, 90] for k in range(100_000)]}]}
KINDS: dict[str, tuple[str, dict[str, Any]]] = {
    "rhythm with score (period 100,000)": (
        "rhythm", {"technique": "interference", "generators": [1, 1],
                   "options": {"period": 100_000}, "score": True}),
    "transport load (100,000 notes)": ("transport", {"action": "load", "score": SCORE}),
    "compose (512 bars)": ("compose", {"mode": "generate_composition",
                                       "args": {"duration": 512}}),
}


def percentiles(xs: list[float]) -> str:
    """Median, p99 and max of ``xs`` seconds, in ms.

    >>> percentiles([0.001] * 99 + [0.5])
    'median 1.0 ms, p99 1.0 ms, max 500.0 ms (n=100)'
    """
    xs = sorted(xs)
    p99 = xs[min(len(xs) - 1, round(0.99 * (len(xs) - 1)))]
    return (f"median {statistics.median(xs) * 1e3:.1f} ms, p99 {p99 * 1e3:.1f} ms, "
            f"max {xs[-1] * 1e3:.1f} ms (n={len(xs)})")


def status_under(port: int, token: str, path: str, body: dict[str, Any], seconds: float,
                 busy: int = 2) -> tuple[list[float], Counter[int]]:
    """``/status`` latencies while ``busy`` clients keep POSTing ``body`` to ``path``."""
    headers = {"Authorization": f"token {token}", "Content-Type": "application/json"}
    raw = json.dumps(body)
    stop = threading.Event()
    codes: Counter[int] = Counter()

    def keep_busy() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        while not stop.is_set():
            conn.request("POST", f"/schillinger/api/{path}", raw, headers)
            r = conn.getresponse()
            r.read()
            codes[r.status] += 1
        conn.close()

    workers = [threading.Thread(target=keep_busy, daemon=True) for _ in range(busy)]
    for w in workers:
        w.start()
    time.sleep(1.0)  # the first requests are being worked on
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    times: list[float] = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        t0 = time.perf_counter()
        conn.request("GET", "/schillinger/api/status", headers=headers)
        conn.getresponse().read()
        times.append(time.perf_counter() - t0)
        time.sleep(0.01)
    conn.close()
    stop.set()
    for w in workers:
        w.join(600)
    return times, codes


def main(seconds: float = SECONDS) -> None:
    from bench.bench_server import Server

    srv = Server(extra=("--SchillingerApp.audio_output=False",))
    try:
        import schillinger_kernel

        print(f"GET /status every 10 ms while 2 clients keep each kind busy "
              f"({seconds:g} s each; schillinger_kernel from "
              f"{Path(schillinger_kernel.__file__).parent}):", flush=True)
        for label, (path, body) in KINDS.items():
            times, codes = status_under(srv.port, srv.token, path, body, seconds)
            answered = ", ".join(f"{n}x {c}" for c, n in sorted(codes.items()))
            print(f"  {label}: {percentiles(times)}; heavy answers: {answered}", flush=True)
    finally:
        srv.stop()


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main(float(sys.argv[1]) if len(sys.argv) > 1 else SECONDS)

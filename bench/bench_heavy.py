"""``GET /status`` while heavy requests run (issue 18): the event loop only routes.

Two clients keep one kind of heavy request going on a real ``jupyter server`` while a third
asks ``GET /status`` every 10 ms; printed per kind: median, p99 and longest ``/status``, the
heavy requests answered and their status codes (any 5xx is a failure), and the machine's load
averages at the end. The first kind, ``idle``, runs nothing heavy: on a shared machine it is
the floor the others are read against. The heavy kinds are a rhythm answered with its
100,000-note score (a child process since issue 18), a transport ``load`` of a 100,000-note
score (read in a child process, its notes made again in a worker thread, since issue 18), a
512-bar composition, and two exports run as jobs: a MIDI file of 20,000 notes (its score
parsed and the file written in a child process since issue 18) and 60 s of WAV.

``python -m bench.bench_heavy [seconds per kind] [word ...]`` (default 20 s; with words, only
the kinds whose label holds one of them, any case, e.g. ``transport`` or ``midi``). To
measure an older checkout, run from another folder with it first on ``PYTHONPATH`` (``git
archive HEAD | tar -x -C /tmp/head; cd /tmp; PYTHONPATH=/tmp/head:/work/main python -m
bench.bench_heavy``): from the repository, ``-m`` puts its own tree first. Prints; never
asserts.
"""

from __future__ import annotations

import http.client
import json
import os
import statistics
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

SECONDS = 20.0
#: 100,000 notes in chords of 50, one a beat: 500 bars, 1,000 s (inside the default limits)
NOTES = [[(k // 50) * 480, 480, 36 + k % 50, 90] for k in range(100_000)]
SCORE = {"title": "load", "parts": [{"name": "p", "notes": NOTES}]}
KINDS: dict[str, tuple[str, dict[str, Any]]] = {
    # no heavy request: how long /status takes on this machine as loaded as it is now
    "idle (the control)": ("", {}),
    "rhythm with score (period 100,000)": (
        "rhythm", {"technique": "interference", "generators": [1, 1],
                   "options": {"period": 100_000}, "score": True}),
    "transport load (100,000 notes)": ("transport", {"action": "load", "score": SCORE}),
    "compose (512 bars)": ("compose", {"mode": "generate_composition",
                                       "args": {"duration": 512}}),
    # jobs: a file written from a 20,000-note body (in a child), 60 s of audio (a thread)
    "export MIDI (20,000 notes)": ("export", {
        "score": {"parts": [{"name": "p", "notes": NOTES[:20_000]}]},
        "format": "midi", "path": "heavy.mid", "overwrite": True}),
    "export WAV (60 s of audio)": ("export", {
        "score": {"parts": [{"name": "p", "notes": [[k * 240, 240, 48 + k % 24, 90]
                                                     for k in range(240)]}]},
        "format": "wav", "path": "heavy.wav", "overwrite": True}),
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


def main(seconds: float = SECONDS, words: tuple[str, ...] = ()) -> None:
    from bench.bench_server import Server

    srv = Server(extra=("--SchillingerApp.audio_output=False",))
    try:
        import schillinger_kernel

        print(f"GET /status every 10 ms while 2 clients keep each kind busy "
              f"({seconds:g} s each; schillinger_kernel from "
              f"{Path(schillinger_kernel.__file__).parent}):", flush=True)
        for label, (path, body) in KINDS.items():
            if words and not any(w.lower() in label.lower() for w in words):
                continue
            times, codes = status_under(srv.port, srv.token, path, body, seconds,
                                        busy=2 if path else 0)
            answered = ", ".join(f"{n}x {c}" for c, n in sorted(codes.items())) or "none"
            load = " ".join(f"{x:.1f}" for x in os.getloadavg())
            print(f"  {label}: {percentiles(times)}; heavy answers: {answered}; "
                  f"load {load}", flush=True)
    finally:
        srv.stop()


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main(float(sys.argv[1]) if len(sys.argv) > 1 else SECONDS, tuple(sys.argv[2:]))

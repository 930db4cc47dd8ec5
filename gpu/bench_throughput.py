"""GPU render throughput: one long score, and a sweep of 1,000 variations in one call.

Run on a machine with an NVIDIA GPU, from the repository root::

    pip install -e ".[gpu]"
    python gpu/bench_throughput.py            # add --cpu to time NumPy on the same work

Prints wall time (after a warm-up, device synchronised), real-time factor (seconds of music
rendered per second), scores per second for the batch, and the device's peak memory.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import schillinger_kernel as sk
from bench.bench_render import piece
from schillinger_kernel.score import Score
from schillinger_kernel.synth import BackendUnavailable, get_backend


def variations(n: int = 1000) -> list[Score]:
    """``n`` eight-second variations: interference pairs x transpositions x tempi."""
    pairs = [(a, b) for a in range(2, 12) for b in range(1, a)]
    out = []
    for i in range(n):
        a, b = pairs[i % len(pairs)]
        s = sk.rhythm.interference(a, b).to_score(("C3", "G3", "E4", "B3"), instrument="piano",
                                                  tempo=90 + (i % 7) * 10, repeat=1)
        while s.duration_seconds < 8.0:
            s = s.concat(s, align_to_bar=False)
        out.append(s.transpose(i % 12 - 6))
    return out


def timed(backend: str, fn: object) -> float:
    be = get_backend(backend)
    assert callable(fn)
    fn()  # warm-up
    be.synchronize()
    t0 = time.perf_counter()
    fn()
    be.synchronize()
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cpu", action="store_true", help="also time the NumPy backend")
    ap.add_argument("-n", type=int, default=1000, help="variations in the batch")
    ap.add_argument("--backend", choices=("cupy", "numpy"), default="cupy",
                    help="the backend to time (numpy: a dry run without a GPU)")
    args = ap.parse_args()
    try:
        dev = get_backend(args.backend)
    except BackendUnavailable as exc:
        print(exc)
        return 2
    print(f"backend: {dev.name} ({dev.reason})")
    backends = [args.backend, "numpy"] if args.cpu and args.backend != "numpy" else [args.backend]
    long = piece(seconds=180.0)
    sweep = variations(args.n)
    music = sum(s.duration_seconds for s in sweep)
    for b in backends:
        pool = None
        if b == "cupy":
            import cupy

            pool = cupy.get_default_memory_pool()
            pool.free_all_blocks()
        t_one = timed(b, lambda b=b: sk.render(long, backend=b))
        t_many = timed(b, lambda b=b: sk.render_many(sweep, backend=b, progress=False))
        peak = pool.total_bytes() / 2 ** 20 if pool is not None else float("nan")
        print(f"[{b}] one 3-minute 4-part score: {t_one:.3f} s = "
              f"{long.duration_seconds / t_one:,.0f}x real time")
        print(f"[{b}] {len(sweep)} variations ({music / 60:.0f} min of music): {t_many:.2f} s = "
              f"{len(sweep) / t_many:,.0f} scores/s, {music / t_many:,.0f}x real time; "
              f"device pool {peak:,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

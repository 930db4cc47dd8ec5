"""GPU render equals CPU render: CuPy vs NumPy on a set of scores, within 1e-4.

Run on a machine with an NVIDIA GPU, from the repository root::

    pip install -e ".[gpu]"
    python gpu/parity.py

``--against strict`` runs the same comparison against ``array_api_strict`` on any machine.
Exit status 0 when every render matches, 1 when one differs, 2 when no GPU backend is usable.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import schillinger_kernel as sk
from bench.bench_render import piece
from schillinger_kernel.score import Note, Part, Score, TempoChange
from schillinger_kernel.synth import Backend, BackendUnavailable, get_backend

TOLERANCE = 1e-4


def cases() -> dict[str, Callable[[Any], list[np.ndarray]]]:
    """Named render jobs; each returns the sample arrays for a backend name."""
    typical = piece(seconds=20.0)
    dense = piece(dense=True, seconds=10.0)
    tempo_map = Score(parts=(Part("P", tuple(Note(i * 240, 200, 60 + i % 12, 90)
                                              for i in range(48)), preset="lead", pan=0.5),),
                      tempos=(TempoChange(0, 90.0), TempoChange(2880, 150.0)))
    sweep = [sk.rhythm.interference(a, b).to_score(("C3", "G3", "E4"), instrument="piano",
                                                   repeat=4, tempo=100 + 5 * a)
             for a in range(3, 9) for b in range(2, a)]
    fx = {"master": {"eq": {"low_db": 3, "high_db": -2}, "delay": {"time": 0.25},
                     "reverb": {"decay": 1.2}}, "Bass": {"eq": {"low_db": -6}}}
    return {
        "typical 20 s, 48 kHz": lambda b: [sk.render(typical, backend=b).samples],
        "dense 10 s, 48 kHz": lambda b: [sk.render(dense, backend=b).samples],
        "typical with effects": lambda b: [sk.render(typical, backend=b, effects=fx).samples],
        "tempo map, 44.1 kHz": lambda b: [sk.render(tempo_map, 44100, backend=b).samples],
        f"batch of {len(sweep)}": lambda b: [a.samples for a in sk.render_many(
            sweep, backend=b, progress=False)],
        "preset preview": lambda b: [sk.render_audio(
            {"name": "p", "role": "pluck", "parameters": {"attack": 0.005}},
            {"tempo": 110, "key": "E", "scale": "minor"}, 3.0, backend=b)],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--against", choices=("cupy", "strict"), default="cupy",
                    help="compare NumPy with CuPy (default) or with array_api_strict (no GPU)")
    args = ap.parse_args(argv)
    if args.against == "strict":
        import array_api_strict

        gpu = Backend.generic(array_api_strict)
    else:
        try:
            gpu = get_backend("cupy")
        except BackendUnavailable as exc:
            print(exc)
            return 2
    print(f"compared backend: {gpu.name} ({gpu.reason})")
    failed = 0
    print(f"{'case':26} {'max |diff|':>16} {'numpy s':>8} {gpu.name[:8] + ' s':>10}  result")
    for name, job in cases().items():
        t0 = time.perf_counter()
        cpu = job("numpy")
        t1 = time.perf_counter()
        job(gpu)  # warm-up: kernels compile on first use
        t2 = time.perf_counter()
        got = job(gpu)
        gpu.synchronize()
        t3 = time.perf_counter()
        diff = max(float(np.max(np.abs(a - b))) if a.shape == b.shape else float("inf")
                   for a, b in zip(cpu, got, strict=True))
        ok = diff <= TOLERANCE
        failed += not ok
        print(f"{name:26} {diff:16.2e} {t1 - t0:8.3f} {t3 - t2:10.3f}  "
              f"{'ok' if ok else 'DIFFERS'}")
    print(f"{'all renders match' if not failed else f'{failed} renders differ'} "
          f"(tolerance {TOLERANCE})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

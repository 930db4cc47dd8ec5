"""Run every benchmark module (``bench/bench_*.py``) in one process, in name order.

Benchmarks report; they never fail the build. ``python -m bench rhythm`` runs only the
modules whose name contains ``rhythm``.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
import traceback

import bench


def main(argv: list[str]) -> int:
    names = sorted(m.name for m in pkgutil.iter_modules(bench.__path__)
                   if m.name.startswith("bench_"))
    if argv:
        names = [n for n in names if any(a in n for a in argv)]
    for name in names:
        print(f"\n=== {name} ===", flush=True)
        t0 = time.perf_counter()
        try:
            importlib.import_module(f"bench.{name}").main()
        except Exception:  # a broken benchmark is reported, the others still run
            traceback.print_exc()
        print(f"--- {name}: {time.perf_counter() - t0:.1f} s", flush=True)
    if not argv:
        # The mutation score is too slow to run here (`make mutate`); its last table is shown.
        from bench import mutation

        table = mutation.summary()
        print("\n=== mutation score (last `make mutate`) ===")
        print(table or "none yet: run `make mutate`")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

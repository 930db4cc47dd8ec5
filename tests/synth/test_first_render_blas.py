"""A process's first render keeps every BLAS at one thread (issue #13).

The engine limits BLAS to one thread while it renders (its time chunks in the calling
thread or its own). SciPy's OpenBLAS (the saxpy the notes are placed with) used to be
loaded only inside that limit, so the limit missed it: the first render of a process
handed every note's saxpy to BLAS threads that then spun (measured: 3-6.5 s of CPU for a
three-minute solo instead of about 1 s). A fresh interpreter shows what a notebook's first
render sees.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

PROBE = r"""
import json
from threadpoolctl import threadpool_info
import schillinger_kernel.synth.engine as engine
from schillinger_kernel.score import Score
from schillinger_kernel.synth.backend import get_backend

seen = []
placed = engine.add_notes

def add_notes(*args, **kwargs):
    seen.extend((i["filepath"], i["num_threads"]) for i in threadpool_info()
                if i["user_api"] == "blas")
    return placed(*args, **kwargs)

engine.add_notes = add_notes
# Several time chunks, so that notes are placed after SciPy's BLAS has come in.
tl = engine.plan([Score.from_durations((1,) * 96, pitches=(60, 64, 67))], 8000)
engine.synthesize(tl, get_backend("numpy"), threads=1)
loaded = [i["filepath"] for i in threadpool_info() if i["user_api"] == "blas"]
print(json.dumps({"seen": seen, "loaded": loaded}))
"""


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2,
                    reason="one CPU: BLAS runs one thread anyway, nothing to limit")
def test_the_first_render_of_a_process_places_notes_with_one_blas_thread() -> None:
    env = {k: v for k, v in os.environ.items()  # BLAS as a user's process starts it
           if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                         check=True, timeout=120, env=env)
    probe = json.loads(out.stdout.strip().splitlines()[-1])
    seen = probe["seen"]
    # Every BLAS the process has loaded by the end (NumPy's and SciPy's own, with pip's
    # wheels) was there, at one thread, whenever notes were placed.
    assert {path for path, _ in seen} == set(probe["loaded"]), probe
    assert seen and {threads for _, threads in seen} == {1}, seen

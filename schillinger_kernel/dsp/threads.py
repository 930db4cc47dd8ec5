"""How many worker threads this process should use for array work.

Shared by the renderer (``synth.room``: the room's transforms and its add back; the
engine's time chunks where threads are asked for) and the exporter (``io.audio``: blocks
encoded while one thread writes), so it lives below both.

Examples
--------
>>> 1 <= cpu_threads() <= 8
True
"""

from __future__ import annotations

import os

__all__ = ["cpu_threads"]


def cpu_threads() -> int:
    """Worker threads for NumPy work: the CPUs this process may use, at most 8.

    The affinity mask, not ``os.cpu_count()``: a container or ``taskset`` may allow fewer
    CPUs than the machine has, and more threads than CPUs only fight for them.

    >>> isinstance(cpu_threads(), int)
    True
    """
    try:
        n = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        n = os.cpu_count() or 1
    return max(1, min(8, n))

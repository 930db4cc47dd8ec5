"""Array backends for the renderer: NumPy on the CPU, CuPy on an NVIDIA GPU.

The engine is written once against an array-API namespace ``xp``. The few operations the array
API standard does not have (scatter-add, segment ids for ragged flattening, moving an array back
to the host) live here, one implementation per backend, on a :class:`Backend` value.

``backend="auto"`` picks CuPy when it imports *and* a CUDA device answers, else NumPy, and logs
one line saying which and why. ``backend="cupy"`` where CuPy is missing raises an error that says
how to install the ``gpu`` extra.

>>> b = get_backend("numpy")
>>> b.name
'numpy'
>>> xp = b.xp
>>> b.to_numpy(b.scatter_add(4, xp.asarray([0, 2, 2]), xp.asarray([1.0, 2.0, 3.0])))
array([1., 0., 5., 0.], dtype=float32)
>>> b.to_numpy(b.segment_ids(xp.asarray([2, 0, 3]), 5))
array([0, 0, 2, 2, 2])
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np

from ..errors import PeerUnavailable

__all__ = [
    "BACKENDS",
    "GPU_HINT",
    "Backend",
    "BackendUnavailable",
    "get_backend",
    "get_namespace",
]


log = logging.getLogger("schillinger_kernel.synth")

BACKENDS = ("auto", "numpy", "cupy")
GPU_HINT = ("install the GPU extra: pip install 'schillinger-workbench[gpu]' "
            "(CuPy for CUDA 12) on a machine with an NVIDIA driver")


class BackendUnavailable(PeerUnavailable):
    """The requested array backend cannot be used on this machine (a ``RuntimeError``)."""


@dataclass(frozen=True)
class Backend:
    """An array namespace plus the non-standard operations the engine needs.

    Attributes
    ----------
    name : str
        ``"numpy"``, ``"cupy"`` or the name of another array-API namespace.
    xp : module
        The array namespace the engine computes with.
    reason : str
        Why this backend was chosen (logged by ``"auto"``).
    """

    name: str
    xp: Any
    reason: str = ""

    @classmethod
    def generic(cls, xp: ModuleType, name: str | None = None) -> Backend:
        """A backend for any array-API namespace (e.g. ``array_api_strict``), standard ops only.

        Scatter-add is built from sort, cumulative sum and search, so this runs the engine's
        array code in a strictly standard namespace.
        """
        return cls(name or str(getattr(xp, "__name__", "array-api")), xp,
                   "standard operations only")

    # -- non-standard operations ---------------------------------------------------------------
    def scatter_add(self, size: int, index: Any, values: Any) -> Any:
        """A new float32 vector of ``size`` with ``values`` summed at ``index`` (repeats add)."""
        xp = self.xp
        if self.name == "numpy":
            out = np.zeros(size, dtype=np.float32)
            np.add.at(out, index, values.astype(np.float32, copy=False))
            return out
        if self.name == "cupy":
            import cupyx

            out = xp.zeros(size, dtype=xp.float32)
            cupyx.scatter_add(out, index, xp.astype(values, xp.float32))
            return out
        # Standard ops only: sort by index, running sum, difference at segment ends.
        if index.shape[0] == 0:
            return xp.zeros(size, dtype=xp.float32)
        order = xp.argsort(index)
        idx = xp.take(index, order)
        vals = xp.astype(xp.take(values, order), xp.float64)
        csum = xp.cumulative_sum(vals, include_initial=True)
        bins = xp.arange(size, dtype=idx.dtype)
        lo = xp.searchsorted(idx, bins, side="left")
        hi = xp.searchsorted(idx, bins, side="right")
        return xp.astype(xp.take(csum, hi) - xp.take(csum, lo), xp.float32)

    def add_hits(self, buf: Any, pos: np.ndarray, amp: Any, tmpl: Any) -> Any:
        """``buf`` plus ``amp[i] * tmpl`` starting at each ``pos[i]`` (sorted host ints).

        Every hit must fit: ``pos[-1] + len(tmpl) <= len(buf)``. NumPy adds in place: evenly
        spaced hits through one strided view, others a whole template per row of a
        sliding-window view, in as many passes as hits overlap (hits ``j, j + depth, ...``
        never do); other backends scatter-add every sample.
        """
        xp = self.xp
        n = int(tmpl.shape[0])
        if pos.shape[0] == 0:
            return buf
        if self.name == "numpy":
            strided = np.lib.stride_tricks.as_strided  # (sliding_window_view: 50 us a call)
            gap = np.diff(pos)
            if pos.shape[0] < 2 or (gap[0] >= n and np.all(gap == gap[0])):
                # Evenly spaced and apart (a drum pattern on a grid): one strided view whose
                # rows are the hits' spans, added to directly.
                step = int(gap[0]) if pos.shape[0] > 1 else n
                rows = strided(buf[int(pos[0]):], (pos.shape[0], n),
                               (step * buf.strides[0], buf.strides[0]))
                rows += amp[:, None] * tmpl
                return buf
            # win[p] is buf[p:p + n]
            win = strided(buf, (buf.shape[0] - n + 1, n), (buf.strides[0], buf.strides[0]))
            depth = int(np.max(np.searchsorted(pos, pos + n) - np.arange(pos.shape[0])))
            for j in range(depth):
                win[pos[j::depth]] += amp[j::depth, None] * tmpl
            return buf
        idx = xp.reshape(xp.reshape(xp.asarray(pos), (-1, 1)) + xp.reshape(
            xp.arange(n, dtype=xp.int64), (1, -1)), (-1,))
        vals = xp.reshape(xp.reshape(amp, (-1, 1)) * xp.reshape(tmpl, (1, -1)), (-1,))
        return buf + self.scatter_add(buf.shape[0], idx, vals)

    def segment_ids(self, counts: Any, total: int) -> Any:
        """For ragged segments of ``counts`` items: the segment of each of the ``total`` items."""
        xp = self.xp
        if self.name == "numpy":
            return np.repeat(np.arange(counts.shape[0]), counts)
        ends = xp.cumulative_sum(xp.astype(counts, xp.int64))
        pos = xp.arange(total, dtype=xp.int64)
        return xp.searchsorted(ends, pos, side="right")

    def matmul_to(self, a: Any, b: Any, out: Any, key: Any) -> None:
        """``out[key] = a @ b``, on NumPy straight into ``out`` (no temporary)."""
        if self.name == "numpy":
            np.matmul(a, b, out=out[key])
        else:
            out[key] = a @ b

    def to_numpy(self, a: Any) -> np.ndarray:
        """The array on the host as a NumPy array."""
        if self.name == "numpy":
            return np.asarray(a)
        if self.name == "cupy":
            return a.get()  # type: ignore[no-any-return]
        return _host_copy(a)

    def synchronize(self) -> None:
        """Wait for queued device work (for timing); a no-op on the CPU."""
        if self.name == "cupy":
            import cupy

            cupy.cuda.Device().synchronize()


def _host_copy(a: Any) -> np.ndarray:
    # array_api_strict and other CPU namespaces convert through the buffer protocol or DLPack.
    try:
        return np.from_dlpack(a)
    except Exception:
        return np.asarray(a.tolist())


def _cupy_backend() -> Backend:
    """The CuPy backend, or :class:`BackendUnavailable` saying what is missing."""
    try:
        import cupy
    except ImportError as exc:
        raise BackendUnavailable(f"backend 'cupy' is not available: CuPy is not installed "
                                 f"({exc}); {GPU_HINT}") from None
    try:
        count = int(cupy.cuda.runtime.getDeviceCount())
        if count < 1:
            raise RuntimeError("no CUDA device found")
        props = cupy.cuda.runtime.getDeviceProperties(0)
        dev_name = props["name"].decode() if isinstance(props["name"], bytes) else props["name"]
        cupy.zeros(1).sum().item()  # a device that answers
    except Exception as exc:
        raise BackendUnavailable(
            f"backend 'cupy' is not available: CuPy imports but no CUDA device answered "
            f"({type(exc).__name__}: {exc}); {GPU_HINT}") from None
    try:  # the array-API view of CuPy when array-api-compat is there (part of the gpu extra)
        import array_api_compat.cupy as xp
    except ImportError:
        xp = cupy
    return Backend("cupy", xp, f"CUDA device 0: {dev_name}")


@functools.lru_cache(maxsize=1)
def _auto() -> Backend:
    try:
        b = _cupy_backend()
        b = Backend(b.name, b.xp, f"CuPy imports and {b.reason} answered")
    except BackendUnavailable as exc:
        why = str(exc).split(": ", 1)[1].split("; install")[0]
        b = Backend("numpy", np, f"{why}")
    log.info("render backend: %s (%s)", b.name, b.reason)
    return b


def get_backend(backend: str | Backend = "auto") -> Backend:
    """The :class:`Backend` for ``"auto"``, ``"numpy"``, ``"cupy"`` (or a ``Backend`` as is).

    Raises
    ------
    BackendUnavailable
        ``"cupy"`` asked for where CuPy or a CUDA device is missing (the message says how to
        install the ``gpu`` extra).
    ValueError
        Any other name.
    """
    if isinstance(backend, Backend):
        return backend
    if backend == "numpy":
        return Backend("numpy", np, "asked for")
    if backend == "cupy":
        return _cupy_backend()
    if backend == "auto":
        return _auto()
    raise ValueError(f"backend must be one of {', '.join(map(repr, BACKENDS))} or a Backend, "
                     f"got {backend!r}")


def get_namespace(backend: str | Backend = "auto") -> Any:
    """The array namespace ``xp`` of a backend (see :func:`get_backend`).

    >>> get_namespace("numpy").__name__
    'numpy'
    """
    return get_backend(backend).xp

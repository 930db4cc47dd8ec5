"""The :class:`Audio` value: float32 samples of shape (frames, channels) and a sample rate.

A plain value in layer 2 (beside ``score``): synthesis (``synth``) makes it, ``dsp`` measures
and masters it, ``io`` encodes and decodes it, ``analysis`` reports on it. It imports only
NumPy and the error taxonomy, so every one of those can use it without importing another.

Examples
--------
>>> import numpy as np
>>> a = Audio(np.zeros((48000, 2), dtype=np.float32), 48000)
>>> a
Audio(1.000 s, 2 ch, 48000 Hz)
>>> a.frames, a.channels, a.duration
(48000, 2, 1.0)
>>> db(0.5) < 0 < db(2.0)
True
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from .errors import ParameterError, ParameterTypeError

__all__ = ["MAX_RATE", "MIN_RATE", "Audio", "db"]

MIN_RATE, MAX_RATE = 8000, 384000


class Audio:
    """Rendered or loaded sound: ``samples`` (frames, channels) float32 and ``sample_rate``.

    Immutable: the sample array is read-only. ``write`` exports it (see
    :func:`schillinger_kernel.io.audio.write`).

    Parameters
    ----------
    samples : array_like
        Numbers of shape (frames, channels) or (frames,) for mono; stored as float32.
    sample_rate : int
        Frames per second, in ``MIN_RATE..MAX_RATE``.

    Raises
    ------
    ParameterTypeError
        ``sample_rate`` is not an int or ``samples`` are not numbers.
    ParameterError
        A rate out of range, a wrong shape, NaN or infinity.

    Examples
    --------
    >>> Audio([0.0, 0.5, -0.25], 8000).peak
    0.5
    """

    __slots__ = ("_sample_rate", "_samples")

    def __init__(self, samples: Any, sample_rate: int | np.integer[Any]) -> None:
        # Not checks.check_int: a NumPy integer (a rate read from a file header) is welcome here.
        if isinstance(sample_rate, bool) or not isinstance(sample_rate, int | np.integer):
            raise ParameterTypeError(
                f"sample_rate must be an int, got {type(sample_rate).__name__}",
                field="sample_rate")
        if not MIN_RATE <= int(sample_rate) <= MAX_RATE:
            raise ParameterError(f"sample_rate must be in {MIN_RATE}..{MAX_RATE} Hz, "
                                 f"got {sample_rate}", field="sample_rate")
        arr = np.asarray(samples)
        if arr.ndim == 1:
            arr = arr[:, None]
        if arr.ndim != 2 or arr.shape[1] < 1 or arr.shape[1] > 64:
            raise ParameterError(f"samples must have shape (frames, channels), got {arr.shape}",
                                 field="samples")
        if arr.dtype.kind not in "fiu":
            raise ParameterTypeError(f"samples must be numbers, got dtype {arr.dtype}",
                                     field="samples")
        arr = np.ascontiguousarray(arr, dtype=np.float32)
        if arr.size and not np.isfinite(arr.sum(dtype=np.float64)):
            raise ParameterError("samples contain NaN or infinity", field="samples")
        arr.setflags(write=False)
        self._samples = arr
        self._sample_rate = int(sample_rate)

    @classmethod
    def _trusted(cls, samples: np.ndarray, sample_rate: int) -> Audio:
        """Wrap the engine's own output as is: C-contiguous float32 (frames, channels), already
        checked finite chunk by chunk (a second full pass costs 20 ms on a 3-minute piece)."""
        self = object.__new__(cls)
        samples.setflags(write=False)
        self._samples, self._sample_rate = samples, int(sample_rate)
        return self

    @property
    def samples(self) -> np.ndarray:
        """The read-only float32 array, shape (frames, channels)."""
        return self._samples

    @property
    def sample_rate(self) -> int:
        """Frames per second."""
        return self._sample_rate

    @property
    def frames(self) -> int:
        """Number of sample frames."""
        return int(self._samples.shape[0])

    @property
    def channels(self) -> int:
        """Number of channels (2 for renders)."""
        return int(self._samples.shape[1])

    @property
    def duration(self) -> float:
        """Length in seconds."""
        return self.frames / self._sample_rate

    @property
    def peak(self) -> float:
        """Largest absolute sample value (0 for silence)."""
        return float(np.max(np.abs(self._samples))) if self.frames else 0.0

    def mono(self) -> np.ndarray:
        """The channels averaged into one float32 vector."""
        return np.asarray(self._samples.mean(axis=1), dtype=np.float32)

    def write(self, path: str | Path, **kw: Any) -> Path:
        """Write to a wav, flac, ogg or mp3 file atomically; see ``io.audio.write``."""
        # Upward and lazy on purpose (like Score.to_midi): the value stays importable without io.
        from .io.audio import write

        return write(self, path, **kw)

    def __repr__(self) -> str:
        return f"Audio({self.duration:.3f} s, {self.channels} ch, {self._sample_rate} Hz)"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Audio):
            return NotImplemented
        return (self._sample_rate == other._sample_rate
                and self._samples.shape == other._samples.shape
                and bool(np.array_equal(self._samples, other._samples)))

    def __hash__(self) -> int:
        return hash((self._sample_rate, self._samples.shape, self._samples[:64].tobytes()))

    def __getstate__(self) -> tuple[np.ndarray, int]:
        return self._samples, self._sample_rate

    def __setstate__(self, state: tuple[np.ndarray, int]) -> None:
        arr = np.array(state[0], dtype=np.float32)
        arr.setflags(write=False)
        self._samples, self._sample_rate = arr, int(state[1])


def db(value: float) -> float:
    """20 log10 of a linear amplitude (``-inf`` for 0).

    >>> db(1.0), db(0.0)
    (0.0, -inf)
    """
    return 20.0 * math.log10(value) if value > 0 else float("-inf")

"""One tempo map: ticks to seconds and back, for the score, the widgets' wire format and the
synth's timeline alike.

A :class:`TempoMap` is the piecewise-linear map from ticks (480 per quarter) to seconds that a
score's tempo changes define. Scalar lookups are pure Python; the ``*_array`` forms take and
return NumPy arrays (NumPy is imported when they are first called, so that
``import schillinger_kernel`` stays fast for scripts and the CLI).

>>> m = TempoMap((TempoChange(0, 120.0), TempoChange(960, 60.0)))
>>> m.seconds(960), m.seconds(1440), m.ticks(2.0)
(1.0, 2.0, 1440.0)
>>> m.seconds_array([0, 480, 960, 1440]).tolist()
[0.0, 0.5, 1.0, 2.0]
"""

from __future__ import annotations

import itertools
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .checks import check_float, check_int
from .errors import ParameterError

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

__all__ = ["PPQ", "TempoChange", "TempoMap"]

#: Ticks per quarter note throughout the workbench.
PPQ = 480


@dataclass(frozen=True)
class TempoChange:
    """A tempo in quarter notes per minute, from ``tick`` on.

    >>> TempoChange(0, 90.0).bpm
    90.0
    """

    tick: int
    bpm: float

    def __post_init__(self) -> None:
        check_int("tempo.tick", self.tick, 0, None)
        check_float("tempo.bpm", self.bpm, 0.0, 1000.0, low_open=True)


@dataclass(frozen=True)
class TempoMap:
    """Ticks <-> seconds under a sorted run of tempo changes (the first at tick 0)."""

    changes: tuple[TempoChange, ...]
    ppq: int = PPQ

    def __post_init__(self) -> None:
        changes = tuple(sorted(self.changes, key=lambda t: t.tick))
        if not changes or changes[0].tick != 0:
            raise ParameterError("a tempo map needs a first tempo at tick 0", field="tempos")
        object.__setattr__(self, "changes", changes)
        check_int("ppq", self.ppq, 1, 100_000)
        secs = [0.0]
        for prev, nxt in itertools.pairwise(changes):
            secs.append(secs[-1] + (nxt.tick - prev.tick) * self._spt(prev))
        # breakpoints (tick, seconds) where the tempo changes: every lookup bisects these
        object.__setattr__(self, "_ticks", tuple(float(c.tick) for c in changes))
        object.__setattr__(self, "_secs", tuple(secs))

    def _spt(self, change: TempoChange) -> float:
        return 60.0 / (change.bpm * self.ppq)

    def seconds(self, tick: float) -> float:
        """Seconds from the start to ``tick``."""
        ticks: tuple[float, ...] = self._ticks  # type: ignore[attr-defined]
        secs: tuple[float, ...] = self._secs  # type: ignore[attr-defined]
        j = max(bisect_right(ticks, tick) - 1, 0)
        return secs[j] + (tick - ticks[j]) * self._spt(self.changes[j])

    def ticks(self, seconds: float) -> float:
        """The tick reached ``seconds`` after the start (the inverse of :meth:`seconds`)."""
        secs: tuple[float, ...] = self._secs  # type: ignore[attr-defined]
        j = max(bisect_right(secs, seconds) - 1, 0)
        return self.changes[j].tick + (seconds - secs[j]) / self._spt(self.changes[j])

    def _arrays(self) -> tuple[Any, Any, Any]:
        import numpy as np

        return (np.asarray(self._ticks, dtype=np.float64),  # type: ignore[attr-defined]
                np.asarray(self._secs, dtype=np.float64),  # type: ignore[attr-defined]
                np.asarray([self._spt(c) for c in self.changes], dtype=np.float64))

    def seconds_array(self, ticks: Sequence[float] | np.ndarray) -> np.ndarray:
        """:meth:`seconds` for every tick of an array (float64 out)."""
        import numpy as np

        t = np.asarray(ticks, dtype=np.float64)
        bp_ticks, bp_secs, spt = self._arrays()
        j = np.maximum(np.searchsorted(bp_ticks, t, side="right") - 1, 0)
        out: np.ndarray = bp_secs[j] + (t - bp_ticks[j]) * spt[j]
        return out

    def ticks_array(self, seconds: Sequence[float] | np.ndarray) -> np.ndarray:
        """:meth:`ticks` for every time of an array (float64 out)."""
        import numpy as np

        s = np.asarray(seconds, dtype=np.float64)
        bp_ticks, bp_secs, spt = self._arrays()
        j = np.maximum(np.searchsorted(bp_secs, s, side="right") - 1, 0)
        out: np.ndarray = bp_ticks[j] + (s - bp_secs[j]) / spt[j]
        return out

"""The transport clock: one play/stop/seek/tempo/loop state shared by REST, WebSocket and OSC.

The clock never sleeps or ticks: it stores an anchor (a time and the beat position at that
time) and computes the position on demand, so every reader sees the same position and nothing
drifts. Positions are in beats (quarter = 1.0, the DAW wire unit) and in samples at the
current tempo (the offset into a rendering of the loaded score). Two counters in the state let
followers that only see states (widgets, the bridge) tell what happened between two of them:
``seeks`` grows with every seek (a playing follower jumps), ``loads`` with every load and
unload of a score (a follower that plays the score fetches it again).

>>> t = [0.0]
>>> clock = TransportClock(tempo=120.0, sample_rate=48000, clock=lambda: t[0])
>>> state = clock.play(); t[0] = 1.5
>>> clock.position_beats(), clock.position_samples()
(3.0, 72000)
>>> clock.set_loop(0.0, 2.0)["position_beats"]  # past the loop's end: back to its start
0.0
>>> t[0] = 2.25; clock.position_beats()  # 0.75 s later at 120 BPM
1.5
>>> clock.seek(8.0)["seeks"], clock.set_length(16.0)["loads"]
(1, 1)
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import ParameterError, ParameterTypeError

__all__ = [
    "MAX_BEATS",
    "MAX_TEMPO",
    "MIN_TEMPO",
    "Listener",
    "Loop",
    "TransportClock",
]


MIN_TEMPO = 1.0
MAX_TEMPO = 999.0
MAX_BEATS = 1e7

Listener = Callable[[str, dict[str, Any]], None]


def _number(field: str, value: object, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ParameterTypeError(f"{field} must be a number, got {type(value).__name__}",
                                 field=field)
    v = float(value)
    if not math.isfinite(v) or not low <= v <= high:
        raise ParameterError(f"{field} must be in {low:g}..{high:g}, got {value!r}",
                             field=field)
    return v


@dataclass(frozen=True)
class Loop:
    """A loop region in beats; ``enabled`` switches it on."""

    enabled: bool = False
    start: float = 0.0
    end: float = 4.0

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {"enabled": self.enabled, "start": self.start, "end": self.end}


class TransportClock:
    """Play, stop, seek, tempo and loop, with the position computed from a monotonic clock.

    Parameters
    ----------
    tempo
        Beats (quarter notes) per minute, 1..999.
    sample_rate
        Rate used for ``position_samples``.
    clock
        A monotonic time source in seconds (``time.monotonic`` by default).
    """

    def __init__(self, tempo: float = 120.0, sample_rate: int = 48000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._tempo = _number("tempo", tempo, MIN_TEMPO, MAX_TEMPO)
        if isinstance(sample_rate, bool) or not isinstance(sample_rate, int) or not (
                8000 <= sample_rate <= 384000):
            raise ParameterError(f"sample_rate must be an int in 8000..384000, got "
                                 f"{sample_rate!r}", field="sample_rate")
        self.sample_rate = sample_rate
        self._clock = clock
        self._playing = False
        self._anchor_time = clock()
        self._anchor_beats = 0.0
        self._loop = Loop()
        self._listeners: list[Listener] = []
        self.length_beats: float | None = None
        self.seeks = 0  # seeks so far: a follower that sees this change jumps
        self.loads = 0  # loads and unloads so far: a follower playing the score fetches it

    # ----- listeners -------------------------------------------------------------------------
    def add_listener(self, listener: Listener) -> None:
        """Call ``listener(event, state)`` after every change."""
        self._listeners.append(listener)

    def remove_listener(self, listener: Listener) -> None:
        """Stop calling ``listener``."""
        if listener in self._listeners:
            self._listeners.remove(listener)

    def _changed(self, event: str) -> dict[str, Any]:
        state = self.state()
        for listener in list(self._listeners):
            listener(event, state)
        return state

    # ----- queries ---------------------------------------------------------------------------
    @property
    def playing(self) -> bool:
        """True while the transport runs."""
        return self._playing

    @property
    def tempo(self) -> float:
        """Current tempo in BPM."""
        return self._tempo

    @property
    def loop(self) -> Loop:
        """The loop region."""
        return self._loop

    def position_beats(self, now: float | None = None) -> float:
        """Position in beats, wrapped into the loop region while it is enabled."""
        if not self._playing:
            return self._anchor_beats
        t = self._clock() if now is None else now
        raw = self._anchor_beats + (t - self._anchor_time) * self._tempo / 60.0
        lp = self._loop
        if lp.enabled and lp.end > lp.start and self._anchor_beats < lp.end <= raw:
            raw = lp.start + (raw - lp.start) % (lp.end - lp.start)
        return raw

    def position_samples(self, now: float | None = None) -> int:
        """Position in samples at the current tempo (offset into a rendering of the score)."""
        return round(self.position_beats(now) * 60.0 / self._tempo * self.sample_rate)

    def state(self) -> dict[str, Any]:
        """The state every client sees: ``playing``, ``position_beats``, ``position_samples``,
        ``tempo``, ``loop``, ``sample_rate``, ``length_beats``, and the counters ``seeks``
        and ``loads``."""
        now = self._clock()
        beats = self.position_beats(now)
        return {
            "playing": self._playing,
            "position_beats": round(beats, 6),
            "position_samples": round(beats * 60.0 / self._tempo * self.sample_rate),
            "tempo": self._tempo,
            "loop": self._loop.to_dict(),
            "sample_rate": self.sample_rate,
            "length_beats": self.length_beats,
            "seeks": self.seeks,
            "loads": self.loads,
        }

    # ----- commands --------------------------------------------------------------------------
    def _reanchor(self, beats: float | None = None) -> None:
        now = self._clock()
        self._anchor_beats = self.position_beats(now) if beats is None else beats
        self._anchor_time = now

    def play(self) -> dict[str, Any]:
        """Start from the current position (no change when already playing)."""
        if not self._playing:
            self._reanchor()
            self._playing = True
        return self._changed("play")

    def stop(self) -> dict[str, Any]:
        """Stop and keep the position."""
        if self._playing:
            self._reanchor()
            self._playing = False
        return self._changed("stop")

    def seek(self, position_beats: float) -> dict[str, Any]:
        """Jump to ``position_beats`` (0..1e7)."""
        beats = _number("position_beats", position_beats, 0.0, MAX_BEATS)
        self._reanchor(beats)
        self.seeks += 1
        return self._changed("seek")

    def set_tempo(self, tempo: float) -> dict[str, Any]:
        """Change the tempo, keeping the beat position continuous."""
        bpm = _number("tempo", tempo, MIN_TEMPO, MAX_TEMPO)
        self._reanchor()
        self._tempo = bpm
        return self._changed("tempo")

    def set_loop(self, start: float, end: float, enabled: bool = True) -> dict[str, Any]:
        """Set the loop region ``start..end`` beats and switch it on or off."""
        s = _number("loop.start", start, 0.0, MAX_BEATS)
        e = _number("loop.end", end, 0.0, MAX_BEATS)
        if not isinstance(enabled, bool):
            raise ParameterTypeError(f"loop.enabled must be a bool, got "
                                     f"{type(enabled).__name__}", field="loop.enabled")
        if e <= s:  # a fault of the pair, so of the loop as a whole
            raise ParameterError(f"loop.end must be greater than loop.start, got {s:g}..{e:g}",
                                 field="loop")
        self._reanchor()
        self._loop = Loop(enabled, s, e)
        if enabled and self._anchor_beats >= e:
            self._anchor_beats = s
        return self._changed("loop")

    def set_length(self, length_beats: float | None) -> dict[str, Any]:
        """Record the length of the loaded score (None when nothing is loaded)."""
        self.length_beats = (None if length_beats is None
                             else _number("length_beats", length_beats, 0.0, MAX_BEATS))
        self.loads += 1
        return self._changed("load")

"""The remote transport as the bridge sees it, and what falls between two of its positions.

The server pushes its transport state (``playing``, ``position_beats``, ``tempo``, ``loop``)
on every change and 30 times a second while playing. A :class:`Snapshot` is one push with the
local time it arrived; :meth:`Snapshot.beats_at` extrapolates the position by the rule of the
server's clock (:class:`~schillinger_kernel.server.transport.TransportClock`: the loop wraps),
so MIDI and Link run smoothly between pushes. :func:`clock_ticks` and :func:`events_between`
say what a follower must send as the position moves from ``a`` to ``b``: pure functions of
beats, tested without a MIDI port.

>>> s = Snapshot.of({"playing": True, "position_beats": 2.0, "tempo": 120.0}, at=10.0)
>>> s.beats_at(10.5), s.beats_at(9.0)
(3.0, 2.0)
>>> list(clock_ticks(0.0, 0.25))  # 24 per quarter: ticks 0..5 lie in the first sixteenth
[0, 1, 2, 3, 4, 5]
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ...score import Score

__all__ = [
    "CLOCK_PPQN",
    "DRIFT_BEATS",
    "JUMP_BEATS",
    "NoteEvent",
    "Snapshot",
    "clock_ticks",
    "events_between",
    "is_change",
    "note_events",
    "song_position",
]


CLOCK_PPQN = 24  # MIDI beat clock: 24 pulses per quarter note
#: A position further than this from where the running transport should be is a jump (a
#: seek, a loop restart); nearer, it is network jitter, and following it would stutter.
JUMP_BEATS = 0.25
#: How far the local timeline may drift from the server's before a push re-anchors it (the
#: followers take that smoothly: only a jump re-sends the position).
DRIFT_BEATS = 0.05


@dataclass(frozen=True)
class Snapshot:
    """One transport state and the local monotonic time ``at`` which it was true."""

    playing: bool
    beats: float
    tempo: float
    at: float
    loop_enabled: bool = False
    loop_start: float = 0.0
    loop_end: float = 4.0

    @classmethod
    def of(cls, state: Mapping[str, Any], at: float) -> Snapshot:
        """The snapshot of a server ``state`` received at ``at``.

        >>> Snapshot.of({"playing": False, "position_beats": 1, "tempo": 90,
        ...              "loop": {"enabled": True, "start": 0, "end": 2}}, 0.0).loop_end
        2.0
        """
        loop = state.get("loop") or {}
        return cls(playing=bool(state.get("playing")),
                   beats=float(state.get("position_beats", 0.0)),
                   tempo=float(state.get("tempo", 120.0)), at=at,
                   loop_enabled=bool(loop.get("enabled", False)),
                   loop_start=float(loop.get("start", 0.0)),
                   loop_end=float(loop.get("end", 4.0)))

    def beats_at(self, now: float) -> float:
        """The position at local time ``now`` (never before the snapshot's own).

        >>> s = Snapshot(True, 3.0, 60.0, 0.0, True, 0.0, 4.0)
        >>> s.beats_at(2.5)  # past the loop's end: wrapped to its start
        1.5
        """
        if not self.playing:
            return self.beats
        raw = self.beats + max(0.0, now - self.at) * self.tempo / 60.0
        lo, hi = self.loop_start, self.loop_end
        if self.loop_enabled and hi > lo and self.beats < hi <= raw:
            raw = lo + (raw - lo) % (hi - lo)
        return raw


def is_change(old: Snapshot | None, new: Snapshot, tolerance: float = DRIFT_BEATS) -> bool:
    """Whether ``new`` says what ``old`` did not: the play state, tempo or loop changed, or
    the position is more than ``tolerance`` beats from ``old`` extrapolated (nearer, it is the
    network's jitter, and following it would make the clock stutter).

    >>> old = Snapshot(True, 0.0, 120.0, at=0.0)
    >>> is_change(old, Snapshot(True, 2.01, 120.0, at=1.0)), is_change(
    ...     old, Snapshot(True, 8.0, 120.0, at=1.0))
    (False, True)
    """
    if old is None:
        return True
    if (old.playing, old.tempo, old.loop_enabled, old.loop_start, old.loop_end) != (
            new.playing, new.tempo, new.loop_enabled, new.loop_start, new.loop_end):
        return True
    return abs(old.beats_at(new.at) - new.beats) > tolerance


def clock_ticks(a: float, b: float, ppqn: int = CLOCK_PPQN) -> range:
    """Indices ``k`` of the clock pulses at beats ``k / ppqn`` with ``a <= k / ppqn < b``.

    >>> list(clock_ticks(1.0, 1.1)), list(clock_ticks(1.01, 1.05)), len(clock_ticks(2, 1))
    ([24, 25, 26], [25], 0)
    """
    return range(math.ceil(a * ppqn - 1e-9), math.ceil(b * ppqn - 1e-9))


def song_position(beats: float) -> int:
    """The MIDI Song Position Pointer for ``beats``: sixteenths, 0..16383.

    >>> song_position(0.0), song_position(2.6), song_position(1e9)
    (0, 10, 16383)
    """
    return max(0, min(16383, int(beats * 4 + 1e-9)))


@dataclass(frozen=True, order=True)
class NoteEvent:
    """A note on (``velocity`` > 0) or off at ``beat``; offs sort before ons at one beat."""

    beat: float
    on: bool
    channel: int
    pitch: int
    velocity: int


def note_events(score: Score) -> tuple[NoteEvent, ...]:
    """The note ons and offs of ``score`` in beats, sorted (the drum part on channel 10).

    >>> from schillinger_kernel.rhythm import interference
    >>> ev = note_events(interference(3, 2).to_score("C4"))
    >>> [(e.beat, e.on) for e in ev[:3]]
    [(0.0, True), (1.0, False), (1.0, True)]
    """
    events: list[NoteEvent] = []
    for part in score.parts:
        channel = 9 if part.is_drums else part.channel
        for n in part.notes:
            start = n.start / score.ppq
            events.append(NoteEvent(start, True, channel, n.pitch, n.velocity))
            events.append(NoteEvent(start + n.duration / score.ppq, False, channel, n.pitch, 0))
    return tuple(sorted(events))


def events_between(events: tuple[NoteEvent, ...], a: float, b: float
                   ) -> tuple[NoteEvent, ...]:
    """The ``events`` (sorted by beat) with ``a <= beat < b``.

    >>> ev = (NoteEvent(0.0, True, 0, 60, 90), NoteEvent(1.0, False, 0, 60, 0))
    >>> len(events_between(ev, 0.0, 1.0)), len(events_between(ev, 0.5, 2.0))
    (1, 1)
    """
    lo = bisect.bisect_left(events, a, key=lambda e: e.beat)
    hi = bisect.bisect_left(events, b, key=lambda e: e.beat)
    return events[lo:hi]

"""Real-time MIDI out that follows the remote transport: clock, start/stop, song position,
and the notes of a score.

:func:`open_port` opens a virtual output port (mido with python-rtmidi: ALSA on Linux, CoreMIDI
on macOS) or an existing one by name (Windows has no virtual ports: create one with loopMIDI
and name it). Where the machine has no MIDI it answers a :class:`MidiUnavailable` whose text
says why and what to do; the bridge then runs without MIDI.

A :class:`MidiFollower` is told each transport :class:`~.timeline.Snapshot` and sends what a DAW
slaved to external MIDI clock expects: Song Position Pointer then Continue on play (Start at
beat 0), Stop on stop, and the pointer again on a seek or a loop wrap. While playing, its
:meth:`MidiFollower.tick` (called every :data:`TICK_S` by the bridge) sends the clock pulses
and note events that fall between the previous position and now (:mod:`.timeline`), so nothing
is timed by sleeping a note's length and tempo changes take effect at once.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from typing import Any

from ...errors import PeerUnavailable
from ...score import Score
from .timeline import (
    JUMP_BEATS,
    NoteEvent,
    Snapshot,
    clock_ticks,
    events_between,
    note_events,
    song_position,
)

__all__ = ["LOCATE_SLACK", "TICK_S", "MidiFollower", "MidiUnavailable", "open_port"]


TICK_S = 0.002  # a 120 BPM clock pulse is every 20.8 ms: 2 ms keeps its jitter small
#: A state says where the transport was a moment after it moved (a play from beat 0 reads
#: 0.00001): notes and the clock pulse this little before a new position still sound.
LOCATE_SLACK = 0.02


class MidiUnavailable(PeerUnavailable):
    """This machine offers no MIDI port the bridge can open (the text says why)."""


def _hint() -> str:
    if sys.platform.startswith("linux"):
        return ("Linux needs the ALSA sequencer (/dev/snd/seq: `sudo modprobe snd-seq`; "
                "containers and WSL usually lack it)")
    if sys.platform == "win32":
        return ("Windows has no virtual MIDI ports: create one with loopMIDI and pass "
                "--midi-port 'loopMIDI Port'")
    return "check the system's MIDI setup (macOS: Audio MIDI Setup)"


def open_port(name: str = "Schillinger Bridge", existing: str | None = None) -> Any:
    """A mido output port: the existing port ``existing``, else a virtual port ``name``.

    Raises
    ------
    MidiUnavailable
        python-rtmidi is missing, the OS has no MIDI service, or ``existing`` is unknown.

    Examples
    --------
    >>> try:
    ...     open_port(existing="no such port").close()
    ... except MidiUnavailable as exc:
    ...     print(str(exc).startswith("MIDI out is off:"))
    True
    """
    try:
        import mido
        import rtmidi  # noqa: F401  (mido's default backend; absent without the extra)
    except ImportError:
        raise MidiUnavailable("MIDI out is off: python-rtmidi is not installed (pip install "
                              "'schillinger-workbench[bridge]')") from None
    if sys.platform.startswith("linux") and not os.path.exists("/dev/snd/seq"):
        # asked anyway, ALSA's C library would print its own error lines on the terminal
        raise MidiUnavailable(f"MIDI out is off: this machine has no MIDI; {_hint()}")
    try:
        if existing:
            names = mido.get_output_names()
            if existing not in names:
                raise MidiUnavailable(f"MIDI out is off: no output port {existing!r}; this "
                                      f"machine has {names or 'none'}")
            return mido.open_output(existing)
        return mido.open_output(name, virtual=True)
    except MidiUnavailable:
        raise
    except Exception as exc:  # rtmidi raises its own SystemError/OSError kinds per OS
        raise MidiUnavailable(f"MIDI out is off: cannot open a MIDI port ({exc}); "
                              f"{_hint()}") from None


class MidiFollower:
    """Sends clock, transport and the notes of ``score`` to ``port`` as the transport moves.

    Parameters
    ----------
    port
        A mido output port (anything with ``send(mido.Message)``).
    score
        Notes to play at their beats (None: clock and transport only).
    clock
        Monotonic seconds (``time.monotonic``); the snapshots' ``at`` use the same clock.

    Examples
    --------
    >>> import mido
    >>> class Wire:  # any object with send() is a port to mido
    ...     def __init__(self): self.got = []
    ...     def send(self, msg): self.got.append(msg.type)
    >>> wire = Wire()
    >>> follower = MidiFollower(wire)
    >>> follower.update(Snapshot(True, 0.0, 120.0, at=0.0))
    >>> follower.tick(now=0.125)  # a quarter of a beat at 120 BPM: 6 clock pulses
    >>> wire.got
    ['songpos', 'start', 'clock', 'clock', 'clock', 'clock', 'clock', 'clock']
    """

    def __init__(self, port: Any, score: Score | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        import mido

        self._mido = mido
        self.port = port
        self.events: tuple[NoteEvent, ...] = () if score is None else note_events(score)
        self._clock = clock
        self.snapshot: Snapshot | None = None
        self._last = 0.0  # the position up to which everything has been sent
        self._sounding: set[tuple[int, int]] = set()
        self.sent = 0

    def set_score(self, score: Score | None) -> None:
        """Play ``score`` from now on (None: clock and transport only). Notes of the old score
        still sounding end at once; the new score's notes start from the current position.

        >>> class Wire:
        ...     def __init__(self): self.got = []
        ...     def send(self, msg): self.got.append(msg.type)
        >>> from schillinger_kernel.rhythm import interference
        >>> follower = MidiFollower(Wire())
        >>> follower.set_score(interference(3, 2).to_score("C4")); len(follower.events)
        8
        """
        self._silence()
        self.events = () if score is None else note_events(score)

    def _send(self, kind: str, **kw: Any) -> None:
        self.port.send(self._mido.Message(kind, **kw))
        self.sent += 1

    def _silence(self) -> None:
        for channel, pitch in sorted(self._sounding):
            self._send("note_off", channel=channel, note=pitch, velocity=0)
        self._sounding.clear()

    def _locate(self, beats: float) -> None:
        self._silence()
        self._send("songpos", pos=song_position(beats))
        self._last = beats - LOCATE_SLACK

    def update(self, snap: Snapshot) -> None:
        """Take the transport's new state: send start, stop or a new position as it
        changed."""
        old, self.snapshot = self.snapshot, snap
        now_beats = snap.beats_at(snap.at)
        if old is None or old.playing != snap.playing:
            if snap.playing:
                self._locate(now_beats)
                self._send("start" if now_beats == 0.0 else "continue")
            else:
                self._silence()  # notes end before the DAW hears Stop
                if old is not None:
                    self._send("stop")
                self._locate(now_beats)
            return
        if abs(old.beats_at(snap.at) - now_beats) > JUMP_BEATS:  # a seek, or a loop restart
            if snap.playing:
                self._send("stop")
                self._locate(now_beats)
                self._send("continue")
            else:
                self._locate(now_beats)

    def tick(self, now: float | None = None) -> None:
        """Send the clock pulses and notes between the last position and ``now``."""
        snap = self.snapshot
        if snap is None or not snap.playing:
            return
        b = snap.beats_at(self._clock() if now is None else now)
        if b < self._last - JUMP_BEATS:  # the loop wrapped between two pushes
            self._send("stop")
            self._locate(b)
            self._send("continue")
            return
        if b <= self._last:  # a new anchor a little behind: wait for it to catch up
            return
        for _ in clock_ticks(self._last, b):
            self._send("clock")
        for ev in events_between(self.events, self._last, b):
            key = (ev.channel, ev.pitch)
            if ev.on:
                self._send("note_on", channel=ev.channel, note=ev.pitch, velocity=ev.velocity)
                self._sounding.add(key)
            elif key in self._sounding:
                self._send("note_off", channel=ev.channel, note=ev.pitch, velocity=0)
                self._sounding.discard(key)
        self._last = b

    def close(self) -> None:
        """Silence sounding notes, send Stop and close the port."""
        try:
            self._silence()
            if self.snapshot is not None and self.snapshot.playing:
                self._send("stop")
        finally:
            close = getattr(self.port, "close", None)
            if close is not None:
                close()

"""AbletonOSC bridge: push a Score part into Live as a clip; set and follow Live's tempo.

AbletonOSC (ideoforms/AbletonOSC) listens on UDP 11000 and answers the sender's IP on 11001.
The bridge sends from a socket bound to the reply port, so Live's answers come back to it. It
binds lazily, on first use, to leave 11001 free for other tools until the musician asks.

Pushing a clip waits for Live's answers instead of sleeping: ``has_clip`` before and after
``create_clip`` (AbletonOSC issue #60: ``add/notes`` straight after ``create_clip`` can fail),
then the notes in chunks of flat ``(pitch, start, duration, velocity, mute)`` tuples in beats,
then ``get/name`` as the final acknowledgement (Live handles messages in order).

>>> notes_to_flat([(60, 0.0, 1.0, 90, 0), (64, 1.0, 0.5, 100, 0)])
[60, 0.0, 1.0, 90, 0, 64, 1.0, 0.5, 100, 0]
"""

from __future__ import annotations

import asyncio
import contextlib
import math
from collections.abc import Callable, Sequence
from typing import Any

from pythonosc.osc_message import OscMessage
from pythonosc.osc_message_builder import build_msg
from pythonosc.osc_packet import OscPacket, ParseError

from ..errors import ParameterError, PeerUnavailable
from ..score import Score

__all__ = [
    "CHUNK_NOTES",
    "AbletonBridge",
    "NoteTuple",
    "clip_length",
    "notes_to_flat",
    "part_notes",
]


NoteTuple = tuple[int, float, float, int, int]
CHUNK_NOTES = 64


def notes_to_flat(notes: Sequence[NoteTuple]) -> list[int | float]:
    """Flat OSC arguments from note tuples."""
    return [v for n in notes for v in n]


def part_notes(score: Score, part: str | int = 0) -> list[NoteTuple]:
    """Notes of one part as ``(pitch, start_beats, duration_beats, velocity, mute)``.

    >>> s = Score.from_durations((2, 1), pitches=(60, 62), unit=240)
    >>> part_notes(s)
    [(60, 0.0, 1.0, 90, 0), (62, 1.0, 0.5, 90, 0)]
    """
    if not score.parts:
        raise ParameterError("score has no parts", field="score")
    if isinstance(part, int) and not isinstance(part, bool):
        if not 0 <= part < len(score.parts):
            raise ParameterError(f"part: index must be 0..{len(score.parts) - 1}, got {part}",
                                 field="part")
        p = score.parts[part]
    else:
        found = [p for p in score.parts if p.name == part]
        if not found:
            names = ", ".join(repr(p.name) for p in score.parts)
            raise ParameterError(f"part: no part named {part!r}; parts: {names}", field="part")
        p = found[0]
    ppq = score.ppq
    return [(n.pitch, n.start / ppq, n.duration / ppq, n.velocity, 0) for n in p.notes]


def clip_length(score: Score) -> float:
    """Length in beats of a clip holding the score: its end rounded up to whole bars."""
    bar = score.bar_ticks
    bars = max(1, math.ceil(score.end / bar))
    return bars * bar / score.ppq


class _Protocol(asyncio.DatagramProtocol):
    def __init__(self, bridge: AbletonBridge) -> None:
        self.bridge = bridge

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        self.bridge._received(data)


class AbletonBridge:
    """An OSC client of AbletonOSC with request/answer matching."""

    def __init__(self, host: str = "127.0.0.1", port: int = 11000, reply_port: int = 11001,
                 on_tempo: Callable[[float], None] | None = None, timeout: float = 3.0) -> None:
        self.host, self.port, self.reply_port = host, port, reply_port
        self.on_tempo = on_tempo
        self.timeout = timeout
        self.following = False
        self.live_tempo: float | None = None
        self.last_error: str | None = None
        self.sent = 0
        self._transport: asyncio.DatagramTransport | None = None
        self._pending: list[tuple[str, tuple[Any, ...], asyncio.Future[list[Any]]]] = []

    def status(self) -> dict[str, Any]:
        """Where Live is expected, whether the bridge is bound, tempo following, last error."""
        return {"host": self.host, "port": self.port, "reply_port": self.reply_port,
                "connected": self._transport is not None, "following_tempo": self.following,
                "live_tempo": self.live_tempo, "error": self.last_error}

    async def _ensure(self) -> asyncio.DatagramTransport:
        if self._transport is not None:
            return self._transport
        loop = asyncio.get_running_loop()
        local = "127.0.0.1" if self.host in ("127.0.0.1", "localhost", "::1") else "0.0.0.0"
        try:
            transport, _ = await loop.create_datagram_endpoint(
                lambda: _Protocol(self), local_addr=(local, self.reply_port))
        except OSError as exc:
            self.last_error = (f"cannot listen for AbletonOSC replies on UDP "
                               f"{self.reply_port}: {exc}")
            raise PeerUnavailable(self.last_error) from None
        self._transport = transport  # type: ignore[assignment]
        self.last_error = None
        return self._transport  # type: ignore[return-value]

    def close(self) -> None:
        """Close the socket and fail pending requests."""
        for _, _, fut in self._pending:
            if not fut.done():
                fut.set_exception(PeerUnavailable("AbletonOSC bridge closed"))
        self._pending.clear()
        if self._transport is not None:
            self._transport.close()
            self._transport = None

    # ----- wire ------------------------------------------------------------------------------
    async def send(self, address: str, *args: Any) -> None:
        """Send one message to AbletonOSC."""
        transport = await self._ensure()
        transport.sendto(build_msg(address, list(args)).dgram, (self.host, self.port))
        self.sent += 1

    async def request(self, address: str, args: Sequence[Any], reply: str | None = None,
                      echo: int | None = None) -> list[Any]:
        """Send and wait for the answer on ``reply`` (default ``address``) whose first
        ``echo`` arguments equal ours (AbletonOSC echoes ids); returns the answer's args."""
        await self._ensure()
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[list[Any]] = loop.create_future()
        prefix = tuple(args[: len(args) if echo is None else echo])
        entry = (reply or address, prefix, fut)
        self._pending.append(entry)
        try:
            await self.send(address, *args)
            return await asyncio.wait_for(fut, self.timeout)
        except TimeoutError:
            self.last_error = (f"no answer from AbletonOSC at {self.host}:{self.port} to "
                               f"{address} in {self.timeout:g} s (is Live running with the "
                               "AbletonOSC control surface?)")
            raise PeerUnavailable(self.last_error) from None
        finally:
            if entry in self._pending:
                self._pending.remove(entry)

    def _received(self, data: bytes) -> None:
        try:
            messages = [m.message for m in OscPacket(data).messages]
        except ParseError:
            return
        for msg in messages:
            self._handle(msg)

    def _handle(self, msg: OscMessage) -> None:
        args = list(msg.params)
        if msg.address == "/live/error":
            self.last_error = " ".join(map(str, args))
            for _, _, fut in self._pending:
                if not fut.done():
                    fut.set_exception(PeerUnavailable(f"AbletonOSC: {self.last_error}"))
            return
        if msg.address == "/live/song/get/tempo" and args:
            self.live_tempo = float(args[0])
            if self.following and self.on_tempo is not None:
                self.on_tempo(self.live_tempo)
        for address, prefix, fut in list(self._pending):
            if address == msg.address and tuple(args[: len(prefix)]) == prefix and not fut.done():
                fut.set_result(args)
                break

    # ----- verbs -----------------------------------------------------------------------------
    async def get_tempo(self) -> float:
        """Live's tempo in BPM."""
        ans = await self.request("/live/song/get/tempo", [])
        return float(ans[0])

    async def set_tempo(self, bpm: float) -> float:
        """Set Live's tempo and return it as Live reports it afterwards."""
        await self.send("/live/song/set/tempo", float(bpm))
        return await self.get_tempo()

    async def follow_tempo(self, on: bool = True) -> float | None:
        """Start (or stop) listening to Live's tempo; answers the current tempo when starting."""
        if on:
            self.following = True
            await self.send("/live/song/start_listen/tempo")
            return await self.get_tempo()
        self.following = False
        with contextlib.suppress(PeerUnavailable):  # stopping need not reach Live
            await self.send("/live/song/stop_listen/tempo")
        return None

    async def transport(self, play: bool) -> None:
        """Start or stop Live's transport."""
        await self.send("/live/song/start_playing" if play else "/live/song/stop_playing")

    async def push_clip(self, notes: Sequence[NoteTuple], track: int, clip: int,
                        length_beats: float, name: str | None = None,
                        replace: bool = True) -> dict[str, Any]:
        """Create a MIDI clip in session slot (``track``, ``clip``) holding ``notes``."""
        if length_beats <= 0:
            raise ParameterError(f"length_beats must be > 0, got {length_beats}",
                                 field="length_beats")
        has = await self.request("/live/clip_slot/get/has_clip", [track, clip], echo=2)
        if has[2:3] and bool(has[2]):
            if not replace:
                raise ParameterError(f"clip: slot {track}/{clip} already holds a clip "
                                     "(pass replace=true to overwrite it)", field="clip")
            await self.send("/live/clip_slot/delete_clip", track, clip)
        await self.send("/live/clip_slot/create_clip", track, clip, float(length_beats))
        has = await self.request("/live/clip_slot/get/has_clip", [track, clip], echo=2)
        if not (has[2:3] and bool(has[2])):
            raise PeerUnavailable(f"AbletonOSC did not create a clip in slot {track}/{clip}")
        chunks = 0
        for i in range(0, len(notes), CHUNK_NOTES):
            await self.send("/live/clip/add/notes", track, clip,
                            *notes_to_flat(notes[i:i + CHUNK_NOTES]))
            chunks += 1
        if name:
            await self.send("/live/clip/set/name", track, clip, name)
        await self.request("/live/clip/get/name", [track, clip], echo=2)
        return {"track": track, "clip": clip, "notes": len(notes), "chunks": chunks,
                "length_beats": float(length_beats), "name": name}

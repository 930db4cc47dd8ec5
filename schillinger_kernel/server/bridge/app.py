"""The bridge: one WebSocket to the remote workbench, local OSC, MIDI out and Link.

:meth:`Bridge.start` connects (a bad URL or token raises one clear error before anything
listens), subscribes to the transport, then opens the local OSC door and whatever of MIDI and
Link this machine offers; :meth:`Bridge.serve` keeps it running, reconnecting with back-off
when the connection drops (OSC meanwhile answers 502: not connected). Transport pushes that
only restate where a running transport should be are dropped (:func:`~.timeline.is_change`),
so MIDI clock and Link follow a smooth local timeline and re-anchor only on real changes.
Positions are shifted by half the round trip measured with heartbeats at connect.

Without ``--score``, MIDI out plays the score the server's transport has loaded: the state's
``loads`` count says when a load or unload happened, and the bridge then fetches the score
(``GET transport/score``; a newer load meanwhile is fetched in its turn). A tempo a Link app
sets goes to the server as a ``transport tempo`` of the bridge's user, and its start or stop
as ``transport play``/``stop`` (one request of each in flight; while it runs, only the latest
waits); a server that refuses (a read-only share) is said once and its tempo or start/stop
state put back on the Link session. ``--link-follow-only`` sends neither.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ... import __version__
from ...checks import check_float, check_int
from ...errors import NotFound, ParameterError, PeerUnavailable, WorkbenchError
from ...score import Score
from ..errors import Answered
from .link import LinkFollower, LinkUnavailable
from .local_osc import LocalOsc
from .midi import TICK_S, MidiFollower, MidiUnavailable, open_port
from .remote import REQUEST_TIMEOUT, Remote
from .timeline import Snapshot, is_change
from .urls import hub_urls

__all__ = ["MAX_BACKOFF", "Bridge", "BridgeConfig", "load_score"]


MAX_BACKOFF = 30.0  # seconds between reconnection attempts, at most


@dataclass(frozen=True)
class BridgeConfig:
    """What ``schillinger bridge`` was asked for (see its ``--help``)."""

    url: str
    token: str
    osc_host: str = "127.0.0.1"
    osc_port: int = 7440
    osc_reply_port: int = 7441
    osc_secret: str = ""
    osc_reply_hosts: tuple[str, ...] = ()
    key_file: str = ""
    midi: bool = True
    midi_name: str = "Schillinger Bridge"
    midi_port: str | None = None
    score: str | None = None
    link: bool = True
    link_sets_tempo: bool = True
    quantum: float = 4.0
    validate_cert: bool = True


def load_score(path: str | Path) -> Any:
    """The score MIDI out plays: a MIDI file, or a score's JSON (``Score.to_json``).

    >>> load_score("piece.txt")
    Traceback (most recent call last):
    ...
    schillinger_kernel.errors.ParameterError: --score: give a .mid/.midi file or a score's \
.json, got 'piece.txt'
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in (".mid", ".midi", ".json"):
        raise ParameterError(f"--score: give a .mid/.midi file or a score's .json, got "
                             f"{str(path)!r}", field="score")
    if not p.is_file():
        raise ParameterError(f"--score: no file {str(path)!r}", field="score")
    if suffix == ".json":
        from ...score import Score

        return Score.from_json(p.read_text(encoding="utf-8"))
    from ...io.midi import read_midi

    return read_midi(p)


class Bridge:
    """The running bridge (build it on the event loop it will run on).

    Parameters
    ----------
    config
        URL, token, ports and the optional parts.
    say
        Where one-line reports go (the terminal: ``print``).
    midi_out
        A mido output port to send MIDI to instead of opening one (a port the caller opened,
        e.g. one that records what it is sent).
    """

    def __init__(self, config: BridgeConfig, say: Callable[[str], None] = print,
                 log: logging.Logger | None = None, midi_out: Any = None) -> None:
        self.config = config
        self.urls = hub_urls(config.url)
        check_int("osc_port", config.osc_port, 0, 65535)
        check_int("osc_reply_port", config.osc_reply_port, 0, 65535)
        check_float("quantum", config.quantum, 1.0, 64.0)
        self.score = load_score(config.score) if config.score else None
        self.remote = Remote(self.urls, config.token, validate_cert=config.validate_cert)
        self.remote.on_push.append(self._on_push)
        self.say = say
        self.log = log or logging.getLogger("schillinger.bridge")
        self.osc: LocalOsc | None = None
        self.midi: MidiFollower | None = None
        self.link: LinkFollower | None = None
        self.midi_error: str | None = None
        self.link_error: str | None = None
        self.snapshot: Snapshot | None = None
        self.latency = 0.0  # one-way seconds, from the heartbeat round trips
        self.reconnects = 0
        self._ticker: asyncio.Task[None] | None = None
        self._midi_out = midi_out
        self.loads: int | None = None  # the server's load count of the score MIDI plays
        self._wanted_loads: int | None = None  # the latest load count heard
        self._score_off: str | None = None  # why the server's score is not followed
        self._fetching: asyncio.Task[None] | None = None
        self._fetch_failed: int | None = None  # the load count whose fetch failed
        self._started = False
        self._tempo_wanted: float | None = None  # a Link app's tempo, not yet sent
        self._tempo_task: asyncio.Task[None] | None = None
        self._playing_wanted: bool | None = None  # a Link app's start/stop, not yet sent
        self._playing_task: asyncio.Task[None] | None = None
        self.link_refusal: str | None = None

    # ----- the connection --------------------------------------------------------------------
    async def _connect(self) -> dict[str, Any]:
        hello = await self.remote.connect()
        trips = []
        for _ in range(3):
            t0 = time.monotonic()
            await self.remote.request({"type": "heartbeat"}, timeout=10.0)
            trips.append(time.monotonic() - t0)
        self.latency = min(trips) / 2
        answer = await self.remote.request({"type": "transport", "action": "subscribe"})
        self._apply(answer["state"])
        return hello

    def _on_push(self, msg: dict[str, Any]) -> None:
        if msg.get("type") == "transport" and isinstance(msg.get("state"), dict):
            self._apply(msg["state"])

    def _apply(self, state: dict[str, Any]) -> None:
        loads = state.get("loads")
        if isinstance(loads, int) and not isinstance(loads, bool):
            self._wanted_loads = loads
            self._follow_score()
        snap = Snapshot.of(state, time.monotonic() - self.latency)
        if not is_change(self.snapshot, snap):
            return
        self.snapshot = snap
        self._follow(snap)

    def _follow(self, snap: Snapshot) -> None:
        for follower in (self.midi, self.link):
            if follower is not None:
                try:
                    follower.update(snap)
                except Exception as exc:  # a port unplugged must not stop the relay
                    self.log.warning("schillinger bridge: %s: %s", type(follower).__name__, exc)

    # ----- the server's loaded score on MIDI out ----------------------------------------------
    def _follow_score(self) -> None:
        """Fetch the server's score when MIDI plays it and a load happened since."""
        if (not self._started or self.midi is None or self.score is not None
                or self._score_off is not None
                or self._wanted_loads in (self.loads, self._fetch_failed)
                or (self._fetching is not None and not self._fetching.done())):
            return
        self._fetching = asyncio.ensure_future(self._fetch_loop())
        # a load heard after the fetch's answer: fetched in its turn
        self._fetching.add_done_callback(lambda _: self._follow_score())

    async def _fetch_loop(self) -> None:
        try:
            self.say(await self.fetch_score())
        except (WorkbenchError, ValueError, TypeError) as exc:  # the next load or reconnect
            # tries again (ValueError, TypeError: a score this version cannot read)
            self._fetch_failed = self._wanted_loads
            self.say(f"MIDI out: cannot fetch the server's score: {exc}")

    async def fetch_score(self) -> str:
        """Fetch the server's loaded score (until the one fetched is the latest load) and
        play it on MIDI out; return what to tell the musician."""
        while True:
            want = self._wanted_loads
            try:
                answer = await self.remote.get("transport/score", REQUEST_TIMEOUT)
            except NotFound:
                self._score_off = (f"the server's workbench {self.remote.hello.get('version')}"
                                   " cannot send its score (GET transport/score); --score FILE"
                                   " plays a local one")
                return f"MIDI out: {self._score_off}"
            data = answer.get("score")
            # a score of 200,000 notes takes a while to read: not on the loop
            score = None if data is None else await asyncio.to_thread(Score.from_dict, data)
            loads = answer.get("loads")
            if self._wanted_loads not in (want, loads):
                continue  # another load came meanwhile: fetch that one
            if self.midi is None:
                return "MIDI out: closed"
            self.midi.set_score(score)
            self.loads = loads if isinstance(loads, int) else want
            if score is None:
                return "MIDI out: the server has no score loaded (clock and transport only)"
            notes = len(self.midi.events) // 2
            name = f" {score.title!r}" if score.title else ""
            return f"MIDI out: playing the server's score{name} ({notes} notes)"

    # ----- a Link app's tempo to the server ---------------------------------------------------
    def _link_tempo(self, bpm: float) -> None:
        self._tempo_wanted = bpm
        if self._tempo_task is None or self._tempo_task.done():
            self._tempo_task = asyncio.ensure_future(self._send_tempo())

    async def _send_tempo(self) -> None:
        while self._tempo_wanted is not None:
            bpm, self._tempo_wanted = self._tempo_wanted, None
            await self._tell_server({"type": "transport", "action": "tempo", "tempo": bpm},
                                    f"tempo {bpm:g}", "tempo", "lead")

    async def _tell_server(self, message: dict[str, Any], what: str, follows: str,
                           lead: str) -> None:
        """Send a Link app's change; where the server refuses it (a read-only share, a tempo
        out of range) or cannot be reached, Link goes back to following the server."""
        try:
            await self.remote.request(message, timeout=10.0)
        except Answered as exc:
            if self.link_refusal is None:
                self.say(f"Ableton Link: the server refused {what}: {exc}; Link apps follow "
                         f"the server's {follows}")
            self.link_refusal = str(exc)
            if self.link is not None:
                getattr(self.link, lead)()
        except WorkbenchError as exc:  # not connected: the server's state stays
            self.log.warning("schillinger bridge: Link %s not sent: %s", what, exc)
            if self.link is not None:
                getattr(self.link, lead)()

    def _link_playing(self, playing: bool) -> None:
        self._playing_wanted = playing
        if self._playing_task is None or self._playing_task.done():
            self._playing_task = asyncio.ensure_future(self._send_playing())

    async def _send_playing(self) -> None:
        while self._playing_wanted is not None:
            playing, self._playing_wanted = self._playing_wanted, None
            action = "play" if playing else "stop"
            await self._tell_server({"type": "transport", "action": action}, action,
                                    "start/stop", "lead_playing")

    # ----- start, run, stop ------------------------------------------------------------------
    async def start(self) -> list[str]:
        """Connect, then open OSC, MIDI and Link; return what to tell the musician.

        Raises
        ------
        Forbidden, NotFound, PeerUnavailable
            The server refused the token, has no workbench, or cannot be reached; or the
            OSC port cannot be bound.
        """
        hello = await self._connect()
        ident = hello.get("identity") or {}
        lines = [f"connected to {self.urls.base} as {ident.get('display_name') or '?'} "
                 f"({ident.get('username') or '?'}), workbench {hello.get('version', '?')}, "
                 f"round trip {self.latency * 2e3:.1f} ms"]
        if hello.get("version") != __version__:
            lines.append(f"  note: the server runs workbench {hello.get('version')}, this bridge "
                         f"{__version__}; OSC arguments are read as this version reads them")
        c = self.config
        osc = LocalOsc(self.remote, c.osc_host, c.osc_port, c.osc_reply_port, c.osc_secret,
                       c.key_file, self.log, c.osc_reply_hosts)
        if not await osc.start():
            self.remote.close()
            raise PeerUnavailable(f"OSC: {osc.error}")
        self.osc = osc
        lines.append(f"OSC on udp://{osc.host}:{osc.port} (the server's /schillinger/... "
                     "addresses; answers go to the sender)")
        if osc.notice:
            lines.append(f"  note: {osc.notice.replace('SchillingerApp.osc_port', '--osc-port')}")
        lines.append(f"  changes need /schillinger/auth {osc.auth.secret} (or your API token)"
                     + (f"; written to {c.key_file}" if c.key_file else ""))
        lines += self._start_midi() + self._start_link()
        if self.snapshot is not None:  # the state heard before the followers existed
            self._follow(self.snapshot)
        if self.midi is not None and self.score is None:
            try:
                lines.append(await self.fetch_score())
            except (WorkbenchError, ValueError, TypeError) as exc:
                self._fetch_failed = self._wanted_loads
                lines.append(f"MIDI out: cannot fetch the server's score yet: {exc}")
        self._started = True
        self._follow_score()  # a load heard while starting
        return lines

    def _start_midi(self) -> list[str]:
        c = self.config
        if not c.midi:
            return ["MIDI out: off (--no-midi)"]
        try:
            port = self._midi_out if self._midi_out is not None else open_port(
                c.midi_name, c.midi_port)
        except MidiUnavailable as exc:
            self.midi_error = str(exc)
            return [self.midi_error]
        self.midi = MidiFollower(port, self.score)
        self._ticker = asyncio.ensure_future(self._tick())
        what = (f"clock, transport and {len(self.midi.events) // 2} notes of --score"
                if self.score else "clock, transport and the server's loaded score (each "
                "load followed)")
        name = getattr(port, "name", None) if self._midi_out is not None else None
        return [f"MIDI out on port {name or c.midi_port or c.midi_name!r}: {what}"]

    def _start_link(self) -> list[str]:
        c = self.config
        if not c.link:
            return ["Ableton Link: off (--no-link)"]
        tempo = self.snapshot.tempo if self.snapshot is not None else 120.0
        try:
            self.link = LinkFollower.create(
                tempo, c.quantum, self._link_tempo if c.link_sets_tempo else None,
                self._link_playing if c.link_sets_tempo else None)
        except LinkUnavailable as exc:
            self.link_error = str(exc)
            return [self.link_error]
        back = ("; their tempo changes, starts and stops set the server's (as this token's "
                "user)" if c.link_sets_tempo else " (--link-follow-only: they cannot change "
                "them)")
        return [f"Ableton Link on (quantum {c.quantum:g}): Live, Bitwig and other Link apps "
                f"follow the hub's tempo and start/stop{back}"]

    async def _tick(self) -> None:
        while self.midi is not None:
            try:
                self.midi.tick()
            except Exception as exc:
                self.log.warning("schillinger bridge: MIDI out: %s", exc)
            await asyncio.sleep(TICK_S)

    async def serve(self, stop: asyncio.Event) -> None:
        """Run until ``stop`` is set, reconnecting (1, 2, 4 ... 30 s apart) when the
        connection drops."""
        while not stop.is_set():
            await _first(stop.wait(), self.remote.closed.wait())
            if stop.is_set():
                break
            self.say(f"lost the connection to {self.urls.base}; reconnecting")
            delay = 1.0
            while not stop.is_set():
                await _first(stop.wait(), asyncio.sleep(delay))
                if stop.is_set():
                    break
                try:
                    await self._connect()
                except WorkbenchError as exc:
                    self.say(f"  still not connected: {exc} (next try in "
                             f"{min(delay * 2, MAX_BACKOFF):g} s)")
                    delay = min(delay * 2, MAX_BACKOFF)
                    continue
                self.reconnects += 1
                self.say(f"reconnected to {self.urls.base}")
                self._fetch_failed = None  # a load missed while away is fetched now
                self._follow_score()
                break

    def close(self) -> None:
        """Stop OSC, MIDI and Link and close the connection."""
        for task in (self._ticker, self._fetching, self._tempo_task, self._playing_task):
            if task is not None:
                task.cancel()
        midi, self.midi = self.midi, None
        for part in (midi, self.link):
            if part is not None:
                with contextlib.suppress(Exception):
                    part.close()
        self.link = None
        if self.osc is not None:
            self.osc.stop()
            self.osc = None
        self.remote.close()


async def _first(*aws: Any) -> None:
    """Wait until the first of ``aws`` is done; cancel the others."""
    tasks = [asyncio.ensure_future(a) for a in aws]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for t in tasks:
            t.cancel()

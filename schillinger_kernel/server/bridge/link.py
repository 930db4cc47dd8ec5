"""Ableton Link both ways: the remote transport's tempo, start/stop and beat on the local
Link session, and a Link app's tempo change back to the remote transport.

Link (``aalink``, an optional extra) keeps every Link app on the local network at one tempo
and phase. The bridge joins the session as a peer and, on each transport change, sets the
session tempo, its start/stop state (start/stop sync on), and asks for the hub's beat
position (``request_beat``: alone in the session the beat is set; with peers, Link keeps the
session's phase and aligns at the next quantum, as Link's rules ask).

The other way, a tempo another Link app puts on the session (Live's tempo field, a phone) is
handed to ``on_tempo``, and its start or stop (Live's play button, with start/stop sync on) to
``on_playing`` (the bridge sends them to the server as the bridge's user, whose token the
server authorizes). Link reports every tempo, the bridge's own too, so the follower
tells them apart: a tempo within :data:`SAME_BPM` of the one it put is its own, and the
server's echo of a tempo it forwarded is not put back on the session (while a peer sweeps
its tempo, older echoes would drag the session back). Joining a session also changes the
tempo (to the session's), with the peer count; a tempo heard within :data:`SETTLE_S` of a
change in the peer count is such a join, and the hub leads: its tempo goes on the session.
Without ``on_tempo`` (``--link-follow-only``) the hub leads always. Start/stop is told apart the
same way: Link reports its own changes too (the state it put last is its own), the server's
echo of a start or stop it forwarded is not put back, a start/stop heard with a change in the
peer count is a join (the hub's state goes on the session), and without ``on_playing`` the
hub's state is put back at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from ...errors import PeerUnavailable
from .timeline import JUMP_BEATS, Snapshot

__all__ = ["SAME_BPM", "SETTLE_S", "LinkFollower", "LinkUnavailable"]


#: Two tempos nearer than this are one (Link's session tempo comes back from the network a
#: few millionths of a BPM off the tempo set).
SAME_BPM = 0.005
#: Link reports a join's tempo and peer count a fraction of a millisecond apart, in either
#: order: a tempo is judged this long after it is heard.
SETTLE_S = 0.02


class LinkUnavailable(PeerUnavailable):
    """``aalink`` is not installed or Link cannot start here (the text says why)."""


class LinkFollower:
    """A Link peer that follows the remote transport.

    Parameters
    ----------
    link
        An enabled ``aalink.Link``.

    Examples
    --------
    >>> import asyncio
    >>> async def demo() -> str:
    ...     try:
    ...         follower = LinkFollower.create(quantum=4.0)
    ...     except LinkUnavailable as exc:  # without the [bridge] extra
    ...         return "93" if str(exc).startswith("Ableton Link is off") else str(exc)
    ...     follower.link.enabled = False  # off the network: another Link app here (a test's
    ...     follower.update(Snapshot(True, 0.0, 93.0, at=0.0))  # peer) cannot move the tempo
    ...     tempo = follower.link.tempo
    ...     follower.close()
    ...     return f"{tempo:.0f}"
    >>> asyncio.run(demo())
    '93'
    """

    def __init__(self, link: Any, on_tempo: Callable[[float], None] | None = None,
                 on_playing: Callable[[bool], None] | None = None) -> None:
        self.link = link
        self.snapshot: Snapshot | None = None
        self.on_tempo = on_tempo
        self.on_playing = on_playing
        self._put_playing: bool | None = None  # the start/stop state it last put
        self._forwarded_playing: list[bool] = []  # handed to on_playing, not yet echoed
        self._put: float | None = None  # the tempo this follower last put on the session
        self._forwarded: list[float] = []  # tempos handed to on_tempo, not yet echoed
        self._peers = 0  # the peer count as Link last reported it
        self._joins = 0  # changes of the peer count so far
        link.set_tempo_callback(self._heard)
        link.set_num_peers_callback(self._peers_changed)
        link.set_start_stop_callback(self._heard_playing)

    @classmethod
    def create(cls, tempo: float = 120.0, quantum: float = 4.0,
               on_tempo: Callable[[float], None] | None = None,
               on_playing: Callable[[bool], None] | None = None) -> LinkFollower:
        """Join the Link session (call on a running event loop: aalink needs one);
        ``on_tempo(bpm)`` hears the tempos other Link apps set (rounded to 0.001 BPM),
        ``on_playing(playing)`` their starts (True) and stops (False).

        Raises
        ------
        LinkUnavailable
            ``aalink`` is missing or failed to start.
        """
        try:
            from aalink import Link
        except ImportError:
            raise LinkUnavailable("Ableton Link is off: aalink is not installed (pip install "
                                  "'schillinger-workbench[bridge]')") from None
        try:
            link = Link(tempo)
            link.quantum = quantum
            link.start_stop_sync_enabled = True
            link.enabled = True
        except Exception as exc:
            raise LinkUnavailable(f"Ableton Link is off: {exc}") from None
        return cls(link, on_tempo, on_playing)

    @property
    def peers(self) -> int:
        """How many other Link apps share the session."""
        return int(self.link.num_peers)

    def _peers_changed(self, count: int) -> None:
        self._peers = int(count)
        self._joins += 1

    def _heard(self, bpm: float) -> None:
        if self._put is not None and abs(bpm - self._put) < SAME_BPM:
            return  # the tempo this follower put (Link calls back for its own changes too)
        asyncio.get_running_loop().call_later(SETTLE_S, self._decide, bpm, self._peers,
                                              self._joins)

    def _decide(self, bpm: float, peers: int, joins: int) -> None:
        if self.on_tempo is None or peers == 0 or joins != self._joins:
            self.lead()  # a join (or follow-only): the session takes the hub's tempo
            return
        if abs(self.link.tempo - bpm) >= SAME_BPM:
            return  # the session moved on meanwhile: that later tempo is judged in its turn
        tempo = round(float(bpm), 3)
        self._put = tempo  # the session is there now: the server's echo need not move it
        self._forwarded.append(tempo)
        del self._forwarded[:-64]  # echoes lost with a refused request must not pile up
        self.on_tempo(tempo)

    def _heard_playing(self, playing: bool) -> None:
        playing = bool(playing)
        if playing == self._put_playing:
            return  # the state this follower put (Link calls back for its own changes too)
        asyncio.get_running_loop().call_later(SETTLE_S, self._decide_playing, playing,
                                              self._peers, self._joins)

    def _decide_playing(self, playing: bool, peers: int, joins: int) -> None:
        if self.on_playing is None or peers == 0 or joins != self._joins:
            self.lead_playing()  # a join (or follow-only): the session takes the hub's state
            return
        if bool(self.link.playing) != playing:
            return  # stopped or started again meanwhile: judged in its turn
        self._put_playing = playing
        self._forwarded_playing.append(playing)
        del self._forwarded_playing[:-64]
        self.on_playing(playing)

    def lead_playing(self) -> None:
        """Put the hub's start/stop state on the session (the server refused a forwarded
        start or stop, a join, or ``--link-follow-only``)."""
        self._forwarded_playing.clear()
        if self.snapshot is not None:
            self._put_playing = self.snapshot.playing
            if bool(self.link.playing) != self.snapshot.playing:
                self.link.playing = self.snapshot.playing

    def _echo(self, tempo: float) -> bool:
        """Whether ``tempo`` is the server's echo of one handed to ``on_tempo`` (that one
        and all before it are then done)."""
        for i, sent in enumerate(self._forwarded):
            if abs(sent - tempo) < SAME_BPM:
                del self._forwarded[:i + 1]
                return True
        return False

    def lead(self) -> None:
        """Put the hub's tempo on the session (the server refused the forwarded tempos, a
        join, or ``--link-follow-only``)."""
        self._forwarded.clear()
        if self.snapshot is not None:
            self._put = self.snapshot.tempo
            self.link.tempo = self.snapshot.tempo

    def update(self, snap: Snapshot) -> None:
        """Put the hub's tempo, play state and (on play or a jump) beat on the session."""
        old, self.snapshot = self.snapshot, snap
        if (old is None or abs(old.tempo - snap.tempo) > 1e-9) and not self._echo(snap.tempo):
            self._put = snap.tempo
            self.link.tempo = snap.tempo
        jumped = old is None or abs(old.beats_at(snap.at) - snap.beats) > JUMP_BEATS
        if old is None or old.playing != snap.playing:
            if self._forwarded_playing and self._forwarded_playing[0] == snap.playing:
                del self._forwarded_playing[0]  # the server's echo of a Link app's start/stop
            else:
                self._forwarded_playing.clear()
                self._put_playing = snap.playing
                if bool(self.link.playing) != snap.playing:
                    self.link.playing = snap.playing
            jumped = True
        if jumped:
            self.link.request_beat(snap.beats)

    def close(self) -> None:
        """Leave the Link session."""
        self.link.enabled = False

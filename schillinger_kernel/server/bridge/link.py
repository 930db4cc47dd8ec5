"""Ableton Link: the remote transport's tempo, start/stop and beat on the local Link session.

Link (``aalink``, an optional extra) keeps every Link app on the local network at one tempo
and phase. The bridge joins the session as a peer and, on each transport change, sets the
session tempo, its start/stop state (start/stop sync on), and asks for the hub's beat
position (``request_beat``: alone in the session the beat is set; with peers, Link keeps the
session's phase and aligns at the next quantum, as Link's rules ask).
"""

from __future__ import annotations

from typing import Any

from ...errors import PeerUnavailable
from .timeline import JUMP_BEATS, Snapshot

__all__ = ["LinkFollower", "LinkUnavailable"]


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

    def __init__(self, link: Any) -> None:
        self.link = link
        self.snapshot: Snapshot | None = None

    @classmethod
    def create(cls, tempo: float = 120.0, quantum: float = 4.0) -> LinkFollower:
        """Join the Link session (call on a running event loop: aalink needs one).

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
        return cls(link)

    @property
    def peers(self) -> int:
        """How many other Link apps share the session."""
        return int(self.link.num_peers)

    def update(self, snap: Snapshot) -> None:
        """Put the hub's tempo, play state and (on play or a jump) beat on the session."""
        old, self.snapshot = self.snapshot, snap
        if old is None or abs(old.tempo - snap.tempo) > 1e-9:
            self.link.tempo = snap.tempo
        jumped = old is None or abs(old.beats_at(snap.at) - snap.beats) > JUMP_BEATS
        if old is None or old.playing != snap.playing:
            self.link.playing = snap.playing
            jumped = True
        if jumped:
            self.link.request_beat(snap.beats)

    def close(self) -> None:
        """Leave the Link session."""
        self.link.enabled = False

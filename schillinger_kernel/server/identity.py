"""Who a client is, as the server's identity provider says: username, display name, colour.

Made from the authenticated ``jupyter_server.auth.User`` of a request, never from what a
client sends (:meth:`Identity.claims` checks a name a client typed against it).

>>> Identity("ann", "Ann").to_dict()["display_name"], Identity("ann").color.startswith("#")
('Ann', True)
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from ..errors import Forbidden

__all__ = ["MAX_NAME", "PALETTE", "Identity"]

MAX_NAME = 100
_ANONYMOUS = re.compile(r"[0-9a-f]{32}")  # jupyter_server's generate_anonymous_user


#: Colours given to users whose identity provider sets none (chosen by the username's hash,
#: so one user keeps one colour on every server).
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf")


@dataclass(frozen=True)
class Identity:
    """Who a client is, as the server's identity provider says (never as the client says).

    >>> Identity.of(None)
    Traceback (most recent call last):
    ...
    schillinger_kernel.errors.Forbidden: not authenticated
    >>> Identity("alice", "Alice").claims("alice"), Identity("alice", "Alice").claims("Bob")
    (True, False)
    """

    username: str
    display_name: str = ""
    color: str = ""
    initials: str = ""

    def __post_init__(self) -> None:
        if not self.display_name:
            object.__setattr__(self, "display_name", self.username)
        if not self.color:
            digest = hashlib.sha256(self.username.encode()).digest()
            object.__setattr__(self, "color", PALETTE[digest[0] % len(PALETTE)])

    @classmethod
    def of(cls, user: Any) -> Identity:
        """The identity of an authenticated ``jupyter_server.auth.User`` (or anything with
        ``username``, ``display_name``, ``name``, ``color``, ``initials``)."""
        username = str(getattr(user, "username", "") or "") if user else ""
        if not username:
            raise Forbidden("not authenticated")
        display = getattr(user, "display_name", "") or getattr(user, "name", "") or username
        return cls(username, str(display)[:MAX_NAME], str(getattr(user, "color", "") or ""),
                   str(getattr(user, "initials", "") or ""))

    @property
    def shares_the_token(self) -> bool:
        """Whether this is one of the random users Jupyter makes for each request that logs in
        with the server's one shared token: whoever holds it is the server's owner, but their
        username differs from request to request, so it cannot identify them.

        >>> Identity("0" * 32, "Anonymous Io").shares_the_token, Identity("alice").shares_the_token
        (True, False)
        """
        return bool(_ANONYMOUS.fullmatch(self.username)) and self.display_name.startswith(
            "Anonymous ")

    def claims(self, name: object) -> bool:
        """Whether a client-sent ``name`` names this identity (its username or display name,
        ignoring case and surrounding spaces)."""
        if not isinstance(name, str):
            return False
        wanted = name.strip().casefold()
        return wanted in (self.username.casefold(), self.display_name.strip().casefold())

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON: ``username``, ``display_name``, ``color``, ``initials``."""
        return {"username": self.username, "display_name": self.display_name,
                "color": self.color, "initials": self.initials}

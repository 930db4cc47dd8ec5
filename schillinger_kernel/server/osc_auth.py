"""Who may change things over OSC: a per-server secret, and sender addresses bound to it.

UDP carries no login, and on a shared machine every user's processes can reach every
loopback port. So OSC messages that change state or write files (transport commands, Live
commands) are accepted only from a sender that proved it knows the server's secret:

- ``/schillinger/auth <secret> [reply_port]`` binds the sender's address (IP and port) for
  ``ttl`` seconds, renewed by each accepted message; a DAW, Max patch or TouchOSC layout sends
  it once from the socket it keeps. Answers go to that socket, or to ``reply_port`` on the
  same IP when given (Max's ``[udpreceive 7441]`` beside an ``[udpsend]`` from a random port).
- ``/schillinger/k/<secret>/transport/play``: the secret in the address authorizes that one
  message, for one-shot senders such as liblo's ``oscsend`` that use a new port every time.

The secret is ``SchillingerApp.osc_secret`` when configured, otherwise drawn at start; the
server's Jupyter token is accepted as well. It is written, with the port, to a key file only
its user can read (the Jupyter runtime folder); ``GET status`` names the file, never the
secret, since read-only users see the status too. Wrong secrets are counted per IP: after
:data:`MAX_FAILURES` in a minute that IP may not try again for the rest of the minute.

>>> auth = OscAuth("s3cret")
>>> auth.allowed(("127.0.0.1", 5000)), auth.check("nope"), auth.check("s3cret")
(False, False, True)
>>> auth.bind(("127.0.0.1", 5000), None) > 0, auth.allowed(("127.0.0.1", 5000))
(True, True)
>>> split_keyed("/schillinger/k/s3cret/transport/play")
('s3cret', '/schillinger/transport/play')
"""

from __future__ import annotations

import contextlib
import hmac
import json
import os
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import Busy, Forbidden

__all__ = [
    "AUTH",
    "KEYED",
    "MAX_BINDINGS",
    "MAX_FAILURES",
    "TTL",
    "Binding",
    "OscAuth",
    "split_keyed",
]


AUTH = "/schillinger/auth"
KEYED = "/schillinger/k/"
TTL = 3600.0
MAX_BINDINGS = 256
MAX_FAILURES = 10
_FAIL_WINDOW = 60.0

Client = tuple[str, int]


def split_keyed(address: str) -> tuple[str, str] | None:
    """``(secret, plain address)`` of ``/schillinger/k/<secret>/...``; None for other
    addresses."""
    if not address.startswith(KEYED):
        return None
    secret, _, rest = address[len(KEYED):].partition("/")
    return secret, "/schillinger/" + rest


@dataclass(frozen=True)
class Binding:
    """An authenticated sender: until when, and the port on its IP its replies go to (None:
    its own port)."""

    expires: float
    reply_port: int | None


class OscAuth:
    """The secret, the accepted tokens, the bound senders and the failed attempts."""

    def __init__(self, secret: str = "", tokens: Iterable[str] = (), ttl: float = TTL,
                 key_file: str | Path | None = None) -> None:
        self.secret = secret or secrets.token_hex(16)  # hex: safe inside an OSC address
        self._accepted = tuple(t for t in (self.secret, *tokens) if t)
        self.ttl = ttl
        self.key_file = Path(key_file) if key_file else None
        self._bound: dict[Client, Binding] = {}
        self._failures: dict[str, tuple[int, float]] = {}
        self.refused = 0  # changes refused for want of authentication

    def check(self, candidate: object) -> bool:
        """Whether ``candidate`` is the secret (or an accepted token); constant time."""
        if not isinstance(candidate, str) or not candidate:
            return False
        given = candidate.encode()
        return any(hmac.compare_digest(given, t.encode()) for t in self._accepted)

    def attempt(self, client: Client, candidate: object) -> bool:
        """Check a secret sent by ``client``, counting failures per IP; raise :class:`Busy`
        while the IP is locked out."""
        host, now = client[0], time.monotonic()
        count, first = self._failures.get(host, (0, now))
        if now - first > _FAIL_WINDOW:
            count, first = 0, now
        if count >= MAX_FAILURES:
            raise Busy(f"auth: {MAX_FAILURES} wrong secrets from {host} within a minute; "
                       f"try again in {_FAIL_WINDOW - (now - first):.0f} s")
        if self.check(candidate):
            self._failures.pop(host, None)
            return True
        if len(self._failures) >= MAX_BINDINGS and host not in self._failures:
            self._failures.clear()  # a flood of forged IPs must not grow memory
        self._failures[host] = (count + 1, first)
        return False

    def bind(self, client: Client, reply_port: int | None) -> float:
        """Accept changes from ``client`` for ``ttl`` seconds; return the expiry (epoch s)."""
        now = time.monotonic()
        if len(self._bound) >= MAX_BINDINGS and client not in self._bound:
            self._bound = {c: b for c, b in self._bound.items() if b.expires > now}
            if len(self._bound) >= MAX_BINDINGS:  # still full: the oldest binding goes
                del self._bound[min(self._bound, key=lambda c: self._bound[c].expires)]
        self._bound[client] = Binding(now + self.ttl, reply_port)
        return time.time() + self.ttl

    def binding(self, client: Client) -> Binding | None:
        """The live binding of ``client`` (renewed by this call), or None."""
        b = self._bound.get(client)
        if b is None:
            return None
        now = time.monotonic()
        if b.expires <= now:
            del self._bound[client]
            return None
        self._bound[client] = Binding(now + self.ttl, b.reply_port)
        return b

    def allowed(self, client: Client) -> bool:
        """Whether ``client`` is a bound sender."""
        return self.binding(client) is not None

    def revoke(self, client: Client) -> bool:
        """Forget ``client``'s binding; True when it had one."""
        return self._bound.pop(client, None) is not None

    def refuse(self, address: str) -> Forbidden:
        """The error for a change asked by an unauthenticated sender."""
        self.refused += 1
        where = f" (the secret is in {self.key_file})" if self.key_file else ""
        return Forbidden(f"{address} changes state: send {AUTH} <secret> first from this "
                         f"socket, or use {KEYED}<secret>/...{where}; reading needs no secret")

    def write_key_file(self, host: str, port: int) -> Path | None:
        """Write ``{"host", "port", "secret", "pid"}`` to the key file, readable by this user
        only; None when there is no key file or it cannot be written."""
        if self.key_file is None:
            return None
        data = json.dumps({"host": host, "port": port, "secret": self.secret,
                           "pid": os.getpid()})
        try:
            self.key_file.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.key_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as f:
                os.fchmod(f.fileno(), 0o600)  # an older file may have had a wider mode
                f.write(data)
        except OSError:
            return None
        return self.key_file

    def remove_key_file(self) -> None:
        """Delete the key file (server stop)."""
        if self.key_file is not None:
            with contextlib.suppress(OSError):
                self.key_file.unlink()

    def status(self) -> dict[str, Any]:
        """What the sidebar shows: how to authenticate, where the secret is, how many
        senders are bound and how many changes were refused."""
        now = time.monotonic()
        return {"required_for": "changes (transport, Live); reading needs no secret",
                "how": f"{AUTH} <secret> [reply_port], or {KEYED}<secret>/...",
                "key_file": None if self.key_file is None else str(self.key_file),
                "senders": sum(1 for b in self._bound.values() if b.expires > now),
                "ttl_s": self.ttl, "refused": self.refused}

"""Where a remote Jupyter server's Schillinger API lives, from the URL a musician pastes.

A JupyterHub user's server is ``https://hub.example/user/alice/`` (a plain Jupyter server is
its base URL, e.g. ``http://127.0.0.1:8888/``); the workbench answers under
``schillinger/api/`` there, and its WebSocket uses ``ws``/``wss`` on the same path.

>>> u = hub_urls("https://hub.example/user/alice")
>>> u.base, u.ws, u.status
('https://hub.example/user/alice/', 'wss://hub.example/user/alice/schillinger/api/ws', \
'https://hub.example/user/alice/schillinger/api/status')
>>> hub_urls("http://127.0.0.1:8888/lab?token=x").base  # a copied Lab address works too
'http://127.0.0.1:8888/'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from ...errors import ParameterError, ParameterTypeError

__all__ = ["API", "HubUrls", "hub_urls"]


API = "schillinger/api/"


@dataclass(frozen=True)
class HubUrls:
    """The server's base URL and the workbench's WebSocket and status addresses."""

    base: str
    ws: str
    status: str

    def api(self, path: str) -> str:
        """The address of the REST route ``path`` (relative to ``schillinger/api/``).

        >>> hub_urls("http://127.0.0.1:8888/").api("transport/score")
        'http://127.0.0.1:8888/schillinger/api/transport/score'
        """
        return self.base + API + path.lstrip("/")

    @property
    def host(self) -> str:
        """``host:port`` of the server (for messages)."""
        return urlsplit(self.base).netloc


def hub_urls(url: object) -> HubUrls:
    """The workbench addresses of the Jupyter server at ``url`` (http or https).

    Raises
    ------
    ParameterError
        ``url`` is not an http(s) URL with a host.

    Examples
    --------
    >>> hub_urls("hub.example/user/bob/")
    Traceback (most recent call last):
    ...
    schillinger_kernel.errors.ParameterError: url: give the server's address with http:// or \
https://, e.g. https://hub.example/user/alice/ (got 'hub.example/user/bob/')
    """
    if not isinstance(url, str):
        raise ParameterTypeError(f"url must be a string, got {type(url).__name__}", field="url")
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ParameterError("url: give the server's address with http:// or https://, e.g. "
                             f"https://hub.example/user/alice/ (got {url!r})", field="url")
    try:
        parts.port  # noqa: B018  (urlsplit checks the port only when asked)
    except ValueError:
        raise ParameterError(f"url: the port of {url!r} is not a number in 0..65535",
                             field="url") from None
    # the server's base is what comes before the UI page or the API in a copied address
    path = re.split(r"/(?:lab|tree|notebooks|edit|doc|schillinger/api)(?:/|$)", parts.path,
                    maxsplit=1)[0]
    if not path.endswith("/"):
        path += "/"
    base = urlunsplit((parts.scheme, parts.netloc, path, "", ""))
    ws_scheme = "wss" if parts.scheme == "https" else "ws"
    ws = urlunsplit((ws_scheme, parts.netloc, path + API + "ws", "", ""))
    return HubUrls(base=base, ws=ws, status=base + API + "status")

"""The authenticated WebSocket to a remote workbench: requests answered by id, pushes heard.

One :class:`Remote` holds one connection to ``{server}/schillinger/api/ws`` (the protocol of
:mod:`schillinger_kernel.server.ws`), authenticated with the user's API token in the
``Authorization`` header as JupyterHub and Jupyter accept it. :meth:`Remote.request` sends a
message with a fresh ``id`` and waits for the answer carrying it; the server's ``error`` answer
is raised as :class:`~schillinger_kernel.server.errors.Answered`, so whatever door the bridge
serves repeats the server's status, message and field word for word. Messages without a
pending ``id`` (transport pushes) go to the ``on_push`` listeners.

Connecting turns what can go wrong into one sentence each (:func:`connect_error`): a refused
token, a server without the workbench, a host that does not answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import ssl
from collections.abc import Callable
from typing import Any

from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
from tornado.websocket import WebSocketClientConnection, WebSocketClosedError, websocket_connect

from ...errors import Forbidden, NotFound, ParameterError, PeerUnavailable, WorkbenchError
from ..errors import Answered, ErrorAnswer
from .urls import HubUrls

__all__ = ["CONNECT_TIMEOUT", "REQUEST_TIMEOUT", "Push", "Remote", "connect_error"]


CONNECT_TIMEOUT = 20.0
REQUEST_TIMEOUT = 120.0  # a compose or render may take a minute on a busy hub
Push = Callable[[dict[str, Any]], None]
_ANSWERS = frozenset({"result", "transport", "joined", "left", "presence", "ack", "heartbeat",
                      "error"})


def connect_error(urls: HubUrls, exc: BaseException) -> WorkbenchError:
    """The error a musician reads when connecting to ``urls`` failed with ``exc``.

    >>> from schillinger_kernel.server.bridge.urls import hub_urls
    >>> u = hub_urls("https://hub.example/user/alice/")
    >>> print(connect_error(u, HTTPClientError(403)))
    https://hub.example/user/alice/ refused the token (HTTP 403 Forbidden): give an API token \
of that server's user (JupyterHub: the Token page, https://hub.example/hub/token), with --token \
or SCHILLINGER_TOKEN
    >>> type(connect_error(u, ConnectionRefusedError(111, "Connection refused"))).__name__
    'PeerUnavailable'
    """
    if isinstance(exc, HTTPClientError):
        code = exc.code
        if code in (301, 302, 303, 307, 401, 403):
            # a hub redirects a request without a valid token to its login page
            root = urls.base.split("/user/", 1)[0].rstrip("/") + "/hub/token"
            return Forbidden(f"{urls.base} refused the token (HTTP {code} {exc.message}): give "
                             "an API token of that server's user (JupyterHub: the Token page, "
                             f"{root}), with --token or SCHILLINGER_TOKEN", field="token")
        if code == 404:
            return NotFound(f"no Schillinger Workbench at {urls.base} (HTTP 404): is this the "
                            "address of the user's server (…/user/NAME/), and is "
                            "schillinger-workbench installed there?", field="url")
        if code == 599:
            return PeerUnavailable(f"no answer from {urls.host} within {CONNECT_TIMEOUT:g} s: "
                                   "is the server running and the address right?")
        return PeerUnavailable(f"{urls.base} answered HTTP {code} {exc.message}; expected the "
                               "workbench's WebSocket")
    if isinstance(exc, ssl.SSLError | ssl.CertificateError):
        return PeerUnavailable(f"TLS with {urls.host} failed: {exc}")
    if isinstance(exc, asyncio.TimeoutError | TimeoutError):
        return PeerUnavailable(f"no answer from {urls.host} within {CONNECT_TIMEOUT:g} s: is "
                               "the server running and the address right?")
    if isinstance(exc, OSError):
        reason = exc.strerror or str(exc) or type(exc).__name__
        return PeerUnavailable(f"cannot reach {urls.host}: {reason}; is the server running "
                               "and the address right?")
    return PeerUnavailable(f"cannot connect to {urls.base}: {type(exc).__name__}: {exc}")


class Remote:
    """One WebSocket to the workbench at ``urls``, authenticated with ``token``."""

    def __init__(self, urls: HubUrls, token: str, *, validate_cert: bool = True) -> None:
        if not isinstance(token, str) or not token.strip():
            raise ParameterError("token: give the server's API token (--token or the "
                                 "SCHILLINGER_TOKEN environment variable)", field="token")
        self.urls = urls
        self._token = token.strip()
        self.validate_cert = validate_cert
        self.hello: dict[str, Any] = {}
        self.on_push: list[Push] = []
        self._ws: WebSocketClientConnection | None = None
        self._pending: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._ids = itertools.count(1)
        self._reader: asyncio.Task[None] | None = None
        self.closed = asyncio.Event()

    @property
    def token(self) -> str:
        """The API token this connection authenticates with."""
        return self._token

    @property
    def connected(self) -> bool:
        """True while the WebSocket is open."""
        return self._ws is not None and not self.closed.is_set()

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"token {self._token}"}

    async def connect(self) -> dict[str, Any]:
        """Open the WebSocket and wait for the server's ``hello`` (who this token is)."""
        req = HTTPRequest(self.urls.ws, headers=self._headers(),
                          connect_timeout=CONNECT_TIMEOUT, request_timeout=CONNECT_TIMEOUT,
                          validate_cert=self.validate_cert, follow_redirects=False)
        try:
            ws = await asyncio.wait_for(websocket_connect(req, ping_interval=20.0,
                                                          ping_timeout=20.0,
                                                          max_message_size=64 * 2**20),
                                        CONNECT_TIMEOUT)
            first = await asyncio.wait_for(ws.read_message(), CONNECT_TIMEOUT)
        except Exception as exc:
            raise connect_error(self.urls, exc) from None
        hello = json.loads(first) if isinstance(first, str) else {}
        if hello.get("type") != "hello":
            ws.close()
            raise PeerUnavailable(f"{self.urls.ws} did not greet like the workbench (got "
                                  f"{str(first)[:80]!r})")
        self._ws, self.hello = ws, hello
        self.closed.clear()
        self._reader = asyncio.ensure_future(self._read(ws))
        return hello

    async def _read(self, ws: WebSocketClientConnection) -> None:
        try:
            while True:
                text = await ws.read_message()
                if text is None:
                    break
                try:
                    msg = json.loads(text) if isinstance(text, str) else None
                except ValueError:
                    msg = None  # not the workbench's JSON: nothing to deliver
                if isinstance(msg, dict):
                    self._deliver(msg)
        finally:
            self._ws = None
            self.closed.set()
            gone = PeerUnavailable(f"the connection to {self.urls.base} closed; the bridge "
                                   "reconnects")
            for fut in self._pending.values():
                if not fut.done():
                    fut.set_exception(gone)
            self._pending.clear()

    def _deliver(self, msg: dict[str, Any]) -> None:
        key = msg.get("id")
        fut = self._pending.get(key) if isinstance(key, str) else None
        if fut is not None and msg.get("type") in _ANSWERS:
            del self._pending[key]  # type: ignore[arg-type]
            if fut.done():
                return
            if msg["type"] == "error":
                fut.set_exception(Answered(ErrorAnswer(int(msg.get("status") or 500),
                                                       str(msg.get("message", "")),
                                                       msg.get("field") or None)))
            else:
                fut.set_result(msg)
            return
        if key is None or fut is None:
            for listener in list(self.on_push):
                listener(msg)

    async def request(self, message: dict[str, Any], timeout: float = REQUEST_TIMEOUT
                      ) -> dict[str, Any]:
        """Send ``message`` with a fresh ``id``; return the answer (the server's ``error``
        raised as :class:`Answered`)."""
        ws = self._ws
        if ws is None or self.closed.is_set():
            raise PeerUnavailable(f"not connected to {self.urls.base} (the bridge is "
                                  "reconnecting)")
        key = f"b{next(self._ids)}"
        fut: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[key] = fut
        try:
            await ws.write_message(json.dumps({**message, "id": key}))
            return await asyncio.wait_for(fut, timeout)
        except WebSocketClosedError:
            raise PeerUnavailable(f"the connection to {self.urls.base} closed") from None
        except TimeoutError:
            raise PeerUnavailable(f"no answer from {self.urls.host} within {timeout:g} s"
                                  ) from None
        finally:
            self._pending.pop(key, None)

    async def get(self, path: str, timeout: float = CONNECT_TIMEOUT) -> dict[str, Any]:
        """The JSON answer of the REST ``GET path`` (under ``schillinger/api/``), with the same
        token; a refusal or an unreachable server raises as :func:`connect_error` says."""
        req = HTTPRequest(self.urls.api(path), headers=self._headers(),
                          request_timeout=timeout, validate_cert=self.validate_cert,
                          follow_redirects=False)
        try:
            resp = await AsyncHTTPClient().fetch(req)
        except Exception as exc:
            raise connect_error(self.urls, exc) from None
        data: dict[str, Any] = json.loads(resp.body)
        return data

    async def status(self) -> dict[str, Any]:
        """The server's ``GET status`` (REST, with the same token)."""
        return await self.get("status")

    def close(self) -> None:
        """Close the WebSocket (pending requests fail with :class:`PeerUnavailable`)."""
        if self._ws is not None:
            with contextlib.suppress(Exception):
                self._ws.close()

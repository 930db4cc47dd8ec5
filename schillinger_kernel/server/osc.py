"""The OSC bridge: ``/schillinger/...`` addresses served on the Jupyter server's event loop.

A python-osc :class:`AsyncIOOSCUDPServer` whose datagram protocol is ours, to fix three things
of the stock one: a packet that does not parse is answered with ``/schillinger/error`` instead
of being dropped; a bundle with a future timetag is scheduled with ``loop.call_later`` instead
of ``time.sleep`` on the event loop (at most :data:`MAX_DELAY` ahead); coroutine handlers are
run as tasks. Routing uses python-osc's :class:`Dispatcher` (OSC address patterns included).

Messages that change state or write files are accepted only from an authenticated sender
(:mod:`.osc_auth`: ``/schillinger/auth <secret>`` binds the sender's address, or the secret in
the address); everything else only reads and is open to any local sender.

Replies go to the sender's own address (IP and port), on the address of the request, and never
anywhere else: a UDP source can be forged, and on a shared machine another user's program may
listen on the usual reply port. An authenticated sender may name a reply port on its IP
(``/schillinger/auth <secret> <port>``); a message with the secret in its address (one-shot
senders such as ``oscsend``, whose port is gone) is answered on ``reply_port``. Errors answer
``/schillinger/error <address> <message> <field> <status>`` (``field`` is ``""`` when no single
one is at fault; ``status`` is what REST would answer), made by the one error mapper
(:mod:`.errors`), so REST, WebSocket and OSC agree word for word. Each sender has its own rate
(bound senders apart from the unauthenticated traffic of their IP). The bridge binds 127.0.0.1
unless configured otherwise.

When ``port`` is taken (another user's Jupyter server on a shared machine), the bridge takes
a free one nearby, or any free one, and says so once (``notice`` in the status, and the log);
``port`` 0 binds any free port. :meth:`OscBridge.status` (and so ``GET status`` and the
sidebar) reports the port actually bound.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import ipaddress
import math
import struct
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

from pythonosc.dispatcher import Dispatcher
from pythonosc.osc_message import OscMessage
from pythonosc.osc_packet import OscPacket, ParseError
from pythonosc.osc_server import AsyncIOOSCUDPServer
from pythonosc.parsing import osc_types

from ..errors import Forbidden, NotFound, ParameterError, TooLarge
from . import osc_routes
from .errors import ErrorAnswer, map_error
from .osc_auth import AUTH, OscAuth, split_keyed

if TYPE_CHECKING:  # pragma: no cover
    from .workbench import Workbench

__all__ = [
    "ERROR",
    "FALLBACK_PORTS",
    "MAX_DELAY",
    "OscBridge",
    "close_quietly",
    "encode_message",
]


MAX_DELAY = 60.0
ERROR = "/schillinger/error"
_F32_MAX = 3.4028234663852886e38
_MAX_SENDERS = 4096  # rate-limit buckets kept; beyond, the full (idle) ones are forgotten
#: Ports tried after a taken ``port`` (``port + 2`` on, the reply port skipped), before any.
FALLBACK_PORTS = 16
WriteRule = bool | Callable[[Sequence[Any]], bool]


def _arg(value: Any) -> tuple[str, bytes]:
    if value is True:
        return "T", b""
    if value is False:
        return "F", b""
    if value is None:
        return "N", b""
    if isinstance(value, int):
        if -2**31 <= value < 2**31:
            return "i", struct.pack(">i", value)
        if -2**63 <= value < 2**63:
            return "h", struct.pack(">q", value)
        return "s", osc_types.write_string(str(value))
    if isinstance(value, float):  # beyond float32 (1e308): a double, not an OverflowError
        if math.isfinite(value) and abs(value) > _F32_MAX:
            return "d", struct.pack(">d", value)
        return "f", struct.pack(">f", value)
    if isinstance(value, str):
        return "s", osc_types.write_string(value)
    if isinstance(value, bytes | bytearray):
        return "b", osc_types.write_blob(bytes(value)) if value else struct.pack(">i", 0)
    return "s", osc_types.write_string(str(value))


def encode_message(address: str, args: Sequence[Any], limit: int | None = None) -> bytes:
    """One OSC message, built in one pass (python-osc's builder concatenates bytes: quadratic).

    Stops with :class:`TooLarge` as soon as the message would exceed ``limit`` bytes.

    >>> from pythonosc.osc_message import OscMessage
    >>> OscMessage(encode_message("/a", [1, 2.5, "x", 1e308, 2**40])).params
    [1, 2.5, 'x', 1e+308, 1099511627776]
    """
    head = osc_types.write_string(address)
    tags, chunks = [","], []
    size = len(head) + 4
    for value in args:
        tag, data = _arg(value)
        tags.append(tag)
        chunks.append(data)
        size += len(data) + 1
        if limit is not None and size > limit:
            raise TooLarge(f"the answer is larger than {limit} bytes "
                           "(SchillingerApp.max_osc_reply_bytes); ask over REST")
    return head + osc_types.write_string("".join(tags)) + b"".join(chunks)


class _Protocol(asyncio.DatagramProtocol):
    def __init__(self, bridge: OscBridge) -> None:
        self.bridge = bridge

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.bridge._transport = transport  # type: ignore[assignment]

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        self.bridge.handle_packet(data, addr)

    def error_received(self, exc: Exception) -> None:  # ICMP port unreachable on replies
        self.bridge.send_errors += 1


class _Server(AsyncIOOSCUDPServer):
    """python-osc's asyncio server with our protocol."""

    def __init__(self, bridge: OscBridge, addr: tuple[str, int],
                 loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(addr, bridge.dispatcher, loop)  # type: ignore[arg-type]
        self.bridge = bridge

    def create_serve_endpoint(self) -> Any:
        return self._loop.create_datagram_endpoint(lambda: _Protocol(self.bridge),
                                                   local_addr=self._server_address)


class OscBridge:
    """Listens on ``host:port``; answers the sender; changes only from authenticated ones."""

    def __init__(self, wb: Workbench, host: str = "127.0.0.1", port: int = 7440,
                 reply_port: int = 7441, enabled: bool = True) -> None:
        self.wb = wb
        self.host, self.port, self.reply_port = host, port, reply_port
        self.requested_port = port
        self.enabled = enabled
        self.error: str | None = None if enabled else "disabled by configuration"
        self.notice: str | None = None  # said once: the port differs from the one asked for
        self.received = 0
        self.sent = 0
        self.send_errors = 0
        self.dropped = 0  # packets over a sender's rate
        self.refused_replies = 0  # replies not sent: the sender is not an allowed host
        st = getattr(wb, "settings", None)
        self.limits = st.limits if st is not None else None
        self.reply_hosts = frozenset(st.osc_reply_hosts) if st is not None else frozenset()
        self.rate = float(st.osc_rate) if st is not None else 200.0
        self.auth = OscAuth(st.osc_secret if st is not None else "",
                            st.osc_tokens if st is not None else (),
                            key_file=(st.osc_key_file or None) if st is not None else None)
        # the addresses that change state, routed like the real ones: a pattern such as
        # /schillinger/*/tempo must count as a change as much as the address it matches
        self._writes = Dispatcher()
        self._buckets: dict[str, tuple[float, float]] = {}
        self._transport: asyncio.DatagramTransport | None = None
        self._tasks: set[asyncio.Future[Any]] = set()
        self._timers: set[asyncio.TimerHandle] = set()
        self.dispatcher = Dispatcher()
        osc_routes.install(self)
        self.dispatcher.set_default_handler(self._unknown, needs_reply_address=True)

    @property
    def listening(self) -> bool:
        """True while the socket is open."""
        return self._transport is not None

    def status(self) -> dict[str, Any]:
        """``enabled`` (listening), ``host``, ``port`` (bound), ``requested_port``,
        ``reply_port``, ``error`` (why it is off, without an "OSC is off" prefix: the reader
        adds its own), ``notice`` (the port differs from the one configured, and why) and
        ``auth`` (how to authenticate, where the secret is; never the secret)."""
        return {"enabled": self.listening, "host": self.host, "port": self.port,
                "requested_port": self.requested_port, "reply_port": self.reply_port,
                "error": self.error, "notice": self.notice, "auth": self.auth.status()}

    def _candidates(self) -> list[int]:
        if self.requested_port == 0:
            return [0]
        nearby = [p for p in range(self.requested_port + 2,
                                   self.requested_port + 2 + FALLBACK_PORTS)
                  if p != self.reply_port and p <= 65535]
        return [self.requested_port, *nearby, 0]

    async def start(self) -> bool:
        """Bind the UDP socket (another port when the configured one is taken); on failure
        record why in ``error`` and return False."""
        if not self.enabled or self.listening:
            return self.listening
        loop = asyncio.get_running_loop()
        taken: OSError | None = None
        for port in self._candidates():
            try:
                transport, _ = await _Server(self, (self.host, port), loop
                                             ).create_serve_endpoint()
                break
            except OSError as exc:
                if exc.errno != errno.EADDRINUSE:
                    self.error = f"cannot listen on UDP {self.host}:{port}: {exc}"
                    return False
                taken = taken or exc
        else:
            self.error = (f"cannot listen on UDP {self.host}:{self.requested_port}: {taken}; "
                          "no free port either")
            return False
        self._transport = transport
        self.port = transport.get_extra_info("sockname")[1]
        self.error = None
        if taken is not None:
            self.notice = (f"UDP port {self.requested_port} on {self.host} is taken (another "
                           f"Jupyter server on this machine?), so OSC listens on port "
                           f"{self.port}: send your DAW there, or set "
                           "SchillingerApp.osc_port")
            self.wb.log.warning("schillinger: %s", self.notice)
        self.auth.write_key_file(self.host, self.port)
        return True

    def stop(self) -> None:
        """Close the socket and cancel pending tasks and timed bundles."""
        for task in list(self._tasks):
            task.cancel()
        self._tasks.clear()
        for timer in list(self._timers):
            timer.cancel()
        self._timers.clear()
        if self._transport is not None:
            self._transport.close()
            self._transport = None
            self.auth.remove_key_file()

    # ----- sending ---------------------------------------------------------------------------
    def reply_allowed(self, host: str) -> bool:
        """Replies go to loopback senders, and to ``osc_reply_hosts`` (``*``: anyone): a UDP
        source address can be forged, so the bridge must not answer a third party."""
        if "*" in self.reply_hosts or host in self.reply_hosts:
            return True
        try:
            return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
        except ValueError:
            return False

    def reply(self, client: tuple[str, int], address: str, args: Sequence[Any]) -> None:
        """Send ``address args`` to the client's IP on the reply port; an answer larger than
        ``max_osc_reply_bytes`` becomes ``/schillinger/error`` (413: use REST)."""
        limit = self.limits.osc_reply_bytes if self.limits is not None else None
        try:
            data = encode_message(address, args, limit)
        except TooLarge as exc:
            self.error_reply(client, address, exc)
            return
        self._send(client, data)

    def _send(self, client: tuple[str, int], data: bytes) -> None:
        if self._transport is None:
            return
        if not self.reply_allowed(client[0]):
            self.refused_replies += 1
            return
        try:
            self._transport.sendto(data, client)
            self.sent += 1
        except (OSError, ValueError):
            self.send_errors += 1

    def error_reply(self, client: tuple[str, int], address: str,
                    error: Exception | ErrorAnswer) -> None:
        """``/schillinger/error <address> <message> <field> <status>`` for ``error``
        (bounded by the mapper's message length and the packet limit, so never refused)."""
        ans = error if isinstance(error, ErrorAnswer) else map_error(error, self.wb.log)
        self._send(client, encode_message(ERROR, [address[:200], ans.message,
                                                  ans.field or "", ans.status]))

    def reply_address(self, client: tuple[str, int], keyed: bool = False) -> tuple[str, int]:
        """Where answers to ``client`` go: its own address, or the port an authenticated
        sender named on its own IP; a keyed message's answer goes to ``reply_port`` on the
        sender's IP."""
        binding = None if keyed else self.auth.binding(client)
        if binding is None and not keyed:
            return client
        if binding is not None:
            return client[0], binding.reply_port or client[1]
        # keyed one-shot senders (oscsend) close their socket: the configured reply port
        return client[0], self.reply_port or client[1]

    def _admit(self, sender: str | tuple[str, int], cost: int = 1) -> bool:
        """A token bucket per sender: ``osc_rate`` messages a second, bursts of as many.
        ``sender``: an authenticated address, or the IP of everyone else."""
        if self.rate <= 0:
            return True
        now = time.monotonic()
        burst = max(1.0, self.rate)
        host = sender if isinstance(sender, str) else f"{sender[0]}:{sender[1]}"
        tokens, last = self._buckets.get(host, (burst, now))
        tokens = min(burst, tokens + (now - last) * self.rate)
        if tokens < cost:
            self._buckets[host] = (tokens, now)
            return False
        if len(self._buckets) >= _MAX_SENDERS and host not in self._buckets:
            self._buckets = {h: (t, at) for h, (t, at) in self._buckets.items()
                             if t + (now - at) * self.rate < burst}
        self._buckets[host] = (tokens - cost, now)
        return True

    # ----- receiving -------------------------------------------------------------------------
    def handle_packet(self, data: bytes, client: tuple[str, int]) -> None:
        """Parse one datagram and dispatch its messages (bundles unpacked, timetags honoured)."""
        self.received += 1
        sender = client if self.auth.allowed(client) else client[0]
        if not self._admit(sender):
            self.dropped += 1
            return
        answer = self.reply_address(client)
        limit = self.limits.osc_packet_bytes if self.limits is not None else None
        if limit is not None and len(data) > limit:
            self.error_reply(answer, "", TooLarge(
                f"OSC packet of {len(data)} bytes; at most {limit} "
                "(SchillingerApp.max_osc_packet_bytes); send large requests over REST"))
            return
        try:
            packet = OscPacket(data)
        except ParseError as exc:
            self.error_reply(answer, "", ParameterError(f"malformed OSC packet: {exc}"))
            return
        except Exception as exc:  # python-osc raises others on truncated data
            self.error_reply(answer, "", ParameterError(
                f"malformed OSC packet: {type(exc).__name__}: {exc}"))
            return
        now = time.time()
        loop = asyncio.get_running_loop()
        if len(packet.messages) > 1 and not self._admit(sender, len(packet.messages) - 1):
            self.dropped += 1  # a bundle costs one token per message
            return
        for timed in packet.messages:
            delay = timed.time - now if timed.time else 0.0
            if delay > MAX_DELAY:
                self.error_reply(answer, _public(timed.message.address), ParameterError(
                    f"bundle timetag is {delay:.0f} s ahead; at most {MAX_DELAY:g}"))
            elif delay > 0.0005:
                self._schedule(loop, delay, timed.message, client)
            else:
                self.dispatch(timed.message, client)

    def _schedule(self, loop: asyncio.AbstractEventLoop, delay: float, message: OscMessage,
                  client: tuple[str, int]) -> None:
        box: list[asyncio.TimerHandle] = []

        def fire() -> None:
            self._timers.discard(box[0])
            self.dispatch(message, client)

        box.append(loop.call_later(delay, fire))
        self._timers.add(box[0])

    def dispatch(self, message: OscMessage, client: tuple[str, int]) -> None:
        """Call the handlers of ``message`` (changes only for an authenticated sender);
        errors become ``/schillinger/error``. Handlers get the reply address as client."""
        address = message.address
        keyed = split_keyed(address)
        if address == AUTH:
            self._on_auth(client, list(message.params))
            return
        if keyed is not None:
            secret, address = keyed
            try:
                ok = self.auth.attempt(client, secret)
            except Exception as exc:
                self.error_reply(client, address, exc)
                return
            if not ok:
                self.error_reply(client, address, Forbidden(
                    f"wrong secret in {address.replace('/schillinger/', '/schillinger/k/…/')}"))
                return
            message = OscMessage(encode_message(address, message.params))
        answer = self.reply_address(client, keyed=keyed is not None)
        if (keyed is None and self.writes(address, message.params)
                and not self.auth.allowed(client)):
            self.error_reply(answer, address, self.auth.refuse(address))
            return
        # the jobs it starts are its sender's (the tasks spawned here keep the value)
        owner = osc_routes.OWNER.set(osc_routes.sender_owner(
            client[0], keyed is not None or self.auth.allowed(client)))
        try:
            for handler in self.dispatcher.handlers_for_address(address):
                try:
                    result = handler.invoke(answer, message)
                except Exception as exc:  # every error is answered; the bridge keeps serving
                    self.error_reply(answer, address, exc)
                    continue
                if asyncio.iscoroutine(result):
                    self._spawn(result, answer, address)
        finally:
            osc_routes.OWNER.reset(owner)

    def _on_auth(self, client: tuple[str, int], args: list[Any]) -> None:
        """``/schillinger/auth <secret> [reply_port]``: answered ``/schillinger/auth 1 <ttl>``
        on the new reply address, or an error (403 wrong secret, 429 too many) to the
        sender."""
        try:
            if len(args) not in (1, 2):
                raise ParameterError(f"{AUTH}: give the secret, and optionally the port to "
                                     "answer on", field="secret")
            port = args[1] if len(args) == 2 else 0
            if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
                raise ParameterError(f"{AUTH}: reply_port must be an integer 0..65535 (0: "
                                     f"this socket's port), got {port!r}", field="reply_port")
            if not self.auth.attempt(client, args[0]):
                raise Forbidden(f"{AUTH}: wrong secret (see the OSC section of the "
                                "Schillinger sidebar for where the secret is)", field="secret")
        except Exception as exc:
            self.error_reply(self.reply_address(client), AUTH, exc)
            return
        self.auth.bind(client, port or None)
        self.reply(self.reply_address(client), AUTH, [1, float(self.auth.ttl)])
    def _spawn(self, coro: Awaitable[Any], client: tuple[str, int], address: str) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)

        def done(t: asyncio.Future[Any]) -> None:
            self._tasks.discard(t)
            if t.cancelled():
                return
            exc = t.exception()
            if isinstance(exc, Exception):
                self.error_reply(client, address, exc)

        task.add_done_callback(done)

    def _unknown(self, client: tuple[str, int], address: str, *args: Any) -> None:
        self.error_reply(client, address, NotFound(
            f"unknown address {address!r}; see /schillinger/help or the tutorial "
            "notebooks/06_daw.ipynb"))

    def map(self, address: str, fn: Callable[..., Any], writes: WriteRule = False) -> None:
        """Route ``address`` (a python-osc pattern) to ``fn(client, address, *args)``;
        ``writes``: whether it changes state (True, or a test of the arguments), and so
        needs an authenticated sender."""
        self.dispatcher.map(address, fn, needs_reply_address=True)
        if writes:
            self._writes.map(address, (lambda args: True) if writes is True else writes)

    def writes(self, address: str, args: Sequence[Any]) -> bool:
        """Whether a message to ``address`` (or an OSC pattern) with ``args`` changes
        state."""
        return any(h.callback(args) for h in self._writes.handlers_for_address(address))


def _public(address: str) -> str:
    """``address`` with the secret of a keyed address left out (errors repeat addresses)."""
    keyed = split_keyed(address)
    return address if keyed is None else keyed[1]


def close_quietly(bridge: OscBridge | None) -> None:
    """Stop a bridge, ignoring errors (server shutdown)."""
    if bridge is not None:
        with contextlib.suppress(Exception):
            bridge.stop()

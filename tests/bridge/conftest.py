"""Fixtures for the bridge: a real Jupyter server with the extension (pytest-jupyter, as in
tests/server), its URL and token as a musician would paste them, and UDP OSC peers.

The server lives on pytest-jupyter's loop; tests drive coroutines on it with ``run(...)``, so
an in-process bridge, a ``schillinger bridge`` subprocess and the server all make progress.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from helpers import free_port
from jupyter_server.auth import Authorizer
from pytest_jupyter.jupyter_server import *  # noqa: F403  (fixtures and hooks, this folder only)

EXT = "schillinger_kernel.server"


class ReadOnly(Authorizer):
    """Allows ``read`` only: a read-only share on a hub."""

    def is_authorized(self, handler: Any, user: Any, action: str, resource: str) -> bool:
        return action == "read"


@pytest.fixture  # type: ignore[no-redef]
def jp_server_config(tmp_path: Any, request: Any) -> dict[str, Any]:
    """The server; ``@pytest.mark.parametrize("jp_server_config", ["readonly"],
    indirect=True)`` makes it a read-only share."""
    server: dict[str, Any] = {"jpserver_extensions": {EXT: True,
                                                      "jupyter_server_terminals": False},
                              "allow_unauthenticated_access": False}
    if getattr(request, "param", None) == "readonly":
        server["authorizer_class"] = ReadOnly
    return {
        "ServerApp": server,
        "SchillingerApp": {"osc_port": 0, "osc_reply_port": free_port(socket.SOCK_DGRAM),
                           "audio_output": False,
                           "ableton_port": free_port(socket.SOCK_DGRAM),
                           "ableton_reply_port": free_port(socket.SOCK_DGRAM),
                           "sessions_dir": str(tmp_path / "sessions")},
    }


@pytest.fixture
def run(jp_asyncio_loop: asyncio.AbstractEventLoop) -> Callable[[Any], Any]:
    """``run(coro)``: drive a coroutine to completion on the server's loop."""
    return jp_asyncio_loop.run_until_complete


@pytest.fixture
def wb(jp_serverapp: Any, jp_asyncio_loop: asyncio.AbstractEventLoop) -> Any:
    """The started workbench (pytest-jupyter does not run the extensions' async start)."""
    workbench = jp_serverapp.web_app.settings["schillinger_workbench"]
    jp_asyncio_loop.run_until_complete(workbench.start())
    return workbench


@pytest.fixture
def hub(wb: Any, jp_serverapp: Any, jp_http_port: int, jp_base_url: str,
        http_server: Any) -> dict[str, Any]:
    """What the musician has: the server's ``url`` and ``token`` (and the server's own OSC
    port, to compare answers with); ``http_server`` makes the server listen on the port."""
    return {"url": f"http://127.0.0.1:{jp_http_port}{jp_base_url}",
            "token": jp_serverapp.identity_provider.token,
            "server_osc": wb.status()["osc"]["port"]}


class OscPeer(asyncio.DatagramProtocol):
    """A UDP OSC client on the test's loop: send messages, collect what arrives."""

    def __init__(self) -> None:
        self.inbox: asyncio.Queue[tuple[str, list[Any]]] = asyncio.Queue()
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        from pythonosc.osc_packet import OscPacket

        for timed in OscPacket(data).messages:
            self.inbox.put_nowait((timed.message.address, list(timed.message.params)))

    def send(self, port: int, address: str, *args: Any) -> None:
        from pythonosc.osc_message_builder import build_msg

        assert self.transport is not None
        self.transport.sendto(build_msg(address, list(args)).dgram, ("127.0.0.1", port))

    async def ask(self, port: int, address: str, *args: Any, timeout: float = 20.0
                  ) -> tuple[str, list[Any]]:
        """Send, and return the next answer."""
        self.send(port, address, *args)
        return await asyncio.wait_for(self.inbox.get(), timeout)

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


@pytest.fixture
def osc_peer(run: Callable[[Any], Any]) -> Iterator[Callable[[], Any]]:
    """``peer = await osc_peer()``: an OscPeer on a free loopback port (closed after)."""
    peers: list[OscPeer] = []

    async def make() -> OscPeer:
        loop = asyncio.get_running_loop()
        _, peer = await loop.create_datagram_endpoint(OscPeer, local_addr=("127.0.0.1", 0))
        peers.append(peer)
        return peer

    yield make
    for p in peers:
        p.close()

"""Fixtures for the server extension: a real Jupyter server (pytest-jupyter) with the
extension enabled, authentication required, and OSC on free loopback ports.

pytest-jupyter's fixtures are imported here rather than named in ``pytest_plugins``: pytest
refuses ``pytest_plugins`` outside the top-level conftest, and loading the plugin for the whole
suite would give every test its autouse event loop and ServerApp clean-up. The tests are plain
functions that drive coroutines with ``run(...)`` on pytest-jupyter's loop (the loop the server
lives on), so they do not depend on pytest-asyncio's mode, which runs ``async def`` tests on a
loop of its own.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import free_port
from pytest_jupyter.jupyter_server import *  # noqa: F403  (fixtures and hooks, this folder only)

EXT = "schillinger_kernel.server"


@pytest.fixture
def ports() -> dict[str, int]:
    """Free UDP ports: our OSC reply port, a fake Live and Live's reply port; ``osc`` (the
    bridge binds port 0) is added by the ``wb`` fixture from the port it reports."""
    return {name: free_port(socket.SOCK_DGRAM) for name in ("reply", "live", "live_reply")}


@pytest.fixture
def jp_server_config(ports: dict[str, int], tmp_path: Any) -> dict[str, Any]:
    return {
        "ServerApp": {"jpserver_extensions": {EXT: True, "jupyter_server_terminals": False},
                      "allow_unauthenticated_access": False},
        "SchillingerApp": {"osc_port": 0, "osc_reply_port": ports["reply"],
                           "audio_output": False,  # no sound card in tests, and no noise
                           "ableton_port": ports["live"],
                           "ableton_reply_port": ports["live_reply"],
                           "sessions_dir": str(tmp_path / "sessions")},
    }


@pytest.fixture
def run(jp_asyncio_loop: asyncio.AbstractEventLoop) -> Callable[[Any], Any]:
    """``run(coro)``: drive a coroutine (or future) to completion on the server's loop."""
    return jp_asyncio_loop.run_until_complete


@pytest.fixture
def wb(jp_serverapp: Any, jp_asyncio_loop: asyncio.AbstractEventLoop,
       ports: dict[str, int]) -> Any:
    """The started workbench (pytest-jupyter does not run the extensions' async start);
    ``ports["osc"]`` is the port its OSC bridge bound, as ``status`` reports it."""
    workbench = jp_serverapp.web_app.settings["schillinger_workbench"]
    jp_asyncio_loop.run_until_complete(workbench.start())
    ports["osc"] = workbench.status()["osc"]["port"]
    return workbench


@pytest.fixture
def api(jp_fetch: Any, wb: Any) -> Callable[..., Any]:
    """``await api("rhythm", body)`` -> (status, json); never raises on 4xx/5xx."""

    async def call(path: str, body: Any = None, method: str | None = None,
                   raw: bytes | None = None, headers: dict[str, str] | None = None,
                   timeout: float = 20.0) -> Any:
        kw: dict[str, Any] = {"raise_error": False, "request_timeout": timeout}
        if raw is not None:
            kw["body"] = raw
        elif body is not None:
            kw["body"] = json.dumps(body)
        if headers:
            kw["headers"] = headers
        m = method or ("POST" if "body" in kw else "GET")
        r = await jp_fetch("schillinger", "api", *path.split("/"), method=m, **kw)
        text = r.body.decode() if r.body else ""
        return r.code, (json.loads(text) if text else None)

    return call


class OscPeer(asyncio.DatagramProtocol):
    """A UDP OSC peer on the test's loop: send messages, collect what arrives."""

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

    def send_raw(self, port: int, data: bytes) -> None:
        assert self.transport is not None
        self.transport.sendto(data, ("127.0.0.1", port))

    async def next(self, timeout: float = 5.0) -> tuple[str, list[Any]]:
        return await asyncio.wait_for(self.inbox.get(), timeout)

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


@pytest.fixture
def osc_peer(run: Callable[[Any], Any]) -> Iterator[Callable[[int], Any]]:
    """``peer = await osc_peer(port)``: an OscPeer bound to 127.0.0.1:port (closed after)."""
    peers: list[OscPeer] = []

    async def make(port: int) -> OscPeer:
        loop = asyncio.get_running_loop()
        _, peer = await loop.create_datagram_endpoint(OscPeer, local_addr=("127.0.0.1", port))
        peers.append(peer)
        return peer

    yield make
    for p in peers:
        p.close()


@pytest.fixture
def gate(tmp_path: Path) -> Iterator[Path]:
    """A named pipe: ``Path.read_bytes`` on it blocks in a child process until
    :func:`helpers.release` opens it for writing, so a test holds a worker without a timer."""
    fifo = tmp_path / "gate"
    os.mkfifo(fifo)
    yield fifo

"""The OSC bridge over real UDP sockets: liblo's oscsend/oscdump and a python-osc peer."""

from __future__ import annotations

import asyncio
import shutil
import time
from typing import Any

import pytest
from pythonosc.osc_bundle_builder import IMMEDIATELY, OscBundleBuilder
from pythonosc.osc_message_builder import OscMessageBuilder

from schillinger_kernel.server.osc import OscBridge


async def login(peer: Any, port: int, secret: str) -> None:
    """Authenticate ``peer``'s socket (changes need it; see test_osc_auth)."""
    peer.send(port, "/schillinger/auth", secret)
    assert await peer.next() == ("/schillinger/auth", [1, 3600.0])


def test_liblo_peer_gets_the_durations(wb: Any, run: Any, ports: dict[str, int]) -> None:
    """An independent OSC implementation (liblo) asks for r(3÷2) and hears 2 1 1 2, and sets
    the tempo. ``oscsend`` sends from a new port each time, so it puts the server's secret in
    the address (authorizing that one message, answered on the reply port)."""
    if not (shutil.which("oscsend") and shutil.which("oscdump")):
        pytest.skip("liblo-tools (oscsend, oscdump) are not installed")

    async def scenario() -> str:
        dump = await asyncio.create_subprocess_exec(
            "oscdump", "-L", str(ports["reply"]), stdout=asyncio.subprocess.PIPE)
        assert dump.stdout is not None
        keyed = f"/schillinger/k/{wb.osc.auth.secret}"
        try:
            line = b""
            for _ in range(50):  # oscdump needs a moment to bind; resend until it hears
                send = await asyncio.create_subprocess_exec(
                    "oscsend", "localhost", str(ports["osc"]),
                    f"{keyed}/rhythm/interference", "ii", "3", "2")
                await send.wait()
                try:
                    line = await asyncio.wait_for(dump.stdout.readline(), 0.2)
                    break
                except TimeoutError:
                    continue
            send = await asyncio.create_subprocess_exec(
                "oscsend", "localhost", str(ports["osc"]), f"{keyed}/transport/tempo", "f",
                "93.5")
            await send.wait()
            tempo = await asyncio.wait_for(dump.stdout.readline(), 5)
            assert tempo.split()[1:3] == [b"/schillinger/transport/tempo", b"iff"], tempo
            return line.decode()
        finally:
            dump.kill()
            await dump.wait()

    line = run(scenario())
    assert line.split()[1:] == ["/schillinger/rhythm/interference", "iiii", "2", "1", "1", "2"]
    assert wb.clock.state()["tempo"] == 93.5


def test_requests_replies_and_shared_clock(wb: Any, run: Any, api: Any, osc_peer: Any,
                                          ports: dict[str, int]) -> None:
    async def scenario() -> None:
        peer = await osc_peer(ports["reply"])
        port = ports["osc"]
        peer.send(port, "/schillinger/ping", "hi", 3)
        assert await peer.next() == ("/schillinger/pong", ["0.1.0", "hi", 3])
        peer.send(port, "/schillinger/rhythm/fractioning", 3, 2)
        assert await peer.next() == ("/schillinger/rhythm/fractioning", [2, 1, 1, 1, 1, 1, 2])
        peer.send(port, "/schillinger/rhythm/interference", 3.0, 2.0)  # Max sends floats
        assert (await peer.next())[1] == [2, 1, 1, 2]
        peer.send(port, "/schillinger/rhythm/interference/notes", 3, 2)
        addr, flat = await peer.next()
        assert addr == "/schillinger/rhythm/interference/notes"
        assert flat[:5] == [60, 0.0, 1.0, 120, 0] and len(flat) == 20  # 4 notes x 5, beats

        peer.send(port, "/schillinger/transport/tempo", 90.0)  # a change: the secret first
        assert (await peer.next())[1][3] == 403
        await login(peer, port, wb.osc.auth.secret)
        peer.send(port, "/schillinger/transport/tempo", 90.0)
        assert await peer.next() == ("/schillinger/transport/tempo", [0, 0.0, 90.0])
        peer.send(port, "/schillinger/transport/play")
        addr, (playing, _beats, tempo) = await peer.next()
        assert (addr, playing, tempo) == ("/schillinger/transport/play", 1, 90.0)
        _, st = await api("transport")  # one clock for OSC and REST
        assert st["playing"] is True and st["tempo"] == 90.0
        peer.send(port, "/schillinger/transport/seek", 4)
        assert (await peer.next())[1][1] >= 4.0
        peer.send(port, "/schillinger/transport/stop")
        assert (await peer.next())[1][0] == 0
        peer.send(port, "/schillinger/status")
        addr, args = await peer.next()
        assert addr == "/schillinger/status" and args[0] == port and args[4] == 90.0
        peer.send(port, "/schillinger/scales/scale", "D dorian")
        assert await peer.next() == ("/schillinger/scales/scale", [2, 4, 5, 7, 9, 11, 12])

    run(scenario())


@pytest.mark.parametrize(("address", "args", "needle"), [
    ("/schillinger/nothing", [], "unknown address"),
    ("/schillinger/rhythm/interference", ["three", 2], "generators.0"),
    ("/schillinger/rhythm/interference", [3, 2.5], "generators.1"),
    ("/schillinger/rhythm/no_such", [3, 2], "technique"),
    ("/schillinger/rhythm/interference", [], "generators"),
    ("/schillinger/transport/tempo", [], "tempo"),
    ("/schillinger/transport/tempo", [5000.0], "tempo"),
    ("/schillinger/transport/seek", ["x"], "position_beats"),
    ("/schillinger/transport/loop", [4.0, 2.0], "loop"),
    ("/schillinger/scales/os_system", ["rm"], "function must be one of"),
    ("/schillinger/ableton/push_clip", [0, 0], "no score loaded"),
])
def test_errors_answer_on_the_error_address(wb: Any, run: Any, osc_peer: Any,
                                            ports: dict[str, int], address: str,
                                            args: list[Any], needle: str) -> None:
    async def scenario() -> None:
        peer = await osc_peer(ports["reply"])
        await login(peer, ports["osc"], wb.osc.auth.secret)
        peer.send(ports["osc"], address, *args)
        addr, (where, message, *_field_status) = await peer.next()
        assert addr == "/schillinger/error" and where == address
        assert needle in message, message
        peer.send(ports["osc"], "/schillinger/ping")  # still serving
        assert (await peer.next())[0] == "/schillinger/pong"

    run(scenario())


def test_malformed_packets_and_bundles(wb: Any, run: Any, osc_peer: Any,
                                      ports: dict[str, int]) -> None:
    async def scenario() -> None:
        peer = await osc_peer(ports["reply"])
        for garbage in (b"garbage", b"/x\x00\x00,i\x00\x00\x00", b"#bundle\x00\x00",
                        b"\x00" * 3):
            peer.send_raw(ports["osc"], garbage)
            addr, (_where, message, *_field_status) = await peer.next()
            assert addr == "/schillinger/error" and "malformed" in message

        def msg(address: str, *args: Any) -> Any:
            b = OscMessageBuilder(address)
            for a in args:
                b.add_arg(a)
            return b.build()

        await login(peer, ports["osc"], wb.osc.auth.secret)
        bundle = OscBundleBuilder(IMMEDIATELY)
        bundle.add_content(msg("/schillinger/transport/tempo", 100.0))
        bundle.add_content(msg("/schillinger/rhythm/interference", 4, 3))
        peer.send_raw(ports["osc"], bundle.build().dgram)
        got = [await peer.next(), await peer.next()]
        assert got[0] == ("/schillinger/transport/tempo", [0, 0.0, 100.0])
        assert got[1][1] == [3, 1, 2, 2, 1, 3]

        # a timetag in the future is honoured and does not block the loop: the bundle, sent
        # first, is answered after the plain message sent behind it (order, not a stopwatch)
        later = OscBundleBuilder(time.time() + 0.3)
        later.add_content(msg("/schillinger/ping", "late"))
        peer.send_raw(ports["osc"], later.build().dgram)
        peer.send(ports["osc"], "/schillinger/ping", "now")
        assert await peer.next() == ("/schillinger/pong", ["0.1.0", "now"])
        assert await peer.next() == ("/schillinger/pong", ["0.1.0", "late"])

        far = OscBundleBuilder(time.time() + 3600)
        far.add_content(msg("/schillinger/ping"))
        peer.send_raw(ports["osc"], far.build().dgram)
        addr, (_w, message, *_field_status) = await peer.next()
        assert addr == "/schillinger/error" and "ahead" in message

    run(scenario())


def test_disabled_says_so() -> None:
    from schillinger_kernel.server.workbench import Settings, Workbench

    wb = Workbench(Settings(root_dir=".", sessions_dir=""))
    off = OscBridge(wb, enabled=False)
    assert off.status()["error"] == "disabled by configuration"
    assert off.status()["enabled"] is False

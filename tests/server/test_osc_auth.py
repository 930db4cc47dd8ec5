"""OSC that only its owner drives (issue 16), over real UDP on 127.0.0.1: changes need the
server's secret, reading does not; replies go only to the sender; each authenticated sender
has its own rate; a taken port is replaced by a free one, said once."""

from __future__ import annotations

import json
import logging
import os
import socket
import stat
from pathlib import Path
from typing import Any

import pytest
from helpers import free_port, wait_until_async

from schillinger_kernel.server.osc_auth import MAX_FAILURES

RATE = 5


async def _login(peer: Any, port: int, secret: str, *reply_port: int) -> None:
    peer.send(port, "/schillinger/auth", secret, *reply_port)
    assert await peer.next() == ("/schillinger/auth", [1, 3600.0])


def test_changes_need_the_secret_reading_does_not(wb: Any, run: Any, osc_peer: Any,
                                                  ports: dict[str, int]) -> None:
    osc = ports["osc"]
    before = wb.clock.state()

    async def scenario() -> None:
        peer = await osc_peer(ports["reply"])
        for address, args in (("/schillinger/transport/play", []),
                              ("/schillinger/transport/tempo", [77.0]),
                              ("/schillinger/transport/*", []),  # a pattern is no way round
                              ("/schillinger/*/tempo", [42.0]),
                              ("/schillinger/ableton/tempo", [42.0]),
                              ("/schillinger/ableton/push_clip", [0, 0]),
                              ("/schillinger/ableton/follow", [1])):
            peer.send(osc, address, *args)
            addr, (where, message, field, status) = await peer.next()
            assert (addr, where, status) == ("/schillinger/error", address, 403), message
            assert "/schillinger/auth <secret>" in message and "reading needs no" in message
        peer.send(osc, "/schillinger/transport/get")
        assert (await peer.next())[0] == "/schillinger/transport/get"
        peer.send(osc, "/schillinger/rhythm/interference", 3, 2)
        assert await peer.next() == ("/schillinger/rhythm/interference", [2, 1, 1, 2])

        peer.send(osc, "/schillinger/auth", "not-the-secret")
        addr, (where, message, field, status) = await peer.next()
        assert (addr, where, field, status) == ("/schillinger/error", "/schillinger/auth",
                                                "secret", 403)
        await _login(peer, osc, wb.osc.auth.secret)
        peer.send(osc, "/schillinger/transport/tempo", 77.0)
        assert await peer.next() == ("/schillinger/transport/tempo", [0, 0.0, 77.0])

        # the binding is the sender's address: another socket on the same IP is a stranger
        other = await osc_peer(free_port(socket.SOCK_DGRAM))
        other.send(osc, "/schillinger/transport/play")
        assert (await other.next())[1][3] == 403
        # the keyed form authorizes one message from any socket
        other.send(osc, f"/schillinger/k/{wb.osc.auth.secret}/transport/tempo", 78.0)
        assert (await peer.next())[1][2] == 78.0  # keyed: answered on the reply port
        other.send(osc, "/schillinger/k/wrong/transport/tempo", 79.0)
        addr, (where, message, *_rest) = await other.next()
        assert addr == "/schillinger/error" and where == "/schillinger/transport/tempo"
        assert "wrong secret" in message and "wrong" not in where

    run(scenario())
    assert before["playing"] is False and wb.clock.state()["playing"] is False
    assert wb.clock.state()["tempo"] == 78.0
    assert wb.osc.auth.status()["refused"] == 8


def test_the_jupyter_token_works_and_names_a_reply_port(
        wb: Any, run: Any, osc_peer: Any, jp_serverapp: Any) -> None:
    token = jp_serverapp.identity_provider.token
    assert token

    async def scenario() -> None:
        sender = await osc_peer(free_port(socket.SOCK_DGRAM))
        hears = await osc_peer(free_port(socket.SOCK_DGRAM))
        assert hears.transport is not None
        reply_port = hears.transport.get_extra_info("sockname")[1]
        sender.send(wb.osc.port, "/schillinger/auth", token, reply_port)
        assert await hears.next() == ("/schillinger/auth", [1, 3600.0])
        sender.send(wb.osc.port, "/schillinger/transport/play")
        assert (await hears.next())[1][0] == 1
        assert sender.inbox.empty()

    run(scenario())
    assert wb.clock.state()["playing"] is True


def test_replies_only_to_the_sender(wb: Any, run: Any, osc_peer: Any,
                                    ports: dict[str, int]) -> None:
    """A stranger's ping is answered at the stranger's own port, never at the reply port
    (where another user's DAW may listen)."""

    async def scenario() -> None:
        owner = await osc_peer(ports["reply"])
        stranger = await osc_peer(free_port(socket.SOCK_DGRAM))
        for _ in range(3):
            stranger.send(ports["osc"], "/schillinger/ping", "reflect")
            assert (await stranger.next())[0] == "/schillinger/pong"
        owner.send(ports["osc"], "/schillinger/ping", "mine")
        assert await owner.next() == ("/schillinger/pong", ["0.1.0", "mine"])
        assert owner.inbox.empty()  # nothing of the stranger's arrived here

    run(scenario())


def test_an_authenticated_sender_has_its_own_rate(wb: Any, run: Any, osc_peer: Any,
                                                  ports: dict[str, int]) -> None:
    bridge = wb.osc
    bridge.rate = RATE

    async def scenario() -> None:
        owner = await osc_peer(ports["reply"])
        await _login(owner, ports["osc"], bridge.auth.secret)
        flood = await osc_peer(free_port(socket.SOCK_DGRAM))
        for i in range(4 * RATE):  # the IP's shared bucket runs dry
            flood.send(ports["osc"], "/schillinger/ping", i)
        await wait_until_async(lambda: bridge.received >= 1 + 4 * RATE, 10, "the flood read")
        assert bridge.dropped > 0
        owner.send(ports["osc"], "/schillinger/ping", "still here")
        assert await owner.next() == ("/schillinger/pong", ["0.1.0", "still here"])

    run(scenario())


def test_wrong_secrets_lock_the_ip_out_for_a_while(wb: Any, run: Any, osc_peer: Any,
                                                   ports: dict[str, int]) -> None:
    wb.osc.rate = 0  # the rate limit would hide the lock-out

    async def scenario() -> None:
        peer = await osc_peer(ports["reply"])
        for _ in range(MAX_FAILURES):
            peer.send(ports["osc"], "/schillinger/auth", "guess")
            assert (await peer.next())[1][3] == 403
        peer.send(ports["osc"], "/schillinger/auth", wb.osc.auth.secret)  # even the right one
        _addr, (_where, message, _field, status) = await peer.next()
        assert status == 429 and "wrong secrets" in message
        assert not wb.osc.auth.allowed(("127.0.0.1", ports["reply"]))

    run(scenario())


def test_key_file_and_status(wb: Any, api: Any, run: Any) -> None:
    code, st = run(api("status"))
    osc = st["osc"]
    assert code == 200 and osc["enabled"] and osc["notice"] is None and osc["error"] is None
    key = Path(osc["auth"]["key_file"])
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    data = json.loads(key.read_text())
    assert (data["port"], data["secret"], data["pid"]) == (osc["port"], wb.osc.auth.secret,
                                                            os.getpid())
    assert wb.osc.auth.secret not in json.dumps(st)  # read-only users see the status too


def test_a_taken_port_is_replaced_and_said_once(run: Any, tmp_path: Path,
                                                caplog: pytest.LogCaptureFixture) -> None:
    from schillinger_kernel.server.workbench import Settings, Workbench

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as holder:
        holder.bind(("127.0.0.1", 0))
        taken = holder.getsockname()[1]
        wb = Workbench(Settings(root_dir=".", osc_port=taken, sessions_dir="",
                                audio_output=False, osc_key_file=str(tmp_path / "k.json")))

        async def scenario() -> dict[str, Any]:
            await wb.start()
            try:
                return wb.status()
            finally:
                await wb.stop()

        with caplog.at_level(logging.INFO, logger="schillinger"):
            st = run(scenario())
    osc = st["osc"]
    assert osc["enabled"] is True and osc["error"] is None
    assert osc["requested_port"] == taken and osc["port"] != taken
    assert f"UDP port {taken} on 127.0.0.1 is taken" in osc["notice"]
    assert f"listens on port {osc['port']}" in osc["notice"]
    said = [r.getMessage() for r in caplog.records if str(taken) in r.getMessage()]
    assert len(said) == 1 and "OSC is off" not in said[0]
    assert not (tmp_path / "k.json").exists()  # removed when the server stops


def test_an_address_it_cannot_bind_says_why_without_a_doubled_prefix(run: Any) -> None:
    from schillinger_kernel.server.workbench import Settings, Workbench

    wb = Workbench(Settings(root_dir=".", osc_host="192.0.2.1", osc_port=7440,
                            sessions_dir="", audio_output=False))

    async def scenario() -> dict[str, Any]:
        await wb.start()
        try:
            return wb.status()
        finally:
            await wb.stop()

    osc = run(scenario())["osc"]
    assert osc["enabled"] is False and osc["notice"] is None
    assert osc["error"].startswith("cannot listen on UDP 192.0.2.1:7440: ")

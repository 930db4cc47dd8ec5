"""OSC that cannot be turned against a third party or the server (issue 18), over real UDP
on 127.0.0.1: bounded packets and replies, replies only to allowed hosts, a per-sender rate."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import wait_until_async

from schillinger_kernel.server.osc import encode_message

RATE = 5  # messages a second per sender, bursts of as many


@pytest.fixture
def jp_server_config(jp_server_config: dict[str, Any]) -> dict[str, Any]:
    jp_server_config["SchillingerApp"].update(
        {"max_osc_packet_bytes": 600, "max_osc_reply_bytes": 400, "osc_rate": RATE})
    return jp_server_config


def test_large_packets_and_answers_are_refused(wb: Any, run: Any, osc_peer: Any,
                                               ports: dict[str, int]) -> None:
    async def scenario() -> None:
        peer = await osc_peer(ports["reply"])
        peer.send(ports["osc"], "/schillinger/scales/displacement", b"\x01\x02" * 400)
        addr, args = await peer.next(10)
        assert addr == "/schillinger/error" and args[3] == 413
        assert "max_osc_packet_bytes" in args[1]
        # a small request whose answer is large: an error that says to use REST
        peer.send(ports["osc"], "/schillinger/rhythm/interference/notes", 13, 11)
        addr, args = await peer.next(10)
        assert addr == "/schillinger/error", args
        assert args[0] == "/schillinger/rhythm/interference/notes" and args[3] == 413
        assert "REST" in args[1] and "max_osc_reply_bytes" in args[1]
        # huge floats answer as doubles rather than failing in the reply path
        peer.send_raw(ports["osc"], encode_message("/schillinger/ping", [1e308]))  # ,d
        addr, args = await peer.next(10)
        assert addr == "/schillinger/pong" and args[1] == 1e308

    run(scenario())


def test_rate_limit_per_sender(wb: Any, run: Any, osc_peer: Any,
                               ports: dict[str, int]) -> None:
    bridge = wb.osc

    async def scenario() -> None:
        peer = await osc_peer(ports["reply"])
        for i in range(4 * RATE):
            peer.send(ports["osc"], "/schillinger/ping", i)
        await wait_until_async(lambda: bridge.received >= 4 * RATE, 10, "every packet read")
        assert bridge.dropped > 0
        answered = 4 * RATE - bridge.dropped
        assert answered < 4 * RATE
        await wait_until_async(lambda: peer.inbox.qsize() >= answered, 10, "the pongs")
        assert peer.inbox.qsize() == answered

    run(scenario())


class _Capture:
    def __init__(self) -> None:
        self.sent: list[tuple[bytes, tuple[str, int]]] = []

    def sendto(self, data: bytes, dest: tuple[str, int]) -> None:
        self.sent.append((data, dest))


def test_replies_only_to_loopback_unless_configured(wb: Any, run: Any) -> None:
    bridge = wb.osc
    real = bridge._transport
    cap = _Capture()

    async def scenario() -> None:  # handle_packet runs on the server's loop
        packet = encode_message("/schillinger/ping", [1])
        # a forged source: a third party's address
        bridge.handle_packet(packet, ("192.0.2.7", 9999))
        assert cap.sent == [] and bridge.refused_replies == 1
        bridge.handle_packet(packet, ("127.0.0.1", 9999))
        bridge.handle_packet(packet, ("::1", 9999))
        assert [dest[0] for _, dest in cap.sent] == ["127.0.0.1", "::1"]
        bridge.reply_hosts = frozenset({"192.0.2.7"})
        bridge.handle_packet(packet, ("192.0.2.7", 9999))
        assert cap.sent[-1][1] == ("192.0.2.7", 9999)  # the sender's own address
        assert not bridge.reply_allowed("192.0.2.8")

    bridge._transport = cap
    try:
        run(scenario())
    finally:
        bridge._transport = real

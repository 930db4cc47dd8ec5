"""Talk to the workbench over OSC, as a Max patch, Pd, TouchOSC or SuperCollider would.

    python examples/osc_client.py --port 7440 --reply-port 7441 --token TOKEN

Sends ``/schillinger/ping``, asks for r(3÷2) and r(5÷3) notes, sets the transport tempo and
plays/stops it, printing every reply. The server answers the sender's address, so this script
sends from and listens on ``--reply-port``. Changing the transport needs the server's secret
(``--token``: the Jupyter token, or the OSC secret from the key file the sidebar names), sent
once as ``/schillinger/auth``. Uses python-osc only.
"""

from __future__ import annotations

import argparse
import socket
import sys
from typing import Any

from pythonosc.osc_message_builder import build_msg
from pythonosc.osc_packet import OscPacket


def ask(sock: socket.socket, port: int, address: str, *args: Any) -> tuple[str, list[Any]]:
    """Send one message and return the reply (address, arguments)."""
    sock.sendto(build_msg(address, list(args)).dgram, ("127.0.0.1", port))
    data, _ = sock.recvfrom(65536)
    msg = OscPacket(data).messages[0].message
    return msg.address, list(msg.params)


def main(port: int, reply_port: int, token: str = "") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", reply_port))
        sock.settimeout(5.0)
        if token:  # binds this socket's address; reading needs no secret
            address, args = ask(sock, port, "/schillinger/auth", token)
            if address != "/schillinger/auth":
                print(address, *args, file=sys.stderr)
                return 1
        for request in (("/schillinger/ping", "hello"),
                        ("/schillinger/rhythm/interference", 3, 2),
                        ("/schillinger/rhythm/interference/notes", 5, 3),
                        ("/schillinger/transport/tempo", 96.0),
                        ("/schillinger/transport/play",),
                        ("/schillinger/transport/stop",),
                        ("/schillinger/rhythm/interference", 0, 2)):
            address, args = ask(sock, port, *request)
            print(address, *args)
    return 0


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, default=7440, help="the server's OSC port")
    p.add_argument("--reply-port", type=int, default=7441, help="where replies arrive")
    p.add_argument("--token", default="", help="the server's token or OSC secret (needed to "
                   "change the transport)")
    a = p.parse_args()
    sys.exit(main(a.port, a.reply_port, a.token))

"""Drive the workbench over its WebSocket from any Python script (``websockets`` library).

    python examples/ws_client.py --url http://localhost:8888/ --token <jupyter token>

It authenticates like every Jupyter API client (``Authorization: token ...`` header), asks for
the rhythm r(5÷3), joins a shared session and sends one operation, then follows the transport
for a moment. ``JUPYTER_TOKEN`` is used when ``--token`` is not given.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import websockets


def ws_url(base: str) -> str:
    """``http(s)://host/base/`` -> ``ws(s)://host/base/schillinger/api/ws``."""
    parts = urlsplit(urljoin(base if base.endswith("/") else base + "/", "schillinger/api/ws"))
    return urlunsplit(("wss" if parts.scheme == "https" else "ws", *parts[1:]))


async def until(ws: Any, kind: str, msg_id: Any = None) -> dict[str, Any]:
    """The next message of type ``kind`` (and ``id``), printing progress on the way."""
    while True:
        msg = json.loads(await asyncio.wait_for(ws.recv(), 30))
        if msg["type"] == "error":
            raise RuntimeError(f"server error: {msg['message']}")
        if msg["type"] == kind and (msg_id is None or msg.get("id") == msg_id):
            return dict(msg)


async def main(url: str, token: str, generators: list[int]) -> int:
    headers = {"Authorization": f"token {token}"}
    async with websockets.connect(ws_url(url), additional_headers=headers) as ws:
        hello = await until(ws, "hello")
        print(f"connected as client {hello['client']} (server {hello['version']})")

        await ws.send(json.dumps({"type": "generate", "id": 1, "technique": "interference",
                                  "generators": generators}))
        result = (await until(ws, "result", 1))["result"]
        print("durations", " ".join(map(str, result["durations"])))
        print("attacks", " ".join(map(str, result["attacks"])), "period", result["period"])

        # who joins is the token's user, as the server knows it (no client-chosen names)
        await ws.send(json.dumps({"type": "join", "id": 2, "session": "example"}))
        joined = await until(ws, "joined", 2)
        await ws.send(json.dumps({"type": "operation", "id": 3,
                                  "op": {"set": "generators", "value": generators}}))
        op = await until(ws, "operation", 3)
        print(f"session {joined['session']['name']} operation seq {op['seq']}")

        await ws.send(json.dumps({"type": "transport", "id": 4, "action": "subscribe"}))
        state = (await until(ws, "transport", 4))["state"]
        print(f"transport tempo {state['tempo']} playing {state['playing']}")
    return 0


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--url", default="http://localhost:8888/", help="the Jupyter server URL")
    p.add_argument("--token", default=os.environ.get("JUPYTER_TOKEN", ""))
    p.add_argument("generators", nargs="*", type=int, default=[5, 3])
    a = p.parse_args()
    sys.exit(asyncio.run(main(a.url, a.token, a.generators)))

"""Y document updates survive ``kill -9`` (issue 16): a real ``jupyter server`` process, three
Yjs clients pipelining edits over real WebSockets, the server killed with SIGKILL the moment
an acknowledgement arrives while more edits are still in flight; a new server on the same
folders must hold every edit any ``sync_ack`` covered."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path
from typing import Any

from helpers import wait_until_async
from live_server import LiveServer

from schillinger_kernel.server.crdt_client import YClient

N_CLIENTS = 3
N_EDITS = 300


async def _edit_then_killed(live: LiveServer) -> tuple[list[dict[int, int]], list[int]]:
    """Every client appends N_EDITS items without waiting; kill the server once client 0's
    first half is acknowledged. Return, per client, the frame each edit went out in, and
    the last acknowledged frame."""
    url = live.url.replace("http://", "ws://") + "schillinger/api/ws"
    joined = [await YClient.connect(url, "crash-jam", token=live.token)
              for _ in range(N_CLIENTS)]
    clients = [c for c, _conn, _task in joined]
    frames: list[dict[int, int]] = [{} for _ in clients]
    for k in range(N_EDITS):  # pipelined: acknowledgements race the next edits
        for i, c in enumerate(clients):
            with c.doc.transaction():
                c.score.append({"c": i, "k": k})
                c.params[f"last{i}"] = k
            frames[i][k] = c.sent
    want = frames[0][N_EDITS // 2]
    await wait_until_async(lambda: clients[0].acked >= want or any(c.errors for c in clients),
                           60, "client 0's first half acknowledged", interval=0.001)
    assert not any(c.errors for c in clients), [c.errors for c in clients]
    assert live.proc is not None
    live.proc.send_signal(signal.SIGKILL)
    acked = [c.acked for c in clients]  # what each had heard was stored, at the kill
    live.proc.wait(10)
    for _c, conn, task in joined:
        task.cancel()
        conn.close()
    return frames, acked


async def _read_back(live: LiveServer) -> dict[str, Any]:
    url = live.url.replace("http://", "ws://") + "schillinger/api/ws"
    c, conn, task = await YClient.connect(url, "crash-jam", token=live.token)
    await wait_until_async(lambda: c.synced, 30, "the server's answer to our sync step 1")
    state = c.state()
    task.cancel()
    conn.close()
    return state


def test_kill_9_right_after_y_acks_loses_nothing_acknowledged(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    live = LiveServer(root).start()
    try:
        frames, acked = asyncio.run(_edit_then_killed(live))
    finally:
        live.stop()
    assert live.proc is not None and live.proc.returncode == -signal.SIGKILL
    assert acked[0] >= frames[0][N_EDITS // 2]

    again = LiveServer(root).start()  # the same sessions folder, new ports
    try:
        state = asyncio.run(_read_back(again))
        listed = again.get("schillinger/api/sessions")
        stored = again.get(f"schillinger/api/sessions/{listed[0]['id']}")
    finally:
        again.stop()
    have = {(int(i["c"]), int(i["k"])) for i in state["score"]}
    lost = [(i, k) for i in range(N_CLIENTS) for k, f in frames[i].items()
            if f <= acked[i] and (i, k) not in have]
    assert not lost, f"{len(lost)} acknowledged edits lost, first {lost[:5]}"
    for i in range(N_CLIENTS):  # a client's edits arrive in order: the stored ones are a prefix
        ks = sorted(k for c, k in have if c == i)
        assert ks == list(range(len(ks)))
        if ks:
            assert int(state["params"][f"last{i}"]) == ks[-1]
    # the REST view reads the same stored document
    assert sorted((i["c"], i["k"]) for i in stored["score"]) == sorted(have)
    assert stored["params"] == {k: int(v) for k, v in state["params"].items()}

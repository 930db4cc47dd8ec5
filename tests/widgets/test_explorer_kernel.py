"""The explorers in a real IPython kernel, driven as JupyterLab 4.6 drives them.

JupyterLab sends widget comm messages over a subshell (one per comm target), and ipykernel 7
hands each of them to the main thread or to that subshell's thread, following where the comm
last published from: one explorer's changes are handled on both threads. The front end
(ipywidgets) sends a model's next change only once the kernel said "idle" for the previous
one. Here two quick slider steps, many times over, must each get their idle and their
answer: the rhythm for the rhythm explorer, the engraved chord symbols for the harmony one.
The browser end is tests/browser/test_explorer_notation_browser.py.
"""

from __future__ import annotations

import contextlib
import queue
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from helpers import wait_until

import schillinger_kernel as sk

jupyter_client = pytest.importorskip("jupyter_client.manager")

ANSWER_TIMEOUT = 60.0


class _Lab:
    """The messages JupyterLab's widget manager sends for one widget, and what comes back."""

    def __init__(self, client: Any, subshell: str | None, comm_id: str) -> None:
        self.client, self.subshell, self.comm_id = client, subshell, comm_id

    def send(self, data: dict[str, Any]) -> str:
        msg = self.client.session.msg("comm_msg", {"comm_id": self.comm_id, "data": data})
        msg["header"]["subshell_id"] = self.subshell
        self.client.shell_channel.send(msg)
        return str(msg["header"]["msg_id"])

    def answer(self, msg_id: str, wanted: Callable[[dict[str, Any]], bool]) -> list[str]:
        """Wait for the idle of ``msg_id`` and for a state update that ``wanted`` accepts;
        returns what did not come."""
        seen = {"idle": False, "answer": False}

        def both_came() -> bool:
            try:
                msg = self.client.iopub_channel.get_msg(timeout=0.5)
            except queue.Empty:
                return False
            if (msg["msg_type"] == "status" and msg["parent_header"].get("msg_id") == msg_id
                    and msg["content"]["execution_state"] == "idle"):
                seen["idle"] = True
            elif msg["msg_type"] == "comm_msg" and msg["content"]["comm_id"] == self.comm_id:
                seen["answer"] = seen["answer"] or wanted(msg["content"]["data"].get("state", {}))
            return seen["idle"] and seen["answer"]

        with contextlib.suppress(AssertionError):  # what did not come is the answer
            wait_until(both_came, ANSWER_TIMEOUT, "the idle and the answer", interval=0)
        return [w for w, ok in seen.items() if not ok]


@pytest.fixture(scope="module")
def kernel() -> Iterator[tuple[Any, str | None]]:
    """A real kernel and, where it has them (ipykernel 7), a subshell for the widget comms."""
    manager, client = jupyter_client.start_new_kernel(kernel_name="python3")
    try:
        info = client.kernel_info(reply=True, timeout=60)
        subshell = None
        if "kernel subshells" in info["content"].get("supported_features", []):
            client.control_channel.send(client.session.msg("create_subshell_request", {}))
            subshell = client.control_channel.get_msg(timeout=60)["content"]["subshell_id"]
        yield client, subshell
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def _open(client: Any, subshell: str | None, code: str) -> _Lab:
    client.execute(code)
    comm_id = None
    while True:
        msg = client.iopub_channel.get_msg(timeout=120)
        if msg["msg_type"] == "comm_open" and "_esm" in msg["content"]["data"].get("state", {}):
            comm_id = msg["content"]["comm_id"]
        if msg["msg_type"] == "error":
            pytest.fail(f"{code!r}: {msg['content']['evalue']}")
        if (msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle"
                and msg["parent_header"].get("msg_type") == "execute_request"):
            break
    assert comm_id is not None
    return _Lab(client, subshell, comm_id)


def _steps(lab: _Lab, trait: str, start: int, rounds: int,
           wanted: Callable[[int], Callable[[dict[str, Any]], bool]]) -> None:
    """Two slider steps from ``start``, ``rounds`` times, each pair as fast as the front end
    sends them; back to ``start`` between rounds."""
    for r in range(rounds):
        first = lab.send({"method": "update", "state": {trait: start + 1}, "buffer_paths": []})
        missing = lab.answer(first, lambda _state: True)
        assert not missing, f"round {r}: {trait}={start + 1}: no {missing}"
        second = lab.send({"method": "update", "state": {trait: start + 2}, "buffer_paths": []})
        missing = lab.answer(second, wanted(start + 2))
        assert not missing, f"round {r}: {trait}={start + 2}: no {missing}"
        back = lab.send({"method": "update", "state": {trait: start}, "buffer_paths": []})
        assert not lab.answer(back, wanted(start)), f"round {r}: {trait} back to {start}"


def test_rhythm_explorer_answers_every_step(kernel: tuple[Any, str | None]) -> None:
    lab = _open(*kernel, "from schillinger_kernel.widgets import RhythmExplorer\n"
                         "ex = RhythmExplorer(a=3, b=2)")
    lab.send({"method": "custom", "content": {"kind": "lookahead_request"}})  # as a view does

    def rhythm_of(a: int) -> Callable[[dict[str, Any]], bool]:
        durations = list(sk.rhythm.interference(a, 2).durations)
        return lambda state: state.get("rhythm") == durations

    _steps(lab, "a", 3, 4, rhythm_of)


def test_harmony_explorer_engraves_every_step(kernel: tuple[Any, str | None]) -> None:
    lab = _open(*kernel, "from schillinger_kernel.widgets import HarmonyExplorer\n"
                         "h = HarmonyExplorer(key='C major', cycle='C3', structure='S7', length=4)")

    def symbols(n: int) -> Callable[[dict[str, Any]], bool]:
        return lambda state: "_notation" in state and sum(
            page.count('class="harm"') for page in state["_notation"]) == n

    _steps(lab, "length", 4, 3, symbols)

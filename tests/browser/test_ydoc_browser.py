"""The browser side of a session's Y document, in a real JupyterLab in Debian's Chromium.

Two browser tabs (contexts of their own) and a Python :class:`YClient` join one session over
the workbench WebSocket with the Yjs protocol. The sidebar shows the parameters the Python
client stored before anyone opened it; an edit typed in one tab reaches the other tab and the
Python client, and one made in Python (or sent as JSON: ``param_change``, ``operation``)
reaches both tabs; a parameter added in a tab is stored
(``sync_ack``) and comes back from the server after the tab reloads. Who is there comes from
awareness: each tab's state carries its server client id and the identity the server's
``hello`` gave it (the Python client decodes it), and the tabs name every peer by the server's
member list, so a state claiming another name, or from a client that is not a member, never
shows. When the connection drops, the tab joins again by itself and shows what changed on
the server meanwhile. Screenshot: ``test-artifacts/ydoc_two_tabs.png``.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from helpers import wait_until as _wait

from schillinger_kernel.server.crdt import plain
from schillinger_kernel.server.crdt_client import YClient

PANEL = "#schillinger-workbench-panel"
PANEL_TAB = '.lm-TabBar-tab[data-id="schillinger-workbench-panel"]'
CARD = '.jp-LauncherCard[title="Schillinger Workbench"]'
YDOC = '[data-sk="ydoc"]'
T = TypeVar("T")




def _uint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _read_uint(data: bytes, i: int) -> tuple[int, int]:
    n, shift = 0, 0
    while True:
        byte = data[i]
        n |= (byte & 0x7F) << shift
        shift, i = shift + 7, i + 1
        if byte < 0x80:
            return n, i


def awareness_frame(yid: int, clock: int, state: dict[str, Any]) -> bytes:
    """A Yjs awareness message (y-protocols' encoding) carrying one client's ``state``."""
    text = json.dumps(state).encode()
    update = _uint(1) + _uint(yid) + _uint(clock) + _uint(len(text)) + text
    return b"\x01" + _uint(len(update)) + update


def awareness_states(frame: bytes) -> list[dict[str, Any]]:
    """The states an awareness message carries (``null`` ones, for removals, left out)."""
    _, i = _read_uint(frame, 1)  # the update's length
    count, i = _read_uint(frame, i)
    states = []
    for _ in range(count):
        _, i = _read_uint(frame, i)  # the Y client id
        _, i = _read_uint(frame, i)  # its clock
        n, i = _read_uint(frame, i)
        state = json.loads(frame[i:i + n])
        i += n
        if state is not None:
            states.append(state)
    return states


def test_awareness_frames_round_trip() -> None:
    """The hand-made awareness encoding reads back (so the forged state below is one)."""
    state = {"client": "abc", "user": {"display_name": "Ünïcode"}}
    frame = awareness_frame(300, 2, state)
    assert awareness_states(frame) == [state]
    assert awareness_states(awareness_frame(7, 1, None)) == []  # type: ignore[arg-type]


class PyPeer:
    """A :class:`YClient` on an event loop of its own thread (Playwright's sync API holds the
    test thread's loop); every touch of its document runs on that loop."""

    def __init__(self, url: str, session: str, token: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.client, self.conn, self.task = self.run(YClient.connect(url, session, token))
        joined = next(m for m in self.client.messages if m.get("type") == "joined")
        self.id: str = joined["client"]
        self.me = next(m for m in joined["session"]["members"] if m["client"] == self.id)

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 30) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def do(self, fn: Callable[[YClient], T]) -> T:
        async def call() -> T:
            return fn(self.client)
        return self.run(call())

    def params(self) -> dict[str, Any]:
        return self.do(lambda c: plain(c.params.to_py() or {}))

    def close(self) -> None:
        async def shut() -> None:
            self.conn.close()
            self.task.cancel()
        self.run(shut())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


@pytest.fixture
def second_page(browser: Any) -> Iterator[Any]:
    """Another tab in a browser context of its own (its own storage)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        yield context.new_page()
    finally:
        context.close()


def _open_panel(page: Any, server: Any) -> Any:
    page.goto(server.url_for("lab?reset"), timeout=90_000)
    return _show_panel(page)


def _show_panel(page: Any) -> Any:
    page.wait_for_selector(CARD, timeout=90_000)
    if not page.locator(PANEL).is_visible():
        page.locator(PANEL_TAB).click()
    page.wait_for_selector(f'{PANEL}[data-sk-handshake="ok"]', timeout=20_000)
    return page.locator(PANEL)


def _join(page: Any, server: Any, sid: str) -> Any:
    panel = _open_panel(page, server)
    item = panel.locator(f'[data-sk-session="{sid}"]')
    item.locator('[data-sk="session-join"]').click()
    doc = panel.locator(f'{YDOC}[data-sk-session="{sid}"][data-sk-synced="yes"]')
    doc.wait_for(timeout=20_000)
    return doc


def _shown(doc: Any) -> dict[str, str]:
    """The parameters a tab shows: name -> the text in its field."""
    return dict(doc.evaluate("""d => [...d.querySelectorAll('tr[data-sk-param]')].map(r =>
        [r.dataset.skParam, r.querySelector('input').value])"""))


def _here(doc: Any) -> dict[str, str]:
    """Who a tab says is here: server client id -> the text shown."""
    return dict(doc.evaluate("""d => [...d.querySelectorAll('[data-sk="ydoc-person"]')].map(
        p => [p.dataset.skClient, p.textContent.trim()])"""))


def test_two_tabs_and_python_share_the_session_document(
        page: Any, second_page: Any, lab_server: Any, artifacts: Path) -> None:
    sid = lab_server.workbench("sessions", {"name": "Y duet"})["id"]
    ws = lab_server.url.replace("http", "ws", 1) + "schillinger/api/ws"
    py = PyPeer(ws, sid, lab_server.token)
    try:
        py.do(lambda c: c.params.__setitem__("tempo", 96))
        py.run(py.client.stored())

        # both tabs join and show what the server had
        one, two = _join(page, lab_server, sid), _join(second_page, lab_server, sid)
        # each browser context is its own anonymous user of the token (a name per login)
        who = "async () => (await (await fetch('/api/me')).json()).identity"
        me = [page.evaluate(who), second_page.evaluate(who)]
        assert me[0]["display_name"] != me[1]["display_name"]
        for doc in (one, two):
            _wait(lambda d=doc: _shown(d) == {"tempo": "96"}, 20, "tempo 96 from the server")

        # an edit typed in tab one: tab two and Python get it
        field = one.locator('input[data-sk-param="tempo"]')
        field.fill("120")
        field.press("Enter")
        _wait(lambda: _shown(two) == {"tempo": "120"}, 20, "tempo 120 in the other tab")
        _wait(lambda: py.params() == {"tempo": 120}, 20, "tempo 120 in the Python client")

        # one made in Python: both tabs get it
        py.do(lambda c: c.params.__setitem__("meter", [3, 4]))
        for doc in (one, two):
            _wait(lambda d=doc: _shown(d).get("meter") == "[3,4]", 20, "the meter from Python")

        # the JSON side of the server writes the same document: a param_change and an
        # operation sent as JSON show in both tabs (the operation in the history's count)
        py.do(lambda c: c.send_json({"type": "param_change", "param": "swing", "value": 0.6}))
        py.do(lambda c: c.send_json({"type": "operation", "op": {"kind": "rotate", "by": 1}}))
        for doc in (one, two):
            _wait(lambda d=doc: _shown(d).get("swing") == "0.6", 20, "the JSON param_change")
            _wait(lambda d=doc: "history 1 operation" in d.locator(
                '[data-sk="ydoc-counts"]').inner_text(), 20, "the operation in the history")
        py.do(lambda c: c.params.pop("swing"))
        for doc in (one, two):
            _wait(lambda d=doc: "swing" not in _shown(d), 20, "swing removed in Python")

        # who is here: each tab sees both tabs, named by the server, the other one editing
        # (tab two lists tab one by the server's name for tab one's connection)
        ids = [doc.locator('[data-sk="ydoc-person"]', has_text="(you)").get_attribute(
            "data-sk-client", timeout=20_000) for doc in (one, two)]
        assert ids[0] != ids[1]
        field.focus()
        _wait(lambda: _here(two).get(ids[0]) == f"{me[0]['display_name']} editing tempo", 20,
              "tab one editing tempo, as tab two sees it")
        assert _here(two)[ids[1]] == f"{me[1]['display_name']} (you)"
        assert _here(one)[ids[1]] == me[1]["display_name"]
        assert _here(one)[ids[0]] == f"{me[0]['display_name']} (you) editing tempo"
        page.screenshot(path=str(artifacts / "ydoc_two_tabs.png"))

        # the tabs' awareness carries the server's client id and identity (as Python reads it)
        def tab_states() -> dict[str, Any]:
            states = py.do(lambda c: [s for f in c.awareness for s in awareness_states(f)])
            return {s["client"]: s for s in states if s.get("client") in ids}
        got = _wait(lambda: len(tab_states()) == 2 and tab_states(), 20, "both tabs' states")
        for tab, client in enumerate(ids):
            assert got[client]["user"]["display_name"] == me[tab]["display_name"]
            assert got[client]["user"]["username"] == me[tab]["username"]

        # a client-made name never shows: Python's state claims "Mallory", a non-member too
        py.do(lambda c: c.send_frame(awareness_frame(4242, 1, {
            "client": py.id, "user": {"display_name": "Mallory", "username": "mallory"},
            "editing": "meter"})))
        py.do(lambda c: c.send_frame(awareness_frame(4343, 1, {
            "client": "not-a-member", "user": {"display_name": "Ghost"}})))
        server_name = py.me["display_name"]
        assert server_name != "Mallory"
        for doc in (one, two):
            _wait(lambda d=doc: _here(d).get(py.id) == f"{server_name} editing meter", 20,
                  "the Python peer under the server's name")
            text = doc.locator('[data-sk="ydoc-here"]').inner_text()
            assert "Mallory" not in text and "Ghost" not in text
            assert "not-a-member" not in _here(doc)

        # a parameter added in tab two is stored, then survives tab two's reload
        two.locator('[data-sk="ydoc-new-name"]').fill("key")
        two.locator('[data-sk="ydoc-new-value"]').fill("D minor")
        two.locator('[data-sk="ydoc-new-set"]').click()
        second_page.wait_for_selector(f'{YDOC}[data-sk-stored="yes"]', timeout=20_000)
        _wait(lambda: py.params().get("key") == "D minor", 20, "the key in Python")
        second_page.reload(timeout=90_000)
        _show_panel(second_page)
        again = second_page.locator(f'{YDOC}[data-sk-session="{sid}"][data-sk-synced="yes"]')
        again.wait_for(timeout=20_000)
        _wait(lambda: _shown(again) == {"tempo": "120", "meter": "[3,4]", "key": "D minor"},
              20, "the whole state back after the reload")
        assert lab_server.workbench(f"sessions/{sid}")["params"] == {
            "tempo": 120, "meter": [3, 4], "key": "D minor"}

        # renamed on the server: the view's title follows
        lab_server.workbench(f"sessions/{sid}", {"name": "Y trio"}, method="PATCH")
        for doc in (one, again):
            _wait(lambda d=doc: d.locator('[data-sk="ydoc-title"]').inner_text()
                  == "In “Y trio”", 20, "the new name in the view")

        # leaving: the other tab stops listing it at once (the server's member list)
        reloaded_id = again.locator('[data-sk="ydoc-person"]', has_text="(you)").get_attribute(
            "data-sk-client", timeout=20_000)
        _wait(lambda: reloaded_id in _here(one), 20, "the reloaded tab in tab one's list")
        _show_panel(second_page).locator(
            f'[data-sk-session="{sid}"] [data-sk="session-leave"]').click()
        again.wait_for(state="detached", timeout=20_000)
        _wait(lambda: reloaded_id not in _here(one), 20, "the tab gone from tab one's list")
        assert not page.console_errors, page.console_errors
    finally:
        py.close()
        lab_server.workbench(f"sessions/{sid}", method="DELETE")


def test_the_view_comes_back_after_the_connection_drops(page: Any, lab_server: Any) -> None:
    """The sidebar's WebSocket is cut (Playwright stands between page and server): the tab
    joins again by itself and shows what changed on the server meanwhile."""
    sid = lab_server.workbench("sessions", {"name": "Y dropped"})["id"]
    sockets: list[Any] = []

    def through(ws: Any) -> None:
        ws.connect_to_server()
        sockets.append(ws)

    page.route_web_socket("**/schillinger/api/ws**", through)
    ws = lab_server.url.replace("http", "ws", 1) + "schillinger/api/ws"
    py = PyPeer(ws, sid, lab_server.token)
    try:
        doc = _join(page, lab_server, sid)
        field = doc.locator('input[data-sk-param="tempo"]')
        py.do(lambda c: c.params.__setitem__("tempo", 100))
        _wait(lambda: field.count() == 1 and field.input_value() == "100", 20, "tempo 100")
        doc.evaluate("d => { d.dataset.old = 'yes'; }")
        before = len(sockets)
        sockets[-1].close(code=1011, reason="cut by the test")
        page.locator(f'{YDOC}[data-old="yes"]').wait_for(state="detached", timeout=20_000)
        py.do(lambda c: c.params.__setitem__("tempo", 108))
        back = page.locator(f'{YDOC}[data-sk-session="{sid}"][data-sk-synced="yes"]')
        back.wait_for(timeout=30_000)
        _wait(lambda: _shown(back) == {"tempo": "108"}, 30, "tempo 108 after the rejoin")
        assert len(sockets) > before  # a new connection, not the old one kept
        # and the rejoined tab writes again
        again = back.locator('input[data-sk-param="tempo"]')
        again.fill("110")
        again.press("Enter")
        _wait(lambda: py.params() == {"tempo": 110}, 20, "tempo 110 from the rejoined tab")
    finally:
        py.close()
        lab_server.workbench(f"sessions/{sid}", method="DELETE")

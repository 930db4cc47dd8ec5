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
shows. When the connection drops the tab keeps the document (edits made meanwhile are kept,
in IndexedDB too, so a reload keeps them), joins again by itself, and the sync merges both
ways. The view also lists the session's operation history (by the names the server stamped)
and its score, which either tab adds to or takes from. Screenshots:
``test-artifacts/ydoc_two_tabs.png``, ``ydoc_offline.png``, ``ydoc_score_history.png``.
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


class Cuttable:
    """The page's workbench WebSockets through Playwright (the panel's transport feed uses
    the same address): ``joins`` counts the ``join`` messages the page sent; ``cut()`` drops
    the socket that sent the latest (the session's) and refuses new ones (the server seems
    gone) until ``restore()``."""

    def __init__(self, page: Any) -> None:
        self.joins = 0
        self.refused = 0
        self._refusing = False
        self._session: tuple[Any, Any] | None = None
        page.route_web_socket("**/schillinger/api/ws**", self._route)

    def _route(self, ws: Any) -> None:
        if self._refusing:
            self.refused += 1
            ws.close(code=1013, reason="refused by the test")
            return
        server = ws.connect_to_server()

        def forward(message: str | bytes) -> None:
            if isinstance(message, str) and json.loads(message).get("type") == "join":
                self.joins += 1
                self._session = (ws, server)
            server.send(message)
        ws.on_message(forward)

    def cut(self) -> None:
        assert self._session is not None, "no session joined through this page"
        self._refusing = True
        page_side, server_side = self._session
        server_side.close(code=1001, reason="cut by the test")  # the server sees it go
        page_side.close(code=1011, reason="cut by the test")

    def restore(self) -> None:
        self._refusing = False


def _set_param(doc: Any, name: str, value: str) -> None:
    field = doc.locator(f'input[data-sk-param="{name}"]')
    if field.count():
        field.fill(value)
        field.press("Enter")
    else:
        doc.locator('[data-sk="ydoc-new-name"]').fill(name)
        doc.locator('[data-sk="ydoc-new-value"]').fill(value)
        doc.locator('[data-sk="ydoc-new-set"]').click()


def _texts(doc: Any, sk: str) -> list[str]:
    return [t.strip() for t in doc.locator(f'[data-sk="{sk}"]').all_inner_texts()]


def _score(doc: Any) -> list[Any]:
    """The score items a tab shows, read back as JSON (a dict made in Python may come with
    its keys in any order)."""
    return [json.loads(t) for t in _texts(doc, "ydoc-score-text")]


def test_the_sessions_score_and_history_are_shown_and_shared(
        page: Any, second_page: Any, lab_server: Any, artifacts: Path) -> None:
    """The session view lists the document's operation history (the latest ten, each by the
    name the server stamped on it) and its score, which a tab adds to and takes from: the
    other tab and the Python client follow."""
    sid = lab_server.workbench("sessions", {"name": "Y score"})["id"]
    ws = lab_server.url.replace("http", "ws", 1) + "schillinger/api/ws"
    py = PyPeer(ws, sid, lab_server.token)
    try:
        one, two = _join(page, lab_server, sid), _join(second_page, lab_server, sid)
        for doc in (one, two):
            assert _texts(doc, "ydoc-history-head") == ["history: no operations yet"]
            assert _texts(doc, "ydoc-score-head") == ["score: empty"]

        # operations sent as JSON: the server records them, stamped with the sender's name
        py.do(lambda c: c.send_json({"type": "operation", "op": {"kind": "rotate", "by": 1}}))
        who = py.me["display_name"]
        for doc in (one, two):
            _wait(lambda d=doc: _texts(d, "ydoc-op") == [f"{who}: rotate by=1"], 20,
                  "the operation in the history")
        def step(n: int) -> Callable[[YClient], None]:
            return lambda c: c.send_json({"type": "operation", "op": {"kind": "step", "n": n}})
        for n in range(2, 13):
            py.do(step(n))
        for doc in (one, two):
            _wait(lambda d=doc: _texts(d, "ydoc-op")[-1:] == [f"{who}: step n=12"], 20,
                  "the twelfth operation")
            ops = _texts(doc, "ydoc-op")
            assert ops == [f"{who}: step n={n}" for n in range(3, 13)], ops
            assert _texts(doc, "ydoc-history-head") == [
                "history (the latest 10; 2 earlier not shown):"]
            seqs = doc.locator('[data-sk="ydoc-op"]').evaluate_all(
                "items => items.map(i => Number(i.dataset.skSeq))")
            assert seqs == list(range(3, 13)), seqs

        # the score: Python adds an item in the document, tab one another, tab two removes
        # the first; each change reaches everyone
        i, v = {"bar": 1, "chord": "I"}, {"bar": 2, "chord": "V7"}
        py.do(lambda c: c.score.append(i))
        _wait(lambda: _score(one) == [i], 20, "Python's score item in tab one")
        one.locator('[data-sk="ydoc-score-value"]').fill('{"bar": 2, "chord": "V7"}')
        one.locator('[data-sk="ydoc-score-append"]').click()
        _wait(lambda: _score(two) == [i, v], 20, "both items in tab two")
        _wait(lambda: py.do(lambda c: plain(c.score.to_py())) == [i, v], 20,
              "both items in Python")
        assert _texts(one, "ydoc-score-text")[1] == '{"bar":2,"chord":"V7"}'
        page.screenshot(path=str(artifacts / "ydoc_score_history.png"))
        two.locator('[data-sk="ydoc-score-item"][data-sk-index="0"] '
                    '[data-sk="ydoc-score-remove"]').click()
        _wait(lambda: _score(one) == [v], 20, "the first item gone in tab one")
        _wait(lambda: py.do(lambda c: plain(c.score.to_py())) == [v], 20,
              "the first item gone in Python")
        second_page.wait_for_selector(f'{YDOC}[data-sk-stored="yes"]', timeout=20_000)
        assert lab_server.workbench(f"sessions/{sid}")["score"] == [v]
        assert not page.console_errors, page.console_errors
    finally:
        py.close()
        lab_server.workbench(f"sessions/{sid}", method="DELETE")


def test_edits_made_offline_reach_the_others_when_the_connection_is_back(
        page: Any, second_page: Any, lab_server: Any, artifacts: Path) -> None:
    """The sidebar's WebSocket is cut and new ones are refused: the tab keeps the document
    and its view, takes edits (kept in IndexedDB), and when the server answers again it joins
    by itself, and the sync merges both ways: its offline edits reach the server (stored:
    ``sync_ack``), the other tab and the Python client; what changed on the server meanwhile
    reaches it."""
    sid = lab_server.workbench("sessions", {"name": "Y offline"})["id"]
    net = Cuttable(page)
    ws = lab_server.url.replace("http", "ws", 1) + "schillinger/api/ws"
    py = PyPeer(ws, sid, lab_server.token)
    try:
        py.do(lambda c: c.params.__setitem__("tempo", 100))
        py.run(py.client.stored())
        _join(page, lab_server, sid)
        two = _join(second_page, lab_server, sid)
        one = page.locator(f'{YDOC}[data-sk-session="{sid}"]')  # synced or not
        for doc in (one, two):
            _wait(lambda d=doc: _shown(d) == {"tempo": "100"}, 20, "tempo 100 in both tabs")
        first = net.joins

        net.cut()
        page.locator(f'{YDOC}[data-sk-online="no"]').wait_for(timeout=20_000)
        _set_param(one, "tempo", "132")
        _set_param(one, "key", "Eb major")
        page.locator(f'{YDOC}[data-sk-kept="2"]').wait_for(timeout=20_000)
        assert _shown(one) == {"tempo": "132", "key": "Eb major"}
        status = one.locator('[data-sk="ydoc-status"]').inner_text()
        assert status.startswith("offline: 2 changes kept in this browser"), status
        # meanwhile, on the server: Python changes the meter; the cut tab's edits are not there
        py.do(lambda c: c.params.__setitem__("meter", [5, 4]))
        _wait(lambda: _shown(two).get("meter") == "[5,4]", 20, "the meter in tab two")
        _wait(lambda: net.refused >= 1, 30, "a refused reconnection")
        assert lab_server.workbench(f"sessions/{sid}")["params"] == {"tempo": 100, "meter": [5, 4]}
        assert _shown(two) == {"tempo": "100", "meter": "[5,4]"}
        page.screenshot(path=str(artifacts / "ydoc_offline.png"))

        net.restore()
        back = page.locator(f'{YDOC}[data-sk-session="{sid}"][data-sk-online="yes"]'
                            '[data-sk-synced="yes"][data-sk-stored="yes"]')
        back.wait_for(timeout=30_000)
        assert net.joins > first  # joined again, on a new connection
        want = {"tempo": 132, "key": "Eb major", "meter": [5, 4]}
        shown = {"tempo": "132", "key": "Eb major", "meter": "[5,4]"}
        for doc in (one, two):
            _wait(lambda d=doc: _shown(d) == shown, 20, "the merged state in both tabs")
        _wait(lambda: py.params() == want, 20, "the merged state in the Python client")
        assert lab_server.workbench(f"sessions/{sid}")["params"] == want
        page.locator(f'{YDOC}[data-sk-kept="0"]').wait_for(timeout=20_000)
        assert one.locator('[data-sk="ydoc-status"]').inner_text() == \
            "all changes stored on the server"

        # and the tab writes online again
        _set_param(one, "tempo", "110")
        _wait(lambda: py.params()["tempo"] == 110, 20, "tempo 110 from the rejoined tab")
        assert not page.console_errors, page.console_errors
    finally:
        py.close()
        lab_server.workbench(f"sessions/{sid}", method="DELETE")


def test_edits_made_offline_survive_a_reload(
        page: Any, second_page: Any, lab_server: Any) -> None:
    """Cut off, edited, reloaded while still cut off: the edit waits in IndexedDB; when the
    server answers, the reloaded tab joins again, reads it back and sends it."""
    sid = lab_server.workbench("sessions", {"name": "Y reload"})["id"]
    net = Cuttable(page)
    try:
        _join(page, lab_server, sid)
        two = _join(second_page, lab_server, sid)
        one = page.locator(f'{YDOC}[data-sk-session="{sid}"]')  # synced or not
        _set_param(one, "tempo", "90")
        page.locator(f'{YDOC}[data-sk-stored="yes"][data-sk-kept="0"]').wait_for(timeout=20_000)
        _wait(lambda: _shown(two) == {"tempo": "90"}, 20, "tempo 90 in tab two")

        net.cut()
        page.locator(f'{YDOC}[data-sk-online="no"]').wait_for(timeout=20_000)
        _set_param(one, "tempo", "144")
        page.locator(f'{YDOC}[data-sk-kept="1"]').wait_for(timeout=20_000)
        page.reload(timeout=90_000)
        _show_panel(page)
        _wait(lambda: net.refused >= 2, 30, "the reloaded tab refused")
        assert page.locator(YDOC).count() == 0  # not in the session: nothing to show yet
        assert lab_server.workbench(f"sessions/{sid}")["params"] == {"tempo": 90}
        assert _shown(two) == {"tempo": "90"}

        net.restore()
        back = page.locator(f'{YDOC}[data-sk-session="{sid}"][data-sk-synced="yes"]'
                            '[data-sk-stored="yes"][data-sk-kept="0"]')
        back.wait_for(timeout=30_000)
        _wait(lambda: _shown(back) == {"tempo": "144"}, 20, "tempo 144 back in the tab")
        _wait(lambda: _shown(two) == {"tempo": "144"}, 20, "tempo 144 in tab two")
        assert lab_server.workbench(f"sessions/{sid}")["params"] == {"tempo": 144}
        assert not page.console_errors, page.console_errors
    finally:
        lab_server.workbench(f"sessions/{sid}", method="DELETE")


def test_a_session_deleted_while_offline_says_what_could_not_be_sent(
        page: Any, lab_server: Any) -> None:
    """Cut off with an unsent edit while the session is deleted: when the server answers
    again the view goes, the sidebar says the edit could not be sent, and nothing of it is
    left in IndexedDB."""
    sid = lab_server.workbench("sessions", {"name": "Y gone"})["id"]
    net = Cuttable(page)
    _join(page, lab_server, sid)
    one = page.locator(f'{YDOC}[data-sk-session="{sid}"]')
    net.cut()
    page.locator(f'{YDOC}[data-sk-online="no"]').wait_for(timeout=20_000)
    _set_param(one, "tempo", "77")
    page.locator(f'{YDOC}[data-sk-kept="1"]').wait_for(timeout=20_000)
    lab_server.workbench(f"sessions/{sid}", method="DELETE")
    net.restore()
    one.wait_for(state="detached", timeout=30_000)
    error = page.locator(f'{PANEL} [data-sk="sessions-error"]').inner_text()
    assert "deleted while this tab was offline" in error, error
    assert "1 change made offline could not be sent" in error, error
    kept = page.evaluate("""() => new Promise((resolve, reject) => {
      const open = indexedDB.open('schillinger-workbench');
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const all = open.result.transaction('unstored-updates').objectStore('unstored-updates')
          .getAllKeys();
        all.onsuccess = () => resolve(all.result.map(String));
      };
    })""")
    assert not [k for k in kept if k.endswith(f"|{sid}")], kept
    assert net.joins == 1  # it never joined again: there was nothing to join

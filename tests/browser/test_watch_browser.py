"""A read-only user watches a shared session in the sidebar (issue 16), in Debian's Chromium.

A JupyterLab of its own, configured as a server admin gives a team read and write
(tests/server/team.py: jupyter's ``IdentityProvider`` and ``Authorizer`` classes; alice may
write, bob may only read). Alice, a Python :class:`YClient`, builds a session; bob opens the
lab with his token, is offered Join, and joins as a watcher: the view says "watching
(read-only)", its parameter cells are read-only, the score has no add or remove controls, the
member lists say he is watching, alice's edits reach him live, and a change an earlier page of
his kept in IndexedDB is neither applied nor kept (the server would refuse it forever).
Screenshot: ``test-artifacts/ydoc_watcher.png``.

Bob's sidebar knows he may only read (jupyter-server's ``/api/me?permissions=...`` asks the
same Authorizer every write handler asks): Play, Stop and Tempo are disabled with the reason in
their tooltips and under them, and New, Rename and Delete are not offered. Where ``/api/me``
says nothing of the workbench's resource (its answer stripped on its way to the page, as an
older or stricter server would send it), the first refused write (a real 403) turns the sidebar
read-only, and the refusal reads as one plain sentence, never the server's raw JSON.
Screenshot: ``test-artifacts/watcher_transport.png``.

Bob's OSC section shows where OSC listens (reading needs no secret) but not how a DAW
authenticates nor where the server keeps its secret: his ``status`` carries ``auth: null``
(the server asks the Authorizer), and the sidebar says in one sentence that OSC control needs
write access; so does the DAW help page. Alice, who may write, is shown both. Screenshot:
``test-artifacts/watcher_osc.png``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from helpers import free_port, stop, wait_until
from pycrdt import Doc, Map
from test_ydoc_browser import YDOC, PyPeer, _open_panel, _shown, awareness_frame

REPO = Path(__file__).resolve().parents[2]
#: What a refused write reads as in the sidebar (extension/src/api.ts READ_ONLY_MESSAGE).
READ_ONLY = "read-only here: the owner can grant write (see docs/hub-admin.md)"
#: What the OSC section says instead of how to authenticate (extension/src/api.ts).
OSC_READ_ONLY = ("OSC control needs write access here: the owner can grant write "
                 "(see docs/hub-admin.md)")
#: The transport's controls that change the server's clock.
WRITES = ("play", "stop", "tempo")


@dataclass
class TeamLab:
    """The team's JupyterLab: where it listens, and its log."""

    url: str
    log: Path

    def url_for(self, path: str, who: str = "bob") -> str:
        """``path`` logged in as ``who`` (bob: the read-only user)."""
        sep = "&" if "?" in path else "?"
        return f"{self.url}{path.lstrip('/')}{sep}token={who}-token"

    def log_tail(self, n: int = 60) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return "(no log)"



def _call(server: TeamLab, who: str, path: str, body: dict[str, Any] | None) -> Any:
    """GET (``body`` None) or POST ``body`` to the workbench's ``path`` as ``who``."""
    req = urllib.request.Request(f"{server.url}schillinger/api/{path}",
                                 data=None if body is None else json.dumps(body).encode(),
                                 headers={"Authorization": f"token {who}-token",
                                          "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read() or b"null")


@pytest.fixture(scope="module")
def team_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TeamLab]:
    """JupyterLab with team.py's identity provider and authorizer (bob reads only)."""
    base = tmp_path_factory.mktemp("team-lab")
    root = base / "root"
    root.mkdir()
    built = REPO / "schillinger_kernel" / "labextension"
    extra = base / "labextensions"
    extra.mkdir()
    if (built / "package.json").is_file():
        (extra / "schillinger-workbench").symlink_to(built, target_is_directory=True)
    port = free_port()
    tests = REPO / "tests"
    env = {**os.environ, "JUPYTERLAB_SETTINGS_DIR": str(base / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(base / "workspaces"),
           "JUPYTER_RUNTIME_DIR": str(base / "runtime"), "PYTHONUNBUFFERED": "1",
           # team.py (and the helpers it imports) for the server's classes
           "PYTHONPATH": os.pathsep.join([str(tests / "server"), str(tests),
                                          *filter(None, [os.environ.get("PYTHONPATH")])])}
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}",
           "--ServerApp.ip=127.0.0.1", f"--ServerApp.root_dir={root}",
           "--ServerApp.port_retries=0", "--LabApp.news_url=",
           "--ServerApp.identity_provider_class=team.Team",
           "--ServerApp.authorizer_class=team.WritersWrite",
           "--SchillingerApp.osc_port=0", "--SchillingerApp.audio_output=False",
           f"--SchillingerApp.sessions_dir={base / 'sessions'}",
           f"--LabApp.extra_labextensions_path={extra}"]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    log = base / "lab.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=root)
    server = TeamLab(f"http://127.0.0.1:{port}/", log)

    def answers() -> bool:
        if proc.poll() is not None:
            pytest.fail(f"jupyter lab exited with {proc.returncode}:\n{server.log_tail()}")
        try:
            _call(server, "bob", "status", None)
        except OSError:
            return False
        return True

    try:
        wait_until(answers, 120, "the team's jupyter lab to answer", interval=0.5)
        yield server
    finally:
        stop(proc)


def _kept_record(page: Any, key: str, update: list[int] | None) -> Any:
    """Put ``update`` under ``key`` in offline.ts's IndexedDB store (None: read it back)."""
    return page.evaluate("""([key, update]) => new Promise((resolve, reject) => {
        const open = indexedDB.open('schillinger-workbench', 1);
        open.onupgradeneeded = () => open.result.createObjectStore('unstored-updates');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
            const db = open.result;
            const tx = db.transaction('unstored-updates', update ? 'readwrite' : 'readonly');
            const store = tx.objectStore('unstored-updates');
            const req = update ? store.put(new Uint8Array(update), key) : store.get(key);
            tx.oncomplete = () => { db.close(); resolve(update ? true : (req.result
                ? Array.from(req.result) : null)); };
            tx.onerror = () => reject(tx.error);
        };
    })""", [key, update])


def test_a_read_only_user_watches_the_session_in_the_sidebar(
        page: Any, team_lab: TeamLab, artifacts: Path) -> None:
    sid = _call(team_lab, "alice", "sessions", {"name": "Watched"})["id"]
    ws = team_lab.url.replace("http", "ws", 1) + "schillinger/api/ws"
    alice = PyPeer(ws, sid, "alice-token")
    try:
        alice.do(lambda c: c.params.__setitem__("tempo", 96))
        alice.do(lambda c: c.score.append("bar one"))
        alice.run(alice.client.stored())

        panel = _open_panel(page, team_lab)
        me = page.evaluate("async () => (await (await fetch('/api/me')).json()).identity")
        assert me["username"] == "bob"
        # as if an earlier page of bob's had kept a change the server never stored
        forged: Doc[Any] = Doc()
        params: Map[Any] = Map()
        forged["params"] = params
        params["mine"] = 1
        key = f"{team_lab.url}|{sid}"
        assert _kept_record(page, key, list(forged.get_update()))
        item = panel.locator(f'[data-sk-session="{sid}"]')
        item.locator('[data-sk="session-join"]').click()  # offered to a read-only user too
        doc = panel.locator(f'{YDOC}[data-sk-session="{sid}"][data-sk-synced="yes"]')
        doc.wait_for(timeout=20_000)

        assert doc.get_attribute("data-sk-role") == "watcher"
        wait_until(lambda: _shown(doc) == {"tempo": "96"}, 20, "alice's tempo at bob's")
        status = doc.locator('[data-sk="ydoc-status"]')
        wait_until(lambda: status.inner_text() == "watching (read-only)", 20, "the status line")
        # nothing to edit: read-only cells, no adder, no score controls
        assert doc.locator('input[data-sk-param="tempo"]').evaluate("e => e.readOnly")
        assert not doc.locator('[data-sk="ydoc-add"]').is_visible()
        assert not doc.locator('[data-sk="ydoc-score-add"]').is_visible()
        assert doc.locator('[data-sk="ydoc-score-item"]').inner_text().strip() == "bar one"
        assert doc.locator('[data-sk="ydoc-score-remove"]').count() == 0
        # the kept change is gone, never applied, and nothing waits to be sent
        wait_until(lambda: _kept_record(page, key, None) is None, 20, "the record forgotten")
        assert doc.get_attribute("data-sk-waiting") == "0"

        # who is here: bob watching, alice not
        here = doc.locator('[data-sk="ydoc-person"][data-sk-role="watcher"]')
        wait_until(lambda: here.count() == 1 and here.inner_text().strip()
                   == "Bob (you) (watching)", 20, "bob listed as watching")
        # alice (Python) says she is here through awareness, as a tab does
        alice.do(lambda c: c.send_frame(awareness_frame(4242, 1, {
            "client": alice.id, "user": alice.me, "editing": None})))
        editor = doc.locator('[data-sk="ydoc-person"][data-sk-role="editor"]')
        wait_until(lambda: editor.count() == 1, 20, "alice's awareness at bob's")
        assert editor.inner_text().strip() == "Alice"
        # the session list: each person's role from the server's `people`
        people = item.locator('[data-sk="session-person"]')
        wait_until(lambda: people.count() == 2, 20, "both people in the session list")
        roles = dict(people.evaluate_all(
            "ps => ps.map(p => [p.textContent.trim(), p.dataset.skRole])"))
        assert roles == {"Alice": "editor", "Bob (watching)": "watcher"}

        # alice's edits reach him live; his view sent no edit (no refusal shown)
        alice.do(lambda c: c.params.__setitem__("tempo", 100))
        alice.do(lambda c: c.score.append("bar two"))
        wait_until(lambda: _shown(doc) == {"tempo": "100"}, 20, "alice's edit at bob's")
        wait_until(lambda: doc.locator('[data-sk="ydoc-score-item"]').count() == 2, 20,
                   "alice's score item at bob's")
        assert doc.locator('[data-sk="ydoc-score-remove"]').count() == 0
        assert "needs write" not in panel.locator('[data-sk="sessions-error"]').inner_text()
        assert alice.params() == {"tempo": 100}
        assert status.inner_text() == "watching (read-only)"
        page.screenshot(path=str(artifacts / "ydoc_watcher.png"))
        assert not [e for e in page.console_errors if "schillinger" in e.lower()], \
            page.console_errors
    finally:
        alice.close()


def _controls(panel: Any) -> dict[str, tuple[bool, str]]:
    """Each transport write control: (disabled, tooltip)."""
    return {sk: tuple(panel.locator(f'[data-sk="{sk}"]').evaluate("e => [e.disabled, e.title]"))
            for sk in WRITES}


def _no_raw_json(panel: Any) -> None:
    """No error or note line of the sidebar shows the server's JSON."""
    texts = panel.locator('.sk-note').evaluate_all("ns => ns.map(n => n.textContent)")
    assert not [t for t in texts if "{" in t or '"message"' in t], texts


def test_a_read_only_user_is_offered_no_writes(
        page: Any, team_lab: TeamLab, artifacts: Path) -> None:
    sid = _call(team_lab, "alice", "sessions", {"name": "Alice's own"})["id"]
    panel = _open_panel(page, team_lab)
    wait_until(lambda: panel.get_attribute("data-sk-writable") == "no", 20,
               "the sidebar to know bob may only read")
    # disabled, not hidden, each saying why
    assert _controls(panel) == {"play": (True, f"Play: {READ_ONLY}"),
                                "stop": (True, f"Stop: {READ_ONLY}"),
                                "tempo": (True, f"Tempo (BPM): {READ_ONLY}")}
    assert all(panel.locator(f'[data-sk="{sk}"]').is_visible() for sk in WRITES)
    assert panel.locator('[data-sk="transport-read-only"]').inner_text() == READ_ONLY
    # what only reads or stays in this page is still his
    assert not panel.locator('[data-sk="stop-all"]').is_disabled()
    # sessions: Join (as a watcher), never New, Rename or Delete
    item = panel.locator(f'[data-sk-session="{sid}"]')
    item.wait_for(timeout=20_000)
    assert item.locator('[data-sk="session-join"]').is_visible()
    assert not panel.locator('[data-sk="session-new"]').is_visible()
    assert panel.locator('[data-sk="session-rename"], [data-sk="session-delete"]').count() == 0
    assert panel.locator('[data-sk="transport-error"]').inner_text() == ""
    _no_raw_json(panel)
    page.screenshot(path=str(artifacts / "watcher_transport.png"))


def _silent_on_our_resource(route: Any) -> None:
    """Answer ``/api/me`` with the server's real answer, less what it says of the
    workbench's resource, so the page cannot know from it whether bob may write."""
    answer = route.fetch()
    body = answer.json()
    body["permissions"].pop("schillinger", None)
    route.fulfill(response=answer, json=body)


def test_the_first_refused_write_turns_the_sidebar_read_only(
        page: Any, team_lab: TeamLab) -> None:
    page.route(re.compile(r"/api/me\?permissions="), _silent_on_our_resource)
    panel = _open_panel(page, team_lab)
    wait_until(lambda: not panel.locator('[data-sk="play"]').is_disabled(), 20,
               "the transport offered while nothing says bob may not write")
    assert panel.get_attribute("data-sk-writable") == "unknown"
    new = panel.locator('[data-sk="session-new"]')
    assert new.is_visible()

    panel.locator('[data-sk="play"]').click()  # the server answers 403
    wait_until(lambda: panel.get_attribute("data-sk-writable") == "no", 20,
               "the refusal to turn the sidebar read-only")
    assert _controls(panel)["play"] == (True, f"Play: {READ_ONLY}")
    assert panel.locator('[data-sk="transport-read-only"]').inner_text() == READ_ONLY
    assert panel.locator('[data-sk="transport-error"]').inner_text() == ""
    assert not new.is_visible()
    _no_raw_json(panel)
    assert _call(team_lab, "bob", "transport", None)["playing"] is False


def test_a_refused_session_write_reads_plainly(page: Any, team_lab: TeamLab) -> None:
    page.route(re.compile(r"/api/me\?permissions="), _silent_on_our_resource)
    panel = _open_panel(page, team_lab)
    new = panel.locator('[data-sk="session-new"]')
    new.click()
    dialog = page.locator(".jp-Dialog")
    dialog.locator("input").fill("Bob's own")
    dialog.locator(".jp-Dialog-button.jp-mod-accept").click()
    error = panel.locator('[data-sk="sessions-error"]')
    wait_until(lambda: error.inner_text() == READ_ONLY, 20, "the refusal in plain words")
    assert not new.is_visible()
    assert panel.get_attribute("data-sk-writable") == "no"
    assert "Bob's own" not in [s.get("name") for s in _call(team_lab, "bob", "sessions", None)]
    _no_raw_json(panel)


@dataclass
class As:
    """``lab`` as another user sees it (for _open_panel)."""

    lab: TeamLab
    who: str

    def url_for(self, path: str) -> str:
        return self.lab.url_for(path, self.who)


def _osc_secrets(team_lab: TeamLab) -> tuple[dict[str, Any], list[str]]:
    """OSC as a writer's ``status`` says it, and the words that tell how to authenticate."""
    osc = _call(team_lab, "alice", "status", None)["osc"]
    assert osc["enabled"] and osc["auth"]["key_file"], osc
    return osc, [osc["auth"]["key_file"], "/schillinger/auth", "secret", "SECRET"]


def _help_page(page: Any) -> Any:
    page.locator(".lm-MenuBar-itemLabel", has_text="Schillinger").click()
    page.locator(".lm-Menu-itemLabel", has_text="Open DAW bridge help").click()
    help_page = page.locator(".sk-help")
    help_page.locator('[data-sk="help-osc"]').wait_for(timeout=20_000)
    return help_page


def test_a_read_only_user_is_not_shown_how_to_drive_osc(
        page: Any, team_lab: TeamLab, artifacts: Path) -> None:
    osc, secrets = _osc_secrets(team_lab)
    panel = _open_panel(page, team_lab)
    wait_until(lambda: panel.get_attribute("data-sk-osc-auth") == "withheld", 20,
               "the OSC section to withhold how to authenticate")
    # where OSC listens is his to see: reading needs no secret
    assert panel.locator('[data-sk="osc-address"]').inner_text() == f"{osc['host']}:{osc['port']}"
    note = panel.locator('[data-sk="osc-note"]').inner_text()
    assert note == OSC_READ_ONLY, note
    section = panel.locator("section", has=page.locator('[data-sk="osc-note"]')).inner_text()
    assert not [w for w in secrets if w in section], section
    # the server itself told his page nothing of it
    mine = page.evaluate("async () => (await (await fetch('/schillinger/api/status')).json()).osc")
    assert mine["auth"] is None and mine["port"] == osc["port"]
    page.screenshot(path=str(artifacts / "watcher_osc.png"))

    help_page = _help_page(page)
    wait_until(lambda: help_page.locator('[data-sk="help-read-only"]').count() == 1, 20,
               "the help page to say OSC control needs write access")
    assert help_page.locator('[data-sk="help-read-only"]').inner_text() == OSC_READ_ONLY
    text = help_page.inner_text()
    assert not [w for w in secrets if w in text], text
    assert f"oscsend {osc['host']} {osc['port']} /schillinger/help" in text


def test_the_server_withholds_osc_auth_when_the_page_does_not_know(
        page: Any, team_lab: TeamLab) -> None:
    _osc, secrets = _osc_secrets(team_lab)
    page.route(re.compile(r"/api/me\?permissions="), _silent_on_our_resource)
    panel = _open_panel(page, team_lab)
    wait_until(lambda: panel.get_attribute("data-sk-osc-auth") == "withheld", 20,
               "the OSC section to withhold how to authenticate")
    assert panel.get_attribute("data-sk-writable") == "unknown"  # the status alone told
    note = panel.locator('[data-sk="osc-note"]').inner_text()
    assert note == OSC_READ_ONLY and not [w for w in secrets if w in note], note


def test_a_writer_is_shown_how_to_drive_osc(page: Any, team_lab: TeamLab) -> None:
    osc, _secrets = _osc_secrets(team_lab)
    panel = _open_panel(page, As(team_lab, "alice"))
    wait_until(lambda: panel.get_attribute("data-sk-osc-auth") == "shown", 20,
               "the OSC section to show alice how to authenticate")
    assert panel.get_attribute("data-sk-writable") == "yes"
    note = panel.locator('[data-sk="osc-note"]').inner_text()
    assert "/schillinger/auth <secret>" in note and osc["auth"]["key_file"] in note, note
    assert OSC_READ_ONLY not in note
    help_page = _help_page(page)
    assert help_page.locator('[data-sk="help-read-only"]').count() == 0
    assert "/schillinger/k/SECRET/transport/play" in help_page.inner_text()

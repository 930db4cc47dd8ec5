"""The sidebar's "Shared sessions" in a real JupyterLab, in Debian's Chromium.

A session created over REST shows up in the sidebar with its owner; Join puts the browser's
user (as ``/api/me`` names it) into the session's ``people`` that ``GET sessions`` lists, and
Leave takes it out; Rename (a dialog) changes the name the server lists, and a name the server
refuses shows the server's own message; Delete (confirmed in a dialog) removes it from the
server's list; "New session" creates one. Rename and Delete show only to the session's owner
(or to whoever holds the server's token, whom the server lets do both). Screenshot:
``test-artifacts/sessions_panel.png``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from helpers import wait_until as _wait

PANEL = "#schillinger-workbench-panel"
PANEL_TAB = '.lm-TabBar-tab[data-id="schillinger-workbench-panel"]'
CARD = '.jp-LauncherCard[title="Schillinger Workbench"]'
DIALOG = ".jp-Dialog"




def _listed(server: Any, sid: str) -> dict[str, Any] | None:
    return next((s for s in server.workbench("sessions") if s["id"] == sid), None)


def _open_panel(page: Any, server: Any) -> Any:
    page.goto(server.url_for("lab?reset"), timeout=90_000)
    page.wait_for_selector(CARD, timeout=90_000)
    if not page.locator(PANEL).is_visible():
        page.locator(PANEL_TAB).click()
    page.wait_for_selector(f'{PANEL}[data-sk-handshake="ok"]', timeout=20_000)
    return page.locator(PANEL)


def _answer_dialog(page: Any, text: str | None = None) -> None:
    dialog = page.locator(DIALOG)
    dialog.wait_for(state="visible", timeout=10_000)
    if text is not None:
        dialog.locator("input").fill(text)
    dialog.locator(".jp-mod-accept").click()
    dialog.wait_for(state="detached", timeout=10_000)


def test_sessions_in_the_sidebar_join_rename_delete(page: Any, lab_server: Any,
                                                    artifacts: Path) -> None:
    created = lab_server.workbench("sessions", {"name": "Duet for panel"})
    sid = created["id"]
    panel = _open_panel(page, lab_server)
    item = panel.locator(f'[data-sk-session="{sid}"]')
    item.wait_for(timeout=20_000)
    assert item.locator('[data-sk="session-name"]').inner_text() == "Duet for panel"
    owner = item.locator('[data-sk="session-owner"]').inner_text()
    assert created["owner"]["display_name"] in owner
    assert "(idle)" in item.inner_text()

    # join: the browser's own user is in the server's list, in its colour, and back out
    me = page.evaluate("""async () => (await (await fetch('/api/me')).json()).identity""")
    item.locator('[data-sk="session-join"]').click()
    _wait(lambda: [p["username"] for p in (_listed(lab_server, sid) or {}).get("people", [])]
          == [me["username"]], 10, "the browser's user in the session")
    item.locator('[data-sk="session-leave"]').wait_for(timeout=10_000)
    person = item.locator('[data-sk="session-person"]')
    assert person.inner_text().strip() == me["display_name"]
    assert person.evaluate("e => e.style.color") != ""
    page.screenshot(path=str(artifacts / "sessions_panel.png"))
    item.locator('[data-sk="session-leave"]').click()
    _wait(lambda: (_listed(lab_server, sid) or {}).get("people") == [], 10, "leaving")
    item.locator('[data-sk="session-join"]').wait_for(timeout=10_000)

    # rename: the server lists the new name, and so does the panel
    item.locator('[data-sk="session-rename"]').click()
    _answer_dialog(page, "Trio for panel")
    _wait(lambda: (_listed(lab_server, sid) or {}).get("name") == "Trio for panel", 10,
          "the new name on the server")
    _wait(lambda: item.locator('[data-sk="session-name"]').inner_text() == "Trio for panel",
          10, "the new name in the panel")

    # a name the server refuses: its message, and the name stays
    item.locator('[data-sk="session-rename"]').click()
    _answer_dialog(page, "x" * 101)
    error = panel.locator('[data-sk="sessions-error"]')
    _wait(lambda: "100" in error.inner_text(), 10, "the server's message")
    assert error.inner_text().startswith("Renaming the session failed: ")
    assert _listed(lab_server, sid)["name"] == "Trio for panel"  # type: ignore[index]

    # delete, confirmed: the server no longer lists it, nor does the panel
    item.locator('[data-sk="session-delete"]').click()
    _answer_dialog(page)
    _wait(lambda: _listed(lab_server, sid) is None, 10, "the session gone from the server")
    item.wait_for(state="detached", timeout=10_000)

    # New session: created on the server with the name typed
    panel.locator('[data-sk="session-new"]').click()
    _answer_dialog(page, "Made in the panel")
    _wait(lambda: any(s["name"] == "Made in the panel" for s in lab_server.workbench("sessions")),
          10, "the new session on the server")
    made = next(s for s in lab_server.workbench("sessions") if s["name"] == "Made in the panel")
    panel.locator(f'[data-sk-session="{made["id"]}"]').wait_for(timeout=10_000)
    lab_server.workbench(f"sessions/{made['id']}", method="DELETE")
    # the one failed request is the refused rename, which the browser logs
    unexpected = [e for e in page.console_errors if "400 (Bad Request)" not in e]
    assert not unexpected, unexpected


def test_rename_and_delete_show_only_for_the_owner(page: Any, lab_server: Any) -> None:
    """Signed in as a named user who did not create the session (``/api/me`` answers as
    jupyter-server does for a user of an identity provider), the panel offers Join only."""
    sid = lab_server.workbench("sessions", {"name": "Not yours"})["id"]
    bob = {"username": "bob", "name": "Bob", "display_name": "Bob", "initials": "B",
           "avatar_url": None, "color": "#1f77b4"}
    page.route("**/api/me*", lambda route: route.fulfill(
        status=200, content_type="application/json",
        body=json.dumps({"identity": bob, "permissions": {}})))
    try:
        panel = _open_panel(page, lab_server)
        item = panel.locator(f'[data-sk-session="{sid}"]')
        item.wait_for(timeout=20_000)
        assert item.locator('[data-sk="session-join"]').count() == 1
        assert item.locator('[data-sk="session-rename"]').count() == 0
        assert item.locator('[data-sk="session-delete"]').count() == 0
    finally:
        lab_server.workbench(f"sessions/{sid}", method="DELETE")

"""The JupyterLab extension in a real JupyterLab, in Debian's Chromium.

JupyterLab starts with the workbench installed (``make`` installs the package editable, which
copies the built extension into the venv's ``share/jupyter/labextensions``). The launcher card
"Schillinger Workbench" exists, and clicking it writes the starter notebook and opens it; the
sidebar shows the server version and the OSC address that ``GET schillinger/api/status``
returns; its play/stop buttons and tempo box change the transport that ``GET
schillinger/api/transport`` reports, and a change made over REST shows up in the sidebar by
itself. With the server side answering 404, or another version, the sidebar says so in words.
The "Schillinger" menu drops a rhythm explorer into the open notebook. Screenshots go to
``test-artifacts/labextension_*.png``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from helpers import wait_until as _wait

from schillinger_kernel.io.midi import read_midi

PANEL = "#schillinger-workbench-panel"
PANEL_TAB = '.lm-TabBar-tab[data-id="schillinger-workbench-panel"]'
CARD = '.jp-LauncherCard[title="Schillinger Workbench"]'
NPM_NAME = "schillinger-workbench"




def _installed_is_current() -> None:
    """The lab extension JupyterLab loads must be the one built from extension/: the test
    server puts the build ahead of the venv's copy (conftest.py), or loads the venv's copy,
    which must then be the same build."""
    built = Path(__file__).resolve().parents[2] / "schillinger_kernel" / "labextension"
    installed = Path(sys.prefix) / "share" / "jupyter" / "labextensions" / NPM_NAME
    if (built / "package.json").is_file():
        return  # conftest's lab_server loads this very build
    assert (installed / "package.json").is_file(), (
        f"the lab extension is neither built nor installed in {installed}: run `make` (it "
        "builds extension/ and installs the package)")


def _open_lab(page: Any, server: Any) -> None:
    page.goto(server.url_for("lab?reset"), timeout=90_000)  # a fresh layout: the launcher
    page.wait_for_selector(CARD, timeout=90_000)
    if not page.locator(PANEL).is_visible():
        page.locator(PANEL_TAB).click()
    page.locator(PANEL).wait_for(state="visible", timeout=10_000)


def test_launcher_card_sidebar_and_transport(page: Any, lab_server: Any,
                                             artifacts: Path) -> None:
    _installed_is_current()
    lab_server.workbench("transport", {"action": "stop"})
    lab_server.workbench("transport", {"action": "tempo", "tempo": 120})
    status = lab_server.workbench("status")
    _open_lab(page, lab_server)
    assert page.locator(CARD).count() == 1

    # the sidebar: handshake, version and OSC address exactly as `status` reports them
    page.wait_for_selector(f'{PANEL}[data-sk-handshake="ok"]', timeout=20_000)
    panel = page.locator(PANEL)
    assert panel.locator('[data-sk="server-version"]').inner_text() == status["version"]
    assert panel.locator('[data-sk="frontend-version"]').inner_text() == status["version"]
    assert "is running" in panel.locator('[data-sk="banner"]').inner_text()
    osc = status["osc"]
    if osc["enabled"]:
        assert panel.locator('[data-sk="osc-port"]').inner_text() == str(osc["port"])
        assert panel.locator('[data-sk="osc-address"]').inner_text() == \
            f"{osc['host']}:{osc['port']}"
        assert panel.locator('[data-sk="osc-reply-port"]').inner_text() == \
            str(osc["reply_port"])
    else:  # e.g. the port is taken: the sidebar must say why instead of showing a port
        assert panel.locator('[data-sk="osc-port"]').inner_text() == "–"
        assert osc["error"] and osc["error"] in panel.locator('[data-sk="osc-note"]').inner_text()
    assert panel.locator('[data-sk="transport-state"]').inner_text() == "stopped"
    page.screenshot(path=str(artifacts / "labextension_launcher_sidebar.png"))

    # play / stop in the sidebar drive the server's transport (REST reports the change)
    panel.locator('[data-sk="play"]').click()
    _wait(lambda: lab_server.workbench("transport")["playing"] is True, 10, "REST to say playing")
    _wait(lambda: panel.locator('[data-sk="transport-state"]').inner_text() == "playing", 10,
          "the sidebar to say playing")
    first = float(panel.locator('[data-sk="transport-position"]').inner_text())
    _wait(lambda: float(panel.locator('[data-sk="transport-position"]').inner_text()) > first,
          10, "the position to advance live")
    panel.locator('[data-sk="stop"]').click()
    _wait(lambda: lab_server.workbench("transport")["playing"] is False, 10, "REST to say stopped")
    _wait(lambda: panel.locator('[data-sk="transport-state"]').inner_text() == "stopped", 10,
          "the sidebar to say stopped")

    # the tempo box sets the server's tempo
    tempo = panel.locator('[data-sk="tempo"]')
    tempo.fill("96")
    tempo.press("Enter")
    _wait(lambda: lab_server.workbench("transport")["tempo"] == 96.0, 10, "REST tempo 96")

    # live: a change made elsewhere (REST here; OSC or another browser alike) shows up by itself
    lab_server.workbench("transport", {"action": "play"})
    _wait(lambda: panel.locator('[data-sk="transport-state"]').inner_text() == "playing", 10,
          "the sidebar to follow a REST play")
    lab_server.workbench("transport", {"action": "tempo", "tempo": 132})
    _wait(lambda: tempo.input_value() == "132", 10, "the sidebar to follow a REST tempo")
    lab_server.workbench("transport", {"action": "stop"})
    _wait(lambda: panel.locator('[data-sk="transport-state"]').inner_text() == "stopped", 10,
          "the sidebar to follow a REST stop")
    lab_server.workbench("transport", {"action": "tempo", "tempo": 120})

    # "Open DAW bridge help" fills in the address this server listens on
    page.locator(".lm-MenuBar-itemLabel", has_text="Schillinger").click()
    page.locator(".lm-Menu-itemLabel", has_text="Open DAW bridge help").click()
    help_page = page.locator(".sk-help")
    help_page.wait_for(timeout=10_000)
    if osc["enabled"]:
        _wait(lambda: help_page.locator('[data-sk="help-osc"]').count() == 1, 10, "help")
        assert help_page.locator('[data-sk="help-osc"]').inner_text() == \
            f"{osc['host']}:{osc['port']}"
        assert f"oscsend {osc['host']} {osc['port']} /schillinger/k/SECRET/transport/play" in \
            help_page.inner_text()
    page.locator(".lm-TabBar-tab", has_text="Launcher").click()

    # the card writes the starter notebook and opens it with a python3 kernel
    before = set(lab_server.root.glob("Schillinger*.ipynb"))
    page.locator(CARD).click()
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=60_000)
    created = _wait(lambda: set(lab_server.root.glob("Schillinger*.ipynb")) - before, 10,
                    "the starter notebook file")
    (path,) = created
    tab = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current")
    assert tab.inner_text().strip().startswith(path.name)
    nb = json.loads(path.read_text())
    source = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    for name in ("RhythmExplorer()", "HarmonyExplorer()", "Player(score="):
        assert name in source
    assert nb["metadata"]["kernelspec"]["name"] == "python3"

    # the "Schillinger" menu drops a rhythm explorer below the active cell and runs it
    page.locator(".lm-MenuBar-itemLabel", has_text="Schillinger").click()
    page.locator(".lm-Menu-itemLabel", has_text="Insert rhythm explorer").click()
    active = page.locator(".jp-NotebookPanel:visible .jp-Cell.jp-mod-active .jp-InputArea")
    # the command waits for the new notebook's kernel (it asks it for the names in use): on a
    # loaded machine that kernel takes a while to start
    _wait(lambda: "rhythm_explorer = RhythmExplorer()" in (active.text_content() or ""), 60,
          "the inserted explorer cell (bound to rhythm_explorer, never to `rhythm`)")
    try:
        page.locator(".jp-NotebookPanel:visible .sk-rhythm-explorer").first.wait_for(
            timeout=60_000)
    except Exception:
        page.screenshot(path=str(artifacts / "labextension_explorer_timeout.png"))
        raise
    page.screenshot(path=str(artifacts / "labextension_notebook.png"))
    # a second one gets a name of its own: the notebook already has rhythm_explorer
    page.locator(".lm-MenuBar-itemLabel", has_text="Schillinger").click()
    page.locator(".lm-Menu-itemLabel", has_text="Insert rhythm explorer").click()
    _wait(lambda: "rhythm_explorer_2 = RhythmExplorer()" in (active.text_content() or ""), 20,
          "the second inserted explorer cell, numbered")
    page.locator(".jp-NotebookPanel:visible .sk-rhythm-explorer").nth(1).wait_for(
        timeout=60_000)

    # "Export current score...": the explorer's score, read from the kernel, written by the
    # server's export route inside its root folder
    page.locator(".lm-MenuBar-itemLabel", has_text="Schillinger").click()
    page.locator(".lm-Menu-itemLabel", has_text="Export current score...").click()
    dialog = page.locator(".jp-Dialog")
    dialog.locator('input[aria-label="Score variable"]').fill("rhythm_explorer")
    dialog.locator('input[aria-label="File path"]').fill("exports/rhythm.mid")
    dialog.locator(".jp-Dialog-button.jp-mod-accept").click()
    midi = lab_server.root / "exports" / "rhythm.mid"
    _wait(midi.is_file, 30, "the exported MIDI file")
    notes = read_midi(midi).notes
    assert [n.duration for n in notes][:4] == [480, 240, 240, 480], notes  # r3÷2 in eighths
    ours = [e for e in page.console_errors if "schillinger" in e.lower()]
    assert not ours, ours


@pytest.mark.parametrize("answer, words", [
    ({"status": 404, "body": "{}"}, "not running on this Jupyter server"),
    ({"status": 200, "body": json.dumps({"version": "0.0.0-other", "backend": "numpy",
                                         "osc": {"enabled": False, "host": "127.0.0.1",
                                                 "port": None, "reply_port": None,
                                                 "error": None},
                                         "sessions": 0,
                                         "transport": {"playing": False, "position_beats": 0,
                                                       "tempo": 120}})},
     "Version mismatch: the server extension is 0.0.0-other"),
])
def test_sidebar_says_plainly_when_the_server_side_is_missing_or_mismatched(
        page: Any, lab_server: Any, artifacts: Path, answer: dict[str, Any],
        words: str) -> None:
    page.route("**/schillinger/api/status*", lambda route: route.fulfill(
        status=answer["status"], content_type="application/json", body=answer["body"]))
    _open_lab(page, lab_server)
    kind = "missing" if answer["status"] == 404 else "mismatch"
    page.wait_for_selector(f'{PANEL}[data-sk-handshake="{kind}"]', timeout=20_000)
    banner = page.locator(f'{PANEL} [data-sk="banner"]').inner_text()
    assert words in banner
    if kind == "missing":
        assert page.locator(f'{PANEL} [data-sk="server-version"]').inner_text() == \
            "not installed"
        assert page.locator(f'{PANEL} [data-sk="play"]').is_disabled()
    page.locator(PANEL).screenshot(path=str(artifacts / f"labextension_{kind}.png"))

"""Work that survives, in JupyterLab and Chromium: undo / redo of the explorer's settings from
the keyboard, a named snapshot, "copy as code" into a new cell, and the widget state saved
with the notebook, so the notebook reopened after its kernel is gone still shows the graph
(the saved state rendered, no "model not found").
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from helpers import wait_until as _wait

CELLS = [
    "from schillinger_kernel.widgets import RhythmExplorer\n"
    "ex = RhythmExplorer(a=3, b=2)\n"
    "ex",
    "print('STATE', ex.a, ex.b, ex.technique, sorted(ex.presets))",
]


def _rhythm(widget: Any) -> str:
    return widget.locator(".sk-summary").get_attribute("data-rhythm") or ""


def _delete_sessions(server: Any) -> None:
    for s in server.api("sessions"):
        req = urllib.request.Request(f"{server.url}api/sessions/{s['id']}", method="DELETE",
                                     headers={"Authorization": f"token {server.token}"})
        urllib.request.urlopen(req, timeout=20).close()


def test_undo_snapshot_code_and_saved_state(page: Any, browser: Any, lab_server: Any,
                                            write_notebook: Callable[..., Path],
                                            open_notebook: Callable[..., None],
                                            run_cell: Callable[..., Any],
                                            artifacts: Path) -> None:
    path = write_notebook("survives.ipynb", CELLS)
    open_notebook(page, "survives.ipynb")
    run_cell(page, 0)
    widget = page.locator(".sk-rhythm-explorer")
    widget.wait_for(timeout=60_000)
    _wait(lambda: _rhythm(widget) == "2,1,1,2", 30, "r3÷2")

    # a slider gesture is one undo step; Ctrl+Z / Ctrl+Shift+Z with the focus in the widget
    slider = widget.locator("input.sk-gen-a")
    slider.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    _wait(lambda: _rhythm(widget) == "2,2,1,1,2,2", 30, "r5÷2 from the kernel")
    tools = widget.locator(".sk-tools")
    _wait(lambda: tools.get_attribute("data-undo") == "1", 5, "one undo step")
    page.keyboard.press("Control+z")
    _wait(lambda: _rhythm(widget) == "2,1,1,2", 30, "undo back to r3÷2")
    assert slider.input_value() == "3"
    page.keyboard.press("Control+Shift+z")
    _wait(lambda: _rhythm(widget) == "2,2,1,1,2,2", 30, "redo to r5÷2")
    assert slider.input_value() == "5"

    # a named snapshot, recalled after the technique changed
    widget.locator("input.sk-preset-name").fill("five-two")
    widget.locator("button.sk-keep").click()
    widget.locator("select.sk-technique").select_option("fractioning")
    _wait(lambda: _rhythm(widget) != "2,2,1,1,2,2", 30, "fractioning 5÷2")
    widget.locator("select.sk-presets").select_option("five-two")
    _wait(lambda: _rhythm(widget) == "2,2,1,1,2,2", 30, "the snapshot recalled")
    out = run_cell(page, 1)
    _wait(lambda: "STATE" in (out.text_content() or ""), 30, "the STATE line")
    assert "STATE 5 2 interference ['five-two']" in (out.text_content() or "")

    # copy as code: a new cell right below the widget's, which runs and rebuilds the rhythm
    cells = page.locator(".jp-Notebook:visible .jp-Cell")
    before = cells.count()
    widget.locator("button.sk-copy-code").click()
    _wait(lambda: cells.count() == before + 1, 10, "the inserted cell")
    code = cells.nth(1).locator(".jp-InputArea-editor").text_content() or ""
    assert "sk.rhythm.interference(5, 2)" in code, code
    run_cell(page, 1)
    page.keyboard.press("Escape")
    page.keyboard.press("Control+s")

    # saved with the notebook: the explorer's state, its graph and its snapshot
    def saved_state() -> dict[str, Any]:
        try:
            nb = json.loads(path.read_text())
        except ValueError:  # read while the server writes it: not saved yet
            return {}
        return nb.get("metadata", {}).get("widgets", {}).get(
            "application/vnd.jupyter.widget-state+json", {}).get("state", {})

    _wait(lambda: any("presets" in m.get("state", {}) for m in saved_state().values()), 20,
          "the widget state in the saved notebook")
    state = next(m["state"] for m in saved_state().values() if "presets" in m["state"])
    assert state["a"] == 5 and "five-two" in state["presets"] and "sk-graph" in state["_svg"]
    size = path.stat().st_size
    (artifacts / "survives_notebook_size.txt").write_text(f"{size} bytes\n")

    # its kernel gone, the notebook opened again: a new kernel never saw the widget, so what
    # shows is the state saved in the file (before: "Error displaying widget: model not found")
    _delete_sessions(lab_server)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        pg = context.new_page()
        errors: list[str] = []
        pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        pg.goto(lab_server.url_for("lab/workspaces/reopen/tree/survives.ipynb?reset"))
        reopened = pg.locator(".sk-rhythm-explorer")
        reopened.wait_for(timeout=60_000)
        pg.wait_for_function("document.querySelector('.sk-rhythm-explorer svg.sk-graph')",
                             timeout=30_000)
        assert reopened.locator(".sk-summary").get_attribute("data-rhythm") == "2,2,1,1,2,2"
        assert reopened.locator("select.sk-presets option[value='five-two']").count() == 1
        body = pg.locator(".jp-Notebook").text_content() or ""
        assert "model not found" not in body and "Error displaying widget" not in body
        reopened.screenshot(path=str(artifacts / "survives_reopened.png"))
        assert not [e for e in errors if "widget" in e.lower() or "schillinger" in e.lower()], \
            errors
    finally:
        context.close()

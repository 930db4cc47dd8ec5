"""Widgets after a kernel restart, in JupyterLab and Chromium.

A restart leaves every widget view drawing its last state while nothing it sends reaches a
kernel (before: it looked live, sliders moved, nothing answered). Now each view says it is
stale and offers "Run the cell again"; one click re-runs its cell, and the new view is live on
the new kernel (a slider move is answered), while a widget whose cell was not re-run still
says it is stale.
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
    "first = RhythmExplorer(a=3, b=2)\n"
    "first",
    "second = RhythmExplorer(a=4, b=3)\n"
    "second",
]
STALE = "Not connected to a kernel"


def _rhythm(widget: Any) -> str:
    return widget.locator(".sk-summary").get_attribute("data-rhythm") or ""


def _stale(widget: Any) -> bool:
    return widget.get_attribute("data-sk-stale") == "1" and widget.locator(
        ".sk-stale").is_visible()


def _restart_kernel(page: Any) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text="Kernel").click()
    page.locator(".lm-Menu-itemLabel", has_text="Restart Kernel…").first.click()
    page.locator(".jp-Dialog .jp-Dialog-button.jp-mod-accept").click()


def test_views_say_they_are_stale_and_rerun_reattaches(
        page: Any, write_notebook: Callable[..., Path], open_notebook: Callable[..., None],
        run_cell: Callable[..., Any], artifacts: Path) -> None:
    write_notebook("reconnect.ipynb", CELLS)
    open_notebook(page, "reconnect.ipynb")
    run_cell(page, 0)
    run_cell(page, 1)
    cells = page.locator(".jp-Notebook:visible .jp-Cell")
    first, second = (cells.nth(i).locator(".sk-rhythm-explorer") for i in (0, 1))
    _wait(lambda: _rhythm(first) == "2,1,1,2", 60, "r3÷2 in the first explorer")
    _wait(lambda: _rhythm(second) == "3,1,2,2,1,3", 60, "r4÷3 in the second explorer")
    assert not _stale(first) and not _stale(second)

    _restart_kernel(page)
    try:
        _wait(lambda: _stale(first) and _stale(second), 60, "both views marked stale")
    finally:
        second.screenshot(path=str(artifacts / "reconnect_stale.png"))
    assert STALE in (first.locator(".sk-stale").text_content() or "")
    # the last state stays on show: a stale view is still a picture of what was there
    assert _rhythm(first) == "2,1,1,2"
    page.wait_for_function(
        "() => [...document.querySelectorAll('.jp-StatusBar-TextItem')].some(e =>"
        " /\\|\\s*Idle\\s*$/.test(e.textContent))", timeout=90_000)

    # one click re-runs the first cell: a new view of the new kernel's model replaces it
    first.locator("button.sk-rerun").click()
    fresh = cells.nth(0).locator(".sk-rhythm-explorer")
    _wait(lambda: fresh.count() == 1 and fresh.get_attribute("data-sk-stale") == "0"
          and _rhythm(fresh) == "2,1,1,2", 90, "the re-run cell's live explorer")
    assert not fresh.locator(".sk-stale").is_visible()
    prompt = cells.nth(0).locator(".jp-InputPrompt").text_content() or ""
    assert "1" in prompt, f"the cell ran first on the new kernel: {prompt!r}"

    # live: the new kernel answers a slider move (r5÷2 computed there)
    slider = fresh.locator("input.sk-gen-a")
    slider.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    _wait(lambda: _rhythm(fresh) == "2,2,1,1,2,2", 30, "r5÷2 from the new kernel")
    # the cell not re-run still says so
    assert _stale(second)
    page.screenshot(path=str(artifacts / "reconnect_rerun.png"))
    ours = [e for e in page.console_errors if "schillinger" in e.lower()]
    assert not ours, ours


def _saved_models(path: Path) -> dict[str, Any]:
    try:
        nb = json.loads(path.read_text())
    except ValueError:  # read while the server writes it
        return {}
    return dict(nb.get("metadata", {}).get("widgets", {}).get(
        "application/vnd.jupyter.widget-state+json", {}).get("state", {}))


def test_reopened_notebook_says_stale_then_comes_back_live(
        page: Any, browser: Any, lab_server: Any, write_notebook: Callable[..., Path],
        open_notebook: Callable[..., None], run_cell: Callable[..., Any],
        artifacts: Path) -> None:
    path = write_notebook("reopen_live.ipynb", CELLS[:1])
    open_notebook(page, "reopen_live.ipynb")
    run_cell(page, 0)
    widget = page.locator(".sk-rhythm-explorer")
    _wait(lambda: _rhythm(widget) == "2,1,1,2", 60, "r3÷2")
    page.keyboard.press("Escape")
    page.keyboard.press("Control+s")
    _wait(lambda: any("_svg" in m.get("state", {}) for m in _saved_models(path).values()), 30,
          "the widget state saved with the notebook")
    for s in lab_server.api("sessions"):  # its kernel gone
        req = urllib.request.Request(f"{lab_server.url}api/sessions/{s['id']}",
                                     method="DELETE",
                                     headers={"Authorization": f"token {lab_server.token}"})
        urllib.request.urlopen(req, timeout=20).close()

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        pg = context.new_page()
        errors: list[str] = []
        pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        pg.goto(lab_server.url_for("lab/workspaces/reopen-live/tree/reopen_live.ipynb?reset"))
        saved = pg.locator(".sk-rhythm-explorer")
        saved.wait_for(timeout=90_000)
        # the saved state is drawn, and says it is only a picture
        _wait(lambda: _stale(saved) and _rhythm(saved) == "2,1,1,2", 60,
              "the saved view marked stale")
        saved.screenshot(path=str(artifacts / "reconnect_reopened_stale.png"))
        pg.wait_for_function(
            "() => [...document.querySelectorAll('.jp-StatusBar-TextItem')].some(e =>"
            " /\\|\\s*Idle\\s*$/.test(e.textContent))", timeout=90_000)
        saved.locator("button.sk-rerun").click()
        live = pg.locator(".jp-Notebook:visible .jp-Cell").nth(0).locator(".sk-rhythm-explorer")
        _wait(lambda: live.count() == 1 and live.get_attribute("data-sk-stale") == "0"
              and _rhythm(live) == "2,1,1,2", 90, "the cell run again, its view live")
        slider = live.locator("input.sk-gen-b")
        slider.focus()
        pg.keyboard.press("ArrowRight")
        _wait(lambda: _rhythm(live) == "3,3,3", 30, "r3÷3 from the new kernel")
        assert not [e for e in errors if "schillinger" in e.lower()], errors
    finally:
        context.close()

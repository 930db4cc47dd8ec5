"""The workbench's "Insert … explorer" commands never break a tutorial: in JupyterLab and
Chromium, each tutorial gets a rhythm and a harmony explorer from the Schillinger menu right
below its first cell (where the tutorials import ``rhythm`` and ``harmony``), then Run All runs
it top to bottom with no error output. Before the fix, ``rhythm = RhythmExplorer()`` replaced
the module and the next cell failed with ``AttributeError``.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers import wait_until as _wait

REPO = Path(__file__).resolve().parents[2]
TUTORIALS = sorted((REPO / "notebooks").glob("*.ipynb"))
SNIPPETS = json.loads((REPO / "extension" / "src" / "snippets.json").read_text())
# JupyterLab draws an error as text on stderr (the same mime type as a warning's), so the
# page tells an error by its traceback and the saved notebook says which outputs are errors
STDERR = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
RUN_ALL_TIMEOUT = 600.0


def _menu(page: Any, menu: str, item: str) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=menu).click()
    page.locator(".lm-Menu-itemLabel", has_text=item).first.click()


def _prompts(page: Any) -> list[str]:
    return [(t or "").strip() for t in page.locator(
        ".jp-Notebook:visible .jp-CodeCell .jp-InputPrompt").all_text_contents()]


def _inserted(page: Any, kind: str) -> str:
    """The source of the active cell once the command has put an explorer of ``kind`` there."""
    active = page.locator(".jp-Notebook:visible .jp-Cell.jp-mod-active .jp-InputArea-editor")
    cls = "RhythmExplorer()" if kind == "rhythm" else "HarmonyExplorer()"
    # the command asks the kernel for the names in use before it inserts: slow on a busy box
    return str(_wait(lambda: (t := active.text_content() or "") and cls in t and t, 90,
                     f"the inserted {kind} explorer cell"))


def _error_outputs(page: Any) -> Any:
    return page.locator(STDERR, has_text="Traceback (most recent call last)")


def _errors_shown(page: Any) -> int:
    return int(_error_outputs(page).count())


def _saved_run(path: Path) -> dict[str, list[dict[str, Any]]] | None:
    """``{"errors": [...]}``, the error outputs of the notebook at ``path``, once it is saved
    with every code cell run (or with an error, after which Run All stops); None until then."""
    try:
        cells = [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]
    except (OSError, ValueError, KeyError):  # read while the server writes it
        return None
    errors = [o for c in cells for o in c.get("outputs", []) if o["output_type"] == "error"]
    if errors or all(c.get("execution_count") for c in cells):
        return {"errors": errors}
    return None


def test_snippets_are_the_commands_cells() -> None:
    """What this test inserts through the menu is what the extension ships."""
    for kind in ("rhythm", "harmony"):
        assert f"{kind}_explorer = " in SNIPPETS[kind]
        assert f"\n{kind} = " not in SNIPPETS[kind]


@pytest.mark.parametrize("tutorial", TUTORIALS, ids=[p.stem for p in TUTORIALS])
def test_insert_explorers_into_tutorial_then_run_all(
        tutorial: Path, page: Any, lab_server: Any, open_notebook: Callable[..., None],
        artifacts: Path) -> None:
    name = f"snippets_{tutorial.name}"
    shutil.copy(tutorial, lab_server.root / name)
    open_notebook(page, name)
    first = page.locator(".jp-Notebook:visible .jp-Cell").first
    first.locator(".jp-InputPrompt, .jp-InputArea-prompt").first.click()
    page.keyboard.press("Escape")

    _menu(page, "Schillinger", "Insert rhythm explorer")
    rhythm_cell = _inserted(page, "rhythm")
    _menu(page, "Schillinger", "Insert harmony explorer")
    harmony_cell = _inserted(page, "harmony")
    # the names bound must be fresh: never the tutorials' `rhythm` / `harmony` modules
    for cell, base in ((rhythm_cell, "rhythm"), (harmony_cell, "harmony")):
        assert f"{base}_explorer" in cell and f"\n{base} = " not in cell, cell
    page.locator(".jp-Notebook:visible .sk-rhythm-explorer").first.wait_for(timeout=90_000)

    _menu(page, "Run", "Run All Cells")

    def finished() -> bool:
        prompts = _prompts(page)
        if any("*" in p for p in prompts):
            return False
        # Run All stops at the first error and leaves the cells after it unnumbered
        return _errors_shown(page) > 0 or all(any(ch.isdigit() for ch in p) for p in prompts)

    try:
        _wait(finished, RUN_ALL_TIMEOUT, f"Run All of {tutorial.name}", interval=0.5)
    finally:
        page.screenshot(path=str(artifacts / f"snippets_{tutorial.stem}.png"))
    shown = _error_outputs(page).all_text_contents()
    assert not shown, f"{tutorial.name} with the inserted explorers: {shown[:2]}"
    page.keyboard.press("Escape")
    page.keyboard.press("Control+s")
    saved = _wait(lambda: _saved_run(lab_server.root / name), 60,
                  f"{name} saved after Run All")
    assert saved["errors"] == [], [(o["ename"], o["evalue"]) for o in saved["errors"]]
    ours = [e for e in page.console_errors if "schillinger" in e.lower()
            or "widget" in e.lower()]
    assert not ours, ours


def test_an_error_output_is_seen(page: Any, lab_server: Any,
                                 write_notebook: Callable[..., Any],
                                 open_notebook: Callable[..., None],
                                 run_cell: Callable[..., Any]) -> None:
    """The check above would pass on nothing if JupyterLab drew errors differently."""
    write_notebook("snippets_error.ipynb", ["rhythm = object()\nrhythm.interference(3, 2)"])
    open_notebook(page, "snippets_error.ipynb")
    run_cell(page, 0)
    _wait(lambda: _errors_shown(page) == 1, 30, "the error output")
    assert "AttributeError" in (_error_outputs(page).text_content() or "")
    path = lab_server.root / "snippets_error.ipynb"
    page.keyboard.press("Escape")
    page.keyboard.press("Control+s")
    saved = _wait(lambda: _saved_run(path), 30, "the notebook saved after its run")
    assert [o["ename"] for o in saved["errors"]] == ["AttributeError"]

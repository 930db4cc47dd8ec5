"""The widgets in Notebook 7's own page (``/notebooks/<name>``), in Debian's Chromium.

The same Jupyter server that serves JupyterLab serves Notebook 7's page (the ``notebook``
package is installed). The notebook displays ``RhythmExplorer(a=3, b=2)`` and a ``PianoRoll``
of a small score; the cells run from the keyboard in the Notebook 7 UI. The test checks that
the page is Notebook 7's (not the lab shell), that the Schillinger graph is drawn with the
resultant's 4 bars, that moving the ``a`` slider to 5 redraws it and makes the kernel's
``ex.rhythm`` equal ``interference(5, 2)``, and that the piano roll draws every note and its
playhead moves when playing. Screenshot: ``test-artifacts/notebook7_rhythm_explorer.png``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from helpers import wait_until as _wait

CELLS = [
    "from schillinger_kernel.widgets import RhythmExplorer, PianoRoll\n"
    "import schillinger_kernel as sk\n"
    "ex = RhythmExplorer(a=3, b=2)\n"
    "ex",
    "print('RHYTHM', list(ex.rhythm), ex.rhythm == sk.rhythm.interference(5, 2), ex.a)",
    "small = sk.rhythm.interference(3, 2).to_score(pitch=60, repeat=2)\n"
    "roll = PianoRoll(small, zoom=120)\n"
    "roll",
]

R_BARS = ".sk-rhythm-explorer .sk-graph svg path.sk-bar[data-row='r']"


def test_widgets_in_notebook7(page: Any, write_notebook: Callable[..., Path],
                              open_notebook7: Callable[..., None],
                              run_cell: Callable[..., Any], artifacts: Path) -> None:
    write_notebook("nb7.ipynb", CELLS)
    open_notebook7(page, "nb7.ipynb")
    # Notebook 7's single-document page, not the lab shell
    assert page.locator("body[data-notebook='notebooks']").count() == 1
    assert page.locator("#jp-main-dock-panel .lm-DockPanel-tabBar:visible").count() == 0

    run_cell(page, 0)
    widget = page.locator(".sk-rhythm-explorer")
    widget.wait_for(timeout=60_000)
    page.wait_for_function(f"document.querySelectorAll(\"{R_BARS}\").length > 0", timeout=30_000)
    assert page.locator(R_BARS).count() == 4
    assert [page.locator(R_BARS).nth(i).get_attribute("data-d") for i in range(4)] == \
        ["2", "1", "1", "2"]
    assert widget.locator(".sk-summary").get_attribute("data-rhythm") == "2,1,1,2"
    widget.screenshot(path=str(artifacts / "notebook7_rhythm_explorer.png"))

    # a 3 -> 5 from the keyboard; Notebook 7's command-mode shortcuts must not eat the arrows
    slider = widget.locator("input.sk-gen-a")
    slider.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert slider.input_value() == "5"
    assert page.locator(R_BARS).count() == 6
    _wait(lambda: widget.locator(".sk-summary").get_attribute("data-rhythm") == "2,2,1,1,2,2",
          30, "the kernel's new rhythm to come back to the view")
    out = run_cell(page, 1)
    _wait(lambda: "RHYTHM" in (out.text_content() or ""), 30, "the RHYTHM line")
    assert "RHYTHM [2, 2, 1, 1, 2, 2] True 5" in (out.text_content() or "")

    # PianoRoll of r3÷2 twice: 8 notes drawn; playing moves the playhead
    run_cell(page, 2)
    roll = page.locator(".sk-pianoroll")
    roll.wait_for(timeout=60_000)
    canvas = roll.locator("canvas.sk-roll")
    _wait(lambda: canvas.get_attribute("data-notes") == "8", 20, "the roll's 8 notes")
    roll.locator("button.sk-play").click()
    head = roll.locator(".sk-playhead")
    x1 = float(_wait(lambda: head.get_attribute("data-x"), 10, "the playhead"))
    _wait(lambda: float(head.get_attribute("data-x") or x1) > x1 + 5, 10, "the playhead to move")
    roll.locator("button.sk-play").click()  # stop
    assert not [e for e in page.console_errors if "schillinger" in e.lower()], \
        page.console_errors


COMMAND_CELLS = [
    "import schillinger_kernel as sk\n"
    "song = sk.rhythm.interference(3, 2).to_score(pitch=60, repeat=2)",
]


# Notebook 7 (7.x with JupyterLab 4.x) itself logs this on opening any notebook, with the
# workbench's extension disabled too (checked with page_config `disabledExtensions`): its
# shortcuts plugin reads the schema of a settings plugin it does not have.
NOTEBOOK7_OWN_ERRORS = ("Cannot read properties of undefined (reading 'schema')",)


def _ours(errors: list[str]) -> list[str]:
    return [e for e in errors if e not in NOTEBOOK7_OWN_ERRORS]


def _menu(page: Any, item: str) -> None:
    """Schillinger > ``item`` from Notebook 7's menu bar."""
    page.locator(".lm-MenuBar-itemLabel", has_text="Schillinger").click()
    page.locator(".lm-Menu-itemLabel", has_text=item).first.click()


def test_commands_in_notebook7(page: Any, write_notebook: Callable[..., Path],
                               open_notebook7: Callable[..., None],
                               run_cell: Callable[..., Any], lab_server: Any,
                               artifacts: Path) -> None:
    """Every Schillinger command in Notebook 7: insert (it runs), export, DAW help; and not
    one console error on the page, ours or another's caused by ours."""
    write_notebook("nb7_commands.ipynb", COMMAND_CELLS)
    open_notebook7(page, "nb7_commands.ipynb")
    run_cell(page, 0)

    assert not _ours(page.console_errors), page.console_errors
    _menu(page, "Insert rhythm explorer")
    page.locator(".sk-rhythm-explorer").wait_for(timeout=60_000)
    assert not _ours(page.console_errors), ("insert", page.console_errors)

    _menu(page, "Export current score")
    dialog = page.locator(".jp-Dialog")
    dialog.wait_for(timeout=10_000)
    dialog.locator("input[aria-label='Score variable']").fill("song")
    dialog.locator("input[aria-label='File path']").fill("nb7_song.mid")
    dialog.locator(".jp-mod-accept").click()
    _wait(lambda: (lab_server.root / "nb7_song.mid").is_file(), 30, "nb7_song.mid written")
    assert not _ours(page.console_errors), ("export", page.console_errors)

    _menu(page, "Open DAW bridge help")
    help_ = page.locator(".jp-Dialog .sk-help")
    help_.wait_for(timeout=10_000)
    _wait(lambda: "ws://" in (help_.locator("[data-sk='help-ws']").text_content() or ""), 10,
          "the WebSocket's ws:// address")
    page.screenshot(path=str(artifacts / "notebook7_daw_help.png"))
    page.locator(".jp-Dialog .jp-mod-accept").click()
    assert not _ours(page.console_errors), ("help", page.console_errors)

    # a new Schillinger notebook opens in a page of its own, as Notebook 7 opens documents
    with page.context.expect_page(timeout=30_000) as opened:
        _menu(page, "New Schillinger notebook")
    new = opened.value
    new.wait_for_url("**/notebooks/Schillinger*.ipynb*", timeout=30_000)
    new.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    assert (lab_server.root / "Schillinger.ipynb").is_file()
    assert not _ours(page.console_errors), ("new notebook", page.console_errors)

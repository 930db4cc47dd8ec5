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

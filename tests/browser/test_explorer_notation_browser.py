"""The explorers' notation panes in a real JupyterLab, in Debian's Chromium.

The notebook shows ``RhythmExplorer(a=3, b=2)`` and ``HarmonyExplorer(length=4)``. In the
rhythm explorer the test sees r3÷2 engraved (4 notes on the pane), moves the ``a`` slider to 5
from the keyboard and sees the pane redrawn with the 6 notes of r5÷2; it unticks "notation"
(the pane hides, the kernel hears it and drops the SVG) and ticks it again. In the harmony
explorer it sees 4 chord symbols over the grand staff, moves the length slider to 6 and sees
6. Screenshots go to ``test-artifacts/explorer_notation_<step>.png``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from helpers import wait_until as _wait

CELLS = [
    "from schillinger_kernel.widgets import HarmonyExplorer, RhythmExplorer\n"
    "ex = RhythmExplorer(a=3, b=2)\n"
    "ex",
    "print('PANE', ex.notation, len(ex._notation), list(ex.rhythm))",
    "h = HarmonyExplorer(key='C major', cycle='C3', structure='S7', length=4)\n"
    "h",
]


def test_notation_panes_follow_the_controls(page: Any, write_notebook: Callable[..., Path],
                                            open_notebook: Callable[..., None],
                                            run_cell: Callable[..., Any],
                                            artifacts: Path) -> None:
    write_notebook("explorer_notation.ipynb", CELLS)
    open_notebook(page, "explorer_notation.ipynb")
    run_cell(page, 0)
    widget = page.locator(".sk-rhythm-explorer")
    widget.wait_for(timeout=60_000)
    pane = widget.locator(".sk-notation-pane")
    _wait(lambda: pane.get_attribute("data-notes") == "4", 30, "r3÷2 engraved (4 notes)")
    assert widget.locator(".sk-notation-pane .sk-score-page svg g.note").count() == 4
    assert pane.is_visible()
    before = pane.inner_html()
    widget.screenshot(path=str(artifacts / "explorer_notation_rhythm_3.png"))

    # move the a slider 3 -> 5 as a user would: the kernel engraves r5÷2 = 2+2+1+1+2+2
    slider = widget.locator("input.sk-gen-a")
    slider.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert slider.input_value() == "5"
    _wait(lambda: pane.get_attribute("data-notes") == "6", 30, "r5÷2 engraved (6 notes)")
    assert pane.inner_html() != before
    _wait(lambda: "sk-stale" not in (pane.get_attribute("class") or ""), 30,
          "the pane no longer dimmed")
    widget.screenshot(path=str(artifacts / "explorer_notation_rhythm_5.png"))

    # the toggle: hidden in the view, and the kernel stops engraving and drops the pages
    toggle = widget.locator("input.sk-notation-toggle")
    assert toggle.is_checked()
    toggle.uncheck()
    _wait(lambda: not pane.is_visible(), 10, "the pane to hide")
    # the kernel drops the pages when it hears the toggle: then the cell below sees it
    _wait(lambda: pane.get_attribute("data-pages") == "0", 30, "the kernel to drop the pages")
    out = run_cell(page, 1)
    _wait(lambda: "PANE" in (out.text_content() or ""), 30, "the PANE line")
    assert "PANE False 0 [2, 2, 1, 1, 2, 2]" in (out.text_content() or "")
    toggle.check()
    _wait(lambda: pane.is_visible() and pane.get_attribute("data-notes") == "6", 30,
          "the pane back with r5÷2")

    # the harmony explorer: the progression on a grand staff with its chord symbols
    run_cell(page, 2)
    harmony = page.locator(".sk-harmony-explorer")
    harmony.wait_for(timeout=60_000)
    hpane = harmony.locator(".sk-notation-pane")
    harms = ".sk-notation-pane svg g.harm"
    def engraved(n: int) -> None:
        try:
            _wait(lambda: harmony.locator(harms).count() == n, 30, f"{n} chord symbols engraved")
        except AssertionError as e:  # say what the pane shows instead
            raise AssertionError(
                f"{e}: {harmony.locator(harms).count()} shown, length "
                f"{harmony.locator('input.sk-length').input_value()}, chips "
                f"{harmony.locator('.sk-chords').text_content()!r}, pane error "
                f"{harmony.locator('.sk-notation-error').text_content()!r}") from None

    engraved(4)
    first = hpane.inner_html()
    length = harmony.locator("input.sk-length")
    length.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert length.input_value() == "6"
    engraved(6)
    assert hpane.inner_html() != first
    harmony.screenshot(path=str(artifacts / "explorer_notation_harmony.png"))

"""The piano roll as an instrument, and every widget in light and dark themes, in Chromium.

Piano roll: the pitch ruler stays at the left edge when the roll is zoomed and scrolled, rows
grow with the zoom, hovering a note names it with its velocity, a click seeks there (the kernel
hears the position) and a drag selects a passage that then loops (the kernel hears ``loop``).

Themes: every widget is photographed in JupyterLab Light and JupyterLab Dark into
``test-artifacts/theme_<light|dark|high-contrast>_<widget>.png`` (JupyterLab Dark High
Contrast for the last); in the dark theme the graph's background,
the roll's canvas and the harmony circle must be dark, and the circle's arrows must stand out
from the background (contrast ratio at least 3:1, WCAG's figure for graphics).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import wait_until as _wait

CELLS = [
    "import schillinger_kernel as sk\n"
    "from schillinger_kernel.score import Score\n"
    "from schillinger_kernel.widgets import HarmonyExplorer, PianoRoll, Player, RhythmExplorer\n"
    "song = Score.from_durations((2, 1, 1, 2) * 4, (60, 64, 67, 72), accents=(0,),\n"
    "                            velocity=90, accent_velocity=120)\n"
    "roll = PianoRoll(song, zoom=60)\n"
    "roll",
    "RhythmExplorer(a=3, b=2)",
    "HarmonyExplorer(key='C major', cycle='C3', length=4)",
    "Player(song)",
    "from schillinger_kernel.widgets import ScoreView\nScoreView(song)",
    "print('ROLL', roll.loop, round(roll.position, 2))",
]

WIDGETS = ["sk-pianoroll", "sk-rhythm-explorer", "sk-harmony-explorer", "sk-player",
           "sk-scoreview"]

# relative luminance and contrast ratio of two CSS colours, computed by the browser
CONTRAST_JS = """([a, b]) => {
  const lum = (css) => {
    const c = document.createElement('canvas').getContext('2d');
    c.fillStyle = css; c.fillRect(0, 0, 1, 1);
    const [r, g, b] = c.getImageData(0, 0, 1, 1).data;
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}"""


def _theme(page: Any, name: str) -> None:
    """Pick a theme from the Settings menu, as a user would, and wait until it applies."""
    page.locator(".lm-MenuBar-itemLabel", has_text="Settings").click()
    page.locator(".lm-Menu-itemLabel", has_text="Theme").first.hover()
    page.locator(".lm-Menu-itemLabel", has_text=name).filter(
        has_not_text="High Contrast" if "High" not in name else "§").first.click()
    page.wait_for_function(f"document.body.dataset.jpThemeName === {name!r}", timeout=20_000)
    page.keyboard.press("Escape")


def _shoot(page: Any, artifacts: Path, mode: str) -> None:
    for cls in WIDGETS:
        w = page.locator(f".{cls}").first
        w.scroll_into_view_if_needed()
        w.screenshot(path=str(artifacts / f"theme_{mode}_{cls.removeprefix('sk-')}.png"))


@pytest.fixture
def light_theme_after(page: Any) -> Iterator[None]:
    """The theme is a user setting of the session's server: put Light back for later tests."""
    yield
    if page.evaluate("document.body.dataset.jpThemeName") not in (None, "JupyterLab Light"):
        _theme(page, "JupyterLab Light")


def _roll_pixel(page: Any, x: float, y: float) -> list[int]:
    return list(page.evaluate("""([x, y]) => {
        const c = document.querySelector('.sk-pianoroll canvas.sk-roll');
        const r = window.devicePixelRatio || 1;
        const px = c.getContext('2d').getImageData(Math.round(x * r), Math.round(y * r), 1, 1);
        return [...px.data];
    }""", [x, y]))


def test_pianoroll_and_themes(page: Any, write_notebook: Callable[..., Path],
                              open_notebook: Callable[..., None], run_cell: Callable[..., Any],
                              artifacts: Path, light_theme_after: Iterator[None]) -> None:
    write_notebook("roll_themes.ipynb", CELLS)
    open_notebook(page, "roll_themes.ipynb")
    for i in range(5):
        run_cell(page, i)
    for cls in WIDGETS:
        page.locator(f".{cls}").first.wait_for(timeout=60_000)
    roll = page.locator(".sk-pianoroll")
    canvas = roll.locator("canvas.sk-roll")
    _wait(lambda: canvas.get_attribute("data-notes") == "16", 20, "the roll's 16 notes")

    # rows grow with the zoom: 8 px at 60 px/s, 17 px at 240 px/s
    assert canvas.get_attribute("data-row") == "8"
    roll.locator("input.sk-zoom").evaluate(
        "e => { e.value = '240'; e.dispatchEvent(new Event('input', {bubbles: true})); }")
    _wait(lambda: canvas.get_attribute("data-row") == "17", 5, "taller rows at zoom 240")

    # scrolled right, the pitch ruler stays at the left edge of the view
    wrap = roll.locator(".sk-roll-wrap")
    wrap.evaluate("e => { e.scrollLeft = 400; }")
    _wait(lambda: wrap.evaluate("e => e.scrollLeft") > 300, 5, "the roll to scroll")
    ruler_x = roll.locator("canvas.sk-ruler").bounding_box()["x"]
    wrap_x = wrap.bounding_box()["x"]
    assert abs(ruler_x - wrap_x) <= 2, (ruler_x, wrap_x)
    wrap.evaluate("e => { e.scrollLeft = 0; }")

    # hover the first note (C4 at 0 s, accented: velocity 120): its name and velocity
    zoom, row = float(canvas.get_attribute("data-zoom")), float(canvas.get_attribute("data-row"))
    high = int(canvas.get_attribute("data-high"))

    def steady_box() -> dict[str, float]:
        """The canvas's box once it has stopped moving: running a cell can scroll the notebook,
        and a press computed from a box that then moves lands off the roll."""
        wrap.scroll_into_view_if_needed()
        last: list[Any] = [None]

        def settled() -> bool:
            box = canvas.bounding_box()
            same = box is not None and box == last[0]
            last[0] = box
            return same
        _wait(settled, 10, "the roll to stop moving")
        return last[0]

    def point(t: float, pitch: int, box: dict[str, float] | None = None) -> tuple[float, float]:
        box = box or steady_box()
        x, y = box["x"] + t * zoom, box["y"] + (high - pitch + 0.5) * row
        # the press must land on the roll itself, not on a cell or toolbar scrolled over it
        hit = page.evaluate("([x, y]) => { const e = document.elementFromPoint(x, y);"
                            " return e ? e.tagName + '.' + e.className : ''; }", [x, y])
        assert hit.startswith("CANVAS.sk-roll") or "sk-selection" in hit, (t, pitch, hit)
        return x, y

    page.mouse.move(*point(0.2, 60))
    tip = roll.locator(".sk-tip")
    _wait(tip.is_visible, 5, "the note's tooltip")
    assert "C4" in (tip.text_content() or "") and tip.get_attribute("data-velocity") == "120"
    page.mouse.move(*point(0.2, 61))  # no note there
    _wait(lambda: not tip.is_visible(), 5, "the tooltip to go")

    # a click seeks; the kernel hears the new position
    page.mouse.click(*point(1.0, 70))
    _wait(lambda: "0:01.0" in (roll.locator(".sk-time").text_content() or ""), 5,
          "the time to read 0:01.0 after a click at 1 s")
    out = run_cell(page, 5)
    _wait(lambda: "ROLL" in (out.text_content() or ""), 30, "the ROLL line")
    assert "ROLL False 1.0" in (out.text_content() or ""), out.text_content()

    # a drag selects 2 s .. 3 s: the selection shows, loop is on, playing stays inside it
    box = steady_box()  # one box for the whole gesture: no scrolling between press and release
    page.mouse.move(*point(2.0, 70, box))
    page.mouse.down()
    page.mouse.move(*point(2.5, 70, box), steps=4)
    page.mouse.move(*point(3.0, 70, box), steps=4)
    page.mouse.up()
    sel = roll.locator(".sk-selection")
    _wait(sel.is_visible, 5, "the selection after a drag from 2 s to 3 s")
    assert abs(float(sel.get_attribute("data-from")) - 2.0) < 0.02
    assert abs(float(sel.get_attribute("data-to")) - 3.0) < 0.02
    assert roll.locator("input.sk-loop").is_checked()
    roll.locator("button.sk-play").click()
    head = roll.locator(".sk-playhead")
    keys = 34  # the ruler's width: the playhead's x counts from the ruler's left edge
    seen: list[float] = []

    def wrapped() -> bool:  # the playhead gets near 3 s, then is back near 2 s
        x = float(head.get_attribute("data-x") or 0)
        seen.append(x)
        return max(seen) > keys + 2.8 * zoom and x < keys + 2.4 * zoom
    _wait(wrapped, 10, "the playhead to loop back inside the selection")
    assert min(seen) >= keys + 1.98 * zoom and max(seen) < keys + 3.05 * zoom, seen
    roll.locator("button.sk-play").click()
    out = run_cell(page, 5)
    _wait(lambda: "ROLL True" in (out.text_content() or ""), 30, "the kernel to hear loop")
    roll.locator("button.sk-clear-region").click()
    assert not sel.is_visible()

    # the player's instrument menu: the part plays (and is listed) as a flute
    player = page.locator(".sk-player")
    player.locator("select.sk-instrument").select_option("flute")
    _wait(lambda: "(flute)" in (player.locator(".sk-legend").text_content() or ""), 20,
          "the part re-voiced as a flute by the kernel")

    # light theme: photographs, a light canvas
    _shoot(page, artifacts, "light")
    assert sum(_roll_pixel(page, 5, 2)[:3]) > 600
    _theme(page, "JupyterLab Dark")
    _wait(lambda: roll.get_attribute("data-theme") == "dark", 10, "the roll to redraw dark")
    _shoot(page, artifacts, "dark")
    # dark: the roll, the graph's background and the circle are dark, the arrows stand out
    assert sum(_roll_pixel(page, 5, 2)[:3]) < 200
    graph_bg = page.locator(".sk-rhythm-explorer svg .sk-graph-bg").evaluate(
        "e => getComputedStyle(e).fill")
    assert page.evaluate(CONTRAST_JS, [graph_bg, "#000000"]) < 3, graph_bg
    hx = page.locator(".sk-harmony-explorer")
    step = hx.locator(".sk-circle .sk-step").first.evaluate("e => getComputedStyle(e).stroke")
    bg = hx.evaluate("e => getComputedStyle(document.body).getPropertyValue("
                     "'--jp-layout-color0').trim()")
    assert page.evaluate(CONTRAST_JS, [step, bg]) >= 3, (step, bg)
    label = hx.locator(".sk-circle .sk-node:not(.sk-used) text").first.evaluate(
        "e => getComputedStyle(e).fill")
    assert page.evaluate(CONTRAST_JS, [label, bg]) >= 4.5, (label, bg)
    # the engraving is black on paper: in a dark theme the page stays white, so notes read
    paper = page.locator(".sk-scoreview .sk-score-page").first.evaluate(
        "e => getComputedStyle(e).backgroundColor")
    assert page.evaluate(CONTRAST_JS, [paper, "#000000"]) >= 15, paper

    # high contrast: every widget photographed; the arrows at full strength, readable
    _theme(page, "JupyterLab Dark High Contrast")
    _wait(lambda: roll.get_attribute("data-theme") == "dark", 10, "the roll in high contrast")
    _shoot(page, artifacts, "high-contrast")
    step = hx.locator(".sk-circle .sk-step").first
    assert step.evaluate("e => getComputedStyle(e).opacity") == "1"
    bg = hx.evaluate("e => getComputedStyle(document.body).getPropertyValue("
                     "'--jp-layout-color0').trim()")
    assert page.evaluate(CONTRAST_JS, [step.evaluate("e => getComputedStyle(e).stroke"),
                                       bg]) >= 4.5
    assert not [e for e in page.console_errors if "schillinger" in e.lower()], \
        page.console_errors

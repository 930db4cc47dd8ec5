"""RhythmExplorer in a real JupyterLab, in Debian's Chromium: graph, slider, kernel, sound.

The notebook displays ``RhythmExplorer(a=3, b=2)``. The test checks that the Schillinger graph
is drawn with the resultant's 4 bars, moves the ``a`` slider to 5 from the keyboard (the graph
redraws from the look-ahead table at once) and asks the kernel whether ``ex.rhythm`` equals
``interference(5, 2)``; then clicks play and checks that the shared AudioContext is running,
that notes are scheduled on it, that the master bus carries signal and that the playhead
moves, and that the kernel hears ``playing`` and ``position`` back. A screenshot of the widget
goes to ``test-artifacts/rhythm_explorer.png``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

CELLS = [
    "from schillinger_kernel.widgets import RhythmExplorer\n"
    "import schillinger_kernel as sk\n"
    "ex = RhythmExplorer(a=3, b=2)\n"
    "ex",
    "print('RHYTHM', list(ex.rhythm), ex.rhythm == sk.rhythm.interference(5, 2), ex.a)",
    "print('TRANSPORT', ex.playing, ex.position > 0)",
]

R_BARS = ".sk-rhythm-explorer .sk-graph svg path.sk-bar[data-row='r']"

# RMS of the page's master bus over ~40 ms, read from the shared analyser node.
LEVEL_JS = """() => {
  const a = window.__schillingerAudio && window.__schillingerAudio.analyser;
  if (!a) return -1;
  const buf = new Float32Array(a.fftSize);
  a.getFloatTimeDomainData(buf);
  let s = 0;
  for (const v of buf) s += v * v;
  return Math.sqrt(s / buf.length);
}"""


def _wait(pred: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = pred()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


def test_rhythm_explorer_in_jupyterlab(page: Any, write_notebook: Callable[..., Path],
                                       open_notebook: Callable[..., None],
                                       run_cell: Callable[..., Any], artifacts: Path) -> None:
    write_notebook("explorer.ipynb", CELLS)
    open_notebook(page, "explorer.ipynb")
    run_cell(page, 0)
    widget = page.locator(".sk-rhythm-explorer")
    widget.wait_for(timeout=60_000)

    # the graph: unit, a, b, r, product rows; the resultant r3÷2 = 2+1+1+2 has 4 bars
    page.wait_for_function(f"document.querySelectorAll(\"{R_BARS}\").length > 0", timeout=30_000)
    assert page.locator(R_BARS).count() == 4
    assert [page.locator(R_BARS).nth(i).get_attribute("data-d") for i in range(4)] == \
        ["2", "1", "1", "2"]
    assert widget.locator(".sk-summary").get_attribute("data-rhythm") == "2,1,1,2"

    # move the a slider 3 -> 5 with the keyboard, as a user would
    slider = widget.locator("input.sk-gen-a")
    slider.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert slider.input_value() == "5"
    # redrawn at once from the kernel's look-ahead table: r5÷2 = 2+2+1+1+2+2
    assert page.locator(R_BARS).count() == 6
    _wait(lambda: widget.locator(".sk-summary").get_attribute("data-rhythm") == "2,2,1,1,2,2",
          30, "the kernel's new rhythm to come back to the view")
    out = run_cell(page, 1)
    _wait(lambda: "RHYTHM" in (out.text_content() or ""), 30, "the RHYTHM line")
    assert "RHYTHM [2, 2, 1, 1, 2, 2] True 5" in (out.text_content() or "")

    # play: one shared AudioContext, running, notes scheduled on its clock, signal, playhead
    widget.locator("button.sk-play").click()
    page.wait_for_function(
        "window.__schillingerAudio && window.__schillingerAudio.ctx"
        " && window.__schillingerAudio.ctx.state === 'running'", timeout=10_000)
    _wait(lambda: page.evaluate("window.__schillingerAudio.stats.scheduled") >= 3, 10,
          "notes scheduled on the audio clock")
    head = widget.locator(".sk-playhead")
    x1 = float(_wait(lambda: head.get_attribute("data-x"), 10, "the playhead"))
    levels = []
    for _ in range(25):  # about one second of the master bus
        levels.append(page.evaluate(LEVEL_JS))
        time.sleep(0.04)
    peak = max(levels)
    time.sleep(0.6)
    x2 = float(head.get_attribute("data-x") or "nan")
    assert x2 != x1, f"the playhead did not move ({x1} -> {x2})"
    state = page.evaluate("""() => { const s = window.__schillingerAudio;
        return {state: s.ctx.state, time: s.ctx.currentTime, scheduled: s.stats.scheduled,
                lastWhen: s.stats.lastWhen}; }""")
    assert state["scheduled"] >= 4 and state["lastWhen"] > 0 and state["time"] > 0
    assert peak > 0.005, f"no signal on the master bus (RMS {peak})"
    widget.screenshot(path=str(artifacts / "rhythm_explorer.png"))
    out = run_cell(page, 2)
    _wait(lambda: "TRANSPORT" in (out.text_content() or ""), 30, "the TRANSPORT line")
    assert "TRANSPORT True True" in (out.text_content() or "")
    widget.locator("button.sk-play").click()  # stop
    _wait(lambda: widget.locator(".sk-transport").get_attribute("data-playing") == "false", 5,
          "stop")
    assert len(page.evaluate("Object.keys(window).filter(k => k === '__schillingerAudio')")) == 1
    assert not [e for e in page.console_errors if "schillinger" in e.lower()], \
        page.console_errors

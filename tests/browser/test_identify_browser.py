"""RhythmIdentifier in a real JupyterLab, in Debian's Chromium: type, tap, read MIDI, hear.

The notebook displays ``RhythmIdentifier()``. The test types the tresillo as a grid and waits
for the kernel's answer (bar 1 of r8÷3 grouped by 8) in the list and on the grid; taps
r3÷2 on the pad (the page's clock is set for each tap, so no test waits between taps) and
checks the kernel quantized the taps to 2+1+1+2 and named r3÷2; names a MIDI file written
into the server's root and gets r4÷3; then plays the chosen match and checks the shared
AudioContext runs with notes scheduled and the kernel knows what is heard. A screenshot goes
to ``test-artifacts/identify.png``. A second notebook identifies the same typed pattern again
after a refusal cleared the list (by Enter and by the button), and reads one MIDI file name
twice with the file rewritten in between.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from helpers import wait_until as _wait

from schillinger_kernel import rhythm as R
from schillinger_kernel.io.midi import write_midi

CELLS = [
    "from schillinger_kernel.widgets import RhythmIdentifier\n"
    "w = RhythmIdentifier()\n"
    "w",
    "print('GIVEN', w.given, w.source, w.matches[0]['title'] if w.matches else None)",
    "print('HEARD', w.selected, w.score.parts[0].name, w.playing)",
]

FIRST = ".sk-identify li.sk-match .sk-match-title"


def _first_title(page: Any) -> str:
    loc = page.locator(FIRST)
    return (loc.first.text_content() or "") if loc.count() else ""


def test_identify_widget_in_jupyterlab(page: Any, lab_server: Any,
                                       write_notebook: Callable[..., Path],
                                       open_notebook: Callable[..., None],
                                       run_cell: Callable[..., Any], artifacts: Path) -> None:
    write_midi(R.interference(4, 3).to_score(pitch=38, repeat=2), lab_server.root / "conga.mid")
    write_notebook("identify.ipynb", CELLS)
    open_notebook(page, "identify.ipynb")
    run_cell(page, 0)
    widget = page.locator(".sk-identify")
    widget.wait_for(timeout=60_000)

    # typed: the tresillo as a grid of onsets
    box = widget.locator("input.sk-pattern")
    box.fill("x..x..x.")
    box.press("Enter")
    _wait(lambda: _first_title(page) == "bar 1 of r8÷3 grouped by 8", 30,
          "the kernel to name the tresillo")
    assert widget.locator(".sk-given").get_attribute("data-rhythm") == "3,3,2"
    assert widget.locator(".sk-id-given").get_attribute("data-rhythm") == "3,3,2"
    assert widget.locator(".sk-id-given .sk-on").count() == 3
    out = run_cell(page, 1)
    _wait(lambda: "GIVEN" in (out.text_content() or ""), 30, "the GIVEN line")
    assert "GIVEN [3, 3, 2] pattern bar 1 of r8÷3 grouped by 8" in (out.text_content() or "")

    # tapped: r3÷2 at 100 ms a unit, a little loose, closing on the next downbeat; the page's
    # clock is set before each tap so that the test itself never waits between taps
    page.evaluate("""() => { window.__realNow = performance.now.bind(performance);
        let t = 0; performance.now = () => t; window.__tapAt = (v) => { t = v; }; }""")
    pad = widget.locator("button.sk-tap")
    try:
        for ms in (1000, 1200, 1305, 1398, 1600):
            page.evaluate(f"window.__tapAt({ms})")
            pad.dispatch_event("pointerdown")
    finally:
        page.evaluate("() => { performance.now = window.__realNow; }")
    assert widget.locator(".sk-tap-count").text_content() == "5 taps"
    widget.locator("button.sk-tap-done").click()
    _wait(lambda: widget.locator(".sk-given").get_attribute("data-rhythm") == "2,1,1,2", 30,
          "the kernel to quantize the taps")
    _wait(lambda: _first_title(page) == "r3÷2", 30, "r3÷2 from the taps")
    assert (widget.locator(".sk-given").text_content() or "").startswith("tapped: 2+1+1+2")

    # a MIDI file inside the root (the notebook's folder)
    midi = widget.locator("input.sk-midi")
    midi.fill("conga.mid")
    midi.press("Enter")
    _wait(lambda: widget.locator(".sk-given").get_attribute("data-rhythm") == "3,1,2,2,1,3", 30,
          "the MIDI file's durations")
    _wait(lambda: _first_title(page) == "r4÷3", 30, "r4÷3 from the MIDI file")
    midi.fill("../conga.mid")
    midi.press("Enter")
    _wait(lambda: (widget.locator(".sk-error").text_content() or "").startswith("midi:"), 30,
          "the refusal of a path outside the root")
    assert widget.locator("li.sk-match").count() == 0
    midi.fill("conga.mid")
    midi.press("Enter")
    _wait(lambda: _first_title(page) == "r4÷3", 30, "r4÷3 again")

    # hear the match: one click selects it and plays it on the shared AudioContext
    widget.locator("li.sk-match button.sk-hear").first.click()
    _wait(lambda: "sk-selected" in (widget.locator("li.sk-match").first.get_attribute("class")
                                    or ""), 30, "the match to be selected")
    page.wait_for_function(
        "window.__schillingerAudio && window.__schillingerAudio.ctx"
        " && window.__schillingerAudio.ctx.state === 'running'", timeout=10_000)
    _wait(lambda: page.evaluate("window.__schillingerAudio.stats.scheduled") >= 3, 10,
          "notes scheduled on the audio clock")
    assert widget.locator(".sk-id-match").get_attribute("data-rhythm") == "3,1,2,2,1,3"
    widget.screenshot(path=str(artifacts / "identify.png"))
    out = run_cell(page, 2)
    _wait(lambda: "HEARD" in (out.text_content() or ""), 30, "the HEARD line")
    assert "HEARD 0 r4÷3 True" in (out.text_content() or "")
    widget.locator("button.sk-stop-all").click()
    _wait(lambda: widget.locator(".sk-transport").get_attribute("data-playing") == "false", 5,
          "stop all")
    assert not [e for e in page.console_errors if "schillinger" in e.lower()], \
        page.console_errors


def test_the_same_pattern_identifies_twice(page: Any, lab_server: Any,
                                           write_notebook: Callable[..., Path],
                                           open_notebook: Callable[..., None],
                                           run_cell: Callable[..., Any]) -> None:
    # Typing what the kernel already holds, or naming the same MIDI file again, must ask
    # again: after a refusal cleared the list, and after the file changed on disk.
    write_midi(R.interference(4, 3).to_score(pitch=38, repeat=2), lab_server.root / "twice.mid")
    write_notebook("identify_twice.ipynb", CELLS)
    open_notebook(page, "identify_twice.ipynb")
    run_cell(page, 0)
    widget = page.locator(".sk-identify")
    widget.wait_for(timeout=60_000)
    box = widget.locator("input.sk-pattern")
    midi = widget.locator("input.sk-midi")
    error = widget.locator(".sk-error")

    box.fill("x..x..x.")
    box.press("Enter")
    _wait(lambda: _first_title(page) == "bar 1 of r8÷3 grouped by 8", 30, "the tresillo")

    # a refusal clears the list but leaves the kernel's pattern as it was
    midi.fill("../twice.mid")
    midi.press("Enter")
    _wait(lambda: (error.text_content() or "").startswith("midi:"), 30, "the refusal")
    assert widget.locator("li.sk-match").count() == 0

    # the same text again, by Enter and then by the button: identified each time
    box.fill("x..x..x.")
    box.press("Enter")
    _wait(lambda: _first_title(page) == "bar 1 of r8÷3 grouped by 8", 30,
          "the tresillo identified a second time")
    assert (error.text_content() or "") == ""
    assert widget.locator(".sk-given").get_attribute("data-rhythm") == "3,3,2"
    midi.fill("../twice.mid")
    midi.press("Enter")
    _wait(lambda: widget.locator("li.sk-match").count() == 0, 30, "the refusal again")
    box.fill("x..x..x.")
    widget.locator("button.sk-identify-go").click()
    _wait(lambda: _first_title(page) == "bar 1 of r8÷3 grouped by 8", 30,
          "the tresillo identified a third time, by the button")
    out = run_cell(page, 1)
    _wait(lambda: "GIVEN" in (out.text_content() or ""), 30, "the GIVEN line")
    assert "GIVEN [3, 3, 2] pattern bar 1 of r8÷3 grouped by 8" in (out.text_content() or "")

    # one file name twice, the file rewritten in between: the new rhythm is read
    midi.fill("twice.mid")
    midi.press("Enter")
    _wait(lambda: _first_title(page) == "r4÷3", 30, "r4÷3 from the file")
    write_midi(R.interference(3, 2).to_score(pitch=38, repeat=4), lab_server.root / "twice.mid")
    midi.fill("twice.mid")
    midi.press("Enter")
    _wait(lambda: widget.locator(".sk-given").get_attribute("data-rhythm") == "2,1,1,2", 30,
          "the rewritten file read again")
    _wait(lambda: _first_title(page) == "r3÷2", 30, "r3÷2 from the rewritten file")
    assert not [e for e in page.console_errors if "schillinger" in e.lower()], \
        page.console_errors

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

from collections.abc import Callable
from pathlib import Path
from typing import Any

from helpers import wait_until as _wait

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
    # style.css arrives as anywidget's `_css`, not inside the bundle: it must still apply
    assert head.evaluate("e => getComputedStyle(e).position") == "absolute"
    x1 = float(_wait(lambda: head.get_attribute("data-x"), 10, "the playhead"))
    # signal on the master bus (RMS above -46 dBFS) and a playhead that moves: waited for
    _wait(lambda: page.evaluate(LEVEL_JS) > 0.005, 10, "signal on the master bus (RMS > 0.005)")
    _wait(lambda: float(head.get_attribute("data-x") or x1) != x1, 10,
          f"the playhead to move from {x1}")
    _wait(lambda: page.evaluate("window.__schillingerAudio.stats.scheduled") >= 4, 10,
          "a fourth note scheduled")
    state = page.evaluate("""() => { const s = window.__schillingerAudio;
        return {state: s.ctx.state, time: s.ctx.currentTime, scheduled: s.stats.scheduled,
                lastWhen: s.stats.lastWhen}; }""")
    assert state["scheduled"] >= 4 and state["lastWhen"] > 0 and state["time"] > 0
    widget.screenshot(path=str(artifacts / "rhythm_explorer.png"))
    out = run_cell(page, 2)
    _wait(lambda: "TRANSPORT" in (out.text_content() or ""), 30, "the TRANSPORT line")
    assert "TRANSPORT True True" in (out.text_content() or "")
    # Escape in the widget stops every widget of the page; Space plays again, "■ all" stops
    slider.focus()
    page.keyboard.press("Escape")
    _wait(lambda: widget.locator(".sk-transport").get_attribute("data-playing") == "false", 5,
          "Escape to stop all")
    page.keyboard.press("Space")
    _wait(lambda: widget.locator(".sk-transport").get_attribute("data-playing") == "true", 5,
          "Space to play")
    widget.locator("button.sk-stop-all").click()
    _wait(lambda: widget.locator(".sk-transport").get_attribute("data-playing") == "false", 5,
          "stop all")

    # ticking c starts at a musical value (5 for 5÷2 would clash: 3, coprime with both)
    widget.locator("input.sk-c-on").check()
    _wait(lambda: widget.locator(".sk-summary").text_content().startswith("r5÷2÷3 ="), 30,
          "r5÷2÷3 after ticking c")
    assert widget.locator("input.sk-gen-c").input_value() == "3"
    # every label of the drawn graph lies inside the drawing, measured by the browser itself
    page.wait_for_function("document.querySelector('.sk-rhythm-explorer svg text')")
    outside = page.evaluate("""() => {
        const svg = document.querySelector('.sk-rhythm-explorer svg');
        const vb = svg.viewBox.baseVal; const bad = [];
        for (const t of svg.querySelectorAll('text')) {
          const b = t.getBBox();
          if (b.x < 0 || b.y < 0 || b.x + b.width > vb.width + 0.5
              || b.y + b.height > vb.height + 0.5) bad.push([t.textContent, b.x, b.width]);
        }
        return bad; }""")
    assert not outside, outside
    widget.locator("select.sk-technique").select_option("power")
    _wait(lambda: widget.locator(".sk-summary").text_content().startswith("(5+2+3)²"), 30,
          "the power's title")
    assert "expanded" in (widget.locator(".sk-explain").text_content() or "")
    widget.screenshot(path=str(artifacts / "rhythm_explorer_power.png"))
    assert len(page.evaluate("Object.keys(window).filter(k => k === '__schillingerAudio')")) == 1
    assert not [e for e in page.console_errors if "schillinger" in e.lower()], \
        page.console_errors


OTHER_CELLS = [
    "import schillinger_kernel as sk\n"
    "from schillinger_kernel.widgets import HarmonyExplorer, PianoRoll\n"
    "hx = HarmonyExplorer(key='C major', cycle='C3', length=7)\n"
    "hx",
    "song = sk.harmony.cycle_progression('C major', 'C5', length=4).to_score()\n"
    "song = song.layer(sk.rhythm.interference(3, 2).to_score(pitch=48, repeat=4))\n"
    "roll = PianoRoll(song, zoom=80)\n"
    "roll",
    "player = song.play()\n"
    "player.render_audio(sample_rate=24000)\n"
    "player",
    "print('LOADED', player._pcm_loaded == player._pcm['id'], roll.playing, roll.position > 0)",
]


def test_harmony_pianoroll_and_player_with_kernel_audio(
        page: Any, write_notebook: Callable[..., Path], open_notebook: Callable[..., None],
        run_cell: Callable[..., Any], artifacts: Path) -> None:
    write_notebook("others.ipynb", OTHER_CELLS)
    open_notebook(page, "others.ipynb")
    # HarmonyExplorer: the C3 cycle as 7 chord symbols and a circle of the 7 roots
    run_cell(page, 0)
    hx = page.locator(".sk-harmony-explorer")
    hx.wait_for(timeout=60_000)
    _wait(lambda: hx.locator(".sk-chord").count() == 7, 20, "7 chord symbols")
    assert hx.locator(".sk-chord").first.text_content() == "Cmaj7"
    assert hx.locator(".sk-circle .sk-node").count() == 7
    assert hx.locator(".sk-circle .sk-step").count() == 6
    hx.locator("select.sk-cycle").select_option("C5")
    _wait(lambda: hx.locator(".sk-chord").nth(1).text_content() == "Fmaj7", 20,
          "the C5 progression from the kernel")
    hx.screenshot(path=str(artifacts / "harmony_explorer.png"))

    # PianoRoll: every note drawn; playing moves the playhead and reports back to the kernel
    run_cell(page, 1)
    roll = page.locator(".sk-pianoroll")
    roll.wait_for(timeout=60_000)
    canvas = roll.locator("canvas.sk-roll")
    import schillinger_kernel as sk  # the same score, built here, tells how many notes to expect

    song = sk.harmony.cycle_progression("C major", "C5", length=4).to_score()
    song = song.layer(sk.rhythm.interference(3, 2).to_score(pitch=48, repeat=4))
    _wait(lambda: canvas.get_attribute("data-notes") == str(len(song.notes)), 20,
          "the roll's notes")
    roll.locator("button.sk-play").click()
    head = roll.locator(".sk-playhead")
    x1 = float(_wait(lambda: head.get_attribute("data-x"), 10, "the playhead"))
    _wait(lambda: float(head.get_attribute("data-x") or x1) > x1 + 5, 10, "the playhead to move")
    roll.screenshot(path=str(artifacts / "pianoroll.png"))

    # Player with PCM rendered in the kernel: pulled in binary chunks, played as a buffer
    run_cell(page, 2)
    pl = page.locator(".sk-player")
    pl.wait_for(timeout=60_000)
    _wait(lambda: "rendered audio" in (pl.locator("h4").text_content() or ""), 30,
          "the kernel's PCM to arrive")
    before = page.evaluate("window.__schillingerAudio.stats.pcmStarted")
    pl.locator("button.sk-play").click()
    _wait(lambda: page.evaluate("window.__schillingerAudio.stats.pcmStarted") > before, 10,
          "the PCM buffer to start")
    out = run_cell(page, 3)
    _wait(lambda: "LOADED" in (out.text_content() or ""), 30, "the LOADED line")
    assert "LOADED True True True" in (out.text_content() or "")
    pl.screenshot(path=str(artifacts / "player.png"))

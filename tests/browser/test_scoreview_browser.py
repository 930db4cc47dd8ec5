"""ScoreView in a real JupyterLab, in Debian's Chromium: notes drawn, played, lit and followed.

The notebook shows ``sk.ScoreView`` of a 48-note line engraved on five short pages. The test
checks that the Verovio SVG is in the page with every note drawn, presses play and sees the
shared AudioContext schedule notes, the lit note (coloured red) move from note to note and
the view turn to page 2 by itself when the music gets there, while the kernel hears
``page``. Then it stops, turns to page 4 and clicks a note there: playback starts at that
note (every note lit afterwards starts at or after it, none from where it stopped). The
widget is photographed into ``test-artifacts/scoreview_<step>.png``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from helpers import wait_until as _wait

CELLS = [
    "import json\n"
    "import schillinger_kernel as sk\n"
    "song = sk.Score.from_durations((2, 1, 1, 2) * 12, (60, 62, 64, 65, 67, 69, 71, 72),\n"
    "                               tempo=120, title='Scale study')\n"
    "view = sk.ScoreView(song, width=600, height=200, scale=60)\n"
    "view",
    "print('VIEW', view.playing, view.page)\n"
    "print('MAP', json.dumps({i: [s, p] for i, s, p in zip(view._notemap['id'],\n"
    "      view._notemap['start'], view._notemap['page'])}))",
]

# the notes lit now, read in one go (a note sounds for a fraction of a second): id, the fill
# of its notehead, whether its page is the one shown
LIT_JS = """() => [...document.querySelectorAll('.sk-scoreview g.note.sk-sounding')].map((g) =>
  [g.id, getComputedStyle(g.querySelector('use')).fill, !g.closest('.sk-score-page').hidden])"""


def _sounding(sheet: Any) -> list[str]:
    return (sheet.get_attribute("data-sounding") or "").split()


def test_scoreview_plays_lights_follows_and_starts_at_a_clicked_note(
        page: Any, write_notebook: Callable[..., Path], open_notebook: Callable[..., None],
        run_cell: Callable[..., Any], artifacts: Path) -> None:
    write_notebook("scoreview.ipynb", CELLS)
    open_notebook(page, "scoreview.ipynb")
    run_cell(page, 0)
    widget = page.locator(".sk-scoreview")
    widget.wait_for(timeout=60_000)
    sheet = widget.locator(".sk-score")
    _wait(lambda: sheet.get_attribute("data-pages") == "5", 30, "the five engraved pages")

    # Verovio's SVG is in the page, every note drawn; page 1 shown, its noteheads have size
    assert sheet.get_attribute("data-notes") == "48"
    assert widget.locator(".sk-score-page svg g.note").count() == 48
    assert widget.locator(".sk-page-label").text_content() == "page 1 / 5"
    first_page = widget.locator(".sk-score-page[data-page='1']")
    assert first_page.is_visible() and not widget.locator(
        ".sk-score-page[data-page='2']").is_visible()
    head = first_page.locator("g.note use").first.bounding_box()
    assert head and head["width"] > 3 and head["height"] > 3, head
    widget.screenshot(path=str(artifacts / "scoreview_page1.png"))

    # play: notes scheduled on the shared clock, the lit note moves, the page turns by itself
    widget.locator("button.sk-play").click()
    _wait(lambda: page.evaluate("window.__schillingerAudio.ctx.state") == "running", 10,
          "the AudioContext to run")
    first = _wait(lambda: page.evaluate(LIT_JS), 10, "a note to light up")
    assert all(fill == "rgb(208, 52, 44)" and shown for _, fill, shown in first), first
    _wait(lambda: {i for i, _, _ in page.evaluate(LIT_JS) or first} != {i for i, _, _ in first},
          10, "the light to move on")
    _wait(lambda: page.evaluate("window.__schillingerAudio.stats.scheduled") >= 3, 10,
          "notes scheduled on the audio clock")
    _wait(lambda: sheet.get_attribute("data-page") != "1", 10, "the view to turn the page")
    shown = sheet.get_attribute("data-page")
    assert shown == "2", f"the view skipped to page {shown}"
    assert widget.locator(".sk-page-label").text_content() == "page 2 / 5"
    assert widget.locator(".sk-score-page[data-page='2']").is_visible()
    lit_on_2 = _wait(lambda: page.evaluate(LIT_JS), 10, "a note lit on page 2")
    assert all(on_shown_page for _, _, on_shown_page in lit_on_2), lit_on_2
    widget.screenshot(path=str(artifacts / "scoreview_following.png"))
    widget.locator("button.sk-play").click()  # stop
    _wait(lambda: widget.locator(".sk-transport").get_attribute("data-playing") == "false", 5,
          "the transport to stop")

    # the kernel heard the page turn; it knows each drawn note's start and page
    out = run_cell(page, 1)
    _wait(lambda: "MAP" in (out.text_content() or ""), 30, "the MAP line")
    text = out.text_content() or ""
    view = re.search(r"VIEW (\w+) (\d+)", text)
    assert view and int(view.group(2)) >= 2, text
    notes: dict[str, list[float]] = json.loads(text[text.index("MAP ") + 4:].strip())
    assert len(notes) == 48

    # page 4 by its button, then a click on its third note plays from that note
    next_page = widget.locator("button.sk-page-next")
    while sheet.get_attribute("data-page") != "4":
        next_page.click()
    page4 = widget.locator(".sk-score-page[data-page='4']")
    assert page4.is_visible()
    target = page4.locator("g.note").nth(2)
    target_id = target.get_attribute("id")
    assert notes[target_id][1] == 4
    start = notes[target_id][0]
    target.locator("use").first.click()
    _wait(lambda: widget.locator(".sk-transport").get_attribute("data-playing") == "true", 5,
          "the click to start playback")
    lit = _wait(lambda: _sounding(sheet), 10, "notes lit after the click")
    assert all(notes[i][0] >= start - 1e-6 for i in lit), (start, [notes[i] for i in lit])
    assert int(sheet.get_attribute("data-page") or 0) >= 4
    widget.screenshot(path=str(artifacts / "scoreview_clicked.png"))
    widget.locator("button.sk-play").click()
    assert not [e for e in page.console_errors if "schillinger" in e.lower()], \
        page.console_errors


NB7_CELLS = [
    "import schillinger_kernel as sk\n"
    "song = sk.Score.from_durations((2, 1, 1, 2) * 12, (60, 62, 64, 65, 67, 69, 71, 72),\n"
    "                               tempo=240, title='Scale study')\n"
    "view = sk.ScoreView(song, mode='scroll', width=600, height=200, scale=60)\n"
    "view",
]


def test_scoreview_scrolls_with_the_music_in_notebook7(
        page: Any, write_notebook: Callable[..., Path], open_notebook7: Callable[..., None],
        run_cell: Callable[..., Any], artifacts: Path) -> None:
    write_notebook("scoreview_nb7.ipynb", NB7_CELLS)
    open_notebook7(page, "scoreview_nb7.ipynb")
    assert page.locator("body[data-notebook='notebooks']").count() == 1
    run_cell(page, 0)
    widget = page.locator(".sk-scoreview")
    widget.wait_for(timeout=60_000)
    sheet = widget.locator(".sk-score.sk-score-scroll")
    _wait(lambda: sheet.get_attribute("data-pages") == "5", 30, "the five engraved pages")
    # every page shown, one under another, in a box shorter than they are
    assert widget.locator(".sk-score-page:visible").count() == 5
    assert sheet.evaluate("e => e.scrollHeight > e.clientHeight + 100")
    assert sheet.evaluate("e => e.scrollTop") == 0
    widget.locator("button.sk-play").click()
    first = _wait(lambda: _sounding(sheet), 10, "a note to light up")
    _wait(lambda: (_sounding(sheet) or first) != first, 10, "the light to move on")
    # the lit notes run below the box's edge: the box scrolls to keep them in sight
    _wait(lambda: sheet.evaluate("e => e.scrollTop") > 50, 15, "the box to scroll with the music")
    # the notes lit now, each inside the box or not, read in one go
    inside = _wait(lambda: page.evaluate("""() => {
      const box = document.querySelector('.sk-scoreview .sk-score').getBoundingClientRect();
      return [...document.querySelectorAll('.sk-scoreview g.note.sk-sounding')].map((g) => {
        const r = g.getBoundingClientRect();
        return r.top >= box.top - 1 && r.bottom <= box.bottom + 1;
      });
    }"""), 10, "a note lit after scrolling")
    assert all(inside), "a lit note is outside the scrolled box"
    widget.screenshot(path=str(artifacts / "scoreview_notebook7_scroll.png"))
    widget.locator("button.sk-play").click()
    assert not [e for e in page.console_errors if "schillinger" in e.lower()], \
        page.console_errors

"""The sidebar's transport drives the widgets of the notebook in front, in Debian's Chromium.

The notebook shows a ScoreView of a score titled 'Etude' and a RhythmExplorer. The sidebar
names both ("driving: 2 widgets in this notebook (...) — ScoreView 'Etude', Rhythm explorer
..."). Its Play starts the server clock and both widgets on one audio-clock instant (their
transports share one anchor), and ScoreView's lit notes and both time read-outs move; a tempo
typed in the sidebar becomes each widget's tempo (500, past their 400, is noted); Stop stops
them. A tempo of 5000 is refused by the server, and the sidebar shows the server's words while
the widgets keep their tempo.
A play and a stop sent to the server over REST (as a DAW or another browser would) start and
stop the widgets too, and a seek there moves the playing widgets: one transport. A seek while
stopped moves the stopped widgets' playheads (ScoreView lights the notes there and its time
read-out shows it), and the sidebar's Play starts them there. How long a
REST seek takes to move ScoreView's playhead is written to
``test-artifacts/transport_seek_latency.json`` (measured, not asserted). With a launcher in
front, the sidebar drives nothing, and says so. Screenshot: ``test-artifacts/transport_drives.png``.
"""

from __future__ import annotations

import json
import statistics
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from helpers import wait_until as _wait

PANEL = "#schillinger-workbench-panel"
PANEL_TAB = '.lm-TabBar-tab[data-id="schillinger-workbench-panel"]'

CELLS = [
    "import schillinger_kernel as sk\n"
    "song = sk.Score.from_durations((2, 1, 1, 2) * 12, (60, 62, 64, 65, 67, 69, 71, 72),\n"
    "                               tempo=120, title='Etude')\n"
    "view = sk.ScoreView(song, width=600, height=200, scale=60)\n"
    "view",
    "from schillinger_kernel.widgets import RhythmExplorer\n"
    "ex = RhythmExplorer(a=3, b=2)\n"
    "ex",
]

# the anchors (audio-clock start times) of the transports playing now, read from the page's one
# registry of widget transports (widgets/transport.ts)
ANCHORS_JS = """() => [...(globalThis.__schillingerTransports?.all ?? [])]
  .filter((t) => t.playing).map((t) => t.anchorCtx)"""


def _transport(server: Any, body: dict[str, Any] | None = None) -> Any:
    """GET the server's transport state, or POST a command to it."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"{server.url}schillinger/api/transport", data=data,
                                 headers={"Authorization": f"token {server.token}",
                                          "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        answer = json.loads(r.read())
    return answer.get("transport", answer)


# keep the anchor each playing transport takes on its next start (a seek restarts it there):
# read at that moment, since a widget may re-anchor later on its own (a PCM rendering arriving)
ARM_ANCHORS_JS = """() => {
  const g = globalThis;
  g.__skNextAnchors = [];
  for (const t of [...g.__schillingerTransports.all].filter((x) => x.playing)) {
    const off = t.on((ev) => {
      if (ev === 'play') { off(); g.__skNextAnchors.push(t.anchorCtx); }
    });
  }
}"""

# where ScoreView's transport now stands, in beats of its score: its anchor and its position
SCOREVIEW_JS = """() => {
  const t = [...(globalThis.__schillingerTransports?.all ?? [])]
    .find((x) => x.driven && x.driven.describe().kind === 'ScoreView');
  const beat = 60 / (t.data.tempo || 120);
  return [t.anchorPos / beat, t.position() / beat, t.data.tempo || 120];
}"""


# a seek sent by the page itself (token-authenticated, as a script would): the milliseconds
# from the request to ScoreView's transport jumping (its "play" event on the new anchor)
SEEK_LATENCY_JS = """async ([url, token, beats]) => {
  const t = [...globalThis.__schillingerTransports.all]
    .find((x) => x.driven && x.driven.describe().kind === 'ScoreView');
  const jumped = new Promise((resolve) => {
    const off = t.on((ev) => { if (ev === 'play') { off(); resolve(performance.now()); } });
  });
  const t0 = performance.now();
  const answer = fetch(url, { method: 'POST', body: JSON.stringify(
    { action: 'seek', position_beats: beats }), headers: {
    Authorization: `token ${token}`, 'Content-Type': 'application/json' } });
  const answered = answer.then(() => performance.now());
  const t1 = await jumped;
  return [t1 - t0, t.anchorPos * (t.data.tempo || 120) / 60, (await answered) - t0];
}"""


def _seconds(readout: str) -> float:
    """The position of a widget's time read-out "0:12.3 / 0:18.0", in seconds."""
    minutes, seconds = readout.split("/")[0].strip().split(":")
    return int(minutes) * 60 + float(seconds)


def _playing(widget: Any) -> str | None:
    return widget.locator(".sk-transport").get_attribute("data-playing")


def test_sidebar_transport_drives_the_notebooks_widgets(
        page: Any, lab_server: Any, write_notebook: Callable[..., Path],
        open_notebook: Callable[..., None], run_cell: Callable[..., Any],
        artifacts: Path) -> None:
    # the lab server is shared by the session: start from a stopped clock at 120 BPM
    _transport(lab_server, {"action": "stop"})
    _transport(lab_server, {"action": "tempo", "tempo": 120})
    write_notebook("transport_drives.ipynb", CELLS)
    open_notebook(page, "transport_drives.ipynb")
    run_cell(page, 0)
    run_cell(page, 1)
    score = page.locator(".sk-scoreview")
    rhythm = page.locator(".sk-rhythm-explorer")
    score.wait_for(timeout=60_000)
    rhythm.wait_for(timeout=60_000)
    _wait(lambda: score.locator(".sk-score").get_attribute("data-pages") == "5", 30,
          "the engraved pages")

    if not page.locator(PANEL).is_visible():
        page.locator(PANEL_TAB).click()
    panel = page.locator(PANEL)
    page.wait_for_selector(f'{PANEL}[data-sk-handshake="ok"]', timeout=20_000)
    driving = panel.locator('[data-sk="transport-driving"]')
    _wait(lambda: "2 widgets" in driving.inner_text(), 20, "the sidebar to name both widgets")
    text = driving.inner_text()
    assert text.startswith("driving: 2 widgets in this notebook (transport_drives.ipynb)"), text
    assert "ScoreView 'Etude'" in text and "Rhythm explorer" in text, text
    assert _playing(score) == "false" and _playing(rhythm) == "false"

    # Play in the sidebar: the clock and both widgets, on one audio-clock instant
    panel.locator('[data-sk="play"]').click()
    _wait(lambda: _playing(score) == "true" and _playing(rhythm) == "true", 10,
          "both widgets to play")
    assert _transport(lab_server)["playing"] is True
    anchors = page.evaluate(ANCHORS_JS)
    assert len(anchors) == 2 and anchors[0] == anchors[1], anchors
    _wait(lambda: page.evaluate("window.__schillingerAudio.ctx.state") == "running", 10,
          "the AudioContext to run")
    sheet = score.locator(".sk-score")
    first = _wait(lambda: sheet.get_attribute("data-sounding"), 10, "a note to light up")
    _wait(lambda: sheet.get_attribute("data-sounding") not in (None, "", first), 10,
          "the lit note to move on")
    def clocks() -> list[str]:
        return [w.locator(".sk-time").inner_text() for w in (score, rhythm)]

    before = clocks()
    _wait(lambda: all(a != b for a, b in zip(clocks(), before, strict=True)), 10,
          "both time read-outs to move")
    page.screenshot(path=str(artifacts / "transport_drives.png"))

    # a tempo typed in the sidebar is every widget's tempo
    tempo = panel.locator('[data-sk="tempo"]')
    tempo.fill("180")
    tempo.press("Enter")
    _wait(lambda: _transport(lab_server)["tempo"] == 180, 10, "the clock at 180 BPM")
    _wait(lambda: [w.locator("input.sk-tempo").input_value() for w in (score, rhythm)]
          == ["180", "180"], 10, "both widgets at 180 BPM")

    # Stop in the sidebar stops them
    panel.locator('[data-sk="stop"]').click()
    _wait(lambda: _playing(score) == "false" and _playing(rhythm) == "false", 10,
          "both widgets to stop")
    assert _transport(lab_server)["playing"] is False

    # a tempo the clock takes but the widgets cannot (their range is 20..400): they play at
    # 400, and the sidebar says so; back in range, the note goes
    note = panel.locator('[data-sk="transport-note"]')
    tempo.fill("500")
    tempo.press("Enter")
    _wait(lambda: "at 400 BPM" in note.inner_text(), 10, "the note on the widgets' limit")
    assert [w.locator("input.sk-tempo").input_value() for w in (score, rhythm)] \
        == ["400", "400"]
    tempo.fill("180")
    tempo.press("Enter")
    _wait(lambda: note.inner_text() == "" and _transport(lab_server)["tempo"] == 180, 10,
          "the clock back at 180 BPM, no note")

    # a tempo out of range: the server's refusal is shown, nothing changes
    tempo.fill("5000")
    tempo.press("Enter")
    error = panel.locator('[data-sk="transport-error"]')
    _wait(lambda: "5000" in error.inner_text(), 10, "the refusal in the sidebar")
    message = error.inner_text()
    assert message.startswith("Tempo 5000 refused: ") and "999" in message, message
    assert error.is_visible()
    assert _transport(lab_server)["tempo"] == 180
    _wait(lambda: tempo.input_value() == "180", 10, "the field back at the clock's tempo")
    assert [w.locator("input.sk-tempo").input_value() for w in (score, rhythm)] \
        == ["180", "180"]

    # the clock changed by someone else (a DAW over OSC, another browser): the widgets follow
    _transport(lab_server, {"action": "play"})
    _wait(lambda: _playing(score) == "true" and _playing(rhythm) == "true", 10,
          "the widgets to follow a play from elsewhere")

    # a seek there while playing: ScoreView's playhead jumps to the new time (beat 24 of the
    # clock: 12 s into the 120 BPM score), both widgets on one new anchor, still playing (the
    # 18 s score plays at 180 BPM now: 4 s are left)
    page.evaluate(ARM_ANCHORS_JS)
    _transport(lab_server, {"action": "seek", "position_beats": 24})
    # (the clock's state is read a few microseconds after the seek: 24.00001)
    _wait(lambda: abs(page.evaluate(SCOREVIEW_JS)[0] - 24.0) < 0.01, 10,
          "ScoreView to jump to beat 24")
    tempo_js = page.evaluate(SCOREVIEW_JS)[2]
    _wait(lambda: 24.0 <= _seconds(score.locator(".sk-time").inner_text()) * tempo_js / 60
          < 30.0, 10, "ScoreView's time read-out at beat 24")
    moved = _wait(lambda: (a := page.evaluate("globalThis.__skNextAnchors")) and len(a) == 2
                  and a, 10, "both widgets to restart at the seek")
    assert moved[0] == moved[1], moved
    assert _playing(score) == "true" and _playing(rhythm) == "true"
    # how long a seek over REST takes to move the playhead (ScoreView's transport)
    took, answered = [], []
    for i in range(12):
        beats = 8 if i % 2 == 0 else 24
        ms, landed, answer_ms = page.evaluate(SEEK_LATENCY_JS, [
            f"{lab_server.url}schillinger/api/transport", lab_server.token, beats])
        assert abs(landed - beats) < 0.01, (beats, landed)
        took.append(ms)
        answered.append(answer_ms)
    (artifacts / "transport_seek_latency.json").write_text(json.dumps({
        "what": "REST seek from the page to ScoreView's transport jumping",
        "seeks": len(took), "p50_ms": round(statistics.median(took), 2),
        "max_ms": round(max(took), 2), "all_ms": [round(t, 2) for t in took],
        "rest_answer_p50_ms": round(statistics.median(answered), 2)}, indent=1))
    _transport(lab_server, {"action": "stop"})
    _wait(lambda: _playing(score) == "false" and _playing(rhythm) == "false", 10,
          "the widgets to follow a stop from elsewhere")
    # the sidebar drives the notebook in front: with a launcher in front it drives nothing
    page.locator(".lm-DockPanel-tabBar .lm-TabBar-addButton").first.click()
    _wait(lambda: driving.inner_text().startswith("driving: no widgets in Launcher"), 10,
          "the sidebar to drive nothing behind a launcher")
    page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab",
                 has_text="transport_drives.ipynb").click()
    _wait(lambda: "2 widgets in this notebook" in driving.inner_text(), 10,
          "the sidebar to drive the notebook's widgets again")

    # the one failed request is the refused tempo, which the browser logs
    unexpected = [e for e in page.console_errors if "400 (Bad Request)" not in e]
    assert not unexpected, unexpected


# every driven transport of the page: its kind, where it rests or plays in beats of its own
# score, its time read-out's seconds, and whether it plays
TRANSPORTS_JS = """() => [...(globalThis.__schillingerTransports?.all ?? [])]
  .filter((t) => t.driven).map((t) => [t.driven.describe().kind,
    t.position() * (t.data.tempo || 120) / 60, t.position(), t.playing])"""


def test_a_seek_while_stopped_moves_the_widgets_playheads(
        page: Any, lab_server: Any, write_notebook: Callable[..., Path],
        open_notebook: Callable[..., None], run_cell: Callable[..., Any],
        artifacts: Path) -> None:
    _transport(lab_server, {"action": "stop"})
    _transport(lab_server, {"action": "tempo", "tempo": 120})
    _transport(lab_server, {"action": "seek", "position_beats": 0})
    write_notebook("transport_cue.ipynb", CELLS)
    open_notebook(page, "transport_cue.ipynb")
    run_cell(page, 0)
    run_cell(page, 1)
    score = page.locator(".sk-scoreview")
    rhythm = page.locator(".sk-rhythm-explorer")
    sheet = score.locator(".sk-score")
    _wait(lambda: sheet.get_attribute("data-pages") == "5", 60, "the engraved pages")
    rhythm.wait_for(timeout=60_000)
    if not page.locator(PANEL).is_visible():
        page.locator(PANEL_TAB).click()
    panel = page.locator(PANEL)
    page.wait_for_selector(f'{PANEL}[data-sk-handshake="ok"]', timeout=20_000)
    driving = panel.locator('[data-sk="transport-driving"]')
    _wait(lambda: "2 widgets" in driving.inner_text(), 20, "the sidebar to name both widgets")
    head = rhythm.locator(".sk-playhead")
    assert page.evaluate(TRANSPORTS_JS) and all(p == 0 for _, _, p, _ in
                                                page.evaluate(TRANSPORTS_JS))
    assert not sheet.get_attribute("data-sounding")

    def where() -> dict[str, tuple[float, float, bool]]:
        return {k: (b, s, on) for k, b, s, on in page.evaluate(TRANSPORTS_JS)}

    # stopped, sought over REST (as a DAW would) to beat 2: both rest there (1 s into the
    # 120 BPM score), ScoreView lights the notes at that beat, the explorer's playhead shows
    _transport(lab_server, {"action": "seek", "position_beats": 2})
    _wait(lambda: all(abs(b - 2) < 1e-6 for b, _, _ in where().values()), 10,
          "both widgets to rest at beat 2")
    assert set(where()) == {"ScoreView", "Rhythm explorer"}
    assert not any(on for _, _, on in where().values())
    _wait(lambda: sheet.get_attribute("data-sounding"), 10, "the notes at beat 2 lit")
    at_two = sheet.get_attribute("data-sounding")
    _wait(lambda: _seconds(score.locator(".sk-time").inner_text()) == 1.0, 10,
          "ScoreView's read-out at 1 s")
    _wait(lambda: head.is_visible() and float(head.get_attribute("data-x") or 0) > 0, 10,
          "the explorer's playhead shown past its start")
    x_two = float(head.get_attribute("data-x") or 0)

    # sought again, to beat 16 (8 s into the score)
    _transport(lab_server, {"action": "seek", "position_beats": 16})
    _wait(lambda: abs(where()["ScoreView"][0] - 16) < 1e-6, 10, "ScoreView at beat 16")
    _wait(lambda: sheet.get_attribute("data-sounding") not in (None, "", at_two), 10,
          "other notes lit at beat 16")
    _wait(lambda: _seconds(score.locator(".sk-time").inner_text()) == 8.0, 10,
          "ScoreView's read-out at 8 s")
    # the explorer loops its 3 beats: it rests where the loop is at beat 16, its beat 1
    _wait(lambda: abs(where()["Rhythm explorer"][0] - 1) < 1e-6, 10, "the explorer at beat 1")
    _wait(lambda: 0 < float(head.get_attribute("data-x") or 0) < x_two, 10,
          "the explorer's playhead back at its beat 1")
    assert _playing(score) == "false" and _playing(rhythm) == "false"
    page.screenshot(path=str(artifacts / "transport_seek_stopped.png"))

    # the sidebar's Play starts ScoreView where it rests: beat 16
    panel.locator('[data-sk="play"]').click()
    _wait(lambda: _playing(score) == "true", 10, "ScoreView to play")
    assert abs(page.evaluate(SCOREVIEW_JS)[0] - 16) < 0.01
    panel.locator('[data-sk="stop"]').click()
    _wait(lambda: _playing(score) == "false" and _playing(rhythm) == "false", 10,
          "both widgets to stop")
    assert not page.console_errors, page.console_errors

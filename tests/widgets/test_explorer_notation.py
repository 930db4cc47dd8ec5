"""The explorers' notation pane, kernel side: the engraved SVG follows the controls, shows
the right notes, hides and comes back with the toggle, and is debounced under an event loop.

The browser end (a control moved, the engraved pane redrawn) is
tests/browser/test_explorer_notation_browser.py.
"""

from __future__ import annotations

import asyncio
import re
import threading

import pytest

import schillinger_kernel as sk
from schillinger_kernel.widgets import HarmonyExplorer, RhythmExplorer
from schillinger_kernel.widgets._notation_pane import NotationPane

NOTE = re.compile(r'<g id="[^"]+" class="note"')


def _drawn(pages: list[str]) -> int:
    """Notes drawn, a note tied over a bar line counted once."""
    return sum(len(NOTE.findall(p)) - p.count('class="tie"') for p in pages)


def test_both_explorers_have_the_pane() -> None:
    assert issubclass(RhythmExplorer, NotationPane) and issubclass(HarmonyExplorer, NotationPane)


@pytest.mark.parametrize(("a", "b", "c"), [(3, 2, None), (5, 4, None), (7, 3, None),
                                           (5, 3, 2)])
def test_rhythm_pane_shows_one_note_per_attack(a: int, b: int, c: int | None) -> None:
    ex = RhythmExplorer(a=a, b=b, c=c)
    expected = sk.rhythm.interference(*(g for g in (a, b, c) if g is not None))
    assert ex.rhythm == expected and ex.notation_error == ""
    assert len(ex._notation) == 1 and ex._notation[0].startswith("<svg")
    assert _drawn(ex._notation) == sum(1 for d in expected if d > 0)


def test_rhythm_pane_follows_the_generators_and_the_technique() -> None:
    ex = RhythmExplorer(a=3, b=2)
    first = list(ex._notation)
    ex.a = 5
    assert ex._notation != first and _drawn(ex._notation) == len(sk.rhythm.interference(5, 2))
    fifth = list(ex._notation)
    ex.technique = "fractioning"
    assert ex._notation != fifth and _drawn(ex._notation) == sum(1 for d in ex.rhythm if d > 0)
    ex.rhythm = sk.Rhythm((1, 1, 2))  # a rhythm set from Python is engraved too
    assert _drawn(ex._notation) == 3
    before = list(ex._notation)
    ex.tempo = 90.0  # sound, not notation
    ex.instrument = "flute"
    assert ex._notation == before


def test_harmony_pane_shows_the_voiced_chords_and_their_symbols() -> None:
    h = HarmonyExplorer(key="C major", cycle="C3", structure="S7", length=4)
    page = "".join(h._notation)
    assert _drawn(h._notation) == sum(len(c.pitches) for c in h.progression.chords)
    assert page.count('class="harm"') == 4
    assert h.notation_error == ""
    assert 'class="staff"' in page and page.count('class="staff"') == 2 * page.count(
        'class="measure"')  # a grand staff: two staves in every bar
    before = list(h._notation)
    h.length = 6
    assert h._notation != before and "".join(h._notation).count('class="harm"') == 6
    assert _drawn(h._notation) == sum(len(c.pitches) for c in h.progression.chords)
    six = list(h._notation)
    h.cycle = "-C5"
    assert h._notation != six
    changed: list[object] = []
    h.observe(changed.append, "_notation")
    h.instrument = "vibraphone"  # the same chords: not engraved again
    assert changed == []
    assert ">90</tspan>" in "".join(h._notation)  # the explorer's tempo, marked
    h.tempo = 72.0  # the tempo mark follows
    assert len(changed) == 1 and ">72</tspan>" in "".join(h._notation)


def test_the_toggle_hides_the_pane_and_engraves_what_is_shown_when_back() -> None:
    ex = RhythmExplorer(a=3, b=2)
    ex.notation = False
    assert ex._notation == [] and ex.notation_error == ""
    ex.a = 7  # hidden: nothing is engraved
    assert ex._notation == []
    ex.notation = True
    assert _drawn(ex._notation) == len(sk.rhythm.interference(7, 2))
    h = HarmonyExplorer(length=3, notation=False)
    assert h._notation == []
    h.notation = True
    assert "".join(h._notation).count('class="harm"') == 3


def test_under_an_event_loop_a_burst_of_changes_is_engraved_once_at_its_end() -> None:
    """Changes that come while the last engraving is recent wait for the pause to pass, and
    are engraved together: the pane goes from the first value straight to the last."""

    async def burst() -> tuple[int, list[int]]:
        ex = RhythmExplorer(a=3, b=2)
        # a pause far longer than the burst takes, so every change in it waits
        ex.notation_debounce = 3.0
        engraved: list[int] = []
        done = asyncio.Event()
        loop = asyncio.get_running_loop()

        def seen(change: dict[str, list[str]]) -> None:  # on the notation engraver's thread
            engraved.append(_drawn(change["new"]))
            loop.call_soon_threadsafe(done.set)

        ex.observe(seen, "_notation")
        for a in (5, 6, 7, 9, 11):
            ex.a = a
        waiting = _drawn(ex._notation)
        await asyncio.wait_for(done.wait(), timeout=60)
        return waiting, engraved

    waiting, engraved = asyncio.run(burst())
    assert waiting == len(sk.rhythm.interference(3, 2))  # not yet: the pause had not passed
    assert engraved == [len(sk.rhythm.interference(11, 2))]  # five changes, one engraving


def test_a_change_handled_in_another_thread_is_engraved() -> None:
    """A kernel may handle a widget's messages in a subshell's thread (ipykernel 7 does so
    for JupyterLab): the engraving there must find Verovio's fonts as on the main thread."""
    ex = RhythmExplorer(a=3, b=2)
    worker = threading.Thread(target=lambda: setattr(ex, "a", 5))
    worker.start()
    worker.join()
    assert ex.notation_error == ""
    assert _drawn(ex._notation) == len(sk.rhythm.interference(5, 2))


def test_a_change_on_another_thread_is_engraved_while_the_first_thread_is_busy() -> None:
    """ipykernel 7 handles a widget's messages on the main thread or on a subshell's thread
    (each its own event loop): a change handled on one of them must be engraved even while
    the other is busy (running a cell), where an earlier change of the burst was handled."""
    started, release = threading.Event(), threading.Event()
    made: list[RhythmExplorer] = []

    async def main_thread() -> None:  # the kernel's main thread: a change, then a long cell
        ex = RhythmExplorer(a=3, b=2)
        ex.notation_debounce = 1.0
        made.append(ex)
        ex.a = 4  # within the pause after the first engraving: it waits
        started.set()
        release.wait(120)

    main = threading.Thread(target=asyncio.run, args=(main_thread(),))
    main.start()
    try:
        assert started.wait(60)
        ex = made[0]
        want = len(sk.rhythm.interference(5, 2))
        engraved = threading.Event()
        ex.observe(lambda ch: engraved.set() if _drawn(ch["new"]) == want else None, "_notation")

        async def subshell() -> None:  # the next change, handled on a subshell's own loop
            ex.a = 5

        asyncio.run(subshell())
        assert engraved.wait(60), f"r5÷2 not engraved while the main thread was busy: " \
                                  f"{_drawn(ex._notation)} notes shown"
        assert ex.notation_error == ""
    finally:
        release.set()
        main.join()

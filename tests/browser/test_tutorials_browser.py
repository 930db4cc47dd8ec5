"""The tutorials ship inside the lab extension and open from the launcher and the Schillinger
menu, as a copy in "Schillinger tutorials/" of the user's folder that is never overwritten.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from helpers import wait_until as _wait

REPO = Path(__file__).resolve().parents[2]
TUTORIALS = sorted((REPO / "notebooks").glob("*.ipynb"))


def _sources(nb: dict[str, Any]) -> list[str]:
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in nb["cells"]]


def _read(path: Path) -> dict[str, Any]:
    """The notebook at ``path`` once the server has finished writing it."""
    def parsed() -> dict[str, Any] | None:
        try:
            return dict(json.loads(path.read_text()))
        except (OSError, ValueError):
            return None
    return dict(_wait(parsed, 30, f"{path.name} written"))


def test_every_tutorial_is_in_the_built_extension() -> None:
    """What the wheel carries (share/jupyter/labextensions/...): each notebook, byte for byte."""
    static = REPO / "schillinger_kernel" / "labextension" / "static"
    assert static.is_dir(), "the lab extension is not built: run `npm run build`"
    shipped = {p.read_bytes() for p in static.glob("*.ipynb")}
    assert len(TUTORIALS) == 8
    for nb in TUTORIALS:
        assert nb.read_bytes() in shipped, \
            f"{nb.name} is not in the built extension as it is now: run `npm run build`"


def test_tutorials_open_from_launcher_and_menu(page: Any, lab_server: Any,
                                               artifacts: Path) -> None:
    page.goto(lab_server.url_for("lab?reset"), timeout=90_000)
    card = page.locator(".jp-LauncherCard", has_text="Book I: rhythm by interference")
    card.wait_for(timeout=90_000)
    assert page.locator(".jp-LauncherCard", has_text="Widgets: see and hear").count() == 1
    page.screenshot(path=str(artifacts / "tutorials_launcher.png"))
    card.click()
    copy = lab_server.root / "Schillinger tutorials" / "01_rhythm.ipynb"
    original = json.loads((REPO / "notebooks" / "01_rhythm.ipynb").read_text())
    assert _sources(_read(copy)) == _sources(original)
    page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text="01_rhythm.ipynb").wait_for(
        timeout=30_000)

    # the user's own edits: opening the tutorial again opens their copy, unchanged
    mine = _read(copy)
    mine["cells"].insert(0, {"cell_type": "markdown", "id": "mine", "metadata": {},
                             "source": ["my notes"]})
    copy.write_text(json.dumps(mine))
    page.locator(".lm-MenuBar-itemLabel", has_text="Schillinger").click()
    page.locator(".lm-Menu-itemLabel", has_text="Tutorials").hover()
    page.locator(".lm-Menu-itemLabel", has_text="07 · Widgets").click()
    seventh = lab_server.root / "Schillinger tutorials" / "07_widgets.ipynb"
    assert _sources(_read(seventh))[0].startswith("# 7. Widgets")
    page.locator(".lm-MenuBar-itemLabel", has_text="Schillinger").click()
    page.locator(".lm-Menu-itemLabel", has_text="Tutorials").hover()
    page.locator(".lm-Menu-itemLabel", has_text="01 · Book I").click()
    page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current",
                 has_text="01_rhythm.ipynb").wait_for(timeout=30_000)
    assert _sources(json.loads(copy.read_text()))[0] == "my notes"
    assert not [e for e in page.console_errors if "schillinger" in e.lower()
                or "tutorial" in e.lower()], page.console_errors

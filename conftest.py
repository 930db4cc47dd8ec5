"""Suite-wide ordering: browser tests run last.

Playwright's sync API keeps an asyncio loop running in the main thread while a browser is
open, and the server tests and doctests need that thread's loop free; running the browser
tests last (and closing their browser with their package) keeps them from meeting.
"""

from __future__ import annotations

from pathlib import Path

import pytest

BROWSER_DIR = Path(__file__).parent / "tests" / "browser"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: BROWSER_DIR in Path(str(item.fspath)).parents)

"""The test suite's own rules (tests/README.md), checked on its source: tests wait on
conditions and time nothing, one ``free_port``, unique test basenames."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
HELPERS = TESTS / "helpers.py"
SOURCES = sorted(p for p in TESTS.rglob("*.py") if p != HELPERS)

#: a fixed sleep, a stopwatch, or a port found by hand: helpers.py holds the one way of each
FORBIDDEN = {
    "a fixed sleep (wait on a condition: helpers.wait_until)": re.compile(r"\bsleep\("),
    "a stopwatch (speed belongs to `make bench`)":
        re.compile(r"\b(perf_counter|monotonic|process_time)\("),
    "a second free_port (use helpers.free_port)": re.compile(r"def free_\w*port\b"),
}


def test_no_sleeps_stopwatches_or_second_free_port() -> None:
    found = [f"{p.relative_to(TESTS)}:{n}: {why}"
             for p in SOURCES
             for n, line in enumerate(p.read_text().splitlines(), 1)
             for why, pattern in FORBIDDEN.items() if pattern.search(line)]
    assert not found, "\n".join(found)


def test_test_files_have_unique_basenames() -> None:
    names = Counter(p.name for p in SOURCES if p.name.startswith("test_"))
    assert not [n for n, k in names.items() if k > 1], names.most_common(3)

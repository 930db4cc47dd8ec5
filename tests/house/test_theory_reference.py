"""docs/theory-reference.md names a test for every worked example: each named test exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "theory-reference.md"
_REF = re.compile(r"`(?:tests/(?:[\w]+/)*)?(?P<file>test_\w+\.py)(?:::(?P<name>\w+))?`")
_TEST = re.compile(r"`(?P<name>test_\w+)`")


def _files() -> dict[str, Path]:
    return {p.name: p for p in (ROOT / "tests").rglob("test_*.py")}


def test_every_named_test_exists() -> None:
    files = _files()
    checked = 0
    for line in DOC.read_text().splitlines():
        if not line.startswith("|"):
            continue
        test_cell = line.rstrip("|").split("|")[-1]
        current: Path | None = None
        for m in re.finditer(r"`[^`]+`", test_cell):
            ref = _REF.fullmatch(m.group(0))
            if ref:
                assert ref["file"] in files, f"{ref['file']} named in the reference does not exist"
                current = files[ref["file"]]
                name = ref["name"]
            else:
                bare = _TEST.fullmatch(m.group(0))
                assert bare and current is not None, f"unreadable test reference {m.group(0)}"
                name = bare["name"]
            if name:
                assert re.search(rf"^def {name}\(", current.read_text(), re.M), (
                    f"{current.name}::{name} named in docs/theory-reference.md does not exist")
                checked += 1
    assert checked >= 40

"""Every tutorial in notebooks/ runs top to bottom in a real kernel (the front door works)."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
from expected_values import EXPECTED
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_executes(path: Path, tmp_path: Path) -> None:
    work = tmp_path / path.name
    shutil.copy(path, work)
    nb = nbformat.read(work, as_version=4)
    client = NotebookClient(nb, timeout=180, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}})
    client.execute(cwd=str(tmp_path))
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors, errors
    _check_printed_values(path.name, nb)


def _text(cell: nbformat.NotebookNode) -> str:
    parts = []
    for o in cell.get("outputs", []):
        if o.get("output_type") == "stream":
            parts.append(o.get("text", ""))
        elif "text/plain" in o.get("data", {}):
            parts.append(o["data"]["text/plain"])
    return "".join(parts)


def _check_printed_values(name: str, nb: nbformat.NotebookNode) -> None:
    """The key values a reader checks against the book are the ones the tutorial printed."""
    code = [c for c in nb.cells if c.cell_type == "code"]
    for marker, expected in EXPECTED.get(name, []):
        cells = [c for c in code if marker in c.source]
        assert cells, f"{name}: no cell contains {marker!r} (tests/notebooks/expected_values.py)"
        assert any(expected in _text(c) for c in cells), (
            f"{name}: the cell with {marker!r} printed {_text(cells[0])[:300]!r}, "
            f"expected it to contain {expected!r}")


def test_there_are_tutorials() -> None:
    assert NOTEBOOKS, "notebooks/ holds no tutorials"


def test_every_tutorial_has_checked_values() -> None:
    assert {p.name for p in NOTEBOOKS} <= set(EXPECTED), "a tutorial without checked values"

"""The notebook the launcher card writes (extension/src/starter.json, bundled into the lab
extension) runs top to bottom in a real kernel and shows its three widgets; the cells the
"Insert rhythm/harmony explorer" commands add (extension/src/snippets.json) run after it."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "extension" / "src"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def _views(cell: nbformat.NotebookNode) -> int:
    return sum(WIDGET_VIEW in o.get("data", {}) for o in cell.get("outputs", []))


@pytest.mark.slow
def test_starter_notebook_and_inserted_explorers_run(tmp_path: Path) -> None:
    nb = nbformat.from_dict(json.loads((SRC / "starter.json").read_text()))
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "python3"
    starter = len(nb.cells)
    snippets = json.loads((SRC / "snippets.json").read_text())
    assert sorted(snippets) == ["harmony", "rhythm"]
    nb.cells += [nbformat.v4.new_code_cell(snippets[k]) for k in ("rhythm", "harmony")]
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute(cwd=str(tmp_path))
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors, errors
    # RhythmExplorer, HarmonyExplorer, Player in the starter; one explorer per inserted cell
    assert sum(_views(c) for c in nb.cells[:starter]) == 3
    assert [_views(c) for c in nb.cells[starter:]] == [1, 1]

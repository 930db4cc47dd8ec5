"""The cells "Schillinger > Insert rhythm/harmony explorer" add (extension/src/snippets.json)
must not rebind a name the tutorials use: they import the modules ``rhythm`` and ``harmony``
(``from schillinger_kernel import rhythm``), and an inserted ``rhythm = RhythmExplorer()``
broke the next tutorial cell. The extension numbers the name (``rhythm_explorer_2``, ...) when
the notebook or its kernel already has it; tests/browser/test_labextension.py checks that."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
SNIPPETS = json.loads((ROOT / "extension" / "src" / "snippets.json").read_text())
CLASSES = {"rhythm": "RhythmExplorer", "harmony": "HarmonyExplorer"}


def _bound(source: str) -> set[str]:
    """Names a cell binds at top level (assignments, imports, defs, for targets)."""
    lines = [ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!"))]
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError:
        return set()
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            out.add(node.id)
        elif isinstance(node, ast.alias):
            out.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            out.add(node.name)
    return out


def _tutorial_names() -> set[str]:
    names: set[str] = set()
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                names |= _bound(cell.source)
    return names


@pytest.mark.parametrize("kind", ["rhythm", "harmony"])
def test_inserted_cell_binds_a_name_no_tutorial_uses(kind: str) -> None:
    code = SNIPPETS[kind]
    bound = _bound(code)
    assert kind not in bound, f"the inserted cell rebinds {kind!r}: {code!r}"
    assert f"{kind}_explorer" in bound
    # the class itself may be imported again (the same object); nothing else may clash
    clash = (bound - {CLASSES[kind]}) & (_tutorial_names() | {"sk", "rhythm", "harmony"})
    assert not clash, clash


@pytest.mark.parametrize("kind", ["rhythm", "harmony"])
def test_inserted_cell_runs_after_a_tutorial_import(kind: str) -> None:
    ns: dict[str, object] = {}
    exec(f"from schillinger_kernel import {kind}", ns)  # as the tutorials do
    module = ns[kind]
    exec(SNIPPETS[kind], ns)
    assert ns[kind] is module
    assert type(ns[f"{kind}_explorer"]).__name__ == CLASSES[kind]

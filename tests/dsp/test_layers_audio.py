"""The audio layers: ``audio`` and ``dsp`` below ``io``, ``synth`` and ``analysis``, no circle.

Read from the source with :mod:`ast` (nothing is imported), so a forbidden import fails here
even inside a function that no other test calls:

* ``dsp`` imports only the standard library, NumPy, SciPy and ``schillinger_kernel.audio``,
  ``.errors``, ``.checks`` (and itself).
* ``audio`` imports only the standard library, NumPy, ``errors`` and ``checks``; its
  ``Audio.write`` convenience may import ``io.audio`` lazily (like ``Score.to_midi``).
* ``io`` never imports ``synth`` or ``analysis``; ``synth`` never imports ``io`` or
  ``analysis``; ``analysis`` never imports ``synth``, and ``io`` only lazily inside
  ``analyze`` (to read a path it is given).
* Module-level imports among ``audio``, ``dsp``, ``io``, ``synth`` and ``analysis`` form no
  cycle, and nobody in them imports the old ``synth.audio`` location.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

import schillinger_kernel

PKG = "schillinger_kernel"
ROOT = Path(schillinger_kernel.__file__).resolve().parent
STDLIB = frozenset(sys.stdlib_module_names)


@dataclass(frozen=True)
class Import:
    """One imported module as written in ``where`` (``None``: at module level)."""

    module: str  # absolute dotted name
    where: str | None  # enclosing function's qualified name, None at module level
    line: int


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(importer: str, is_package: bool, node: ast.ImportFrom) -> list[str]:
    """Absolute names a ``from ... import ...`` loads (a name may itself be a submodule)."""
    if node.level == 0:
        base = node.module or ""
    else:
        anchor = importer.split(".")
        if not is_package:
            anchor = anchor[:-1]
        anchor = anchor[:len(anchor) - (node.level - 1)]
        base = ".".join([*anchor, *(node.module.split(".") if node.module else [])])
    out = [base]
    if base == PKG or base.startswith(PKG + "."):
        for alias in node.names:  # ``from .. import io``: the submodule, not just the package
            sub = ROOT.parent.joinpath(*f"{base}.{alias.name}".split("."))
            if sub.is_dir() or sub.with_suffix(".py").is_file():
                out.append(f"{base}.{alias.name}")
    return out


def imports_of(path: Path) -> list[Import]:
    name = module_name(path)
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found: list[Import] = []

    def visit(node: ast.AST, where: str | None, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                visit(child, f"{prefix}{child.name}", f"{prefix}{child.name}.")
            elif isinstance(child, ast.ClassDef):  # a class body runs at import time
                visit(child, where, f"{prefix}{child.name}.")
            elif isinstance(child, ast.Import):
                found.extend(Import(a.name, where, child.lineno) for a in child.names)
            elif isinstance(child, ast.ImportFrom):
                found.extend(Import(m, where, child.lineno)
                             for m in _resolve(name, path.name == "__init__.py", child))
            else:
                visit(child, where, prefix)

    visit(tree, None, "")
    return found


def sources(*rel: str) -> list[Path]:
    out: list[Path] = []
    for r in rel:
        p = ROOT / r
        out.extend(sorted(p.rglob("*.py")) if p.is_dir() else [p])
    assert out and all(p.is_file() for p in out), rel
    return out


def top(module: str) -> str:
    """The first-party unit of a module: ``schillinger_kernel.io.audio`` -> ``io``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def first_party(module: str) -> bool:
    return module == PKG or module.startswith(PKG + ".")


def under(module: str, unit: str) -> bool:
    return module == f"{PKG}.{unit}" or module.startswith(f"{PKG}.{unit}.")


AUDIO_UNITS = ("audio", "dsp", "io", "synth", "analysis")
ALL = {p: imports_of(p) for p in sources("audio.py", "dsp", "io", "synth", "analysis.py")}


def test_the_walk_sees_module_and_function_level_imports() -> None:
    found = imports_of(ROOT / "analysis.py")
    assert any(i.module == f"{PKG}.audio" and i.where is None for i in found)
    assert any(i.module == f"{PKG}.dsp.peaks" and i.where is None for i in found)
    assert any(i.module == f"{PKG}.io.audio" and i.where == "analyze" for i in found)
    assert any(i.module == f"{PKG}.io.audio" and i.where == "Audio.write"
               for i in imports_of(ROOT / "audio.py"))


@pytest.mark.parametrize("path", sources("dsp"), ids=lambda p: p.name)
def test_dsp_imports_only_numpy_scipy_audio_errors_checks(path: Path) -> None:
    allowed_first = {f"{PKG}.audio", f"{PKG}.errors", f"{PKG}.checks"}
    for imp in imports_of(path):
        if first_party(imp.module):
            assert imp.module in allowed_first or under(imp.module, "dsp"), (
                f"{path.name}:{imp.line} imports {imp.module}")
        else:
            root = imp.module.split(".")[0]
            assert root in STDLIB or root in ("numpy", "scipy"), (
                f"{path.name}:{imp.line} imports {imp.module}")


def test_audio_value_imports_only_numpy_errors_checks() -> None:
    for imp in imports_of(ROOT / "audio.py"):
        if imp.module == f"{PKG}.io.audio" and imp.where == "Audio.write":
            continue  # the one lazy convenience, like Score.to_midi
        if first_party(imp.module):
            assert imp.module in (f"{PKG}.errors", f"{PKG}.checks"), imp
        else:
            assert imp.module.split(".")[0] in STDLIB | {"numpy"}, imp


@pytest.mark.parametrize("unit, forbidden", [("io", ("synth", "analysis")),
                                             ("synth", ("io", "analysis")),
                                             ("analysis.py", ("synth", "io"))])
def test_io_synth_analysis_never_import_each_other(unit: str, forbidden: tuple[str, ...]
                                                   ) -> None:
    bad = []
    for path in sources(unit):
        for imp in imports_of(path):
            if any(under(imp.module, f) for f in forbidden):
                # analysis.analyze(path) reads the file it is given: lazily, and only there.
                if (unit == "analysis.py" and imp.where == "analyze"
                        and imp.module == f"{PKG}.io.audio"):
                    continue
                bad.append(f"{path.relative_to(ROOT)}:{imp.line} "
                           f"({imp.where or 'module level'}) imports {imp.module}")
    assert bad == []


def test_nobody_imports_the_old_synth_audio_location() -> None:
    bad = [f"{p.relative_to(ROOT)}:{i.line}" for p, found in ALL.items() for i in found
           if i.module == f"{PKG}.synth.audio" and p != ROOT / "synth" / "audio.py"]
    assert bad == []


def test_no_import_cycle_among_the_audio_units() -> None:
    edges: dict[str, set[str]] = {u: set() for u in AUDIO_UNITS}
    for path, found in ALL.items():
        src = top(module_name(path))
        for imp in found:
            dst = top(imp.module) if first_party(imp.module) else ""
            if imp.where is None and dst in edges and dst != src:
                edges[src].add(dst)
    assert edges["audio"] == set() and edges["dsp"] <= {"audio"}
    state: dict[str, int] = {}

    def visit(u: str, trail: tuple[str, ...]) -> None:
        assert state.get(u) != 1, f"import cycle: {' -> '.join((*trail, u))}"
        if state.get(u) == 2:
            return
        state[u] = 1
        for v in sorted(edges[u]):
            visit(v, (*trail, u))
        state[u] = 2

    for u in AUDIO_UNITS:
        visit(u, ())


@pytest.mark.parametrize("module, absent", [
    ("audio", ("dsp", "io", "synth", "analysis")),
    ("dsp", ("io", "synth", "analysis")),
    ("io.audio", ("synth", "analysis")),
    ("synth", ("io", "analysis")),
    ("analysis", ("io", "synth")),
])
def test_each_unit_imports_on_its_own(module: str, absent: tuple[str, ...]) -> None:
    # A fresh interpreter: a circle that only works in one import order fails here.
    code = (f"import sys, {PKG}.{module}\n"
            f"bad = [m for m in sys.modules if m.split('.')[:2] in "
            f"{[[PKG, a] for a in absent]!r}]\n"
            f"assert not bad, bad\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_old_public_paths_are_the_new_objects() -> None:
    from schillinger_kernel import analysis, audio, dsp, synth
    from schillinger_kernel.io import audio as io_audio
    from schillinger_kernel.synth import audio as synth_audio
    from schillinger_kernel.synth import effects, engine

    assert synth.Audio is synth_audio.Audio is audio.Audio
    assert io_audio.resample is dsp.resample and io_audio.normalize is dsp.normalize
    assert io_audio.normalize_audio is dsp.normalize and io_audio.PRESETS is dsp.PRESETS
    for name in ("integrated_loudness", "loudness_range", "true_peak_db", "oversampled_peaks",
                 "k_weighting", "k_filter"):
        assert getattr(analysis, name) is getattr(dsp, name), name
    assert effects.fft_convolve is dsp.fft_convolve and engine.cpu_threads is dsp.cpu_threads

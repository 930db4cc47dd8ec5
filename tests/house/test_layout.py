"""The house rules of DESIGN.md section 2, checked on the source itself.

- every module imports on its own in a fresh interpreter (so no import order can hide a cycle);
- modules import only downward through the layers, peers of a layer not at all, and nobody
  imports another module's private names;
- ``import schillinger_kernel`` and ``from schillinger_kernel import *`` stay free of Jupyter;
- old flat module paths still import, with a deprecation naming the new home.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[2] / "schillinger_kernel"

# Rank of each top-level part: a module may import parts of lower rank only (and modules of
# its own package). Equal rank means peers that must not import each other.
RANK: dict[str, int] = {
    "errors": 0,
    "checks": 1,
    "pitch": 2, "instruments": 2,
    "tempo": 3, "score_metadata": 3,
    "score": 4, "audio": 4,
    "dsp": 5,
    "rhythm": 6, "scales": 6,
    "projection": 7, "melody": 7, "harmony": 7,
    "compose": 8,
    "io": 9, "synth": 9, "analysis": 9, "notation": 9,
    "widgets": 10, "server": 10, "cli": 10,
    "__init__": 11, "_moved": 0,
}
# Upward imports that the design allows: convenience methods on the values (Score.to_midi,
# Score.render, Score.play, Audio.write ...), imported lazily inside the method.
LAZY_UPWARD = {"score", "audio",
               # the rich display of Rhythm and Progression (engraved by notation)
               "rhythm", "harmony"}
# The Jupyter side shares the one action table: widgets call server.actions (no Jupyter in it).
PEERS_ALLOWED = {("widgets", "server"), ("cli", "server")}
# ``sk.analyze_audio(path)`` reads the file it is given: a lazy import inside that function.
# notation engraves what io.musicxml writes (io stays the one encoder): imported in the call.
LAZY_PEERS = {("analysis", "io"), ("notation", "io")}


def _modules() -> list[Path]:
    return sorted(p for p in PKG.rglob("*.py") if "static" not in p.parts
                  and "labextension" not in p.parts)


def _dotted(path: Path) -> str:
    rel = path.relative_to(PKG.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _part(dotted: str) -> str:
    bits = dotted.split(".")
    return bits[1] if len(bits) > 1 else "__init__"


def _imports(path: Path) -> list[tuple[str, list[str], bool]]:
    """(absolute module, imported names, at module level?) for each import in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    me = _dotted(path)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    top_level = {id(n) for n in tree.body}
    for node in tree.body:  # `if TYPE_CHECKING:` blocks count as module level
        if isinstance(node, ast.If):
            top_level |= {id(n) for n in node.body}
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                mod = ".".join([*base, node.module] if node.module else base)
            else:
                mod = node.module or ""
            out.append((mod, [a.name for a in node.names], id(node) in top_level))
        elif isinstance(node, ast.Import):
            for a in node.names:
                out.append((a.name, [], id(node) in top_level))
    return out


MODULES = _modules()


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PKG)))
def test_imports_go_down_the_layers(path: Path) -> None:
    me = _dotted(path)
    mine = _part(me)
    for mod, names, _module_level in _imports(path):
        if not mod.startswith("schillinger_kernel"):
            continue
        theirs = _part(mod)
        if mod == "schillinger_kernel" and names:  # `from .. import rhythm`
            targets = [n for n in names if n in RANK]
        else:
            targets = [theirs]
        for target in targets:
            if target == mine or mine in ("__init__", "_moved"):
                continue
            ok = RANK[target] < RANK[mine] or (mine, target) in PEERS_ALLOWED or (
                mine in LAZY_UPWARD and not _module_level) or (
                (mine, target) in LAZY_PEERS and not _module_level)
            assert ok, f"{me} imports {mod} ({target}, layer {RANK[target]}) from layer " \
                       f"{RANK[mine]}: only lower layers may be imported"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PKG)))
def test_no_module_imports_anothers_private_names(path: Path) -> None:
    for mod, names, _ in _imports(path):
        if not mod.startswith("schillinger_kernel"):
            continue
        private = [n for n in names if n.startswith("_") and not n.startswith("__")
                   and not (PKG.parent / mod.replace(".", "/") / f"{n}.py").exists()
                   and not (PKG.parent / mod.replace(".", "/") / n).is_dir()]
        assert not private, f"{_dotted(path)} imports private {private} from {mod}"


def _import_alone(name: str) -> tuple[str, int, str]:
    proc = subprocess.run([sys.executable, "-W", "error::DeprecationWarning:schillinger_kernel",
                           "-c", f"import {name}"], capture_output=True, text=True, timeout=180)
    return name, proc.returncode, proc.stderr[-1500:]


def test_every_module_imports_on_its_own_in_a_fresh_interpreter() -> None:
    names = [_dotted(p) for p in MODULES if p.name != "__main__.py"]
    with ThreadPoolExecutor(4) as pool:
        failed = [r for r in pool.map(_import_alone, names) if r[1] != 0]
    assert not failed, "\n\n".join(f"{n}:\n{err}" for n, _, err in failed)


def _loaded_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\nprint(' '.join(sys.modules))"],
                         capture_output=True, text=True, check=True, timeout=120).stdout
    return set(out.split())


@pytest.mark.parametrize("code", ["import schillinger_kernel",
                                  "from schillinger_kernel import *"])
def test_the_core_loads_without_jupyter(code: str) -> None:
    loaded = _loaded_after(code)
    for heavy in ("anywidget", "ipywidgets", "tornado", "jupyter_server", "pydantic"):
        assert heavy not in loaded, f"{code!r} loaded {heavy}"


def test_star_import_exports_the_core_and_not_the_jupyter_side() -> None:
    import schillinger_kernel as sk

    assert not {"widgets", "server", "cli"} & set(sk.__all__)
    assert {"rhythm", "scales", "harmony", "compose", "render", "Score", "pitch"} <= set(sk.__all__)
    for name in sk.__all__:
        assert getattr(sk, name) is not None


def test_old_module_paths_still_import_with_a_deprecation() -> None:
    import importlib

    from schillinger_kernel import _moved

    for old, new in _moved.MOVED.items():
        sys.modules.pop(old, None)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            module = importlib.import_module(old)
        assert module is importlib.import_module(new)
        # the module keeps its own spec: relative imports inside it must not warn afterwards
        assert module.__spec__ is not None and module.__spec__.name == new, old
        assert any(new in str(w.message) and issubclass(w.category, DeprecationWarning)
                   for w in caught), old


def test_every_public_module_declares_all() -> None:
    missing = [_dotted(p) for p in MODULES
               if not p.name.startswith("_") or p.name == "__init__.py"
               if "__all__" not in p.read_text(encoding="utf-8")
               and p.name != "__main__.py"]
    assert not missing, f"modules without __all__: {missing}"

"""The house: dependency lists in step, a light top-level import, the layout of DESIGN.md."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]

# conda-forge names that differ from PyPI names
CONDA_NAMES = {"soundfile": "pysoundfile", "sounddevice": "python-sounddevice"}


def _name(req: str) -> str:
    return re.split(r"[<>=!~ \[;]", req, maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_matches_pyproject():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = {_name(d): d for d in env["dependencies"] if isinstance(d, str)}
    for req in pyproject["project"]["dependencies"]:
        name = CONDA_NAMES.get(_name(req), _name(req))
        assert name in conda, f"{req} is in pyproject.toml but not in environment.yml"
        spec = req[len(_name(req)):].strip()
        assert conda[name].endswith(spec), f"version of {name} differs: {req} vs {conda[name]}"
    py_names = {CONDA_NAMES.get(_name(r), _name(r)) for r in pyproject["project"]["dependencies"]}
    extra = set(conda) - py_names - {"python", "pip", "nodejs"}
    assert not extra, f"environment.yml has dependencies pyproject.toml lacks: {extra}"


def test_import_loads_only_the_core():
    code = ("import sys, schillinger_kernel as sk; sk.rhythm.interference(3, 2); "
            "bad = [m for m in sys.modules if m.split('.')[0] in "
            "('tornado', 'ipywidgets', 'anywidget', 'jupyter_server', 'music21', 'librosa') "
            "or m.startswith(('schillinger_kernel.server', 'schillinger_kernel.widgets'))]; "
            "print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_core_never_imports_jupyter_parts():
    core = [p for p in (ROOT / "schillinger_kernel").rglob("*.py")
            if not {"server", "widgets"} & set(p.relative_to(ROOT / "schillinger_kernel").parts)]
    pattern = re.compile(r"^\s*(from|import)\s+(tornado|ipywidgets|anywidget|jupyter_server|"
                         r"\.+(server|widgets)\b|schillinger_kernel\.(server|widgets))", re.M)
    # cli.py sits in the top layer beside server (DESIGN.md): only its `bridge` subcommand
    # imports server.bridge, inside the call, so `schillinger rhythm ...` stays Jupyter-free.
    offenders = [str(p) for p in core if pattern.search(p.read_text())
                 and p.name not in ("score.py", "__init__.py", "cli.py")]
    assert not offenders, f"core modules import Jupyter parts: {offenders}"


def test_layout_folders_exist_with_readmes():
    for d in ("widgets", "extension", "gpu", "notebooks", "tests"):
        assert (ROOT / d).is_dir() and any((ROOT / d).glob("README*")), d


def test_ci_calls_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    assert "make test" in readme and "make lab" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()

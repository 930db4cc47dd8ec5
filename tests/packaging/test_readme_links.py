"""Every relative link and path the READMEs name resolves in a clone of the repository.

A reader follows ``README.md`` from a fresh clone: a Markdown link or a backticked path to a file
or folder that only exists on the team's machines (``SCHILLINGER.md`` and ``DESIGN.md`` once did)
is a dead end. The READMEs write paths in backticks more often than as links, so both are read.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
READMES = (ROOT / "README.md", ROOT / "notebooks" / "README.md")

LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
CODE = re.compile(r"`([^`\n]+)`")
# Only tokens that read as a file or a folder are paths; `sk.render(...)`, OSC addresses
# (`/schillinger/transport/play`) and module names are not.
PATH_SUFFIXES = (".md", ".ipynb", ".py", ".pyi", ".toml", ".yml", ".yaml", ".json", ".mjs",
                 ".ts", ".cfg", ".txt")
PATH_TOKEN = re.compile(r"^[\w.\-/]+$")
# The table of README.md names package modules by their path inside `schillinger_kernel/`.
PACKAGE = ROOT / "schillinger_kernel"
# Prose names paths without backticks too: "(tests/notebooks/test_notebooks.py)".
PROSE_PATH = re.compile(r"(?<![\w/{.`-])((?:[\w.-]+/)+[\w.-]+\.(?:ipynb|py|md))\b")
# Folders a documented command creates, each with the Makefile target that makes it.
MADE_BY_MAKE = {"demo/": "demo"}
# REST routes the README lists among the files; each must be in the server's route table.
ROUTES = {"openapi.json": PACKAGE / "server" / "handlers.py"}


def _is_path(token: str) -> bool:
    if not PATH_TOKEN.match(token) or token.startswith("."):
        return token in (".ci/run",)
    if token.endswith("/") or token.endswith(PATH_SUFFIXES):
        return True
    # `/widgets`, `/extension`: a single segment written from the repository root.
    return token.startswith("/") and token.count("/") == 1


def _targets(readme: Path) -> list[str]:
    text = readme.read_text(encoding="utf-8")
    links = [t for t in LINK.findall(text) if not re.match(r"^(?:[a-z]+:|#)", t)]
    paths = [t for t in CODE.findall(text) if _is_path(t)]
    prose = PROSE_PATH.findall(CODE.sub("", text))
    return list(dict.fromkeys(t.split("#", 1)[0] for t in links + paths + prose))


def _resolves(readme: Path, target: str) -> bool:
    rel = target.lstrip("/")
    bases = (ROOT,) if target.startswith("/") else (readme.parent, ROOT, PACKAGE)
    return any((base / rel).exists() for base in bases)


def test_readmes_name_paths_at_all() -> None:
    # Guards the reader: if the patterns stopped matching, the test below would pass on nothing.
    found = _targets(READMES[0])
    assert "notebooks/06_daw.ipynb" in found and "examples/" in found and "rhythm/" in found
    assert "tests/notebooks/test_notebooks.py" in _targets(READMES[1])


@pytest.mark.parametrize("readme", READMES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_and_path_exists(readme: Path) -> None:
    missing = []
    for target in _targets(readme):
        if target in MADE_BY_MAKE:
            makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
            if re.search(rf"^{MADE_BY_MAKE[target]}:", makefile, re.M):
                continue
        if target in ROUTES and f'"/{target}"' in ROUTES[target].read_text(encoding="utf-8"):
            continue
        if not _resolves(readme, target):
            missing.append(target)
    assert not missing, (f"{readme.relative_to(ROOT)} names paths a clone does not have: "
                         f"{missing}; link a file in the repository or drop the reference")


"""Schillinger Workbench: Joseph Schillinger's System of Musical Composition in Python.

>>> import schillinger_kernel as sk
>>> sk.rhythm.interference(3, 2)
Rhythm((2, 1, 1, 2))

``import schillinger_kernel`` loads only the score model; the theory packages, the renderer
and the Jupyter parts (``sk.widgets``, ``sk.server``) are imported on first access, so
scripts, the CLI and DAW bridges start fast. ``__init__.pyi`` gives type checkers the real
types of every lazy name.
"""

from __future__ import annotations

import importlib
from typing import Any

from . import _moved
from .score import PPQ, Note, Part, Score, TempoChange, TimeSignature

__version__ = "0.1.0"

# The core, imported on first access (``sk.rhythm``); __init__.pyi types each for checkers.
_SUBMODULES = frozenset({
    "errors", "checks", "pitch", "tempo", "instruments", "score", "audio", "dsp",
    "rhythm", "scales", "projection", "melody", "harmony", "compose",
    "io", "synth", "analysis", "notation",
})
# The Jupyter side and the command line: reachable as ``sk.widgets`` / ``sk.server`` but not
# part of ``from schillinger_kernel import *`` (which would load anywidget and ipywidgets).
_OUTSIDE_ALL = frozenset({"widgets", "server", "cli"})
# Jupyter-side names at top level (``sk.ScoreView``), lazy and outside ``__all__`` too.
_LAZY_JUPYTER: dict[str, tuple[str, str]] = {"ScoreView": ("widgets", "ScoreView")}

# Top-level names re-exported from submodules, loaded on first access.
_LAZY: dict[str, tuple[str, str]] = {
    "Rhythm": ("rhythm", "Rhythm"),
    "Key": ("pitch", "Key"),
    "key": ("pitch", "key"),
    "read_midi": ("io.midi", "read_midi"),
    "read_musicxml": ("io.musicxml", "read_musicxml"),
    "generate_composition": ("compose", "generate_composition"),
    "quick_compose": ("compose", "quick_compose"),
    "accompany": ("compose", "accompany"),
    "generate_progression": ("harmony", "generate_progression"),
    "analyze_harmony": ("harmony", "analyze_harmony"),
    "render": ("synth", "render"),
    "render_many": ("synth", "render_many"),
    "render_audio": ("synth", "render_audio"),
    "Audio": ("audio", "Audio"),
    "quality": ("analysis", "quality"),
    "assess_quality": ("analysis", "quality"),
    "analyze_audio": ("analysis", "analyze"),
    "read_audio": ("io.audio", "read_audio"),
}

__all__ = ["PPQ", "Note", "Part", "Score", "TempoChange", "TimeSignature", "__version__",
           *sorted(_LAZY), *sorted(_SUBMODULES)]

_moved.install()


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES or name in _OUTSIDE_ALL:
        return importlib.import_module(f".{name}", __name__)
    if name in _LAZY or name in _LAZY_JUPYTER:
        module, attr = _LAZY.get(name) or _LAZY_JUPYTER[name]
        return getattr(importlib.import_module(f".{module}", __name__), attr)
    if f"{__name__}.{name}" in _moved.MOVED:  # an old module path: warns and points on
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'schillinger_kernel' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _SUBMODULES | _OUTSIDE_ALL | set(_LAZY) | set(_LAZY_JUPYTER))


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    """Where the built JupyterLab extension lives (for ``jupyter labextension develop``).

    Wheels install it under ``share/jupyter/labextensions/schillinger-workbench``.

    >>> _jupyter_labextension_paths()[0]["dest"]
    'schillinger-workbench'
    """
    return [{"src": "labextension", "dest": "schillinger-workbench"}]

"""Schillinger Workbench: Joseph Schillinger's System of Musical Composition in Python.

>>> import schillinger_kernel as sk
>>> sk.rhythm.interference(3, 2)
Rhythm((2, 1, 1, 2))

``import schillinger_kernel`` loads only the pure core; the theory modules, the renderer and
the Jupyter parts (``sk.widgets``, ``sk.server``) are imported on first access, so scripts,
the CLI and DAW bridges start fast.
"""

from __future__ import annotations

import importlib
from typing import Any

from .score import PPQ, Note, Part, Score, TempoChange, TimeSignature

__version__ = "0.1.0"

_SUBMODULES = frozenset({
    "rhythm", "scales", "projection", "melody", "harmony", "compose", "score", "io", "synth",
    "analysis", "widgets", "server", "instruments", "graph", "cli",
})

# Top-level names re-exported from submodules, loaded on first access.
_LAZY: dict[str, tuple[str, str]] = {
    "Rhythm": ("rhythm", "Rhythm"),
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
    "Audio": ("synth", "Audio"),
    "quality": ("analysis", "quality"),
    "assess_quality": ("analysis", "quality"),
    "analyze_audio": ("analysis", "analyze"),
    "read_audio": ("io.audio", "read_audio"),
}

__all__ = ["PPQ", "Note", "Part", "Score", "TempoChange", "TimeSignature", "__version__",
           *sorted(_LAZY), *sorted(_SUBMODULES)]


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    if name in _LAZY:
        module, attr = _LAZY[name]
        return getattr(importlib.import_module(f".{module}", __name__), attr)
    raise AttributeError(f"module 'schillinger_kernel' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _SUBMODULES | set(_LAZY))


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    """Where the built JupyterLab extension lives (for ``jupyter labextension develop``).

    Wheels install it under ``share/jupyter/labextensions/schillinger-workbench``.

    >>> _jupyter_labextension_paths()[0]["dest"]
    'schillinger-workbench'
    """
    return [{"src": "labextension", "dest": "schillinger-workbench"}]

"""Synthesis: render scores to audio on NumPy (CPU) or CuPy (GPU) with one code path.

>>> import schillinger_kernel as sk
>>> s = sk.Score.from_durations((1, 1, 2), pitches=("C4", "E4", "G4"))
>>> sk.render(s, sample_rate=22050, backend="numpy").channels
2
"""

from ..audio import Audio  # the value lives below synth; re-exported for old imports
from .backend import Backend, BackendUnavailable, get_backend, get_namespace
from .preview import render_audio
from .renderer import render, render_many

__all__ = ["Audio", "Backend", "BackendUnavailable", "get_backend", "get_namespace", "render",
           "render_audio", "render_many"]

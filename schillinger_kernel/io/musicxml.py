"""MusicXML in and out (via music21).

:func:`write_musicxml` writes measures, time and key signatures, instrument names and MIDI
programs, tempo marks, voices, ties across bar lines and only notatable note values (see
:mod:`schillinger_kernel.io.m21`); the file appears atomically. ``.musicxml`` / ``.xml`` are
plain text, ``.mxl`` compressed. :func:`read_musicxml` reads any MusicXML file into a Score.

>>> import tempfile, pathlib
>>> from schillinger_kernel import Score
>>> s = Score.from_durations((2, 1, 1, 2), pitches=(60, 64), unit=240)
>>> path = write_musicxml(s, pathlib.Path(tempfile.mkdtemp()) / "r.musicxml")
>>> [(n.start, n.duration, n.pitch) for n in read_musicxml(path).notes]
[(0, 480, 60), (480, 240, 64), (720, 240, 60), (960, 480, 64)]
"""

from __future__ import annotations

import os
from pathlib import Path

from ..score import Score
from .atomic import atomic_path, check_target

SUFFIXES = (".musicxml", ".xml", ".mxl")


def write_musicxml(score: Score, path: str | os.PathLike[str]) -> Path:
    """Write ``score`` as MusicXML (``.musicxml``, ``.xml``, or compressed ``.mxl``)."""
    from .m21 import to_music21

    if not isinstance(score, Score):
        raise TypeError(f"score must be a Score, got {type(score).__name__}")
    target = check_target(path, SUFFIXES)
    m21 = to_music21(score)
    fmt = "mxl" if target.suffix.lower() == ".mxl" else "musicxml"
    with atomic_path(target) as tmp:
        written = Path(m21.write(fmt, fp=str(tmp)))
        if written != tmp:  # music21 may pick its own suffix
            os.replace(written, tmp)
    return target


def read_musicxml(path: str | os.PathLike[str]) -> Score:
    """Read a MusicXML file (``.musicxml``, ``.xml``, ``.mxl``) into a :class:`Score`."""
    from music21 import converter

    from .m21 import from_music21

    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}")
    p = Path(path)
    if p.suffix.lower() not in SUFFIXES:
        raise ValueError(f"path {str(p)!r}: unsupported extension {p.suffix!r}; "
                         f"allowed: {', '.join(SUFFIXES)}")
    if not p.is_file():
        raise ValueError(f"path {str(p)!r} does not exist or is not a file")
    try:
        stream = converter.parse(str(p), format="musicxml")
    except Exception as exc:
        raise ValueError(f"path {str(p)!r} is not readable MusicXML: {exc}") from None
    return from_music21(stream)

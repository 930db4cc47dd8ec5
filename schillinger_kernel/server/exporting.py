"""A MIDI or MusicXML export made in a child process and handed back as bytes (issue 18).

Parsing a 20,000-note score and writing it as MIDI or MusicXML is pure Python: in a worker
thread it holds the interpreter lock for most of a second, and ``GET /status`` waited up to
70 ms for it. :func:`export_bytes` does both in a child (:class:`~.procpool.ProcessPool`),
in a private folder of its own, and sends back the file's bytes; the server writes them under
its root itself (:func:`~.paths.commit_file`), so the path checks, the no-clobber link and the
``O_NOFOLLOW`` walk all stay in the server.

:func:`warm_up` imports what an export needs (the writers, the audio I/O and the analysis):
run at the server's start, in each child and in a server thread, so the first export does not
stall the event loop on module imports.

>>> data = {"parts": [{"name": "p", "notes": [[0, 480, 60, 90]]}]}
>>> export_bytes(data, "midi", "take.mid", Limits())[:4]
b'MThd'
"""

from __future__ import annotations

import importlib
import tempfile
from pathlib import Path, PurePath
from typing import Any

from .interpreter import collector_paused
from .limits import Limits
from .payload import parse_score

__all__ = ["CHILD_FORMATS", "WARM_MODULES", "export_bytes", "warm_up"]

#: The formats written in a child: pure-Python writers. Audio is rendered in the server by
#: its backend (NumPy or a GPU), whose work leaves the lock free most of the time.
CHILD_FORMATS = ("midi", "musicxml")
#: Modules an export or a render imports on first use: tens of milliseconds each of module
#: code (and shared libraries loaded) that would otherwise run under a request.
WARM_MODULES = ("schillinger_kernel.io.midi", "schillinger_kernel.io.musicxml",
                "schillinger_kernel.io.audio", "schillinger_kernel.synth",
                "schillinger_kernel.analysis")


def export_bytes(data: dict[str, Any] | None, fmt: str, name: str, limits: Limits) -> bytes:
    """The file of score JSON ``data`` in format ``fmt`` (``midi`` or ``musicxml``), written
    under the file name ``name`` (its suffix picks plain or compressed MusicXML). What a
    child process runs; the score's errors are the taxonomy's (400, 413 over ``limits``).

    >>> data = {"parts": [{"name": "p", "notes": [[0, 480, 60, 90]]}]}
    >>> export_bytes(data, "musicxml", "a.musicxml", Limits())[:5]
    b'<?xml'
    >>> export_bytes(data, "wav", "a.wav", Limits())
    Traceback (most recent call last):
    ...
    ValueError: format must be one of midi, musicxml in a child process, got 'wav'
    """
    if fmt not in CHILD_FORMATS:
        raise ValueError(f"format must be one of {', '.join(CHILD_FORMATS)} in a child "
                         f"process, got {fmt!r}")
    with collector_paused():  # tens of thousands of objects: no rescans while they are made
        score = parse_score(data, limits=limits)
    with tempfile.TemporaryDirectory(prefix="sk-export-") as private:
        tmp = Path(private) / PurePath(name.replace("\\", "/")).name
        if fmt == "midi":
            score.to_midi(tmp)
        else:
            score.to_musicxml(tmp)
        return tmp.read_bytes()


def warm_up() -> tuple[str, ...]:
    """Import :data:`WARM_MODULES`; the names of those that could not be imported (an
    optional dependency missing is the export's to report, with its words, when asked).

    >>> warm_up()
    ()
    """
    missing = []
    for name in WARM_MODULES:
        try:
            importlib.import_module(name)
        except ImportError:
            missing.append(name)
    return tuple(missing)

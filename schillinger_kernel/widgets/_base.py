"""The base of every score-playing widget: score traits, transport traits, PCM chunks, fallback.

Everything the browser must have is trait state (the score's buffers and meta, the PCM's
description): custom messages are dropped while no view exists. PCM itself is pulled by the
view chunk by chunk (``pcm_request`` -> ``pcm_chunk`` with one binary buffer), so no single
message comes near the 10 MiB websocket limit and no audio is saved into the notebook.
"""

from __future__ import annotations

import contextlib
import threading
import uuid
import weakref
from pathlib import Path
from typing import Any

import anywidget
import traitlets as t

from ..score import Score
from ._fallback import score_svg
from ._wire import encode_score, pcm_chunks

_MISSING_BUNDLE = """
export default { render({ model, el }) {
  el.innerHTML = '<div style="padding:6px;border:1px solid #e0b000;background:#fff8e1">'
    + 'The Schillinger widget front-end ({name}.js) is not built: run <code>make frontend</code> '
    + '(or <code>cd widgets && npm ci && npm run build</code>) and restart the kernel.</div>';
} };
"""


STATIC = Path(__file__).with_name("static")

#: Every score widget alive in this kernel (for :func:`stop_all`).
_LIVE: weakref.WeakSet[ScoreWidget] = weakref.WeakSet()


def stop_all() -> int:
    """Stop every widget of this kernel that is playing; returns how many were.

    In the browser, the transport bar's "■ all" button, Escape in a widget and the lab's
    "Stop all playback" command (Ctrl/Cmd+Alt+.) stop every widget of the page as well.
    """
    n = 0
    for w in list(_LIVE):
        if w.playing:
            w.playing = False
            n += 1
    return n


def bundle(name: str) -> Path | str:
    """The built ES module ``static/<name>.js`` (a notice module when it was not built).

    A path, not its text: anywidget reads it, and under ``ANYWIDGET_HMR=1`` watches it, so
    views reload when ``npm run dev`` in ``widgets/`` rebuilds it.
    """
    path = STATIC / f"{name}.js"
    return path if path.is_file() else _MISSING_BUNDLE.replace("{name}", name)


class ScoreWidget(anywidget.AnyWidget):  # type: ignore[misc]
    """A widget that holds a :class:`~schillinger_kernel.score.Score` and can play it.

    ``score`` is a Python-side trait (observe it); the browser gets it as binary buffers
    (``_notes``) with a small ``_meta``. ``playing``, ``loop``, ``tempo`` and ``position``
    (seconds) are synced both ways.
    """

    _css = STATIC / "style.css" if (STATIC / "style.css").is_file() else ""
    score = t.Instance(Score, allow_none=True, default_value=None)
    playing = t.Bool(False).tag(sync=True)
    loop = t.Bool(False).tag(sync=True)
    tempo = t.Float(120.0, min=20.0, max=400.0).tag(sync=True)
    position = t.Float(0.0, min=0.0).tag(sync=True)
    _notes = t.Dict().tag(sync=True)
    _meta = t.Dict().tag(sync=True)
    _pcm = t.Dict().tag(sync=True)
    _pcm_loaded = t.Unicode("").tag(sync=True)
    _uid = t.Unicode().tag(sync=True)

    @t.default("_uid")
    def _default_uid(self) -> str:
        return uuid.uuid4().hex

    def __init__(self, score: Score | None = None, **kwargs: Any) -> None:
        tempo = kwargs.pop("tempo", None)
        # Held while a message from the browser is handled and while another thread (the
        # notation engraver) changes the widget: ipykernel 7 may handle this widget's messages
        # on the main thread or a subshell's, and ipywidgets' hold_sync and property lock are
        # plain attributes, so two threads changing one widget at once can lose an update.
        self._state_lock = threading.RLock()
        self._opening = True  # hold the comm until the state is complete: one opening message
        self._pcm_data: list[bytes] = []
        super().__init__(**kwargs)
        self.on_msg(self._on_custom_msg)
        if score is not None:
            self.score = score
        if tempo is not None:
            self.tempo = tempo
        self._setup()
        self._opening = False
        self.open()
        _LIVE.add(self)

    def _setup(self) -> None:
        """Compute the derived state before the comm opens (subclasses)."""

    def _handle_msg(self, msg: dict[str, Any]) -> None:
        """A message from the browser, handled under the widget's state lock."""
        with self._state_lock:
            super()._handle_msg(msg)

    def open(self) -> None:
        """Open the comm, once the constructor has the whole state ready."""
        if not getattr(self, "_opening", False):
            super().open()

    @t.validate("score")
    def _check_score(self, proposal: Any) -> Score | None:
        value = proposal["value"]
        if value is not None and not isinstance(value, Score):
            raise t.TraitError(f"score must be a Score or None, got {type(value).__name__}")
        if value is not None:
            encode_score(value)  # refuse what cannot be sent before it is set
        return value

    def _played(self, score: Score | None) -> Score | None:
        """What the browser plays of ``score`` (a widget with an instrument menu re-voices it)."""
        return score

    @t.observe("score")
    def _score_changed(self, change: dict[str, Any]) -> None:
        buffers, meta = encode_score(self._played(change["new"]))
        with self.hold_sync():
            self._notes = buffers
            self._meta = meta
            if change["new"] is not None:
                self.tempo = change["new"].tempo
            if self._pcm:
                self.clear_audio()

    # ----- PCM from the kernel's renderer ------------------------------------------------------
    def set_audio(self, samples: Any, sample_rate: int) -> None:
        """Play ``samples`` (float, (frames,) or (frames, channels)) instead of synthesising.

        The browser fetches them in 1 MiB binary chunks; nothing is stored in the notebook.
        """
        if isinstance(sample_rate, bool) or not isinstance(sample_rate, int) or not (
                8000 <= sample_rate <= 192_000):
            raise ValueError(f"sample_rate must be an int in 8000..192000, got {sample_rate!r}")
        chunks, frames, channels = pcm_chunks(samples)
        self._pcm_data = chunks
        self._pcm = {"id": uuid.uuid4().hex, "rate": sample_rate, "channels": channels,
                     "frames": frames, "chunks": len(chunks)}

    def render_audio(self, sample_rate: int = 48_000, backend: str = "auto") -> None:
        """Render the score with the workbench's synthesiser and play that audio."""
        if self.score is None:
            raise ValueError("render_audio needs a score")
        from ..synth import render

        played = self._played(self.score)
        assert played is not None  # a score in, a score out
        audio = render(played, sample_rate=sample_rate, backend=backend)
        self.set_audio(audio.samples, int(audio.sample_rate))

    def clear_audio(self) -> None:
        """Go back to synthesising the score's notes in the browser."""
        self._pcm_data = []
        self._pcm = {}

    def _on_custom_msg(self, _widget: Any, content: Any, buffers: list[Any]) -> None:
        if not isinstance(content, dict) or content.get("kind") != "pcm_request":
            return
        index = content.get("index")
        if content.get("id") != self._pcm.get("id") or not isinstance(index, int) or not (
                0 <= index < len(self._pcm_data)):
            self.send({"kind": "pcm_error", "id": content.get("id"), "index": index})
            return
        self.send({"kind": "pcm_chunk", "id": self._pcm["id"], "index": index},
                  buffers=[self._pcm_data[index]])

    # ----- static fallback ------------------------------------------------------------------
    def fallback_svg(self) -> str:
        """The SVG shown where widgets cannot run (nbconvert HTML, a notebook without kernel)."""
        return score_svg(self.score)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        bundle = super()._repr_mimebundle_(**kwargs)
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        if isinstance(data, dict):
            with contextlib.suppress(ValueError):  # too large to draw: the view still works
                data["image/svg+xml"] = self.fallback_svg()
        return bundle

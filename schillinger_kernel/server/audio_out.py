"""Optional local audio output through ``sounddevice``, following the transport clock.

Used when Jupyter runs on the musician's own machine. The loaded score is rendered once (a
job); playing opens an output stream whose callback only copies the next frames of that
buffer (wrapping inside the loop region): no allocation, no locks, no rendering in the
callback. Without PortAudio or an output device, :meth:`LocalOutput.probe` records why and
:meth:`LocalOutput.status` reports it; nothing raises.

>>> import numpy as np
>>> out = LocalOutput(enabled=False)
>>> out.set_buffer(np.arange(8, dtype=np.float32).reshape(8, 1), 48000)
>>> block = np.zeros((3, 1), dtype=np.float32)
>>> out.seek_samples(6); out.fill(block); block[:, 0].tolist()
[6.0, 7.0, 0.0]
"""

from __future__ import annotations

import contextlib
from typing import Any

import numpy as np

__all__ = [
    "LocalOutput",
]


class LocalOutput:
    """A sounddevice output stream that plays a rendered buffer from the transport position."""

    def __init__(self, enabled: bool = True, device: str | int | None = None) -> None:
        self.enabled = enabled
        self.device = device
        self.available = False
        self.device_name: str | None = None
        self.error: str | None = None if enabled else "disabled by configuration"
        self._buffer: np.ndarray | None = None
        self._rate = 48000
        self._pos = 0
        self._loop: tuple[int, int] | None = None
        self._stream: Any = None

    def probe(self) -> bool:
        """Look for PortAudio and an output device; record the reason when there is none."""
        if not self.enabled:
            return False
        try:
            import sounddevice as sd

            info = sd.query_devices(self.device, kind="output")
            self.device_name = str(info["name"])
            self.available, self.error = True, None
        except Exception as exc:  # OSError (no PortAudio), PortAudioError (no device)
            self.available = False
            self.error = f"no audio output: {type(exc).__name__}: {exc}"
        return self.available

    def status(self) -> dict[str, Any]:
        """``enabled``, ``available``, ``device``, ``active``, ``loaded_seconds``, ``error``."""
        loaded = None if self._buffer is None else len(self._buffer) / self._rate
        return {"enabled": self.enabled, "available": self.available, "device": self.device_name,
                "active": self._stream is not None, "loaded_seconds": loaded, "error": self.error}

    # ----- buffer and position (the callback's only state) -----------------------------------
    def set_buffer(self, frames: np.ndarray | None, sample_rate: int = 48000) -> None:
        """Install a rendered buffer (frames x channels float32), or None to unload."""
        if frames is not None:
            arr = np.ascontiguousarray(frames, dtype=np.float32)
            if arr.ndim == 1:
                arr = arr[:, None]
            if arr.ndim != 2:
                raise ValueError(f"frames must be 1-D or 2-D, got {arr.ndim}-D")
            frames = arr
        self._buffer = frames
        self._rate = int(sample_rate)

    def seek_samples(self, position: int) -> None:
        """Move the read position (samples)."""
        self._pos = max(0, int(position))

    def set_loop_samples(self, region: tuple[int, int] | None) -> None:
        """Wrap playback inside ``(start, end)`` samples, or play straight on with None."""
        self._loop = region if region and region[1] > region[0] else None

    def fill(self, out: np.ndarray) -> None:
        """Copy the next ``len(out)`` frames into ``out`` (silence past the end)."""
        buf = self._buffer
        n = len(out)
        if buf is None:
            out.fill(0)
            return
        ch = min(out.shape[1], buf.shape[1])
        done = 0
        while done < n:
            if self._loop is not None and self._pos >= self._loop[1]:
                self._pos = self._loop[0]
            stop = len(buf) if self._loop is None else min(len(buf), self._loop[1])
            take = max(0, min(n - done, stop - self._pos))
            if take == 0:
                if self._loop is None or self._pos >= len(buf):
                    out[done:].fill(0)
                    self._pos += n - done
                    return
                self._pos = self._loop[0]
                continue
            out[done:done + take, :ch] = buf[self._pos:self._pos + take, :ch]
            if out.shape[1] > ch:
                out[done:done + take, ch:] = buf[self._pos:self._pos + take, :1]
            self._pos += take
            done += take

    def _callback(self, outdata: np.ndarray, frames: int, time: Any, status: Any) -> None:
        self.fill(outdata)

    # ----- stream ----------------------------------------------------------------------------
    def start(self, position_samples: int) -> bool:
        """Open the stream at ``position_samples``; False (with ``error``) when impossible."""
        if not self.available or self._buffer is None:
            return False
        self.stop()
        self.seek_samples(position_samples)
        try:
            import sounddevice as sd

            self._stream = sd.OutputStream(samplerate=self._rate, channels=self._buffer.shape[1],
                                           dtype="float32", device=self.device,
                                           callback=self._callback)
            self._stream.start()
        except Exception as exc:
            self._stream, self.error = None, f"audio output failed: {type(exc).__name__}: {exc}"
            return False
        return True

    def stop(self) -> None:
        """Close the stream if one is open."""
        stream, self._stream = self._stream, None
        if stream is not None:
            with contextlib.suppress(Exception):
                stream.stop()
                stream.close()

"""The :class:`SchillingerApp` ExtensionApp: configuration traits, handlers, start and stop.

>>> SchillingerApp.osc_port.default_value, SchillingerApp.osc_host.default_value
(7440, '127.0.0.1')
"""

from __future__ import annotations

import os
from typing import Any

from jupyter_core.paths import jupyter_data_dir
from jupyter_server.extension.application import ExtensionApp
from jupyter_server.utils import url_path_join
from traitlets import Bool, Int, Unicode, default, validate

from .handlers import API, routes
from .workbench import Settings, Workbench

__all__ = [
    "DEFAULT_OSC_PORT",
    "DEFAULT_OSC_REPLY_PORT",
    "SchillingerApp",
]


DEFAULT_OSC_PORT = 7440
DEFAULT_OSC_REPLY_PORT = 7441


def _port(proposal: Any) -> int:
    value = int(proposal["value"])
    if not 0 <= value <= 65535:
        raise ValueError(f"{proposal['trait'].name} must be a UDP port 0..65535, got {value}")
    return value


class SchillingerApp(ExtensionApp):
    """Schillinger Workbench server extension (REST, WebSocket, OSC, transport, AbletonOSC)."""

    name = "schillinger"
    load_other_extensions = True

    osc_enabled = Bool(True, help="Serve the OSC bridge (UDP).").tag(config=True)
    osc_host = Unicode("127.0.0.1", help="Address the OSC bridge binds; 0.0.0.0 opens it to "
                       "the LAN (OSC has no authentication).").tag(config=True)
    osc_port = Int(DEFAULT_OSC_PORT, help="UDP port of the OSC bridge (0: any free port). "
                   "Chosen to avoid AbletonOSC 11000/11001, REAPER/Bitwig 8000/9000, "
                   "SuperCollider 57120, Sonic Pi 4560, Link 20808.").tag(config=True)
    osc_reply_port = Int(DEFAULT_OSC_REPLY_PORT, help="UDP port on the sender's IP that "
                         "replies go to (0: the sender's own port).").tag(config=True)
    ableton_host = Unicode("127.0.0.1", help="Host running Ableton Live with AbletonOSC."
                           ).tag(config=True)
    ableton_port = Int(11000, help="AbletonOSC's listening port.").tag(config=True)
    ableton_reply_port = Int(11001, help="Port AbletonOSC answers on (bound on first use)."
                             ).tag(config=True)
    render_backend = Unicode("auto", help="Synthesis backend: auto, numpy or cupy."
                             ).tag(config=True)
    sessions_dir = Unicode(help="Folder where shared sessions are saved as JSON ('' keeps "
                           "them in memory only).").tag(config=True)
    audio_output = Bool(True, help="Play the transport on this machine's sound card through "
                        "sounddevice when one is present.").tag(config=True)
    sample_rate = Int(48000, help="Sample rate of the transport and local output."
                      ).tag(config=True)
    job_workers = Int(2, help="Threads for render/export/analysis jobs.").tag(config=True)

    @default("sessions_dir")
    def _default_sessions_dir(self) -> str:
        return os.path.join(jupyter_data_dir(), "schillinger", "sessions")

    @validate("osc_port", "osc_reply_port", "ableton_port", "ableton_reply_port")
    def _check_port(self, proposal: Any) -> int:
        return _port(proposal)

    def _settings(self) -> Settings:
        assert self.serverapp is not None
        return Settings(
            root_dir=str(self.serverapp.root_dir), base_url=self.serverapp.base_url,
            osc_enabled=self.osc_enabled, osc_host=self.osc_host, osc_port=self.osc_port,
            osc_reply_port=self.osc_reply_port, ableton_host=self.ableton_host,
            ableton_port=self.ableton_port, ableton_reply_port=self.ableton_reply_port,
            render_backend=self.render_backend, sessions_dir=self.sessions_dir,
            audio_output=self.audio_output, sample_rate=self.sample_rate,
            job_workers=max(1, self.job_workers))

    def initialize_settings(self) -> None:
        """Create the shared service and put it in the tornado settings."""
        self.workbench = Workbench(self._settings(), self.log)
        self.settings["schillinger_workbench"] = self.workbench

    def initialize_handlers(self) -> None:
        """Register every route under ``{base_url}/schillinger/api``."""
        for _path, regex, handler, kwargs in routes():
            self.handlers.append((url_path_join(API, regex), handler, kwargs))

    async def _start_jupyter_server_extension(self, serverapp: Any) -> None:
        """Start OSC, the transport push and session saving on the server's loop."""
        await self.workbench.start()

    async def stop_extension(self) -> None:
        """Stop everything the extension started."""
        wb = getattr(self, "workbench", None)
        if wb is not None:
            await wb.stop()

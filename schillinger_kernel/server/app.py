"""The :class:`SchillingerApp` ExtensionApp: configuration traits, handlers, start and stop.

>>> SchillingerApp.osc_port.default_value, SchillingerApp.osc_host.default_value
(7440, '127.0.0.1')
"""

from __future__ import annotations

import dataclasses
import os
from typing import Any

from jupyter_core.paths import jupyter_data_dir, jupyter_runtime_dir
from jupyter_server.extension.application import ExtensionApp
from jupyter_server.utils import url_path_join
from traitlets import Bool, Enum, Float, Int, List, Unicode, default, validate

from .actions import Limits
from .base import API
from .handlers import routes
from .procpool import ProcessPool, default_workers
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
    job_queue = Int(32, help="Jobs that may wait beyond the running ones (more: 429)."
                    ).tag(config=True)
    job_user_queue = Int(8, help="Jobs one user may have queued or running (more: 429)."
                         ).tag(config=True)
    job_result_ttl = Float(3600.0, help="Seconds a finished job's result is kept (on disk)."
                           ).tag(config=True)
    jobs_dir = Unicode(help="Folder for job results (a private folder is made inside); "
                       "default: Jupyter's runtime folder.").tag(config=True)
    action_workers = Int(2, help="Threads for the theory actions of every door (the event "
                         "loop only routes).").tag(config=True)
    action_queue = Int(16, help="Actions that may wait beyond the running ones (more: 429)."
                       ).tag(config=True)
    process_workers = Int(default_workers(), help="Processes for the pure-Python theory work "
                          "(compose, harmony), which in a thread would hold the "
                          "GIL and stall every request; 0 runs it in the action threads."
                          ).tag(config=True)
    process_queue = Int(16, help="Theory calls that may wait for a process beyond the running "
                        "ones (more: 429).").tag(config=True)
    osc_reply_hosts = List(Unicode(), help="IPs besides loopback that OSC replies may go to "
                           "('*': any sender; UDP source addresses can be forged)."
                           ).tag(config=True)
    osc_rate = Float(200.0, help="OSC messages per second one sender may send (bursts of as "
                     "many); beyond, packets are dropped.").tag(config=True)
    # size limits (Limits): beyond each, a 413 naming the trait
    max_body_bytes = Int(Limits.body_bytes, help="Bytes of a REST request body."
                         ).tag(config=True)
    max_ws_message_bytes = Int(Limits.ws_message_bytes, help="Bytes of a WebSocket message."
                               ).tag(config=True)
    max_ws_send_queue_bytes = Int(Limits.ws_send_queue_bytes, help="Bytes a WebSocket "
                                  "client may leave unread; beyond, it is closed (1008)."
                                  ).tag(config=True)
    max_operation_bytes = Int(Limits.operation_bytes, help="Bytes of a WebSocket message "
                              "that a session keeps (operation, param_change, presence)."
                              ).tag(config=True)
    max_osc_packet_bytes = Int(Limits.osc_packet_bytes, help="Bytes of an OSC packet."
                               ).tag(config=True)
    max_osc_reply_bytes = Int(Limits.osc_reply_bytes, help="Bytes of an OSC reply (larger "
                              "answers: /schillinger/error, use REST).").tag(config=True)
    max_rhythm_period = Int(Limits.rhythm_period, help="Units of a rhythm's period."
                            ).tag(config=True)
    max_rhythm_score_period = Int(Limits.rhythm_score_period, help="Units of a rhythm's "
                                  "period answered as a score.").tag(config=True)
    max_list_items = Int(Limits.list_items, help="Items of one list argument.").tag(config=True)
    max_chords = Int(Limits.chords, help="Chords of a progression or accompaniment."
                     ).tag(config=True)
    max_bars = Int(Limits.bars, help="Bars of a composition or score.").tag(config=True)
    max_notes = Int(Limits.notes, help="Notes of a score.").tag(config=True)
    max_json_depth = Int(Limits.json_depth, help="Nesting of arrays and objects in one "
                         "request (deeper: 400).").tag(config=True)
    max_render_seconds = Float(Limits.render_seconds, help="Seconds of audio one render or "
                               "export writes.").tag(config=True)

    osc_secret = Unicode("", help="The secret an OSC sender gives (/schillinger/auth <secret>) "
                         "before it may change anything ('': a new one at each start, written "
                         "to schillinger-osc-<pid>.json in the Jupyter runtime folder; the "
                         "server's token is accepted too).").tag(config=True)

    sessions_synchronous = Enum(["FULL", "NORMAL"], "FULL", help="FULL: every acknowledged "
                                "session change is fsynced (survives a power cut); NORMAL: "
                                "written but fsynced at checkpoints (survives a crash of the "
                                "server, ~100x faster acks on slow disks).").tag(config=True)

    @default("sessions_dir")
    def _default_sessions_dir(self) -> str:
        return os.path.join(jupyter_data_dir(), "schillinger", "sessions")

    @default("jobs_dir")
    def _default_jobs_dir(self) -> str:
        return os.path.join(jupyter_runtime_dir(), "schillinger")

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
            job_workers=max(1, self.job_workers), job_queue=self.job_queue,
            job_user_queue=max(1, self.job_user_queue), job_result_ttl=self.job_result_ttl,
            jobs_dir=self.jobs_dir,
            action_workers=max(1, self.action_workers), action_queue=self.action_queue,
            osc_reply_hosts=tuple(self.osc_reply_hosts), osc_rate=self.osc_rate,
            osc_secret=self.osc_secret, osc_tokens=self._tokens(),
            sessions_synchronous=self.sessions_synchronous,
            osc_key_file=os.path.join(jupyter_runtime_dir(), f"schillinger-osc-{os.getpid()}.json"),
            limits=Limits(**{f: getattr(self, f"max_{f}") for f in Limits.__dataclass_fields__}))

    def _tokens(self) -> tuple[str, ...]:
        token = getattr(getattr(self.serverapp, "identity_provider", None), "token", "")
        return (token,) if isinstance(token, str) and token else ()

    def initialize_settings(self) -> None:
        """Create the shared service and put it in the tornado settings."""
        self.workbench = Workbench(self._settings(), self.log)
        self.procs: ProcessPool | None = None
        if self.process_workers > 0:
            self.procs = ProcessPool(self.process_workers, self.process_queue)
            # every door reaches the actions through this context: the pool goes with it
            self.workbench.ctx = dataclasses.replace(self.workbench.ctx, procs=self.procs)
        self.settings["schillinger_workbench"] = self.workbench

    def initialize_handlers(self) -> None:
        """Register every route under ``{base_url}/schillinger/api``."""
        for route in routes():  # each with the Authorizer actions of its methods
            self.handlers.append((url_path_join(API, route.regex), route.handler,
                                  route.handler_kwargs()))

    async def _start_jupyter_server_extension(self, serverapp: Any) -> None:
        """Start OSC, the transport push and session saving on the server's loop."""
        await self.workbench.start()

    async def stop_extension(self) -> None:
        """Stop everything the extension started."""
        wb = getattr(self, "workbench", None)
        if wb is not None:
            await wb.stop()
        procs = getattr(self, "procs", None)
        if procs is not None:
            procs.shutdown()

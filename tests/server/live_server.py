"""A real ``jupyter server`` process with the installed extension, for the example clients,
the tutorial notebook and the end-to-end checks."""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

from helpers import free_port, wait_until


class LiveServer:
    """``jupyter server`` on free ports; ``url``, ``token``, ``osc_port``, ``reply_port``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = free_port()
        self.osc_port = free_port(socket.SOCK_DGRAM)
        self.reply_port = free_port(socket.SOCK_DGRAM)
        self.token = secrets.token_hex(16)
        self.url = f"http://127.0.0.1:{self.port}/"
        home = root.parent / "jupyter-home"
        self.env = {**os.environ, "JUPYTER_CONFIG_DIR": str(home / "config"),
                    "JUPYTER_DATA_DIR": str(home / "data"),
                    "JUPYTER_RUNTIME_DIR": str(home / "runtime"), "JUPYTER_TOKEN": self.token}
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = root.parent / "jupyter-server.log"

    def start(self, timeout: float = 60.0) -> LiveServer:
        cmd = [sys.executable, "-m", "jupyter_server", "--no-browser", "--allow-root",
               f"--port={self.port}", "--ip=127.0.0.1", f"--ServerApp.root_dir={self.root}",
               f"--IdentityProvider.token={self.token}",
               "--ServerApp.allow_unauthenticated_access=False",
               f"--SchillingerApp.osc_port={self.osc_port}",
               f"--SchillingerApp.osc_reply_port={self.reply_port}",
               f"--SchillingerApp.sessions_dir={self.root.parent / 'sessions'}"]
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(cmd, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        proc = self.proc

        def up() -> bool:
            if proc.poll() is not None:
                raise RuntimeError(f"jupyter server exited:\n{self.log.read_text()[-3000:]}")
            try:
                return bool(self.get("schillinger/api/status")["osc"]["enabled"])
            except OSError:
                return False

        try:
            wait_until(up, timeout, "jupyter server with OSC on", interval=0.2)
        except AssertionError as e:
            self.stop()
            raise RuntimeError(f"{e}:\n{self.log.read_text()[-3000:]}") from None
        return self

    def get(self, path: str) -> Any:
        req = urllib.request.Request(self.url + path,
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=5) as r:
            return json.loads(r.read())

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

"""``schillinger bridge URL``: its arguments and its run (for :mod:`schillinger_kernel.cli`).

    schillinger bridge https://hub.example/user/alice/ --token TOKEN
    SCHILLINGER_TOKEN=... schillinger bridge http://127.0.0.1:8888/ --osc-port 7450 --no-link

Runs until Ctrl-C. A bad URL, a refused token or an unreachable server prints one line and
exits with code 2 (bad arguments) or 1 (the server), never a traceback.

>>> import argparse
>>> p = argparse.ArgumentParser(); add_arguments(p)
>>> ns = p.parse_args(["https://hub.example/user/alice/", "--token", "t", "--no-midi"])
>>> config(ns, {}).midi, config(ns, {}).osc_port
(False, 7440)
>>> config(p.parse_args(["http://127.0.0.1:8888/", "--link-follow-only"]),
...        {"SCHILLINGER_TOKEN": "t"}).link_sets_tempo
False
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Mapping

from ...errors import ParameterError, WorkbenchError

__all__ = ["TOKEN_ENV", "add_arguments", "config", "run"]


TOKEN_ENV = "SCHILLINGER_TOKEN"  # a token in the environment stays out of `ps` and history


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The subcommand's arguments."""
    p.add_argument("url", help="the Jupyter server's address, e.g. "
                   "https://hub.example/user/alice/ (a copied …/lab address works too)")
    p.add_argument("--token", default=None,
                   help=f"API token of that server's user (default: ${TOKEN_ENV}; JupyterHub: "
                   "the hub's Token page)")
    p.add_argument("--osc-host", default="127.0.0.1",
                   help="address the local OSC door listens on (default 127.0.0.1; 0.0.0.0 "
                   "lets a phone on the LAN reach it)")
    p.add_argument("--osc-reply-host", action="append", default=[], metavar="IP",
                   help="besides this machine, an IP answers may go to (a phone running "
                   "TouchOSC; repeat for more)")
    p.add_argument("--osc-port", type=int, default=7440,
                   help="local OSC port (default 7440; a taken one: a free one nearby)")
    p.add_argument("--osc-reply-port", type=int, default=7441,
                   help="where one-shot senders (oscsend) get answers (default 7441)")
    p.add_argument("--osc-secret", default="",
                   help="what /schillinger/auth wants before changes (default: drawn now and "
                   "printed; your API token works too)")
    p.add_argument("--midi-port", default=None, metavar="NAME",
                   help="send MIDI to this existing port instead of a virtual one (Windows: "
                   "a loopMIDI port)")
    p.add_argument("--midi-name", default="Schillinger Bridge",
                   help="name of the virtual MIDI port (default 'Schillinger Bridge')")
    p.add_argument("--no-midi", action="store_true", help="no MIDI out")
    p.add_argument("--score", default=None, metavar="FILE",
                   help="a .mid or score .json whose notes MIDI out plays with the transport "
                   "(default: the score the server's transport has loaded, fetched on each "
                   "load)")
    p.add_argument("--no-link", action="store_true", help="do not join Ableton Link")
    p.add_argument("--link-follow-only", action="store_true",
                   help="Link apps follow the server's tempo and start/stop, but their tempo "
                   "changes, starts and stops are not sent to the server (default: sent, as "
                   "this token's user)")
    p.add_argument("--quantum", type=float, default=4.0,
                   help="Link quantum in beats (default 4: a 4/4 bar)")
    p.add_argument("--insecure", action="store_true",
                   help="accept a self-signed TLS certificate (testing hubs only)")


def config(ns: argparse.Namespace, env: Mapping[str, str]) -> object:
    """The :class:`~.app.BridgeConfig` of parsed arguments (``env``: for the token)."""
    from .app import BridgeConfig

    token = ns.token if ns.token is not None else env.get(TOKEN_ENV, "")
    if not token:
        raise ParameterError(f"--token: give the server's API token, or set {TOKEN_ENV} "
                             "(JupyterHub: the hub's Token page, …/hub/token)", field="token")
    key_file = ""
    with contextlib.suppress(Exception):
        from jupyter_core.paths import jupyter_runtime_dir

        key_file = os.path.join(jupyter_runtime_dir(), f"schillinger-bridge-{os.getpid()}.json")
    return BridgeConfig(url=ns.url, token=token, osc_host=ns.osc_host, osc_port=ns.osc_port,
                        osc_reply_port=ns.osc_reply_port, osc_secret=ns.osc_secret,
                        osc_reply_hosts=tuple(ns.osc_reply_host),
                        key_file=key_file, midi=not ns.no_midi, midi_name=ns.midi_name,
                        midi_port=ns.midi_port, score=ns.score, link=not ns.no_link,
                        link_sets_tempo=not ns.link_follow_only, quantum=ns.quantum,
                        validate_cert=not ns.insecure)


async def _main(cfg: object) -> int:
    from .app import Bridge, BridgeConfig

    assert isinstance(cfg, BridgeConfig)
    bridge = Bridge(cfg, say=lambda line: print(line, flush=True))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # Windows: Ctrl-C raises
            loop.add_signal_handler(sig, stop.set)
    try:
        for line in await bridge.start():
            print(line, flush=True)
        print("bridge running; Ctrl-C stops it", flush=True)
        await bridge.serve(stop)
    finally:
        bridge.close()
    print("bridge stopped", flush=True)
    return 0


def run(ns: argparse.Namespace) -> int:
    """Run the bridge until Ctrl-C; one line and exit code 1 when the server fails it."""
    cfg = config(ns, os.environ)  # bad arguments: ValueError, exit 2 by the CLI
    try:
        return asyncio.run(_main(cfg))
    except KeyboardInterrupt:
        print("bridge stopped", flush=True)
        return 0
    except (ValueError, TypeError):
        raise
    except WorkbenchError as exc:
        print(f"schillinger bridge: error: {exc}", file=sys.stderr)
        return 1

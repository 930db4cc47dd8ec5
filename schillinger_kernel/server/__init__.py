"""The Jupyter server extension: REST, WebSocket and OSC APIs, transport clock, DAW bridge.

Enabled on install by ``jupyter-config/server-config/schillinger_kernel.json`` (installed to
``etc/jupyter/jupyter_server_config.d``). Configure it like any Jupyter application, e.g.
``jupyter lab --SchillingerApp.osc_port=7440 --SchillingerApp.osc_host=0.0.0.0``.

Importing this package stays light: the tornado/jupyter_server parts load when the server asks
for the extension points.

>>> [p["module"] for p in _jupyter_server_extension_points()]
['schillinger_kernel.server']
"""

from __future__ import annotations

from typing import Any

from .. import __version__ as __version__

__all__ = ["SchillingerApp"]


def _jupyter_server_extension_points() -> list[dict[str, Any]]:
    """The extension point jupyter_server loads: the :class:`SchillingerApp` ExtensionApp."""
    from .app import SchillingerApp

    return [{"module": "schillinger_kernel.server", "app": SchillingerApp}]


def __getattr__(name: str) -> Any:
    if name == "SchillingerApp":
        from .app import SchillingerApp

        return SchillingerApp
    raise AttributeError(f"module 'schillinger_kernel.server' has no attribute {name!r}")

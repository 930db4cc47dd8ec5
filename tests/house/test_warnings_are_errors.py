"""The test configuration turns our own warnings and Jupyter's auth warning into errors.

A handler that loses its ``@authorized`` makes jupyter-server warn, not fail; these checks keep
the configuration that turns such a warning into a failing test.
"""

from __future__ import annotations

import warnings

import pytest
from jupyter_server.utils import JupyterServerAuthWarning


def test_a_warning_from_our_modules_fails_the_test() -> None:
    with pytest.raises(UserWarning, match="planted"):
        warnings.warn_explicit("planted", UserWarning, "pitch.py", 1,
                               module="schillinger_kernel.pitch")


def test_jupyters_auth_warning_fails_the_test() -> None:
    with pytest.raises(JupyterServerAuthWarning):
        warnings.warn("handler is not authorized", JupyterServerAuthWarning, stacklevel=1)


def test_other_libraries_warnings_stay_warnings() -> None:
    with pytest.warns(UserWarning):
        warnings.warn_explicit("noise", UserWarning, "lib.py", 1, module="somelib.mod")

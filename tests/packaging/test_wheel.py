"""The wheel is truly prebuilt: installed into a fresh virtual environment on a PATH without
Node, JupyterLab lists the lab extension and jupyter_server the server extension, both OK.

The wheel is built once per module with ``uv build --wheel`` (the hatch-jupyter-builder hook
reuses the front-end bundles ``make`` built, or builds them when they are missing), then
installed with ``uv pip install`` from uv's cache into a temporary venv.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import schillinger_kernel

ROOT = Path(__file__).resolve().parents[2]
NPM_NAME = "schillinger-workbench"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _uv() -> str | None:
    local = Path(sys.executable).with_name("uv")
    return str(local) if local.exists() else shutil.which("uv")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    uv = _uv()
    cmd = ([uv, "build", "--wheel", "--out-dir", str(out), str(ROOT)] if uv else
           [sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)])
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, (
        f"wheel build failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    wheels = list(out.glob("schillinger_workbench-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def test_wheel_carries_the_prebuilt_lab_extension(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    data = f"schillinger_workbench-{schillinger_kernel.__version__}.data/data/"
    ext = f"{data}share/jupyter/labextensions/{NPM_NAME}/"
    with zipfile.ZipFile(wheel) as zf:
        meta = json.loads(zf.read(ext + "package.json"))
        install = json.loads(zf.read(ext + "install.json"))
        server_cfg = json.loads(
            zf.read(f"{data}etc/jupyter/jupyter_server_config.d/schillinger_kernel.json"))
    # the front-end's version is the one the sidebar's handshake compares with the server's
    assert meta["name"] == NPM_NAME
    assert meta["version"] == schillinger_kernel.__version__
    assert ext + meta["jupyterlab"]["_build"]["load"] in names, "remoteEntry missing"
    assert ext + "static/style.js" in names
    assert install["packageManager"] == "python"
    assert install["packageName"] == "schillinger-workbench"
    assert server_cfg["ServerApp"]["jpserver_extensions"]["schillinger_kernel.server"] is True
    # built output only: no TypeScript sources, no node_modules, nothing of the build inside
    # the import package itself
    assert not [n for n in names if "node_modules" in n or n.endswith(".ts")]
    assert not [n for n in names if n.startswith("schillinger_kernel/labextension/")]


@pytest.mark.slow
def test_fresh_venv_without_node_lists_both_extensions_ok(wheel: Path, tmp_path: Path) -> None:
    uv = _uv()
    venv = tmp_path / "venv"
    if uv:
        subprocess.run([uv, "venv", "-q", "--python", sys.executable, str(venv)], check=True,
                       timeout=120)
        install = [uv, "pip", "install", "-q", "--python", str(venv / "bin" / "python"), str(wheel)]
    else:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
        install = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)]
    done = subprocess.run(install, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]

    # A machine without Node: the venv's bin is the whole PATH.
    path = str(venv / "bin")
    assert shutil.which("node", path=path) is None and shutil.which("npm", path=path) is None
    home = tmp_path / "home"
    env = {"PATH": path, "HOME": str(home), "LANG": "C.UTF-8",
           "JUPYTER_CONFIG_DIR": str(home / "config"), "JUPYTER_DATA_DIR": str(home / "data"),
           "JUPYTER_RUNTIME_DIR": str(home / "runtime")}

    def run(*args: str) -> str:
        out = subprocess.run([str(venv / "bin" / "jupyter"), *args], capture_output=True,
                             text=True, env=env, timeout=120)
        assert out.returncode == 0, out.stdout + out.stderr
        return ANSI.sub("", out.stdout + out.stderr)

    labext = run("labextension", "list")
    section = labext.split(f"{venv}/share/jupyter/labextensions", 1)
    assert len(section) == 2, f"the venv's labextensions folder is not listed:\n{labext}"
    line = re.search(rf"^\s*{NPM_NAME} v(\S+) enabled OK \(python, schillinger-workbench\)\s*$",
                     section[1], re.M)
    assert line, f"lab extension not enabled and OK:\n{labext}"
    assert line.group(1) == schillinger_kernel.__version__

    server = run("server", "extension", "list")
    venv_cfg = server.split(f"Config dir: {venv}/etc/jupyter", 1)
    assert len(venv_cfg) == 2, f"the venv's config dir is not listed:\n{server}"
    assert re.search(r"^\s*schillinger_kernel\.server enabled\s*$", venv_cfg[1], re.M), server
    assert re.search(r"^\s*schillinger_kernel\.server \S+ OK\s*$", venv_cfg[1], re.M), server

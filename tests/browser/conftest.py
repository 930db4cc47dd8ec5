"""Reusable fixtures for real-browser tests: a JupyterLab server and Debian's Chromium.

* ``lab_server`` (session): ``jupyter lab`` started as a subprocess of this Python on a free
  loopback port, with a random token, ``--allow-root`` when running as root, its own root
  folder (``lab_server.root``), settings, runtime, workspace and shared-session folders, and
  news checks off.
  ``lab_server.url_for("lab/tree/x.ipynb")`` gives an authenticated URL;
  ``lab_server.workbench("sessions")`` calls the workbench's REST API with the token.
* ``browser`` (session) / ``page`` (per test): Playwright for Python driving
  ``/usr/bin/chromium`` (never a downloaded browser), headless, with the flags that keep it off
  the network. Console errors of the page are collected in ``page.console_errors``.
* ``write_notebook(name, sources)`` writes a notebook into the server's root;
  ``open_notebook(page, name)`` opens it in the lab UI and waits for an idle kernel;
  ``open_notebook7(page, name)`` opens it in Notebook 7's page (``/notebooks/<name>``);
  ``run_cell(page, index)`` (a fixture) executes one cell from the keyboard and waits.
* ``ARTIFACTS``: ``test-artifacts/`` at the repository root (git-ignored) for screenshots.

Tests here are skipped, with a message, only when ``/usr/bin/chromium`` is missing.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import pytest
from helpers import free_port, stop, wait_until

CHROMIUM = os.environ.get("SCHILLINGER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
LAB_START_TIMEOUT = 120.0


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder is a browser test (and a slow one)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)


def _require_chromium() -> None:
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.skip(f"browser test skipped: Debian's chromium is missing at {CHROMIUM} "
                    "(install it with `apt-get install chromium`; .ci/run does)")


@dataclass
class LabServer:
    """A running JupyterLab: where it listens, its token, its root folder and its log."""

    url: str
    token: str
    root: Path
    log: Path
    process: subprocess.Popen[bytes]

    def url_for(self, path: str) -> str:
        sep = "&" if "?" in path else "?"
        return f"{self.url}{path.lstrip('/')}{sep}token={self.token}"

    def api(self, path: str) -> Any:
        req = urllib.request.Request(f"{self.url}api/{path.lstrip('/')}",
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read() or b"null")

    def workbench(self, path: str, body: dict[str, Any] | None = None,
                  method: str | None = None) -> Any:
        """Call ``{base_url}/schillinger/api/{path}`` with the token: GET, or POST ``body``
        (or ``method``, e.g. ``"PATCH"``, ``"DELETE"``); the JSON answer."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(f"{self.url}schillinger/api/{path}", data=data,
                                     method=method,
                                     headers={"Authorization": f"token {self.token}",
                                              "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read() or b"null")

    def log_tail(self, n: int = 60) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return "(no log)"


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    """JupyterLab in a subprocess, authenticated by a token, rooted in a temp folder."""
    _require_chromium()
    base = tmp_path_factory.mktemp("lab")
    root, settings, runtime = base / "root", base / "settings", base / "runtime"
    for d in (root, settings, runtime, base / "workspaces"):
        d.mkdir()
    # no "fetch the news?" toast over the notebook
    apputils = settings / "@jupyterlab" / "apputils-extension"
    apputils.mkdir(parents=True)
    (apputils / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    # the lab extension as built from extension/ now, ahead of the copy an install put in the
    # venv (the first of the labextension paths that has it wins)
    extra = base / "labextensions"
    extra.mkdir()
    built = REPO / "schillinger_kernel" / "labextension"
    if (built / "package.json").is_file():
        (extra / "schillinger-workbench").symlink_to(built, target_is_directory=True)
    port, token = free_port(), secrets.token_hex(16)
    env = {**os.environ, "JUPYTERLAB_SETTINGS_DIR": str(settings),
           "JUPYTERLAB_WORKSPACES_DIR": str(base / "workspaces"),
           "JUPYTER_RUNTIME_DIR": str(runtime), "PYTHONUNBUFFERED": "1",
           # the repository's jupyter-config/labconfig, which the wheel installs (an editable
           # install does not): the widget manager saves widget state with notebooks
           "JUPYTER_CONFIG_PATH": os.pathsep.join(
               [str(REPO / "jupyter-config"), *filter(None, [os.environ.get(
                   "JUPYTER_CONFIG_PATH")])])}
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}",
           "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}",
           f"--ServerApp.root_dir={root}", "--ServerApp.port_retries=0",
           "--LabApp.news_url=", "--ServerApp.disable_check_xsrf=False",
           # OSC on any free UDP port: the default 7440 may be taken by another server
           "--SchillingerApp.osc_port=0", f"--LabApp.extra_labextensions_path={extra}",
           # shared sessions in this run's folder, not the user's data dir: runs stay apart
           f"--SchillingerApp.sessions_dir={base / 'sessions'}",
           f"--JupyterNotebookApp.extra_labextensions_path={extra}"]  # Notebook 7's pages
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    log = base / "lab.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=root)
    server = LabServer(f"http://127.0.0.1:{port}/", token, root, log, proc)

    def answers() -> bool:
        if proc.poll() is not None:
            pytest.fail(f"jupyter lab exited with {proc.returncode}:\n{server.log_tail()}")
        try:
            server.api("status")
        except OSError:
            return False
        return True

    try:
        wait_until(answers, LAB_START_TIMEOUT, "jupyter lab to answer", interval=0.5)
    except AssertionError as e:
        proc.terminate()
        pytest.fail(f"{e}:\n{server.log_tail()}")
    try:
        yield server
    finally:
        stop(proc)


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium under Playwright (no browser download, ever)."""
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser context and page; ``page.console_errors`` collects console errors."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.console_errors = errors
    try:
        yield pg
    finally:
        context.close()


@pytest.fixture
def write_notebook(lab_server: LabServer) -> Callable[[str, list[str]], Path]:
    """Write a python3 notebook of code cells into the server's root; returns its path."""

    def write(name: str, sources: list[str]) -> Path:
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                     "language": "python"}
        nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
        path = lab_server.root / name
        nbformat.write(nb, path)
        return path

    return write


@pytest.fixture
def open_notebook(lab_server: LabServer) -> Callable[..., None]:
    """Open a notebook of the server's root in the lab UI and wait for its kernel to be idle."""

    def open_(pg: Any, name: str, timeout: float = 90.0) -> None:
        # a workspace of its own (reset), so notebooks of earlier tests are not reopened
        workspace = secrets.token_hex(4)
        pg.goto(lab_server.url_for(f"lab/workspaces/{workspace}/tree/{name}?reset"),
                timeout=timeout * 1000)
        pg.wait_for_selector(".jp-Notebook:visible .jp-Cell", timeout=timeout * 1000)
        # the status bar reads "No Kernel | Initializing", then "<kernel> | Connecting", then
        # "<kernel> | Idle" once the kernel can run cells
        pg.wait_for_function(
            "() => [...document.querySelectorAll('.jp-StatusBar-TextItem')].some(e =>"
            " /\\|\\s*Idle\\s*$/.test(e.textContent) && !/No Kernel/.test(e.textContent))",
            timeout=timeout * 1000)

    return open_


@pytest.fixture
def open_notebook7(lab_server: LabServer) -> Callable[..., None]:
    """Open a notebook of the server's root in Notebook 7's own page (``/notebooks/<name>``,
    served by the same server when the ``notebook`` package is installed) and wait until its
    kernel can run cells. Notebook 7 has no status bar: the kernel is ready when the toolbar
    names it and the server reports the notebook's session kernel idle."""

    def open_(pg: Any, name: str, timeout: float = 90.0) -> None:
        pg.goto(lab_server.url_for(f"notebooks/{name}"), timeout=timeout * 1000)
        pg.wait_for_selector("body[data-notebook='notebooks'] .jp-Notebook .jp-Cell",
                             timeout=timeout * 1000)
        pg.wait_for_function(
            "() => [...document.querySelectorAll('.jp-KernelName')].some(e =>"
            " e.textContent.trim() && !/No Kernel/i.test(e.textContent))",
            timeout=timeout * 1000)
        try:
            wait_until(lambda: any(
                s.get("path") == name and (s.get("kernel") or {}).get("execution_state")
                == "idle" for s in lab_server.api("sessions")),
                timeout, f"an idle kernel for {name}", interval=0.2)
        except AssertionError as e:
            raise AssertionError(f"{e}:\n{lab_server.log_tail()}") from None

    return open_


def _run_cell(pg: Any, index: int, timeout: float = 90.0) -> Any:
    """Execute cell ``index`` from the keyboard (Shift+Enter); returns its output locator."""
    cell = pg.locator(".jp-Notebook:visible .jp-Cell").nth(index)
    cell.locator(".jp-InputArea-editor").click()
    pg.keyboard.press("Shift+Enter")
    prompt = cell.locator(".jp-InputPrompt")

    def done() -> bool:  # the prompt reads "[*]:" while running and "[n]:" when done
        text = (prompt.text_content() or "").strip()
        return bool(text) and "*" not in text and any(ch.isdigit() for ch in text)

    try:
        wait_until(done, timeout, f"cell {index} to finish", interval=0.1)
    except AssertionError as e:
        ARTIFACTS.mkdir(exist_ok=True)
        shot = ARTIFACTS / f"run_cell_{index}_timeout.png"
        pg.screenshot(path=str(shot))
        raise AssertionError(f"{e} (prompt {prompt.text_content()!r}); screenshot: {shot}") \
            from None
    return cell.locator(".jp-OutputArea")


@pytest.fixture
def run_cell() -> Callable[..., Any]:
    """``run_cell(page, index, timeout=90)``: execute a cell from the keyboard, wait, return
    its output area."""
    return _run_cell


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """``test-artifacts/`` (git-ignored) for screenshots and logs."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


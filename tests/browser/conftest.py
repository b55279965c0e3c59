"""Fixtures for the browser tests: a real JupyterLab on a temp copy of the course, driven
by Debian's headless chromium through Playwright (sync API).

One JupyterLab server serves the whole session (starting it costs seconds on a small
machine); each test gets its own browser context and, through ``fresh_copy``, its own
copy of the notebook it works on, so no test sees another's answers.json.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from labpage import LabPage, JupyterServer

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
# Without these, chromium tries to reach Google's services, which are refused here.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# What a learner or an instructor gets: the course, the assignments and the course config.
COURSE_PARTS = ["course", "exercises", "solutions", "graders", "nbgrader_config.py"]
# No settings of our own: the course's (make install: Japanese, no news pop-up, the
# pre-save hook) come from the virtualenv, as they do for a learner.
SERVER_START_TIMEOUT = 120  # seconds; only an upper bound, the fixture polls /api/status


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the item so fixtures can see whether the test failed.
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def _free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _copy_course(root: Path) -> None:
    ignore = shutil.ignore_patterns("answers.json*", "*.corrupt-*", ".ipynb_checkpoints", "__pycache__")
    for part in COURSE_PARTS:
        src = REPO / part
        if src.is_dir():
            shutil.copytree(src, root / part, ignore=ignore)
        elif src.is_file():
            shutil.copy2(src, root / part)


def _isolated_env(home: Path, root: Path) -> dict[str, str]:
    """Environment for the server and its kernels: the user's settings never leak in."""
    env = dict(os.environ)
    dirs = {
        "JUPYTER_CONFIG_DIR": home / "config",
        "JUPYTER_RUNTIME_DIR": home / "runtime",
        "JUPYTER_DATA_DIR": home / "data",
        "JUPYTERLAB_SETTINGS_DIR": home / "lab-settings",
        "JUPYTERLAB_WORKSPACES_DIR": home / "lab-workspaces",
        "IPYTHONDIR": home / "ipython",
        "MPLCONFIGDIR": home / "matplotlib",
    }
    for name, path in dirs.items():
        path.mkdir(parents=True, exist_ok=True)
        env[name] = str(path)
    # Kernels import graders from the temp copy, as a learner's kernel would from the course.
    env["PYTHONPATH"] = os.pathsep.join(p for p in [str(root), env.get("PYTHONPATH", "")] if p)
    env.pop("JUPYTER_PATH", None)
    # nbgrader runs tools such as alembic by name: find the ones next to this Python.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["PYTHONUNBUFFERED"] = "1"
    return env


@pytest.fixture(scope="session")
def artifacts_dir(pytestconfig) -> Path:
    path = pytestconfig.rootpath / "artifacts" / "browser"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        pytest.skip(
            "browser tests need Debian's chromium at /usr/bin/chromium "
            "(`make test` installs it with scripts/ensure-chromium.sh)"
        )
    return CHROMIUM


@pytest.fixture(scope="session")
def lab_server(chromium_path, artifacts_dir):
    """A JupyterLab server on a temp copy of the course; stopped by its process id."""
    home = Path(tempfile.mkdtemp(prefix="outai-browser-"))
    root = home / "course-root"
    root.mkdir()
    _copy_course(root)
    env = _isolated_env(home, root)
    port = _free_loopback_port()
    token = os.urandom(24).hex()
    log_path = artifacts_dir / "jupyterlab.log"
    log = open(log_path, "w", encoding="utf-8")
    cmd = [
        sys.executable, "-m", "jupyter", "lab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.token={token}",
        f"--ServerApp.root_dir={root}",
        "--ServerApp.open_browser=False",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")  # CI containers often run as root
    # cwd is the course root: nbgrader's Validate handler reads nbgrader_config.py from there.
    proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    server = JupyterServer(url=f"http://127.0.0.1:{port}", token=token, root=root, process=proc)
    try:
        server.wait_until_ready(SERVER_START_TIMEOUT, log_path)
        yield server
    finally:
        server.stop()
        log.close()
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        # launch() gives every run a fresh, throw-away user data dir.
        browser = pw.chromium.launch(executable_path=str(chromium_path), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _safe_name(nodeid: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid.split("::")[-1])


@pytest.fixture(scope="session")
def browser_context(browser):
    """One context for the session, so JupyterLab's scripts come from the HTTP cache after
    the first test; every test still opens its own page in its own JupyterLab workspace."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="ja-JP")
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def lab(request, browser_context, lab_server, artifacts_dir):
    """A new page on the shared server; a screenshot is saved if the test fails."""
    page = browser_context.new_page()
    dialogs: list[str] = []

    def on_dialog(dialog):
        # Leaving a page with unsaved cells asks "leave site?": a learner says yes. Any
        # other dialog (alert, confirm, prompt) is recorded: the tests expect none.
        if dialog.type == "beforeunload":
            dialog.accept()
        else:
            dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

    page.on("dialog", on_dialog)
    lab_page = LabPage(page, lab_server, workspace=_safe_name(request.node.nodeid), dialogs=dialogs)
    try:
        yield lab_page
    finally:
        failed = any(getattr(request.node, f"rep_{when}", None) is not None
                     and getattr(request.node, f"rep_{when}").failed for when in ("setup", "call"))
        if failed:
            try:
                page.screenshot(path=str(artifacts_dir / f"{_safe_name(request.node.nodeid)}.png"), full_page=True)
            except Exception as e:  # the screenshot must never hide the real failure
                print(f"could not save a screenshot: {e}", file=sys.stderr)
        page.close(run_before_unload=False)
        lab_server.shutdown_kernels()


@pytest.fixture
def fresh_copy(request, lab_server):
    """Copy a folder of the course to a new folder of its own inside the server root.

    Returns a function: fresh_copy("exercises/01-apology-order") -> Path of the copy
    (relative paths inside the server root are ``copy.relative_to(lab_server.root)``).
    """
    base = lab_server.root / "work" / _safe_name(request.node.nodeid)

    def make(folder: str) -> Path:
        src = lab_server.root / folder
        dst = base / Path(folder).name
        shutil.copytree(src, dst, ignore=shutil.ignore_patterns("answers.json*", ".ipynb_checkpoints"))
        return dst

    return make

"""The README followed literally on a fresh clone: set-up (`make lab`, as root in a container)
and the instructor's one round (the commands of "一回分の流れ").

The clone gets its own .venv from `make install`; pip's cache makes that an install, not a
download. Slow (minutes): it is what a new learner and a new instructor do first.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from graders.learner import answers
from test_nbgrader_cycle import GOOD_REPLY

pytestmark = pytest.mark.readme

REPO = Path(__file__).resolve().parents[1]
ASSIGNMENT = "01-apology-order"
REPLY = GOOD_REPLY  # a learner's own reply (the instructors' reference would be caught as a copy)
INSTALL_TIMEOUT = 1800  # seconds: an upper bound for pip on a busy machine (cached wheels)
LAB_TIMEOUT = 180


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def readme_block(heading: str) -> list[str]:
    """The command lines (comments and blank lines dropped) of the bash block under ``heading``."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split(heading, 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, re.S).group(1)
    return [line.split("  #")[0].strip() for line in block.splitlines() if line.strip() and not line.lstrip().startswith("#")]


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    """A fresh clone of the committed tree with `make install` done, as the README says."""
    if shutil.which("make") is None or shutil.which("git") is None:
        pytest.skip("needs make and git")
    target = tmp_path_factory.mktemp("readme") / "outai"
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(REPO), str(target)], check=True)
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    done = subprocess.run(["make", "install"], cwd=target, env=env, capture_output=True, text=True, timeout=INSTALL_TIMEOUT)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "[2/3]" in done.stdout and "[3/3]" in done.stdout  # progress, not minutes of silence
    return target


def test_make_lab_starts_as_this_user_and_says_how_to_reach_it(clone):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "DISPLAY")}
    env["BROWSER"] = "true"  # a headless machine: no browser to open
    log = clone / "make-lab.log"
    with open(log, "w", encoding="utf-8") as out:
        lab = subprocess.Popen(["make", "lab", f"LAB_PORT={port}"], cwd=clone, env=env, stdout=out,
                               stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + LAB_TIMEOUT
        url = None
        while url is None and time.monotonic() < deadline:
            assert lab.poll() is None, log.read_text(encoding="utf-8")[-3000:]
            url = re.search(rf"http://(?:localhost|127\.0\.0\.1):{port}/lab\?token=(\w+)", log.read_text(encoding="utf-8"))
            time.sleep(0.5)  # polling the log for the URL the README tells people to open
        assert url, log.read_text(encoding="utf-8")[-3000:]
        printed = log.read_text(encoding="utf-8")
        assert "lab?token=" in printed and "URL" in printed
        if os.geteuid() == 0:
            assert "--allow-root" in printed
        token = url.group(1)

        def get(path: str) -> dict:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}?token={token}", timeout=30) as response:
                return json.loads(response.read())

        # The course's settings reach this JupyterLab (overrides.json becomes the schema's
        # defaults): Japanese, and no news pop-up.
        def default(plugin: str, key: str):
            return get(f"/lab/api/settings/{plugin}")["schema"]["properties"][key]["default"]

        assert default("@jupyterlab/translation-extension:plugin", "locale") == "ja_JP"
        assert default("@jupyterlab/apputils-extension:notification", "fetchNews") == "false"
        assert "ja_JP" in get("/lab/api/translations")["data"]
    finally:
        os.killpg(lab.pid, signal.SIGTERM)  # make and the jupyter it started, by our own process group
        lab.wait(timeout=60)


def test_the_instructors_round_runs_as_written(clone):
    """Every command of the README's "一回分の流れ" block, in order, in the clone's .venv."""
    commands = readme_block("### 一回分の流れ（コマンド）")
    assert commands[0] == "source .venv/bin/activate"
    script = []
    for command in commands:
        if command == "jupyter lab":
            continue  # the formgrader is a browser session; the other tests look at it
        if command.startswith(("nbgrader autograde", "python -m graders autograde")):
            # Step 2 of the README is done by hand: a learner's notebook and answers.json.
            script.append(f"mkdir -p submitted/learner-1/{ASSIGNMENT} && cp exercises/{ASSIGNMENT}/{ASSIGNMENT}.ipynb submitted/learner-1/{ASSIGNMENT}/")
        script.append(command)
    folder = clone / "submitted" / "learner-1" / ASSIGNMENT
    folder.mkdir(parents=True, exist_ok=True)
    answers.save(folder / "answers.json", f"{ASSIGNMENT}.q1", REPLY, event="check")
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", "\n".join(script)], cwd=clone, env=env,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, "\n".join(script) + "\n" + done.stdout[-2000:] + done.stderr[-4000:]
    feedback = (clone / "feedback" / "learner-1" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text(encoding="utf-8")
    assert REPLY.split("。")[0] in feedback  # the graded reply, shown to the learner
    grades = (clone / "grades.csv").read_text(encoding="utf-8")
    assert "learner-1" in grades
    assert subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=clone,
                          capture_output=True, text=True).stdout == ""  # the round leaves tracked files alone

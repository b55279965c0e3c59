"""Fixtures of the hub tests: a class on a real JupyterHub, and one round on it (classround.py)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from classround import PREFIX, Round, hub, run_round


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.hub)


@pytest.fixture(scope="session")
def classroom():
    if os.geteuid() != 0:
        pytest.skip("the hub tests need root: the class's accounts are Unix users (CI runs as root)")
    if not hub.PROXY.exists():
        pytest.skip("configurable-http-proxy is missing: run `make hub-install` (make test does)")
    state = Path(tempfile.mkdtemp(prefix="outai-hub-"))
    room = hub.Classroom.prepare(state, hub.free_port(), prefix=PREFIX)
    try:
        room.start()
        yield room
    finally:
        leftovers = room.stop()
        shutil.rmtree(state, ignore_errors=True)
        assert not leftovers, f"processes still running after the hub stopped: {leftovers}"


@pytest.fixture(scope="session")
def class_round(classroom) -> Round:
    return run_round(classroom)

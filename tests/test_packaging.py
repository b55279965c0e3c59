"""pyproject.toml is the one source of dependencies; environment.yml must mirror it."""

import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent


def _pyproject() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    found = {}
    for line in project["dependencies"] + [d for extra in project["optional-dependencies"].values() for d in extra]:
        req = Requirement(line)
        found[canonicalize_name(req.name)] = str(req.specifier)
    return found


def _environment() -> dict[str, str]:
    found, in_pip = {}, False
    for raw in (ROOT / "environment.yml").read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].rstrip()
        stripped = line.strip()
        if stripped == "- pip:":
            in_pip = True
            continue
        if not stripped.startswith("- ") or stripped in ("- conda-forge",):
            continue
        item = stripped[2:].strip()
        if item == "-e .":
            continue
        req = Requirement(item.replace(" ", ""))
        if req.name in ("python", "pip"):
            continue
        found[canonicalize_name(req.name)] = str(req.specifier)
    return found


def test_environment_lists_the_same_packages_as_pyproject():
    assert _environment() == _pyproject()


def test_environment_installs_the_package_in_development_mode():
    assert "      - -e ." in (ROOT / "environment.yml").read_text(encoding="utf-8").splitlines()


def test_nbgrader_pins_are_repeated():
    deps = _pyproject()
    assert deps["nbgrader"] == "==0.9.6"
    # nbgrader 0.9.6 pins these (DESIGN.md); repeating them keeps pip from picking others.
    assert deps["jupyterlab"] == "<5,>=4.2"
    assert deps["notebook"] == "<8,>=7.2"
    assert deps["jupyter-client"] == "<9"

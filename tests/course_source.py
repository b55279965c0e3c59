"""A new course folder for the real nbgrader tests: the course config and one assignment's
source, without any answers.json or checkpoints that lie in the repository's solutions/."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def new_course(tmp_path_factory, assignment: str) -> Path:
    course = tmp_path_factory.mktemp("course")
    shutil.copy2(ROOT / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "solutions" / assignment, course / "solutions" / assignment,
                    ignore=shutil.ignore_patterns("answers.json*", ".ipynb_checkpoints"))
    return course

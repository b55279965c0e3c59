"""The instructors' reference replies: solutions/reference-replies.toml in the course folder.

They are the answer cells' solution regions (graders.assignments.authoring) and the texts
a learner must not hand back (graders.assignments.integrity.copies_reference). The file
sits in the course folder only: the installed package never holds it, nbgrader never
releases it (it is not inside an assignment folder), and no grade cell reads it, so no
learner kernel can print it. Copies are caught outside the kernel
(``python -m graders autograde``, ``grade-cohort``).
"""

from __future__ import annotations

import functools
import os
import tomllib
from pathlib import Path

from ..checker.errors import InputError

FILENAME = Path("solutions") / "reference-replies.toml"


def path_in(course_dir: str | os.PathLike) -> Path:
    return Path(course_dir) / FILENAME


@functools.cache
def _load(path: Path) -> dict[str, str]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise InputError(f"講師用の解答例「{path}」を読めません: {e}") from None
    return {sid: str(entry.get("solution", "")).strip() for sid, entry in data.items() if isinstance(entry, dict)}


def load(course_dir: str | os.PathLike) -> dict[str, str]:
    """{scenario id: reference reply}; {} when the course folder has none."""
    return _load(path_in(course_dir).resolve())


def reference_for(course_dir: str | os.PathLike, scenario_id: str) -> str:
    return load(course_dir).get(scenario_id, "")


__all__ = ["FILENAME", "load", "path_in", "reference_for"]

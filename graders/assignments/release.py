"""Regenerate exercises/ (nbgrader's release) from solutions/ with the real nbgrader.

    python -m graders.assignments.release              # from the repository root (the course directory)
    python -m graders.assignments.release --gradebook  # also record the assignments in ./gradebook.db

nbgrader generate_assignment runs in a temporary copy of the course (nbgrader_config.py
and solutions/ without any answers.json), so no gradebook.db and no stray file ever
reaches the release; the release notebooks are then copied into exercises/<assignment>/.
Anything else in exercises/ (a learner's answers.json) is kept, with a warning, because
`nbgrader release_assignment` would hand it out.

--gradebook records the assignments and their grade cells in the course's gradebook.db,
which `nbgrader autograde` needs. (Running `nbgrader generate_assignment --force` in the
course itself would do that too, but it deletes exercises/<assignment>/ first and copies
any answers.json lying in solutions/ into the release.)

A release notebook whose answer cells hold someone's typing is not overwritten (exit 2)
unless --force is given, so a learner working in exercises/ never loses an answer.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

from .authoring import CONFIG, course_root
from ..checker.errors import InputError

SOURCE = "solutions"
RELEASE = "exercises"
# Never copied into the temporary course: learners' answers and editor debris.
SKIP = ("answers.json*", "*.corrupt-*", ".ipynb_checkpoints", "__pycache__", ".answers-*")


def normalized(nb: nbformat.NotebookNode) -> dict:
    """What a release notebook says, without metadata an editor may add (widget state, trust)."""
    return {
        "kernelspec": nb.metadata.get("kernelspec", {}),
        "cells": [
            {
                "id": cell.get("id"),
                "cell_type": cell.cell_type,
                "source": cell.source,
                "nbgrader": cell.metadata.get("nbgrader", {}),
                "outputs": cell.get("outputs", []),
            }
            for cell in nb.cells
        ],
    }


def nbgrader_command() -> list[str]:
    return [sys.executable, "-m", "nbgrader"]


def nbgrader_env() -> dict[str, str]:
    """nbgrader runs `alembic` by name when it creates a gradebook: put this Python's bin first."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def generate(root: Path, dest: Path, gradebook: Path | None = None) -> dict[str, Path]:
    """Run nbgrader generate_assignment on a copy of ``root``; the release goes to ``dest``.

    With ``gradebook``, the assignments are recorded in that database; else none is written.
    Returns {"<assignment>/<notebook>.ipynb": path under dest}.
    """
    with tempfile.TemporaryDirectory(prefix="outai-release-") as tmp:
        work = Path(tmp)
        shutil.copy2(root / CONFIG, work / CONFIG)
        shutil.copytree(root / SOURCE, work / SOURCE, ignore=shutil.ignore_patterns(*SKIP))
        database = [f"--CourseDirectory.db_url=sqlite:///{gradebook.resolve()}"] if gradebook else ["--no-db"]
        done = subprocess.run(
            [*nbgrader_command(), "generate_assignment", "*", "--force", *database],
            cwd=work,
            env=nbgrader_env(),
            capture_output=True,
            text=True,
        )
        released = work / RELEASE
        if done.returncode != 0 or not released.is_dir():
            tail = "\n".join(done.stderr.strip().splitlines()[-15:])
            raise InputError(f"nbgrader generate_assignment が失敗しました:\n{tail}")
        dest.mkdir(parents=True, exist_ok=True)
        found = {}
        for notebook in sorted(released.glob("*/*.ipynb")):
            relative = notebook.relative_to(released)
            target = dest / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(notebook, target)
            found[relative.as_posix()] = target
        return found


def _typed_answers(old: Path, new: Path) -> bool:
    """Does the existing release notebook ``old`` hold answer cells unlike a fresh release?"""
    try:
        before = nbformat.read(old, as_version=4)
    except (OSError, ValueError, json.JSONDecodeError):
        return True  # unreadable: keep it for a human to look at
    after = nbformat.read(new, as_version=4)

    def answers(nb):
        return {
            c.metadata["nbgrader"].get("grade_id"): c.source
            for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("solution")
        }

    return answers(before) != answers(after)


def release(root: str | Path | None = None, force: bool = False, gradebook: bool = False) -> list[str]:
    """Regenerate exercises/ under ``root``; return the notebooks written.

    ``gradebook``: also record the assignments in ``root``/gradebook.db.
    """
    root = course_root(root)
    with tempfile.TemporaryDirectory(prefix="outai-release-out-") as tmp:
        fresh = generate(root, Path(tmp), root / "gradebook.db" if gradebook else None)
        targets = {name: root / RELEASE / name for name in fresh}
        typed = [name for name, target in targets.items() if target.exists() and _typed_answers(target, fresh[name])]
        if typed and not force:
            raise InputError(
                "次のノートブックの回答セルに書き込みがあるため、上書きしませんでした: "
                + ", ".join(f"{RELEASE}/{n}" for n in typed)
                + "。回答を別の場所に保存してから、--force を付けて実行してください。"
            )
        written = []
        for name, target in targets.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.exists() or target.read_bytes() != fresh[name].read_bytes():
                shutil.copyfile(fresh[name], target)
                written.append(name)
    # nbgrader release_assignment hands out the whole folder: say what else is in it.
    for extra in sorted(p for p in (root / RELEASE).glob("*/*") if p.relative_to(root / RELEASE).as_posix() not in targets):
        name = extra.relative_to(root).as_posix()
        print(f"release: {name} は配布版の一部ではありません。nbgrader release_assignment の前に移動してください。", file=sys.stderr)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m graders.assignments.release", description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="overwrite release notebooks even if answer cells were edited")
    parser.add_argument("--gradebook", action="store_true", help="also record the assignments in ./gradebook.db (before nbgrader autograde)")
    args = parser.parse_args(argv)
    try:
        written = release(force=args.force, gradebook=args.gradebook)
    except InputError as e:
        print(f"release: {e}", file=sys.stderr)
        return 2
    for name in written:
        print(f"{RELEASE}/{name}")
    if not written:
        print(f"release: {RELEASE}/ は最新です。")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``python -m graders autograde``: nbgrader autograde, then the score outside the learner's kernel.

    python -m graders autograde ASSIGNMENT [--student ID ...] [--course-dir DIR] [--out FILE.csv]

``nbgrader autograde`` runs each learner's own notebook: a learner cell can patch the
checker inside the kernel, delete grade cells, or print what the kernel holds. So this
command runs ``nbgrader autograde`` (unchanged, with its own output), then re-grades every
submission of the assignment outside any kernel (graders.cohort.grade: the same checker,
rubric and genuine-reply check, plus the comparison with the instructors' reference replies
in solutions/reference-replies.toml, which no kernel ever sees) and records that score in
the gradebook as each grade cell's autograde score. A grade cell the learner deleted
scores 0. Every grade where the kernel's score and the recorded one differ is printed and
written to a CSV (default DIR/autograde-differences.csv; an empty table when there is none).

After it, formgrader, ``generate_feedback`` and ``export`` show the recorded scores.
Exit status: 0 no difference, 1 differences listed (scores recorded all the same), 2 bad input.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from ..checker.errors import InputError
from ..learner.exercises import all_exercises
from .tamper import compare, gradebook_url, write_csv

DIFFERENCES = "autograde-differences.csv"


def run_nbgrader_autograde(course_dir: Path, assignment: str, students: list[str] | None) -> int:
    """The real ``nbgrader autograde``, its output passed through; its exit status."""
    from ..assignments.release import nbgrader_command, nbgrader_env

    command = [*nbgrader_command(), "autograde", assignment]
    for student in students or ():
        command += ["--student", student]
    return subprocess.run(command, cwd=course_dir, env=nbgrader_env()).returncode


def render(report, assignment: str, out: Path) -> str:
    lines = [
        f"カーネルの外で採点し直し、gradebook に記録しました: {assignment}、提出 {report.submissions:,} 件、採点 {report.grades:,} 件。"
    ]
    if not report.mismatches:
        lines.append(f"nbgrader（カーネルの中）の点数との違いはありません。一覧: {out}")
        return "\n".join(lines)
    lines.append(f"カーネルの中の点数と違ったもの {len(report.mismatches)} 件（記録したのはカーネルの外の点数です。一覧: {out}）:")
    for m in report.mismatches:
        kernel = "-" if m.gradebook_points is None else f"{m.gradebook_points:g}"
        recorded = "-" if m.regrade_points is None else f"{m.regrade_points:g}"
        lines.append(f"  {m.student_id}  {m.grade_id}  カーネル {kernel} → 記録 {recorded} / 満点 {m.max_points:g}  {m.kind}")
    lines.append("カーネルの中の点数が高いときは、提出ノートブックに採点器を書き換えるセルや、消された採点セルがないか確かめてください。")
    return "\n".join(lines)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("assignment", metavar="ASSIGNMENT", help="採点する課題（例: 01-apology-order）")
    parser.add_argument("--student", nargs="+", action="extend", metavar="ID", help="採点する受講者（既定: 提出した全員）")
    parser.add_argument("--course-dir", default=".", metavar="DIR", help="nbgrader のコースフォルダ（nbgrader_config.py があるところ）。既定: カレントフォルダ")
    parser.add_argument("--out", default=None, metavar="FILE.csv", help=f"違いの一覧（既定: DIR/{DIFFERENCES}）")


def run(args: argparse.Namespace) -> int:
    course = Path(args.course_dir).resolve()
    if not (course / "nbgrader_config.py").is_file():
        raise InputError(f"{course} は nbgrader のコースフォルダではありません（nbgrader_config.py がありません）。--course-dir で指定してください。")
    if args.assignment not in {e.assignment for e in all_exercises().values()}:
        raise InputError(f"課題「{args.assignment}」は登録されていません。")
    status = run_nbgrader_autograde(course, args.assignment, args.student)
    if status != 0:
        print(f"nbgrader autograde が終了コード {status} で終わりました（上の出力を見てください）。採点できた提出物は記録します。", file=sys.stderr)
    report = compare(course, gradebook_url(course, None), [args.assignment], args.student, record=True)
    out = Path(args.out) if args.out else course / DIFFERENCES
    write_csv(report.mismatches, out)
    print(render(report, args.assignment, out))
    return 1 if report.mismatches else 0


__all__ = ["DIFFERENCES", "configure", "run", "run_nbgrader_autograde"]

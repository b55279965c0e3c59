"""``python -m graders tamper-check``: nbgrader's autograded scores against a re-grade outside the kernel.

    python -m graders tamper-check [--course-dir DIR] [--gradebook FILE|URL] [--assignment ID ...] [--out FILE.csv]

nbgrader autograde runs the learner's own notebook, so a learner cell can replace the
checker inside the kernel (``graders.assignments.grade_cells.assert_criterion = lambda *a, **k: None``)
and every grade cell passes. This command reads each autograded score from the gradebook
(grade cells are named ``q<n>-<criterion>``), re-grades the same submission from
submitted/<student>/<assignment>/ with graders.cohort.grade (no learner code runs), and lists
every grade where the two differ. Exit status: 0 no mismatch, 1 mismatches listed, 2 bad input.

The gradebook is opened read-only in spirit: nothing is written to it.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import sys
from dataclasses import astuple, dataclass, fields
from pathlib import Path
from typing import Iterator

from .grade import SUBMITTED, Submission, display_name, folder_problem, grade_cells_present, grade_submission
from ..checker.errors import InputError
from ..checker.render import plain
from ..learner.exercises import all_exercises

GRADE_CELL = re.compile(r"q(\d+)-(.+)")
TOLERANCE = 1e-6  # gradebook scores are floats

# Why a grade is listed, with the Japanese an instructor reads.
KINDS = {
    "score": "nbgrader の点数が再採点と違います",
    "deleted_cell": "採点セルが消されていて、nbgrader が採点していません（不合格として扱います）",
    "no_submission": "提出フォルダがなく、再採点できません",
    "unknown_criterion": "採点セルの観点が再採点の観点にありません",
    "not_autograded": "再採点の観点に対応する採点セルが nbgrader にありません",
}


@dataclass(frozen=True)
class Mismatch:
    student_id: str
    assignment: str
    notebook: str
    grade_id: str
    gradebook_points: float | None  # None: nbgrader has no grade cell for it
    regrade_points: int | None
    max_points: float
    kind: str
    message: str  # the re-grade's message for the criterion (what the learner's reply really does)


@dataclass
class TamperReport:
    grades: int = 0  # autograded grades compared
    submissions: int = 0
    mismatches: list[Mismatch] | None = None

    @property
    def students(self) -> list[str]:
        return sorted({m.student_id for m in self.mismatches or []})


def gradebook_url(course_dir: str | os.PathLike, gradebook: str | None) -> str:
    """A database URL for ``--gradebook`` (a file or a URL), default DIR/gradebook.db."""
    if gradebook and "://" in gradebook:
        return gradebook
    path = Path(gradebook) if gradebook else Path(course_dir) / "gradebook.db"
    if not path.is_file():
        raise InputError(f"gradebook「{path}」がありません。先に nbgrader autograde を実行するか、--gradebook で場所を指定してください。")
    return f"sqlite:///{path.resolve()}"


def _criterion(assignment: str, grade_id: str) -> tuple[str, str] | None:
    match = GRADE_CELL.fullmatch(grade_id)
    return (f"{assignment}.q{match[1]}", match[2]) if match else None


def compare(
    course_dir: str | os.PathLike,
    db_url: str,
    assignments: list[str] | None = None,
    students: list[str] | None = None,
    record: bool = False,
) -> TamperReport:
    """Every autograded grade of the gradebook, compared with the re-grade.

    ``record``: also write the re-grade into the gradebook as the autograde score of every
    grade cell it grades (a deleted grade cell: 0), so that what nbgrader exports and feeds
    back is the result outside the learner's kernel (``python -m graders autograde``).
    """
    from nbgrader.api import Gradebook

    registered = {e.assignment for e in all_exercises().values()}
    report = TamperReport(mismatches=[])
    # course_id "": never add a course row to the instructor's gradebook.
    with Gradebook(db_url, course_id="") as gb:
        names = [a.name for a in gb.assignments if a.name in registered]
        if assignments:
            missing = [a for a in assignments if a not in names]
            if missing:
                raise InputError(f"gradebook に課題「{'、'.join(missing)}」の採点記録がありません（記録のある課題: {', '.join(sorted(names)) or 'なし'}）。")
            names = [a for a in names if a in assignments]
        for assignment in sorted(names):
            for submission in sorted(gb.assignment_submissions(assignment), key=lambda s: s.student_id):
                if students and submission.student_id not in students:
                    continue
                report.submissions += 1
                report.mismatches.extend(_compare_submission(course_dir, assignment, submission, report, record))
        if record:
            gb.db.commit()
    return report


def _compare_submission(course_dir, assignment: str, submission, report: TamperReport, record: bool = False) -> Iterator[Mismatch]:
    student = submission.student_id
    folder = Path(course_dir) / SUBMITTED / student / assignment
    regrade, present = None, set()
    if folder_problem(folder) is None:  # never through a link out of the course
        regrade = {(r.exercise, r.criterion): r for r in grade_submission(Submission(student, assignment, str(folder)))}
        present = grade_cells_present(folder)
    seen: set = set()
    for notebook in submission.notebooks:
        seen.update(_criterion(assignment, g.name) for g in notebook.grades)
        for grade in sorted(notebook.grades, key=lambda g: g.name):
            key = _criterion(assignment, grade.name)
            row = regrade.get(key) if regrade is not None and key else None
            if grade.auto_score is None and row is None:
                continue  # a manually graded cell: nothing automatic to compare
            report.grades += 1
            common = (student, assignment, notebook.name, grade.name, grade.auto_score)
            if regrade is None:
                yield Mismatch(*common, None, grade.max_score, "no_submission", "")
                continue
            if row is None:
                yield Mismatch(*common, None, grade.max_score, "unknown_criterion", "")
                continue
            # A grade cell the learner deleted was never run: it fails.
            deleted = grade.auto_score is None or (notebook.name, grade.name) not in present
            points = 0 if deleted else row.points
            if grade.auto_score is None or abs(grade.auto_score - points) > TOLERANCE:
                yield Mismatch(*common, points, grade.max_score, "deleted_cell" if deleted else "score", row.message)
            if record:
                grade.auto_score = float(points)
                grade.needs_manual_grade = False
    if regrade is not None and submission.notebooks:
        # The rubric grades a criterion no grade cell of the notebook grades (a stale release?).
        for (exercise, criterion), row in regrade.items():
            if (exercise, criterion) not in seen:
                grade_id = f"q{exercise.rsplit('.q', 1)[1]}-{criterion}"
                yield Mismatch(student, assignment, "", grade_id, None, row.points, row.max_points, "not_autograded", row.message)


def write_csv(mismatches: list[Mismatch], path: str | os.PathLike) -> None:
    with open(path, "w", encoding="utf-8", errors="backslashreplace", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([f.name for f in fields(Mismatch)])
        writer.writerows(astuple(m) for m in mismatches)


def render(report: TamperReport) -> str:
    lines = [f"改ざんチェック: nbgrader の自動採点 {report.grades:,} 件（提出 {report.submissions:,} 件）を、カーネルの外での再採点と比べました。"]
    if not report.mismatches:
        lines.append("食い違いはありません。")
        return "\n".join(lines)
    lines.append(f"食い違い {len(report.mismatches)} 件（受講者 {len(report.students)} 人: {'、'.join(map(display_name, report.students))}）:")
    for m in report.mismatches:
        regrade = "-" if m.regrade_points is None else f"{m.regrade_points:g}"
        autograde = "-" if m.gradebook_points is None else f"{m.gradebook_points:g}"
        lines.append(
            f"  {display_name(m.student_id)}  {m.assignment}  {m.grade_id}  nbgrader {autograde} / 再採点 {regrade} / 満点 {m.max_points:g}  {KINDS[m.kind]}"
            + (f"。再採点の所見: {plain(m.message)}" if m.message else "")
        )
    lines.append("nbgrader の点数が高い場合は、提出ノートブックに採点器を書き換えるセルがないか確かめてください。")
    return "\n".join(lines)


# ---------------------------------------------------------------- command


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--course-dir", default=".", metavar="DIR", help="nbgrader のコースフォルダ（submitted/ を含む）。既定: カレントフォルダ")
    parser.add_argument("--gradebook", default=None, metavar="FILE|URL", help="nbgrader の gradebook（既定: DIR/gradebook.db）")
    parser.add_argument("--assignment", nargs="+", action="extend", metavar="ID", help="調べる課題（既定: gradebook にある登録済みの課題すべて）")
    parser.add_argument("--out", default=None, metavar="FILE.csv", help="食い違いの一覧を CSV にも書く")


def run(args: argparse.Namespace) -> int:
    report = compare(args.course_dir, gradebook_url(args.course_dir, args.gradebook), args.assignment)
    if args.out:
        write_csv(report.mismatches, args.out)
    print(render(report), file=sys.stdout)
    return 1 if report.mismatches else 0


__all__ = ["KINDS", "Mismatch", "TamperReport", "compare", "configure", "gradebook_url", "render", "run", "write_csv"]

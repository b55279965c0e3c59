"""``python -m graders grade-cohort``: re-grade a course's submissions into a long-form CSV.

    python -m graders grade-cohort [--course-dir DIR] [--assignment ID ...] --out FILE.csv [--jobs N]

Rows stream to the CSV as they are graded (written under a temporary name and renamed at
the end, so an interrupted run never leaves half a file in place of a good one); the
terminal gets a progress bar on stderr and a one-screen summary per assignment.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Iterable

from .grade import COLUMNS, FROM_NOTEBOOK, GRADED, PROBLEMS, Row, criterion_title, grade, iter_submissions, select_assignments, student_ids
from ..checker.errors import InputError

EXAMPLES_SHOWN = 3  # learner ids listed per problem on the terminal; the CSV has them all


@dataclass
class CriterionTally:
    passed: int = 0
    graded: int = 0


@dataclass
class AssignmentSummary:
    """Running totals for one assignment: constant memory whatever the number of learners."""

    learners: int = 0
    score: int = 0
    max_score: int = 0
    answers: int = 0  # answers actually graded (from answers.json or the notebook)
    from_notebook: int = 0  # of which read from the notebook's answer cell
    criteria: dict[tuple[str, str], CriterionTally] = field(default_factory=dict)
    problems: Counter = field(default_factory=Counter)  # status -> learners
    examples: dict[str, list[str]] = field(default_factory=dict)

    @property
    def mean_score(self) -> float:
        return self.score / self.learners if self.learners else 0.0


class CohortSummary:
    """Totals per assignment, fed one submission's rows at a time."""

    def __init__(self) -> None:
        self.assignments: dict[str, AssignmentSummary] = {}

    def add(self, rows: list[Row]) -> None:
        if not rows:
            return
        summary = self.assignments.setdefault(rows[0].assignment, AssignmentSummary())
        summary.learners += 1
        summary.score += sum(r.points for r in rows)
        summary.max_score = max(summary.max_score, sum(r.max_points for r in rows))
        graded_exercises, from_notebook = set(), set()
        for row in rows:
            tally = summary.criteria.setdefault((row.exercise, row.criterion), CriterionTally())
            if row.source:
                tally.graded += 1
                tally.passed += row.passed
                graded_exercises.add(row.exercise)
            if row.source == FROM_NOTEBOOK:
                from_notebook.add(row.exercise)
        summary.answers += len(graded_exercises)
        summary.from_notebook += len(from_notebook)
        for status in dict.fromkeys(r.status for r in rows if r.status != GRADED):
            summary.problems[status] += 1
            shown = summary.examples.setdefault(status, [])
            if len(shown) < EXAMPLES_SHOWN:
                shown.append(rows[0].student_id)

    @property
    def answers(self) -> int:
        return sum(s.answers for s in self.assignments.values())

    @property
    def problems(self) -> Counter:
        total: Counter = Counter()
        for s in self.assignments.values():
            total.update(s.problems)
        return total

    def render(self) -> str:
        lines: list[str] = []
        for assignment, s in self.assignments.items():
            share = f"（{s.mean_score / s.max_score:.0%}）" if s.max_score else ""
            lines.append(f"■ {assignment}  受講者 {s.learners} 人  平均 {s.mean_score:.2f} / {s.max_score} 点{share}")
            lines.append("  観点ごとの合格率（採点できた回答のうち）")
            titles = {c: criterion_title(c) for _, c in s.criteria}
            width = max(len(t) for t in titles.values())
            for (exercise, criterion), t in s.criteria.items():
                rate = t.passed / t.graded if t.graded else 0.0
                bar = "█" * round(rate * 10) + "░" * (10 - round(rate * 10))
                title = titles[criterion] + "\u3000" * (width - len(titles[criterion]))  # titles are full-width
                question = exercise.rsplit(".", 1)[-1]
                lines.append(f"    {question:<4}{title}  {bar} {rate:>4.0%}（{t.passed}/{t.graded}）")
            if s.from_notebook:
                lines.append(f"  ノートブックの回答セルから採点した回答: {s.from_notebook} 件")
            if s.problems:
                lines.append(f"  問題のある提出・回答: {sum(s.problems.values())} 件")
                for status in PROBLEMS:
                    if s.problems[status]:
                        who = "、".join(s.examples[status])
                        more = " ほか" if s.problems[status] > len(s.examples[status]) else ""
                        lines.append(f"    {PROBLEMS[status]}: {s.problems[status]} 人（{who}{more}）")
            else:
                lines.append("  問題のある提出・回答: なし")
        return "\n".join(lines)


def write_rows(rows_per_submission: Iterable[list[Row]], out: IO[str], summary: CohortSummary, progress=None) -> None:
    """Stream rows to ``out`` as CSV (header first), feeding the summary and the progress bar."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for rows in rows_per_submission:
        writer.writerows(rows)
        summary.add(rows)
        if progress is not None:
            progress.update()


def grade_cohort(course_dir: str | os.PathLike, out: IO[str], assignments: list[str] | None = None, jobs: int = 1, progress: bool = False) -> CohortSummary:
    """Grade every submission of ``course_dir`` into ``out`` (CSV); return the summary."""
    from tqdm import tqdm

    students = student_ids(course_dir)
    chosen = select_assignments(course_dir, assignments)
    submissions = iter_submissions(course_dir, chosen, students)
    summary = CohortSummary()
    total = len(students) * len(chosen)
    # disable=None: a bar on a terminal only; delay: short runs never show one.
    with tqdm(total=total, desc="採点中", unit="件", file=sys.stderr, delay=1.0, disable=None if progress else True) as bar:
        write_rows(grade(submissions, jobs=jobs), out, summary, bar)
    return summary


# ---------------------------------------------------------------- command


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--course-dir", default=".", metavar="DIR", help="nbgrader のコースフォルダ（submitted/ を含む）。既定: カレントフォルダ")
    parser.add_argument("--assignment", nargs="+", action="extend", metavar="ID", help="採点する課題（複数可）。既定: 提出のある登録済みの課題すべて")
    parser.add_argument("--out", required=True, metavar="FILE.csv", help="結果の CSV（1 行 = 受講者 x 問題 x 観点）。- で標準出力")
    parser.add_argument("--jobs", type=int, default=1, metavar="N", help="並列に採点するプロセス数（既定: 1）")


def run(args: argparse.Namespace) -> int:
    if args.jobs < 1:
        raise InputError("--jobs は 1 以上の整数で指定してください。")
    started = time.perf_counter()
    if args.out == "-":
        summary = grade_cohort(args.course_dir, sys.stdout, args.assignment, args.jobs, progress=True)
        report = sys.stderr  # standard output carries the CSV
    else:
        target = Path(args.out)
        if target.is_dir():
            raise InputError(f"「{target}」はフォルダです。--out には CSV ファイルの名前を指定してください。")
        if not target.parent.is_dir():
            raise InputError(f"「{target.parent}」というフォルダがありません。--out の場所を確かめてください。")
        # Written under a temporary name and renamed at the end: a run that stops halfway
        # never replaces an earlier, complete CSV.
        partial = target.with_name(target.name + ".partial")
        try:
            with open(partial, "w", encoding="utf-8", newline="") as out:
                summary = grade_cohort(args.course_dir, out, args.assignment, args.jobs, progress=True)
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
        report = sys.stdout
    elapsed = time.perf_counter() - started
    print(summary.render(), file=report)
    learners = max((s.learners for s in summary.assignments.values()), default=0)
    problems = sum(summary.problems.values())
    rate = summary.answers / elapsed if elapsed else 0.0
    print(
        f"受講者 {learners} 人、回答 {summary.answers:,} 件を {elapsed:.1f} 秒で採点しました（{rate:,.0f} 件/秒）。"
        f"問題のある提出・回答 {problems} 件。" + ("" if args.out == "-" else f"結果: {args.out}"),
        file=report,
    )
    return 0


__all__ = ["CohortSummary", "configure", "grade_cohort", "run", "write_rows"]

"""``python -m graders review-comments``: the checker's findings as formgrader comments.

    python -m graders review-comments [--course-dir DIR] [--gradebook FILE|URL] [--assignment ID ...]

The apology letter (05-apology-letter) is free-form: the rubric checks its structure, the
instructor reads it for tone. After ``nbgrader autograde``, this command writes a draft
comment on each exercise's answer cell (grade id ``q<n>-answer``) of every autograded
submission: the learner's letter (quoted, since form users leave the answer cell empty),
the checker's verdict per criterion and the acts it found in order. formgrader shows a
comment's ``manual_comment`` as the editable text under the answer, so the instructor
starts from the draft, edits it, and nbgrader generate_feedback sends the result.

A comment the instructor has written is never replaced: only an empty one, or an earlier
draft of ours (it starts with DRAFT_MARK), is (re)written. The lines addressed to the
instructor start with INSTRUCTOR_NOTE; the feedback drops them (DropInstructorNotes in
nbgrader_config.py), so a draft sent on unedited reads as a comment to the learner.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from .grade import GENUINE_TITLE, SUBMITTED, load_answers, notebook_answers
from ..learner import answers
from ..checker.render import markdown_text
from ..checker.errors import InputError
from ..learner.exercises import Exercise, all_exercises, for_assignment
from ..assignments.integrity import inspect_for
from ..assignments.preprocessors import INSTRUCTOR_NOTE
from ..checker.report import ACT_NAMES, Report
from ..checker.scenarios import get_scenario

LETTER_ASSIGNMENT = "05-apology-letter"
DRAFT_MARK = f"{INSTRUCTOR_NOTE}採点器の所見の下書きです。"


def _quote(text: str) -> str:
    # Learner text is escaped as HTML and as Markdown: feedback renders comments as Markdown
    # with HTML allowed, so [x](javascript:...) or ![](https://...) would come alive.
    return "\n".join("> " + markdown_text(line) if line.strip() else ">" for line in text.splitlines())


def draft_comment(exercise: Exercise, text: str | None, report: Report | None, problem: str = "") -> str:
    """The draft for one answer, in Markdown (formgrader comments support it)."""
    lines = [
        DRAFT_MARK + "手紙を読んだうえで、言葉を直したり書き足したりしてからフィードバックしてください。",
        f"{INSTRUCTOR_NOTE}この印で始まる行は、受講者へのフィードバックには載りません。",
        "",
        "**採点器の所見**",
        "",
    ]
    if text is None or report is None:
        lines.append(f"回答を読み取れませんでした。{problem}".strip())
        return "\n".join(lines)
    lines += [f"**{exercise.id} の回答**", "", _quote(text), "", f"**観点ごとの結果（{report.score} / {report.max_score} 点）**", ""]
    for c in report.criteria:
        mark = "✓" if c.passed else "✗"
        lines.append(f"- {mark} {c.title}（{c.points}/{c.max_points} 点）: {markdown_text(c.message)}")
    findings = inspect_for(text, get_scenario(exercise.scenario))
    genuine = " ".join(f.message for f in findings) or "お客様にそのまま送れる、自分の言葉で書かれた返信です。"
    lines.append(f"- {'✗' if findings else '✓'} {GENUINE_TITLE}: {markdown_text(genuine)}")
    if report.acts:
        flow = " → ".join(ACT_NAMES[a.kind] for a in report.acts)
        lines += ["", f"**文の流れ**: {flow}"]
    lines += ["", f"**次に直すところ**: {markdown_text(report.next_step)}"]
    return "\n".join(lines)


def draft_for(folder: Path, exercise: Exercise) -> str:
    """The draft for one learner's answer to ``exercise``, read as grade-cohort reads it."""
    from ..checker.check import check

    saved = load_answers(folder)
    text = answers.choose(saved, exercise.id).text
    if text is None:
        text = answers.choose(saved, exercise.id, notebook_answers(folder).get(exercise.number)).text
    if text is None:
        detail = saved.detail
        return draft_comment(exercise, None, None, "answers.json にもノートブックの回答セルにも返信がありません。" + (f"（{detail}）" if detail else ""))
    try:
        return draft_comment(exercise, text, check(text, exercise.scenario))
    except InputError as e:
        return draft_comment(exercise, None, None, str(e))


@dataclass
class ReviewResult:
    written: int = 0
    kept: int = 0  # comments the instructor had already written


def write_drafts(course_dir: str, db_url: str, assignments: list[str]) -> ReviewResult:
    """Write a draft comment on each answer cell of every autograded submission."""
    from nbgrader.api import Gradebook, MissingEntry

    result = ReviewResult()
    with Gradebook(db_url, course_id="") as gb:
        for assignment in assignments:
            try:
                submissions = gb.assignment_submissions(assignment)
            except MissingEntry:
                raise InputError(f"gradebook に課題「{assignment}」の採点記録がありません。先に nbgrader autograde を実行してください。") from None
            for submission in sorted(submissions, key=lambda s: s.student_id):
                folder = Path(course_dir) / SUBMITTED / submission.student_id / assignment
                for notebook in submission.notebooks:
                    for exercise in for_assignment(assignment):
                        try:
                            comment = gb.find_comment(f"q{exercise.number}-answer", notebook.name, assignment, submission.student_id)
                        except MissingEntry:
                            continue  # this notebook has no answer cell for the exercise
                        if comment.manual_comment and not comment.manual_comment.startswith(DRAFT_MARK):
                            result.kept += 1
                            continue
                        comment.manual_comment = draft_for(folder, exercise)
                        result.written += 1
        gb.db.commit()
    return result


# ---------------------------------------------------------------- command


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--course-dir", default=".", metavar="DIR", help="nbgrader のコースフォルダ（submitted/ を含む）。既定: カレントフォルダ")
    parser.add_argument("--gradebook", default=None, metavar="FILE|URL", help="nbgrader の gradebook（既定: DIR/gradebook.db）")
    parser.add_argument("--assignment", nargs="+", action="extend", metavar="ID", help=f"コメントを書く課題（既定: {LETTER_ASSIGNMENT}）")


def run(args: argparse.Namespace) -> int:
    from .tamper import gradebook_url

    assignments = args.assignment or [LETTER_ASSIGNMENT]
    registered = {e.assignment for e in all_exercises().values()}
    unknown = [a for a in assignments if a not in registered]
    if unknown:
        raise InputError(f"課題「{'、'.join(unknown)}」は登録されていません。")
    result = write_drafts(args.course_dir, gradebook_url(args.course_dir, args.gradebook), assignments)
    print(
        f"formgrader のコメント欄に採点器の所見を {result.written} 件書きました"
        + (f"（講師が書いたコメント {result.kept} 件はそのままです）" if result.kept else "")
        + "。formgrader で確認・編集してから nbgrader generate_feedback を実行してください"
        "（すでに実行していたときは --force を付けて実行し直します）。"
        f"「{INSTRUCTOR_NOTE}」で始まる行はフィードバックに載りません。",
        file=sys.stdout,
    )
    return 0


__all__ = ["DRAFT_MARK", "LETTER_ASSIGNMENT", "draft_comment", "draft_for", "write_drafts", "configure", "run"]

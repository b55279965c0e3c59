"""What nbgrader's grade cells call: find the learner's answer at test time, then pass or fail.

Every grade cell of an exercise notebook is one call here, so the cell stays a single
readable line and the message a learner sees is the checker's own Japanese message::

    from graders.assignments.grade_cells import assert_criterion
    assert_criterion("01-apology-order.q1", "apology_before_explanation", fallback=ANSWER_Q1)

The answer is read when the cell runs (during nbgrader autograde, from the learner's
submitted answers.json), never from a variable captured earlier; the literal typed in the
notebook's answer cell is the fallback for learners without widgets.
"""

from __future__ import annotations

import functools
from pathlib import Path

from ..learner import answers
from . import integrity
from ..checker.check import check
from ..checker.errors import InputError
from ..learner.exercises import get_exercise
from ..checker.report import Report
from ..checker.rubric import CRITERIA
from ..checker.scenarios import get_scenario


# The line under every ✗: what the learner does next, in the words of the form.
NEXT_STEP = "→ フォームで返信を直して「チェック」を押してから、このセルをもう一度実行してください。"


class GradeFailure(AssertionError):
    """A grade cell that fails: an AssertionError (nbgrader scores the cell 0) that shows
    in the notebook as its Japanese message alone, without the Python traceback.

    IPython asks an exception for ``_render_traceback_()`` before formatting frames, so the
    learner sees one short ✗ block; nbgrader, nbval and the feedback read the same lines.
    """

    def __init__(self, message: str, next_step: str | None = NEXT_STEP):
        super().__init__(message)
        self.lines = message.splitlines() + ([next_step] if next_step else [])

    def _render_traceback_(self) -> list[str]:
        return self.lines


class MissingAnswer(GradeFailure):
    """Neither answers.json nor the notebook's answer cell holds a reply."""


def answer_for(exercise_id: str, fallback: str = "", path: str | Path = answers.FILENAME) -> str:
    """The reply to grade, as answers.choose decides it for every state of answers.json (the
    cohort re-grade decides the same way): the saved text if it is not blank, else ``fallback``.

    Raises MissingAnswer (an AssertionError, so a grade cell fails) with a Japanese message
    if neither holds a reply.
    """
    get_exercise(exercise_id)  # an unknown id is a clear error, not a silent fallback
    saved = answers.load(path)
    choice = answers.choose(saved, exercise_id, fallback)
    problem = saved.status if saved.status != "missing_file" else None
    if problem or choice.status == "invalid_entry":
        # Grading never renames or rewrites the learner's file; the form sets it aside.
        reason = answers.PROBLEMS[problem or choice.status] + (f"（{saved.detail}）" if saved.detail else "")
        print(f"⚠ {reason}。ノートブックの回答セルに書いた返信で採点します。")
    if choice.text is not None:
        return choice.text
    raise MissingAnswer(
        f"✗ 「{exercise_id}」の回答が見つかりません。",
        "→ フォームに書き直した返信を書いて「チェック」を押すか、"
        '回答セルの """ と """ の間に返信を書いてから、このセルをもう一度実行してください。',
    )


@functools.lru_cache(maxsize=64)
def _report(text: str, scenario: str) -> Report:
    # One analysis serves all the criterion cells of an exercise.
    return check(text, scenario)


def _graded(exercise_id: str, fallback: str) -> tuple[str, Report]:
    text = answer_for(exercise_id, fallback)
    try:
        return text, _report(text, get_exercise(exercise_id).scenario)
    except InputError as e:
        raise GradeFailure(f"✗ {e}") from None


def assert_criterion(exercise_id: str, criterion_id: str, fallback: str = "") -> None:
    """Pass (print ✓ and the message) or raise GradeFailure with the criterion's message."""
    if criterion_id not in CRITERIA:
        raise InputError(f"観点「{criterion_id}」はありません。使える観点: {', '.join(CRITERIA)}")
    _, report = _graded(exercise_id, fallback)
    try:
        result = report.criterion(criterion_id)
    except KeyError:
        raise InputError(
            f"シナリオ「{report.scenario}」には観点「{criterion_id}」がありません。graders/checker/scenarios/ を確認してください。"
        ) from None
    line = f"{result.title}（{result.max_points}点）: {result.message}"
    if not result.passed:
        raise GradeFailure(f"✗ {line}")
    print(f"✓ {line}")


def assert_genuine(exercise_id: str, fallback: str = "") -> None:
    """Pass if the reply reads as a real reply (graders.assignments.integrity), else raise GradeFailure."""
    text, _ = _graded(exercise_id, fallback)
    scenario = get_scenario(get_exercise(exercise_id).scenario)
    findings = integrity.inspect_for(text, scenario)
    if findings:
        raise GradeFailure("\n".join(f"✗ {f.message}" for f in findings))
    print("✓ お客様にそのまま送れる、自分の言葉で書かれた返信です。")

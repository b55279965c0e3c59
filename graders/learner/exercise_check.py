"""The plain-Python path: check one exercise's reply without widgets (VS Code, a terminal).

    >>> from graders import check_exercise
    >>> check_exercise("01-apology-order.q1", "大変申し訳ございません。…")   # a given reply
    >>> check_exercise("01-apology-order.q1")                               # the saved reply

The result is a Report: HTML in a notebook, plain text with print() in a terminal.
"""

from __future__ import annotations

import os
from pathlib import Path

from . import answers
from ..checker.check import check
from ..checker.errors import InputError
from .exercises import get_exercise
from ..checker.report import Report


def check_exercise(
    exercise_id: str,
    text: str | None = None,
    *,
    scenario: str | None = None,
    answers_path: str | os.PathLike | None = None,
) -> Report:
    """Grade ``text``, or when it is None the reply saved for ``exercise_id`` in answers.json.

    ``scenario`` defaults to the exercise's scenario in the registry; ``answers_path`` to
    answers.json in the current folder (the notebook's folder). Nothing is written.
    Raises InputError (one line of Japanese) when there is nothing it can grade.
    """
    scenario = scenario or get_exercise(exercise_id).scenario
    if text is None:
        text = _saved_text(exercise_id, Path(answers_path) if answers_path else Path.cwd() / answers.FILENAME)
    return check(text, scenario)


def _saved_text(exercise_id: str, path: Path) -> str:
    try:
        entry = answers.read(path).get(exercise_id)
    except (answers.CorruptAnswers, OSError):
        raise InputError(
            f"{path} を読めませんでした。フォームで一度保存し直すか、check_exercise(\"{exercise_id}\", \"返信の文章\") のように返信を直接渡してください。"
        ) from None
    if not entry or not entry.get("text"):
        raise InputError(
            f"「{exercise_id}」の保存された回答が {path} にありません。フォームに書いて保存するか、check_exercise(\"{exercise_id}\", \"返信の文章\") のように返信を直接渡してください。"
        )
    return entry["text"]


__all__ = ["check_exercise"]

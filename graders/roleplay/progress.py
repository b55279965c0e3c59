"""The learner's progress on the role-play conversations, as rows of the course's progress table.

graders.learner.progress grades the rewrites; a conversation needs the role-play engine to
be replayed and graded, and the learner part may not import it, so its rows are made here
and the two are joined by :func:`course_progress` (what the lessons call ``progress_table``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..checker.errors import InputError
from ..learner import progress
from ..learner.exercises import ConversationExercise, all_conversations
from .dialogue import get_dialogue
from .storage import saved_turns
from .summary import replay

STATUS_NOT_PLAYED = "まだ会話していません"
STATUS_UNFINISHED = "会話の途中です（続きから話しかけてください）"


def _row(exercise: ConversationExercise, stored: dict, problem: str | None) -> dict:
    dialogue = get_dialogue(exercise.dialogue)
    row = progress.empty_row(exercise.assignment, exercise.id, dialogue.scenario.id)
    row["max_score"] = sum(points for _, points in dialogue.criteria)  # the conversation's, not the scenario's
    entry = stored.get(exercise.id)
    if problem is not None or entry is None:
        row["status"] = problem or STATUS_NOT_PLAYED
        return row
    attempts = entry.get("attempts")
    row["attempts"] = len(attempts) if isinstance(attempts, list) else 0
    turns, unreadable = saved_turns(entry, exercise.dialogue)
    if unreadable:
        row["status"] = f"採点できません: {unreadable}"
        return row
    if not turns:
        row["status"] = STATUS_NOT_PLAYED
        return row
    try:
        played = replay(exercise.dialogue, turns)
    except InputError as e:
        row["status"] = f"採点できません: {e}"
        return row
    row["saved"] = bool(turns)
    passed = all(r.passed for r in played.results)
    row.update(score=played.score, max_score=played.max_score, passed=passed)
    if played.conversation.ending is None:
        row["status"] = STATUS_UNFINISHED
    else:
        row["status"] = progress.STATUS_PASSED if passed else progress.STATUS_PARTIAL
    return row


def conversation_rows(root: str | Path = ".") -> list[dict]:
    """One row per registered conversation, graded by replaying its saved transcript."""
    loaded: dict[str, tuple[dict, str | None]] = {}
    rows = []
    for exercise in all_conversations().values():
        if exercise.assignment not in loaded:
            loaded[exercise.assignment] = progress.load_answers(progress.answers_path(root, exercise.assignment))
        rows.append(_row(exercise, *loaded[exercise.assignment]))
    return rows


def course_progress(root: str | Path = ".") -> pd.DataFrame:
    """Every rewrite and every conversation of the course, graded from the saved answers."""
    return progress.as_table(progress.rewrite_rows(root) + conversation_rows(root))

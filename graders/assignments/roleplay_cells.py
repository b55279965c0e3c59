"""What a conversation exercise's grade cells call: replay the saved turns, grade the whole
conversation with graders.roleplay.grading (the function the widget's end summary uses, so
autograde scores a transcript exactly as the learner saw it), and check each turn against
gaming (graders.assignments.integrity)::

    from graders.assignments.roleplay_cells import assert_conversation
    assert_conversation("07-roleplay.q1", "resolved", fallback=TURNS_Q1)

The transcript is read from answers.json when the cell runs; the list typed into the
answer cell is the fallback for learners without widgets.
"""

from __future__ import annotations

from pathlib import Path

from ..checker.errors import InputError
from ..learner import answers
from ..learner.exercises import get_conversation
from ..roleplay import storage
from ..roleplay.dialogue import get_dialogue
from ..roleplay.grading import CRITERIA
from ..roleplay.summary import Played, replay
from . import integrity
from .grade_cells import GradeFailure, MissingAnswer

# What a learner does after a ✗ (GradeFailure shows it below the message, without a traceback).
NEXT_STEP = "→ ウィジェットで会話をやり直すか「最初から」を押して話し直し、このセルをもう一度実行してください。"


def turns_for(exercise_id: str, fallback=(), path: str | Path = answers.FILENAME) -> list[str]:
    """The learner's turns: the saved transcript if it has any, else ``fallback``.

    Raises MissingAnswer (a GradeFailure, so the cell fails with a short ✗ block) if neither holds a turn.
    """
    exercise = get_conversation(exercise_id)
    try:
        saved = storage.load(path, exercise_id, exercise.dialogue) or []
    except storage.UnreadableTranscript as e:
        print(f"⚠ {e} 回答セルに書いた返事で採点します。")
        saved = []
    if saved:
        return saved
    typed = [t for t in (fallback or ()) if isinstance(t, str) and t.strip()]
    if typed:
        return typed
    raise MissingAnswer(
        f"✗ 「{exercise_id}」の会話が見つかりません。",
        "→ ウィジェットでお客様と会話するか、回答セルの [ ] の中に返事を一回分ずつ書いてから、"
        "このセルをもう一度実行してください。",
    )


def _replay(exercise_id: str, fallback) -> tuple[Played, list[str]]:
    turns = turns_for(exercise_id, fallback)
    try:
        return replay(get_conversation(exercise_id).dialogue, turns), turns  # cached: one replay serves every grade cell
    except InputError as e:
        raise GradeFailure(f"✗ {e}", NEXT_STEP) from None


def assert_conversation(exercise_id: str, criterion_id: str, fallback=()) -> None:
    """Pass (print ✓ and the message) or raise GradeFailure with the criterion's message."""
    if criterion_id not in CRITERIA:
        raise InputError(f"会話の観点「{criterion_id}」はありません。使える観点: {', '.join(CRITERIA)}")
    played, _ = _replay(exercise_id, fallback)
    result = next((r for r in played.results if r.id == criterion_id), None)
    if result is None:
        raise InputError(f"会話「{played.conversation.dialogue.id}」は観点「{criterion_id}」で採点しません。")
    line = f"{result.title}（{result.max_points}点）: {result.message}"
    if not result.passed:
        raise GradeFailure(f"✗ {line}", NEXT_STEP)
    print(f"✓ {line}")


def assert_genuine_turns(exercise_id: str, fallback=()) -> None:
    """Pass if every turn the conversation used reads as a real reply, else GradeFailure."""
    played, _ = _replay(exercise_id, fallback)
    scenario = get_dialogue(get_conversation(exercise_id).dialogue).scenario
    problems = [
        f"✗ {i} 回目の返事: {f.message}"
        for i, turn in enumerate(played.conversation.turns, 1)
        for f in integrity.inspect_for(turn.text, scenario)
    ]
    if problems:
        raise GradeFailure("\n".join(problems), NEXT_STEP)
    print("✓ どの返事も、お客様にそのまま言える、自分の言葉で書かれています。")

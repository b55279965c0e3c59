"""The course's progress table lists the role-play conversations beside the rewrites,
each graded by replaying its saved transcript, as the grade cells do."""

from __future__ import annotations

import pytest

from graders.lesson import progress_table, progress_view
from graders.learner import answers, progress
from graders.learner.exercises import all_conversations, all_exercises
from graders.roleplay import storage
from graders.roleplay.dialogue import get_dialogue
from graders.roleplay.progress import STATUS_NOT_PLAYED, STATUS_UNFINISHED
from graders.roleplay.summary import play

CONVERSATION = next(iter(all_conversations().values()))
DIALOGUE = get_dialogue(CONVERSATION.dialogue)


def saved_file(root, exercise=CONVERSATION):
    path = progress.answers_path(root, exercise.assignment)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def row_of(df, exercise_id):
    return df.set_index("exercise").loc[exercise_id]


def test_every_rewrite_and_every_conversation_has_a_row(tmp_path):
    df = progress_table(tmp_path)
    assert list(df["exercise"]) == [*all_exercises(), *all_conversations()]
    row = row_of(df, CONVERSATION.id)
    assert row["status"] == STATUS_NOT_PLAYED and not row["saved"] and not row["passed"]
    assert row["max_score"] == play(DIALOGUE, [], practice=False).max_score  # the conversation's points


@pytest.mark.parametrize("kind", ["resolved", "lost"])
def test_a_finished_conversation_is_graded_as_the_replay_grades_it(tmp_path, kind):
    example = next(e for e in DIALOGUE.examples if DIALOGUE.endings[e.ending].kind == kind)
    storage.save(saved_file(tmp_path), CONVERSATION.id, DIALOGUE.id, list(example.turns))
    played = play(DIALOGUE, list(example.turns), practice=False)
    row = row_of(progress_table(tmp_path), CONVERSATION.id)
    assert (row["score"], row["max_score"], row["saved"], row["attempts"]) == (played.score, played.max_score, True, 1)
    assert row["passed"] == all(r.passed for r in played.results)
    assert row["status"] == (progress.STATUS_PASSED if row["passed"] else progress.STATUS_PARTIAL)


def test_a_conversation_left_midway_says_so(tmp_path):
    example = next(e for e in DIALOGUE.examples if len(e.turns) > 1)
    storage.save(saved_file(tmp_path), CONVERSATION.id, DIALOGUE.id, list(example.turns[:1]))
    row = row_of(progress_table(tmp_path), CONVERSATION.id)
    assert row["status"] == STATUS_UNFINISHED and row["saved"]


def test_a_transcript_that_cannot_be_read_is_a_row_with_the_reason(tmp_path):
    answers.save(saved_file(tmp_path), CONVERSATION.id, "会話ではない文章", event="check")
    row = row_of(progress_table(tmp_path), CONVERSATION.id)
    assert row["status"].startswith("採点できません") and "読めません" in row["status"]
    assert progress_view(progress_table(tmp_path)).loc[CONVERSATION.id, "得点"] == "—"

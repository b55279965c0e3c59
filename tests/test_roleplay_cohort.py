"""grade-cohort and the cohort report cover the conversation assignment (07-roleplay):
the same scores as the grade cells, endings per dialogue, where conversations are lost."""

import io
import json
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from graders.cohort import report
from graders.cohort.commands import grade_cohort
from graders.cohort.demo import build_cohort
from graders.cohort.grade import Submission, grade_submission
from graders.learner import answers
from graders.learner.exercises import conversations_for, get_conversation
from graders.roleplay import play, storage

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENT = "07-roleplay"
GOOD = [
    "承知しました。差し支えなければ、今は必要ないとお考えの理由を伺ってもよろしいでしょうか。",
    "それは大変な時期ですね。では、半年ほどしてから改めてご連絡するのはいかがでしょうか。",
]


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    out = tmp_path_factory.mktemp("cohort") / "course"
    build_cohort(out, 12, seed=5, assignments=[ASSIGNMENT], course_dir=ROOT)
    return out


def test_grade_cohort_scores_conversations_as_the_grade_cells_do(cohort):
    grades = report.grade_frame(cohort)
    graded = grades[grades["status"] == "graded"]
    assert not graded.empty
    for (student, exercise_id), rows in graded.groupby(["student_id", "exercise"]):
        exercise = get_conversation(exercise_id)
        turns = storage.load(cohort / "submitted" / student / ASSIGNMENT / "answers.json", exercise_id, exercise.dialogue)
        expected = {r.id: r.points for r in play(exercise.dialogue, turns).results}
        got = dict(zip(rows["criterion"], rows["points"]))
        assert {k: v for k, v in got.items() if k != "genuine"} == expected


def test_turns_typed_in_the_notebook_are_graded_when_nothing_is_saved(tmp_path):
    folder = tmp_path / "submitted" / "s1" / ASSIGNMENT
    folder.mkdir(parents=True)
    nb = nbformat.read(ROOT / "exercises" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "q1-answer")
    cell.source = cell.source.replace("TURNS_Q1 = [\n]", f"TURNS_Q1 = {GOOD!r}")
    nbformat.write(nb, folder / f"{ASSIGNMENT}.ipynb")
    rows = grade_submission(Submission("s1", ASSIGNMENT, str(folder)))
    q1 = [r for r in rows if r.exercise == f"{ASSIGNMENT}.q1"]
    assert all(r.passed and r.source == "notebook" for r in q1)
    others = [r for r in rows if r.exercise != f"{ASSIGNMENT}.q1"]
    assert others and all(r.points == 0 and r.status == "missing_file" for r in others)  # as for rewrites


def test_a_saved_text_that_is_no_transcript_scores_zero_with_a_reason(tmp_path):
    folder = tmp_path / "submitted" / "s1" / ASSIGNMENT
    folder.mkdir(parents=True)
    answers.save(folder / "answers.json", f"{ASSIGNMENT}.q1", "会話ではない文章", event="check")
    rows = [r for r in grade_submission(Submission("s1", ASSIGNMENT, str(folder))) if r.exercise.endswith(".q1")]
    assert all(r.points == 0 and r.status == "invalid_answer" for r in rows)
    assert "読めません" in rows[0].message


def test_the_command_summary_names_conversation_criteria(cohort):
    out = io.StringIO()
    summary = grade_cohort(cohort, out, [ASSIGNMENT])
    text = summary.render()
    assert "お客様が納得して会話を終える" in text and "提案の前に理由を尋ねる" in text
    assert out.getvalue().splitlines()[0].startswith("student_id,assignment,exercise,criterion")


def test_endings_per_dialogue_and_where_conversations_are_lost(cohort):
    endings = report.ending_frame(cohort)
    assert set(endings["dialogue"]) == {c.dialogue for c in conversations_for(ASSIGNMENT)}
    table = report.endings_table(endings)
    shares = table.groupby("dialogue")["share"].sum()
    assert (shares.round(9) == 1).all()
    lost = report.lost_states(endings)
    for row in lost.itertuples():
        mine = endings[(endings["dialogue"] == row.dialogue) & endings["kind"].isin(["lost", "rule_broken"])]
        assert row.count == mine["state"].value_counts().max() and row.of == len(mine)


def test_lost_states_picks_the_state_most_conversations_were_lost_in():
    endings = pd.DataFrame(
        [
            {"dialogue": "d", "kind": "lost", "state": "b"},
            {"dialogue": "d", "kind": "rule_broken", "state": "b"},
            {"dialogue": "d", "kind": "lost", "state": "a"},
            {"dialogue": "d", "kind": "resolved", "state": "a"},
            {"dialogue": "d", "kind": "resolved", "state": "a"},
        ]
    )
    lost = report.lost_states(endings)
    assert lost.to_dict("records") == [{"dialogue": "d", "state": "b", "count": 2, "of": 3, "share": 2 / 3}]

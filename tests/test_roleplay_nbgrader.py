"""Assignment 07-roleplay through the real nbgrader: autograde scores a transcript exactly
as the live widget graded it.

Learners:
- widget:   played all four conversations in the RolePlay widget (answers.json): one ideal,
            one resolved after proposing before asking, one lost, one rule broken
- nowidget: no answers.json; typed the turns of conversation 1 into the answer cell
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from graders.assignments.release import nbgrader_command, nbgrader_env
from graders.learner.exercises import conversations_for, genuine_points
from graders.roleplay import RolePlay, play
from graders.roleplay.dialogue import get_dialogue
from graders.roleplay.grading import grade

pytestmark = pytest.mark.nbgrader

from course_source import new_course

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENT = "07-roleplay"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
EXAMPLE = {  # conversation number -> which of its dialogue's examples the widget learner plays
    1: "理由を尋ね、落ち着いた頃の連絡を提案する",
    2: "先に代わりの方法を並べ、あとから理由を伺う（元の事例の流れ）",
    3: "Bさんの順番：原因から話し、言い訳を重ねる",
    4: "無料で引き受けてしまう",
}
TYPED_Q1 = [
    "かしこまりました。差し支えなければ、今は必要ないとお考えの理由を伺ってもよろしいでしょうか。",
    "それは大変な時期ですね。では、半年ほどしてから改めてご連絡するのはいかがでしょうか。",
]


def _turns(dialogue_id: str, name: str) -> list[str]:
    return list(next(e for e in get_dialogue(dialogue_id).examples if e.name == name).turns)


def nbgrader(course: Path, *args: str) -> None:
    done = subprocess.run([*nbgrader_command(), *args], cwd=course, env=nbgrader_env(), capture_output=True, text=True)
    assert done.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{done.stderr[-3000:]}"


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course = new_course(tmp_path_factory, ASSIGNMENT)
    done = subprocess.run([sys.executable, "-m", "graders.assignments.release", "--gradebook"], cwd=course,
                          env=nbgrader_env(), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    release = course / "exercises" / ASSIGNMENT / NOTEBOOK
    expected = {}
    # widget: the learner plays in the widget, which saves answers.json and grades at the end
    folder = course / "submitted" / "widget" / ASSIGNMENT
    folder.mkdir(parents=True)
    shutil.copy2(release, folder / NOTEBOOK)
    expected["widget"] = {}
    for exercise in conversations_for(ASSIGNMENT):
        widget = RolePlay(exercise.id, answers_path=folder / "answers.json")
        for turn in _turns(exercise.dialogue, EXAMPLE[exercise.number]):
            widget.send(turn)
        assert widget.conversation.over
        expected["widget"].update({f"q{exercise.number}-{r.id}": float(r.points) for r in grade(widget.conversation)})
        expected["widget"][f"q{exercise.number}-genuine"] = float(genuine_points())
    # nowidget: turns typed into the answer cell of conversation 1 only
    folder = course / "submitted" / "nowidget" / ASSIGNMENT
    folder.mkdir(parents=True)
    nb = nbformat.read(release, as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "q1-answer")
    assert "TURNS_Q1 = [\n]" in cell.source
    cell.source = cell.source.replace("TURNS_Q1 = [\n]", f"TURNS_Q1 = {TYPED_Q1!r}")
    nbformat.write(nb, folder / NOTEBOOK)
    typed = play("resort-cold-call", TYPED_Q1)
    expected["nowidget"] = {f"q1-{r.id}": float(r.points) for r in typed.results}
    expected["nowidget"]["q1-genuine"] = float(genuine_points())
    nbgrader(course, "autograde", ASSIGNMENT)
    return course, expected


def grades(course: Path, learner: str) -> dict[str, float]:
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        notebook = gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, learner)
        return {grade.name: grade.score for grade in notebook.grades}


def test_autograde_scores_each_conversation_as_the_widget_did(course):
    course, expected = course
    got = grades(course, "widget")
    assert got == expected["widget"]
    assert got["q1-resolved"] == 2 and got["q3-resolved"] == 0 and got["q4-within_rules"] == 0
    assert got["q2-resolved"] == 2 and got["q2-reason_before_proposal"] == 0


def test_turns_typed_into_the_answer_cell_are_graded_the_same_way(course):
    course, expected = course
    got = grades(course, "nowidget")
    assert {k: v for k, v in got.items() if k.startswith("q1-")} == expected["nowidget"]
    assert all(v == 0 for k, v in got.items() if not k.startswith("q1-"))  # nothing played there

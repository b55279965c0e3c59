"""``python -m graders autograde`` with the real nbgrader: the recorded score is the one outside the kernel.

One course, one assignment (01-apology-order, one exercise), learners who each try one
thing (issue 11, items 1-4 and 10; issue 10, item 7):

- honest:   a real reply of their own, saved by the form
- typed:    answers.json is a folder; the reply is typed in the answer cell (grade cells,
            the re-grade and tamper-check must all grade the typed reply)
- patcher:  the bad reply, and a cell that replaces the checker inside the kernel
- deleter:  the bad reply, and every grade cell deleted
- copier:   the instructors' reference reply with a greeting added
- salad:    the audit's string of triggers (申し訳ございません、復旧いたしました、原因は誤りでした)
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from graders.assignments import references
from graders.assignments.release import nbgrader_env
from graders.cohort.grade import Submission, grade_submission

from test_nbgrader_cycle import ASSIGNMENT, GOOD_REPLY, NOTEBOOK, ROOT, SCENARIO, nbgrader, release_and_submit, type_into_answer_cell
from course_source import new_course

pytestmark = pytest.mark.nbgrader

HONEST = GOOD_REPLY
SALAD = "申し訳ございません、復旧いたしました、原因は誤りでした"
PATCH = """import graders.assignments.grade_cells as g
g.assert_criterion = lambda *args, **kwargs: print("✓")
g.assert_genuine = lambda *args, **kwargs: print("✓")"""
SAVED = {
    "honest": HONEST,
    "patcher": SCENARIO.bad_reply,
    "deleter": SCENARIO.bad_reply,
    "copier": "お世話になっております。\n" + references.reference_for(ROOT, SCENARIO.id),
    "salad": SALAD,
}
LEARNERS = ["honest", "typed", "patcher", "deleter", "copier", "salad"]


def edit(notebook: Path, change) -> None:
    nb = nbformat.read(notebook, as_version=4)
    change(nb)
    nbformat.write(nb, notebook)


def grade_id(cell) -> str:
    return cell.metadata.get("nbgrader", {}).get("grade_id", "")


def add_patch(nb) -> None:
    at = next(i for i, c in enumerate(nb.cells) if grade_id(c) == "q1-answer") + 1
    nb.cells.insert(at, nbformat.v4.new_code_cell(PATCH))


def delete_grade_cells(nb) -> None:
    nb.cells = [c for c in nb.cells if not c.metadata.get("nbgrader", {}).get("grade")]


def autograde(course: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "graders", "autograde", ASSIGNMENT, *args], cwd=course,
                          env=nbgrader_env(), capture_output=True, text=True)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course = new_course(tmp_path_factory, ASSIGNMENT)
    shutil.copy2(ROOT / references.FILENAME, course / references.FILENAME)
    release_and_submit(course, LEARNERS, SAVED)
    (course / "submitted" / "typed" / ASSIGNMENT / "answers.json").mkdir()
    type_into_answer_cell(course / "submitted" / "typed" / ASSIGNMENT / NOTEBOOK, HONEST)
    edit(course / "submitted" / "patcher" / ASSIGNMENT / NOTEBOOK, add_patch)
    edit(course / "submitted" / "deleter" / ASSIGNMENT / NOTEBOOK, delete_grade_cells)
    # The honest learners first, on their own: their run must log no warning at all.
    honest_run = autograde(course, "--student", "honest", "typed")
    everyone = autograde(course)
    nbgrader(course, "generate_feedback", ASSIGNMENT)
    return course, honest_run, everyone


def recorded(course: Path, learner: str) -> dict[str, float]:
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        notebook = gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, learner)
        return {grade.name: grade.score for grade in notebook.grades}


def regrade(course: Path, learner: str) -> dict[str, float]:
    rows = grade_submission(Submission(learner, ASSIGNMENT, str(course / "submitted" / learner / ASSIGNMENT)))
    return {f"q1-{r.criterion}": float(r.points) for r in rows}


def differences(course: Path) -> dict[tuple[str, str], dict]:
    with open(course / "autograde-differences.csv", encoding="utf-8") as f:
        return {(row["student_id"], row["grade_id"]): row for row in csv.DictReader(f)}


def test_honest_submissions_autograde_without_warnings(course):
    _, honest_run, _ = course
    assert honest_run.returncode == 0, honest_run.stdout + honest_run.stderr
    log = honest_run.stdout + honest_run.stderr
    assert "has changed" not in log and "WARNING" not in log and "checksum" not in log
    assert "違いはありません" in honest_run.stdout


@pytest.mark.parametrize("learner", ["honest", "typed", "patcher", "copier", "salad"])
def test_the_recorded_score_is_the_regrade_outside_the_kernel(course, learner):
    course, _, _ = course
    assert recorded(course, learner) == regrade(course, learner)


def test_honest_learners_get_full_marks_whichever_way_they_answered(course):
    course, _, _ = course
    full = SCENARIO.max_score + 2
    assert sum(recorded(course, "honest").values()) == full
    assert sum(recorded(course, "typed").values()) == full  # answers.json a folder: the typed reply counts


def test_patching_the_checker_in_the_kernel_earns_nothing_and_is_listed(course):
    course, _, everyone = course
    assert everyone.returncode == 1
    graded = regrade(course, "patcher")
    assert recorded(course, "patcher") == graded and sum(graded.values()) < SCENARIO.max_score
    listed = {g for (student, g), row in differences(course).items() if student == "patcher"}
    assert listed and all(differences(course)[("patcher", g)]["kind"] == "score" for g in listed)
    assert "patcher" in everyone.stdout


def test_deleted_grade_cells_count_as_failed_and_are_listed(course):
    course, _, everyone = course
    assert set(recorded(course, "deleter").values()) == {0.0}
    listed = {g: row for (student, g), row in differences(course).items() if student == "deleter"}
    assert set(listed) == set(regrade(course, "deleter")) and {r["kind"] for r in listed.values()} == {"deleted_cell"}


def test_a_copy_of_the_reference_reply_is_caught_outside_the_kernel(course):
    course, _, _ = course
    assert recorded(course, "copier")["q1-genuine"] == 0.0
    row = differences(course)[("copier", "q1-genuine")]
    assert float(row["gradebook_points"]) == 2.0 and row["kind"] == "score"  # the kernel could not know
    assert "解答例" in row["message"]


def test_a_string_of_triggers_fails_the_genuine_check_in_and_out_of_the_kernel(course):
    course, _, _ = course
    assert recorded(course, "salad")["q1-genuine"] == 0.0
    assert ("salad", "q1-genuine") not in differences(course)


def test_tamper_check_agrees_with_what_autograde_recorded(course):
    course, _, _ = course
    done = subprocess.run([sys.executable, "-m", "graders", "tamper-check"], cwd=course, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("learner", LEARNERS)
def test_feedback_shows_the_recorded_score_and_no_hidden_marker(course, learner):
    course, _, _ = course
    page = (course / "feedback" / learner / ASSIGNMENT / NOTEBOOK.replace(".ipynb", ".html")).read_text(encoding="utf-8")
    assert "HIDDEN TESTS" not in page
    total = sum(recorded(course, learner).values())
    assert f"{total:g} / {SCENARIO.max_score + 2:g}" in page or f"{total} / {SCENARIO.max_score + 2}" in page
    reference = references.reference_for(ROOT, SCENARIO.id)
    assert reference.splitlines()[1] not in page or learner == "copier"  # the reference reaches no one else

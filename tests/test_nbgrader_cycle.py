"""The instructor's cycle with the real nbgrader CLI, on a temporary copy of the course.

python -m graders.assignments.release --gradebook (nbgrader generate_assignment) -> submissions of
five learners -> nbgrader autograde -> generate_feedback -> export, as the README says. One assignment keeps it lean (each nbgrader command spends about 4 s starting,
each autograded submission about 5 s).

Learners (all for 01-apology-order, scenario outage-apology):
- good:      the form saved a reply that meets every criterion (answers.json)
- partial:   the form saved a reply that gives the cause before the remedy
- gamer:     the form saved a stuffed reply: the criteria pass, the genuine-reply check does not
- nowidget:  no answers.json; the reply is typed into the answer cell's literal
- untouched: the release handed back as it was, no answers.json
An instructor's stray answers.json lies in solutions/ to prove it reaches neither the
release nor a learner's autograded folder.
"""

from __future__ import annotations

import csv
import html
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from graders import check
from graders.learner import answers
from graders.assignments import references
from graders.assignments.release import nbgrader_command, nbgrader_env
from graders.checker.scenarios import get_scenario

pytestmark = pytest.mark.nbgrader

from course_source import new_course

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENT = "01-apology-order"
EXERCISE = f"{ASSIGNMENT}.q1"
SCENARIO = get_scenario("outage-apology")
NOTEBOOK = f"{ASSIGNMENT}.ipynb"

# A reply of the learner's own: the model answer is public (lessons) and the instructors'
# reference reply is caught by `python -m graders autograde` (tests/test_autograde_nbgrader.py).
GOOD_REPLY = (
    "朝からご注文を受けられず、お店の皆様には大変なご迷惑をおかけしました。心よりお詫び申し上げます。\n"
    "注文画面は10時半に設定を戻して復旧し、いまは通常どおりご注文をお受けしています。\n"
    "原因は、昨夜のメンテナンスで設定の変更を一か所戻し忘れたことでした。\n"
    "今後は作業の終わりに別の担当者が画面を開いて確かめ、同じことが起きないようにいたします。"
)
SAVED = {
    "good": GOOD_REPLY,
    "partial": "大変申し訳ございません。原因は昨夜の作業での設定の誤りでした。すでに復旧いたしました。",
    "gamer": "大変申し訳ございません。" * 3 + "すでに復旧いたしました。原因は設定の誤りでした。",
}
TYPED = (
    "ご迷惑をおかけし、誠に申し訳ございません。注文画面はすでに復旧いたしました。"
    "原因は昨夜の設定の誤りでした。今後は作業後の確認を二人で行います。"
)
LEARNERS = ["good", "partial", "gamer", "nowidget", "untouched"]
GENUINE = {"good": True, "partial": True, "gamer": False, "nowidget": True, "untouched": False}


def nbgrader(course: Path, *args: str) -> None:
    done = subprocess.run([*nbgrader_command(), *args], cwd=course, env=nbgrader_env(), capture_output=True, text=True)
    assert done.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{done.stderr[-3000:]}"


def type_into_answer_cell(notebook: Path, text: str) -> None:
    nb = nbformat.read(notebook, as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "q1-answer")
    assert '"""\n\n"""' in cell.source
    cell.source = cell.source.replace('"""\n\n"""', f'"""\n{text}\n"""')
    nbformat.write(nb, notebook)


def expected_scores(learner: str) -> dict[str, float]:
    """Per grade cell: the checker's verdict on the text that learner handed in."""
    text = SAVED.get(learner) or (TYPED if learner == "nowidget" else None)
    scores = {}
    for criterion in SCENARIO.criteria:
        passed = text is not None and check(text, SCENARIO).criterion(criterion.id).passed
        scores[f"q1-{criterion.id}"] = float(criterion.points if passed else 0)
    return scores


def release_and_submit(course: Path, learners: list[str], saved: dict[str, str]) -> Path:
    """Release the assignment with the real nbgrader and hand it in for every learner
    (their form's answers.json when ``saved`` has one); return the released notebook."""
    done = subprocess.run([sys.executable, "-m", "graders.assignments.release", "--gradebook"], cwd=course,
                          env=nbgrader_env(), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    release = course / "exercises" / ASSIGNMENT / NOTEBOOK
    for learner in learners:
        folder = course / "submitted" / learner / ASSIGNMENT
        folder.mkdir(parents=True)
        shutil.copy2(release, folder / NOTEBOOK)
        if learner in saved:
            answers.save(folder / "answers.json", EXERCISE, saved[learner], event="check")
    return release


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """Run the whole cycle once; return the course folder (and print the wall time)."""
    course = new_course(tmp_path_factory, ASSIGNMENT)
    # An instructor tried the form in solutions/: it must reach no release and no learner.
    answers.save(course / "solutions" / ASSIGNMENT / "answers.json", EXERCISE, SCENARIO.bad_reply)
    started = time.perf_counter()
    release = release_and_submit(course, LEARNERS, SAVED)
    assert sorted(p.name for p in release.parent.iterdir()) == [NOTEBOOK]
    type_into_answer_cell(course / "submitted" / "nowidget" / ASSIGNMENT / NOTEBOOK, TYPED)
    submitted = {p: p.read_bytes() for p in (course / "submitted").rglob("answers.json")}

    nbgrader(course, "autograde", ASSIGNMENT)
    nbgrader(course, "generate_feedback", ASSIGNMENT)
    nbgrader(course, "export")
    print(f"\ninstructor cycle (generate, autograde x{len(LEARNERS)}, feedback, export): "
          f"{time.perf_counter() - started:.1f} s")
    assert {p: p.read_bytes() for p in (course / "submitted").rglob("answers.json")} == submitted
    return course


def grades(course: Path, learner: str) -> dict[str, float]:
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        notebook = gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, learner)  # notebook, assignment, student
        return {grade.name: grade.score for grade in notebook.grades}


@pytest.mark.parametrize("learner", LEARNERS)
def test_score_per_criterion(course, learner):
    expected = expected_scores(learner)
    expected["q1-genuine"] = 2.0 if GENUINE[learner] else 0.0
    assert grades(course, learner) == expected


def test_the_learners_are_told_apart(course):
    totals = {learner: sum(grades(course, learner).values()) for learner in LEARNERS}
    full = SCENARIO.max_score + 2
    assert totals["good"] == totals["nowidget"] == full
    assert 0 < totals["partial"] < full and 0 < totals["gamer"] < full
    assert totals["untouched"] == 0


def test_learners_answers_reach_autograde_not_the_instructors(course):
    for learner in SAVED:
        stored = answers.read(course / "autograded" / learner / ASSIGNMENT / "answers.json")
        assert stored[EXERCISE]["text"] == SAVED[learner]
    assert not (course / "autograded" / "untouched" / ASSIGNMENT / "answers.json").exists()


def test_export_has_every_learners_score(course):
    with open(course / "grades.csv", encoding="utf-8") as f:
        rows = {row["student_id"]: row for row in csv.DictReader(f)}
    assert set(rows) == set(LEARNERS)
    for learner in LEARNERS:
        assert float(rows[learner]["score"]) == sum(grades(course, learner).values())
        assert float(rows[learner]["max_score"]) == SCENARIO.max_score + 2


def test_autograde_ran_the_genuine_check(course):
    graded = nbformat.read(course / "autograded" / "gamer" / ASSIGNMENT / NOTEBOOK, as_version=4)
    cell = next(c for c in graded.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "q1-genuine")
    assert "assert_genuine(" in cell.source and any(o.get("output_type") == "error" for o in cell.outputs)


@pytest.mark.parametrize("learner", LEARNERS)
def test_feedback_carries_no_hidden_marker_and_no_reference_reply(course, learner):
    page = (course / "feedback" / learner / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text(encoding="utf-8")
    assert "HIDDEN TESTS" not in page
    for line in references.reference_for(ROOT, SCENARIO.id).splitlines():
        assert line not in page and html.escape(line) not in page


def test_feedback_explains_what_to_fix(course):
    def page(learner):
        return (course / "feedback" / learner / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text(encoding="utf-8")

    assert "✗ 原因より先に対処" in page("partial")
    assert "くり返されています" in page("gamer")  # the hidden test's message, without its code
    assert "回答が見つかりません" in page("untouched")
    assert "AssertionError" not in page("good") and "✓ 原因より先に対処" in page("good")


def answer_source(notebook: Path) -> str:
    nb = nbformat.read(notebook, as_version=4)
    return next(c.source for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "q1-answer")


@pytest.mark.parametrize("learner", list(SAVED))
def test_the_graded_reply_is_in_the_autograded_answer_cell_and_the_feedback(course, learner):
    """Form users leave the answer cell empty: autograde writes what it graded into it."""
    reply = SAVED[learner].strip()
    source = answer_source(course / "autograded" / learner / ASSIGNMENT / NOTEBOOK)
    assert reply in source and "採点した返信" in source
    page = (course / "feedback" / learner / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text(encoding="utf-8")
    first_sentence = reply.split("。")[0]
    assert first_sentence in page or html.escape(first_sentence) in page


def test_a_reply_typed_into_the_cell_and_an_empty_one_are_left_as_written(course):
    typed = course / "submitted" / "nowidget" / ASSIGNMENT / NOTEBOOK
    assert answer_source(course / "autograded" / "nowidget" / ASSIGNMENT / NOTEBOOK) == answer_source(typed)
    untouched = answer_source(course / "autograded" / "untouched" / ASSIGNMENT / NOTEBOOK)
    assert untouched == answer_source(course / "exercises" / ASSIGNMENT / NOTEBOOK)

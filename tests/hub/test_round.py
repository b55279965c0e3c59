"""One round of 01-apology-order on a real JupyterHub with nbgrader's exchange (see conftest.py):
what nbgrader recorded, what grade-cohort and tamper-check say, and what each learner got back."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from dateutil.parser import parse as parse_time
from nbgrader.api import Gradebook

from classround import ASSIGNMENT, EXERCISE, FIRST_TRY, NOTEBOOK, REPLIES, ROLES, SUBMITTERS
from graders.learner import answers
from graders.learner.exercises import all_exercises
from graders.cohort.grade import Submission, grade_exercise


STAMP = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \w+")  # nbgrader's timestamps in `nbgrader list`


def expected_grades(course: Path, learner: str, text: str | None) -> dict[str, float]:
    """Per grade cell (q1-<criterion>), the re-grade of the text a learner handed in last
    (with the course's reference replies, as `python -m graders autograde` records it)."""
    if text is None:
        return {}
    folder = course / "submitted" / learner / ASSIGNMENT
    rows = grade_exercise(Submission(learner, ASSIGNMENT, str(folder)), all_exercises()[EXERCISE], text, "graded", "")
    return {f"q1-{row.criterion}": float(row.points) for row in rows}


def gradebook(course: Path) -> Gradebook:
    return Gradebook(f"sqlite:///{course / 'gradebook.db'}")


def recorded_grades(course: Path, learner: str) -> dict[str, float]:
    with gradebook(course) as gb:
        notebook = gb.find_submission_notebook(NOTEBOOK.removesuffix(".ipynb"), ASSIGNMENT, learner)
        return {grade.name: grade.score for grade in notebook.grades}


def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("learner", SUBMITTERS)
def test_autograde_scores_what_each_learner_handed_in_last(class_round, learner):
    assert recorded_grades(class_round.course, learner) == expected_grades(class_round.course, learner, REPLIES[learner])


def test_the_learners_are_told_apart(class_round):
    totals = {learner: sum(recorded_grades(class_round.course, learner).values()) for learner in SUBMITTERS}
    assert totals[ROLES["form"]] == totals[ROLES["twice"]] == 7  # every criterion (5) and the hidden check (2)
    assert totals[ROLES["literal"]] < 7 and totals[ROLES["late"]] < 7  # the remedy is missing or after the cause


def test_the_form_and_the_literal_both_reach_the_grader(class_round):
    submitted = class_round.course / "submitted"
    assert answers.read(submitted / ROLES["form"] / ASSIGNMENT / "answers.json")[EXERCISE]["text"] == REPLIES[ROLES["form"]]
    assert not (submitted / ROLES["literal"] / ASSIGNMENT / "answers.json").exists()
    assert REPLIES[ROLES["literal"]] in (submitted / ROLES["literal"] / ASSIGNMENT / NOTEBOOK).read_text(encoding="utf-8")


def test_the_exchange_kept_both_submissions_and_collect_took_the_later(class_round):
    inbound = [line for line in class_round.inbound.splitlines() if ROLES["twice"] in line and ASSIGNMENT in line]
    assert len(inbound) == 2, class_round.inbound
    collected = class_round.course / "submitted" / ROLES["twice"] / ASSIGNMENT
    history = [a["text"] for a in answers.read(collected / "answers.json")[EXERCISE]["attempts"]]
    assert history == [FIRST_TRY, REPLIES[ROLES["twice"]]]
    stamps = sorted(parse_time(STAMP.search(line).group()) for line in inbound)
    assert parse_time((collected / "timestamp.txt").read_text().strip()) == stamps[-1]
    assert sum(expected_grades(class_round.course, ROLES["twice"], FIRST_TRY).values()) < sum(recorded_grades(class_round.course, ROLES["twice"]).values())


def test_nbgrader_records_who_was_late_and_who_never_submitted(class_round):
    with gradebook(class_round.course) as gb:
        late = {s.student.id: s.total_seconds_late for s in gb.assignment_submissions(ASSIGNMENT)}
        roster = {s.id for s in gb.students}
    assert set(late) == set(SUBMITTERS)  # yui has no submission
    assert roster == set(class_round.room.spec["learners"])  # but she is on the roster
    assert late[ROLES["late"]] > 0
    assert all(late[learner] == 0 for learner in SUBMITTERS if learner != ROLES["late"])


def test_nbgrader_export_lists_the_whole_roster(class_round):
    rows = {row["student_id"]: row for row in read_csv(class_round.course / "grades.csv")}
    assert set(rows) == set(class_round.room.spec["learners"])
    nothing = rows[ROLES["nothing"]]
    assert nothing["timestamp"] == "" and float(nothing["score"]) == 0
    assert parse_time(rows[ROLES["late"]]["timestamp"]) > class_round.duedate.replace(tzinfo=None)
    for learner in SUBMITTERS:
        assert parse_time(rows[learner]["timestamp"]) <= parse_time(rows[ROLES["late"]]["timestamp"])
        assert float(rows[learner]["score"]) == sum(recorded_grades(class_round.course, learner).values())


def test_grade_cohort_csv_agrees_with_the_gradebook(class_round):
    rows = read_csv(class_round.course / "cohort.csv")
    per_learner: dict[str, dict[str, float]] = {}
    for row in rows:
        assert row["assignment"] == ASSIGNMENT and row["exercise"] == EXERCISE
        per_learner.setdefault(row["student_id"], {})[f"q1-{row['criterion']}"] = float(row["points"])
    # grade-cohort lists the whole roster, as nbgrader's export does: yui, who has no folder,
    # with 0 points, so the cohort's averages count her.
    assert set(per_learner) == set(class_round.room.spec["learners"])
    for learner in SUBMITTERS:
        assert per_learner[learner] == recorded_grades(class_round.course, learner)
    assert per_learner[ROLES["nothing"]] and set(per_learner[ROLES["nothing"]].values()) == {0.0}
    assert {row["status"] for row in rows if row["student_id"] == ROLES["nothing"]} == {"no_assignment"}
    sources = {row["student_id"]: row["source"] for row in rows}
    assert sources[ROLES["literal"]] == "notebook" and sources[ROLES["form"]] == "answers.json"


def test_tamper_check_finds_nothing(class_round):
    assert class_round.tamper_status == 0, class_round.tamper_output


def test_the_formgrader_service_shows_the_submissions_to_the_instructor(class_round, classroom):
    listed = {a["name"]: a for a in class_round.formgrader}
    assert listed[ASSIGNMENT]["num_submissions"] == len(SUBMITTERS)
    learner = ROLES["form"]
    status, _ = classroom.request("GET", f"/services/{classroom.spec['course_id']}/formgrader/api/assignments",
                                  class_round.tokens[learner])
    assert status == 403  # a learner may not open the formgrader
    status, _ = classroom.request("GET", f"/user/{learner}/formgrader", class_round.tokens[learner])
    assert status == 404  # nor run one of her own


@pytest.mark.parametrize("learner", SUBMITTERS)
def test_each_learner_fetched_their_own_feedback(class_round, learner):
    pages = list((class_round.room.home(learner) / ASSIGNMENT / "feedback").glob(f"*/{ASSIGNMENT}.html"))
    assert len(pages) == 1, pages
    page = pages[0].read_text(encoding="utf-8")
    total = sum(recorded_grades(class_round.course, learner).values())
    assert f"{ASSIGNMENT} (Score: {float(total)} / 7.0)" in page  # nbgrader's heading of the feedback page
    others = [text for name, text in REPLIES.items() if name != learner]
    assert not any(text in page for text in others)


def test_the_assignments_panel_shows_the_state_of_each_learner(class_round):
    final = {learner: steps[-1][1] for learner, steps in class_round.listings.items()}
    for learner, listed in final.items():
        mine = [a for a in listed if a["assignment_id"] == ASSIGNMENT]
        statuses = {a["status"] for a in mine}
        assert "fetched" in statuses, (learner, mine)
        submitted = [s for a in mine for s in a.get("submissions", [])]
        if learner == ROLES["nothing"]:
            assert submitted == []
        else:
            assert any(s.get("has_local_feedback") for s in submitted), (learner, submitted)

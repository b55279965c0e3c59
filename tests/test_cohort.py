"""grade-cohort: every learner reported, every problem counted, the same verdicts as the checker.

A small course directory is built by hand here (one learner per case), so each test asks
one question about one case. The nbgrader comparison is in test_cohort_nbgrader.py.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import nbformat
import pytest

from graders import check
from graders.learner import answers
from graders.cohort.grade import (
    COLUMNS,
    GENUINE,
    PROBLEMS,
    Submission,
    criteria_of,
    grade,
    iter_submissions,
    notebook_answers,
    select_assignments,
)
from graders.cohort.commands import grade_cohort
from graders.learner.exercises import get_exercise
from graders.assignments.integrity import inspect
from graders.checker.scenarios import get_scenario
from graders.assignments import references

ASSIGNMENT = "01-apology-order"
EXERCISE = get_exercise(f"{ASSIGNMENT}.q1")
SCENARIO = get_scenario(EXERCISE.scenario)
NOTEBOOK = f"{ASSIGNMENT}.ipynb"

SAVED = {
    "good": references.reference_for(Path(__file__).resolve().parents[1], SCENARIO.id),  # the lesson's public model answer would be flagged as a copy
    "partial": "大変申し訳ございません。原因は昨夜の作業での設定の誤りでした。すでに復旧いたしました。",
}
TYPED = "ご迷惑をおかけし、誠に申し訳ございません。注文画面はすでに復旧いたしました。原因は昨夜の設定の誤りでした。"
# learner -> the status every row of theirs must carry
EXPECTED_STATUS = {
    "good": "graded",
    "partial": "graded",
    "corrupt": "corrupt_file",
    "empty": "empty_file",
    "sjis": "not_utf8",
    "missing": "missing_file",
    "nowidget": "missing_file",  # no answers.json, but the answer cell holds a reply
    "blank": "no_answer",
    "nothing": "no_assignment",
    "stray": "no_assignment",
}


def release_notebook(typed: str = "") -> nbformat.NotebookNode:
    """The shape of the course's release notebook that matters here: the answer cell."""
    nb = nbformat.v4.new_notebook()
    answer = nbformat.v4.new_code_cell(f'# フォームが使えない場合は、下の """ と """ の間に書いてください。\nANSWER_Q1 = """\n{typed}\n"""\n')
    answer.metadata["nbgrader"] = {"grade": False, "grade_id": "q1-answer", "locked": False, "schema_version": 3, "solution": True}
    nb.cells = [nbformat.v4.new_markdown_cell("# 課題 01"), answer]
    return nb


def payload(text: str) -> str:
    return json.dumps({"version": 1, "answers": {EXERCISE.id: {"text": text, "attempts": []}}}, ensure_ascii=False)


@pytest.fixture
def course(tmp_path: Path) -> Path:
    root = tmp_path / "course"
    for learner in EXPECTED_STATUS:
        folder = root / "submitted" / learner / ASSIGNMENT
        if learner in ("nothing", "stray"):
            folder.parent.mkdir(parents=True)
            if learner == "stray":
                (folder.parent / "メモ.txt").write_text("提出のしかたがわかりませんでした", encoding="utf-8")
            continue
        folder.mkdir(parents=True)
        nbformat.write(release_notebook(TYPED if learner == "nowidget" else ""), folder / NOTEBOOK)
        target = folder / answers.FILENAME
        if learner in SAVED:
            answers.save(target, EXERCISE.id, SAVED[learner], event="check")
        elif learner == "corrupt":
            target.write_text(payload(SAVED["good"])[:40], encoding="utf-8")
        elif learner == "empty":
            target.write_bytes(b"")
        elif learner == "sjis":
            target.write_bytes(payload(SAVED["good"]).encode("shift_jis"))
        elif learner == "blank":
            target.write_text(payload("  \n "), encoding="utf-8")
    return root


def rows_of(course: Path, jobs: int = 1) -> list:
    subs = iter_submissions(course, select_assignments(course))
    return [row for batch in grade(subs, jobs=jobs) for row in batch]


def by_learner(rows) -> dict[str, list]:
    found: dict[str, list] = {}
    for row in rows:
        found.setdefault(row.student_id, []).append(row)
    return found


def test_every_learner_gets_one_row_per_criterion(course):
    found = by_learner(rows_of(course))
    assert sorted(found) == sorted(EXPECTED_STATUS)
    criteria = [c for c, _ in criteria_of(EXERCISE)]
    for learner, rows in found.items():
        assert [r.criterion for r in rows] == criteria, learner
        assert {r.assignment for r in rows} == {ASSIGNMENT}


@pytest.mark.parametrize("learner", sorted(SAVED))
def test_saved_answers_get_the_checkers_verdicts(course, learner):
    rows = {r.criterion: r for r in by_learner(rows_of(course))[learner]}
    report = check(SAVED[learner].strip(), SCENARIO)
    for result in report.criteria:
        assert (rows[result.id].passed, rows[result.id].points, rows[result.id].message) == (result.passed, result.points, result.message)
    genuine = not inspect(SAVED[learner].strip(), SCENARIO.bad_reply)
    assert rows[GENUINE].passed is genuine
    assert {r.source for r in rows.values()} == {"answers.json"}


def test_the_learners_are_told_apart(course):
    totals = {learner: sum(r.points for r in rows) for learner, rows in by_learner(rows_of(course)).items()}
    full = sum(p for _, p in criteria_of(EXERCISE))
    assert totals["good"] == full
    assert 0 < totals["partial"] < full


@pytest.mark.parametrize("learner", [k for k, v in EXPECTED_STATUS.items() if v != "graded"])
def test_each_problem_is_reported_with_its_status(course, learner):
    rows = by_learner(rows_of(course))[learner]
    assert {r.status for r in rows} == {EXPECTED_STATUS[learner]}
    assert all(r.message.startswith(PROBLEMS[EXPECTED_STATUS[learner]]) for r in rows if not r.source)
    if learner != "nowidget":
        assert all(r.points == 0 and not r.passed and r.source == "" for r in rows)


def test_a_reply_typed_in_the_answer_cell_is_graded_as_the_notebook_would(course):
    rows = {r.criterion: r for r in by_learner(rows_of(course))["nowidget"]}
    assert notebook_answers(course / "submitted" / "nowidget" / ASSIGNMENT) == {1: f"\n{TYPED}\n"}
    report = check(TYPED, SCENARIO)
    assert {c.id: c.points for c in report.criteria} == {k: r.points for k, r in rows.items() if k != GENUINE}
    assert {r.source for r in rows.values()} == {"notebook"}


def test_an_answer_cell_that_does_not_parse_gives_no_answer(tmp_path):
    nb = release_notebook()
    nb.cells[1].source = 'ANSWER_Q1 = """書きかけ'
    nbformat.write(nb, tmp_path / NOTEBOOK)
    assert notebook_answers(tmp_path) == {}


def test_the_summary_counts_each_problem_once_per_learner(course):
    out = io.StringIO()
    summary = grade_cohort(course, out)
    expected = Counter(s for s in EXPECTED_STATUS.values() if s != "graded")
    assert summary.problems == expected
    assignment = summary.assignments[ASSIGNMENT]
    assert assignment.learners == len(EXPECTED_STATUS)
    assert assignment.answers == 3  # good, partial, nowidget
    assert assignment.from_notebook == 1
    text = summary.render()
    for status, count in expected.items():
        assert f"{PROBLEMS[status]}: {count} 人" in text
    assert "sjis" in text and "nothing" in text


def test_the_csv_has_the_long_form_columns(course):
    out = io.StringIO()
    grade_cohort(course, out)
    out.seek(0)
    records = list(csv.DictReader(out))
    assert tuple(records[0]) == COLUMNS
    assert len(records) == len(EXPECTED_STATUS) * len(criteria_of(EXERCISE))
    assert {r["passed"] for r in records} == {"True", "False"}


def test_two_jobs_write_the_same_rows_in_the_same_order(course):
    assert rows_of(course, jobs=2) == rows_of(course, jobs=1)


@pytest.mark.parametrize("jobs", [1, 2])
def test_grading_streams_instead_of_reading_everything_first(course, jobs):
    pulled = []

    def submissions():
        for n in range(500):
            pulled.append(n)
            yield Submission(f"s{n:03d}", ASSIGNMENT, str(course / "submitted" / "good" / ASSIGNMENT))

    rows = grade(submissions(), jobs=jobs)
    first = next(rows)
    assert first[0].student_id == "s000"
    # Only a bounded window of work is taken ahead of the output (a few batches per worker).
    assert len(pulled) < 250
    rows.close()


# ---------------------------------------------------------------- the command


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "graders", *args], capture_output=True, text=True, encoding="utf-8")


def test_command_writes_the_csv_and_a_summary(course, tmp_path):
    out = tmp_path / "grades.csv"
    done = run_cli("grade-cohort", "--course-dir", str(course), "--out", str(out), "--jobs", "2")
    assert done.returncode == 0, done.stderr
    with open(out, encoding="utf-8") as f:
        records = list(csv.DictReader(f))
    assert {r["student_id"] for r in records} == set(EXPECTED_STATUS)
    assert f"■ {ASSIGNMENT}  受講者 {len(EXPECTED_STATUS)} 人" in done.stdout
    assert "Traceback" not in done.stderr
    assert not out.with_name("grades.csv.partial").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["--course-dir", "no-such-course"],
        ["--assignment", "99-no-such-assignment"],
        ["--jobs", "0"],
    ],
)
def test_bad_input_is_one_line_and_keeps_an_earlier_csv(course, tmp_path, args):
    out = tmp_path / "grades.csv"
    out.write_text("earlier results\n", encoding="utf-8")
    full = ["grade-cohort", "--out", str(out), *args]
    if "--course-dir" not in args:
        full += ["--course-dir", str(course)]
    done = run_cli(*full)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert out.read_text(encoding="utf-8") == "earlier results\n"


def test_a_course_without_submissions_is_a_clear_error(tmp_path):
    (tmp_path / "submitted").mkdir()
    done = run_cli("grade-cohort", "--course-dir", str(tmp_path), "--out", str(tmp_path / "g.csv"))
    assert done.returncode == 2
    assert "提出物がありません" in done.stderr


def test_a_terminal_gets_a_progress_bar_with_eta(course, tmp_path):
    """On a terminal (a pseudo-terminal here) stderr shows tqdm's bar; in a pipe it stays quiet."""
    import fcntl
    import os
    import pty
    import struct
    import termios

    quiet = run_cli("grade-cohort", "--course-dir", str(course), "--out", str(tmp_path / "quiet.csv"))
    assert "採点中" not in quiet.stderr
    saved = (course / "submitted" / "good" / ASSIGNMENT / answers.FILENAME).read_bytes()
    for n in range(3000):  # a few seconds of work: the bar appears after its one-second delay
        target = course / "submitted" / f"copy-{n:04d}" / ASSIGNMENT
        target.mkdir(parents=True)
        (target / answers.FILENAME).write_bytes(saved)
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    proc = subprocess.Popen(
        [sys.executable, "-m", "graders", "grade-cohort", "--course-dir", str(course), "--out", str(tmp_path / "g.csv")],
        stdout=subprocess.DEVNULL, stderr=slave,
    )
    os.close(slave)
    shown = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    assert proc.wait() == 0
    text = shown.decode("utf-8", "replace")
    assert "採点中" in text and "100%" in text and "<00:" in text  # "<00:.." is tqdm's ETA


def test_a_learner_on_the_gradebook_who_submitted_nothing_gets_zero_rows(course):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        gb.add_student("absent", first_name="未提出")
        gb.add_student("good")  # on the roster and in submitted/: still one learner
    found = by_learner(rows_of(course))
    assert sorted(found) == sorted([*EXPECTED_STATUS, "absent"])
    rows = found["absent"]
    assert [r.criterion for r in rows] == [c for c, _ in criteria_of(EXERCISE)]
    assert {r.status for r in rows} == {"no_assignment"}
    assert all(r.points == 0 and not r.passed and r.message.startswith(PROBLEMS["no_assignment"]) for r in rows)
    assert {r.status for r in found["good"]} == {"graded"}

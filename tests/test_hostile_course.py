"""One learner's files must not break the class (issue 11, items 4, 5 and 7).

A course folder holds, beside honest learners, every odd thing the audit found. grade-cohort
and tamper-check must finish, write the CSV, give each odd learner rows with a status and a
message, and read nothing outside the course. The grade cells, the re-grade and tamper-check
must make the same decision for every state of answers.json, and the learner's form,
check_exercise and the progress table must survive the same files.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from graders.assignments.grade_cells import MissingAnswer, answer_for
from graders.checker.errors import InputError
from graders.cohort.grade import Submission, criteria_of, folder_problem, grade_cells_present, grade_submission
from graders.learner import answers
from graders.learner.exercises import get_exercise

ASSIGNMENT = "01-apology-order"
EXERCISE = get_exercise(f"{ASSIGNMENT}.q1")
REPLY = (
    "朝からご注文を受けられず、大変なご迷惑をおかけしました。心よりお詫び申し上げます。"
    "注文画面は10時半に設定を戻して復旧いたしました。原因は昨夜の作業での設定の誤りでした。"
)
TYPED = "ご迷惑をおかけし、誠に申し訳ございません。注文画面はすでに復旧いたしました。原因は昨夜の設定の誤りでした。"
NESTED = b'{"answers": ' + b"[" * 1000 + b"]" * 1000 + b"}"  # 2 kB: RecursionError in json
SECRET = "この行はコースの外にある別の受講者のファイルです"


def payload(text: str = REPLY) -> bytes:
    return json.dumps({"version": 1, "answers": {EXERCISE.id: {"text": text, "attempts": []}}}, ensure_ascii=False).encode()


def _cell(grade_id: str, source: str, grade: bool) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": grade, "schema_version": 3, "solution": not grade}
    return {"cell_type": "code", "execution_count": None, "id": grade_id, "outputs": [], "metadata": {"nbgrader": meta}, "source": source}


def notebook(typed: str = "") -> str:
    """The release's shape that matters here: the answer cell and one grade cell per criterion."""
    cells = [_cell("q1-answer", f'ANSWER_Q1 = """\n{typed}\n"""\n', False)]
    cells += [_cell(f"q1-{criterion}", "# 採点", True) for criterion, _ in criteria_of(EXERCISE)]
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


# --- every state of answers.json, and the one decision on it ---------------------------------

# state -> (bytes of answers.json or a maker, status the re-grade reports, text graded)
def _folder(path: Path) -> None:
    path.mkdir()


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _zero(path: Path) -> None:
    path.symlink_to("/dev/zero")


def _huge(path: Path) -> None:
    with open(path, "wb") as f:
        f.write(payload()[:-2])
        f.truncate(answers.MAX_FILE_BYTES + 10)


STATES = {
    "saved": (payload(), "graded", REPLY),
    "missing": (None, "missing_file", TYPED),
    "folder": (_folder, "unreadable_file", TYPED),
    "fifo": (_fifo, "unreadable_file", TYPED),
    "link to /dev/zero": (_zero, "unreadable_file", TYPED),
    "corrupt": (payload()[:30], "corrupt_file", TYPED),
    "nested": (NESTED, "corrupt_file", TYPED),
    "bom": (b"\xef\xbb\xbf" + payload(), "graded", REPLY),
    "malformed entry": (b'{"answers": {"%s": {"text": 3}, "other": {"text": "x"}}}' % EXERCISE.id.encode(), "invalid_entry", TYPED),
    "other entry malformed": (b'{"answers": {"%s": {"text": "%s"}, "other": 7}}' % (EXERCISE.id.encode(), REPLY.encode()), "graded", REPLY),
    "huge": (_huge, "too_large", TYPED),
}


def make_state(folder: Path, state: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{ASSIGNMENT}.ipynb").write_text(notebook(TYPED), encoding="utf-8")
    content = STATES[state][0]
    target = folder / answers.FILENAME
    if isinstance(content, bytes):
        target.write_bytes(content)
    elif content is not None:
        content(target)


@pytest.mark.parametrize("state", STATES)
def test_grade_cells_and_the_regrade_decide_alike_for_every_state(tmp_path, state, monkeypatch):
    folder = tmp_path / "submitted" / "learner" / ASSIGNMENT
    make_state(folder, state)
    _, status, graded = STATES[state]
    # The grade cell, as it runs in the autograded folder (the notebook's literal is its fallback).
    monkeypatch.chdir(folder)
    assert answer_for(EXERCISE.id, TYPED) == graded
    # The re-grade (grade-cohort and tamper-check both grade through grade_submission).
    rows = grade_submission(Submission("learner", ASSIGNMENT, str(folder)))
    assert {r.status for r in rows} == {status}
    assert {r.source for r in rows} == {"answers.json" if graded == REPLY else "notebook"}
    assert [r.passed for r in rows if r.criterion != "genuine"] == [
        c.passed for c in __import__("graders").check(graded, EXERCISE.scenario).criteria
    ]


def test_a_state_with_no_fallback_fails_the_grade_cell_and_the_regrade(tmp_path, monkeypatch):
    folder = tmp_path / "submitted" / "learner" / ASSIGNMENT
    make_state(folder, "folder")
    (folder / f"{ASSIGNMENT}.ipynb").write_text(notebook(""), encoding="utf-8")
    monkeypatch.chdir(folder)
    with pytest.raises(MissingAnswer):
        answer_for(EXERCISE.id, "")
    rows = grade_submission(Submission("learner", ASSIGNMENT, str(folder)))
    assert {(r.points, r.status, r.source) for r in rows} == {(0, "unreadable_file", "")}
    assert all("開けません" in r.message for r in rows)


# --- a whole hostile course through grade-cohort ---------------------------------------------


@pytest.fixture
def hostile(tmp_path):
    """A course whose submitted/ holds every odd thing, and a folder outside it."""
    outside = tmp_path / "outside"
    (outside / ASSIGNMENT).mkdir(parents=True)
    (outside / ASSIGNMENT / answers.FILENAME).write_bytes(payload(SECRET))
    course = tmp_path / "course"
    sub = course / "submitted"
    for state in STATES:
        make_state(sub / state.replace(" ", "-").replace("/", "") / ASSIGNMENT, state)
    make_state(sub / ".dotted" / ASSIGNMENT, "saved")
    bad_name = os.fsdecode(b"\xff\xfe-sjis")  # a folder name that is not UTF-8
    make_state(sub / bad_name / ASSIGNMENT, "saved")
    (sub / "link-out").symlink_to(outside)  # another learner's folder, outside the course
    make_state(sub / "file-link" / ASSIGNMENT, "missing")
    (sub / "file-link" / ASSIGNMENT / answers.FILENAME).symlink_to(outside / ASSIGNMENT / answers.FILENAME)
    make_state(sub / "passwd" / ASSIGNMENT, "missing")
    (sub / "passwd" / ASSIGNMENT / answers.FILENAME).symlink_to("/etc/passwd")
    (sub / "fifo-notebook" / ASSIGNMENT).mkdir(parents=True)
    os.mkfifo(sub / "fifo-notebook" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    (sub / "assignment-link").mkdir()
    (sub / "assignment-link" / ASSIGNMENT).symlink_to(outside / ASSIGNMENT)
    return course


def grade_cohort_cli(course: Path, out: Path, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "graders", "grade-cohort", "--course-dir", str(course), "--out", str(out)],
                          capture_output=True, text=True, timeout=300, **kwargs)


def test_grade_cohort_finishes_with_a_row_and_status_for_every_learner(hostile, tmp_path):
    out = tmp_path / "grades.csv"
    done = grade_cohort_cli(hostile, out)
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr
    with open(out, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    status = {}
    for row in rows:
        status.setdefault(row["student_id"], set()).add(row["status"])
        assert row["message"], row
        assert SECRET not in row["message"]
    expected = {state.replace(" ", "-").replace("/", ""): {STATES[state][1]} for state in STATES}
    expected |= {
        ".dotted": {"graded"},
        "\\xff\\xfe-sjis": {"graded"},
        "link-out": {"unreadable_folder"},
        "file-link": {"unreadable_file"},
        "passwd": {"unreadable_file"},
        "fifo-notebook": {"missing_file"},
        "assignment-link": {"unreadable_folder"},
    }
    assert status == expected
    # Nothing outside the course was graded: the linked learner's reply appears nowhere.
    assert all(row["source"] == "" for row in rows if row["student_id"] in ("link-out", "assignment-link"))
    assert all(row["source"] == "notebook" for row in rows if row["student_id"] in ("file-link", "passwd"))  # their own cell


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to run the command as another user")
def test_an_unreadable_folder_is_a_row_not_a_crash(tmp_path):
    # Root reads every folder; so the command runs as nobody on a course nobody may only partly read.
    course = Path(tempfile.mkdtemp(prefix="outai-unreadable-", dir="/tmp"))
    try:
        os.chmod(course, 0o755)
        make_state(course / "submitted" / "open" / ASSIGNMENT, "saved")
        make_state(course / "submitted" / "closed" / ASSIGNMENT, "saved")
        for path in course.rglob("*"):
            os.chmod(path, 0o755 if path.is_dir() else 0o644)
        os.chmod(course / "submitted" / "closed", 0o000)
        out = course / "grades.csv"
        os.chmod(course, 0o777)
        # The interpreter lives under /root: load everything as root, then become nobody.
        script = (
            "import os, sys, csv, concurrent.futures, multiprocessing, tqdm, encodings.utf_8_sig\n"
            "import graders.cli, graders.cohort.commands, graders.cohort.grade, graders.assignments.integrity\n"
            "import graders.assignments.references, graders.checker.rubric, graders.checker.cues\n"
            "from graders import check\n"
            "check('ご迷惑をおかけし、申し訳ございません。', 'outage-apology')\n"
            "graders.assignments.integrity.inspect_for('申し訳ございません。', graders.checker.scenarios.get_scenario('outage-apology'))\n"
            # The package's data too: the clone may sit in a folder only root can read (mktemp -d).
            "graders.learner.exercises.all_exercises(); graders.checker.scenarios.all_scenarios()\n"
            "graders.checker.cues.cue_model()\n"
            "os.setgid(65534); os.setuid(65534)\n"
            f"sys.exit(graders.cli.main(['grade-cohort', '--course-dir', {str(course)!r}, '--out', {str(out)!r}]))\n"
        )
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
        assert done.returncode in (0, 1), done.stderr
        with open(out, encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        status = {row["student_id"]: row["status"] for row in rows}
        assert status == {"open": "graded", "closed": "unreadable_folder"}, [(r["student_id"], r["message"]) for r in rows]
    finally:
        os.chmod(course / "submitted" / "closed", 0o755)
        shutil.rmtree(course)


@pytest.mark.nbgrader  # a real nbgrader gradebook (its migrations run alembic from PATH)
def test_tamper_check_finishes_on_the_same_course(hostile, tmp_path):
    from nbgrader.api import Gradebook

    students = sorted(p.name for p in (hostile / "submitted").iterdir() if p.name.isascii())
    db = tmp_path / "gradebook.db"
    with Gradebook(f"sqlite:///{db}") as gb:
        gb.update_or_create_assignment(ASSIGNMENT)
        gb.add_notebook(ASSIGNMENT, ASSIGNMENT)
        for criterion, points in criteria_of(EXERCISE):
            gb.add_grade_cell(f"q1-{criterion}", ASSIGNMENT, ASSIGNMENT, max_score=points, cell_type="code")
        for student in students:
            gb.add_student(student)
            gb.add_submission(ASSIGNMENT, student)
            for criterion, points in criteria_of(EXERCISE):  # full marks, as a patched kernel gives
                gb.find_grade(f"q1-{criterion}", ASSIGNMENT, ASSIGNMENT, student).auto_score = float(points)
        gb.db.commit()
    out = tmp_path / "mismatches.csv"
    done = subprocess.run([sys.executable, "-m", "graders", "tamper-check", "--course-dir", str(hostile), "--gradebook", str(db),
                           "--out", str(out)], capture_output=True, text=True, timeout=300)
    assert done.returncode in (0, 1) and "Traceback" not in done.stderr, done.stderr
    with open(out, encoding="utf-8") as f:
        listed = {row["student_id"] for row in csv.DictReader(f)}
    # Exactly the learners whose full marks the re-grade does not confirm, decided as
    # grade-cohort and the grade cells decide (every state of answers.json is here).
    confirmed = set()
    for student in students:
        folder = hostile / "submitted" / student / ASSIGNMENT
        if folder_problem(folder) is None and len(grade_cells_present(folder)) > 1:  # a notebook that was read
            rows = grade_submission(Submission(student, ASSIGNMENT, str(folder)))
            if all(r.points == r.max_points for r in rows):
                confirmed.add(student)
    assert listed == set(students) - confirmed
    assert {"link-out", "assignment-link", "fifo-notebook"} <= listed  # nothing the re-grade may read
    assert not {"fifo", "nested", "passwd", "file-link", "folder"} & listed  # the typed reply, as in the kernel
    assert SECRET not in out.read_text(encoding="utf-8")


# --- the learner's side survives the same files ----------------------------------------------


@pytest.mark.parametrize("state", ["folder", "fifo", "link to /dev/zero", "nested", "huge", "malformed entry"])
def test_form_check_exercise_and_progress_survive(tmp_path, state):
    from graders import RewriteForm, check_exercise
    from graders.learner.progress import progress_table

    folder = tmp_path / "exercises" / ASSIGNMENT
    make_state(folder, state)
    form = RewriteForm(EXERCISE.id, answers_path=folder / answers.FILENAME)
    assert form.textarea.value == ""
    with pytest.raises(InputError):
        check_exercise(EXERCISE.id, answers_path=folder / answers.FILENAME)
    table = progress_table(tmp_path)
    row = table[table["exercise"] == EXERCISE.id].iloc[0]
    assert not row["saved"] and row["status"]

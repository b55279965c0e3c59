"""grade-cohort against real nbgrader: the same scores, a cheater caught, drafts in formgrader.

One demo cohort (six learners, two assignments) goes through the real nbgrader CLI once:
generate_assignment (which also makes the gradebook) and autograde. Three learners are then
changed the ways that matter:

- learner-0004: answers.json cut off halfway (corrupt): both graders give 0;
- learner-0005: no answers.json; the reply typed into the notebook's answer cell instead;
- learner-0006: saves the bad reply unchanged, and a cell added to the notebook replaces
  the checker inside the kernel, so nbgrader gives full marks; the re-grade does not.
"""

from __future__ import annotations

import csv
import html
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from graders.learner import answers
from graders.cohort.grade import criteria_of, grade_submission, iter_submissions
from graders.assignments.preprocessors import INSTRUCTOR_NOTE
from graders.cohort.review import DRAFT_MARK, LETTER_ASSIGNMENT
from graders.cohort.tamper import compare
from graders.cohort.demo import build_cohort
from graders.learner.exercises import for_assignment
from graders.checker.scenarios import get_scenario

pytestmark = pytest.mark.nbgrader

ASSIGNMENTS = ["01-apology-order", LETTER_ASSIGNMENT]
LEARNERS = [f"learner-{i:04d}" for i in range(1, 7)]
CORRUPT, NOWIDGET, CHEATER = "learner-0004", "learner-0005", "learner-0006"
TYPED = "ご迷惑をおかけし、誠に申し訳ございません。注文画面はすでに復旧いたしました。原因は昨夜の設定の誤りでした。"
CHEAT = """# 採点を通すためのセル（不正）
import graders.assignments.grade_cells
graders.assignments.grade_cells.assert_criterion = lambda *args, **kwargs: None
graders.assignments.grade_cells.assert_genuine = lambda *args, **kwargs: None
"""


def python_env() -> dict[str, str]:
    # nbgrader runs `alembic` by name when it creates a gradebook: this Python's bin first.
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def run(course: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", *args], cwd=course, env=python_env(), capture_output=True, text=True, encoding="utf-8")
    if check:
        assert done.returncode == 0, f"{' '.join(args)} failed:\n{done.stderr[-3000:]}"
    return done


def answer_cell(nb: nbformat.NotebookNode) -> int:
    return next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == "q1-answer")


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    course = tmp_path_factory.mktemp("cohort") / "course"
    build_cohort(course, len(LEARNERS), seed=11, assignments=ASSIGNMENTS)
    first = course / "submitted"

    path = first / CORRUPT / ASSIGNMENTS[0] / "answers.json"
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])

    folder = first / NOWIDGET / ASSIGNMENTS[0]
    (folder / "answers.json").unlink()
    nb = nbformat.read(folder / f"{ASSIGNMENTS[0]}.ipynb", as_version=4)
    cell = nb.cells[answer_cell(nb)]
    assert '"""\n\n"""' in cell.source
    cell.source = cell.source.replace('"""\n\n"""', f'"""\n{TYPED}\n"""')
    nbformat.write(nb, folder / f"{ASSIGNMENTS[0]}.ipynb")

    # The cheater saves a weak reply (the bad reply itself) and patches the checker.
    answers.save(first / CHEATER / ASSIGNMENTS[0] / "answers.json", f"{ASSIGNMENTS[0]}.q1", get_scenario("outage-apology").bad_reply, event="check")
    notebook = first / CHEATER / ASSIGNMENTS[0] / f"{ASSIGNMENTS[0]}.ipynb"
    nb = nbformat.read(notebook, as_version=4)
    nb.cells.insert(answer_cell(nb) + 1, nbformat.v4.new_code_cell(CHEAT))
    nbformat.write(nb, notebook)

    started = time.perf_counter()
    run(course, "nbgrader", "generate_assignment", "*", "--force")  # records the grade cells in a fresh gradebook
    run(course, "nbgrader", "autograde", "*")
    print(f"\nnbgrader generate + autograde of {len(LEARNERS) * len(ASSIGNMENTS)} submissions: {time.perf_counter() - started:.1f} s")
    return course


def autograded(course: Path) -> dict[tuple[str, str, str], float]:
    """(student, assignment, grade id) -> nbgrader's automatic score."""
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", course_id="") as gb:
        return {
            (sub.student_id, assignment, grade.name): grade.auto_score
            for assignment in ASSIGNMENTS
            for sub in gb.assignment_submissions(assignment)
            for nb in sub.notebooks
            for grade in nb.grades
        }


def regraded(course: Path) -> dict[tuple[str, str, str], int]:
    rows = [r for sub in iter_submissions(course, ASSIGNMENTS) for r in grade_submission(sub)]
    return {(r.student_id, r.assignment, f"q{r.exercise.rsplit('.q', 1)[1]}-{r.criterion}"): r.points for r in rows}


def test_every_learner_and_criterion_is_graded_by_both(course):
    expected = {(s, a, f"q{e.number}-{c}") for s in LEARNERS for a in ASSIGNMENTS for e in for_assignment(a) for c, _ in criteria_of(e)}
    assert set(autograded(course)) == expected
    assert set(regraded(course)) == expected


def test_grade_cohort_scores_equal_nbgrader_for_every_honest_learner_and_criterion(course):
    nbgrader, ours = autograded(course), regraded(course)
    honest = {k: v for k, v in nbgrader.items() if k[0] != CHEATER or k[1] != ASSIGNMENTS[0]}
    assert {k: ours[k] for k in honest} == honest
    # Not all zeros: the comparison covers passes and failures alike.
    assert 0 < sum(honest.values()) < sum(p for a in ASSIGNMENTS for e in for_assignment(a) for _, p in criteria_of(e)) * len(LEARNERS)


def test_the_special_cases_agree(course):
    nbgrader, ours = autograded(course), regraded(course)
    corrupt = [k for k in nbgrader if k[:2] == (CORRUPT, ASSIGNMENTS[0])]
    assert all(nbgrader[k] == ours[k] == 0 for k in corrupt)
    typed = [k for k in nbgrader if k[:2] == (NOWIDGET, ASSIGNMENTS[0])]
    assert sum(nbgrader[k] for k in typed) == sum(ours[k] for k in typed) > 0


def test_the_cheater_gets_full_marks_from_nbgrader_but_not_from_the_regrade(course):
    nbgrader, ours = autograded(course), regraded(course)
    cheat = [k for k in nbgrader if k[:2] == (CHEATER, ASSIGNMENTS[0])]
    maximum = sum(p for e in for_assignment(ASSIGNMENTS[0]) for _, p in criteria_of(e))
    assert sum(nbgrader[k] for k in cheat) == maximum
    assert sum(ours[k] for k in cheat) < maximum


def test_tamper_check_lists_exactly_the_cheaters_inflated_grades(course):
    nbgrader, ours = autograded(course), regraded(course)
    report = compare(course, f"sqlite:///{course / 'gradebook.db'}")
    listed = {(m.student_id, m.assignment, m.grade_id) for m in report.mismatches}
    inflated = {k for k in nbgrader if k[:2] == (CHEATER, ASSIGNMENTS[0]) and nbgrader[k] != ours[k]}
    assert listed == inflated and inflated
    assert {m.kind for m in report.mismatches} == {"score"}
    assert all(m.gradebook_points > m.regrade_points for m in report.mismatches)
    assert report.grades == len(nbgrader)


def test_tamper_check_command_exits_1_and_writes_the_list(course, tmp_path):
    out = tmp_path / "mismatches.csv"
    done = run(course, "graders", "tamper-check", "--out", str(out), check=False)
    assert done.returncode == 1, done.stderr
    assert CHEATER in done.stdout and "食い違い" in done.stdout
    with open(out, encoding="utf-8") as f:
        assert {row["student_id"] for row in csv.DictReader(f)} == {CHEATER}


def test_tamper_check_without_a_gradebook_is_one_clear_line(tmp_path):
    (tmp_path / "submitted").mkdir()
    done = run(tmp_path, "graders", "tamper-check", "--course-dir", str(tmp_path), check=False)
    assert done.returncode == 2
    assert "gradebook" in done.stderr and "Traceback" not in done.stderr


# ---------------------------------------------------------------- review comments for formgrader


def comments(course: Path) -> dict[str, str | None]:
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", course_id="") as gb:
        return {
            s: gb.find_comment("q1-answer", LETTER_ASSIGNMENT, LETTER_ASSIGNMENT, s).manual_comment
            for s in LEARNERS
        }


@pytest.fixture(scope="module")
def reviewed(course) -> Path:
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", course_id="") as gb:
        gb.find_comment("q1-answer", LETTER_ASSIGNMENT, LETTER_ASSIGNMENT, LEARNERS[1]).manual_comment = "講師が書いたコメントです。"
        gb.db.commit()
    run(course, "graders", "review-comments")
    run(course, "graders", "review-comments")  # running again refreshes drafts, keeps the instructor's
    return course


def test_each_letter_gets_a_draft_with_the_checkers_findings(reviewed):
    drafts = comments(reviewed)
    for student in LEARNERS:
        if student == LEARNERS[1]:
            continue
        draft = drafts[student]
        assert draft.startswith(DRAFT_MARK)
        letter = json.loads((reviewed / "submitted" / student / LETTER_ASSIGNMENT / "answers.json").read_text(encoding="utf-8"))
        first_line = letter["answers"][f"{LETTER_ASSIGNMENT}.q1"]["text"].strip().splitlines()[0]
        assert first_line in draft
        assert "説明より先に謝罪" in draft and "自分の言葉で書いた返信" in draft


def letter_of(course: Path, student: str) -> str:
    stored = json.loads((course / "submitted" / student / LETTER_ASSIGNMENT / "answers.json").read_text(encoding="utf-8"))
    return stored["answers"][f"{LETTER_ASSIGNMENT}.q1"]["text"].strip()


def test_feedback_from_an_unedited_draft_has_the_findings_and_the_letter_but_no_instructor_note(reviewed):
    run(reviewed, "nbgrader", "generate_feedback", LETTER_ASSIGNMENT, "--force")
    for student in LEARNERS:
        page = (reviewed / "feedback" / student / LETTER_ASSIGNMENT / f"{LETTER_ASSIGNMENT}.html").read_text(encoding="utf-8")
        assert INSTRUCTOR_NOTE not in page and "下書き" not in page
        assert html.escape(letter_of(reviewed, student).splitlines()[0]) in page
        if student != LEARNERS[1]:
            assert "採点器の所見" in page and "説明より先に謝罪" in page
    assert "講師が書いたコメントです。" in (reviewed / "feedback" / LEARNERS[1] / LETTER_ASSIGNMENT / f"{LETTER_ASSIGNMENT}.html").read_text(encoding="utf-8")


def test_an_instructors_own_comment_is_never_replaced(reviewed):
    assert comments(reviewed)[LEARNERS[1]] == "講師が書いたコメントです。"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_formgrader_shows_the_draft_in_the_answer_cells_comment_box(reviewed):
    """Ask a real formgrader: its page has the comment box for the answer cell, and the
    API that fills that box returns our draft as the comment's text."""
    port, token = free_port(), os.urandom(16).hex()
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "server", "--no-browser", "--allow-root", f"--port={port}",
         "--ServerApp.ip=127.0.0.1", f"--ServerApp.token={token}"],
        cwd=reviewed, env=python_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"

    def get(path: str) -> str:
        with urllib.request.urlopen(f"{base}{path}{'&' if '?' in path else '?'}token={token}", timeout=30) as response:
            return response.read().decode("utf-8")

    try:
        for _ in range(240):
            try:
                get("/api/status")
                break
            except OSError:
                time.sleep(0.25)
        with Gradebook(f"sqlite:///{reviewed / 'gradebook.db'}", course_id="") as gb:
            submission_id = gb.find_submission_notebook(LETTER_ASSIGNMENT, LETTER_ASSIGNMENT, LEARNERS[0]).id
        page = get(f"/formgrader/submissions/{submission_id}")
        assert 'id="q1-answer-comment"' in page
        # The answer view shows the letter that was graded (the learner wrote it in the form).
        assert html.escape(letter_of(reviewed, LEARNERS[0]).splitlines()[0]) in page
        assert "No response" not in page
        shown = {c["name"]: c["manual_comment"] for c in json.loads(get(f"/formgrader/api/comments?submission_id={submission_id}"))}
        assert shown["q1-answer"].startswith(DRAFT_MARK)
    finally:
        server.terminate()
        server.wait(timeout=30)

"""Grade a whole cohort: every submitted/<student>/<assignment>/answers.json of a course.

The re-grade runs the same checker and rubric as the notebooks' grade cells, outside any
learner kernel, and yields one long-form row per learner x exercise x criterion, in a
stable order (students, then assignments, then exercises, sorted). Nothing is collected:
rows stream out as they are graded, so memory stays flat however large the cohort.

A submission that cannot be graded is never dropped: its criteria get rows with 0 points
and a status saying why (missing, empty, non-UTF-8 or corrupt file, no answer, ...). That
is also what the notebooks' grade cells score for it, so totals agree with nbgrader.
"""

from __future__ import annotations

import json
import os
import stat
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple

from ..learner import answers
from ..checker.errors import InputError
from ..learner.exercises import (
    ConversationExercise,
    Exercise,
    conversations_for,
    for_assignment,
    genuine_points,
    graded_assignments,
)
from ..checker.scenarios import get_scenario
from ..roleplay.dialogue import get_dialogue
from . import conversations
from .answer_cells import answer_cells, assigned, entries, notebook_cells

SUBMITTED = "submitted"
GRADEBOOK = "gradebook.db"  # nbgrader's default place for it, in the course folder
GENUINE = "genuine"  # the hidden check of every exercise (graders.assignments.grade_cells.assert_genuine)
GENUINE_TITLE = "自分の言葉で書いた返信"

# CSV columns, in order. The first eight are the stable long form. ``status`` is the state
# of the learner's saved answer ("graded" when answers.json held it, else the problem);
# ``source`` is where the graded text came from: "answers.json", "notebook" (the answer
# cell's literal, as the grade cells fall back to it) or "" when nothing could be graded.
COLUMNS = ("student_id", "assignment", "exercise", "criterion", "passed", "points", "max_points", "message", "status", "source")

GRADED = answers.GRADED
# Problems, in the order the summary lists them, with the Japanese an instructor reads: the
# folder's, then answers.json's (answers.PROBLEMS, the one decision the grade cells share).
PROBLEMS: dict[str, str] = {
    "no_assignment": "提出フォルダに課題が一つもありません",
    "not_submitted": "この課題が提出されていません",
    "unreadable_folder": "提出フォルダを開けません",
    **answers.PROBLEMS,
    "invalid_answer": "回答を採点できません",
}
STATUSES = (GRADED, *PROBLEMS)
FROM_FILE, FROM_NOTEBOOK = answers.FROM_FILE, answers.FROM_NOTEBOOK


class Row(NamedTuple):
    student_id: str
    assignment: str
    exercise: str
    criterion: str
    passed: bool
    points: int
    max_points: int
    message: str
    status: str
    source: str


@dataclass(frozen=True)
class Submission:
    """One learner's folder for one assignment; ``status`` is set when there is nothing to read."""

    student: str  # the folder's name as the file system gives it
    assignment: str
    folder: str
    status: str | None = None  # "no_assignment" / "not_submitted" / "unreadable_folder", else None
    detail: str = ""  # a short Japanese reason for the status


# ---------------------------------------------------------------- finding submissions


def submitted_dir(course_dir: str | os.PathLike) -> Path:
    folder = Path(course_dir) / SUBMITTED
    if not folder.is_dir():
        raise InputError(f"「{folder}」がありません。nbgrader のコースフォルダ（submitted/ を含むフォルダ）を --course-dir で指定してください。")
    return folder


def display_name(name: str) -> str:
    """A folder name as text: bytes that are not UTF-8 shown as \\xNN, never an encoding error."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def _subfolders(folder: Path) -> Iterator[str]:
    """Folders inside ``folder`` (dot names too), never through a symbolic link."""
    for entry in entries(folder):
        try:
            if entry.is_dir(follow_symlinks=False):
                yield entry.name
        except OSError:
            continue


def student_ids(course_dir: str | os.PathLike) -> list[str]:
    """Every student under submitted/, sorted: folders, dot names included (issue 11.5), and
    whatever else stands where a folder should (a link, a file): it gets a row with a status.
    Students the course's gradebook lists who submitted nothing are there too, so a cohort's
    averages count them instead of leaving them out."""
    return sorted({e.name for e in entries(submitted_dir(course_dir))} | set(gradebook_students(course_dir)))


def gradebook_students(course_dir: str | os.PathLike) -> list[str]:
    """The students in the course's nbgrader gradebook (DIR/gradebook.db), if it has one."""
    path = Path(course_dir) / GRADEBOOK
    if not path.is_file():
        return []
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{path.resolve()}") as gb:
        return [student.id for student in gb.students]


def folder_problem(path: Path) -> str | None:
    """Why a student or assignment folder cannot be read (short Japanese), or None."""
    try:
        info = os.lstat(path)
    except OSError as e:
        return e.strerror or str(e)
    if stat.S_ISLNK(info.st_mode):
        return "リンクなのでたどりません（コースの外は読みません）"
    if not stat.S_ISDIR(info.st_mode):
        return "フォルダーではありません"
    try:
        with os.scandir(path):
            pass
    except OSError as e:
        return e.strerror or str(e)
    return None


def select_assignments(course_dir: str | os.PathLike, wanted: Iterable[str] | None = None) -> list[str]:
    """The assignments to grade: ``wanted`` (each must be registered), else every
    registered assignment that at least one student submitted."""
    registered = graded_assignments()
    if wanted:
        wanted = list(dict.fromkeys(wanted))
        unknown = [a for a in wanted if a not in registered]
        if unknown:
            raise InputError(f"課題「{'、'.join(unknown)}」は登録されていません。登録済みの課題: {', '.join(registered)}")
        return wanted
    root = submitted_dir(course_dir)
    present: set[str] = set()
    for student in _subfolders(root):
        present.update(a for a in _subfolders(root / student) if a in registered)
        if len(present) == len(registered):
            break
    if not present:
        raise InputError(f"「{root}」に採点できる提出物がありません（登録済みの課題: {', '.join(registered)}）。")
    return sorted(present)


def iter_submissions(course_dir: str | os.PathLike, assignments: list[str], students: Iterable[str] | None = None) -> Iterator[Submission]:
    """Every (student, assignment) to grade, students sorted; a folder that is missing or
    cannot be read is a Submission with a status (links are never followed)."""
    root = submitted_dir(course_dir)
    registered = set(graded_assignments())
    for student in student_ids(course_dir) if students is None else students:
        folder = root / student
        # On the gradebook's roster but no folder: nothing was submitted at all.
        problem = None if not os.path.lexists(folder) else folder_problem(folder)
        present = set() if problem else {e.name for e in entries(folder)}
        empty = not (present & registered)
        for assignment in assignments:
            status, detail = None, ""
            if problem:
                status, detail = "unreadable_folder", problem
            elif empty:
                status = "no_assignment"
            elif assignment not in present:
                status = "not_submitted"
            elif detail := folder_problem(folder / assignment) or "":
                status = "unreadable_folder"
            yield Submission(student, assignment, str(folder / assignment), status, detail)


# ---------------------------------------------------------------- reading and grading


def load_answers(folder: str | os.PathLike) -> answers.Saved:
    """answers.json of one submission folder, as the grade cells read it (answers.load)."""
    return answers.load(Path(folder) / answers.FILENAME)


def notebook_answers(folder: str | os.PathLike) -> dict[int, str]:
    """The literal replies typed in the answer cells (grade id ``q<n>-answer``) of the
    submitted notebooks: {n: text}. A notebook that cannot be read gives nothing."""
    found: dict[int, str] = {}
    for n, source in answer_cells(folder):
        text = assigned(source, f"ANSWER_Q{n}", lambda v: isinstance(v, str))
        if text is not None:
            found[n] = text
    return found


def grade_cells_present(folder: str | os.PathLike) -> set[tuple[str, str]]:
    """(notebook name, grade id) of the grade cells still in the submitted notebooks: one
    that is missing was deleted by the learner, and nbgrader never ran it."""
    return {(name, grade_id) for name, _, grade_id in notebook_cells(folder) if grade_id}


def criterion_title(criterion_id: str) -> str:
    """The Japanese name of a criterion (or of the genuine-reply check)."""
    from ..checker.rubric import CRITERIA
    from ..roleplay.grading import CRITERIA as CONVERSATION_CRITERIA

    if criterion_id == GENUINE:
        return GENUINE_TITLE
    return (CRITERIA.get(criterion_id) or CONVERSATION_CRITERIA.get(criterion_id) or (criterion_id,))[0]


def criteria_of(exercise: Exercise | ConversationExercise) -> list[tuple[str, int]]:
    """(criterion id, points) of an exercise, as its notebook grades it: the scenario's (or
    the dialogue's) criteria, then the hidden genuine-reply check."""
    if isinstance(exercise, ConversationExercise):
        return list(get_dialogue(exercise.dialogue).criteria) + [(GENUINE, genuine_points())]
    return [(c.id, c.points) for c in get_scenario(exercise.scenario).criteria] + [(GENUINE, genuine_points())]


def _zero_rows(sub: Submission, exercise: Exercise | ConversationExercise, status: str, detail: str = "") -> list[Row]:
    message = PROBLEMS[status] + (f"（{detail}）。" if detail else "。")
    student = display_name(sub.student)
    return [Row(student, sub.assignment, exercise.id, c, False, 0, p, message, status, "") for c, p in criteria_of(exercise)]


def course_of(sub: Submission) -> Path:
    """The course folder of a submission (<course>/submitted/<student>/<assignment>)."""
    return Path(sub.folder).parents[2]


def grade_exercise(sub: Submission, exercise: Exercise, text: str, status: str, source: str) -> list[Row]:
    """Rows of one answer: the checker's criteria and the genuine-reply check, the latter as
    autograde records it (with the instructors' reference replies of the course folder)."""
    from ..checker.check import check
    from ..assignments import references
    from ..assignments.integrity import inspect_outside

    try:
        report = check(text, exercise.scenario)
    except InputError as e:
        return _zero_rows(sub, exercise, "invalid_answer", str(e))
    reference = references.reference_for(course_of(sub), exercise.scenario)
    findings = [f.message for f in inspect_outside(text, get_scenario(exercise.scenario), reference)]
    return _graded_rows(sub, exercise.id, report.criteria, findings, "お客様にそのまま送れる、自分の言葉で書かれた返信です。", status, source)


def _graded_rows(sub: Submission, exercise_id: str, results, findings: list[str], genuine_ok: str, status: str, source: str) -> list[Row]:
    """One row per graded criterion (anything with id, passed, points, max_points, message),
    then the genuine-reply row: full points without findings, else 0 and the findings."""
    student = display_name(sub.student)
    rows = [Row(student, sub.assignment, exercise_id, r.id, r.passed, r.points, r.max_points, r.message, status, source) for r in results]
    points = genuine_points()
    message = " ".join(findings) or genuine_ok
    rows.append(Row(student, sub.assignment, exercise_id, GENUINE, not findings, 0 if findings else points, points, message, status, source))
    return rows


def grade_conversation(sub: Submission, exercise: ConversationExercise, turns: list[str], status: str, source: str) -> list[Row]:
    """Rows of one conversation: the dialogue's criteria on the replay, and the genuine-reply
    check on every turn it used (as graders.assignments.roleplay_cells grades them)."""
    from ..assignments.integrity import inspect_for

    try:
        played = conversations.replay(exercise, turns)
    except InputError as e:
        return _zero_rows(sub, exercise, "invalid_answer", str(e))
    scenario = played.conversation.dialogue.scenario
    findings = [f"{i} 回目: {f.message}" for i, t in enumerate(played.conversation.turns, 1) for f in inspect_for(t.text, scenario)]
    return _graded_rows(sub, exercise.id, played.results, findings, "どの返事も、お客様にそのまま言える、自分の言葉で書かれています。", status, source)


def _grade_conversations(sub: Submission, saved: answers.Saved) -> list[Row]:
    typed: dict[int, list[str]] | None = None  # the notebook is read only when it is needed
    rows: list[Row] = []
    detail = saved.detail
    for exercise in conversations_for(sub.assignment):
        # The file's state as answers.choose decides it for a reply (the grade cells' rule).
        problem = saved.status or ("invalid_entry" if exercise.id in saved.broken else None)
        turns, unreadable = conversations.saved_turns(saved.entries.get(exercise.id), exercise)
        source = FROM_FILE
        if not turns:
            typed = conversations.notebook_turns(sub.folder) if typed is None else typed
            turns, source = conversations.typed_turns(typed.get(exercise.number)), FROM_NOTEBOOK
        if turns:
            status = problem or ("invalid_answer" if unreadable else GRADED if source == FROM_FILE else "no_answer")
            rows.extend(grade_conversation(sub, exercise, turns, status, source))
        else:
            status = problem or ("invalid_answer" if unreadable else "no_answer")
            rows.extend(_zero_rows(sub, exercise, status, detail if problem else unreadable))
    return rows


def grade_submission(sub: Submission) -> list[Row]:
    """The rows of one submission: one per exercise x criterion of its assignment. Never
    raises: whatever the folder holds becomes rows with a status."""
    exercises = for_assignment(sub.assignment) + conversations_for(sub.assignment)
    try:
        if sub.status is not None:
            return [row for e in exercises for row in _zero_rows(sub, e, sub.status, sub.detail)]
        if conversations_for(sub.assignment):
            return _grade_conversations(sub, load_answers(sub.folder))
        return _grade_submission(sub, exercises)
    except Exception as e:  # noqa: BLE001 (one learner's files must not stop the class's run)
        detail = f"{type(e).__name__}: {e}"[:200]
        return [row for ex in exercises for row in _zero_rows(sub, ex, "unreadable_folder", detail)]


def _grade_submission(sub: Submission, exercises: list[Exercise]) -> list[Row]:
    saved = load_answers(sub.folder)
    fallbacks: dict[int, str] | None = None  # the notebook is read only when it is needed
    rows: list[Row] = []
    for exercise in exercises:
        choice = answers.choose(saved, exercise.id)
        if choice.text is None:
            if fallbacks is None:
                fallbacks = notebook_answers(sub.folder)
            choice = answers.choose(saved, exercise.id, fallbacks.get(exercise.number))
        if choice.text is None:
            rows.extend(_zero_rows(sub, exercise, choice.status, saved.detail))
        else:
            rows.extend(grade_exercise(sub, exercise, choice.text, choice.status, choice.source))
    return rows


def _grade_batch(batch: list[Submission]) -> list[list[Row]]:
    return [grade_submission(sub) for sub in batch]


def _warm_up() -> None:
    """Load the dictionary and rules once per worker process, not once per answer."""
    from ..checker.check import check

    check("ご迷惑をおかけし、申し訳ございません。", "generic")


def _batches(items: Iterable[Submission], size: int) -> Iterator[list[Submission]]:
    batch: list[Submission] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def grade(submissions: Iterable[Submission], jobs: int = 1, batch_size: int = 32) -> Iterator[list[Row]]:
    """The rows of each submission, in input order; ``jobs`` > 1 grades in a process pool.

    At most a few batches per worker are in flight, so neither the queue of work nor the
    finished results pile up in memory.
    """
    if jobs <= 1:
        for sub in submissions:
            yield grade_submission(sub)
        return
    # fork: workers inherit the imported package; each then loads Sudachi once (_warm_up).
    with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("fork"), initializer=_warm_up) as pool:
        pending: deque = deque()
        for batch in _batches(submissions, batch_size):
            pending.append(pool.submit(_grade_batch, batch))
            if len(pending) >= 3 * jobs:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


__all__ = [
    "COLUMNS",
    "GRADED",
    "PROBLEMS",
    "STATUSES",
    "Row",
    "Submission",
    "criterion_title",
    "grade",
    "grade_submission",
    "iter_submissions",
    "display_name",
    "grade_cells_present",
    "folder_problem",
    "load_answers",
    "select_assignments",
    "student_ids",
]

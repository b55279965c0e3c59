"""Write the nbgrader source notebooks, solutions/<assignment>/<assignment>.ipynb, from data.

The registry (graders/learner/exercises.toml) and the scenarios (graders/checker/scenarios/*.toml) hold
everything an exercise notebook says, so every notebook has the same shape and a change
to a scenario reaches its notebook by re-running this module:

    python -m graders.assignments.authoring            # all assignments
    python -m graders.assignments.authoring 06-mixed   # one

Each exercise becomes: the task (markdown, read-only), the form (read-only), the answer
cell (a literal fallback; the instructors' reference reply from
solutions/reference-replies.toml, not the public model answer, sits in nbgrader's solution
region), one locked grade cell per criterion with its points, and one locked grade cell
against gaming (visible: see genuine_cell). Output is deterministic (fixed cell ids, no outputs), so
re-running changes nothing unless the data changed. Then regenerate the release:
python -m graders.assignments.release.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat
from nbformat.notebooknode import NotebookNode

from ..checker.errors import InputError
from ..learner.exercises import (
    Assignment,
    ConversationExercise,
    Exercise,
    all_assignments,
    conversations_for,
    for_assignment,
    genuine_points,
)
from ..roleplay.dialogue import ENDING_KINDS, Dialogue, get_dialogue
from ..roleplay.grading import CRITERIA as CONVERSATION_CRITERIA
from ..roleplay.summary import play
from ..checker.rubric import CRITERIA
from ..checker.scenarios import Scenario, get_scenario
from . import references

CONFIG = "nbgrader_config.py"

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
GENUINE_TITLE = "お客様にそのまま送れる、自分の言葉で書かれた返信か"


# --- cells ---------------------------------------------------------------------------------


def _nbgrader(grade_id: str, *, grade=False, solution=False, locked=False, points=None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def _markdown(grade_id: str, text: str) -> NotebookNode:
    """A read-only markdown cell (nbgrader locks it, so a learner cannot delete the task)."""
    cell = nbformat.v4.new_markdown_cell(text.strip(), metadata=_nbgrader(grade_id, locked=True))
    cell.id = grade_id
    return cell


def _code(grade_id: str, source: str, tags: list[str] | None = None, **nbgrader) -> NotebookNode:
    metadata = _nbgrader(grade_id, **nbgrader)
    if tags:
        metadata["tags"] = tags
    cell = nbformat.v4.new_code_cell(source.strip(), metadata=metadata)
    cell.id = grade_id
    return cell


# JupyterLab's Run All goes on past a failing cell with this tag, so every form shows and
# every ✗ is visible at once; nbgrader still scores the cell by its error (it runs with
# allow_errors). scripts/run-nbval.sh drops the tag, so nbval still fails a solution
# whose grade cell fails.
GRADE_CELL_TAGS = ["raises-exception"]


def _quote(text: str) -> str:
    """A markdown block quote, one line per line (an empty line keeps the quote going)."""
    return "\n".join(f"> {line}".rstrip() for line in text.strip().splitlines())


def answer_variable(exercise: Exercise) -> str:
    return f"ANSWER_Q{exercise.number}"


def intro_cell(assignment: Assignment, exercises: list[Exercise]) -> NotebookNode:
    lesson = f"（レッスン: `{assignment.lesson}`）" if assignment.lesson else ""
    count = len(exercises)
    text = f"""
# 課題 {assignment.id[:2]}: {assignment.title}

{assignment.intro}

{lesson}

## 進め方

1. 問題文を読み、悪い返信のどこがお客様を遠ざけるのかを考えます（この課題には問題が {count} つあります）。
2. フォームに書き直した返信を書き、**チェック** を押します。観点ごとの結果と、次に直すところが表示されます。
   書いた返信は自動で `answers.json`（このノートブックと同じフォルダ）に保存され、採点にはこの保存内容が使われます。
3. フォームが表示されない環境（VS Code、ターミナルなど）では、回答セルの `\"\"\"` と `\"\"\"` の間に返信を書いて実行します。
4. 採点のセル（🔒）は、観点ごとに一つずつあります。実行すると、その観点を満たしていれば ✓、足りなければ ✗ と理由が表示されます。
5. 提出の前に、メニューの「カーネル → カーネルを再起動してすべてのセルを実行…」ですべてのセルを上から実行し、
   ✗ が残っていないか確かめましょう。まだ足りない観点があっても最後まで実行され、採点のセルごとに ✗ と直し方が表示されます。

採点では、観点ごとの点数のほかに、返信が形だけのものになっていないか（決まり文句を並べただけ、写しただけではないか）も確かめます。
提出のあと、講師があなたのノートブックの外でもう一度採点し、その点数が成績になります。お客様に実際に送るつもりで、自分の言葉で書きましょう。
"""
    return _markdown("intro", text)


def task_cell(exercise: Exercise, scenario: Scenario) -> NotebookNode:
    rows = "\n".join(f"| {CRITERIA[c.id][0]} | {c.points} |" for c in scenario.criteria)
    customer = f"**お客様の言葉**\n\n{_quote(scenario.customer)}\n" if scenario.customer else ""
    text = f"""
## 問題 {exercise.number}: {scenario.title}

**場面**

{scenario.situation}

{customer}
**書き直す返信（悪い例）**

{_quote(scenario.bad_reply)}

**やること**

{exercise.task}

| 採点の観点 | 点数 |
|---|---|
{rows}
| {GENUINE_TITLE} | {genuine_points()} |
"""
    return _markdown(f"q{exercise.number}-task", text)


def form_cell(exercise: Exercise) -> NotebookNode:
    source = f"""
from graders import RewriteForm

RewriteForm("{exercise.id}", show_context=False)  # 場面と悪い例は上の問題文にあります
"""
    return _code(f"q{exercise.number}-form", source, locked=True)


def answer_cell(exercise: Exercise, scenario: Scenario, solution: str) -> NotebookNode:
    # The instructors' reference reply (solutions/reference-replies.toml), not the model
    # answer: the lessons show the model answer to everyone, and graders.assignments.integrity
    # marks a reply copied from it as not the learner's own.
    solution = solution.strip()
    if not solution:
        raise InputError(f"{references.FILENAME} に「{scenario.id}」の solution がありません（{exercise.id} の採点者用の解答例になります）。")
    if '"""' in solution or "\\" in solution:
        raise InputError(f"シナリオ「{scenario.id}」の solution に \"\"\" や \\ は使えません（Python の文字列に入れるため）。")
    name = answer_variable(exercise)
    # The empty literal stays in the release for learners without widgets; the solution
    # region is replaced by ClearSolutions.code_stub.
    source = f'''
# フォームが使えない場合（VS Code やターミナルなど）は、下の """ と """ の間に
# 書き直した返信を書いて、このセルを実行してください。
# フォームで保存した回答（answers.json）があれば、採点にはそちらが使われます。
{name} = """

"""
### BEGIN SOLUTION
{name} = """
{solution}
"""
### END SOLUTION
'''
    return _code(f"q{exercise.number}-answer", source, solution=True)


def criterion_cell(exercise: Exercise, criterion_id: str, points: int) -> NotebookNode:
    title = CRITERIA[criterion_id][0]
    source = f"""
# 採点: {title}（{points}点）
from graders.assignments.grade_cells import assert_criterion

assert_criterion("{exercise.id}", "{criterion_id}", fallback={answer_variable(exercise)})
"""
    return _code(f"q{exercise.number}-{criterion_id}", source, GRADE_CELL_TAGS, grade=True, locked=True, points=points)


def genuine_cell(exercise: Exercise) -> NotebookNode:
    # Visible, not a hidden test: hiding protects nothing (a learner's last cell can print any
    # cell, and feedback returns it), and nbgrader warns that every honest submission changed
    # a hidden cell's checksum. What a learner must not see, the instructors' reference
    # replies, never reaches the kernel: `python -m graders autograde` compares with them.
    points = genuine_points()
    source = f"""
# 採点: {GENUINE_TITLE}（{points}点）
from graders.assignments.grade_cells import assert_genuine

assert_genuine("{exercise.id}", fallback={answer_variable(exercise)})
"""
    return _code(f"q{exercise.number}-genuine", source, GRADE_CELL_TAGS, grade=True, locked=True, points=points)


# --- conversation exercises (graders/roleplay) ------------------------------------------------

GENUINE_TURNS_TITLE = "どの返事も、お客様にそのまま言える自分の言葉で書かれているか"


def conversation_intro_cell(assignment: Assignment, conversations: list[ConversationExercise]) -> NotebookNode:
    lesson = f"（レッスン: `{assignment.lesson}`）" if assignment.lesson else ""
    text = f"""
# 課題 {assignment.id[:2]}: {assignment.title}

{assignment.intro}

{lesson}

## 進め方

1. 問題文を読み、あなたの立場とお客様の様子をつかみます（この課題には会話が {len(conversations)} つあります）。
2. ウィジェットでお客様に返事を書き、**送信** を押します。お客様が答え、信頼度が動きます。採点の結果は会話が終わったときに表示されます。
   会話は一回送信するごとに `answers.json`（このノートブックと同じフォルダ）に保存され、採点にはこの保存内容が使われます。
   やり直すときは **最初から** を押します。採点されるのは、最後に話した会話です。
3. ウィジェットが表示されない環境（VS Code、ターミナルなど）では、回答セルの `[` と `]` の間に、返事を一回分ずつ `"…",` の形で書いて実行します。
4. 採点のセル（🔒）は、観点ごとに一つずつあります。会話を保存し直したら、もう一度実行して確かめましょう。
5. 提出の前に、メニューの「Kernel → Restart Kernel and Run All Cells」ですべてのセルを上から実行しましょう。

採点では、観点ごとの点数のほかに、どの返事も形だけのものになっていないかも確かめます（最後の採点セル）。
提出のあと、講師があなたのノートブックの外でもう一度採点し、その点数が成績になります。
"""
    return _markdown("intro", text)


def conversation_task_cell(exercise: ConversationExercise, dialogue: Dialogue) -> NotebookNode:
    rows = "\n".join(f"| {CONVERSATION_CRITERIA[c][0]} | {points} |" for c, points in dialogue.criteria)
    endings = "、".join(f"{ENDING_KINDS[e.kind]}（{e.title}）" for e in dialogue.endings.values())
    text = f"""
## 会話 {exercise.number}: {dialogue.title}

**あなたの立場**: {dialogue.role}

**お客様**: {dialogue.customer}

**やること**

{exercise.task}

会話の終わり方: {endings}

| 採点の観点 | 点数 |
|---|---|
{rows}
| {GENUINE_TURNS_TITLE} | {genuine_points()} |
"""
    return _markdown(f"q{exercise.number}-task", text)


def turns_variable(exercise: ConversationExercise) -> str:
    return f"TURNS_Q{exercise.number}"


def solution_turns(dialogue: Dialogue) -> list[str]:
    """The first example conversation that meets every criterion: the instructor's reference."""
    for example in dialogue.examples:
        if all(r.passed for r in play(dialogue, list(example.turns)).results):
            return list(example.turns)
    raise InputError(f"会話「{dialogue.id}」に、すべての観点を満たす [[example]] がありません（解答例になります）。")


def conversation_cells(exercise: ConversationExercise) -> list[NotebookNode]:
    dialogue = get_dialogue(exercise.dialogue)
    n, name = exercise.number, turns_variable(exercise)
    widget = f"""
from graders.roleplay import RolePlay

RolePlay("{exercise.id}", show_context=False)  # あなたの立場とお客様の様子は上の問題文にあります
"""
    solution = "\n".join(f"    {turn!r}," for turn in solution_turns(dialogue))
    answer = f"""
# ウィジェットが使えない場合（VS Code やターミナルなど）は、下の [ と ] の間に
# お客様への返事を一回分ずつ "…", の形で書いて、このセルを実行してください。
# ウィジェットで保存した会話（answers.json）があれば、採点にはそちらが使われます。
{name} = [
]
### BEGIN SOLUTION
{name} = [
{solution}
]
### END SOLUTION
"""
    cells = [conversation_task_cell(exercise, dialogue), _code(f"q{n}-roleplay", widget, locked=True),
             _code(f"q{n}-answer", answer, solution=True)]
    for criterion_id, points in dialogue.criteria:
        source = f"""
# 採点: {CONVERSATION_CRITERIA[criterion_id][0]}（{points}点）
from graders.assignments.roleplay_cells import assert_conversation

assert_conversation("{exercise.id}", "{criterion_id}", fallback={name})
"""
        cells.append(_code(f"q{n}-{criterion_id}", source, GRADE_CELL_TAGS, grade=True, locked=True, points=points))
    # Visible, as genuine_cell and for the same reasons.
    genuine = f"""
# 採点: {GENUINE_TURNS_TITLE}（{genuine_points()}点）
from graders.assignments.roleplay_cells import assert_genuine_turns

assert_genuine_turns("{exercise.id}", fallback={name})
"""
    cells.append(_code(f"q{n}-genuine", genuine, GRADE_CELL_TAGS, grade=True, locked=True, points=genuine_points()))
    return cells


# --- notebooks -----------------------------------------------------------------------------


def build_notebook(assignment_id: str, root: str | Path | None = None) -> NotebookNode:
    assignment = all_assignments()[assignment_id]
    conversations = conversations_for(assignment_id)
    if conversations:
        cells = [conversation_intro_cell(assignment, conversations)]
        for conversation in conversations:
            cells += conversation_cells(conversation)
        return _notebook(cells)
    exercises = sorted(for_assignment(assignment_id), key=lambda e: e.number)
    if not exercises:
        raise InputError(f"課題のまとまり「{assignment_id}」に問題が登録されていません。")
    cells = [intro_cell(assignment, exercises)]
    for exercise in exercises:
        scenario = get_scenario(exercise.scenario)
        solution = references.reference_for(course_root(root), scenario.id)
        cells += [task_cell(exercise, scenario), form_cell(exercise), answer_cell(exercise, scenario, solution)]
        cells += [criterion_cell(exercise, c.id, c.points) for c in scenario.criteria]
        cells.append(genuine_cell(exercise))
    return _notebook(cells)


def _notebook(cells: list[NotebookNode]) -> NotebookNode:
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.nbformat_minor = 5
    nb.metadata = {"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}}
    nbformat.validate(nb)
    return nb


def course_root(path: str | Path | None = None) -> Path:
    """The course directory (the repository root, holding nbgrader_config.py); default: here."""
    root = Path(path or Path.cwd()).resolve()
    if not (root / CONFIG).is_file():
        raise InputError(f"{root} はコースのフォルダではありません（{CONFIG} がありません）。リポジトリの一番上で実行してください。")
    return root


def notebook_path(assignment_id: str, folder: Path) -> Path:
    return folder / assignment_id / f"{assignment_id}.ipynb"


def write(assignment_id: str, root: str | Path | None = None) -> Path:
    """Write one source notebook under ``root``/solutions (only if its content changed)."""
    path = notebook_path(assignment_id, course_root(root) / "solutions")
    path.parent.mkdir(parents=True, exist_ok=True)
    text = nbformat.writes(build_notebook(assignment_id, root)) + "\n"
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m graders.assignments.authoring", description=__doc__.splitlines()[0])
    parser.add_argument("assignments", nargs="*", help="assignment ids (default: all in graders/learner/exercises.toml)")
    args = parser.parse_args(argv)
    try:
        for assignment_id in args.assignments or list(all_assignments()):
            if assignment_id not in all_assignments():
                raise InputError(f"課題のまとまり「{assignment_id}」は graders/learner/exercises.toml にありません。")
            print(write(assignment_id).relative_to(course_root()))
    except InputError as e:
        print(f"authoring: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The learner's progress: every registered exercise, its saved answer, and its grade now.

Reads ``exercises/<assignment>/answers.json`` under a course root and grades each saved
reply with the same checker the forms use, so the table always agrees with チェック.
A missing or unreadable file is a row with a clear status, never an exception.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import answers
from ..checker.check import check
from ..checker.errors import InputError
from .exercises import Exercise, all_exercises
from .plotting import japanese_rc
from ..checker.scenarios import get_scenario

COLUMNS = ["assignment", "exercise", "scenario", "saved", "score", "max_score", "passed", "attempts", "status"]

STATUS_PASSED = "合格です"
STATUS_PARTIAL = "あと少しです（フィードバックを見て書き直しましょう）"
STATUS_NO_FILE = "まだ保存されていません"
STATUS_NOT_ANSWERED = "この問題の回答はまだありません"


def answers_path(root: str | Path, assignment: str) -> Path:
    return Path(root) / "exercises" / assignment / answers.FILENAME


def _max_score(scenario_id: str) -> int | None:
    try:
        return get_scenario(scenario_id).max_score
    except InputError:
        return None


def empty_row(assignment: str, exercise_id: str, scenario_id: str) -> dict:
    """A row for an exercise with nothing saved yet (the conversations' rows start here too)."""
    return {
        "assignment": assignment,
        "exercise": exercise_id,
        "scenario": scenario_id,
        "saved": False,
        "score": None,
        "max_score": _max_score(scenario_id),
        "passed": False,
        "attempts": 0,
        "status": STATUS_NO_FILE,
    }


def _row(exercise: Exercise, stored: dict | None, problem: str | None) -> dict:
    """One table row; ``stored`` is the file's answers ({} if no file), ``problem`` why it was unreadable."""
    row = empty_row(exercise.assignment, exercise.id, exercise.scenario)
    if problem is not None:
        row["status"] = problem
        return row
    entry = stored.get(exercise.id) if stored else None
    if entry is None:
        row["status"] = STATUS_NO_FILE if not stored else STATUS_NOT_ANSWERED
        return row
    attempts = entry.get("attempts")
    row["attempts"] = len(attempts) if isinstance(attempts, list) else 0
    text = entry.get("text") or ""
    row["saved"] = bool(text.strip())
    try:
        report = check(text, exercise.scenario)
    except InputError as e:
        row["status"] = f"採点できません: {e}"
        return row
    row.update(score=report.score, max_score=report.max_score, passed=report.passed)
    row["status"] = STATUS_PASSED if report.passed else STATUS_PARTIAL
    return row


def load_answers(path: Path) -> tuple[dict, str | None]:
    """The stored answers of one file and, if it cannot be read, a Japanese reason."""
    try:
        return answers.read(path), None
    except answers.CorruptAnswers as e:
        if e.status in ("unreadable_file", "too_large"):  # a folder, a FIFO, a link, huge
            return {}, f"{answers.PROBLEMS[e.status]}（{e.detail}）。フォームのセルを実行し直すと、別名で保管して新しく保存します。"
        return {}, f"{path.name} が壊れていて読めません。フォームのセルを実行し直すと、壊れたファイルは別名で保管されます。"
    except OSError as e:
        return {}, f"{path.name} を開けません（{e.strerror}）。"


def rewrite_rows(root: str | Path = ".") -> list[dict]:
    """One row per registered rewrite exercise, in registry order, graded from the saved answers."""
    loaded: dict[str, tuple[dict, str | None]] = {}
    rows = []
    for exercise in all_exercises().values():
        if exercise.assignment not in loaded:
            loaded[exercise.assignment] = load_answers(answers_path(root, exercise.assignment))
        stored, problem = loaded[exercise.assignment]
        rows.append(_row(exercise, stored, problem))
    return rows


def as_table(rows: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=COLUMNS)
    return df.astype({"score": "Int64", "max_score": "Int64", "attempts": int, "saved": bool, "passed": bool})


def progress_table(root: str | Path = ".") -> pd.DataFrame:
    """The rewrite exercises' table (graders.roleplay.progress.course_progress adds the conversations).

    ``root`` is the course folder that holds ``exercises/`` (``".."`` from a lesson notebook).
    """
    return as_table(rewrite_rows(root))


def progress_view(df: pd.DataFrame) -> pd.DataFrame:
    """The table as a learner reads it: Japanese headings, "3 / 4" scores, ✓ for a pass."""

    def score(row) -> str:
        if pd.isna(row["score"]):
            return "—"
        return f"{row['score']} / {row['max_score']}"

    view = pd.DataFrame(
        {
            "問題": df["exercise"],
            "場面": [_title(s) for s in df["scenario"]],
            "得点": [score(row) for _, row in df.iterrows()],
            "合格": ["✓" if passed else "" for passed in df["passed"]],
            "保存回数": df["attempts"],
            "状態": df["status"],
        }
    )
    return view.set_index("問題")


def _title(scenario_id: str) -> str:
    try:
        return get_scenario(scenario_id).title
    except InputError:
        return scenario_id


_LABELS = {"title": "課題の進み具合", "x": "得点率（%）", "unsaved": "未保存", "legend": ("合格", "あと少し", "未保存")}
_PASSED, _PARTIAL, _UNSAVED, _TRACK = "#2e9d5b", "#f0a030", "#bdbdbd", "#eeeeee"


def progress_chart(df: pd.DataFrame):
    """A horizontal bar per exercise: the share of points earned, green when it passes.

    Labels are Japanese; graders.learner.plotting supplies a font that has the glyphs.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    labels = _LABELS
    with plt.rc_context(japanese_rc()):
        fig, ax = plt.subplots(figsize=(7, 0.45 * max(len(df), 1) + 1.5))
        rows = df.iloc[::-1]
        names = list(rows["exercise"])
        shares, colours, notes = [], [], []
        for _, row in rows.iterrows():
            score, top = row["score"], row["max_score"]
            if pd.isna(score) or pd.isna(top) or not top:
                shares.append(0.0)
                colours.append(_UNSAVED)
                notes.append(labels["unsaved"] if not row["saved"] else "—")
                continue
            shares.append(100.0 * score / top)
            colours.append(_PASSED if row["passed"] else _PARTIAL)
            notes.append(f"{score} / {top}")
        ax.barh(names, [100.0] * len(names), color=_TRACK, label="_track")
        ax.barh(names, shares, color=colours, label="score")
        for y, (share, note) in enumerate(zip(shares, notes)):
            ax.text(101, y, note, va="center", fontsize=9)
        ax.set_xlim(0, 118)
        ax.set_xticks(range(0, 101, 20))
        ax.set_xlabel(labels["x"])
        ax.set_title(labels["title"], loc="left")
        ax.legend(
            handles=[Patch(color=c, label=t) for c, t in zip((_PASSED, _PARTIAL, _UNSAVED), labels["legend"])],
            loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=3, frameon=False, fontsize=9,
        )
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        fig.tight_layout()
    plt.close(fig)  # the notebook shows the returned figure once, not twice
    return fig


__all__ = ["COLUMNS", "answers_path", "progress_chart", "progress_table", "progress_view"]

"""The cohort report's analysis: tables and plots from grade-cohort rows and attempt histories.

course/instructor/cohort-report.ipynb stays thin and calls these. Everything reads either
the long-form grades (graders.cohort.grade rows, or the CSV grade-cohort wrote) or the learners'
answers.json histories, and returns pandas DataFrames or matplotlib figures. Plot labels
are ASCII (criterion ids) because the default matplotlib fonts have no Japanese glyphs;
the tables beside them carry the Japanese.

Stored scores in answers.json are never trusted: attempts are re-graded with the checker.
"""

from __future__ import annotations

import functools
import io
import math
import os
import re
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Iterable

import pandas as pd

from ..learner import answers
from .grade import COLUMNS, GRADED, PROBLEMS, criterion_title, grade, iter_submissions, select_assignments, student_ids
from ..checker.errors import InputError
from ..learner.exercises import conversations_for, for_assignment, get_exercise
from ..learner.plotting import japanese_rc
from ..roleplay.dialogue import ENDING_KINDS
from . import conversations
from ..checker.scenarios import get_scenario

# Thresholds for "needs help" (each one's reason beside it).
LOW_SHARE = 0.5  # under half the points after all attempts
MANY_ATTEMPTS = 6  # six or more saves of an exercise still not solved: trying hard, no way found
STUCK_MIN_ATTEMPTS = 3  # three or more attempts, none better than the first: "no progress"
DUPLICATE_THRESHOLD = 0.8  # character-trigram Jaccard similarity from which two replies are listed
SHINGLE = 3  # characters per n-gram: short enough for Japanese words, long enough to be specific

# Japanese column titles for the instructor's tables (df.rename(columns=TITLES)).
TITLES = {
    "student_id": "受講者",
    "assignment": "課題",
    "exercise": "問題",
    "criterion": "観点",
    "title": "観点名",
    "graded": "採点した回答",
    "passed": "合格",
    "pass_rate": "合格率",
    "score": "得点",
    "max_score": "満点",
    "share": "得点率",
    "attempts": "保存回数",
    "first_share": "最初の得点率",
    "last_share": "最後の得点率",
    "problems": "提出の問題",
    "reasons": "支援が必要な理由",
    "message": "メッセージ",
    "count": "件数",
    "similarity": "類似度",
    "student_a": "受講者A",
    "student_b": "受講者B",
    "text_a": "回答A",
    "text_b": "回答B",
    "dialogue": "会話",
    "kind": "結末の種類",
    "state": "失った場面",
    "of": "失った会話",
    "max_attempts": "1 問の最多保存回数",
    "stuck": "伸びていない問題",
    "needs_help": "支援が必要",
    "learner_count": "人数",
    "learners": "該当する受講者",
    "status": "状態",
    "problem": "問題の内容",
    "mean": "平均",
    "min": "最小",
    "median": "中央値",
    "max": "最大",
}
# Shares shown as whole percents (never 0.485294).
PERCENT_COLUMNS = ("pass_rate", "share", "first_share", "last_share", "mean", "min", "median", "max")


# ---------------------------------------------------------------- loading


def grade_frame(course_dir: str | os.PathLike, assignments: list[str] | None = None, jobs: int = 1) -> pd.DataFrame:
    """Re-grade a course directory (as grade-cohort does) into a DataFrame of its rows."""
    chosen = select_assignments(course_dir, assignments)
    rows = [row for batch in grade(iter_submissions(course_dir, chosen, student_ids(course_dir)), jobs=jobs) for row in batch]
    return _typed(pd.DataFrame(rows, columns=list(COLUMNS)))


def read_grades(path: str | os.PathLike | io.StringIO) -> pd.DataFrame:
    """The CSV grade-cohort wrote, with its columns typed."""
    return _typed(pd.read_csv(path, dtype={"student_id": str, "message": str}, keep_default_na=False))


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    df["passed"] = df["passed"].astype(str).str.lower().eq("true")
    return df.astype({"points": int, "max_points": int})


def _readable_answers(course_dir: str | os.PathLike, assignments: list[str] | None):
    """(submission, its answers) for every submission whose answers.json can be read;
    the others are grade-cohort's to report, so the report skips them."""
    chosen = select_assignments(course_dir, assignments)
    for sub in iter_submissions(course_dir, chosen, student_ids(course_dir)):
        if sub.status is not None:
            continue
        try:
            yield sub, answers.read(Path(sub.folder) / answers.FILENAME)
        except (answers.CorruptAnswers, OSError):
            continue


def attempt_frame(course_dir: str | os.PathLike, assignments: list[str] | None = None) -> pd.DataFrame:
    """One row per saved attempt, re-graded: student_id, assignment, exercise, attempt
    (1, 2, ...), time (UTC), event, score, max_score, share. Unreadable files are skipped
    (grade-cohort reports them); an attempt the checker cannot grade scores 0."""
    from ..checker.check import check

    records = []
    for sub, stored in _readable_answers(course_dir, assignments):
        for exercise in for_assignment(sub.assignment):
            entry = stored.get(exercise.id) or {}
            for number, attempt in enumerate(entry.get("attempts", []), 1):
                text = attempt.get("text")
                try:
                    report = check(text.strip() if isinstance(text, str) else text, exercise.scenario)
                    score, top = report.score, report.max_score
                except InputError:
                    score, top = 0, None
                records.append(
                    {
                        "student_id": sub.student,
                        "assignment": sub.assignment,
                        "exercise": exercise.id,
                        "attempt": number,
                        "time": _parse_time(attempt.get("time")),
                        "event": attempt.get("event", ""),
                        "score": score,
                        "max_score": top,
                    }
                )
    df = pd.DataFrame(records, columns=["student_id", "assignment", "exercise", "attempt", "time", "event", "score", "max_score"])
    df["max_score"] = df.groupby("exercise")["max_score"].transform("max")
    df["share"] = df["score"] / df["max_score"]
    return df


def _parse_time(value: object) -> pd.Timestamp:
    try:
        return pd.Timestamp(datetime.fromisoformat(str(value))).tz_convert("UTC")
    except (ValueError, TypeError):
        return pd.NaT


def final_texts(course_dir: str | os.PathLike, assignments: list[str] | None = None) -> pd.DataFrame:
    """The latest saved reply of every learner and exercise: student_id, exercise, text."""
    records = []
    for sub, stored in _readable_answers(course_dir, assignments):
        for exercise in for_assignment(sub.assignment):
            text = (stored.get(exercise.id) or {}).get("text")
            if isinstance(text, str) and text.strip():
                records.append({"student_id": sub.student, "exercise": exercise.id, "text": text.strip()})
    return pd.DataFrame(records, columns=["student_id", "exercise", "text"])


def ending_frame(course_dir: str | os.PathLike, assignments: list[str] | None = None) -> pd.DataFrame:
    """One row per saved conversation, replayed: student_id, exercise, dialogue, ending (id),
    kind (resolved / lost / rule_broken / unfinished), title, state (where the last turn was
    said: where a lost conversation was lost), turns, trust."""
    records = []
    for sub, stored in _readable_answers(course_dir, assignments):
        for exercise in conversations_for(sub.assignment):
            turns, _ = conversations.saved_turns(stored.get(exercise.id), exercise)
            if not turns:
                continue
            try:
                c = conversations.replay(exercise, turns).conversation
            except InputError:
                continue
            ending = c.ending
            records.append({
                "student_id": sub.student, "exercise": exercise.id, "dialogue": exercise.dialogue,
                "ending": ending.id if ending else "", "kind": ending.kind if ending else "unfinished",
                "title": ending.title if ending else "（会話の途中）",
                "state": c.turns[-1].state if c.turns else c.state, "turns": len(c.turns), "trust": c.trust,
            })
    return pd.DataFrame(records, columns=["student_id", "exercise", "dialogue", "ending", "kind", "title", "state", "turns", "trust"])


def endings_table(endings: pd.DataFrame) -> pd.DataFrame:
    """How the conversations of each dialogue ended: count and share per ending."""
    table = endings.groupby(["dialogue", "kind", "title"], sort=True).size().rename("count").reset_index()
    table["share"] = table["count"] / table.groupby("dialogue")["count"].transform("sum")
    table["kind"] = table["kind"].map(lambda k: ENDING_KINDS.get(k, "途中"))
    return table


def lost_states(endings: pd.DataFrame) -> pd.DataFrame:
    """Per dialogue, the state in which most conversations were lost (or a rule broken):
    dialogue, state, count, of (all lost conversations of that dialogue), share."""
    lost = endings[endings["kind"].isin(["lost", "rule_broken"])]
    counts = lost.groupby(["dialogue", "state"]).size().rename("count").reset_index()
    counts["of"] = counts.groupby("dialogue")["count"].transform("sum")
    counts["share"] = counts["count"] / counts["of"]
    top = counts.sort_values(["dialogue", "count", "state"], ascending=[True, False, True]).groupby("dialogue").head(1)
    return top.reset_index(drop=True)


# ---------------------------------------------------------------- tables


def pass_rates(grades: pd.DataFrame) -> pd.DataFrame:
    """Pass rate per assignment, exercise and criterion, over the answers that were graded."""
    graded = grades[grades["source"].astype(bool)]
    table = (
        graded.groupby(["assignment", "exercise", "criterion"], sort=False)["passed"]
        .agg(graded="size", passed="sum")
        .reset_index()
    )
    table["pass_rate"] = table["passed"] / table["graded"]
    table.insert(3, "title", table["criterion"].map(criterion_title))
    return table


def readable(table: pd.DataFrame):
    """A table for people: Japanese column titles, shares as whole percents, counts as
    integers, every row and column shown, no index. Returns a pandas Styler."""
    shown = table.rename(columns=TITLES)
    formats = {TITLES.get(c, c): "{:.0%}" for c in PERCENT_COLUMNS if c in table}
    numbers = [TITLES.get(c, c) for c in table.select_dtypes("number").columns if c not in PERCENT_COLUMNS]
    formats.update({c: "{:,.0f}" for c in numbers if c not in formats})
    return shown.style.format(formats, na_rep="").hide(axis="index")


def score_summary(scores: pd.DataFrame) -> pd.DataFrame:
    """Per assignment: how many learners, and the mean, lowest, median and highest score share."""
    return (
        scores.groupby("assignment", sort=False)["share"]
        .agg(learner_count="size", mean="mean", min="min", median="median", max="max")
        .reset_index()
    )


def submission_scores(grades: pd.DataFrame) -> pd.DataFrame:
    """Score per learner and assignment (0 for what could not be graded)."""
    scores = grades.groupby(["student_id", "assignment"], sort=False).agg(score=("points", "sum"), max_score=("max_points", "sum")).reset_index()
    scores["share"] = scores["score"] / scores["max_score"]
    return scores


def problem_table(grades: pd.DataFrame) -> pd.DataFrame:
    """Learners per assignment and problem status, with the learners' ids."""
    problems = grades[grades["status"] != GRADED].drop_duplicates(["student_id", "assignment", "status"])
    table = problems.groupby(["assignment", "status"], sort=False)["student_id"].agg(count="size", learners=lambda s: "、".join(s)).reset_index()
    table.insert(2, "problem", table["status"].map(PROBLEMS))
    return table


_QUOTE = re.compile(r"「[^」]*」")


def failure_messages(grades: pd.DataFrame, top: int = 10) -> pd.DataFrame:
    """The most frequent failure messages of graded answers. The learner's own words
    quoted in a message (「…」) are masked so the same advice counts as one message."""
    failed = grades[grades["source"].astype(bool) & ~grades["passed"]]
    generic = failed["message"].str.replace(_QUOTE, "「…」", regex=True)
    table = (
        failed.assign(message=generic, title=failed["criterion"].map(criterion_title))
        .groupby(["criterion", "title", "message"], sort=False)
        .size()
        .rename("count")
        .reset_index()
        .sort_values("count", ascending=False, kind="stable")
        .head(top)
        .reset_index(drop=True)
    )
    return table


def learner_table(grades: pd.DataFrame, attempts: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per learner: score over all assignments, attempts, progress, problems and
    whether (and why) they need help. The table exported to CSV."""
    scores = submission_scores(grades)
    per_learner = scores.groupby("student_id", sort=False).agg(score=("score", "sum"), max_score=("max_score", "sum"))
    per_learner["share"] = per_learner["score"] / per_learner["max_score"]
    wide = scores.pivot(index="student_id", columns="assignment", values="score")
    per_learner = per_learner.join(wide)
    problems = grades[grades["status"] != GRADED].groupby("student_id")["status"].agg(lambda s: "、".join(dict.fromkeys(PROBLEMS[x] for x in s)))
    per_learner["problems"] = problems.reindex(per_learner.index).fillna("")
    if attempts is not None and not attempts.empty:
        ordered = attempts.sort_values(["student_id", "exercise", "attempt"])
        per_exercise = ordered.groupby(["student_id", "exercise"]).agg(
            attempts=("attempt", "size"), first_share=("share", "first"), best_share=("share", "max"), last_share=("share", "last")
        )
        unsolved = per_exercise["last_share"] < 1
        # No progress: several attempts, none better than the first, and still not solved.
        per_exercise["stuck"] = (per_exercise["attempts"] >= STUCK_MIN_ATTEMPTS) & (per_exercise["best_share"] <= per_exercise["first_share"]) & unsolved
        # Many attempts only matter while the exercise is still not solved.
        per_exercise["struggling"] = per_exercise["attempts"].where(unsolved, 0)
        summary = per_exercise.groupby("student_id").agg(
            attempts=("attempts", "sum"),
            max_attempts=("struggling", "max"),
            first_share=("first_share", "mean"),
            last_share=("last_share", "mean"),
            stuck=("stuck", "sum"),
        )
        per_learner = per_learner.join(summary)
    for column in ("attempts", "max_attempts", "stuck"):
        if column not in per_learner:
            per_learner[column] = 0
        per_learner[column] = per_learner[column].fillna(0).astype(int)
    per_learner["reasons"] = [_help_reasons(row) for row in per_learner.itertuples()]
    per_learner["needs_help"] = per_learner["reasons"].astype(bool)
    return per_learner.reset_index()


def _help_reasons(row) -> str:
    reasons = []
    if row.share < LOW_SHARE:
        reasons.append(f"得点が低い（{row.share:.0%}）")
    if row.max_attempts >= MANY_ATTEMPTS:
        reasons.append(f"保存が多いのに解けていない（1 問で {row.max_attempts} 回）")
    if row.stuck:
        reasons.append(f"書き直しても伸びていない問題が {row.stuck} 問")
    if row.problems:
        reasons.append(f"提出に問題（{row.problems}）")
    return "、".join(reasons)


def needs_help(learners: pd.DataFrame) -> pd.DataFrame:
    """The learners who need help, lowest share first."""
    columns = ["student_id", "score", "max_score", "share", "attempts", "reasons"]
    return learners[learners["needs_help"]].sort_values(["share", "student_id"])[columns].reset_index(drop=True)


def improvement(attempts: pd.DataFrame) -> pd.DataFrame:
    """Mean score share by attempt number (1st, 2nd, ...) per assignment, with how many
    attempts each mean is over."""
    return (
        attempts.groupby(["assignment", "attempt"])["share"].agg(mean_share="mean", attempts="size").reset_index()
    )


def daily_progress(attempts: pd.DataFrame) -> pd.DataFrame:
    """Mean score share of the attempts saved each day (Asia/Tokyo dates), per assignment."""
    day = attempts["time"].dt.tz_convert("Asia/Tokyo").dt.date
    return attempts.assign(day=day).groupby(["assignment", "day"])["share"].agg(mean_share="mean", attempts="size").reset_index()


# ---------------------------------------------------------------- near-duplicates

_NOISE = re.compile(r"[\s\u3000。、．，,.！？!?・…「」『』（）()\-―ー〜~]+")


def shingles(text: str, n: int = SHINGLE) -> frozenset[str]:
    """Character n-grams of ``text`` without spaces and punctuation (so a copy with new
    line breaks or commas still matches)."""
    key = _NOISE.sub("", text)
    if len(key) <= n:
        return frozenset([key]) if key else frozenset()
    return frozenset(key[i : i + n] for i in range(len(key) - n + 1))


def jaccard(a: frozenset, b: frozenset) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


_EPSILON = 1e-9  # 0.7 * 10 is 7.000000000000001 in floating point


def similar_pairs(sets: list[frozenset], threshold: float = DUPLICATE_THRESHOLD) -> Iterable[tuple[int, int, float]]:
    """Every pair (i, j, similarity) with Jaccard >= threshold, without comparing all pairs.

    Prefix filtering: order each set's n-grams rarest first; two sets that reach the
    threshold must share one of the first |A| - ceil(t * |A|) + 1 of them. Only pairs that
    share such an n-gram are compared, so common phrases (申し訳ございません) cost nothing.
    """
    frequency: dict[str, int] = defaultdict(int)
    for s in sets:
        for g in s:
            frequency[g] += 1
    index: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(sets):
        ordered = sorted(s, key=lambda g: (frequency[g], g))
        prefix = ordered[: len(ordered) - math.ceil(threshold * len(ordered) - _EPSILON) + 1]
        candidates = set()
        for g in prefix:
            candidates.update(index[g])
            index[g].append(i)
        for j in sorted(candidates):
            a, b = sets[j], s
            if min(len(a), len(b)) < threshold * max(len(a), len(b)) - _EPSILON:
                continue  # sizes alone rule it out
            similarity = jaccard(a, b)
            if similarity >= threshold:
                yield j, i, similarity


def near_duplicates(texts: pd.DataFrame, threshold: float = DUPLICATE_THRESHOLD, preview: int = 40) -> pd.DataFrame:
    """Pairs of learners whose replies to the same exercise are nearly the same
    (character-trigram Jaccard >= threshold), most similar first.

    Two replies that are both near the exercise's bad reply or model answer share that
    source rather than each other (the genuine-reply check already flags a copied bad
    reply), so such pairs are left out.
    """
    records = []
    for exercise, group in texts.groupby("exercise", sort=True):
        group = group.reset_index(drop=True)
        sets = [shingles(t) for t in group["text"]]
        references = [shingles(r) for r in _references(exercise)]
        near_reference = [{k for k, ref in enumerate(references) if jaccard(s, ref) >= threshold} for s in sets]
        for i, j, similarity in similar_pairs(sets, threshold):
            if near_reference[i] & near_reference[j]:
                continue
            a, b = sorted((i, j), key=lambda k: group.loc[k, "student_id"])
            records.append(
                {
                    "exercise": exercise,
                    "student_a": group.loc[a, "student_id"],
                    "student_b": group.loc[b, "student_id"],
                    "similarity": round(similarity, 3),
                    "text_a": _preview(group.loc[a, "text"], preview),
                    "text_b": _preview(group.loc[b, "text"], preview),
                }
            )
    columns = ["exercise", "student_a", "student_b", "similarity", "text_a", "text_b"]
    table = pd.DataFrame(records, columns=columns)
    return table.sort_values(["similarity", "exercise", "student_a"], ascending=[False, True, True]).reset_index(drop=True)


def _references(exercise_id: str) -> list[str]:
    """The texts every learner of an exercise has in front of them."""
    try:
        scenario = get_scenario(get_exercise(exercise_id).scenario)
    except InputError:
        return []
    return [t for t in (scenario.bad_reply, scenario.model_answer) if t]


def _preview(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit] + "…"


# ---------------------------------------------------------------- plots


def _japanese(chart):
    """Draw ``chart`` with Japanese-capable fonts (labels are created inside the context)."""

    @functools.wraps(chart)
    def drawn(*args, **kwargs):
        import matplotlib.pyplot as plt

        with plt.rc_context(japanese_rc()):
            return chart(*args, **kwargs)

    return drawn


def _figure(width: float, height: float):
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(width, height))


def _done(fig):
    import matplotlib.pyplot as plt

    fig.tight_layout()
    plt.close(fig)  # the notebook shows the returned figure once, not twice
    return fig


def _exercise_label(exercise_id: str) -> str:
    """01-apology-order.q1 -> 課題01 問1"""
    assignment, number = exercise_id.rsplit(".q", 1)
    return f"課題{assignment[:2]} 問{number}"


@_japanese
def pass_rate_chart(rates: pd.DataFrame):
    """Horizontal bars: pass rate of each criterion (by its Japanese title), grouped by assignment."""
    labels = [f"{_exercise_label(e)} {criterion_title(c)}" for e, c in zip(rates["exercise"], rates["criterion"])]
    fig, ax = _figure(8, 0.32 * max(len(rates), 1) + 1.2)
    values = (rates["pass_rate"] * 100).tolist()
    colours = ["#2e9d5b" if v >= 70 else "#f0a030" if v >= 40 else "#d9534f" for v in values]
    ax.barh(labels[::-1], values[::-1], color=colours[::-1])
    ax.set_xlim(0, 100)
    ax.set_xlabel("採点できた回答のうち、観点を満たした割合（%）")
    ax.set_title("観点ごとの合格率（緑: 70% 以上、赤: 40% 未満）")
    return _done(fig)


@_japanese
def score_distribution_chart(scores: pd.DataFrame):
    """One histogram of score shares per assignment."""
    import matplotlib.pyplot as plt

    assignments = list(dict.fromkeys(scores["assignment"]))
    columns = min(3, max(len(assignments), 1))
    rows = math.ceil(len(assignments) / columns) or 1
    fig, axes = plt.subplots(rows, columns, figsize=(3.2 * columns, 2.4 * rows), squeeze=False)
    bins = [i / 10 for i in range(11)]
    for ax, assignment in zip(axes.flat, assignments):
        shares = scores.loc[scores["assignment"] == assignment, "share"] * 1.0
        ax.hist(shares.clip(0, 1), bins=bins, color="#4a7ebb", edgecolor="white")
        ax.set_title(f"{assignment}（{len(shares)} 人）", fontsize=9)
        ax.set_xlabel("得点率（得点 ÷ 満点）")
        ax.set_ylabel("人数")
    for ax in list(axes.flat)[len(assignments) :]:
        ax.axis("off")
    return _done(fig)


@_japanese
def improvement_chart(progress: pd.DataFrame, by: str = "attempt"):
    """Mean score share by attempt number (``by="attempt"``) or by day (``by="day"``)."""
    fig, ax = _figure(8, 3.6)
    for assignment, group in progress.groupby("assignment"):
        (line,) = ax.plot(group[by], group["mean_share"], marker="o", label=f"{assignment}（計 {group['attempts'].sum()} 件）")
        # n: how many attempts each mean is over (a mean of three says little).
        for x, y, n in zip(group[by], group["mean_share"], group["attempts"]):
            ax.annotate(f"n={n}", (x, y), textcoords="offset points", xytext=(0, 5), ha="center", fontsize=6, color=line.get_color())
    ax.set_ylim(0, 1.1)
    ax.yaxis.set_major_formatter(lambda value, _pos: f"{value:.0%}")
    ax.set_ylabel("平均の得点率")
    ax.set_xlabel("何回目の書き直しか" if by == "attempt" else "日付（日本時間）")
    ax.set_title("書き直しを重ねるごとの伸び" if by == "attempt" else "日ごとの伸び")
    # Beside the plot, never over its points.
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0, title="課題（n = 回答数）", title_fontsize=8)
    if by == "day":
        fig.autofmt_xdate()
    return _done(fig)


# ---------------------------------------------------------------- export


def export_learners(learners: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write the per-learner table as CSV (UTF-8 with BOM, so Excel opens it in Japanese)."""
    path = Path(path)
    learners.to_csv(path, index=False, encoding="utf-8-sig")
    return path


__all__ = [
    "TITLES",
    "attempt_frame",
    "daily_progress",
    "export_learners",
    "failure_messages",
    "final_texts",
    "grade_frame",
    "improvement",
    "improvement_chart",
    "jaccard",
    "learner_table",
    "near_duplicates",
    "needs_help",
    "pass_rate_chart",
    "pass_rates",
    "problem_table",
    "read_grades",
    "readable",
    "score_summary",
    "score_distribution_chart",
    "shingles",
    "similar_pairs",
    "submission_scores",
]

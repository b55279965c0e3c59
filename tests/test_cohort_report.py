"""The cohort report's analysis (graders/cohort/report.py), one question per test.

Tables are built from small hand-made grade rows, so every expected number can be worked
out by reading the test. The notebook itself runs under nbval with the course.
"""

from __future__ import annotations

import itertools

import matplotlib
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graders import check
from graders.learner import answers
from graders.cohort import report
from graders.cohort.grade import COLUMNS
from graders.learner.exercises import get_exercise
from graders.checker.scenarios import get_scenario

matplotlib.use("Agg")

EXERCISE = get_exercise("01-apology-order.q1")
SCENARIO = get_scenario(EXERCISE.scenario)


def row(student, criterion, passed, points=2, status="graded", source="answers.json", message="", assignment="01-apology-order", exercise="01-apology-order.q1"):
    return (student, assignment, exercise, criterion, passed, points if passed else 0, points, message, status, source)


def frame(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(COLUMNS))


# ---------------------------------------------------------------- tables


def test_pass_rate_counts_only_graded_answers():
    grades = frame(
        [
            row("a", "asks_reason", True),
            row("b", "asks_reason", False),
            row("c", "asks_reason", True, source="notebook", status="missing_file"),
            row("d", "asks_reason", False, status="corrupt_file", source=""),
        ]
    )
    rates = report.pass_rates(grades)
    assert rates.loc[0, ["graded", "passed"]].tolist() == [3, 2]
    assert rates.loc[0, "pass_rate"] == pytest.approx(2 / 3)
    assert rates.loc[0, "title"] == "理由を尋ねる"


def test_failure_messages_group_the_same_advice_whatever_was_quoted():
    grades = frame(
        [
            row("a", "no_denial", False, message="「いえいえ」はお客様の考えを否定しています。"),
            row("b", "no_denial", False, message="「必要ないことはない」はお客様の考えを否定しています。"),
            row("c", "asks_reason", False, message="理由を尋ねていません。"),
            row("d", "no_denial", True, message="否定していません。"),
        ]
    )
    table = report.failure_messages(grades)
    assert table["message"].tolist() == ["「…」はお客様の考えを否定しています。", "理由を尋ねていません。"]
    assert table["count"].tolist() == [2, 1]


def test_problem_table_lists_each_learner_once_per_problem():
    grades = frame(
        [
            row("a", "c1", False, status="empty_file", source=""),
            row("a", "c2", False, status="empty_file", source=""),
            row("b", "c1", False, status="empty_file", source=""),
            row("c", "c1", True),
        ]
    )
    table = report.problem_table(grades)
    assert table[["status", "count", "learners"]].values.tolist() == [["empty_file", 2, "a、b"]]


def attempts_of(student, shares, exercise="01-apology-order.q1"):
    return [
        {"student_id": student, "assignment": "01-apology-order", "exercise": exercise, "attempt": n, "time": pd.Timestamp("2026-04-06", tz="UTC"), "event": "check", "score": s * 4, "max_score": 4, "share": s}
        for n, s in enumerate(shares, 1)
    ]


def test_learners_who_need_help_and_why():
    grades = frame(
        [row(s, "c1", True) for s in ("solved", "trier", "stuck")]
        + [row(s, "c2", passed) for s, passed in (("solved", True), ("trier", True), ("stuck", True))]
        + [row("low", "c1", False), row("low", "c2", True), row("broken", "c1", False, status="corrupt_file", source=""), row("broken", "c2", False, status="corrupt_file", source="")]
    )
    attempts = pd.DataFrame(
        attempts_of("solved", [0.25, 0.5, 1.0])
        + attempts_of("trier", [0.25, 0.5, 0.5, 0.75, 0.5, 0.75, 0.75])  # seven saves, still not solved
        + attempts_of("stuck", [0.5, 0.25, 0.5, 0.25])  # never better than the first
        + attempts_of("low", [0.5])
    )
    learners = report.learner_table(grades, attempts).set_index("student_id")
    assert not learners.loc["solved", "needs_help"]
    assert "保存が多いのに解けていない（1 問で 7 回）" in learners.loc["trier", "reasons"]
    assert "書き直しても伸びていない問題が 1 問" in learners.loc["stuck", "reasons"]
    assert not learners.loc["low", "needs_help"]  # exactly half the points is not "under half"
    assert "提出に問題（answers.json が壊れています）" in learners.loc["broken", "reasons"]
    helped = report.needs_help(learners.reset_index())
    assert "solved" not in set(helped["student_id"])
    assert helped["share"].is_monotonic_increasing


def test_a_learner_under_half_the_points_needs_help():
    grades = frame([row("weak", "c1", False), row("weak", "c2", False), row("weak", "c3", True)])
    learners = report.learner_table(grades).set_index("student_id")
    assert learners.loc["weak", "reasons"] == "得点が低い（33%）"


def test_improvement_averages_each_attempt_number():
    attempts = pd.DataFrame(attempts_of("a", [0.25, 0.75]) + attempts_of("b", [0.75, 1.0]) + attempts_of("c", [0.5]))
    table = report.improvement(attempts)
    assert table["mean_share"].tolist() == [pytest.approx(0.5), pytest.approx(0.875)]
    assert table["attempts"].tolist() == [3, 2]


def test_attempts_are_regraded_not_taken_from_the_file(tmp_path):
    folder = tmp_path / "submitted" / "learner" / EXERCISE.assignment
    folder.mkdir(parents=True)
    texts = [SCENARIO.bad_reply, SCENARIO.model_answer]
    for text in texts:
        answers.save(folder / "answers.json", EXERCISE.id, text, event="check", score=999, max_score=999)
    attempts = report.attempt_frame(tmp_path)
    assert attempts["score"].tolist() == [check(t.strip(), SCENARIO).score for t in texts]
    assert attempts["attempt"].tolist() == [1, 2]


# ---------------------------------------------------------------- near-duplicates


def brute_force(sets, threshold):
    return {(i, j) for i, j in itertools.combinations(range(len(sets)), 2) if report.jaccard(sets[i], sets[j]) >= threshold}


@settings(max_examples=200, deadline=None)
@given(
    texts=st.lists(st.text(alphabet="あいうえおかき。、", max_size=14), max_size=12),
    threshold=st.sampled_from([0.3, 0.5, 0.7, 0.8, 0.9, 1.0]),
)
def test_similar_pairs_finds_exactly_what_comparing_every_pair_finds(texts, threshold):
    sets = [report.shingles(t) for t in texts]
    found = {(min(i, j), max(i, j)) for i, j, _ in report.similar_pairs(sets, threshold)}
    assert found == brute_force(sets, threshold)


def test_a_copy_with_new_line_breaks_and_commas_is_still_a_copy():
    original = "大変申し訳ございません。すでに復旧いたしました。原因は設定の誤りでした。"
    copy = "大変申し訳ございません、\nすでに復旧いたしました。\n原因は設定の誤りでした"
    assert report.jaccard(report.shingles(original), report.shingles(copy)) == 1.0


def test_near_duplicates_leave_out_pairs_that_only_share_the_bad_reply():
    own = "ご迷惑をおかけし申し訳ございません。注文画面はすでに復旧しております。原因は作業の手順の誤りでした。"
    texts = pd.DataFrame(
        {
            "student_id": ["a", "b", "c", "d", "e"],
            "exercise": [EXERCISE.id] * 5,
            "text": [SCENARIO.bad_reply, SCENARIO.bad_reply, own, own + "以上です。", "まったく別の返信を自分で書きました。"],
        }
    )
    pairs = report.near_duplicates(texts)
    assert pairs[["student_a", "student_b"]].values.tolist() == [["c", "d"]]
    assert 0.8 <= pairs.loc[0, "similarity"] < 1.0


# ---------------------------------------------------------------- plots and export


def test_charts_draw_one_bar_per_criterion_and_one_panel_per_assignment():
    grades = frame([row("a", c, True, assignment=a, exercise=f"{a}.q1") for a in ("01-x", "02-y") for c in ("c1", "c2", "c3")])
    bars = report.pass_rate_chart(report.pass_rates(grades))
    assert len(bars.axes[0].patches) == 6
    panels = report.score_distribution_chart(report.submission_scores(grades))
    assert sum(ax.axison for ax in panels.axes) == 2


def test_the_learner_table_exports_to_csv_that_reads_back(tmp_path):
    grades = frame([row("受講者１", "c1", True), row("受講者１", "c2", False)])
    learners = report.learner_table(grades)
    path = report.export_learners(learners, tmp_path / "learners.csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 with a BOM as UTF-8
    back = pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False)
    assert back["student_id"].tolist() == ["受講者１"]
    assert back.loc[0, "reasons"] == learners.loc[0, "reasons"]


def test_charts_speak_japanese_with_criterion_titles_not_ids():
    from graders.checker.rubric import CRITERIA

    grades = frame([row("a", c, True) for c in ("apology_before_explanation", "remedy_before_cause", "genuine")])
    ax = report.pass_rate_chart(report.pass_rates(grades)).axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert any(CRITERIA["remedy_before_cause"][0] in label for label in labels)
    assert not any("apology_before_explanation" in label or "genuine" in label for label in labels)
    assert "合格率" in ax.get_title() and "割合" in ax.get_xlabel()
    assert "IPA" in ax.title.get_fontname()  # a font with Japanese glyphs, not DejaVu's boxes


def test_attempt_curves_show_n_and_keep_the_legend_off_the_points():
    attempts = pd.DataFrame({
        "assignment": ["01-apology-order"] * 3 + ["02-asking-reason"] * 2,
        "attempt": [1, 2, 3, 1, 2],
        "share": [0.2, 0.5, 0.9, 0.4, 0.6],
    })
    progress = report.improvement(attempts)
    fig = report.improvement_chart(progress)
    ax = fig.axes[0]
    assert sorted(t.get_text() for t in ax.texts) == ["n=1"] * 5
    assert "書き直し" in ax.get_xlabel() and "得点率" in ax.get_ylabel()
    fig.canvas.draw()
    legend = ax.get_legend().get_window_extent()
    assert legend.x0 >= ax.get_window_extent().x1  # beside the plot, over no data point


def test_tables_for_people_show_percent_and_every_column():
    grades = frame([row("a", "c1", True), row("a", "c2", False, points=1), row("b", "c1", False)] + [row("a", "c3", False, points=7)])
    learners = report.learner_table(grades)
    html = report.readable(learners).to_html()
    share = learners.loc[learners["student_id"] == "a", "share"].item()
    assert f"{share:.0%}" in html and repr(share) not in html and f"{share:.6f}" not in html
    for column in learners.columns:
        assert report.TITLES.get(column, column) in html
    summary = report.readable(report.score_summary(report.submission_scores(grades))).to_html()
    assert "人数" in summary and "平均" in summary and "%" in summary

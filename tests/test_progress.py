"""The progress table reads real answers.json files and grades them like the forms do."""

from __future__ import annotations

import json

import matplotlib
import pandas as pd
import pytest

from graders import check
from graders.learner import answers
from graders.learner.exercises import all_exercises
from graders.learner.progress import (
    COLUMNS,
    STATUS_NO_FILE,
    STATUS_NOT_ANSWERED,
    STATUS_PARTIAL,
    STATUS_PASSED,
    answers_path,
    progress_chart,
    progress_table,
    progress_view,
)
from graders.checker.scenarios import get_scenario

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def outage():
    """The registered exercise graded against outage-apology, and that scenario."""
    exercise = next(e for e in all_exercises().values() if e.scenario == "outage-apology")
    return exercise, get_scenario("outage-apology")


def row_of(df, exercise_id):
    rows = df[df["exercise"] == exercise_id]
    assert len(rows) == 1
    return rows.iloc[0]


def test_no_answers_at_all_gives_one_unsaved_row_per_exercise(tmp_path):
    df = progress_table(tmp_path)
    assert list(df.columns) == COLUMNS
    assert list(df["exercise"]) == list(all_exercises())
    assert not df["saved"].any() and not df["passed"].any()
    assert (df["attempts"] == 0).all()
    assert set(df["status"]) == {STATUS_NO_FILE}
    assert df["score"].isna().all()


def test_max_score_comes_from_the_scenario_even_before_saving(tmp_path, outage):
    exercise, scenario = outage
    assert row_of(progress_table(tmp_path), exercise.id)["max_score"] == scenario.max_score


def test_model_answer_passes_and_bad_reply_does_not(tmp_path, outage):
    exercise, scenario = outage
    path = answers_path(tmp_path, exercise.assignment)
    path.parent.mkdir(parents=True)

    answers.save(path, exercise.id, scenario.model_answer, event="check")
    good = row_of(progress_table(tmp_path), exercise.id)
    assert good["saved"] and good["passed"]
    assert good["score"] == good["max_score"] == scenario.max_score
    assert good["status"] == STATUS_PASSED

    answers.save(path, exercise.id, scenario.bad_reply, event="check")
    bad = row_of(progress_table(tmp_path), exercise.id)
    expected = check(scenario.bad_reply, scenario.id)
    assert bad["saved"] and not bad["passed"]
    assert bad["score"] == expected.score < bad["max_score"]
    assert bad["status"] == STATUS_PARTIAL
    assert bad["attempts"] == 2


def test_only_the_latest_text_counts(tmp_path, outage):
    exercise, scenario = outage
    path = answers_path(tmp_path, exercise.assignment)
    path.parent.mkdir(parents=True)
    answers.save(path, exercise.id, scenario.bad_reply)
    answers.save(path, exercise.id, scenario.model_answer)
    assert row_of(progress_table(tmp_path), exercise.id)["passed"]


def test_other_exercises_are_untouched_by_one_saved_answer(tmp_path, outage):
    exercise, scenario = outage
    path = answers_path(tmp_path, exercise.assignment)
    path.parent.mkdir(parents=True)
    answers.save(path, exercise.id, scenario.model_answer)
    df = progress_table(tmp_path)
    others = df[df["exercise"] != exercise.id]
    assert not others["saved"].any()
    assert (others[others["assignment"] != exercise.assignment]["status"] == STATUS_NO_FILE).all()


def test_a_file_without_this_exercise_says_not_answered(tmp_path, outage):
    exercise, _ = outage
    path = answers_path(tmp_path, exercise.assignment)
    path.parent.mkdir(parents=True)
    answers.save(path, "practice.elsewhere", "練習の文章です。")
    row = row_of(progress_table(tmp_path), exercise.id)
    assert not row["saved"] and row["status"] == STATUS_NOT_ANSWERED


def test_an_empty_saved_reply_is_a_row_with_the_checker_message(tmp_path, outage):
    exercise, _ = outage
    path = answers_path(tmp_path, exercise.assignment)
    path.parent.mkdir(parents=True)
    answers.save(path, exercise.id, "   ")
    row = row_of(progress_table(tmp_path), exercise.id)
    assert not row["saved"] and not row["passed"]
    assert row["status"].startswith("採点できません") and "空" in row["status"]
    assert row["attempts"] == 1


@pytest.mark.parametrize(
    "content",
    [b"{not json", "\u3042".encode("cp932"), json.dumps({"answers": []}).encode(), json.dumps([1, 2]).encode()],
    ids=["broken-json", "not-utf8", "answers-not-a-dict", "not-an-object"],
)
def test_a_corrupt_file_is_a_row_and_is_left_exactly_as_it_was(tmp_path, outage, content):
    exercise, _ = outage
    path = answers_path(tmp_path, exercise.assignment)
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    row = row_of(progress_table(tmp_path), exercise.id)
    assert not row["saved"] and "壊れて" in row["status"]
    # Reading progress never moves or rewrites a learner's file.
    assert path.read_bytes() == content
    assert sorted(p.name for p in path.parent.iterdir()) == ["answers.json"]


def test_an_unopenable_path_is_a_row_not_an_exception(tmp_path, outage):
    exercise, _ = outage
    answers_path(tmp_path, exercise.assignment).mkdir(parents=True)  # a folder named answers.json
    row = row_of(progress_table(tmp_path), exercise.id)
    assert not row["saved"] and "開けません" in row["status"]


def test_learner_view_has_japanese_headings_scores_and_marks(tmp_path, outage):
    exercise, scenario = outage
    path = answers_path(tmp_path, exercise.assignment)
    path.parent.mkdir(parents=True)
    answers.save(path, exercise.id, scenario.model_answer)
    df = progress_table(tmp_path)
    view = progress_view(df)
    assert view.index.name == "問題" and list(view.index) == list(df["exercise"])
    assert list(view.columns) == ["場面", "得点", "合格", "保存回数", "状態"]
    mine = view.loc[exercise.id]
    assert mine["得点"] == f"{scenario.max_score} / {scenario.max_score}"
    assert mine["合格"] == "✓" and mine["場面"] == scenario.title
    others = view.drop(index=exercise.id)
    assert (others["得点"] == "—").all() and (others["合格"] == "").all()


def score_bars(fig):
    """The chart's score bars by exercise id (a grey 100% track lies under each)."""
    ax = fig.axes[0]
    container = next(c for c in ax.containers if c.get_label() == "score")
    labels = [t.get_text() for t in ax.get_yticklabels()]
    return dict(zip(labels, container.patches))


def test_chart_has_one_bar_per_exercise_coloured_by_result(tmp_path, outage):
    exercise, scenario = outage
    path = answers_path(tmp_path, exercise.assignment)
    path.parent.mkdir(parents=True)
    answers.save(path, exercise.id, scenario.model_answer)
    df = progress_table(tmp_path)
    bars = score_bars(progress_chart(df))
    assert sorted(bars) == sorted(df["exercise"])
    assert bars[exercise.id].get_width() == pytest.approx(100.0)
    assert matplotlib.colors.to_hex(bars[exercise.id].get_facecolor()) == "#2e9d5b"
    assert all(bars[i].get_width() == 0 for i in df["exercise"] if i != exercise.id)


def test_chart_shows_a_partial_score_in_orange(tmp_path, outage):
    exercise, scenario = outage
    path = answers_path(tmp_path, exercise.assignment)
    path.parent.mkdir(parents=True)
    answers.save(path, exercise.id, scenario.bad_reply)
    df = progress_table(tmp_path)
    row = row_of(df, exercise.id)
    bar = score_bars(progress_chart(df))[exercise.id]
    assert bar.get_width() == pytest.approx(100.0 * row["score"] / row["max_score"])
    assert matplotlib.colors.to_hex(bar.get_facecolor()) == "#f0a030"


def test_chart_of_an_empty_table_still_draws():
    empty = pd.DataFrame(columns=COLUMNS)
    assert score_bars(progress_chart(empty)) == {}


def test_chart_draws_japanese_labels_without_missing_glyphs(tmp_path):
    import warnings

    from graders.learner.progress import progress_chart, progress_table

    fig = progress_chart(progress_table(tmp_path))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw()
    assert fig.axes[0].get_title(loc="left") == "課題の進み具合"
    assert not [w for w in caught if "missing from" in str(w.message)]

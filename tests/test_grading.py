"""graders.assignments.grade_cells: what the nbgrader grade cells call, run here without nbgrader.

Each test works in its own folder (the grade cells read ./answers.json, as they do in
nbgrader's autograded/<student>/<assignment>/ folder).
"""

from pathlib import Path

import pytest

from graders.learner import answers
from graders.checker.errors import InputError
from graders.assignments.grade_cells import MissingAnswer, answer_for, assert_criterion, assert_genuine
from graders.checker.scenarios import get_scenario
from graders.assignments import references

ROOT = Path(__file__).resolve().parents[1]

EXERCISE = "01-apology-order.q1"
MODEL = get_scenario("outage-apology").model_answer  # public: the lesson shows it
SOLUTION = references.reference_for(ROOT, "outage-apology")
BAD = get_scenario("outage-apology").bad_reply
# Apology first, but the cause comes before the remedy.
CAUSE_FIRST = "大変申し訳ございません。原因は昨夜の作業での設定の誤りでした。すでに復旧いたしました。"


@pytest.fixture(autouse=True)
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_saved_answer_wins_over_the_literal():
    answers.save("answers.json", EXERCISE, "  保存した返信です。 ")
    assert answer_for(EXERCISE, fallback="セルの返信です。") == "保存した返信です。"


def test_blank_saved_answer_falls_back_to_the_literal():
    answers.save("answers.json", EXERCISE, "   \n")
    assert answer_for(EXERCISE, fallback="\nセルの返信です。\n") == "セルの返信です。"


def test_other_exercises_answer_is_not_used():
    answers.save("answers.json", "02-asking-reason.q1", "別の問題の返信です。")
    assert answer_for(EXERCISE, fallback="セルの返信です。") == "セルの返信です。"


def test_no_answer_anywhere_is_a_clear_japanese_failure():
    with pytest.raises(MissingAnswer, match="回答が見つかりません") as raised:
        answer_for(EXERCISE, fallback='\n\n')
    assert isinstance(raised.value, AssertionError)  # so the grade cell fails, not errors oddly
    assert EXERCISE in str(raised.value)


def test_explicit_path_is_read(tmp_path):
    elsewhere = tmp_path / "sub"
    elsewhere.mkdir()
    answers.save(elsewhere / "answers.json", EXERCISE, "別の場所の返信です。")
    assert answer_for(EXERCISE, fallback="セルの返信です。") == "セルの返信です。"
    assert answer_for(EXERCISE, path=elsewhere / "answers.json") == "別の場所の返信です。"


def test_corrupt_answers_file_falls_back_and_is_left_untouched(in_tmp, capsys):
    broken = in_tmp / "answers.json"
    broken.write_bytes(b"{not json")
    assert answer_for(EXERCISE, fallback="セルの返信です。") == "セルの返信です。"
    assert "回答セルに書いた返信で採点します" in capsys.readouterr().out
    assert broken.read_bytes() == b"{not json"
    assert sorted(p.name for p in in_tmp.iterdir()) == ["answers.json"]


def test_unknown_exercise_is_an_input_error():
    with pytest.raises(InputError, match="登録されていません"):
        answer_for("99-nothing.q1", fallback="返信です。")


def test_criterion_pass_prints_a_check_mark(capsys):
    assert_criterion(EXERCISE, "apology_before_explanation", fallback=MODEL)
    out = capsys.readouterr().out
    assert out.startswith("✓ 説明より先に謝罪（2点）")


def test_criterion_failure_carries_the_checkers_message():
    with pytest.raises(AssertionError) as raised:
        assert_criterion(EXERCISE, "remedy_before_cause", fallback=CAUSE_FIRST)
    message = str(raised.value)
    assert message.startswith("✗ 原因より先に対処（2点）")
    assert "対処を先に" in message


def test_answer_is_read_when_the_cell_runs_not_before():
    answers.save("answers.json", EXERCISE, CAUSE_FIRST)
    with pytest.raises(AssertionError):
        assert_criterion(EXERCISE, "remedy_before_cause", fallback=MODEL)
    answers.save("answers.json", EXERCISE, MODEL)  # the learner fixes it and saves again
    assert_criterion(EXERCISE, "remedy_before_cause", fallback=MODEL)


def test_unknown_criterion_is_an_input_error():
    with pytest.raises(InputError, match="観点「politeness」はありません"):
        assert_criterion(EXERCISE, "politeness", fallback=MODEL)


def test_criterion_the_scenario_does_not_grade_is_an_input_error():
    with pytest.raises(InputError, match="outage-apology"):
        assert_criterion(EXERCISE, "asks_reason", fallback=MODEL)


def test_ungradable_answer_fails_with_the_checkers_message():
    answers.save("answers.json", EXERCISE, "あ" * 6000)
    with pytest.raises(AssertionError, match="長すぎます"):
        assert_criterion(EXERCISE, "apology_before_explanation")


def test_genuine_reply_passes(capsys):
    assert_genuine(EXERCISE, fallback=SOLUTION)
    assert capsys.readouterr().out.startswith("✓")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("大変申し訳ございません。" * 3 + "すでに復旧いたしました。原因は設定の誤りでした。", "くり返されています"),
        ("謝罪：大変申し訳ございません\n対処：復旧いたしました\n原因：設定の誤り", "見出し"),
        (BAD, "元の返信とほとんど同じ"),
        (MODEL, "模範解答とほとんど同じ"),
    ],
)
def test_gamed_replies_fail_the_genuine_check(text, expected):
    answers.save("answers.json", EXERCISE, text)
    with pytest.raises(AssertionError, match=expected):
        assert_genuine(EXERCISE)


def test_a_failing_grade_cell_shows_only_its_japanese_lines_in_ipython():
    """IPython renders a GradeFailure as its own short lines: no frames, no Python source."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shown = []
    shell._showtraceback = lambda etype, evalue, stb: shown.append(stb)
    shell.run_cell(f'from graders.assignments.grade_cells import answer_for\nanswer_for("{EXERCISE}", fallback="")')
    (lines,) = shown
    assert lines[0].startswith("✗ ") and "回答が見つかりません" in lines[0]
    assert lines[-1].startswith("→ ")
    text = "\n".join(lines)
    assert "Traceback" not in text and "answer_for(" not in text and ".py" not in text

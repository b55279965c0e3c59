"""The rewrite form, headless with real ipywidgets: type, click チェック, read the feedback and answers.json.

Also the plain-Python path, check_exercise().
"""

import json
import re
import subprocess
import sys
import threading
from dataclasses import replace

import ipywidgets as widgets
import pytest

from graders import InputError, check_exercise
from graders.learner import answers
from graders.checker.check import MAX_CHARS, validate
from graders.learner.exercises import get_exercise
import graders.learner.form as form_module
from graders.learner.form import RewriteForm
from graders.checker.report import Report
from graders.checker.scenarios import Criterion, get_scenario

EXERCISE = "01-apology-order.q1"
PRACTICE = "practice.apology-1"
SAVED_AT = re.compile(r"保存しました \(\d\d:\d\d:\d\d\)")
NEVER = 3600.0  # an autosave delay no test waits for: only flush() or チェック saves


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def make_form(workdir):
    """Build forms in the temp folder and close them afterwards (no timer outlives a test)."""
    made = []

    def make(exercise_id=EXERCISE, delay=NEVER, **kwargs):
        form = RewriteForm(exercise_id, **kwargs)
        form.autosave_delay = delay
        made.append(form)
        return form

    yield make
    for form in made:
        form.close()


@pytest.fixture(scope="module")
def scenario():
    return get_scenario(get_exercise(EXERCISE).scenario)


def saved(workdir, exercise_id=EXERCISE) -> dict:
    return answers.read(workdir / "answers.json")[exercise_id]


def visible(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


# ---------------------------------------------------------------------- building


def test_creating_a_form_writes_nothing(make_form, workdir):
    make_form()
    make_form(PRACTICE, scenario="outage-apology")
    assert list(workdir.iterdir()) == []


def test_creating_a_form_leaves_an_existing_file_untouched(make_form, workdir):
    answers.save(workdir / "answers.json", "other", "別の課題の返信", "check", 1, 2)
    before = (workdir / "answers.json").read_bytes()
    make_form()
    assert (workdir / "answers.json").read_bytes() == before
    assert sorted(p.name for p in workdir.iterdir()) == ["answers.json"]


def test_form_shows_the_registry_scenario_a_textarea_and_the_check_button(make_form, scenario):
    form = make_form()
    assert isinstance(form, widgets.VBox)
    assert form.scenario.id == scenario.id
    assert isinstance(form.textarea, widgets.Textarea) and form.textarea.placeholder
    assert isinstance(form.button, widgets.Button) and form.button.description == "チェック"
    assert isinstance(form.feedback, widgets.HTML) and form.feedback.value == ""
    context = visible(form.children[0].value)
    assert scenario.title in context and scenario.bad_reply in context and scenario.customer in context
    assert {form.textarea, form.feedback} <= set(form.children)
    assert form.report is None


def test_context_can_be_left_out(make_form):
    form = make_form(show_context=False)
    assert form.children[0] is form.textarea


def test_practice_form_takes_its_scenario_explicitly(make_form):
    form = make_form(PRACTICE, scenario="generic")
    assert form.scenario.id == "generic"


def test_unknown_exercise_without_a_scenario_is_a_clear_error(workdir):
    with pytest.raises(InputError, match="登録されていません"):
        RewriteForm("no-such.q9")


# ---------------------------------------------------------------------- checking


def test_model_answer_scores_full_marks_and_is_saved_with_its_score(make_form, workdir, scenario):
    form = make_form()
    form.textarea.value = scenario.model_answer
    form.button.click()
    report = form.report
    assert isinstance(report, Report) and report.score == report.max_score > 0
    assert 'class="outai-score"' in form.feedback.value
    assert "outai-criterion failed" not in form.feedback.value
    assert form.feedback.value.count("outai-criterion passed") == len(report.criteria)
    assert "次にすること" in form.feedback.value
    entry = saved(workdir)
    assert entry["text"] == scenario.model_answer
    last = entry["attempts"][-1]
    assert (last["event"], last["score"], last["max_score"]) == ("check", report.score, report.max_score)
    assert SAVED_AT.search(form.status.value)


def test_bad_reply_does_not_score_full_marks(make_form, scenario):
    form = make_form()
    form.textarea.value = scenario.bad_reply
    report = form.check()
    assert report is form.report and report.score < report.max_score
    assert "outai-criterion failed" in form.feedback.value
    for criterion in report.criteria:
        assert f'data-criterion="{criterion.id}"' in form.feedback.value


def test_learner_markup_is_only_ever_shown_escaped(make_form):
    form = make_form()
    form.textarea.value = "大変申し訳ございません。<img src=x onerror=alert(1)><script>alert(2)</script>原因は設定の誤りでした。"
    form.button.click()
    html = form.feedback.value
    assert "<img" not in html and "<script" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "&lt;script&gt;alert(2)&lt;/script&gt;" in html


@pytest.mark.parametrize("text", ["", "  \n ", "あ" * (MAX_CHARS + 1)], ids=["empty", "spaces", "too long"])
def test_input_the_checker_refuses_is_explained_and_still_saved(make_form, workdir, text):
    with pytest.raises(InputError) as refused:
        validate(text)
    form = make_form()
    form.textarea.value = text
    assert form.check() is None and form.report is None
    assert str(refused.value) in visible(form.feedback.value)
    assert "outai-error" in form.feedback.value
    entry = saved(workdir)
    assert entry["text"] == text
    assert entry["attempts"][-1]["event"] == "check" and "score" not in entry["attempts"][-1]


def test_each_check_adds_a_timestamped_attempt(make_form, workdir, scenario, monkeypatch):
    monkeypatch.setattr(form_module, "RECHECK_WINDOW", 0.0)  # a person pauses between edits
    form = make_form()
    for text in (scenario.bad_reply, scenario.model_answer):
        form.textarea.value = text
        form.button.click()
    attempts = saved(workdir)["attempts"]
    checks = [a for a in attempts if a["event"] == "check"]
    assert [a["text"] for a in checks] == [scenario.bad_reply, scenario.model_answer]
    assert checks[0]["score"] < checks[1]["score"] == checks[1]["max_score"]
    assert all(re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", a["time"]) for a in attempts)


def test_a_checker_failure_is_explained_and_the_text_still_saved(make_form, workdir, scenario):
    broken = replace(scenario, criteria=(Criterion("no_such_criterion", 1),))
    form = make_form(PRACTICE, scenario=broken)
    form.textarea.value = scenario.model_answer
    assert form.check() is None
    assert "講師に伝えてください" in visible(form.feedback.value)
    assert saved(workdir, PRACTICE)["text"] == scenario.model_answer


# ---------------------------------------------------------------------- autosave


def test_autosave_waits_for_a_pause_and_saves_the_last_text(make_form, workdir):
    form = make_form()
    for text in ["大", "大変", "大変申し訳ございません"]:
        form.textarea.value = text
    assert not (workdir / "answers.json").exists()
    assert not form.wait_saved(timeout=0)
    assert "入力中" in form.status.value
    form.flush()
    assert form.wait_saved(timeout=0)
    entry = saved(workdir)
    assert entry["text"] == "大変申し訳ございません"
    assert [a["event"] for a in entry["attempts"]] == ["autosave"]
    assert SAVED_AT.search(form.status.value)


def test_autosave_fires_by_itself(make_form, workdir):
    form = make_form(delay=0.05)
    form.textarea.value = "大変申し訳ございません。"
    assert form.wait_saved(timeout=60)
    assert saved(workdir)["text"] == "大変申し訳ございません。"
    assert SAVED_AT.search(form.status.value)


def test_check_saves_pending_typing_once(make_form, workdir):
    form = make_form()
    form.textarea.value = "下書き"
    form.textarea.value = "大変申し訳ございません。"
    form.button.click()
    assert form.wait_saved(timeout=0)
    entry = saved(workdir)
    assert entry["text"] == "大変申し訳ございません。"
    assert [a["event"] for a in entry["attempts"]] == ["check"]


def test_saved_text_reappears_when_the_cell_runs_again(make_form, workdir):
    form = make_form()
    form.textarea.value = "前回の返信です。"
    form.button.click()
    again = make_form()
    assert again.textarea.value == "前回の返信です。"
    assert "読み込みました" in again.status.value
    assert make_form(PRACTICE, scenario="outage-apology").textarea.value == ""


def test_rerunning_the_cell_first_saves_the_old_forms_typing(make_form):
    old = make_form()
    old.textarea.value = "まだ自動保存されていない返信"
    new = make_form()
    assert new.textarea.value == "まだ自動保存されていない返信"


def test_two_forms_saving_at_once_lose_nothing(make_form, workdir, scenario, monkeypatch):
    monkeypatch.setattr(form_module, "RECHECK_WINDOW", 0.0)  # a person pauses between edits
    forms = {EXERCISE: make_form(), PRACTICE: make_form(PRACTICE, scenario="outage-apology")}
    start = threading.Barrier(len(forms))

    def type_and_check(exercise_id):
        form = forms[exercise_id]
        start.wait()
        for n in range(6):
            form.textarea.value = f"{scenario.model_answer}（{exercise_id} {n}）"
            form.flush() if n % 2 else form.button.click()

    threads = [threading.Thread(target=type_and_check, args=(e,)) for e in forms]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stored = answers.read(workdir / "answers.json")
    for exercise_id in forms:
        assert stored[exercise_id]["text"] == f"{scenario.model_answer}（{exercise_id} 5）"
        checks = [a for a in stored[exercise_id]["attempts"] if a["event"] == "check"]
        assert [a["text"] for a in checks] == [f"{scenario.model_answer}（{exercise_id} {n}）" for n in (0, 2, 4)]
        assert all(a["score"] == a["max_score"] for a in checks)
        assert forms[exercise_id].report.score == forms[exercise_id].report.max_score


def test_practice_form_without_saving_writes_nothing(make_form, workdir):
    form = make_form(PRACTICE, scenario="outage-apology", save=False, delay=0.01)
    form.textarea.value = "大変申し訳ございません。"
    assert form.check() is not None
    assert form.wait_saved(timeout=0)
    assert list(workdir.iterdir()) == []
    assert "保存されません" in form.status.value


# ---------------------------------------------------------------------- bad files


UNREADABLE = {"not json": b'{"version": 1, "answers": {', "not utf-8": "回答".encode("cp932") + b"\x80\xff"}


@pytest.mark.parametrize("content", UNREADABLE.values(), ids=UNREADABLE.keys())
def test_unreadable_answers_are_kept_aside_and_the_form_keeps_working(make_form, workdir, content, scenario):
    path = workdir / "answers.json"
    path.write_bytes(content)
    form = make_form()
    assert path.read_bytes() == content  # building the form renames nothing
    assert "読み込めませんでした" in visible(form.notice.value)
    assert form.textarea.value == ""

    form.textarea.value = scenario.model_answer
    form.flush()
    (kept,) = workdir.glob("answers.json.corrupt-*")
    assert kept.read_bytes() == content
    assert kept.name in visible(form.notice.value)
    assert saved(workdir)["text"] == scenario.model_answer

    report = form.check()
    assert report is not None and report.score == report.max_score
    assert SAVED_AT.search(form.status.value)
    assert len(list(workdir.glob("answers.json.corrupt-*"))) == 1


def test_an_unwritable_location_is_reported_and_the_text_stays(make_form, workdir):
    form = make_form(answers_path=workdir / "no-such-folder" / "answers.json")
    form.textarea.value = "大変申し訳ございません。"
    report = form.check()
    assert report is not None
    assert "保存できませんでした" in form.status.value and "outai-error" in form.status.value
    assert form.textarea.value == "大変申し訳ございません。"


# ---------------------------------------------------------------------- plain Python


def test_check_exercise_grades_given_text_and_shows_as_html_and_text(workdir, scenario):
    report = check_exercise(EXERCISE, scenario.model_answer)
    assert isinstance(report, Report) and report.scenario == scenario.id
    assert report.score == report.max_score
    assert "outai-report" in report._repr_html_()
    assert f"{report.score} / {report.max_score}" in str(report)
    assert list(workdir.iterdir()) == []


def test_check_exercise_grades_the_saved_answer(make_form, workdir, scenario):
    form = make_form()
    form.textarea.value = scenario.bad_reply
    form.flush()
    report = check_exercise(EXERCISE)
    assert report.text == scenario.bad_reply
    assert report.score < report.max_score


def test_check_exercise_escapes_html_too(workdir):
    report = check_exercise(EXERCISE, "申し訳ございません。<script>alert(1)</script>")
    html = report._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_check_exercise_without_a_saved_answer_says_what_to_do(workdir):
    with pytest.raises(InputError, match=EXERCISE):
        check_exercise(EXERCISE)
    (workdir / "answers.json").write_bytes(b"\xff\xfe broken")
    with pytest.raises(InputError, match="読めませんでした"):
        check_exercise(EXERCISE)
    assert (workdir / "answers.json").read_bytes() == b"\xff\xfe broken"


def test_check_exercise_with_a_practice_id_needs_a_scenario(workdir, scenario):
    report = check_exercise(PRACTICE, scenario.model_answer, scenario=scenario.id)
    assert report.scenario == scenario.id


def test_importing_graders_does_not_import_ipywidgets():
    code = "import sys, graders; graders.check_exercise; assert 'ipywidgets' not in sys.modules, 'ipywidgets'"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_saved_file_is_valid_json_for_grade_cells(make_form, workdir, scenario):
    form = make_form()
    form.textarea.value = scenario.model_answer
    form.button.click()
    data = json.loads((workdir / "answers.json").read_text(encoding="utf-8"))
    assert data["answers"][EXERCISE]["text"] == answers.latest_text(workdir / "answers.json", EXERCISE)


def test_text_that_lands_just_after_the_click_is_checked_again(tmp_path, monkeypatch):
    # The browser can deliver チェック before the last keystrokes: grade the text that arrives.
    monkeypatch.chdir(tmp_path)
    scenario = get_scenario("outage-apology")
    form = RewriteForm("01-apology-order.q1")
    form.textarea.value = scenario.model_answer[:-3]
    form.button.click()
    form.textarea.value = scenario.model_answer
    assert form.report.text == scenario.model_answer
    assert form_module.STALE_FEEDBACK not in form.feedback.value
    form.flush()
    checks = [a for a in answers.read(tmp_path / "answers.json")["01-apology-order.q1"]["attempts"] if a["event"] == "check"]
    assert [a["text"] for a in checks] == [scenario.model_answer]  # one click, one attempt


def test_keystrokes_that_raced_a_slow_check_are_graded_again(tmp_path, monkeypatch, clock):
    # Grading slower than the window must not turn the queued keystrokes into an edit.
    monkeypatch.chdir(tmp_path)
    clock.make_slow(form_module, "check", 3 * form_module.RECHECK_WINDOW)
    scenario = get_scenario("outage-apology")
    form = RewriteForm("01-apology-order.q1")
    form.textarea.value = scenario.model_answer[:-3]
    form.button.click()
    clock.advance(0.05)  # the queued update is read as soon as the kernel is free
    form.textarea.value = scenario.model_answer
    assert form.report.text == scenario.model_answer
    assert form_module.STALE_FEEDBACK not in form.feedback.value


def test_starting_a_new_reply_right_after_a_check_keeps_that_check(tmp_path, monkeypatch):
    # Not a race: the learner replaced the text at once. The check they clicked stays recorded.
    monkeypatch.chdir(tmp_path)
    scenario = get_scenario("outage-apology")
    form = RewriteForm("01-apology-order.q1")
    form.textarea.value = scenario.bad_reply
    form.button.click()
    form.textarea.value = "大"
    assert form.report.text == scenario.bad_reply
    assert form_module.STALE_FEEDBACK in form.feedback.value
    form.textarea.value = scenario.model_answer
    form.button.click()
    form.flush()
    checks = [a for a in answers.read(tmp_path / "answers.json")["01-apology-order.q1"]["attempts"] if a["event"] == "check"]
    assert [a["text"] for a in checks] == [scenario.bad_reply, scenario.model_answer]


def test_editing_later_marks_the_feedback_out_of_date(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(form_module, "RECHECK_WINDOW", 0.0)
    form = RewriteForm("practice.stale", scenario="outage-apology", save=False)
    form.textarea.value = get_scenario("outage-apology").bad_reply
    form.button.click()
    assert form_module.STALE_FEEDBACK not in form.feedback.value
    form.textarea.value = "大変申し訳ございません。"
    assert form_module.STALE_FEEDBACK in form.feedback.value
    assert form.report.text == get_scenario("outage-apology").bad_reply
    form.button.click()
    assert form_module.STALE_FEEDBACK not in form.feedback.value


def test_two_forms_on_one_exercise_keep_both_texts_and_both_say_so(make_form, workdir):
    # Two tabs: both forms read the file before either saved.
    first, second = make_form(), make_form()
    longer = "大変申し訳ございません。すでに復旧いたしました。原因は設定の誤りでした。今後は確認を二人で行います。"
    first.textarea.value = longer
    first.flush()
    assert first.notice.value == ""
    second.textarea.value = "申し訳ございません。"
    second.flush()
    entry = saved(workdir)
    assert entry["text"] == "申し訳ございません。"
    assert [a["text"] for a in entry["attempts"] if a["event"] == "overwritten"] == [longer]
    assert "置き換えました" in second.notice.value and "大変申し訳ございません。" in second.notice.value
    first._notice_other_save()  # what the watcher thread does every WATCH_INTERVAL seconds
    assert "別のタブかフォームで保存され" in first.notice.value
    assert "別のタブかフォーム" in first.status.value and SAVED_AT.search(first.status.value) is None
    assert first.textarea.value == longer  # the box keeps the learner's text
    # Saving again from the first tab keeps the second one's text in the history too.
    first.flush() if first._pending else first.check()
    texts = [a["text"] for a in saved(workdir)["attempts"] if a["event"] == "overwritten"]
    assert texts == [longer, "申し訳ございません。"]


def test_a_form_that_saved_last_is_not_told_about_its_own_save(make_form, workdir):
    form = make_form()
    form.textarea.value = "申し訳ございません。"
    form.flush()
    form._notice_other_save()
    assert form.notice.value == "" and SAVED_AT.search(form.status.value)


@pytest.mark.parametrize("how", ["autosave", "check"])
def test_a_paste_too_long_to_save_says_so_in_japanese_and_stays_in_the_box(make_form, workdir, how):
    form = make_form()
    form.textarea.value = "大変申し訳ございません。"
    form.flush()
    pasted = "大変申し訳ございません。" + "あ" * answers.MAX_SAVED_CHARS
    form.textarea.value = pasted
    if how == "check":
        form.button.click()
    form.flush()
    status = visible(form.status.value)
    assert "返信が長すぎます" in status and f"{answers.MAX_SAVED_CHARS:,} 文字まで" in status
    assert "短くしてから" in status and "この欄に残っています" in status
    assert "書き込めるか" not in status  # the folder is fine: no hint that it is not
    assert "outai-error" in form.status.value
    assert form.textarea.value == pasted
    assert saved(workdir)["text"] == "大変申し訳ございません。"  # the last text that fitted is kept

"""A learner works through exercise 01 in JupyterLab: type, check, save, reopen, grade, validate.

Each test gets its own copy of the released assignment (no answers.json), opens it in a
fresh browser context, runs all cells as a learner would and uses the form with the
keyboard. What the page must show is computed by the checker itself, in this process,
from the same text, so the tests prove the browser shows the checker's verdict.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from graders.checker.check import check
from graders.learner.exercises import get_exercise
from graders.checker.scenarios import get_scenario
from labpage import KERNEL_TIMEOUT, UI_TIMEOUT, LabPage, RewriteFormView

ASSIGNMENT = "01-apology-order"
EXERCISE_ID = "01-apology-order.q1"
RELEASE = f"exercises/{ASSIGNMENT}"
SCENARIO = get_scenario(get_exercise(EXERCISE_ID).scenario)
BAD_REPLY = SCENARIO.bad_reply.strip()
# A reply of the learner's own: the lessons' model answer would fail the visible
# genuine-reply grade cell as a copy (Validate and Run All run it).
GOOD_REPLY = (
    "朝からご注文を受けられず、お店の皆様には大変なご迷惑をおかけしました。心よりお詫び申し上げます。\n"
    "注文画面は10時半に設定を戻して復旧し、いまは通常どおりご注文をお受けしています。\n"
    "原因は、昨夜のメンテナンスで設定の変更を一か所戻し忘れたことでした。\n"
    "今後は作業の終わりに別の担当者が画面を開いて確かめ、同じことが起きないようにいたします。"
)
HALF_FIXED_REPLY = (
    "大変申し訳ございません。朝から注文を受けられず、さぞお困りのことと存じます。\n"
    "原因は、昨夜の作業での設定の誤りでした。すでに復旧いたしました。\n"
    "今後は作業後の確認を二人で行います。"
)
README_SCREENSHOT = Path("docs/images/form-feedback.png")
FILE_TIMEOUT = 30.0  # seconds: upper bound for a save to reach the disk after the feedback shows


def wait_for_saved(path: Path, predicate, timeout: float = FILE_TIMEOUT) -> dict:
    """Poll answers.json until ``predicate(entry)`` holds for this exercise; return the entry."""
    deadline = time.monotonic() + timeout
    entry = None
    while time.monotonic() < deadline:
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))["answers"].get(EXERCISE_ID)
        except (FileNotFoundError, json.JSONDecodeError, KeyError):
            entry = None
        if entry is not None and predicate(entry):
            return entry
        time.sleep(0.1)  # polling interval for a file written by the kernel
    raise AssertionError(f"{path} did not reach the expected state in {timeout} s; last entry: {entry!r}")


def check_events(entry: dict) -> list[tuple[str, int | None]]:
    return [(a["text"], a.get("score")) for a in entry.get("attempts", []) if a.get("event") == "check"]


@pytest.fixture
def exercise(lab: LabPage, fresh_copy):
    """The released exercise notebook, opened and run top to bottom, with its form showing."""
    folder = fresh_copy(RELEASE)
    lab.open_notebook(folder / f"{ASSIGNMENT}.ipynb")
    lab.run_all()
    return lab, folder, lab.form()


def type_and_check(form: RewriteFormView, folder: Path, text: str):
    """Type ``text``, wait until the form has saved it, press チェック; the expected report.

    Waiting for the autosave is what a person's pause before clicking amounts to: the
    kernel then holds the whole text (see the report on quick clicks after typing).
    """
    report = check(text, SCENARIO.id)
    form.type_reply(text)
    wait_for_saved(folder / "answers.json", lambda e: e["text"] == text)
    expect(form.status).to_contain_text("保存しました")
    form.press_check(report.text, report.score, report.max_score)
    return report


def test_bad_reply_shows_failing_criteria_and_highlighted_acts(exercise):
    lab, folder, form = exercise
    report = type_and_check(form, folder, BAD_REPLY)
    failed = [c for c in report.criteria if not c.passed]
    assert failed, "the scenario's bad reply must fail at least one criterion"

    for c in report.criteria:
        row = form.criterion(c.id)
        expect(row).to_be_visible()
        expect(row).to_have_class(re.compile(r"\bpassed\b" if c.passed else r"\bfailed\b"))
        expect(row.locator(".outai-mark")).to_have_text("✓" if c.passed else "✗")
        expect(row.locator(".outai-criterion-message")).to_have_text(c.message)
        expect(row.locator(".outai-criterion-message")).to_be_visible()
    expect(form.feedback.locator(".outai-score")).to_contain_text(f"{report.score} / {report.max_score}")

    # The acts, in the reply's order: the bad reply explains the cause before it apologises.
    kinds = [a.kind for a in report.acts]
    assert kinds.index("cause") < kinds.index("apology")
    steps = form.feedback.locator(".outai-timeline .outai-act")
    expect(steps).to_have_count(len(kinds))
    assert [steps.nth(i).get_attribute("data-kind") for i in range(len(kinds))] == kinds
    # ...and each act is marked in the reply itself, in colour.
    marks = form.feedback.locator(".outai-reply mark.outai-span")
    for act in report.acts:
        mark = marks.filter(has_text=act.text).first
        expect(mark).to_be_visible()
        expect(mark).to_have_attribute("data-kind", act.kind)
        background = mark.evaluate("m => getComputedStyle(m).backgroundColor")
        assert background not in ("", "transparent", "rgba(0, 0, 0, 0)"), background
    assert lab.dialogs == []


def test_good_reply_passes_every_criterion_with_full_score(exercise, artifacts_dir, pytestconfig):
    _, folder, form = exercise
    # Halfway there: the apology comes first now, but the cause still precedes the remedy.
    half = type_and_check(form, folder, HALF_FIXED_REPLY)
    assert [c.id for c in half.criteria if not c.passed] == ["remedy_before_cause"]
    expect(form.feedback.locator(".outai-criterion.passed")).to_have_count(len(half.criteria) - 1)
    expect(form.criterion("remedy_before_cause")).to_have_class(re.compile(r"\bfailed\b"))
    save_readme_screenshot(form, artifacts_dir, pytestconfig.rootpath)

    report = type_and_check(form, folder, GOOD_REPLY)  # replaces the earlier reply in the same box
    assert report.passed and report.score == report.max_score

    expect(form.textarea).to_have_value(GOOD_REPLY)
    rows = form.feedback.locator(".outai-criterion")
    expect(rows).to_have_count(len(SCENARIO.criteria))
    expect(form.feedback.locator(".outai-criterion.failed")).to_have_count(0)
    for i in range(len(SCENARIO.criteria)):
        expect(rows.nth(i)).to_have_class(re.compile(r"\bpassed\b"))
        expect(rows.nth(i).locator(".outai-mark")).to_have_text("✓")
    score = form.feedback.locator(".outai-score")
    expect(score).to_have_attribute("data-score", str(SCENARIO.max_score))
    expect(score).to_contain_text(f"{SCENARIO.max_score} / {SCENARIO.max_score}")


def save_readme_screenshot(form: RewriteFormView, artifacts_dir: Path, repo: Path) -> None:
    """The README's picture of the form with feedback: always to artifacts/, and to
    docs/images/ when it is missing or OUTAI_UPDATE_SCREENSHOTS=1 (so runs leave git clean)."""
    # From the text box down to the end of the feedback: what a learner looks at after チェック.
    form.textarea.evaluate("box => { box.style.scrollMarginTop = '24px'; box.scrollIntoView({block: 'start'}); }")
    top, bottom = form.textarea.bounding_box(), form.feedback.bounding_box()
    left = min(top["x"], bottom["x"]) - 8
    clip = {
        "x": left,
        "y": top["y"] - 8,
        "width": max(top["x"] + top["width"], bottom["x"] + bottom["width"]) - left + 8,
        "height": bottom["y"] + bottom["height"] - top["y"] + 16,
    }
    shot = artifacts_dir / README_SCREENSHOT.name
    form.page.screenshot(path=str(shot), clip=clip, animations="disabled", caret="hide")
    target = repo / README_SCREENSHOT
    if not target.exists() or os.environ.get("OUTAI_UPDATE_SCREENSHOTS") == "1":
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, target)


def test_answers_are_saved_and_shown_again_after_reopening(exercise):
    lab, folder, form = exercise
    bad = type_and_check(form, folder, BAD_REPLY)
    good = type_and_check(form, folder, GOOD_REPLY)

    answers_json = folder / "answers.json"
    entry = wait_for_saved(answers_json, lambda e: e["text"] == GOOD_REPLY and len(check_events(e)) >= 2)
    assert check_events(entry)[-2:] == [(BAD_REPLY, bad.score), (GOOD_REPLY, good.score)]
    assert all(a["time"] for a in entry["attempts"])

    # Come back later: a new kernel, the page reloaded, the notebook run again.
    lab.server.shutdown_kernels()
    lab.reload()
    lab.run_all()
    reopened = lab.form()
    expect(reopened.textarea).to_have_value(GOOD_REPLY)
    expect(reopened.status).to_contain_text("保存済みの回答を読み込みました")
    # Reopening only reads: the file still holds exactly what was saved.
    assert json.loads(answers_json.read_text(encoding="utf-8"))["answers"][EXERCISE_ID] == entry


def test_grade_cells_pass_after_saving_without_rerunning_earlier_cells(exercise):
    lab, folder, form = exercise
    first_grade_cell = lab.code_cell("assert_criterion(")
    expect(lab.errors(first_grade_cell)).to_have_count(1)  # nothing saved yet: a ✗, and the run went on
    expect(lab.errors(first_grade_cell)).to_contain_text("✗")

    type_and_check(form, folder, GOOD_REPLY)
    counts = lab.execution_counts()
    grade_index = next(i for i in range(lab.code_cells.count())
                       if "assert_criterion(" in lab.code_cells.nth(i).locator(".jp-InputArea").inner_text())
    lab.run_from(first_grade_cell)

    after = lab.execution_counts()
    assert after[:grade_index] == counts[:grade_index], "cells above the grade cells must not run again"
    expect(lab.errors()).to_have_count(0)
    grade_cells = lab.code_cells.filter(has=lab.page.locator(".jp-InputArea", has_text="assert_criterion("))
    graded = [c.id for c in SCENARIO.criteria]
    expect(grade_cells).to_have_count(len(graded))
    for i in range(len(graded)):
        expect(grade_cells.nth(i).locator(".jp-OutputArea-output")).to_contain_text("✓")
    expect(form.textarea).to_have_value(GOOD_REPLY)  # the form was not rebuilt


def test_markup_in_a_reply_is_shown_as_text_and_never_runs(exercise):
    lab, folder, form = exercise
    markup = [
        "<img src=x onerror=alert(1)>",
        "<script>alert(2)</script>",
        '<img src=x onerror="window.__outaiInjected=1">',
        "<b onmouseover=alert(3)>太字</b>",
    ]
    reply = "大変申し訳ございません。" + " ".join(markup) + "すでに復旧いたしました。"
    type_and_check(form, folder, reply)

    text = form.feedback.locator(".outai-reply")
    for piece in markup:
        expect(text).to_contain_text(piece)
    for tag in ("img", "script", "b[onmouseover]", "[onerror]"):
        expect(form.root.locator(tag)).to_have_count(0)
    expect(form.textarea).to_have_value(reply)

    # A broken image's error event would have fired by the time one loaded after it fails.
    lab.page.evaluate("""() => new Promise(done => {
        const probe = new Image(); probe.onerror = probe.onload = done; probe.src = 'x?probe';
    })""")
    assert lab.page.evaluate("window.__outaiInjected") is None
    assert lab.dialogs == []
    # The learner's text is stored as typed, not escaped.
    wait_for_saved(folder / "answers.json", lambda e: e["text"] == reply)


def test_nbgrader_validate_button_reports_success_for_the_good_answer(exercise):
    lab, folder, form = exercise
    # Nothing saved yet: the failures read as the grade cells' Japanese ✗ lines, no Python.
    lab.panel.locator(".jp-Toolbar .validate-button").click()
    dialog = lab.page.locator(".jp-Dialog", has_text="Validation Results")
    expect(dialog.locator(".validation-failed")).to_contain_text("✗", timeout=KERNEL_TIMEOUT)
    expect(dialog.locator(".validation-failed")).to_contain_text("回答が見つかりません")
    expect(dialog.locator(".validation-failed")).not_to_contain_text("Traceback")
    dialog.get_by_role("button", name="OK").click()
    expect(dialog).to_have_count(0)

    type_and_check(form, folder, GOOD_REPLY)

    lab.panel.locator(".jp-Toolbar .validate-button").click()
    dialog = lab.page.locator(".jp-Dialog", has_text="Validation Results")
    expect(dialog).to_be_visible(timeout=KERNEL_TIMEOUT)
    expect(dialog.locator(".validation-success")).to_contain_text(
        "Success! Your notebook passes all the tests.", timeout=UI_TIMEOUT)
    expect(dialog.locator(".validation-failed")).to_have_count(0)
    dialog.get_by_role("button", name="OK").click()
    expect(dialog).to_have_count(0)

"""A learner's path with nothing in the way, in the course's Japanese JupyterLab.

- Run All in every exercise: no traceback, every form shows, every ✗ visible at once;
- two tabs on one exercise: neither save is lost silently, both forms say so;
- reopening after a kernel restart: a hint where the form is not live, no stale verdicts;
- チェック pressed right after typing: the feedback is on the text in the box, or says it is not.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import nbformat
from playwright.sync_api import expect

from graders.checker.render import FORM_HINT, FORM_HINT_SHORT
from graders.checker.scenarios import get_scenario
from graders.learner.exercises import all_assignments, conversations_for, for_assignment, get_exercise
from graders.roleplay.dialogue import get_dialogue
from graders.learner.form import REPLACED_HERE, STALE_FEEDBACK
from labpage import KERNEL_TIMEOUT, UI_TIMEOUT, LabPage

EXERCISE_ID = "01-apology-order.q1"
RELEASE = "exercises/01-apology-order"
NOTEBOOK = "01-apology-order.ipynb"
SCENARIO = get_scenario(get_exercise(EXERCISE_ID).scenario)
# A reply of the learner's own: the lessons' model answer would fail the visible
# genuine-reply grade cell as a copy (Validate and Run All run it).
GOOD_REPLY = (
    "朝からご注文を受けられず、お店の皆様には大変なご迷惑をおかけしました。心よりお詫び申し上げます。\n"
    "注文画面は10時半に設定を戻して復旧し、いまは通常どおりご注文をお受けしています。\n"
    "原因は、昨夜のメンテナンスで設定の変更を一か所戻し忘れたことでした。\n"
    "今後は作業の終わりに別の担当者が画面を開いて確かめ、同じことが起きないようにいたします。"
)
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
FILE_TIMEOUT = 30.0  # seconds for a save to reach the disk


def wait_until(predicate, what: str, timeout: float = FILE_TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)  # polling interval for files the kernel or server writes
    raise AssertionError(f"not reached in {timeout} s: {what}")


def saved_entry(folder: Path) -> dict | None:
    try:
        return json.loads((folder / "answers.json").read_text(encoding="utf-8"))["answers"].get(EXERCISE_ID)
    except (FileNotFoundError, json.JSONDecodeError, KeyError):
        return None


def grade_cell_count(assignment: str) -> int:
    # One per criterion, and the visible genuine-reply cell of each exercise or conversation.
    rewrites = sum(len(get_scenario(e.scenario).criteria) + 1 for e in for_assignment(assignment))
    return rewrites + sum(len(get_dialogue(c.dialogue).criteria) + 1 for c in conversations_for(assignment))


def test_run_all_in_every_exercise_shows_every_form_and_each_missing_point_without_traceback(
        lab: LabPage, fresh_copy, artifacts_dir):
    for assignment in all_assignments():
        folder = fresh_copy(f"exercises/{assignment}")
        lab.open_notebook(folder / f"{assignment}.ipynb")
        if assignment == next(iter(all_assignments())):
            # The course's settings: Japanese menus, and no pop-up asking about Jupyter news.
            expect(lab.page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^ファイル$"))).to_be_visible()
            expect(lab.page.get_by_text(re.compile("Jupyter news|ニュース"))).to_have_count(0)
        lab.run_all()

        assert None not in lab.execution_counts(), f"{assignment}: Run All stopped before the end"
        expect(lab.notebook.locator(".outai-form")).to_have_count(len(for_assignment(assignment)))
        for hint in lab.notebook.locator(".outai-hint-full").all():
            expect(hint).to_be_hidden()  # every form is live
        errors = lab.errors()
        expect(errors).to_have_count(grade_cell_count(assignment))  # nothing saved yet: one ✗ per grade cell
        for text in errors.all_text_contents():
            assert text.startswith("✗") and "→" in text, text
            assert not re.search(r"Traceback|File \"|\.py|assert_criterion|Error", text), text
        if assignment == "06-mixed":
            lab.page.screenshot(path=str(artifacts_dir / "run-all-06-mixed.png"), full_page=True)
        lab.server.shutdown_kernels()
    assert lab.dialogs == []


def test_two_tabs_on_one_exercise_keep_both_replies_and_both_say_so(lab: LabPage, fresh_copy):
    folder = fresh_copy(RELEASE)
    lab.open_notebook(folder / NOTEBOOK)
    lab.run_all()
    first = lab.form()

    other_page = lab.page.context.new_page()
    second_tab = LabPage(other_page, lab.server, workspace=f"{lab.workspace}-b", dialogs=lab.dialogs)
    try:
        second_tab.open_notebook(folder / NOTEBOOK)  # the same notebook, the same kernel
        second_tab.run_all()
        second = second_tab.form()

        longer = GOOD_REPLY
        first.type_reply(longer)
        wait_until(lambda: (saved_entry(folder) or {}).get("text") == longer, "tab A's reply saved")
        expect(first.status).to_contain_text("保存しました")

        shorter = "申し訳ございません。"
        second.type_reply(shorter)
        entry = wait_until(lambda: (e := saved_entry(folder)) and e["text"] == shorter and e, "tab B's reply saved")
        assert [a["text"] for a in entry["attempts"] if a["event"] == "overwritten"] == [longer]
        expect(second.root.locator(".outai-notices")).to_contain_text("置き換えました", timeout=UI_TIMEOUT)
        expect(first.root.locator(".outai-notices")).to_contain_text(REPLACED_HERE[:20], timeout=UI_TIMEOUT)
        expect(first.status).not_to_contain_text("保存しました")
        expect(first.textarea).to_have_value(longer)
    finally:
        other_page.close(run_before_unload=False)
    assert lab.dialogs == []


def test_reopening_after_a_restart_shows_a_hint_and_no_stale_grades(lab: LabPage, fresh_copy, artifacts_dir):
    folder = fresh_copy(RELEASE)
    path = folder / NOTEBOOK
    lab.open_notebook(path)
    lab.run_all()
    form = lab.form()
    form.type_reply(GOOD_REPLY)
    wait_until(lambda: (saved_entry(folder) or {}).get("text") == GOOD_REPLY, "the reply saved")
    lab.run_from(lab.code_cell("assert_criterion("))
    expect(lab.errors()).to_have_count(0)

    # Save: the file keeps the form's hint, not its dead view, and no verdicts.
    lab.code_cells.first.locator(".jp-InputPrompt").click()
    lab.page.keyboard.press("ControlOrMeta+s")

    def saved_clean():
        nb = nbformat.read(path, as_version=4)
        form_cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "q1-form")
        graded = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
        return (form_cell.outputs and all(WIDGET_VIEW not in o.get("data", {}) for o in form_cell.outputs)
                and all(not c.outputs for c in graded))
    wait_until(saved_clean, "the notebook saved without widget views or grade outputs")

    # A kernel restart.
    session = next(s for s in lab.server.api("GET", "/api/sessions") if s["path"].endswith(NOTEBOOK))
    lab.server.api("POST", f"/api/kernels/{session['kernel']['id']}/restart")
    # JupyterLab keeps showing the old form, which no longer reaches a kernel: the line
    # above it says to run the cell first.
    lab.wait_kernel_idle()
    form_cell = lab.code_cell("RewriteForm(")
    expect(form_cell.locator(".outai-hint-short")).to_be_visible()
    expect(form_cell.locator(".outai-hint-short")).to_have_text(FORM_HINT_SHORT)
    form_cell.screenshot(path=str(artifacts_dir / "form-after-restart.png"))

    # Reopen: the hint again, never "model not found", and no ✓ from the earlier answer.
    lab.server.shutdown_kernels()
    lab.reload()
    hint = lab.code_cell("RewriteForm(").locator(".outai-hint-full")
    expect(hint).to_be_visible(timeout=UI_TIMEOUT)
    expect(hint).to_contain_text(FORM_HINT)
    lab.code_cell("RewriteForm(").screenshot(path=str(artifacts_dir / "form-after-reopening.png"))
    expect(lab.notebook).not_to_contain_text("model not found")
    expect(lab.notebook.locator(".jp-OutputArea-output", has_text="✓")).to_have_count(0)

    lab.run_all()
    again = lab.form()
    expect(again.textarea).to_have_value(GOOD_REPLY)
    expect(lab.code_cell("RewriteForm(").locator(".outai-hint-full")).to_be_hidden()
    expect(lab.errors()).to_have_count(0)


def test_check_pressed_right_after_typing_grades_the_text_in_the_box_or_says_it_did_not(lab: LabPage, fresh_copy):
    folder = fresh_copy(RELEASE)
    lab.open_notebook(folder / NOTEBOOK)
    lab.run_all()
    form = lab.form()
    stale = form.feedback.locator(".outai-notice", has_text=STALE_FEEDBACK)
    for n in range(5):
        marker = f"{n + 1}回目。"  # each text starts apart, so an earlier attempt's feedback never matches
        text = f"{marker}{GOOD_REPLY}よろしくお願いいたします{'。' * (n + 1)}"
        form.type_reply(text)
        form.button.click()  # no pause: the click can overtake the last keystrokes

        def graded_text() -> str:
            reply = form.feedback.locator(".outai-reply")
            if reply.count() == 0:
                return ""
            return reply.evaluate(
                "r => { const c = r.cloneNode(true); c.querySelectorAll('.outai-step-no').forEach(n => n.remove());"
                " return c.textContent; }")

        def settled() -> bool:
            shown = graded_text()
            return shown.startswith(marker) and (shown == text or stale.count() > 0)
        wait_until(settled, f"attempt {n}: feedback on the text in the box, or the out-of-date notice",
                   timeout=UI_TIMEOUT / 1000)
        lab.wait_kernel_idle()
        assert settled(), f"attempt {n}: graded {graded_text()!r}, the box holds {text!r}, no notice"
        if stale.count() == 0:
            entry = wait_until(lambda: (e := saved_entry(folder)) and e["text"] == text and e, f"attempt {n} saved")
            checks = [a for a in entry["attempts"] if a["event"] == "check"]
            assert checks[-1]["text"] == text
    assert lab.dialogs == []

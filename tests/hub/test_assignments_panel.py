"""A learner logs in to the hub in Chromium and opens nbgrader's Assignments panel (after the round).

Debian's /usr/bin/chromium through Playwright, as in tests/browser (`make test` installs it).
"""

from __future__ import annotations

import importlib.util
import re

import pytest
from playwright.sync_api import expect

from classround import ASSIGNMENT, ROLES

pytestmark = pytest.mark.browser

UI_TIMEOUT = 120_000  # ms: an upper bound for JupyterLab loading on a busy 2-core machine


@pytest.fixture
def page(pytestconfig, browser):
    artifacts = pytestconfig.rootpath / "artifacts" / "hub"
    artifacts.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        yield page
    finally:
        page.screenshot(path=str(artifacts / "assignments-panel.png"))
        context.close()


def test_a_learner_sees_her_assignment_submitted_with_feedback(class_round, classroom, page):
    learner = ROLES["form"]
    page.goto(f"{classroom.url}/hub/login")
    page.locator("#username_input").fill(learner)
    page.locator("#password_input").fill(classroom.spec["password"])
    page.locator("#login_submit").click()
    # The hub sends her to her own JupyterLab.
    page.wait_for_url(re.compile(rf"/user/{learner}/lab"), timeout=UI_TIMEOUT)
    expect(page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader")).to_be_visible(timeout=UI_TIMEOUT)
    if importlib.util.find_spec("jupyterlab_language_pack_ja_JP") is not None:
        # Her JupyterLab is in Japanese (nbgrader's own panel has no Japanese strings).
        expect(page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^ファイル$"))).to_be_visible()

    # Her home holds the fetched assignment (the file browser lists the server's root).
    expect(page.locator(".jp-DirListing-item", has_text=ASSIGNMENT)).to_be_visible(timeout=UI_TIMEOUT)

    page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").click()
    page.locator(".lm-Menu-content .lm-Menu-item", has_text="Assignment List").click()

    submitted = page.locator("#submitted_assignments_list")
    expect(submitted).to_contain_text(ASSIGNMENT, timeout=UI_TIMEOUT)
    expect(page.locator("#fetched_assignments_list")).to_contain_text(ASSIGNMENT)
    # Nothing is left to fetch: her assignment is already in her home.
    expect(page.locator("#released_assignments_list")).not_to_contain_text(ASSIGNMENT)
    # The instructor's tools are not in a learner's JupyterLab.
    expect(page.locator(".lm-TabBar-tab", has_text="Create Assignment")).to_have_count(0)

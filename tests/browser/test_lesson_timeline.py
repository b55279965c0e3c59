"""A learner opens lesson 01 in JupyterLab and sees the act timeline of the bad and the good reply."""

from __future__ import annotations

from playwright.sync_api import expect

from graders.checker.check import check
from graders.checker.scenarios import get_scenario
from labpage import LabPage

LESSON = "01-apology-order.ipynb"
SCENARIO = get_scenario("outage-apology")


def timeline_kinds(lab: LabPage, cell_source: str) -> list[str]:
    """The act kinds, in order, of the timeline shown under the cell whose source contains ``cell_source``."""
    steps = lab.code_cell(cell_source).locator(".jp-OutputArea-output .outai-timeline .outai-act")
    expect(steps.first).to_be_visible()
    return [steps.nth(i).get_attribute("data-kind") for i in range(steps.count())]


def test_lesson_renders_the_act_timeline_of_the_bad_and_the_good_reply(lab: LabPage, fresh_copy):
    course = fresh_copy("course")
    lab.open_notebook(course / LESSON)
    lab.run_all()
    expect(lab.errors()).to_have_count(0)

    bad = timeline_kinds(lab, "structure_html(bad)")
    good = timeline_kinds(lab, "structure_html(good)")
    # The page shows exactly what the checker finds...
    assert bad == [a.kind for a in check(SCENARIO.bad_reply, SCENARIO.id).acts]
    assert good == [a.kind for a in check(SCENARIO.model_answer, SCENARIO.id).acts]
    # ...and what the lesson is about: the bad reply opens with the cause and apologises
    # last; the good one apologises first and follows 謝罪 → 対処 → 原因 → 再発防止.
    assert bad[0] == "cause" and bad[-1] == "apology"
    assert good[0] == "apology"
    firsts = [good.index(kind) for kind in ("apology", "remedy", "cause", "prevention")]
    assert firsts == sorted(firsts)

    # The acts are also marked in each reply's text, with the timeline's colours.
    for source in ("structure_html(bad)", "structure_html(good)"):
        marks = lab.code_cell(source).locator(".outai-reply mark.outai-span")
        expect(marks.first).to_be_visible()
    assert lab.dialogs == []

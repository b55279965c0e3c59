"""HTML views: learner text always escaped, acts shown in order, stable classes for browser tests."""

from dataclasses import replace
from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graders import check
from graders.checker.acts import Act
from graders.checker.render import (
    criteria_html,
    highlight,
    legend_html,
    notice_html,
    position_bar_html,
    report_html,
    scenario_html,
    status_html,
    structure_html,
    timeline_html,
)
from graders.checker.acts import ACT_NAMES
from graders.checker.scenarios import get_scenario

PAYLOADS = ["<img src=x onerror=alert(1)>", "<script>alert('x')</script>", '"><b onmouseover="x">', "&amp; &lt;"]
OWN_TAGS = {"div", "span", "mark", "sup", "ul", "li", "b"}


class Page(HTMLParser):
    """Every element with its attributes and its own text, and the visible text."""

    def __init__(self, html: str, skip_classes: tuple[str, ...] = ()):
        super().__init__(convert_charrefs=True)
        self.elements: list[dict] = []
        self.stack: list[dict] = []
        self.visible: list[str] = []
        self.skip_classes = skip_classes
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, "attrs": dict(attrs), "text": ""}
        element["classes"] = (element["attrs"].get("class") or "").split()
        self.elements.append(element)
        self.stack.append(element)

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()["tag"] == tag:
                break

    def handle_data(self, data):
        for element in self.stack:
            element["text"] += data
        if not any(set(e["classes"]) & set(self.skip_classes) for e in self.stack):
            self.visible.append(data)

    def having(self, *classes: str) -> list[dict]:
        return [e for e in self.elements if set(classes) <= set(e["classes"])]

    @property
    def tags(self) -> set[str]:
        return {e["tag"] for e in self.elements}


def act(kind: str, text: str, start: int, end: int) -> Act:
    return Act(kind, start, end, text[start:end], f"test.{kind}", 0)


@pytest.fixture(scope="module")
def outage():
    return get_scenario("outage-apology")


@pytest.fixture(scope="module")
def good_report(outage):
    return check(outage.model_answer, outage)


@pytest.fixture(scope="module")
def bad_report(outage):
    return check(outage.bad_reply, outage)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_highlight_shows_markup_in_the_reply_as_text(payload):
    text = f"大変申し訳ございません。{payload}すでに復旧いたしました。"
    start = text.index("申し訳")
    html = highlight(text, [act("apology", text, start, start + len("申し訳ございません"))])
    page = Page(html, skip_classes=("outai-step-no",))
    assert page.tags <= OWN_TAGS
    assert "".join(page.visible) == text
    assert payload not in html


def test_report_of_a_reply_with_markup_has_only_its_own_tags(outage):
    text = "大変申し訳ございません。<img src=x onerror=alert(1)> <script>alert(1)</script> 原因は設定の誤りでした。"
    report = check(text, outage)
    html = report_html(report)
    assert "<img" not in html and "<script" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert Page(html).tags <= OWN_TAGS


_KINDS = st.sampled_from(sorted(ACT_NAMES))


@st.composite
def text_and_acts(draw):
    text = draw(st.text(alphabet="謝罪原因あいう。、\n <>&\"'x", min_size=1, max_size=40))
    spans = draw(st.lists(st.tuples(st.integers(0, len(text)), st.integers(0, len(text)), _KINDS), max_size=6))
    acts = [act(kind, text, min(a, b), max(a, b)) for a, b, kind in spans if a != b]
    return text, sorted(acts, key=lambda a: a.start)


@given(text_and_acts())
def test_highlight_keeps_the_whole_text_and_marks_only_act_spans(case):
    text, acts = case
    page = Page(highlight(text, acts), skip_classes=("outai-step-no",))
    assert page.tags <= OWN_TAGS
    assert "".join(page.visible) == text
    for mark in page.having("outai-span"):
        kind = mark["attrs"]["data-kind"]
        assert f"outai-{kind}" in mark["classes"]
        assert any(a.kind == kind and mark["text"] in a.text for a in acts)


def test_timeline_lists_every_act_in_reply_order(good_report):
    page = Page(timeline_html(good_report.acts))
    chips = page.having("outai-act")
    assert [c["attrs"]["data-kind"] for c in chips] == [a.kind for a in good_report.acts]
    assert [c["attrs"]["data-step"] for c in chips] == [str(i) for i in range(1, len(good_report.acts) + 1)]
    for chip, a in zip(chips, good_report.acts):
        assert f"outai-{a.kind}" in chip["classes"]
        assert ACT_NAMES[a.kind] in chip["text"]
    assert len(page.having("outai-timeline")) == 1


def test_a_reason_question_is_marked_with_a_question_mark():
    text = "理由を伺ってもよろしいでしょうか。"
    page = Page(timeline_html([act("reason_question", text, 0, len(text))]))
    (chip,) = page.having("outai-act", "outai-reason_question")
    assert "？" in chip["text"]


def test_timeline_escapes_the_act_text():
    text = "<script>alert(1)</script>申し訳ございません"
    html = timeline_html([act("apology", text, 0, len(text))])
    assert "<script>" not in html
    assert Page(html).tags <= OWN_TAGS


def test_no_acts_gives_an_empty_timeline_with_a_message():
    page = Page(timeline_html([]))
    (timeline,) = page.having("outai-timeline")
    assert "見つかりませんでした" in timeline["text"]
    assert not page.having("outai-act")
    assert position_bar_html([], 10) == "" and legend_html([]) == ""


def test_position_bar_draws_each_act_where_it_lies(good_report):
    page = Page(position_bar_html(good_report.acts, len(good_report.text)))
    segments = page.having("outai-bar-segment")
    assert [s["attrs"]["data-kind"] for s in segments] == [a.kind for a in good_report.acts]
    lefts = [float(s["attrs"]["style"].split("left:")[1].split("%")[0]) for s in segments]
    assert lefts == sorted(lefts) and 0 <= lefts[0] and lefts[-1] < 100


def test_legend_names_exactly_the_kinds_present():
    page = Page(legend_html(["cause", "apology", "apology", "reason_question"]))
    items = page.having("outai-legend-item")
    assert [i["attrs"]["data-kind"] for i in items] == ["apology", "cause", "reason_question"]
    assert all(ACT_NAMES[i["attrs"]["data-kind"]] in i["text"] for i in items)


def test_a_kind_added_later_still_renders():
    text = "新しい種類の発話"
    html = report_html(replace(check("大変申し訳ございません。"), acts=(act("brand_new_kind", text, 0, 3),), text=text))
    assert 'data-kind="brand_new_kind"' in html


@pytest.mark.parametrize("which", ["good_report", "bad_report"])
def test_criteria_rows_match_the_report(which, request):
    report = request.getfixturevalue(which)
    page = Page(criteria_html(report))
    rows = page.having("outai-criterion")
    assert [r["attrs"]["data-criterion"] for r in rows] == [c.id for c in report.criteria]
    for row, c in zip(rows, report.criteria):
        assert ("passed" if c.passed else "failed") in row["classes"]
        assert ("✓" if c.passed else "✗") in row["text"]
        assert c.message in row["text"]
        assert f"{c.points} / {c.max_points}" in row["text"]


def test_report_shows_score_next_step_timeline_and_reply(good_report, bad_report):
    assert good_report.passed and not bad_report.passed
    for report in (good_report, bad_report):
        page = Page(report_html(report), skip_classes=("outai-step-no",))
        (score,) = page.having("outai-score")
        assert score["attrs"]["data-score"] == str(report.score)
        assert score["attrs"]["data-max-score"] == str(report.max_score)
        assert f"{report.score} / {report.max_score}" in score["text"]
        (next_step,) = page.having("outai-next")
        assert "次にすること" in next_step["text"] and report.next_step in next_step["text"]
        (reply,) = page.having("outai-reply")
        marks = "".join(e["text"] for e in page.having("outai-step-no"))
        assert len(reply["text"]) == len(report.text) + len(marks)
        assert len(page.having("outai-timeline")) == 1
        assert len(page.having("outai-act")) == len(report.acts)
        assert len(page.having("outai-span")) <= len(report.acts)
    assert Page(report_html(good_report)).having("outai-criterion", "failed") == []
    assert Page(report_html(bad_report)).having("outai-criterion", "failed")


def test_structure_view_has_no_grading(good_report):
    page = Page(structure_html(good_report))
    assert page.having("outai-timeline") and page.having("outai-reply")
    assert not page.having("outai-score") and not page.having("outai-criterion")


def test_scenario_view_shows_and_escapes_every_part(outage):
    odd = replace(outage, title="題<b>", situation="状況<i>", customer="客<script>", bad_reply="返信<img src=x>")
    html = scenario_html(odd, "01-apology-order.q1")
    page = Page(html)
    (card,) = page.having("outai-scenario")
    for part in ("題<b>", "状況<i>", "客<script>", "返信<img src=x>", "01-apology-order.q1"):
        assert part in card["text"]
    assert page.tags <= OWN_TAGS
    assert page.having("outai-customer") and page.having("outai-bad-reply")


def test_scenario_view_leaves_out_missing_parts(outage):
    page = Page(scenario_html(replace(outage, customer="")))
    assert not page.having("outai-customer") and page.having("outai-bad-reply")


@pytest.mark.parametrize("render", [notice_html, status_html])
def test_messages_are_escaped_and_carry_their_level(render):
    page = Page(render("保存できません <img src=x onerror=alert(1)>", "error"))
    assert page.tags <= OWN_TAGS
    (box,) = [e for e in page.elements if "outai-error" in e["classes"]]
    assert "<img src=x onerror=alert(1)>" in box["text"]

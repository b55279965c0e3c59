"""graders/checker/acts.py: how overlapping acts of different kinds are resolved.

An act found inside an act of another kind may be part of it (a reason given to contradict
the customer is the denial; a company action offered on the customer's wish is the offer,
tests/data/realistic/README.md), or a clause of its own (what we already do, given as the
reason for an offer that follows)."""

from __future__ import annotations

import pytest

from graders.checker.acts import find_acts
from graders.checker.analysis import analyse
from graders.checker.scenarios import all_scenarios


def kinds(text: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for act in find_acts(analyse(text), all_scenarios()["generic"]):
        found.setdefault(act.kind, []).append(act.text)
    return found


@pytest.mark.parametrize(
    "text",
    [
        "ご希望でしたら、すぐに交換品をお送りいたします。",
        "お困りでしたら、近くのホテルを弊社でご用意いたします。",
    ],
)
def test_an_action_offered_on_the_customers_wish_is_the_offer_not_a_remedy(text):
    found = kinds(text)
    assert "alternative" in found and "remedy" not in found


@pytest.mark.parametrize(
    "text,remedy",
    [
        ("窓口を一つ増やして対応しておりますので、よろしければそちらもご利用ください。", "対応しております"),
        ("代わりの部屋をご用意しておりますので、よろしければそちらをお使いください。", "ご用意しております"),
    ],
)
def test_a_remedy_given_as_the_reason_for_an_offer_is_kept_with_the_offer(text, remedy):
    found = kinds(text)
    assert "alternative" in found
    assert any(remedy in r for r in found.get("remedy", []))


def test_a_remedy_named_as_reason_inside_one_wide_offer_is_kept():
    # One offer rule may read the whole sentence; what we already do before ので stays a remedy.
    from graders.checker.acts import Act, _without_subsumed

    text = "台数を増やして対応しておりますので、よろしければそちらもお使いください"
    offer = Act("alternative", 0, len(text), text, "alternative.test", 0)
    start = text.index("対応しております")
    remedy = Act("remedy", start, start + len("対応しております"), "対応しております", "remedy.test", 0)
    assert _without_subsumed([offer, remedy]) == [offer, remedy]
    inside = text.index("お使いください")
    late = Act("remedy", inside, inside + 7, "お使いください", "remedy.test", 0)
    assert _without_subsumed([offer, late]) == [offer]


@pytest.mark.parametrize(
    "text",
    [
        "控えの用紙を毎回保管しておりますので、先月の分でしたら再発行できます。",
        "二階の会議室は別の予約枠なので、そちらでしたらすぐにお使いいただけます。",
    ],
)
def test_a_reason_that_grounds_the_offer_right_after_it_is_not_an_explanation(text):
    found = kinds(text)
    assert "alternative" in found and "cause" not in found, found


def test_a_trouble_before_an_offer_stays_an_explanation():
    found = kinds("窓口が朝は大変混み合っておりますので、午後でしたらすぐにご案内できます。")
    assert "alternative" in found and "cause" in found, found


@pytest.mark.parametrize(
    "text",
    [
        "普段はどちらでお使いになりますか。お使いの場面を伺えれば、合う型をお探しします。",
        "どのくらいの量を印刷されていますか。ご利用の状況をお聞かせいただければ、プランを見直します。",
    ],
)
def test_a_conditional_request_after_a_question_is_its_follow_up(text):
    # round eighteen: the request to tell put as a condition repeats the question before it
    assert len(kinds(text).get("reason_question", [])) == 1


def test_a_conditional_request_alone_is_the_question():
    found = kinds("大変失礼いたしました。お使いの場面を伺えれば、合う型をお探しします。")
    assert found.get("reason_question") == ["場面を伺えれば"]

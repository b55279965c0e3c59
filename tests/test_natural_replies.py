"""Issue 8: replies written the way people really write, judged as a trainer would.

Explanations (why it happened, or why the request cannot be met), remedies (what the
company does, did or will do), excuses, the advice a learner gets, and the letter's
apology_first. checker-acts keeps the questions, offers and denials in their own file.
"""

import dataclasses

import pytest

from graders import check
from graders.checker.scenarios import get_scenario

EXPLANATION = ("cause", "excuse")


def _acts(text, scenario="generic"):
    return [(a.kind, a.text) for a in check(text, scenario).acts]


def _kinds(text, scenario="generic"):
    return {kind for kind, _ in _acts(text, scenario)}


def _passed(text, scenario="generic"):
    return {c.id: c.passed for c in check(text, scenario).criteria}


# ---------------------------------------------------------------- explanations

# (reply, a piece of the explanation the checker must find)
EXPLAINED = [
    ("申し訳ございません。こちらの商品はメーカーの生産終了に伴い、在庫がなくなっております。", "生産終了に伴い"),
    ("大変失礼いたしました。配送業者の手違いで、別のお宅に届いてしまったようです。", "手違いで"),
    ("ご迷惑をおかけしております。台風の影響で、物流センターからの出荷が止まっている状況です。", "台風の影響で"),
    ("すみません、電車が遅延しておりまして、到着が10分ほど遅れます。", "遅延しておりまして"),
    ("申し訳ございません。調べましたところ、倉庫での梱包の際に部品が一つ入っていなかったことが分かりました。", "ことが分かりました"),
    ("申し訳ございません。点検の結果、設定値に誤りがあったことが判明いたしました。", "判明いたしました"),
    ("申し訳ございません。あいにく本日は貸切のご予約が入っておりまして、お席のご用意ができません。", "入っておりまして"),
    ("申し訳ございません。お届け先の番地が抜けていたため、荷物が営業所に戻っております。", "抜けていたため"),
    ("申し訳ございません。当店の規定で、開封後の返品はお受けしておりません。", "規定で"),
]


@pytest.mark.parametrize("text,piece", EXPLAINED)
def test_an_explanation_is_found_after_the_apology(text, piece):
    explanations = [t for kind, t in _acts(text) if kind in EXPLANATION]
    assert any(piece in t or t in piece for t in explanations), f"{piece} not found: {_acts(text)}"
    assert _passed(text)["apology_before_explanation"]


@pytest.mark.parametrize(
    "text",
    [
        "申し訳ございません。本日午前、システム障害が発生いたしました。",  # what happened, not why
        "申し訳ございません。原因は現在調査しております。",  # investigating is no explanation
        "申し訳ございません。弊社の不手際で、ご迷惑をおかけしました。",  # an admission without a cause
        "念のため、ご注文番号を確認いたします。",  # a purpose, not a reason
        "交換品を本日お送りしますので、ご確認ください。",  # our action, not a reason
    ],
)
def test_no_explanation_where_none_is_given(text):
    assert not _kinds(text) & set(EXPLANATION), _acts(text)


def test_an_explanation_before_the_apology_fails_the_order():
    passed = _passed("台風の影響で、出荷が止まっている状況です。大変申し訳ございません。")
    assert passed["apology_before_explanation"] is False


# ---------------------------------------------------------------- remedies

@pytest.mark.parametrize(
    "text,piece",
    [
        ("現在、担当者が復旧作業にあたっており、午後3時ごろには再開できる見込みです。", "復旧作業にあたっており"),
        ("現在、担当者が復旧作業にあたっており、午後3時ごろには再開できる見込みです。", "再開できる見込み"),
        ("差額は来月のご請求から差し引かせていただきます。", "差し引かせていただきます"),
        ("本日、返金の手続きを完了いたしました。", "手続きを完了いたしました"),
        ("窓口ですぐに新しい通帳にお繰り越しいたします。", "お繰り越しいたします"),
    ],
)
def test_a_remedy_is_found(text, piece):
    remedies = [t for kind, t in _acts(text) if kind == "remedy"]
    assert any(piece in t or t in piece for t in remedies), f"{piece} not found: {_acts(text)}"


@pytest.mark.parametrize(
    "text",
    [
        "今後は出荷前の確認を徹底いたします。",  # prevention
        "原因を調査しております。",  # investigation alone
        "店頭でのお受け取りでしたら、本日中にご用意できます。",  # a conditional offer
        "ご希望でしたらお送りいたしますが、いかがなさいますか。",  # an offer
        "ご迷惑をおかけし、お詫び申し上げます。",  # an apology
    ],
)
def test_no_remedy_where_none_is_promised(text):
    assert "remedy" not in _kinds(text), _acts(text)


def test_remedy_before_cause_orders_the_remedy_against_the_explanation():
    good = "申し訳ございません。交換品は本日中にお送りいたします。配送業者の手違いで、別のお宅に届いてしまったようです。"
    bad = "申し訳ございません。配送業者の手違いで、別のお宅に届いてしまったようです。交換品は本日中にお送りいたします。"
    assert _passed(good)["remedy_before_cause"] is True
    assert _passed(bad)["remedy_before_cause"] is False


# ---------------------------------------------------------------- excuses

def test_the_companys_circumstances_are_an_excuse():
    text = "このたびは誠に申し訳ございません。担当者が一人で夜遅くまで対応していたため、どうしても確認が手薄になってしまいました。"
    assert _passed(text, "complaint-letter")["no_excuse"] is False


def test_staff_doing_the_work_is_no_excuse():
    text = "このたびは誠に申し訳ございません。担当者が一人ひとりのご注文を確認いたします。"
    assert _passed(text, "complaint-letter")["no_excuse"] is True


# ---------------------------------------------------------------- advice

def test_parts_out_of_order_are_to_be_moved_not_added():
    report = check("設定ミスで止まってました。今は直ってます。すみませんでした。", "generic")
    order = report.criterion("apology_before_explanation")
    assert not order.passed
    assert "移" in order.message and "書き足す必要はありません" in order.message
    assert "例:" not in order.message  # nothing to add, so no example of what to add
    assert report.next_step == order.message
    remedy = report.criterion("remedy_before_cause")
    assert not remedy.passed and "移" in remedy.message


def test_examples_in_advice_come_from_the_scenario():
    apology_only = "大変申し訳ございません。"
    generic = check(apology_only, "generic").criterion("apology_before_explanation").message
    assert "設定の誤り" not in generic  # an outage's cause fits no other scenario
    own = dataclasses.replace(get_scenario("generic"), cause_example="配送業者の手違いで、お届けが遅れてしまいました")
    message = check(apology_only, own).criterion("apology_before_explanation").message
    assert "配送業者の手違いで、お届けが遅れてしまいました" in message
    own = dataclasses.replace(get_scenario("generic"), remedy_example="本日中に代わりの品をお送りいたします")
    message = check("台風の影響で出荷が止まっております。", own).criterion("remedy_before_cause").message
    assert "本日中に代わりの品をお送りいたします" in message


# ---------------------------------------------------------------- the letter

LETTER = (
    "このたびは貴重なご意見をいただき、誠にありがとうございました。"
    "お約束の日に資料をお届けできず、大変申し訳ございませんでした。"
    "資料は今週金曜日までに、私が御社へお持ちいたします。"
)


def test_complaint_letter_grades_apology_first_not_an_explanation():
    ids = [c.id for c in get_scenario("complaint-letter").criteria]
    assert "apology_first" in ids and "apology_before_explanation" not in ids
    report = check(LETTER, "complaint-letter")
    assert report.score == report.max_score, report


def _apology_first(text):
    scenario = dataclasses.replace(get_scenario("generic"), criteria=(dataclasses.replace(get_scenario("generic").criteria[0], id="apology_first"),))
    return check(text, scenario).criteria[0]


def test_apology_first_needs_an_apology_and_nothing_explaining_before_it():
    assert _apology_first("大変申し訳ございません。今後は確認を徹底いたします。").passed
    assert not _apology_first("今後は確認を徹底いたします。").passed
    late = _apology_first("新人でして、不慣れなもので。大変申し訳ございません。")
    assert not late.passed and "冒頭" in late.message
    assert not _apology_first("台風の影響で出荷が止まっております。申し訳ございません。").passed

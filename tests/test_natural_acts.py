"""Issue 8, the acts checker-acts owns: questions about the customer's situation, denials,
generic alternatives, company rules read by meaning, and examples that fit the scenario.

The sentences are the issue's cases in this repository's own words (and the issue's own
lines where they are quoted as the behaviour to keep)."""

import pytest

from graders import check
from graders.checker.scenarios import get_scenario


def _passed(text: str, scenario: str = "generic") -> dict[str, bool]:
    return {c.id: c.passed for c in check(text, scenario).criteria}


# (text, criterion, expected) in the generic scenario.
GENERIC = [
    # questions about the customer's situation, also in request form and without ？
    ("差し支えなければ、どういった場面でお使いになる予定か教えていただけますか。", "asks_reason", True),
    ("いつ頃までにお手元にあればよろしいでしょうか。", "asks_reason", True),
    ("よろしければ、どのような集まりでお使いになるのかお聞かせいただけますか", "asks_reason", True),
    ("このあと外出のご予定はございますか", "asks_reason", True),
    ("普段はどのくらいの頻度でご利用でしょうか？", "asks_reason", True),
    ("お困りになった場面を詳しくお聞かせいただけますと幸いです。", "asks_reason", True),
    ("何日までに必要か、教えてもらえますか", "asks_reason", True),
    # identifiers, requests to act, our offers and reproaches are not reason questions
    ("ご注文番号を教えていただけますか。", "asks_reason", False),
    ("お名前とご連絡先を伺ってもよろしいでしょうか。", "asks_reason", False),
    ("理由はお聞きしませんが、ご了承ください。", "asks_reason", False),
    ("ご事情はお察しします。", "asks_reason", False),
    ("お手数ですが、写真を送っていただけますか？", "asks_reason", False),
    ("新しい品を本日お送りいたしましょうか。", "asks_reason", False),
    ("ホームページに載っていたはずですが、ご覧になっていませんか？", "asks_reason", False),
    # contradicting, dismissing or blaming the customer
    ("いいえ、弊社の製品に限ってそういうことは起こりません。", "no_denial", False),
    ("それは思い違いをなさっているのではないかと存じます。", "no_denial", False),
    ("お客様の使い方に問題があったのではないでしょうか。", "no_denial", False),
    ("ホームページに載っていたはずですが、ご覧になっていませんか？", "no_denial", False),
    ("それはお客様の確認不足だと思います", "no_denial", False),
    ("お客様が期限を過ぎてからご連絡くださったので、お受けできません。", "no_denial", False),
    ("いえ、お客様、それは違います。", "no_denial", False),
    ("だって契約書に書いてあるじゃないですか", "no_denial", False),
    ("何かのお勘違いではないでしょうか。", "no_denial", False),
    # accepting first, refusing politely or owning the mistake
    ("おっしゃるとおりです。そのうえで、期限についてご案内いたします。", "no_denial", True),
    ("いえいえ、とんでもないです。", "no_denial", True),
    ("私の勘違いでご迷惑をおかけしました。", "no_denial", True),
    ("いいえ、期間を過ぎたご返金はいたしかねます。", "no_denial", True),
    ("お客様のせいではございませんので、ご安心ください。", "no_denial", True),
    ("お客様のご判断は間違っていません。", "no_denial", True),
    # conditional and suggested options
    ("代わりに、店頭でのお受け取りでしたら本日中にご用意できます。", "proposes_alternative", True),
    ("明日の午前中の便はいかがでしょうか。", "proposes_alternative", True),
    ("営業所でお受け取りいただくという方法もございます。", "proposes_alternative", True),
    ("ご来店が難しいようでしたら、着払いでご自宅にお送りすることもできます。", "proposes_alternative", True),
    ("お急ぎでしたら、ポイントでの即時返金にも切り替えられます。", "proposes_alternative", True),
    ("月払いのプランもございます。", "proposes_alternative", True),
    ("本日の発送はできかねます。", "proposes_alternative", False),
]


@pytest.mark.parametrize("text,criterion,expected", GENERIC)
def test_the_issues_cases_are_judged_as_described(text, criterion, expected):
    assert _passed(text)[criterion] is expected, check(text)


# Constructions rather than phrases (round two): each line is a construction the rules name in
# general terms, in wording the rules' own examples do not use; the near misses stay clear.
CONSTRUCTIONS = [
    # dismissal: their complaint is normal, small or their own over-reaction
    ("雨の日に少し濡れてしまうのは普通のことです。", "no_denial", False),
    ("それは少し神経質になりすぎではないでしょうか。", "no_denial", False),
    ("その程度のへこみでしたら使用上は問題ございません。", "no_denial", False),
    # "we told you": reminders, tag questions, のに, an asked negative
    ("以前にもメールでご案内させていただいております。", "no_denial", False),
    ("ご契約の際に、確かに申し上げましたよね。", "no_denial", False),
    ("パンフレットに載っていたのに、お読みにならなかったんですか。", "no_denial", False),
    ("注意事項はお伝えしてますけど。", "no_denial", False),
    # the customer as the agent of a fault or of lateness
    ("ご登録のメールアドレスが間違っていたようです。", "no_denial", False),
    ("お客様がご自分で設定を変えられたのが原因です。", "no_denial", False),
    ("もっと早くおっしゃっていただければ間に合ったのですが。", "no_denial", False),
    ("お振り込みが遅れたため、ご予約は取り消しとなりました。", "no_denial", False),
    # corrections of what they claim
    ("そのようなお約束をした記録はございません。", "no_denial", False),
    ("こちらに責任があるとは考えておりません。", "no_denial", False),
    # near misses: our own mistake, empathy, reassurance, a polite request, an option
    ("弊社の登録に誤りがございました。申し訳ございません。", "no_denial", True),
    ("ご不満に思われるのも当然のことと存じます。", "no_denial", True),
    ("早めにご連絡いただければ、すぐにご用意できます。", "no_denial", True),
    ("もう少しだけお時間をいただければと思います。", "no_denial", True),
    ("ご自身でも設定を変更していただけます。", "no_denial", True),
    # alternatives in other wordings
    ("中古品でもかまわなければ、半額ほどでご用意できます。", "proposes_alternative", True),
    ("平日の夜でしたら承れますが、いかがなさいますか。", "proposes_alternative", True),
    ("それまでの間は、隣の会議室をお使いいただいて構いません。", "proposes_alternative", True),
    ("郵送でのお手続きもご検討ください。", "proposes_alternative", True),
    # the remedy of the problem itself under a condition is no alternative
    ("症状が続くようでしたら、無償で修理いたします。", "proposes_alternative", False),
    ("商品をご返送いただければ、全額ご返金いたします。", "proposes_alternative", False),
    # reason questions, and questions that are not about the customer's reason or situation
    ("お引っ越しはいつ頃のご予定ですか。", "asks_reason", True),
    ("どのくらいの人数でお使いでしょうか、お部屋の広さが変わりますので", "asks_reason", True),
    ("明日の午前と午後、どちらがご都合よろしいでしょうか。", "asks_reason", False),
    ("会員カードはお持ちでしょうか。", "asks_reason", False),
    ("えっ、解約されるんですか。", "asks_reason", False),
    ("ご注文内容にお間違いはございませんか。", "asks_reason", False),
]


@pytest.mark.parametrize("text,criterion,expected", CONSTRUCTIONS)
def test_constructions_are_read_in_other_wordings(text, criterion, expected):
    assert _passed(text)[criterion] is expected, check(text)


def test_store_pickup_today_is_an_alternative_even_if_also_a_remedy():
    acts = [a for a in check("代わりに、店頭でのお受け取りでしたら本日中にご用意できます。").acts if a.kind == "alternative"]
    assert acts and "本日中にご用意できます" in acts[0].text


# Company rules: (scenario, text, proposes_alternative or None, within_rules)
COMPANY = [
    ("scope-request", "見積もりをお出しできます。", True, True),
    ("scope-request", "見積書をお送りいたします。", True, True),
    ("scope-request", "有償でのお見積もりをおすすめします。お見積もりをお出しすることもできます。", True, True),
    ("scope-request", "お見積もりは無料でお作りします。", True, True),
    ("scope-request", "今回は費用はかかりません。", None, False),
    ("same-day-shipping", "池袋のお店でしたら今日お持ち帰りいただけます。", True, True),
    ("same-day-shipping", "本来は翌日出荷ですが、今回に限り本日発送いたします。", None, False),
    ("refund-window", "静かに使う方法をご説明できます。", True, True),
    ("refund-window", "本来は30日以内ですが、今回に限り返金対応させていただきます。", None, False),
    ("software-delay", "完成した予約画面と会員登録は、お約束どおり28日にお納めします。", True, True),
    ("software-delay", "残りの納品は4月3日になります。", None, False),
    ("restaurant-reservation", "系列店でしたら、すぐにお席をご用意できます。", True, True),
    ("restaurant-reservation", "お飲み物代はいただきません。", None, False),
    ("restaurant-reservation", "ほかのお客様に少し詰めていただいて、お席を作ります。", None, False),
]


@pytest.mark.parametrize("scenario,text,alternative,within", COMPANY)
def test_company_rules_match_what_they_mean(scenario, text, alternative, within):
    passed = _passed(text, scenario)
    assert passed["within_rules"] is within, check(text, scenario)
    if alternative is not None:
        assert passed["proposes_alternative"] is alternative, check(text, scenario)


def test_an_allowed_estimate_is_never_called_a_method_the_company_does_not_allow():
    report = check("有償でのお見積もりをおすすめします。お見積もりをお出しすることもできます。", "scope-request")
    assert "認めている方法ではありません" not in report.criterion("proposes_alternative").message


@pytest.mark.parametrize("scenario", ["generic", "outage-apology", "software-delay", "restaurant-reservation",
                                      "complaint-letter", "same-day-shipping", "refund-window", "scope-request"])
def test_each_scenario_quotes_examples_that_fit_it_and_that_the_checker_reads_as_such(scenario):
    s = get_scenario(scenario)
    assert s.cause_example != get_scenario("outage-apology").cause_example or scenario == "outage-apology"
    assert {a.kind for a in check(s.cause_example, scenario).acts} & {"cause", "excuse"}, s.cause_example
    assert "remedy" in {a.kind for a in check(s.remedy_example, scenario).acts}, s.remedy_example


def test_the_settings_example_is_not_shown_where_it_does_not_fit():
    message = check("申し訳ございません。", "software-delay").criterion("apology_before_explanation").message
    assert "設定の誤り" not in message and "決済" in message


def test_the_letter_grades_apology_first():
    ids = [c.id for c in get_scenario("complaint-letter").criteria]
    assert "apology_first" in ids and "apology_before_explanation" not in ids

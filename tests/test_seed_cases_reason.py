"""The seed cases on asking the reason and offering alternatives, judged as the seeds judge them.

Seed 000 (resort-cold-call): a salesperson denies the customer's "not now", flatters,
pushes for a meeting; the author's better reply asks why. Seed 004 (same-day-shipping):
a flat "impossible", a question about where the customer lives, then alternatives within
the rules, and finally the question about the reason that found the real need. The
replies are retold in our own words where the exact wording is not the point.
"""

import pytest

from graders import check


def _result(text, scenario, criterion):
    report = check(text, scenario)
    return next(c for c in report.criteria if c.id == criterion)


def _passes(text, scenario, criterion):
    return _result(text, scenario, criterion).passed


# --- Seed 000: 「現時点では必要ありません」への返し -----------------------------------------

def test_denying_not_needed_fails_no_denial():
    assert not _passes("必要ないことはないと思いますよ。", "resort-cold-call", "no_denial")


def test_denying_not_needed_does_not_ask_the_reason():
    assert not _passes("必要ないことはないと思いますよ。", "resort-cold-call", "asks_reason")


def test_denial_message_quotes_the_denial_and_says_what_to_do():
    result = _result("いや、必要ないということはないと思います。", "resort-cold-call", "no_denial")
    text = "いや、必要ないということはないと思います。"
    assert [text[a:b] for a, b in result.spans] == ["必要ないということはない"]
    assert "承知いたしました" in result.message


def test_flattery_that_overrides_the_customer_is_a_denial():
    assert not _passes("御社のような若い会社の社長さんにこそ、お使いいただきたいんです。", "resort-cold-call", "no_denial")


def test_brushing_aside_and_pushing_for_a_meeting_fails_both():
    text = "そうおっしゃらずに、まずは一度お会いさせていただくだけでも。"
    assert not _passes(text, "resort-cold-call", "no_denial")
    assert not _passes(text, "resort-cold-call", "no_pressure")


def test_asking_why_it_is_not_needed_now_passes():
    assert _passes("どうして現時点では必要ないと思われたのですか", "resort-cold-call", "asks_reason")


def test_the_authors_reply_passes_every_criterion():
    report = check("わかりました。参考までにお伺いしたいのですが、どうして今は必要ないとお考えになったのですか？", "resort-cold-call")
    assert report.score == report.max_score


def test_announcing_a_question_is_not_asking_the_reason():
    assert not _passes("参考までにお伺いしたいことがございます。", "resort-cold-call", "asks_reason")


def test_accepting_not_now_without_a_hurry_is_not_pressure():
    text = "承知いたしました。今すぐお決めいただく必要はまったくございません。"
    assert _passes(text, "resort-cold-call", "no_pressure")
    assert _passes(text, "resort-cold-call", "no_denial")


# --- Seed 004: 「今日の出荷はどうしても無理ですか？」 -------------------------------------

def test_flat_impossible_fails_proposes_alternative():
    assert not _passes("結論から言うと、無理です。明日が出荷なんです。", "same-day-shipping", "proposes_alternative")


def test_flat_impossible_message_points_at_the_refusal():
    text = "結論から言うと、無理です。明日が出荷なんです。"
    result = _result(text, "same-day-shipping", "proposes_alternative")
    assert [text[a:b] for a, b in result.spans] == ["無理です"]
    assert "代わりの方法" in result.message


def test_flat_impossible_keeps_the_rules():
    assert _passes("結論から言うと、無理です。明日が出荷なんです。", "same-day-shipping", "within_rules")


def test_asking_where_the_customer_lives_is_not_asking_the_reason():
    assert not _passes("んー、残念です。お住まいはどちらでいらっしゃるんですか？", "same-day-shipping", "asks_reason")


def test_buying_at_the_ikebukuro_store_passes_proposes_alternative():
    assert _passes("池袋店で直接お買い求めになることができます", "same-day-shipping", "proposes_alternative")


@pytest.mark.parametrize(
    "text",
    [
        "お荷物を営業所で止めて、お客様に取りに行っていただく方法がございます。",
        "明日、送り状番号がわかり次第お電話しますので、営業所とお受け取りの時間をご相談ください。",
        "代金引換でしたら、ドライバーが携帯電話にお電話してからお届けにうかがいます。",
        "ご勤務先にお届けするというのは、やはり差し支えがございますか。",
        "ビルの1階でお受け取りいただけるように手配いたしますね。",
    ],
    ids=["depot-hold", "tracking-call", "cash-on-delivery", "workplace", "ground-floor"],
)
def test_each_alternative_in_the_seed_passes(text):
    assert _passes(text, "same-day-shipping", "proposes_alternative")


def test_asking_why_the_customer_is_in_a_hurry_passes():
    text = "立ち入ったことをうかがって恐縮ですが、何か特別にお急ぎの理由があるのでしょうか…よろしければお聞かせいただけますか？"
    assert _passes(text, "same-day-shipping", "asks_reason")


def test_acknowledging_the_reason_once_told_is_not_asking_it():
    assert not _passes("あっ、そういうご事情があったんですね。", "same-day-shipping", "asks_reason")


@pytest.mark.parametrize(
    "text",
    ["本日出荷いたします。", "わかりました、特別に本日発送させていただきます。", "特急扱いで対応いたします。"],
)
def test_promising_what_the_rules_forbid_fails_within_rules(text):
    assert not _passes(text, "same-day-shipping", "within_rules")


@pytest.mark.parametrize(
    "text",
    ["本日の出荷はいたしかねます。", "申し訳ございませんが、本日中に発送することはできません。", "特急扱いはしておりません。"],
)
def test_refusing_what_the_rules_forbid_is_not_a_promise(text):
    assert _passes(text, "same-day-shipping", "within_rules")


def test_within_rules_message_names_the_forbidden_promise():
    result = _result("今回だけ特別に本日発送させていただきます。", "same-day-shipping", "within_rules")
    assert "当日出荷" in result.message


def test_an_offer_the_company_does_not_list_does_not_count_and_is_named():
    text = "本日は難しいのですが、明日の出荷でしたら可能です。"
    result = _result(text, "same-day-shipping", "proposes_alternative")
    assert not result.passed
    assert [text[a:b] for a, b in result.spans] == ["明日の出荷でしたら可能です"]
    assert "会社が認めている方法ではありません" in result.message


def test_mentioning_the_reason_gets_a_hint_to_ask_it():
    result = _result("理由はお聞きしませんが、本日の出荷はいたしかねます。", "same-day-shipping", "asks_reason")
    assert not result.passed
    assert "尋ねる形になっていません" in result.message

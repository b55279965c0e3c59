"""Round twelve (branch r12-letters): whole replies, written for this test, in the registers learners
use for the apology letter and the outage apology (e-mail keigo, phone, chat, spoken without 。).
Each construction is also read in the generic scenario, since excuses, remedies, causes and next
steps are built-in kinds every scenario shares."""

import pytest

from graders import check


def _passed(text: str, scenario: str) -> dict[str, bool]:
    return {c.id: c.passed for c in check(text, scenario).criteria}


def _kinds(text: str, scenario: str = "generic") -> set[str]:
    return {a.kind for a in check(text, scenario).acts}


EXCUSES = [
    "申し訳ございません。当夜は作業の人手が少なく、確認が行き届きませんでした。",
    "すみません、夜勤のスタッフが足りておらず、気づくのが遅れました",
    "深夜の作業だったこともあり、手順が一つ抜けてしまいました。",
    "作業は外部の業者に委託しておりまして、把握が遅れました。",
    "私はこの春に入ったばかりで、資料の件を存じ上げておりませんでした。",
    "担当者が代わったばかりでして、ご連絡が途切れてしまいました。",
    "異動の時期と重なり、ご報告が遅れました。",
    "引き継ぎの際に抜けがございまして、失礼いたしました。",
    "月末でバタバタしておりまして、お返事できませんでした。",
]


@pytest.mark.parametrize("text", EXCUSES)
def test_our_circumstances_are_excuses(text):
    assert "excuse" in _kinds(text)
    assert not _passed(text, "complaint-letter")["no_excuse"]


@pytest.mark.parametrize("text", [
    "人手が足りないことは言い訳になりません。今後は二人で確認いたします。",
    "平日の午前中は人が少ないので、ゆっくりお選びいただけます。",
    "こちらは今朝入ったばかりの新商品です。",
    "作業に入って間もなく、エラーが出ました。",
])
def test_what_only_looks_like_an_excuse(text):
    assert "excuse" not in _kinds(text)


OUTAGE_GOOD = [
    # phone, spoken: the fix first, then the cause
    "申し訳ありません、ご迷惑をおかけしました 設定はもう戻しまして、今は画面が開くようになってます 原因は昨夜の作業で手順を一つ抜かしたことでした",
    # e-mail keigo
    "このたびは大変申し訳ございません。ご注文を受けられない状態にしてしまいまして、誠に申し訳ございません。"
    "設定を戻しておりまして、現在は正常にご注文をお受けできる状態でございます。"
    "原因は、昨夜のメンテナンスで設定の手順を一つ飛ばしてしまったことでございます。",
    # chat
    "ご迷惑をおかけしてすみません。10時半に復旧してまして、今はちゃんと動いてます。原因はこちらの設定ミスでした。",
]


@pytest.mark.parametrize("text", OUTAGE_GOOD)
def test_fix_before_cause_is_read(text):
    result = _passed(text, "outage-apology")
    assert result["apology_before_explanation"]
    assert result["remedy_before_cause"]


def test_the_harm_before_sympathy_is_no_cause():
    text = ("申し訳ございません。朝の注文がすべて止まってしまい、さぞお困りになったことと存じます。"
            "設定は元に戻し、現在は正常に動いております。原因は昨夜の作業ミスでした。")
    assert _passed(text, "outage-apology")["remedy_before_cause"]


@pytest.mark.parametrize("text", [
    "資料は来週月曜日までにお送りし、翌日お電話でご説明いたします。",
    "以後、ご依頼の件は週に一度、進み具合をお知らせいたします。",
    "完了まで毎日夕方にメールでご報告いたします。",
])
def test_next_steps(text):
    letter = "山田様　先日はありがとうございました。ご連絡を怠り、申し訳ございませんでした。" + text
    assert _passed(letter, "complaint-letter")["states_next_step"]


@pytest.mark.parametrize("text", ["今後は気をつけます。", "今後は十分注意いたします。", "今後はどうぞよろしくお願いいたします。"])
def test_an_attitude_is_no_next_step(text):
    letter = "山田様　先日はありがとうございました。ご連絡を怠り、申し訳ございませんでした。" + text
    assert not _passed(letter, "complaint-letter")["states_next_step"]


def test_the_apology_object_is_no_explanation_before_it():
    text = ("山田様　お約束の資料がまだお手元に届いておらず、途中のご報告も差し上げなかったこと、"
            "誠に申し訳ございません。資料は金曜日までにお届けいたします。")
    assert _passed(text, "complaint-letter")["apology_first"]

"""Precision of the apology-order acts: everyday service sentences that mention apologies,
causes, busyness or the future without being any of those acts raise no false alarm.

A wrong apology or cause flips the order criteria, and a wrong excuse fails no_excuse, so
these kinds must stay silent here (textlint-ja's lesson: prefer silence to a wrong flag).
"""

import pytest

from graders import check

ORDER_KINDS = {"apology", "cause", "excuse", "prevention", "empathy"}

NEUTRAL = [
    "お世話になっております。株式会社青葉の佐藤でございます。",
    "恐れ入りますが、お客様番号をお知らせいただけますでしょうか。",
    "すみません、お名前を伺ってもよろしいでしょうか?",
    "お手数ですが、こちらの用紙にご記入ください。",
    "それでは失礼いたします。",
    "今後ともよろしくお願い申し上げます。",
    "お忙しいところ恐れ入りますが、ご確認のほどよろしくお願いいたします。",
    "ご多忙の折、大変恐縮ですが、ご返信をお待ちしております。",
    "念のため、お届け先のご住所を確認させてください。",
    "お困りのことがございましたら、いつでもご連絡ください。",
    "原因の調査には数日かかる見込みです。",
    "原因がわかり次第、改めてご連絡いたします。",
    "原因は現在調査中です。",
    "二度目のご来店、ありがとうございます。",
    "今後の予定についてご相談させてください。",
    "新しい担当の田中がご説明に伺います。",
    "ミスのないよう、二人で確認して進めております。",
    "言い訳はいたしません。",
    "申し訳程度ですが、サンプルを同封しました。",
    "障害が発生した場合は、こちらの番号にお電話ください。",
    "不具合があった場合は、すぐにお知らせください。",
    "音が故障によるものでしたら、保証で点検いたします。",
    "包材の処分はお客様にお手数をおかけすることになります。",
    "お忙しい中、ご来店いただきありがとうございました。",
    "お詫び状の書き方を教えてください。",
    "年末の忙しい時期ですが、どうぞお体に気をつけてお過ごしください。",
]


@pytest.mark.parametrize("text", NEUTRAL)
def test_neutral_sentence_raises_no_order_act(text):
    found = [(a.kind, a.text) for a in check(text, "generic").acts if a.kind in ORDER_KINDS]
    assert found == []

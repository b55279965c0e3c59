"""The judgements of seeds 002 (Aさん and Bさん after an outage) and 001 (the new rep's
apology-and-thanks letter), retold as replies and checked the way each seed judges them."""

import pytest

from graders import check

# Seed 002: a mistake caused an outage. Aさん apologises deeply and shows empathy, explains
# the fix at once, then the cause, then promises it will not happen again.
A_SAN = (
    "大変申し訳ありませんでした。さぞお困りでしたでしょう。"
    "設定はすでに元に戻し、注文画面は復旧いたしました。"
    "原因は、昨夜の作業で担当者が手順を一つ飛ばしてしまったことでした。"
    "二度とこのようなことでご迷惑をおかけしないよう努めます。"
)

# Bさん explains at length why the mistake happened, then the fix, and apologises last.
B_SAN = (
    "昨夜の作業で担当者が手順を一つ飛ばしてしまったため、注文画面が止まっておりました。"
    "本来は二人で確認する決まりでしたが、その確認も漏れておりました。"
    "設定は元に戻しましたので、今は正常に動いております。"
    "ご迷惑をおかけし、申し訳ありませんでした。"
)

# The seed says Bさん apologised only briefly before his long explanation.
B_SAN_BRIEF_APOLOGY_FIRST = "すみません。" + B_SAN

ORDER = ("apology_before_explanation", "remedy_before_cause")


def _passed(text: str, scenario: str) -> dict[str, bool]:
    return {c.id: c.passed for c in check(text, scenario).criteria}


@pytest.mark.parametrize("scenario", ["outage-apology", "generic"])
@pytest.mark.parametrize("criterion", ORDER)
def test_a_san_order_passes(scenario, criterion):
    assert _passed(A_SAN, scenario)[criterion]


@pytest.mark.parametrize("scenario", ["outage-apology", "generic"])
@pytest.mark.parametrize("criterion", ORDER)
def test_b_san_order_fails(scenario, criterion):
    assert not _passed(B_SAN, scenario)[criterion]


def test_a_san_acts_come_in_the_taught_order():
    kinds = [a.kind for a in check(A_SAN, "outage-apology").acts]
    firsts = [kinds.index(k) for k in ("apology", "empathy", "remedy", "cause", "prevention")]
    assert firsts == sorted(firsts)


def test_a_san_closing_promise_is_prevention_not_apology():
    closing = A_SAN.index("二度と")
    acts = [a for a in check(A_SAN, "outage-apology").acts if a.start >= closing]
    assert [a.kind for a in acts] == ["prevention"]


def test_b_san_brief_apology_first_still_puts_cause_before_remedy():
    # A perfunctory すみません comes first, so the apology criterion is met by its own
    # definition; what stays wrong is the long cause before the fix.
    result = _passed(B_SAN_BRIEF_APOLOGY_FIRST, "outage-apology")
    assert result == {"apology_before_explanation": True, "remedy_before_cause": False, "no_excuse": True}


def test_a_san_scores_full_marks_and_b_san_does_not():
    assert check(A_SAN, "outage-apology").score == check(A_SAN, "outage-apology").max_score
    assert check(B_SAN, "outage-apology").score < check(B_SAN, "outage-apology").max_score


# Seed 001: after a 40-minute scolding the new rep must write an apology-and-thanks letter.
# Being new is no concern of the customer's; keep the customer informed; finish what was
# promised.
LETTER_GOOD = (
    "先日はお忙しい中、長い時間をいただき、誠にありがとうございました。"
    "お約束の資料をお届けできず、ご連絡も差し上げなかったこと、心よりお詫び申し上げます。"
    "原因は、私が社内の返事を待つばかりで、進み具合をお伝えしなかったことです。"
    "資料は今週金曜日までにお届けいたします。今後は毎週月曜日に進み具合をご報告いたします。"
)

LETTER_NEW_HIRE = (
    "先日はありがとうございました。"
    "私は今年入社したばかりで、前任者からの引き継ぎに漏れがあったため、資料の件を存じませんでした。"
    "申し訳ありませんでした。今後ともよろしくお願いいたします。"
)


def test_letter_with_thanks_apology_and_report_passes_everything():
    report = check(LETTER_GOOD, "complaint-letter")
    assert report.score == report.max_score


def test_being_new_is_an_excuse():
    assert not _passed(LETTER_NEW_HIRE, "complaint-letter")["no_excuse"]


def test_new_hire_letter_explains_before_it_apologises():
    assert not _passed(LETTER_NEW_HIRE, "complaint-letter")["apology_first"]


def test_regards_alone_is_not_a_next_step():
    assert not _passed(LETTER_NEW_HIRE, "complaint-letter")["states_next_step"]


def test_new_hire_letter_still_thanks():
    assert _passed(LETTER_NEW_HIRE, "complaint-letter")["thanks"]


def test_promising_regular_reports_is_a_next_step():
    text = "先日はありがとうございました。ご連絡を怠り、申し訳ございません。今後は毎週月曜日に進み具合をご報告いたします。"
    assert _passed(text, "complaint-letter")["states_next_step"]


def test_customer_busy_courtesy_is_not_an_excuse():
    text = "先日はご多忙の折、お時間をいただきありがとうございました。お忙しいところ恐縮ですが、資料は金曜日にお持ちします。"
    assert _passed(text, "complaint-letter")["no_excuse"]

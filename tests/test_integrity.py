"""graders.assignments.integrity: the shortcuts it must catch, and real replies it must leave alone."""

import tomllib
from pathlib import Path

import pytest

from graders.assignments import integrity, references
from graders.checker.analysis import analyse
from graders.learner.exercises import all_exercises
from graders.checker.scenarios import all_scenarios

ROOT = Path(__file__).resolve().parents[1]

SCENARIOS = all_scenarios()

# Real replies, some terse, one with a short list of options, one letter with a signature:
# none may be flagged (a false alarm costs an honest learner points).
GENUINE = [
    "大変申し訳ございません。すでに復旧いたしました。原因は設定の誤りです。",
    "大変申し訳ございません。本日の出荷はいたしかねますが、次の方法がございます。\n"
    "・店舗でのお受け取り\n・営業所止め\nいかがでしょうか。",
    "拝啓　時下ますますご清栄のこととお喜び申し上げます。\n先日は大変申し訳ございませんでした。\n"
    "貴重なご指摘をいただき、誠にありがとうございました。\n今後は毎週金曜日に進捗をご報告いたします。\n"
    "敬具\n株式会社サンプル　営業部　山田",
    "承知いたしました。差し支えなければ、今は必要ないとお考えの理由を伺ってもよろしいでしょうか。",
]


@pytest.mark.parametrize("text", GENUINE)
def test_real_replies_are_not_flagged(text):
    assert integrity.inspect(text) == []


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_model_answers_are_genuine(scenario):
    spec = SCENARIOS[scenario]
    assert integrity.inspect(spec.model_answer, spec.bad_reply) == []


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_the_bad_reply_handed_back_is_a_copy(scenario):
    spec = SCENARIOS[scenario]
    found = integrity.copies_bad_reply(spec.bad_reply, spec.bad_reply)
    assert found is not None and found.check == "copy"
    assert "100%" in found.message


def test_the_bad_reply_with_an_apology_in_front_is_still_a_copy():
    bad = SCENARIOS["outage-apology"].bad_reply
    found = integrity.copies_bad_reply("大変申し訳ございません。" + bad, bad)
    assert found is not None and "元の返信とほとんど同じ" in found.message


def test_a_rewrite_in_other_words_is_not_a_copy():
    spec = SCENARIOS["outage-apology"]
    assert integrity.copies_bad_reply(spec.model_answer, spec.bad_reply) is None


def test_no_bad_reply_means_no_copy_check():
    assert integrity.copies_bad_reply("大変申し訳ございません。", "") is None


@pytest.mark.parametrize(
    "text, phrase",
    [
        ("申し訳ございません。申し訳ございません。申し訳ございません。復旧しました。原因は設定の誤りです。", "申し訳ございません"),
        ("申し訳ございません申し訳ございません復旧いたしました。原因は設定の誤りです。", "申し訳ございません"),
        ("理由を伺ってもよろしいでしょうか。承知しました。理由を伺ってもよろしいでしょうか。理由を伺ってもよろしいでしょうか。", "理由を伺ってもよろしいでしょうか"),
    ],
)
def test_a_sentence_said_again_and_again_is_stuffing(text, phrase):
    found = integrity.keyword_stuffing(analyse(text))
    assert found is not None and found.check == "stuffing"
    assert f"「{phrase}」" in found.message
    assert all(text[start:end].startswith(phrase) for start, end in found.spans)


def test_a_word_repeated_back_to_back_is_stuffing():
    found = integrity.keyword_stuffing(analyse("大変大変大変申し訳ございません。復旧しました。"))
    assert found is not None and "「大変」" in found.message


def test_apologies_piled_up_are_stuffing():
    text = "お詫び申し上げます。申し訳ございません。すみません。大変失礼いたしました。復旧しました。"
    found = integrity.keyword_stuffing(analyse(text))
    assert found is not None and "4 回" in found.message
    assert len(found.spans) == 4


def test_three_apologies_in_a_letter_are_fine():
    text = "深くお詫び申し上げます。ご迷惑をおかけし、申し訳ございませんでした。重ねてお詫び申し上げます。"
    assert integrity.keyword_stuffing(analyse(text)) is None


def test_the_same_sentence_twice_but_apart_is_fine():
    text = "ありがとうございます。ご注文の件、承知いたしました。ありがとうございます。"
    assert integrity.keyword_stuffing(analyse(text)) is None


def test_the_same_sentence_twice_in_a_row_is_stuffing():
    assert integrity.keyword_stuffing(analyse("申し訳ございません。申し訳ございません。")) is not None


@pytest.mark.parametrize(
    "text, hint",
    [
        ("謝罪：申し訳ございません\n対処：復旧しました\n原因：設定ミス", "見出し"),
        ("【お詫び】申し訳ございません\n【対処】復旧しました", "見出し"),
        ("謝罪→対処→原因→再発防止", "矢印"),
        ("・謝罪\n・申し訳ございません\n・復旧\n・原因は設定ミス", "箇条書き"),
        ("申し訳ございません\n復旧\n原因　設定ミス\n再発防止　二人で確認", "文になっていない"),
    ],
)
def test_a_list_of_patterns_is_not_a_reply(text, hint):
    found = integrity.pattern_list(analyse(text))
    assert found is not None and found.check == "pattern_list"
    assert hint in found.message


def test_an_e_mail_header_and_a_self_introduction_are_not_bare_words():
    text = ("株式会社みなと商事 総務部 木下様\n\nいつもお世話になっております。経理システム サポート窓口の森です。\n"
            "ご不便をおかけし、申し訳ございません。本日10時に修正版を反映いたしました。\nよろしくお願いいたします。")
    assert integrity.pattern_list(analyse(text)) is None
    # The same line with keywords after a space is still a list of words.
    listed = "申し訳ございません。\n原因 設定ミス。対処 再起動。\n今後ともよろしくお願いいたします。"
    assert integrity.pattern_list(analyse(listed)) is not None


def test_a_signature_a_letters_date_a_quoted_title_and_a_phone_greeting_are_not_bare_words():
    body = "ご不便をおかけし、申し訳ございません。本日、交換品を発送いたしました。\n"
    signed = "木村様\n\n" + body + "ご不明な点はお知らせください。\n\nさくら家電 駅前店\n店長　高橋 亮"
    assert integrity.pattern_list(analyse(signed)) is None
    letter = "拝啓　時下ますますご清祥のこととお慶び申し上げます。\n" + body + "敬具\n令和〇年〇月〇日\nみなと空調 相談室"
    assert integrity.pattern_list(analyse(letter)) is None
    titled = "木村様\n「〇〇 SPRING TOUR」の公演が中止となり、申し訳ございません。\n本日、返金の手続きをいたしました。\nよろしくお願いいたします。"
    assert integrity.pattern_list(analyse(titled)) is None
    greeting = "お電話ありがとうございます。みなと区役所 戸籍窓口でございます。お待たせしてしまい、申し訳ございません。本日中にお送りいたします。"
    assert integrity.pattern_list(analyse(greeting)) is None
    # Keywords are still keywords in the body, and a closing block that holds sentences is the body.
    listed = "木村様\n申し訳ございません。\n原因 設定ミス。対処 再起動。\nよろしくお願いいたします。\n\nさくら家電"
    assert integrity.pattern_list(analyse(listed)) is not None


def test_a_placeholder_number_is_not_stuffing():
    text = "ご不便をおかけし、申し訳ございません。本日再送いたしました。\nお問い合わせ窓口 0120-xxx-xxx（平日9時〜17時）"
    assert integrity.keyword_stuffing(analyse(text)) is None
    assert integrity.keyword_stuffing(analyse("大変大変大変申し訳ございません。復旧しました。")) is not None


def test_a_short_list_of_options_inside_prose_is_fine():
    assert integrity.pattern_list(analyse(GENUINE[1])) is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("大変申し訳ございません。", True),
        ("いかがでしょうか。", True),
        ("ご確認ください。", True),
        ("はい。", True),
        ("店舗でのお受け取り", False),  # a noun phrase ending in a stem
        ("原因は設定ミス", False),
        ("再発防止", False),
    ],
)
def test_is_sentence(text, expected):
    sentences = analyse(text).sentences
    assert len(sentences) == 1
    assert integrity.is_sentence(sentences[0]) is expected


def test_inspect_reports_every_shortcut_found():
    bad = "謝罪：申し訳ございません\n対処：復旧しました\n原因：設定ミスです"
    text = "謝罪：申し訳ございません\n" + bad
    checks = {f.check for f in integrity.inspect(text, bad)}
    assert checks == {"stuffing", "pattern_list", "copy"}


# --- the lesson's model answer handed in ---------------------------------------------------
# The lessons show every model answer, so the hidden check flags a reply copied from it.

GRADED = sorted({e.scenario for e in all_exercises().values()})
LABELLED_DIR = Path(__file__).parent / "data" / "labelled"
# Labelled replies that are the model answer with a few words dropped (measured share 0.85).
KNOWN_COPIES = {("generic", 0)}
# Common word swaps a learner might make to disguise a copy.
SWAPS = [
    ("ございます", "あります"), ("いたします", "します"), ("大変", "誠に"), ("誠に", "本当に"),
    ("存じます", "思います"), ("差し支えなければ", "よろしければ"), ("ご連絡", "お知らせ"),
    ("おります", "います"), ("でした", "です"),
]


def with_small_edits(text: str) -> str:
    for old, new in SWAPS:
        text = text.replace(old, new, 1)
    return text


def lines_reversed(text: str) -> str:
    return "\n".join(reversed(text.strip().splitlines()))


def labelled_replies():
    for path in sorted(LABELLED_DIR.glob("*.toml")):
        for i, reply in enumerate(tomllib.loads(path.read_text(encoding="utf-8"))["reply"]):
            yield path.stem, i, reply["text"]


@pytest.mark.parametrize("scenario", GRADED)
@pytest.mark.parametrize("disguise", [str.strip, with_small_edits, lines_reversed], ids=["verbatim", "edited", "shuffled"])
def test_the_model_answer_handed_in_is_flagged(scenario, disguise):
    spec = SCENARIOS[scenario]
    text = disguise(spec.model_answer)
    if disguise is not str.strip:
        assert text != spec.model_answer.strip()
    found = [f for f in integrity.inspect(text, spec.bad_reply, spec.model_answer) if f.check == "model_copy"]
    assert len(found) == 1
    assert "模範解答" in found[0].message and "自分の言葉" in found[0].message


@pytest.mark.parametrize("scenario", GRADED)
def test_the_model_answer_inside_a_longer_reply_is_flagged(scenario):
    spec = SCENARIOS[scenario]
    text = "お世話になっております。担当の鈴木でございます。\n" + spec.model_answer + "\nどうぞよろしくお願いいたします。"
    assert integrity.copies_model_answer(text, spec.model_answer) is not None


def test_the_share_copied_is_in_the_message_and_the_spans_cover_the_copy():
    spec = SCENARIOS["outage-apology"]
    text = "お世話になっております。\n" + spec.model_answer.strip()
    found = integrity.copies_model_answer(text, spec.model_answer)
    assert "100%" in found.message
    assert [text[start:end] for start, end in found.spans] == [spec.model_answer.strip().rstrip("。")]


@pytest.mark.parametrize("scenario", GRADED)
def test_the_solution_is_not_a_copy_of_the_model_answer(scenario):
    spec = SCENARIOS[scenario]
    solution = references.reference_for(ROOT, scenario)
    assert solution
    assert integrity.model_copy_share(solution, spec.model_answer) < integrity.MODEL_COPY_SHARE / 2
    assert integrity.inspect_for(solution, spec) == []


def test_half_of_the_model_answer_is_not_called_a_copy():
    # Reusing a sentence or two of the lesson is learning, not copying.
    spec = SCENARIOS["software-delay"]
    lines = spec.model_answer.strip().splitlines()
    assert integrity.copies_model_answer("\n".join(lines[: len(lines) // 2]), spec.model_answer) is None


def test_labelled_replies_are_not_flagged_unless_they_copy_the_model_answer():
    flagged = {
        (scenario, i)
        for scenario, i, text in labelled_replies()
        if integrity.copies_model_answer(text, SCENARIOS[scenario].model_answer)
    }
    assert flagged == KNOWN_COPIES


def test_no_model_answer_means_no_model_copy_check():
    assert integrity.copies_model_answer("大変申し訳ございません。", "") is None
    assert integrity.model_copy_share("大変申し訳ございません。", "") == 0.0


def test_grade_cells_and_the_cohort_regrade_use_the_same_genuine_check():
    # A copy of the lesson's model answer must fail in both, or they would disagree.
    from graders.learner.exercises import all_exercises
    from graders.assignments.integrity import inspect_for
    from graders.checker.scenarios import get_scenario

    for exercise in all_exercises().values():
        scenario = get_scenario(exercise.scenario)
        assert any(f.check == "model_copy" for f in inspect_for(scenario.model_answer, scenario))
        assert inspect_for(references.reference_for(ROOT, scenario.id), scenario) == []


# --- issue 11.2: the gaming set against every good reply (figures: python -m benchmarks.gaming) ---


def test_the_gaming_set_is_caught_and_no_good_reply_is_flagged():
    from benchmarks.gaming import TARGET_CAUGHT, measure

    m = measure()
    total = sum(m["total"].values())
    caught = sum(m["out"].values()) / total
    print(f"\ngaming set: {caught:.1%} of {total} caught outside the kernel; good replies flagged: {len(m['flagged'])} of {m['good']}")
    assert total >= 400 and m["good"] >= 100
    assert caught >= TARGET_CAUGHT
    assert [(source, [f.check for f in findings]) for source, _, _, findings in m["flagged"]] == []
    # Every kind of gaming is caught, not only the easy ones.
    assert all(m["out"][kind] / n >= 0.9 for kind, n in m["total"].items())


def test_the_audits_string_of_triggers_fails_on_every_graded_exercise():
    text = "申し訳ございません、復旧いたしました、原因は誤りでした"
    for exercise in all_exercises().values():
        findings = integrity.inspect_for(text, SCENARIOS[exercise.scenario])
        assert findings, exercise.id
        assert findings[0].check in ("trigger_string", "pattern_list") and "。" in findings[0].message


def test_a_copy_of_the_reference_reply_is_caught_only_with_the_reference():
    spec = SCENARIOS["outage-apology"]
    copy = "いつもお世話になっております。\n" + references.reference_for(ROOT, spec.id)
    assert integrity.inspect_for(copy, spec) == []  # the kernel never has the reference
    (found,) = integrity.inspect_outside(copy, spec, references.reference_for(ROOT, spec.id))
    assert found.check == "solution_copy" and copy[20:60] not in found.message  # the message quotes nothing


# --- triggers come from what the checker found, not from how a rule is spelled ----------


def test_a_rules_vocabulary_reads_fragments_and_every_alternative():
    from graders.checker.rules import rule_from_table, rule_vocabulary

    rule = rule_from_table({"id": "t", "kind": "cause", "patterns": ["原因 は( 、)? {problem_noun}(?! 調査)", "(設定|手順) の ミス"]})
    vocabulary = rule_vocabulary(rule)
    assert {"原因", "誤り", "手違い", "設定", "手順", "ミス"} <= vocabulary  # inside {problem_noun}, alternatives, optional parts
    assert "調査" not in vocabulary  # what must not follow is no trigger


def test_the_same_rule_spelled_two_ways_has_one_vocabulary():
    # A literal the prefilter pins (申(?<![^ ].)し訳) or a fragment: the words stay the same.
    from graders.checker.rules import rule_from_table, rule_vocabulary

    plain = rule_from_table({"id": "a", "kind": "apology", "patterns": ["申し訳 (御座る|有る) ます ず"]})
    split = rule_from_table({"id": "b", "kind": "apology", "patterns": ["申し訳 御座る ます ず", "(申し訳) 有る ます ず"]})
    assert rule_vocabulary(plain) == rule_vocabulary(split) >= {"申し訳", "御座る", "有る"}


def test_the_words_of_a_found_act_that_its_rule_names_are_triggers():
    spec = SCENARIOS["outage-apology"]
    text = "申し訳ございません、復旧いたしました、原因は誤りでした"
    analysis = analyse(text)
    acts = integrity.find_acts(analysis, spec)
    said = {text[t.start : t.end] for t in analysis.tokens if t.start in integrity._said_by_the_rules(analysis, acts)}
    assert {"申し訳", "原因"} <= said


@pytest.mark.parametrize(
    "text, expected",
    [
        ("申し訳ございません、復旧いたしました、原因は誤りでした", True),  # three acts, each closed, strung with 、
        ("申し訳ございません、復旧いたしました、原因は誤りでした。", True),
        ("ご迷惑をおかけし申し訳ございません、すでに復旧しておりまして、原因は設定の誤りでした", False),  # joined as one sentence
        ("大変申し訳ございません。すでに復旧いたしました。原因は設定の誤りです。", False),  # three sentences
    ],
)
def test_a_string_of_acts_written_with_commas(text, expected):
    analysis = analyse(text)
    acts = integrity.find_acts(analysis, SCENARIOS["outage-apology"])
    assert integrity.comma_string(analysis, acts) is expected


def test_a_terse_reply_with_the_situations_words_is_not_a_string_of_triggers():
    spec = SCENARIOS["outage-apology"]
    for text in (
        "ご迷惑をおかけし申し訳ございません、すでに復旧しておりまして、原因は設定の誤りでした",
        "大変申し訳ございません。注文画面は10時半に復旧いたしました。原因は昨夜の作業での設定の誤りでした。",
    ):
        assert integrity.trigger_string(analyse(text), spec) is None, text


@pytest.mark.parametrize(
    "text, expected",
    [
        ("お詫びを申し上げます。確認漏れにより。原因は誤りでした。", 1),  # a matched phrase stopped where its match stops
        ("申し訳ございません！手配します！設定を誤ったため！", 1),
        ("確認漏れにより、データが消えてしまいました。", 0),  # the same phrase inside a sentence
        ("大変申し訳ございません。設定ミスがあったためです。", 0),
    ],
)
def test_an_act_cut_off_where_its_match_ends(text, expected):
    analysis = analyse(text)
    acts = integrity.find_acts(analysis, SCENARIOS["outage-apology"])
    assert integrity.cut_off_acts(analysis, acts) == expected

"""graders/checker/analysis.py: tokens and their offsets, the variant map, the sentence splitter."""

from __future__ import annotations

import pytest

from graders.checker.analysis import MAX_SENTENCE_TOKENS, VARIANTS, analyse, split_sentences, tokenize

SUDACHI_MAX_BYTES = 49_149  # one Sudachi call takes at most this many bytes (DESIGN.md)


def sentences(text: str) -> list[str]:
    return [text[s.start : s.end] for s in analyse(text).sentences]


def assert_tokens_cover(text: str) -> None:
    """Tokens tile the text: each surface is the text at its offsets, with no gap or overlap."""
    tokens = tokenize(text)
    assert tokens[0].start == 0 and tokens[-1].end == len(text)
    for tok in tokens:
        assert text[tok.start : tok.end] == tok.surface
    for left, right in zip(tokens, tokens[1:]):
        assert left.end == right.start


# ---------------------------------------------------------------- tokens and offsets


@pytest.mark.parametrize(
    "text",
    [
        "大変申し訳ございません。",
        "  前後に空白　と\t改行\nのある文  ",
        "絵文字😀🙇‍♀️と結合文字か\u3099、ﾊﾝｶｸｶﾅ、ＡＢＣ、abc 123、한국어",
        "𠀋（サロゲートペアの漢字）と〜々ゝ",
    ],
    ids=["plain", "spaces", "emoji and combining", "astral"],
)
def test_offsets_map_back_to_the_text(text):
    assert_tokens_cover(text)


def test_token_forms_and_part_of_speech():
    tokens = tokenize("ございません")
    assert [t.surface for t in tokens] == ["ござい", "ませ", "ん"]
    assert [t.normalized for t in tokens] == ["御座る", "ます", "ず"]
    assert tokens[0].dictionary == "ござる"
    assert tokens[0].pos[0] == "動詞" and tokens[1].pos[0] == "助動詞"


def test_whitespace_tokens_are_kept_but_marked():
    tokens = tokenize("はい　はい")
    assert any(t.is_space for t in tokens)
    assert not any(t.is_space for t in tokens if t.surface == "はい")


def test_empty_text_has_no_tokens():
    assert tokenize("") == []
    assert analyse("").sentences == ()


# ---------------------------------------------------------------- variant map


@pytest.mark.parametrize(
    "kana,kanji,canonical",
    [
        ("おうかがいします", "お伺いします", "伺う"),
        ("おわびいたします", "お詫びいたします", "詫びる"),
        ("ご迷惑をおかけしました", "ご迷惑をお掛けしました", "掛ける"),
        ("対応できます", "対応出来ます", "出来る"),
    ],
)
def test_kana_and_kanji_spellings_share_one_normalized_form(kana, kanji, canonical):
    assert canonical in [t.normalized for t in tokenize(kana)]
    assert [t.normalized for t in tokenize(kana)] == [t.normalized for t in tokenize(kanji)]


def test_variant_map_points_at_canonical_forms():
    """A value is never itself a key, so one lookup is always enough."""
    assert not set(VARIANTS.values()) & set(VARIANTS)


def test_the_noun_and_the_verb_of_apology_meet():
    assert {t.normalized for t in tokenize("お詫び")} >= {"詫びる"}
    assert {t.normalized for t in tokenize("わびる")} >= {"詫びる"}


# ---------------------------------------------------------------- sentences


@pytest.mark.parametrize(
    "text,expected",
    [
        ("申し訳ございません。復旧しました。", ["申し訳ございません。", "復旧しました。"]),
        ("本当ですか?はい", ["本当ですか?", "はい"]),
        ("本当ですか！？はい", ["本当ですか！？", "はい"]),
        ("申し訳ありません\nすぐ直します", ["申し訳ありません", "すぐ直します"]),
        ("「ありがとう。」と言われました", ["「ありがとう。」と言われました"]),
        ("原因は設定でした\n  申し訳ない", ["原因は設定でした", "申し訳ない"]),
        ("申し訳ございません。\n  原因は設定です", ["申し訳ございません。", "原因は設定です"]),
    ],
    ids=["maru", "half-width ?", "run of ！？", "line break", "closing bracket", "indented line", "maru then indent"],
)
def test_punctuation_ends_sentences(text, expected):
    assert sentences(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("確認いたしますお待ちください", ["確認いたします", "お待ちください"]),
        ("大変失礼いたしましたすぐお送りします", ["大変失礼いたしました", "すぐお送りします"]),
        ("申し訳ございません復旧しました", ["申し訳ございません", "復旧しました"]),
        ("担当は私です明日ご連絡します", ["担当は私です", "明日ご連絡します"]),
        ("明日でしょう届きます", ["明日でしょう", "届きます"]),
    ],
    ids=["ます", "ました", "ません", "です", "でしょう"],
)
def test_spoken_text_breaks_after_polite_endings(text, expected):
    assert sentences(text) == expected


@pytest.mark.parametrize(
    "text",
    ["調べましたところ原因が分かりました", "ご注文が増えております関係で遅れております",
     "点検が長引きました影響で到着が遅れます", "担当が不在でございましたもので折り返しが遅れました"],
)
def test_a_formal_noun_after_a_polite_ending_keeps_the_sentence_going(text):
    assert sentences(text) == [text]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("大丈夫ですか明日届きます", ["大丈夫ですか", "明日届きます"]),
        ("そうですねわかりました", ["そうですね", "わかりました"]),
        ("お送りしましたよ明日届きます", ["お送りしましたよ", "明日届きます"]),
    ],
    ids=["か", "ね", "よ"],
)
def test_spoken_text_breaks_after_sentence_final_particles(text, expected):
    assert sentences(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "申し訳ございませんが、本日は出荷できません",
        "確認しましたので折り返します",
        "ご不明な点がございましたらお知らせください",
        "ご迷惑をおかけしましたことを深くお詫びします",
        "これですね、はい",
    ],
    ids=["が", "ので", "たら", "formal noun こと", "comma after ね"],
)
def test_no_break_when_a_particle_or_auxiliary_follows(text):
    assert sentences(text) == [text]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("申し訳ございません\u3000すぐ直します", ["申し訳ございません", "すぐ直します"]),
        ("ええと…それは無理です", ["ええと…", "それは無理です"]),
        ("確認します・折り返します", ["確認します・", "折り返します"]),
        ("承知しました\u3000\u3000また伺います", ["承知しました", "また伺います"]),
    ],
    ids=["full-width space", "…", "・", "two full-width spaces"],
)
def test_soft_breaks(text, expected):
    assert sentences(text) == expected


def test_sentences_hold_no_spaces_and_their_spans_fit():
    text = "  申し訳ございません。\u3000\n  すぐに直します  "
    found = analyse(text).sentences
    assert [text[s.start : s.end] for s in found] == ["申し訳ございません。", "すぐに直します"]
    for sentence in found:
        assert all(not t.is_space for t in sentence.tokens)
        assert sentence.start == sentence.tokens[0].start and sentence.end == sentence.tokens[-1].end


@pytest.mark.parametrize("text", ["はい。いいえ。", "在庫を切らしておりまして 入荷は来週です すみません 土曜・日曜は休みです"])
def test_split_sentences_tokenizes_when_not_given_tokens(text):
    given = split_sentences(text, tokenize(text))
    assert split_sentences(text) == given
    assert [s.forms() for s in split_sentences(text)] == [s.forms() for s in given]


def test_a_run_on_sentence_is_cut_at_a_comma():
    clause = "本日の件を確認し、"
    text = clause * 40 + "折り返します"
    found = analyse(text).sentences
    assert len(found) > 1
    assert all(len(s.tokens) <= MAX_SENTENCE_TOKENS for s in found)
    assert all(text[s.start : s.end].endswith("、") for s in found[:-1])
    # Cutting loses nothing: the sentences still cover every word of the text.
    assert "".join(text[s.start : s.end] for s in found) == text


def test_a_run_on_sentence_without_commas_is_cut_at_the_limit():
    text = "あの" * 300
    found = analyse(text).sentences
    assert all(len(s.tokens) <= MAX_SENTENCE_TOKENS for s in found)
    assert "".join(text[s.start : s.end] for s in found) == text


# ---------------------------------------------------------------- long input


def test_input_over_sudachis_byte_limit_is_chunked():
    sentence = "ご迷惑をおかけし、大変申し訳ございません。"  # 3 bytes a character
    text = sentence * (60_000 // len(sentence.encode("utf-8")) + 1)
    assert len(text.encode("utf-8")) > SUDACHI_MAX_BYTES
    assert_tokens_cover(text)
    found = analyse(text).sentences
    assert len(found) == text.count("。")
    assert all(text[s.start : s.end] == sentence for s in found)


def test_long_input_without_sentence_ends_is_chunked_too():
    text = "あいうえおかきくけこ" * 2_000 + "😀" * 1_000  # about 64,000 bytes, no 。 or line break
    assert len(text.encode("utf-8")) > SUDACHI_MAX_BYTES
    assert_tokens_cover(text)


def test_a_space_between_japanese_parts_spoken_clauses_but_not_english_words():
    text = "すみません 在庫がないんですよ 明日には入りますので Apple Store でも買えます"
    parts = [text[s.start : s.end] for s in split_sentences(text)]
    assert parts == ["すみません", "在庫がないんですよ", "明日には入りますので Apple Store でも買えます"]


@pytest.mark.parametrize(
    "spoken,written",
    [
        ("在庫を切らしておりまして 入荷は来週になります", "在庫を切らしておりまして、入荷は来週になります"),
        ("確認いたしましたら ご連絡します", "確認いたしましたら、ご連絡します"),
        ("お急ぎでしたら\u3000店頭でお受け取りいただけます", "お急ぎでしたら、店頭でお受け取りいただけます"),
        ("雨で道が混んでいるので 到着が遅れます", "雨で道が混んでいるので、到着が遅れます"),
        ("保証期間内の場合は 無料で修理いたします", "保証期間内の場合は、無料で修理いたします"),
        ("差し支えなければ ご利用の目的を伺えますか", "差し支えなければ、ご利用の目的を伺えますか"),
        ("部品を取り寄せ 交換して 夕方にはお返しします", "部品を取り寄せ、交換して、夕方にはお返しします"),
        ("書類がそろっておらず 手続きが止まっています", "書類がそろっておらず、手続きが止まっています"),
    ],
    ids=["おりまして", "ましたら", "でしたら (full-width space)", "ので", "場合は", "ければ", "連用形 and て", "おらず"],
)
def test_a_space_after_a_clause_that_cannot_end_is_its_comma(spoken, written):
    """A spoken clause that leads on (a reason, a condition, a continuative) stays in one
    sentence with what follows, and rules read the space as the comma of the written reply."""
    assert sentences(spoken) == [spoken]
    (sentence,) = analyse(spoken).sentences
    assert sentence.forms() == analyse(written).sentences[0].forms()
    comma = [t for t in sentence.tokens if t.normalized == "、"]
    assert comma and all(not t.is_space and not t.surface.strip() for t in comma)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("すみません 明日には届きます", ["すみません", "明日には届きます"]),
        ("電話でも確認しましたけど 届いていないそうです", ["電話でも確認しましたけど", "届いていないそうです"]),
        ("ご心配なく 明日には届きます", ["ご心配なく", "明日には届きます"]),
        ("写真を送っていただかないと 何とも言えません", ["写真を送っていただかないと", "何とも言えません"]),
        ("本日は満席です 明日でしたらご案内できます", ["本日は満席です", "明日でしたらご案内できます"]),
    ],
    ids=["ません", "けど", "ご心配なく", "ないと", "です"],
)
def test_a_space_after_a_clause_that_may_end_still_parts_sentences(text, expected):
    assert sentences(text) == expected


def test_two_spaces_after_a_clause_that_leads_on_are_one_comma():
    (sentence,) = analyse("返品でしたら\u3000\u3000送料はこちらで負担します").sentences
    assert sentence.forms().count("、") == 1


def test_a_space_before_the_end_is_no_comma():
    (sentence,) = analyse("確認しておりまして 。").sentences
    assert sentence.forms()[-2:] == ["て", "。"]


@pytest.mark.parametrize(
    "text",
    [
        "何卒ご協力を賜りますようお願い申し上げます",
        "お手元に届きますよう手配いたしました",
        "昨日お送りいたしました請求書に誤りがございました",
        "ご注文いただいております椅子は来週の入荷です",
        "窓口を担当しております山田が伺います",
        "在庫のございました2点を先にお届けします",
        "ご来店が難しくなりました場合はお電話ください",
        "弊社で作成いたしました貴社向けの見積書をお送りします",
    ],
    ids=["ますよう", "ますよう手配", "ました + noun", "おります + noun", "おります + name", "ございました + number", "ました場合", "ました + 貴"],
)
def test_a_polite_form_that_modifies_what_follows_keeps_the_sentence_going(text):
    assert sentences(text) == [text]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("ありがとうございました今後ともよろしくお願いします", ["ありがとうございました", "今後ともよろしくお願いします"]),
        ("申し訳ございませんでした原因は配線です", ["申し訳ございませんでした", "原因は配線です"]),
        ("確認いたしますお待ちください", ["確認いたします", "お待ちください"]),
        ("ご予約の件ですね承知しました", ["ご予約の件ですね", "承知しました"]),
    ],
    ids=["before an adverbial noun", "after でした", "before a prefix", "ですね after a noun"],
)
def test_a_polite_form_before_a_new_clause_still_ends_the_sentence(text, expected):
    assert sentences(text) == expected


def test_desu_ne_after_a_particle_holds_the_floor_and_the_sentence_goes_on():
    text = "それはですね配送の途中で箱が潰れてしまったんです"
    assert sentences(text) == [text]


@pytest.mark.parametrize(
    "text",
    [
        "土曜・日曜は窓口を閉めております",
        "ご意見・ご要望のフォームからお送りください",
        "担当の私・田村が最後まで承ります",
        "バージョン4.1.2で不具合を直しました",
        "料金は1.5倍になります",
        "修正版Ver.6.0.3を本日公開いたしました",
        "No.8の窓口でお待ちください",
    ],
    ids=["days", "prefixed nouns", "name", "version", "decimal", "Ver.", "No."],
)
def test_a_list_dot_or_a_decimal_point_ends_nothing(text):
    assert sentences(text) == [text]



@pytest.mark.parametrize(
    "text",
    [
        "どのような場面でお使いか 教えていただけますか",
        "なぜ解約しようと思われたのか お聞かせいただけますか",
        "いえ 契約書にそのような記載はございません",
        "すぐ 代わりの品をお持ちします",
        "明日の朝 もう一度お電話いたします",
    ],
    ids=["embedded か", "のか", "interjection", "adverb", "adverbial noun"],
)
def test_a_space_after_a_word_that_leads_on_is_a_comma_too(text):
    assert sentences(text) == [text]
    assert "、" in analyse(text).sentences[0].forms()


def test_a_question_that_is_the_sentence_still_ends_it_before_a_space():
    assert sentences("ご予約ですか お名前をお願いします") == ["ご予約ですか", "お名前をお願いします"]


def test_a_line_wrapped_after_a_comma_goes_on_but_a_blank_line_ends_it():
    text = "このたびは、配送の手違いにより、\nお届けが遅れましたこと、\n深くお詫び申し上げます。"
    assert sentences(text) == [text]
    assert sentences("お問い合わせの件、\n\nご返信が遅れました") == ["お問い合わせの件、", "ご返信が遅れました"]

"""The rule language: {fragment} references and <class> parts of speech in patterns."""

import re

import pytest

from graders.checker.analysis import analyse
from graders.checker.rules import POS_CLASSES, Rule, RuleIndex, Stream, builtin_rules, expand, fragments, spans_of


def _rule(*patterns, exclude=()):
    rule = Rule("test.rule", "remedy", tuple(patterns), exclude=tuple(exclude))
    rule.compile()
    return rule


def _found(rule, text):
    return [text[a:b] for a, b in spans_of(rule, text)]


@pytest.mark.parametrize("name", sorted(fragments()))
def test_every_fragment_compiles_alone(name):
    _rule("{%s}" % name)


def test_a_fragment_is_its_pattern_as_a_group():
    assert expand("遅れる た {because}") == f"遅れる た (?:{fragments()['because']})"
    assert "{" not in expand("{o_do} ます")  # fragments inside fragments are filled in too


def test_regex_repeats_are_not_fragments():
    assert expand("( [^ ]+){1,12}?") == "( [^ ]+){1,12}?"


def test_unknown_fragment_names_the_rule():
    with pytest.raises(ValueError, match=r"test.rule.*\{no_such\}"):
        _rule("{no_such} ます")


def test_a_name_with_digits_is_a_fragment_too():
    # A round-numbered name ({r14_x}) was once read as literal text, so a typo did nothing.
    with pytest.raises(ValueError, match=r"test.rule.*\{r14_no_such\}"):
        _rule("{r14_no_such} ます")


def test_unknown_part_of_speech_names_the_rule():
    with pytest.raises(ValueError, match=r"test.rule.*<nounish>"):
        _rule("<nounish> が")


def test_a_fragment_finds_what_it_names():
    rule = _rule("<noun> {owing_to}")
    assert _found(rule, "台風の影響で、出荷が止まっております。") == ["台風の影響で"]
    assert _found(rule, "生産終了に伴い、在庫がございません。") == ["終了に伴い"]
    assert _found(rule, "台風が来ております。") == []


def test_a_class_is_one_whole_token_of_that_part_of_speech():
    nouns = _rule("<noun> が")
    assert _found(nouns, "在庫がございません") == ["在庫が"]
    assert _found(nouns, "来たが、") == []  # 来る is a verb
    verbs = _rule("<verb> て おる ます")
    assert _found(verbs, "進めております") == ["進めております"]
    assert _found(verbs, "ご案内しております") == ["しております"]


def test_a_class_after_an_optional_group_is_a_class():
    rule = _rule("(御 )?<verbal_noun> に 伺う ます")
    assert rule.tagged
    assert _found(rule, "明日、回収に伺います。") == ["回収に伺います"]


def test_tagged_rules_keep_lookbehinds_and_token_pins():
    rule = _rule("(?<!弊社 の )<noun> (に よる)")
    assert _found(rule, "設定ミスにより停止しました") == ["設定ミスにより"]
    assert _found(rule, "弊社のミスにより停止しました") == []
    assert _found(_rule("ミ"), "設定ミスにより") == []  # never half a token


def test_a_tagged_rules_exclude_reads_the_tagged_stream():
    rule = _rule("<noun> の 影響 で", exclude=["<adverb> <noun> の 影響"])
    assert _found(rule, "台風の影響で遅れます") == ["台風の影響で"]


def test_the_tagged_stream_pairs_each_form_with_its_tag():
    stream = Stream.of(analyse("在庫がございません").sentences[0])
    assert stream.readable() == "在庫/verbal_noun が/particle 御座る/verb ます/auxiliary ず/auxiliary"
    assert stream.tagged.count(" ") == stream.text.count(" ")


def test_noun_is_the_union_of_the_noun_tags():
    assert POS_CLASSES["verbal_noun"] < POS_CLASSES["noun"]
    assert POS_CLASSES["proper_noun"] < POS_CLASSES["noun"]
    assert not POS_CLASSES["verb"] & POS_CLASSES["noun"]


def test_potential_and_volitional_forms_are_classes_of_their_own():
    """The normalized form makes いただけます いただきます and しましょう します; the tag keeps them apart."""
    can = _rule("御 <verb> <potential> ます")
    assert _found(can, "明日からお使いいただけます") == ["お使いいただけます"]
    assert _found(can, "明日からお使いいただきます") == []
    assert _found(_rule("<potential> ます"), "本日中に送れます") == ["送れます"]
    assert _found(_rule("<potential> ます"), "箱に入れます") == []  # 入れる is no potential
    assert _found(_rule("に <potential> ます"), "どなたでもご利用になれます") == ["になれます"]
    offer = _rule("為る <volitional> か")
    assert _found(offer, "代わりの品をお送りしましょうか") == ["しましょうか"]
    assert _found(offer, "代わりの品をお送りしますか") == []


def test_potential_and_volitional_are_still_verbs_and_auxiliaries():
    assert POS_CLASSES["potential"] < POS_CLASSES["verb"] < POS_CLASSES["content"]
    assert POS_CLASSES["volitional"] < POS_CLASSES["auxiliary"]
    assert _found(_rule("<verb> <auxiliary> か"), "お送りしましょうか") == ["しましょうか"]
    assert _found(_rule("御 <verb> <verb> ます"), "お使いいただけます") == ["お使いいただけます"]
    assert Stream.of(analyse("お使いいただけます").sentences[0]).readable() == "御/prefix 使う/verb 頂く/potential ます/auxiliary"


def test_the_prefilter_tries_tagged_rules_where_they_match():
    rule = _rule("御 <verbal_noun> {humble_do} ます")
    index = RuleIndex((rule,))
    for text, expected in [("ご用意いたします", True), ("用意します", False), ("ご案内させていただきます", True)]:
        stream = Stream.of(analyse(text).sentences[0])
        assert bool(index.matches(stream)) is expected, text
        assert bool(list(rule.finditer(stream))) is expected, text



def test_builtin_rules_use_the_language():
    patterns = [p for r in builtin_rules() for p in r.patterns]
    assert any(re.search(r"\{[a-z_]+\}", p) for p in patterns)
    assert any(r.tagged for r in builtin_rules())


@pytest.mark.parametrize(
    "text",
    [
        "他社より安いので、絶対にお得です。",  # a bargain pressed ({pressure_follows})
        "この価格は今日だけですので、ぜひ。",
        "残りが少ないので、お早めにどうぞ。",
        "厳重に梱包しておりますので、破損の心配はございません。",  # reassurance ({insist_follows})
        "正しく設定されておりますので、こちらの不具合ではございません。",  # insisting
    ],
)
def test_a_reason_given_to_press_or_to_reassure_is_no_explanation(text):
    because = next(r for r in builtin_rules() if r.id == "cause.because")
    assert _found(because, text) == []


@pytest.mark.parametrize(
    "text,span",
    [
        ("部品の入荷が遅れておりますので、お届けは来週になります。", "遅れておりますので"),
        ("在庫が切れているので、お取り寄せになります", "切れているので"),
    ],
)
def test_a_reason_that_explains_still_reads_with_those_fragments(text, span):
    because = next(r for r in builtin_rules() if r.id == "cause.because")
    assert span in _found(because, text)

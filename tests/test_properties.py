"""Property tests: whatever a learner pastes, the checker answers with a report or a clean error.

Japanese-heavy inputs are built from fragments of the project's own texts (scenario
replies, model answers, rule examples) mixed with punctuation, spaces and odd characters,
so the rules and the sentence splitter really run; raw Unicode (surrogates, NUL, emoji,
combining marks, every script) tries to break validation and analysis.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graders import MAX_CHARS, InputError, check
from graders.checker.acts import rule_index, rules_for
from graders.checker.analysis import analyse
from graders.checker.report import Report
from graders.checker.rules import Stream, builtin_rules
from graders.checker.scenarios import all_scenarios

SCENARIO_IDS = sorted(all_scenarios())


def _fragments() -> list[str]:
    texts = []
    for s in all_scenarios().values():
        texts += [s.bad_reply, s.model_answer, s.customer]
    rules = list(builtin_rules()) + [r for s in all_scenarios().values() for r in s.rules]
    texts += [e.text for r in rules for e in r.examples]
    # Cut at punctuation and at random-ish points so pieces recombine into new sentences.
    pieces = {p for t in texts for p in re.split(r"(?<=[。、！？\n])", t) if p.strip()}
    pieces |= {p[: len(p) // 2] for p in list(pieces)} | {p[len(p) // 2 :] for p in list(pieces)}
    return sorted(p for p in pieces if p)


FRAGMENTS = _fragments()
ODD = [
    "。", "、", "！", "？", "?", "!", "…", "・", "\u3000", " ", "\n", "\r\n", "\t", "「", "」", "（", "）",
    "😀", "🙇\u200d♀️", "👍🏽", "\u3099", "\u309a", "か\u3099", "ｶﾞ", "ﾃﾞｽ", "ＡＢＣ", "１２３",
    "\ufeff", "\u200b", "\u202e", "한국어", "中文", "العربية", "Ελληνικά", "e\u0301", "\U0002000b",
    "〜", "ー", "ｰ", "〇", "々", "ゝ", "ヽ", "㍿", "①", "\x00", "\ud800", "\udfff",
]

any_unicode = st.text(alphabet=st.characters(exclude_categories=()), max_size=MAX_CHARS + 100)
japanese_heavy = st.lists(
    st.one_of(
        st.sampled_from(FRAGMENTS),
        st.sampled_from(FRAGMENTS),
        st.sampled_from(ODD),
        st.text(alphabet=st.characters(exclude_categories=()), max_size=5),
    ),
    max_size=150,
).map("".join)


def _long_text(pieces: list[str]):
    """Replies of 1,000 to just past 5,000 characters (hypothesis alone rarely builds them)."""

    def build(rnd, length: int) -> str:
        out, size = [], 0
        while size < length:
            piece = rnd.choice(pieces)
            out.append(piece)
            size += len(piece)
        return "".join(out)[:length]

    return st.builds(build, st.randoms(use_true_random=False), st.integers(1_000, MAX_CHARS + 60))


# Long replies near and past the limit, where chunking and slow patterns would show.
long_japanese = _long_text(FRAGMENTS + ODD[:14])
long_unicode = _long_text([chr(c) for c in range(0x20, 0x2FFF, 7)] + [chr(c) for c in range(0x3000, 0x30FF)] + ODD)
replies = st.one_of(any_unicode, japanese_heavy, long_japanese, long_unicode)
scenarios = st.sampled_from(SCENARIO_IDS)

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _gradeable(text: str) -> bool:
    """What validate() promises to accept: non-blank, within the limit, real text."""
    if not text.strip() or len(text) > MAX_CHARS or "\x00" in text:
        return False
    return not any(0xD800 <= ord(c) <= 0xDFFF for c in text)


def _check_or_error(text, scenario) -> Report | None:
    try:
        return check(text, scenario)
    except InputError as e:
        message = str(e)
        assert message and "\n" not in message, "an InputError must be one non-empty line"
        return None


@SETTINGS
@given(text=replies, scenario=scenarios)
def test_any_text_gives_a_report_or_a_clean_error(text, scenario):
    report = _check_or_error(text, scenario)
    assert (report is not None) == _gradeable(text), "a report exactly for gradeable text, a clean error otherwise"


@SETTINGS
@given(data=st.binary(max_size=2_000) | japanese_heavy.map(lambda t: t.encode("utf-8", "surrogatepass")), scenario=scenarios)
def test_any_bytes_give_a_report_or_a_clean_error(data, scenario):
    _check_or_error(data, scenario)


@SETTINGS
@given(text=st.one_of(japanese_heavy, long_japanese), scenario=scenarios)
def test_spans_lie_inside_the_text_and_match_it(text, scenario):
    report = _check_or_error(text, scenario)
    if report is None:
        return
    assert report.text == text
    for act in report.acts:
        assert 0 <= act.start < act.end <= len(text), act
        assert act.text == text[act.start : act.end]
    starts = [a.start for a in report.acts]
    assert starts == sorted(starts), "acts come in text order"
    for criterion in report.criteria:
        for start, end in criterion.spans:
            assert 0 <= start < end <= len(text), (criterion.id, start, end)
    as_json = report.to_dict()
    for act in as_json["acts"]:
        assert act["text"] == text[act["start"] : act["end"]]


@SETTINGS
@given(text=st.one_of(japanese_heavy, any_unicode), scenario=scenarios)
def test_the_same_input_gives_the_same_report(text, scenario):
    first = _check_or_error(text, scenario)
    second = _check_or_error(text, scenario)
    assert (first is None) == (second is None)
    if first is not None:
        assert first.to_dict() == second.to_dict()


@SETTINGS
@given(text=st.one_of(japanese_heavy, long_japanese), scenario=scenarios)
def test_scores_lie_within_their_bounds(text, scenario):
    report = _check_or_error(text, scenario)
    if report is None:
        return
    assert report.max_score == all_scenarios()[scenario].max_score
    assert 0 <= report.score <= report.max_score
    for criterion in report.criteria:
        assert criterion.points == (criterion.max_points if criterion.passed else 0)
    assert report.passed == (report.score == report.max_score)


@SETTINGS
@given(text=st.one_of(japanese_heavy, long_japanese), scenario=scenarios)
def test_the_rule_prefilter_never_hides_a_match(text, scenario):
    """Trying only the rules whose literals are present finds what trying every rule finds."""
    if not _gradeable(text):
        return
    spec = all_scenarios()[scenario]
    index = rule_index(spec)
    for sentence in analyse(text).sentences:
        stream = Stream.of(sentence)
        every = [(r.id, span) for r in rules_for(spec) for span in r.finditer(stream)]
        tried = [(r.id, span) for r in index.candidates(stream) for span in r.finditer(stream)]
        assert tried == every, stream.text

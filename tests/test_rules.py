"""Every rule's own examples are its tests; a rule without both kinds fails the meta-test."""

import pytest

from graders.checker.rules import builtin_rules, spans_of
from graders.checker.scenarios import all_scenarios

RULES = list(builtin_rules()) + [r for s in all_scenarios().values() for r in s.rules]
MATCH = [(r, e) for r in RULES for e in r.must_match]
NO_MATCH = [(r, e) for r in RULES for e in r.must_not_match]


def _found(rule, text):
    return [text[a:b] for a, b in spans_of(rule, text)]


@pytest.mark.parametrize("rule,example", MATCH, ids=[f"{r.id}:{e.text[:20]}" for r, e in MATCH])
def test_rule_finds_its_span(rule, example):
    assert example.span in _found(rule, example.text), f"{rule.id} should find 「{example.span}」"


@pytest.mark.parametrize("rule,example", NO_MATCH, ids=[f"{r.id}:{e.text[:20]}" for r, e in NO_MATCH])
def test_rule_stays_silent(rule, example):
    assert _found(rule, example.text) == [], f"{rule.id} must not fire on 「{example.text}」"


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_has_both_kinds_of_example(rule):
    assert rule.must_match, f"{rule.id} has no example it must match"
    assert rule.must_not_match, f"{rule.id} has no example it must not match"


def test_rule_ids_are_unique():
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))


def test_spans_are_substrings_of_their_examples():
    for rule, example in MATCH:
        assert example.span in example.text, f"{rule.id}: span 「{example.span}」 is not in its text"


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_no_pattern_or_exclude_starts_or_ends_with_a_space(rule):
    # Every match is pinned to start and end at a token boundary, so a leading or trailing space
    # would need a second space beside it: such a pattern (or exclude) can never match, and the
    # rule silently loses it.
    patterns, excludes = rule._expanded
    dead = [p for p in (*patterns, *excludes) if p.startswith(" ") or p.endswith(" ")]
    assert dead == [], f"{rule.id}: starts or ends with a space and can never match: {dead}"


def _unfiltered(rule):
    """The patterns of ``rule`` the literal prefilter cannot skip: tried on every sentence."""
    return [pattern for pattern, keys in zip(rule.patterns, rule.prefilter) if keys is None]


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_every_pattern_names_a_literal_the_prefilter_can_use(rule):
    # A pattern with no literal every match needs (only parts of speech, or a choice with an
    # empty branch) runs its regex on every sentence of every reply: give it a word.
    assert _unfiltered(rule) == [], f"{rule.id}: no literal for the prefilter in {_unfiltered(rule)} (see docs/architecture.md, Speed)"


def test_a_pattern_of_parts_of_speech_alone_leaves_its_rule_without_a_prefilter():
    from graders.checker.rules import Rule

    assert _unfiltered(Rule("x.literal", "remedy", ("<noun> を <verb>",))) == []
    # One pattern the prefilter cannot read leaves every pattern of the rule unfiltered.
    both = ("<noun> を <verb>", "<noun>( を)? <verb>")
    assert _unfiltered(Rule("x.pos_only", "remedy", both)) == list(both)

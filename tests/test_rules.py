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

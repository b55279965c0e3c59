"""Speech-act tagging: run the built-in rules and a scenario's company rules over sentences."""

from __future__ import annotations

from dataclasses import dataclass

from .analysis import Analysis
from .rules import Rule, RuleIndex, Stream, builtin_rules
from .scenarios import Scenario


@dataclass(frozen=True, slots=True)
class Act:
    kind: str
    start: int
    end: int
    text: str
    rule: str
    sentence: int  # index of the sentence it lies in

    def to_dict(self) -> dict:
        return {"kind": self.kind, "start": self.start, "end": self.end, "text": self.text, "rule": self.rule}


def rules_for(scenario: Scenario) -> tuple[Rule, ...]:
    return builtin_rules() + scenario.rules


# Scenario (by identity) -> its rules with the literal prefilter, built once per scenario.
_indexes: dict[int, tuple[Scenario, RuleIndex]] = {}


def rule_index(scenario: Scenario) -> RuleIndex:
    cached = _indexes.get(id(scenario))
    if cached is None or cached[0] is not scenario:
        if len(_indexes) >= 64:  # scenarios built on the fly (tests) must not pile up
            _indexes.clear()
        cached = _indexes[id(scenario)] = (scenario, RuleIndex(rules_for(scenario)))
    return cached[1]


def find_acts(analysis: Analysis, scenario: Scenario) -> list[Act]:
    """Acts in text order.

    Overlapping finds of one kind collapse into the first, longest; a scenario's company
    rules collapse separately, so a generic offer never hides an allowed alternative.
    """
    rules = rule_index(scenario)
    found: list[Act] = []
    for index, sentence in enumerate(analysis.sentences):
        stream = Stream.of(sentence)
        for rule in rules.candidates(stream):
            for start, end in rule.finditer(stream):
                found.append(Act(rule.kind, start, end, analysis.text[start:end], rule.id, index))
    found.sort(key=lambda a: (a.start, -(a.end - a.start), a.kind, a.rule))
    kept: list[Act] = []
    last_end: dict[tuple[str, bool], int] = {}
    company = {r.id for r in scenario.rules}
    for act in found:
        key = (act.kind, act.rule in company)
        if act.start < last_end.get(key, -1):
            continue
        kept.append(act)
        last_end[key] = act.end
    return kept

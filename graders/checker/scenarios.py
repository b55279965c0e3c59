"""Scenarios as data: graders/checker/scenarios/*.toml, one file per scenario id.

A scenario holds the situation, what the customer said, the bad reply to rewrite, a model
answer (public: the lessons show it), the company rules (forbidden promises and allowed
alternatives, each a rule with its own examples) and which criteria grade it, with their
points. The instructors' reference replies are not here: this package is installed in every
learner's environment (see graders.assignments.references).
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources

from .errors import InputError
from . import rules as _rules
from .rules import Rule, rule_from_table


@dataclass(frozen=True)
class Criterion:
    id: str
    points: int


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    seed: str
    lesson: str
    situation: str
    customer: str
    bad_reply: str
    model_answer: str
    criteria: tuple[Criterion, ...]
    forbidden: tuple[Rule, ...]  # promises the company rules forbid (kind forbidden_promise)
    alternatives: tuple[Rule, ...]  # options the company allows (kind alternative)
    # An example question that fits this situation, quoted when asks_reason fails.
    reason_question_example: str = "差し支えなければ、そうお考えの理由を伺ってもよろしいでしょうか"
    # Examples quoted in the order criteria's advice; a scenario gives ones that fit it.
    cause_example: str = "〜のため、〜となってしまいました"
    remedy_example: str = "〜は本日中に〜いたします"
    # Whether word cues (cues.py) add the acts the rules miss: fitted on replies checked with
    # no company rules, so only the generic scenario reads them.
    word_cues: bool = False

    @property
    def rules(self) -> tuple[Rule, ...]:
        return self.forbidden + self.alternatives

    @property
    def max_score(self) -> int:
        return sum(c.points for c in self.criteria)


def _parse(data: dict) -> Scenario:
    sid = data["id"]
    return Scenario(
        id=sid,
        title=data["title"],
        seed=data.get("seed", ""),
        lesson=data.get("lesson", ""),
        situation=data.get("situation", "").strip(),
        customer=data.get("customer", "").strip(),
        bad_reply=data.get("bad_reply", "").strip(),
        model_answer=data.get("model_answer", "").strip(),
        criteria=tuple(Criterion(c["id"], int(c.get("points", 1))) for c in data["criteria"]),
        forbidden=tuple(rule_from_table(t, "forbidden_promise", f"{sid}.") for t in data.get("forbidden", [])),
        alternatives=tuple(rule_from_table(t, "alternative", f"{sid}.") for t in data.get("alternatives", [])),
        **{key: data[key] for key in ("reason_question_example", "cause_example", "remedy_example", "word_cues") if key in data},
    )


def _tables() -> list[dict]:
    """Every scenarios/*.toml, read, in file name order."""
    folder = resources.files(__package__) / "scenarios"
    entries = sorted((e for e in folder.iterdir() if e.name.endswith(".toml")), key=lambda e: e.name)
    return [tomllib.loads(entry.read_text(encoding="utf-8")) for entry in entries]


def _loaded() -> Iterator[tuple[dict, Scenario]]:
    """Every scenario file, read and parsed, its rules compiled (a bad one raises)."""
    for data in _tables():
        scenario = _parse(data)
        for rule in scenario.rules:
            rule.compile()
        yield data, scenario


def prepared() -> list:
    """What needs_cache keeps of the scenarios (needs_cache.key hashes their files): per
    scenario, its table, what rules.kept makes of each of its rules, and their plan (see
    rules.plan). Raises as all_scenarios would on a bad scenario."""
    return [(data, tuple(map(_rules.kept, s.rules)), _rules.plan(s.rules)) for data, s in _loaded()]


@functools.cache
def all_scenarios() -> dict[str, Scenario]:
    found: dict[str, Scenario] = {}
    kept = _rules.kept_scenarios()
    if kept is not None:
        # Checked and compiled by an earlier start: no TOML to read, no pattern to parse.
        for data, rules_kept, found_plan in kept:
            scenario = _parse(data)
            for rule, data_kept in zip(scenario.rules, rules_kept):
                _rules.restore(rule, data_kept)
            _rules.keep_plan(scenario.rules, found_plan)
            found[scenario.id] = scenario
        return found
    for _, scenario in _loaded():
        found[scenario.id] = scenario
    return found


def get_scenario(scenario_id: str) -> Scenario:
    try:
        return all_scenarios()[scenario_id]
    except KeyError:
        known = ", ".join(sorted(all_scenarios()))
        raise InputError(f"シナリオ「{scenario_id}」はありません。使えるシナリオ: {known}") from None

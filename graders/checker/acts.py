"""Speech-act tagging: run the built-in rules and a scenario's company rules over sentences."""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from .analysis import Analysis
from .cues import cue_model
from .rules import Rule, RuleIndex, Stream, builtin_rules
from .scenarios import Scenario

# Japanese names of the act kinds, as learners see them.
ACT_NAMES = {
    "apology": "謝罪",
    "empathy": "共感",
    "thanks": "感謝",
    "remedy": "対処",
    "cause": "原因",
    "prevention": "再発防止",
    "excuse": "言い訳",
    "reason_question": "理由を尋ねる",
    "alternative": "代替案",
    "refusal": "お断り",
    "denial": "否定",
    "pressure": "押しつけ",
    "forbidden_promise": "ルール外の約束",
}


class Act(NamedTuple):
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


class _ScenarioRules(NamedTuple):
    scenario: Scenario  # held, so that its id() cannot be reused while cached
    index: RuleIndex
    company: frozenset[str]  # ids of the scenario's own rules


@functools.cache
def _builtin_index() -> RuleIndex:
    return RuleIndex(builtin_rules())


# Scenario (by identity) -> its rules with the literal prefilter, built once per scenario
# over the one index of the built-in rules.
_indexes: dict[int, _ScenarioRules] = {}


def _scenario_rules(scenario: Scenario) -> _ScenarioRules:
    cached = _indexes.get(id(scenario))
    if cached is None or cached.scenario is not scenario:
        if len(_indexes) >= 64:  # scenarios built on the fly (tests) must not pile up
            _indexes.clear()
        index = RuleIndex(scenario.rules, base=_builtin_index())
        cached = _indexes[id(scenario)] = _ScenarioRules(scenario, index, frozenset(r.id for r in scenario.rules))
    return cached


def rule_index(scenario: Scenario) -> RuleIndex:
    """The rules of ``rules_for(scenario)``, with the literal prefilter."""
    return _scenario_rules(scenario).index


_new = tuple.__new__  # builds an Act without the named tuple's Python-level __new__


def _order(act: Act) -> tuple:
    return act.start, act.start - act.end, act.kind, act.rule  # first, then longest


def find_acts(analysis: Analysis, scenario: Scenario) -> list[Act]:
    """Acts in text order.

    Overlapping finds of one kind collapse into the first, longest; a scenario's company
    rules collapse separately, so a generic offer never hides an allowed alternative.
    """
    _, rules, company = _scenario_rules(scenario)
    text = analysis.text
    found: list[Act] = []
    continuing: set[str] = set()
    for index, sentence in enumerate(analysis.sentences):
        for rule, start, end in rules.matches(Stream.of(sentence)):
            found.append(_new(Act, (rule.kind, start, end, text[start:end], rule.id, index)))
            if rule.continues_reason:
                continuing.add(rule.id)
    if len(found) >= 2:
        found = _resolved(found, continuing, company)
    return _with_word_cues(analysis, found) if scenario.word_cues else found


def _resolved(found: list[Act], continuing: set[str], company: frozenset[str]) -> list[Act]:
    """One act per overlap of a kind, continuations and acts inside others dropped."""
    found.sort(key=_order)
    kept: list[Act] = []
    last_end: dict[tuple[str, bool], int] = {}
    for act in found:
        key = (act.kind, act.rule in company)
        if act.start < last_end.get(key, -1):
            continue
        kept.append(act)
        last_end[key] = act.end
    return _without_follow_ups(_without_subsumed(_without_continuations(kept, continuing), company))


# A request to tell put as a condition (状況をお聞かせいただければ、…; 用途を伺えれば、…) right after a
# question about the customer in the sentence before is that question's follow-up, not a second
# question (round eighteen: three writers label only the question); alone, it is the question.
_CONDITION_END = re.compile(r"(?:ば|たら|ましたら|ますと)[、,\s]*$")


def _without_follow_ups(acts: list[Act]) -> list[Act]:
    asked = {a.sentence for a in acts if a.kind == "reason_question"}
    if len(asked) < 2:
        return acts
    return [
        a
        for a in acts
        if not (a.kind == "reason_question" and a.sentence - 1 in asked and _CONDITION_END.search(a.text))
    ]


# Why-kinds: a clause marked ``continues_reason`` (rules.py) after one of them in its sentence
# is the same explanation continued, not a second one: …故障が発生しておりまして、出荷が後ろ倒し
# になっている状況です (the state it led to); …2時間制とさせていただいており、3時間でのご提供は
# お受けしておりません (the refusal it grounds); …ため、規定により…; …ことによるものです.
_REASON_KINDS = frozenset({"cause", "excuse"})


def _without_continuations(acts: list[Act], continuing: set[str]) -> list[Act]:
    if not continuing:
        return acts
    first_end: dict[int, int] = {}  # sentence -> end of its first reason
    kept = []
    for a in acts:
        if a.kind in _REASON_KINDS:
            end = first_end.get(a.sentence)
            if end is not None and end <= a.start and a.rule in continuing:
                continue
            first_end.setdefault(a.sentence, a.end)
        kept.append(a)
    return kept


# A kind found inside an act of another kind is part of it: a reason given to contradict
# the customer (床暖房を完備しておりますので、そのようなことはございません) is the denial, and
# a reason inside an offer (…できますので、こちらをご利用ください) is the offer; so is a
# company action inside a generic offer (お困りでしたら、ホテルをご用意いたします). A
# scenario's allowed alternative may be the remedy itself (先に納品いたします): it keeps it.
# A reason inside a question is the question's premise, not an explanation of the problem
# (濡れてしまったもので支障が出ているものはございますか; 今回の遅延で、…お聞かせください);
# but in spoken text with no 。 a question may run on from the reason before it, and a
# reason with a spoken break (a space) after it in the question is a clause of its own:
# 予約で埋まっておりまして　何時ごろまでに…よろしいですか.
# A question that is also a reproach (ロッカーちゃんと鍵かけました？, サイズ測ってもらってました？) is
# the denial, not a question about the customer's situation (README: a rhetorical question
# that reproaches is a denial); a why-question still asks the reason, blaming or not
# (なぜご連絡いただけなかったのですか counts as asking, tests/data/labelled).
SUBSUMED_BY = {
    "cause": ("denial", "alternative", "reason_question"),
    "remedy": ("alternative",),
    "reason_question": ("denial", "alternative"),
}
# Only an offer asked with ましょうか takes a reason_question in (round eighteen): 寄りましょうか is our
# step offered, never a question about the customer; other offers may hold a real question
# (もし在庫があれば、いつ頃取りに来られそうですか).
_OFFERS_ASKED = frozenset({"alternative.r8_offer_asked", "alternative.r18_rq_our_step_asked"})
_ASKS_WHY = re.compile(r"なぜ|何故|どうして|なんで|何で")
ONLY_BY_GENERIC = frozenset({"remedy"})
# But a remedy given as the reason for the offer that follows it is a clause of its own:
# 台数を増やして対応しておりますので、よろしければそちらもお使いください (what we do, then an option).
_REASON_AFTER = re.compile(r"(?:ます|です)?(?:ので|から|ため)")
KEPT_BEFORE_REASON = frozenset({"remedy"})


def _part_of(act: Act, cover: Act) -> bool:
    """Whether ``act`` lies in ``cover`` as part of it (see SUBSUMED_BY)."""
    if not (cover.start < act.end and act.start < cover.end):
        return False
    if act.kind == "reason_question" and _ASKS_WHY.search(act.text):
        return False
    if act.kind == "reason_question" and cover.kind == "alternative":
        return cover.rule in _OFFERS_ASKED
    if act.kind in KEPT_BEFORE_REASON and act.end < cover.end:
        return not _REASON_AFTER.match(cover.text, act.end - cover.start)
    if cover.kind == "reason_question":
        rest = cover.text[act.end - cover.start :]
        return bool(rest) and not any(ch.isspace() for ch in rest)
    return True


# (r18-expl) A cause ending in ので/から right before an offer in its sentence, with no trouble in
# it, is the ground of the offer, not an explanation of the problem: バックアップを毎日取っておりますので、
# 過去の分でしたら戻せます, 隣の園は今空いてるので見学してみては (w29, w36, w39, w44); a trouble
# told before an offer stays one (混み合っておりますので、午後でしたら…, 対象外となりますので…).
_GROUND_SO = re.compile(r"(?:ので|から|んで)$")
_TROUBLE_IN = re.compile(r"ない|無い|ません|ず|対象外|混み|込み|遅れ|不具合|故障|障害|切れ|終了|満")
_OFFER_GAP = 12


def _grounds_offer(act: Act, acts: list[Act]) -> bool:
    """Whether ``act``, a cause ending in ので/から, is followed in its sentence by an offer
    that it grounds (…取っておりますので、過去の分でしたら戻せます)."""
    return bool(_GROUND_SO.search(act.text)) and not _TROUBLE_IN.search(act.text) and any(
        o.kind == "alternative" and o.sentence == act.sentence and 0 <= o.start - act.end <= _OFFER_GAP for o in acts
    )


def _without_subsumed(acts: list[Act], company: frozenset[str] = frozenset()) -> list[Act]:
    acts = [a for a in acts if not (a.kind == "cause" and _grounds_offer(a, acts))]
    covers = {kind: [a for a in acts if a.kind == kind] for kinds in SUBSUMED_BY.values() for kind in kinds}
    if not any(covers.values()):
        return acts
    return [
        a
        for a in acts
        if a.kind not in SUBSUMED_BY
        or not any(
            _part_of(a, c) and not (a.kind in ONLY_BY_GENERIC and c.rule in company)
            for kind in SUBSUMED_BY[a.kind]
            for c in covers[kind]
        )
    ]


# A cue act of a kind is not added where the rules found that kind, nor where it would be part
# of what they found (SUBSUMED_BY); an explanation is a cause or an excuse.
CUE_RULE = "cue."  # the rule id of a cue act: cue.<kind>
_SAME_KIND = {"cause": ("excuse",)}


@functools.cache
def _cue_blocked_by(kind: str) -> frozenset[str]:
    return frozenset({kind, *_SAME_KIND.get(kind, ()), *SUBSUMED_BY.get(kind, ())})


def _with_word_cues(analysis: Analysis, acts: list[Act]) -> list[Act]:
    """``acts`` less those of a kind a long sentence's words rule out, and, in each sentence,
    an act of each kind the word cues are sure of and the rules did not find there (cues.py).
    Its span is the sentence less an apology in its first or last half, so
    大変申し訳ございません、…遅れております still puts the apology first."""
    model = cue_model()
    readings = [model.read(sentence.forms(), sentence.tags()) for sentence in analysis.sentences]
    acts = [a for a in acts if a.kind not in readings[a.sentence].unlikely]
    added = []
    for index, (sentence, reading) in enumerate(zip(analysis.sentences, readings)):
        kinds = reading.sure
        if not kinds:
            continue
        here = [a for a in acts if a.sentence == index]
        present = {a.kind for a in here}
        for kind in kinds:
            if present & _cue_blocked_by(kind):
                continue
            start, end = sentence.start, sentence.end
            middle = (start + end) / 2
            for a in here:
                if a.kind == "apology" and a.end <= middle:
                    start = max(start, a.end)
                elif a.kind == "apology" and a.start >= middle:
                    end = min(end, a.start)
            if start < end:
                added.append(_new(Act, (kind, start, end, analysis.text[start:end], CUE_RULE + kind, index)))
    return sorted(acts + added, key=_order) if added else acts

"""Word cues (graders/checker/cues.py): the acts the rules miss, read off a sentence's words,
added only where the rules found nothing of that kind, and only for the generic scenario."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.accuracy import load_realistic
from graders.checker import acts as acts_module
from graders.checker import cues as cues_module
from graders.checker.check import check
from graders.checker.cues import VETOES, CueModel, cue_model, features

ROOT = Path(__file__).resolve().parent.parent

# Said in words no denial rule names; the cues read them as denials (written for this test).
DISMISSALS = [
    "うちの機械はそんな簡単に壊れるものではないですよ。",
    "そういう使い方をされれば、どうしても壊れてしまうと思いますけどね。",
]


# Long sentences where a rule misfires and the words rule its kind out (written for this test):
# a stage's cancellation put down to an illness (not the customer's doing), a refund's terms, a
# notice of a new date.
MISFIRES = [
    ("公演の中止は、主演俳優が急病で入院し、医師から一か月の療養を指示されたことによるものです。", "denial"),
    ("すでにお支払いを済まされた方には、返金に伴う振込手数料について個別にご相談を承ります。", "cause"),
    ("明後日に予定しておりました給湯器の交換工事につきまして、日程を変更させていただくお知らせです。", "cause"),
]


def _cue_acts(report):
    return [a for a in report.acts if a.rule.startswith(acts_module.CUE_RULE)]


@pytest.mark.parametrize("text", DISMISSALS)
def test_a_dismissal_no_rule_names_is_a_denial_by_its_words(text):
    report = check(text, "generic")
    assert [a.kind for a in _cue_acts(report)] == ["denial"], report.acts
    assert not next(c for c in report.criteria if c.id == "no_denial").passed


@pytest.mark.parametrize("text", DISMISSALS)
def test_a_course_scenario_reads_no_cues(text):
    assert not _cue_acts(check(text, "refund-window"))


def test_a_short_courtesy_is_not_judged_by_one_word():
    # いえいえ、とんでもないです answers thanks; one content word is too little to go on.
    report = check("いえいえ、とんでもないです。", "generic")
    assert not report.acts


def test_cues_add_only_where_the_rules_found_nothing_of_the_kind():
    same = {"cause": {"cause", "excuse"}}
    replies = load_realistic(ROOT / "tests/data/realistic/dev")[::7]
    added = 0
    for reply in replies:
        report = check(reply.text, "generic")
        for cue in _cue_acts(report):
            added += 1
            kinds = same.get(cue.kind, {cue.kind})
            others = [a for a in report.acts if a.sentence == cue.sentence and a is not cue and a.kind in kinds]
            assert not others, (reply.id, cue, others)
            sure = cue_model().probabilities(_forms(reply.text, cue.sentence))[cue.kind]
            assert sure >= cue_model().thresholds[cue.kind], (reply.id, cue, sure)
    assert added, "no cue act in a sample of the dev replies"


def _forms(text, index):
    from graders.checker.analysis import analyse

    return analyse(text).sentences[index].forms()


def test_an_apology_opening_the_sentence_stays_before_the_cue_explanation(monkeypatch):
    # A model that knows one word: 渋滞 (a traffic jam) is a cause.
    model = CueModel({"thresholds": {"cause": 0.5}, "kinds": {"cause": {"bias": -5.0, "weights": {"渋滞": 10.0}}}})
    monkeypatch.setattr(acts_module, "cue_model", lambda: model)
    report = check("大変申し訳ございません、道がひどい渋滞です。", "generic")
    cue = _cue_acts(report)
    assert [(a.kind, a.text) for a in cue] == [("cause", "、道がひどい渋滞です。")]
    assert next(c for c in report.criteria if c.id == "apology_before_explanation").passed


def test_features_are_the_words_their_pairs_and_the_ending():
    assert features(["道", "が", "混む"]) == {"道", "が", "混む", "道_が", "が_混む", "END_道_が_混む"}


def test_the_cue_weights_are_what_the_dev_replies_give():
    done = subprocess.run([sys.executable, "scripts/train_cues.py", "--check"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_each_kind_is_added_at_its_own_threshold(monkeypatch):
    # One word makes both kinds 0.73 sure (bias 0, weight 1): enough for a cause at 0.6, not for a
    # denial at 0.85.
    model = CueModel(
        {
            "thresholds": {"cause": 0.6, "denial": 0.85},
            "kinds": {"cause": {"bias": 0.0, "weights": {"渋滞": 1.0}}, "denial": {"bias": 0.0, "weights": {"渋滞": 1.0}}},
        }
    )
    monkeypatch.setattr(acts_module, "cue_model", lambda: model)
    report = check("道がひどい渋滞です。", "generic")
    assert [a.kind for a in _cue_acts(report)] == ["cause"]


@pytest.mark.parametrize("text,kind", MISFIRES)
def test_a_long_sentence_whose_words_rule_a_kind_out_loses_the_rules_act(text, kind, monkeypatch):
    assert kind not in {a.kind for a in check(text, "generic").acts}
    monkeypatch.setattr(cues_module, "VETOES", {})
    assert kind in {a.kind for a in check(text, "generic").acts}  # the rule's act, without the veto


def test_a_short_sentence_keeps_its_rules_act_however_unlikely_its_words(monkeypatch):
    # A model sure of nothing rules every kind out, but only where there are words enough.
    nothing = {"bias": -20.0, "weights": {}}
    model = CueModel({"thresholds": {kind: 0.5 for kind in VETOES}, "kinds": {kind: nothing for kind in VETOES}})
    monkeypatch.setattr(acts_module, "cue_model", lambda: model)
    short = "明日の午前中の便はいかがでしょうか。"  # one of the issue's own offers
    assert "alternative" in {a.kind for a in check(short, "generic").acts}
    text, kind = MISFIRES[1]
    assert kind not in {a.kind for a in check(text, "generic").acts}


def test_a_course_scenario_keeps_the_rules_acts():
    text, kind = MISFIRES[1]
    assert kind in {a.kind for a in check(text, "refund-window").acts}


def test_the_writers_held_out_of_the_cues_are_reported_apart():
    from benchmarks.accuracy import sets, writer_of
    from graders.checker.cues import held_out_writers
    from scripts.train_cues import HELD_OUT

    assert held_out_writers() == HELD_OUT
    (name, replies), = [(n, r) for n, r in sets(ROOT, dev_only=True) if "never read" in n]
    assert {writer_of(r) for r in replies} == set(HELD_OUT)

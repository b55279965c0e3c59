"""Word cues: acts the rules' constructions miss, read off the words people use for them.

The rules name constructions; people who never read them say the same things in words no
rule names. For five act kinds (explanation, remedy, reason_question, alternative, denial) a
logistic model over a sentence's words (normalized forms, each pair of neighbours, the last
three together) was fitted on the labelled dev replies (scripts/train_cues.py writes ``cues.json``;
a test checks the file is what the data gives). A scenario that reads cues (``word_cues =
true``: the generic one) gets an act of a kind in a sentence the rules left without one when
the model is at least as sure as that kind's threshold (acts.py: _with_word_cues). The other
way round, where a long sentence's words make a kind very unlikely (VETOES), a rule's act of
that kind there is dropped: the rule misfired on a construction it was not written for.
Deterministic: the same words always give the same weights.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Sequence
from importlib import resources
from typing import NamedTuple

from .analysis import FORM_TAGS, POS_TAGS

# Words alone decide only where there are enough of them: a sentence needs this many content
# words (nouns, verbs, adjectives, adverbs; not the light ones that serve as grammar: ない,
# ある, する, いる, なる, ございます, いただく, 思う, こと…) before its cues count
# (いえいえ、とんでもないです answers thanks; one word is too little to call it a denial).
MIN_CONTENT_WORDS = 2
LIGHT_WORDS = frozenset("無い 有る 為る 居る 成る 御座る 致す 頂く 下さる 貰う 呉れる 申す 存ずる 思う 言う 事 物 為 所 様 方".split())
_CONTENT = ("verbal_noun", "na_noun", "common_noun", "proper_noun", "number", "pronoun", "verb", "adjective", "na_adjective", "adverb")
_CONTENT_TAGS = frozenset(POS_TAGS[name][0] for name in _CONTENT) | {FORM_TAGS["potential"][0]}

# Words overrule a rule only in a long sentence: the model calls unlikely any short phrasing
# it has not seen (明日の午前中の便はいかがでしょうか), so it needs this many content words.
VETO_MIN_CONTENT_WORDS = 6
# A rule's act of a kind is dropped where the words give that kind less than this. Chosen on
# writers w59-w61 while no rule or cue had seen them (all criteria 94.4% -> 95.6%, no recall
# lost), confirmed on w56-w58 (94.7% -> 95.6%). Not questions: a conditional request
# (お使いの場面を伺えれば…) scores 0.03 and is one of the issue's own cases. Remedies since
# round twenty, with their cues.
VETOES = {"remedy": 0.05, "cause": 0.05, "alternative": 0.05, "denial": 0.05}


def features(forms: Sequence[str]) -> set[str]:
    """What a sentence's words say to the model: each form, each pair, the last three."""
    pairs = (f"{a}_{b}" for a, b in zip(forms, forms[1:]))
    return {*forms, *pairs, "END_" + "_".join(forms[-3:])}


class _Kind:
    __slots__ = ("bias", "weights")

    def __init__(self, bias: float, weights: dict[str, float]):
        self.bias = bias
        self.weights = weights

    def probability(self, found: set[str]) -> float:
        weights = self.weights
        score = self.bias + sum(weights.get(f, 0.0) for f in found)
        return 1.0 / (1.0 + math.exp(-score))


class Reading(NamedTuple):
    """A sentence's words: the kinds sure enough to add, and the kinds they rule out."""

    sure: tuple[str, ...]
    unlikely: frozenset[str]


NOTHING_READ = Reading((), frozenset())


class CueModel:
    """The fitted weights: checker act kind -> its model, and how sure an act of it must be."""

    def __init__(self, data: dict):
        self.thresholds: dict[str, float] = data["thresholds"]
        self.kinds = {kind: _Kind(k["bias"], k["weights"]) for kind, k in data["kinds"].items()}

    def probabilities(self, forms: Sequence[str]) -> dict[str, float]:
        found = features(forms)
        return {kind: model.probability(found) for kind, model in self.kinds.items()}

    def read(self, forms: Sequence[str], tags: Sequence[str]) -> Reading:
        """What a sentence (its forms and their POS tags) carries by its words alone, and the
        kinds a long sentence's words rule out (VETOES) whatever a rule found there."""
        words = content_words(forms, tags)
        if words < MIN_CONTENT_WORDS:
            return NOTHING_READ
        sure = self.probabilities(forms)
        carried = tuple(kind for kind, p in sure.items() if p >= self.thresholds[kind])
        if words < VETO_MIN_CONTENT_WORDS:
            return Reading(carried, frozenset())
        return Reading(carried, frozenset(kind for kind, below in VETOES.items() if kind in sure and sure[kind] < below))


def content_words(forms: Sequence[str], tags: Sequence[str]) -> int:
    """How many of a sentence's words carry content (not the light ones of LIGHT_WORDS)."""
    return sum(tag in _CONTENT_TAGS and form not in LIGHT_WORDS for form, tag in zip(forms, tags))


@functools.cache
def _fitted() -> dict:
    return json.loads((resources.files(__package__) / "cues.json").read_text(encoding="utf-8"))


@functools.cache
def cue_model() -> CueModel:
    return CueModel(_fitted())


def held_out_writers() -> tuple[str, ...]:
    """The dev writers the cues were not fitted on (scripts/train_cues.py HELD_OUT)."""
    return tuple(_fitted().get("held_out", ()))

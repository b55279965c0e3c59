"""Speech-act rules as data: loading them from TOML and matching them against sentences.

A rule's patterns are regular expressions over the *normalized token stream* of one
sentence: Sudachi's normalized forms joined by single spaces (``申し訳ございません`` is
``申し訳 御座る ます ず``). Matches always start and end on token boundaries and map back
to character offsets in the original text. Write negation as a lookahead inside the
pattern, or list it under ``exclude``: a rule does not fire in a sentence that any of its
``exclude`` patterns match. ``python -m graders tokens TEXT`` prints the stream.

Every rule carries examples: ``match`` (text and the span it must find) and ``no_match``
(texts it must not fire on). tests/test_rules.py runs them all.
"""

from __future__ import annotations

import bisect
import functools
import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Iterable, Iterator

from .analysis import Sentence, analyse

ACT_KINDS = (
    "apology",
    "empathy",
    "thanks",
    "remedy",
    "cause",
    "prevention",
    "excuse",
    "reason_question",
    "alternative",
    "refusal",
    "denial",
    "pressure",
    "forbidden_promise",
)


@dataclass(frozen=True)
class Example:
    text: str
    span: str | None = None  # the text the rule must find; None for a no-match example


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    patterns: tuple[str, ...]
    message: str = ""
    lesson: str = ""
    exclude: tuple[str, ...] = ()
    examples: tuple[Example, ...] = ()
    label: str = ""  # short Japanese name, for scenario alternatives and promises

    @functools.cached_property
    def _compiled(self) -> tuple[re.Pattern, ...]:
        # (?<![^ ]) / (?![^ ]) pin both ends of a match to token boundaries.
        return tuple(re.compile(rf"(?<![^ ])(?:{p})(?![^ ])") for p in self.patterns)

    @functools.cached_property
    def _excluded(self) -> tuple[re.Pattern, ...]:
        return tuple(re.compile(rf"(?<![^ ])(?:{p})(?![^ ])") for p in self.exclude)

    @functools.cached_property
    def needs(self):
        """Literals its matches need (see rule_needs); parsed once per rule, not per scenario."""
        return rule_needs(self)

    def compile(self) -> None:
        """Compile every pattern now; a bad one raises ValueError naming the rule."""
        try:
            self._compiled, self._excluded
        except re.error as e:
            raise ValueError(f"rule {self.id}: bad pattern: {e}") from None

    @property
    def must_match(self) -> list[Example]:
        return [e for e in self.examples if e.span is not None]

    @property
    def must_not_match(self) -> list[Example]:
        return [e for e in self.examples if e.span is None]

    def finditer(self, stream: "Stream") -> Iterator[tuple[int, int]]:
        """(start, end) character spans in the original text where this rule fires."""
        if any(p.search(stream.text) for p in self._excluded):
            return
        for pattern in self._compiled:
            for m in pattern.finditer(stream.text):
                if m.end() > m.start():
                    yield stream.span(m.start(), m.end())


@dataclass(frozen=True)
class Stream:
    """One sentence as a space-joined string of normalized forms, with offsets back."""

    text: str
    starts: tuple[int, ...]  # where each token begins in ``text``
    sentence: Sentence

    @classmethod
    def of(cls, sentence: Sentence) -> "Stream":
        parts, starts, pos = [], [], 0
        for tok in sentence.tokens:
            form = tok.normalized.replace(" ", "_") or tok.surface
            starts.append(pos)
            parts.append(form)
            pos += len(form) + 1
        return cls(" ".join(parts), tuple(starts), sentence)

    def span(self, start: int, end: int) -> tuple[int, int]:
        first = bisect.bisect_right(self.starts, start) - 1
        last = bisect.bisect_right(self.starts, end - 1) - 1
        tokens = self.sentence.tokens
        return tokens[first].start, tokens[last].end


# ---------------------------------------------------------------- literal prefilter
#
# Most sentences give most rules nothing to find, yet trying a rule costs a regex search
# and some Python. So each pattern's parsed form is read for the literals any match needs
# (``申し訳 (御座る|有る)`` needs "申し訳 " and one of "御座る"/"有る"), and a rule runs on a
# sentence only if one of its patterns has all it needs in the sentence's stream. That is
# only a necessary condition, so the acts found are exactly those of running every rule.

try:  # the parser behind re.compile; private but stable, and optional here
    from re import _constants as _sre
    from re import _parser as _sre_parse
except ImportError:  # pragma: no cover (Python < 3.11 names)
    _sre = _sre_parse = None

_Needs = list[frozenset[str]]  # every set must have one of its literals in the stream


def _needs(items) -> _Needs:
    """What a parsed (sub)pattern needs in the text it is searched in, as literal sets."""
    needs: _Needs = []
    run = ""
    for op, av in items:
        if op is _sre.LITERAL:
            run += chr(av)
            continue
        if run:
            needs.append(frozenset([run]))
            run = ""
        if op is _sre.SUBPATTERN:
            _group, add_flags, _del_flags, sub = av
            if not add_flags:
                needs += _needs(sub)
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, getattr(_sre, "POSSESSIVE_REPEAT", None)):
            low, _high, sub = av
            if low >= 1:
                needs += _needs(sub)
        elif op is _sre.BRANCH:
            keys = [_best(_needs(alternative)) for alternative in av[1]]
            if all(keys):
                needs.append(frozenset().union(*keys))
        elif op is _sre.IN:
            if all(member_op is _sre.LITERAL for member_op, _ in av):
                needs.append(frozenset(chr(code) for _, code in av))
        elif op is _sre.ASSERT:  # a positive lookaround's text is in the stream too
            needs += _needs(av[1])
        elif op is getattr(_sre, "ATOMIC_GROUP", None):
            needs += _needs(av)
        # Anything else (negative lookarounds, classes, anchors, references) needs nothing.
    if run:
        needs.append(frozenset([run]))
    return [n for n in needs if all(lit.strip() for lit in n)]  # a lone space is no filter


def _selectivity(literals: frozenset[str]) -> int:
    """Higher for rarer literals: longer ones, and ones with kanji or katakana."""

    def score(lit: str) -> int:
        word = lit.strip()
        return len(word) + (3 if any(not ("\u3040" <= c <= "\u309f") for c in word) else 0)

    return min(score(lit) for lit in literals)


def _best(needs: _Needs) -> frozenset[str] | None:
    return max(needs, key=_selectivity) if needs else None


def rule_needs(rule: Rule) -> tuple[tuple[tuple[str, ...], ...], ...] | None:
    """Per pattern, the literal sets its matches need (rarest first); None: no filter."""
    if _sre_parse is None:
        return None
    found = []
    for pattern in rule.patterns:
        try:
            parsed = _sre_parse.parse(pattern)
        except Exception:  # noqa: BLE001 (any parser hiccup means: no prefilter for this rule)
            return None
        if parsed.state.flags & (_sre.SRE_FLAG_IGNORECASE | _sre.SRE_FLAG_LOCALE):
            return None
        needs = sorted(set(_needs(parsed)), key=_selectivity, reverse=True)
        if not needs:
            return None
        found.append(tuple(tuple(sorted(n)) for n in needs))
    return tuple(found) or None


def _may_fire(text: str, needs) -> bool:
    """Whether some pattern has every literal set it needs met in ``text``."""
    for pattern_needs in needs:
        for literals in pattern_needs:
            for literal in literals:
                if literal in text:
                    break
            else:
                break  # this set is absent: the pattern cannot match
        else:
            return True
    return False


# Kanji that normalized streams are full of (為る, 御, 致す, 有る...): poor anchors.
_COMMON_CHARS = set("為御致有申上頂下居出来事成言思様方時今日")


def _anchor(literal: str) -> str:
    """The character of ``literal`` least likely to be in a sentence: the one to look for."""

    def rarity(c: str) -> int:
        if c.isspace():
            return -1
        if "\u3040" <= c <= "\u309f":  # hiragana
            return 1
        return 2 if c in _COMMON_CHARS else 3

    return max(literal, key=rarity)


class RuleIndex:
    """A tuple of rules with the literal prefilter: ``candidates(stream)`` in rule order.

    Each rule is filed under one character of each of its key literals; a sentence's
    characters pick the rules worth checking, and substring tests of every literal set
    their patterns need confirm them.
    """

    def __init__(self, rules: tuple[Rule, ...]):
        self.rules = rules
        self._needs = tuple(r.needs for r in rules)
        self._always = frozenset(i for i, needs in enumerate(self._needs) if needs is None)
        self._by_char: dict[str, set[int]] = {}
        for i, needs in enumerate(self._needs):
            # File the rule under the anchor of each literal of each pattern's rarest set.
            for literal in {lit for pattern_needs in needs or () for lit in pattern_needs[0]}:
                self._by_char.setdefault(_anchor(literal), set()).add(i)

    def candidates(self, stream: "Stream") -> list[Rule]:
        text = stream.text
        chosen = set(self._always)
        by_char = self._by_char
        for c in set(text):
            found = by_char.get(c)
            if found:
                chosen |= found
        needs = self._needs
        return [self.rules[i] for i in sorted(chosen) if needs[i] is None or _may_fire(text, needs[i])]


def _examples(table: dict) -> tuple[Example, ...]:
    found = [Example(e["text"], e["span"]) for e in table.get("match", [])]
    found += [Example(text) for text in table.get("no_match", [])]
    return tuple(found)


def rule_from_table(table: dict, kind: str | None = None, prefix: str = "") -> Rule:
    patterns = table["patterns"]
    return Rule(
        id=prefix + table["id"],
        kind=kind or table["kind"],
        patterns=tuple([patterns] if isinstance(patterns, str) else patterns),
        message=table.get("message", ""),
        lesson=table.get("lesson", ""),
        exclude=tuple(table.get("exclude", ())),
        examples=_examples(table),
        label=table.get("label", ""),
    )


@functools.cache
def builtin_rules() -> tuple[Rule, ...]:
    """Every rule in graders/rules/*.toml, in file then table order."""
    rules: list[Rule] = []
    folder = resources.files("graders") / "rules"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            data = tomllib.loads(entry.read_text(encoding="utf-8"))
            rules.extend(rule_from_table(t) for t in data.get("rule", []))
    for rule in rules:
        rule.compile()
    unknown = sorted({r.kind for r in rules} - set(ACT_KINDS))
    if unknown:
        raise ValueError(f"unknown act kinds in graders/rules: {unknown}")
    return tuple(rules)


def spans_of(rule: Rule, text: str) -> list[tuple[int, int]]:
    """Where one rule alone fires in ``text`` (used by the rule examples' tests)."""
    found: list[tuple[int, int]] = []
    for sentence in analyse(text).sentences:
        found.extend(rule.finditer(Stream.of(sentence)))
    return found


def streams(sentences: Iterable[Sentence]) -> list[Stream]:
    return [Stream.of(s) for s in sentences]


__all__ = ["ACT_KINDS", "Example", "Rule", "RuleIndex", "Stream", "builtin_rules", "rule_from_table", "spans_of", "streams"]

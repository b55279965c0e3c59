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


__all__ = ["ACT_KINDS", "Example", "Rule", "Stream", "builtin_rules", "rule_from_table", "spans_of", "streams"]

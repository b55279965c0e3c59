"""Speech-act rules as data: loading them from TOML and matching them against sentences.

A rule's patterns are regular expressions over the *normalized token stream* of one
sentence: Sudachi's normalized forms joined by single spaces (``申し訳ございません`` is
``申し訳 御座る ます ず``). Matches always start and end on token boundaries and map back
to character offsets in the original text. Write negation as a lookahead inside the
pattern, or list it under ``exclude``: a rule does not fire in a sentence that any of its
``exclude`` patterns match. ``python -m graders tokens TEXT`` prints the stream.

Two things name constructions instead of spelling them out:

- ``{name}`` stands for a *fragment* from rules/fragments.toml (a causal connective, a
  humble action form, a polite question ending…), itself a pattern; it may use others.
- ``<class>`` stands for one token of a part of speech (``<noun>``, ``<verb>``,
  ``<verbal_noun>``…; see POS_CLASSES). A rule that uses one is matched against the
  *tagged* stream, where each form is followed by its tag character (analysis.POS_TAGS):
  its literal spaces are read as "tag, space", so it is written like any other rule.

Every rule carries examples: ``match`` (text and the span it must find) and ``no_match``
(texts it must not fire on). tests/test_rules.py runs them all.
"""

from __future__ import annotations

import array
import bisect
import functools
import itertools
import marshal
import operator
import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Callable, Iterator, NamedTuple

from . import needs_cache
from .analysis import FORM_TAGS, OTHER_TAG, POS_TAGS, TAG_NAMES, TAG_RANGE, Sentence, analyse

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


# Part-of-speech classes a pattern can name as <class>: each is a set of analysis.POS_TAGS (and
# FORM_TAGS: <potential> and <volitional> are parts of <verb> and <auxiliary>).
_CLASS_TAGS = {name: {tag} for name, (tag, _) in POS_TAGS.items()}
for _name, (_tag, _part_of) in FORM_TAGS.items():
    _CLASS_TAGS[_name] = {_tag}
    _CLASS_TAGS[_part_of].add(_tag)
POS_CLASSES: dict[str, frozenset[str]] = {name: frozenset(tags) for name, tags in _CLASS_TAGS.items()} | {
    "noun": frozenset().union(*(_CLASS_TAGS[n] for n in ("verbal_noun", "na_noun", "common_noun", "proper_noun", "number"))),
    "content": frozenset().union(*(_CLASS_TAGS[n] for n in ("verbal_noun", "na_noun", "common_noun", "proper_noun", "number", "pronoun", "verb", "adjective", "na_adjective", "adverb"))),
    "other": frozenset([OTHER_TAG]),
}

_REFERENCE = re.compile(r"\{([a-z_][a-z0-9_]*)\}")  # a name may hold digits after its first letter (r14_x)
_CLASS_NAME = re.compile(r"<([a-z_|]+)>")  # <noun>, or several in one token test: <noun|verb>


def _tags_of(names: str) -> frozenset[str]:
    """The tags of ``<a|b|…>``: the union of the named classes."""
    unknown = [n for n in names.split("|") if n not in POS_CLASSES]
    if unknown:
        raise ValueError(f"unknown part of speech <{unknown[0]}> (known: {', '.join(sorted(POS_CLASSES))})")
    return frozenset().union(*(POS_CLASSES[n] for n in names.split("|")))


def _any_token(pattern: str) -> str:
    """An expanded pattern with each ``<class>`` read as any token (for the prefilter)."""
    return _CLASS_NAME.sub(lambda m: "[^ ]+" if _is_class(pattern, m.start()) else m.group(0), pattern)


@functools.cache
def fragments() -> dict[str, str]:
    """Named fragments (rules/fragments.toml, table ``[fragment]``): name -> pattern."""
    text = (resources.files(__package__) / "rules" / "fragments.toml").read_text(encoding="utf-8")
    return dict(tomllib.loads(text).get("fragment", {}))


def expand(pattern: str, _seen: tuple[str, ...] = ()) -> str:
    """``pattern`` with every ``{name}`` replaced by its fragment, as a group."""

    def fragment(m: re.Match) -> str:
        name = m.group(1)
        table = fragments()
        if name not in table:
            raise ValueError(f"unknown fragment {{{name}}} (rules/fragments.toml)")
        if name in _seen:
            raise ValueError(f"fragment {{{name}}} refers to itself")
        return f"(?:{expand(table[name], _seen + (name,))})"

    return _REFERENCE.sub(fragment, pattern)


def _is_class(pattern: str, start: int) -> bool:
    """Whether the ``<`` at ``start`` opens a part of speech, not a lookbehind (?<= (?<! or a
    named group (?P<name>."""
    return pattern[start - 2 : start] != "(?" and pattern[start - 3 : start] != "(?P"


def uses_pos(pattern: str) -> bool:
    """Whether an expanded pattern names a part of speech (<class>)."""
    return any(_is_class(pattern, m.start()) for m in _CLASS_NAME.finditer(pattern))


def _for_tags(pattern: str) -> str:
    """An expanded pattern rewritten for the tagged stream: a literal space is "tag, space",
    ``$`` may follow a tag, and ``<class>`` is a whole form whose tag is in the class."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            out.append(pattern[i : i + 2])
            i += 2
        elif c == "[":  # a character class is kept as it is
            j = i + 1 + (pattern[i + 1 : i + 2] == "^")
            j += pattern[j : j + 1] == "]"
            while pattern[j] != "]":
                j += 2 if pattern[j] == "\\" else 1
            out.append(pattern[i : j + 1])
            i = j + 1
        elif c == " ":
            out.append(f"[{TAG_RANGE}] ")
            i += 1
        elif c == "$":
            out.append(f"[{TAG_RANGE}]?$")
            i += 1
        elif c == "<" and _is_class(pattern, i) and (m := _CLASS_NAME.match(pattern, i)):
            tags = "".join(sorted(_tags_of(m.group(1))))
            out.append(f"[^ {TAG_RANGE}]+(?=[{tags}])")
            i = m.end()
        else:
            out.append(c)
            i += 1
    return "".join(out)


_SPECIAL = set("\\.^$*+?{}[]|()<")


def _top_level_bar(pattern: str) -> bool:
    """Whether ``pattern`` is an alternation at its top level (a|b, not (a|b))."""
    depth, i, in_class = 0, 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
            i += 1 + (pattern[i + 1 : i + 2] in ("^", "]"))
            continue
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            return True
        i += 1
    return False


def _pinned(pattern: str, tagged: bool = False) -> str:
    # (?<![^ ]) / (?![^ ]) pin both ends of a match to token boundaries (after the tag, if tagged).
    end = f"[{TAG_RANGE}]?(?![^ ])" if tagged else "(?![^ ])"
    if tagged:
        pattern = _for_tags(pattern)
    if pattern[:1] not in _SPECIAL | {"", " "} and pattern[1:2] not in set("*+?{") and not _top_level_bar(pattern):
        # It starts with a plain character: pin just after it, so that the regex engine
        # skips straight to where that character is (about twice as fast on a sentence).
        return rf"{pattern[0]}(?<![^ ].){pattern[1:]}{end}"
    return rf"(?<![^ ])(?:{pattern}){end}"


def _parse(pattern: str):
    """``pattern`` as the regex parser reads it (the string itself without the parser)."""
    return pattern if _sre_compile is None else _sre_parse.parse(pattern)


def _program(parsed) -> tuple | str:
    """What the regex compiler makes of _parse()'s reading of a pattern, as plain data that
    needs_cache can keep: (flags, code as bytes, groups, group names); without the parser,
    the pattern itself."""
    if isinstance(parsed, str):
        return parsed
    state = parsed.state
    code = array.array("I", _sre_compile._code(parsed, 0)).tobytes()
    return int(state.flags), code, state.groups, tuple(state.groupdict.items())


def _compile(program: tuple | str) -> re.Pattern:
    """The pattern a _program() is, built as ``re._compiler.compile`` builds it (no parsing)."""
    if isinstance(program, str):
        return re.compile(program)
    flags, code, groups, names = program
    indexgroup: list[str | None] = [None] * groups
    for name, number in names:
        indexgroup[number] = name
    return _sre_engine.compile(None, flags, array.array("I", code).tolist(), groups - 1, dict(names), tuple(indexgroup))


def _plain(patterns: tuple[str, ...]) -> tuple:
    """A tagged rule's patterns as the prefilter reads them: each part of speech as any
    token, over the plain stream, parsed."""
    return tuple(_parse(_pinned(_any_token(p))) for p in patterns)


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
    # A clause that continues a reason told before it in the same sentence (the state it led
    # to, the refusal or rule it grounds, the ending …ものです): after one, not an act of its own
    # (acts.py: _without_continuations).
    continues_reason: bool = False

    @functools.cached_property
    def _expanded(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Patterns and exclude patterns with their fragments filled in."""
        return tuple(map(expand, self.patterns)), tuple(map(expand, self.exclude))

    @functools.cached_property
    def tagged(self) -> bool:
        """Whether the rule names a part of speech: then it reads the tagged stream."""
        return any(map(uses_pos, self._expanded[0] + self._expanded[1]))

    @functools.cached_property
    def _parsed(self) -> tuple:
        """Each pattern, pinned, as the regex parser reads it: read once, both to compile
        it and to find the literals it needs (see rule_needs)."""
        return tuple(_parse(_pinned(p, self.tagged)) for p in self._expanded[0])

    @functools.cached_property
    def _plain_parsed(self) -> tuple:
        """What the prefilter reads: for a tagged rule, each pattern with its parts of speech
        read as any token, over the plain stream. Its literals (``ます て`` across a space) are
        in the plain stream whenever the tagged pattern matches the tagged one."""
        return self._parsed if not self.tagged else _plain(self._expanded[0])

    def _unpack(self) -> bool:
        """Fill in the needs and programs needs_cache kept of this rule (marshalled, read at
        first use: most rules never see a sentence they might match); False if there are none."""
        data = self.__dict__.pop("_kept", None)
        if data is None:
            return False
        needs, exclude_needs, programs = marshal.loads(data)
        self.__dict__.update(needs=needs, exclude_needs=exclude_needs, programs=programs)
        return True

    @functools.cached_property
    def programs(self) -> tuple[tuple, tuple]:
        """The compiled programs (see _program) of the patterns and of the excludes: kept in
        needs_cache, so that a later start makes the rule's patterns without parsing them."""
        if self._unpack():
            return self.__dict__["programs"]
        return tuple(map(_program, self._parsed)), tuple(map(_program, self._excluded_parsed))

    @functools.cached_property
    def _compiled(self) -> tuple[re.Pattern, ...]:
        return tuple(map(_compile, self.programs[0]))

    @functools.cached_property
    def _excluded_parsed(self) -> tuple:
        """Each exclude pattern, pinned, as the regex parser reads it (see _parsed)."""
        return tuple(_parse(_pinned(p, self.tagged)) for p in self._expanded[1])

    @functools.cached_property
    def _excluded(self) -> tuple[re.Pattern, ...]:
        return tuple(map(_compile, self.programs[1]))

    @functools.cached_property
    def exclude_needs(self) -> tuple[tuple[tuple[str, ...], ...] | None, ...]:
        """Per exclude pattern, the literal sets its matches need (see rule_needs)."""
        if self._unpack():
            return self.__dict__["exclude_needs"]
        plain = self._excluded_parsed if not self.tagged else _plain(self._expanded[1])
        return tuple(map(_safe_needs, plain))

    def vetoed(self, stream: "Stream") -> bool:
        """Whether one of the exclude patterns matches the sentence."""
        text = stream.tagged if self.tagged else stream.text
        return any(pattern.search(text) for pattern in self._excluded)

    @functools.cached_property
    def needs(self):
        """Literals its matches need (see rule_needs); parsed once per rule, not per scenario."""
        if self._unpack():
            return self.__dict__["needs"]
        return rule_needs(self)

    @functools.cached_property
    def prefilter(self):
        """Per pattern, the keys it is filed under (see prefilter); built once per rule."""
        return prefilter(self)

    def compile(self) -> None:
        """Compile every pattern now; a bad one raises ValueError naming the rule."""
        try:
            self._compiled, self._excluded
        except re.error as e:
            raise ValueError(f"rule {self.id}: bad pattern: {e}") from None
        except ValueError as e:
            raise ValueError(f"rule {self.id}: {e}") from None

    @property
    def must_match(self) -> list[Example]:
        return [e for e in self.examples if e.span is not None]

    @property
    def must_not_match(self) -> list[Example]:
        return [e for e in self.examples if e.span is None]

    def finditer(self, stream: "Stream") -> Iterator[tuple[int, int]]:
        """(start, end) character spans in the original text where this rule fires."""
        yield from _spans(self, self._compiled, stream)


def _spans(rule: Rule, patterns, stream: "Stream") -> list[tuple[int, int]]:
    """Spans where ``patterns`` (some of ``rule``'s) match, unless an exclude vetoes the sentence."""
    text = stream.tagged if rule.tagged else stream.text
    found = [m.span() for pattern in patterns for m in pattern.finditer(text)]
    # The veto is looked for only when there is something to veto: most sentences have not.
    if not found or rule.vetoed(stream):
        return []
    return [stream.span(start, end, rule.tagged) for start, end in found if end > start]


class Stream:
    """One sentence as a space-joined string of normalized forms, with offsets back.

    A form is a token's normalized form with any space made "_", or its surface if it has
    none. Forms almost never hold a space, and then the token a character of ``text``
    lies in is the number of spaces before it; ``starts`` (where each token begins in
    ``text``) is kept only for a sentence where that does not hold. ``pieces`` is
    ``text.split(" ")``: a literal without spaces is in ``text`` only inside one of them.
    """

    __slots__ = ("text", "sentence", "starts", "pieces", "_tagged")

    def __init__(self, text: str, sentence: Sentence, starts: tuple[int, ...] | None = None, pieces: list[str] | None = None):
        self.text = text
        self.sentence = sentence
        self.starts = starts
        self.pieces = text.split(" ") if pieces is None else pieces
        self._tagged: str | None = None

    @property
    def tagged(self) -> str:
        """The stream with each form followed by its POS tag (what rules naming a part of
        speech read); a form's spaces are "_" here too, so token i follows i spaces."""
        if self._tagged is None:
            if self.starts is None:  # every form is its normalized form, none holds a space
                self._tagged = " ".join(self.sentence.tagged_forms())
            else:
                forms = [tok.normalized.replace(" ", "_") or tok.surface for tok in self.sentence.tokens]
                self._tagged = " ".join(map(str.__add__, forms, self.sentence.tags()))
        return self._tagged

    def readable(self) -> str:
        """The tagged stream for people: each form with its POS class (``原因/common_noun``)."""
        return " ".join(piece[:-1] + "/" + TAG_NAMES[piece[-1]] for piece in self.tagged.split(" "))

    @classmethod
    def of(cls, sentence: Sentence) -> "Stream":
        forms = sentence.forms()
        text = " ".join(forms)
        if "" not in forms and text.count(" ") == len(forms) - 1:
            return cls(text, sentence, None, forms)  # every form is its normalized form, none holds a space
        parts, starts, pos = [], [], 0
        for tok in sentence.tokens:
            form = tok.normalized.replace(" ", "_") or tok.surface
            starts.append(pos)
            parts.append(form)
            pos += len(form) + 1
        return cls(" ".join(parts), sentence, tuple(starts))

    def span(self, start: int, end: int, tagged: bool = False) -> tuple[int, int]:
        """The character span in the original text of the tokens ``text[start:end]`` (or
        ``tagged[start:end]``) covers."""
        if tagged:
            first = self.tagged.count(" ", 0, start)
            last = self.tagged.count(" ", 0, end - 1)
        elif self.starts is None:
            first = self.text.count(" ", 0, start)
            last = self.text.count(" ", 0, end - 1)
        else:
            first = bisect.bisect_right(self.starts, start) - 1
            last = bisect.bisect_right(self.starts, end - 1) - 1
        return self.sentence.span_of(first, last)


# ---------------------------------------------------------------- literal prefilter
#
# Most sentences give most rules nothing to find, yet trying a rule costs a regex search
# and some Python. So each pattern's parsed form is read for the literals any match needs
# (``申し訳 (御座る|有る)`` needs "申し訳 " and one of "御座る"/"有る"), and a rule runs on a
# sentence only if one of its patterns has all it needs in the sentence's stream. That is
# only a necessary condition, so the acts found are exactly those of running every rule.

try:  # the parser and compiler behind re.compile; private but stable, and optional here
    import _sre as _sre_engine
    from re import _compiler as _sre_compile
    from re import _constants as _sre
    from re import _parser as _sre_parse

    if array.array("I").itemsize != _sre_engine.CODESIZE or not hasattr(_sre_compile, "_code"):
        raise ImportError("an _sre this module does not know")
except ImportError:  # pragma: no cover (other Python versions' names)
    _sre = _sre_engine = _sre_parse = _sre_compile = None

_Needs = list[frozenset[str]]  # every set must have one of its literals in the stream
_TAG_CHAR = re.compile(f"[{TAG_RANGE}]")


def _needs(items) -> _Needs:
    """What a parsed (sub)pattern needs in the text it is searched in, as literal sets."""
    needs: _Needs = []
    run = ""
    for op, av in items:
        if op is _sre.LITERAL:
            run += chr(av)
            continue
        if op is _sre.ASSERT and av[0] == 1 and run:
            # 為(?= ): a lookahead right after literal text reads on from it, without moving.
            ahead = "".join(chr(code) for _, code in itertools.takewhile(lambda item: item[0] is _sre.LITERAL, av[1]))
            if ahead:
                needs.append(frozenset([run + ahead]))
            needs += _needs(av[1])
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
            needs += _branch_needs([_needs(alternative) for alternative in av[1]])
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
    # A lone space is no filter; a POS tag is in the tagged stream only, never the plain one.
    return [n for n in needs if all(lit.strip() and not _TAG_CHAR.search(lit) for lit in n)]


# Punctuation is in nearly every sentence: it counts as neither length nor kanji.
_PUNCTUATION = frozenset("、。，．,.!?！？「」『』（）()・…〜~ー")


@functools.cache
def _word_score(word: str) -> int:
    """Length plus 3 for kanji or katakana, both without punctuation."""
    word = "".join(c for c in word if c not in _PUNCTUATION)
    return len(word) + (3 if any(not ("\u3040" <= c <= "\u309f") and c != " " for c in word) else 0)


def _selectivity(literals: frozenset[str]) -> int:
    """Higher for rarer literals: longer ones, and ones with kanji or katakana."""
    return min(_word_score(lit.strip()) for lit in literals)


def _rank(literals: frozenset[str]) -> tuple:
    """_selectivity, ties broken by the literals themselves: the same sets are chosen in
    every process (a set's order changes with the string hash seed)."""
    return _selectivity(literals), sorted(literals)


def _branch_needs(alternatives: list[_Needs]) -> _Needs:
    """What a branch needs. Whichever alternative matches meets one set of each of its own,
    so one set taken from every alternative, joined, is a set the branch needs: joined
    rank by rank (rarest with rarest…; a shorter list repeats its last), each is a test."""
    if not all(alternatives):
        return []  # an alternative that needs nothing: the branch needs nothing
    ranked = [sorted(set(needs), key=_rank, reverse=True) for needs in alternatives]
    return [frozenset().union(*(sets[min(rank, len(sets) - 1)] for sets in ranked)) for rank in range(max(map(len, ranked)))]


def pattern_needs(parsed) -> tuple[tuple[str, ...], ...] | None:
    """The literal sets a parsed pattern's matches need (rarest first); None: no filter."""
    if isinstance(parsed, str):  # no parser to read it with
        return None
    # The pins around the pattern are lookarounds: they need nothing.
    if parsed.state.flags & (_sre.SRE_FLAG_IGNORECASE | _sre.SRE_FLAG_LOCALE):
        return None
    needs = sorted(set(_needs(parsed)), key=_rank, reverse=True)
    return tuple(tuple(sorted(n)) for n in needs) or None


def _safe_needs(parsed) -> tuple[tuple[str, ...], ...] | None:
    """pattern_needs(parsed), or None (no filter) if the parsed form is not understood."""
    try:
        return pattern_needs(parsed)
    except Exception:  # noqa: BLE001 (any parser hiccup means: no filter)
        return None


def rule_needs(rule: Rule) -> tuple[tuple[tuple[str, ...], ...], ...] | None:
    """Per pattern, the literal sets its matches need (rarest first); None: no filter."""
    try:
        trees = rule._plain_parsed
    except Exception:  # noqa: BLE001 (any parser hiccup means: no prefilter for this rule)
        return None
    found = tuple(map(_safe_needs, trees))
    return None if not found or None in found else found


def _literal_runs(items, runs: list[str]) -> None:
    """Every literal run in the positive parts of a parsed pattern, in every alternative."""
    run = ""
    for op, av in items:
        if op is _sre.LITERAL:
            run += chr(av)
            continue
        if run:
            runs.append(run)
            run = ""
        if op is _sre.SUBPATTERN:
            _literal_runs(av[3], runs)
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, getattr(_sre, "POSSESSIVE_REPEAT", None)):
            _literal_runs(av[2], runs)
        elif op is _sre.BRANCH:
            for alternative in av[1]:
                _literal_runs(alternative, runs)
        elif op is _sre.ASSERT and av[0] == 1:  # a lookahead's text is in the stream too
            _literal_runs(av[1], runs)
        elif op is getattr(_sre, "ATOMIC_GROUP", None):
            _literal_runs(av, runs)
        # Negative lookarounds name what must not be there; classes name no form.
    if run:
        runs.append(run)


@functools.cache
def rule_vocabulary(rule: Rule) -> frozenset[str]:
    """The forms ``rule``'s patterns name anywhere: fragments expanded, every alternative,
    optional parts included (not its excludes, negative lookarounds or parts of speech).
    Read from the patterns as written, not from the prefilter's pinned form."""
    if _sre_parse is None:
        return frozenset()
    runs: list[str] = []
    for pattern in rule._expanded[0]:
        _literal_runs(_sre_parse.parse(_any_token(pattern)), runs)
    return frozenset(form for run in runs for form in run.split(" ") if form)


# Normalized forms that nearly every reply holds (keigo verbs, endings, 御): poor keys.
# Only the prefilter's speed depends on this list, never what a check finds.
_COMMON_FORMS = frozenset(
    "為る 致す 御座る 有る 居る おる 成る 言う 申す 申し上げる 頂く 下さる 貰う 差し上げる 御 ます です ず た て だ "
    "ない 無い 出来る 思う 様 方 事 時 今 日 私 此れ 其れ".split()
)


EXACT = "\x00"  # marks a key that must be a whole form, not part of one (never in a form)


@functools.cache
def _rarity(piece: str) -> int:
    """How unlikely ``piece`` (no spaces) is in a sentence: longer, kanji or katakana, not
    common; a whole form (EXACT) is rarer than the same text inside any form."""
    if piece.startswith(EXACT):  # a kanji or katakana word is often part of a longer form
        word = piece[1:]
        return _rarity(word) + (2 if word not in _COMMON_FORMS and any(not ("\u3040" <= c <= "\u309f") and c not in _PUNCTUATION for c in word) else 0)
    if piece in _COMMON_FORMS:
        return 0
    return _word_score(piece)


@functools.cache
def _key(literal: str) -> str:
    """The piece of ``literal`` between spaces least likely to be in a sentence.

    A stream's spaces part its tokens' forms, so a piece (holding no space) is in a
    stream only inside one form: which pieces a form holds can be worked out once per form.
    A piece with a space on both sides (`` 為 ``) is a whole form: EXACT + piece.
    """
    parts = literal.split(" ")
    pieces = [p for p in parts if p] + [EXACT + p for p in parts[1:-1] if p]
    return max(pieces, key=_rarity)


def _set_rarity(literals: tuple[str, ...]) -> tuple:
    """How unlikely a literal set is to be met: by its commonest key (then fewer literals);
    punctuation alone (、) is met in nearly every sentence, below any word."""
    if all(not lit.strip(" " + "".join(_PUNCTUATION)) for lit in literals):
        return -1, -len(literals), literals
    return min(_rarity(_key(lit)) for lit in literals), -len(literals), literals


def _literal_order(literal: str) -> tuple:
    """How likely ``literal`` is in a sentence, likeliest first (by its key's rarity)."""
    return _rarity(_key(literal)), len(literal), literal


def prefilter(rule: Rule) -> tuple[frozenset[str] | None, ...]:
    """Per pattern of ``rule``: the keys to file it under (those of its rarest literal
    set), or None where the rule has no prefilter (the pattern is always tried)."""
    needs = rule.needs
    if needs is None:
        return (None,) * len(rule.patterns)
    return tuple(frozenset(map(_key, max(n, key=_set_rarity))) for n in needs)


@functools.lru_cache(maxsize=100_000)  # read by both caches of every index in a scenario's chain
def _substrings(form: str, longest: int) -> frozenset[str]:
    """Every substring of ``form`` up to ``longest`` characters."""
    return frozenset(form[i:j] for i in range(len(form)) for j in range(i + 1, min(len(form), i + longest) + 1))


def _all_in(sets: tuple[tuple[str, ...], ...], text: str) -> bool:
    """Whether every set has one of its literals in ``text`` (plain loops stop at the first miss)."""
    for literals in sets:
        for literal in literals:
            if literal in text:
                break
        else:
            return False
    return True


class _Veto(NamedTuple):
    """An exclude pattern in an index: the bits and in-text sets of what it needs (see
    RuleIndex), and which exclude of which rule it is (compiled when first searched)."""

    bits: int
    in_text: tuple[tuple[str, ...], ...]
    rule: "Rule"
    number: int


def _vetoed(vetoes: tuple[_Veto, ...], mask: int, plain: str, text: str) -> bool:
    """Whether one of ``vetoes`` matches ``text``, the sentence whose plain stream and mask
    are ``plain`` and ``mask``: only those whose literals are there are searched."""
    for bits, in_text, rule, number in vetoes:
        if mask & bits == bits and (not in_text or _all_in(in_text, plain)) and rule._excluded[number].search(text):
            return True
    return False


class _FormCache(dict):
    """form -> what ``read(form)`` says of it, worked out at first sight and kept."""

    def __init__(self, read: Callable[[str], object]):
        super().__init__()
        self.read = read

    def __missing__(self, form: str):
        if len(self) >= 100_000:  # bounds the memory odd input can take
            self.clear()
        found = self[form] = self.read(form)
        return found


def plan(rules: tuple[Rule, ...]) -> tuple:
    """Where an index over ``rules`` files each pattern, as plain data (needs_cache keeps the
    built-in rules'): per pattern (its rule's position, its number, the numbers of the
    literal sets it needs, rarest first, and the sets to look for in the text: those with a
    literal across spaces, whose atom alone is only a part of it, rarest first); per rule,
    each exclude's bits (a set numbered n is bit 1 << n) and sets likewise; the patterns
    without a prefilter; atom -> the numbers of the sets it is in (a set is met by a form
    that holds one of its atoms)."""
    number_of_set: dict[frozenset[str], int] = {}  # a set's atoms -> its number
    sets_of_atom: dict[str, list[int]] = {}

    def numbers_of(needs: tuple[tuple[str, ...], ...]) -> tuple[tuple[int, ...], tuple[tuple[str, ...], ...]]:
        numbers: dict[int, None] = {}  # in the needs' order (rarest first), each once
        for literals in needs:
            atoms = frozenset(map(_key, literals))
            number = number_of_set.get(atoms)
            if number is None:
                number = number_of_set[atoms] = len(number_of_set)
                for atom in sorted(atoms):
                    sets_of_atom.setdefault(atom, []).append(number)
            numbers[number] = None
        in_text = sorted((n for n in needs if any(" " in lit for lit in n)), key=_set_rarity, reverse=True)
        # Within a set, the commonest literals first: the search of a set stops at its first hit.
        return tuple(numbers), tuple(tuple(sorted(n, key=_literal_order)) for n in in_text)

    def bits_of(needs: tuple[tuple[str, ...], ...]) -> tuple[int, tuple[tuple[str, ...], ...]]:
        numbers, in_text = numbers_of(needs)
        return sum(1 << n for n in numbers), in_text

    slots, vetoes, always = [], [], []
    for at, rule in enumerate(rules):
        vetoes.append(tuple(bits_of(needs or ()) for needs in rule.exclude_needs))
        for number, (keys, needs) in enumerate(zip(rule.prefilter, rule.needs or itertools.repeat(()))):
            if keys is None:  # no prefilter: always tried
                always.append(len(slots))
            slots.append((at, number, *numbers_of(needs)))
    return tuple(slots), tuple(vetoes), tuple(always), {atom: tuple(found) for atom, found in sets_of_atom.items()}


# The built-in rules (the tuple builtin_rules returns) and their plan, maybe read from needs_cache.
_builtin_plan: tuple[tuple[Rule, ...], tuple] = ((), ())


# A scenario's rules (by the identity of each) -> those rules and the plan needs_cache kept.
_kept_plans: dict[tuple[int, ...], tuple[tuple[Rule, ...], tuple]] = {}
# What needs_cache kept of the scenarios (see scenarios.prepared), or None.
_kept_scenarios: list | None = None


def keep_plan(rules: tuple[Rule, ...], found: tuple) -> None:
    """Remember ``found``, the plan (read from needs_cache) of exactly these rules."""
    _kept_plans[tuple(map(id, rules))] = (tuple(rules), found)


def kept_scenarios() -> list | None:
    """What needs_cache kept of the scenarios (data, each rule's needs and programs, plan), or None."""
    builtin_rules()
    return _kept_scenarios


def _plan_of(rules: tuple[Rule, ...]) -> tuple:
    if rules is _builtin_plan[0]:
        return _builtin_plan[1]
    kept = _kept_plans.get(tuple(map(id, rules)))
    if kept is not None and all(a is b for a, b in zip(kept[0], rules)):
        return kept[1]
    return plan(rules)


class RuleIndex:
    """A tuple of rules with the literal prefilter: ``matches(stream)`` tries on a sentence
    only the patterns whose needed literals are all in it.

    Each literal set a pattern needs is met by a form that holds one of the set's literals
    (for a literal across spaces, its rarest piece: its atom). A pattern is tried only if
    every set it needs is met by one of the sentence's forms, and its sets whose literals
    cross spaces are in the stream's text. The first test is big-int arithmetic, no loop
    over patterns: a pattern needing sets s0, s1… (rarest first) has one bit in each of the
    rows 0, 1…, each row a run of bits (one per pattern with that many sets, at the same
    position in every row); a set's bits are where it stands in some row. A form's bits
    (the OR of its sets', worked out once per form) ORed over the sentence hold, in each
    row, the patterns whose set of that row is met; the rows ANDed together (a pattern
    with fewer sets counts as met in the rows it has none in) are the patterns whose sets
    are all met. With ``base``, the index covers ``base.rules + rules`` and leaves the
    first part to ``base``: the built-in rules' index is shared by every scenario.
    """

    def __init__(self, rules: tuple[Rule, ...], base: "RuleIndex | None" = None):
        self.base = base
        self.rules = (base.rules if base else ()) + tuple(rules)
        self._own = tuple(rules)
        # Pattern slot -> (its rule, the pattern's number in it, the numbers of the literal
        # sets it needs, the sets to look for in the text itself, the rule's vetoes). A
        # rule's patterns are compiled when the prefilter first lets one of them try a sentence.
        slots, vetoes, always, self._sets_of_atom = _plan_of(self._own)
        # An exclude is searched only where a rule fires, and only if its literals are there too.
        vetoes = [tuple(_Veto(bits, in_text, rule, i) for i, (bits, in_text) in enumerate(v)) for rule, v in zip(self._own, vetoes)]
        self._slots = [(self._own[at], number, needs, in_text, vetoes[at]) for at, number, needs, in_text in slots]
        self._always = frozenset(always)  # slots of patterns without a prefilter
        self._in_text = [in_text for _, _, _, in_text in slots]
        # The rows: slots with the most sets first, so that row k is the first of them (those
        # with more than k sets); a slot's position is the same in every row.
        order = sorted(range(len(slots)), key=lambda slot: -len(slots[slot][2]))
        self._slot_at = order  # position -> slot
        width = len(order)
        self._full = (1 << width) - 1
        lengths = [len(slots[slot][2]) for slot in order]
        counts = [bisect.bisect_right(lengths, -k, key=operator.neg) for k in range(1, max(lengths, default=0) + 1)]  # row k - 1: the slots with k sets or more
        offsets = list(itertools.accumulate(counts, initial=0))
        self._rows = tuple((offset, (1 << count) - 1, self._full ^ ((1 << count) - 1)) for offset, count in zip(offsets, counts))
        # (where each row starts, its bits, the positions it leaves out)
        places: dict[int, list[int]] = {}  # set number -> its bits' positions
        for position, slot in enumerate(order):
            for offset, number in zip(offsets, slots[slot][2]):
                places.setdefault(number, []).append(offset + position)
        self._bits_of_set = {number: sum(map((1).__lshift__, found)) for number, found in places.items()}
        # As long as the base's, so that both read a form's substrings from one cache.
        self._longest = max([base._longest if base else 0, *(len(atom) for atom in self._sets_of_atom if not atom.startswith(EXACT))])
        self._rows_of_atom = _FormCache(self._atom_rows)
        self._rows_of_form = _FormCache(self._form_rows)
        self._mask_of_atom = _FormCache(self._atom_mask)
        self._mask_of_form = _FormCache(self._mask_of)
        # Indexes in rule order; one that files nothing (a scenario without rules of its own)
        # is left out: it never has a pattern to try.
        self._chain: tuple[RuleIndex, ...] = (base._chain if base else ()) + ((self,) if slots else ())

    def _atom_rows(self, atom: str) -> int:
        bits_of_set = self._bits_of_set
        return functools.reduce(operator.or_, [bits_of_set.get(n, 0) for n in self._sets_of_atom[atom]], 0)

    def _of_form(self, form: str, of_atom: "_FormCache") -> int:
        """``of_atom``'s bits ORed over the atoms ``form`` holds (its substrings looked up:
        quicker than looking for every atom in it)."""
        atoms = self._sets_of_atom
        found = [of_atom[atom] for atom in _substrings(form, self._longest) if atom in atoms]
        if EXACT + form in atoms:
            found.append(of_atom[EXACT + form])
        return functools.reduce(operator.or_, found, 0)

    def _form_rows(self, form: str) -> int:
        """The row bits of the sets whose atoms ``form`` holds."""
        return self._of_form(form, self._rows_of_atom)

    def _atom_mask(self, atom: str) -> int:
        return sum(1 << n for n in self._sets_of_atom[atom])

    def _mask_of(self, form: str) -> int:
        """The bits (1 << a set's number) of the literal sets whose atoms ``form`` holds."""
        return self._of_form(form, self._mask_of_atom)

    def mask(self, stream: Stream) -> int:
        """The bits of the literal sets the sentence's forms meet (what vetoes are tested on)."""
        return functools.reduce(operator.or_, map(self._mask_of_form.__getitem__, stream.pieces), 0)

    def _passing(self, stream: Stream) -> list[tuple["RuleIndex", list[int]]]:
        """Per index of the chain with a pattern that may match the sentence, (index, the slots
        of those patterns, in rule order): those whose literal sets are all met (and their
        sets across more than one space in the text), and those without a prefilter."""
        text, pieces = stream.text, stream.pieces
        found = []
        for index in self._chain:
            met = functools.reduce(operator.or_, map(index._rows_of_form.__getitem__, pieces), 0)
            passing = index._full
            for offset, low, others in index._rows:
                passing &= (met >> offset) & low | others
            if not passing:
                continue
            order, in_text = index._slot_at, index._in_text
            tried = []
            while passing:  # its bits, lowest first
                low = passing & -passing
                tried.append(order[low.bit_length() - 1])
                passing ^= low
            tried.sort()
            tried = [slot for slot in tried if not (sets := in_text[slot]) or _all_in(sets, text)]
            if tried:
                found.append((index, tried))
        return found

    def candidates(self, stream: Stream) -> list[Rule]:
        """The rules with a pattern worth trying on this sentence, in rule order."""
        return list(dict.fromkeys(index._slots[slot][0] for index, tried in self._passing(stream) for slot in tried))

    def matches(self, stream: Stream) -> list[tuple[Rule, int, int]]:
        """(rule, start, end) wherever a rule fires in the sentence: the spans of
        ``rule.finditer`` for every rule, in rule order, trying only the patterns that can match."""
        found: list[tuple[Rule, int, int]] = []
        plain = stream.text
        for index, tried in self._passing(stream):
            slots = index._slots
            mask = None  # the sentence's mask, worked out for the first veto to test
            for slot in tried:
                rule, number, _, _, vetoes = slots[slot]
                tagged = rule.tagged
                text = stream.tagged if tagged else plain
                pattern = rule._compiled[number]
                # Most patterns tried find nothing: one search says so without an iterator.
                if (first := pattern.search(text)) is None:
                    continue
                # The matches are the first and finditer's from where it ends (as finditer
                # itself goes on); after an empty first match finditer must move on: search again.
                spans = [first.span()] + [m.span() for m in pattern.finditer(text, first.end())] if first.end() > first.start() else [m.span() for m in pattern.finditer(text)]
                # Pattern by pattern: a rule's exclude vetoes all its patterns' matches alike.
                if vetoes:
                    if mask is None:
                        mask = index.mask(stream)
                    if _vetoed(vetoes, mask, plain, text):
                        continue
                found += [(rule, *stream.span(start, end, tagged)) for start, end in spans if end > start]
        return found


def kept(rule: Rule) -> bytes:
    """What needs_cache keeps of a rule: its needs and compiled programs, marshalled."""
    return marshal.dumps((rule.needs, rule.exclude_needs, rule.programs))


def restore(rule: Rule, data: bytes) -> Rule:
    """Give ``rule`` what ``kept`` made of it, unpacked at first use (see Rule._unpack)."""
    rule.__dict__["_kept"] = data
    return rule


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
        continues_reason=bool(table.get("continues_reason", False)),
    )


def _rule_tables() -> list[dict]:
    """Every ``[[rule]]`` table of graders/checker/rules/*.toml, in file then table order."""
    tables: list[dict] = []
    folder = resources.files(__package__) / "rules"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml") and entry.name != "fragments.toml":
            tables += tomllib.loads(entry.read_text(encoding="utf-8")).get("rule", [])
    return tables


def _from_cache(cached: dict) -> tuple[tuple[Rule, ...], tuple]:
    """The rules and plan an earlier start kept (needs_cache): each rule's needs and compiled
    programs come with it (cached_property keeps its value in the instance's __dict__)."""
    rules = [restore(rule_from_table(table), data) for table, data in cached["rules"]]
    slots, vetoes, always, sets_of_atom = cached["plan"]
    return tuple(rules), (slots, vetoes, always, sets_of_atom)


@functools.cache
def builtin_rules() -> tuple[Rule, ...]:
    """Every rule in graders/checker/rules/*.toml, in file then table order."""
    global _builtin_plan, _kept_scenarios
    cache_key = needs_cache.key()
    try:
        # Kept by an earlier start: no TOML to read and no pattern to parse; a rule's
        # patterns are made from their programs when first used.
        cached = needs_cache.load(cache_key)
        rules, found = _from_cache(cached)
        _kept_scenarios = cached["scenarios"]
    except (KeyError, TypeError, ValueError):  # no cache, or not one this code wrote
        tables = _rule_tables()
        rules = tuple(map(rule_from_table, tables))
        for rule in rules:
            rule.compile()
        found = plan(rules)
        kept_rules = tuple((table, kept(r)) for table, r in zip(tables, rules))
        # The scenarios' own rules likewise (parsed at every start otherwise); a scenario
        # that fails to load is not kept: scenarios.all_scenarios then reads and reports it.
        from .scenarios import prepared

        try:
            _kept_scenarios = prepared()
        except Exception:  # noqa: BLE001 - reported where the scenarios are read
            _kept_scenarios = None
        needs_cache.save(cache_key, {"rules": kept_rules, "plan": found, "scenarios": _kept_scenarios})
    unknown = sorted({r.kind for r in rules} - set(ACT_KINDS))
    if unknown:
        raise ValueError(f"unknown act kinds in graders/rules: {unknown}")
    _builtin_plan = (rules, found)
    return rules


def spans_of(rule: Rule, text: str) -> list[tuple[int, int]]:
    """Where one rule alone fires in ``text`` (used by the rule examples' tests)."""
    found: list[tuple[int, int]] = []
    for sentence in analyse(text).sentences:
        found.extend(rule.finditer(Stream.of(sentence)))
    return found


__all__ = ["ACT_KINDS", "POS_CLASSES", "Example", "Rule", "RuleIndex", "Stream", "builtin_rules", "expand", "fragments", "rule_from_table", "rule_vocabulary", "spans_of"]

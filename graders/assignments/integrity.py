"""Is this a real reply? Checks against gaming the rubric, as pure functions.

The rubric rewards patterns (an apology before a cause, a reason question...), so a
learner could collect points without writing a reply a customer could read. Each check
here looks for one such shortcut and returns a Finding whose Japanese message says what
to write instead, or None. Thresholds prefer silence to a wrong flag: a terse but real
reply, a letter with a signature, or a reply with a short list of options all pass.

The bad reply and the lesson's model answer handed back, whole or lightly edited, count
as shortcuts too. Used by the hidden test of every nbgrader exercise
(graders.assignments.grade_cells.assert_genuine).
"""

from __future__ import annotations

import difflib
import functools
import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..checker.acts import find_acts
from ..checker.analysis import Analysis, Sentence, Token, analyse

if TYPE_CHECKING:
    from ..checker.scenarios import Scenario

Span = tuple[int, int]


@dataclass(frozen=True)
class Finding:
    check: str  # "stuffing" | "pattern_list" | "trigger_string" | "copy" | "model_copy" | "solution_copy"
    message: str  # Japanese, for the learner: what is wrong and what to write instead
    spans: tuple[Span, ...] = ()


# --- thresholds (each one's reason beside it) ------------------------------------------

REPEATS = 3  # the same sentence three times is stuffing anywhere; twice only when adjacent
MIN_REPEATED_CHARS = 4  # 「はい。はい。」 is speech, not stuffing
APOLOGY_LIMIT = 4  # a long letter apologises up to three times (冒頭・本文・結び)
RUN_REPEATS = 3  # 「大変大変大変」: a run of two or more characters said three times in a row
MIN_UNITS = 3  # two lines are too few to call a list
FRAGMENT_SHARE = 0.5  # more than half of the text in fragments reads as a list, not a reply
BULLET_SHARE = 2 / 3  # a short list of options inside prose is fine; a reply of bullets is not
MIN_LABELS = 2  # 「謝罪：…」「対処：…」 labelling the parts of the pattern
MIN_ARROWS = 2  # 「謝罪→対処→原因」
COPY_SIMILARITY = 0.8  # SequenceMatcher ratio to the bad reply above which it is a copy
# The lessons show each scenario's model answer, so a reply may be that answer pasted back.
# Measured as the share of the model answer's characters that reappear in the reply inside
# runs of at least COPY_RUN characters (punctuation aside): blind to line order and to text
# added around the copy; a stock phrase (大変申し訳ございません, 11 characters) is a small
# share of a whole answer. Measured on the 150 labelled replies (tests/data/labelled):
# median 0.00, highest 0.69 (a long reply built on the software-delay model answer), apart
# from one that is the generic model answer with a few words dropped (0.85). The eight
# graded model answers score 1.00 pasted or shuffled, 0.91-0.98 with a few word swaps,
# 0.74-0.98 with every stock ending swapped; the instructors' solutions 0.00-0.20. 0.8 keeps
# the honest replies 0.11 below the line: prefer missing a reworded copy to a wrong flag.
COPY_RUN = 10
MODEL_COPY_SHARE = 0.8

APOLOGY = re.compile(r"申し訳|すみません|すいません|お?詫び|おわび|ごめんなさい|失礼(?:いた|致)?しました")
# Sentence punctuation and spaces are ignored when comparing texts.
_NOISE = re.compile(r"[\s\u3000。、．，,.！？!?・…「」『』（）()\[\]［］【】〈〉《》:：;；\-―─〜~*＊•●○◆◇■□▶▷→⇒➡/／|｜]+")
_BULLET = re.compile(r"^\s*(?:[・•●○◆◇■□▶▷\-*＊]|\d+[.．)）]|[①-⑳])\s*")
_LABEL_WORDS = "お詫び|謝罪|共感|対処|対応|原因|再発防止|理由|質問|代替案|代案|提案|感謝|お礼|結び"
_LABEL = re.compile(rf"^\s*(?:[【\[［(（]\s*(?:{_LABEL_WORDS})\s*[】\]］)）]|(?:{_LABEL_WORDS})\s*[:：】)）」])")
_ARROW = re.compile(r"[→⇒➡]|->|=>")

# Last words that close a sentence (Sudachi parts of speech): auxiliaries (ます, です, た,
# ん), final and conjunctive particles (か, ね, が, ので), interjections, and verbs or
# adjectives in their final or imperative forms (ください). Nouns and stems are fragments.
_CLOSING_POS = ("助動詞", "感動詞")
_CLOSING_PARTICLES = ("終助詞", "接続助詞")
_CLOSING_FORMS = ("終止形", "命令形")
_SKIP_POS = ("補助記号", "空白", "記号")


def _key(text: str) -> str:
    """``text`` without punctuation or spaces, for comparing what was said."""
    return _NOISE.sub("", text)


def _words(sentence: Sentence) -> list[Token]:
    return [t for t in sentence.tokens if t.pos[0] not in _SKIP_POS and t.surface.strip("・ \u3000")]


def is_sentence(sentence: Sentence) -> bool:
    """Does this unit end the way a Japanese sentence ends (not with a noun or a stem)?"""
    words = _words(sentence)
    if not words:
        return False
    last = words[-1]
    if last.pos[0] in _CLOSING_POS:
        return True
    if last.pos[0] == "助詞":
        return last.pos[1] in _CLOSING_PARTICLES
    if last.pos[0] in ("動詞", "形容詞"):
        return last.pos[5].startswith(_CLOSING_FORMS)
    return False


def _span(analysis: Analysis, sentence: Sentence) -> Span:
    return (sentence.start, sentence.end)


# --- the checks --------------------------------------------------------------------------


def keyword_stuffing(analysis: Analysis) -> Finding | None:
    """The same sentence or phrase said again and again, or apology piled on apology."""
    units = [(s, _key(analysis.text[s.start : s.end])) for s in analysis.sentences]
    units = [(s, k) for s, k in units if len(k) >= MIN_REPEATED_CHARS]
    counts = Counter(k for _, k in units)
    repeated = {k for k, n in counts.items() if n >= REPEATS}
    repeated |= {a for (_, a), (_, b) in zip(units, units[1:]) if a == b}
    if repeated:
        phrase = next(k for _, k in units if k in repeated)
        spans = tuple(_span(analysis, s) for s, k in units if k == phrase)
        return Finding(
            "stuffing",
            f"「{phrase}」が {counts[phrase]} 回くり返されています。同じ文を重ねても、お客様には気持ちが伝わりません。"
            "一度ずつ、自分の言葉で書きましょう。",
            spans,
        )
    # A placeholder (03-xxxx-xxxx, 〇〇〇〇) repeats one character: a blank, not a phrase said again.
    runs = re.finditer(rf"(.{{2,}}?)\1{{{RUN_REPEATS - 1},}}", _key(analysis.text))
    run = next((m for m in runs if len(set(m.group(1))) > 1), None)
    if run:
        return Finding(
            "stuffing",
            f"「{run.group(1)}」が続けて何度も書かれています。同じ言葉を重ねるのではなく、文として書きましょう。",
        )
    apologies = list(APOLOGY.finditer(analysis.text))
    if len(apologies) >= APOLOGY_LIMIT:
        return Finding(
            "stuffing",
            f"お詫びの言葉が {len(apologies)} 回あります。謝罪の数で誠意は伝わりません。"
            "心を込めたお詫びは冒頭と結びの一、二度にして、対処やこれからのことを具体的に書きましょう。",
            tuple((m.start(), m.end()) for m in apologies),
        )
    return None


# A word set down alone between sentences (申し訳ございません 手紙 直ってます) is a keyword,
# not part of a reply. The first and last lines (address, signature), 〇〇様 and the set
# words of a letter are not counted; nor is a word before a comma (本日、).
BARE_WORD_CHARS = 8
_CHUNK = re.compile(r"[\s\u3000。．！!？?]+")
_ADDRESS = re.compile(r"(様|御中|殿|各位|さん)$")
# The writer's team and name after a space: 〇〇アプリ サポートの田島です, 総務部 担当の山田と申します.
_INTRODUCTION = re.compile(r"[^\s。]+[ \u3000]+[^\s。]*の[^\s。の]{1,8}(です|でございます|と申します)(?=[。！!]|\s*$)")
_CLOSING_WORDS = frozenset("敬具 謹白 草々 以上".split())  # a letter's closing: date and sender follow
_LETTER_WORDS = frozenset("拝啓 謹啓 前略 記".split()) | _CLOSING_WORDS
# A phone greeting names the office and its desk with no の: ○○区役所 交付窓口でございます.
_OFFICE_GREETING = re.compile(
    r"[^\s。]{1,20}?(?:役所|役場|店|センター|窓口|事務局|課|係|室|社|サービス|スクール)[ \u3000]+[^\s。]{1,20}?(?:です|でございます)(?=[。！!…]|\s*$)"
)
# What a title or name in brackets holds (「〇〇 LIVE TOUR 2026」) is a name, not a keyword.
_QUOTED = re.compile(r"「[^「」\n]*」|『[^『』\n]*』")


def _body_lines(text: str) -> list[str]:
    """The reply's lines without its frame: the first line (address or greeting), the last
    one, a signature block (the short lines after the last blank line, none a sentence) and
    what follows a letter's closing word (date, sender)."""
    blocks = text.strip().split("\n\n")
    if len(blocks) >= 2:
        tail = [line for line in blocks[-1].splitlines() if line.strip()]
        if len(tail) <= 4 and not any("。" in line for line in tail):
            text = "\n\n".join(blocks[:-1])
    lines = [line for line in text.strip().splitlines() if line.strip()]
    for i, line in enumerate(lines):
        if line.strip() in _CLOSING_WORDS:
            lines = lines[: i + 1]
            break
    return lines[1:-1] if len(lines) >= 3 else lines


_WORD_POS = ("名詞", "接頭辞", "接尾辞")


def bare_words(text: str) -> list[str]:
    """Words standing alone between sentences, outside the first and last lines."""
    found = []
    for line in _body_lines(text):
        line = _QUOTED.sub("「」", line)
        chunks = _CHUNK.split(line)
        if any(_ADDRESS.search(chunk) for chunk in chunks):
            continue  # an address line: 〇〇株式会社 総務部 山田様
        if _INTRODUCTION.search(line) or _OFFICE_GREETING.search(line):
            continue  # a self-introduction: 〇〇アプリ サポートの田島です
        for chunk in chunks:
            if not chunk or len(chunk) > BARE_WORD_CHARS or chunk in _LETTER_WORDS:
                continue
            tokens = [t for t in analyse(chunk).tokens if t.pos[0] not in _SKIP_POS]
            # 今, あと, 先日: words that open spoken sentences, not keywords.
            if tokens and all(t.pos[0] in _WORD_POS for t in tokens) and not any("副詞可能" in t.pos for t in tokens):
                found.append(chunk)
    return found


def pattern_list(analysis: Analysis) -> Finding | None:
    """Labels, arrows, bullets or fragments standing where sentences should be."""
    text = analysis.text
    lines = [line for line in text.splitlines() if line.strip()]
    labels = [line for line in lines if _LABEL.match(line)]
    if len(labels) >= MIN_LABELS:
        return Finding(
            "pattern_list",
            "「謝罪：」「対処：」のように、型の名前を見出しにして並べています。見出しは付けず、"
            "お客様にそのまま送れる文章として書きましょう。",
        )
    if len(_ARROW.findall(text)) >= MIN_ARROWS:
        return Finding(
            "pattern_list",
            "矢印で型の順番を並べています。順番は文章の流れで示し、お客様にそのまま送れる文章として書きましょう。",
        )
    bullets = [line for line in lines if _BULLET.match(line)]
    total = len(_key(text)) or 1
    if len(bullets) >= MIN_UNITS and sum(len(_key(b)) for b in bullets) / total >= BULLET_SHARE:
        return Finding(
            "pattern_list",
            "返信のほとんどが箇条書きです。箇条書きは選択肢を示すときだけにして、お詫びや質問は文章で書きましょう。",
        )
    units = [s for s in analysis.sentences if _words(s)]
    fragments = [s for s in units if not is_sentence(s)]
    fragment_chars = sum(len(_key(text[s.start : s.end])) for s in fragments)
    if len(units) >= MIN_UNITS and len(fragments) >= MIN_UNITS - 1 and fragment_chars / total > FRAGMENT_SHARE:
        return Finding(
            "pattern_list",
            "言葉を並べただけで、文になっていない部分が多くあります。「〜いたします」「〜でしょうか」のように、"
            "最後まで言い切る文で書きましょう。",
            tuple(_span(analysis, s) for s in fragments),
        )
    words = bare_words(text)
    if words and len(analysis.sentences) >= 2:
        return Finding(
            "pattern_list",
            f"「{words[0]}」のように、言葉だけが置かれている部分があります。言葉を並べるのではなく、"
            "お客様にそのまま送れる文にして書きましょう。",
        )
    return None


# A string of triggers (申し訳ございません、復旧いたしました、原因は誤りでした) is made of the
# phrases the rules look for and says nothing about this customer's situation. A real reply,
# however terse, names something of the situation (設定, 注文画面, お席, 資料) and does only
# what the situation calls for. What counts as a trigger comes from what the checker found
# in this reply: a word inside an act that the act's own rule names (its vocabulary, with
# fragments and every alternative expanded). So a rule rewritten with fragments or
# alternations, or new rules, leave a learner's own words of the situation counted as such.
# Measured on the gaming set and every good reply in the repository (python -m
# benchmarks.gaming): see the closing note of issue 11.
TRIGGER_SHARE = 0.6  # share of the reply's characters inside the acts the rules found
MIN_TRIGGER_KINDS = 3  # three kinds of act with no word of the situation: a string of them
OFF_MARGIN = 2  # this many more off-situation words and acts than words of the situation
FOREIGN_IN = 3  # a noun of at most this many other situations (営業所, 授業予約) belongs to them
COMMON_SHARE = 0.5  # a noun in at least half of the situations (こと, お客様) is nobody's own
_TOPIC_POS = ("普通名詞", "固有名詞")


def _topic_tokens(analysis: Analysis) -> list[Token]:
    """The nouns that say what a text is about (one-kanji nouns such as 席 count)."""
    return [
        t
        for t in analysis.tokens
        if t.pos[0] == "名詞" and t.pos[1] in _TOPIC_POS and (len(t.surface) >= 2 or re.fullmatch(r"[一-龥]", t.surface))
    ]


def _nouns(analysis: Analysis) -> frozenset[str]:
    """The nouns that say what a text is about, normalized."""
    return frozenset(t.normalized for t in _topic_tokens(analysis))


def _context(scenario: "Scenario") -> str:
    return "\n".join((scenario.title, scenario.situation, scenario.customer, scenario.bad_reply, scenario.model_answer))


@functools.cache
def _situation(scenario: "Scenario") -> tuple[frozenset[str], frozenset[str]]:
    """(nouns of the situation as the learner reads it, act kinds its model answer uses)."""
    kinds = frozenset(a.kind for a in find_acts(analyse(scenario.model_answer), scenario)) if scenario.model_answer else frozenset()
    return _nouns(analyse(_context(scenario))), kinds


@functools.cache
def _common() -> frozenset[str]:
    """Nouns in at least half of the situations (こと, お客様, 申し訳): no one situation's."""
    from ..checker.scenarios import all_scenarios

    scenarios = all_scenarios().values()
    counts = Counter(n for s in scenarios for n in _situation(s)[0])
    return frozenset(n for n, c in counts.items() if c >= COMMON_SHARE * len(scenarios))


@functools.cache
def _elsewhere(scenario: "Scenario") -> frozenset[str]:
    """Nouns that belong to a few other situations (営業所, 授業予約): never this one's."""
    from ..checker.scenarios import all_scenarios

    others = [_situation(s)[0] for s in all_scenarios().values() if s.id not in (scenario.id, "generic")]
    counts = Counter(n for nouns in others for n in nouns)
    return frozenset(n for n, c in counts.items() if c <= FOREIGN_IN) - _situation(scenario)[0]


@functools.cache
def _builtin_rule(rule_id: str):
    from ..checker.rules import builtin_rules

    return {rule.id: rule for rule in builtin_rules()}.get(rule_id)


def _said_by_the_rules(analysis: Analysis, acts: list) -> set[int]:
    """Offsets of the words that are triggers here: inside an act the built-in rules found,
    and named by that act's rule. (A scenario's own rules name the situation's words.)"""
    from ..checker.rules import rule_vocabulary

    found: set[int] = set()
    for act in acts:
        rule = _builtin_rule(act.rule)
        if rule is None:
            continue
        vocabulary = rule_vocabulary(rule)
        found.update(t.start for t in analysis.tokens if act.start <= t.start and t.end <= act.end and t.normalized in vocabulary)
    return found


def comma_string(analysis: Analysis, acts: list) -> bool:
    """A sentence of at least MIN_UNITS clauses, each closed as a sentence before its 、
    (復旧いたしました、原因は…) and each an act: a list of triggers written with commas."""
    for sentence in analysis.sentences:
        tokens = sentence.tokens
        starts, ends = [sentence.start], []
        for token, following in zip(tokens, tokens[1:]):
            if following.surface in "、,，" and token.pos[0] == "助動詞" and token.pos[5].startswith("終止形"):
                ends.append(token.end)
                starts.append(following.end)
        ends.append(sentence.end)
        clauses = list(zip(starts, ends))
        if len(clauses) >= MIN_UNITS and all(any(a.start < end and start < a.end for a in acts) for start, end in clauses):
            return True
    return False


def cut_off_acts(analysis: Analysis, acts: list) -> int:
    """Units that stop where an act the rules found stops, without closing as a sentence
    (確認漏れにより。, 誤ったため！): a matched phrase pasted, not a sentence written."""
    count = 0
    for sentence in analysis.sentences:
        words = _words(sentence)
        if words and not is_sentence(sentence):
            count += any(sentence.start <= a.start and words[-1].end <= a.end <= sentence.end for a in acts)
    return count


def trigger_string(analysis: Analysis, scenario: "Scenario") -> Finding | None:
    """Trigger phrases strung together instead of sentences about this customer's situation.

    Only for a scenario with a situation of its own (not ``generic``, which stands for any).
    """
    if scenario.id == "generic" or not analysis.text.strip():
        return None
    acts = [a for a in find_acts(analysis, scenario) if a.kind != "forbidden_promise"]
    if len(acts) < 2:
        return None  # one phrase alone is a terse reply, not a string
    finding = Finding(
        "trigger_string",
        "決まり文句を並べただけで、この場面のお客様に向けた返信になっていません。"
        "何が起きたのか、いま何をするのかを、この場面の言葉で、文にして書きましょう。",
    )
    if comma_string(analysis, acts):
        return finding
    covered = set()
    for act in acts:
        covered.update(range(act.start, act.end))
    text = analysis.text
    share = len({i for i in covered if not _NOISE.fullmatch(text[i])}) / (len(_key(text)) or 1)
    own_words, own_kinds = _situation(scenario)
    triggers = _said_by_the_rules(analysis, acts)
    words = [t for t in _topic_tokens(analysis) if t.start not in triggers]
    kinds = {a.kind for a in acts}
    own = len({t.normalized for t in words} & own_words - _common())
    # Words of other situations, outside the acts this one calls for, and acts it has no
    # place for: pasted phrases. (お時間 in a thanks it calls for is no stranger.)
    fitting = [a for a in acts if a.kind in own_kinds]
    foreign = {t.normalized for t in words if t.normalized in _elsewhere(scenario) and not any(a.start <= t.start and t.end <= a.end for a in fitting)}
    off = len(foreign) + len(kinds - own_kinds if own_kinds else ())
    made_of_triggers = share >= TRIGGER_SHARE
    if made_of_triggers and cut_off_acts(analysis, acts):
        return finding
    if off < own + OFF_MARGIN and not (made_of_triggers and (off > own or (own == 0 and len(kinds) >= MIN_TRIGGER_KINDS))):
        return None
    return finding


def copies_bad_reply(text: str, bad_reply: str) -> Finding | None:
    """The bad reply handed back with little or nothing changed."""
    answer, bad = _key(text), _key(bad_reply)
    if not answer or not bad:
        return None
    similarity = difflib.SequenceMatcher(None, answer, bad, autojunk=False).ratio()
    # Sentences of the bad reply in another order defeat a diff, not the shared runs.
    similarity = max(similarity, model_copy_share(text, bad_reply))
    if similarity < COPY_SIMILARITY:
        return None
    return Finding(
        "copy",
        f"元の返信とほとんど同じです（一致率 {similarity:.0%}）。元の文を少し直すのではなく、"
        "お客様の立場で読み直し、順番や言葉を自分で組み立て直しましょう。",
    )


def _key_positions(text: str) -> tuple[str, list[int]]:
    """``_key(text)`` and, for each of its characters, the offset it came from in ``text``."""
    kept = [(i, ch) for i, ch in enumerate(text) if not _NOISE.fullmatch(ch)]
    return "".join(ch for _, ch in kept), [i for i, _ in kept]


def _shared_runs(source: str, other: str, run: int) -> list[bool]:
    """For each character of ``source``: is it inside a ``run``-character piece also in ``other``?"""
    pieces = {other[i : i + run] for i in range(len(other) - run + 1)}
    shared = [False] * len(source)
    for i in range(len(source) - run + 1):
        if source[i : i + run] in pieces:
            shared[i : i + run] = [True] * run
    return shared


def model_copy_share(text: str, model_answer: str) -> float:
    """The share of ``model_answer`` (punctuation aside) that reappears in ``text``, 0..1."""
    model, answer = _key(model_answer), _key(text)
    if len(model) < COPY_RUN:
        return 0.0
    return sum(_shared_runs(model, answer, COPY_RUN)) / len(model)


def copies_model_answer(text: str, model_answer: str) -> Finding | None:
    """The lesson's model answer handed in, whole or with small edits, in any order."""
    share = model_copy_share(text, model_answer)
    if share < MODEL_COPY_SHARE:
        return None
    answer, offsets = _key_positions(text)
    copied = _shared_runs(answer, _key(model_answer), COPY_RUN)
    spans: list[Span] = []
    for i, is_copied in enumerate(copied):
        if not is_copied:
            continue
        if spans and copied[i - 1]:
            spans[-1] = (spans[-1][0], offsets[i] + 1)
        else:
            spans.append((offsets[i], offsets[i] + 1))
    return Finding(
        "model_copy",
        f"レッスンで紹介した模範解答とほとんど同じです（模範解答の {share:.0%} がそのまま含まれています）。"
        "模範解答を写すのではなく、場面を読み直して、お客様に伝えたいことを自分の言葉で書きましょう。",
        tuple(spans),
    )


def copies_reference(text: str, reference: str) -> Finding | None:
    """The instructors' reference reply handed in, whole or lightly edited. Run only outside
    the learner's kernel (the reference never reaches it); the message names no text."""
    share = model_copy_share(text, reference)
    if share < MODEL_COPY_SHARE:
        return None
    return Finding(
        "solution_copy",
        f"講師用の解答例とほとんど同じです（解答例の {share:.0%} がそのまま含まれています）。自分の言葉で書き直してください。",
    )


def inspect_for(text: str, scenario: "Scenario") -> list[Finding]:
    """The hidden genuine-reply check of an exercise on ``scenario``: grade cells and the
    cohort re-grade both call this, so they can never disagree."""
    found = inspect(text, scenario.bad_reply, scenario.model_answer)
    if not found:
        found = [f for f in (trigger_string(analyse(text), scenario),) if f]
    return found


def inspect_outside(text: str, scenario: "Scenario", reference: str = "") -> list[Finding]:
    """The genuine-reply check as autograde records it, outside the learner's kernel: the
    grade cell's check, then a copy of the instructors' ``reference`` reply."""
    found = inspect_for(text, scenario)
    if not found and reference:
        found = [f for f in (copies_reference(text, reference),) if f]
    return found


def inspect(text: str, bad_reply: str = "", model_answer: str = "") -> list[Finding]:
    """Every shortcut found in ``text`` (empty if it reads as a real reply).

    ``bad_reply`` and ``model_answer`` are the scenario's; leave one empty to skip its check.
    """
    analysis = analyse(text)
    found = [
        keyword_stuffing(analysis),
        pattern_list(analysis),
        copies_bad_reply(text, bad_reply),
        copies_model_answer(text, model_answer),
    ]
    return [f for f in found if f is not None]

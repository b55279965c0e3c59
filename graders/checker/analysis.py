"""Japanese morphological analysis: tokens with offsets, and a sentence splitter.

SudachiPy does the analysis; this module adds character offsets into the original text,
a small variant map for forms Sudachi's normalization leaves apart, and sentence
boundaries that also work for spoken replies written without 。.

Speed matters here: every check tokenizes its reply, and the checker should cost little
more than Sudachi itself (benchmarks/). So a dictionary word's forms and part of speech
are asked of Sudachi once per process, then looked up by word id; a text's tokens are
kept as word records and end offsets, and Token objects are made only when asked for
(grading reads only the sentences' forms and offsets); and the sentence splitter looks
only at the few tokens that can end a sentence.
"""

from __future__ import annotations

import bisect
import functools
import re
import threading
from operator import itemgetter
from typing import Iterator, NamedTuple, Sequence

# Sudachi does not merge these kana/kanji variants (measured; see DESIGN.md), so rules
# would otherwise need both spellings. Keys are normalized forms, values the canonical one.
VARIANTS = {
    "うかがう": "伺う",
    "わび": "詫びる",
    "詫び": "詫びる",
    "わびる": "詫びる",
    "かける": "掛ける",
}

# Characters that always end a sentence, and ones that separate spoken fragments.
SENTENCE_END = set("。．.!?！？\n")
SOFT_BREAK = set("…・\u3000")

# One Sudachi call takes at most 49,149 bytes (measured): split longer input.
_MAX_CHUNK_BYTES = 48_000


class Token(NamedTuple):
    """One morpheme, with its character offsets in the text."""

    surface: str
    normalized: str
    dictionary: str
    pos: tuple[str, ...]
    start: int
    end: int
    is_space: bool  # whitespace: Sudachi's 空白, or a surface of nothing but spaces


@functools.cache
def _dictionary():
    # Imported and loaded lazily, once per process: importing graders stays cheap.
    from sudachipy import Dictionary

    return Dictionary(dict="core")


# What the checker reads of a morpheme: Sudachi then decodes nothing else (measured faster).
_FIELDS = {"pos", "normalized_form", "dictionary_form"}

_local = threading.local()


def _tokenizer():
    # A Sudachi tokenizer refuses to be used by two threads at once ("already in use"),
    # so each thread gets its own over the one shared dictionary.
    tokenizer = getattr(_local, "tokenizer", None)
    if tokenizer is None:
        from sudachipy import SplitMode

        tokenizer = _local.tokenizer = _dictionary().tokenizer(mode=SplitMode.C, fields=_FIELDS)
    return tokenizer


def _chunks(text: str):
    """Yield (offset, piece) pieces under Sudachi's byte limit, cut after line ends or 。."""
    if len(text) * 4 <= _MAX_CHUNK_BYTES:  # at most 4 UTF-8 bytes a character: fits whole
        if text:
            yield 0, text
        return
    start = 0
    while start < len(text):
        end = start
        size = 0
        cut = None
        while end < len(text):
            size += len(text[end].encode("utf-8"))
            if size > _MAX_CHUNK_BYTES:
                break
            end += 1
            if text[end - 1] in SENTENCE_END:
                cut = end
        if end < len(text) and cut:
            end = cut
        yield start, text[start:end]
        start = end


# ---------------------------------------------------------------- tokens


class _Word(NamedTuple):
    """What a dictionary word always is, whatever text it was found in."""

    normalized: str  # after VARIANTS
    dictionary: str
    pos: tuple[str, ...]
    space: bool  # Sudachi's 空白
    may_end: bool  # may end a sentence by itself (see _ends_by_form)
    flagged: bool  # space or may_end: worth a closer look
    tag: str  # one character naming its part of speech (see POS_TAGS)
    tagged: str  # normalized + tag: the word in the tagged stream rules naming a POS read


# Parts of speech as rules' patterns can name them: each word gets one tag character (from
# Unicode's private use area, so never part of a form) for its finest class listed here.
# name -> (tag, what Sudachi's POS starts with). Broader classes (noun) are unions of these.
POS_TAGS: dict[str, tuple[str, tuple[str, ...]]] = {
    "verbal_noun": ("\ue001", ("名詞", "普通名詞", "サ変可能")),
    "na_noun": ("\ue002", ("名詞", "普通名詞", "サ変形状詞可能")),
    "common_noun": ("\ue003", ("名詞", "普通名詞")),
    "proper_noun": ("\ue004", ("名詞", "固有名詞")),
    "number": ("\ue005", ("名詞", "数詞")),
    "pronoun": ("\ue006", ("代名詞",)),
    "verb": ("\ue007", ("動詞",)),
    "adjective": ("\ue008", ("形容詞",)),
    "na_adjective": ("\ue009", ("形状詞",)),
    "adverb": ("\ue00a", ("副詞",)),
    "particle": ("\ue00b", ("助詞",)),
    "auxiliary": ("\ue00c", ("助動詞",)),
    "prefix": ("\ue00d", ("接頭辞",)),
    "suffix": ("\ue00e", ("接尾辞",)),
    "conjunction": ("\ue00f", ("接続詞",)),
    "adnominal": ("\ue010", ("連体詞",)),
    "interjection": ("\ue011", ("感動詞",)),
    "symbol": ("\ue012", ("補助記号",)),
}
OTHER_TAG = "\ue013"  # 記号, 空白 and anything else
# Finer classes the normalized form hides: it makes いただけます (can) いただきます and
# しましょう (let me) します. name -> (tag, the POS_TAGS class it is part of).
FORM_TAGS: dict[str, tuple[str, str]] = {
    "potential": ("\ue014", "verb"),  # a potential verb: いただける, 送れる, もらえる (normalized 頂く, 送る, 貰う)
    "volitional": ("\ue015", "auxiliary"),  # ましょう, でしょう, だろう (normalized ます, です, だ)
}
TAG_RANGE = "\ue001-\ue015"  # every tag, as a regex class range
TAG_NAMES = {tag: name for name, (tag, _) in POS_TAGS.items()} | {OTHER_TAG: "other"} | {tag: name for name, (tag, _) in FORM_TAGS.items()}


@functools.cache
def pos_tag(pos: tuple[str, ...]) -> str:
    """The tag character of the finest POS_TAGS class ``pos`` falls in (first listed wins)."""
    for tag, prefix in POS_TAGS.values():
        if pos[: len(prefix)] == prefix:
            return tag
    return OTHER_TAG


# A godan verb's last kana -> its e-row kana: the potential of 送る is 送れる, of 頂く 頂ける.
_E_ROW = dict(zip("うくぐすつぬぶむる", "えけげせてねべめれ"))


def _is_potential(pos: tuple[str, ...], normalized: str, dictionary: str) -> bool:
    """A potential verb Sudachi normalizes to its godan verb (いただける -> 頂く, 送れる -> 送る):
    a 下一段 verb whose dictionary form is the normalized form's e-row + る. A verb that is
    itself 下一段 (入れる, 受ける) keeps its form when normalized, so is none; なれる (of なる,
    kept as it is; 慣れる is written apart) is one."""
    if pos[0] != "動詞" or not pos[4].startswith("下一段"):
        return False
    if normalized == dictionary:
        return normalized == "なれる"  # ご利用になれます: Sudachi keeps なれる a word of its own
    e = _E_ROW.get(normalized[-1:])
    return e is not None and dictionary.endswith(e + "る") and not normalized.endswith(e + "る")


def word_tag(pos: tuple[str, ...], normalized: str, dictionary: str) -> str:
    """A word's tag: its POS_TAGS class, or the finer FORM_TAGS class of a potential verb or a
    volitional auxiliary (ましょう, でしょう), which rules naming <verb>/<auxiliary> still match."""
    if pos[0] == "助動詞" and pos[5].startswith("意志推量形"):
        return FORM_TAGS["volitional"][0]
    if _is_potential(pos, normalized, dictionary):
        return FORM_TAGS["potential"][0]
    return pos_tag(pos)


# Word id -> _Word, filled as words are met. A word id fixes a dictionary word's forms
# and part of speech; an out-of-vocabulary id only fixes its part of speech, so those
# are never stored (their id's top four bits are 0xF: sudachi.rs WordId::is_oov).
_WORDS: dict[int, _Word] = {}
_MAX_WORDS = 200_000  # bounds the memory odd input can take (far more than replies use)


def _tag_of(tok: Token) -> str:
    return word_tag(tok.pos, tok.normalized, tok.dictionary)


def _word(morpheme) -> _Word:
    normalized = morpheme.normalized_form()
    pos = tuple(morpheme.part_of_speech())
    dictionary = morpheme.dictionary_form()
    space = pos[0] == "空白"
    may_end = _ends_by_form(pos, dictionary)
    normalized = VARIANTS.get(normalized, normalized)
    tag = word_tag(pos, normalized, dictionary)
    word = _Word(normalized, dictionary, pos, space, may_end, space or may_end, tag, normalized + tag)
    if not morpheme.is_oov():
        if len(_WORDS) >= _MAX_WORDS:
            _WORDS.clear()
        _WORDS[morpheme.word_id()] = word
    return word


class _Tokens(Sequence[Token]):
    """A text's tokens as Sudachi gave them: word records and end offsets, each Token
    made on demand. Sudachi's tokens tile the text, so a token starts where the one
    before it ends (and the first at 0)."""

    __slots__ = ("text", "ends", "words", "spaces", "marks", "given")

    def __init__(self, text: str):
        self.text = text
        self.ends: list[int] = []
        self.words: list[_Word] = []
        self.spaces: list[int] = []  # indices of whitespace tokens, in order
        self.marks: list[int] = []  # indices of tokens that may end a sentence, in order
        self.given: list[Token] | None = None  # Token objects made beforehand, if any

    @classmethod
    def of(cls, text: str, tokens: list[Token]) -> "_Tokens":
        """``tokenize(text)``'s tokens, kept as they are."""
        found = cls(text)
        found.given = tokens
        found.ends = [tok.end for tok in tokens]
        tags = map(_tag_of, tokens)
        found.words = [_Word(tok.normalized, tok.dictionary, tok.pos, tok.is_space, False, False, tag, tok.normalized + tag) for tok, tag in zip(tokens, tags)]
        found.spaces = [i for i, tok in enumerate(tokens) if tok.is_space]
        found.marks = [i for i, tok in enumerate(tokens) if _may_end(tok)]
        return found

    def __len__(self) -> int:
        return len(self.ends)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if self.given is not None:
            return self.given[i]
        if i < 0:
            i += len(self.ends)
        start = self.ends[i - 1] if i else 0
        end = self.ends[i]
        surface = self.text[start:end]
        word = self.words[i]
        return Token(surface, word.normalized, word.dictionary, word.pos, start, end, word.space or not surface.strip())

    def __iter__(self) -> Iterator[Token]:
        if self.given is not None:
            yield from self.given
            return
        text, start = self.text, 0
        for end, word in zip(self.ends, self.words):
            surface = text[start:end]
            yield Token(surface, word.normalized, word.dictionary, word.pos, start, end, word.space or not surface.strip())
            start = end


# A character that can break a sentence or be whitespace: tokens holding none of these
# are neither breaks nor spaces (unless Sudachi calls them 空白), so need no closer look.
_SPECIAL = re.compile(r"[\s。．.!?！？…・]")


def _scan(text: str) -> _Tokens:
    """The tokens of ``text``, with the ones that are whitespace or may end a sentence marked."""
    found = _Tokens(text)
    ends, words, spaces, marks = found.ends, found.words, found.spaces, found.marks
    end_at, word_of = ends.append, words.append
    known = _WORDS.get
    tokenizer = _tokenizer()
    for offset, piece in _chunks(text):
        specials = [m.start() for m in _SPECIAL.finditer(piece)]
        specials.append(len(piece))  # a sentinel past every token's start
        k = 0
        special = specials[0]
        start = 0
        for m in tokenizer.tokenize(piece):
            end = m.end()
            word = known(m.word_id()) or _word(m)
            if special < end or start == end:  # a special character, or none at all (… gives "." "" "")
                while specials[k] < end:
                    k += 1
                special = specials[k]
                if word.space or not piece[start:end].strip():
                    spaces.append(len(ends))
                marks.append(len(ends))
            elif word.flagged:
                if word.space:
                    spaces.append(len(ends))
                if word.may_end:
                    marks.append(len(ends))
            end_at(offset + end)
            word_of(word)
            start = end
    return found


def tokenize(text: str) -> list[Token]:
    """Tokens of ``text`` with character offsets into it (whitespace tokens included)."""
    return list(_scan(text))


# ---------------------------------------------------------------- sentences

_NORMALIZED = itemgetter(0)  # _Word.normalized, read the fast way
_TAG = itemgetter(6)  # _Word.tag
_TAGGED = itemgetter(7)  # _Word.tagged


# A space inside a sentence (a spoken clause going on: 切らしておりまして 入荷は来週です) is read
# as the comma a written reply would have there, so rules see one stream for both.
_COMMA_POS = ("補助記号", "読点", "*", "*", "*", "*")
_COMMA_WORD = _Word("、", "、", _COMMA_POS, False, False, False, pos_tag(_COMMA_POS), "、" + pos_tag(_COMMA_POS))


class Sentence:
    """A sentence: its character span and its tokens (whitespace left out, except a space
    inside it that parts two clauses: that one is read as a comma, 、).

    Sentences of analyse() make their Token objects on first use of ``tokens``; rules
    read ``forms()`` and ``span_of()``, which need none.
    """

    __slots__ = ("start", "end", "_tokens", "_source", "_index", "_commas")

    def __init__(self, start: int, end: int, tokens: tuple[Token, ...] | None = None, source: _Tokens | None = None, index: Sequence[int] = (), commas: frozenset[int] = frozenset()):
        self.start = start
        self.end = end
        self._tokens = tokens
        self._source = source  # the text's tokens, when ``tokens`` is made on demand
        self._index = index  # which of them (a range when no whitespace lies between)
        self._commas = commas  # which of them are spaces read as a comma

    @property
    def tokens(self) -> tuple[Token, ...]:
        if self._tokens is None:
            found = map(self._source.__getitem__, self._index)
            if self._commas:
                found = (_as_comma(tok) if tok.is_space else tok for tok in found)
            self._tokens = tuple(found)
        return self._tokens

    def _each(self, field: itemgetter, of_token) -> list[str]:
        """``field`` of each token's word record (``of_token(token)`` for given tokens)."""
        if self._tokens is not None:
            return [of_token(tok) for tok in self._tokens]
        words, index = self._source.words, self._index
        if type(index) is range:
            return list(map(field, words[index.start : index.stop]))
        if self._commas:
            commas = self._commas
            return [field(_COMMA_WORD if i in commas else words[i]) for i in index]
        return [field(words[i]) for i in index]

    def forms(self) -> list[str]:
        """The normalized form of each token."""
        return self._each(_NORMALIZED, lambda tok: tok.normalized)

    def tags(self) -> list[str]:
        """The POS tag character of each token (see POS_TAGS)."""
        return self._each(_TAG, _tag_of)

    def tagged_forms(self) -> list[str]:
        """Each token's normalized form followed by its POS tag."""
        return self._each(_TAGGED, lambda tok: tok.normalized + _tag_of(tok))

    def span_of(self, first: int, last: int) -> tuple[int, int]:
        """The character span from the start of token ``first`` to the end of token ``last``."""
        if self._commas and first < last:  # a space read as a comma is no part of a span's ends
            first += self._index[first] in self._commas
            last -= self._index[last] in self._commas
        if self._tokens is not None:
            return self._tokens[first].start, self._tokens[last].end
        ends, i = self._source.ends, self._index[first]
        return (ends[i - 1] if i else 0), ends[self._index[last]]

    def _key(self) -> tuple:
        return self.start, self.end, self.tokens

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sentence) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Sentence(start={self.start}, end={self.end}, tokens={self.tokens!r})"


def _as_comma(tok: Token) -> Token:
    """A space token read as the comma it stands for (its surface and offsets kept)."""
    return tok._replace(normalized="、", dictionary="、", pos=_COMMA_POS, is_space=False)


def _ends_by_form(pos: tuple[str, ...], dictionary: str) -> bool:
    """Whether a word can end a sentence as a polite ending or a sentence-final particle:
    ます/です, た/ぬ/ず (after ます/です), or a sentence-final particle (か, ね, よ)."""
    return (pos[0] == "助動詞" and dictionary in ("ます", "です", "た", "ぬ", "ず")) or pos[:2] == ("助詞", "終助詞")


def _ends_politely(word: _Word | Token, surface: str, prev: _Word | Token | None) -> bool:
    """ます/です (and でしょう), or た/ぬ/ず closing a ます/です chain (ました, ません)."""
    if word.pos[0] != "助動詞":
        return False
    if word.dictionary in ("ます", "です"):
        return True
    if surface in ("たら", "たり"):  # でしたら, ましたら: a condition, the sentence goes on
        return False
    return word.dictionary in ("た", "ぬ", "ず") and prev is not None and prev.dictionary in ("ます", "です", "ぬ")


# Formal nouns that keigo attaches to a polite ending (おかけしましたことを, ご連絡しましたとおり,
# ございましたため, 調べましたところ, 増えております関係で, 遅れましたもので, ございます場合は):
# the sentence goes on.
_FORMAL_NOUNS = {"こと", "事", "とおり", "通り", "ため", "為", "上", "うえ", "件", "旨", "段", "際", "次第", "ところ", "所", "関係", "影響", "都合", "結果", "せい", "もの", "物", "場合", "折", "時", "とき"}


def _continues(word: _Word | Token, surface: str) -> bool:
    """A token that continues the sentence after a polite ending (が, ので, ね, でした, こと...),
    or the stem of an auxiliary (賜りますようお願い申し上げます, ございますようでしたら)."""
    pos = word.pos
    return pos[0] in ("助詞", "助動詞", "補助記号") or pos[:2] == ("形状詞", "助動詞語幹") or surface in SOFT_BREAK or surface in _FORMAL_NOUNS


def _filler(words: Sequence[_Word], i: int) -> bool:
    """ですね after a particle, spoken to hold the floor (今日はですね高速道路が…, それはですね…):
    the sentence goes on after it."""
    return i > 1 and words[i - 1].dictionary == "です" and words[i - 2].pos[0] == "助詞"


# Prefixes that only ever begin a noun (貴店, 貴社, 弊社 where it is split): unlike お and ご
# (お待ちください), a polite form before them modifies that noun.
_NOUN_PREFIXES = {"貴", "弊"}


def _modifies_noun(word: _Word | Token, surface: str, prev: _Word | Token | None, following: _Word | Token) -> bool:
    """ます or ました straight before a noun: a polite relative clause (先日ご案内いたしました価格改定,
    担当しております篠原), so the sentence goes on. Not ません or でした (申し訳ございませんでした原因は…),
    nor before a noun that works as an adverb (ございました今後とも) or a prefix (いたしますお待ちください),
    except 貴 and 弊, which only make nouns (制作いたしました貴店のサイト)."""
    polite = surface == "ます" and word.dictionary == "ます"
    if not (polite or (surface == "た" and prev is not None and prev.dictionary == "ます")):
        return False
    pos = following.pos
    return (pos[0] == "名詞" and pos[2] != "副詞可能") or (pos[0] == "接頭辞" and following.dictionary in _NOUN_PREFIXES)


# A run-on "sentence" longer than this many tokens (about 250 characters, far beyond any
# real one) is cut, at its last comma if it has one past the middle. Rules' patterns
# may backtrack polynomially in a sentence's length: this bounds a check's time.
MAX_SENTENCE_TOKENS = 120
_COMMAS = {"、", "，", ","}
_KEEP_WITH_END = SENTENCE_END | SOFT_BREAK | set("」』）)")


def _may_end(tok: Token) -> bool:
    """Whether a token can end a sentence (the tokens _scan marks): a break character, or a
    polite ending or sentence-final particle. No other token ever ends one."""
    return not tok.surface or bool(_SPECIAL.search(tok.surface)) or _ends_by_form(tok.pos, tok.dictionary)


def _between_japanese(text: str, ends: list[int], i: int) -> bool:
    """Whether whitespace token ``i`` stands between two Japanese characters: spoken and chat
    replies part their clauses so (すみません 在庫がないんです), where English words need it."""
    start = ends[i - 1] if i else 0
    return 0 < start and ends[i] < len(text) and not text[start - 1].isascii() and not text[ends[i]].isascii()


# A space parts spoken clauses as 。 would, unless the word before it cannot end a sentence,
# even a spoken one: then the space is the comma a written reply would have there.
# Conjunctive particles that always lead on: て, で (読んで), ば, ながら, つつ. ので, でも and たら
# are だ/た in their continuative or conditional form (below); から, けど, が, し and と are left
# out, since speech ends sentences on them (…確認していただかないと。…ございますけど。).
_LEADING_ON = {"て", "で", "ば", "ながら", "つつ"}
# Case, binding and adverbial particles (場合は, 皆様へ, ご予算のことなど), a conjunction, prefix,
# adnominal, adverb, adverbial noun (今, 明日の朝) or interjection (いえ 違います): the phrase has
# not ended yet.
_PHRASE_PARTICLES = {"格助詞", "係助詞", "副助詞"}
_NEVER_FINAL_POS = {"接頭辞", "接続詞", "連体詞", "副詞", "感動詞"}
# Conjugated forms a clause goes on from: 連用形 (確認いたし, できておらず, ので's で), 仮定形
# (ましたら, でしたら) and 未然形. Adjectives are left out: ご心配なく ends a spoken sentence.
_GOING_ON_FORMS = ("連用形", "仮定形", "未然形")


def _embedded_question(words: Sequence[_Word], i: int) -> bool:
    """Whether word ``i`` is a か after a plain form, a question inside the sentence
    (どんな場面か 教えていただけますか, 思われたのか お聞かせください); not after ます/です
    (ご予約ですか お名前を…), where the question is the sentence."""
    word = words[i]
    if word.pos[:2] != ("助詞", "終助詞") or word.dictionary != "か" or i == 0:
        return False
    before = words[i - 1]
    return before.dictionary not in ("ます", "です", "ぬ", "ず", "た") and before.pos[0] not in ("空白", "補助記号")


def _in_a_list(words: Sequence[_Word], i: int) -> bool:
    """Whether ・ (token ``i``) follows a noun: it joins the items of a list (土曜・日曜,
    ご意見・ご要望, 私・森田), where it ends nothing."""
    return i > 0 and words[i - 1].pos[0] in ("名詞", "代名詞", "接尾辞", "接頭辞")


def _in_a_number(words: Sequence[_Word], i: int) -> bool:
    """Whether . (token ``i``) stands between two numbers (バージョン3.2.1, 1.5倍)."""
    return 0 < i < len(words) - 1 and words[i - 1].pos[1] == "数詞" and words[i + 1].pos[1] == "数詞"


def _abbreviation_before_a_number(text: str, ends: list[int], i: int) -> bool:
    """Whether token ``i`` ends in a . that closes a Latin abbreviation a number follows
    (修正版Ver.5.2, No.3の窓口 where Sudachi reads No. as one word, v.2): the sentence goes on."""
    end = ends[i]
    return 2 <= end < len(text) and text[end - 1] == "." and text[end - 2].isascii() and text[end - 2].isalpha() and text[end].isdigit()


def _clause_goes_on(word: _Word | Token) -> bool:
    """Whether the clause before a space goes on after it, because the word before the space
    cannot end a sentence: 在庫を切らしておりまして 入荷は来週になります (cause and consequence),
    お急ぎでしたら 店頭でお受け取りいただけます (condition and offer) are one sentence each."""
    pos = word.pos
    if pos[0] == "助詞":
        return pos[1] in _PHRASE_PARTICLES or (pos[1] == "接続助詞" and word.dictionary in _LEADING_ON)
    if pos[0] == "名詞":
        return pos[2] == "副詞可能"
    if pos[0] in ("動詞", "助動詞"):
        return pos[5].startswith(_GOING_ON_FORMS)
    return pos[0] in _NEVER_FINAL_POS


def split_sentences(text: str, tokens: list[Token] | None = None) -> list[Sentence]:
    """Split into sentences, also where spoken text has no 。.

    A sentence ends at 。！？ and line breaks (not one right after a comma, nor . inside a
    number); at … and ・ (not ・ between nouns); at full-width spaces and spaces between
    Japanese characters, unless the word before the space cannot end a sentence (a particle
    that leads on, a continuative or conditional form: see _clause_goes_on), where the space
    stays in the sentence read as a comma (、); and after a polite ending (ます, です, ました,
    ません, でしょう) or a sentence-final particle when the next token neither is a particle
    nor an auxiliary. A sentence longer than MAX_SENTENCE_TOKENS is cut. ``tokens``, if
    given, are ``tokenize(text)``'s.
    """
    return _sentences_of(_scan(text) if tokens is None else _Tokens.of(text, tokens))


def _sentences_of(tokens: _Tokens) -> list[Sentence]:
    """split_sentences over a text's tokens, looking only at the marked ones.

    Any other token neither breaks nor ends a sentence, so skipping it changes nothing;
    a run-on sentence is cut at the same tokens as a walk through every token would.
    """
    text, ends, words, spaces = tokens.text, tokens.ends, tokens.words, tokens.spaces
    blank = set(spaces)
    commas: set[int] = set()  # spaces parting two clauses of one sentence: read as 、
    sentences: list[Sentence] = []
    start = 0  # the first token of the sentence being read

    def close(end: int) -> None:
        nonlocal start
        inner: frozenset[int] = frozenset()
        if not spaces or bisect.bisect_left(spaces, start) == bisect.bisect_left(spaces, end):
            index: Sequence[int] = range(start, end)  # no whitespace in between
        else:
            index = [i for i in range(start, end) if i not in blank or i in commas]
            inner = commas.intersection(index)
        if index:
            first = index[0]
            sentences.append(Sentence(ends[first - 1] if first else 0, ends[index[-1]], None, tokens, index, inner))
        start = end

    def cut_run_ons(upto: int) -> None:
        # A walk would cut when the sentence reaches MAX_SENTENCE_TOKENS at token j.
        while start + MAX_SENTENCE_TOKENS - 1 <= upto:
            j = start + MAX_SENTENCE_TOKENS - 1
            cut = j + 1
            for k in range(j, start + MAX_SENTENCE_TOKENS // 2 - 1, -1):  # the last comma past the middle
                if text[ends[k - 1] if k else 0 : ends[k]] in _COMMAS:
                    cut = k + 1
                    break
            close(cut)

    last = len(ends) - 1
    for i in tokens.marks:
        if i >= last:
            break  # nothing follows the last token: the final close() ends its sentence
        if start + MAX_SENTENCE_TOKENS - 1 <= i:
            cut_run_ons(i)
        this = text[ends[i - 1] if i else 0 : ends[i]]
        after = text[ends[i] : ends[i + 1]]
        space = i in blank
        # A whitespace token may hold a line break before indentation ("\n  "): still a break.
        hard = bool(this) and (this[-1] in SENTENCE_END or (space and "\n" in this))
        if hard:
            soft = False
            if (this in (".", "．") and _in_a_number(words, i)) or _abbreviation_before_a_number(text, ends, i):
                hard = False  # a decimal point, a version number, Ver.5 or No.3
            elif space and this.count("\n") == 1 and i > 0 and text[ends[i - 2] if i > 1 else 0 : ends[i - 1]] in _COMMAS:
                hard = False  # a line wrapped after a comma (…により、⏎お客様に…): the sentence goes on
        elif space:
            # A space parts spoken clauses: a sentence ends there, unless the clause before it
            # cannot end (切らしておりまして 入荷は…): then the space is the sentence's comma.
            soft = "\u3000" in this or _between_japanese(text, ends, i)
            if soft and i > 0:
                before = text[ends[i - 2] if i > 1 else 0 : ends[i - 1]]
                if before in _COMMAS or i - 1 in commas or (after[:1] in _KEEP_WITH_END and not after.isspace()) or after in _COMMAS:
                    soft = False  # a comma or an end is there already
                elif i - 1 not in blank and (_clause_goes_on(words[i - 1]) or _embedded_question(words, i - 1)):
                    soft = False
                    commas.add(i)
        else:
            soft = this in SOFT_BREAK and not (this == "・" and _in_a_list(words, i))
        if hard or soft:
            # Keep a closing bracket or a run of ！？ with the sentence it ends.
            if not (after and after[0] in _KEEP_WITH_END):
                close(i + 1)
            continue
        word = words[i]
        final = _ends_politely(word, this, words[i - 1] if i > 0 else None) or (
            word.pos[:2] == ("助詞", "終助詞") and not _filler(words, i) and not (i + 1 in blank and _embedded_question(words, i))
        )
        if final and (i + 1 in blank or not (_continues(words[i + 1], after) or _modifies_noun(word, this, words[i - 1] if i > 0 else None, words[i + 1]))):
            close(i + 1)
    cut_run_ons(last)
    close(len(ends))
    return sentences


class Analysis:
    """A text, its tokens and its sentences. ``tokens`` is made on first use."""

    __slots__ = ("text", "sentences", "_tokens")

    def __init__(self, text: str, tokens: Sequence[Token], sentences: tuple[Sentence, ...]):
        self.text = text
        self._tokens = tokens
        self.sentences = sentences

    @property
    def tokens(self) -> tuple[Token, ...]:
        if type(self._tokens) is not tuple:
            self._tokens = tuple(self._tokens)
        return self._tokens

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Analysis) and (self.text, self.tokens, self.sentences) == (other.text, other.tokens, other.sentences)

    def __hash__(self) -> int:
        return hash((self.text, self.tokens, self.sentences))

    def __repr__(self) -> str:
        return f"Analysis(text={self.text!r}, tokens={self.tokens!r}, sentences={self.sentences!r})"


def analyse(text: str) -> Analysis:
    tokens = _scan(text)
    return Analysis(text, tokens, tuple(_sentences_of(tokens)))

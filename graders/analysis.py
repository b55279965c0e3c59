"""Japanese morphological analysis: tokens with offsets, and a sentence splitter.

SudachiPy does the analysis; this module adds character offsets into the original text,
a small variant map for forms Sudachi's normalization leaves apart, and sentence
boundaries that also work for spoken replies written without 。.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass

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


@dataclass(frozen=True, slots=True)
class Token:
    surface: str
    normalized: str
    dictionary: str
    pos: tuple[str, ...]
    start: int
    end: int

    @property
    def is_space(self) -> bool:
        return self.pos[0] == "空白" or not self.surface.strip()


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    tokens: tuple[Token, ...]


@functools.cache
def _dictionary():
    # Imported and loaded lazily, once per process: importing graders stays cheap.
    from sudachipy import Dictionary

    return Dictionary(dict="core")


_local = threading.local()


def _tokenizer():
    # A Sudachi tokenizer refuses to be used by two threads at once ("already in use"),
    # so each thread gets its own over the one shared dictionary.
    tokenizer = getattr(_local, "tokenizer", None)
    if tokenizer is None:
        from sudachipy import SplitMode

        tokenizer = _local.tokenizer = _dictionary().tokenizer(mode=SplitMode.C)
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


def tokenize(text: str) -> list[Token]:
    """Tokens of ``text`` with character offsets into it (whitespace tokens included)."""
    tokens: list[Token] = []
    tokenizer = _tokenizer()
    for offset, piece in _chunks(text):
        for m in tokenizer.tokenize(piece):
            normalized = m.normalized_form()
            # Positional arguments: a frozen dataclass builds noticeably faster that way.
            tokens.append(
                Token(
                    m.surface(),
                    VARIANTS.get(normalized, normalized),
                    m.dictionary_form(),
                    tuple(m.part_of_speech()),
                    offset + m.begin(),
                    offset + m.end(),
                )
            )
    return tokens


def _ends_politely(tok: Token, prev: Token | None) -> bool:
    """ます/です (and でしょう), or た/ぬ/ず closing a ます/です chain (ました, ません)."""
    if tok.pos[0] != "助動詞":
        return False
    if tok.dictionary in ("ます", "です"):
        return True
    if tok.surface in ("たら", "たり"):  # でしたら, ましたら: a condition, the sentence goes on
        return False
    return tok.dictionary in ("た", "ぬ", "ず") and prev is not None and prev.dictionary in ("ます", "です", "ぬ")


# Formal nouns that keigo attaches to a polite ending (おかけしましたことを, ご連絡しましたとおり,
# ございましたため): the sentence goes on.
_FORMAL_NOUNS = {"こと", "事", "とおり", "通り", "ため", "為", "上", "うえ", "件", "旨", "段", "際", "次第"}


def _continues(tok: Token) -> bool:
    """A token that continues the sentence after a polite ending (が, ので, ね, でした, こと...)."""
    return tok.pos[0] in ("助詞", "助動詞", "補助記号") or tok.surface in SOFT_BREAK or tok.surface in _FORMAL_NOUNS


# A run-on "sentence" longer than this many tokens (about 250 characters, far beyond any
# real one) is cut, at its last comma if it has one past the middle. Rules' patterns
# may backtrack polynomially in a sentence's length: this bounds a check's time.
MAX_SENTENCE_TOKENS = 120
_COMMAS = {"、", "，", ","}
_KEEP_WITH_END = SENTENCE_END | SOFT_BREAK | set("」』）)")


def split_sentences(text: str, tokens: list[Token] | None = None) -> list[Sentence]:
    """Split into sentences, also where spoken text has no 。.

    A sentence ends at 。！？ and line breaks; at … ・ and full-width spaces; and after
    a polite ending (ます, です, ました, ません, でしょう) or a sentence-final particle
    when the next token neither is a particle nor an auxiliary. A sentence longer than
    MAX_SENTENCE_TOKENS is cut.
    """
    if tokens is None:
        tokens = tokenize(text)
    sentences: list[Sentence] = []
    current: list[Token] = []

    def close(upto: int | None = None):
        words = [t for t in current[:upto] if not t.is_space]
        if words:
            sentences.append(Sentence(words[0].start, words[-1].end, tuple(words)))
        del current[:upto]

    for i, tok in enumerate(tokens):
        current.append(tok)
        if len(current) >= MAX_SENTENCE_TOKENS:
            commas = [j for j in range(len(current) // 2, len(current)) if current[j].surface in _COMMAS]
            close(commas[-1] + 1 if commas else None)
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if nxt is None:
            break
        # A whitespace token may hold a line break before indentation ("\n  "): still a break.
        hard = bool(tok.surface) and (tok.surface[-1] in SENTENCE_END or (tok.is_space and "\n" in tok.surface))
        soft = tok.surface in SOFT_BREAK or (tok.is_space and "\u3000" in tok.surface)
        # Keep a closing bracket or a run of ！？ with the sentence it ends.
        if (hard or soft) and nxt.surface and nxt.surface[0] in _KEEP_WITH_END:
            continue
        if hard or soft:
            close()
            continue
        prev = tokens[i - 1] if i > 0 else None
        final = _ends_politely(tok, prev) or tok.pos[:2] == ("助詞", "終助詞")
        if final and not _continues(nxt) and not nxt.is_space:
            close()
        elif final and nxt.is_space:
            close()
    close()
    return sentences


@dataclass(frozen=True, slots=True)
class Analysis:
    text: str
    tokens: tuple[Token, ...]
    sentences: tuple[Sentence, ...]


def analyse(text: str) -> Analysis:
    tokens = tokenize(text)
    return Analysis(text, tuple(tokens), tuple(split_sentences(text, tokens)))

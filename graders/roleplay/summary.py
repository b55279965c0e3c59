"""Play a conversation without widgets (VS Code, a terminal, tests) and show it.

    >>> from graders.roleplay import play
    >>> play("same-day-shipping", ["差し支えなければ、お急ぎの理由を伺ってもよろしいでしょうか。"])

In a notebook the result shows as the chat (HTML); in a terminal as text. The same turns
always give the same conversation, so this is also how grading replays a saved transcript.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from ..checker.render import act_name
from .dialogue import ENDING_KINDS, Dialogue
from .engine import Conversation
from .engine import play as play_turns
from .grading import Result, grade
from .render import chat_html, ending_html, intro_html, meter_html


@dataclass
class Played:
    conversation: Conversation
    practice: bool = True  # show each turn's acts and trace (else only at the end)
    results: tuple[Result, ...] = field(init=False)

    def __post_init__(self):
        self.results = grade(self.conversation)

    @property
    def score(self) -> int:
        return sum(r.points for r in self.results)

    @property
    def max_score(self) -> int:
        return sum(r.max_points for r in self.results)

    def __str__(self) -> str:
        c = self.conversation
        lines = [f"会話: {c.dialogue.title}", f"お客様: {c.opening}"]
        for i, turn in enumerate(c.turns, 1):
            lines.append(f"あなた({i}): {turn.text}")
            if self.practice or c.over:
                kinds = "、".join(dict.fromkeys(act_name(a.kind) for a in turn.acts)) or "なし"
                why = f"：{turn.move.why}" if turn.move.why else ""
                lines.append(f"    見つかった型: {kinds} → 信頼度 {turn.trust_before}→{turn.trust}{why}")
            lines.append(f"お客様: {turn.customer}")
        if c.ending:
            lines.append(f"結末: {ENDING_KINDS[c.ending.kind]}（{c.ending.title}）  信頼度 {c.trust}")
            lines.append(f"採点: {self.score} / {self.max_score}")
            lines += [f"  {'✓' if r.passed else '✗'} {r.title}: {r.message}" for r in self.results]
        else:
            lines.append(f"（会話は続いています。信頼度 {c.trust}）")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        c = self.conversation
        return (
            intro_html(c.dialogue) + chat_html(c, self.practice) + meter_html(c, self.practice)
            + ending_html(c, self.results)
        )


def play(dialogue: str | Dialogue, turns: list[str], practice: bool = True) -> Played:
    """Play ``turns`` (stopping at an ending) and return what to show and grade."""
    return Played(play_turns(dialogue, list(turns)), practice)


@functools.lru_cache(maxsize=256)
def _graded(dialogue_id: str, turns: tuple[str, ...]) -> Played:
    return play(dialogue_id, list(turns), practice=False)


def replay(dialogue_id: str, turns: list[str] | tuple[str, ...]) -> Played:
    """A saved conversation replayed and graded (not practice); InputError if a turn cannot be
    checked. Cached: the grade cells, grade-cohort and the progress table replay the same turns."""
    return _graded(dialogue_id, tuple(turns))

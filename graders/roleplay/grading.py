"""What a whole conversation is graded on: the same function for the widget's end summary,
the nbgrader grade cells and grade-cohort, so they can never disagree.

Each criterion reads the transcript (every turn's acts, in order) and the ending; a
dialogue file lists which of them grade it, with their points (``[[criteria]]``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..checker.acts import Act
from .engine import Conversation

# (turn index, offset in the turn): the order of acts across a whole conversation.
Place = tuple[int, int]
# (passed, message in Japanese, 1-based turns it points at)
Verdict = tuple[bool, str, tuple[int, ...]]


@dataclass(frozen=True)
class Result:
    id: str
    title: str
    passed: bool
    points: int
    max_points: int
    message: str  # Japanese, for the learner
    turns: tuple[int, ...] = ()  # 1-based turns the message points at


def _first(conversation: Conversation, *kinds: str) -> tuple[Place, Act] | None:
    for i, turn in enumerate(conversation.turns):
        for act in turn.acts:
            if act.kind in kinds:
                return (i, act.start), act
    return None


def _turns_with(conversation: Conversation, kind: str) -> tuple[int, ...]:
    return tuple(i + 1 for i, t in enumerate(conversation.turns) if any(a.kind == kind for a in t.acts))


def resolved(c: Conversation) -> Verdict:
    ending = c.ending
    if ending is None:
        return False, "会話がまだ終わっていません。お客様が納得するまで続けましょう。", ()
    if ending.kind == "resolved":
        return True, f"お客様が納得して会話が終わりました（{ending.title}）。", (len(c.turns),)
    return False, f"会話は「{ending.title}」で終わりました。最初からやり直して、納得してもらえる終わり方を目指しましょう。", (len(c.turns),)


def _first_before(c: Conversation, first: tuple[str, ...], then: tuple[str, ...], missing: str, in_order: str, out_of_order: str) -> Verdict:
    """An act of ``first`` kinds is found, and no act of ``then`` kinds comes before it in the
    conversation. Messages take {turn} and {text} of the first act, {then_turn} and {then_text}."""
    found, later = _first(c, *first), _first(c, *then)
    if found is None:
        return False, missing, ()
    turn = found[0][0] + 1
    if later is None or found[0] < later[0]:
        return True, in_order.format(turn=turn, text=found[1].text), (turn,)
    then_turn = later[0][0] + 1
    message = out_of_order.format(turn=turn, text=found[1].text, then_turn=then_turn, then_text=later[1].text)
    return False, message, (then_turn, turn)


def reason_before_proposal(c: Conversation) -> Verdict:
    return _first_before(
        c, ("reason_question",), ("alternative",),
        "お客様の理由や事情を一度も尋ねていません。提案の前に「差し支えなければ、理由を伺ってもよろしいでしょうか」と尋ねましょう。",
        "{turn} 回目の返事で、提案より先に理由を尋ねています（「{text}」）。",
        "{then_turn} 回目で提案（「{then_text}」）をしてから、{turn} 回目で理由を尋ねています。提案の前に理由を伺いましょう。",
    )


def _in_no_turn(c: Conversation, kind: str, clear: str, found: str) -> Verdict:
    """Passes when no turn holds an act of ``kind``; else names the first ({turn}, {text})."""
    turns = _turns_with(c, kind)
    if not turns:
        return True, clear, ()
    return False, found.format(turn=turns[0], text=_first(c, kind)[1].text), turns


def within_rules(c: Conversation) -> Verdict:
    return _in_no_turn(c, "forbidden_promise", "会社のルールにない約束は一度もしていません。",
                       "{turn} 回目の返事で、会社のルールにない約束（「{text}」）をしています。")


def no_denial(c: Conversation) -> Verdict:
    return _in_no_turn(c, "denial", "お客様の言葉を一度も否定していません。",
                       "{turn} 回目の返事で、お客様の言葉を否定しています（「{text}」）。まず受け止めましょう。")


def apology_before_explanation(c: Conversation) -> Verdict:
    return _first_before(
        c, ("apology",), ("cause", "excuse"),
        "会話の中で一度も謝罪していません。まず「大変申し訳ございません」とお詫びしましょう。",
        "{turn} 回目の返事で、説明より先に謝罪しています（「{text}」）。",
        "{then_turn} 回目の説明（「{then_text}」）が、最初の謝罪より先です。謝罪を先にしましょう。",
    )


CRITERIA: dict[str, tuple[str, Callable[[Conversation], Verdict]]] = {
    "resolved": ("お客様が納得して会話を終える", resolved),
    "reason_before_proposal": ("提案の前に理由を尋ねる", reason_before_proposal),
    "within_rules": ("会社のルールにない約束をしない", within_rules),
    "no_denial": ("お客様を否定しない", no_denial),
    "apology_before_explanation": ("説明より先に謝罪する", apology_before_explanation),
}


def grade(conversation: Conversation) -> tuple[Result, ...]:
    """Every criterion the dialogue lists, in its order."""
    results = []
    for criterion_id, points in conversation.dialogue.criteria:
        title, check = CRITERIA[criterion_id]
        passed, message, turns = check(conversation)
        results.append(Result(criterion_id, title, passed, points if passed else 0, points, message, turns))
    return tuple(results)

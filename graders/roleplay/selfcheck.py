"""A dialogue's own tests: its graph is sound and its example conversations end as written.

Graph: every state and ending can be reached from the start, every state has a fallback
(so a turn that matches nothing never dead-ends), an ending can be reached from every
state, and the lost and timeout endings are endings (with ``max_turns`` that bounds every
path). Examples: each plays to its ending with the meter inside its range.
"""

from __future__ import annotations

from .dialogue import Dialogue
from .engine import play
from .grading import CRITERIA


def _edges(dialogue: Dialogue, state_id: str) -> set[str]:
    state = dialogue.states[state_id]
    moves = dialogue.always + state.moves + (state.fallback,)
    return {m.go or state_id for m in moves} | {dialogue.lost_ending, dialogue.timeout_ending}


def _reachable(dialogue: Dialogue, start: str) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        node = todo.pop()
        if node in dialogue.states:
            for nxt in _edges(dialogue, node) - seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def graph_problems(dialogue: Dialogue) -> list[str]:
    problems = []
    for name in (dialogue.lost_ending, dialogue.timeout_ending):
        if name not in dialogue.endings:
            problems.append(f"{name} は結末ではありません（信頼度 0 と手数切れの行き先は結末にします）")
    if dialogue.max_turns < 1:
        problems.append("max_turns は 1 以上にします")
    if not dialogue.criteria:
        problems.append("[[criteria]] がありません（会話の採点の観点）")
    problems += [f"採点の観点 {c} はありません（{', '.join(CRITERIA)}）" for c, _ in dialogue.criteria if c not in CRITERIA]
    reached = _reachable(dialogue, dialogue.start)
    for name in sorted((set(dialogue.states) | set(dialogue.endings)) - reached):
        problems.append(f"{name} には最初の状態からたどり着けません")
    for state_id, state in dialogue.states.items():
        if state.fallback is None:
            problems.append(f"状態 {state_id} に fallback がありません")
        if not _reachable(dialogue, state_id) & set(dialogue.endings):
            problems.append(f"状態 {state_id} からはどの結末にもたどり着けません")
    return problems


def example_problems(dialogue: Dialogue) -> list[str]:
    problems = []
    for example in dialogue.examples:
        conversation = play(dialogue, list(example.turns))
        low, high = example.trust
        reached = conversation.ending.id if conversation.ending else f"（終わらず：{conversation.state}）"
        if reached != example.ending:
            path = " → ".join(t.go for t in conversation.turns)
            problems.append(f"例「{example.name}」: 結末は {example.ending} のはずが {reached}（{path}）")
        elif not low <= conversation.trust <= high:
            problems.append(f"例「{example.name}」: 信頼度 {conversation.trust} が {low}〜{high} の外です")
    return problems

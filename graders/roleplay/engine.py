"""Play a dialogue: each learner turn is checked, the first matching move is taken.

Deterministic by construction: the acts come from the rule-based checker, moves are tried
in file order, and when a line has variants the one said is chosen by a hash of the
transcript so far (never at random), so the same turns always give the same customer
lines, meter and ending. Every move keeps the acts that satisfied its condition (kind,
span, rule): the trace that explains why the customer answered as they did.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from ..checker.acts import Act
from ..checker.check import check
from ..checker.rubric import Context, evaluate
from .dialogue import TRUST_MAX, TRUST_MIN, Condition, Dialogue, Ending, Move, get_dialogue


@dataclass(frozen=True)
class Evidence:
    """Why a condition held: the name it asked for and the acts (or criterion spans) found."""

    name: str
    acts: tuple[Act, ...]


@dataclass(frozen=True)
class Turn:
    text: str  # what the learner wrote
    acts: tuple[Act, ...]  # everything the checker found in it
    state: str  # the state the turn was said in
    go: str  # where the move led (state or ending id)
    move: Move
    fallback: bool  # no move matched
    evidence: tuple[Evidence, ...]
    trust_before: int
    trust: int  # after the change
    customer: str  # what the customer said back

    @property
    def delta(self) -> int:
        return self.trust - self.trust_before

    def to_dict(self) -> dict:
        return {
            "text": self.text, "state": self.state, "go": self.go, "fallback": self.fallback,
            "trust": self.trust, "delta": self.delta, "why": self.move.why, "customer": self.customer,
            "acts": [a.to_dict() for a in self.acts],
            "evidence": [{"name": e.name, "acts": [a.to_dict() for a in e.acts]} for e in self.evidence],
        }


def choose(lines: tuple[str, ...], transcript: list[str], where: str) -> str:
    """One of ``lines``, picked by a hash of the learner's turns so far and the place."""
    if len(lines) == 1:
        return lines[0]
    key = "\x1f".join([where, *transcript]).encode("utf-8", errors="backslashreplace")
    return lines[int.from_bytes(hashlib.sha256(key).digest()[:8], "big") % len(lines)]


class _TurnFacts:
    """What one learner turn contains, looked up by a condition's names."""

    def __init__(self, text: str, dialogue: Dialogue):
        self.report = check(text, dialogue.scenario)
        self.ctx = Context(self.report.text, self.report.acts, dialogue.scenario)
        self.prefix = dialogue.scenario.id + "."

    def find(self, name: str) -> tuple[Act, ...]:
        kind, _, rest = name.partition(":")
        if kind == "rule":
            return tuple(a for a in self.report.acts if a.rule == self.prefix + rest)
        if kind == "before":
            first_kind, _, later_kind = rest.partition(":")
            first = next((a for a in self.report.acts if a.kind == first_kind), None)
            if first is None or any(a.kind == later_kind and a.start < first.start for a in self.report.acts):
                return ()
            return (first,)
        if kind == "criterion":
            result = evaluate(rest, 1, self.ctx)
            if not result.passed:
                return ()
            spans = result.spans or ((0, 0),)  # a criterion can pass on absence (no_denial)
            return tuple(Act(f"criterion:{rest}", s, e, self.report.text[s:e], rest, 0) for s, e in spans)
        return tuple(a for a in self.report.acts if a.kind == name)

    def holds(self, when: Condition, trust: int) -> tuple[Evidence, ...] | None:
        if when.trust_at_least is not None and trust < when.trust_at_least:
            return None
        if any(self.find(n) for n in when.none):
            return None
        evidence = []
        for name in when.all:
            found = self.find(name)
            if not found:
                return None
            evidence.append(Evidence(name, found))
        if when.any:
            hits = [Evidence(n, f) for n in when.any if (f := self.find(n))]
            if not hits:
                return None
            evidence += hits
        return tuple(evidence)


@dataclass
class Conversation:
    """One play of a dialogue: ``say(text)`` takes a learner turn and returns the Turn."""

    dialogue: Dialogue
    state: str = ""
    trust: int = 0
    turns: list[Turn] = field(default_factory=list)
    opening: str = ""

    def __post_init__(self):
        self.state = self.state or self.dialogue.start
        self.trust = self.dialogue.trust_start
        self.opening = choose(self.dialogue.states[self.state].say, [], self.state)

    @property
    def ending(self) -> Ending | None:
        return self.dialogue.endings.get(self.state)

    @property
    def over(self) -> bool:
        return self.ending is not None

    @property
    def texts(self) -> list[str]:
        return [t.text for t in self.turns]

    @property
    def trust_path(self) -> list[int]:
        return [self.dialogue.trust_start] + [t.trust for t in self.turns]

    def _pick(self, facts: _TurnFacts) -> tuple[Move, tuple[Evidence, ...], bool]:
        current = self.dialogue.states[self.state]
        for move in self.dialogue.always + current.moves:
            evidence = facts.holds(move.when, self.trust)
            if evidence is not None:
                return move, evidence, False
        return current.fallback, (), True

    def say(self, text: str) -> Turn:
        """The customer's answer to ``text``. Raises InputError for text the checker refuses
        (empty, too long), leaving the conversation as it was; ValueError once it is over."""
        if self.over:
            raise ValueError("この会話はもう終わっています。最初からやり直してください。")
        facts = _TurnFacts(text, self.dialogue)
        move, evidence, fallback = self._pick(facts)
        trust = max(TRUST_MIN, min(TRUST_MAX, self.trust + move.trust))
        go = move.go or self.state
        if trust <= TRUST_MIN and go not in self.dialogue.endings:
            go = self.dialogue.lost_ending
        elif len(self.turns) + 1 >= self.dialogue.max_turns and go not in self.dialogue.endings:
            go = self.dialogue.timeout_ending
        transcript = self.texts + [facts.report.text]
        target = self.dialogue.target(go)
        # A move's own lines answer the turn unless the conversation ended elsewhere.
        lines = move.say if move.say and go == (move.go or self.state) else target.say
        turn = Turn(
            text=facts.report.text, acts=facts.report.acts, state=self.state, go=go, move=move,
            fallback=fallback, evidence=evidence, trust_before=self.trust, trust=trust,
            customer=choose(lines, transcript, go),
        )
        self.turns.append(turn)
        self.state, self.trust = go, trust
        return turn


def play(dialogue: str | Dialogue, turns: list[str]) -> Conversation:
    """Play ``turns`` in order (without widgets: VS Code, tests, grading); stops at an ending."""
    conversation = Conversation(dialogue if isinstance(dialogue, Dialogue) else get_dialogue(dialogue))
    for text in turns:
        if conversation.over:
            break
        conversation.say(text)
    return conversation

"""Dialogues as data: graders/roleplay/dialogues/<id>.toml, one conversation per file.

A dialogue names the checker scenario whose acts, criteria and company rules its
conditions read. It holds the conversation's states (customer lines, a few variants
each), the moves out of each state (a condition on what the learner's turn contains, a
change to the trust meter with a short Japanese reason, the next state or ending), one
fallback per state for a turn that matches nothing, the endings (resolved / lost /
rule_broken), and example conversations that must reach a given ending (the dialogue's
own tests, run by graders.roleplay.selfcheck).

A condition is a table of lists of names: ``all`` (every name present), ``any`` (at least
one), ``none`` (not one). A name is an act kind (``reason_question``), ``rule:<id>`` (one of
the scenario's forbidden promises or allowed alternatives, e.g. ``rule:workplace``) or
``criterion:<id>`` (the criterion passes on this turn) or ``before:<a>:<b>`` (an act of kind
<a> is found and no act of kind <b> starts before the first one: order inside a turn, as
Aさん apologised before any explanation). ``trust_at_least`` gates on the meter.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ..checker.acts import ACT_NAMES
from ..checker.errors import InputError
from ..checker.rubric import CRITERIA
from ..checker.scenarios import Scenario, get_scenario

ENDING_KINDS = {"resolved": "解決", "lost": "失注・決裂", "rule_broken": "ルール違反"}
TRUST_MIN, TRUST_MAX = 0, 100


@dataclass(frozen=True)
class Condition:
    all: tuple[str, ...] = ()
    any: tuple[str, ...] = ()
    none: tuple[str, ...] = ()
    trust_at_least: int | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return self.all + self.any + self.none


@dataclass(frozen=True)
class Move:
    when: Condition
    go: str  # a state or an ending id ("" stays in the state)
    trust: int  # change to the meter
    why: str  # the reason for the change, in Japanese, shown to the learner
    say: tuple[str, ...] = ()  # lines for this move; default: the target's lines
    label: str = ""  # what the learner did, in Japanese (the trace's headline)


@dataclass(frozen=True)
class State:
    id: str
    say: tuple[str, ...]
    moves: tuple[Move, ...]
    fallback: Move  # taken when no move matches: never a dead end


@dataclass(frozen=True)
class Ending:
    id: str
    kind: str  # resolved | lost | rule_broken
    title: str
    say: tuple[str, ...]


@dataclass(frozen=True)
class Example:
    name: str
    turns: tuple[str, ...]
    ending: str
    trust: tuple[int, int]  # inclusive range the meter must end in


@dataclass(frozen=True)
class Dialogue:
    id: str
    scenario: Scenario
    title: str
    seed: str
    situation: str
    role: str  # who the learner plays
    customer: str  # who the customer is, shown above the chat
    start: str
    trust_start: int
    lost_ending: str  # reached when the meter falls to TRUST_MIN
    max_turns: int
    timeout_ending: str  # reached after max_turns learner turns without an ending
    always: tuple[Move, ...]  # moves tried in every state before the state's own
    states: dict[str, State]
    endings: dict[str, Ending]
    examples: tuple[Example, ...]
    criteria: tuple[tuple[str, int], ...] = ()  # (graders.roleplay.grading id, points)

    def target(self, name: str) -> State | Ending:
        return self.states.get(name) or self.endings[name]


def _lines(value, where: str) -> tuple[str, ...]:
    lines = (value,) if isinstance(value, str) else tuple(value or ())
    lines = tuple(line.strip() for line in lines)
    if not lines or not all(lines):
        raise InputError(f"{where}: say にお客様のせりふを一つ以上書いてください。")
    return lines


def _condition(table: dict) -> Condition:
    trust = table.get("trust_at_least")
    return Condition(
        tuple(table.get("all", ())), tuple(table.get("any", ())), tuple(table.get("none", ())),
        None if trust is None else int(trust),
    )


def _move(table: dict, where: str, default_go: str = "") -> Move:
    if "why" not in table and table.get("trust", 0):
        raise InputError(f"{where}: 信頼度を変える move には why（理由）が要ります。")
    say = table.get("say")
    return Move(
        when=_condition(table.get("when", {})),
        go=table.get("go", default_go),
        trust=int(table.get("trust", 0)),
        why=table.get("why", "").strip(),
        say=_lines(say, where) if say is not None else (),
        label=table.get("label", "").strip(),
    )


def _known_names(scenario: Scenario) -> set[str]:
    rules = {f"rule:{r.id.split('.', 1)[1]}" for r in scenario.rules}
    order = {f"before:{a}:{b}" for a in ACT_NAMES for b in ACT_NAMES if a != b}
    return set(ACT_NAMES) | rules | order | {f"criterion:{c}" for c in CRITERIA}


def _validate(d: Dialogue, source: str) -> None:
    known = _known_names(d.scenario)
    targets = set(d.states) | set(d.endings)
    moves = [(f"always[{i}]", m) for i, m in enumerate(d.always)]
    for state in d.states.values():
        moves += [(f"state {state.id}", m) for m in state.moves + (state.fallback,)]
    for where, move in moves:
        unknown = [n for n in move.when.names if n not in known]
        if unknown:
            raise InputError(f"{source} の {where}: 条件の名前 {', '.join(unknown)} がありません（行為の種類、rule:<id>、criterion:<id>、before:<行為>:<行為> が使えます）。")
        if move.go and move.go not in targets:
            raise InputError(f"{source} の {where}: 行き先「{move.go}」という状態も結末もありません。")
    for name in (d.start, d.lost_ending, d.timeout_ending):
        if name not in targets:
            raise InputError(f"{source}: 「{name}」という状態も結末もありません。")
    for ending in d.endings.values():
        if ending.kind not in ENDING_KINDS:
            raise InputError(f"{source} の結末 {ending.id}: kind は {', '.join(ENDING_KINDS)} のどれかです。")
    for example in d.examples:
        if example.ending not in d.endings:
            raise InputError(f"{source} の例「{example.name}」: 結末「{example.ending}」がありません。")


def parse(data: dict, source: str = "dialogue") -> Dialogue:
    """A Dialogue from the TOML tables; InputError (Japanese) names what is wrong."""
    try:
        scenario = get_scenario(data["scenario"])
        states = {}
        for table in data["state"]:
            where = f"{source} の状態 {table['id']}"
            fallback = _move(table["fallback"], f"{where} の fallback", default_go="")
            states[table["id"]] = State(
                table["id"], _lines(table.get("say"), where),
                tuple(_move(m, f"{where} の move") for m in table.get("move", ())), fallback,
            )
        endings = {
            t["id"]: Ending(t["id"], t["kind"], t["title"].strip(), _lines(t.get("say"), f"{source} の結末 {t['id']}"))
            for t in data["ending"]
        }
        examples = tuple(
            Example(t["name"], tuple(t["turns"]), t["ending"], (int(t["trust"][0]), int(t["trust"][1])))
            for t in data.get("example", ())
        )
        trust = data["trust"]
        dialogue = Dialogue(
            id=data["id"], scenario=scenario, title=data["title"].strip(), seed=data.get("seed", ""),
            situation=data.get("situation", "").strip(), role=data.get("role", "").strip(),
            customer=data.get("customer", "").strip(), start=data["start"],
            trust_start=int(trust["start"]), lost_ending=trust["lost_ending"],
            max_turns=int(data["max_turns"]), timeout_ending=data["timeout_ending"],
            always=tuple(_move(m, f"{source} の always") for m in data.get("always", ())),
            states=states, endings=endings, examples=examples,
            criteria=tuple((t["id"], int(t.get("points", 1))) for t in data.get("criteria", ())),
        )
    except KeyError as e:
        raise InputError(f"{source}: 必要な項目 {e.args[0]} がありません。") from None
    _validate(dialogue, source)
    return dialogue


def load(path: str | Path) -> Dialogue:
    path = Path(path)
    return parse(tomllib.loads(path.read_text(encoding="utf-8")), path.name)


@functools.cache
def all_dialogues() -> dict[str, Dialogue]:
    folder = resources.files(__package__) / "dialogues"
    found = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            dialogue = parse(tomllib.loads(entry.read_text(encoding="utf-8")), entry.name)
            found[dialogue.id] = dialogue
    return found


def get_dialogue(dialogue_id: str) -> Dialogue:
    try:
        return all_dialogues()[dialogue_id]
    except KeyError:
        known = ", ".join(sorted(all_dialogues()))
        raise InputError(f"会話「{dialogue_id}」はありません。使える会話: {known}") from None

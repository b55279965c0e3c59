"""Role-play dialogues: every file's examples and graph, and the engine's promises
(same turns -> same conversation, a fallback instead of a dead end, every move traced)."""

import pytest

from graders.checker.errors import InputError
from graders.roleplay.dialogue import ENDING_KINDS, all_dialogues, parse
from graders.roleplay.engine import Conversation, choose, play
from graders.roleplay.selfcheck import example_problems, graph_problems

DIALOGUES = all_dialogues()
SEED_DIALOGUES = {"resort-cold-call", "same-day-shipping", "outage-apology", "scope-request"}


def test_the_seed_dialogues_exist():
    assert SEED_DIALOGUES <= set(DIALOGUES)


@pytest.mark.parametrize("dialogue_id", sorted(DIALOGUES))
def test_examples_reach_their_endings(dialogue_id):
    dialogue = DIALOGUES[dialogue_id]
    assert dialogue.examples, "a dialogue carries example conversations"
    assert example_problems(dialogue) == []


@pytest.mark.parametrize("dialogue_id", sorted(DIALOGUES))
def test_graph_is_sound(dialogue_id):
    assert graph_problems(DIALOGUES[dialogue_id]) == []


@pytest.mark.parametrize("dialogue_id", sorted(DIALOGUES))
def test_examples_cover_a_resolved_and_a_lost_ending(dialogue_id):
    dialogue = DIALOGUES[dialogue_id]
    kinds = {dialogue.endings[e.ending].kind for e in dialogue.examples}
    assert {"resolved", "lost"} <= kinds
    if dialogue.scenario.forbidden:  # a forbidden promise has its own ending and example
        assert "rule_broken" in kinds


def _tiny(**overrides):
    """A small dialogue on the same-day-shipping scenario, for breaking on purpose."""
    data = {
        "id": "tiny", "scenario": "same-day-shipping", "title": "t", "start": "a",
        "max_turns": 3, "timeout_ending": "lost",
        "trust": {"start": 50, "lost_ending": "lost"},
        "state": [
            {"id": "a", "say": ["一つ目", "二つ目", "三つ目"],
             "move": [{"when": {"all": ["reason_question"]}, "go": "won", "trust": 10, "why": "理由"},
                      {"when": {"any": ["refusal"]}, "trust": -60, "why": "断られた"}],
             "fallback": {"say": ["もう一度"], "trust": -5, "why": "答えがない"}},
        ],
        "ending": [{"id": "won", "kind": "resolved", "title": "w", "say": "ありがとう"},
                   {"id": "lost", "kind": "lost", "title": "l", "say": "さようなら"}],
    }
    data.update(overrides)
    return parse(data, "tiny")


def test_same_turns_give_the_same_conversation():
    dialogue = DIALOGUES["same-day-shipping"]
    turns = list(dialogue.examples[1].turns)
    first, second = play(dialogue, turns), play(dialogue, turns)
    assert [t.to_dict() for t in first.turns] == [t.to_dict() for t in second.turns]
    assert first.opening == second.opening


def test_variants_are_chosen_by_the_transcript_not_at_random():
    lines = ("一つ目", "二つ目", "三つ目")
    picks = {choose(lines, [f"返事{i}"], "s") for i in range(30)}
    assert picks == set(lines)  # each variant is reachable...
    assert all(choose(lines, [f"返事{i}"], "s") == choose(lines, [f"返事{i}"], "s") for i in range(30))  # ...and fixed


def test_a_turn_that_matches_nothing_gets_the_fallback():
    conversation = Conversation(_tiny())
    turn = conversation.say("はい、そうですね。")
    assert turn.fallback and turn.go == "a" and turn.customer == "もう一度"
    assert turn.trust == 45 and turn.move.why == "答えがない"
    assert not conversation.over


def test_each_move_is_traced_to_acts_with_span_and_rule():
    for dialogue in DIALOGUES.values():
        for example in dialogue.examples:
            for turn in play(dialogue, list(example.turns)).turns:
                if turn.fallback:
                    continue
                for evidence in turn.evidence:
                    assert evidence.acts, (dialogue.id, turn.text)
                    for act in evidence.acts:
                        assert act.rule and turn.text[act.start:act.end] == act.text


def test_the_meter_at_zero_loses_the_customer():
    conversation = play(_tiny(), ["今日の出荷はできません。"])
    assert conversation.trust == 0 and conversation.ending.id == "lost"


def test_the_turn_limit_ends_the_conversation():
    conversation = play(_tiny(), ["はい。", "ええ。", "そうですね。", "もう一つ。"])
    assert len(conversation.turns) == 3 and conversation.ending.id == "lost"


def test_refused_input_leaves_the_conversation_as_it_was():
    conversation = Conversation(_tiny())
    with pytest.raises(InputError):
        conversation.say("   ")
    assert conversation.turns == [] and conversation.state == "a"


def test_no_turn_after_the_end():
    conversation = play(_tiny(), ["差し支えなければ、お急ぎの理由を伺ってもよろしいでしょうか。"])
    assert conversation.ending.kind == "resolved"
    with pytest.raises(ValueError):
        conversation.say("ほかにもありますか。")


@pytest.mark.parametrize(
    "change, message",
    [
        ({"start": "nowhere"}, "nowhere"),
        ({"state": [{"id": "a", "say": "x", "move": [{"when": {"all": ["no_such_act"]}, "go": "won"}],
                     "fallback": {"say": "y"}}]}, "no_such_act"),
        ({"state": [{"id": "a", "say": "x", "fallback": {"say": "y", "go": "elsewhere"}}]}, "elsewhere"),
        ({"state": [{"id": "a", "say": "x"}]}, "fallback"),
        ({"state": [{"id": "a", "say": "x", "fallback": {"say": "y", "trust": -5}}]}, "why"),
    ],
)
def test_a_broken_dialogue_is_a_clear_error(change, message):
    with pytest.raises(InputError, match=message):
        _tiny(**change)


def test_the_graph_check_finds_unreachable_states_and_dead_loops():
    loop = {"id": "b", "say": "x", "fallback": {"say": "y", "go": "b"}}
    dialogue = _tiny(state=[*_tiny_states(), loop])
    problems = graph_problems(dialogue)
    assert any("b には" in p for p in problems)  # nothing leads to b
    # b only loops on itself; only the lost and timeout endings would end it
    dead = _tiny(state=[*_tiny_states(), loop], trust={"start": 50, "lost_ending": "b"}, timeout_ending="b")
    assert any("結末にもたどり着けません" in p or "結末ではありません" in p for p in graph_problems(dead))


def _tiny_states():
    return [{"id": "a", "say": "x", "move": [{"when": {"any": ["apology"]}, "go": "won"}],
             "fallback": {"say": "y"}}]


def test_ending_kinds_are_the_three_of_the_design():
    assert set(ENDING_KINDS) == {"resolved", "lost", "rule_broken"}
    for dialogue in DIALOGUES.values():
        assert {e.kind for e in dialogue.endings.values()} <= set(ENDING_KINDS)


def _graded(dialogue_id: str, example_name: str) -> dict:
    from graders.roleplay.grading import grade

    dialogue = DIALOGUES[dialogue_id]
    turns = next(e.turns for e in dialogue.examples if e.name == example_name)
    return {r.id: r for r in grade(play(dialogue, list(turns)))}


def test_the_whole_conversation_is_graded_turn_by_turn():
    seed_flow = _graded("same-day-shipping", "先に代わりの方法を並べ、あとから理由を伺う（元の事例の流れ）")
    assert seed_flow["resolved"].passed and not seed_flow["reason_before_proposal"].passed
    assert seed_flow["reason_before_proposal"].turns == (1, 2)
    b_san = _graded("outage-apology", "Bさんの順番：原因から話し、言い訳を重ねる")
    assert not b_san["apology_before_explanation"].passed and not b_san["resolved"].passed
    recovered = _graded("outage-apology", "原因から話してしまったあと、謝罪と対処で持ち直す")
    assert recovered["resolved"].passed and not recovered["apology_before_explanation"].passed
    free = _graded("scope-request", "無料で引き受けてしまう")
    assert not free["within_rules"].passed and free["within_rules"].turns == (1,) and free["within_rules"].points == 0
    denied = _graded("resort-cold-call", "否定したあと、言い直して理由を尋ね、持ち直す")
    assert denied["resolved"].passed and not denied["no_denial"].passed and denied["no_denial"].turns == (1,)

"""Scenarios: model answers score full marks, bad replies do not, labelled replies as labelled.

Labelled replies live in tests/data/labelled/<scenario id>.toml:

    [[reply]]
    text = "..."
    note = "why this one is interesting"
    expect = { asks_reason = true, within_rules = false }
"""

import tomllib
from pathlib import Path

import pytest

from graders import check
from graders.checker.rubric import CRITERIA
from graders.checker.scenarios import all_scenarios

ROOT = Path(__file__).resolve().parents[1]

SCENARIOS = all_scenarios()
LABELLED_DIR = Path(__file__).parent / "data" / "labelled"
STABLE = {"same-day-shipping", "resort-cold-call", "outage-apology", "complaint-letter", "scope-request", "generic"}


def _labelled():
    cases = []
    for path in sorted(LABELLED_DIR.glob("*.toml")):
        for i, reply in enumerate(tomllib.loads(path.read_text(encoding="utf-8"))["reply"]):
            cases.append(pytest.param(path.stem, reply, id=f"{path.stem}[{i}]"))
    return cases


LABELLED = _labelled()


def test_stable_scenarios_exist():
    assert STABLE <= set(SCENARIOS)


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_criteria_are_known(scenario):
    for criterion in SCENARIOS[scenario].criteria:
        assert criterion.id in CRITERIA


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_model_answer_scores_full_marks(scenario):
    report = check(SCENARIOS[scenario].model_answer, scenario)
    failing = [(c.id, c.message) for c in report.criteria if not c.passed]
    assert report.score == report.max_score, failing


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_bad_reply_does_not_score_full_marks(scenario):
    report = check(SCENARIOS[scenario].bad_reply, scenario)
    assert report.score < report.max_score


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_every_scenario_has_ten_labelled_replies(scenario):
    assert sum(1 for p in LABELLED if p.values[0] == scenario) >= 10


@pytest.mark.parametrize("scenario,reply", LABELLED)
def test_labelled_reply(scenario, reply):
    report = check(reply["text"], scenario)
    got = {c.id: c.passed for c in report.criteria}
    wrong = {k: (v, got.get(k)) for k, v in reply["expect"].items() if got.get(k) != v}
    assert not wrong, f"{reply.get('note', '')}: expected/got {wrong}; acts {[(a.kind, a.text) for a in report.acts]}"


@pytest.mark.parametrize("scenario", sorted(s for s in SCENARIOS if any(c.id == "asks_reason" for c in SCENARIOS[s].criteria)))
def test_the_question_we_suggest_passes_asks_reason(scenario):
    # The asks_reason message quotes this example: advice that fails its own test misleads.
    example = SCENARIOS[scenario].reason_question_example
    assert check(example, scenario).criterion("asks_reason").passed
    assert example in check("承知いたしました。", scenario).criterion("asks_reason").message


# The instructor's solution (in the exercise notebooks' solution region) must earn what the
# public model answer no longer can: full marks and a pass on the hidden integrity check.
from graders.assignments import integrity, references  # noqa: E402  (kept with the tests that use it)
from graders.learner.exercises import all_exercises  # noqa: E402

GRADED = sorted({e.scenario for e in all_exercises().values()})


@pytest.mark.parametrize("scenario", GRADED)
def test_solution_scores_full_marks_and_reads_as_the_learners_own(scenario):
    spec = SCENARIOS[scenario]
    solution = references.reference_for(ROOT, scenario)
    assert solution, f"{scenario}: solution がありません"
    report = check(solution, scenario)
    assert report.score == report.max_score, [(c.id, c.message) for c in report.criteria if not c.passed]
    assert integrity.inspect_for(solution, spec) == []

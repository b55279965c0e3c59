"""`python -m benchmarks.agreement` scores a second person's labels against the first, beside
the checker, and the criteria follow from the acts exactly as the realistic README defines them."""

from pathlib import Path

import pytest

from benchmarks import accuracy, agreement

ROOT = Path(__file__).resolve().parents[1]

# Two replies written here, labelled by a "first person" (the reference).
FIRST = '''
[[reply]]
id = "t1-dev-001"
industry = "mail-order"
register = "email"
situation = "届いた商品が違うという苦情"
text = """
大変申し訳ございません。倉庫での梱包の際に取り違えがあったことが分かりました。本日中に正しい商品を再送いたします。
"""
acts = [
  { kind = "apology", text = "大変申し訳ございません" },
  { kind = "explanation", text = "倉庫での梱包の際に取り違えがあったことが分かりました" },
  { kind = "remedy", text = "本日中に正しい商品を再送いたします" },
]
expect = { apology_before_explanation = true, remedy_before_cause = false, asks_reason = false, proposes_alternative = false, no_denial = true }

[[reply]]
id = "t1-dev-002"
industry = "restaurant"
register = "spoken"
situation = "予約なしで来た客"
text = """
申し訳ございません 本日は満席となっております カウンターでよろしければご案内できます
"""
acts = [
  { kind = "apology", text = "申し訳ございません" },
  { kind = "explanation", text = "本日は満席となっております" },
  { kind = "alternative", text = "カウンターでよろしければご案内できます" },
]
expect = { apology_before_explanation = true, remedy_before_cause = false, asks_reason = false, proposes_alternative = true, no_denial = true }
'''

# The second person agrees on the first reply; on the second they see no explanation and
# read the offer as a denial (on purpose, to be counted).
SECOND = '''
[[reply]]
id = "t1-dev-001"
acts = [
  { kind = "apology", text = "大変申し訳ございません" },
  { kind = "explanation", text = "取り違えがあったことが分かりました" },
  { kind = "remedy", text = "本日中に正しい商品を再送いたします" },
]

[[reply]]
id = "t1-dev-002"
acts = [
  { kind = "apology", text = "申し訳ございません" },
  { kind = "denial", text = "カウンターでよろしければ" },
]
'''


def _repository(root: Path, folder: str, name: str, first: str, second: str) -> Path:
    """A repository root whose dev split of ``folder`` holds ``first`` and the second labels ``second``."""
    data = root / "tests" / "data" / folder
    (data / "dev").mkdir(parents=True)
    (data / "second" / "dev").mkdir(parents=True)
    (data / "dev" / name).write_text(first, encoding="utf-8")
    (data / "second" / "dev" / name).write_text(second, encoding="utf-8")
    return root


@pytest.fixture
def root(tmp_path):
    return _repository(tmp_path, "realistic", "t1.toml", FIRST, SECOND)


def test_criteria_follow_from_the_acts():
    assert accuracy.criteria_of([("explanation", 0, 3), ("apology", 5, 9)])["apology_before_explanation"] is False
    implied = accuracy.criteria_of([("apology", 0, 3), ("remedy", 4, 8), ("explanation", 10, 12), ("denial", 20, 22)])
    assert implied == {
        "apology_before_explanation": True,
        "remedy_before_cause": True,
        "asks_reason": False,
        "proposes_alternative": False,
        "no_denial": False,
    }
    # No explanation: neither order criterion holds, whatever else is there.
    assert not any(accuracy.criteria_of([("apology", 0, 3), ("remedy", 4, 8)])[c] for c in ("apology_before_explanation", "remedy_before_cause"))


def test_every_labelled_reply_expects_what_its_acts_imply():
    for split in ("dev", "blind"):
        for reply in accuracy.load_realistic(ROOT / "tests" / "data" / "realistic" / split):
            assert accuracy.criteria_of(reply.acts) == reply.expect, reply.id


def test_the_second_person_is_scored_as_the_checker_is(root):
    first = accuracy.load_realistic(root / "tests" / "data" / "realistic" / "dev")
    second = agreement.load_second(root / "tests" / "data" / "realistic" / "second" / "dev", first)
    result = accuracy.score(first, agreement.person_judge(second))
    explanation, denial, apology = result.acts["explanation"], result.acts["denial"], result.acts["apology"]
    assert (explanation.labelled, explanation.found, explanation.detected, explanation.right) == (2, 1, 1, 1)
    assert (denial.labelled, denial.detected, denial.right) == (0, 1, 0)
    assert apology.recall == apology.precision == 1.0
    assert result.acts["alternative"].recall == 0.0
    # Reply 2: no explanation and a denial: apology_before_explanation, proposes_alternative
    # and no_denial disagree; the two other criteria agree on both replies.
    assert result.agree["apology_before_explanation"] == [1, 2]
    assert result.agree["no_denial"] == [1, 2]
    assert result.agree["asks_reason"] == [2, 2]


def test_where_both_agree_counts_only_shared_acts_and_criteria(root):
    first = accuracy.load_realistic(root / "tests" / "data" / "realistic" / "dev")
    second = agreement.load_second(root / "tests" / "data" / "realistic" / "second" / "dev", first)
    checker = {r.id: accuracy.checker_verdict(r) for r in first}
    result = agreement.consensus(first, second, checker)
    assert result.acts["explanation"].labelled == 1  # only reply 1's, which both labelled
    assert result.acts["alternative"].labelled == 0
    assert result.agree["apology_before_explanation"][1] == 1  # judged alike on reply 1 only
    assert result.agree["asks_reason"][1] == 2


def test_main_prints_three_columns(root, capsys):
    assert agreement.main(["--split", "dev", "--root", str(root)]) == 0
    out = capsys.readouterr().out
    assert "2 replies labelled by two people" in out
    assert "second person" in out and "checker, where both agree" in out
    explanation_row = next(line for line in out.splitlines() if line.strip().startswith("explanation"))
    assert explanation_row.split()[1:4] == ["50.0%", "/", "100.0%"]


@pytest.mark.parametrize(
    ("second", "message"),
    [
        ('[[reply]]\nid = "t1-dev-009"\nacts = []\n', "t1-dev-009 is not in the first labels"),
        ('[[reply]]\nid = "t1-dev-001"\nacts = [{ kind = "excuse", text = "大変" }]\n', "unknown act kind 'excuse'"),
        ('[[reply]]\nid = "t1-dev-001"\nacts = [{ kind = "apology", text = "ごめんね" }]\n', "「ごめんね」 is not in the reply"),
        ('[[reply]]\nid = "t1-dev-001"\nacts = []\n[[reply]]\nid = "t1-dev-001"\nacts = []\n', "labelled twice"),
    ],
)
def test_a_bad_second_file_stops_with_what_is_wrong(root, capsys, second, message):
    (root / "tests" / "data" / "realistic" / "second" / "dev" / "t1.toml").write_text(second, encoding="utf-8")
    with pytest.raises(SystemExit) as stop:
        agreement.main(["--split", "dev", "--root", str(root)])
    assert stop.value.code == 2
    assert message in capsys.readouterr().err


def test_no_second_labels_says_where_to_put_them(tmp_path, capsys):
    (tmp_path / "tests" / "data" / "realistic" / "dev").mkdir(parents=True)
    with pytest.raises(SystemExit):
        agreement.main(["--split", "dev", "--root", str(tmp_path)])
    assert "no second labels for the dev split" in capsys.readouterr().err

LEARNER_FIRST = '''
[[reply]]
id = "w90-001"
scenario = "same-day-shipping"
text = """
申し訳ございませんが、本日の出荷はいたしかねます。お急ぎの理由を伺ってもよろしいでしょうか。池袋店でしたら本日お持ち帰りいただけます。
"""
note = "good"
expect = { asks_reason = true, proposes_alternative = true, within_rules = true }

[[reply]]
id = "w90-002"
scenario = "same-day-shipping"
text = """
無理です。明日の出荷になります。
"""
note = "a flat no"
expect = { asks_reason = false, proposes_alternative = false, within_rules = true }
'''


@pytest.fixture
def learner_root(tmp_path):
    # The second grader differs on reply 2's within_rules only (on purpose).
    second = (
        '[[reply]]\nid = "w90-001"\nexpect = { asks_reason = true, proposes_alternative = true, within_rules = true }\n'
        '[[reply]]\nid = "w90-002"\nexpect = { asks_reason = false, proposes_alternative = false, within_rules = false }\n'
    )
    return _repository(tmp_path, "learner", "w90.toml", LEARNER_FIRST, second)


def test_a_second_grading_of_learners_rewrites_counts_criteria_and_whole_replies(learner_root):
    learner = learner_root / "tests" / "data" / "learner"
    first = accuracy.load_learner(learner / "dev")
    second = agreement.load_second(learner / "second" / "dev", first)
    assert second["w90-002"].acts is None
    person = accuracy.score(first, agreement.person_judge(second))
    assert person.agree["within_rules"] == [1, 2]
    assert person.agree["asks_reason"] == [2, 2]
    assert person.whole == [1, 2]
    checker = {r.id: accuracy.checker_verdict(r) for r in first}
    both = agreement.consensus(first, second, checker)
    assert both.agree["within_rules"][1] == 1  # judged alike on reply 1 only
    assert both.whole[1] == 1


def test_a_second_grading_must_label_the_scenarios_criteria(learner_root, capsys):
    path = learner_root / "tests" / "data" / "learner" / "second" / "dev" / "w90.toml"
    path.write_text('[[reply]]\nid = "w90-001"\nexpect = { asks_reason = true }\n', encoding="utf-8")
    with pytest.raises(SystemExit):
        agreement.main(["--split", "dev", "--root", str(learner_root)])
    assert "expect must label exactly ['asks_reason', 'proposes_alternative', 'within_rules']" in capsys.readouterr().err


# The committed second labels: the set, its loader, and (measured when they were made) how far
# the two people agreed: realistic blind 99.5% of criteria, 97.3% of replies with every criterion
# alike; learners' blind 99.8% and 99.4%. The blind labels are what two careful people read alike.
@pytest.mark.parametrize(("folder", "load"), [("realistic", accuracy.load_realistic), ("learner", accuracy.load_learner)])
def test_the_committed_second_labels_cover_the_blind_split_and_agree_with_the_first(folder, load):
    data = ROOT / "tests" / "data" / folder
    first = load(data / "blind")
    second = agreement.load_second(data / "second" / "blind", first)
    assert set(second) == {r.id for r in first}
    result = accuracy.score(first, agreement.person_judge(second))
    agreed, judged = result.all_criteria
    assert agreed / judged >= 0.98
    right, replies = result.whole
    assert right / replies >= 0.95
    if folder == "realistic":
        for kind in ("explanation", "remedy", "alternative", "denial"):
            assert result.acts[kind].recall >= 0.9, kind


# The second labels of the fresh writers w41-w45 (round sixteen): measured when they were made,
# two people agreed on 99.2% of criteria and 96.3% of replies with every criterion alike, on
# 91.8-100% of the acts' recall; the checker then reached 90.1% of criteria.
def test_the_committed_second_labels_of_the_fresh_dev_writers_agree_with_the_first():
    data = ROOT / "tests" / "data" / "realistic"
    second = agreement.load_second(data / "second" / "dev", accuracy.load_realistic(data / "dev"))
    first = [r for r in accuracy.load_realistic(data / "dev") if r.id in second]
    assert {accuracy.writer_of(r) for r in first} == {"w41", "w42", "w43", "w44", "w45"}
    assert len(first) == 300
    result = accuracy.score(first, agreement.person_judge(second))
    agreed, judged = result.all_criteria
    assert agreed / judged >= 0.98
    right, replies = result.whole
    assert right / replies >= 0.94
    for kind in ("explanation", "remedy", "alternative", "denial"):
        assert result.acts[kind].recall >= 0.89, kind

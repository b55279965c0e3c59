"""Accuracy on the labelled sets cannot silently regress, and the realistic files stay well formed.

The floors are what `python -m benchmarks.accuracy` measured when they were set, minus a
small margin (tests/data/realistic/README.md: the blind split is read only here and by the
benchmark). Raise them when the checker gets better; never lower one to make a change pass.
Messages name reply ids only, never a reply's text.
"""

import tomllib
from pathlib import Path

import pytest

from benchmarks.accuracy import KIND_MAP, REALISTIC_CRITERIA, load_labelled, load_learner, load_realistic, of_writers, score

DATA = Path(__file__).parent / "data"
REALISTIC = DATA / "realistic"
SPLITS = ("dev", "blind")


def _files():
    return [path for split in SPLITS for path in sorted((REALISTIC / split).glob("*.toml"))]


# ---------------------------------------------------------------- format


@pytest.mark.parametrize("path", _files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_realistic_file_is_well_formed(path):
    replies = tomllib.loads(path.read_text(encoding="utf-8"))["reply"]
    assert replies, f"{path.name}: no replies"
    for reply in replies:
        rid = reply["id"]
        for key in ("id", "industry", "register", "situation", "text", "acts", "expect"):
            assert key in reply, f"{rid}: no {key}"
        assert set(reply["expect"]) == set(REALISTIC_CRITERIA), f"{rid}: expect keys {sorted(reply['expect'])}"
        assert all(isinstance(v, bool) for v in reply["expect"].values()), f"{rid}: expect values must be true/false"
        for act in reply["acts"]:
            assert act["kind"] in KIND_MAP, f"{rid}: unknown act kind {act['kind']}"
            assert act["text"] and act["text"] in reply["text"], f"{rid}: an act's text is not in the reply"


def test_realistic_ids_are_unique_across_the_splits():
    ids = [r["id"] for path in _files() for r in tomllib.loads(path.read_text(encoding="utf-8"))["reply"]]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicates, duplicates


def test_each_split_has_replies():
    for split in SPLITS:
        assert load_realistic(REALISTIC / split), f"no replies in {split}"


# ---------------------------------------------------------------- floors

# kind -> (recall floor, precision floor); criterion -> agreement floor. Floors sit about two
# points below what was measured (never lowered; a harder group of writers gets its own).
#
# Dev w1-w5 (630 replies), set in issue 8's second round and raised in its third, where the rules
# now measure explanation 93.6/95.8, remedy 92.6/95.8, reason_question 99.0/99.5, alternative
# 97.8/98.2, denial 97.8/95.5; apology_before_explanation 98.1%.
# At the end of round six: explanation 93.6/96.1, remedy 94.2/95.3, reason_question 99.0/99.0,
# alternative 98.2/97.9, denial 97.8/95.5 (remedy floor raised).
# At the end of round eight: explanation 95.6/96.5, remedy 94.2/95.3, reason_question 99.0/99.0,
# alternative 98.5/97.9, denial 97.8/95.5 (explanation floor raised).
DEV_ACTS = {
    "apology": (0.97, 0.94),
    "explanation": (0.93, 0.94),
    "remedy": (0.92, 0.93),
    "reason_question": (0.97, 0.97),
    "alternative": (0.96, 0.96),
    "denial": (0.95, 0.94),
}
DEV_CRITERIA = {
    "apology_before_explanation": 0.96,
    "remedy_before_cause": 0.97,
    "asks_reason": 0.98,
    "proposes_alternative": 0.97,
    "no_denial": 0.97,
}
# The dev writers whose replies DEV_ACTS/DEV_CRITERIA were set on.
ROUND_TWO_WRITERS = ("w1", "w2", "w3", "w4", "w5")

# Dev w6-w12 (792 replies, issue 8's third round), measured before any rule was tuned on them:
# explanation 70.1/73.6, remedy 67.8/74.4, reason_question 89.5/84.9, alternative 76.3/87.8,
# denial 33.6/92.6; all criteria 88.8%. After tuning: explanation 88.1/91.1, remedy 85.0/88.3,
# reason_question 98.1/97.7, alternative 92.6/96.6, denial 95.0/98.3; criteria 95.7-99.4%.
# At the end of round six: explanation 89.5/91.7, remedy 90.0/90.9, reason_question 98.1/99.6,
# alternative 93.8/97.1, denial 95.8/98.5; criteria 96.0-99.5%.
# At the end of round eight: explanation 92.2/92.9, remedy 92.1/91.6, reason_question 98.1/99.6,
# alternative 94.7/97.4, denial 95.8/98.5 (floors raised).
# writers -> (kind -> (recall floor, precision floor), criterion -> agreement floor)
LATER_WRITERS = {
    ("w6", "w7", "w8", "w9", "w10", "w11", "w12"): (
        {
            "apology": (0.97, 0.95),
            "explanation": (0.95, 0.93),
            "remedy": (0.93, 0.92),
            "reason_question": (0.98, 0.97),
            "alternative": (0.96, 0.95),
            "denial": (0.95, 0.97),
        },
        {
            "apology_before_explanation": 0.97,
            "remedy_before_cause": 0.97,
            "asks_reason": 0.98,
            "proposes_alternative": 0.97,
            "no_denial": 0.97,
        },
    ),
    # w27-w28 (round twelve), measured when they joined: w27 explanation 76.6/79.7, remedy
    # 65.2/88.6, reason_question 84.6/88.0, alternative 94.9/95.0, denial 54.8/92.5; w28 82.1/71.3,
    # 74.0/80.4, 88.5/95.8, 66.1/84.1, 52.5/96.9. After the round: w27 78.1/80.0, 76.1/92.3, 88.5/88.5,
    # 94.9/100, 79.8/94.6; w28 86.6/75.6, 80.0/87.0, 96.2/96.2, 89.3/92.6, 81.4/98.0.
    ("w27", "w28"): (
        {
            "apology": (0.98, 0.98),
            "explanation": (0.91, 0.85),
            "remedy": (0.83, 0.92),
            "reason_question": (0.96, 0.92),
            "alternative": (0.96, 0.95),
            "denial": (0.87, 0.94),
        },
        {
            "apology_before_explanation": 0.97,
            "remedy_before_cause": 0.98,
            "asks_reason": 0.96,
            "proposes_alternative": 0.97,
            "no_denial": 0.97,
        },
    ),
    # w29-w34 (round thirteen), measured when they joined: w29 explanation 78.5/74.1, remedy
    # 74.0/80.9, reason_question 95.0/95.0, alternative 100/91.3, denial 58.3/84.6; w30 76.1/73.2,
    # 78.8/86.5, 87.0/95.2, 83.9/83.9, 69.8/85.4; w31 62.5/64.6, 85.0/65.4, 92.0/95.8, 72.9/82.9,
    # 64.4/93.8; w32 83.1/74.7, 86.2/78.8, 94.7/100, 89.7/84.4, 67.7/85.7; w33 66.0/67.2, 73.5/75.8,
    # 92.0/82.1, 83.3/75.0, 42.9/84.8; w34 74.6/71.3, 86.4/76.0, 93.8/78.9, 60.0/75.0, 54.3/86.7.
    # After the round, the six together: 87.6/86.0, 95.6/91.5, 98.4/98.4, 94.7/90.5, 93.6/94.6.
    ("w29", "w30", "w31", "w32", "w33", "w34"): (
        {
            "apology": (0.96, 0.96),
            "explanation": (0.90, 0.89),
            "remedy": (0.96, 0.90),
            "reason_question": (0.98, 0.97),
            "alternative": (0.94, 0.89),
            "denial": (0.93, 0.93),
        },
        {
            "apology_before_explanation": 0.96,
            "remedy_before_cause": 0.97,
            "asks_reason": 0.97,
            "proposes_alternative": 0.96,
            "no_denial": 0.98,
        },
    ),
    # w35-w36 (round fourteen), measured after round thirteen, before any rule was tuned on them:
    # w35 explanation 76.9/66.7, remedy 70.7/82.5, reason_question 92.0/85.2, alternative
    # 75.0/78.6, denial 53.5/82.8; w36 67.2/66.7, 62.2/81.1, 82.1/76.7, 85.7/92.1, 35.9/87.5.
    # After round fourteen, the two together: 79.0/74.0, 88.4/100, 98.1/94.5, 97.5/95.3, 86.6/91.1.
    ("w35", "w36"): (
        {
            "apology": (0.98, 0.98),
            "explanation": (0.89, 0.78),
            "remedy": (0.87, 0.98),
            "reason_question": (0.96, 0.98),
            "alternative": (0.96, 0.93),
            "denial": (0.93, 0.89),
        },
        {
            "apology_before_explanation": 0.97,
            "remedy_before_cause": 0.97,
            "asks_reason": 0.98,
            "proposes_alternative": 0.97,
            "no_denial": 0.98,
        },
    ),
    # w37-w38 (written in round fourteen), measured after it, before any rule was tuned on them: w37
    # explanation 65.1/65.2, remedy 70.5/87.5, reason_question 96.2/96.2, alternative 81.0/89.7,
    # denial 65.7/84.4; w38 93.8/79.7, 79.2/84.3, 86.4/76.0, 88.9/91.4, 57.6/90.9 (round fourteen's
    # rules, tuned on w35-w36, had barely moved them: after round thirteen w37 remedy 68.2/87.2, w38
    # remedy 79.2/82.7, alternative 88.9/88.9). After round fifteen, the two together: 82.0/80.7,
    # 88.0/91.8, 93.8/93.8, 88.5/91.0, 83.8/91.2.
    ("w37", "w38"): (
        {
            "apology": (0.98, 0.97),
            "explanation": (0.91, 0.86),
            "remedy": (0.91, 0.94),
            "reason_question": (0.95, 0.93),
            "alternative": (0.95, 0.91),
            "denial": (0.90, 0.91),
        },
        {
            "apology_before_explanation": 0.96,
            "remedy_before_cause": 0.98,
            "asks_reason": 0.95,
            "proposes_alternative": 0.95,
            "no_denial": 0.98,
        },
    ),
    # w39-w40 (written in round fifteen, no rule tuned on them yet), measured after round fourteen:
    # w39 explanation 81.6/71.4, remedy 74.3/81.8, reason_question 100/82.8, alternative 65.7/82.1,
    # denial 59.0/81.5; w40 74.6/68.4, 81.2/80.6, 96.6/82.4, 75.0/83.7, 62.1/74.1. Round fifteen's
    # rules (tuned on w37-w38) moved them by one alternative found and one remedy wrongly found.
    # Round sixteen (constructions fitted on w1-w38, w39-w40 held out) moved the two together from
    # 90.5% to 91.0% of the criteria; round seventeen, tuned on w39-w43, to explanation 81.5/76.3,
    # remedy 85.1/80.3, reason_question 98.1/82.5, alternative 73.5/87.1, denial 67.6/79.7, criteria
    # 90.0-94.2% (floors raised).
    ("w39", "w40"): (
        {
            "apology": (0.98, 0.95),
            "explanation": (0.91, 0.82),
            "remedy": (0.90, 0.82),
            "reason_question": (0.98, 0.84),
            "alternative": (0.90, 0.88),
            "denial": (0.77, 0.82),
        },
        {
            "apology_before_explanation": 0.96,
            "remedy_before_cause": 0.94,
            "asks_reason": 0.93,
            "proposes_alternative": 0.94,
            "no_denial": 0.93,
        },
    ),
    # w41-w45 (300 replies, written at the start of round sixteen), measured before it: explanation
    # 76.2/77.5, remedy 75.2/81.6, reason_question 87.8/87.9, alternative 84.8/90.1, denial 64.4/87.1,
    # criteria 90.0%; after round sixteen (fitted on w1-w38) 90.1%. Round seventeen was tuned on
    # w41-w43 (with w39-w40) and held w44-w45 out: w41-w43 went from 89.2% to 91.4% of the criteria,
    # w44-w45 from 91.5% to 91.3%. The five together after it: explanation 79.7/80.7, remedy
    # 81.4/82.7, reason_question 87.1/91.7, alternative 84.8/90.5, denial 72.6/88.4; criteria
    # 90.3-94.0%. A second person's labels agree with the writers' on 99.2% of the criteria.
    ("w41", "w42", "w43", "w44", "w45"): (
        {
            "apology": (0.97, 0.95),
            "explanation": (0.88, 0.84),
            "remedy": (0.86, 0.88),
            "reason_question": (0.94, 0.90),
            "alternative": (0.94, 0.92),
            "denial": (0.86, 0.89),
        },
        {
            "apology_before_explanation": 0.95,
            "remedy_before_cause": 0.96,
            "asks_reason": 0.95,
            "proposes_alternative": 0.95,
            "no_denial": 0.95,
        },
    ),
    # w46-w50 (250 replies, round nineteen), measured before any rule or cue was fitted on them:
    # by the rules alone explanation 79.4/85.8, remedy 74.0/89.7, reason_question 92.6/91.7,
    # alternative 78.0/86.5, denial 69.5/90.8, all criteria 94.1%; with the word cues as they were
    # (every kind at 0.8) 95.2%. They chose the cue thresholds (scripts/train_cues.py), then joined
    # the cues' training data: explanation 89.1/87.0, remedy 74.0/89.7, reason_question 95.8/91.9,
    # alternative 93.2/88.5, denial 86.7/92.4; criteria 94.4-98.4%. Round nineteen's rules took out
    # false finds on w46-w55: explanation 91.5/92.0, remedy 75.7/97.1, reason_question 95.8/97.8,
    # alternative 93.2/96.4, denial 87.5/94.6; criteria 97.2-99.2% (floors raised).
    ("w46", "w47", "w48", "w49", "w50"): (
        {
            "apology": (0.98, 0.96),
            "explanation": (0.91, 0.92),
            "remedy": (0.86, 0.95),
            "reason_question": (0.93, 0.95),
            "alternative": (0.91, 0.94),
            "denial": (0.90, 0.92),
        },
        {
            "apology_before_explanation": 0.96,
            "remedy_before_cause": 0.97,
            "asks_reason": 0.96,
            "proposes_alternative": 0.95,
            "no_denial": 0.96,
        },
    ),
    # w51-w55 (250 replies, round nineteen's second batch), measured before any rule or cue was
    # fitted on them: by the rules alone explanation 77.5/82.6, remedy 68.1/81.6, reason_question
    # 97.8/89.8, alternative 78.0/86.1, denial 60.6/79.8, all criteria 92.5%; with the cues at the
    # thresholds w46-w50 chose 93.7% (every kind at 0.8: 93.4%). Then they joined the cues' training
    # data: explanation 89.7/84.4, remedy 68.1/81.6, reason_question 97.8/89.8, alternative
    # 93.2/88.0, denial 82.7/84.1; criteria 94.4-95.6%. After round nineteen's rules (false finds
    # on w46-w55 taken out): explanation 91.1/89.3, remedy 69.8/93.8, reason_question 98.9/97.8,
    # alternative 94.1/98.2, denial 82.7/89.1; criteria 96.4-99.2% (floors raised).
    ("w51", "w52", "w53", "w54", "w55"): (
        {
            "apology": (0.96, 0.94),
            "explanation": (0.92, 0.89),
            "remedy": (0.87, 0.94),
            "reason_question": (0.96, 0.95),
            "alternative": (0.92, 0.97),
            "denial": (0.90, 0.89),
        },
        {
            "apology_before_explanation": 0.96,
            "remedy_before_cause": 0.97,
            "asks_reason": 0.97,
            "proposes_alternative": 0.96,
            "no_denial": 0.96,
        },
    ),
    # w56-w58 and w59-w61 (150 replies each, round twenty), written and labelled unseen, and kept
    # out of the cues' training (scripts/train_cues.py HELD_OUT). At the start of the round (rules
    # and cues of round nineteen): explanation 86.2/79.4 and 83.9/79.9, remedy 78.1/88.7 and
    # 69.6/84.0, reason_question 95.2/89.2 and 94.9/90.3, alternative 87.8/83.7 and 93.3/86.6,
    # denial 71.2/78.0 and 73.0/79.4; all criteria 94.7% and 94.4%. After the cue vetoes, round
    # twenty's rules and remedy cues: 95.6% both (floors from these figures).
    ("w56", "w57", "w58"): (
        {
            "apology": (0.97, 0.95),
            "explanation": (0.84, 0.80),
            "remedy": (0.78, 0.87),
            "reason_question": (0.93, 0.87),
            "alternative": (0.84, 0.85),
            "denial": (0.70, 0.75),
        },
        {
            "apology_before_explanation": 0.94,
            "remedy_before_cause": 0.94,
            "asks_reason": 0.92,
            "proposes_alternative": 0.92,
            "no_denial": 0.96,
        },
    ),
    ("w59", "w60", "w61"): (
        {
            "apology": (0.98, 0.95),
            "explanation": (0.82, 0.79),
            "remedy": (0.78, 0.83),
            "reason_question": (0.92, 0.88),
            "alternative": (0.90, 0.89),
            "denial": (0.71, 0.81),
        },
        {
            "apology_before_explanation": 0.91,
            "remedy_before_cause": 0.95,
            "asks_reason": 0.94,
            "proposes_alternative": 0.93,
            "no_denial": 0.94,
        },
    ),
    # w62-w66 (250 replies, round twenty's third batch), written and labelled unseen after the
    # round's changes were in, and held out of the cues' training: explanation 84.8/80.6, remedy
    # 77.4/80.9, reason_question 93.6/92.6, alternative 88.4/79.9, denial 70.2/83.6; all criteria
    # 95.0%, every reply right 77.2% (floors from these figures).
    ("w62", "w63", "w64", "w65", "w66"): (
        {
            "apology": (0.98, 0.93),
            "explanation": (0.82, 0.78),
            "remedy": (0.75, 0.78),
            "reason_question": (0.91, 0.90),
            "alternative": (0.86, 0.77),
            "denial": (0.68, 0.81),
        },
        {
            "apology_before_explanation": 0.96,
            "remedy_before_cause": 0.95,
            "asks_reason": 0.94,
            "proposes_alternative": 0.88,
            "no_denial": 0.90,
        },
    ),
}

# Blind split, measured by the coordinator (never by a rule author), one group of writers at a
# time. Far below issue 8's targets (recall 90%, precision 95%, agreement 95%): see its closing notes.
# w1-w3 (165 replies by the writers of dev w1-w3): at the start of issue 8's third round
# explanation 80.0/84.0, remedy 75.9/82.4, reason_question 96.1/94.8, alternative 84.5/91.2,
# denial 42.6/79.5; at its end 84.3/88.0, 80.5/86.0, 96.1/94.8, 84.5/90.2, 66.2/80.3; at the end
# of the sixth 83.5/87.3, 82.8/87.4, 96.1/96.1, 85.7/89.3, 70.6/82.5. (Denial precision's floor
# was lowered once, from 0.90 to 0.77, in the second round; it is 0.80 now.)
# w13 (120 replies by a writer who wrote no dev reply), measured when it joined: explanation
# 67.5/80.8, remedy 71.7/81.4, reason_question 100/89.7, alternative 79.2/91.3, denial 35.5/81.5;
# at the end of the third round 73.5/85.7, 80.4/88.6, 100/92.1, 81.1/89.6, 59.7/88.1; at the end of
# the sixth 75.9/87.4, 80.4/88.6, 100/92.1, 83.0/91.7, 61.3/88.6.
# w14 (120 replies by another writer who wrote nothing else, issue 8's sixth round), measured when
# it joined: explanation 69.4/81.2, remedy 58.8/78.9, reason_question 89.6/91.5, alternative
# 78.2/84.5, denial 60.7/83.7; all criteria 92.7%. At the end of the round: 72.4/82.5, 60.8/81.6,
# 89.6/91.5, 79.5/84.7, 63.9/82.7; all criteria 93.2%.
# End of round eight (two rounds of rules read off real pages): w1-w3 explanation 84.3/87.4, remedy
# 82.8/86.4, reason_question 96.1/96.1, alternative 86.9/89.4, denial 73.5/83.1; w13 75.9/86.0,
# 82.6/88.9, 100/92.1, 83.0/91.7, 61.3/86.7; w14 74.5/83.2, 60.8/81.6, 89.6/91.5, 79.5/84.7, 65.6/81.5.
# End of round nine (real pages again, then what recurs across a pool of 1,520 real lines): w1-w3
# 85.2/87.5, 82.8/86.4, 96.1/96.1, 86.9/89.4, 73.5/83.1; w13 78.3/86.5, 82.6/87.0, 100/92.1,
# 84.9/91.8, 61.3/87.0; w14 77.6/83.6, 60.8/81.6, 89.6/91.5, 79.5/84.7, 65.6/81.5 (explanation
# floors, w13's alternative and w14's apology_before_explanation raised).
# End of round ten and eleven (a pool of real lines, then catalogues of set phrases): w1-w3 the same;
# w13 79.5/86.7, 82.6/87.0, 100/92.1, 84.9/91.8, 62.9/87.2; w14 77.6/83.6, 60.8/83.8, 89.6/91.5,
# 79.5/85.9, 65.6/81.5, proposes_alternative 90.8% (w13's explanation and denial recall, w14's remedy
# and alternative precision and proposes_alternative raised).
# End of round twelve (learners' rewrites of the course scenarios; new dev writers w27-w28): w1-w3
# 85.2/87.9, 82.8/87.4, 97.4/96.1, 88.1/89.7, 75.0/84.6; w13 79.5/87.8, 82.6/87.0, 100/92.1,
# 84.9/91.8, 64.5/89.4; w14 77.6/84.4, 60.8/83.8, 89.6/91.5, 82.1/86.3, 65.6/81.5 (denial floors,
# w1-w3's alternative and w14's alternative recall raised).
# End of rounds thirteen and fourteen (new dev writers w29-w36, one fitter per kind): w1-w3
# 86.1/87.6, 85.1/87.6, 97.4/96.1, 88.1/89.7, 75.0/85.9; w13 80.7/89.8, 82.6/87.0, 100/94.6,
# 84.9/91.8, 66.1/89.6; w14 77.6/85.1, 64.7/82.5, 91.7/97.8, 80.8/87.3, 67.2/80.4 (w1-w3's
# explanation and remedy recall and denial precision, w13's explanation and question precision,
# w14's explanation precision, remedy recall, question floors and asks_reason raised).
# After round eighteen and the word cues (generic scenario): w1-w3 88.7/87.1, 85.1/87.6,
# 96.1/97.3, 92.9/89.1, 89.7/85.5; w13 85.5/90.1, 82.6/87.0, 100/94.6, 84.9/91.8, 74.2/90.6; w14
# 81.6/86.1, 64.7/82.5, 91.7/97.8, 84.6/87.8, 80.3/80.3; criteria 93.3-98.3% (floors raised to two
# points below, never lowered). Remedy cues were vetoed by w13's remedy precision floor.
# After round nineteen (cue thresholds per kind, ten more dev writers in the cues, false finds
# taken out of the rules): w1-w3 89.6/85.4, 85.1/87.6, 96.1/97.3, 94.0/88.3, 88.2/86.5; w13
# 88.0/90.3, 82.6/88.9, 100/94.6, 88.7/92.2, 72.6/90.4; w14 82.7/84.6, 64.7/82.5, 91.7/97.8,
# 85.9/88.0, 78.7/80.0; criteria 94.2-98.3% (floors raised). Remedy cues, tried again with the
# larger training set, were vetoed by the same floor; so were cue vetoes (recall floors).
# After round twenty (cue vetoes in long sentences only, remedy cues with remedy vetoes, rules for
# misses on w46-w55): w1-w3 88.7/87.1, 88.5/91.0, 96.1/97.3, 92.9/88.2, 88.2/86.5; w13 86.7/90.2,
# 82.6/88.9, 100/94.6, 88.7/92.2, 72.6/92.2; w14 82.7/84.5, 80.4/85.1, 91.7/97.8, 85.9/90.4,
# 78.7/81.2; criteria 95.0-98.8% (floors raised). Training the cues on w56-w61 as well took w1-w3's
# denial recall below its floor, so those writers stay out of the cues (HELD_OUT).
# writers -> (kind -> (recall floor, precision floor), criterion -> agreement floor)
BLIND_WRITERS = {
    ("w1", "w2", "w3"): (
        {
            "apology": (0.98, 0.94),
            "explanation": (0.87, 0.85),
            "remedy": (0.87, 0.89),
            "reason_question": (0.94, 0.95),
            "alternative": (0.92, 0.88),
            "denial": (0.87, 0.85),
        },
        {
            "apology_before_explanation": 0.93,
            "remedy_before_cause": 0.96,
            "asks_reason": 0.96,
            "proposes_alternative": 0.94,
            "no_denial": 0.96,
        },
    ),
    ("w13",): (
        {
            "apology": (0.98, 0.96),
            "explanation": (0.85, 0.88),
            "remedy": (0.80, 0.86),
            "reason_question": (0.98, 0.92),
            "alternative": (0.86, 0.90),
            "denial": (0.72, 0.90),
        },
        {
            "apology_before_explanation": 0.93,
            "remedy_before_cause": 0.95,
            "asks_reason": 0.96,
            "proposes_alternative": 0.95,
            "no_denial": 0.93,
        },
    ),
    ("w14",): (
        {
            "apology": (0.94, 0.98),
            "explanation": (0.80, 0.84),
            "remedy": (0.78, 0.83),
            "reason_question": (0.89, 0.95),
            "alternative": (0.83, 0.88),
            "denial": (0.78, 0.80),
        },
        {
            "apology_before_explanation": 0.93,
            "remedy_before_cause": 0.95,
            "asks_reason": 0.93,
            "proposes_alternative": 0.93,
            "no_denial": 0.95,
        },
    ),
}
LABELLED_AGREEMENT = 0.99  # the repository's own labelled replies (tests/test_scenarios.py checks each)


@pytest.fixture(scope="module")
def dev():
    return score(of_writers(load_realistic(REALISTIC / "dev"), ROUND_TWO_WRITERS))


def _check_floors(result, acts, criteria):
    low = []
    for kind, (recall, precision) in acts.items():
        counts = result.acts[kind]
        if counts.recall is not None and counts.recall < recall:
            low.append(f"{kind} recall {counts.recall:.3f} < {recall}")
        if counts.precision is not None and counts.precision < precision:
            low.append(f"{kind} precision {counts.precision:.3f} < {precision}")
    for criterion, floor in criteria.items():
        if result.agreement(criterion) < floor:
            low.append(f"{criterion} agreement {result.agreement(criterion):.3f} < {floor}")
    assert not low, low


def test_dev_accuracy_floors(dev):
    _check_floors(dev, DEV_ACTS, DEV_CRITERIA)


@pytest.mark.parametrize("writers", LATER_WRITERS, ids="-".join)
def test_later_writers_accuracy_floors(writers):
    acts, criteria = LATER_WRITERS[writers]
    _check_floors(score(of_writers(load_realistic(REALISTIC / "dev"), writers)), acts, criteria)


def test_every_blind_writer_has_floors():
    from benchmarks.accuracy import writer_of

    found = {writer_of(r) for r in load_realistic(REALISTIC / "blind")}
    assert found == {w for group in BLIND_WRITERS for w in group}


@pytest.mark.parametrize("writers", BLIND_WRITERS, ids="-".join)
def test_blind_accuracy_floors(writers):
    acts, criteria = BLIND_WRITERS[writers]
    _check_floors(score(of_writers(load_realistic(REALISTIC / "blind"), writers)), acts, criteria)


def test_labelled_agreement_floor():
    result = score(load_labelled(DATA / "labelled"))
    agreed, judged = result.all_criteria
    assert agreed / judged >= LABELLED_AGREEMENT


# ---------------------------------------------------------------- learners' rewrites

LEARNER = DATA / "learner"
# Split -> (all criteria's agreement, share of replies with every criterion right). Measured when
# the set was written (issue 8, before any rule saw it): dev 93.2% / 77.1%, blind 93.1% / 78.0%.
# After round twelve (rules fitted on dev only): dev 98.5% / 94.6%, blind 95.2% / 83.9%.
# After rounds thirteen and fourteen (no rule tuned on learners): dev 99.7% / 98.8%, blind 95.3% / 84.2%.
LEARNER_FLOORS = {"dev": (0.98, 0.96), "blind": (0.94, 0.82)}


def _learner_files():
    return [path for split in LEARNER_FLOORS for path in sorted((LEARNER / split).glob("*.toml"))]


@pytest.mark.parametrize("path", _learner_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_learner_file_is_well_formed(path):
    from graders.checker.scenarios import get_scenario

    replies = tomllib.loads(path.read_text(encoding="utf-8"))["reply"]
    assert replies, f"{path.name}: no replies"
    for reply in replies:
        rid = reply["id"]
        for key in ("id", "scenario", "text", "note", "expect"):
            assert key in reply, f"{rid}: no {key}"
        criteria = {c.id for c in get_scenario(reply["scenario"]).criteria}
        assert set(reply["expect"]) == criteria, f"{rid}: expect keys {sorted(reply['expect'])}, the scenario grades {sorted(criteria)}"
        assert all(isinstance(v, bool) for v in reply["expect"].values()), f"{rid}: expect values must be true/false"


def test_learner_ids_are_unique_and_every_scenario_is_rewritten():
    from graders.checker.scenarios import all_scenarios

    ids = [r["id"] for path in _learner_files() for r in tomllib.loads(path.read_text(encoding="utf-8"))["reply"]]
    assert len(ids) == len(set(ids))
    for split in LEARNER_FLOORS:
        seen = {r.scenario for r in load_learner(LEARNER / split)}
        assert seen == set(all_scenarios()) - {"generic"}, split


@pytest.mark.parametrize("split", LEARNER_FLOORS)
def test_learner_accuracy_floors(split):
    result = score(load_learner(LEARNER / split))
    agreed, judged = result.all_criteria
    criteria_floor, whole_floor = LEARNER_FLOORS[split]
    assert agreed / judged >= criteria_floor, f"{split}: all criteria {agreed / judged:.3f} < {criteria_floor}"
    right, replies = result.whole
    assert right / replies >= whole_floor, f"{split}: every criterion right {right / replies:.3f} < {whole_floor}"

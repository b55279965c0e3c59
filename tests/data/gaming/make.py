"""Write tests/data/gaming/*.toml: replies that game the rubric, one file per way of gaming.

    python tests/data/gaming/make.py

Deterministic (seeded): re-running rewrites the same files unless the rules, scenarios or
the instructors' reference replies changed. Every text is built here from the repository's
own material (the rules' match examples, the scenarios' bad replies and model answers, the
reference replies in solutions/reference-replies.toml) by mechanical edits, so none is an
honest reply. Each item names the scenario of the exercise it is handed in to.

Kinds:
- salad: trigger phrases (the spans of the rules' examples) strung together, joined by
  、 or 。 or spaces or line breaks, sometimes with words of the situation scattered in;
- example_salad: whole rule examples pasted one after another;
- list: triggers as bullets, numbered lines, labelled parts (謝罪：…) or arrows;
- stuffing: one apology or trigger said again and again, or a real sentence repeated;
- bad_copy / model_copy / solution_copy: the scenario's bad reply, public model answer or
  the instructor's reference reply, with light edits (sentence order, a dropped or added
  sentence, stock endings swapped, a greeting added, punctuation changed).
"""

from __future__ import annotations

import random
import re
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT))

from graders.checker.rules import builtin_rules  # noqa: E402
from graders.checker.scenarios import all_scenarios  # noqa: E402
from graders.learner.exercises import all_exercises  # noqa: E402

SEED = 11
PER_SCENARIO = 8  # items of each kind per graded scenario
ORDER = ("apology", "empathy", "thanks", "remedy", "cause", "prevention", "reason_question", "alternative")
JOINERS = ("、", "。", " ", "\n", "。\n", "！")
ENDING_SWAPS = [("いたします", "します"), ("ございません", "ありません"), ("いたしました", "しました"), ("存じます", "思います"), ("ございます", "あります"), ("申し上げます", "いたします")]
GREETINGS = ["お世話になっております。", "いつもご利用いただき、ありがとうございます。", "ご連絡ありがとうございます。"]
SIGNATURES = ["\nカスタマーサポート　佐藤", "\n担当：鈴木", "\n以上、よろしくお願いいたします。"]


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[。！？\n])", text.strip()) if s.strip()]


def _triggers() -> dict[str, list[str]]:
    """Per act kind, the spans and whole texts of the rules' match examples."""
    spans: dict[str, list[str]] = {}
    for rule in builtin_rules():
        for example in rule.must_match:
            spans.setdefault(rule.kind, []).append(example.span or example.text)
    return {k: sorted(set(v)) for k, v in spans.items()}


def _examples() -> list[str]:
    return sorted({e.text for rule in builtin_rules() for e in rule.must_match})


def _situation_words(scenario) -> list[str]:
    words = re.findall(r"[一-龥ァ-ヴー]{2,}", scenario.situation + scenario.customer)
    return sorted(set(words))


def _salad(rng: random.Random, triggers: dict[str, list[str]], scenario) -> str:
    kinds = [k for k in ORDER if k in triggers]
    chosen = sorted(rng.sample(kinds, rng.randint(3, min(6, len(kinds)))), key=ORDER.index)
    parts = [rng.choice(triggers[k]).strip("。、") for k in chosen]
    if rng.random() < 0.4:
        words = _situation_words(scenario)
        for _ in range(rng.randint(1, 3)):
            parts.insert(rng.randrange(len(parts) + 1), rng.choice(words))
    joiner = rng.choice(JOINERS)
    end = "。" if joiner in ("、", "。", "。\n") else ""
    return joiner.join(parts) + end


def _example_salad(rng: random.Random, examples: list[str]) -> str:
    return rng.choice(("", "\n", " ")).join(rng.sample(examples, rng.randint(3, 5)))


def _listed(rng: random.Random, triggers: dict[str, list[str]]) -> str:
    kinds = [k for k in ORDER if k in triggers]
    chosen = sorted(rng.sample(kinds, rng.randint(3, min(5, len(kinds)))), key=ORDER.index)
    parts = [rng.choice(triggers[k]).strip("。、") for k in chosen]
    style = rng.choice(("bullet", "number", "label", "arrow"))
    if style == "bullet":
        return "\n".join(f"{rng.choice('・-●')} {p}" for p in parts)
    if style == "number":
        return "\n".join(f"{i}. {p}" for i, p in enumerate(parts, 1))
    if style == "label":
        labels = {"apology": "謝罪", "empathy": "共感", "thanks": "感謝", "remedy": "対処", "cause": "原因",
                  "prevention": "再発防止", "reason_question": "質問", "alternative": "代替案"}
        return "\n".join(f"{labels[k]}：{p}" for k, p in zip(chosen, parts))
    return " → ".join(parts)


def _stuffing(rng: random.Random, triggers: dict[str, list[str]], scenario) -> str:
    style = rng.choice(("apology", "trigger", "sentence"))
    if style == "apology":
        phrase = rng.choice(triggers["apology"]).strip("。")
        return "。".join([phrase] * rng.randint(4, 8)) + "。"
    if style == "trigger":
        phrase = rng.choice(triggers[rng.choice([k for k in ORDER if k in triggers])]).strip("。")
        return rng.choice(("", "。", "、")).join([phrase] * rng.randint(3, 6))
    sentence = rng.choice(_sentences(scenario.model_answer)).strip()
    return "".join([sentence] * rng.randint(3, 5))


def _light_edit(rng: random.Random, text: str) -> str:
    """One to three mechanical edits that leave the text what it was."""
    sentences = _sentences(text)
    for _ in range(rng.randint(1, 3)):
        edit = rng.choice(("shuffle", "drop", "greet", "sign", "endings", "punct", "word"))
        if edit == "shuffle" and len(sentences) > 2:
            rng.shuffle(sentences)
        elif edit == "drop" and len(sentences) > 3:
            sentences.pop(rng.randrange(len(sentences)))
        elif edit == "greet":
            sentences.insert(0, rng.choice(GREETINGS))
        elif edit == "sign":
            sentences.append(rng.choice(SIGNATURES))
        elif edit == "endings":
            old, new = rng.choice(ENDING_SWAPS)
            sentences = [s.replace(old, new) for s in sentences]
        elif edit == "punct":
            sentences = [s.replace("、", "") if rng.random() < 0.5 else s.replace("。", "。\n") for s in sentences]
        elif edit == "word":
            sentences = [s.replace("大変", "誠に").replace("本当に", "心より").replace("お客様", "お客さま") for s in sentences]
    return "".join(sentences).strip()


def _references() -> dict[str, str]:
    path = ROOT / "solutions" / "reference-replies.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {sid: entry["solution"].strip() for sid, entry in data.items()}


def _toml_string(text: str) -> str:
    return '"""\n' + text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"') + '\n"""'


def build() -> dict[str, list[tuple[str, str]]]:
    rng = random.Random(SEED)
    triggers, examples, references = _triggers(), _examples(), _references()
    scenarios = all_scenarios()
    graded = sorted({e.scenario for e in all_exercises().values()})
    kinds: dict[str, list[tuple[str, str]]] = {k: [] for k in ("salad", "example_salad", "list", "stuffing", "bad_copy", "model_copy", "solution_copy")}
    for sid in graded:
        scenario = scenarios[sid]
        for _ in range(PER_SCENARIO):
            kinds["salad"].append((sid, _salad(rng, triggers, scenario)))
            kinds["example_salad"].append((sid, _example_salad(rng, examples)))
            kinds["list"].append((sid, _listed(rng, triggers)))
            kinds["stuffing"].append((sid, _stuffing(rng, triggers, scenario)))
            kinds["bad_copy"].append((sid, _light_edit(rng, scenario.bad_reply)))
            kinds["model_copy"].append((sid, _light_edit(rng, scenario.model_answer)))
            if sid in references:
                kinds["solution_copy"].append((sid, _light_edit(rng, references[sid])))
    # The audit's own example (issue 11), on every graded scenario.
    for sid in graded:
        kinds["salad"].append((sid, "申し訳ございません、復旧いたしました、原因は誤りでした"))
    return kinds


def main() -> None:
    for kind, items in build().items():
        lines = [f"# Gaming replies of kind {kind!r}, written by tests/data/gaming/make.py (do not edit by hand).\n"]
        seen = set()
        for sid, text in items:
            if (sid, text) in seen:
                continue
            seen.add((sid, text))
            lines.append(f"\n[[reply]]\nscenario = \"{sid}\"\ntext = {_toml_string(text)}\n")
        (HERE / f"{kind}.toml").write_text("".join(lines), encoding="utf-8")
        print(f"{kind}: {len(seen)}")


if __name__ == "__main__":
    main()

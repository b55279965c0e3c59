"""Varied replies for the benchmarks, recombined from the scenarios' own texts (seeded)."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

from graders.checker.rules import builtin_rules
from graders.checker.scenarios import all_scenarios


def sentences() -> list[str]:
    """Every sentence of every scenario text and rule example, as material to recombine."""
    texts = []
    for s in all_scenarios().values():
        texts += [s.bad_reply, s.model_answer, s.customer]
    rules = list(builtin_rules()) + [r for s in all_scenarios().values() for r in s.rules]
    texts += [e.text for r in rules for e in r.examples]
    found = {p.strip() for t in texts for p in re.split(r"(?<=[。！？\n])", t)}
    return sorted(p for p in found if p)


def make_replies(count: int, seed: int = 2024) -> list[dict]:
    """``count`` records {"id", "scenario", "text"} of 1 to 10 sentences each."""
    rnd = random.Random(seed)
    pool = sentences()
    scenario_ids = sorted(all_scenarios())
    records = []
    for i in range(count):
        parts = rnd.sample(pool, k=min(len(pool), rnd.randint(1, 10)))
        # Some replies are spoken style: no 。 at all, only spaces between the parts.
        joiner = rnd.choice(["", "", "\n", "\u3000"])
        text = joiner.join(p.rstrip("。") if joiner == "\u3000" else p for p in parts)
        records.append({"id": i, "scenario": rnd.choice(scenario_ids), "text": text})
    return records


def reply_of_length(length: int, seed: int = 0) -> str:
    """One reply of about ``length`` characters, whole sentences only."""
    rnd = random.Random(seed)
    pool = sentences()
    text = ""
    while len(text) < length:
        text += rnd.choice(pool)
    return text


def write_jsonl(records: list[dict], path: Path) -> None:
    with path.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")

"""``python -m benchmarks.verdicts > FILE``: every verdict the checker gives, as text to diff.

A speed change must not change what the checker finds. This dumps, one JSON line per
(text, scenario), the full report (criteria with messages and spans, acts with their rule
ids) and every raw rule match per sentence (before overlapping acts collapse, so a match
an overlap would hide still shows), for:

- the labelled replies (tests/data/labelled, under their scenario),
- the realistic dev replies (tests/data/realistic/dev, under generic; never the blind split),
- the gaming replies (tests/data/gaming, under their scenario),
- every rule example (built-in rules under generic, company rules under their scenario),
  with that rule's own spans too,
- the benchmark replies (benchmarks/replies.py, 3,000 by default).

Diff two dumps (before and after a change): they must be byte-identical.
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from pathlib import Path

from graders import check
from graders.checker.acts import rule_index
from graders.checker.analysis import analyse
from graders.checker.rules import Stream, builtin_rules, spans_of
from graders.checker.scenarios import all_scenarios, get_scenario

from .replies import make_replies

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"


def texts() -> list[tuple[str, str, str]]:
    """(label, scenario id, text) for every text the dump covers but the benchmark replies."""
    found = []
    for path in sorted((DATA / "labelled").glob("*.toml")):
        for i, r in enumerate(tomllib.loads(path.read_text(encoding="utf-8")).get("reply", []), 1):
            found.append((f"labelled/{path.stem}#{i}", path.stem, r["text"]))
    for path in sorted((DATA / "realistic" / "dev").glob("*.toml")):
        for r in tomllib.loads(path.read_text(encoding="utf-8")).get("reply", []):
            found.append((f"dev/{r['id']}", "generic", r["text"]))
    for path in sorted((DATA / "gaming").glob("*.toml")):
        for i, r in enumerate(tomllib.loads(path.read_text(encoding="utf-8")).get("reply", []), 1):
            found.append((f"gaming/{path.stem}#{i}", r["scenario"], r["text"]))
    return found


def rule_examples() -> list[tuple[str, str, object, str]]:
    """(label, scenario id, rule, text) for every example of every rule."""
    owners = [("generic", rule) for rule in builtin_rules()]
    owners += [(sid, rule) for sid, s in all_scenarios().items() for rule in s.rules]
    return [(f"example/{rule.id}#{i}", sid, rule, e.text) for sid, rule in owners for i, e in enumerate(rule.examples, 1)]


def raw_matches(text: str, scenario_id: str) -> list[list]:
    """Every (sentence, rule id, start, end) the rule index finds, before acts collapse."""
    index = rule_index(get_scenario(scenario_id))
    return [[i, rule.id, start, end] for i, sentence in enumerate(analyse(text).sentences) for rule, start, end in index.matches(Stream.of(sentence))]


def record(label: str, scenario_id: str, text: str) -> dict:
    report = check(text, scenario_id).to_dict()
    return {"label": label, "scenario": scenario_id, "report": report, "raw": raw_matches(text, scenario_id)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.verdicts", description=__doc__.split("\n")[0])
    parser.add_argument("--replies", type=int, default=3000, help="benchmark replies to include (default 3000)")
    args = parser.parse_args(argv)
    out = sys.stdout
    out.reconfigure(encoding="utf-8")

    def emit(item: dict) -> None:
        out.write(json.dumps(item, ensure_ascii=False, sort_keys=True) + "\n")

    for label, sid, text in texts():
        emit(record(label, sid, text))
    for label, sid, rule, text in rule_examples():
        emit(record(label, sid, text) | {"rule_spans": [list(s) for s in spans_of(rule, text)]})
    for r in make_replies(args.replies):
        emit(record(f"bench/{r['id']}", r["scenario"], r["text"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``python -m benchmarks.rules``: what each rule costs, so that a rule's author sees it.

    python -m benchmarks.rules [--replies 1500] [--top 25] [--dev]

Runs the rule index over the benchmark replies (and, with --dev, the realistic dev replies
under generic) sentence by sentence, as ``check`` does, and prints the costliest rules:

- time: CPU time in the rule's regex searches and excludes, as a share of all rules' and in
  microseconds per reply;
- filed: sentences where the prefilter looked at one of its patterns (a form held the key
  the pattern is filed under: the rarest literal set's); each look costs a little Python;
- tried: sentences where the prefilter let a pattern through (every literal set it needs
  was there), and the regex ran;
- fired: sentences where the rule fired. A rule tried far more often than it fires asks for a
  rarer literal (see docs/architecture.md, "Speed, and what it asks of rule authors").

The last lines give the totals per sentence. Patterns without a prefilter (tried on every
sentence) are listed apart; tests/test_rules.py keeps the built-in rules free of them.
"""

from __future__ import annotations

import argparse
import sys
import time
import tomllib
from collections import Counter
from pathlib import Path

from graders.checker.acts import rule_index
from graders.checker.analysis import analyse
from graders.checker.rules import EXACT, Stream, _FormCache, _substrings, _vetoed
from graders.checker.scenarios import get_scenario

from .replies import make_replies

ROOT = Path(__file__).resolve().parent.parent


def dev_replies() -> list[dict]:
    """The realistic dev replies (tests/data/realistic/dev), under generic."""
    found = []
    for path in sorted((ROOT / "tests" / "data" / "realistic" / "dev").glob("*.toml")):
        found += [{"scenario": "generic", "text": r["text"]} for r in tomllib.loads(path.read_text(encoding="utf-8")).get("reply", [])]
    return found


def _filed(part) -> _FormCache:
    """form -> the slots of ``part`` (one index of a rule index's chain) filed under the keys it
    holds: those of each pattern's rarest literal set (see rules.prefilter)."""
    by_key: dict[str, set[int]] = {}
    slots = (keys for rule in part._own for keys in rule.prefilter)
    for slot, keys in enumerate(slots):
        for key in keys or ():
            by_key.setdefault(key, set()).add(slot)
    longest = max([part._longest, *map(len, by_key)])

    def filed(form: str) -> frozenset[int]:
        found = [by_key[key] for key in _substrings(form, longest) if key in by_key]
        return frozenset().union(*found, by_key.get(EXACT + form, ()))

    return _FormCache(filed)


def measure(records: list[dict]) -> tuple[Counter, Counter, Counter, Counter, int]:
    """Per rule id: CPU nanoseconds, sentences filed, tried and fired; and the sentences read."""
    spent, filed, tried, fired = Counter(), Counter(), Counter(), Counter()
    sentences = 0
    filed_in = {}  # index of a chain -> its _filed
    for record in records:
        index = rule_index(get_scenario(record["scenario"]))
        for sentence in analyse(record["text"]).sentences:
            stream = Stream.of(sentence)
            sentences += 1
            for part in index._chain:
                if part not in filed_in:
                    filed_in[part] = _filed(part)
                of_form = filed_in[part]
                slots = part._always.union(*map(of_form.__getitem__, stream.pieces))
                filed.update({part._slots[slot][0].id for slot in slots})
            passed, hits = set(), set()
            # What the prefilter lets through, as RuleIndex.matches tries it (vetoes on the index's mask).
            tried_here = [(part._slots[slot], part.mask(stream)) for part, slots in index._passing(stream) for slot in slots]
            for (rule, number, _, _, vetoes), mask in tried_here:
                pattern = rule._compiled[number]
                text = stream.tagged if rule.tagged else stream.text
                start = time.thread_time_ns()
                found = any(True for _ in pattern.finditer(text)) and not (vetoes and _vetoed(vetoes, mask, stream.text, text))
                spent[rule.id] += time.thread_time_ns() - start
                passed.add(rule.id)
                if found:
                    hits.add(rule.id)
            tried.update(passed)
            fired.update(hits)
    return spent, filed, tried, fired, sentences


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.rules", description=__doc__.split("\n")[0])
    parser.add_argument("--replies", type=int, default=1500, help="benchmark replies to read (default 1500)")
    parser.add_argument("--top", type=int, default=25, help="rules to list (default 25)")
    parser.add_argument("--dev", action="store_true", help="also read tests/data/realistic/dev")
    args = parser.parse_args(argv)

    records = make_replies(args.replies) + (dev_replies() if args.dev else [])
    measure(records[:50])  # compile what the prefilter lets through, outside the timings
    spent, filed, tried, fired, sentences = measure(records)
    total = sum(spent.values()) or 1
    width = max([len(rule_id) for rule_id in spent] + [4])
    print(f"{len(records):,} replies, {sentences:,} sentences")
    print(f"{'rule':<{width}}  {'time':>6}  {'us/reply':>8}  {'filed':>7}  {'tried':>7}  {'fired':>7}  fired/tried")
    for rule_id, ns in spent.most_common(args.top):
        share = f"{ns / total:.1%}"
        ratio = fired[rule_id] / tried[rule_id] if tried[rule_id] else 0
        print(f"{rule_id:<{width}}  {share:>6}  {ns / len(records) / 1e3:>8.2f}  {filed[rule_id]:>7,}  {tried[rule_id]:>7,}  {fired[rule_id]:>7,}  {ratio:.2f}")
    per = sentences or 1
    print(f"per sentence: {sum(filed.values()) / per:.1f} rules filed, {sum(tried.values()) / per:.1f} tried, {sum(fired.values()) / per:.2f} fired")
    print(f"all rules' regex time: {total / len(records) / 1e3:.1f} us per reply")
    unfiltered = sorted({rule.id for index in {rule_index(get_scenario(r["scenario"])) for r in records} for part in index._chain for slot in part._always for rule in [part._slots[slot][0]]})
    if unfiltered:
        print("patterns without a prefilter (tried on every sentence):", ", ".join(unfiltered))
    return 0


if __name__ == "__main__":
    sys.exit(main())

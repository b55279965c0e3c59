"""``python -m benchmarks.gaming``: how much gaming the genuine-reply check catches, and at what cost.

    python -m benchmarks.gaming [--show-misses] [--strict]

Two sets, measured in one run:

- the gaming set, tests/data/gaming/*.toml (written by tests/data/gaming/make.py): phrase
  salads, pasted rule examples, lists, stuffing, and light edits of the bad replies, model
  answers and the instructors' reference replies, each handed in to a graded scenario;
- every good reply in the repository: tests/data/labelled/*.toml whose expect is all true
  (checked on their own scenario), the scenarios' model answers and the reference replies
  (checked as the good replies they are, on ``generic``: on its own scenario a model answer
  is by definition a copy), and tests/data/realistic/dev/*.toml whose expect is all true
  (on ``generic``, as the brief asks).

Each is judged twice: in the kernel (the grade cell, graders.assignments.integrity.inspect_for)
and outside it (python -m graders autograde / grade-cohort, which also compare with the
reference replies). Targets: >= 95 % of the gaming set caught outside the kernel, 0 good
replies flagged. --strict exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from collections import Counter
from pathlib import Path

from graders.assignments import integrity, references
from graders.checker.scenarios import all_scenarios, get_scenario
from graders.learner.exercises import all_exercises

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
TARGET_CAUGHT = 0.95


def _replies(path: Path) -> list[dict]:
    return tomllib.loads(path.read_text(encoding="utf-8")).get("reply", [])


def _all_true(reply: dict) -> bool:
    expect = reply.get("expect") or {}
    return bool(expect) and all(expect.values())


def good_replies() -> list[tuple[str, str, str]]:
    """(source, scenario id, text) of every good reply in the repository."""
    found = []
    for path in sorted((DATA / "labelled").glob("*.toml")):
        found += [(f"labelled/{path.stem}", path.stem, r["text"].strip()) for r in _replies(path) if _all_true(r)]
    found += [(f"model_answer/{sid}", "generic", s.model_answer) for sid, s in all_scenarios().items() if s.model_answer]
    found += [(f"reference/{sid}", "generic", text) for sid, text in references.load(ROOT).items()]
    for path in sorted((DATA / "realistic" / "dev").glob("*.toml")):
        found += [(f"realistic/{r['id']}", "generic", r["text"].strip()) for r in _replies(path) if _all_true(r)]
    return found


def gaming_replies() -> list[tuple[str, str, str]]:
    """(kind, scenario id, text) of the gaming set."""
    return [(path.stem, r["scenario"], r["text"].strip()) for path in sorted((DATA / "gaming").glob("*.toml")) for r in _replies(path)]


def in_kernel(text: str, scenario_id: str) -> list[integrity.Finding]:
    return integrity.inspect_for(text, get_scenario(scenario_id))


def out_of_kernel(text: str, scenario_id: str) -> list[integrity.Finding]:
    return integrity.inspect_outside(text, get_scenario(scenario_id), references.reference_for(ROOT, scenario_id))


def graded_scenarios() -> set[str]:
    return {e.scenario for e in all_exercises().values()}


def judge_good(text: str, scenario_id: str) -> list[integrity.Finding]:
    """A good reply on a graded scenario is judged as autograde judges it; on one no exercise
    grades (generic), by every check but the copy of that scenario's model answer: a model
    answer or reference reply is the original, not a copy, and no exercise hands in to generic."""
    if scenario_id in graded_scenarios():
        return out_of_kernel(text, scenario_id)
    return integrity.inspect(text, get_scenario(scenario_id).bad_reply)


def measure(show_misses: bool = False) -> dict:
    gaming = gaming_replies()
    total, caught_in, caught_out = Counter(), Counter(), Counter()
    misses = []
    for kind, sid, text in gaming:
        total[kind] += 1
        caught_in[kind] += bool(in_kernel(text, sid))
        found = bool(out_of_kernel(text, sid))
        caught_out[kind] += found
        if not found:
            misses.append((kind, sid, text))
    good = good_replies()
    flagged = [(source, sid, text, judge_good(text, sid)) for source, sid, text in good]
    flagged = [f for f in flagged if f[3]]
    return {"total": total, "in": caught_in, "out": caught_out, "misses": misses, "good": len(good), "flagged": flagged}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.gaming", description=__doc__.splitlines()[0])
    parser.add_argument("--show-misses", action="store_true", help="print every gaming reply not caught")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    m = measure()
    print(f"{'kind':<15}{'replies':>8}{'in kernel':>12}{'autograde':>12}")
    for kind in sorted(m["total"]):
        n = m["total"][kind]
        print(f"{kind:<15}{n:>8}{m['in'][kind] / n:>12.1%}{m['out'][kind] / n:>12.1%}")
    n = sum(m["total"].values())
    caught = sum(m["out"].values()) / n
    print(f"{'all':<15}{n:>8}{sum(m['in'].values()) / n:>12.1%}{caught:>12.1%}   (target >= {TARGET_CAUGHT:.0%} in autograde)")
    print(f"good replies flagged: {len(m['flagged'])} of {m['good']} (target 0)")
    for source, sid, text, findings in m["flagged"]:
        print(f"  FLAGGED {source} [{sid}] {[f.check for f in findings]}: {text[:60]!r}")
    if args.show_misses:
        for kind, sid, text in m["misses"]:
            print(f"  missed {kind} [{sid}]: {text[:80]!r}")
    ok = caught >= TARGET_CAUGHT and not m["flagged"]
    return 0 if ok or not args.strict else 1


if __name__ == "__main__":
    sys.exit(main())

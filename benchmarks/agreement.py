"""``python -m benchmarks.agreement``: how far two people agree, beside how far the checker does.

    python -m benchmarks.agreement [--split blind] [--by-writer] [--root DIR]

tests/data/realistic/second/<split>/*.toml holds a second person's labels of the replies of
tests/data/realistic/<split>/, made from the definitions in tests/data/realistic/README.md
without seeing the first labels or the checker (format: ``[[reply]]`` with ``id`` and ``acts``
only; the criteria follow from the acts as the README defines them, ``criteria_of``), and
tests/data/learner/second/<split>/*.toml a second person's grading of learners' rewrites
(``id`` and ``expect``: the scenario's criteria, true or false).

Every reply the second person labelled is read with the first labels as the reference, in
three columns side by side:

- **second person**: their acts and criteria, scored as the checker is;
- **checker**: the checker on the same replies (as ``benchmarks.accuracy`` scores it);
- **checker, where both agree**: recall over the acts both people labelled (an act of the
  first that an act of the same kind by the second overlaps), precision against the acts of
  either person, agreement over the criteria both people judge alike ("every criterion
  right" over the replies they judge alike on every criterion).

The first column is the ceiling a target should be read against: the issue's targets
(recall >= 90%, precision >= 95%, agreement >= 95%) mean little where two careful people
agree less. The third says how much of the checker's distance is disputed ground.
"""

from __future__ import annotations

import argparse
import tomllib
from pathlib import Path
from typing import NamedTuple

from .accuracy import (
    KIND_MAP,
    REALISTIC_CRITERIA,
    ROOT,
    Counts,
    Reply,
    Score,
    Verdict,
    _overlaps,
    checker_verdict,
    criteria_of,
    load_learner,
    load_realistic,
    percent,
    score,
    writer_of,
)

Spans = list[tuple[str, int, int]]


class Second(NamedTuple):
    """A second person's labels of one reply: acts (realistic replies) or criteria only (learners')."""

    criteria: dict[str, bool]
    acts: Spans | None = None


def _second_of(name: str, r: dict, reply: Reply) -> Second:
    if "acts" not in r:  # a learner's rewrite: the scenario's criteria, as the first labels have them
        expect = r.get("expect", {})
        if set(expect) != set(reply.expect):
            raise ValueError(f"{name} {r['id']}: expect must label exactly {sorted(reply.expect)}")
        return Second(dict(expect))
    acts = []
    for act in r["acts"]:
        if act["kind"] not in KIND_MAP:
            raise ValueError(f"{name} {r['id']}: unknown act kind {act['kind']!r}")
        start = reply.text.find(act["text"])
        if start < 0:
            raise ValueError(f"{name} {r['id']}: act text 「{act['text']}」 is not in the reply")
        acts.append((act["kind"], start, start + len(act["text"])))
    return Second(criteria_of(acts), acts)


def load_second(folder: Path, first: list[Reply]) -> dict[str, Second]:
    """Reply id -> the second person's labels, checked against the first labels' replies."""
    replies = {r.id: r for r in first}
    found: dict[str, Second] = {}
    for path in sorted(folder.glob("*.toml")):
        for r in tomllib.loads(path.read_text(encoding="utf-8")).get("reply", []):
            if r["id"] not in replies:
                raise ValueError(f"{path.name}: reply {r['id']} is not in the first labels")
            if r["id"] in found:
                raise ValueError(f"{path.name}: reply {r['id']} is labelled twice")
            found[r["id"]] = _second_of(path.name, r, replies[r["id"]])
    return found


def person_judge(second: dict[str, Second]):
    """The second person as a judge: their criteria, and their acts where they labelled acts."""

    def judge(reply: Reply) -> Verdict:
        theirs = second[reply.id]
        acts = {kind: _spans(theirs.acts, kind) for kind in KIND_MAP} if theirs.acts is not None else {}
        return Verdict(theirs.criteria, acts)

    return judge


def _spans(acts: Spans, kind: str) -> list[tuple[int, int]]:
    return [(s, e) for k, s, e in acts if k == kind]


def consensus(replies: list[Reply], second: dict[str, Second], checker: dict[str, Verdict]) -> Score:
    """The checker against what both people say (see the module's docstring)."""
    result = Score()
    for reply in replies:
        theirs, verdict = second[reply.id], checker[reply.id]
        if theirs.acts is not None and reply.acts is not None:
            for kind in KIND_MAP:
                mine, other = _spans(reply.acts, kind), _spans(theirs.acts, kind)
                both = [a for a in mine if any(_overlaps(a, b) for b in other)]
                detected = verdict.acts.get(kind, [])
                counts = result.acts[kind]
                counts.labelled += len(both)
                counts.found += sum(any(_overlaps(a, d) for d in detected) for a in both)
                counts.detected += len(detected)
                counts.right += sum(any(_overlaps(d, a) for a in mine + other) for d in detected)
        shared = [c for c in reply.expect if theirs.criteria[c] == reply.expect[c]]
        for criterion in shared:
            tally = result.agree.setdefault(criterion, [0, 0])
            tally[1] += 1
            tally[0] += verdict.criteria[criterion] == reply.expect[criterion]
        if len(shared) == len(reply.expect):  # both people judge the whole reply alike
            result.whole[1] += 1
            result.whole[0] += all(verdict.criteria[c] == reply.expect[c] for c in shared)
    return result


def _cell(c: Counts) -> str:
    return f"{percent(c.recall).strip()} / {percent(c.precision).strip()}"


def _agreement(result: Score, criterion: str) -> str:
    agreed, judged = result.agree.get(criterion, (0, 0))
    return percent(agreed / judged if judged else None).strip() + f" ({judged})"


def table(name: str, replies: list[Reply], second: dict[str, Second], checker: dict[str, Verdict]) -> str:
    columns = (score(replies, person_judge(second)), score(replies, lambda reply: checker[reply.id]), consensus(replies, second, checker))
    heads = ("second person", "checker", "checker, where both agree")
    lines = [f"{name}: {len(replies)} replies labelled by two people", f"  {'':<28}" + "".join(f"{h:>28}" for h in heads)]
    if any(second[r.id].acts is not None for r in replies):
        lines.append(f"  {'recall / precision':<28}")
        for kind in KIND_MAP:
            lines.append(f"  {kind:<28}" + "".join(f"{_cell(r.acts[kind]):>28}" for r in columns))
    lines.append(f"  {'criterion agreement':<28}")
    criteria = [c for c in REALISTIC_CRITERIA if c in columns[0].agree] + sorted(set(columns[0].agree) - set(REALISTIC_CRITERIA))
    for criterion in criteria:
        lines.append(f"  {criterion:<28}" + "".join(f"{_agreement(r, criterion):>28}" for r in columns))
    overall = (percent(agreed / judged if judged else None).strip() for agreed, judged in (r.all_criteria for r in columns))
    lines.append(f"  {'all criteria':<28}" + "".join(f"{cell:>28}" for cell in overall))
    whole = (percent(r.whole[0] / r.whole[1] if r.whole[1] else None).strip() + f" ({r.whole[1]})" for r in columns)
    lines.append(f"  {'every criterion right':<28}" + "".join(f"{cell:>28}" for cell in whole))
    return "\n".join(lines)


SETS = (("realistic", "realistic", load_realistic), ("learner rewrites", "learner", load_learner))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.agreement", description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", default="blind", help="which realistic split (the folder name: blind or dev)")
    parser.add_argument("--by-writer", action="store_true", help="also one table per writer")
    parser.add_argument("--root", type=Path, default=ROOT, help="the repository whose labelled sets to read")
    args = parser.parse_args(argv)
    data, shown = args.root / "tests" / "data", 0
    for title, folder_name, load in SETS:
        folder = data / folder_name / "second" / args.split
        if not any(folder.glob("*.toml")):
            continue
        first = load(data / folder_name / args.split)
        try:
            second = load_second(folder, first)
        except (ValueError, KeyError, tomllib.TOMLDecodeError) as e:
            parser.error(f"{folder}: {e}")
        replies = [r for r in first if r.id in second]
        checker = {r.id: checker_verdict(r) for r in replies}
        if shown:
            print()
        print(table(f"{title} {args.split}", replies, second, checker))
        shown += 1
        if args.by_writer:
            for writer in sorted({writer_of(r) for r in replies}, key=lambda w: (len(w), w)):
                print()
                print(table(writer, [r for r in replies if writer_of(r) == writer], second, checker))
    if not shown:
        parser.error(f"no second labels for the {args.split} split in tests/data/realistic/second/ or tests/data/learner/second/: put a second person's labels there first")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

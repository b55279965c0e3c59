"""``python -m benchmarks.agreement``: how far two people agree, beside how far the checker does.

    python -m benchmarks.agreement [--split blind] [--by-writer] [--root DIR]

tests/data/realistic/second/<split>/*.toml holds a second person's labels of the replies of
tests/data/realistic/<split>/, made from the definitions in tests/data/realistic/README.md
without seeing the first labels or the checker (format: ``[[reply]]`` with ``id`` and ``acts``
only; the criteria follow from the acts as the README defines them, ``criteria_of``).

Every reply the second person labelled is read with the first labels as the reference, in
three columns side by side:

- **second person**: their acts and the criteria they imply, scored as the checker is;
- **checker**: the checker on the same replies (as ``benchmarks.accuracy`` scores it);
- **checker, where both agree**: recall over the acts both people labelled (an act of the
  first that an act of the same kind by the second overlaps), precision against the acts of
  either person, agreement over the criteria both people judge alike.

The first column is the ceiling a target should be read against: the issue's targets
(recall >= 90%, precision >= 95%, agreement >= 95%) mean little where two careful people
agree less. The third says how much of the checker's distance is disputed ground.
"""

from __future__ import annotations

import argparse
import tomllib
from pathlib import Path

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
    load_realistic,
    percent,
    score,
    writer_of,
)

Spans = list[tuple[str, int, int]]


def load_second(folder: Path, first: list[Reply]) -> dict[str, Spans]:
    """Reply id -> the second person's acts (kind, start, end), checked against the replies."""
    texts = {r.id: r.text for r in first}
    found: dict[str, Spans] = {}
    for path in sorted(folder.glob("*.toml")):
        for r in tomllib.loads(path.read_text(encoding="utf-8")).get("reply", []):
            if r["id"] not in texts:
                raise ValueError(f"{path.name}: reply {r['id']} is not in the first labels")
            if r["id"] in found:
                raise ValueError(f"{path.name}: reply {r['id']} is labelled twice")
            text, acts = texts[r["id"]], []
            for act in r.get("acts", []):
                if act["kind"] not in KIND_MAP:
                    raise ValueError(f"{path.name} {r['id']}: unknown act kind {act['kind']!r}")
                start = text.find(act["text"])
                if start < 0:
                    raise ValueError(f"{path.name} {r['id']}: act text 「{act['text']}」 is not in the reply")
                acts.append((act["kind"], start, start + len(act["text"])))
            found[r["id"]] = acts
    return found


def person_judge(second: dict[str, Spans]):
    """The second person as a judge: their acts, and the criteria those imply."""

    def judge(reply: Reply) -> Verdict:
        acts = second[reply.id]
        return Verdict(criteria_of(acts), {kind: [(s, e) for k, s, e in acts if k == kind] for kind in KIND_MAP})

    return judge


def _spans(acts: Spans, kind: str) -> list[tuple[int, int]]:
    return [(s, e) for k, s, e in acts if k == kind]


def consensus(replies: list[Reply], second: dict[str, Spans], checker: dict[str, Verdict]) -> Score:
    """The checker against what both people say (see the module's docstring)."""
    result = Score()
    for reply in replies:
        theirs, verdict = second[reply.id], checker[reply.id]
        for kind in KIND_MAP:
            mine, other = _spans(reply.acts, kind), _spans(theirs, kind)
            both = [a for a in mine if any(_overlaps(a, b) for b in other)]
            detected = verdict.acts.get(kind, [])
            counts = result.acts[kind]
            counts.labelled += len(both)
            counts.found += sum(any(_overlaps(a, d) for d in detected) for a in both)
            counts.detected += len(detected)
            counts.right += sum(any(_overlaps(d, a) for a in mine + other) for d in detected)
        implied = criteria_of(theirs)
        for criterion in REALISTIC_CRITERIA:
            if implied[criterion] == reply.expect[criterion]:
                tally = result.agree.setdefault(criterion, [0, 0])
                tally[1] += 1
                tally[0] += verdict.criteria[criterion] == reply.expect[criterion]
    return result


def _cell(c: Counts) -> str:
    return f"{percent(c.recall).strip()} / {percent(c.precision).strip()}"


def _agreement(result: Score, criterion: str) -> str:
    agreed, judged = result.agree.get(criterion, (0, 0))
    return percent(agreed / judged if judged else None).strip() + ("" if criterion == "all" else f" ({judged})")


def table(name: str, replies: list[Reply], second: dict[str, Spans], checker: dict[str, Verdict]) -> str:
    columns = (score(replies, person_judge(second)), score(replies, lambda reply: checker[reply.id]), consensus(replies, second, checker))
    heads = ("second person", "checker", "checker, where both agree")
    lines = [f"{name}: {len(replies)} replies labelled by two people", f"  {'recall / precision':<28}" + "".join(f"{h:>28}" for h in heads)]
    for kind in KIND_MAP:
        lines.append(f"  {kind:<28}" + "".join(f"{_cell(r.acts[kind]):>28}" for r in columns))
    lines.append(f"  {'criterion agreement':<28}")
    for criterion in REALISTIC_CRITERIA:
        lines.append(f"  {criterion:<28}" + "".join(f"{_agreement(r, criterion):>28}" for r in columns))
    for r in columns:  # all criteria together
        r.agree["all"] = [sum(a for a, _ in r.agree.values()), sum(j for _, j in r.agree.values())]
    lines.append(f"  {'all criteria':<28}" + "".join(f"{_agreement(r, 'all'):>28}" for r in columns))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.agreement", description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", default="blind", help="which realistic split (the folder name: blind or dev)")
    parser.add_argument("--by-writer", action="store_true", help="also one table per writer")
    parser.add_argument("--root", type=Path, default=ROOT, help="the repository whose labelled sets to read")
    args = parser.parse_args(argv)
    realistic = args.root / "tests" / "data" / "realistic"
    folder = realistic / "second" / args.split
    if not any(folder.glob("*.toml")):
        parser.error(f"no second labels in {folder}: put a second person's labels there first")
    first = load_realistic(realistic / args.split)
    try:
        second = load_second(folder, first)
    except (ValueError, tomllib.TOMLDecodeError) as e:
        parser.error(str(e))
    replies = [r for r in first if r.id in second]
    checker = {r.id: checker_verdict(r) for r in replies}
    print(table(f"realistic {args.split}", replies, second, checker))
    if args.by_writer:
        for writer in sorted({writer_of(r) for r in replies}, key=lambda w: (len(w), w)):
            print()
            print(table(writer, [r for r in replies if writer_of(r) == writer], second, checker))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

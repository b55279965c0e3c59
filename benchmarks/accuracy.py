"""``python -m benchmarks.accuracy``: how well the checker agrees with people's labels.

    python -m benchmarks.accuracy [--dev-only] [--misses] [--by-writer] [--root DIR]

Every labelled set in the repository, each reported apart:

- tests/data/labelled/<scenario>.toml: criteria only (agreement per criterion);
- tests/data/learner/dev/*.toml and tests/data/learner/blind/*.toml: learners' rewrites of the
  course's scenarios, each graded with its own scenario: criteria only, and one line per scenario;
- tests/data/realistic/dev/*.toml and tests/data/realistic/blind/*.toml (format in
  tests/data/realistic/README.md), checked with the ``generic`` scenario: precision and
  recall per act kind, and agreement per criterion. The blind split is the blind test:
  ``--dev-only`` leaves it out (use it while writing rules). The dev writers the word cues
  were not fitted on (cues.json ``held_out``) are also reported apart: how the cues do on
  people the model never read.

The realistic sets label six kinds; the checker's kinds map onto them (KIND_MAP):
explanation is a cause or an excuse (both say why: the circumstances put forward as a
reason), the other five are the checker kind of the same name. A labelled act is *found*
when a detected act of a mapped kind overlaps its text (the first occurrence in the reply);
a detected act is *right* when it overlaps some labelled act of that kind.
"""

from __future__ import annotations

import argparse
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from graders.checker.check import check
from graders.checker.cues import held_out_writers

ROOT = Path(__file__).resolve().parent.parent

# Realistic label kind -> the checker's act kinds that carry it.
KIND_MAP: dict[str, tuple[str, ...]] = {
    "apology": ("apology",),
    "explanation": ("cause", "excuse"),
    "remedy": ("remedy",),
    "reason_question": ("reason_question",),
    "alternative": ("alternative",),
    "denial": ("denial",),
}
REALISTIC_CRITERIA = ("apology_before_explanation", "remedy_before_cause", "asks_reason", "proposes_alternative", "no_denial")


@dataclass
class Reply:
    id: str
    scenario: str
    text: str
    expect: dict[str, bool]
    acts: list[tuple[str, int, int]] | None = None  # (label kind, start, end); None: not labelled


def load_realistic(folder: Path) -> list[Reply]:
    replies = []
    for path in sorted(folder.glob("*.toml")):
        for r in tomllib.loads(path.read_text(encoding="utf-8")).get("reply", []):
            text = r["text"]
            acts = []
            for act in r.get("acts", []):
                start = text.find(act["text"])
                if start < 0:
                    raise ValueError(f"{path.name} {r['id']}: act text 「{act['text']}」 is not in the reply")
                acts.append((act["kind"], start, start + len(act["text"])))
            replies.append(Reply(r["id"], "generic", text, dict(r["expect"]), acts))
    return replies


def load_labelled(folder: Path) -> list[Reply]:
    replies = []
    for path in sorted(folder.glob("*.toml")):
        for i, r in enumerate(tomllib.loads(path.read_text(encoding="utf-8")).get("reply", []), 1):
            replies.append(Reply(f"{path.stem}#{i}", path.stem, r["text"], dict(r["expect"])))
    return replies


def load_learner(folder: Path) -> list[Reply]:
    """Learners' rewrites of the course's scenarios (tests/data/learner/README.md): each reply
    names its scenario and labels that scenario's criteria."""
    replies = []
    for path in sorted(folder.glob("*.toml")):
        for r in tomllib.loads(path.read_text(encoding="utf-8")).get("reply", []):
            replies.append(Reply(r["id"], r["scenario"], r["text"], dict(r["expect"])))
    return replies


def scenarios_table(replies: list[Reply], judge: Callable[[Reply], Verdict]) -> str:
    """One line per scenario: how many replies, and each of its criteria's agreement."""
    lines = []
    for scenario in sorted({r.scenario for r in replies}):
        mine = [r for r in replies if r.scenario == scenario]
        result = score(mine, judge)
        cells = ", ".join(f"{c} {percent(result.agreement(c)).strip()}" for c in result.agree)
        whole = percent(result.whole[0] / result.whole[1]).strip()
        lines.append(f"  {scenario:<24}{len(mine):>4}  every one right {whole:>6}: {cells}")
    return "\n".join(lines)


@dataclass
class Counts:
    labelled: int = 0  # labelled acts
    found: int = 0  # of them, overlapped by a detected act
    detected: int = 0  # detected acts of the mapped kinds
    right: int = 0  # of them, overlapping a labelled act of the kind

    @property
    def recall(self) -> float | None:
        return self.found / self.labelled if self.labelled else None

    @property
    def precision(self) -> float | None:
        return self.right / self.detected if self.detected else None


@dataclass
class Score:
    acts: dict[str, Counts] = field(default_factory=lambda: {k: Counts() for k in KIND_MAP})
    agree: dict[str, list[int]] = field(default_factory=dict)  # criterion -> [agreed, judged]
    misses: list[str] = field(default_factory=list)  # one line per disagreement (reply id, what)
    whole: list[int] = field(default_factory=lambda: [0, 0])  # [replies with every criterion agreed, replies]

    def agreement(self, criterion: str) -> float:
        agreed, judged = self.agree[criterion]
        return agreed / judged

    @property
    def all_criteria(self) -> tuple[int, int]:
        """(agreed, judged) over every criterion together."""
        return sum(a for a, _ in self.agree.values()), sum(j for _, j in self.agree.values())


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


class Verdict(NamedTuple):
    """What a judge (the checker, or a second person) says of one reply."""

    criteria: dict[str, bool]  # criterion id -> passed
    acts: dict[str, list[tuple[int, int]]]  # label kind -> the spans found of it


def checker_verdict(reply: Reply) -> Verdict:
    """The checker's verdict, its act kinds read as the labels' kinds (KIND_MAP)."""
    report = check(reply.text, reply.scenario)
    spans = {kind: [(a.start, a.end) for a in report.acts if a.kind in kinds] for kind, kinds in KIND_MAP.items()}
    return Verdict({c.id: c.passed for c in report.criteria}, spans)


def criteria_of(acts: list[tuple[str, int, int]]) -> dict[str, bool]:
    """The five realistic criteria as README.md defines them from a reply's labelled acts
    (every realistic reply's ``expect`` is exactly this of its ``acts``)."""
    first: dict[str, int] = {}
    for kind, start, _ in sorted(acts, key=lambda act: act[1]):
        first.setdefault(kind, start)

    def before(a: str, b: str) -> bool:
        return a in first and b in first and first[a] < first[b]

    return {
        "apology_before_explanation": before("apology", "explanation"),
        "remedy_before_cause": before("remedy", "explanation"),
        "asks_reason": "reason_question" in first,
        "proposes_alternative": "alternative" in first,
        "no_denial": "denial" not in first,
    }


def score(replies: list[Reply], judge: Callable[[Reply], Verdict] = checker_verdict) -> Score:
    """How far ``judge`` (the checker by default) agrees with the replies' labels."""
    result = Score()
    for reply in replies:
        verdict = judge(reply)
        all_agreed = True
        for criterion, passed in verdict.criteria.items():
            if criterion in reply.expect:
                tally = result.agree.setdefault(criterion, [0, 0])
                tally[1] += 1
                if passed == reply.expect[criterion]:
                    tally[0] += 1
                else:
                    all_agreed = False
                    result.misses.append(f"{reply.id} {criterion}: expected {reply.expect[criterion]}")
        result.whole[0] += all_agreed
        result.whole[1] += 1
        if reply.acts is None:
            continue
        for kind in KIND_MAP:
            counts = result.acts[kind]
            labelled = [(s, e) for k, s, e in reply.acts if k == kind]
            detected = verdict.acts.get(kind, [])
            counts.labelled += len(labelled)
            counts.detected += len(detected)
            counts.found += sum(any(_overlaps(l, d) for d in detected) for l in labelled)
            counts.right += sum(any(_overlaps(d, l) for l in labelled) for d in detected)
            for l in labelled:
                if not any(_overlaps(l, d) for d in detected):
                    result.misses.append(f"{reply.id} {kind} missed: {reply.text[l[0]:l[1]]}")
            for d in detected:
                if not any(_overlaps(d, l) for l in labelled):
                    result.misses.append(f"{reply.id} {kind} wrongly found: {reply.text[d[0]:d[1]]}")
    return result


def percent(value: float | None) -> str:
    return "   -  " if value is None else f"{value * 100:5.1f}%"


def acts_rows(counts: dict[str, Counts]) -> list[str]:
    """A header, then one row per act kind: labelled, recall, detected, precision."""
    rows = [f"  {'act kind':<18}{'labelled':>9}{'recall':>9}{'detected':>9}{'precision':>10}"]
    for kind, c in counts.items():
        rows.append(f"  {kind:<18}{c.labelled:>9}{percent(c.recall):>9}{c.detected:>9}{percent(c.precision):>10}")
    return rows


def table(name: str, replies: list[Reply], result: Score) -> str:
    lines = [f"{name}: {len(replies)} replies"]
    if any(r.acts is not None for r in replies):
        lines += acts_rows(result.acts)
    lines.append(f"  {'criterion':<28}{'judged':>7}{'agreement':>11}")
    for criterion, (agreed, judged) in sorted(result.agree.items()):
        lines.append(f"  {criterion:<28}{judged:>7}{percent(agreed / judged):>11}")
    agreed, judged = result.all_criteria
    lines.append(f"  {'all criteria':<28}{judged:>7}{percent(agreed / judged if judged else None):>11}")
    right, replies_judged = result.whole
    lines.append(f"  {'every criterion right':<28}{replies_judged:>7}{percent(right / replies_judged if replies_judged else None):>11}")
    return "\n".join(lines)


def writer_of(reply: Reply) -> str:
    """The writer of a realistic reply: the first part of its id (w6-dev-001 -> w6)."""
    return reply.id.split("-", 1)[0]


def of_writers(replies: list[Reply], writers: tuple[str, ...]) -> list[Reply]:
    return [r for r in replies if writer_of(r) in writers]


def writers_table(replies: list[Reply], judge: Callable[[Reply], Verdict]) -> str:
    """One line per writer: recall/precision per act kind and all criteria's agreement, to see
    at a glance how the rules carry over from the writers they were tuned on to the others."""
    kinds = [k for k in KIND_MAP if k != "apology"]
    head = f"  {'writer':<8}{'replies':>8}" + "".join(f"{k[:15]:>16}" for k in kinds) + f"{'criteria':>10}"
    lines = [head, f"  {'':<16}" + "".join(f"{'R / P':>16}" for _ in kinds)]
    names = sorted({writer_of(r) for r in replies}, key=lambda w: (len(w), w))
    for writer in names:
        mine = of_writers(replies, (writer,))
        result = score(mine, judge)
        cells = []
        for kind in kinds:
            c = result.acts[kind]
            cells.append(f"{percent(c.recall).strip()} / {percent(c.precision).strip()}")
        agreed, judged = result.all_criteria
        lines.append(f"  {writer:<8}{len(mine):>8}" + "".join(f"{cell:>16}" for cell in cells) + f"{percent(agreed / judged):>10}")
    return "\n".join(lines)


def sets(root: Path, dev_only: bool) -> list[tuple[str, list[Reply]]]:
    """(name, replies) for every labelled set under ``root``, the blind split last."""
    data = root / "tests" / "data"
    found = [("labelled (tests/data/labelled)", load_labelled(data / "labelled"))]
    dev = load_realistic(data / "realistic" / "dev")
    found.append(("realistic dev (tests/data/realistic/dev)", dev))
    held = held_out_writers()
    if held:  # the honest figure for the cues: writers the model never read
        found.append((f"realistic dev, writers the word cues never read ({', '.join(held)})", of_writers(dev, held)))
    found.append(("learner rewrites dev (tests/data/learner/dev)", load_learner(data / "learner" / "dev")))
    if not dev_only:
        found.append(("realistic BLIND (tests/data/realistic/blind)", load_realistic(data / "realistic" / "blind")))
        found.append(("learner rewrites BLIND (tests/data/learner/blind)", load_learner(data / "learner" / "blind")))
    return [(name, replies) for name, replies in found if replies]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.accuracy", description=__doc__.split("\n\n")[0])
    parser.add_argument("--dev-only", action="store_true", help="leave out the blind splits (while writing rules)")
    parser.add_argument("--misses", action="store_true", help="list every disagreement (never on the blind split)")
    parser.add_argument("--by-writer", action="store_true", help="also one line per writer of each realistic split")
    parser.add_argument("--root", type=Path, default=ROOT, help="the repository whose labelled sets to read")
    args = parser.parse_args(argv)
    for name, replies in sets(args.root, args.dev_only):
        verdicts = {r.id: checker_verdict(r) for r in replies}  # each reply checked once, for every table

        def judge(reply: Reply) -> Verdict:
            return verdicts[reply.id]

        result = score(replies, judge)
        print(table(name, replies, result))
        if args.by_writer and replies[0].acts is not None:
            print(writers_table(replies, judge))
        if "learner" in name:
            print(scenarios_table(replies, judge))
        if args.misses and "BLIND" not in name:
            print("\n".join(f"    {m}" for m in result.misses))
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

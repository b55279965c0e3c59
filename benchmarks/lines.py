"""``python -m benchmarks.lines``: the checker against labelled lines kept outside the repository.

    python -m benchmarks.lines FILE... [--by-file] [--misses KIND]

Real replies quoted from public pages cannot be committed, yet they are the text the checker
must judge. Keep them in files of your own, one reply per line::

    # a comment, e.g. the page the lines below come from
    explanation,remedy<TAB>台風の影響で出荷が止まっておりましたが、本日発送いたしました。
    <TAB>いつもご利用ありがとうございます。

The labels (a comma list, empty for none) are the act kinds the line carries by
tests/data/realistic/README.md: explanation, remedy, reason_question, alternative, denial.
Each line is checked with the ``generic`` scenario and scored per line: a kind is *found*
when the checker detects an act of a mapped kind (benchmarks.accuracy.KIND_MAP) anywhere in
the line. Printed: recall and precision per kind, and how many lines have all their kinds
agreed ("judged exactly"); ``--misses KIND`` lists the lines where that kind disagrees.

Keep a held-out part that no rule author reads (``--misses`` only on the other part): lines one
has fitted rules to say little about text one has not seen.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from graders.checker.check import check

from .accuracy import KIND_MAP, Counts, acts_rows, percent

KINDS = tuple(k for k in KIND_MAP if k != "apology")


@dataclass(frozen=True)
class Line:
    where: str  # file:line, for messages
    labels: frozenset[str]
    text: str


def read_lines(path: Path) -> list[Line]:
    """The labelled lines of one file; a malformed line stops with where it is and what to fix."""
    try:
        content = path.read_text(encoding="utf-8-sig")  # -sig: a byte order mark some editors write is not text
    except UnicodeDecodeError as error:
        raise SystemExit(f"{path}: not UTF-8 (byte {error.start}); save the file as UTF-8 and run again") from None
    found = []
    for number, raw in enumerate(content.splitlines(), 1):
        if not raw.strip() or raw.startswith("#"):
            continue
        where = f"{path}:{number}"
        if "\t" not in raw:
            raise SystemExit(f"{where}: no tab; write the labels (or nothing), a tab, then the reply")
        labels, _, text = raw.partition("\t")
        kinds = frozenset(k.strip() for k in labels.split(",")) - {""}
        if unknown := sorted(kinds - set(KINDS)):
            raise SystemExit(f"{where}: unknown label {', '.join(unknown)}; use {', '.join(KINDS)}")
        if not text.strip():
            raise SystemExit(f"{where}: the reply after the tab is empty")
        found.append(Line(where, kinds, text.strip()))
    return found


def detected(text: str) -> frozenset[str]:
    """The label kinds the checker finds anywhere in ``text``."""
    kinds = {act.kind for act in check(text, "generic").acts}
    return frozenset(k for k in KINDS if kinds & set(KIND_MAP[k]))


@dataclass
class LineScore:
    lines: int
    exact: int
    counts: dict[str, Counts]


def score(lines: list[tuple[Line, frozenset[str]]]) -> LineScore:
    """Per kind, at line level: labelled / found, detected / right; and lines wholly agreed."""
    counts = {k: Counts() for k in KINDS}
    for line, found in lines:
        for kind in KINDS:
            c = counts[kind]
            c.labelled += kind in line.labels
            c.detected += kind in found
            # Per line, a label found and a detection that is right are one and the same event.
            c.found += kind in line.labels and kind in found
            c.right += kind in line.labels and kind in found
    return LineScore(len(lines), sum(line.labels == found for line, found in lines), counts)


def table(name: str, result: LineScore) -> str:
    share = result.exact / result.lines if result.lines else None
    head = f"{name}: {result.lines} lines, {result.exact} judged exactly ({percent(share).strip()})"
    return "\n".join([head, *acts_rows(result.counts)])


def misses(lines: list[tuple[Line, frozenset[str]]], kind: str) -> list[str]:
    """The lines where ``kind`` disagrees: missed (labelled, not found) or wrong (found, not labelled)."""
    out = []
    for line, found in lines:
        if (kind in line.labels) != (kind in found):
            what = "missed" if kind in line.labels else "wrong "
            out.append(f"  {what} {line.where}  labels: {','.join(sorted(line.labels)) or '-'}  found: {','.join(sorted(found)) or '-'}\n         {line.text}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.lines", description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", type=Path, help="labels<TAB>reply files (kept outside the repository)")
    parser.add_argument("--by-file", action="store_true", help="also a table per file")
    parser.add_argument("--misses", choices=KINDS, help="list the lines where this kind disagrees (never on a held-out part)")
    args = parser.parse_args(argv)
    for path in args.files:
        if not path.is_file():
            raise SystemExit(f"{path}: no such file")
    per_file = {path: read_lines(path) for path in args.files}
    judged: dict[Path, list[tuple[Line, frozenset[str]]]] = {}
    total = sum(map(len, per_file.values()))
    with tqdm(total=total, desc="checking", unit="line", file=sys.stderr, disable=None) as progress:
        for path, lines in per_file.items():
            judged[path] = []
            for line in lines:
                judged[path].append((line, detected(line.text)))
                progress.update()
    everything = [pair for pairs in judged.values() for pair in pairs]
    if args.by_file and len(judged) > 1:
        for path, pairs in judged.items():
            print(table(str(path), score(pairs)))
    print(table("all files" if len(judged) > 1 else str(args.files[0]), score(everything)))
    if args.misses:
        print("\n".join(misses(everything, args.misses)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

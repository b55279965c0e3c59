"""Bring the lessons' Markdown sources (course/**/*.md) and their notebooks (.ipynb) in step.

    make lessons                                       # = .venv/bin/python scripts/sync_lessons.py
    .venv/bin/python scripts/sync_lessons.py --check   # exit 1, naming the files, if out of step

jupytext does the pairing (course/jupytext.toml: formats "ipynb,md:myst"); `jupytext --sync`
writes whichever file of a pair was edited last into the other, keeping cell ids, so a
notebook changes only where its lesson was edited. This script adds the one thing jupytext
does not do: two cells every lesson shares are written here once, not in each lesson.
The first code cell (the imports) is asked for with the cell option `setup: true`; its
names come from graders.lesson.__all__, spelled out (no star import). The last
cell (「次へ」) is asked for with a Markdown cell whose metadata names its assignment:

    +++ {"next_steps": {"assignment": "01-apology-order", "next": "02-asking-reason"}}

and the cell's text is (re)written from next_steps() below; edit the text there, not in a lesson.
The next lesson's short title is the one in the lesson list of 00-start (| 02 | [title](…) |),
so the list is the one place a lesson's short title is written. "next" is left out in the last lesson.
tests/test_notebooks_clean.py runs the check.
"""

from __future__ import annotations

import re
import sys
import textwrap
from pathlib import Path

import jupytext
from jupytext.cli import jupytext as jupytext_cli
from jupytext.config import load_jupytext_config

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "course"
FORMAT = "md:myst"
COMMAND = "make lessons"
# A row of the lesson list in 00-start: | 02 | [答える前に理由を尋ねる](02-asking-reason.ipynb) | …
LESSON_ROW = re.compile(r"^\|\s*(\d+)\s*\|\s*\[([^\]]+)\]\(([^)/]+)\.ipynb\)", re.M)


def next_steps(assignment: str, next: tuple[str, str] | None = None) -> str:
    """The text of a lesson's last cell: its graded exercise, the next lesson, the way back."""
    lines = [
        "## 次へ",
        "",
        "お疲れさまでした。採点される課題に進みましょう。",
        "",
        f"- **課題**: [{assignment}](../exercises/{assignment}/{assignment}.ipynb)（`exercises/{assignment}/{assignment}.ipynb`）",
    ]
    if next:
        lines.append(f"- **次のレッスン**: [{next[1]}]({next[0]})")
    lines += [
        "- [講座のトップ（00-start）に戻る](00-start.ipynb)",
        "",
        "課題のフォームで書いた返信は、課題と同じフォルダーの `answers.json` に保存され、講師の採点にもそのまま使われます。"
        "レッスンの良い返信は、一つの例にすぎません。課題では、それをなぞるのではなく、あなた自身の言葉で書いてみてください。",
    ]
    return "\n".join(lines)


def setup_source() -> str:
    """The text of every lesson's first code cell: the names lessons use, imported by name."""
    from graders import lesson

    names = textwrap.fill(", ".join(sorted(lesson.__all__, key=str.casefold)), width=88, initial_indent="    ", subsequent_indent="    ")
    return f"# 最初にこのセルを実行してください（Shift + Enter）。\nfrom graders.lesson import (\n{names},\n)"


def sources() -> list[Path]:
    return sorted(p for p in COURSE.rglob("*.md") if ".ipynb_checkpoints" not in p.parts)


def _config(path: Path):
    return load_jupytext_config(str(path))


def short_titles() -> dict[str, str]:
    """Each lesson's short title from the lesson list in 00-start: {"02-asking-reason": "02 答える前に理由を尋ねる"}."""
    text = (COURSE / "00-start.md").read_text(encoding="utf-8")
    return {stem: f"{number} {title}" for number, title, stem in LESSON_ROW.findall(text)}


def shared_text(spec: dict, titles: dict[str, str]) -> str:
    """The text of a cell whose metadata is {"next_steps": spec}."""
    following = spec.get("next")
    if following and following not in titles:
        raise SystemExit(f"sync_lessons: {following} has no row in the lesson list of course/00-start.md")
    return next_steps(spec["assignment"], (f"{following}.ipynb", titles[following]) if following else None)


def expand(nb, titles: dict[str, str] | None = None) -> bool:
    """Rewrite the shared cells of a notebook in place; True if one changed."""
    titles = short_titles() if titles is None else titles
    changed = False
    setup = setup_source()
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.metadata.get("setup"):
            if cell.source != setup:
                cell.source = setup
                changed = True
            continue
        spec = cell.metadata.get("next_steps")
        if cell.cell_type != "markdown" or spec is None:
            continue
        text = shared_text(spec, titles)
        if cell.source != text:
            cell.source = text
            changed = True
    return changed


def stale() -> list[str]:
    """Files out of step: a shared cell not as next_steps() writes it, or a notebook whose
    inputs differ from its Markdown source."""
    found = []
    for md in sources():
        text = md.read_text(encoding="utf-8")
        nb = jupytext.read(md, fmt=FORMAT)
        if expand(nb) or jupytext.writes(nb, FORMAT, config=_config(md)) != text:
            found.append(str(md.relative_to(ROOT)))
        ipynb = md.with_suffix(".ipynb")
        if not ipynb.exists() or jupytext.writes(jupytext.read(ipynb), FORMAT, config=_config(md)) != text:
            found.append(str(ipynb.relative_to(ROOT)))
    return found


def sync() -> None:
    paths = [str(p) for p in sources()]
    # Make each pair agree first (the file edited last wins), then write the shared cells
    # into the Markdown and carry them over to the notebook.
    jupytext_cli(["--sync", "--quiet", *paths])
    expanded = []
    for md in sources():
        nb = jupytext.read(md, fmt=FORMAT)
        if expand(nb):
            jupytext.write(nb, md, fmt=FORMAT, config=_config(md))
            expanded.append(str(md))
    if expanded:
        jupytext_cli(["--sync", "--quiet", *expanded])


def main(argv: list[str]) -> int:
    if "--check" in argv:
        found = stale()
        if found:
            print(f"sync_lessons: out of step (run: {COMMAND}):", *found, sep="\n  ", file=sys.stderr)
            return 1
        return 0
    sync()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Lesson 07-roleplay: the MyST Markdown source and its notebook (paired by jupytext) agree,
and the lesson reaches every seed dialogue."""

from pathlib import Path

import jupytext

ROOT = Path(__file__).resolve().parents[1]
LESSON = ROOT / "course" / "07-roleplay"


def _cells(path: Path) -> list[tuple[str, str]]:
    return [(c.cell_type, c.source) for c in jupytext.read(path).cells]


def test_notebook_is_the_markdown_converted():
    # After editing the .md: jupytext --to ipynb --update course/07-roleplay.md
    assert _cells(LESSON.with_suffix(".md")) == _cells(LESSON.with_suffix(".ipynb"))


def test_lesson_plays_each_seed_dialogue():
    text = LESSON.with_suffix(".md").read_text(encoding="utf-8")
    for dialogue in ("resort-cold-call", "same-day-shipping", "outage-apology", "scope-request"):
        assert f'dialogue="{dialogue}"' in text

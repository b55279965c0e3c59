"""Committed notebooks are clean: valid, no outputs, ASCII names, links that resolve.

Also: each notebook in course/ is in step with its Markdown source (scripts/sync_lessons.py),
and each registered exercise is reachable from a lesson.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import pytest

from graders.learner.exercises import all_exercises
from graders.checker.scenarios import get_scenario

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("course", "solutions", "exercises")
LESSONS = [
    "00-start",
    "01-apology-order",
    "02-asking-reason",
    "03-alternatives-within-rules",
    "04-customer-needs",
    "05-apology-letter",
    "06-mixed-practice",
    "07-roleplay",
]
# [text](target) in Markdown, and href="target" in HTML written inside Markdown cells.
LINK = re.compile(r"\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)|href=\"([^\"]+)\"")


def notebooks(*folders: str) -> list[Path]:
    found = []
    for folder in folders:
        found += [p for p in (ROOT / folder).rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts]
    return sorted(found)


def ids(paths: list[Path]) -> list[str]:
    return [str(p.relative_to(ROOT)) for p in paths]


ALL = notebooks(*FOLDERS)
COURSE = notebooks("course")


def local_links(nb: nbformat.NotebookNode) -> list[str]:
    """Links to files (not web pages or anchors) in the notebook's Markdown cells."""
    found = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for match in LINK.finditer(cell.source):
            target = match.group(1) or match.group(2)
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or not parts.path:
                continue
            found.append(unquote(parts.path))
    return found


def test_every_lesson_exists():
    missing = [stem for stem in LESSONS if not (ROOT / "course" / f"{stem}.ipynb").exists()]
    assert not missing, f"lessons missing from course/: {missing}"


@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
def test_notebook_is_valid_and_has_no_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    dirty = [
        i
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count") is not None)
    ]
    assert not dirty, f"{path.name}: cells with outputs or execution counts: {dirty}"
    assert "widgets" not in nb.metadata, f"{path.name}: saved widget state in the metadata"


@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
def test_file_names_are_ascii(path):
    relative = str(path.relative_to(ROOT))
    assert relative.isascii(), relative


@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
def test_no_sys_path_hacks(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert "sys.path" not in cell.source, f"{path.name}: import helpers from the installed package"


@pytest.mark.parametrize("path", COURSE, ids=ids(COURSE))
def test_links_resolve(path):
    nb = nbformat.read(path, as_version=4)
    broken = [link for link in local_links(nb) if not (path.parent / link).exists()]
    assert not broken, f"{path.name}: links to missing files: {broken}"


@pytest.mark.parametrize("path", COURSE, ids=ids(COURSE))
def test_first_code_cell_imports_the_helpers(path):
    nb = nbformat.read(path, as_version=4)
    first = next(cell for cell in nb.cells if cell.cell_type == "code")
    assert "from graders" in first.source


def test_link_finder_sees_markdown_and_html_links_but_not_web_pages():
    nb = nbformat.v4.new_notebook()
    nb.cells.append(
        nbformat.v4.new_markdown_cell(
            '[a](01-x.ipynb) [b](../exercises/y/y.ipynb#top) <a href="z.ipynb">z</a> [w](https://example.org/) [t](#section)'
        )
    )
    assert local_links(nb) == ["01-x.ipynb", "../exercises/y/y.ipynb", "z.ipynb"]


def test_each_exercise_is_linked_from_a_lesson():
    """Every graded exercise notebook is reachable from a case lesson, not only from the index."""
    linked = set()
    for path in COURSE:
        if path.name != "00-start.ipynb":
            linked |= {(path.parent / link).resolve() for link in local_links(nbformat.read(path, as_version=4))}
    for exercise in all_exercises().values():
        target = (ROOT / "exercises" / exercise.assignment / f"{exercise.assignment}.ipynb").resolve()
        assert target in linked, f"{exercise.id}: no lesson links {target.relative_to(ROOT)}"


def test_each_scenario_names_an_existing_lesson():
    for exercise in all_exercises().values():
        lesson = get_scenario(exercise.scenario).lesson
        assert (ROOT / lesson).exists(), f"{exercise.scenario}: lesson {lesson} is missing"


def _sync_lessons():
    spec = importlib.util.spec_from_file_location("sync_lessons", ROOT / "scripts" / "sync_lessons.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("path", COURSE, ids=ids(COURSE))
def test_each_course_notebook_has_a_markdown_source(path):
    assert path.with_suffix(".md").exists(), f"{path.name}: no {path.stem}.md beside it (run: make lessons)"


def test_lessons_are_in_step_with_their_markdown_sources():
    stale = _sync_lessons().stale()
    assert not stale, f"run: make lessons  (out of step: {stale})"


@pytest.mark.parametrize("stem", LESSONS[1:])
def test_each_case_lesson_ends_with_the_shared_next_steps_cell(stem):
    """The 次へ cell is written by scripts/sync_lessons.py, never copied into a lesson by hand."""
    last = nbformat.read(ROOT / "course" / f"{stem}.ipynb", as_version=4).cells[-1]
    assert last.cell_type == "markdown" and "next_steps" in last.metadata, f"{stem}: last cell is not the shared 次へ cell"
    spec = last.metadata["next_steps"]
    module = _sync_lessons()
    assert last.source == module.shared_text(spec, module.short_titles()), f"{stem}: run make lessons"


SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed posts (../shared/seeds) are not beside this checkout")
@pytest.mark.parametrize("path", COURSE, ids=ids(COURSE))
def test_lessons_retell_the_seeds_rather_than_copy_them(path):
    """No run of 20 characters of a lesson appears in a seed post (retold, never pasted)."""
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("[0-9]*.txt"))]
    text = "\n".join(cell.source for cell in nbformat.read(path, as_version=4).cells)
    width = 20
    copied = {text[i : i + width] for i in range(len(text) - width + 1) if any(text[i : i + width] in s for s in seeds)}
    assert not copied, f"{path.name} copies seed text: {sorted(copied)[:3]}"

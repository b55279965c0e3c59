"""The answer cells of submitted notebooks (grade id ``q<n>-answer``), read without running
anything: the literal a learner without widgets typed (``ANSWER_Q1 = \"\"\"…\"\"\"`` or
``TURNS_Q1 = [...]``) is what the grade cells fall back to."""

from __future__ import annotations

import ast
import json
import os
import re
from pathlib import Path
from typing import Callable, Iterator

from ..learner import answers

_ANSWER_CELL = re.compile(r"q(\d+)-answer")
MAX_NOTEBOOK_BYTES = 50_000_000


def entries(folder: str | os.PathLike) -> list[os.DirEntry]:
    """What a folder holds ([] if it cannot be read); dot names included."""
    try:
        with os.scandir(folder) as found:
            return list(found)
    except OSError:
        return []


def notebook_cells(folder: str | os.PathLike) -> Iterator[tuple[str, dict, str]]:
    """(notebook name, cell, its grade id) of every cell of the folder's notebooks, in name
    order. Never through a link, never blocking on a FIFO, never past MAX_NOTEBOOK_BYTES;
    a notebook that cannot be read gives nothing."""
    for entry in sorted(entries(folder), key=lambda e: e.name):
        if not entry.name.endswith(".ipynb"):
            continue
        try:
            cells = json.loads(answers.read_regular_file(entry.path, MAX_NOTEBOOK_BYTES).decode("utf-8")).get("cells", [])
        except (OSError, ValueError, AttributeError, RecursionError):
            continue
        for cell in cells if isinstance(cells, list) else []:
            if isinstance(cell, dict):
                meta = (cell.get("metadata") or {}).get("nbgrader") or {}
                yield entry.name.removesuffix(".ipynb"), cell, str(meta.get("grade_id", "") if isinstance(meta, dict) else "")


def answer_cells(folder: str | os.PathLike) -> Iterator[tuple[int, str]]:
    """(n, source) of every answer code cell in the folder's notebooks."""
    for _, cell, grade_id in notebook_cells(folder):
        match = _ANSWER_CELL.fullmatch(grade_id)
        if match and cell.get("cell_type") == "code":
            source = cell.get("source", "")
            yield int(match[1]), "".join(source) if isinstance(source, list) else str(source)


def assigned(source: str, name: str, accept: Callable[[object], bool]):
    """The literal last assigned to ``name`` at the top level of ``source`` if ``accept``
    takes it, else None (a cell that does not parse fails in the kernel too)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    value = None
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            try:
                literal = ast.literal_eval(node.value)
            except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                literal = None
            value = literal if accept(literal) else None
    return value

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

_ANSWER_CELL = re.compile(r"q(\d+)-answer")


def answer_cells(folder: str | os.PathLike) -> Iterator[tuple[int, str]]:
    """(n, source) of every answer code cell in the folder's notebooks; an unreadable
    notebook gives nothing."""
    for path in sorted(Path(folder).glob("*.ipynb")):
        try:
            cells = json.loads(path.read_bytes().decode("utf-8")).get("cells", [])
        except (OSError, ValueError, AttributeError):
            continue
        for cell in cells if isinstance(cells, list) else []:
            grade_id = ((cell.get("metadata") or {}).get("nbgrader") or {}).get("grade_id", "") if isinstance(cell, dict) else ""
            match = _ANSWER_CELL.fullmatch(str(grade_id))
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

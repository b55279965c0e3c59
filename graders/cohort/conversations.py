"""A submitted conversation (assignment 07-roleplay and the like), read and replayed as the
grade cells do it (graders.assignments.roleplay_cells): the transcript saved in answers.json,
else the TURNS_Q<n> list typed into the notebook's answer cell."""

from __future__ import annotations

import ast
import functools
import json
from pathlib import Path

from ..learner.exercises import ConversationExercise
from ..roleplay import storage
from ..roleplay.summary import Played, play

FROM_FILE, FROM_NOTEBOOK = "answers.json", "notebook"


def _list_literal(source: str, name: str) -> list[str] | None:
    """The list of strings last assigned to ``name`` at the top level of a cell, never run."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    value = None
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            try:
                literal = ast.literal_eval(node.value)
            except ValueError:
                literal = None
            value = literal if isinstance(literal, list) and all(isinstance(t, str) for t in literal) else None
    return value


def notebook_turns(folder: str | Path) -> dict[int, list[str]]:
    """The turns typed in the answer cells (grade id ``q<n>-answer``): {n: turns}."""
    found: dict[int, list[str]] = {}
    for path in sorted(Path(folder).glob("*.ipynb")):
        try:
            cells = json.loads(path.read_bytes().decode("utf-8")).get("cells", [])
        except (OSError, ValueError, AttributeError):
            continue
        for cell in cells if isinstance(cells, list) else []:
            grade_id = str(((cell.get("metadata") or {}).get("nbgrader") or {}).get("grade_id", "")) if isinstance(cell, dict) else ""
            if grade_id.startswith("q") and grade_id.endswith("-answer") and grade_id[1:-7].isdigit():
                source = cell.get("source", "")
                source = "".join(source) if isinstance(source, list) else str(source)
                turns = _list_literal(source, f"TURNS_Q{grade_id[1:-7]}")
                if turns is not None:
                    found[int(grade_id[1:-7])] = turns
    return found


def saved_turns(entry: dict | None, exercise: ConversationExercise) -> tuple[list[str], str]:
    """(turns, problem): the transcript saved for ``exercise`` ([] if none) and, for a saved
    text that is not its transcript, why (the grade cells then fall back to the typed turns)."""
    text = (entry or {}).get("text") or ""
    if not (isinstance(text, str) and text.strip()):
        return [], ""
    try:
        return storage.decode(text, exercise.dialogue), ""
    except storage.UnreadableTranscript as e:
        return [], str(e)


def typed_turns(typed: list[str] | None) -> list[str]:
    return [t for t in typed or () if t.strip()]


@functools.lru_cache(maxsize=256)
def _replay(dialogue_id: str, turns: tuple[str, ...]) -> Played:
    return play(dialogue_id, list(turns), practice=False)


def replay(exercise: ConversationExercise, turns: list[str]) -> Played:
    """The conversation replayed and graded; InputError if a turn cannot be checked."""
    return _replay(exercise.dialogue, tuple(turns))


__all__ = ["FROM_FILE", "FROM_NOTEBOOK", "notebook_turns", "replay", "saved_turns", "typed_turns"]

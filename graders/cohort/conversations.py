"""A submitted conversation (assignment 07-roleplay and the like), read and replayed as the
grade cells do it (graders.assignments.roleplay_cells): the transcript saved in answers.json,
else the TURNS_Q<n> list typed into the notebook's answer cell."""

from __future__ import annotations

from pathlib import Path

from ..learner.exercises import ConversationExercise
from ..roleplay import storage, summary
from ..roleplay.summary import Played
from .answer_cells import answer_cells, assigned

FROM_FILE, FROM_NOTEBOOK = "answers.json", "notebook"


def notebook_turns(folder: str | Path) -> dict[int, list[str]]:
    """The turns typed in the answer cells (grade id ``q<n>-answer``): {n: turns}."""
    found: dict[int, list[str]] = {}
    for n, source in answer_cells(folder):
        turns = assigned(source, f"TURNS_Q{n}", lambda v: isinstance(v, list) and all(isinstance(t, str) for t in v))
        if turns is not None:
            found[n] = turns
    return found


def saved_turns(entry: dict | None, exercise: ConversationExercise) -> tuple[list[str], str]:
    """(turns, problem): the transcript saved for ``exercise`` ([] if none) and, for a saved
    text that is not its transcript, why (the grade cells then fall back to the typed turns)."""
    return storage.saved_turns(entry, exercise.dialogue)


def typed_turns(typed: list[str] | None) -> list[str]:
    return [t for t in typed or () if t.strip()]


def replay(exercise: ConversationExercise, turns: list[str]) -> Played:
    """The conversation replayed and graded; InputError if a turn cannot be checked."""
    return summary.replay(exercise.dialogue, turns)


__all__ = ["FROM_FILE", "FROM_NOTEBOOK", "notebook_turns", "replay", "saved_turns", "typed_turns"]

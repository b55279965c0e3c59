"""The exercise registry (graders/exercises.toml): exercise id -> assignment and scenario."""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from importlib import resources

from .errors import InputError


@dataclass(frozen=True)
class Exercise:
    id: str
    assignment: str
    scenario: str


@functools.cache
def all_exercises() -> dict[str, Exercise]:
    text = (resources.files("graders") / "exercises.toml").read_text(encoding="utf-8")
    return {e["id"]: Exercise(e["id"], e["assignment"], e["scenario"]) for e in tomllib.loads(text)["exercise"]}


def get_exercise(exercise_id: str) -> Exercise:
    try:
        return all_exercises()[exercise_id]
    except KeyError:
        raise InputError(f"課題「{exercise_id}」は登録されていません。graders/exercises.toml を確認してください。") from None


def for_assignment(assignment: str) -> list[Exercise]:
    return [e for e in all_exercises().values() if e.assignment == assignment]

"""The exercise registry (graders/learner/exercises.toml): exercise id -> assignment and scenario.

It also holds what the nbgrader notebooks say around each exercise (the assignment's
title and introduction, the exercise's task) so that graders/authoring.py can write
solutions/ from data.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from importlib import resources

from ..checker.errors import InputError


@dataclass(frozen=True)
class Exercise:
    id: str
    assignment: str
    scenario: str
    task: str = ""  # what the learner is asked to do, in Japanese

    @property
    def number(self) -> int:
        """n of "<assignment>.q<n>"."""
        return int(self.id.rsplit(".q", 1)[1])


@dataclass(frozen=True)
class ConversationExercise:
    """A graded role-play: the learner talks a dialogue (graders/roleplay/dialogues) to its end."""

    id: str
    assignment: str
    dialogue: str
    task: str = ""

    @property
    def number(self) -> int:
        return int(self.id.rsplit(".q", 1)[1])


@dataclass(frozen=True)
class Assignment:
    id: str
    title: str
    lesson: str = ""
    intro: str = ""


@functools.cache
def _registry() -> dict:
    text = (resources.files(__package__) / "exercises.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


@functools.cache
def all_exercises() -> dict[str, Exercise]:
    return {
        e["id"]: Exercise(e["id"], e["assignment"], e["scenario"], e.get("task", "").strip())
        for e in _registry()["exercise"]
    }


@functools.cache
def all_conversations() -> dict[str, ConversationExercise]:
    """The [[conversation]] tables: role-play exercises, kept apart from the rewrites so that
    every tool that grades a reply (progress, grade-cohort's rewrite rows) never meets one."""
    return {
        c["id"]: ConversationExercise(c["id"], c["assignment"], c["dialogue"], c.get("task", "").strip())
        for c in _registry().get("conversation", [])
    }


def graded_assignments() -> list[str]:
    """Every assignment that has exercises or conversations, sorted."""
    return sorted({e.assignment for e in all_exercises().values()} | {c.assignment for c in all_conversations().values()})


def conversations_for(assignment: str) -> list[ConversationExercise]:
    return sorted((c for c in all_conversations().values() if c.assignment == assignment), key=lambda c: c.number)


def get_conversation(exercise_id: str) -> ConversationExercise:
    try:
        return all_conversations()[exercise_id]
    except KeyError:
        raise InputError(f"会話の課題「{exercise_id}」は登録されていません。graders/learner/exercises.toml を確認してください。") from None


@functools.cache
def all_assignments() -> dict[str, Assignment]:
    return {
        a["id"]: Assignment(a["id"], a["title"], a.get("lesson", ""), a.get("intro", "").strip())
        for a in _registry().get("assignment", [])
    }


def genuine_points() -> int:
    """Points of each exercise's hidden check against gaming."""
    return int(_registry().get("genuine_points", 1))


def get_exercise(exercise_id: str) -> Exercise:
    try:
        return all_exercises()[exercise_id]
    except KeyError:
        raise InputError(f"課題「{exercise_id}」は登録されていません。graders/learner/exercises.toml を確認してください。") from None


def for_assignment(assignment: str) -> list[Exercise]:
    return [e for e in all_exercises().values() if e.assignment == assignment]

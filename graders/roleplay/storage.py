"""A conversation's transcript in answers.json, through graders.learner.answers (the same
atomic, locked writes as the rewrite form's answers; nothing of its own).

The saved text is JSON: ``{"dialogue": id, "turns": [learner turn, ...]}``. Only the
learner's turns are kept: the dialogue is deterministic, so replaying them gives back the
customer's lines, the meter and the ending exactly as the learner saw them. Every turn is
a new attempt in the entry's history, so a restarted conversation never erases the last.
"""

from __future__ import annotations

import json
import os

from ..learner import answers


class UnreadableTranscript(ValueError):
    """The saved text is not a transcript (a Japanese message says so)."""


def encode(dialogue_id: str, turns: list[str]) -> str:
    return json.dumps({"dialogue": dialogue_id, "turns": list(turns)}, ensure_ascii=False)


def decode(text: str, dialogue_id: str) -> list[str]:
    try:
        data = json.loads(text)
    except (TypeError, json.JSONDecodeError):
        raise UnreadableTranscript("保存された会話の記録が読めません。") from None
    turns = data.get("turns") if isinstance(data, dict) else None
    if not isinstance(turns, list) or not all(isinstance(t, str) for t in turns):
        raise UnreadableTranscript("保存された会話の記録の形式が正しくありません。")
    if data.get("dialogue") != dialogue_id:
        raise UnreadableTranscript(f"保存された記録は別の会話（{data.get('dialogue')}）のものです。")
    return turns


def saved_turns(entry: dict | None, dialogue_id: str) -> tuple[list[str], str]:
    """(turns, problem) of an answers.json entry: its transcript ([] if nothing is saved) and,
    for a saved text that is not a transcript of ``dialogue_id``, why (Japanese)."""
    text = (entry or {}).get("text") or ""
    if not (isinstance(text, str) and text.strip()):
        return [], ""
    try:
        return decode(text, dialogue_id), ""
    except UnreadableTranscript as e:
        return [], str(e)


def save(path: str | os.PathLike, exercise_id: str, dialogue_id: str, turns: list[str], event: str = "turn"):
    """Record the transcript as the latest answer of ``exercise_id`` (atomic, locked)."""
    return answers.save(path, exercise_id, encode(dialogue_id, turns), event=event)


def load(path: str | os.PathLike, exercise_id: str, dialogue_id: str) -> list[str] | None:
    """The saved turns, or None if nothing (readable) is saved."""
    text = answers.latest_text(path, exercise_id)
    if not text:
        return None
    return decode(text, dialogue_id)

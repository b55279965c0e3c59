"""answers.json: the learner's saved replies, next to the notebook, keyed by exercise id.

Format (version 1)::

    {"version": 1,
     "answers": {"01-apology-order.q1": {
         "text": "latest reply",
         "updated": "2026-11-23T01:02:03+00:00",
         "attempts": [{"time": "...", "event": "check" | "autosave", "text": "...",
                       "score": 3, "max_score": 4}]}}}

Writes are atomic (temp file in the same folder, then rename) and serialised by a lock, so
two forms saving at once never lose each other's answer. A file that cannot be read is
kept aside under a new name, never deleted, and a fresh store starts.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
import threading
from datetime import datetime, timezone
from pathlib import Path

FILENAME = "answers.json"
VERSION = 1
_lock = threading.Lock()


class CorruptAnswers(ValueError):
    """answers.json exists but is not a readable answers file."""


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def read(path: str | os.PathLike) -> dict:
    """The stored answers ({exercise id: entry}); {} if there is no file.

    Raises CorruptAnswers if the file is not UTF-8 JSON in the expected shape.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise CorruptAnswers(f"{path} は answers.json として読めません: {e}") from None
    if not isinstance(data, dict) or not isinstance(data.get("answers", {}), dict):
        raise CorruptAnswers(f"{path} の形式が正しくありません（answers が辞書ではありません）。")
    answers = data.get("answers", {})
    for key, entry in answers.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("text", ""), str):
            raise CorruptAnswers(f"{path} の「{key}」の回答が壊れています。")
    return answers


def latest_text(path: str | os.PathLike, exercise_id: str) -> str | None:
    """The saved reply for one exercise, or None if there is none (or the file is unreadable)."""
    try:
        entry = read(path).get(exercise_id)
    except CorruptAnswers:
        return None
    return entry.get("text") if entry else None


def set_aside(path: str | os.PathLike) -> Path:
    """Rename an unreadable answers.json so nothing is lost; return the new name."""
    path = Path(path)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    os.replace(path, target)
    return target


@contextlib.contextmanager
def _locked(folder: Path):
    """Serialise writers: threads in one kernel, and kernels sharing the folder (flock)."""
    with _lock:
        fd = os.open(folder, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the flock


def _write(path: Path, answers: dict) -> None:
    payload = json.dumps({"version": VERSION, "answers": answers}, ensure_ascii=False, indent=1)
    fd, tmp = tempfile.mkstemp(prefix=".answers-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save(
    path: str | os.PathLike,
    exercise_id: str,
    text: str,
    event: str = "autosave",
    score: int | None = None,
    max_score: int | None = None,
) -> Path | None:
    """Record ``text`` as the latest answer and append an attempt.

    An autosave of unchanged text adds no attempt. Returns the name an unreadable
    earlier file was moved to, or None.
    """
    path = Path(path)
    moved = None
    with _locked(path.parent):
        try:
            answers = read(path)
        except CorruptAnswers:
            moved = set_aside(path)
            answers = {}
        entry = answers.setdefault(exercise_id, {"text": "", "attempts": []})
        attempts = entry.setdefault("attempts", [])
        changed = not attempts or attempts[-1].get("text") != text
        if event != "autosave" or changed:
            attempt = {"time": now(), "event": event, "text": text}
            if score is not None:
                attempt.update(score=score, max_score=max_score)
            attempts.append(attempt)
        entry["text"] = text
        entry["updated"] = now()
        _write(path, answers)
    return moved

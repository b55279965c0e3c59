"""answers.json: the learner's saved replies, next to the notebook, keyed by exercise id.

Format (version 1)::

    {"version": 1,
     "answers": {"01-apology-order.q1": {
         "text": "latest reply",
         "updated": "2026-11-23T01:02:03+00:00",
         "attempts": [{"time": "...", "event": "check" | "autosave", "text": "...",
                       "score": 3, "max_score": 4}]}}}

``text`` is always the latest reply. ``attempts`` is the history: every check (with its
score), and drafts from autosave at most one per minute, so typing for an hour keeps a
readable history instead of thousands of near-copies.

Writes are atomic (temp file in the same folder, then rename) and serialised by a lock
(threads in this process, and other processes through a lock on the folder), so two forms
saving at once never lose each other's answer. A file that cannot be read is kept aside
under a new name, never deleted, and a fresh store starts.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

try:  # POSIX: lock the folder itself, so no lock file is left next to the notebook
    import fcntl
except ImportError:  # Windows
    fcntl = None
    import msvcrt

FILENAME = "answers.json"
VERSION = 1
# An autosave starts a new draft in the history only when the last draft is this old.
DRAFT_INTERVAL = timedelta(seconds=60)
_lock = threading.Lock()


class CorruptAnswers(ValueError):
    """answers.json exists but is not a readable answers file."""


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def read(path: str | os.PathLike) -> dict:
    """The stored answers ({exercise id: entry}); {} if there is no file.

    Raises CorruptAnswers if the file is not UTF-8 JSON in the expected shape, and OSError
    if it cannot be opened at all (a folder, no permission).
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
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("text", ""), str)
            or not isinstance(entry.get("attempts", []), list)
            or not all(isinstance(a, dict) for a in entry.get("attempts", []))
        ):
            raise CorruptAnswers(f"{path} の「{key}」の回答が壊れています。")
    return answers


def latest_text(path: str | os.PathLike, exercise_id: str) -> str | None:
    """The saved reply for one exercise, or None if there is none (or the file is unreadable)."""
    try:
        entry = read(path).get(exercise_id)
    except (CorruptAnswers, OSError):
        return None
    return entry.get("text") if entry else None


def set_aside(path: str | os.PathLike) -> Path:
    """Rename an unreadable answers.json so nothing is lost; return the new name."""
    path = Path(path)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while target.exists():  # never replace an earlier copy
        n += 1
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
    os.replace(path, target)
    return target


@contextlib.contextmanager
def _locked(folder: Path):
    """Serialise writers: threads in one kernel, and kernels sharing the folder."""
    with _lock:
        if fcntl is not None:
            fd = os.open(folder, os.O_RDONLY)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                yield
            finally:
                os.close(fd)  # closing releases the flock
        else:
            with open(folder / f".{FILENAME}.lock", "a+b") as f:
                msvcrt.locking(f.fileno(), msvcrt.LK_LOCK, 1)
                try:
                    yield
                finally:
                    f.seek(0)
                    msvcrt.locking(f.fileno(), msvcrt.LK_UNLCK, 1)


def _write(path: Path, answers: dict) -> None:
    payload = json.dumps({"version": VERSION, "answers": answers}, ensure_ascii=False, indent=1)
    # A lone surrogate (possible in text pasted from a browser) cannot be UTF-8; written as
    # a \udxxx escape inside its JSON string, it stays valid JSON and reads back as it was.
    data = payload.encode("utf-8", errors="backslashreplace")
    fd, tmp = tempfile.mkstemp(prefix=".answers-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _is_recent_draft(attempt: dict) -> bool:
    if attempt.get("event") != "autosave":
        return False
    try:
        saved = datetime.fromisoformat(attempt["time"])
    except (KeyError, TypeError, ValueError):
        return False
    return datetime.now(timezone.utc) - saved < DRAFT_INTERVAL


def save(
    path: str | os.PathLike,
    exercise_id: str,
    text: str,
    event: str = "autosave",
    score: int | None = None,
    max_score: int | None = None,
    amend: bool = False,
    known: str | None = None,
) -> Path | None:
    """Record ``text`` as the latest answer and add it to the attempt history.

    ``known`` is the text this writer last read or wrote for the exercise. If the stored
    text differs from it (another tab or form saved since), the stored text is kept in the
    history as an "overwritten" attempt before ``text`` replaces it: nothing is lost.

    ``amend`` replaces the last attempt when it is a check: a re-grade of the same click
    (the text that raced the button) stays one attempt.

    Every non-autosave event is a new attempt. An autosave is one only if the text changed
    and the last attempt is not a draft from the last minute (see DRAFT_INTERVAL); either
    way ``text`` becomes the latest answer. Returns the name an unreadable earlier file was
    moved to, or None. Raises OSError if the folder cannot be written.
    """
    path = Path(path)
    moved = None
    with _locked(path.parent):
        try:
            answers = read(path)
        except (CorruptAnswers, IsADirectoryError, PermissionError):
            moved = set_aside(path)
            answers = {}
        entry = answers.setdefault(exercise_id, {"text": "", "attempts": []})
        attempts = entry.setdefault("attempts", [])
        if amend and attempts and attempts[-1].get("event") == event == "check":
            attempts.pop()
        stored = entry.get("text") or ""
        if known is not None and stored and stored not in (known, text):
            attempts.append({"time": now(), "event": "overwritten", "text": stored})
        last = attempts[-1] if attempts else {}
        new_draft = last.get("text") != text and not _is_recent_draft(last)
        if event != "autosave" or new_draft:
            attempt = {"time": now(), "event": event, "text": text}
            if score is not None:
                attempt.update(score=score, max_score=max_score)
            attempts.append(attempt)
        entry["text"] = text
        entry["updated"] = now()
        _write(path, answers)
    return moved

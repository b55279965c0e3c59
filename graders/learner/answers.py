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
under a new name, never deleted, and a fresh store starts; one malformed entry spoils
only itself. Sizes are capped (MAX_SAVED_CHARS, MAX_ATTEMPTS, MAX_FILE_BYTES) and temp
files of interrupted saves are removed by the next save.

Graders decide through ``load`` and ``choose`` only, so the grade cells, grade-cohort and
tamper-check take the same decision for every state of the file.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import stat
import tempfile
import threading
from dataclasses import dataclass
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


# Limits (issue 11): a paste of a whole book must not make every later save slow.
MAX_SAVED_CHARS = 20_000  # what one save stores: four times what a check grades (MAX_CHARS)
MAX_ATTEMPTS = 100  # history kept per exercise (the oldest go first; the latest text always stays)
MAX_FILE_BYTES = 16_000_000  # an answers.json beyond this is refused, not read
TEMP_PREFIX, TEMP_SUFFIX = ".answers-", ".tmp"

# Why a file or an entry cannot be graded, with the Japanese an instructor or learner reads.
# The grade cells, grade-cohort and tamper-check all decide through load() and choose().
PROBLEMS: dict[str, str] = {
    "missing_file": "answers.json がありません",
    "empty_file": "answers.json が空です",
    "not_utf8": "answers.json が UTF-8 ではありません",
    "corrupt_file": "answers.json が壊れています",
    "unreadable_file": "answers.json を開けません",
    "too_large": "answers.json が大きすぎます",
    "no_answer": "この問題の回答が保存されていません",
    "invalid_entry": "この問題の回答が壊れています",
}


class CorruptAnswers(ValueError):
    """answers.json exists but is not a readable answers file (``status``: a key of PROBLEMS)."""

    def __init__(self, message: str, status: str = "corrupt_file", detail: str = ""):
        super().__init__(message)
        self.status = status
        self.detail = detail


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def read_regular_file(path: str | os.PathLike, limit: int | None = None) -> bytes:
    """The bytes of ``path`` if it is a regular file of at most ``limit`` bytes.

    Never follows a symbolic link (nothing outside a learner's folder is read through one),
    never blocks on a FIFO, never reads past ``limit`` (a link to /dev/zero, a huge file).
    Raises FileNotFoundError, or CorruptAnswers with a status and a short Japanese reason.
    """
    limit = MAX_FILE_BYTES if limit is None else limit
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    name = Path(path).name
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise CorruptAnswers(f"{name} はリンクなので読みません。", "unreadable_file", "リンクは読みません") from None
        raise CorruptAnswers(f"{name} を開けません: {e.strerror}", "unreadable_file", e.strerror or str(e)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = "フォルダー" if stat.S_ISDIR(info.st_mode) else "ファイルではないもの"
            raise CorruptAnswers(f"{name} は{kind}です。", "unreadable_file", f"{kind}です")
        if info.st_size > limit:
            raise CorruptAnswers(f"{name} が大きすぎます（{limit:,} バイトまで）。", "too_large", f"{info.st_size:,} バイト")
        chunks, size = [], 0
        while size <= limit and (chunk := os.read(fd, min(1 << 20, limit + 1 - size))):
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:  # it grew while we read
            raise CorruptAnswers(f"{name} が大きすぎます（{limit:,} バイトまで）。", "too_large", f"{size:,} バイト以上")
    finally:
        os.close(fd)
    return b"".join(chunks)


def _parse(path: Path) -> tuple[dict, set[str]]:
    """(every entry as stored, ids of the entries that are malformed); {} if there is no file."""
    try:
        raw = read_regular_file(path)
    except FileNotFoundError:
        return {}, set()
    if not raw.strip():
        raise CorruptAnswers(f"{path} は空です。", "empty_file", "中身がありません")
    try:
        text = raw.decode("utf-8-sig")  # a BOM (written by some Windows editors) is fine
    except UnicodeDecodeError as e:
        raise CorruptAnswers(f"{path} は UTF-8 ではありません。", "not_utf8", f"{e.start + 1} バイト目から UTF-8 として読めません") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise CorruptAnswers(
            f"{path} は answers.json として読めません: {e}", "corrupt_file", f"{e.lineno} 行 {e.colno} 列で JSON として読めません: {e.msg}"
        ) from None
    except (RecursionError, ValueError) as e:  # nesting too deep, numbers too long
        raise CorruptAnswers(f"{path} は answers.json として読めません。", "corrupt_file", f"JSON として読めません（{type(e).__name__}）") from None
    if not isinstance(data, dict) or not isinstance(data.get("answers", {}), dict):
        raise CorruptAnswers(f"{path} の形式が正しくありません（answers が辞書ではありません）。", "corrupt_file", "answers が辞書ではありません")
    stored = data.get("answers", {})
    return stored, {key for key, entry in stored.items() if not _usable(entry)}


def _usable(entry: object) -> bool:
    return isinstance(entry, dict) and isinstance(entry.get("text", ""), str) and isinstance(entry.get("attempts", []), list)


def _clean(entry: dict) -> dict:
    """An entry as readers get it: only the attempts that are dicts."""
    return {**entry, "attempts": [a for a in entry.get("attempts", []) if isinstance(a, dict)]}


def read(path: str | os.PathLike) -> dict:
    """The stored answers ({exercise id: entry}); {} if there is no file.

    Each exercise's entry is read on its own: a malformed one is left out, the rest kept.
    Raises CorruptAnswers (with ``status``) if the file as a whole cannot be read: not a
    regular file, too large, not UTF-8 (a BOM is fine), not JSON in the expected shape.
    """
    stored, broken = _parse(Path(path))
    return {key: _clean(entry) for key, entry in stored.items() if key not in broken}


@dataclass(frozen=True)
class Saved:
    """What one answers.json holds for grading; load() makes one for any state of the file."""

    entries: dict
    status: str | None = None  # a key of PROBLEMS when the file as a whole cannot be read
    detail: str = ""  # a short Japanese reason
    broken: frozenset = frozenset()  # exercise ids whose entry is malformed


@dataclass(frozen=True)
class Choice:
    """The reply to grade for one exercise and why: the one decision every grader makes."""

    text: str | None  # stripped; None when there is nothing to grade
    source: str  # FROM_FILE, FROM_NOTEBOOK or ""
    status: str  # "graded" (the saved reply), else a key of PROBLEMS saying what the file lacked


GRADED, FROM_FILE, FROM_NOTEBOOK = "graded", "answers.json", "notebook"


def load(path: str | os.PathLike) -> Saved:
    """answers.json for grading, whatever its state (missing, a folder, unreadable, corrupt,
    a BOM, a malformed entry, huge): never raises."""
    path = Path(path)
    try:
        stored, broken = _parse(path)
    except CorruptAnswers as e:
        return Saved({}, e.status, e.detail)
    except OSError as e:  # a folder on the way that cannot be entered
        return Saved({}, "unreadable_file", e.strerror or str(e))
    if not stored and not broken and not path.is_file():
        return Saved({}, "missing_file")
    return Saved({k: _clean(v) for k, v in stored.items() if k not in broken}, None, "", frozenset(broken))


def choose(saved: Saved, exercise_id: str, fallback: object = None) -> Choice:
    """The saved reply if it is not blank, else the notebook's literal ``fallback``, both
    stripped. Grade cells, grade-cohort and tamper-check all take this decision."""
    text = (saved.entries.get(exercise_id) or {}).get("text") or ""
    if text.strip():
        return Choice(text.strip(), FROM_FILE, GRADED)
    status = saved.status or ("invalid_entry" if exercise_id in saved.broken else "no_answer")
    if isinstance(fallback, str) and fallback.strip():
        return Choice(fallback.strip(), FROM_NOTEBOOK, status)
    return Choice(None, "", status)


def latest_text(path: str | os.PathLike, exercise_id: str) -> str | None:
    """The saved reply for one exercise, or None if there is none (or the file is unreadable)."""
    entry = load(path).entries.get(exercise_id)
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
    fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _remove_stale_temp_files(folder: Path) -> None:
    """Temp files of saves that were killed mid-write. Called under the folder's lock, when no
    save is writing, so every one left is stale; they must not be submitted with the notebook."""
    for leftover in folder.glob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}"):
        with contextlib.suppress(OSError):
            if leftover.is_file() and not leftover.is_symlink():
                leftover.unlink()


class TooLongToSave(ValueError):
    """A reply longer than MAX_SAVED_CHARS: nothing is stored, the text stays in the form."""


def _trim_history(attempts: list) -> None:
    del attempts[:-MAX_ATTEMPTS]


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
    moved to, or None. Raises OSError if the folder cannot be written, TooLongToSave (a
    Japanese message) for a text over MAX_SAVED_CHARS. Other exercises' entries are kept as
    they are, even malformed ones; a malformed entry of this exercise is kept under
    ``replaced``. The history keeps the last MAX_ATTEMPTS attempts.
    """
    if len(text) > MAX_SAVED_CHARS:
        raise TooLongToSave(
            f"返信が長すぎます（{len(text):,} 文字）。保存できるのは {MAX_SAVED_CHARS:,} 文字まで、"
            "採点できるのは 5,000 文字までです。短くしてから、もう一度保存してください"
        )
    path = Path(path)
    moved = None
    with _locked(path.parent):
        _remove_stale_temp_files(path.parent)
        try:
            answers, broken = _parse(path)
        except CorruptAnswers:
            moved = set_aside(path)
            answers, broken = {}, set()
        if exercise_id in broken:
            answers[exercise_id] = {"text": "", "attempts": [], "replaced": answers[exercise_id]}
        entry = answers.setdefault(exercise_id, {"text": "", "attempts": []})
        entry["attempts"] = attempts = [a for a in entry.get("attempts", []) if isinstance(a, dict)]
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
        _trim_history(attempts)
        _write(path, answers)
    return moved

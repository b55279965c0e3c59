"""What the prefilter needs of every built-in rule, and its compiled patterns, kept between
runs like Python's bytecode.

Reading the built-in rules' patterns with the regex parser, to find the literals each one
needs (rules.rule_needs) and to compile it, is most of a cold start and, in a process that
checks many replies, about a third of its time. What it makes depends only on the rule
files, the engine's code and the Python version, so it is stored in the user's cache folder
under a hash of them: the literal sets, and each pattern's compiled program (rules._program:
what the regex compiler hands to _sre). The next start reads them back and makes a rule's
patterns from their programs, without parsing, when the prefilter first lets it try a
sentence. Any problem (no cache folder, a read-only home, a damaged file: its digest is
checked) means "no cache": the rules are then read as before. Results never depend on it.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
import tempfile
from importlib import resources
from pathlib import Path

# The engine's code that decides what a pattern needs, and the rule files themselves.
_SOURCES = ("rules.py", "analysis.py", "needs_cache.py", "scenarios.py")

Needs = tuple[tuple[tuple[str, ...], ...] | None, ...] | None
_DIGEST = 32  # bytes of SHA-256 in front of the payload
# Caches of other rule sets (older versions, other checkouts) kept beside the new one; the
# oldest beyond these are removed when a cache is written, so the folder does not grow.
KEEP = 4


def _folder() -> Path | None:
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            home = Path.home()
        except RuntimeError:  # no HOME and no password entry: no cache
            return None
        base = home / ".cache" if home.is_dir() else None
    return Path(base) / "outai-rewrite" if base else None


def key(package=None) -> str:
    """A hash of everything the needs depend on (and the Python version: its regex parser);
    ``package`` is the checker's folder (default: this package)."""
    h = hashlib.sha256(sys.version.encode())
    package = package or resources.files(__package__)
    files = [(name, package / name) for name in _SOURCES]
    # The rule files, and the scenarios': their own rules are kept too (scenarios.prepared).
    for folder in ("rules", "scenarios"):
        entries = sorted((e for e in (package / folder).iterdir() if e.name.endswith(".toml")), key=lambda e: e.name)
        files += [(f"{folder}/{e.name}", e) for e in entries]
    for name, f in files:
        h.update(name.encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()[:32]


def _path(folder: Path, cache_key: str) -> Path:
    # marshal's format is Python's own: the key holds the Python version.
    return folder / f"rules-{cache_key}.marshal"


def load(cache_key: str) -> dict | None:
    """What rules.builtin_rules kept (see there), or None if there is none to trust."""
    folder = _folder()
    if folder is None:
        return None
    try:
        data = _path(folder, cache_key).read_bytes()
        payload = data[_DIGEST:]
        if hashlib.sha256(payload).digest() != data[:_DIGEST]:
            return None
        table = marshal.loads(payload)
    except (OSError, ValueError, EOFError, TypeError):
        return None
    return table if isinstance(table, dict) else None


def save(cache_key: str, table: dict) -> None:
    """Write the table atomically (a half-written file is never read); never raises."""
    folder = _folder()
    if folder is None:
        return
    try:
        payload = marshal.dumps(table)
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=folder, delete=False, suffix=".tmp") as out:
            out.write(hashlib.sha256(payload).digest() + payload)
        os.replace(out.name, _path(folder, cache_key))
    except (OSError, ValueError):
        return
    _prune(folder)


def _prune(folder: Path) -> None:
    """Remove all but the KEEP newest caches (and the needs-*.json of earlier versions)."""
    try:
        old = list(folder.glob("needs-*.json"))
        caches = sorted(folder.glob("rules-*.marshal"), key=lambda f: f.stat().st_mtime, reverse=True)
        for f in old + caches[KEEP:]:
            f.unlink(missing_ok=True)
    except OSError:
        pass  # another process pruned first, or the folder is read-only: harmless

"""What the prefilter needs of every built-in rule, kept between runs like Python's bytecode.

Reading the built-in rules' patterns with the regex parser to find the literals each one
needs (rules.rule_needs) is most of a cold start. What it finds depends only on the rule
files and the engine's code, so it is stored in the user's cache folder under a hash of
them; the next start reads it back and parses and compiles a rule only when the prefilter
first lets it try a sentence. Any problem (no cache folder, a read-only home, a damaged
file) means "no cache": the rules are then read as before. Results never depend on it.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from importlib import resources
from pathlib import Path

# The engine's code that decides what a pattern needs, and the rule files themselves.
_SOURCES = ("rules.py", "analysis.py", "needs_cache.py")

Needs = tuple[tuple[tuple[str, ...], ...] | None, ...] | None


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
    files = [package / name for name in _SOURCES]
    files += sorted((e for e in (package / "rules").iterdir() if e.name.endswith(".toml")), key=lambda e: e.name)
    for f in files:
        h.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()[:32]


def _tuples(value):
    """JSON's lists back into the tuples the rules hold (None stays None)."""
    return None if value is None else tuple(_tuples(v) if isinstance(v, list) else v for v in value)


def load(cache_key: str) -> dict[str, tuple[Needs, Needs]] | None:
    """rule id -> (needs, exclude_needs) from the cache, or None if there is none to trust."""
    folder = _folder()
    if folder is None:
        return None
    try:
        data = json.loads((folder / f"needs-{cache_key}.json").read_text(encoding="utf-8"))
        return {rule_id: (_tuples(needs), _tuples(excludes)) for rule_id, (needs, excludes) in data.items()}
    except (OSError, ValueError, TypeError):
        return None


def save(cache_key: str, table: dict[str, tuple[Needs, Needs]]) -> None:
    """Write the table atomically (a half-written file is never read); never raises."""
    folder = _folder()
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=folder, delete=False, suffix=".tmp") as out:
            json.dump(table, out, ensure_ascii=False)
        os.replace(out.name, folder / f"needs-{cache_key}.json")
    except OSError:
        return

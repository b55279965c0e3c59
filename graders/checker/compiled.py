"""Compiled rule patterns and their prefilter literals, kept between runs as bytecode is.

Reading ~600 rule patterns with the regex parser and working out the literals each needs
costs a fresh process about as much CPU as tokenising a few hundred replies. What the
parser and compiler make of a pattern string depends only on that string, the Python
version and rules.py, so it is kept in a marshal file where Python keeps bytecode
(``__pycache__`` next to this module, or under ``sys.pycache_prefix``). A missing,
stale, unreadable or unwritable file only means compiling again, never another result.
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import marshal
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Callable

try:  # the compiler behind re.compile; private but stable, and optional here
    import _sre
    from re import _compiler as _sre_compile
    from re import _parser as _sre_parse
except ImportError:  # pragma: no cover
    _sre = _sre_compile = _sre_parse = None

_MAX_ENTRIES = 20_000  # patterns of rules since removed are dropped past this


def _path() -> Path:
    here = Path(__file__).resolve().parent
    folder = Path(sys.pycache_prefix, *here.parts[1:]) if sys.pycache_prefix else here / "__pycache__"
    return folder / f"rule-patterns.{sys.implementation.cache_tag}.marshal"


@functools.cache
def _version() -> str:
    """What the kept results depend on besides the pattern: Python and the rules engine."""
    engine = (Path(__file__).resolve().parent / "rules.py").read_bytes() + Path(__file__).read_bytes()
    return f"{sys.version}|{getattr(_sre, 'MAGIC', '')}|{hashlib.sha1(engine).hexdigest()}"


class _Store:
    def __init__(self) -> None:
        self.regex: dict[str, tuple] = {}
        self.analysed: dict[str, object] = {}
        self.dirty = False
        try:
            data = marshal.loads(_path().read_bytes())
            if data["version"] == _version():
                self.regex, self.analysed = data["regex"], data["analysed"]
        except Exception:  # noqa: BLE001 (no file, another version, a torn write: start empty)
            pass
        self.used: set[str] = set()

    def save(self) -> None:
        if not self.dirty:
            return
        regex, analysed = self.regex, self.analysed
        if len(regex) + len(analysed) > _MAX_ENTRIES:
            regex = {k: v for k, v in regex.items() if k in self.used}
            analysed = {k: v for k, v in analysed.items() if k in self.used}
        path, written = _path(), None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Written aside, then renamed: a reader never sees half a file.
            with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as out:
                written = out.name
                out.write(marshal.dumps({"version": _version(), "regex": regex, "analysed": analysed}))
            os.chmod(written, 0o644)  # readable by whoever else runs this install, as .pyc files are
            os.replace(written, path)
        except Exception:  # noqa: BLE001 (a read-only install simply compiles each time)
            if written is not None and os.path.exists(written):
                os.unlink(written)
        self.dirty = False


@functools.cache
def _store() -> _Store:
    store = _Store()
    atexit.register(store.save)
    return store


def regex(pattern: str) -> re.Pattern:
    """``re.compile(pattern)``, from the kept compiler output when there is some."""
    if _sre is None:
        return re.compile(pattern)
    store = _store()
    store.used.add(pattern)
    args = store.regex.get(pattern)
    if args is not None:
        try:
            return _sre.compile(*args)
        except Exception:  # noqa: BLE001 (kept by another build: compile afresh)
            pass
    parsed = _sre_parse.parse(pattern)  # as re.compile does, keeping what it passes _sre
    code = list(map(int, _sre_compile._code(parsed, 0)))  # opcodes are int subclasses marshal refuses
    indexgroup = [None] * parsed.state.groups
    for name, i in parsed.state.groupdict.items():
        indexgroup[i] = name
    args = (pattern, int(parsed.state.flags), code, parsed.state.groups - 1, dict(parsed.state.groupdict), tuple(indexgroup))
    compiled = _sre.compile(*args)
    store.regex[pattern] = args
    store.dirty = True
    return compiled


def analysed(pattern: str, analyse: Callable[[str], object]) -> object:
    """``analyse(pattern)`` (made of tuples, strings and None), kept like compiled patterns."""
    store = _store()
    store.used.add(pattern)
    if pattern in store.analysed:
        return store.analysed[pattern]
    found = store.analysed[pattern] = analyse(pattern)
    store.dirty = True
    return found


__all__ = ["analysed", "regex"]

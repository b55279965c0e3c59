"""Kept compiler output (graders.checker.compiled) gives the patterns re.compile gives."""

from __future__ import annotations

import re

from graders.checker import compiled
from graders.checker.analysis import analyse
from graders.checker.rules import Stream, _pattern_needs, builtin_rules


def test_kept_patterns_match_as_compiled_ones(tmp_path, monkeypatch):
    monkeypatch.setattr(compiled, "_path", lambda: tmp_path / "kept.marshal")
    monkeypatch.setattr(compiled.sys, "dont_write_bytecode", False)
    rules = builtin_rules()
    patterns = [p.pattern for r in rules for p in r._compiled]
    first = compiled._Store()
    monkeypatch.setattr(compiled, "_store", lambda: first)
    fresh = [compiled.regex(p) for p in patterns]
    needs = [compiled.analysed(p, _pattern_needs) for r in rules for p in r._plain_pinned]
    first.save()
    assert (tmp_path / "kept.marshal").exists()

    second = compiled._Store()  # a later process: reads what the first one kept
    assert set(second.regex) == set(patterns)
    monkeypatch.setattr(compiled, "_store", lambda: second)
    kept = [compiled.regex(p) for p in patterns]
    assert not second.dirty  # nothing compiled again
    assert [compiled.analysed(p, _pattern_needs) for r in rules for p in r._plain_pinned] == needs
    for pattern, b in zip(patterns, kept):
        assert b.pattern == pattern and b.groups == re.compile(pattern).groups
    # Both streams of every rule example's sentences: the kept patterns find what fresh ones do.
    streams = [Stream.of(s) for r in rules[::7] for e in r.examples for s in analyse(e.text).sentences]
    found = 0
    for a, b in zip(fresh, kept):
        for stream in streams:
            for text in (stream.text, stream.tagged):
                spans = [m.span() for m in a.finditer(text)]
                assert [m.span() for m in b.finditer(text)] == spans
                found += bool(spans)
    assert found > 50


def test_a_stale_or_broken_file_is_ignored(tmp_path, monkeypatch):
    path = tmp_path / "kept.marshal"
    monkeypatch.setattr(compiled, "_path", lambda: path)
    path.write_bytes(b"not marshal data")
    assert compiled._Store().regex == {}
    import marshal

    path.write_bytes(marshal.dumps({"version": "another python", "regex": {"x": ("x", 0, [], 0, {}, ())}, "analysed": {}}))
    assert compiled._Store().regex == {}

"""The prefilter's needs kept between runs: a start that reads them from the cache finds
exactly what a start that parsed every pattern finds, and a bad cache is never trusted."""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import subprocess
import sys
from pathlib import Path

from graders.checker import needs_cache

ROOT = Path(__file__).resolve().parents[1]
TEXTS = [
    "大変申し訳ございません。台風の影響で出荷が止まっております。明日には発送できる見込みです。",
    "いえ、ホームページに書いてありますよね。ご覧になっていませんか？",
    "差し支えなければ、どのような場面でお使いになるか教えていただけますか。店頭受け取りでしたら本日中にご用意できます。",
]
# One child: every act (kind, span, rule) and criterion of each text, as JSON.
PROGRAM = """
import json, sys
from graders import check
texts = json.loads(sys.argv[1])
out = []
for t in texts:
    r = check(t)
    out.append([[a.kind, a.start, a.end, a.rule] for a in r.acts] + [[c.id, c.passed] for c in r.criteria])
print(json.dumps(out, ensure_ascii=False))
"""


def start(cache_home: Path) -> subprocess.Popen:
    env = dict(os.environ, XDG_CACHE_HOME=str(cache_home))
    return subprocess.Popen([sys.executable, "-c", PROGRAM, json.dumps(TEXTS)], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(child: subprocess.Popen) -> list:
    out, err = child.communicate()
    assert child.returncode == 0, err
    return json.loads(out)


def run(cache_home: Path) -> list:
    return finish(start(cache_home))


def run_side_by_side(cache_homes: list[Path]) -> list[list]:
    """Children that each parse every pattern take seconds: start them all, then wait."""
    return [finish(child) for child in [start(home) for home in cache_homes]]


def cache_files(cache_home: Path) -> list[Path]:
    return sorted((cache_home / "outai-rewrite").glob("rules-*.marshal"))


def test_a_start_from_the_cache_finds_what_a_start_without_it_finds(tmp_path):
    first = run(tmp_path)  # no cache yet: every pattern parsed, the cache written
    [written] = cache_files(tmp_path)
    assert written.name == f"rules-{needs_cache.key()}.marshal"
    assert run(tmp_path) == first  # read from the cache
    assert any(kind == "denial" for reply in first for kind, *_ in reply)


def test_a_damaged_cache_is_not_trusted(tmp_path):
    expected = run(tmp_path / "sound")
    [written] = cache_files(tmp_path / "sound")
    whole = written.read_bytes()
    payload = marshal.dumps({"no.such.rule": (None, (), ((), ()))})  # sound, but for other rules
    damaged = {
        "cut-short": whole[: len(whole) // 2],
        "damaged-program": whole[:-100] + bytes(b ^ 0xFF for b in whole[-100:]),
        "other-rules": hashlib.sha256(payload).digest() + payload,
        "not-the-format": '{"apology.sumimasen": [[["x"]], []]}'.encode(),
    }
    homes = []
    for name, content in damaged.items():
        (tmp_path / name / "outai-rewrite").mkdir(parents=True)
        (tmp_path / name / "outai-rewrite" / written.name).write_bytes(content)
        homes.append(tmp_path / name)
    assert run_side_by_side(homes) == [expected] * len(damaged)


def test_an_unwritable_cache_folder_changes_nothing(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder", encoding="utf-8")  # XDG_CACHE_HOME that cannot hold a folder
    assert run_side_by_side([blocked, tmp_path / "fresh"]) == [run(tmp_path / "fresh")] * 2


def test_the_key_changes_with_a_rule_file(tmp_path):
    import shutil

    source = Path(needs_cache.__file__).parent
    copy = tmp_path / "checker"
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = needs_cache.key(copy)
    assert before == needs_cache.key(source)
    rules = copy / "rules" / "denial.toml"
    rules.write_text(rules.read_text(encoding="utf-8") + "\n# one more line\n", encoding="utf-8")
    assert needs_cache.key(copy) != before


def test_writing_a_cache_keeps_only_the_newest_few(tmp_path):
    folder = tmp_path / "outai-rewrite"
    folder.mkdir()
    stale = [folder / f"rules-old{i}.marshal" for i in range(needs_cache.KEEP + 2)]
    for i, f in enumerate(stale):
        f.write_bytes(b"x")
        os.utime(f, (1_000_000 + i, 1_000_000 + i))  # old{0} is the oldest
    (folder / "needs-0123.json").write_text("{}", encoding="utf-8")  # an earlier version's cache
    run(tmp_path)
    kept = {f.name for f in folder.iterdir()}
    assert f"rules-{needs_cache.key()}.marshal" in kept and "needs-0123.json" not in kept
    assert kept == {f"rules-{needs_cache.key()}.marshal"} | {f.name for f in stale[-(needs_cache.KEEP - 1):]}

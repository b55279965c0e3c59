"""The command line, run for real: ``python -m graders ...`` in a child process."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from graders import MAX_CHARS, check
from graders.checker.scenarios import all_scenarios

ROOT = Path(__file__).resolve().parent.parent
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
SCENARIOS = all_scenarios()
MODEL = SCENARIOS["outage-apology"].model_answer
BAD = SCENARIOS["outage-apology"].bad_reply
REPORT_KEYS = {"scenario", "score", "max_score", "criteria", "acts"}


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONIOENCODING="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "graders", *args], input=stdin if stdin is not None else b"", capture_output=True, cwd=ROOT, env=env, timeout=120
    )


def out(result: subprocess.CompletedProcess) -> str:
    return result.stdout.decode("utf-8")


def err(result: subprocess.CompletedProcess) -> str:
    return result.stderr.decode("utf-8")


def assert_bad_input(result: subprocess.CompletedProcess, *words: str) -> None:
    """Exit 2, nothing on stdout, one Japanese line on stderr naming the problem."""
    message = err(result)
    assert result.returncode == 2, message
    assert "Traceback" not in message
    assert message.endswith("\n") and message.count("\n") == 1, message
    assert JAPANESE.search(message), message
    assert out(result) == ""
    for word in words:
        assert word in message


@pytest.fixture
def reply_file(tmp_path):
    def write(content: bytes | str, name: str = "reply.txt") -> Path:
        path = tmp_path / name
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return path

    return write


# ---------------------------------------------------------------- check: one reply


def test_full_marks_exit_0_with_a_tick_per_criterion(reply_file):
    result = run("check", "--scenario", "outage-apology", str(reply_file(MODEL)))
    text = out(result)
    assert result.returncode == 0, text + err(result)
    expected = check(MODEL, "outage-apology")
    assert f"{expected.score} / {expected.max_score}" in text
    assert text.count("✓") == len(expected.criteria) and "✗" not in text
    for criterion in expected.criteria:
        assert criterion.id in text and criterion.message in text
    assert "次にすること" in text


def test_failing_reply_exit_1_names_what_to_do(reply_file):
    result = run("check", "--scenario", "outage-apology", str(reply_file(BAD)))
    text = out(result)
    expected = check(BAD, "outage-apology")
    assert not expected.passed, "the scenario's bad reply must fail something"
    assert result.returncode == 1
    assert text.count("✗") == sum(not c.passed for c in expected.criteria)
    assert f"次にすること: {expected.next_step}" in text


def test_acts_are_listed_in_text_order(reply_file):
    result = run("check", "--scenario", "outage-apology", str(reply_file(MODEL)))
    listed = re.findall(r"^\s+\d+\. \[.+?\] (.+)$", out(result), flags=re.M)
    assert listed == [a.text for a in check(MODEL, "outage-apology").acts]
    assert listed, "the model answer has acts to list"


def test_json_output_is_the_report_json(reply_file):
    result = run("check", "--scenario", "outage-apology", "--json", str(reply_file(MODEL)))
    assert result.returncode == 0
    report = json.loads(out(result))
    assert REPORT_KEYS <= set(report)
    assert report == check(MODEL, "outage-apology").to_dict()
    for c in report["criteria"]:
        assert {"id", "passed", "points", "message", "spans"} <= set(c)
        assert all(0 <= s < e <= len(MODEL) for s, e in c["spans"])
    for a in report["acts"]:
        assert {"kind", "start", "end", "text"} <= set(a)
        assert MODEL[a["start"] : a["end"]] == a["text"]


def test_json_exit_status_follows_the_criteria(reply_file):
    result = run("check", "--json", "--scenario", "outage-apology", str(reply_file(BAD)))
    assert result.returncode == 1
    assert json.loads(out(result))["score"] < json.loads(out(result))["max_score"]


def test_scenario_defaults_to_generic(reply_file):
    report = json.loads(out(run("check", "--json", str(reply_file(MODEL)))))
    assert report["scenario"] == "generic"
    assert report == check(MODEL).to_dict()


@pytest.mark.parametrize("args", [["check", "--json"], ["check", "--json", "-"]], ids=["no FILE", "dash"])
def test_reads_standard_input(args):
    result = run(*args, stdin=MODEL.encode("utf-8"))
    assert result.returncode in (0, 1), err(result)
    assert json.loads(out(result)) == check(MODEL).to_dict()


def test_a_utf8_bom_is_not_part_of_the_reply(reply_file):
    with_bom = json.loads(out(run("check", "--json", str(reply_file(b"\xef\xbb\xbf" + MODEL.encode())))))
    assert with_bom == check(MODEL).to_dict()


# ---------------------------------------------------------------- check: bad input


def test_empty_file(reply_file):
    assert_bad_input(run("check", str(reply_file(b""))), "空")


def test_whitespace_only(reply_file):
    assert_bad_input(run("check", str(reply_file(" \u3000\n\t\n"))), "空")


def test_empty_standard_input():
    assert_bad_input(run("check", "-", stdin=b""), "空")


def test_binary_file(reply_file):
    assert_bad_input(run("check", str(reply_file(b"\x00\x01\x02PNG\x00\x00IHDR"))), "バイナリ")


def test_invalid_utf8(reply_file):
    shift_jis = "申し訳ございません".encode("shift_jis")
    assert_bad_input(run("check", str(reply_file(shift_jis))), "UTF-8")


def test_over_the_limit(reply_file):
    assert_bad_input(run("check", str(reply_file("あ" * (MAX_CHARS + 1)))), "長すぎ")


def test_exactly_the_limit_is_graded(reply_file):
    result = run("check", str(reply_file("申し訳ございません。" * (MAX_CHARS // 10))))
    assert result.returncode in (0, 1), err(result)


def test_unknown_scenario(reply_file):
    assert_bad_input(run("check", "--scenario", "no-such-case", str(reply_file(MODEL))), "no-such-case", "generic")


def test_missing_file(tmp_path):
    assert_bad_input(run("check", str(tmp_path / "nowhere.txt")), "見つかりません")


def test_a_folder_instead_of_a_file(tmp_path):
    assert_bad_input(run("check", str(tmp_path)), "フォルダ")


def test_unknown_option():
    result = run("check", "--no-such-option")
    assert_bad_input(result, "--help")


def test_no_command():
    assert_bad_input(run(), "--help")


def test_help_is_not_an_error():
    result = run("check", "--help")
    assert result.returncode == 0
    assert "--scenario" in out(result) and "--jsonl" in out(result)


# ---------------------------------------------------------------- check --jsonl


def jsonl(*records: object) -> bytes:
    lines = [r if isinstance(r, (str, bytes)) else json.dumps(r, ensure_ascii=False) for r in records]
    return b"\n".join(line if isinstance(line, bytes) else line.encode("utf-8") for line in lines) + b"\n"


MIXED = jsonl(
    {"id": "a", "scenario": "outage-apology", "text": MODEL},
    {"id": "b", "text": BAD},
    "{not json",
    {"id": "d", "scenario": "outage-apology"},
    {"id": "e", "text": ""},
    {"id": "f", "text": "い" * (MAX_CHARS + 1)},
    {"id": "g", "scenario": "no-such-case", "text": MODEL},
    "",
    '["a", "list"]',
    b'{"id": "i", "text": "\xff\xfe"}',
    {"id": 10, "scenario": "outage-apology", "text": BAD},
)


def test_jsonl_mixed_good_and_bad_lines(reply_file):
    result = run("check", "--jsonl", str(reply_file(MIXED, "replies.jsonl")))
    lines = [json.loads(line) for line in out(result).splitlines()]
    # Lines that are not a JSON object (or not UTF-8) have no id to give back: null.
    assert [line["id"] for line in lines] == ["a", "b", None, "d", "e", "f", "g", None, None, 10]
    good = {"a": ("outage-apology", MODEL), "b": ("generic", BAD), 10: ("outage-apology", BAD)}
    for line in lines:
        if line["id"] in good:
            scenario, text = good[line["id"]]
            assert line == {"id": line["id"], **check(text, scenario).to_dict()}
        else:
            assert set(line) == {"id", "error"}, line
            assert JAPANESE.search(line["error"]) and "\n" not in line["error"]
    errors = {line["id"]: line["error"] for line in lines if "error" in line}
    assert "3 行目" in lines[2]["error"] and "JSON" in lines[2]["error"]
    assert "text" in errors["d"]
    assert "空" in errors["e"]
    assert "長すぎ" in errors["f"]
    assert "no-such-case" in errors["g"]
    assert "10 行目" in lines[8]["error"] and "UTF-8" in lines[8]["error"]
    assert result.returncode == 2  # some lines were bad
    assert "Traceback" not in err(result) and err(result).count("\n") == 1


def test_jsonl_all_full_marks_exit_0(reply_file):
    records = [{"id": sid, "scenario": sid, "text": s.model_answer} for sid, s in SCENARIOS.items()]
    result = run("check", "--jsonl", str(reply_file(jsonl(*records), "good.jsonl")))
    lines = [json.loads(line) for line in out(result).splitlines()]
    assert [line["id"] for line in lines] == list(SCENARIOS)
    assert all(line["score"] == line["max_score"] for line in lines), [l["id"] for l in lines if l["score"] < l["max_score"]]
    assert result.returncode == 0


def test_jsonl_some_failing_exit_1_from_stdin():
    result = run("check", "--jsonl", "-", stdin=jsonl({"id": 1, "scenario": "outage-apology", "text": MODEL}, {"id": 2, "scenario": "outage-apology", "text": BAD}))
    lines = [json.loads(line) for line in out(result).splitlines()]
    assert [line["id"] for line in lines] == [1, 2]
    assert lines[0]["score"] == lines[0]["max_score"] and lines[1]["score"] < lines[1]["max_score"]
    assert result.returncode == 1


def test_jsonl_scenario_option_sets_the_default():
    result = run("check", "--jsonl", "--scenario", "outage-apology", stdin=jsonl({"id": 1, "text": MODEL}, {"id": 2, "scenario": "generic", "text": MODEL}))
    assert [json.loads(line)["scenario"] for line in out(result).splitlines()] == ["outage-apology", "generic"]


def test_jsonl_empty_input_is_bad():
    assert_bad_input(run("check", "--jsonl", "-", stdin=b"\n\n"), "JSONL")


def test_jsonl_missing_file(tmp_path):
    assert_bad_input(run("check", "--jsonl", str(tmp_path / "none.jsonl")), "見つかりません")


def test_jsonl_grades_each_line_as_it_arrives():
    """The first result comes out while the input is still open (streaming, not slurping)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "graders", "check", "--jsonl", "-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, env=env)
    guard = threading.Timer(120, proc.kill)  # a hang must fail the test, not the whole run
    guard.start()
    try:
        proc.stdin.write(jsonl({"id": "first", "text": MODEL}))
        proc.stdin.flush()
        first = json.loads(proc.stdout.readline())
        assert first["id"] == "first" and "score" in first
        proc.stdin.write(jsonl({"id": "second", "text": BAD}))
        proc.stdin.close()
        second = json.loads(proc.stdout.readline())
        assert second["id"] == "second"
        assert proc.wait() in (0, 1)
    finally:
        guard.cancel()
        proc.kill()
        proc.wait()
        proc.stdout.close()
        proc.stderr.close()


# ---------------------------------------------------------------- scenarios, tokens


def test_scenarios_lists_ids_and_titles():
    result = run("scenarios")
    assert result.returncode == 0
    rows = [line.split(None, 1) for line in out(result).splitlines()]
    assert {sid: title for sid, title in rows} == {sid: s.title for sid, s in SCENARIOS.items()}


def test_tokens_prints_each_sentence_and_its_stream():
    result = run("tokens", "大変申し訳ございません。すぐに直します　ご安心ください")
    assert result.returncode == 0, err(result)
    lines = out(result).splitlines()
    assert lines[0] == "1. [0:12] 大変申し訳ございません。"
    assert lines[1].strip() == "大変 申し訳 御座る ます ず 。"
    # The tagged stream: what a pattern naming a part of speech (<noun>, <verb>) reads.
    assert lines[2].strip() == "大変/adverb 申し訳/common_noun 御座る/verb ます/auxiliary ず/auxiliary 。/symbol"
    assert lines[3].startswith("2. [12:19] すぐに直します")
    assert lines[6].startswith("3. ") and "ご安心ください" in lines[6]


def test_tokens_pos_shows_forms_and_offsets():
    lines = out(run("tokens", "--pos", "うかがいます")).splitlines()
    assert lines[1].strip() == "伺う ます"  # the variant map: うかがう -> 伺う
    assert lines[2].strip() == "伺う/verb ます/auxiliary"
    assert lines[3].split("\t")[:3] == ["     うかがい", "伺う", "うかがう"]
    assert lines[3].endswith("[0:4]")


def test_tokens_bad_input():
    assert_bad_input(run("tokens", "   "), "空")


def test_no_traceback_for_interrupted_pipes(reply_file):
    """`... | head -1` closes our output early: exit quietly."""
    path = reply_file(jsonl(*[{"id": i, "text": MODEL} for i in range(200)]), "many.jsonl")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    shell = f"{sys.executable} -m graders check --jsonl {path} | head -c 10 >/dev/null; exit ${{PIPESTATUS[0]}}"
    result = subprocess.run(["bash", "-c", shell], capture_output=True, cwd=ROOT, env=env, timeout=120)
    assert "Traceback" not in result.stderr.decode()


# ---------------------------------------------------------------- structure


def test_cold_commands_do_not_load_sudachi():
    """Importing the CLI and listing scenarios stay light: Sudachi loads on the first check."""
    code = "import sys; from graders.cli import main; main(['scenarios']); print('sudachipy' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=120)
    assert result.stdout.decode().splitlines()[-1] == "False"


def test_a_command_is_one_registered_module(tmp_path, monkeypatch, capsys):
    """The documented way to add a command: a module with configure/run, one COMMANDS entry."""
    (tmp_path / "hello_command.py").write_text(
        "def configure(parser):\n    parser.add_argument('name')\n"
        "def run(args):\n    print('こんにちは', args.name)\n    return 0\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    from graders import cli

    monkeypatch.setitem(cli.COMMANDS, "hello", cli.from_module("hello_command", "あいさつする"))
    monkeypatch.delitem(sys.modules, "hello_command", raising=False)
    assert cli.main(["scenarios"]) == 0
    assert "hello_command" not in sys.modules, "only the chosen command's module is imported"
    capsys.readouterr()
    assert cli.main(["hello", "講師"]) == 0
    assert capsys.readouterr().out == "こんにちは 講師\n"
    assert cli.main(["hello"]) == 2  # its own arguments are checked like any command's


# ---------------------------------------------------------------- issue 11, items 6 and 12


def test_jsonl_every_hostile_line_gets_a_json_answer_and_later_lines_are_graded(reply_file):
    hostile = (
        jsonl({"id": 1, "text": MODEL})
        + b"[" * 1000 + b"]" * 1000 + b"\n"  # nested too deep for the JSON parser
        + json.dumps({"id": "\ud800", "text": MODEL}).encode() + b"\n"  # a lone surrogate in the id
        + json.dumps({"id": 2, "scenario": "\udc00", "text": "x"}).encode() + b"\n"  # and in the scenario
        + b'{"id": NaN, "text": "x"}\n{"id": Infinity, "text": "x"}\n{"id": 1e999, "text": "x"}\n'
        + jsonl({"id": 3, "text": MODEL})
    )
    result = run("check", "--jsonl", str(reply_file(hostile, "hostile.jsonl")))
    assert "Traceback" not in err(result) and result.returncode == 2
    def strict(name):
        raise AssertionError(f"{name} is not JSON")

    lines = [json.loads(line.decode("utf-8"), parse_constant=strict) for line in result.stdout.splitlines()]
    assert len(lines) == 8
    assert [("error" in line) for line in lines] == [False, True, False, True, True, True, True, False]
    assert lines[2]["id"] == "\ud800" and lines[7]["id"] == 3


def test_the_5000_character_limit_ignores_an_editors_final_newline(reply_file):
    from graders.assignments.grade_cells import answer_for

    exact = "あ" * MAX_CHARS
    assert run("check", str(reply_file((exact + "\n").encode(), "exact.txt"))).returncode in (0, 1)
    assert check(exact + "\n").text == exact + "\n"
    assert answer_for("01-apology-order.q1", exact + "\n", path=reply_file(b"", "none") .parent / "no.json") == exact
    over = run("check", str(reply_file(("あ" * (MAX_CHARS + 1) + "\n").encode(), "over.txt")))
    assert over.returncode == 2 and f"{MAX_CHARS + 1:,} 文字" in err(over)

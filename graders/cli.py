"""Command line: ``python -m graders <command>`` (DESIGN.md fixes check and scenarios).

    python -m graders check --scenario ID [--json] [FILE|-]   grade one reply
    python -m graders check --jsonl FILE|-                     grade one JSON object per line
    python -m graders scenarios                                list scenario ids and titles
    python -m graders tokens TEXT                              token streams, for rule authors

Exit status: 0 every criterion passed, 1 some failed, 2 bad input (a one-line Japanese
message on stderr, never a traceback). With --jsonl: 2 if any line was bad, else 1 if
any reply failed a criterion, else 0.

Adding a command (for example ``grade-cohort``) takes two small functions and one line:

    # graders/cohort/grade.py
    def configure(parser):            # add this command's arguments to its sub-parser
        parser.add_argument("folder")
    def run(args) -> int:             # do the work, return the exit status
        ...

    # here, in COMMANDS
    "autograde": from_module("graders.cohort.autograde", "nbgrader autograde のあと、カーネルの外で採点し直した点数を gradebook に記録する（講師向け）"),
    "grade-cohort": from_module("graders.cohort.grade", "提出物をまとめて採点する"),

``Command(help, configure, run)`` works too for functions written in this file. Only the
chosen command's module is imported and configured, so keep heavy imports (pandas,
nbgrader) inside ``run`` or at the top of that module, never here. Raise
``graders.InputError`` for bad input: ``main`` prints its message and exits with 2.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Callable, Iterator

from .checker.errors import InputError

EXIT_PASSED, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
PROG = "python -m graders"
_UTF8_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Command:
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


def from_module(module: str, help: str) -> Command:
    """A command whose ``configure(parser)`` and ``run(args)`` live in ``module``, imported only when chosen."""
    return Command(
        help,
        lambda parser: importlib.import_module(module).configure(parser),
        lambda args: importlib.import_module(module).run(args),
    )


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one Japanese line and exit status 2."""

    def error(self, message: str):  # noqa: D102 (argparse's hook)
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: 引数が正しくありません（{message}）。`{self.prog} --help` で使い方を確認してください。\n")


# ---------------------------------------------------------------- reading input


def read_bytes(source: str) -> bytes:
    """The bytes of FILE, or of standard input for ``-``; InputError if they cannot be read."""
    if source == "-":
        if sys.stdin is None:
            raise InputError("標準入力がありません。ファイル名を指定してください。")
        if sys.stdin.isatty():
            print("返信を入力し、最後に Ctrl-D（Windows は Ctrl-Z のあと Enter）を押してください。", file=sys.stderr)
        data = sys.stdin.buffer.read()
    else:
        data = _read_file(Path(source))
    return data.removeprefix(_UTF8_BOM)


@contextlib.contextmanager
def _opening(path: Path, expected: str):
    """Turn a failure to open ``path`` into a one-line InputError that says what to check."""
    try:
        yield
    except FileNotFoundError:
        raise InputError(f"ファイル「{path}」が見つかりません。パスを確かめてください。") from None
    except IsADirectoryError:
        raise InputError(f"「{path}」はフォルダです。{expected}を指定してください。") from None
    except PermissionError:
        raise InputError(f"ファイル「{path}」を読む権限がありません。権限を確かめてください。") from None
    except OSError as e:
        raise InputError(f"ファイル「{path}」を読めません（{e.strerror}）。") from None


def _read_file(path: Path) -> bytes:
    with _opening(path, "返信を保存したファイル"):
        return path.read_bytes()


def _open_lines(source: str) -> Iterator[bytes]:
    """Lines of FILE or standard input as bytes, one at a time (nothing is read ahead)."""
    if source == "-":
        yield from sys.stdin.buffer
        return
    path = Path(source)
    with _opening(path, "JSONL ファイル"):
        handle = path.open("rb")
    with handle:
        yield from handle


_SURROGATE = re.compile("[\ud800-\udfff]")


def _print_json(obj: object, out: IO[str]) -> None:
    """One line of JSON that is valid UTF-8: text that cannot be UTF-8 (a lone surrogate
    from the input) is written as a \\u escape; NaN and Infinity never reach the output."""
    line = json.dumps(obj, ensure_ascii=False, allow_nan=False)
    # A surrogate can only stand inside a JSON string, where its escape means the same.
    out.write(_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", line))
    out.write("\n")


# ---------------------------------------------------------------- check


def configure_check(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", nargs="?", default="-", metavar="FILE|-", help="返信のファイル（UTF-8）。省略または - で標準入力")
    parser.add_argument("--scenario", default=None, metavar="ID", help="採点するシナリオ（既定: generic）。--jsonl では scenario のない行の既定値")
    parser.add_argument("--json", action="store_true", help="結果を JSON で出力する")
    parser.add_argument("--jsonl", action="store_true", help='FILE を 1 行 1 件の JSON（{"id", "scenario", "text"}）として採点する')


def run_check(args: argparse.Namespace) -> int:
    from .checker.check import check
    from .checker.scenarios import get_scenario

    scenario = get_scenario(args.scenario or "generic")  # an unknown id fails before any reading
    if args.jsonl:
        if args.json:
            raise InputError("--json と --jsonl は同時に使えません。どちらか一方を指定してください。")
        return _check_jsonl(args.source, scenario.id)
    report = check(read_bytes(args.source), scenario)
    if args.json:
        _print_json(report.to_dict(), sys.stdout)
    else:
        print(report)
    return EXIT_PASSED if report.passed else EXIT_FAILED


def _check_jsonl(source: str, default_scenario: str) -> int:
    from .checker.check import check

    out = sys.stdout
    if hasattr(out, "reconfigure"):
        out.reconfigure(encoding="utf-8")  # the output is UTF-8 JSON whatever the locale says
    graded = bad = failed = 0
    for number, raw in enumerate(_open_lines(source), 1):
        if not raw.strip():
            continue  # blank lines (a trailing newline, spacing) are not records
        record_id, result = None, None
        try:
            record = _parse_record(raw, number)
            record_id = record.get("id")
            scenario = record.get("scenario", default_scenario)
            if not isinstance(scenario, str):
                raise InputError(f"{number} 行目: scenario は文字列で指定してください。")
            if "text" not in record:
                raise InputError(f'{number} 行目: "text"（返信の本文）がありません。')
            try:
                report = check(record["text"], scenario)
            except InputError as e:
                raise InputError(f"{number} 行目: {e}") from None
            result = {"id": record_id, **report.to_dict()}
            graded += 1
            failed += not report.passed
        except InputError as e:
            result = {"id": record_id, "error": str(e)}
            bad += 1
        except Exception as e:  # noqa: BLE001 (one line must never cost the lines after it)
            result = {"id": record_id, "error": f"{number} 行目を採点できませんでした（{type(e).__name__}）。"}
            bad += 1
        _print_json(result, out)
        out.flush()  # a caller reading our output line by line sees each result at once
    if graded + bad == 0:
        raise InputError("JSONL の入力に 1 行もありません。1 行に 1 件ずつ {\"id\", \"scenario\", \"text\"} を書いてください。")
    if bad:
        print(f"{bad} 行を採点できませんでした（出力の error を見てください）。{graded} 行は採点しました。", file=sys.stderr)
        return EXIT_BAD_INPUT
    return EXIT_FAILED if failed else EXIT_PASSED


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} は JSON の値ではありません")


def _finite(literal: str) -> float:
    value = float(literal)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"{literal[:20]} は大きすぎる数です")
    return value


def _parse_record(raw: bytes, number: int) -> dict:
    try:
        line = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        raise InputError(f"{number} 行目: UTF-8 の文字として読めません。UTF-8 で保存し直してください。") from None
    try:
        record = json.loads(line, parse_constant=_no_constant, parse_float=_finite)
    except (ValueError, RecursionError) as e:
        # ValueError also covers lone surrogates and huge numbers, not only syntax;
        # RecursionError, brackets nested too deep.
        reason = "入れ子が深すぎます" if isinstance(e, RecursionError) else getattr(e, "msg", e)
        raise InputError(f"{number} 行目: JSON として読めません（{reason}）。1 行に 1 つの JSON オブジェクトを書いてください。") from None
    if not isinstance(record, dict):
        raise InputError(f'{number} 行目: JSON オブジェクト（{{"id", "scenario", "text"}}）ではありません。')
    return record


# ---------------------------------------------------------------- scenarios


def configure_scenarios(parser: argparse.ArgumentParser) -> None:
    pass


def run_scenarios(args: argparse.Namespace) -> int:
    from .checker.scenarios import all_scenarios

    scenarios = all_scenarios()
    width = max(len(sid) for sid in scenarios)
    for sid, scenario in scenarios.items():
        print(f"{sid:<{width}}  {scenario.title}")
    return EXIT_PASSED


# ---------------------------------------------------------------- tokens


def configure_tokens(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("text", metavar="TEXT", help="調べる文章（- で標準入力）")
    parser.add_argument("--pos", action="store_true", help="トークンごとに表層形・正規化形・辞書形・品詞も表示する")


def run_tokens(args: argparse.Namespace) -> int:
    """Each sentence with its span, the normalized-token stream rules match against, and
    the same stream with each form's part of speech (the tagged stream, shown readably)."""
    from .checker.analysis import analyse
    from .checker.check import validate
    from .checker.rules import Stream

    text = validate(read_bytes("-") if args.text == "-" else args.text)
    for number, sentence in enumerate(analyse(text).sentences, 1):
        print(f"{number}. [{sentence.start}:{sentence.end}] {text[sentence.start:sentence.end]}")
        stream = Stream.of(sentence)
        print(f"   {stream.text}")
        print(f"   {stream.readable()}")  # what a rule naming a part of speech (<noun>) reads
        if args.pos:
            for tok in sentence.tokens:
                pos = "-".join(p for p in tok.pos if p != "*")
                print(f"     {tok.surface}\t{tok.normalized}\t{tok.dictionary}\t{pos}\t[{tok.start}:{tok.end}]")
    return EXIT_PASSED


# ---------------------------------------------------------------- registry and entry point

COMMANDS: dict[str, Command] = {
    "check": Command("返信を採点する", configure_check, run_check),
    "scenarios": Command("シナリオの一覧を表示する", configure_scenarios, run_scenarios),
    "tokens": Command("文ごとの正規化トークン列を表示する（ルールを書く人向け）", configure_tokens, run_tokens),
    "autograde": from_module("graders.cohort.autograde", "nbgrader autograde のあと、カーネルの外で採点し直した点数を gradebook に記録する（講師向け）"),
    "grade-cohort": from_module("graders.cohort.commands", "コースの提出物をまとめて再採点し、CSV に書く（講師向け）"),
    "tamper-check": from_module("graders.cohort.tamper", "nbgrader の自動採点と再採点を比べ、食い違いを一覧にする（講師向け）"),
    "review-comments": from_module("graders.cohort.review", "採点器の所見を formgrader のコメント欄に下書きする（講師向け）"),
    "demo-cohort": from_module("graders.cohort.demo", "デモ用の受講者の提出物を作る（講師向け）"),
}


def build_parser(chosen: str | None = None) -> argparse.ArgumentParser:
    """The parser; only the ``chosen`` command's arguments are configured (cheap start-up)."""
    parser = _Parser(prog=PROG, description="応対リライト講座の採点器")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser, required=True)
    for name, command in COMMANDS.items():
        child = sub.add_parser(name, help=command.help, description=command.help)
        if name == chosen:
            command.configure(child)
    return parser


def _use_utf8(stream: IO[str] | None) -> None:
    # Japanese output must not crash on a terminal or pipe set to another encoding.
    encoding = getattr(stream, "encoding", None) or ""
    if stream is not None and encoding.replace("-", "").lower() != "utf8" and hasattr(stream, "reconfigure"):
        stream.reconfigure(encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    _use_utf8(sys.stdout)
    _use_utf8(sys.stderr)
    chosen = next((a for a in argv if not a.startswith("-")), None)
    try:
        args = build_parser(chosen).parse_args(argv)
    except SystemExit as stop:  # --help, or a usage mistake already reported in one line
        return stop.code if isinstance(stop.code, int) else EXIT_BAD_INPUT
    try:
        return COMMANDS[args.command].run(args)
    except InputError as e:
        print(f"エラー: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        # `... | head` closed our output early: not an error worth a traceback.
        sys.stderr.close()
        return EXIT_PASSED
    except KeyboardInterrupt:
        print("中断しました。", file=sys.stderr)
        return 130


__all__ = ["COMMANDS", "Command", "build_parser", "from_module", "main"]

"""check(): validate a reply, analyse it, tag its acts and grade it against a scenario."""

from __future__ import annotations

from .acts import find_acts
from .analysis import analyse
from .errors import InputError
from .report import Report
from .rubric import Context, evaluate
from .scenarios import Scenario, get_scenario

MAX_CHARS = 5_000


def validate(text: object) -> str:
    """Return ``text`` if it can be graded; raise InputError with a Japanese message if not."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise InputError("UTF-8 の文章として読めません。テキストファイル（UTF-8）で保存し直してください。") from None
    if not isinstance(text, str):
        raise InputError(f"返信は文字列で渡してください（{type(text).__name__} が渡されました）。")
    if "\x00" in text:
        raise InputError("文章ではないデータ（バイナリ）が含まれています。返信の文章だけを渡してください。")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError("文字として読めない部分（壊れた文字コード）が含まれています。返信を貼り直してください。") from None
    if not text.strip():
        raise InputError("返信が空です。お客様への返信を書いてから、もう一度チェックしてください。")
    # One rule everywhere (form, grade cells, CLI): what counts is the reply without the
    # spaces and line breaks around it, so an editor's final newline costs nothing.
    length = len(text.strip())
    if length > MAX_CHARS:
        raise InputError(f"返信が長すぎます（{length:,} 文字）。{MAX_CHARS:,} 文字以内にまとめてください。")
    return text


def check(text: object, scenario: str | Scenario = "generic") -> Report:
    """Grade one reply. Raises InputError (Japanese, one line) for input it cannot grade."""
    spec = scenario if isinstance(scenario, Scenario) else get_scenario(scenario)
    text = validate(text)
    analysis = analyse(text)
    acts = tuple(find_acts(analysis, spec))
    ctx = Context(text, acts, spec)
    results = tuple(evaluate(c.id, c.points, ctx) for c in spec.criteria)
    return Report(spec.id, text, results, acts)


__all__ = ["MAX_CHARS", "check", "validate"]

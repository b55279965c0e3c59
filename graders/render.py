"""HTML views of a report: the reply with its acts highlighted, and the act timeline.

Learner text is always escaped here, and only here, before it reaches a widget.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from .report import ACT_NAMES

if TYPE_CHECKING:
    from .acts import Act
    from .report import Report

# One colour per act kind: the good moves in calm colours, the harmful ones in red/grey.
ACT_COLOURS = {
    "apology": "#f4b6c2",
    "empathy": "#f9d5e5",
    "thanks": "#ffe8a3",
    "remedy": "#b5e7a0",
    "cause": "#a8d8ea",
    "prevention": "#c3b1e1",
    "excuse": "#d5d5d5",
    "reason_question": "#ffd8a8",
    "alternative": "#9fe2bf",
    "refusal": "#ffb3a7",
    "denial": "#ff8a80",
    "pressure": "#ff8a80",
    "forbidden_promise": "#ff5252",
}
_ICON = {"reason_question": "？", "forbidden_promise": "⚠", "denial": "⚠", "pressure": "⚠"}


def _badge(kind: str, number: int | None = None) -> str:
    label = ACT_NAMES[kind] + _ICON.get(kind, "")
    prefix = f"{number}. " if number is not None else ""
    return (
        f'<span class="outai-act outai-{kind}" style="background:{ACT_COLOURS[kind]};'
        f'border-radius:4px;padding:1px 6px;margin:2px;display:inline-block;font-size:90%">{prefix}{escape(label)}</span>'
    )


def highlight(text: str, acts: "list[Act] | tuple[Act, ...]") -> str:
    """The reply as HTML with each act's span marked; overlapping acts keep the first."""
    parts: list[str] = []
    pos = 0
    for act in sorted(acts, key=lambda a: (a.start, -(a.end - a.start))):
        if act.start < pos:
            continue
        parts.append(escape(text[pos : act.start]))
        parts.append(
            f'<mark class="outai-span outai-{act.kind}" title="{escape(ACT_NAMES[act.kind])}" '
            f'style="background:{ACT_COLOURS[act.kind]};padding:0 2px">{escape(text[act.start:act.end])}</mark>'
        )
        pos = act.end
    parts.append(escape(text[pos:]))
    body = "".join(parts).replace("\n", "<br>")
    return f'<div class="outai-reply" style="line-height:1.9;white-space:normal">{body}</div>'


def timeline_html(acts: "list[Act] | tuple[Act, ...]") -> str:
    """The acts as a left-to-right timeline of coloured steps (謝罪 → 対処 → 原因 → …)."""
    if not acts:
        return '<div class="outai-timeline">（発話行為は見つかりませんでした）</div>'
    steps = " → ".join(_badge(a.kind, i) for i, a in enumerate(acts, 1))
    return f'<div class="outai-timeline" style="margin:4px 0">{steps}</div>'


def criteria_html(report: "Report") -> str:
    rows = []
    for c in report.criteria:
        mark, colour = ("✓", "#1b7f3b") if c.passed else ("✗", "#b00020")
        rows.append(
            f'<li class="outai-criterion {"passed" if c.passed else "failed"}" data-criterion="{c.id}">'
            f'<b style="color:{colour}">{mark} {escape(c.title)}</b> '
            f"<small>({c.points}/{c.max_points})</small><br>{escape(c.message)}</li>"
        )
    return f'<ul class="outai-criteria" style="list-style:none;padding-left:0">{"".join(rows)}</ul>'


def report_html(report: "Report") -> str:
    return (
        f'<div class="outai-report">'
        f'<div class="outai-score"><b>得点: {report.score} / {report.max_score}</b></div>'
        f"{criteria_html(report)}"
        f"<div><b>返信の流れ</b></div>{timeline_html(report.acts)}"
        f"{highlight(report.text, report.acts)}"
        f'<div class="outai-next" style="margin-top:6px"><b>次にすること:</b> {escape(report.next_step)}</div>'
        f"</div>"
    )

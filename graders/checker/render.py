"""HTML views of a report, a scenario and the form's messages.

This is the only place where text becomes HTML, and every piece of text (the learner's
reply, act excerpts, messages, scenario data) is escaped here. Styles are inline so the
views survive JupyterLab's output sanitizer and need no stylesheet; the act chips and marks
set their own dark text colour, so they stay readable on light and dark themes.

Stable CSS classes (browser tests select on them):
``outai-report``, ``outai-score`` (``data-score``, ``data-max-score``),
``outai-criterion passed|failed`` (``data-criterion``), ``outai-next``,
``outai-timeline`` with one ``outai-act outai-<kind>`` per act, ``outai-legend``,
``outai-bar``, ``outai-reply`` with ``outai-span outai-<kind>`` marks,
``outai-scenario``, ``outai-notice outai-<level>``, ``outai-status-text outai-<level>``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .acts import ACT_NAMES

# report.py imports this module, so "Report" in annotations is named, not imported.
if TYPE_CHECKING:
    from .acts import Act
    from .scenarios import Scenario

# Bidirectional controls (U+202A-202E, U+2066-2069) reorder what is shown after them: a
# learner's text could make a ✗ read as ✓ or hide words from the instructor. Wherever
# learner text is shown (HTML here, terminal text through plain()), each is replaced by a
# visible name, so the text reads in the order it was typed and nothing is hidden.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
# What Markdown would turn into links, images, emphasis, headings or HTML.
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>:])")


def plain(text: str) -> str:
    """Learner text for a terminal or any text output: bidirectional controls made visible."""
    return _BIDI.sub(lambda m: f"[U+{ord(m.group()):04X}]", text)


def escape(text: str, quote: bool = True) -> str:
    """Text as HTML: escaped, with bidirectional controls made visible."""
    return html.escape(plain(text), quote)


def markdown_text(text: str) -> str:
    """Learner text for Markdown that allows HTML (nbgrader feedback comments): escaped as
    HTML, then every Markdown mark backslash-escaped, so no link, image or heading comes alive."""
    return _MARKDOWN.sub(r"\\\1", escape(text, quote=False))


# One (background, accent) pair per act kind. Good moves in calm colours, the moves that
# cost trust in reds; dark text on every background.
ACT_COLOURS: dict[str, tuple[str, str]] = {
    "apology": ("#f8c8d4", "#c2185b"),
    "empathy": ("#fde2ec", "#d81b60"),
    "thanks": ("#ffedb3", "#b28704"),
    "remedy": ("#c8ecc0", "#2e7d32"),
    "cause": ("#c5e4f3", "#0277bd"),
    "prevention": ("#ddd0f0", "#6a3fb5"),
    "reason_question": ("#ffdcb5", "#e65100"),
    "alternative": ("#b9eedc", "#00796b"),
    "refusal": ("#ffd2c9", "#bf360c"),
    "excuse": ("#e0e0e0", "#616161"),
    "denial": ("#ffb4ac", "#c62828"),
    "pressure": ("#ffb4ac", "#c62828"),
    "forbidden_promise": ("#ff9e9e", "#b71c1c"),
}
_FALLBACK_COLOURS = ("#e0e0e0", "#616161")
# Moves that cost the customer's trust: drawn with a wavy red underline as well as colour.
WARNING_KINDS = frozenset({"excuse", "denial", "pressure", "forbidden_promise"})
_ICONS = {"reason_question": "？", "forbidden_promise": "⚠", "denial": "⚠", "pressure": "⚠", "excuse": "⚠"}
_INK = "#1f1f1f"  # text colour on the pastel chips, whatever the theme
_OK, _BAD, _INFO, _WARN = "#2e7d32", "#c62828", "#1976d2", "#b26a00"
_EXCERPT_CHARS = 14


def act_name(kind: str) -> str:
    """The Japanese name of an act kind (the id itself for a kind added later)."""
    return ACT_NAMES.get(kind, kind)


def _colours(kind: str) -> tuple[str, str]:
    return ACT_COLOURS.get(kind, _FALLBACK_COLOURS)


def _label(kind: str) -> str:
    icon = _ICONS.get(kind)
    name = escape(act_name(kind))
    if not icon:
        return name
    return f'<span class="outai-icon" aria-hidden="true" style="font-weight:bold">{icon}</span>{name}'


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _EXCERPT_CHARS else text[: _EXCERPT_CHARS - 1] + "…"


def _section_title(title: str) -> str:
    return f'<div class="outai-section-title" style="font-weight:bold;margin:10px 0 4px">{escape(title)}</div>'


# ---------------------------------------------------------------------------- acts


def legend_html(kinds: "Sequence[str]") -> str:
    """A colour key for the given act kinds (in the order ACT_NAMES lists them)."""
    present = set(kinds)
    order = [k for k in ACT_NAMES if k in present] + sorted(present - set(ACT_NAMES))
    if not order:
        return ""
    items = []
    for kind in order:
        background, accent = _colours(kind)
        items.append(
            f'<span class="outai-legend-item" data-kind="{escape(kind)}" style="display:inline-flex;align-items:center;gap:4px">'
            f'<span style="display:inline-block;width:0.9em;height:0.9em;border-radius:3px;'
            f'background:{background};border:1px solid {accent}"></span>{_label(kind)}</span>'
        )
    return (
        '<div class="outai-legend" style="display:flex;flex-wrap:wrap;align-items:center;gap:4px 12px;'
        f'font-size:85%;margin:4px 0">'
        f'<span style="opacity:0.75">色の見方:</span>{"".join(items)}</div>'
    )


def timeline_html(acts: "Sequence[Act]") -> str:
    """The acts as numbered, colour-coded steps in reply order (謝罪 → 対処 → 原因 → …)."""
    if not acts:
        return (
            '<div class="outai-timeline outai-empty" style="margin:4px 0;opacity:0.8">'
            "（謝罪・対処・質問などの発話行為は見つかりませんでした）</div>"
        )
    steps = []
    for number, act in enumerate(acts, 1):
        background, accent = _colours(act.kind)
        if number > 1:
            steps.append('<span class="outai-arrow" aria-hidden="true" style="align-self:center;opacity:0.6;padding:0 2px">→</span>')
        steps.append(
            '<span class="outai-step" style="display:inline-flex;flex-direction:column;align-items:flex-start;gap:2px">'
            f'<span class="outai-act outai-{escape(act.kind)}" data-kind="{escape(act.kind)}" data-step="{number}" '
            f'title="{escape(act.text)}" style="background:{background};color:{_INK};border:1px solid {accent};'
            'border-radius:999px;padding:1px 10px;font-weight:bold;white-space:nowrap">'
            f'<span style="color:{accent};margin-right:4px">{number}</span>{_label(act.kind)}</span>'
            f'<span class="outai-excerpt" style="font-size:78%;opacity:0.75;padding-left:6px;white-space:nowrap">'
            f"「{escape(_excerpt(act.text))}」</span></span>"
        )
    return (
        '<div class="outai-timeline" role="list" aria-label="返信の流れ" '
        f'style="display:flex;flex-wrap:wrap;align-items:flex-start;gap:6px 4px;margin:4px 0">{"".join(steps)}</div>'
    )


def position_bar_html(acts: "Sequence[Act]", length: int) -> str:
    """A bar as long as the reply, with each act drawn where it lies: shows what comes first."""
    if not acts or length <= 0:
        return ""
    segments = []
    for number, act in enumerate(acts, 1):
        _, accent = _colours(act.kind)
        left = 100 * act.start / length
        width = 100 * (act.end - act.start) / length
        segments.append(
            f'<span class="outai-bar-segment" data-kind="{escape(act.kind)}" '
            f'title="{number}. {escape(act_name(act.kind))}: {escape(act.text)}" '
            f'style="position:absolute;top:0;bottom:0;left:{left:.2f}%;width:{width:.2f}%;min-width:4px;'
            f'background:{accent};border-radius:3px;opacity:0.85"></span>'
        )
    return (
        '<div class="outai-bar-wrap" style="margin:6px 0 2px;max-width:40em">'
        '<div class="outai-bar" style="position:relative;height:10px;border-radius:5px;'
        f'background:rgba(128,128,128,0.18)">{"".join(segments)}</div>'
        '<div style="display:flex;justify-content:space-between;font-size:75%;opacity:0.65">'
        "<span>返信のはじめ</span><span>おわり</span></div></div>"
    )


def highlight(text: str, acts: "Sequence[Act]") -> str:
    """The reply as HTML with each act's span marked and numbered like the timeline.

    Where acts overlap, the earlier one keeps the shared characters and the later one is
    marked from where the earlier ends; the text itself is always shown whole and escaped.
    """
    parts: list[str] = []
    pos = 0
    numbered = sorted(enumerate(acts, 1), key=lambda item: (item[1].start, -(item[1].end - item[1].start)))
    for number, act in numbered:
        start, end = max(act.start, pos), min(act.end, len(text))
        if start >= end:
            continue
        background, accent = _colours(act.kind)
        warning = f"text-decoration:underline wavy {_BAD};text-underline-offset:3px;" if act.kind in WARNING_KINDS else ""
        parts.append(escape(text[pos:start]))
        parts.append(
            f'<mark class="outai-span outai-{escape(act.kind)}" data-kind="{escape(act.kind)}" '
            f'title="{number}. {escape(act_name(act.kind))}" style="background:{background};color:{_INK};'
            f'border-bottom:2px solid {accent};border-radius:3px;padding:0 2px;{warning}">'
            f"{escape(text[start:end])}</mark>"
            f'<sup class="outai-step-no" aria-hidden="true" style="color:{accent};font-weight:bold;'
            f'font-size:70%;margin:0 2px 0 1px">{number}</sup>'
        )
        pos = end
    parts.append(escape(text[pos:]))
    return (
        '<div class="outai-reply" style="white-space:pre-wrap;line-height:2;padding:6px 10px;'
        f'border:1px solid rgba(128,128,128,0.3);border-radius:6px">{"".join(parts)}</div>'
    )


def structure_html(report: "Report") -> str:
    """The reply's structure without the grading: timeline, where each act lies, the text."""
    return (
        '<div class="outai-structure">'
        f"{timeline_html(report.acts)}"
        f"{position_bar_html(report.acts, len(report.text))}"
        f"{legend_html([a.kind for a in report.acts])}"
        f"{highlight(report.text, report.acts)}"
        "</div>"
    )


# ---------------------------------------------------------------------------- grading


def score_html(report: "Report") -> str:
    ratio = report.score / report.max_score if report.max_score else 0.0
    colour = _OK if report.passed else (_WARN if report.score else _BAD)
    praise = (
        f'<span style="color:{_OK};font-weight:bold">すべての観点を満たしています</span>' if report.passed else ""
    )
    return (
        f'<div class="outai-score" data-score="{report.score}" data-max-score="{report.max_score}" '
        'style="display:flex;flex-wrap:wrap;align-items:center;gap:6px 12px;margin:2px 0 8px">'
        f'<span style="font-size:125%;font-weight:bold">得点 {report.score} / {report.max_score}</span>'
        '<span aria-hidden="true" style="display:inline-block;width:10em;height:8px;border-radius:4px;'
        'background:rgba(128,128,128,0.2);overflow:hidden">'
        f'<span style="display:block;height:100%;width:{100 * ratio:.0f}%;background:{colour}"></span></span>'
        f"{praise}</div>"
    )


def criteria_html(report: "Report") -> str:
    """One row per criterion: ✓ or ✗, its title, its points, and its message."""
    rows = []
    for c in report.criteria:
        state, mark, colour = ("passed", "✓", _OK) if c.passed else ("failed", "✗", _BAD)
        rows.append(
            f'<li class="outai-criterion {state}" data-criterion="{escape(c.id)}" data-points="{c.points}" '
            f'style="border-left:4px solid {colour};background:rgba(128,128,128,0.07);'
            'border-radius:0 6px 6px 0;padding:4px 10px;margin:4px 0">'
            f'<span class="outai-mark" style="color:{colour};font-weight:bold;margin-right:4px">{mark}</span>'
            f"<b>{escape(c.title)}</b> "
            f'<span style="opacity:0.7;font-size:90%">{c.points} / {c.max_points} 点</span>'
            f'<div class="outai-criterion-message">{escape(c.message)}</div></li>'
        )
    return f'<ul class="outai-criteria" style="list-style:none;padding:0;margin:4px 0">{"".join(rows)}</ul>'


def next_step_html(report: "Report") -> str:
    return (
        f'<div class="outai-next" style="border:1px solid {_INFO};border-radius:6px;'
        'background:rgba(25,118,210,0.08);padding:6px 10px;margin:8px 0">'
        f'<b>次にすること</b><div>{escape(report.next_step)}</div></div>'
    )


def report_html(report: "Report") -> str:
    """The whole feedback: score, criteria, what to do next, the act flow and the reply."""
    return (
        '<div class="outai-report" style="line-height:1.6;max-width:60em">'
        f"{score_html(report)}"
        f"{criteria_html(report)}"
        f"{next_step_html(report)}"
        f"{_section_title('返信の流れ（見つかった順）')}"
        f"{timeline_html(report.acts)}"
        f"{position_bar_html(report.acts, len(report.text))}"
        f"{legend_html([a.kind for a in report.acts])}"
        f"{_section_title('返信の本文（色の部分が見つかった発話行為）')}"
        f"{highlight(report.text, report.acts)}"
        "</div>"
    )


# ---------------------------------------------------------------------------- the form


def scenario_html(scenario: "Scenario", exercise_id: str | None = None) -> str:
    """The exercise's setting: title, situation, what the customer said, the reply to rewrite."""
    parts = [
        '<div class="outai-scenario" style="border:1px solid rgba(128,128,128,0.35);border-radius:8px;'
        'padding:8px 12px;margin:0 0 6px;line-height:1.6;max-width:60em">'
        f'<div class="outai-scenario-title" style="font-weight:bold;font-size:115%">{escape(scenario.title)}'
    ]
    if exercise_id:
        parts.append(f' <span style="font-weight:normal;font-size:80%;opacity:0.65">（{escape(exercise_id)}）</span>')
    parts.append("</div>")
    if scenario.situation:
        # pre-wrap keeps the author's line breaks (letters, rule lists) and adds no spaces.
        parts.append(
            f'<div class="outai-situation"><b>状況:</b><div style="white-space:pre-wrap">{escape(scenario.situation)}</div></div>'
        )
    if scenario.customer:
        parts.append(
            '<div class="outai-customer" style="margin-top:4px"><b>お客様の言葉:</b>'
            f'<div style="white-space:pre-wrap;border-left:4px solid {_INFO};background:rgba(25,118,210,0.07);'
            f'padding:4px 10px;margin:2px 0;border-radius:0 6px 6px 0">{escape(scenario.customer)}</div></div>'
        )
    if scenario.bad_reply:
        parts.append(
            '<div class="outai-bad-reply" style="margin-top:4px"><b>書き直す返信:</b>'
            f'<div style="white-space:pre-wrap;border-left:4px solid {_BAD};background:rgba(198,40,40,0.06);'
            f'padding:4px 10px;margin:2px 0;border-radius:0 6px 6px 0">{escape(scenario.bad_reply)}</div></div>'
        )
    parts.append("</div>")
    return "".join(parts)


_LEVEL_COLOURS = {"error": _BAD, "warning": _WARN, "info": _INFO, "ok": _OK}


def notice_html(message: str, level: str = "error") -> str:
    """A message box (an input error, a file kept aside...). ``level``: error, warning, info."""
    colour = _LEVEL_COLOURS.get(level, _INFO)
    role = "alert" if level == "error" else "status"
    return (
        f'<div class="outai-notice outai-{escape(level)}" role="{role}" style="border-left:4px solid {colour};'
        'background:rgba(128,128,128,0.08);border-radius:0 6px 6px 0;padding:6px 10px;margin:4px 0;'
        f'white-space:pre-wrap;max-width:60em">{escape(message)}</div>'
    )


def status_html(message: str, level: str = "info") -> str:
    """The one-line save status under the text box. ``level``: ok, info, warning, error."""
    colour = _LEVEL_COLOURS.get(level, _INFO)
    return (
        f'<span class="outai-status-text outai-{escape(level)}" role="status" '
        f'style="font-size:90%;color:{colour}">{escape(message)}</span>'
    )


FORM_HINT = (
    "ここにあった書き直しフォームは、いまは動いていません（カーネルを再起動したか、ノートブックを開き直したため）。"
    "このセルを実行すると、保存した返信が入ったフォームがもう一度表示されます。"
)
FORM_HINT_SHORT = "カーネルを再起動したあとは、フォームを使う前にこのセルをもう一度実行してください。"


def form_hint_html() -> str:
    """Shown above a rewrite form. Where no form follows (reopened notebook, "model not
    found"), the full hint shows; above a form, only a short grey line, because after a
    kernel restart a form still looks live in JupyterLab but no longer reaches a kernel.
    A view ipywidgets marks disconnected gets the full hint and takes no typing."""
    live = ".outai-form:not(.jupyter-widgets-disconnected)"
    cell = ".jp-OutputArea-child:has(.outai-form-hint)"
    rules = (
        f"{cell}:has(+ .jp-OutputArea-child {live}) .outai-hint-full{{display:none}}"
        f"{cell}:not(:has(+ .jp-OutputArea-child {live})) .outai-hint-short{{display:none}}"
        ".outai-form.jupyter-widgets-disconnected{pointer-events:none}"
    )
    short = f'<div class="outai-hint-short" style="font-size:85%;opacity:0.7">{escape(FORM_HINT_SHORT)}</div>'
    full = f'<div class="outai-hint-full">{notice_html(FORM_HINT, "info")}</div>'
    return f'<div class="outai-form-hint">{full}{short}</div><style>{rules}</style>'


__all__ = [
    "FORM_HINT",
    "FORM_HINT_SHORT",
    "form_hint_html",
    "ACT_COLOURS",
    "act_name",
    "criteria_html",
    "highlight",
    "legend_html",
    "next_step_html",
    "notice_html",
    "position_bar_html",
    "report_html",
    "scenario_html",
    "score_html",
    "status_html",
    "structure_html",
    "timeline_html",
]

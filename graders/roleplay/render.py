"""HTML of a conversation: chat bubbles, the trust meter, each move's trace, the end summary.

Every piece of text is escaped (the learner's turns through graders.checker.render's
``highlight``). Inline styles, as in the checker's views. Stable CSS classes (browser tests
select on them): ``outai-chat``, ``outai-bubble outai-customer|outai-learner``,
``outai-trace``, ``outai-meter`` (``data-trust``), ``outai-ending outai-<kind>``
(``data-ending``), ``outai-rp-criterion passed|failed`` (``data-criterion``), ``outai-habits``.
"""

from __future__ import annotations

import base64
import io
from html import escape

from ..checker.render import act_name, highlight, timeline_html
from .dialogue import ENDING_KINDS, Dialogue
from .engine import Conversation, Turn
from .grading import Result

_BUBBLE = "max-width:78%;padding:8px 12px;border-radius:12px;margin:4px 0;line-height:1.6;color:#1f1f1f;"
_CUSTOMER = _BUBBLE + "background:#eeeeee;margin-right:auto;"
_LEARNER = _BUBBLE + "background:#d6ebff;margin-left:auto;"
_ENDING_COLOURS = {"resolved": "#2e7d32", "lost": "#c62828", "rule_broken": "#b71c1c"}


def intro_html(dialogue: Dialogue) -> str:
    parts = [f"<h4 style='margin:4px 0'>{escape(dialogue.title)}</h4>"]
    for label, text in (("あなたの立場", dialogue.role), ("お客様", dialogue.customer), ("進め方", dialogue.situation)):
        if text:
            parts.append(f"<p style='margin:2px 0'><b>{label}</b>: {escape(text)}</p>")
    return f"<div class='outai-rp-intro'>{''.join(parts)}</div>"


def _customer(text: str) -> str:
    return f"<div class='outai-bubble outai-customer' style='{_CUSTOMER}'><b>お客様</b>　{escape(text)}</div>"


def _delta(turn: Turn) -> str:
    if not turn.delta and not turn.move.why:
        return ""
    sign = "+" if turn.delta > 0 else ""
    colour = "#2e7d32" if turn.delta > 0 else "#c62828" if turn.delta < 0 else "#616161"
    why = f"：{escape(turn.move.why)}" if turn.move.why else ""
    return f"<span style='color:{colour}'>信頼度 {sign}{turn.delta}{why}</span>"


def trace_html(turn: Turn) -> str:
    """Why the customer answered this way: the move and the acts (span, rule) behind it."""
    if turn.fallback:
        headline = "どの反応の条件にも当てはまらなかったので、お客様は聞き返しています。"
    else:
        headline = escape(turn.move.label or "反応の条件に当てはまりました")
    evidence = "".join(
        f"<li>〔{escape(act_name(a.kind) if not a.kind.startswith('criterion:') else a.rule)}〕"
        f"「{escape(a.text)}」<code style='font-size:85%'>{a.start}–{a.end} {escape(a.rule)}</code></li>"
        for e in turn.evidence for a in e.acts
    )
    evidence = f"<ul style='margin:2px 0 2px 18px;padding:0'>{evidence}</ul>" if evidence else ""
    return (
        f"<div class='outai-trace' style='font-size:90%;margin:0 0 6px auto;max-width:78%'>"
        f"<div>→ {headline} {_delta(turn)}</div>{evidence}{timeline_html(turn.acts)}</div>"
    )


def chat_html(conversation: Conversation, practice: bool = True) -> str:
    """The conversation so far; in practice mode each turn shows its acts, trace and meter change."""
    parts = [_customer(conversation.opening)]
    for turn in conversation.turns:
        body = highlight(turn.text, turn.acts) if practice else escape(turn.text)
        parts.append(f"<div class='outai-bubble outai-learner' style='{_LEARNER}'>{body}</div>")
        if practice:
            parts.append(trace_html(turn))
        parts.append(_customer(turn.customer))
    return f"<div class='outai-chat' style='display:flex;flex-direction:column'>{''.join(parts)}</div>"


def meter_html(conversation: Conversation, practice: bool = True) -> str:
    trust = conversation.trust
    colour = "#2e7d32" if trust >= 60 else "#f9a825" if trust >= 30 else "#c62828"
    last = conversation.turns[-1] if conversation.turns else None
    reason = f" <span style='font-size:90%'>{_delta(last)}</span>" if practice and last else ""
    return (
        f"<div class='outai-meter' data-trust='{trust}' style='margin:6px 0'>"
        f"<b>信頼度</b> {trust} / 100{reason}"
        f"<div style='background:#e0e0e0;border-radius:4px;height:10px;width:100%;max-width:420px'>"
        f"<div style='background:{colour};width:{trust}%;height:10px;border-radius:4px'></div></div></div>"
    )


def meter_chart_png(conversation: Conversation) -> bytes:
    """The meter's path over the turns as a small PNG."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    from ..learner.plotting import japanese_rc

    path = conversation.trust_path
    with plt.rc_context(japanese_rc()):
        fig, ax = plt.subplots(figsize=(5, 2.2), dpi=90)
        ax.plot(range(len(path)), path, marker="o", color="#1976d2")
        ax.set_ylim(0, 100)
        ax.set_xticks(range(len(path)))
        ax.set_xlabel("返事の回数")
        ax.set_ylabel("信頼度")
        ax.grid(alpha=0.3)
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
        plt.close(fig)
    return buffer.getvalue()


def habits_html(conversation: Conversation) -> str:
    """Which habits (acts) were used at which turn."""
    rows = []
    for i, turn in enumerate(conversation.turns, 1):
        kinds = list(dict.fromkeys(act_name(a.kind) for a in turn.acts)) or ["（なし）"]
        rows.append(f"<tr><td>{i}</td><td>{escape('、'.join(kinds))}</td><td>{_delta(turn)}</td></tr>")
    return (
        "<table class='outai-habits' style='border-collapse:collapse'>"
        "<tr><th>回</th><th>使った型</th><th>信頼度の変化</th></tr>" + "".join(rows) + "</table>"
    )


def results_html(results: tuple[Result, ...]) -> str:
    items = []
    for r in results:
        mark, colour = ("✓", "#2e7d32") if r.passed else ("✗", "#c62828")
        items.append(
            f"<li class='outai-rp-criterion {'passed' if r.passed else 'failed'}' data-criterion='{r.id}' "
            f"style='list-style:none;margin:2px 0'><span style='color:{colour}'>{mark}</span> "
            f"<b>{escape(r.title)}</b>（{r.points}/{r.max_points}）: {escape(r.message)}</li>"
        )
    score = sum(r.points for r in results)
    top = sum(r.max_points for r in results)
    return f"<div><b>採点</b> {score} / {top}<ul style='padding:0;margin:4px 0'>{''.join(items)}</ul></div>"


def ending_html(conversation: Conversation, results: tuple[Result, ...]) -> str:
    """The end: the ending, the transcript with acts highlighted, the meter chart, habits, grades."""
    ending = conversation.ending
    if ending is None:
        return ""
    colour = _ENDING_COLOURS[ending.kind]
    png = base64.b64encode(meter_chart_png(conversation)).decode("ascii")
    turns = "".join(
        f"<li style='margin:4px 0'>{highlight(t.text, t.acts)}</li>" for t in conversation.turns
    )
    return (
        f"<div class='outai-ending outai-{ending.kind}' data-ending='{escape(ending.id)}' "
        f"style='border-left:4px solid {colour};padding:4px 10px;margin:8px 0'>"
        f"<div style='color:{colour};font-weight:bold'>結末：{escape(ENDING_KINDS[ending.kind])}（{escape(ending.title)}）</div>"
        f"{results_html(results)}"
        f"<div><b>あなたの返事（見つかった型に色をつけています）</b><ol style='margin:4px 0 4px 18px'>{turns}</ol></div>"
        f"<div><b>信頼度の動き</b><br><img alt='信頼度の動き' src='data:image/png;base64,{png}'></div>"
        f"<div><b>いつ、どの型を使ったか</b>{habits_html(conversation)}</div></div>"
    )

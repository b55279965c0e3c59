"""Rubric criteria: each one reads the tagged acts and says pass or fail, why, and what next.

The six stable ids and their definitions are fixed by DESIGN.md; the others serve single
scenarios. Messages are for the learner: natural, polite Japanese naming what is missing
or out of order and what to write instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from .acts import Act
from .scenarios import Scenario

Span = tuple[int, int]


@dataclass(frozen=True)
class CriterionResult:
    id: str
    title: str
    passed: bool
    points: int
    max_points: int
    message: str
    spans: tuple[Span, ...] = ()

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "passed": self.passed,
            "points": self.points,
            "max_points": self.max_points,
            "message": self.message,
            "spans": [list(s) for s in self.spans],
        }


@dataclass(frozen=True)
class Verdict:
    passed: bool
    message: str
    spans: tuple[Span, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Context:
    text: str
    acts: tuple[Act, ...]
    scenario: Scenario

    def of(self, *kinds: str) -> list[Act]:
        return [a for a in self.acts if a.kind in kinds]

    def first(self, *kinds: str) -> Act | None:
        found = self.of(*kinds)
        return found[0] if found else None


def _quote(act: Act, limit: int = 20) -> str:
    text = act.text if len(act.text) <= limit else act.text[:limit] + "…"
    return f"「{text}」"


def _span(*acts: Act | None) -> tuple[Span, ...]:
    return tuple((a.start, a.end) for a in acts if a is not None)


@dataclass(frozen=True)
class OrderMessages:
    """What to say for each outcome of "the first <first> comes before the first <then>".

    Templates take {first} and {then}: the quoted acts.
    """

    neither: str
    no_first: str
    no_then: str
    in_order: str
    out_of_order: str


# An explanation says why it happened or why the request cannot be met: a cause, or the
# company's circumstances put forward as a justification (an excuse). DESIGN.md.
EXPLANATION = ("cause", "excuse")


def _first_before(ctx: Context, first_kinds: tuple[str, ...], then_kinds: tuple[str, ...], say: OrderMessages) -> Verdict:
    """Both acts present and the first of ``first_kinds`` starts before the first of ``then_kinds``.

    Messages may quote the scenario's own examples ({cause_example}, {remedy_example}). When
    both parts are there but out of order, the advice is to move them, never to add one.
    """
    first, then = ctx.first(*first_kinds), ctx.first(*then_kinds)
    examples = {"cause_example": ctx.scenario.cause_example, "remedy_example": ctx.scenario.remedy_example}
    if first is None and then is None:
        return Verdict(False, say.neither.format(**examples))
    if first is None:
        return Verdict(False, say.no_first.format(then=_quote(then), **examples), _span(then))
    if then is None:
        return Verdict(False, say.no_then.format(first=_quote(first), **examples), _span(first))
    if first.start < then.start:
        return Verdict(True, say.in_order.format(first=_quote(first), then=_quote(then)), _span(first, then))
    return Verdict(False, say.out_of_order.format(first=_quote(first), then=_quote(then)), _span(then, first))


APOLOGY_ORDER = OrderMessages(
    neither="謝罪も、なぜそうなったのかの説明も見当たりません。まず「ご迷惑をおかけし、申し訳ございません」と謝罪し、そのあとで理由を簡潔に説明しましょう（例:「{cause_example}」）。",
    no_first="理由の説明{then}はありますが、謝罪がありません。説明の前に「大変申し訳ございません」などの謝罪を置きましょう。",
    no_then="謝罪{first}はできています。次に、なぜそうなったのかを一言で説明しましょう（例:「{cause_example}」）。",
    in_order="謝罪{first}が理由の説明{then}より先にあります。",
    out_of_order="謝罪{first}も理由の説明{then}もありますが、説明が先に来ています。お客様には言い訳に聞こえます。書き足す必要はありません。謝罪を冒頭に移し、説明はそのあとにしましょう。",
)

REMEDY_ORDER = OrderMessages(
    neither="対処（いま何をしたか、これから何をするか）も原因の説明もありません。謝罪のあとに対処を伝え（例:「{remedy_example}」）、そのあとで原因を説明しましょう。",
    no_first="原因の説明{then}はありますが、具体的な対処がありません。お客様のために何をするか（例:「{remedy_example}」）を原因より先に伝えましょう。",
    no_then="対処{first}は伝えられています。そのあとで、なぜそうなったのかを簡潔に説明しましょう（例:「{cause_example}」）。",
    in_order="対処{first}を原因の説明{then}より先に伝えています。",
    out_of_order="対処{first}も原因の説明{then}もありますが、原因が先に来ています。困っているお客様がまず知りたいのは「どうしてくれるのか」です。書き足す必要はありません。対処を先に移し、原因はそのあとにしましょう。",
)


def apology_before_explanation(ctx: Context) -> Verdict:
    return _first_before(ctx, ("apology",), EXPLANATION, APOLOGY_ORDER)


def remedy_before_cause(ctx: Context) -> Verdict:
    return _first_before(ctx, ("remedy",), EXPLANATION, REMEDY_ORDER)


def apology_first(ctx: Context) -> Verdict:
    """An apology is present and no explanation or excuse starts before the first one (a
    letter need not explain anything)."""
    apology, explanation = ctx.first("apology"), ctx.first(*EXPLANATION)
    if apology is None:
        if explanation:
            return Verdict(False, f"事情の説明{_quote(explanation)}はありますが、謝罪がありません。冒頭に「大変申し訳ございません」などの謝罪を置きましょう。", _span(explanation))
        return Verdict(False, "謝罪の言葉がありません。冒頭で「このたびはご迷惑をおかけし、誠に申し訳ございません」と謝罪しましょう。")
    if explanation and explanation.start < apology.start:
        return Verdict(False, f"謝罪{_quote(apology)}より先に事情の説明{_quote(explanation)}が来ています。言い訳に聞こえるので、謝罪を冒頭に移しましょう。", _span(explanation, apology))
    return Verdict(True, f"謝罪{_quote(apology)}から始めています。", _span(apology))


def asks_reason(ctx: Context) -> Verdict:
    question = ctx.first("reason_question")
    example = ctx.scenario.reason_question_example
    if question:
        return Verdict(True, f"{_quote(question)}とお客様の理由・事情を尋ねています。", _span(question))
    if any(word in ctx.text for word in ("理由", "事情", "わけ", "目的")):
        # Mentioned but not asked: 理由はお聞きしませんが / ご事情はお察しします.
        return Verdict(False, f"理由や事情に触れてはいますが、お客様に尋ねる形になっていません。「{example}」のように、質問として聞きましょう。")
    return Verdict(False, f"お客様がそう望む（断る）理由や事情を尋ねていません。「{example}」のように、答える前に理由を聞きましょう。")


def proposes_alternative(ctx: Context) -> Verdict:
    company = {r.id for r in ctx.scenario.alternatives}
    if company:
        offers = [a for a in ctx.of("alternative") if a.rule in company]
    else:
        offers = ctx.of("alternative")
    if offers:
        return Verdict(True, f"代わりの方法{_quote(offers[0])}を提案しています。", _span(*offers))
    refusal = ctx.first("refusal")
    examples = "、".join(r.label for r in ctx.scenario.alternatives[:3] if r.label)
    hint = f"（たとえば{examples}）" if examples else "（「〜という方法もございます」「〜はいかがでしょうか」）"
    other = next((a for a in ctx.of("alternative") if a.rule not in company), None) if company else None
    if other:
        # An offer, but not one this company allows (明日の出荷でしたら可能です for same-day-shipping).
        return Verdict(False, f"{_quote(other)}は提案ですが、この場面で会社が認めている方法ではありません。ルールの中でできる方法{hint}を提案しましょう。", _span(other))
    if refusal:
        return Verdict(False, f"{_quote(refusal)}と断るだけで終わっています。会社のルールの中でできる具体的な代わりの方法{hint}を提案しましょう。", _span(refusal))
    return Verdict(False, f"具体的な代わりの方法が提案されていません。会社のルールの中でできること{hint}を示しましょう。")


def within_rules(ctx: Context) -> Verdict:
    promises = ctx.of("forbidden_promise")
    if not promises:
        return Verdict(True, "会社のルールで約束できないことは約束していません。")
    rule = next((r for r in ctx.scenario.forbidden if r.id == promises[0].rule), None)
    what = f"（{rule.label}）" if rule and rule.label else ""
    return Verdict(False, f"{_quote(promises[0])}は会社のルールでは約束できないこと{what}です。守れない約束はせず、ルールの中でできる代わりの方法を提案しましょう。", _span(*promises))


def _none_of(ctx: Context, kind: str, clear: str, found: str) -> Verdict:
    """Passes when the reply holds no act of ``kind``; else quotes the first ({quote} in ``found``)."""
    acts = ctx.of(kind)
    if not acts:
        return Verdict(True, clear)
    return Verdict(False, found.format(quote=_quote(acts[0])), _span(*acts))


def no_denial(ctx: Context) -> Verdict:
    return _none_of(
        ctx, "denial", "お客様の言葉を否定していません。",
        "{quote}はお客様の考えを否定しています。まず「承知いたしました」と受け止め、そのうえで理由を伺いましょう。",
    )


def no_pressure(ctx: Context) -> Verdict:
    return _none_of(
        ctx, "pressure", "お客様に決断を迫る言い方はしていません。",
        "{quote}はお客様に決断を迫っています。今は必要ないというお客様の判断を尊重し、今後の関心や課題を伺う形にしましょう。",
    )


def thanks(ctx: Context) -> Verdict:
    found = ctx.first("thanks")
    if found:
        return Verdict(True, f"{_quote(found)}と感謝を伝えています。", _span(found))
    return Verdict(False, "感謝の言葉がありません。時間を割いてご指摘くださったことへのお礼（「貴重なご意見をいただき、誠にありがとうございました」）を添えましょう。")


def no_excuse(ctx: Context) -> Verdict:
    return _none_of(
        ctx, "excuse", "こちらの都合による言い訳はしていません。",
        "{quote}はこちらの都合による言い訳です。お客様には関係のないことなので削り、これから何をするかを伝えましょう。",
    )


def _looks_ahead(act: Act) -> bool:
    """A prevention step, or a remedy still to come (お届けいたします, 再開できる見込みです),
    not one done (お送りしました)."""
    if act.kind == "prevention":
        return True
    text = act.text.rstrip("、，, ")
    if any(word in text for word in ("見込み", "予定", "見通し")):
        return True
    return text.endswith("ます") and not text.endswith(("ております", "ています", "てます"))


def states_next_step(ctx: Context) -> Verdict:
    """Passes iff the reply promises a next action: a remedy still to come or a prevention step."""
    ahead = [a for a in ctx.of("remedy", "prevention") if _looks_ahead(a)]
    if ahead:
        return Verdict(True, f"{_quote(ahead[0])}と、これから何をするかを伝えています。", _span(ahead[0]))
    done = ctx.first("remedy")
    if done:
        return Verdict(False, f"{_quote(done)}はすでにしたことです。これから何を、いつまでにするのかも書きましょう（例:「資料は今週金曜日までにお届けいたします」「今後は毎週、進み具合をご報告いたします」）。", _span(done))
    return Verdict(False, "これから何をするのかが書かれていません。「今後は週に一度、進捗をご報告いたします」のように、具体的な次の行動を約束しましょう。")


CriterionCheck = Callable[[Context], Verdict]

# id -> (Japanese title, check). The first six are DESIGN.md's stable ids.
CRITERIA: dict[str, tuple[str, CriterionCheck]] = {
    "apology_before_explanation": ("説明より先に謝罪", apology_before_explanation),
    "apology_first": ("まず謝罪", apology_first),
    "remedy_before_cause": ("原因より先に対処", remedy_before_cause),
    "asks_reason": ("理由を尋ねる", asks_reason),
    "proposes_alternative": ("代わりの方法を提案", proposes_alternative),
    "within_rules": ("会社のルールを守る", within_rules),
    "no_denial": ("お客様を否定しない", no_denial),
    "no_pressure": ("決断を迫らない", no_pressure),
    "thanks": ("感謝を伝える", thanks),
    "no_excuse": ("言い訳をしない", no_excuse),
    "states_next_step": ("次の行動を約束", states_next_step),
}


def evaluate(criterion_id: str, points: int, ctx: Context) -> CriterionResult:
    title, check = CRITERIA[criterion_id]
    verdict = check(ctx)
    return CriterionResult(
        id=criterion_id,
        title=title,
        passed=verdict.passed,
        points=points if verdict.passed else 0,
        max_points=points,
        message=verdict.message,
        spans=verdict.spans,
    )

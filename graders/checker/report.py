"""The result of one check: score, per-criterion results, and the acts found, in order."""

from __future__ import annotations

from dataclasses import dataclass

from .acts import ACT_NAMES, Act
from .render import plain, report_html
from .rubric import CriterionResult

@dataclass(frozen=True)
class Report:
    scenario: str
    text: str
    criteria: tuple[CriterionResult, ...]
    acts: tuple[Act, ...]

    @property
    def score(self) -> int:
        return sum(c.points for c in self.criteria)

    @property
    def max_score(self) -> int:
        return sum(c.max_points for c in self.criteria)

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.criteria)

    @property
    def next_step(self) -> str:
        """What to do next: the first failing criterion's advice, or praise."""
        for c in self.criteria:
            if not c.passed:
                return c.message
        return "すべての観点を満たしています。声に出して読み、お客様の立場で自然に聞こえるか確かめましょう。"

    def criterion(self, criterion_id: str) -> CriterionResult:
        for c in self.criteria:
            if c.id == criterion_id:
                return c
        raise KeyError(criterion_id)

    def to_dict(self) -> dict:
        return {
            "scenario": self.scenario,
            "score": self.score,
            "max_score": self.max_score,
            "criteria": [c.to_dict() for c in self.criteria],
            "acts": [a.to_dict() for a in self.acts],
            "next_step": self.next_step,
        }

    def __str__(self) -> str:
        lines = [f"シナリオ: {self.scenario}   得点: {self.score} / {self.max_score}"]
        for c in self.criteria:
            mark = "✓" if c.passed else "✗"
            lines.append(f"{mark} {c.title} ({c.id}) {c.points}/{c.max_points}: {plain(c.message)}")
        if self.acts:
            lines.append("見つかった発話行為（順番どおり）:")
            lines.extend(f"  {i}. [{ACT_NAMES[a.kind]}] {plain(a.text)}" for i, a in enumerate(self.acts, 1))
        else:
            lines.append("見つかった発話行為はありません。")
        lines.append(f"次にすること: {plain(self.next_step)}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return report_html(self)

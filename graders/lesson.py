"""Everything a lesson notebook uses, in one import (above the parts: lessons use them all).

The first code cell of every lesson in course/ is

    # 最初にこのセルを実行してください（Shift + Enter）。
    from graders.lesson import (ACT_NAMES, CRITERIA, HTML, …)

so the lessons never spell out where each helper lives: when a module moves, only this
file changes. A name a lesson needs goes here, and into __all__.
"""

from IPython.display import HTML, display

from .checker.acts import ACT_NAMES
from .checker.check import check
from .checker.render import criteria_html, legend_html, scenario_html, score_html, structure_html
from .checker.rubric import CRITERIA
from .checker.scenarios import get_scenario
from .learner.form import RewriteForm
from .learner.progress import progress_chart, progress_view
from .roleplay import RolePlay, play
# The course's whole table: the rewrites and the role-play conversations.
from .roleplay.progress import course_progress as progress_table

__all__ = [
    "ACT_NAMES",
    "CRITERIA",
    "HTML",
    "RewriteForm",
    "RolePlay",
    "check",
    "criteria_html",
    "display",
    "get_scenario",
    "legend_html",
    "progress_chart",
    "progress_table",
    "play",
    "progress_view",
    "scenario_html",
    "score_html",
    "structure_html",
]

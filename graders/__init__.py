"""応対リライト講座の採点器: grade Japanese replies to customers with rules and SudachiPy.

    >>> from graders import check
    >>> report = check("大変申し訳ございません。すぐに復旧いたしました。", "outage-apology")
    >>> report.score, report.max_score

Importing this package loads nothing heavy: the dictionary loads on the first check.
"""

from .checker.check import MAX_CHARS, check
from .checker.errors import InputError

__all__ = ["MAX_CHARS", "InputError", "RewriteForm", "check", "check_exercise"]


def __getattr__(name: str):
    # The learner's side is loaded on first use, so `import graders` stays light.
    if name == "check_exercise":
        from .learner.exercise_check import check_exercise

        return check_exercise
    if name == "RewriteForm":
        from .learner.form import RewriteForm

        return RewriteForm
    raise AttributeError(f"module 'graders' has no attribute {name!r}")

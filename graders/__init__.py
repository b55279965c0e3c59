"""応対リライト講座の採点器: grade Japanese replies to customers with rules and SudachiPy.

    >>> from graders import check
    >>> report = check("大変申し訳ございません。すぐに復旧いたしました。", "outage-apology")
    >>> report.score, report.max_score

Importing this package loads nothing heavy: the dictionary loads on the first check.
"""

from .checker import MAX_CHARS, check
from .errors import InputError

__all__ = ["MAX_CHARS", "InputError", "check"]

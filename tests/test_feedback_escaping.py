"""Learner text in feedback and views carries nothing live (issue 11, items 10 and 11).

review-comments quotes the learner's letter in a formgrader comment; nbgrader renders
comments as Markdown with HTML allowed, so the quote must be escaped as both. Bidirectional
controls must not reorder what an instructor or learner reads, in HTML or in a terminal.
"""

from __future__ import annotations

from nbconvert.filters.markdown import markdown2html_mistune

from graders import check
from graders.checker.render import highlight, markdown_text, plain, report_html
from graders.cohort.review import draft_comment
from graders.learner.exercises import get_exercise

EXERCISE = get_exercise("05-apology-letter.q1")
HOSTILE = (
    "誠に申し訳ございません。[資料はこちら](javascript:alert(1)) と [添付](data:text/html;base64,PHNjcmlwdD4=)\n"
    "![](https://tracker.example/pixel.png) <img src=x onerror=alert(2)> <script>alert(3)</script>\n"
    "# 見出し\n<https://example.com/autolink> **太字** `code`\n"
    "確認済み\u202e✗\u202c 今後は\u2066二度と\u2069起こしません。"
)
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def test_a_quoted_letter_renders_as_text_in_feedback():
    comment = draft_comment(EXERCISE, HOSTILE, check(HOSTILE, EXERCISE.scenario))
    page = markdown2html_mistune(comment)
    assert "<a " not in page and "<img" not in page and "<script" not in page and "<h1" not in page
    assert "href" not in page and "src=" not in page.replace("&lt;img src=x", "")
    assert "資料はこちら" in page and "tracker.example" in page  # shown, as text
    assert not any(ch in page for ch in BIDI)


def test_markdown_text_escapes_every_mark():
    assert markdown2html_mistune(markdown_text("[a](javascript:x)")).strip() == "<p>[a](javascript:x)</p>"
    assert "<img" not in markdown2html_mistune(markdown_text("![x](http://e.example/i.png)"))


def test_bidi_controls_are_visible_in_html_and_terminal_text():
    report = check(HOSTILE, "generic")
    for shown in (report_html(report), highlight(HOSTILE, report.acts), str(report), plain(HOSTILE)):
        assert not any(ch in shown for ch in BIDI)
    assert "[U+202E]" in plain(HOSTILE) and "[U+202E]" in highlight(HOSTILE, report.acts)

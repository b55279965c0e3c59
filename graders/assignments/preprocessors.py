"""nbgrader preprocessors: ShowGradedReply (autograde) and RedactHiddenTests (feedback).

ShowGradedReply: learners answer in the form, so the answer cell of a submission is often
the empty template and formgrader would say "No response.". Before the grade cells run,
it writes the reply they will grade (answer_for: answers.json, else the cell's literal)
into the answer cell, so formgrader, manual grading and the feedback show exactly what
was graded. nbgrader_config.py puts it first in Autograde.autograde_preprocessors.

DropInstructorNotes (feedback, after GetGrades) removes every comment line that starts
with INSTRUCTOR_NOTE: review-comments writes its notes to the instructor that way, so a
draft sent on unedited never shows them to the learner.

RedactHiddenTests keeps hidden tests out of feedback.

nbgrader 0.9.6 autogrades with the source version of every grade cell, hidden tests
included, and its GenerateFeedback renders that notebook as is: the hidden source is in
the cell and in the outputs (IPython tracebacks quote the failing line; a learner's own
cell can even print ``In[...]``). nbgrader's ClearHiddenTests removes the source region,
but only the source. This preprocessor runs before it, while the BEGIN/END markers are
still there, and replaces every output line that quotes a hidden line with a Japanese
notice; a failing hidden test keeps only its message (``AssertionError: ✗ ...``).

nbgrader_config.py puts it in GenerateFeedback.preprocessors before ClearHiddenTests.
"""

from __future__ import annotations

import ast
import html
import re
from pathlib import Path

from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

from ..learner import answers
from ..learner.exercises import all_exercises
from .grade_cells import GradeFailure, MissingAnswer, answer_for

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# Shorter hidden lines (")", "else:") reveal nothing and would blank innocent output.
MIN_SECRET_CHARS = 4


class RedactHiddenTests(NbGraderPreprocessor):
    """Remove hidden test source from every output of the notebook (not from cell sources)."""

    begin_test_delimeter = Unicode(
        "BEGIN HIDDEN TESTS", help="Marks the start of a hidden test region (as ClearHiddenTests)"
    ).tag(config=True)

    end_test_delimeter = Unicode(
        "END HIDDEN TESTS", help="Marks the end of a hidden test region (as ClearHiddenTests)"
    ).tag(config=True)

    notice = Unicode(
        "（採点用の非公開テストの内容のため、表示していません）",
        help="What a redacted output line is replaced with",
    ).tag(config=True)

    def hidden_lines(self, source: str) -> list[str]:
        """The code lines inside hidden regions of one cell, stripped; lines too short to reveal anything dropped."""
        found, inside = [], False
        for line in source.splitlines():
            if self.begin_test_delimeter in line:
                inside = True
            elif self.end_test_delimeter in line:
                inside = False
            elif inside and len(line.strip()) >= MIN_SECRET_CHARS:
                found.append(line.strip())
        return found

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        secrets = {line for cell in nb.cells for line in self.hidden_lines(cell.source)}
        # Also match the HTML-escaped form, for text/html outputs.
        self._secrets = tuple(secrets | {html.escape(s) for s in secrets})
        hidden_cells = {i for i, cell in enumerate(nb.cells) if self.hidden_lines(cell.source)}
        for index, cell in enumerate(nb.cells):
            for output in cell.get("outputs", []):
                self._redact_output(output, in_hidden_cell=index in hidden_cells)
        return nb, resources

    def preprocess_cell(self, cell, resources, index):  # all work is done in preprocess
        return cell, resources

    def _leaks(self, line: str) -> bool:
        plain = _ANSI.sub("", line)
        return any(s in plain for s in self._secrets)

    def _redact_text(self, text: str) -> str:
        if not self._secrets:
            return text
        lines = text.split("\n")
        return "\n".join(self.notice if self._leaks(line) else line for line in lines)

    def _redact_output(self, output: NotebookNode, in_hidden_cell: bool) -> None:
        if output.output_type == "stream":
            output.text = self._redact_text(output.text)
        elif output.output_type in ("display_data", "execute_result"):
            for mime, value in output.get("data", {}).items():
                if mime.startswith("text/") and isinstance(value, str):
                    output.data[mime] = self._redact_text(value)
        elif output.output_type == "error":
            output.evalue = self._redact_text(output.evalue)
            if in_hidden_cell:
                # The frames quote the hidden code; the message is what the learner needs
                # (a GradeFailure's message is its own ✗ block, shown without its class name).
                own = output.ename in (GradeFailure.__name__, MissingAnswer.__name__)
                output.traceback = output.evalue.splitlines() if own else [f"{output.ename}: {output.evalue}"]
            else:
                output.traceback = [self._redact_text(line) for line in output.traceback]


# authoring.answer_cell: grade id "q<n>-answer", literal ANSWER_Q<n> = """..."""
_ANSWER_CELL = re.compile(r"q(\d+)-answer")


def triple_quoted(text: str) -> str:
    """``text`` as a Python triple-quoted literal that reads as the text itself
    (between the newline after the opening quotes and the one before the closing)."""
    body = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"""\n{body}\n"""'


def literal_answer(source: str, name: str) -> str:
    """The string the cell binds to ``name`` last ('' if none, or if the cell is not Python)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return ""
    found = ""
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            found = node.value.value
    return found


class ShowGradedReply(NbGraderPreprocessor):
    """Write the reply the grade cells will grade into each answer cell (autograde only)."""

    heading = Unicode(
        "# 採点した返信（{source}）。自動採点のときに書き込まれました。",
        help="The comment line above the reply; {source} says where the reply came from",
    ).tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        folder = Path(resources.get("metadata", {}).get("path") or ".")
        assignment = resources["nbgrader"]["assignment"]
        for cell in nb.cells:
            match = _ANSWER_CELL.fullmatch(cell.metadata.get("nbgrader", {}).get("grade_id", ""))
            exercise_id = f"{assignment}.q{match.group(1)}" if match else ""
            # Only rewrites: a conversation's answer cell (TURNS_Q<n>) holds turns, not a reply.
            if cell.cell_type == "code" and exercise_id in all_exercises():
                self._show(cell, exercise_id, f"ANSWER_Q{match.group(1)}", folder)
        return nb, resources

    def preprocess_cell(self, cell, resources, index):  # all work is done in preprocess
        return cell, resources

    def _show(self, cell: NotebookNode, exercise_id: str, name: str, folder: Path) -> None:
        typed = literal_answer(cell.source, name)
        try:
            text = answer_for(exercise_id, fallback=typed, path=folder / answers.FILENAME)
        except MissingAnswer:
            return  # nothing to show: the cell stays as submitted and the grade cells fail
        if text == typed.strip():
            return  # the learner's own literal is what was graded; keep their cell as written
        source = "フォームで answers.json に保存された返信"
        cell.source = f"{self.heading.format(source=source)}\n{name} = {triple_quoted(text)}"
        self.log.info("%s: wrote the graded reply into the answer cell", exercise_id)


# A comment line for the instructor only (review-comments drafts); never in feedback.
INSTRUCTOR_NOTE = "【講師用】"


def without_instructor_notes(comment: str) -> str:
    kept = [line for line in comment.splitlines() if not line.lstrip().startswith(INSTRUCTOR_NOTE)]
    return "\n".join(kept).strip()


class DropInstructorNotes(NbGraderPreprocessor):
    """Remove instructor-only lines from the grader comments GetGrades put on the cells."""

    def preprocess_cell(self, cell, resources, index):
        meta = cell.metadata.get("nbgrader", {})
        if isinstance(meta.get("comment"), str):
            meta["comment"] = without_instructor_notes(meta["comment"]) or None
        return cell, resources

"""An nbgrader preprocessor that keeps hidden tests out of feedback: RedactHiddenTests.

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

import html
import re

from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

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
                # The frames quote the hidden code; the message is what the learner needs.
                output.traceback = [f"{output.ename}: {output.evalue}"]
            else:
                output.traceback = [self._redact_text(line) for line in output.traceback]

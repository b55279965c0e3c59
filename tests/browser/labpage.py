"""The JupyterLab server process and the page actions a learner performs in it.

Everything waits for a state (a locator, a kernel status, a file on disk), never for a
fixed time.
"""

from __future__ import annotations

import json
import re
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from playwright.sync_api import Locator, Page, expect

# The course makes Japanese JupyterLab's default (make install): menus and the status bar.
MENU_RUN = "実行"
RUN_ALL = "すべてのセルを実行"
RUN_BELOW = "選択したセルと下のすべてのセルを実行"
IDLE = "アイドル"

# Generous upper bounds for a busy 2-core machine; waits end as soon as the state is reached.
KERNEL_TIMEOUT = 120_000  # ms: start a kernel and run a notebook (SudachiPy, nbgrader imports)
UI_TIMEOUT = 60_000  # ms: JupyterLab loading, widgets rendering, a check round trip


@dataclass
class JupyterServer:
    url: str
    token: str
    root: Path
    process: subprocess.Popen

    def api(self, method: str, path: str, body: dict | None = None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.url}{path}", data=data, method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            raw = response.read()
        return json.loads(raw) if raw else None

    def wait_until_ready(self, timeout_s: float, log_path: Path) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"jupyter lab exited with {self.process.returncode}; see {log_path}")
            try:
                self.api("GET", "/api/status")
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)  # polling interval while the server binds its port
        raise RuntimeError(f"jupyter lab did not answer /api/status within {timeout_s} s; see {log_path}")

    def shutdown_kernels(self) -> None:
        """Close every session so kernels do not pile up between tests."""
        try:
            for session in self.api("GET", "/api/sessions") or []:
                self.api("DELETE", f"/api/sessions/{session['id']}")
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass  # the server is going away anyway

    def stop(self) -> None:
        """Stop the server by its process id: terminate, then kill if it lingers."""
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=20)


@dataclass
class LabPage:
    page: Page
    server: JupyterServer
    workspace: str
    dialogs: list[str] = field(default_factory=list)

    # --- navigation -------------------------------------------------------------------
    def open_notebook(self, path: str | Path) -> None:
        """Open a notebook (path relative to the server root) in its own JupyterLab workspace."""
        rel = Path(path).resolve().relative_to(self.server.root.resolve()) if Path(path).is_absolute() else Path(path)
        url = (f"{self.server.url}/lab/workspaces/{quote(self.workspace)}/tree/"
               f"{quote(rel.as_posix())}?reset&token={self.server.token}")
        self.page.goto(url)
        self.wait_for_notebook()

    def reload(self) -> None:
        self.page.reload()
        self.wait_for_notebook()

    def wait_for_notebook(self) -> None:
        expect(self.notebook.locator(".jp-Cell").first).to_be_visible(timeout=UI_TIMEOUT)
        self.wait_kernel_idle()

    @property
    def notebook(self) -> Locator:
        return self.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook").first

    @property
    def panel(self) -> Locator:
        return self.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)").first

    # --- kernel -----------------------------------------------------------------------
    def wait_kernel_idle(self, timeout: float = KERNEL_TIMEOUT) -> None:
        """Wait until the kernel is connected and idle and no cell is queued or running.

        The toolbar's execution indicator says "idle" before the kernel has even started,
        so the status bar's "<kernel> | アイドル" (Idle) is what proves a live kernel.
        """
        expect(self.page.locator("#jp-main-statusbar")).to_contain_text(re.compile(rf"\| {IDLE}"), timeout=timeout)
        expect(self.panel.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']")).to_have_count(
            1, timeout=timeout)
        expect(self.notebook.locator(".jp-InputPrompt", has_text="*")).to_have_count(0, timeout=timeout)

    def execution_counts(self) -> list[int | None]:
        """Each code cell's execution count as its prompt shows it (None: not run yet)."""
        # text_content, not inner_text: cells scrolled out of view render no text (content-visibility).
        texts = self.notebook.locator(".jp-CodeCell .jp-InputPrompt").all_text_contents()
        return [int(m.group(1)) if (m := re.search(r"\[(\d+)\]", t)) else None for t in texts]

    def _last_count(self) -> int:
        return max([c for c in self.execution_counts() if c is not None], default=0)

    def _wait_ran(self, cell: Locator, after: int) -> None:
        """Wait until ``cell`` ran (its count passed ``after``) and the kernel is idle again."""
        self.page.wait_for_function(
            """([prompt, after]) => {
                const m = /\\[(\\d+)\\]/.exec(prompt.textContent);
                return m !== null && Number(m[1]) > after;
            }""",
            arg=[cell.locator(".jp-InputPrompt").element_handle(), after],
            timeout=KERNEL_TIMEOUT,
        )
        self.wait_kernel_idle()

    def menu(self, top: str, item: str) -> None:
        self.page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(rf"^{re.escape(top)}$")).click()
        self.page.locator(".lm-Menu-content .lm-Menu-item", has_text=re.compile(rf"^{re.escape(item)}")).first.click()

    def run_all(self) -> None:
        """実行 > すべてのセルを実行 (Run All Cells); wait until the last cell ran and nothing is
        queued or running (grade cells are tagged raises-exception: a ✗ does not stop the run)."""
        after = self._last_count()
        self.menu(MENU_RUN, RUN_ALL)
        self._wait_ran(self.code_cells.last, after)

    def run_from(self, cell: Locator) -> None:
        """Select ``cell`` and 実行 > 選択したセルと下のすべてのセルを実行 (earlier cells stay as they are)."""
        after = self._last_count()
        cell.locator(".jp-InputPrompt").click()  # selects the cell in command mode
        expect(cell).to_have_class(re.compile(r"\bjp-mod-selected\b"))
        self.menu(MENU_RUN, RUN_BELOW)
        self._wait_ran(cell, after)

    @property
    def code_cells(self) -> Locator:
        return self.notebook.locator(".jp-CodeCell")

    def code_cell(self, containing: str) -> Locator:
        """The first code cell whose source contains ``containing``."""
        return self.code_cells.filter(has=self.page.locator(".jp-InputArea", has_text=containing)).first

    def errors(self, cell: Locator | None = None) -> Locator:
        """Error outputs (a grade cell's ✗ block, or a traceback) in ``cell``, or in the whole notebook."""
        return (cell or self.notebook).locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")

    # --- the rewrite form --------------------------------------------------------------
    def form(self, index: int = 0) -> "RewriteFormView":
        root = self.notebook.locator(".outai-form").nth(index)
        expect(root.locator(".outai-textarea textarea")).to_be_visible(timeout=UI_TIMEOUT)
        return RewriteFormView(self.page, root)


@dataclass
class RewriteFormView:
    """What the learner sees of one RewriteForm: text box, チェック button, feedback."""

    page: Page
    root: Locator

    @property
    def textarea(self) -> Locator:
        return self.root.locator(".outai-textarea textarea")

    @property
    def button(self) -> Locator:
        return self.root.locator("button.outai-check")

    @property
    def feedback(self) -> Locator:
        return self.root.locator(".outai-feedback")

    @property
    def status(self) -> Locator:
        return self.root.locator(".outai-status")

    def criterion(self, criterion_id: str) -> Locator:
        return self.feedback.locator(f".outai-criterion[data-criterion='{criterion_id}']")

    def type_reply(self, text: str) -> None:
        """Clear the box and type ``text`` key by key, as a person would.

        ASCII arrives as key presses; kana and kanji as direct text input (what an IME
        commits), which is how Playwright types characters that have no key.
        """
        self.textarea.click()
        self.page.keyboard.press("ControlOrMeta+a")
        self.page.keyboard.press("Delete")
        expect(self.textarea).to_have_value("")
        self.page.keyboard.type(text)
        expect(self.textarea).to_have_value(text)

    def press_check(self, graded_text: str, expected_score: int, expected_max: int) -> None:
        """Press チェック and wait for the feedback on exactly ``graded_text`` with this score."""
        self.button.click()
        report = self.feedback.locator(".outai-report")
        expect(report.locator(
            f".outai-score[data-score='{expected_score}'][data-max-score='{expected_max}']"
        )).to_be_visible(timeout=UI_TIMEOUT)
        # The reply under the feedback is the text that was graded (step numbers aside).
        self.page.wait_for_function(
            """([reply, text]) => {
                const copy = reply.cloneNode(true);
                copy.querySelectorAll('.outai-step-no').forEach(n => n.remove());
                return copy.textContent === text;
            }""",
            arg=[report.locator(".outai-reply").element_handle(), graded_text],
            timeout=UI_TIMEOUT,
        )

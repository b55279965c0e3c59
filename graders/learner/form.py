"""RewriteForm: one rewrite exercise as an ipywidgets form that grades on チェック and saves as the learner types.

    >>> from graders.learner.form import RewriteForm
    >>> RewriteForm("01-apology-order.q1")                                  # a graded exercise
    >>> RewriteForm("practice.apology-1", scenario="outage-apology")      # ungraded practice

The text is saved to answers.json in the notebook's folder (the kernel's working folder):
after a second without typing, and on every チェック. Creating a form reads that file but
never writes it, so running a notebook top to bottom (nbval, nbgrader) leaves no file.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import weakref
from datetime import datetime
from pathlib import Path

import ipywidgets as widgets

from . import answers
from ..checker.check import check
from ..checker.errors import InputError
from .exercises import get_exercise
from ..checker.render import FORM_HINT, form_hint_html, notice_html, report_html, scenario_html, status_html
from ..checker.report import Report
from ..checker.scenarios import Scenario, get_scenario

log = logging.getLogger(__name__)

PLACEHOLDER = "ここに、書き直した返信を入力してください。入力した内容は自動で保存されます。"
_live_forms: "weakref.WeakSet[RewriteForm]" = weakref.WeakSet()
# The browser sends a click at once but holds back a text update while an earlier one is in
# flight, so the last keystrokes can reach the kernel just after チェック. A change that lands
# this soon after a check is graded again; a later one marks the feedback as out of date.
RECHECK_WINDOW = 1.0
RACE_EDIT_CHARS = 20  # a raced update differs from the graded text by a few keystrokes at most
STALE_FEEDBACK = "この結果は、書き換える前の返信に対するものです。もう一度「チェック」を押してください。"
# Another tab or form on the same exercise and answers.json: each form notices within this
# many seconds that the saved text is no longer its own (one thread per kernel checks).
WATCH_INTERVAL = 2.0
REPLACED_OTHER = (
    "別のタブかフォームで保存されていた返信を、この欄の返信で置き換えました。"
    "置き換えた返信は消さずに answers.json の履歴に残してあります（冒頭: 「{head}」）。"
)
REPLACED_HERE = (
    "この問題の返信が、別のタブかフォームで保存され、この欄の返信と違う内容になりました（保存された返信の冒頭: 「{head}」）。"
    "この欄の返信も answers.json の履歴に残っています。この欄の返信を採点に使うときは、もう一度「チェック」を押してください。"
)


def _head(text: str, chars: int = 20) -> str:
    text = " ".join(text.split())
    return text if len(text) <= chars else text[:chars] + "…"


def _small_edit(a: str, b: str, limit: int) -> bool:
    """True if ``a`` and ``b`` differ in at most ``limit`` characters between a common
    prefix and a common suffix (a few keystrokes, wherever the cursor was)."""
    prefix = len(os.path.commonprefix([a, b]))
    a, b = a[prefix:], b[prefix:]
    suffix = len(os.path.commonprefix([a[::-1], b[::-1]]))
    return max(len(a), len(b)) - suffix <= limit


def _clock() -> str:
    return datetime.now().strftime("%H:%M:%S")


class RewriteForm(widgets.VBox):
    """The scenario, the bad reply, a text box, a チェック button, the save status and the feedback.

    ``form.check()`` does what the button does and returns the Report (None if the text
    cannot be graded); ``form.report`` keeps the last one.
    """

    autosave_delay: float = 1.0  # seconds without typing before an autosave

    def __init__(
        self,
        exercise_id: str,
        scenario: str | Scenario | None = None,
        answers_path: str | os.PathLike | None = None,
        save: bool = True,
        show_context: bool = True,
    ):
        super().__init__()
        self.exercise_id = exercise_id
        self.scenario = self._resolve_scenario(exercise_id, scenario)
        self.answers_path = Path(answers_path or answers.FILENAME).absolute()
        self.save_enabled = save
        self.report: Report | None = None
        self._checked_text: str | None = None
        self._checked_at: float | None = None
        self._feedback_stale = False
        self._known: str = ""  # the saved text as this form last read or wrote it
        self._warned_for: str | None = None  # the other save this form already told about

        self._state = threading.Lock()  # guards _pending and _timer
        self._save_lock = threading.Lock()  # one save at a time, in typing order
        self._pending: str | None = None
        self._timer: threading.Timer | None = None
        self._idle = threading.Event()
        self._idle.set()
        self._status_level = ""

        self.textarea = widgets.Textarea(placeholder=PLACEHOLDER, rows=8, layout=widgets.Layout(width="100%"))
        self.button = widgets.Button(
            description="チェック", button_style="primary", icon="check", tooltip="返信を採点して保存します"
        )
        self.status = widgets.HTML(layout=widgets.Layout(margin="0 0 0 12px"))
        self.notice = widgets.HTML()
        self.feedback = widgets.HTML()
        for widget, name in [
            (self, "outai-form"),
            (self.textarea, "outai-textarea"),
            (self.button, "outai-check"),
            (self.status, "outai-status"),
            (self.notice, "outai-notices"),
            (self.feedback, "outai-feedback"),
        ]:
            widget.add_class(name)
        children: list[widgets.Widget] = []
        if show_context:
            context = widgets.HTML(scenario_html(self.scenario, exercise_id))
            context.add_class("outai-context")
            children.append(context)
        controls = widgets.HBox([self.button, self.status], layout=widgets.Layout(align_items="center"))
        children += [self.textarea, controls, self.notice, self.feedback]
        self.children = children

        self._flush_earlier_forms()
        self.textarea.value = self._load()
        self.textarea.observe(self._on_change, names="value")
        self.button.on_click(lambda _button: self.check())
        _live_forms.add(self)
        if self.save_enabled:
            _start_watching()

    def _ipython_display_(self) -> None:
        """The form, and above it a hint that shows only where the form is not live: after
        a kernel restart, or in a reopened notebook ("model not found")."""
        from IPython.display import display

        display({"text/html": form_hint_html(), "text/plain": FORM_HINT}, raw=True)
        if self.comm is not None:  # a closed widget has no view to show
            display(self._repr_mimebundle_(), raw=True)

    # ------------------------------------------------------------------ grading

    def check(self, amend: bool = False) -> Report | None:
        """Grade the text, show the feedback, and save the text with its score.

        ``amend`` replaces the last check in the history (a re-grade of the same click).
        """
        text = self.textarea.value
        with self._state:  # this save supersedes any pending autosave
            self._cancel_timer()
            self._pending = None
        report = None
        self._checked_text = text
        try:
            report = check(text, self.scenario)
        except InputError as e:
            self.feedback.value = notice_html(str(e), "error")
        except Exception as e:  # a bug in the checker must not cost the learner their text
            log.exception("checking %s failed", self.exercise_id)
            self.feedback.value = notice_html(
                f"採点中に思わぬエラーが起きました（{type(e).__name__}: {e}）。"
                "書いた返信は保存してあります。お手数ですが、このメッセージを講師に伝えてください。",
                "error",
            )
        else:
            self.feedback.value = report_html(report)
        self._feedback_stale = False
        self.report = report
        if self.save_enabled:
            with self._save_lock:
                if report is None:
                    self._store(text, "check", amend=amend)
                else:
                    self._store(text, "check", report.score, report.max_score, amend=amend)
            self._mark_idle_if_done()
        # The raced keystrokes queue behind this click: the window opens once the kernel is
        # free to read them, so slow grading cannot close it first.
        self._checked_at = time.monotonic()
        return report

    # ------------------------------------------------------------------ saving

    def flush(self) -> None:
        """Save a pending autosave now (the チェック button and closing do this too)."""
        with self._state:
            self._cancel_timer()
        self._save_pending()

    def wait_saved(self, timeout: float | None = None) -> bool:
        """Block until no autosave is pending; False if ``timeout`` seconds passed first."""
        return self._idle.wait(timeout)

    def close(self) -> None:
        self.flush()
        super().close()

    def _on_change(self, change: dict) -> None:
        self._follow_up_check(change["new"])
        if not self.save_enabled:
            return
        with self._state:
            self._pending = change["new"]
            self._idle.clear()
            self._cancel_timer()
            # Not a daemon thread: at interpreter exit Python waits for it, so the save lands.
            self._timer = threading.Timer(self.autosave_delay, self._save_pending)
            self._timer.start()
        self._set_status("入力中…（手を止めると自動で保存します）", "info")

    def _follow_up_check(self, text: str) -> None:
        """Re-grade a text that raced the button; otherwise flag feedback that no longer fits."""
        if self._checked_at is None or text == self._checked_text:
            return
        raced = time.monotonic() - self._checked_at < RECHECK_WINDOW
        if raced and _small_edit(self._checked_text, text, RACE_EDIT_CHARS):
            self.check(amend=True)
        elif not self._feedback_stale:
            self._feedback_stale = True
            self.feedback.value = notice_html(STALE_FEEDBACK, "info") + self.feedback.value

    def _cancel_timer(self) -> None:  # caller holds _state
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _save_pending(self) -> None:
        with self._save_lock:
            with self._state:
                text, self._pending = self._pending, None
            if text is not None:
                self._store(text, "autosave")
        self._mark_idle_if_done()

    def _mark_idle_if_done(self) -> None:
        with self._state:
            if self._pending is None:
                self._idle.set()

    def _store(
        self, text: str, event: str, score: int | None = None, max_score: int | None = None, amend: bool = False
    ) -> None:
        """Write one save; show the outcome. The text stays in the box whatever happens.

        If another tab or form saved this exercise since this form last read or wrote it,
        answers.save keeps that text in the history, and both forms say so.
        """
        other = answers.latest_text(self.answers_path, self.exercise_id) or ""
        try:
            moved = answers.save(
                self.answers_path, self.exercise_id, text, event, score, max_score, amend, known=self._known
            )
        except answers.TooLongToSave as e:
            # Not the folder's fault: say what is too long and what to do.
            self._set_status(f"{e}。書いた返信はこの欄に残っています。", "error")
            return
        except Exception as e:
            if not isinstance(e, OSError):
                log.exception("saving %s failed", self.exercise_id)
            reason = getattr(e, "strerror", None) or str(e) or type(e).__name__
            self._set_status(
                f"保存できませんでした（{reason}）。書いた返信はこの欄に残っています。"
                f"保存先 {self.answers_path.parent} に書き込めるか確かめてください。",
                "error",
            )
            return
        if moved is not None:
            self.notice.value = notice_html(
                f"読めなかった answers.json は消さずに「{moved.name}」という名前で同じフォルダーに残し、"
                "新しい answers.json に保存しました。以前の回答が必要なときは、そのファイルを講師に見せてください。",
                "warning",
            )
        if other and other not in (self._known, text):
            self.notice.value = notice_html(REPLACED_OTHER.format(head=_head(other)), "warning")
        self._known = self._warned_for = text
        self._set_status(f"保存しました ({_clock()})", "ok")

    def _notice_other_save(self) -> None:
        """Called by the watcher: say so if another tab or form saved a different text."""
        with self._save_lock:
            stored = answers.latest_text(self.answers_path, self.exercise_id)
            if stored is None or stored in (self._known, self._warned_for, self.textarea.value):
                return
            self._warned_for = stored
        self.notice.value = notice_html(REPLACED_HERE.format(head=_head(stored)), "warning")
        self._set_status("別のタブかフォームの返信が保存されています。", "warning")

    def _set_status(self, message: str, level: str) -> None:
        # While typing, skip re-sending the same "typing" line on every keystroke.
        if level == "info" and self._status_level == "info":
            return
        self._status_level = level
        self.status.value = status_html(message, level)

    # ------------------------------------------------------------------ set-up

    @staticmethod
    def _resolve_scenario(exercise_id: str, scenario: str | Scenario | None) -> Scenario:
        if isinstance(scenario, Scenario):
            return scenario
        return get_scenario(scenario or get_exercise(exercise_id).scenario)

    def _flush_earlier_forms(self) -> None:
        """Re-running a cell makes a new form: let the old one save first, so no typing is lost."""
        for form in list(_live_forms):
            if form.exercise_id == self.exercise_id and form.answers_path == self.answers_path:
                form.flush()

    def _load(self) -> str:
        """The saved text for this exercise ('' if none), and the status that says so."""
        if not self.save_enabled:
            self._set_status("練習用のフォームです（書いた返信は保存されません）。", "ok")
            return ""
        try:
            entry = answers.read(self.answers_path).get(self.exercise_id)
        except (answers.CorruptAnswers, OSError) as e:
            self.notice.value = notice_html(
                f"answers.json を読み込めませんでした（{e}）。"
                "ファイルは消さずにそのまま残してあります。次に保存するとき、古いファイルを "
                "answers.json.corrupt-日時 という名前に変えてから、新しい answers.json に保存します。"
                "以前の回答が必要なときは、そのファイルを講師に見せてください。",
                "warning",
            )
            self._set_status("まだ保存していません。入力すると新しいファイルに保存します。", "warning")
            return ""
        if entry and entry.get("text"):
            self._known = self._warned_for = entry["text"]
            self._set_status(f"保存済みの回答を読み込みました（最終保存 {self._local_time(entry.get('updated'))}）。", "ok")
            return entry["text"]
        self._set_status(f"入力すると自動で保存されます（保存先: {self.answers_path.name}）。", "ok")
        return ""

    @staticmethod
    def _local_time(stamp: object) -> str:
        try:
            return datetime.fromisoformat(str(stamp)).astimezone().strftime("%m/%d %H:%M")
        except ValueError:
            return "不明"


_watcher: threading.Thread | None = None


def _watch_forms() -> None:
    while True:
        time.sleep(WATCH_INTERVAL)
        for form in list(_live_forms):
            if form.save_enabled and form.comm is not None:
                try:
                    form._notice_other_save()
                except Exception:  # a watcher must never stop: the next round tries again
                    log.exception("watching %s failed", form.exercise_id)


def _start_watching() -> None:
    """One daemon thread per kernel looks at every live form's answers.json."""
    global _watcher
    if _watcher is None or not _watcher.is_alive():
        _watcher = threading.Thread(target=_watch_forms, name="outai-form-watcher", daemon=True)
        _watcher.start()


__all__ = ["PLACEHOLDER", "RewriteForm"]

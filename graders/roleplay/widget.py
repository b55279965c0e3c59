"""RolePlay: a conversation with a customer as an ipywidgets chat in JupyterLab.

    >>> from graders.roleplay import RolePlay
    >>> RolePlay("07-roleplay.q1")                                            # graded, test mode
    >>> RolePlay("practice.roleplay-1", dialogue="same-day-shipping")         # practice

Customer bubbles, the learner's box with 送信 and 最初から, the trust meter (信頼度) with
the reason for each change. In practice mode every turn shows its acts and why the
customer answered so; in test mode that comes at the end, with the transcript, the
meter's path and the grades. The transcript is saved to answers.json after every turn
(graders.roleplay.storage); creating the widget replays what was saved and writes nothing.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import ipywidgets as widgets

from ..checker.errors import InputError
from ..checker.render import notice_html
from ..learner import answers
from ..learner.exercises import all_conversations
from . import storage
from .dialogue import Dialogue, get_dialogue
from .engine import Conversation, play
from .grading import grade
from .render import chat_html, ending_html, intro_html, meter_html

PLACEHOLDER = "お客様への返事を書いて「送信」を押してください。"
# The browser can deliver the 送信 click before the last keystrokes of the box (ipywidgets
# holds back a box's changes while an earlier one is unanswered, but sends a click at
# once); text that extends the turn just sent and lands this soon after the kernel finished
# that turn replaces it, and text that lands this soon after a click on a box the kernel
# still saw empty is sent.
RACE_WINDOW = 2.0
RACE_EDIT_CHARS = 20


def _raced(sent: str, late: str) -> bool:
    """Is ``late`` the same turn with the last few keystrokes the click missed?"""
    common = len(os.path.commonprefix([sent, late]))
    return late != sent and bool(late.strip()) and len(sent) - common <= RACE_EDIT_CHARS and len(late) > common


class RolePlay(widgets.VBox):
    """``send(text)`` does what 送信 does and returns the Turn (None if the text was refused)."""

    def __init__(
        self,
        exercise_id: str,
        dialogue: str | Dialogue | None = None,
        mode: str | None = None,
        answers_path: str | os.PathLike | None = None,
        save: bool = True,
        show_context: bool = True,
    ):
        super().__init__()
        registered = all_conversations().get(exercise_id)
        if dialogue is None and registered is None:
            raise InputError(f"会話の課題「{exercise_id}」は登録されていません。dialogue= で会話を指定してください。")
        self.dialogue = dialogue if isinstance(dialogue, Dialogue) else get_dialogue(dialogue or registered.dialogue)
        self.exercise_id = exercise_id
        self.practice = (mode or ("test" if registered else "practice")) == "practice"
        self.answers_path = Path(answers_path or answers.FILENAME).absolute()
        self.save_enabled = save
        self._sent: str | None = None
        self._sent_at = 0.0
        self._waiting_since: float | None = None  # 送信 came with an empty box: text may follow

        self.chat = widgets.HTML()
        self.meter = widgets.HTML()
        self.notice = widgets.HTML()
        self.end = widgets.HTML()
        self.textarea = widgets.Textarea(placeholder=PLACEHOLDER, rows=3, layout=widgets.Layout(width="100%"))
        self.send_button = widgets.Button(description="送信", button_style="primary", icon="paper-plane")
        self.restart_button = widgets.Button(description="最初から", icon="undo", tooltip="会話を最初からやり直します")
        for widget, name in [
            (self, "outai-roleplay"), (self.chat, "outai-rp-chat"), (self.meter, "outai-rp-meter"),
            (self.notice, "outai-notices"), (self.end, "outai-rp-end"), (self.textarea, "outai-rp-text"),
            (self.send_button, "outai-rp-send"), (self.restart_button, "outai-rp-restart"),
        ]:
            widget.add_class(name)
        children = [widgets.HTML(intro_html(self.dialogue))] if show_context else []
        buttons = widgets.HBox([self.send_button, self.restart_button])
        self.children = children + [self.chat, self.meter, self.notice, self.textarea, buttons, self.end]

        self.conversation = self._load()
        self.textarea.observe(self._on_change, names="value")
        self.send_button.on_click(lambda _b: self.send())
        self.restart_button.on_click(lambda _b: self.restart())
        self._render()

    # --- state ---------------------------------------------------------------------------

    def _load(self) -> Conversation:
        try:
            turns = storage.load(self.answers_path, self.exercise_id, self.dialogue.id)
        except (storage.UnreadableTranscript, InputError) as e:
            self.notice.value = notice_html(f"{e} 新しい会話を始めます（前の記録は answers.json の履歴に残っています）。", "warning")
            turns = None
        return play(self.dialogue, turns or [])

    def _save(self) -> None:
        if not self.save_enabled:
            return
        try:
            moved = storage.save(self.answers_path, self.exercise_id, self.dialogue.id, self.conversation.texts)
        except OSError as e:
            self.notice.value = notice_html(f"会話を保存できませんでした（{e.strerror or e}）。フォルダに書き込めるか確かめてください。")
            return
        if moved:
            self.notice.value = notice_html(f"読めなかった answers.json は {moved.name} として残しました。", "warning")

    def _render(self) -> None:
        self.chat.value = chat_html(self.conversation, self.practice)
        self.meter.value = meter_html(self.conversation, self.practice)
        self.end.value = ending_html(self.conversation, grade(self.conversation)) if self.conversation.over else ""
        self.textarea.disabled = self.send_button.disabled = self.conversation.over

    # --- actions -------------------------------------------------------------------------

    def send(self, text: str | None = None):
        from_box = text is None
        text = self.textarea.value if from_box else text
        if from_box and not text.strip():
            self._waiting_since = time.monotonic()  # the click may have beaten the text
        if self.conversation.over:
            self.notice.value = notice_html("この会話は終わりました。もう一度話すときは「最初から」を押してください。", "info")
            return None
        try:
            turn = self.conversation.say(text)
        except InputError as e:  # the text stays in the box
            self.notice.value = notice_html(str(e))
            return None
        self.notice.value = ""
        self._waiting_since = None
        self._sent = text
        self.textarea.value = ""
        self._save()
        self._render()
        # The late keystrokes queue behind this click: the window opens when the kernel is
        # free to read them, so a slow save or render cannot close it before they land.
        self._sent_at = time.monotonic()
        return turn

    def restart(self) -> None:
        """A new conversation; the saved one stays until the first new turn is sent."""
        self.conversation = Conversation(self.dialogue)
        self.notice.value = ""
        self._sent = None
        self._render()

    def _on_change(self, change) -> None:
        late = change["new"]
        if self._waiting_since is not None and late.strip():
            waited = time.monotonic() - self._waiting_since
            self._waiting_since = None
            if waited <= RACE_WINDOW:  # the text of a click that arrived first
                self.send()
            return
        if self._sent is None or time.monotonic() - self._sent_at > RACE_WINDOW or not _raced(self._sent, late):
            return
        # The click beat the last keystrokes: replay the conversation with the whole turn.
        turns = self.conversation.texts[:-1] + [late]
        self.conversation = play(self.dialogue, turns)
        self._sent = None
        self.textarea.value = ""
        self._save()
        self._render()

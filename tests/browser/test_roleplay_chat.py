"""A learner talks to the customer of conversation 1 of 07-roleplay in JupyterLab: one
conversation to a resolved ending, one lost the way the seed's caller lost it.

What the page must show (ending, meter) is computed in this process by replaying the same
turns, so the tests prove the browser shows the engine's conversation; the transcript
must reach answers.json.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from graders.roleplay import play
from graders.roleplay.dialogue import get_dialogue
from labpage import KERNEL_TIMEOUT, UI_TIMEOUT, LabPage

ASSIGNMENT = "07-roleplay"
EXERCISE_ID = "07-roleplay.q1"
DIALOGUE = get_dialogue("resort-cold-call")
README_SCREENSHOT = Path("docs/images/roleplay-chat.png")
FILE_TIMEOUT = 30.0


def example(name: str) -> list[str]:
    return list(next(e for e in DIALOGUE.examples if e.name == name).turns)


RESOLVED = example("理由を尋ね、落ち着いた頃の連絡を提案する")
LOST = example("「必要ないことはない」と否定し、会うことを迫る（元の事例の流れ）")


@pytest.fixture
def chat(lab: LabPage, fresh_copy):
    folder = fresh_copy(f"exercises/{ASSIGNMENT}")
    lab.open_notebook(folder / f"{ASSIGNMENT}.ipynb")
    lab.run_all()  # the grade cells fail (nothing played yet); the first chat is up by then
    root = lab.notebook.locator(".outai-roleplay").first
    expect(root.locator(".outai-rp-text textarea")).to_be_visible(timeout=KERNEL_TIMEOUT)
    return lab, folder, root


def talk(lab: LabPage, root, turns: list[str]) -> None:
    for n, turn in enumerate(turns, 1):
        box = root.locator(".outai-rp-text textarea")
        box.click()
        lab.page.keyboard.type(turn)
        expect(box).to_have_value(turn)
        root.locator("button.outai-rp-send").click()
        expect(root.locator(".outai-bubble.outai-learner")).to_have_count(n, timeout=UI_TIMEOUT)
        expect(root.locator(".outai-bubble.outai-customer")).to_have_count(n + 1, timeout=UI_TIMEOUT)


def saved_turns(path: Path, timeout: float = FILE_TIMEOUT) -> list[str]:
    deadline, turns = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        try:
            turns = json.loads(json.loads(path.read_text(encoding="utf-8"))["answers"][EXERCISE_ID]["text"])["turns"]
            return turns
        except (FileNotFoundError, json.JSONDecodeError, KeyError):
            time.sleep(0.1)  # polling a file the kernel writes
    raise AssertionError(f"no transcript in {path} after {timeout} s")


def test_a_conversation_to_a_resolved_ending(chat, artifacts_dir):
    lab, folder, root = chat
    talk(lab, root, RESOLVED)
    expected = play(DIALOGUE, RESOLVED).conversation
    ending = root.locator(f".outai-ending.outai-resolved[data-ending='{expected.ending.id}']")
    expect(ending).to_be_visible(timeout=UI_TIMEOUT)
    expect(root.locator(f".outai-meter[data-trust='{expected.trust}']")).to_be_visible()
    expect(ending.locator(".outai-rp-criterion.failed")).to_have_count(0)
    expect(ending.locator("img[alt='信頼度の動き']")).to_be_visible()
    expect(root.locator("button.outai-rp-send")).to_be_disabled()
    assert saved_turns(folder / "answers.json") == RESOLVED
    assert lab.dialogs == []
    # The README's picture of a finished conversation (rewritten only when asked to).
    size = lab.page.viewport_size
    lab.page.set_viewport_size({"width": 1100, "height": 2400})  # the whole widget in view
    root.scroll_into_view_if_needed()
    shot = artifacts_dir / README_SCREENSHOT.name
    root.screenshot(path=str(shot), animations="disabled", caret="hide")
    lab.page.set_viewport_size(size)
    target = Path(__file__).resolve().parents[2] / README_SCREENSHOT
    if not target.exists() or os.environ.get("OUTAI_UPDATE_SCREENSHOTS") == "1":
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, target)


def test_a_conversation_lost_as_in_the_seed(chat):
    lab, folder, root = chat
    talk(lab, root, LOST)
    expected = play(DIALOGUE, LOST).conversation
    assert expected.ending.kind == "lost"
    expect(root.locator(f".outai-ending.outai-lost[data-ending='{expected.ending.id}']")).to_be_visible(timeout=UI_TIMEOUT)
    expect(root.locator(".outai-meter[data-trust='0']")).to_be_visible()
    assert saved_turns(folder / "answers.json") == LOST
    # 最初から: a new conversation in the same widget; the saved one stays until a new turn
    root.locator("button.outai-rp-restart").click()
    expect(root.locator(".outai-bubble.outai-learner")).to_have_count(0, timeout=UI_TIMEOUT)
    expect(root.locator("button.outai-rp-send")).to_be_enabled()
    assert saved_turns(folder / "answers.json") == LOST

"""The chat widget and the transcript in answers.json: saved after every turn through
graders.learner.answers, replayed exactly, never dropped; play() without widgets."""

import json

import pytest

from graders.learner import answers
from graders.roleplay import RolePlay, play, storage
from graders.roleplay import widget as widget_module
from graders.roleplay.dialogue import get_dialogue

APOLOGY_AND_FIX = "大変申し訳ございません。さぞお困りでしょう。注文画面は先ほど復旧し、止まっていた間の注文も、こちらですべて確認いたしました。"
CAUSE_AND_PREVENTION = "原因は、昨夜の更新作業で設定を誤ったことでした。今後は更新のたびに二人で確認し、同じことが起きないようにいたします。"


@pytest.fixture
def path(tmp_path):
    return tmp_path / "answers.json"


def _widget(path, **kw):
    kw.setdefault("dialogue", "outage-apology")
    return RolePlay("practice.rp", answers_path=path, **kw)


def test_each_turn_is_saved_and_a_new_widget_replays_it(path):
    widget = _widget(path)
    assert not path.exists()  # creating a widget writes nothing
    widget.textarea.value = APOLOGY_AND_FIX
    widget.send()
    assert widget.textarea.value == ""
    assert storage.load(path, "practice.rp", "outage-apology") == [APOLOGY_AND_FIX]
    again = _widget(path)
    assert again.chat.value == widget.chat.value and again.meter.value == widget.meter.value
    assert len(answers.read(path)["practice.rp"]["attempts"]) == 1


def test_refused_text_stays_in_the_box_and_is_not_saved(path):
    widget = _widget(path)
    widget.textarea.value = "   "
    assert widget.send() is None
    assert "空" in widget.notice.value and widget.textarea.value == "   "
    assert not path.exists() and widget.conversation.turns == []


def test_the_end_shows_ending_transcript_chart_habits_and_grades(path):
    widget = _widget(path)
    widget.send(APOLOGY_AND_FIX)
    widget.send(CAUSE_AND_PREVENTION)
    end = widget.end.value
    assert "data-ending='calmed'" in end and "outai-resolved" in end
    assert "data:image/png;base64," in end and "outai-habits" in end
    assert end.count("outai-rp-criterion passed") == 3
    assert widget.send_button.disabled and widget.textarea.disabled
    assert widget.send("まだ話せますか。") is None  # over: nothing is taken
    assert len(widget.conversation.turns) == 2


def test_test_mode_keeps_feedback_for_the_end(path):
    practice, test = _widget(path, save=False), _widget(path, save=False, mode="test")
    for widget in (practice, test):
        widget.send(APOLOGY_AND_FIX)
    assert "outai-trace" in practice.chat.value and "outai-span" in practice.chat.value
    assert "outai-trace" not in test.chat.value and "outai-span" not in test.chat.value
    assert "信頼度 +30" in practice.meter.value and "信頼度 +30" not in test.meter.value
    test.send(CAUSE_AND_PREVENTION)
    assert "outai-span" in test.end.value  # the transcript with acts, at the end


def test_restart_keeps_the_saved_conversation_until_a_new_turn(path):
    widget = _widget(path)
    widget.send(APOLOGY_AND_FIX)
    widget.restart()
    assert widget.conversation.turns == []
    assert storage.load(path, "practice.rp", "outage-apology") == [APOLOGY_AND_FIX]
    widget.send("今回の障害は、昨夜の更新作業で設定を誤ったことが原因でした。")
    entry = answers.read(path)["practice.rp"]
    assert json.loads(entry["text"])["turns"] == ["今回の障害は、昨夜の更新作業で設定を誤ったことが原因でした。"]
    assert [json.loads(a["text"])["turns"] for a in entry["attempts"]][0] == [APOLOGY_AND_FIX]


def test_keystrokes_that_raced_the_click_complete_the_turn(path):
    widget = _widget(path)
    widget.textarea.value = "大変申し訳ございません。"
    widget.send()
    assert widget.conversation.turns[-1].go == "wants_fix"
    widget.textarea.value = "大変申し訳ございません。注文画面は先ほど復旧しました。"  # the late sync
    assert widget.conversation.turns[-1].text.endswith("復旧しました。")
    assert widget.conversation.turns[-1].go == "asks_why" and widget.textarea.value == ""
    assert storage.load(path, "practice.rp", "outage-apology") == ["大変申し訳ございません。注文画面は先ほど復旧しました。"]


def test_keystrokes_still_complete_the_turn_after_a_slow_save(path, clock):
    # The late keystrokes wait behind the click: a save or render longer than the window
    # must not make them look like a new reply.
    clock.make_slow(storage, "save", 3 * widget_module.RACE_WINDOW)
    widget = _widget(path)
    widget.textarea.value = "大変申し訳ございません。"
    widget.send()
    clock.advance(0.05)  # the queued update is read as soon as the kernel is free
    widget.textarea.value = "大変申し訳ございません。注文画面は先ほど復旧しました。"
    assert widget.conversation.turns[-1].text.endswith("復旧しました。")
    assert storage.load(path, "practice.rp", "outage-apology") == ["大変申し訳ございません。注文画面は先ほど復旧しました。"]


def test_a_new_reply_typed_later_is_not_taken_for_a_race(path):
    widget = _widget(path)
    widget.send("大変申し訳ございません。")
    widget._sent_at -= 5  # long after the click
    widget.textarea.value = "大変申し訳ございません。注文画面は先ほど復旧しました。"
    assert len(widget.conversation.turns) == 1 and widget.conversation.turns[0].go == "wants_fix"
    assert widget.textarea.value.endswith("復旧しました。")  # the draft stays for the learner


def test_learner_text_is_escaped(path):
    widget = _widget(path, save=False)
    widget.send("<script>alert(1)</script>大変申し訳ございません。")
    assert "<script>" not in widget.chat.value and "&lt;script&gt;" in widget.chat.value


def test_an_unreadable_transcript_starts_fresh_and_is_kept_in_history(path):
    answers.save(path, "practice.rp", "これは会話の記録ではありません", event="check")
    widget = _widget(path)
    assert "読めません" in widget.notice.value and widget.conversation.turns == []
    widget.send(APOLOGY_AND_FIX)
    attempts = answers.read(path)["practice.rp"]["attempts"]
    assert attempts[0]["text"] == "これは会話の記録ではありません"


def test_a_transcript_of_another_dialogue_is_refused():
    with pytest.raises(storage.UnreadableTranscript):
        storage.decode(storage.encode("resort-cold-call", ["はい。"]), "outage-apology")


def test_play_without_widgets_matches_the_widget(path):
    widget = _widget(path, save=False)
    widget.send(APOLOGY_AND_FIX)
    widget.send(CAUSE_AND_PREVENTION)
    played = play("outage-apology", [APOLOGY_AND_FIX, CAUSE_AND_PREVENTION])
    assert played.conversation.trust == widget.conversation.trust
    assert [r.passed for r in played.results] == [True, True, True]
    assert "結末: 解決" in str(played) and "data-ending='calmed'" in played._repr_html_()


def test_an_unregistered_exercise_needs_a_dialogue(path):
    with pytest.raises(Exception, match="登録されていません"):
        RolePlay("practice.none", answers_path=path)
    assert get_dialogue("outage-apology").id == "outage-apology"


def test_text_that_arrives_just_after_a_click_on_an_empty_box_is_sent(path):
    widget = _widget(path)
    widget.send()  # the click arrived before any of the text
    assert "空" in widget.notice.value and widget.conversation.turns == []
    widget.textarea.value = APOLOGY_AND_FIX  # the text, a moment later
    assert [t.text for t in widget.conversation.turns] == [APOLOGY_AND_FIX]
    assert widget.notice.value == "" and widget.textarea.value == ""

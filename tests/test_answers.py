"""answers.json: atomic, locked saves keyed by exercise id, with history; unreadable files kept aside."""

import json
import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone

import pytest

from graders.learner import answers


def stored(path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_save_then_read(tmp_path):
    path = tmp_path / "answers.json"
    assert answers.read(path) == {} and not path.exists()
    assert answers.save(path, "01-apology-order.q1", "大変申し訳ございません。", "check", 3, 4) is None
    entry = answers.read(path)["01-apology-order.q1"]
    assert entry["text"] == "大変申し訳ございません。"
    (attempt,) = entry["attempts"]
    assert attempt["event"] == "check" and attempt["score"] == 3 and attempt["max_score"] == 4
    assert answers.latest_text(path, "01-apology-order.q1") == "大変申し訳ございません。"
    assert answers.latest_text(path, "unknown") is None
    assert stored(path)["version"] == answers.VERSION


def test_file_is_readable_utf8_without_escapes(tmp_path):
    path = tmp_path / "answers.json"
    answers.save(path, "q", "申し訳ございません")
    assert "申し訳ございません".encode("utf-8") in path.read_bytes()


def test_attempts_have_timezone_aware_timestamps_in_order(tmp_path):
    path = tmp_path / "answers.json"
    for i in range(3):
        answers.save(path, "q", f"返信{i}", "check", i, 4)
    entry = answers.read(path)["q"]
    times = [datetime.fromisoformat(a["time"]) for a in entry["attempts"]]
    assert all(t.tzinfo is not None for t in times) and times == sorted(times)
    assert [a["text"] for a in entry["attempts"]] == ["返信0", "返信1", "返信2"]
    assert datetime.fromisoformat(entry["updated"]) >= times[-1]


def test_every_check_is_an_attempt_even_with_the_same_text(tmp_path):
    path = tmp_path / "answers.json"
    answers.save(path, "q", "同じ", "check", 1, 4)
    answers.save(path, "q", "同じ", "check", 1, 4)
    assert len(answers.read(path)["q"]["attempts"]) == 2


def test_autosave_of_unchanged_text_adds_no_attempt(tmp_path):
    path = tmp_path / "answers.json"
    answers.save(path, "q", "返信", "check", 1, 4)
    answers.save(path, "q", "返信", "autosave")
    assert [a["event"] for a in answers.read(path)["q"]["attempts"]] == ["check"]


def test_autosaves_within_a_minute_keep_one_draft_but_the_latest_text(tmp_path):
    path = tmp_path / "answers.json"
    for text in ["大", "大変", "大変申し訳"]:
        answers.save(path, "q", text, "autosave")
    entry = answers.read(path)["q"]
    assert entry["text"] == "大変申し訳"
    assert [a["text"] for a in entry["attempts"]] == ["大"]


def test_an_autosave_after_an_old_draft_starts_a_new_one(tmp_path):
    path = tmp_path / "answers.json"
    answers.save(path, "q", "古い下書き", "autosave")
    data = stored(path)
    old = datetime.now(timezone.utc) - answers.DRAFT_INTERVAL - timedelta(seconds=5)
    data["answers"]["q"]["attempts"][0]["time"] = old.isoformat(timespec="seconds")
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    answers.save(path, "q", "新しい下書き", "autosave")
    assert [a["text"] for a in answers.read(path)["q"]["attempts"]] == ["古い下書き", "新しい下書き"]


def test_an_autosave_after_a_check_is_a_new_attempt(tmp_path):
    path = tmp_path / "answers.json"
    answers.save(path, "q", "一回目", "check", 1, 4)
    answers.save(path, "q", "直した返信", "autosave")
    assert [a["event"] for a in answers.read(path)["q"]["attempts"]] == ["check", "autosave"]


def test_other_exercises_are_left_alone(tmp_path):
    path = tmp_path / "answers.json"
    answers.save(path, "a", "Aの返信", "check", 1, 2)
    answers.save(path, "b", "Bの返信")
    answers.save(path, "b", "Bの返信2", "check", 2, 2)
    stored_answers = answers.read(path)
    assert stored_answers["a"]["text"] == "Aの返信" and len(stored_answers["a"]["attempts"]) == 1
    assert stored_answers["b"]["text"] == "Bの返信2"


def test_no_temp_files_are_left_behind(tmp_path):
    path = tmp_path / "answers.json"
    for i in range(5):
        answers.save(path, "q", str(i), "check")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["answers.json"]


def test_a_lone_surrogate_is_saved_and_read_back(tmp_path):
    path = tmp_path / "answers.json"
    text = "貼り付けた\ud800文字"
    answers.save(path, "q", text, "check")
    path.read_bytes().decode("utf-8")  # still valid UTF-8
    assert answers.latest_text(path, "q") == text


CORRUPT = {
    "not json": b"{ this is not json",
    "not utf-8": "申し訳".encode("shift_jis") + b"\xff\xfe",
    "empty": b"",
    "a list": b"[1, 2, 3]",
    "answers not a dict": b'{"version": 1, "answers": []}',
    "entry not a dict": b'{"version": 1, "answers": {"q": "text"}}',
    "text not a string": b'{"version": 1, "answers": {"q": {"text": 3}}}',
    "attempts not a list": b'{"version": 1, "answers": {"q": {"text": "t", "attempts": 3}}}',
    "attempt not a dict": b'{"version": 1, "answers": {"q": {"text": "t", "attempts": [3]}}}',
}


@pytest.mark.parametrize("content", CORRUPT.values(), ids=CORRUPT.keys())
def test_unreadable_file_raises_corrupt_and_latest_text_is_none(tmp_path, content):
    path = tmp_path / "answers.json"
    path.write_bytes(content)
    with pytest.raises(answers.CorruptAnswers):
        answers.read(path)
    assert answers.latest_text(path, "q") is None


@pytest.mark.parametrize("content", CORRUPT.values(), ids=CORRUPT.keys())
def test_save_keeps_an_unreadable_file_aside_byte_for_byte(tmp_path, content):
    path = tmp_path / "answers.json"
    path.write_bytes(content)
    moved = answers.save(path, "q", "新しい返信", "check", 1, 2)
    assert moved is not None and moved.parent == tmp_path and moved.name.startswith("answers.json.corrupt-")
    assert moved.read_bytes() == content
    assert answers.read(path)["q"]["text"] == "新しい返信"
    assert answers.save(path, "q", "次の返信") is None  # the new file is fine


def test_setting_aside_twice_keeps_both_copies(tmp_path):
    path = tmp_path / "answers.json"
    names = set()
    for content in (b"first", b"second", b"third"):
        path.write_bytes(content)
        names.add(answers.set_aside(path))
    assert len(names) == 3
    assert sorted(p.read_bytes() for p in names) == [b"first", b"second", b"third"]


def test_a_folder_named_answers_json_is_set_aside_too(tmp_path):
    path = tmp_path / "answers.json"
    path.mkdir()
    (path / "inside.txt").write_text("keep me")
    moved = answers.save(path, "q", "返信")
    assert (moved / "inside.txt").read_text() == "keep me"
    assert answers.latest_text(path, "q") == "返信"


def test_threads_saving_at_once_lose_nothing(tmp_path):
    path = tmp_path / "answers.json"
    ids = [f"ex{i}" for i in range(8)]
    start = threading.Barrier(len(ids))

    def work(exercise_id):
        start.wait()
        for n in range(15):
            answers.save(path, exercise_id, f"{exercise_id}-{n}", "check", n, 15)

    threads = [threading.Thread(target=work, args=(e,)) for e in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    final = answers.read(path)
    assert set(final) == set(ids)
    for e in ids:
        assert final[e]["text"] == f"{e}-14"
        assert [a["text"] for a in final[e]["attempts"]] == [f"{e}-{n}" for n in range(15)]


WRITER = """
import sys
from graders.learner import answers
path, exercise_id = sys.argv[1], sys.argv[2]
for n in range(20):
    answers.save(path, exercise_id, f"{exercise_id}-{n}", "check", n, 20)
"""


def test_processes_saving_at_once_lose_nothing(tmp_path):
    path = tmp_path / "answers.json"
    ids = ["kernel-a", "kernel-b", "kernel-c"]
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), e]) for e in ids]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0]
    final = answers.read(path)
    for e in ids:
        assert [a["text"] for a in final[e]["attempts"]] == [f"{e}-{n}" for n in range(20)]

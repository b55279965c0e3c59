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
    "nested 2 kB deep": b'{"answers": ' + b"[" * 2000 + b"]" * 2000 + b"}",
}
# Issue 11.7: one malformed entry spoils only itself.
MALFORMED_ENTRY = {
    "entry not a dict": b'"text"',
    "text not a string": b'{"text": 3}',
    "attempts not a list": b'{"text": "t", "attempts": 3}',
}


@pytest.mark.parametrize("content", CORRUPT.values(), ids=CORRUPT.keys())
def test_unreadable_file_raises_corrupt_and_latest_text_is_none(tmp_path, content):
    path = tmp_path / "answers.json"
    path.write_bytes(content)
    with pytest.raises(answers.CorruptAnswers):
        answers.read(path)
    assert answers.latest_text(path, "q") is None
    assert answers.load(path).status in answers.PROBLEMS


@pytest.mark.parametrize("content", CORRUPT.values(), ids=CORRUPT.keys())
def test_save_keeps_an_unreadable_file_aside_byte_for_byte(tmp_path, content):
    path = tmp_path / "answers.json"
    path.write_bytes(content)
    moved = answers.save(path, "q", "新しい返信", "check", 1, 2)
    assert moved is not None and moved.parent == tmp_path and moved.name.startswith("answers.json.corrupt-")
    assert moved.read_bytes() == content
    assert answers.read(path)["q"]["text"] == "新しい返信"
    assert answers.save(path, "q", "次の返信") is None  # the new file is fine


@pytest.mark.parametrize("entry", MALFORMED_ENTRY.values(), ids=MALFORMED_ENTRY.keys())
def test_one_malformed_entry_keeps_the_rest_readable_and_saved(tmp_path, entry):
    path = tmp_path / "answers.json"
    path.write_bytes(b'{"version": 1, "answers": {"bad": ' + entry + b', "good": {"text": "\\u6b8b\\u308b", "attempts": []}}}')
    assert answers.read(path) == {"good": {"text": "残る", "attempts": []}}
    saved = answers.load(path)
    assert saved.status is None and saved.broken == {"bad"}
    assert answers.choose(saved, "bad", "ノートの返信") == answers.Choice("ノートの返信", "notebook", "invalid_entry")
    # Saving another exercise neither sets the file aside nor drops the malformed entry.
    assert answers.save(path, "other", "新しい返信") is None
    raw = json.loads(path.read_text(encoding="utf-8"))["answers"]
    assert raw["bad"] == json.loads(entry) and raw["good"]["text"] == "残る" and raw["other"]["text"] == "新しい返信"
    # Saving the malformed exercise keeps what was there under "replaced".
    answers.save(path, "bad", "書き直した返信")
    raw = json.loads(path.read_text(encoding="utf-8"))["answers"]
    assert raw["bad"]["text"] == "書き直した返信" and raw["bad"]["replaced"] == json.loads(entry)


def test_an_attempt_that_is_not_a_dict_is_skipped_not_fatal(tmp_path):
    path = tmp_path / "answers.json"
    path.write_bytes(b'{"answers": {"q": {"text": "t", "attempts": [3, {"event": "check", "text": "t"}]}}}')
    assert answers.read(path)["q"]["attempts"] == [{"event": "check", "text": "t"}]


def test_a_utf8_bom_is_accepted(tmp_path):
    path = tmp_path / "answers.json"
    path.write_bytes("\ufeff".encode() + json.dumps({"answers": {"q": {"text": "返信"}}}).encode())
    assert answers.latest_text(path, "q") == "返信"
    assert answers.save(path, "q", "次") is None  # not set aside


def test_files_that_are_not_files_are_refused_without_reading(tmp_path):
    import os

    fifo = tmp_path / "fifo" / "answers.json"
    fifo.parent.mkdir()
    os.mkfifo(fifo)  # reading it would block forever
    link = tmp_path / "link" / "answers.json"
    link.parent.mkdir()
    link.symlink_to("/dev/zero")  # reading it would never end
    folder = tmp_path / "folder" / "answers.json"
    folder.mkdir(parents=True)
    for path in (fifo, link, folder):
        saved = answers.load(path)
        assert saved.status == "unreadable_file" and saved.detail, path
        with pytest.raises(answers.CorruptAnswers):
            answers.read(path)


def test_a_huge_file_is_refused(tmp_path):
    path = tmp_path / "answers.json"
    with open(path, "wb") as f:
        f.write(b'{"answers": {}, "pad": "')
        f.truncate(answers.MAX_FILE_BYTES + 1)  # sparse: big on paper, nothing on disk
    saved = answers.load(path)
    assert saved.status == "too_large" and "バイト" in saved.detail


def test_a_save_over_the_cap_stores_nothing_and_says_so_in_japanese(tmp_path):
    path = tmp_path / "answers.json"
    answers.save(path, "q", "前の返信")
    with pytest.raises(answers.TooLongToSave, match="長すぎます"):
        answers.save(path, "q", "あ" * (answers.MAX_SAVED_CHARS + 1))
    assert answers.latest_text(path, "q") == "前の返信"


def test_the_history_is_capped_and_the_latest_text_kept(tmp_path):
    path = tmp_path / "answers.json"
    for i in range(answers.MAX_ATTEMPTS + 5):
        answers.save(path, "q", f"返信{i}", "check")
    entry = answers.read(path)["q"]
    assert len(entry["attempts"]) == answers.MAX_ATTEMPTS
    assert entry["text"] == entry["attempts"][-1]["text"] == f"返信{answers.MAX_ATTEMPTS + 4}"


def test_temp_files_of_interrupted_saves_are_removed_by_the_next_save(tmp_path):
    path = tmp_path / "answers.json"
    stale = [tmp_path / f"{answers.TEMP_PREFIX}{n}{answers.TEMP_SUFFIX}" for n in ("abc", "def")]
    for leftover in stale:
        leftover.write_bytes(b'{"answers": {"q": {"text": "half')
    keep = tmp_path / "notes.tmp"
    keep.write_text("a learner's own file")
    answers.save(path, "q", "返信")
    assert not any(p.exists() for p in stale) and keep.exists()


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

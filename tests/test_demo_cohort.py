"""demo-cohort: deterministic for a seed, a realistic spread, and every injected problem found."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import tempfile
import sys
from datetime import datetime
from pathlib import Path

import pytest

from graders.learner import answers
from graders.cohort.commands import grade_cohort
from graders.cohort.report import final_texts, near_duplicates, read_grades, submission_scores
from graders.cohort.demo import MANIFEST, build_cohort, demo_course

ASSIGNMENTS = ["01-apology-order", "02-asking-reason"]


def tree_digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("demo") / "cohort"
    return out, build_cohort(out, 40, seed=7, assignments=ASSIGNMENTS)


@pytest.fixture(scope="module")
def grades(demo):
    out, _ = demo
    csv_text = io.StringIO()
    summary = grade_cohort(out, csv_text)
    csv_text.seek(0)
    return read_grades(csv_text), summary


def test_the_same_seed_gives_the_same_files(tmp_path):
    build_cohort(tmp_path / "a", 12, seed=3, assignments=ASSIGNMENTS)
    build_cohort(tmp_path / "b", 12, seed=3, assignments=ASSIGNMENTS)
    build_cohort(tmp_path / "c", 12, seed=4, assignments=ASSIGNMENTS)
    a, b, c = (tree_digest(tmp_path / n) for n in "abc")
    assert a == b
    assert a != c


def test_it_is_a_copy_of_the_course_with_submissions(demo):
    out, manifest = demo
    assert (out / "nbgrader_config.py").is_file()
    students = sorted(p.name for p in (out / "submitted").iterdir())
    assert students == [f"learner-{i:04d}" for i in range(1, 41)]
    assert manifest["learners"] == 40 and manifest["assignments"] == ASSIGNMENTS
    stray = [p for p in out.rglob("answers.json*") if "submitted" not in p.parts]
    assert stray == []  # no instructor's answers copied along with the course


def test_histories_span_several_days_and_end_with_the_saved_text(demo):
    out, _ = demo
    days, counts = set(), []
    for path in (out / "submitted").glob(f"*/{ASSIGNMENTS[0]}/answers.json"):
        try:
            stored = answers.read(path)
        except answers.CorruptAnswers:
            continue
        for entry in stored.values():
            times = [datetime.fromisoformat(a["time"]) for a in entry["attempts"]]
            assert times == sorted(times)
            assert entry["attempts"][-1]["text"] == entry["text"]
            days.update(t.date() for t in times)
            counts.append(len(times))
    assert len(days) >= 3
    assert min(counts) == 1 and max(counts) >= 4


def test_scores_spread_from_weak_to_strong(grades):
    table, _ = grades
    scores = submission_scores(table)
    for assignment in ASSIGNMENTS:
        shares = scores.loc[scores["assignment"] == assignment, "share"]
        assert shares.max() == 1.0, assignment
        assert shares.min() == 0.0, assignment
        assert shares.nunique() >= 4, assignment
        assert 0.25 < shares.mean() < 0.85, assignment


def test_every_injected_problem_is_reported_for_its_learner(demo, grades):
    _, manifest = demo
    table, summary = grades
    status = table.groupby(["student_id", "assignment"])["status"].agg(set)
    injected = 0
    for kind, cases in manifest["problems"].items():
        for student, assignment in cases:
            for a in [assignment] if assignment else ASSIGNMENTS:
                assert kind in status[(student, a)], (kind, student, a)
                injected += 1
    assert sum(summary.problems.values()) == injected
    assert set(summary.problems) == {k for k, v in manifest["problems"].items() if v}
    assert set(summary.problems) >= {"missing_file", "empty_file", "not_utf8", "corrupt_file", "no_assignment"}


def test_broken_files_are_broken_the_way_real_ones_are(demo):
    out, manifest = demo
    problems = {k: v for k, v in manifest["problems"].items()}
    student, assignment = problems["not_utf8"][0]
    raw = (out / "submitted" / student / assignment / "answers.json").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert json.loads(raw.decode("shift_jis"))["version"] == 1
    student, assignment = problems["corrupt_file"][0]
    with pytest.raises(json.JSONDecodeError):
        json.loads((out / "submitted" / student / assignment / "answers.json").read_text(encoding="utf-8"))
    student, _ = problems["no_assignment"][0]
    assert not any((out / "submitted" / student).iterdir())


def test_the_copied_answers_are_found_as_near_duplicates(demo):
    out, manifest = demo
    pairs = near_duplicates(final_texts(out))
    found = {(r.exercise, *sorted((r.student_a, r.student_b))) for r in pairs.itertuples()}
    assert manifest["copies"]
    for copy in manifest["copies"]:
        assert (copy["exercise"], *sorted((copy["from"], copy["to"]))) in found


def test_it_never_writes_into_a_folder_that_has_files(tmp_path):
    (tmp_path / "keep.txt").write_text("大事なファイル", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "graders", "demo-cohort", "--learners", "3", "--out", str(tmp_path)],
        capture_output=True, text=True, encoding="utf-8",
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


def test_the_command_builds_a_cohort(tmp_path):
    out = tmp_path / "demo"
    done = subprocess.run(
        [sys.executable, "-m", "graders", "demo-cohort", "--learners", "12", "--out", str(out), "--seed", "5", "--assignment", ASSIGNMENTS[0]],
        capture_output=True, text=True, encoding="utf-8",
    )
    assert done.returncode == 0, done.stderr
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["seed"] == 5 and manifest["learners"] == 12
    assert len(list((out / "submitted").iterdir())) == 12
    assert str(out) in done.stdout


def test_the_reports_demo_is_built_once_and_reused(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    first = demo_course(12, seed=1)
    stamp = (first / MANIFEST).stat().st_mtime_ns
    assert demo_course(12, seed=1) == first
    assert (first / MANIFEST).stat().st_mtime_ns == stamp  # not rebuilt
    other = demo_course(13, seed=1)
    assert other != first and json.loads((other / MANIFEST).read_text(encoding="utf-8"))["learners"] == 13
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([first.name, other.name])  # nothing half-built left


def test_one_learner_patches_the_checker_in_the_notebook(tmp_path):
    from graders.cohort.demo import TAMPER_CELL, build_cohort

    manifest = build_cohort(tmp_path / "demo", 12, seed=3, assignments=["01-apology-order"])
    [[student, assignment]] = manifest["tampered"]
    notebook = (tmp_path / "demo" / "submitted" / student / assignment / f"{assignment}.ipynb").read_text(encoding="utf-8")
    assert "assert_criterion = lambda" in notebook and TAMPER_CELL.splitlines()[0] in notebook
    others = [p for p in (tmp_path / "demo" / "submitted").rglob("*.ipynb") if student not in p.parts]
    assert others and not any("assert_criterion = lambda" in p.read_text(encoding="utf-8") for p in others)

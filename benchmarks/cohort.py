"""``python -m benchmarks.cohort``: grade-cohort's speed and memory against nbgrader autograde.

    python -m benchmarks.cohort [--learners 1000] [--large-answers 100000] [--sample 3] [--strict]

All measured in one run, on demo cohorts (graders.cohort.demo) in a temporary folder:

1. ``python -m graders grade-cohort`` (a child process, start-up included) on LEARNERS
   learners x every registered exercise, --jobs 1 and --jobs 2: wall time, CPU time,
   answers/second.
2. Target: 10,000 answers in under 15 s with --jobs 2 (a cohort sized to 10,000 answers).
3. ``nbgrader autograde`` (the real CLI) on SAMPLE of the same submissions, copied into a
   course of their own: seconds per submission, against grade-cohort's per submission of
   the same assignment; and the two must agree (graders.cohort.tamper finds no mismatch).
4. Peak memory for 10,000 and LARGE answers (--jobs 2): the peak RSS of the largest
   process and of the whole process tree (sampled with psutil), with the CSV size.
   Target: memory grows no faster than the output (here it should stay flat).

Wall-clock figures depend on the load of the shared 2-core machine (the load average is
printed with the table), so the 10,000-answer target is also judged on the run's own CPU
time spread over two cores. --strict exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from graders.cohort.demo import build_cohort
from graders.learner.exercises import all_exercises, for_assignment

ROOT = Path(__file__).resolve().parent.parent
TARGET_ANSWERS, TARGET_SECONDS = 10_000, 15.0
SAMPLE_ASSIGNMENT = "01-apology-order"
# The rewrite assignments only: answers are counted per rewrite exercise (conversations,
# replayed turn by turn, are another workload).
REWRITES = sorted({e.assignment for e in all_exercises().values()})


@dataclass
class Run:
    seconds: float  # wall clock, start-up included
    cpu_seconds: float  # user + system of the whole process tree
    largest_rss_mb: float  # peak RSS of the largest single process of the tree (sampled)
    tree_rss_mb: float  # peak of the summed RSS of the process tree (sampled)
    returncode: int
    stderr: str


@dataclass
class Row:
    name: str
    value: str
    target: str = ""
    ok: bool | None = None  # None: information only


def env() -> dict[str, str]:
    # nbgrader runs `alembic` by name when it creates a gradebook: this Python's bin first.
    e = dict(os.environ)
    e["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), e.get("PATH", "")])
    e["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), e.get("PYTHONPATH")]))
    return e


def run(args: list[str], cwd: Path) -> Run:
    """Run ``python -m args``; wall, CPU and memory of its whole process tree."""
    import psutil

    # Sampled, not wait4's ru_maxrss: Linux carries a child's pre-exec RSS (a copy of this
    # benchmark process, which grows as it builds cohorts) into ru_maxrss across exec.
    peak, largest = [0.0], [0.0]
    done = threading.Event()
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", *args], cwd=cwd, env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    def sample() -> None:
        try:
            parent = psutil.Process(proc.pid)
            while not done.is_set():
                total = 0
                for p in [parent, *parent.children(recursive=True)]:
                    try:
                        rss = p.memory_info().rss
                    except psutil.Error:
                        continue
                    total += rss
                    largest[0] = max(largest[0], rss / 2**20)
                peak[0] = max(peak[0], total / 2**20)
                time.sleep(0.1)
        except psutil.Error:
            pass

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    return Run(seconds, usage.ru_utime + usage.ru_stime, largest[0], peak[0], os.waitstatus_to_exitcode(status), stderr)


def grade_cohort(course: Path, out: Path, jobs: int, *assignments: str) -> Run:
    args = ["graders", "grade-cohort", "--course-dir", str(course), "--out", str(out), "--jobs", str(jobs)]
    if assignments:
        args += ["--assignment", *assignments]
    result = run(args, ROOT)
    if result.returncode != 0:
        raise SystemExit(f"grade-cohort failed ({result.returncode}): {result.stderr[-2000:]}")
    return result


def answers_in(csv_path: Path) -> tuple[int, int]:
    """(answer slots = learner x exercise, answers actually graded) in a grade-cohort CSV."""
    slots, graded = set(), set()
    with open(csv_path, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            key = (row["student_id"], row["exercise"])
            slots.add(key)
            if row["source"]:
                graded.add(key)
    return len(slots), len(graded)


def learners_for(answers: int) -> int:
    return math.ceil(answers / len(all_exercises()))


def nbgrader_sample(cohort: Path, work: Path, count: int) -> tuple[Run, int, list]:
    """autograde ``count`` submissions of SAMPLE_ASSIGNMENT copied from the cohort; return the
    timed run, the number of submissions and the tamper-check mismatches."""
    from graders.cohort.tamper import compare

    course = work / "nbgrader-sample"
    course.mkdir()
    shutil.copy2(cohort / "nbgrader_config.py", course)
    for folder in ("solutions", "exercises"):
        shutil.copytree(cohort / folder / SAMPLE_ASSIGNMENT, course / folder / SAMPLE_ASSIGNMENT)
    taken = 0
    for student in sorted(p.name for p in (cohort / "submitted").iterdir()):
        source = cohort / "submitted" / student / SAMPLE_ASSIGNMENT
        if taken < count and (source / "answers.json").is_file():
            shutil.copytree(source, course / "submitted" / student / SAMPLE_ASSIGNMENT, copy_function=shutil.copy2)
            taken += 1
    setup = run(["nbgrader", "generate_assignment", SAMPLE_ASSIGNMENT, "--force"], course)
    if setup.returncode != 0:
        raise SystemExit(f"nbgrader generate_assignment failed: {setup.stderr[-2000:]}")
    timed = run(["nbgrader", "autograde", SAMPLE_ASSIGNMENT], course)
    if timed.returncode != 0:
        raise SystemExit(f"nbgrader autograde failed: {timed.stderr[-2000:]}")
    report = compare(course, f"sqlite:///{course / 'gradebook.db'}")
    return timed, taken, report.mismatches


def measure(learners: int, large_answers: int, sample: int) -> list[Row]:
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="outai-bench-cohort-") as tmp:
        work = Path(tmp)
        exercises = len(all_exercises())

        started = time.perf_counter()
        cohort = work / "cohort"
        build_cohort(cohort, learners, seed=0, assignments=REWRITES)
        rows.append(Row(f"demo-cohort: {learners:,} learners x {exercises} exercises", f"{time.perf_counter() - started:.1f} s to build"))

        runs = {}
        for jobs in (1, 2):
            out = work / f"grades-{jobs}.csv"
            runs[jobs] = grade_cohort(cohort, out, jobs)
            slots, graded = answers_in(out)
            r = runs[jobs]
            rows.append(Row(f"grade-cohort --jobs {jobs}: {slots:,} answers ({graded:,} gradable)", f"{r.seconds:.1f} s wall, {slots / r.seconds:,.0f} answers/s (CPU {r.cpu_seconds:.1f} s)"))
        rows.append(Row("speed-up, --jobs 2 over --jobs 1 (wall)", f"{runs[1].seconds / runs[2].seconds:.2f}x"))

        # The target: 10,000 answers, both cores.
        target = work / "cohort-10k"
        build_cohort(target, learners_for(TARGET_ANSWERS), seed=1, link_notebooks=True, assignments=REWRITES)
        ten = grade_cohort(target, work / "grades-10k.csv", 2)
        slots, _ = answers_in(work / "grades-10k.csv")
        rows.append(Row(f"grade-cohort --jobs 2: {slots:,} answers", f"{ten.seconds:.1f} s wall, {slots / ten.seconds:,.0f} answers/s", f"< {TARGET_SECONDS:.0f} s", ten.seconds < TARGET_SECONDS))
        # The same run judged on its own work: CPU seconds spread over the two cores, which
        # is the wall time it would take on an otherwise idle 2-core machine.
        rows.append(Row(f"grade-cohort --jobs 2: {slots:,} answers, CPU time / 2 cores", f"{ten.cpu_seconds / 2:.1f} s", f"< {TARGET_SECONDS:.0f} s", ten.cpu_seconds / 2 < TARGET_SECONDS))

        # nbgrader on a sample of the same submissions, and grade-cohort on the same assignment.
        per_assignment = grade_cohort(cohort, work / "grades-one.csv", 1, SAMPLE_ASSIGNMENT)
        ours = per_assignment.seconds / learners
        theirs, taken, mismatches = nbgrader_sample(cohort, work, sample)
        rows.append(Row(f"nbgrader autograde, {taken} submissions of {SAMPLE_ASSIGNMENT}", f"{theirs.seconds:.1f} s wall, {theirs.seconds / taken:.2f} s per submission"))
        rows.append(Row(f"grade-cohort --jobs 1, {learners:,} submissions of {SAMPLE_ASSIGNMENT}", f"{per_assignment.seconds:.1f} s wall, {ours * 1000:.1f} ms per submission"))
        rows.append(Row("nbgrader / grade-cohort, seconds per submission", f"{theirs.seconds / taken / ours:,.0f}x"))
        rows.append(Row("the sample: nbgrader and grade-cohort disagree on", f"{len(mismatches)} grades", "0", not mismatches))

        # Memory: 10,000 answers against LARGE answers, both with two workers.
        large = work / "cohort-large"
        build_cohort(large, learners_for(large_answers), seed=2, link_notebooks=True, assignments=REWRITES)
        big = grade_cohort(large, work / "grades-large.csv", 2)
        big_slots, _ = answers_in(work / "grades-large.csv")
        small_csv, big_csv = (work / "grades-10k.csv").stat().st_size, (work / "grades-large.csv").stat().st_size
        rows.append(Row(f"peak RSS, {slots:,} answers: largest process / process tree", f"{ten.largest_rss_mb:.0f} / {ten.tree_rss_mb:.0f} MB (CSV {small_csv / 2**20:.1f} MB)"))
        rows.append(Row(f"peak RSS, {big_slots:,} answers: largest process / process tree", f"{big.largest_rss_mb:.0f} / {big.tree_rss_mb:.0f} MB (CSV {big_csv / 2**20:.1f} MB, {big.seconds:.0f} s)"))
        memory_growth = big.tree_rss_mb / ten.tree_rss_mb
        output_growth = big_csv / small_csv
        rows.append(Row("memory growth / output growth", f"{memory_growth:.2f}x / {output_growth:.1f}x", "memory <= output", memory_growth <= max(output_growth, 1.0)))
        rows.append(Row(f"memory growth, {big_slots / slots:.0f}x the answers (flat is the aim)", f"{memory_growth:.2f}x", "< 1.5x", memory_growth < 1.5))
    return rows


def print_table(rows: list[Row]) -> None:
    width = max(len(r.name) for r in rows)
    value_width = max(len(r.value) for r in rows)
    print(f"{'measure':<{width}}  {'value':<{value_width}}  {'target':<16}  result")
    for r in rows:
        result = "" if r.ok is None else ("PASS" if r.ok else "MISS")
        print(f"{r.name:<{width}}  {r.value:<{value_width}}  {r.target:<16}  {result}")
    load = os.getloadavg()
    print(f"\nload average (1/5/15 min) at the end: {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} on {os.cpu_count()} CPUs")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.cohort", description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=1000, help="learners in the main cohort (default 1000)")
    parser.add_argument("--large-answers", type=int, default=100_000, help="answers in the memory cohort (default 100000)")
    parser.add_argument("--sample", type=int, default=3, help="submissions nbgrader autogrades (default 3)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    if len(for_assignment(SAMPLE_ASSIGNMENT)) == 0:
        raise SystemExit(f"{SAMPLE_ASSIGNMENT} is not a registered assignment")
    rows = measure(args.learners, args.large_answers, args.sample)
    print_table(rows)
    return 1 if args.strict and any(r.ok is False for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())

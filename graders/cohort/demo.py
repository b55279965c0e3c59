"""A synthetic cohort in a copy of the course directory, deterministic for a seed.

    python -m graders demo-cohort --learners N --out DIR [--seed S] [--assignment ID ...]

DIR gets nbgrader_config.py, solutions/ and exercises/ of the course, and for each learner
submitted/<student>/<assignment>/ with the release notebook, nbgrader's timestamp.txt and an
answers.json holding an attempt history over several days. Replies are built from varied
fragments (graders/cohort/fragments.toml, plus each scenario's company-rule examples and
model answer): strong learners apologise first, ask the reason and offer an alternative;
weak ones explain first, refuse flatly, deny the customer or promise what the rules
forbid. A few learners copy another's answer, and a few files are broken the ways real
ones are (missing, empty, Shift_JIS, truncated; a student folder with no assignment).
One learner adds a cell that patches the checker inside the kernel (TAMPER_CELL), so that
nbgrader autograde gives full marks and `tamper-check` has a mismatch to report.
What was injected is listed in DIR/demo-cohort.json, so tests and the report can check it.

Each learner draws from their own random stream (seeded by seed and student id), so the
same seed gives byte-identical files, and generation never runs the checker (it stays
fast enough for the 100,000-answer benchmark). Demo attempts carry no stored score: the
report re-grades every attempt, because a stored score is never evidence.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import os
import random
import re
import shutil
import tempfile
import tomllib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from importlib import resources
from pathlib import Path

from ..assignments import references
from ..learner import answers
from ..checker.errors import InputError
from ..learner.exercises import ConversationExercise, Exercise, conversations_for, for_assignment, graded_assignments
from ..checker.scenarios import Scenario, get_scenario
from ..roleplay import storage
from ..roleplay.dialogue import get_dialogue

MANIFEST = "demo-cohort.json"
# The course a demo copies: this package's repository, when it is one (an editable install).
PACKAGE_COURSE_DIR = Path(__file__).resolve().parents[2]
COURSE_FILES = ("nbgrader_config.py",)
COURSE_FOLDERS = ("solutions", "exercises")  # nbgrader source and release (DESIGN.md)
SKIPPED = shutil.ignore_patterns("answers.json*", "*.corrupt-*", ".ipynb_checkpoints", "__pycache__")

# The first assignment opens on a Monday morning in Tokyo; each later one a week after.
FIRST_RELEASE = datetime(2026, 4, 6, 9, 0, tzinfo=timezone(timedelta(hours=9)))
# Share of learners given each injected problem (at least one learner each, from
# MIN_FOR_PROBLEMS learners on; a smaller demo is all clean submissions).
MIN_FOR_PROBLEMS = 10
PROBLEM_SHARES = {"missing_file": 0.015, "empty_file": 0.01, "not_utf8": 0.01, "corrupt_file": 0.015, "no_assignment": 0.005}
NOT_SUBMITTED_SHARE = 0.03  # a learner skips one assignment
NO_ANSWER_SHARE = 0.03  # a learner leaves one exercise unanswered
COPY_SHARE = 0.05  # a learner copies someone's final answer for one exercise
# What a learner who games autograde adds after the first answer cell (from MIN_FOR_PROBLEMS on).
TAMPER_CELL = """# 採点を通すためのセル
import graders.assignments.grade_cells
graders.assignments.grade_cells.assert_criterion = lambda *args, **kwargs: None
graders.assignments.grade_cells.assert_genuine = lambda *args, **kwargs: None
"""

# What each criterion wants present (good) and absent (bad), by act kind.
GOOD_KINDS = {
    "apology_before_explanation": ("apology", "cause"),
    "apology_first": ("apology",),
    "remedy_before_cause": ("remedy", "cause"),
    "asks_reason": ("reason_question",),
    "proposes_alternative": ("alternative",),
    "thanks": ("thanks",),
    "states_next_step": ("remedy",),
}
BAD_KINDS = {
    "proposes_alternative": ("refusal",),
    "within_rules": ("forbidden_promise",),
    "no_denial": ("denial",),
    "no_pressure": ("pressure",),
    "no_excuse": ("excuse",),
    "apology_before_explanation": ("excuse",),
    "apology_first": ("excuse",),
}
# A careful reply's order, and the explain-first order of a hurried one.
GOOD_ORDER = ("neutral", "thanks", "apology", "empathy", "reason_question", "remedy", "alternative", "cause", "prevention", "closing")
EXPLAIN_FIRST = ("cause", "excuse", "refusal", "remedy", "denial", "forbidden_promise", "pressure", "alternative", "reason_question", "apology", "closing")
CONNECTIVES = ("", "", "", "また、", "なお、", "つきましては、")


# ---------------------------------------------------------------- fragments


@functools.cache
def _fragment_file() -> dict:
    text = (resources.files(__package__) / "fragments.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def _sentences(text: str) -> list[str]:
    return [s.strip() + "。" for s in re.split(r"[。\n]+", text) if s.strip()]


def _as_sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith(("。", "？", "?", "！")) else text + "。"


@functools.cache
def fragment_pools(scenario_id: str) -> dict[str, tuple[str, ...]]:
    """Fragments by act kind for one scenario: generic pools, the scenario's own pools,
    and the must-match examples of its company rules (so its alternatives and forbidden
    promises sound like its own)."""
    data = _fragment_file()
    pools: dict[str, list[str]] = {kind: list(frags) for kind, frags in data["generic"].items()}
    for kind, frags in data.get("scenario", {}).get(scenario_id, {}).items():
        # A scenario's own fragments come first and are drawn twice as often.
        pools[kind] = list(frags) * 2 + pools.get(kind, [])
    for rule in get_scenario(scenario_id).rules:
        pools.setdefault(rule.kind, []).extend(_as_sentence(e.text) for e in rule.must_match)
    return {kind: tuple(frags) for kind, frags in pools.items() if frags}


# ---------------------------------------------------------------- one reply


@dataclass(frozen=True)
class Plan:
    """What a learner of a given skill puts in a reply, decided per draft."""

    wanted: tuple[str, ...]  # act kinds the scenario's criteria reward
    avoided: tuple[str, ...]  # act kinds they penalise


def plan_for(scenario: Scenario) -> Plan:
    ids = [c.id for c in scenario.criteria]
    wanted = tuple(dict.fromkeys(k for c in ids for k in GOOD_KINDS.get(c, ())))
    avoided = tuple(dict.fromkeys(k for c in ids for k in BAD_KINDS.get(c, ())))
    return Plan(wanted, avoided)


@dataclass
class Draft:
    """A reply under construction: which acts, in which order, in which words."""

    kinds: list[str]
    words: dict[str, str]  # kind -> the fragment used for it
    joiner: str

    def text(self) -> str:
        return self.joiner.join(self.words[k] for k in self.kinds)


def _fragment(rng: random.Random, pools: dict, kind: str, first: bool) -> str:
    fragment = rng.choice(pools[kind])
    if not first and kind not in ("closing", "apology") and rng.random() < 0.3:
        fragment = rng.choice(CONNECTIVES) + fragment
    return fragment


def _order(rng: random.Random, skill: float) -> tuple[str, ...]:
    if rng.random() < skill**0.6:
        return GOOD_ORDER
    if rng.random() < 0.6:
        return EXPLAIN_FIRST
    everything = sorted(set(GOOD_ORDER) | set(EXPLAIN_FIRST))
    return tuple(rng.sample(everything, k=len(everything)))


def _arrange(kinds: list[str], order: tuple[str, ...]) -> list[str]:
    return sorted(kinds, key=lambda k: order.index(k) if k in order else len(order))


def plan_draft(rng: random.Random, scenario: Scenario, skill: float) -> Draft:
    """A fresh reply by a learner of ``skill`` (0 weak .. 1 strong)."""
    pools = fragment_pools(scenario.id)
    plan = plan_for(scenario)
    kinds = [k for k in plan.wanted if rng.random() < min(0.98, 0.15 + 0.95 * skill)]
    kinds += [k for k in plan.avoided if rng.random() < 0.75 * (1 - skill) ** 1.3]
    for kind, share in (("neutral", 0.5), ("empathy", 0.6 * skill), ("prevention", 0.5 * skill), ("closing", 0.45)):
        if rng.random() < share:
            kinds.append(kind)
    if rng.random() < 0.25 * (1 - skill):  # a hurried learner apologises at the very end
        kinds.append("apology")
    kinds = [k for k in dict.fromkeys(kinds) if pools.get(k)] or ["refusal" if pools.get("refusal") else "neutral"]
    kinds = _arrange(kinds, _order(rng, skill))
    words = {k: _fragment(rng, pools, k, i == 0) for i, k in enumerate(kinds)}
    return Draft(kinds, words, "\n" if rng.random() < 0.35 else "")


def revise(rng: random.Random, scenario: Scenario, draft: Draft, skill: float, stuck: bool) -> Draft:
    """The next attempt: most of the draft stays; a learner at ``skill`` adds what is
    missing, drops what hurts and fixes the order. A stuck learner only rewords."""
    pools = fragment_pools(scenario.id)
    plan = plan_for(scenario)
    kinds, words = list(draft.kinds), dict(draft.words)
    if not stuck:
        for kind in plan.wanted:
            if kind not in kinds and pools.get(kind) and rng.random() < 0.4 + 0.5 * skill:
                kinds.append(kind)
        for kind in plan.avoided:
            if kind in kinds and rng.random() < 0.3 + 0.6 * skill:
                kinds.remove(kind)
        if rng.random() < skill:
            kinds = _arrange(kinds, GOOD_ORDER)
        elif rng.random() < 0.3:
            kinds = _arrange(kinds, _order(rng, skill))
    for kind in kinds:
        if kind not in words or rng.random() < (0.6 if stuck else 0.2):
            words[kind] = _fragment(rng, pools, kind, kind == kinds[0])
    kinds = kinds or list(draft.kinds)
    return Draft(kinds, {k: words[k] for k in kinds}, draft.joiner)


def compose(rng: random.Random, scenario: Scenario, skill: float) -> str:
    """One reply by a learner of ``skill`` (0 weak .. 1 strong), from varied fragments."""
    return plan_draft(rng, scenario, skill).text()


def bad_reply_start(rng: random.Random, scenario: Scenario) -> str | None:
    """A first attempt that is the bad reply itself, lightly touched, as many learners start."""
    if not scenario.bad_reply or rng.random() >= 0.35:
        return None
    sentences = _sentences(scenario.bad_reply)
    if rng.random() < 0.5:
        sentences.insert(0, rng.choice(fragment_pools(scenario.id).get("apology", ("すみません。",))))
    return "".join(sentences)


def lightly_edited(rng: random.Random, text: str) -> str:
    """A copied answer with the small edits people make to hide a copy."""
    edits = [("いたします", "致します"), ("。", "。\n"), ("ございません", "ありません"), ("ご", "御")]
    old, new = rng.choice(edits)
    return text.replace(old, new, 1) if old in text else text + "\nよろしくお願いいたします。"


# ---------------------------------------------------------------- one learner


@dataclass(frozen=True)
class Learner:
    id: str
    skill: float  # final skill, 0..1
    stuck: bool  # makes attempts without getting better


def make_learner(seed: int, index: int) -> Learner:
    rng = random.Random(f"{seed}:learner:{index}")
    skill = rng.betavariate(2.4, 1.7)
    return Learner(f"learner-{index + 1:04d}", skill, rng.random() < 0.08)


def conversation_history(rng: random.Random, learner: Learner, exercise: ConversationExercise, opened: datetime) -> dict:
    """The answers.json entry of one conversation: one of its dialogue's example
    conversations (skilled learners more often a resolved one), saved turn by turn."""
    dialogue = get_dialogue(exercise.dialogue)
    weights = [learner.skill if dialogue.endings[e.ending].kind == "resolved" else 1 - learner.skill for e in dialogue.examples]
    turns = list(rng.choices(dialogue.examples, weights=weights)[0].turns)
    moment = opened + timedelta(hours=rng.uniform(0, 72))
    attempts = []
    for n in range(1, len(turns) + 1):
        attempts.append({"time": _iso(moment), "event": "turn", "text": storage.encode(dialogue.id, turns[:n])})
        moment += timedelta(seconds=rng.uniform(20, 120))
    return {"text": attempts[-1]["text"], "updated": attempts[-1]["time"], "attempts": attempts}


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def attempt_history(rng: random.Random, learner: Learner, exercise: Exercise, opened: datetime) -> dict:
    """The answers.json entry of one exercise: drafts over several days, improving (or not)."""
    scenario = get_scenario(exercise.scenario)
    count = 1 + min(7, int(rng.expovariate(0.55 if learner.skill < 0.5 or learner.stuck else 0.9)))
    if learner.stuck:
        count = max(count, 4)
    start_skill = learner.skill if learner.stuck else learner.skill * rng.uniform(0.2, 0.8)
    moment = opened + timedelta(hours=rng.uniform(0, 72))
    texts = []
    # Learners who go on to rewrite often start from the bad reply itself.
    start = bad_reply_start(rng, scenario) if count > 1 else None
    if start is not None:
        texts.append(start)
    draft = plan_draft(rng, scenario, start_skill)
    while len(texts) < count:
        progress = len(texts) / (count - 1) if count > 1 else 1.0
        if len(texts) > (start is not None):
            draft = revise(rng, scenario, draft, start_skill + (learner.skill - start_skill) * progress, learner.stuck)
        texts.append(draft.text())
    attempts = []
    for n, text in enumerate(texts):
        event = "check" if rng.random() < 0.7 or n == count - 1 else "autosave"
        attempts.append({"time": _iso(moment), "event": event, "text": text})
        # Most retries come minutes apart; some after a night's sleep.
        moment += timedelta(minutes=rng.uniform(2, 40)) if rng.random() < 0.7 else timedelta(hours=rng.uniform(8, 40))
    return {"text": attempts[-1]["text"], "updated": attempts[-1]["time"], "attempts": attempts}


# ---------------------------------------------------------------- the cohort


def default_course_dir() -> Path:
    return PACKAGE_COURSE_DIR if (PACKAGE_COURSE_DIR / "nbgrader_config.py").is_file() else Path.cwd()


def copy_course(course_dir: Path, out: Path, assignments: list[str]) -> None:
    """nbgrader_config.py, and source and release of the chosen assignments (no learners'
    answers, no gradebook: nbgrader generate_assignment makes a fresh one)."""
    for name in COURSE_FILES:
        if (course_dir / name).is_file():
            shutil.copy2(course_dir / name, out / name)
    for name in COURSE_FOLDERS:
        for assignment in assignments:
            if (course_dir / name / assignment).is_dir():
                shutil.copytree(course_dir / name / assignment, out / name / assignment, ignore=SKIPPED)
    # The instructors' reference replies: `python -m graders autograde` compares with them.
    if (course_dir / references.FILENAME).is_file():
        (out / references.FILENAME).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(course_dir / references.FILENAME, out / references.FILENAME)


def _problem_plan(seed: int, learners: int, assignments: list[str]) -> dict[str, dict[str, str]]:
    """Which learner gets which injected problem, in which assignment: {kind: {student: assignment}}."""
    rng = random.Random(f"{seed}:problems")
    ids = [f"learner-{i + 1:04d}" for i in range(learners)]
    pool = rng.sample(ids, k=len(ids))
    plan: dict[str, dict[str, str]] = {}
    for kind, share in PROBLEM_SHARES.items():
        count = max(1, round(learners * share)) if learners >= MIN_FOR_PROBLEMS else 0
        chosen = [pool.pop() for _ in range(count)]
        plan[kind] = {s: ("" if kind == "no_assignment" else rng.choice(assignments)) for s in chosen}
    for kind, share in (("not_submitted", NOT_SUBMITTED_SHARE), ("no_answer", NO_ANSWER_SHARE)):
        # With one assignment, skipping it is the no_assignment case above.
        wanted = round(learners * share) if learners >= MIN_FOR_PROBLEMS and (kind != "not_submitted" or len(assignments) > 1) else 0
        chosen = rng.sample(pool, k=min(len(pool), wanted))
        plan[kind] = {s: rng.choice(assignments) for s in sorted(chosen)}
    return plan


def _copy_plan(seed: int, learners: int, exercises: list[Exercise], problems: dict) -> list[dict]:
    """Who copies whose final answer; only learners whose files are intact, so every
    listed copy is really there to be found."""
    rng = random.Random(f"{seed}:copies")
    troubled = {s for who in problems.values() for s in who}
    clean = [f"learner-{i + 1:04d}" for i in range(learners) if f"learner-{i + 1:04d}" not in troubled]
    if len(clean) < 2 or not exercises:  # conversations are replayed, not copied
        return []
    copies: list[dict] = []
    used: set[tuple[str, str]] = set()  # (learner, exercise) already in a copy: no chains
    for _ in range(max(1, round(learners * COPY_SHARE))):
        source, target = rng.sample(clean, 2)
        exercise = rng.choice(exercises).id
        if (source, exercise) in used or (target, exercise) in used:
            continue
        used.update({(source, exercise), (target, exercise)})
        copies.append({"from": source, "to": target, "exercise": exercise, "exact": rng.random() < 0.5})
    return copies


def _tamper_plan(learners: int, assignments: list[str], problems: dict, copies: list[dict]) -> dict[str, str]:
    """The one learner who patches the checker: the last one with intact files and no copy."""
    if learners < MIN_FOR_PROBLEMS:
        return {}
    busy = {s for who in problems.values() for s in who} | {c[k] for c in copies for k in ("from", "to")}
    clean = [f"learner-{i + 1:04d}" for i in range(learners) if f"learner-{i + 1:04d}" not in busy]
    return {clean[-1]: assignments[0]} if clean else {}


def _add_tamper_cell(notebook: Path) -> None:
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    first_answer = next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id", "").endswith("-answer"))
    cell = nbformat.v4.new_code_cell(TAMPER_CELL)
    cell.id = "tamper"
    nb.cells.insert(first_answer + 1, cell)
    nbformat.write(nb, notebook)


def _broken_bytes(kind: str, entries: dict) -> bytes | None:
    """answers.json as a real broken file looks; None means no file at all."""
    payload = json.dumps({"version": answers.VERSION, "answers": entries}, ensure_ascii=False, indent=1)
    if kind == "missing_file":
        return None
    if kind == "empty_file":
        return b""
    if kind == "not_utf8":  # saved again from an editor set to Shift_JIS
        return payload.encode("shift_jis", errors="replace")
    if kind == "corrupt_file":  # cut off mid-write (before the atomic store existed)
        return payload[: len(payload) * 2 // 3].encode("utf-8")
    raise ValueError(kind)


def build_cohort(
    out: str | os.PathLike,
    learners: int,
    seed: int = 0,
    assignments: list[str] | None = None,
    course_dir: str | os.PathLike | None = None,
    link_notebooks: bool = False,
) -> dict:
    """Write the demo cohort to ``out`` (which must not exist or be empty); return the manifest.

    ``link_notebooks`` hard-links the release notebooks instead of copying them (the
    benchmarks' 100,000-answer cohort); never use it for a cohort someone will edit.
    """
    if learners < 1:
        raise InputError("--learners は 1 以上の整数で指定してください。")
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise InputError(f"「{out}」はすでにあり、空ではありません。上書きはしないので、新しいフォルダ名を指定してください。")
    registered = graded_assignments()
    chosen = list(dict.fromkeys(assignments)) if assignments else registered
    unknown = [a for a in chosen if a not in registered]
    if unknown:
        raise InputError(f"課題「{'、'.join(unknown)}」は登録されていません。登録済みの課題: {', '.join(registered)}")
    exercises = [e for a in chosen for e in for_assignment(a)]
    for exercise in exercises:
        get_scenario(exercise.scenario)  # an unknown scenario fails before anything is written
    course = Path(course_dir) if course_dir is not None else default_course_dir()
    out.mkdir(parents=True, exist_ok=True)
    copy_course(course, out, chosen)

    problems = _problem_plan(seed, learners, chosen)
    copies = _copy_plan(seed, learners, exercises, problems)
    tampered = _tamper_plan(learners, chosen, problems, copies)
    copied_into = {(c["to"], c["exercise"]): c for c in copies}
    sources = {(c["from"], c["exercise"]) for c in copies}
    final_texts: dict[tuple[str, str], str] = {}  # only the few answers someone copies
    # Learners who are copied from are written first, so the copy can use their text.
    copied_from = {s for s, _ in sources}
    order = sorted(range(learners), key=lambda i: (f"learner-{i + 1:04d}" not in copied_from, i))
    for index in order:
        learner = make_learner(seed, index)
        rng = random.Random(f"{seed}:answers:{learner.id}")
        folder = out / "submitted" / learner.id
        folder.mkdir(parents=True)
        if learner.id in problems["no_assignment"]:
            continue
        for assignment in chosen:
            if problems["not_submitted"].get(learner.id) == assignment:
                continue
            opened = FIRST_RELEASE + timedelta(days=7 * registered.index(assignment))
            entries = {}
            for exercise in for_assignment(assignment):
                entry = attempt_history(rng, learner, exercise, opened)
                copy = copied_into.get((learner.id, exercise.id))
                if copy is not None and (copy["from"], exercise.id) in final_texts:
                    text = final_texts[(copy["from"], exercise.id)]
                    text = text if copy["exact"] else lightly_edited(rng, text)
                    entry["attempts"].append({"time": entry["updated"], "event": "check", "text": text})
                    entry["text"] = text
                if (learner.id, exercise.id) in sources:
                    final_texts[(learner.id, exercise.id)] = entry["text"]
                if problems["no_answer"].get(learner.id) == assignment and len(entries) == 0:
                    continue  # the first exercise of this assignment left unanswered
                entries[exercise.id] = entry
            for conversation in conversations_for(assignment):
                entries[conversation.id] = conversation_history(rng, learner, conversation, opened)
            _write_submission(folder / assignment, assignment, entries, problems, learner.id, out, link_notebooks)
            if tampered.get(learner.id) == assignment:
                _add_tamper_cell(folder / assignment / f"{assignment}.ipynb")
    manifest = {
        "generator": "python -m graders demo-cohort",
        "seed": seed,
        "learners": learners,
        "assignments": chosen,
        "problems": {kind: [[s, a] for s, a in sorted(who.items())] for kind, who in problems.items()},
        "copies": copies,
        "tampered": [[s, a] for s, a in tampered.items()],
    }
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return manifest


def _write_submission(folder: Path, assignment: str, entries: dict, problems: dict, student: str, out: Path, link: bool) -> None:
    folder.mkdir()
    release = out / "exercises" / assignment / f"{assignment}.ipynb"
    if release.is_file():
        target = folder / release.name
        if link:
            os.link(release, target)
        else:
            shutil.copyfile(release, target)
    last = max((e["updated"] for e in entries.values()), default=_iso(FIRST_RELEASE))
    stamp = datetime.fromisoformat(last).astimezone(timezone.utc)
    # nbgrader's own format for the submission time (read by autograde for late penalties).
    (folder / "timestamp.txt").write_text(stamp.strftime("%Y-%m-%d %H:%M:%S.%f UTC"), encoding="utf-8")
    kind = next((k for k in ("missing_file", "empty_file", "not_utf8", "corrupt_file") if problems[k].get(student) == assignment), None)
    if kind is None:
        payload = json.dumps({"version": answers.VERSION, "answers": entries}, ensure_ascii=False, indent=1)
        (folder / answers.FILENAME).write_text(payload, encoding="utf-8")
        return
    data = _broken_bytes(kind, entries)
    if data is not None:
        (folder / answers.FILENAME).write_bytes(data)


def demo_course(learners: int = 40, seed: int = 0, course_dir: str | os.PathLike | None = None) -> Path:
    """A demo cohort in the system's temporary folder, built once and reused.

    The folder name carries a fingerprint of everything the demo is made from (this
    module, the fragments, the registry, the scenarios, the course's notebooks), so a
    changed course gets a new demo and an unchanged one is not rebuilt on every run of
    the report notebook. Built under a temporary name and renamed, so two runs at once
    never see half a demo.
    """
    course = Path(course_dir) if course_dir is not None else default_course_dir()
    digest = hashlib.sha256(f"{learners}:{seed}".encode())
    package = Path(__file__).resolve().parents[1]
    inputs = [Path(__file__), package / "cohort" / "fragments.toml", package / "learner" / "exercises.toml"]
    inputs += sorted((package / "checker" / "scenarios").glob("*.toml"))
    inputs += sorted((package / "roleplay" / "dialogues").glob("*.toml"))
    inputs += sorted(course.glob("exercises/*/*.ipynb")) + sorted(course.glob("solutions/*/*.ipynb"))
    for path in inputs:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    target = Path(tempfile.gettempdir()) / f"outai-cohort-demo-{learners}-{seed}-{digest.hexdigest()[:12]}"
    if (target / MANIFEST).is_file():
        return target
    building = Path(tempfile.mkdtemp(prefix=f"{target.name}.building-"))
    try:
        build_cohort(building / "course", learners, seed, course_dir=course)
        os.replace(building / "course", target)
    except OSError:
        if not (target / MANIFEST).is_file():
            raise
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return target


# ---------------------------------------------------------------- command


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--learners", type=int, required=True, metavar="N", help="受講者の人数")
    parser.add_argument("--out", required=True, metavar="DIR", help="作成するコースフォルダ（存在しないか空のフォルダ）")
    parser.add_argument("--seed", type=int, default=0, metavar="S", help="乱数の種（同じ種なら同じ内容。既定: 0）")
    parser.add_argument("--assignment", nargs="+", action="extend", metavar="ID", help="含める課題（既定: 登録済みの課題すべて）")
    parser.add_argument("--course-dir", default=None, metavar="DIR", help="写すコースフォルダ（既定: この講座のリポジトリ）")


def run(args: argparse.Namespace) -> int:
    manifest = build_cohort(args.out, args.learners, args.seed, args.assignment, args.course_dir)
    injected = sum(len(v) for v in manifest["problems"].values())
    print(
        f"{args.out} に受講者 {manifest['learners']} 人 x 課題 {len(manifest['assignments'])} 件のデモを作りました"
        f"（種 {manifest['seed']}、仕込んだ問題 {injected} 件、写した回答 {len(manifest['copies'])} 件: {MANIFEST} を参照）。"
    )
    return 0


__all__ = ["MANIFEST", "Draft", "build_cohort", "compose", "demo_course", "plan_draft", "revise", "configure", "fragment_pools", "make_learner", "run"]

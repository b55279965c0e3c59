"""One round of 01-apology-order by a whole class on a real JupyterHub (scripts/hub.py).

The hub runs on 127.0.0.1 with its own state folder and accounts named rt<pid>-<name>, so it
never meets a `make hub` class or another test run. Every learner acts through the Hub: the Hub's REST API starts their
servers and issues their tokens; fetch, submit and fetch_feedback are the requests JupyterLab's
Assignments panel sends to nbgrader's server extension in the learner's own server; the notebook
literal is typed through the server's contents API; the form's チェック (RewriteForm.check, which saves answers.json) runs in a kernel of the
learner's server. Every instructor command (release, collect, autograde, feedback, export,
grade-cohort, tamper-check) runs as the grader account, with the environment the hub gives
its servers, in the course folder the formgrader service serves.

Learners of the round:
- aiko:  answers in the form (answers.json), on time
- daiki: types the answer into the notebook's literal, on time
- emi:   submits twice: a first reply with the cause before the remedy, then a better one
- kenta: submits after the due date
- yui:   fetches the assignment and submits nothing
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))
import hub  # noqa: E402 (scripts/hub.py)

ASSIGNMENT = "01-apology-order"
EXERCISE = f"{ASSIGNMENT}.q1"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
PREFIX = f"rt{os.getpid()}-"  # Unix names stay under 32 characters
ROLES = {role: PREFIX + name for role, name in
         dict(form="aiko", literal="daiki", twice="emi", late="kenta", nothing="yui").items()}
SUBMITTERS = [ROLES[r] for r in ("form", "literal", "twice", "late")]

# Replies written for this test (scenario outage-apology): what each learner hands in last.
REPLIES = {
    ROLES["form"]: "ご不便をおかけして、大変申し訳ございません。注文の画面は先ほど復旧いたしました。"
                   "原因は昨夜の更新作業での設定の誤りでした。今後は作業のあとに二人で確認いたします。",
    # The remedy after the cause (a restored state is a remedy: 通常どおりお使いいただけます).
    ROLES["literal"]: "このたびはご迷惑をおかけし、誠に申し訳ございません。原因は、夜間の作業で設定を誤ったことでした。"
                      "注文画面はただいま通常どおりお使いいただけます。今後は作業の手順を見直し、確認を徹底いたします。",
    ROLES["twice"]: "お困りのところ、大変申し訳ございませんでした。注文画面はすでに復旧しております。"
                    "原因は作業時の設定ミスでした。今後は作業後に必ず動作を確かめます。",
    ROLES["late"]: "大変申し訳ございません。原因は作業中の設定の誤りでした。",
}
FIRST_TRY = "申し訳ございません。原因は設定の誤りでした。すでに復旧しております。"  # emi's first submission

# What the notebook's form does when the learner presses チェック, in the learner's own kernel.
FORM_CHECK = """
import os
from graders import RewriteForm
form = RewriteForm({exercise!r}, answers_path=os.path.expanduser({path!r}))
form.textarea.value = {text!r}
report = form.check()
assert form.wait_saved(30)
print(report.score)
"""


@dataclass
class Round:
    room: hub.Classroom
    tokens: dict[str, str]
    kernels: dict[str, str] = field(default_factory=dict)  # learner -> the form's kernel
    duedate: datetime | None = None
    listings: dict[str, list] = field(default_factory=dict)  # learner -> the Assignments panel's list after each step
    inbound: str = ""  # `nbgrader list --inbound` before collect
    tamper_status: int | None = None
    tamper_output: str = ""
    formgrader: list = field(default_factory=list)  # the formgrader service's /api/assignments for the instructor
    seconds: float = 0.0

    @property
    def course(self) -> Path:
        return self.room.course_dir

    def instructor(self, *args: str) -> str:
        """A command in the course folder, as the grader account (the formgrader's user)."""
        done = self.room.run_as(self.room.spec["grader"], list(args), cwd=self.course)
        assert done.returncode == 0, f"{' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
        return done.stdout + done.stderr

    def panel(self, learner: str, action: str | None = None) -> list:
        """What the Assignments panel asks the learner's server: list, or fetch/submit/fetch_feedback."""
        course = {"course_id": self.room.spec["course_id"]}
        if action is None:
            status, raw = self.room.request("GET", f"/user/{learner}/assignments?course_id={course['course_id']}",
                                            self.tokens[learner])
        else:
            status, raw = self.room.request("POST", f"/user/{learner}/assignments/{action}", self.tokens[learner],
                                            form={**course, "assignment_id": ASSIGNMENT})
        assert status == 200, f"{action or 'list'} for {learner}: HTTP {status} {raw[:500]!r}"
        reply = json.loads(raw)
        assert reply.get("success"), f"{action or 'list'} for {learner}: {reply}"
        self.listings.setdefault(learner, []).append((action or "list", reply["value"]))
        return reply["value"]

    def answer_in_form(self, learner: str, text: str) -> None:
        """Type into the form and press チェック, in a kernel of the learner's server."""
        if learner not in self.kernels:
            self.kernels[learner] = self.room.start_kernel(learner, self.tokens[learner])
        code = FORM_CHECK.format(exercise=EXERCISE, path=f"~/{ASSIGNMENT}/answers.json", text=text)
        printed = self.room.run_in_kernel(learner, self.kernels[learner], code)
        assert printed.strip().isdigit(), printed

    def answer_in_notebook(self, learner: str, text: str) -> None:
        """Type into the answer cell's literal, saving through the server's contents API."""
        path = f"/user/{learner}/api/contents/{ASSIGNMENT}/{NOTEBOOK}"
        status, raw = self.room.request("GET", path, self.tokens[learner])
        assert status == 200, raw[:300]
        nb = nbformat.from_dict(json.loads(raw)["content"])
        cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "q1-answer")
        assert '"""\n\n"""' in cell.source
        cell.source = cell.source.replace('"""\n\n"""', f'"""\n{text}\n"""')
        status, raw = self.room.request("PUT", path, self.tokens[learner],
                                        body={"type": "notebook", "format": "json", "content": nb})
        assert status == 200, raw[:300]


def run_round(room: hub.Classroom) -> Round:
    """Run the round once: release, fetch, answer, submit (one twice, one late, one never),
    collect, autograde, feedback, export, grade-cohort, tamper-check, fetch feedback."""
    started = time.perf_counter()
    learners = room.spec["learners"]
    room.start_servers(learners)
    names = [*learners, *room.spec["instructors"]]
    r = Round(room, {name: room.user_token(name) for name in names})

    # The instructor: release as the README says, with the class roster in the gradebook.
    r.instructor(sys.executable, "-m", "graders.assignments.release", "--gradebook")
    for learner in learners:
        r.instructor("nbgrader", "db", "student", "add", learner)
    r.instructor("nbgrader", "release_assignment", ASSIGNMENT)

    for learner in learners:
        r.panel(learner, "fetch")
    r.answer_in_form(ROLES["form"], REPLIES[ROLES["form"]])
    r.answer_in_notebook(ROLES["literal"], REPLIES[ROLES["literal"]])
    r.answer_in_form(ROLES["twice"], FIRST_TRY)
    r.answer_in_form(ROLES["late"], REPLIES[ROLES["late"]])
    for learner in (ROLES["form"], ROLES["literal"], ROLES["twice"]):
        r.panel(learner, "submit")
    r.answer_in_form(ROLES["twice"], REPLIES[ROLES["twice"]])
    time.sleep(1.1)  # nbgrader's submission timestamps: the second one must be later
    r.panel(ROLES["twice"], "submit")

    # The due date passes; kenta submits after it.
    time.sleep(1.1)
    r.duedate = datetime.now(timezone.utc).replace(microsecond=0)
    r.instructor("nbgrader", "db", "assignment", "add", ASSIGNMENT, f"--duedate={r.duedate.isoformat()}")
    time.sleep(1.1)
    r.panel(ROLES["late"], "submit")

    r.inbound = r.instructor("nbgrader", "list", "--inbound")
    r.instructor("nbgrader", "collect", ASSIGNMENT)
    r.instructor(sys.executable, "-m", "graders", "autograde", ASSIGNMENT)  # nbgrader autograde + the re-grade outside the kernel
    r.instructor("nbgrader", "generate_feedback", ASSIGNMENT)
    r.instructor("nbgrader", "release_feedback", ASSIGNMENT)
    r.instructor("nbgrader", "export")
    r.instructor(sys.executable, "-m", "graders", "grade-cohort", "--out", "cohort.csv")
    done = room.run_as(room.spec["grader"], [sys.executable, "-m", "graders", "tamper-check"], cwd=r.course)
    r.tamper_status, r.tamper_output = done.returncode, done.stdout + done.stderr

    for learner in SUBMITTERS:
        r.panel(learner, "fetch_feedback")
    for learner in learners:
        r.panel(learner)

    status, raw = room.request("GET", f"/services/{room.spec['course_id']}/formgrader/api/assignments",
                               r.tokens[room.spec["instructors"][0]])
    assert status == 200, raw[:300]
    r.formgrader = json.loads(raw)
    r.seconds = time.perf_counter() - started
    print(f"\nthe class round on JupyterHub ({len(learners)} learners): {r.seconds:.0f} s")
    return r

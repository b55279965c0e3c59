"""nbgrader configuration: the repository root is the nbgrader course directory.

Run nbgrader from this folder (see README, section for instructors). The source
assignments are solutions/, the release versions exercises/ (generated, committed).
"""

from pathlib import Path

from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    ClearHiddenTests,
    Execute,
    GetGrades,
    IgnorePattern,
    LimitOutput,
    SaveAutoGrades,
)

from graders.assignments.preprocessors import DropInstructorNotes, RedactHiddenTests, ShowGradedReply

c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)
here = Path(__file__).resolve().parent

# Commands work from any shell in this folder and gradebook.db always lands here.
c.CourseDirectory.root = str(here)
# The user fixed the layout: hand-written sources in solutions/, generated releases in exercises/.
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"
# nbgrader's exchange (JupyterHub) files assignments under a course id.
c.CourseDirectory.course_id = "outai-rewrite"

# Grade cells read the learner's answers.json from the submission folder; autograde would
# otherwise copy any answers.json lying in solutions/<assignment>/ over it. (Not
# CourseDirectory.ignore: that would also drop the learner's file on submit and collect.)
c.Autograde.exclude_overwriting = {
    folder.name: ["answers.json"] for folder in (here / "solutions").iterdir() if folder.is_dir()
}

# The answer cells hold a literal fallback (ANSWER_Q1 = """ ... """) that stays in the
# release; only the model answer inside the solution region goes. nbgrader's default stub
# (raise NotImplementedError) would fail the cell for learners who answer in the form.
c.ClearSolutions.code_stub = {"python": "# （フォームで回答する場合は、このセルは実行するだけで構いません）"}

# Learners answer in the form, so a submitted answer cell is often the empty template:
# ShowGradedReply writes the reply the grade cells grade into it first, so formgrader,
# manual grading and the feedback show exactly what was graded. The rest is nbgrader
# 0.9.6's own list.
c.Autograde.autograde_preprocessors = [
    ShowGradedReply,
    Execute,
    IgnorePattern,
    ClearMetadataPreprocessor,
    LimitOutput,
    SaveAutoGrades,
    AssignLatePenalties,
    CheckCellMetadata,
]

# nbgrader 0.9.6's list is [GetGrades, CSSHTMLHeaderPreprocessor]: the autograded notebook
# it renders holds the hidden tests (source and tracebacks). RedactHiddenTests scrubs the
# outputs while the hidden markers are still there, then ClearHiddenTests drops the source.
# DropInstructorNotes removes the lines of review-comments drafts meant for the instructor.
c.GenerateFeedback.preprocessors = [
    GetGrades,
    DropInstructorNotes,
    RedactHiddenTests,
    ClearHiddenTests,
    CSSHTMLHeaderPreprocessor,
]

# Temp files of an answers.json save that was killed mid-write (graders.learner.answers
# removes them on the next save) are never submitted or collected with the notebook.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".answers-*.tmp"]

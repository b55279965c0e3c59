"""solutions/ is what graders.assignments.authoring builds; exercises/ is what nbgrader makes of it.

The release is regenerated with the real `nbgrader generate_assignment` into a temporary
folder and compared with the committed exercises/; no model answer or hidden test may be
in exercises/, and nothing is committed with outputs.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

from graders.assignments import integrity, references
from graders.learner.exercises import for_assignment

from graders.assignments import release
from graders.assignments.authoring import build_notebook, notebook_path
from graders.checker.errors import InputError
from graders.learner.exercises import all_assignments

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENTS = sorted(all_assignments())


def tracked(folder: str) -> list[Path]:
    """Files of ``folder`` in git (a learner's answers.json in the work tree is not ours)."""
    try:
        out = subprocess.run(["git", "ls-files", "-z", folder], cwd=ROOT, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return sorted(p for p in (ROOT / folder).rglob("*") if p.is_file())
    return sorted(ROOT / name for name in out.decode().split("\0") if name)


MARKERS = (("BEGIN SOLUTION", "END SOLUTION"), ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS"))


def secrets(nb: nbformat.NotebookNode) -> set[str]:
    """Lines inside solution and hidden-test regions that appear nowhere outside them."""
    inside, outside = set(), set()
    for cell in nb.cells:
        within = False
        for line in cell.source.splitlines():
            if any(begin in line for begin, _ in MARKERS):
                within = True
            elif any(end in line for _, end in MARKERS):
                within = False
            else:
                (inside if within else outside).add(line.strip())
    return {line for line in inside - outside if len(line) >= 4}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_is_what_authoring_builds(assignment):
    path = notebook_path(assignment, ROOT / "solutions")
    assert path.exists(), f"{path.relative_to(ROOT)} がありません: python -m graders.assignments.authoring を実行してください"
    committed = nbformat.read(path, as_version=4)
    assert release.normalized(committed) == release.normalized(build_notebook(assignment)), (
        "solutions/ が古くなっています: python -m graders.assignments.authoring を実行してください"
    )


@pytest.mark.parametrize("folder", ["solutions", "exercises"])
def test_committed_notebooks_have_no_outputs(folder):
    notebooks = [p for p in tracked(folder) if p.suffix == ".ipynb"]
    assert notebooks
    for path in notebooks:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, f"{path.name}:{cell.id}"


@pytest.mark.parametrize("folder", ["solutions", "exercises"])
def test_no_answers_file_is_committed(folder):
    assert [p for p in tracked(folder) if p.name.startswith("answers.json")] == []


def test_every_release_file_is_a_notebook_of_a_source():
    names = {p.relative_to(ROOT / "exercises").as_posix() for p in tracked("exercises")}
    assert names == {f"{a}/{a}.ipynb" for a in ASSIGNMENTS}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_no_model_answer_or_hidden_test_in_the_release(assignment):
    source = nbformat.read(notebook_path(assignment, ROOT / "solutions"), as_version=4)
    hidden = secrets(source)
    replies = {line.strip() for text in references.load(ROOT).values() for line in text.splitlines()}
    assert hidden  # the check below has teeth: the solution region holds something to leak
    assert hidden & replies or not for_assignment(assignment)  # a rewrite's is the reference reply
    path = notebook_path(assignment, ROOT / "exercises")
    assert path.exists(), f"{path.relative_to(ROOT)} がありません: python -m graders.assignments.release を実行してください"
    text = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells)
    leaked = sorted(line for line in hidden if line in text)
    assert leaked == []
    assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text


def test_no_reference_reply_in_the_installed_package_or_the_release():
    # Issue 11.1: the package is in every learner's environment; exercises/ is what they get.
    import graders

    package = Path(graders.__file__).resolve().parent
    shipped = [p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    shipped += sorted((ROOT / "exercises").rglob("*.ipynb"))
    texts = {p: p.read_text(encoding="utf-8", errors="replace") for p in shipped}
    replies = references.load(ROOT)
    assert len(replies) >= 8
    for scenario, reply in replies.items():
        # Stock phrases and the scenario's own words (池袋店, 営業所) are public; the reply is
        # there when half of it is, in runs of 10 characters or more (a copy is 80 %).
        leaked = {str(p.relative_to(ROOT)): round(integrity.model_copy_share(text, reply), 2) for p, text in texts.items()}
        assert {p: share for p, share in leaked.items() if share >= 0.5} == {}, f"{scenario} の解答例が受講者の手元に届くファイルにあります"
    # The test has teeth: the old place of the replies (the scenario files) would fail it.
    assert integrity.model_copy_share(replies["outage-apology"], replies["outage-apology"]) == 1.0


def test_release_command_outside_the_course_is_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert release.main([]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "nbgrader_config.py" in err


# --- with the real nbgrader ------------------------------------------------------------------


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    return release.generate(ROOT, tmp_path_factory.mktemp("release"))


@pytest.mark.nbgrader
def test_release_matches_a_fresh_nbgrader_run(regenerated):
    assert sorted(regenerated) == [f"{a}/{a}.ipynb" for a in ASSIGNMENTS]
    for name, path in regenerated.items():
        fresh = nbformat.read(path, as_version=4)
        committed = nbformat.read(ROOT / "exercises" / name, as_version=4)
        assert release.normalized(committed) == release.normalized(fresh), (
            f"exercises/{name} が solutions/ と合っていません: python -m graders.assignments.release を実行してください"
        )


@pytest.mark.nbgrader
def test_release_keeps_a_learners_work(tmp_path, capsys):
    for part in ("nbgrader_config.py", "solutions", "exercises"):
        (shutil.copytree if (ROOT / part).is_dir() else shutil.copy2)(ROOT / part, tmp_path / part)
    folder = tmp_path / "exercises" / ASSIGNMENTS[0]
    notebook = folder / f"{ASSIGNMENTS[0]}.ipynb"
    nb = nbformat.read(notebook, as_version=4)
    answer = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution"))
    answer.source = answer.source.replace('"""\n\n"""', '"""\n大変申し訳ございません。\n"""')
    nbformat.write(nb, notebook)
    typed = notebook.read_bytes()
    (folder / "answers.json").write_text('{"version": 1, "answers": {}}', encoding="utf-8")

    with pytest.raises(InputError, match="上書きしませんでした"):
        release.release(tmp_path)
    assert notebook.read_bytes() == typed

    written = release.release(tmp_path, force=True)
    assert f"{ASSIGNMENTS[0]}/{ASSIGNMENTS[0]}.ipynb" in written
    assert notebook.read_bytes() == (ROOT / "exercises" / ASSIGNMENTS[0] / notebook.name).read_bytes()
    assert (folder / "answers.json").exists()
    assert f"exercises/{ASSIGNMENTS[0]}/answers.json は配布版の一部ではありません" in capsys.readouterr().err
    assert not (tmp_path / "gradebook.db").exists()

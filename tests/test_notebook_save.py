"""The course's pre-save hook: a saved notebook keeps no dead form and no stale verdict."""

import nbformat

from graders.learner.notebook_save import WIDGET_VIEW, strip_stale_outputs

ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]


def test_saving_drops_form_views_and_grade_outputs_and_keeps_the_rest():
    nb = nbformat.read(ROOT / "exercises" / "01-apology-order" / "01-apology-order.ipynb", as_version=4)
    hint = nbformat.v4.new_output("display_data", data={"text/html": "<div class='outai-form-hint'>…</div>"})
    view = nbformat.v4.new_output("display_data", data={WIDGET_VIEW: {"model_id": "abc"}, "text/plain": "RewriteForm(…)"})
    verdict = nbformat.v4.new_output("stream", name="stdout", text="✓ 謝罪が先（2点）\n")
    answer = nbformat.v4.new_output("stream", name="stdout", text="答え\n")
    kinds = {}
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if cell.cell_type != "code":
            continue
        kinds[grade_id] = cell
        cell.execution_count = 3
        cell.outputs = [hint, view] if grade_id.endswith("-form") else [verdict] if cell.metadata["nbgrader"].get("grade") else [answer]
    model = {"type": "notebook", "content": nb}
    strip_stale_outputs(model, path="x.ipynb", contents_manager=None)
    assert kinds["q1-form"].outputs == [hint]
    assert kinds["q1-answer"].outputs == [answer] and kinds["q1-answer"].execution_count == 3
    graded = [c for g, c in kinds.items() if g.startswith("q1-") and g not in ("q1-form", "q1-answer")]
    assert graded and all(c.outputs == [] and c.execution_count is None for c in graded)


def test_other_files_are_left_alone():
    model = {"type": "file", "content": "text"}
    strip_stale_outputs(model)
    assert model == {"type": "file", "content": "text"}


def test_the_form_shows_a_hint_above_itself_that_its_own_style_hides_while_it_is_live(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    from IPython.core.interactiveshell import InteractiveShell

    from graders.checker.render import FORM_HINT
    from graders.learner.form import RewriteForm

    shell = InteractiveShell.instance()
    shown = []
    monkeypatch.setattr(shell.display_pub, "publish", lambda data, **kw: shown.append(data))
    form = RewriteForm("01-apology-order.q1")
    shell.display_formatter.format(form)  # what displaying the cell's last value does
    hint, view = shown
    assert FORM_HINT in hint["text/plain"] and "outai-form-hint" in hint["text/html"] and "<style>" in hint["text/html"]
    assert view[WIDGET_VIEW]["model_id"] == form.model_id
    form.close()

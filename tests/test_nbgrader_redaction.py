"""RedactHiddenTests, then nbgrader's ClearHiddenTests, as GenerateFeedback runs them.

Cells are built like nbgrader's own tests: small factories, one question per test.
The real instructor cycle (tests/test_nbgrader_cycle.py) checks the rendered HTML.
"""

import copy

import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output
from nbgrader.preprocessors import ClearHiddenTests

from graders.assignments.preprocessors import RedactHiddenTests

HIDDEN_CALL = 'assert_genuine("01-apology-order.q1", fallback=ANSWER_Q1)'
HIDDEN_SOURCE = f"""# 採点: 非公開のチェック
### BEGIN HIDDEN TESTS
from graders.assignments.grade_cells import assert_genuine

{HIDDEN_CALL}
### END HIDDEN TESTS"""
MESSAGE = "✗ 「大変申し訳ございません」が 3 回くり返されています。"


def grade_cell(source, outputs=(), grade_id="q1-genuine"):
    meta = {"nbgrader": {"grade": True, "grade_id": grade_id, "locked": True, "points": 2,
                         "schema_version": 3, "solution": False}}
    return new_code_cell(source, metadata=meta, outputs=list(outputs))


def failing_hidden_cell():
    traceback = [
        "\x1b[31m---------------------------------------------------------------------------\x1b[39m",
        "\x1b[31mAssertionError\x1b[39m                            Traceback (most recent call last)",
        f"\x1b[36mCell\x1b[39m\x1b[36m \x1b[39m\x1b[32mIn[7]\x1b[39m\x1b[32m, line 4\x1b[39m\n----> 4 \x1b[43massert_genuine\x1b[49m(\x1b[33m\"01-apology-order.q1\"\x1b[39m, fallback\x1b[38;5;241m=\x1b[39mANSWER_Q1)",
        f"\x1b[31mAssertionError\x1b[39m: {MESSAGE}",
    ]
    # IPython colours the quoted line token by token; this is the plain form of one frame.
    traceback.insert(3, f"----> 4 {HIDDEN_CALL}")
    error = new_output("error", ename="AssertionError", evalue=MESSAGE, traceback=traceback)
    return grade_cell(HIDDEN_SOURCE, [error])


def feedback(nb):
    """The notebook as GenerateFeedback would render it (a copy; ``nb`` is left as it was)."""
    nb, resources = copy.deepcopy(nb), {}
    nb, resources = RedactHiddenTests().preprocess(nb, resources)
    nb, resources = ClearHiddenTests().preprocess(nb, resources)
    return nb


def rendered(nb):
    return nbformat.writes(nb)


def test_failing_hidden_test_keeps_only_its_message():
    nb = feedback(new_notebook(cells=[failing_hidden_cell()]))
    error = nb.cells[0].outputs[0]
    assert error.traceback == [f"AssertionError: {MESSAGE}"]
    assert error.evalue == MESSAGE


def test_no_hidden_line_survives_anywhere():
    nb = feedback(new_notebook(cells=[failing_hidden_cell()]))
    text = rendered(nb)
    for line in ("assert_genuine", "BEGIN HIDDEN", "END HIDDEN", "from graders.assignments.grade_cells import assert_genuine"):
        assert line not in text
    assert "# 採点: 非公開のチェック" in nb.cells[0].source  # the visible part stays


def test_a_learner_cell_printing_the_hidden_source_is_redacted():
    # A later cell can read IPython's history (In[...]) during autograde.
    leak = new_output("stream", name="stdout", text=f"ok\n{HIDDEN_SOURCE}\nend\n")
    html_leak = new_output("display_data", data={"text/html": "<pre>assert_genuine(&quot;01-apology-order.q1&quot;, fallback=ANSWER_Q1)</pre>",
                                                 "text/plain": HIDDEN_CALL})
    learner = new_code_cell("print(In[7])", outputs=[leak, html_leak])
    nb = feedback(new_notebook(cells=[failing_hidden_cell(), learner]))
    text = rendered(nb)
    assert "assert_genuine" not in text
    stream = nb.cells[1].outputs[0].text
    assert stream.startswith("ok\n") and stream.rstrip().endswith("end")
    assert RedactHiddenTests().notice in stream


def test_visible_test_output_is_untouched():
    ok = new_output("stream", name="stdout", text="✓ 説明より先に謝罪（2点）: 謝罪が先にあります。\n")
    visible = grade_cell('assert_criterion("01-apology-order.q1", "apology_before_explanation", fallback=ANSWER_Q1)',
                         [ok], grade_id="q1-apology_before_explanation")
    nb = feedback(new_notebook(cells=[visible, failing_hidden_cell()]))
    assert nb.cells[0].outputs[0].text == ok.text
    assert nb.cells[0].source == visible.source


def test_visible_traceback_is_kept_when_nothing_hidden_is_quoted():
    error = new_output("error", ename="AssertionError", evalue="✗ 原因より先に対処",
                       traceback=["frame one", "AssertionError: ✗ 原因より先に対処"])
    visible = grade_cell("assert_criterion(...)", [error], grade_id="q1-remedy_before_cause")
    nb = feedback(new_notebook(cells=[visible, failing_hidden_cell()]))
    assert nb.cells[0].outputs[0].traceback == ["frame one", "AssertionError: ✗ 原因より先に対処"]


def test_notebook_without_hidden_tests_passes_through():
    ok = new_output("stream", name="stdout", text="print('x')\n")
    nb = new_notebook(cells=[new_code_cell("print('x')", outputs=[ok])])
    assert rendered(feedback(nb)) == rendered(nb)


def test_a_failing_hidden_grade_cell_keeps_only_its_own_check_mark_lines():
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    from graders.assignments.preprocessors import RedactHiddenTests

    cell = new_code_cell("### BEGIN HIDDEN TESTS\nassert_genuine('01-apology-order.q1', fallback=ANSWER_Q1)\n### END HIDDEN TESTS")
    cell.outputs = [new_output("error", ename="GradeFailure", evalue="✗ 同じ言葉がくり返されています。",
                               traceback=["✗ 同じ言葉がくり返されています。", "→ フォームで返信を直して…"])]
    nb = new_notebook(cells=[cell])
    RedactHiddenTests().preprocess(nb, {})
    assert nb.cells[0].outputs[0].traceback == ["✗ 同じ言葉がくり返されています。"]

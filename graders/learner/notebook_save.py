"""A Jupyter server pre-save hook: what a saved notebook must not keep.

`make install` points the course's JupyterLab at it (scripts/lab/jupyter_server_config.json,
copied to .venv/etc/jupyter/). On every save:

- a widget view (a rewrite form) is dropped: it is live only while its kernel runs, and
  saved it reopens as "Error displaying widget: model not found". The form cell's hint
  output (RewriteForm shows it above the form) stays and says to run the cell again.
- a grade cell's output is dropped: it is a verdict on the answer of that moment, and
  saved it would show ✓ for an older answer after reopening. Running the cell grades again.

What JupyterLab shows while the notebook is open is left alone; only the file changes.
"""

from __future__ import annotations

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def is_grade_cell(cell: dict) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return bool(meta.get("grade")) and not meta.get("solution")


def strip_stale_outputs(model: dict, **_context) -> None:
    """ContentsManager.pre_save_hook: edit ``model`` (a notebook being saved) in place."""
    content = model.get("content")
    if model.get("type") != "notebook" or not isinstance(content, dict):
        return
    for cell in content.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        if is_grade_cell(cell):
            cell["outputs"], cell["execution_count"] = [], None
        else:
            cell["outputs"] = [o for o in cell.get("outputs", []) if WIDGET_VIEW not in o.get("data", {})]

#!/usr/bin/env bash
# Run every notebook in course/ and solutions/ top to bottom with nbval (--nbval-lax: a cell
# fails only if it raises). They run in a temporary copy, so no answers.json or other output
# ever appears in the work tree; and a notebook that writes answers.json by merely running
# is a failure of its own (forms must save only when a learner types).
#
#   bash scripts/run-nbval.sh            # everything
#   bash scripts/run-nbval.sh -k 01      # extra arguments go to pytest
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-$repo/.venv/bin/python}"
work="$(mktemp -d "${TMPDIR:-/tmp}/outai-nbval.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# A learner's own answers (or checkpoints) in the tree must not leak into the run.
for folder in course solutions; do
    if [[ -d "$repo/$folder" ]]; then
        cp -R "$repo/$folder" "$work/$folder"
    else
        mkdir -p "$work/$folder"
    fi
done
find "$work" \( -name 'answers.json*' -o -name '*.corrupt-*' -o -name '.ipynb_checkpoints' \) -prune -exec rm -rf {} +

# Grade cells carry the raises-exception tag so a learner's Run All goes on past a ✗; nbval
# would then accept a failing grade cell. Drop the tag: a solution must pass every grade cell.
"$python" - "$work" <<'PY'
import sys
from pathlib import Path

import nbformat

for path in Path(sys.argv[1]).rglob("*.ipynb"):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        tags = cell.metadata.get("tags")
        if tags and "raises-exception" in tags:
            cell.metadata["tags"] = [t for t in tags if t != "raises-exception"]
    nbformat.write(nb, path)
PY

# -c /dev/null and --rootdir keep the repo's pyproject (testpaths, addopts) and any
# conftest.py out of this run; the kernel is the one of this interpreter.
cd "$work"
status=0
"$python" -m pytest --nbval-lax --nbval-current-env -p no:cacheprovider \
    -c /dev/null --rootdir "$work" -q "$@" "$work/course" "$work/solutions" || status=$?

created="$(find "$work" -name 'answers.json' | sed "s|^$work/||")"
if [[ -n "$created" ]]; then
    echo "run-nbval: running the notebooks created answers.json (forms must save only when a learner types):" >&2
    echo "$created" >&2
    [[ $status -ne 0 ]] || status=1
fi
exit "$status"

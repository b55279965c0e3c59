"""``python -m benchmarks.hub``: the memory of a learner's server on a real JupyterHub, to size a class.

    sudo .venv/bin/python -m benchmarks.hub [--learners 2]     # needs root and `make hub-install`

Starts the local class of scripts/hub.py (its own state folder and bm-<name> accounts), then
for each learner: their jupyter server through the Hub's REST API, a kernel through the
server's REST API, and in that kernel what the notebook's form does on チェック
(RewriteForm(...).check(): the checker, Sudachi and its dictionary, a save to answers.json).
It prints, per learner and process, RSS (what a Kubernetes pod is charged for: every pod maps
its own copy of the dictionary), USS (memory only that process uses) and PSS (its fair share
when the learners of one server share the dictionary's pages, as on The Littlest JupyterHub).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import shutil
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import hub  # noqa: E402 (scripts/hub.py)

MB = 1024 * 1024
REPLY = ("ご不便をおかけして、大変申し訳ございません。注文の画面は先ほど復旧いたしました。"
         "原因は昨夜の更新作業での設定の誤りでした。今後は作業のあとに二人で確認いたします。")
FORM_CHECK = f"""
import os
from graders import RewriteForm
form = RewriteForm("01-apology-order.q1", answers_path=os.path.expanduser("~/answers.json"))
form.textarea.value = {REPLY!r}
report = form.check()
form.wait_saved(30)
print(report.score, report.max_score)
"""


def memory(pid: int) -> dict[str, float]:
    info = psutil.Process(pid).memory_full_info()
    return {"rss": info.rss / MB, "uss": info.uss / MB, "pss": info.pss / MB}


def kernel_pid(room: hub.Classroom, name: str) -> int:
    kernels = [p for p in map(psutil.Process, room.server_pids(name)) if "ipykernel_launcher" in " ".join(p.cmdline())]
    assert len(kernels) == 1, kernels
    return kernels[0].pid


def server_pid(room: hub.Classroom, name: str) -> int:
    servers = [p for p in map(psutil.Process, room.server_pids(name)) if "jupyterhub-singleuser" in " ".join(p.cmdline())]
    assert len(servers) == 1, servers
    return servers[0].pid


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.hub", description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=2, help="learners measured side by side (default: 2)")
    args = parser.parse_args(argv)
    state = Path(tempfile.mkdtemp(prefix="outai-hub-bench-"))
    room = hub.Classroom.prepare(state, hub.free_port(), prefix="bm-")
    rows = []
    try:
        room.start()
        learners = room.spec["learners"][: args.learners]
        room.start_servers(learners)
        for name in learners:
            token = room.user_token(name)
            idle_server = memory(server_pid(room, name))
            kernel = room.start_kernel(name, token)
            room.run_in_kernel(name, kernel, "pass")
            bare_kernel = memory(kernel_pid(room, name))
            printed = room.run_in_kernel(name, kernel, FORM_CHECK).split()
            assert printed == ["5", "5"], printed
            rows.append((name, idle_server, bare_kernel))
        # Measured once every learner has checked: PSS splits the shared pages among them.
        measured = [(name, idle, bare, memory(server_pid(room, name)), memory(kernel_pid(room, name)))
                    for name, idle, bare in rows]
    finally:
        leftovers = room.stop()
        shutil.rmtree(state, ignore_errors=True)
    print(f"Memory per learner on JupyterHub ({len(measured)} learners, after one form check each), MB")
    print(f"{'learner':<10}{'process':<34}{'RSS':>8}{'USS':>8}{'PSS':>8}")
    totals = {"rss": [], "uss": [], "pss": []}
    for name, idle, bare, server, kernel in measured:
        for label, m in [("server, idle (no kernel)", idle), ("kernel, started", bare),
                         ("server, after the check", server), ("kernel, after the check", kernel)]:
            print(f"{name:<10}{label:<34}{m['rss']:>8.0f}{m['uss']:>8.0f}{m['pss']:>8.0f}")
        for key in totals:
            totals[key].append(server[key] + kernel[key])
        print(f"{name:<10}{'server + kernel':<34}{totals['rss'][-1]:>8.0f}{totals['uss'][-1]:>8.0f}{totals['pss'][-1]:>8.0f}")
    print("median server + kernel: " + ", ".join(f"{k.upper()} {statistics.median(v):.0f} MB" for k, v in totals.items()))
    if leftovers:
        print(f"had to end after the hub stopped: {leftovers}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

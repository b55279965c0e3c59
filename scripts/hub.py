"""A local class of 応対リライト講座 on a real JupyterHub (`make hub`, `make hub-stop`, tests/hub).

    python scripts/hub.py start [--state DIR] [--port 8000]   # runs until Ctrl-C, then stops everything
    python scripts/hub.py stop  [--state DIR]                 # stops a hub started in another terminal

The hub listens on 127.0.0.1 only. It needs root: each account is a real Unix user (nbgrader's
exchange files a submission under the Unix name of the process that submits it), and
JupyterHub starts each user's server as that user. Accounts created here carry MARKER in
their GECOS field; only those are ever changed or deleted.

The state folder (default .hub/ in the repository) holds the hub's database, the homes, the
exchange and the grader's course folder; it survives a restart, the accounts do not.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.prefix) / "bin"  # the shared kernel environment (not resolved: .venv/bin)
HUB_CONFIG = REPO / "hub" / "jupyterhub_config.py"
PROXY = REPO / "hub" / "node_modules" / ".bin" / "configurable-http-proxy"
DEFAULT_STATE = REPO / ".hub"

COURSE_ID = "outai-rewrite"
INSTRUCTORS = ("sensei",)
LEARNERS = ("aiko", "daiki", "emi", "kenta", "yui")
GRADER = "grader"  # owns the course folder and runs the formgrader service
MARKER = "outai-rewrite hub demo account"
# What the grader's course folder needs: the config, the sources and the releases.
COURSE_PARTS = ("nbgrader_config.py", "solutions", "exercises")
SKIP = shutil.ignore_patterns("answers.json*", "*.corrupt-*", ".ipynb_checkpoints", "__pycache__")
# Learners' servers: nbgrader's instructor tools off (the formgrader is the service's), no news pop-up.
LEARNER_SERVER_CONFIG = {"ServerApp": {"jpserver_extensions": {
    "nbgrader.server_extensions.formgrader": False, "nbgrader.server_extensions.course_list": False}}}
LEARNER_PAGE_CONFIG = {"disabledExtensions": {
    "@jupyter/nbgrader:create-assignment": True, "@jupyter/nbgrader:course-list": True,
    "@jupyterlab/apputils-extension:announcements": True}}
JA_PACK = "jupyterlab_language_pack_ja_JP"
JA_SETTINGS = Path(".jupyter/lab/user-settings/@jupyterlab/translation-extension/plugin.jupyterlab-settings")

START_TIMEOUT = 180  # s: upper bounds on a busy 2-core machine; waits end when the state is reached
STOP_TIMEOUT = 60
KERNEL_EXIT_GRACE = 20  # s
SCRIPT_PID = "hub-script.pid"  # the running `hub.py start`, which `hub.py stop` asks to stop


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------- accounts

def _account(name: str) -> pwd.struct_passwd | None:
    try:
        return pwd.getpwnam(name)
    except KeyError:
        return None


def ensure_account(name: str, home: Path) -> pwd.struct_passwd:
    """Create the Unix user (or point our own earlier one at ``home``); never touch another's."""
    found = _account(name)
    if found is None:
        subprocess.run(["useradd", "--comment", MARKER, "--home-dir", str(home), "--no-create-home",
                        "--shell", "/bin/bash", name], check=True)
    elif found.pw_gecos != MARKER:
        raise SystemExit(f"hub: a Unix user named {name!r} already exists and is not a demo account; "
                         "choose another prefix (--prefix)")
    elif found.pw_dir != str(home):
        subprocess.run(["usermod", "--home", str(home), name], check=True)
    home.mkdir(parents=True, exist_ok=True)
    account = pwd.getpwnam(name)
    for path in [home, *home.rglob("*")]:
        os.chown(path, account.pw_uid, account.pw_gid, follow_symlinks=False)
    home.chmod(0o700)
    return account


def closed_folders(paths: list[Path]) -> list[Path]:
    """Folders on the way to ``paths`` that other users may not pass through (such as /root,
    when .venv's Python is pyenv's under /root)."""
    found = []
    for path in paths:
        for folder in [path, *path.parents]:
            if folder.is_dir() and not folder.stat().st_mode & stat.S_IXOTH and folder not in found:
                found.append(folder)
    return found


def grant_passage(names: list[str], folders: list[Path], record: Path) -> None:
    """Let each account through each folder (execute only, no listing), remembering how to undo it."""
    granted = json.loads(record.read_text(encoding="utf-8")) if record.exists() else {}
    for folder in folders:
        entry = granted.setdefault(str(folder), {"had_acl": _has_acl(folder), "users": []})
        for name in names:
            subprocess.run(["setfacl", "-m", f"u:{name}:x", str(folder)], check=True)
            if name not in entry["users"]:
                entry["users"].append(name)
    record.write_text(json.dumps(granted, indent=2), encoding="utf-8")


def revoke_passage(record: Path) -> None:
    if not record.exists():
        return
    for folder, entry in json.loads(record.read_text(encoding="utf-8")).items():
        if not Path(folder).exists():
            continue
        if entry["had_acl"]:
            for name in entry["users"]:
                subprocess.run(["setfacl", "-x", f"u:{name}", folder], check=False)
        else:
            subprocess.run(["setfacl", "-b", folder], check=True)  # back to plain permissions, as before
    record.unlink()


def _has_acl(folder: Path) -> bool:
    listed = subprocess.run(["getfacl", "--omit-header", "--skip-base", str(folder)], capture_output=True, text=True)
    return bool(listed.stdout.strip())


def remove_account(name: str) -> None:
    found = _account(name)
    if found is not None and found.pw_gecos == MARKER:
        subprocess.run(["userdel", name], check=True)


# --------------------------------------------------------------------------- the class

@dataclass
class Classroom:
    state: Path
    spec: dict
    process: subprocess.Popen | None = None

    # --- set-up ----------------------------------------------------------------------
    @classmethod
    def prepare(cls, state: Path, port: int, prefix: str = "") -> "Classroom":
        """Write the state folder and create the accounts; the hub is not started yet."""
        if os.geteuid() != 0:
            raise SystemExit("hub: run as root (sudo make hub): JupyterHub starts each learner's server "
                             "as that learner's Unix user, and the demo accounts are created with useradd")
        if not PROXY.exists():
            raise SystemExit(f"hub: {PROXY} is missing; run `make hub-install` (npm installs the proxy there)")
        state = state.resolve()
        state.mkdir(parents=True, exist_ok=True)
        state.chmod(0o755)  # every account walks through it to its home and the exchange
        spec_file = state / "class.json"
        old = json.loads(spec_file.read_text(encoding="utf-8")) if spec_file.exists() else {}
        names = {"grader": prefix + GRADER, "instructors": [prefix + n for n in INSTRUCTORS],
                 "learners": [prefix + n for n in LEARNERS]}
        spec = {
            "course_id": COURSE_ID,
            "port": port,
            "hub_port": free_port(),
            "proxy_api_port": free_port(),
            "formgrader_port": free_port(),
            "proxy_command": str(PROXY),
            "venv_bin": str(VENV_BIN),
            "config_dir": str(state / "etc" / "jupyter"),
            "learner_config_dir": str(state / "etc" / "jupyter-learners"),
            "exchange": str(state / "exchange"),
            "homes": str(state / "home"),
            "course_dir": str(state / "home" / names["grader"] / COURSE_ID),
            "formgrade_group": f"formgrade-{COURSE_ID}",
            **names,
            # Kept across restarts so that learners keep their password and cookies.
            "password": old.get("password") or secrets.token_urlsafe(9),
            "driver_token": old.get("driver_token") or secrets.token_hex(32),
        }
        spec_file.write_text(json.dumps(spec, indent=2, ensure_ascii=False), encoding="utf-8")
        spec_file.chmod(0o600)  # the password and the API token: for root (the hub) only
        room = cls(state, spec)
        room._write_configs()
        room._make_exchange()
        room._make_course()
        for name in room.accounts:
            account = ensure_account(name, room.home(name))
            if importlib.util.find_spec(JA_PACK) is not None:
                room._japanese_lab(account)
        # The accounts run .venv's Python and read the repository and the state folder.
        needed = [Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(), REPO, state]
        grant_passage(room.accounts, closed_folders(needed), state / "passage.json")
        return room

    def _write_configs(self) -> None:
        folder = Path(self.spec["config_dir"])
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "nbgrader_config.py").write_text(
            "# The class's nbgrader settings, for every account (JUPYTER_CONFIG_PATH; written by scripts/hub.py).\n"
            "c = get_config()  # noqa: F821\n"
            f"c.CourseDirectory.course_id = {self.spec['course_id']!r}\n"
            f"c.Exchange.root = {self.spec['exchange']!r}\n",
            encoding="utf-8")
        learners = Path(self.spec["learner_config_dir"])
        (learners / "labconfig").mkdir(parents=True, exist_ok=True)
        (learners / "jupyter_server_config.json").write_text(json.dumps(LEARNER_SERVER_CONFIG, indent=1), encoding="utf-8")
        (learners / "labconfig" / "page_config.json").write_text(json.dumps(LEARNER_PAGE_CONFIG, indent=1), encoding="utf-8")
        for path in (folder.parent, *folder.parent.rglob("*")):
            path.chmod(0o755 if path.is_dir() else 0o644)

    def _make_exchange(self) -> None:
        exchange = Path(self.spec["exchange"])
        exchange.mkdir(exist_ok=True)
        exchange.chmod(0o1777)  # everyone writes, as nbgrader requires; the sticky bit keeps others' files safe

    def _make_course(self) -> None:
        course = Path(self.spec["course_dir"])
        if course.exists():
            return  # the instructor's gradebook and submissions from an earlier start
        course.mkdir(parents=True)
        for part in COURSE_PARTS:
            src = REPO / part
            if src.is_dir():
                shutil.copytree(src, course / part, ignore=SKIP)
            else:
                shutil.copy2(src, course / part)

    def _japanese_lab(self, account: pwd.struct_passwd) -> None:
        settings = Path(account.pw_dir) / JA_SETTINGS
        if settings.exists():
            return  # the user's own choice of language stays
        settings.parent.mkdir(parents=True, exist_ok=True)
        settings.write_text('{"locale": "ja_JP"}\n', encoding="utf-8")
        for path in [settings, *settings.relative_to(account.pw_dir).parents]:
            os.chown(Path(account.pw_dir) / path, account.pw_uid, account.pw_gid)

    # --- facts ------------------------------------------------------------------------
    @property
    def accounts(self) -> list[str]:
        return [self.spec["grader"], *self.spec["instructors"], *self.spec["learners"]]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.spec['port']}"

    def home(self, name: str) -> Path:
        return Path(self.spec["homes"]) / name

    @property
    def course_dir(self) -> Path:
        return Path(self.spec["course_dir"])

    def config_path(self, name: str) -> str:
        """JUPYTER_CONFIG_PATH of the account: the class's config, learners' settings first."""
        learner = [self.spec["learner_config_dir"]] if name in self.spec["learners"] else []
        return os.pathsep.join([*learner, self.spec["config_dir"]])

    def user_env(self, name: str) -> dict[str, str]:
        """What the hub gives a user's server: the shared environment and the class config."""
        return {"HOME": str(self.home(name)), "USER": name, "LANG": "C.UTF-8",
                "PATH": os.pathsep.join([str(VENV_BIN), "/usr/local/bin", "/usr/bin", "/bin"]),
                "JUPYTER_CONFIG_PATH": self.config_path(name)}

    # --- running ------------------------------------------------------------------------
    def start(self) -> None:
        log = open(self.state / "jupyterhub.log", "ab")
        env = {**os.environ, "OUTAI_HUB_STATE": str(self.state)}
        # A session of its own: Ctrl-C in the terminal reaches this script, which stops the hub in order.
        self.process = subprocess.Popen([str(VENV_BIN / "jupyterhub"), "-f", str(HUB_CONFIG)], cwd=self.state,
                                        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"jupyterhub exited with {self.process.returncode}; see {self.state / 'jupyterhub.log'}")
            try:
                self.api("GET", "/")
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.3)  # polling while the hub and its proxy bind their ports
        raise RuntimeError(f"JupyterHub did not answer within {START_TIMEOUT} s; see {self.state / 'jupyterhub.log'}")

    def stop(self) -> list[str]:
        """Stop the hub (it stops the proxy, the servers and the services), then remove the
        accounts. Returns what was still running and had to be ended (nothing, normally)."""
        pid = self.process.pid if self.process else _read_pid(self.state / "jupyterhub.pid")
        if pid is not None and psutil.pid_exists(pid):
            hub = psutil.Process(pid)
            hub.terminate()
            try:
                hub.wait(STOP_TIMEOUT)
            except psutil.TimeoutExpired:
                hub.kill()
        # A kernel whose server has gone notices within seconds and exits by itself.
        _, leftovers = psutil.wait_procs(self.processes(), timeout=KERNEL_EXIT_GRACE)
        for proc in leftovers:
            with contextlib.suppress(psutil.NoSuchProcess):
                proc.kill()
        revoke_passage(self.state / "passage.json")
        for name in self.accounts:
            remove_account(name)
        return [f"{p.pid} {p.info['name']} ({p.info['username']})" for p in leftovers]

    def processes(self) -> list[psutil.Process]:
        """Processes of the class: the accounts' servers and kernels, the hub's proxy."""
        uids = {a.pw_uid for a in map(_account, self.accounts) if a is not None}
        proxy = ["--api-port", str(self.spec["proxy_api_port"])]
        found = []
        for proc in psutil.process_iter(["pid", "name", "uids", "username", "cmdline"]):
            cmdline = proc.info["cmdline"] or []
            ours = proc.info["uids"] is not None and proc.info["uids"].real in uids
            our_proxy = any(cmdline[i:i + 2] == proxy for i in range(len(cmdline)))
            if ours or our_proxy:
                found.append(proc)
        return found

    # --- the Hub's REST API and the users' servers ----------------------------------------
    def request(self, method: str, path: str, token: str, body: dict | None = None,
                form: dict | None = None, timeout: float = 120) -> tuple[int, bytes]:
        """One HTTP request through the proxy (``path`` starts with /hub/, /user/ or /services/)."""
        headers = {"Authorization": f"token {token}"}
        data = None
        if body is not None:
            data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
        elif form is not None:
            data, headers["Content-Type"] = urllib.parse.urlencode(form).encode(), "application/x-www-form-urlencoded"
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def api(self, method: str, path: str, body: dict | None = None):
        """The Hub's REST API as the driver service; raises on any error status."""
        status, raw = self.request(method, "/hub/api" + path, self.spec["driver_token"], body=body)
        if status >= 400:
            raise urllib.error.HTTPError(self.url + path, status, raw.decode(errors="replace"), None, None)
        return json.loads(raw) if raw else None

    def user_token(self, name: str) -> str:
        return self.api("POST", f"/users/{name}/tokens", {"note": "scripts/hub.py", "expires_in": 3600})["token"]

    def start_servers(self, names: list[str]) -> None:
        """Ask the hub for each user's server and wait until all are ready."""
        for name in names:
            self.api("POST", f"/users/{name}/server")
        deadline = time.monotonic() + START_TIMEOUT
        waiting = set(names)
        while waiting and time.monotonic() < deadline:
            waiting = {n for n in waiting if not self.api("GET", f"/users/{n}").get("servers", {}).get("", {}).get("ready")}
            time.sleep(0.5)
        if waiting:
            raise RuntimeError(f"servers not ready within {START_TIMEOUT} s: {sorted(waiting)}; see {self.state / 'jupyterhub.log'}")

    def start_kernel(self, name: str, token: str) -> str:
        """A kernel in the user's server, through the server's REST API (as JupyterLab starts one)."""
        status, raw = self.request("POST", f"/user/{name}/api/kernels", token, body={"name": "python3"})
        if status >= 400:
            raise RuntimeError(f"kernel for {name}: HTTP {status} {raw[:300]!r}")
        return json.loads(raw)["id"]

    def run_in_kernel(self, name: str, kernel_id: str, code: str, timeout: float = 300) -> str:
        """Run ``code`` in that kernel and return what it printed. The client connects with the
        kernel's connection file in the user's runtime folder (root may read it)."""
        from jupyter_client import BlockingKernelClient

        client = BlockingKernelClient(connection_file=str(
            self.home(name) / ".local/share/jupyter/runtime" / f"kernel-{kernel_id}.json"))
        client.load_connection_file()
        # No heartbeat: on a busy machine a kernel still starting misses its first beats and
        # the client would call it dead; waiting for its kernel_info reply is the real test.
        client.start_channels(hb=False)
        printed: list[str] = []

        def keep(msg: dict) -> None:
            if msg["msg_type"] == "stream":
                printed.append(msg["content"]["text"])
            elif msg["msg_type"] == "error":
                printed.append("\n".join(msg["content"]["traceback"]))
        try:
            client.wait_for_ready(timeout=timeout)
            reply = client.execute_interactive(code, timeout=timeout, output_hook=keep)
        finally:
            client.stop_channels()
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"code failed in {name}'s kernel:\n{''.join(printed)}")
        return "".join(printed)

    def server_pids(self, name: str) -> list[int]:
        """The user's jupyter server and its kernels (every process of that Unix user)."""
        uid = pwd.getpwnam(name).pw_uid
        return [p.pid for p in psutil.process_iter(["uids"]) if p.info["uids"] and p.info["uids"].real == uid]

    def run_as(self, name: str, args: list[str], cwd: Path | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
        """Run a command as the account, with the environment the hub gives its server."""
        account = pwd.getpwnam(name)
        return subprocess.run(args, cwd=cwd or self.home(name), env=self.user_env(name), user=account.pw_uid,
                              group=account.pw_gid, extra_groups=[], capture_output=True, text=True, timeout=timeout)

    def banner(self) -> str:
        lines = [f"JupyterHub: {self.url}/  (127.0.0.1 only)",
                 f"  password for every account: {self.spec['password']}",
                 f"  instructor: {', '.join(self.spec['instructors'])}  "
                 f"(formgrader: {self.url}/services/{self.spec['course_id']}/formgrader)",
                 f"  learners:   {', '.join(self.spec['learners'])}",
                 f"  exchange:   {self.spec['exchange']}",
                 f"  course:     {self.spec['course_dir']} (owned by {self.spec['grader']})",
                 f"  log:        {self.state / 'jupyterhub.log'}"]
        return "\n".join(lines)


def _read_pid(path: Path) -> int | None:
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


def load(state: Path) -> Classroom:
    spec_file = state.resolve() / "class.json"
    if not spec_file.exists():
        raise SystemExit(f"hub: no class in {state} (nothing to stop)")
    return Classroom(state.resolve(), json.loads(spec_file.read_text(encoding="utf-8")))


# --------------------------------------------------------------------------- command line

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/hub.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["start", "stop"])
    parser.add_argument("--state", type=Path, default=DEFAULT_STATE, help="state folder (default: .hub/)")
    parser.add_argument("--port", type=int, default=8000, help="the hub's port on 127.0.0.1 (default: 8000)")
    parser.add_argument("--prefix", default="", help="put before every account's name (when a name is taken)")
    args = parser.parse_args(argv)

    if args.action == "stop":
        room = load(args.state)
        owner = _read_pid(room.state / SCRIPT_PID)
        if owner is not None and psutil.pid_exists(owner) and owner != os.getpid():
            # `make hub` is running in another terminal: it stops everything in order.
            os.kill(owner, signal.SIGTERM)
            psutil.Process(owner).wait(STOP_TIMEOUT + 30)
            print("hub: stopped")
            return 0
        leftovers = room.stop()
        print("hub: stopped" + (f"; had to end {', '.join(leftovers)}" if leftovers else ", nothing left running"))
        return 0

    room = Classroom.prepare(args.state, args.port, args.prefix)
    (room.state / SCRIPT_PID).write_text(str(os.getpid()))
    # Ctrl-C, and `hub.py stop` (SIGTERM), end the wait below; even when started in the background.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        room.start()
        print(room.banner(), flush=True)
        print("Stop with Ctrl-C (or `make hub-stop` from another terminal).", flush=True)
        room.process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the clean-up short
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        leftovers = room.stop()
        (room.state / SCRIPT_PID).unlink(missing_ok=True)
        print("\nhub: stopped" + (f"; had to end {', '.join(leftovers)}" if leftovers else ", nothing left running"))
    return 0


if __name__ == "__main__":
    sys.exit(main())

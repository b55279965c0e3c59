"""JupyterHub for a local class of 応対リライト講座 (`make hub`, tests/hub).

scripts/hub.py prepares the state folder (accounts, homes, the exchange, the grader's
course folder, class.json) and starts `jupyterhub -f hub/jupyterhub_config.py` with
OUTAI_HUB_STATE pointing at it. Everything that differs between `make hub` and the tests
(ports, folders, accounts) is read from class.json; the class set-up itself is here.

- Accounts: real Unix users (nbgrader's exchange files every submission under the Unix
  name of the process that submits), logged in with one shared class password
  (SharedPasswordAuthenticator: enough for a demo on 127.0.0.1, not for a real class).
- Servers: LocalProcessSpawner runs each user's jupyterhub-singleuser as that user, from
  the project's .venv (the shared kernel environment: the course package and Sudachi's
  dictionary are installed there).
- nbgrader: one config for everyone on JUPYTER_CONFIG_PATH (course id, exchange folder);
  the formgrader runs as a Hub service, as the grader account, in the course folder;
  the instructors' group may open it (nbgrader's "Using nbgrader with JupyterHub").
"""

import json
import os
from pathlib import Path

c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)

state = Path(os.environ["OUTAI_HUB_STATE"])
spec = json.loads((state / "class.json").read_text(encoding="utf-8"))
venv_bin = Path(spec["venv_bin"])
loopback = "127.0.0.1"

# --- the hub and its proxy, on the loopback interface only -----------------------------
c.JupyterHub.ip = loopback
c.JupyterHub.port = spec["port"]
c.JupyterHub.hub_ip = loopback
c.JupyterHub.hub_port = spec["hub_port"]
c.ConfigurableHTTPProxy.api_url = f"http://{loopback}:{spec['proxy_api_port']}"
c.ConfigurableHTTPProxy.command = [spec["proxy_command"]]
c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(state / "jupyterhub.pid")
# Stopping the hub stops the proxy, every user's server and the managed services.
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True

# --- accounts --------------------------------------------------------------------------
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = spec["password"]
c.Authenticator.allowed_users = set(spec["instructors"]) | set(spec["learners"])

# --- each user's server ----------------------------------------------------------------
shared_env = {
    # nbgrader runs `alembic` by name; the kernels are .venv's Python.
    "PATH": os.pathsep.join([str(venv_bin), "/usr/local/bin", "/usr/bin", "/bin"]),
    # One nbgrader_config.py for the class: course id and exchange folder.
    "JUPYTER_CONFIG_PATH": spec["config_dir"],
}


def config_path(spawner) -> str:
    """Learners also get their own layer first: nbgrader's instructor tools off, no news pop-up."""
    learner = [spec["learner_config_dir"]] if spawner.user.name in spec["learners"] else []
    return os.pathsep.join([*learner, spec["config_dir"]])


c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [str(venv_bin / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.environment = {**shared_env, "JUPYTER_CONFIG_PATH": config_path}
# A busy 2-core machine starts JupyterLab in tens of seconds; these are upper bounds only.
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180
# Stopping: a server shuts its kernels down before it exits; give it time before SIGTERM/SIGKILL.
c.LocalProcessSpawner.interrupt_timeout = 30

# --- the formgrader as a Hub service, for the instructors ----------------------------
c.JupyterHub.load_groups = {spec["formgrade_group"]: {"users": spec["instructors"]}}
c.JupyterHub.services = [
    {
        "name": spec["course_id"],
        "url": f"http://{loopback}:{spec['formgrader_port']}",
        "command": [str(venv_bin / "jupyterhub-singleuser"), f"--ServerApp.root_dir={spec['course_dir']}"],
        "user": spec["grader"],
        "cwd": spec["course_dir"],
        "environment": {**shared_env, "JUPYTERHUB_DEFAULT_URL": "/formgrader"},
        "oauth_no_confirm": True,
    },
    # The API client of scripts/hub.py and the tests: starts servers, issues user tokens.
    {"name": "outai-driver", "api_token": spec["driver_token"]},
]
c.JupyterHub.load_roles = [
    {
        "name": spec["formgrade_group"],
        "groups": [spec["formgrade_group"]],
        "scopes": [f"access:services!service={spec['course_id']}"],
    },
    {
        "name": "outai-driver",
        "services": ["outai-driver"],
        "scopes": ["admin:users", "admin:servers", "tokens", "list:users", "read:users", "access:services"],
    },
]

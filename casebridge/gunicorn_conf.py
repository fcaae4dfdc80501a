"""gunicorn settings for ``make serve`` and production, read from the environment (README,
"Configuration"). ``gunicorn -c casebridge/gunicorn_conf.py casebridge.wsgi``."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

from casebridge.lib.env import env_bool, env_int, env_str

bind = env_str("CASEBRIDGE_BIND", "127.0.0.1:8000")
# Requests wait on the database more than on the CPU: two workers per core, and one more.
workers = env_int("CASEBRIDGE_WORKERS", 2 * (os.cpu_count() or 1) + 1, minimum=1, maximum=64)
# A request that runs this long is stuck (the slowest page is a few hundred milliseconds).
timeout = env_int("CASEBRIDGE_TIMEOUT", 30, minimum=5, maximum=600)
graceful_timeout = timeout
keepalive = 5
# A worker is replaced now and then, so a slow leak cannot grow without end. The application is
# loaded once, before the workers are forked (an upgrade needs a restart of the service, not a
# HUP): a new worker starts in milliseconds instead of importing everything again, about a second
# of processor time. Measured by `make bench` (4 clients, 2 cores): replacing workers every 2,000
# requests each, without preloading, cut the throughput from about 740 to 400-640 requests a second.
preload_app = True
max_requests = 20000
max_requests_jitter = 2000
# No access log: a URL can carry a name (GET /api/v1/people/?q=). Errors go to standard error.
accesslog = None
errorlog = "-"
loglevel = "warning"

# The background worker (notification e-mails) runs beside the server unless the deployment runs
# it as a service of its own (CASEBRIDGE_TASK_WORKER=0; README "Operations").
MANAGE = Path(__file__).resolve().parent.parent / "manage.py"
_worker: subprocess.Popen[bytes] | None = None


def pre_fork(server: object, worker: object) -> None:
    """Before a worker is forked from the loaded application: a database connection must never be
    shared by two processes (were loading the application ever to open one, it is closed; each
    worker opens its own), and the application's objects are frozen here, in the master, so that
    no worker's garbage collector walks them (walking them would write to each, and each worker
    would end up with a copy of memory it could have shared)."""
    from django.db import connections

    connections.close_all()
    gc.collect()
    gc.freeze()


def post_worker_init(worker: object) -> None:
    """Once a worker is running, the objects it has made so far (and, without preloading, the
    application's modules, settings and URL patterns) live as long as it does: frozen, the garbage
    collector no longer walks them at each full collection, and a page that makes many objects
    (the crisis board) pauses less."""
    gc.collect()
    gc.freeze()


def on_starting(server: object) -> None:
    global _worker
    if env_bool("CASEBRIDGE_TASK_WORKER", True):
        _worker = subprocess.Popen([sys.executable, str(MANAGE), "db_worker", "--interval", "2"])  # noqa: S603


def on_exit(server: object) -> None:
    if _worker is not None:
        _worker.terminate()
        _worker.wait(timeout=30)

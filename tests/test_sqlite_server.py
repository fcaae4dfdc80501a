"""The embedded mode serves several people at once (the core that stays fast, item 4): a real
gunicorn with three workers on one SQLite file, eight clients reading and writing at once, and
nothing answers "database is locked" or fails; the audit chain is whole afterwards."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.sqlite
ROOT = Path(__file__).resolve().parent.parent
SETUP = """
from casebridge.api.authentication import issue_token
from casebridge.lib.testing import build_world
world = build_world()
print(issue_token(world.social_worker), world.case.pk)
"""


def _run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_several_clients_at_once_never_meet_a_locked_database(tmp_path):
    port = _port()
    env = {
        **os.environ,
        "CASEBRIDGE_DATABASE_URL": f"sqlite:///{tmp_path / 'casebridge.sqlite3'}",
        "CASEBRIDGE_BIND": f"127.0.0.1:{port}",
        "CASEBRIDGE_WORKERS": "3",
        "DJANGO_SETTINGS_MODULE": "casebridge.settings",
    }
    _run(env, "migrate", "--verbosity", "0")
    token, case_id = _run(env, "shell", "-c", SETUP).split()[-2:]
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "casebridge/gunicorn_conf.py", "casebridge.wsgi"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        base = f"http://127.0.0.1:{port}/api/v1/cases/{case_id}/"
        results: list[int | str] = []
        barrier = threading.Barrier(8)

        def client(index: int) -> None:
            barrier.wait()
            for round_ in range(15):
                if index % 4 == 0:  # a writer: a note
                    body = json.dumps({"section": "identity", "body": f"Note {index}.{round_}"}).encode()
                    request = urllib.request.Request(base + "notes/", data=body, method="POST")  # noqa: S310
                    request.add_header("Content-Type", "application/json")
                else:
                    url = [base, base + "timeline/", f"http://127.0.0.1:{port}/api/v1/cases/"][round_ % 3]
                    request = urllib.request.Request(url)  # noqa: S310 - http on 127.0.0.1 only
                request.add_header("Authorization", f"Token {token}")
                try:
                    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                        results.append(response.status)
                except Exception as error:
                    results.append(repr(error))

        threads = [threading.Thread(target=client, args=(i,)) for i in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
    assert len(results) == 8 * 15
    failures = [r for r in results if r not in (200, 201)]
    assert failures == [], failures[:5]
    assert _run(env, "verify_audit").startswith("OK")

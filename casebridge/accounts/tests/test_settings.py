"""Production settings pass Django's deployment checks and refuse demo mode."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from casebridge.lib.crypto import new_keyring

ROOT = Path(__file__).resolve().parents[3]


def _run(extra: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CASEBRIDGE_", "DJANGO_"))}
    env.update(
        CASEBRIDGE_PRODUCTION="1",
        CASEBRIDGE_SECRET_KEY="p" * 30 + "-production-secret-for-the-check-" + "q" * 20,
        CASEBRIDGE_ALLOWED_HOSTS="casebridge.example.org",
        CASEBRIDGE_KEYS=new_keyring().to_json(),
        CASEBRIDGE_DATABASE_URL="sqlite:////tmp/casebridge-deploy-check.sqlite3",
    )
    env.update(extra)
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_it_passes_the_deployment_checks():
    result = _run({}, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_it_refuses_demo_mode_in_production():
    result = _run({"CASEBRIDGE_DEMO": "1"}, "check")
    assert result.returncode != 0
    assert "CASEBRIDGE_DEMO cannot be used with CASEBRIDGE_PRODUCTION" in result.stderr


def test_it_refuses_a_short_secret_key_in_production():
    result = _run({"CASEBRIDGE_SECRET_KEY": "short"}, "check")
    assert result.returncode != 0 and "CASEBRIDGE_SECRET_KEY" in result.stderr


def test_it_refuses_emergency_access_longer_than_a_day():
    result = _run({"CASEBRIDGE_BREAK_GLASS_HOURS": "72"}, "check")
    assert result.returncode != 0 and "CASEBRIDGE_BREAK_GLASS_HOURS must be at most 24" in result.stderr

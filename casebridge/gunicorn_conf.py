"""gunicorn settings for ``make serve`` and production, read from the environment (README,
"Configuration"). ``gunicorn -c casebridge/gunicorn_conf.py casebridge.wsgi``."""

from __future__ import annotations

import os

from casebridge.lib.env import env_int, env_str

bind = env_str("CASEBRIDGE_BIND", "127.0.0.1:8000")
# Requests wait on the database more than on the CPU: two workers per core, and one more.
workers = env_int("CASEBRIDGE_WORKERS", 2 * (os.cpu_count() or 1) + 1, minimum=1, maximum=64)
# A request that runs this long is stuck (the slowest page is a few hundred milliseconds).
timeout = env_int("CASEBRIDGE_TIMEOUT", 30, minimum=5, maximum=600)
graceful_timeout = timeout
keepalive = 5
# A worker is replaced now and then, so a slow leak cannot grow without end.
max_requests = 2000
max_requests_jitter = 200
# No access log: a URL can carry a name (GET /api/v1/people/?q=). Errors go to standard error.
accesslog = None
errorlog = "-"
loglevel = "warning"

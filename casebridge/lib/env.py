"""Typed readers for settings that come from the environment.

Every variable read here is documented in the README; a malformed value stops start-up with a
message that names the variable, rather than running with a surprising default.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None:
        if default is None:
            raise ImproperlyConfigured(f"Set the environment variable {name}.")
        return default
    return value


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}.")
    if maximum is not None and number > maximum:
        raise ImproperlyConfigured(f"{name} must be at most {maximum}, not {number}.")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value) if value else default


def database_from_url(url: str) -> dict[str, Any]:
    """Turn ``sqlite:///path`` or ``postgres://user@host:port/name`` into a DATABASES entry."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = unquote(parsed.path)
        name = "/" + path.lstrip("/") if url.startswith("sqlite:////") else path.lstrip("/") or ":memory:"
        return {
            "ENGINE": "casebridge.audit.backends.sqlite3",
            "NAME": name,
            # Tests run in memory (as with Django's own SQLite backend, which pytest-django knows).
            "TEST": {"NAME": ":memory:"},
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of one
                # failing with "database is locked" half-way through (every read writes audit).
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                # WAL with synchronous=FULL: a commit that returned is on disk.
                # recursive_triggers: INSERT OR REPLACE's implicit delete fires the audit
                # table's append-only DELETE trigger too.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA recursive_triggers=ON;",
            },
        }
    if parsed.scheme in {"postgres", "postgresql"}:
        options = dict(parse_qsl(parsed.query))
        return {
            "ENGINE": "casebridge.audit.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            # A socket directory is written percent-encoded: postgres://user@%2Fvar%2Frun%2Fpostgresql/name
            "HOST": unquote(parsed.hostname or ""),
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
        }
    raise ImproperlyConfigured(
        f"CASEBRIDGE_DATABASE_URL must start with sqlite:// or postgres://, not {parsed.scheme!r}."
    )

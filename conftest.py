"""Test set-up shared by every app: encryption keys for the test run and the persona world."""

from __future__ import annotations

import os

from casebridge.lib.crypto import new_keyring

# Fresh keys for each test run; never the developer's key file.
os.environ["CASEBRIDGE_KEYS"] = new_keyring().to_json()
os.environ.pop("CASEBRIDGE_KEY_FILE", None)

import pytest
from django.core.cache import cache

from casebridge.lib.testing import World, build_world


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _language_reset():  # type: ignore[no-untyped-def]
    """Each test starts in the default language, whatever the one before it activated."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def world(db: None) -> World:
    cache.clear()
    return build_world()


@pytest.fixture
def committed_world(transactional_db):  # type: ignore[no-untyped-def]
    """The persona world in a database that really commits (live-server and concurrency tests)."""
    from django.db import connection

    from casebridge.audit import triggers

    triggers.install_all(connection)
    # The cache is a table the flush between such tests leaves alone: sign-in rate limits and
    # used second-factor codes of the last test's people (same ids) would carry over.
    cache.clear()
    yield build_world()
    # The database is emptied after each such test; the append-only triggers would (rightly)
    # refuse that, so they are lifted for the flush and put back before the next test.
    triggers.remove_all(connection)


@pytest.fixture
def login(client):  # type: ignore[no-untyped-def]
    """Sign the test client in as a persona (second factor already enrolled)."""

    def _login(user):  # type: ignore[no-untyped-def]
        client.force_login(user)
        return client

    return _login


def pytest_collection_modifyitems(config, items):  # type: ignore[no-untyped-def]
    """PostgreSQL-only tests (real concurrent transactions) are left out of a SQLite run, and the
    test that runs its own SQLite server out of a PostgreSQL run; each runs in the other. Left
    out, not skipped: nothing is counted."""
    from django.conf import settings

    other = "sqlite" if settings.DATABASES["default"]["ENGINE"].endswith("postgresql") else "postgresql"
    kept = [item for item in items if item.get_closest_marker(other) is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept

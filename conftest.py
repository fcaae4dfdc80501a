"""Test set-up shared by every app: encryption keys for the test run and the persona world."""

from __future__ import annotations

import os

from casebridge.lib.crypto import new_keyring

# Fresh keys for each test run; never the developer's key file.
os.environ["CASEBRIDGE_KEYS"] = new_keyring().to_json()
os.environ.pop("CASEBRIDGE_KEY_FILE", None)

import pytest

from casebridge.lib.testing import World, build_world


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture
def login(client):  # type: ignore[no-untyped-def]
    """Sign the test client in as a persona (second factor already enrolled)."""

    def _login(user):  # type: ignore[no-untyped-def]
        client.force_login(user)
        return client

    return _login

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from casebridge.lib import crypto


@pytest.fixture
def use_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[crypto.Keyring], None]]:
    """Switch this process to another keyring, as a restart with a new key file would."""

    def use(ring: crypto.Keyring) -> None:
        monkeypatch.setenv("CASEBRIDGE_KEYS", ring.to_json())
        crypto.reset_keyring_cache()

    yield use
    # Runs before monkeypatch restores the environment; the next read picks up the original keys.
    crypto.reset_keyring_cache()

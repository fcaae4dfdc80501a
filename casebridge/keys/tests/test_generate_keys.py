"""generate_keys: a new key file only its owner can read; later runs add an active key."""

from __future__ import annotations

import os
import re
import stat
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from casebridge.lib import crypto
from casebridge.lib.testing import World
from casebridge.people.models import Person


def _generate(path: Path) -> str:
    out = StringIO()
    call_command("generate_keys", "--file", str(path), stdout=out)
    return out.getvalue()


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _load(path: Path) -> crypto.Keyring:
    return crypto.Keyring.from_json(path.read_text(encoding="utf-8"), str(path))


def test_it_creates_a_key_file_only_its_owner_can_read(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    output = _generate(path)
    assert _mode(path) == 0o600
    ring = _load(path)
    assert ring.active == "k1" and list(ring.data_keys) == ["k1"]
    assert len({ring.data_keys["k1"], ring.index_key, ring.audit_key}) == 3
    assert "active data key is k1" in output


def test_it_adds_an_active_key_and_keeps_the_others(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    _generate(path)
    first = _load(path)
    path.chmod(0o644)  # someone loosened it; the rewrite puts it back

    output = _generate(path)

    second = _load(path)
    assert second.active == "k2"
    assert second.data_keys["k1"] == first.data_keys["k1"]
    assert second.data_keys["k2"] != first.data_keys["k1"]
    assert (second.index_key, second.audit_key) == (first.index_key, first.audit_key)
    assert _mode(path) == 0o600
    assert os.listdir(tmp_path) == ["keys.json"]  # no temporary file left behind
    assert "k2" in output and "rotate_keys" in output
    assert _load(path).active == "k2"
    _generate(path)
    assert list(_load(path).data_keys) == ["k1", "k2", "k3"]


def test_it_refuses_a_malformed_key_file_and_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    path.write_text('{"active": "k1", "data_keys": {}}', encoding="utf-8")
    with pytest.raises(CommandError, match=r"malformed.*Nothing was changed"):
        _generate(path)
    assert path.read_text(encoding="utf-8") == '{"active": "k1", "data_keys": {}}'


def test_it_refuses_a_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="does not exist"):
        _generate(tmp_path / "absent" / "keys.json")
    assert not (tmp_path / "absent").exists()


def test_it_feeds_rotate_keys_through_the_key_file(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The documented operation end to end: add a key to the file the process reads, rotate."""
    path = tmp_path / "keys.json"
    path.write_text(crypto.keyring().to_json(), encoding="utf-8")
    _generate(path)
    monkeypatch.delenv("CASEBRIDGE_KEYS")
    monkeypatch.setenv("CASEBRIDGE_KEY_FILE", str(path))
    crypto.reset_keyring_cache()
    try:
        out = StringIO()
        call_command("rotate_keys", stdout=out)
        assert crypto.keyring().active == "k2"
        match = re.search(r"^Total: \d+ rows scanned, (\d+) values re-encrypted under k2\.$", out.getvalue(), re.M)
        assert match and int(match[1]) > 0, out.getvalue()
        stored = Person.objects.values_list("given_name", flat=True).get()
        assert stored and crypto.key_id_of(stored) == "k2"
        assert Person.objects.get().given_name == "ស្រីពៅ"
    finally:
        crypto.reset_keyring_cache()

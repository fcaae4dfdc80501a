"""AES-GCM with row-bound associated data, key loading, blind indexes."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.exceptions import ImproperlyConfigured

from casebridge.lib import crypto

UseKeyring = Callable[[crypto.Keyring], None]
ROW = uuid.uuid4()
AAD = crypto.associated_data("people.person", "given_name", ROW)


@pytest.fixture
def key_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], Path]]:
    """Point the process at a key file with the given text (and no inline keys)."""

    def write(text: str) -> Path:
        path = tmp_path / "keys.json"
        path.write_text(text, encoding="utf-8")
        monkeypatch.delenv("CASEBRIDGE_KEYS", raising=False)
        monkeypatch.setenv("CASEBRIDGE_KEY_FILE", str(path))
        crypto.reset_keyring_cache()
        return path

    yield write
    crypto.reset_keyring_cache()


def _with_body(token: str, change: Callable[[bytearray], None]) -> str:
    kid, _, body = token.partition(":")
    blob = bytearray(base64.b64decode(body))
    change(blob)
    return f"{kid}:{base64.b64encode(bytes(blob)).decode()}"


def test_it_round_trips() -> None:
    token = crypto.encrypt("ស្រីពៅ".encode(), AAD)
    assert token.startswith(f"{crypto.keyring().active}:")
    assert "ស្រីពៅ".encode() not in base64.b64decode(token.partition(":")[2])
    assert crypto.decrypt(token, AAD).decode() == "ស្រីពៅ"
    assert crypto.encrypt(b"same", AAD) != crypto.encrypt(b"same", AAD)  # a fresh nonce each time


@pytest.mark.parametrize(
    "aad",
    [
        crypto.associated_data("people.person", "given_name", uuid.uuid4()),
        crypto.associated_data("people.person", "family_name", ROW),
        crypto.associated_data("cases.case", "given_name", ROW),
    ],
    ids=["another-row", "another-field", "another-model"],
)
def test_it_refuses_a_ciphertext_moved_elsewhere(aad: bytes) -> None:
    token = crypto.encrypt(b"Sokha", AAD)
    with pytest.raises(crypto.DecryptionError, match="authentication failed"):
        crypto.decrypt(token, aad)


@pytest.mark.parametrize("position", [0, 11, 12, -17, -1], ids=["nonce", "nonce-end", "body", "body-end", "tag"])
def test_it_refuses_a_tampered_byte(position: int) -> None:
    token = crypto.encrypt(b"Sokha", AAD)

    def flip(blob: bytearray) -> None:
        blob[position] ^= 0x80

    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(_with_body(token, flip), AAD)


@pytest.mark.parametrize(
    ("token", "problem"),
    [
        ("no colon at all", "no key id"),
        ("k1:not base64!", "bad encoding"),
        ("k1:" + base64.b64encode(b"short").decode(), "too short"),
    ],
)
def test_it_refuses_what_is_not_a_ciphertext(token: str, problem: str) -> None:
    with pytest.raises(crypto.DecryptionError, match=problem):
        crypto.decrypt(token, AAD)


def test_it_refuses_an_unknown_key_id() -> None:
    token = crypto.encrypt(b"Sokha", AAD)
    with pytest.raises(crypto.DecryptionError, match="unknown key id 'k9'"):
        crypto.decrypt("k9" + token[token.index(":") :], AAD)


def test_it_decrypts_under_an_older_key_and_encrypts_under_the_active_one(use_keyring: UseKeyring) -> None:
    old = crypto.keyring()
    token = crypto.encrypt(b"Sokha", AAD)
    use_keyring(crypto.add_data_key(old))
    assert crypto.decrypt(token, AAD) == b"Sokha"
    assert crypto.encrypt(b"Sokha", AAD).startswith("k2:")
    assert crypto.decrypt(crypto.encrypt(b"x", AAD, kid=old.active), AAD) == b"x"


def test_it_reads_keys_from_the_key_file(key_file: Callable[[str], Path]) -> None:
    ring = crypto.add_data_key(crypto.new_keyring())
    key_file(ring.to_json())
    assert crypto.keyring() == ring
    token = crypto.encrypt(b"Sokha", AAD)
    assert token.startswith("k2:")
    # Only this file's k2 opens it: decrypt with the key straight from the file.
    blob = base64.b64decode(token[3:])
    assert AESGCM(ring.data_keys["k2"]).decrypt(blob[:12], blob[12:], AAD) == b"Sokha"


def test_it_prefers_inline_keys_to_the_key_file(
    key_file: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    key_file(crypto.new_keyring().to_json())
    inline = crypto.add_data_key(crypto.new_keyring())
    monkeypatch.setenv("CASEBRIDGE_KEYS", inline.to_json())
    crypto.reset_keyring_cache()
    assert crypto.keyring() == inline


def _ring_json(**changes: object) -> str:
    raw = json.loads(crypto.new_keyring().to_json())
    raw.update(changes)
    return json.dumps({k: v for k, v in raw.items() if v is not None})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "is malformed"),
        ("[]", "is malformed"),
        (_ring_json(index_key=None), r"is malformed: 'index_key'"),
        (_ring_json(audit_key=base64.b64encode(b"x" * 16).decode()), "a key must be 32 bytes, got 16"),
        (_ring_json(data_keys={"k1": "not base64!"}), "is malformed"),
        (_ring_json(active="k7"), "The active key 'k7' is not among the data keys"),
        (_ring_json(active="a:b", data_keys={"a:b": base64.b64encode(b"k" * 32).decode()}), "contain no ':'"),
    ],
    ids=["not-json", "not-an-object", "no-index-key", "short-key", "bad-base64", "active-missing", "colon-in-id"],
)
def test_it_explains_a_malformed_key_file(key_file: Callable[[str], Path], text: str, message: str) -> None:
    path = key_file(text)
    with pytest.raises(ImproperlyConfigured, match=message) as error:
        crypto.keyring()
    assert str(path) in str(error.value)


def test_it_explains_missing_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CASEBRIDGE_KEYS")
    monkeypatch.delenv("CASEBRIDGE_KEY_FILE", raising=False)
    crypto.reset_keyring_cache()
    try:
        with pytest.raises(ImproperlyConfigured, match="No encryption keys: set CASEBRIDGE_KEY_FILE"):
            crypto.encrypt(b"Sokha", AAD)
    finally:
        crypto.reset_keyring_cache()


def test_it_explains_an_unreadable_key_file(key_file: Callable[[str], Path]) -> None:
    path = key_file("{}")
    path.unlink()
    with pytest.raises(ImproperlyConfigured, match=rf"Cannot read the key file {path}: No such file"):
        crypto.keyring()


def test_it_gives_a_deterministic_keyed_blind_index(use_keyring: UseKeyring) -> None:
    token = crypto.blind_index("w", "sokha")
    assert isinstance(token, int) and -(2**63) <= token < 2**63
    assert crypto.blind_index("w", "sokha") == token
    assert crypto.blind_index("w", "sokhar") != token
    assert crypto.blind_index("p", "sokha") != token
    use_keyring(crypto.add_data_key(crypto.keyring()))
    assert crypto.blind_index("w", "sokha") == token  # a new data key leaves search tokens alone
    use_keyring(crypto.new_keyring())
    assert crypto.blind_index("w", "sokha") != token  # without the index key, no matching token

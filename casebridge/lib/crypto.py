"""Field encryption (AES-256-GCM) and keyed hashes, with keys kept outside the database.

Keys come from a JSON key file (``CASEBRIDGE_KEY_FILE``) or the same JSON in
``CASEBRIDGE_KEYS``; never from SECRET_KEY::

    {"active": "k2",
     "data_keys": {"k1": "<base64 32 bytes>", "k2": "<base64 32 bytes>"},
     "index_key": "<base64 32 bytes>",
     "audit_key": "<base64 32 bytes>"}

A stored ciphertext is ``<key id>:<base64(nonce | ciphertext | tag)>``. The associated data binds
it to one model, field and row, so a ciphertext copied into another row or column fails to
decrypt. Every failure raises :class:`DecryptionError`; nothing ever returns ciphertext or blank
in place of plaintext.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.exceptions import ImproperlyConfigured

NONCE_BYTES = 12
KEY_BYTES = 32


class DecryptionError(Exception):
    """A ciphertext could not be decrypted: wrong key, wrong row, or tampered."""


@dataclass(frozen=True)
class Keyring:
    active: str
    data_keys: dict[str, bytes]
    index_key: bytes
    audit_key: bytes

    @classmethod
    def from_json(cls, text: str, source: str) -> Keyring:
        try:
            raw = json.loads(text)
            data_keys = {kid: _decode_key(value) for kid, value in raw["data_keys"].items()}
            ring = cls(
                active=str(raw["active"]),
                data_keys=data_keys,
                index_key=_decode_key(raw["index_key"]),
                audit_key=_decode_key(raw["audit_key"]),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ImproperlyConfigured(f"The key material in {source} is malformed: {exc}") from None
        if ring.active not in ring.data_keys:
            raise ImproperlyConfigured(f"The active key {ring.active!r} is not among the data keys in {source}.")
        if any(":" in kid or not kid for kid in ring.data_keys):
            raise ImproperlyConfigured(f"Key ids in {source} must be non-empty and contain no ':'.")
        return ring

    def to_json(self) -> str:
        return json.dumps(
            {
                "active": self.active,
                "data_keys": {kid: _encode_key(key) for kid, key in self.data_keys.items()},
                "index_key": _encode_key(self.index_key),
                "audit_key": _encode_key(self.audit_key),
            },
            indent=2,
        )


def _decode_key(value: str) -> bytes:
    key = base64.b64decode(value, validate=True)
    if len(key) != KEY_BYTES:
        raise ValueError(f"a key must be {KEY_BYTES} bytes, got {len(key)}")
    return key


def _encode_key(key: bytes) -> str:
    return base64.b64encode(key).decode("ascii")


def new_keyring() -> Keyring:
    return Keyring(
        active="k1",
        data_keys={"k1": secrets.token_bytes(KEY_BYTES)},
        index_key=secrets.token_bytes(KEY_BYTES),
        audit_key=secrets.token_bytes(KEY_BYTES),
    )


def add_data_key(ring: Keyring) -> Keyring:
    """Return a keyring with a fresh data key made active; the old keys stay for decryption."""
    numbered = (int(k[1:]) for k in ring.data_keys if k.startswith("k") and k[1:].isascii() and k[1:].isdigit())
    number = 1 + max(numbered, default=0)
    kid = f"k{number}"
    keys = dict(ring.data_keys)
    keys[kid] = secrets.token_bytes(KEY_BYTES)
    return Keyring(active=kid, data_keys=keys, index_key=ring.index_key, audit_key=ring.audit_key)


@lru_cache(maxsize=1)
def keyring() -> Keyring:
    """The keyring for this process, read once from the environment."""
    inline = os.environ.get("CASEBRIDGE_KEYS")
    if inline:
        return Keyring.from_json(inline, "CASEBRIDGE_KEYS")
    path = os.environ.get("CASEBRIDGE_KEY_FILE")
    if not path:
        raise ImproperlyConfigured(
            "No encryption keys: set CASEBRIDGE_KEY_FILE to a key file (manage.py generate_keys makes one)."
        )
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ImproperlyConfigured(f"Cannot read the key file {path}: {exc.strerror}") from None
    return Keyring.from_json(text, path)


def reset_keyring_cache() -> None:
    keyring.cache_clear()
    _aead.cache_clear()


@lru_cache(maxsize=16)
def _aead(kid: str) -> AESGCM:
    try:
        return AESGCM(keyring().data_keys[kid])
    except KeyError:
        raise DecryptionError(f"unknown key id {kid!r}") from None


def associated_data(label: str, field: str, row_id: object) -> bytes:
    return f"{label}|{field}|{row_id}".encode()


def encrypt(plaintext: bytes, aad: bytes, *, kid: str | None = None) -> str:
    kid = kid or keyring().active
    nonce = secrets.token_bytes(NONCE_BYTES)
    body = _aead(kid).encrypt(nonce, plaintext, aad)
    return f"{kid}:{base64.b64encode(nonce + body).decode('ascii')}"


def key_id_of(token: str) -> str:
    kid, sep, _ = token.partition(":")
    if not sep:
        raise DecryptionError("not a ciphertext: no key id")
    return kid


def decrypt(token: str, aad: bytes) -> bytes:
    kid = key_id_of(token)
    try:
        blob = binascii.a2b_base64(token[len(kid) + 1 :], strict_mode=True)
    except (binascii.Error, ValueError):
        raise DecryptionError("not a ciphertext: bad encoding") from None
    if len(blob) < NONCE_BYTES + 16:
        raise DecryptionError("not a ciphertext: too short")
    try:
        return _aead(kid).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], aad)
    except InvalidTag:
        raise DecryptionError("authentication failed: wrong key, wrong row, or tampered data") from None


def blind_index(purpose: str, value: str) -> int:
    """A keyed, signed 64-bit token for ``value``: equal inputs give equal tokens, and without
    the index key nobody can compute the token of a guessed name."""
    digest = hmac.new(keyring().index_key, f"{purpose}\x00{value}".encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def keyed_digest(purpose: str, message: bytes) -> str:
    """A keyed hash of data that may hold identity (a request body): comparable, not guessable."""
    return hmac.new(keyring().index_key, purpose.encode() + b"\x00" + message, hashlib.sha256).hexdigest()


def audit_mac(message: bytes) -> str:
    return hmac.new(keyring().audit_key, message, hashlib.sha256).hexdigest()

"""Model fields whose values are stored encrypted (see :mod:`casebridge.lib.crypto`).

The column holds ``<key id>:<ciphertext>``. Values are encrypted in ``pre_save`` (where the row
is known, so the model, field and primary key are bound as associated data) and decrypted lazily
by the attribute descriptor on first access, so a list that never touches a name never decrypts
one. The primary key must exist before saving: models with encrypted fields use UUID keys.

Equality and other lookups on these columns are refused (they would compare ciphertext): search
goes through blind-index tokens instead. ``QuerySet.update`` with a plain value is refused too;
only :class:`Sealed` values (ciphertext made by this module) reach the database.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.core import validators
from django.db import models
from django.db.models import Model
from django.utils.functional import cached_property

from casebridge.lib import crypto


class Sealed(str):
    """A ciphertext as read from or written to the database."""

    @property
    def kid(self) -> str:
        return crypto.key_id_of(self)


class _EncryptedDescriptor:
    def __init__(self, field: EncryptedField) -> None:
        self.field = field

    def __get__(self, instance: Model | None, owner: type) -> Any:
        if instance is None:
            return self
        data = instance.__dict__
        name = self.field.attname
        if name not in data:
            instance.refresh_from_db(fields=[name])
        value = data[name]
        if isinstance(value, Sealed):
            value = self.field.unseal(instance.pk, value)
            data[name] = value
        return value

    def __set__(self, instance: Model, value: Any) -> None:
        instance.__dict__[self.field.attname] = value


class EncryptedField(models.TextField):  # type: ignore[type-arg]
    """Base class: subclasses say how a Python value becomes bytes and back."""

    descriptor_class = _EncryptedDescriptor  # type: ignore[assignment]

    def encode(self, value: Any) -> bytes:
        raise NotImplementedError

    def decode(self, data: bytes) -> Any:
        raise NotImplementedError

    # --- encryption with the row bound as associated data -------------------------------------
    def _aad(self, row_id: object) -> bytes:
        return self._aad_prefix + str(row_id).encode()

    @cached_property
    def _aad_prefix(self) -> bytes:
        # (what associated_data makes, but the row's id: made once, not for every value read)
        return crypto.associated_data(self.model._meta.label_lower, self.name, "")

    def seal(self, row_id: object, value: Any, *, kid: str | None = None) -> Sealed:
        if row_id is None:
            raise ValueError(f"{self.model.__name__}.{self.name}: the primary key must be set before encrypting.")
        return Sealed(crypto.encrypt(self.encode(value), self._aad(row_id), kid=kid))

    def unseal(self, row_id: object, sealed: str) -> Any:
        return self.decode(crypto.decrypt(sealed, self._aad(row_id)))

    # --- Django field protocol ---------------------------------------------------------------
    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        return None

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Sealed | None:
        return None if value is None else Sealed(value)

    def pre_save(self, model_instance: Model, add: bool) -> Any:
        value = model_instance.__dict__.get(self.attname)
        if value is None or isinstance(value, Sealed):
            return value
        return self.seal(model_instance.pk, value)

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if value is None or isinstance(value, Sealed):
            return value if value is None else str(value)
        raise TypeError(
            f"{self.model.__name__}.{self.name} is encrypted: write it through Model.save(), not a bulk update."
        )

    def value_to_string(self, obj: Model) -> str:
        raise TypeError(f"{self.model.__name__}.{self.name} is encrypted and is not serialised in plain text.")


class EncryptedTextField(EncryptedField):
    """Encrypted text; ``max_length`` limits the plaintext length."""

    def __init__(self, *args: Any, max_length: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plain_max_length = max_length
        if max_length is not None:
            self.validators.append(validators.MaxLengthValidator(max_length))

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.plain_max_length is not None:
            kwargs["max_length"] = self.plain_max_length
        return name, path, args, kwargs

    def encode(self, value: Any) -> bytes:
        return str(value).encode("utf-8")

    def decode(self, data: bytes) -> str:
        return data.decode("utf-8")

    def to_python(self, value: Any) -> Any:
        return value if value is None else str(value)


class EncryptedDateField(EncryptedField):
    """An encrypted calendar date."""

    def encode(self, value: Any) -> bytes:
        return self.to_python(value).isoformat().encode("ascii")

    def decode(self, data: bytes) -> datetime.date:
        return datetime.date.fromisoformat(data.decode("ascii"))

    def to_python(self, value: Any) -> Any:
        if value is None or isinstance(value, datetime.date):
            return value
        return datetime.date.fromisoformat(str(value))


class EncryptedIntegerField(EncryptedField):
    """An encrypted whole number."""

    def encode(self, value: Any) -> bytes:
        return str(int(value)).encode("ascii")

    def decode(self, data: bytes) -> int:
        return int(data.decode("ascii"))

    def to_python(self, value: Any) -> Any:
        return value if value is None else int(value)


class EncryptedJSONField(EncryptedField):
    """An encrypted JSON value (lists of aliases, languages, ...)."""

    def encode(self, value: Any) -> bytes:
        return json.dumps(value, ensure_ascii=False, sort_keys=True).encode("utf-8")

    def decode(self, data: bytes) -> Any:
        return json.loads(data.decode("utf-8"))

    def to_python(self, value: Any) -> Any:
        return value


def encrypted_fields(model: type[Model]) -> list[EncryptedField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedField)]

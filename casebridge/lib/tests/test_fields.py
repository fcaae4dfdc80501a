"""Encrypted model fields: ciphertext in the database, bound to its row, never queried or bulk-written."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import FieldError
from django.db import connection, transaction

from casebridge.lib import crypto
from casebridge.lib.fields import Sealed, encrypted_fields
from casebridge.lib.testing import World
from casebridge.people.actions import clean_identity, do_register_person
from casebridge.people.models import Person


def _names(field: str) -> tuple[str, str]:
    """The quoted column and table of an encrypted Person field."""
    quote = connection.ops.quote_name
    column = next(f.column for f in encrypted_fields(Person) if f.name == field)
    return quote(column), quote(Person._meta.db_table)


def _column(person_pk: Any, field: str) -> Any:
    column, table = _names(field)
    with connection.cursor() as cursor:
        # Names come from model metadata, not from input.
        cursor.execute(
            f"SELECT {column} FROM {table} WHERE id = %s",  # noqa: S608
            [Person._meta.pk.get_db_prep_value(person_pk, connection)],
        )
        return cursor.fetchone()[0]


def _set_column(person_pk: Any, field: str, value: str) -> None:
    column, table = _names(field)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {column} = %s WHERE id = %s",  # noqa: S608
            [value, Person._meta.pk.get_db_prep_value(person_pk, connection)],
        )


def _another_person(world: World) -> Person:
    identity = clean_identity({"given_name": "Dara", "phone": "+85511222333"})
    return do_register_person(actor=world.social_worker, agency=world.agencies["JPC"], kind="family", identity=identity)


def test_it_stores_ciphertext_under_the_active_key(world: World) -> None:
    survivor = world.case.survivor
    active = crypto.keyring().active
    for field, plaintext in [("given_name", "ស្រីពៅ"), ("phone", "+85512345678"), ("given_name_latin", "Srey Pov")]:
        stored = _column(survivor.pk, field)
        assert stored.startswith(f"{active}:")
        assert plaintext not in stored and plaintext.casefold() not in stored.casefold()
        assert "85512345678" not in stored
    assert Person.objects.get(pk=survivor.pk).given_name == "ស្រីពៅ"


def test_it_refuses_a_ciphertext_copied_into_another_row(world: World) -> None:
    survivor, other = world.case.survivor, _another_person(world)
    _set_column(other.pk, "given_name", _column(survivor.pk, "given_name"))
    copied = Person.objects.get(pk=other.pk)
    for _ in range(2):  # a failure is not remembered as a blank on the instance
        with pytest.raises(crypto.DecryptionError, match="authentication failed"):
            copied.given_name  # noqa: B018
    with pytest.raises(crypto.DecryptionError):
        copied.display_name()  # nor does a page fall back to ciphertext or "(name unknown)"
    assert Person.objects.get(pk=other.pk).phone == "+85511222333"  # the rest of the row is intact


def test_it_refuses_a_ciphertext_copied_into_another_column(world: World) -> None:
    survivor = world.case.survivor
    _set_column(survivor.pk, "family_name", _column(survivor.pk, "given_name"))
    person = Person.objects.get(pk=survivor.pk)
    assert person.given_name == "ស្រីពៅ"
    with pytest.raises(crypto.DecryptionError):
        person.family_name  # noqa: B018


def test_it_refuses_lookups_on_encrypted_columns(world: World) -> None:
    with pytest.raises(FieldError):
        Person.objects.filter(given_name="ស្រីពៅ")
    with pytest.raises(FieldError):
        Person.objects.filter(phone__startswith="+855")
    assert Person.objects.filter(given_name__isnull=False).count() == 1  # the one lookup that reveals nothing


def test_it_refuses_a_plaintext_bulk_update(world: World) -> None:
    before = _column(world.case.survivor.pk, "given_name")
    with pytest.raises(TypeError, match="is encrypted"), transaction.atomic():
        Person.objects.update(given_name="x")
    assert _column(world.case.survivor.pk, "given_name") == before


def test_it_loads_and_decrypts_a_deferred_field(world: World) -> None:
    person = Person.objects.only("id", "kind").get(pk=world.case.survivor.pk)
    assert "given_name" not in person.__dict__
    assert person.given_name == "ស្រីពៅ"
    person = Person.objects.defer("phone").get(pk=world.case.survivor.pk)
    assert isinstance(person.__dict__["given_name"], Sealed)  # decrypted only when read
    assert person.phone == "+85512345678"


def test_it_round_trips_dates_numbers_and_json(world: World) -> None:
    person = Person.objects.get(pk=world.case.survivor.pk)
    person.birth_date = datetime.date(2009, 2, 28)
    person.estimated_age = 0
    person.aliases = ["Pov", "ពៅ", {"nested": [1, None]}]
    person.save()

    stored = _column(person.pk, "birth_date")
    assert "2009" not in stored and stored.startswith(f"{crypto.keyring().active}:")
    fresh = Person.objects.get(pk=person.pk)
    assert fresh.birth_date == datetime.date(2009, 2, 28)
    assert fresh.estimated_age == 0
    assert fresh.aliases == ["Pov", "ពៅ", {"nested": [1, None]}]
    assert fresh.family_name_latin == "Sok"
    assert fresh.address == "Shelter room 4, Street 123, Phnom Penh"

    fresh.birth_date = None
    fresh.save()
    assert _column(person.pk, "birth_date") is None
    assert Person.objects.get(pk=person.pk).birth_date is None

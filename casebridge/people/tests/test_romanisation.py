"""The kept romanisations of stored Khmer names, and the re-indexing migration."""

from __future__ import annotations

import importlib

from django.apps import apps
from django.db import connection

from casebridge.lib.khmer import romanise
from casebridge.people.actions import person_tokens
from casebridge.people.models import NameToken, Romanisation
from casebridge.people.romanisation import _key, cached
from casebridge.people.tests.test_search import _open


def test_a_stored_khmer_name_keeps_its_romanisations_encrypted(world):
    _open(world, family_name="ម៉ៅ", given_name="វណ្ណា")
    row = Romanisation.objects.get(key=_key("វណ្ណា"))
    assert tuple(row.spellings) == romanise("វណ្ណា") and "vanna" in row.spellings
    with connection.cursor() as cursor:
        cursor.execute("SELECT spellings FROM people_romanisation WHERE key = %s", [row.key])
        (raw,) = cursor.fetchone()
    assert "vanna" not in raw.lower()
    # Search reads it; a name nobody has is romanised on the spot and not kept.
    cached.cache_clear()
    assert cached("វណ្ណា") == romanise("វណ្ណា")
    before = Romanisation.objects.count()
    assert cached("ពិសិដ្ឋ") == romanise("ពិសិដ្ឋ")
    assert Romanisation.objects.count() == before


def test_the_migration_rebuilds_everyones_name_tokens(world):
    case = _open(world, family_name="ចាន់", given_name="ធីតា", aliases=["Toch"], phone="012 345 678")
    person = case.survivor
    NameToken.objects.filter(person=person).delete()
    NameToken.objects.create(person=person, token=12345)
    migration = importlib.import_module("casebridge.people.migrations.0004_reindex_names")
    migration.reindex(apps, None)
    stored = set(NameToken.objects.filter(person=person).values_list("token", flat=True))
    assert stored == person_tokens(person)
    world_person = world.case.survivor
    assert set(NameToken.objects.filter(person=world_person).values_list("token", flat=True)) == person_tokens(
        world_person
    )

"""The kept romanisations of stored Khmer names, and the re-indexing migration."""

from __future__ import annotations

import importlib

from django.apps import apps
from django.db import connection

from casebridge.lib.khmer import romanise
from casebridge.lib.text import query_clauses
from casebridge.people.index import Query, person_words, phone_word
from casebridge.people.models import Person, Romanisation, SearchEntry
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


def test_the_migration_indexes_everyone(world):
    case = _open(world, family_name="ចាន់", given_name="ធីតា", aliases=["Toch"], phone="012 999 731")
    expected = {p.pk: p.search.words for p in Person.objects.select_related("search")}
    SearchEntry.objects.all().delete()
    importlib.import_module("casebridge.people.migrations.0005_search_entry").index_everyone(apps, None)
    importlib.import_module("casebridge.people.migrations.0006_search_ways").add_ways(apps, None)
    assert dict(SearchEntry.objects.values_list("person_id", "words")) == expected
    person = case.survivor
    assert [w for w in expected[person.pk].split() if len(w) == 8] == person_words(
        person.name_fields(), person.phone
    ).split()
    # The full-text index followed the rows: the person is found again (as Thida, and by phone).
    found = Person.objects.filter(search__words__matches=Query.of(query_clauses("Thida")[0]))
    assert person in found
    by_phone = Person.objects.filter(search__words__matches=Query([[[phone_word("+85512999731")]]]))
    assert list(by_phone) == [person]


def test_reindex_people_rebuilds_every_entry_as_it_was(world):
    """After ``manage.py reindex_people`` everyone is found as before: names and ways in kept."""
    import io

    from django.core.management import call_command

    from casebridge.people.search import search_people

    expected = dict(SearchEntry.objects.values_list("person_id", "words"))
    SearchEntry.objects.update(words="")
    out = io.StringIO()
    call_command("reindex_people", stdout=out)
    assert dict(SearchEntry.objects.values_list("person_id", "words")) == expected
    assert f"Indexed {len(expected):,} people." in out.getvalue()
    assert [h.person for h in search_people(world.social_worker, "Srey Pov")] == [world.case.survivor]

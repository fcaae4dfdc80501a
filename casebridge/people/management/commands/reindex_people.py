"""``manage.py reindex_people``: every person's search index words afresh, from their decrypted
names and phone number: after a key file was restored from another copy (the words are made with
the index key: under another key nobody is found), or to repair the index."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from casebridge.people.actions import search_words
from casebridge.people.models import Person, SearchEntry

BATCH = 2000


class Command(BaseCommand):
    help = "Rebuild every person's search index words (in batches of 2,000)."

    def handle(self, *args: Any, **options: Any) -> None:
        people = Person.objects.order_by("pk").only(
            "pk", "family_name", "given_name", "family_name_latin", "given_name_latin", "aliases", "phone"
        )
        last, done = None, 0
        while True:
            batch = list((people.filter(pk__gt=last) if last else people)[:BATCH])
            if not batch:
                break
            with transaction.atomic():
                words = search_words(batch)
                SearchEntry.objects.filter(person__in=batch).delete()
                SearchEntry.objects.bulk_create(SearchEntry(person=p, words=words[p.pk]) for p in batch)
            done += len(batch)
            last = batch[-1].pk
        self.stdout.write(f"Indexed {done:,} people.")

"""The ways into each person's cases as words of their search index (issue 8, speed at a
million): a search then reads, through the index, only people the user may reach."""

from django.db import migrations

BATCH = 2000


def add_ways(apps, schema_editor):
    from casebridge.people.index import ways_words, with_ways

    SearchEntry = apps.get_model("people", "SearchEntry")
    Case = apps.get_model("cases", "Case")
    CaseParticipant = apps.get_model("cases", "CaseParticipant")
    Reach = apps.get_model("cases", "Reach")
    entries = SearchEntry.objects.order_by("pk")
    last = 0
    while True:
        batch = list(entries.filter(pk__gt=last)[:BATCH])
        if not batch:
            return
        ids = [e.person_id for e in batch]
        cases: dict = {}
        for case_id, person_id in Case.objects.filter(survivor_id__in=ids).values_list("pk", "survivor_id"):
            cases.setdefault(case_id, set()).add(person_id)
        for case_id, person_id in CaseParticipant.objects.filter(person_id__in=ids).values_list("case_id", "person_id"):
            cases.setdefault(case_id, set()).add(person_id)
        ways: dict = {}
        for row in Reach.objects.filter(case_id__in=list(cases)):
            for person_id in cases[row.case_id]:
                ways.setdefault(person_id, set()).update(ways_words([row]))
        for entry in batch:
            words = with_ways(entry.words, ways.get(entry.person_id, ()))
            if words != entry.words:
                SearchEntry.objects.filter(pk=entry.pk).update(words=words)
        last = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [("people", "0005_search_entry"), ("cases", "0006_contact_requests")]

    operations = [migrations.RunPython(add_ways, migrations.RunPython.noop, elidable=False)]

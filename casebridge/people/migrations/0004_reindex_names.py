"""Name tokens afresh for everyone: Khmer names are now romanised by the Khmer name transducer,
spellings folded by the new spelling key, neighbouring words indexed joined, and the phone
number indexed for search by phone (issue 8)."""

from django.db import migrations

NAME_FIELDS = ("family_name", "given_name", "family_name_latin", "given_name_latin")
BATCH = 2000


def reindex(apps, schema_editor):
    from casebridge.people.actions import _tokens, phone_token
    from casebridge.people.romanisation import remember

    Person = apps.get_model("people", "Person")
    NameToken = apps.get_model("people", "NameToken")
    cache: dict[str, frozenset[int]] = {}
    people = Person.objects.order_by("pk").only("pk", *NAME_FIELDS, "aliases", "phone")
    last = None
    while True:
        batch = list((people.filter(pk__gt=last) if last else people)[:BATCH])
        if not batch:
            return
        rows = []
        for person in batch:
            names = [getattr(person, f) for f in NAME_FIELDS if getattr(person, f)]
            names += [a for a in person.aliases or [] if a]
            tokens: set[int] = set()
            for name in names:
                if name not in cache:
                    remember([name])
                    cache[name] = frozenset(_tokens([name]))
                tokens |= cache[name]
            if person.phone:
                tokens.add(phone_token(person.phone))
            rows += [NameToken(person_id=person.pk, token=t) for t in tokens]
        NameToken.objects.filter(person_id__in=[p.pk for p in batch]).delete()
        NameToken.objects.bulk_create(rows, batch_size=5000)
        last = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [("people", "0003_romanisation")]

    operations = [migrations.RunPython(reindex, migrations.RunPython.noop, elidable=False)]

"""The search index (issue 8, speed at a million): one row of index words per person, under the
database's own full-text index (GIN over a tsvector on PostgreSQL, FTS5 on SQLite), instead of one
row per name token; everyone indexed afresh, the token table dropped."""

import django.db.models.deletion
from django.db import migrations, models

import casebridge.people.index

NAME_FIELDS = ("family_name", "given_name", "family_name_latin", "given_name_latin")
BATCH = 2000

POSTGRESQL = [casebridge.people.index.POSTGRESQL_INDEX, casebridge.people.index.POSTGRESQL_STATISTICS]
SQLITE = [
    # External content: the words are kept once, in people_searchentry; no positions (no phrases).
    f"CREATE VIRTUAL TABLE {casebridge.people.index.FTS_TABLE} USING fts5(words, content='people_searchentry', "
    "content_rowid='id', detail=none, columnsize=0)",
    "CREATE TRIGGER people_searchentry_ai AFTER INSERT ON people_searchentry BEGIN "
    "INSERT INTO people_searchentry_fts(rowid, words) VALUES (new.id, new.words); END",
    "CREATE TRIGGER people_searchentry_ad AFTER DELETE ON people_searchentry BEGIN "
    "INSERT INTO people_searchentry_fts(people_searchentry_fts, rowid, words) VALUES ('delete', old.id, old.words); END",
    "CREATE TRIGGER people_searchentry_au AFTER UPDATE ON people_searchentry BEGIN "
    "INSERT INTO people_searchentry_fts(people_searchentry_fts, rowid, words) VALUES ('delete', old.id, old.words); "
    "INSERT INTO people_searchentry_fts(rowid, words) VALUES (new.id, new.words); END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS people_searchentry_ai",
    "DROP TRIGGER IF EXISTS people_searchentry_ad",
    "DROP TRIGGER IF EXISTS people_searchentry_au",
    "DROP TABLE IF EXISTS people_searchentry_fts",
]


def full_text_index(apps, schema_editor):
    for sql in POSTGRESQL if schema_editor.connection.vendor == "postgresql" else SQLITE:
        schema_editor.execute(sql)


def drop_full_text_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {casebridge.people.index.POSTGRESQL_INDEX_NAME}")
    else:
        for sql in SQLITE_DROP:
            schema_editor.execute(sql)


def index_everyone(apps, schema_editor):
    from casebridge.people.index import person_words
    from casebridge.people.romanisation import remember

    Person = apps.get_model("people", "Person")
    SearchEntry = apps.get_model("people", "SearchEntry")
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
            remember(names)
            rows.append(SearchEntry(person_id=person.pk, words=person_words(names, person.phone)))
        SearchEntry.objects.bulk_create(rows, batch_size=1000)
        last = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [("people", "0004_reindex_names")]

    operations = [
        migrations.CreateModel(
            name="SearchEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("words", casebridge.people.index.SearchWordsField()),
                (
                    "person",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE, related_name="search", to="people.person"
                    ),
                ),
            ],
        ),
        migrations.RunPython(full_text_index, drop_full_text_index, elidable=False),
        migrations.RunPython(index_everyone, migrations.RunPython.noop, elidable=False),
        migrations.DeleteModel(name="NameToken"),
    ]

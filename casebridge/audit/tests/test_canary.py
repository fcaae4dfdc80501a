"""A whole-database dump holds no plaintext identity: a canary survivor's name, phone and address
appear nowhere in it, in any spelling that search normalises them to."""

from __future__ import annotations

from django.db import connection
from django.utils import timezone

from casebridge.cases.actions import add_event, do_open_case
from casebridge.cases.models import EventKind
from casebridge.lib.testing import World
from casebridge.lib.text import name_forms
from casebridge.people.actions import clean_identity

CANARY = {
    "given_name": "Canarytest Xylophone",
    "family_name": "ចន្ទមុនីរ័ត្ន",  # Khmer, so its romanised search form is a canary too
    "given_name_latin": "Canarytest Xylophone",
    "aliases": ["Quixotica Canarybird"],
    "phone": "+85599887766",
    "address": "CanaryStreet 42, Phum Canaryvillage",
}
NOTE = "Canarynote: she named the Zephyrhouse karaoke bar."


def _dump() -> str:
    """Every row of every table, as text, seen from inside this test's transaction."""
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        return "\n".join(connection.connection.iterdump())
    if connection.vendor == "postgresql":
        # pg_dump would open its own session and miss this test's uncommitted rows; casting each
        # row to text inside the transaction reads the same bytes a dump would.
        parts: list[str] = []
        with connection.cursor() as cursor:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
            tables = [name for (name,) in cursor.fetchall()]
            for table in tables:
                name = connection.ops.quote_name(table)
                cursor.execute(f"SELECT t::text FROM {name} AS t")  # noqa: S608 (names from the catalogue)
                parts.extend(row for (row,) in cursor.fetchall())
        assert len(tables) > 20, tables
        return "\n".join(parts)
    raise AssertionError(f"no dump recipe for {connection.vendor}")


def _canary_strings() -> set[str]:
    """The canary values, their distinctive words, and the forms search folds them to
    (case-folded; every Latin form, which romanises the Khmer name)."""
    values = [v for v in CANARY.values() if isinstance(v, str)] + [*CANARY["aliases"], NOTE, "85599887766"]
    values += [v.casefold() for v in values] + [" ".join(f) for v in values for f in name_forms(v)]
    # Short words are left out: they could turn up by chance inside base64 or a number.
    words = {w for v in values for w in v.replace(",", " ").replace(":", " ").split() if len(w) >= 6}
    return set(values) | words


def test_it_keeps_a_canary_identity_out_of_a_database_dump(world: World) -> None:
    identity = clean_identity(CANARY)
    case = do_open_case(
        actor=world.social_worker,
        agency=world.agencies["JPC"],
        identity=identity,
        province="KH-12",
        opened_on=timezone.localdate(),
    )
    add_event(case, actor=world.social_worker, kind=EventKind.NOTE, body=NOTE)
    assert case.survivor.given_name == "Canarytest Xylophone"  # it was really stored

    dump = _dump()

    assert case.number in dump  # the dump is real: it holds the case's plain columns
    assert str(case.pk).replace("-", "") in dump.replace("-", "")
    canaries = _canary_strings()
    assert {"chanmoniroth", "cmonirot", "canarystreet", "Zephyrhouse", "+85599887766"} <= canaries
    leaked = sorted(form for form in canaries if form in dump)
    assert not leaked, f"plaintext in the database dump: {leaked}"

"""Querysets compiled once per process (lib.compiled): the same rows as the ORM for each call's
values, never a value kept from an earlier call; prepared statements on PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, models, transaction
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext

from casebridge.agencies.models import Agency, Membership
from casebridge.cases.models import Case
from casebridge.lib.compiled import Compiled, Rows, Slot
from casebridge.lib.testing import World


def _memberships(count: int) -> QuerySet[Membership]:
    users = [Slot(f"u{i}", models.BigIntegerField()) for i in range(count)]
    return Membership.objects.filter(user__id__in=users).select_related("agency", "user").order_by("user__username")


MEMBERSHIPS: Compiled[Membership] = Compiled(_memberships)


def _case(shape: None) -> QuerySet[Case]:
    return Case.objects.filter(id=Slot("case", models.UUIDField())).select_related("survivor", "lead_agency")


CASE: Compiled[Case] = Compiled(_case)


def _agencies(shape: None) -> QuerySet[Agency]:
    return Agency.objects.filter(code__startswith=Slot("prefix", models.CharField())).order_by("code")


AGENCIES: Compiled[Agency] = Compiled(_agencies)


def test_each_call_reads_its_own_values_with_the_related_rows(world: World) -> None:
    for user in (world.social_worker, world.police, world.outsider):
        expected = list(Membership.objects.filter(user=user).order_by("user__username").values_list("pk", "agency_id"))
        with CaptureQueriesContext(connection) as queries:
            found = MEMBERSHIPS(1, u0=user.pk)
            assert [(m.pk, m.agency.pk) for m in found] == expected  # (agency read with them)
            assert {m.user.username for m in found} == {user.username}
        assert len(queries) == 1
    both = MEMBERSHIPS(2, u0=world.police.pk, u1=world.outsider.pk)
    assert {m.user.username for m in both} == {"police", "outsider"}


def test_an_encrypted_field_is_read_as_the_orm_reads_it(world: World) -> None:
    (case,) = CASE(case=world.case.pk)
    assert case.survivor.given_name == "ស្រីពៅ"
    assert case.lead_agency.code == "JPC"
    assert CASE(case=Case._meta.pk.to_python("00000000-0000-0000-0000-000000000000")) == []  # type: ignore[union-attr]


def test_an_empty_list_finds_nothing_and_asks_nothing(world: World) -> None:
    with CaptureQueriesContext(connection) as queries:
        assert MEMBERSHIPS(0) == []
        assert MEMBERSHIPS.count(0) == 0
    assert len(queries) == 0


def test_rows_page_and_count_as_the_queryset_does(world: World) -> None:
    Agency.objects.bulk_create(
        Agency(code=f"ZZ{i:02}", name=f"Z {i}", org_type="ngo", province="KH-12") for i in range(7)
    )
    everything = list(Agency.objects.filter(code__startswith="ZZ").order_by("code"))
    rows = Rows(AGENCIES, None, prefix="ZZ")
    assert rows.count() == len(rows) == 7
    assert [a.code for a in rows[2:5]] == [a.code for a in everything[2:5]]
    assert [a.code for a in rows[5:10]] == [a.code for a in everything[5:]]
    assert Rows(AGENCIES, None, prefix="JP").count() == 1  # the other value, the same compiled count
    with pytest.raises(TypeError):
        rows[3]  # type: ignore[index]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_on_postgresql_the_statement_is_prepared_once_per_connection(world: World) -> None:
    AGENCIES(prefix="JP")
    AGENCIES(prefix="SH")
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s", ['%"code"::text LIKE%'])
        prepared = cursor.fetchall()
    assert len(prepared) == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_on_postgresql_a_failing_statement_breaks_the_transaction_as_any_other(world: World) -> None:
    broken: Compiled[Agency] = Compiled(lambda shape: Agency.objects.filter(capacity=Slot("n", models.CharField())))
    with pytest.raises(DatabaseError), transaction.atomic():
        broken(n="many")  # not a number: the server refuses it
    assert AGENCIES(prefix="JP")[0].code == "JPC"  # the connection is usable again after the rollback

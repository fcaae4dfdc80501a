"""The audit trail is append-only in the database, and verify_audit finds where a tampered chain breaks.

The tamper tests play a database administrator who lifts the append-only triggers first. Both
SQLite and PostgreSQL undo that DDL when the test's transaction rolls back, so the triggers are
back for the next test (test_it_refuses_changes_in_the_database, last in this file, checks it).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import uuid
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casebridge.audit.log import _append, _plain, canonical, stored_values
from casebridge.audit.models import AuditChainHead, AuditEvent
from casebridge.lib.testing import World


def _verify() -> str:
    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def _broken_at(event_id: int) -> str:
    # The id is followed by " (", so event 1 does not also match event 12.
    return rf"^BROKEN at event {event_id} \("


def _execute(sql: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def lifted(world: World) -> list[int]:
    """The world's audit events, with the append-only triggers lifted as a DBA could; their ids."""
    if connection.vendor == "postgresql":
        # The tests connect as a superuser, as a DBA would. ALTER TABLE refuses while the world's
        # deferred foreign-key checks are pending in this transaction, so they are run first.
        _execute("SET CONSTRAINTS ALL IMMEDIATE")
        _execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        _execute("SET CONSTRAINTS ALL DEFERRED")
    elif connection.vendor == "sqlite":
        _execute("DROP TRIGGER audit_event_no_update")
        _execute("DROP TRIGGER audit_event_no_delete")
    else:
        raise AssertionError(f"no tamper recipe for {connection.vendor}")
    ids = list(AuditEvent.objects.order_by("id").values_list("id", flat=True))
    assert len(ids) >= 3, "the world should write several audit events"
    return ids


def test_it_verifies_the_chain_the_world_wrote(world: World) -> None:
    output = _verify()
    count = AuditEvent.objects.count()
    assert count >= 3
    head = AuditChainHead.objects.get(pk=1)
    assert output.strip() == f"OK: {count} events verified; head {head.last_hash}"
    assert head.last_event_id == AuditEvent.objects.order_by("id").last().pk  # type: ignore[union-attr]


def test_it_names_a_changed_event(lifted: list[int]) -> None:
    changed = lifted[1]
    AuditEvent.objects.filter(pk=changed).update(object_id="someone-else")
    with pytest.raises(CommandError, match=_broken_at(changed)) as error:
        _verify()
    assert "does not match its hash" in str(error.value)


def test_it_names_the_event_after_a_removed_one(lifted: list[int]) -> None:
    AuditEvent.objects.filter(pk=lifted[1]).delete()
    with pytest.raises(CommandError, match=_broken_at(lifted[2])) as error:
        _verify()
    assert "link to the previous event is broken" in str(error.value)


def test_it_notices_the_last_event_removed(lifted: list[int]) -> None:
    AuditEvent.objects.filter(pk=lifted[-1]).delete()
    with pytest.raises(CommandError, match=_broken_at(lifted[-2])) as error:
        _verify()
    assert "ends before the recorded head" in str(error.value)


def test_it_notices_a_forged_event(lifted: list[int]) -> None:
    """A forger appends an event with a well-formed SHA-256 and moves the head to it; without the
    audit key they cannot compute the keyed hash."""
    head = AuditChainHead.objects.get(pk=1)
    forged = AuditEvent(
        id=head.last_event_id + 1,
        at=timezone.now(),
        actor_username="privacy_officer",
        action="view",
        object_type="case",
        object_id="0" * 32,
        prev_hash=head.last_hash,
    )
    forged.hash = hashlib.sha256(canonical(stored_values(forged))).hexdigest()
    forged.save()
    head.last_hash, head.last_event_id = forged.hash, forged.pk
    head.save()
    assert forged.pk > lifted[-1]
    with pytest.raises(CommandError, match=_broken_at(forged.pk)) as error:
        _verify()
    assert "does not match its hash" in str(error.value)


def test_it_notices_a_changed_hash_even_when_the_next_link_is_fixed(lifted: list[int]) -> None:
    """Rewriting a row and its hash is caught at that row, not only at the next one."""
    first, second = lifted[0], lifted[1]
    fake = hashlib.sha256(b"forged").hexdigest()
    AuditEvent.objects.filter(pk=first).update(object_id="someone-else", hash=fake)
    AuditEvent.objects.filter(pk=second).update(prev_hash=fake)
    with pytest.raises(CommandError, match=_broken_at(first)):
        _verify()


@pytest.mark.parametrize(
    ("statement", "refused"),
    [
        ("UPDATE audit_auditevent SET object_id = 'x' WHERE id = %s", "UPDATE"),
        ("DELETE FROM audit_auditevent WHERE id = %s", "DELETE"),
    ],
)
def test_it_refuses_changes_in_the_database(world: World, statement: str, refused: str) -> None:
    event_id = AuditEvent.objects.order_by("id").values_list("id", flat=True).first()
    assert event_id is not None
    # A savepoint, so that PostgreSQL's aborted statement does not poison the test transaction.
    with pytest.raises(DatabaseError, match=rf"append-only \({refused} refused\)"), transaction.atomic():
        _execute(statement, [event_id])
    assert AuditEvent.objects.filter(pk=event_id).exclude(object_id="x").exists()
    assert re.match(r"^OK: ", _verify())


def test_it_refuses_a_replace_that_would_rewrite_an_event(world: World) -> None:
    event = AuditEvent.objects.order_by("id").first()
    assert event is not None
    insert = (
        " INTO audit_auditevent (id, at, actor_username, role, action, object_type, object_id, sections, via,"
        " request_id, reason, prev_hash, hash)"
        " VALUES (%s, %s, 'forger', '', 'view', 'case', 'x', '', '', '', '', '', '')"
    )
    if connection.vendor == "sqlite":
        statement = "INSERT OR REPLACE" + insert
    else:
        statement = "INSERT" + insert + " ON CONFLICT (id) DO UPDATE SET object_id = 'x'"
    with pytest.raises(DatabaseError, match=r"append-only"), transaction.atomic():
        _execute(statement, [event.pk, event.at])
    assert AuditEvent.objects.get(pk=event.pk).object_id == event.object_id


def _changed(column: str, value: Any, event_id: int) -> Any:
    """Another value for one stored column: the same text in another form where there is one (an
    upper-case id reads back as the same UUID on SQLite), else a different value."""
    if column == "id":
        return event_id + 1000
    if column == "at":
        return value + datetime.timedelta(microseconds=1) if isinstance(value, datetime.datetime) else value + "1"
    if column in ("actor_id", "agency_id"):
        model: Any = AuditEvent._meta.get_field(column.removesuffix("_id")).related_model
        return model._default_manager.exclude(pk=value).values_list("pk", flat=True).first()
    if column == "ip":
        return "10.0.0.9" if value != "10.0.0.9" else "10.0.0.8"
    if isinstance(value, uuid.UUID):  # PostgreSQL's uuid type has one form only
        return uuid.uuid4()
    if isinstance(value, str) and value != value.upper():
        return value.upper()
    return (value or "") + "x"


COLUMNS = [f.column for f in AuditEvent._meta.concrete_fields]


@pytest.mark.parametrize("column", COLUMNS)
def test_it_notices_a_change_to_any_stored_column(lifted: list[int], column: str) -> None:
    target = next(
        pk for pk in lifted[1:-1] if AuditEvent.objects.filter(pk=pk, case_id__isnull=False, actor__isnull=False)
    )
    assert _verify().startswith("OK")
    with connection.cursor() as cursor:
        raw = "+" if connection.vendor == "sqlite" else ""
        cursor.execute(f"SELECT {raw}{connection.ops.quote_name(column)} FROM audit_auditevent WHERE id = %s", [target])  # noqa: S608
        (value,) = cursor.fetchone()
    new = _changed(column, value, target)
    assert new != value
    _execute(f"UPDATE audit_auditevent SET {connection.ops.quote_name(column)} = %s WHERE id = %s", [new, target])  # noqa: S608
    with pytest.raises(CommandError) as error:
        _verify()
    named = {target, target + 1} if column == "id" else {target}  # a moved event breaks the chain where it was
    assert any(re.match(_broken_at(pk), str(error.value)) for pk in named), str(error.value)


def test_a_page_of_events_written_at_once_verifies(world: World, client: Any) -> None:
    """A list page writes one event per row in one go (COPY on PostgreSQL): the chain holds."""
    from casebridge.api.authentication import issue_token
    from casebridge.cases.actions import do_open_case
    from casebridge.people.actions import clean_identity

    for name in ("Dara", "Mony", "Sokha"):
        do_open_case(
            actor=world.social_worker,
            agency=world.agencies["JPC"],
            identity=clean_identity({"given_name_latin": name}),
            province="KH-12",
            opened_on=timezone.localdate(),
        )
    before = AuditEvent.objects.count()
    response = client.get("/api/v1/cases/", HTTP_AUTHORIZATION=f"Token {issue_token(world.social_worker)}")
    assert response.status_code == 200 and response.json()["count"] == 4
    assert AuditEvent.objects.count() == before + 4
    assert _verify().startswith("OK")


# Moments that compare equal but are not the same: one instant in two time zones, and the two
# 01:30 of the night New York's clocks go back (equal as wall-clock times, an hour apart).
_NOW = timezone.now()
_TEXT = st.characters(codec="utf-8", exclude_characters="\x00")  # (PostgreSQL's text holds no NUL)
_MOMENTS = [
    _NOW,
    _NOW.astimezone(ZoneInfo("Asia/Phnom_Penh")),
    datetime.datetime(2026, 11, 1, 1, 30, tzinfo=ZoneInfo("America/New_York")),
    datetime.datetime(2026, 11, 1, 1, 30, tzinfo=ZoneInfo("America/New_York"), fold=1),
]


@given(
    rows=st.lists(
        st.fixed_dictionaries(
            {
                "at": st.sampled_from(_MOMENTS),
                "case_id": st.sampled_from([None, uuid.UUID(int=1), uuid.UUID(int=2)]),
                "object_id": st.text(_TEXT, max_size=8),
                "agency_id": st.none() | st.integers(1, 3),
                "ip": st.sampled_from([None, "10.0.0.1", "2001:db8::1"]),
                "reason": st.text(_TEXT, max_size=12),
            }
        ),
        min_size=1,
        max_size=6,
    )
)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_batch_is_stored_and_hashed_as_each_event_alone(db: Any, rows: list[dict[str, Any]]) -> None:
    """The append keeps converted values for the next events of a batch (they share the moment,
    the actor, the address): each event is still sent and hashed exactly as it would be alone,
    and the batch verifies."""
    events = [AuditEvent(actor_username="x", role="", action="view", object_type="case", **row) for row in rows]
    memo: dict[Any, Any] = {}
    for i, event in enumerate(events, start=1):
        event.pk = i
        batched, alone = stored_values(event, connection, memo), stored_values(event, connection)
        assert [(type(v), repr(v)) for v in batched.values()] == [(type(v), repr(v)) for v in alone.values()]
        assert canonical(batched) == json.dumps(
            {k: _plain(v) for k, v in alone.items()},
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
            default=str,
        ).encode("utf-8")
    with transaction.atomic():
        _append(connection, events)
    stored = {e.pk: e.at for e in AuditEvent.objects.filter(pk__in=[e.pk for e in events])}
    utc = datetime.UTC
    assert [stored[e.pk].astimezone(utc) for e in events] == [e.at.astimezone(utc) for e in events]
    assert _verify().startswith("OK")


@pytest.mark.parametrize(
    ("remote", "stored"),
    [
        ("::ffff:10.0.0.1", "10.0.0.1"),
        ("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
        ("not an address", None),
    ],
)
def test_the_client_address_is_stored_as_the_database_gives_it_back(
    world: World, client: Any, remote: str, stored: str | None
) -> None:
    """A server listening on IPv6 reports an IPv4 client as ::ffff:10.0.0.1, which the database
    gives back in another form than Python writes it: the event's hash must still verify."""
    from casebridge.api.authentication import issue_token

    response = client.get(
        f"/api/v1/cases/{world.case.pk}/",
        HTTP_AUTHORIZATION=f"Token {issue_token(world.social_worker)}",
        REMOTE_ADDR=remote,
    )
    assert response.status_code == 200
    event = AuditEvent.objects.order_by("-id").first()
    assert event is not None and event.action == "view" and event.ip == stored
    assert _verify().startswith("OK")

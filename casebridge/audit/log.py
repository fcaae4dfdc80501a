"""Writing and verifying audit events.

Every read or write of case data calls :func:`record` inside the transaction that reads or
writes (requests run in one transaction: ATOMIC_REQUESTS). If the event cannot be written the
transaction fails and nothing is shown or saved.

Appending to the chain takes the chain head's row lock until the transaction commits, so it is
done as late as possible: during a request, events wait on the connection and are written by
:func:`flush`, which the database backend (``casebridge.audit.backends``) calls as the request's
transaction ends, just before it commits. A savepoint rolled back drops the events recorded in
it, a transaction rolled back drops them all, exactly as if they had been written at once.
Outside a request (commands, tests calling actions) events are written at once.

The hash covers every column exactly as the database stores it (the id included), so a value
rewritten into another form that reads back the same (an upper-case id on SQLite) still breaks it.
"""

from __future__ import annotations

import datetime
import functools
import ipaddress
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.db import connection as default_connection
from django.db import models, transaction
from django.utils import timezone

from casebridge.audit.context import current_origin
from casebridge.audit.models import AuditChainHead, AuditEvent
from casebridge.lib.compiled import execute_prepared
from casebridge.lib.crypto import audit_mac

if TYPE_CHECKING:
    from casebridge.accounts.models import User
    from casebridge.agencies.models import Membership

GENESIS = "0" * 64


@dataclass(frozen=True)
class Item:
    """One object an action touched. ``via``, ``agency_id`` and ``role`` say how the actor reached
    it and as whom; left as None, they come from ``record``'s ``via`` and the actor's memberships."""

    object_type: str
    object_id: str
    case_id: UUID | None = None
    sections: Sequence[str] = ()
    via: Sequence[str] | None = None
    agency_id: int | None = None
    role: str | None = None

    @classmethod
    def on(cls, access: Any, object_type: str, object_id: object, case_id: UUID, sections: Iterable[str] = ()) -> Item:
        """An item reached through ``access`` (a ``cases.access.CaseAccess``)."""
        return cls(
            object_type,
            str(object_id),
            case_id,
            tuple(str(s) for s in sections),
            tuple(access.via),
            access.acting_agency_id,
            access.acting_role,
        )


@functools.cache
def _fields() -> tuple[Any, ...]:
    return tuple(f for f in AuditEvent._meta.concrete_fields if f.attname != "hash")


_AS_IS = (str, int, type(None))


def _plain(value: Any) -> Any:
    """A stored value as JSON: the driver hands back datetimes, UUIDs and addresses as objects."""
    if type(value) in _AS_IS:
        return value
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, UUID | ipaddress.IPv4Address | ipaddress.IPv6Address):
        return str(value)
    if isinstance(value, ipaddress.IPv4Interface | ipaddress.IPv6Interface):
        return str(value.ip)
    return value


# What json.dumps would make for each call, made once.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def canonical(stored: dict[str, Any]) -> bytes:
    """The bytes the chain hash covers: every column as stored, but the hash itself."""
    return _CANONICAL.encode({column: _plain(value) for column, value in stored.items()}).encode("utf-8")


@functools.cache
def _converted() -> frozenset[str]:
    """The columns whose values the database's driver is handed in another form (a datetime, a
    UUID, an address); the others are stored as given (text, whole numbers, null)."""
    kinds = (models.DateTimeField, models.UUIDField, models.GenericIPAddressField)
    return frozenset(f.attname for f in _fields() if isinstance(f, kinds))


def stored_values(event: AuditEvent, connection: Any = None, memo: dict[Any, Any] | None = None) -> dict[str, Any]:
    """Each column of ``event`` (but the hash) as it is sent to, and stored by, the database.
    ``memo`` keeps the converted values for the next events of a batch, which share the very
    objects of the moment, the address and often the case (by identity: an equal value is not
    always the same one, a datetime an hour apart across a change of clocks compares equal)."""
    connection = connection or default_connection
    converted = _converted()
    memo = {} if memo is None else memo
    stored = {}
    for f in _fields():
        value = getattr(event, f.attname)
        if f.attname in converted or type(value) not in _AS_IS:
            # (the value is kept beside its converted form: while the memo lives, its id is not reused)
            kept = memo.get((f.attname, id(value)))
            if kept is None:
                kept = memo[f.attname, id(value)] = (value, f.get_db_prep_save(value, connection))
            value = kept[1]
        stored[f.column] = value
    return stored


def record(
    actor: User | None,
    action: str,
    items: Iterable[Item],
    *,
    via: Iterable[str] = (),
    reason: str = "",
) -> list[AuditEvent]:
    """Append one event per item to the chain, in the current transaction."""
    items = list(items)
    if not items:
        return []
    origin = current_origin()
    now = timezone.now()
    via = tuple(via)
    acting: dict[UUID | None, tuple[int | None, str]] = {}
    events = []
    for item in items:
        if item.role is not None:
            agency_id, role = item.agency_id, item.role
        else:
            if item.case_id not in acting:
                membership = _acting_membership(actor, item.case_id) if actor is not None else None
                acting[item.case_id] = (membership.agency_id, membership.role) if membership else (None, "")
            agency_id, role = acting[item.case_id]
        events.append(
            AuditEvent(
                at=now,
                actor=actor,
                actor_username=actor.get_username() if actor is not None else "system",
                agency_id=agency_id,
                role=role,
                action=action,
                object_type=item.object_type,
                object_id=item.object_id,
                case_id=item.case_id,
                sections=",".join(sorted(str(s) for s in item.sections)),
                via=",".join(sorted(via or item.via or ())),
                ip=origin.ip,
                request_id=origin.request_id,
                reason=reason,
            )
        )
    conn = transaction.get_connection()
    depth = getattr(conn, "audit_defer_depth", None)
    if conn.in_atomic_block and depth is not None and len(conn.atomic_blocks) > depth:
        conn.audit_pending.append((set(conn.savepoint_ids), events))
    else:
        with transaction.atomic():
            _append(conn, events)
    return events


def flush(conn: Any) -> None:
    """Write the events waiting on ``conn`` (see the module's docstring)."""
    pending = getattr(conn, "audit_pending", None)
    if not pending:
        return
    events = [event for _, batch in pending for event in batch]
    pending.clear()
    _append(conn, events)


def _append(conn: Any, events: list[AuditEvent]) -> None:
    """Chain ``events`` after the head under its row lock and insert them, in the open transaction.
    Raw SQL: this runs as the transaction commits, where the ORM's own transaction handling has
    already stepped aside. The event ids are the chain positions, taken under the same lock."""
    quote = conn.ops.quote_name
    head_table, table = quote(AuditChainHead._meta.db_table), quote(AuditEvent._meta.db_table)
    lock = " FOR UPDATE" if conn.features.has_select_for_update else ""
    with conn.cursor() as cursor:
        found = execute_prepared(cursor, f"SELECT last_hash, last_event_id FROM {head_table} WHERE id = 1{lock}", [])  # noqa: S608
        row = found[0] if found else None
        if row is None:
            # The migration creates the head; it is re-created only on an emptied database, and a
            # chain restarted that way fails verification at its first event.
            cursor.execute(f"INSERT INTO {head_table} (id, last_hash, last_event_id) VALUES (1, %s, 0)", [GENESIS])  # noqa: S608
            row = (GENESIS, 0)
        previous, last_id = row
        rows = []
        memo: dict[Any, Any] = {}
        for offset, event in enumerate(events, start=1):
            event.pk = last_id + offset
            event.prev_hash = previous
            stored = stored_values(event, conn, memo)
            event.hash = audit_mac(canonical(stored))
            previous = event.hash
            rows.append([*stored.values(), event.hash])
        columns = [f.column for f in _fields()] + [AuditEvent._meta.get_field("hash").column]
        names = ", ".join(quote(c) for c in columns)
        marks = ", ".join(["%s"] * len(columns))
        insert = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
        update = f"UPDATE {head_table} SET last_hash = %s, last_event_id = %s WHERE id = 1"  # noqa: S608
        if conn.vendor == "postgresql" and len(rows) == 1:
            # One round trip for both: the head moves only if the event went in.
            execute_prepared(
                cursor, f"WITH added AS ({insert} RETURNING 1) {update}", [*rows[0], previous, events[-1].pk]
            )
        elif conn.vendor == "postgresql":
            # A page of rows (a list, a search): COPY sends them in one stream (measured faster
            # than one statement of many rows, or of arrays, whose values are each bound).
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                for row in rows:
                    copy.write_row(row)
            cursor.execute(update, [previous, events[-1].pk])
        else:
            cursor.executemany(insert, rows)
            cursor.execute(update, [previous, events[-1].pk])


def _acting_membership(actor: User, case_id: UUID | None) -> Membership | None:
    """The membership the actor acts in on this case, for events recorded without it: one at the
    lead agency, else one at an agency on the case team or with a referral grant, content roles
    first; else their primary."""
    memberships = actor.active_memberships()
    if case_id is None or len(memberships) < 2:
        return actor.primary_membership()
    from casebridge.cases.access import is_case_staff
    from casebridge.cases.models import Reach

    ways_in = {
        agency: path
        for agency, path in Reach.objects.filter(case_id=case_id, agency_id__isnull=False).values_list(
            "agency_id", "path"
        )
    }
    for wanted in (lambda path: path == "lead", lambda path: path != "lead"):
        here = [m for m in memberships if m.agency_id in ways_in and wanted(ways_in[m.agency_id])]
        here.sort(key=lambda m: not is_case_staff(m.role))
        if here:
            return here[0]
    return actor.primary_membership()


@dataclass(frozen=True)
class Verification:
    ok: bool
    checked: int
    broken_event_id: int | None = None
    problem: str = ""
    head_hash: str = GENESIS


def _stored_rows(batch: int) -> Iterable[dict[str, Any]]:
    """Every event's columns exactly as stored, in chain order, a batch at a time."""
    fields = [*_fields(), AuditEvent._meta.get_field("hash")]
    quote = default_connection.ops.quote_name
    # SQLite's driver turns columns declared as datetimes into objects; "+column" is the same
    # value as stored (unary plus is a no-op there) without a declared type to convert by.
    raw = "+" if default_connection.vendor == "sqlite" else ""
    names = ", ".join(raw + quote(f.column) for f in fields)
    table = quote(AuditEvent._meta.db_table)
    last: Any = None
    while True:
        with default_connection.cursor() as cursor:
            where = "" if last is None else "WHERE id > %s "
            cursor.execute(
                f"SELECT {names} FROM {table} {where}ORDER BY id LIMIT %s",  # noqa: S608
                [batch] if last is None else [last, batch],
            )
            rows = cursor.fetchall()
        if not rows:
            return
        for row in rows:
            yield dict(zip([f.column for f in fields], row, strict=True))
        last = rows[-1][0]


def verify(batch: int = 5000) -> Verification:
    """Walk the chain from the first event; report the first event where it breaks."""
    previous = GENESIS
    checked = 0
    last_id = 0
    hash_column = AuditEvent._meta.get_field("hash").column
    for row in _stored_rows(batch):
        event_id = row["id"]
        if row["prev_hash"] != previous or event_id != last_id + 1:
            return Verification(
                False,
                checked,
                event_id,
                "its link to the previous event is broken (a row was removed, inserted or changed before it)",
            )
        stored = {column: value for column, value in row.items() if column != hash_column}
        if row[hash_column] != audit_mac(canonical(stored)):
            return Verification(False, checked, event_id, "its content does not match its hash (the row was changed)")
        previous = row[hash_column]
        last_id = event_id
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first() or AuditChainHead(last_hash=GENESIS, last_event_id=0)
    if head.last_hash != previous or head.last_event_id != last_id:
        return Verification(
            False,
            checked,
            last_id or None,
            "the chain ends before the recorded head (events were removed from the end)",
        )
    return Verification(True, checked, head_hash=previous)

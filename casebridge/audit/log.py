"""Writing and verifying audit events.

Every read or write of case data calls :func:`record` inside the transaction that reads or
writes (requests run in one transaction: ATOMIC_REQUESTS). If the event cannot be written the
transaction fails and nothing is shown or saved.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from casebridge.audit.context import current_origin
from casebridge.audit.models import AuditChainHead, AuditEvent
from casebridge.lib.crypto import audit_mac

if TYPE_CHECKING:
    from casebridge.accounts.models import User
    from casebridge.agencies.models import Membership

GENESIS = "0" * 64


@dataclass(frozen=True)
class Item:
    """One object an action touched."""

    object_type: str
    object_id: str
    case_id: UUID | None = None
    sections: Sequence[str] = ()


def canonical(event: AuditEvent) -> bytes:
    """The bytes the chain hash covers: every column but the id and the hash itself."""
    return json.dumps(
        {
            "at": event.at.astimezone(datetime.UTC).isoformat(),
            "actor": event.actor_id,
            "actor_username": event.actor_username,
            "agency": event.agency_id,
            "role": event.role,
            "action": event.action,
            "object_type": event.object_type,
            "object_id": event.object_id,
            "case_id": str(event.case_id) if event.case_id else None,
            "sections": event.sections,
            "via": event.via,
            "ip": event.ip,
            "request_id": event.request_id,
            "reason": event.reason,
            "prev_hash": event.prev_hash,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode("utf-8")


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
    membership = _acting_membership(actor, items[0].case_id) if actor is not None else None
    now = timezone.now()
    events = [
        AuditEvent(
            at=now,
            actor=actor,
            actor_username=actor.get_username() if actor is not None else "system",
            agency_id=membership.agency_id if membership else None,
            role=membership.role if membership else "",
            action=action,
            object_type=item.object_type,
            object_id=item.object_id,
            case_id=item.case_id,
            sections=",".join(sorted(str(s) for s in item.sections)),
            via=",".join(sorted(via)),
            ip=origin.ip,
            request_id=origin.request_id,
            reason=reason,
        )
        for item in items
    ]
    with transaction.atomic():
        # The migration creates the head; it is re-created only on an emptied database, and a
        # chain restarted that way fails verification at its first event.
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1, defaults={"last_hash": GENESIS})
        previous = head.last_hash
        for event in events:
            event.prev_hash = previous
            event.hash = audit_mac(canonical(event))
            previous = event.hash
        AuditEvent.objects.bulk_create(events)
        head.last_hash = previous
        head.last_event_id = events[-1].pk or 0
        head.save(update_fields=["last_hash", "last_event_id"])
    return events


def _acting_membership(actor: User, case_id: UUID | None) -> Membership | None:
    """The membership the actor acts in on this case: one at the lead agency, else one at an
    agency on the case team or with a referral grant, content roles first; else their primary."""
    memberships = actor.active_memberships()
    if case_id is None or len(memberships) < 2:
        return actor.primary_membership()
    from casebridge.cases.access import default_sections
    from casebridge.cases.models import Case, ReferralGrant, TeamMember

    lead = Case.objects.filter(pk=case_id).values_list("lead_agency_id", flat=True).first()
    sharing = set(
        TeamMember.objects.filter(case_id=case_id, removed_at__isnull=True).values_list("agency_id", flat=True)
    ) | set(ReferralGrant.objects.filter(case_id=case_id, revoked_at__isnull=True).values_list("agency_id", flat=True))
    for agencies in ({lead}, sharing):
        here = sorted((m for m in memberships if m.agency_id in agencies), key=lambda m: not default_sections(m.role))
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


def verify(batch: int = 5000) -> Verification:
    """Walk the chain from the first event; report the first event where it breaks."""
    previous = GENESIS
    checked = 0
    last_id = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=batch):
        if event.prev_hash != previous:
            return Verification(
                False,
                checked,
                event.pk,
                "its link to the previous event is broken (a row was removed, inserted or changed before it)",
            )
        if event.hash != audit_mac(canonical(event)):
            return Verification(False, checked, event.pk, "its content does not match its hash (the row was changed)")
        previous = event.hash
        last_id = event.pk
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

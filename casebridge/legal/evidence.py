"""The evidence register of a proceeding and each item's chain of custody. An item is
registered by a lawyer of the lead agency (who holds it first); an item seized in an operation
flows in from the investigations compartment, for a lawyer who reaches that operation. It then
moves only by hand-offs from its custodian to another person who reaches the proceeding, each
counted once the receiver confirms it. Hand-offs and receipts are append-only at the database,
as the audit log is. As :mod:`.actions`: one transaction, validated first, audited."""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from casebridge.audit.models import Action
from casebridge.legal.access import legal_agencies
from casebridge.legal.actions import _day, _lead, audited
from casebridge.legal.models import Evidence, EvidenceKind, Handoff, HandoffReceipt, Proceeding
from casebridge.lib.errors import Conflict, NotAllowed, checked_text, raise_errors
from casebridge.lib.records import new_reference

if TYPE_CHECKING:
    from casebridge.accounts.models import User
    from casebridge.investigations.models import SeizedItem

SHA256 = re.compile(r"[0-9a-f]{64}")


def custody_of(evidence: Evidence, handoffs: list[Handoff]) -> tuple[User, Handoff | None]:
    """Who holds the item (the receiver of its last confirmed hand-off, else who registered it),
    and the hand-off awaiting its receiver's confirmation, if the latest is one."""
    holder = evidence.registered_by
    pending = None
    for handoff in sorted(handoffs, key=lambda h: h.at):
        if hasattr(handoff, "receipt"):
            holder, pending = handoff.receiver, None
        else:
            pending = handoff
    return holder, pending


def _chain(evidence: Evidence) -> list[Handoff]:
    return list(Handoff.objects.filter(evidence=evidence).select_related("receipt", "receiver").order_by("at"))


def register(user: User, proceeding: Proceeding) -> list[Any]:
    """The proceeding's register as the user reads it, each item with its ``chain`` of hand-offs,
    its ``holder`` and the hand-off ``pending`` its receiver's confirmation: one read of each."""
    items = list(
        Evidence.objects.visible_to(user)
        .filter(proceeding=proceeding)
        .select_related("registered_by")
        .prefetch_related("handoffs__receipt", "handoffs__receiver", "handoffs__giver")
    )
    for item in items:
        item.chain = list(item.handoffs.all())  # type: ignore[attr-defined]
        item.holder, item.pending = custody_of(item, item.chain)  # type: ignore[attr-defined]
    return items


@transaction.atomic
def do_register(
    proceeding: Proceeding,
    *,
    actor: User,
    kind: str,
    description: str,
    collected_by: str,
    collected_on: datetime.date,
    location: str,
    sha256: str = "",
    seized: SeizedItem | None = None,
) -> Evidence:
    """An item of evidence; a digital file by the SHA-256 of its content; ``seized`` an item
    seized in an operation, that the actor reaches (the caller finds it through its
    ``visible_to``), registered once per proceeding."""
    proceeding = _lead(actor, proceeding)
    if proceeding.closed_as:
        raise Conflict(_("This proceeding is closed: nothing more is recorded in it."))
    errors: dict[str, Any] = {}
    if kind not in EvidenceKind.values:
        errors["kind"] = _("Choose one of the options.")
    words = checked_text(errors, "description", description, 500, required=True)
    collector = checked_text(errors, "collected_by", collected_by, 200, required=True)
    kept = checked_text(errors, "location", location, 200, required=True)
    _day(errors, "collected_on", collected_on)
    digest = (sha256 or "").strip().lower()
    if kind == EvidenceKind.DIGITAL and not SHA256.fullmatch(digest):
        errors["sha256"] = _("A digital file is registered by the SHA-256 of its content: 64 hexadecimal digits.")
    elif kind != EvidenceKind.DIGITAL and digest:
        errors["sha256"] = _("Only a digital file has a SHA-256.")
    if seized is not None and Evidence.objects.filter(proceeding=proceeding, seized=seized).exists():
        errors["seized"] = _("This seized item is in the register already.")
    raise_errors(errors)
    evidence = Evidence.objects.create(
        proceeding=proceeding,
        reference=new_reference("EVI"),
        kind=kind,
        description=words,
        sha256=digest,
        collected_by=collector,
        collected_on=collected_on,
        location=kept,
        seized=seized,
        registered_by=actor,
    )
    audited(actor, Action.CREATE, [evidence], "evidence")
    return evidence


@transaction.atomic
def do_hand_off(evidence: Evidence, *, actor: User, receiver: User, location: str, purpose: str = "") -> Handoff:
    """The item's custodian hands it to another person who reaches the proceeding; it counts once
    they confirm. A hand-off still unconfirmed is superseded by a new one from the custodian. When
    the holder no longer reaches the proceeding (they left, their grant ended), a lawyer of the
    lead agency hands it on in their place, saying how it was recovered."""
    evidence = Evidence.objects.select_for_update().get(pk=evidence.pk)
    holder, pending = custody_of(evidence, _chain(evidence))
    errors: dict[str, Any] = {}
    if holder.pk != actor.pk:
        if pending is not None and pending.receiver_id == actor.pk:
            raise Conflict(_("Confirm that you received it before you hand it on."))
        if not _gone(evidence, holder) or evidence.proceeding.lead_agency_id not in legal_agencies(actor):
            raise NotAllowed(_("Only the person who holds the item hands it on."))
        # Its holder no longer works on the proceeding: a lawyer of the lead agency takes it on, saying why.
        if not (purpose or "").strip():
            errors["purpose"] = _("Its holder no longer works on this proceeding: say how the item was recovered.")
    if receiver is None or receiver.pk == actor.pk:
        errors["receiver"] = _("Choose the person who receives it.")
    elif not Proceeding.objects.visible_to(receiver).filter(pk=evidence.proceeding_id).exists():
        errors["receiver"] = _("Hand it only to someone who works on this proceeding.")
    kept = checked_text(errors, "location", location, 200, required=True)
    why = checked_text(errors, "purpose", purpose, 500)
    raise_errors(errors)
    handoff = Handoff.objects.create(
        proceeding_id=evidence.proceeding_id,
        evidence=evidence,
        giver=actor,
        receiver=receiver,
        location=kept,
        purpose=why or None,
    )
    audited(actor, Action.CREATE, [handoff], "handoff")
    return handoff


def _gone(evidence: Evidence, holder: User) -> bool:
    """The holder no longer reaches the item's proceeding."""
    return not Proceeding.objects.visible_to(holder).filter(pk=evidence.proceeding_id).exists()


@transaction.atomic
def do_confirm(handoff: Handoff, *, actor: User) -> HandoffReceipt:
    """The receiver confirms the item reached them: from now on they hold it."""
    evidence = Evidence.objects.select_for_update().get(pk=handoff.evidence_id)
    if handoff.receiver_id != actor.pk:
        raise NotAllowed(_("Only the person it was handed to confirms it."))
    pending = custody_of(evidence, _chain(evidence))[1]
    if pending is None or pending.pk != handoff.pk:
        raise Conflict(_("This hand-off is confirmed already, or was replaced by a later one."))
    receipt = HandoffReceipt.objects.create(handoff=handoff, proceeding_id=handoff.proceeding_id, by=actor)
    audited(actor, Action.CREATE, [handoff], "handoff_receipt")
    return receipt

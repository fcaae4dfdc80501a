"""Recording consent decisions."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from casebridge.audit.log import Item, record
from casebridge.audit.models import Action
from casebridge.cases.access import case_access
from casebridge.cases.actions import (
    add_event,
    check_date,
    earliest_date,
    end_sharing_with,
    lead_case_workers,
    lock_case,
)
from casebridge.cases.models import Audience, Case, EventKind
from casebridge.cases.sections import Section
from casebridge.consents.ledger import has_consent
from casebridge.consents.models import ConsentRecord, Decision, GivenBy, Purpose
from casebridge.lib.codes import language_code
from casebridge.lib.errors import NotAllowed
from casebridge.notifications.actions import notify
from casebridge.notifications.models import Kind

if TYPE_CHECKING:
    from casebridge.accounts.models import User
    from casebridge.agencies.models import Agency

ADULT = 18
CONSENTS_ALONE = 15  # below this age a child cannot consent alone (a guardian decides, with the child's assent)


@transaction.atomic
def do_record_consent(
    case: Case,
    *,
    actor: User,
    purpose: str,
    decision: str,
    given_by: str,
    decided_on: datetime.date,
    language: str,
    shared_with: Agency | None = None,
    child_assent: bool | None = None,
    note: str | None = None,
) -> ConsentRecord:
    """Record a consent decision. The survivor tells their case worker, so the lead agency's case
    staff record consent; a partner agency may record only that consent to share with itself was
    refused or withdrawn (the lead case worker is told). Emergency access writes nothing."""
    case = lock_case(case)  # a team change waiting on this consent sees it, and vice versa
    access = case_access(actor, case)
    if not access.can(Section.IDENTITY):
        raise NotAllowed(_("Recording consent needs access to the survivor's identity."))
    if not access.can_write_in(Section.IDENTITY):
        raise NotAllowed(_("Emergency access is for reading: it does not allow writing anything."))
    by_partner = not access.can_manage
    if by_partner and not (
        purpose == Purpose.SHARING
        and decision in (Decision.REFUSED, Decision.WITHDRAWN)
        and shared_with is not None
        and shared_with.pk in access.through_agencies
    ):
        raise NotAllowed(
            _(
                "Only the lead agency's case staff record consent. Your agency can record only that the "
                "survivor refused or withdrew consent to share information with your agency."
            )
        )
    errors: dict[str, str] = {}
    if purpose not in Purpose.values:
        errors["purpose"] = _("Choose a purpose.")
    if decision not in Decision.values:
        errors["decision"] = _("Choose a decision.")
    if given_by not in GivenBy.values:
        errors["given_by"] = _("Say who decided.")
    if purpose == Purpose.SHARING and shared_with is None:
        errors["shared_with"] = _("Name the agency the information may be shared with.")
    if purpose != Purpose.SHARING and shared_with is not None:
        errors["shared_with"] = _("An agency is named only for consent to share.")
    check_date(errors, "decided_on", decided_on, earliest=earliest_date(case.survivor.birth_date))
    code = language_code(language or "")
    if code is None:
        errors["language"] = _("Choose the language the survivor was told in.")
    if note and len(note) > 2000:
        errors["note"] = _("At most 2000 characters.")
    age = case.survivor.age_on(decided_on)
    minor = age is None or age < ADULT
    if given_by == GivenBy.GUARDIAN:
        if not minor:
            errors["given_by"] = _("The survivor is an adult and decides for themselves.")
        elif child_assent is None:
            errors["child_assent"] = _("Record whether the child agrees (assent) as well as the guardian.")
    elif given_by == GivenBy.SURVIVOR:
        if decision == Decision.GIVEN and age is not None and age < CONSENTS_ALONE:
            errors["given_by"] = _(
                "A child under 15 cannot consent alone: "
                "record the consent of a parent or guardian with the child's assent."
            )
        child_assent = None
    if errors:
        raise ValidationError(errors)  # type: ignore[arg-type]
    consent = ConsentRecord(
        survivor=case.survivor,
        case=case,
        purpose=purpose,
        shared_with=shared_with,
        decision=decision,
        given_by=given_by,
        child_assent=child_assent,
        decided_on=decided_on,
        language=code or "",
        note=note or None,
        recorded_by=actor,
    )
    consent.save()
    data = {"purpose": purpose, "decision": decision, "agency": shared_with.name if shared_with else ""}
    if shared_with is not None:
        # Consent to share with an agency says that agency serves the survivor: for the lead
        # agency's case staff and that agency only.
        add_event(
            case,
            actor=actor,
            kind=EventKind.CONSENT,
            audience=Audience.PARTNER,
            about_agency=shared_with,
            data=data,
            access=access,
        )
    else:
        add_event(case, actor=actor, kind=EventKind.CONSENT, section=Section.IDENTITY, data=data, access=access)
    record(actor, Action.CREATE, [Item.on(access, "consent", consent.pk, case.pk, ["identity"])])
    if purpose == Purpose.SHARING and shared_with is not None and not has_consent(case.survivor, purpose, shared_with):
        end_sharing_with(case, shared_with, actor=actor, access=access)
    from casebridge.consents.signals import consent_recorded

    consent_recorded.send(sender=ConsentRecord, consent=consent, case=case, actor=actor)
    if by_partner:
        assert shared_with is not None
        notify(
            lead_case_workers(case),
            Kind.CONSENT_BY_PARTNER,
            case=case,
            data={"agency": shared_with.code, "number": case.number, "decision": decision},
            link=reverse("cases:detail", args=[case.pk]),
        )
    return consent

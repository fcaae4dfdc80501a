"""Recording consent decisions."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casebridge.audit.log import Item, record
from casebridge.audit.models import Action
from casebridge.cases.access import case_access
from casebridge.cases.actions import add_event, end_sharing_with
from casebridge.cases.models import Case, EventKind
from casebridge.cases.sections import Section
from casebridge.consents.ledger import has_consent
from casebridge.consents.models import ConsentRecord, Decision, GivenBy, Purpose
from casebridge.lib.codes import language_code
from casebridge.lib.errors import NotAllowed

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
    access = case_access(actor, case)
    if not access.can(Section.IDENTITY):
        raise NotAllowed(_("Recording consent needs access to the survivor's identity."))
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
    if decided_on > timezone.localdate():
        errors["decided_on"] = _("The date cannot be in the future.")
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
    add_event(
        case,
        actor=actor,
        kind=EventKind.CONSENT,
        section=Section.IDENTITY,
        data={
            "purpose": purpose,
            "decision": decision,
            "agency": shared_with.name if shared_with else "",
        },
    )
    record(actor, Action.CREATE, [Item("consent", str(consent.pk), case.pk, ["identity"])], via=access.via)
    if purpose == Purpose.SHARING and shared_with is not None and not has_consent(case.survivor, purpose, shared_with):
        end_sharing_with(case, shared_with, actor=actor)
    return consent

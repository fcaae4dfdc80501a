"""Reading the consent ledger: the current state of a purpose is its latest decision."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from casebridge.consents.models import ConsentRecord, Decision, GivenBy, Purpose
from casebridge.lib.errors import ConsentRequired

if TYPE_CHECKING:
    from casebridge.agencies.models import Agency
    from casebridge.people.models import Person


def current(survivor: Person, purpose: str, agency: Agency | None = None) -> ConsentRecord | None:
    """The latest decision for this survivor, purpose and (for sharing) agency."""
    records = ConsentRecord.objects.filter(survivor=survivor, purpose=purpose)
    if purpose == Purpose.SHARING:
        records = records.filter(shared_with=agency)
    return records.order_by("-decided_on", "-recorded_at").first()


def is_effective(record: ConsentRecord | None) -> bool:
    """Given, and, when a guardian decided for a child, with the child's assent."""
    if record is None or record.decision != Decision.GIVEN:
        return False
    return record.given_by == GivenBy.SURVIVOR or record.child_assent is not False


def has_consent(survivor: Person, purpose: str, agency: Agency | None = None) -> bool:
    return is_effective(current(survivor, purpose, agency))


def sharing_agencies(survivor: Person) -> list[Agency]:
    """The agencies the survivor's consent to share with is in effect for now."""
    from casebridge.agencies.models import Agency

    ids = ConsentRecord.objects.filter(survivor=survivor, purpose=Purpose.SHARING).values_list(
        "shared_with_id", flat=True
    )
    agencies = Agency.objects.filter(pk__in=set(ids), is_active=True).order_by("name")
    return [a for a in agencies if has_consent(survivor, Purpose.SHARING, a)]


def require_consent(survivor: Person, purpose: str, agency: Agency | None = None) -> None:
    record = current(survivor, purpose, agency)
    if is_effective(record):
        return
    label = Purpose(purpose).label
    if agency is not None:
        subject = _("consent to share information with %(agency)s") % {"agency": agency.name}
    else:
        subject = _("consent for: %(purpose)s") % {"purpose": label}
    if record is None:
        message = _("The survivor has not given %(subject)s. Record it first.") % {"subject": subject}
    elif record.decision == Decision.GIVEN:
        message = _("The guardian agreed but the child did not: %(subject)s is not in force.") % {"subject": subject}
    else:
        params = {"subject": subject, "date": record.decided_on.isoformat()}
        if record.decision == Decision.REFUSED:
            message = _("The survivor refused %(subject)s on %(date)s.") % params
        else:
            message = _("The survivor withdrew %(subject)s on %(date)s.") % params
    raise ConsentRequired(message)

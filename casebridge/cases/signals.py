"""Keep each case's ways in (``Reach``) in step with what they are derived from, whoever saves it:
an action, the admin, the demo loader or a test. Bulk writers that bypass ``save`` (the data
generator) write the rows themselves."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from casebridge.cases.access import LEAD, sync_reach
from casebridge.cases.models import BreakGlass, Case, Reach, ReferralGrant, TeamMember


@receiver(post_save, sender=Case)
def _case_saved(sender: Any, instance: Case, created: bool, **kwargs: Any) -> None:
    # A status change leaves the ways in as they were; a new case, a new lead agency or another
    # opening date (the lists' order) does not.
    current = Reach.objects.filter(
        case_id=instance.pk, path=LEAD, agency_id=instance.lead_agency_id, opened_on=instance.opened_on
    )
    if created or not current.exists():
        sync_reach(instance.pk)


@receiver(post_save, sender=TeamMember)
@receiver(post_save, sender=ReferralGrant)
@receiver(post_save, sender=BreakGlass)
@receiver(post_delete, sender=TeamMember)
@receiver(post_delete, sender=ReferralGrant)
@receiver(post_delete, sender=BreakGlass)
def _way_in_changed(sender: Any, instance: TeamMember | ReferralGrant | BreakGlass, **kwargs: Any) -> None:
    sync_reach(instance.case_id)

"""An event names the agency and role the actor acted in on that case, not just their first."""

from __future__ import annotations

from django.utils import timezone

from casebridge.agencies.models import Role
from casebridge.audit.log import Item, record
from casebridge.audit.models import Action
from casebridge.lib.testing import make_user


def test_it_names_the_membership_that_reaches_the_case(world):
    from casebridge.agencies.models import Membership

    user, _ = make_user("two_hats", world.agencies["HAC"], Role.PARTNER_CASEWORKER)
    Membership.objects.create(
        user=user, agency=world.agencies["SHS"], role=Role.PARTNER_CASEWORKER, approved_at=timezone.now()
    )
    user = type(user).objects.get(pk=user.pk)
    assert getattr(user.primary_membership(), "agency_id", None) == world.agencies["HAC"].pk
    on_case, elsewhere = record(user, Action.VIEW, [Item("case", str(world.case.pk), world.case.pk)]) + record(
        user, Action.VIEW, [Item("person", "1")]
    )
    assert on_case.agency_id == world.agencies["SHS"].pk  # the shelter is on this case's team; HAC is not
    assert elsewhere.agency_id == world.agencies["HAC"].pk


def test_it_prefers_a_content_role_at_the_lead_agency(world):
    from casebridge.agencies.models import Membership

    admin = world.admin
    Membership.objects.create(
        user=admin, agency=world.agencies["JPC"], role=Role.AFTERCARE_SOCIAL_WORKER, approved_at=timezone.now()
    )
    admin = type(admin).objects.get(pk=admin.pk)
    (event,) = record(admin, Action.VIEW, [Item("case", str(world.case.pk), world.case.pk)])
    assert (event.agency_id, event.role) == (world.agencies["JPC"].pk, Role.AFTERCARE_SOCIAL_WORKER)

"""``manage.py check``: every agency that leads cases needs someone to review emergency access."""

from __future__ import annotations

from typing import Any

from django.core import checks
from django.db import DatabaseError


@checks.register()
def break_glass_reviewers(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    from django.db.models import Exists, OuterRef

    from casebridge.agencies.models import Agency, Membership, Role, platform_privacy_officers
    from casebridge.cases.models import Case

    try:
        if platform_privacy_officers():
            return []
        officers = Membership.objects.in_force().filter(agency_id=OuterRef("pk"), role=Role.PRIVACY_OFFICER)
        unreviewed = list(
            Agency.objects.filter(Exists(Case.objects.filter(lead_agency_id=OuterRef("pk"))))
            .exclude(Exists(officers))
            .values_list("code", flat=True)
        )
    except DatabaseError:  # not migrated yet: nothing leads any case
        return []
    if not unreviewed:
        return []
    return [
        checks.Warning(
            f"Agencies that lead cases have no privacy officer, and the platform has none: {', '.join(unreviewed)}.",
            hint="Emergency access to their cases is alerted to nobody and reviewed by nobody. Give each a privacy "
            "officer, or give the platform agency one (manage.py set_platform_agency).",
            id="casebridge.W001",
        )
    ]

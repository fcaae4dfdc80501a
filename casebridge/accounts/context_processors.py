from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, Any]:
    """What the page header needs: the languages, each named in its own script (settings.LANGUAGES,
    untranslated), the user's agency and role, open break-glass reviews, memberships waiting for
    approval, unread notifications, what is due, and whether the user reaches prevalence studies,
    training records, indicators, investigations and the time proceedings take."""
    languages = {"language_names": settings.LANGUAGES}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return languages
    from casebridge.agencies.actions import awaiting_approval
    from casebridge.agencies.models import Role
    from casebridge.cases.access import can_hold_content
    from casebridge.cases.models import BreakGlass
    from casebridge.crisis.access import works_in_crisis_care
    from casebridge.indicators.access import reads_indicators
    from casebridge.investigations.access import investigates
    from casebridge.legal.access import practises
    from casebridge.legal.measures import measured_agencies
    from casebridge.notifications.due import due_for
    from casebridge.notifications.models import Notification
    from casebridge.prevalence.access import study_agencies
    from casebridge.training.access import training_agencies

    membership = user.primary_membership()
    officer = any(m.role == Role.PRIVACY_OFFICER for m in user.active_memberships())
    return {
        **languages,
        "current_membership": membership,
        "can_hold_content": can_hold_content(user),
        "can_study": bool(study_agencies(user)),
        "can_train": bool(training_agencies(user)),
        "investigates": investigates(user),
        "practises_law": practises(user),
        "measures_justice": bool(measured_agencies(user)),
        "in_crisis_care": works_in_crisis_care(user),
        "reads_indicators": reads_indicators(user),
        "is_privacy_officer": officer,
        "pending_reviews": BreakGlass.objects.reviewable_by(user).filter(reviewed_at__isnull=True).count()
        if officer
        else 0,
        "pending_approvals": awaiting_approval(user).count() if officer else 0,
        "unread_notifications": Notification.objects.visible_to(user).unread().count(),
        "due_count": len(due_for(user)),
    }

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, Any]:
    """What the page header needs: the languages, each named in its own script (settings.LANGUAGES,
    untranslated), the user's agency and role, and open break-glass reviews."""
    languages = {"language_names": settings.LANGUAGES}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return languages
    from casebridge.cases.access import can_hold_content
    from casebridge.cases.models import BreakGlass

    membership = user.primary_membership()
    return {
        **languages,
        "current_membership": membership,
        "can_hold_content": can_hold_content(user),
        "pending_reviews": BreakGlass.objects.reviewable_by(user).filter(reviewed_at__isnull=True).count(),
    }

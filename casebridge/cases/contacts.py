"""Contact requests as their readers may see them (``ContactRequest.objects.visible_to``)."""

from __future__ import annotations

from typing import Any

from casebridge.cases.models import Case, ContactAnswer, ContactRequest


def sent_requests(user: Any) -> list[dict[str, Any]]:
    """The contact requests ``user`` sent, one per sending, with what the requester may know:
    when, the reason, and the answer (never the agency, the case or how many were asked)."""
    groups: dict[Any, dict[str, Any]] = {}
    for row in ContactRequest.objects.visible_to(user).filter(requester_id=user.pk).order_by("-created_at"):
        group = groups.setdefault(
            row.group, {"id": row.group, "created_at": row.created_at, "reason": row.reason, "answers": []}
        )
        group["answers"].append(row.answer)
    for group in groups.values():
        answers = group.pop("answers")
        group["status"] = (
            ContactAnswer.WILL_CONTACT
            if ContactAnswer.WILL_CONTACT in answers
            else ContactAnswer.DECLINED
            if all(a == ContactAnswer.DECLINED for a in answers)
            else "waiting"
        )
    return list(groups.values())


def received_requests(user: Any) -> Any:
    """Contact requests on cases whose lead agency the user is case staff or privacy officer of."""
    cases = Case.objects.visible_to(user)
    return (
        ContactRequest.objects.visible_to(user)
        .filter(case__in=cases)
        .exclude(requester_id=user.pk)
        .select_related("case", "requester", "requester_agency", "answered_by")
    )

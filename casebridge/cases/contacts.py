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
        group["status"] = group_status(group.pop("answers"))
    return list(groups.values())


def group_status(answers: list[str]) -> str:
    """What the requester is told of one sending: someone will contact them, all declined, or
    waiting (never how many were asked, nor who answered what)."""
    if ContactAnswer.WILL_CONTACT in answers:
        return ContactAnswer.WILL_CONTACT
    if answers and all(a == ContactAnswer.DECLINED for a in answers):
        return ContactAnswer.DECLINED
    return "waiting"


def received_requests(user: Any) -> Any:
    """Contact requests on cases whose lead agency the user is case staff or privacy officer of."""
    cases = Case.objects.visible_to(user)
    return (
        ContactRequest.objects.visible_to(user)
        .filter(case__in=cases)
        .exclude(requester_id=user.pk)
        .select_related("case", "requester", "requester_agency", "answered_by")
    )

"""Training figures, counted by the database: officials trained (participants who attended;
one person at two events counts twice) by agency, role, topic and sex, and how test scores
moved (the mean before and after among those with both)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Avg, Count, Q, QuerySet

from casebridge.training.models import EventTopic, OfficialRole, Participant, Sex, Topic, TrainingEvent

if TYPE_CHECKING:
    from casebridge.accounts.models import User


def _mean(value: Decimal | float | None) -> float | None:
    return None if value is None else round(float(value), 1)


def _scores(row: dict[str, Any]) -> dict[str, Any]:
    pre, post = _mean(row["pre"]), _mean(row["post"])
    return {
        "tested": row["tested"],
        "mean_before": pre,
        "mean_after": post,
        "mean_change": None if pre is None or post is None else round(post - pre, 1),
    }


def figures(user: User, events: QuerySet[TrainingEvent]) -> dict[str, Any]:
    """The figures over ``events``, among what ``user`` may see."""
    attended = Participant.objects.visible_to(user).filter(event__in=events, attended=True)
    tested = Q(pre_score__isnull=False, post_score__isnull=False)
    overall = attended.aggregate(
        trained=Count("id"),
        tested=Count("id", filter=tested),
        pre=Avg("pre_score", filter=tested),
        post=Avg("post_score", filter=tested),
    )
    by_agency = [
        {"agency": r["agency__code"] or "", "name": r["agency__name"] or r["organisation"], "trained": r["n"]}
        for r in attended.values("agency__code", "agency__name", "organisation")
        .annotate(n=Count("id"))
        .order_by("-n", "agency__code", "organisation")
    ]
    role_labels, sex_labels, topic_labels = dict(OfficialRole.choices), dict(Sex.choices), dict(Topic.choices)
    by_role = [
        {"role": r["role"], "label": str(role_labels[r["role"]]), "trained": r["n"]}
        for r in attended.values("role").annotate(n=Count("id")).order_by("-n", "role")
    ]
    by_sex = [
        {"sex": r["sex"], "label": str(sex_labels[r["sex"]]), "trained": r["n"]}
        for r in attended.values("sex").annotate(n=Count("id")).order_by("-n", "sex")
    ]
    here = Q(event__participants__attended=True)
    both = here & Q(event__participants__pre_score__isnull=False, event__participants__post_score__isnull=False)
    by_topic = [
        {
            "topic": r["topic"],
            "label": str(topic_labels[r["topic"]]),
            "trained": r["trained"],
            **_scores(r),
        }
        for r in EventTopic.objects.visible_to(user)
        .filter(event__in=events)
        .values("topic")
        .annotate(
            trained=Count("event__participants", filter=here),
            tested=Count("event__participants", filter=both),
            pre=Avg("event__participants__pre_score", filter=both),
            post=Avg("event__participants__post_score", filter=both),
        )
        .order_by("-trained", "topic")
    ]
    return {
        "events": events.count(),
        "trained": overall["trained"],
        "scores": _scores(overall),
        "by_agency": by_agency,
        "by_role": by_role,
        "by_sex": by_sex,
        "by_topic": by_topic,
    }

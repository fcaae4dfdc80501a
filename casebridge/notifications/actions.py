"""Sending notifications: the one door every capability uses (``notify``), and each user's
choice of which kinds also come by e-mail."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction

from casebridge.notifications.models import (
    ALWAYS_EMAILED,
    CASE_KINDS,
    OFFICER_KINDS,
    EmailChoice,
    EmailState,
    Kind,
    Notification,
)

if TYPE_CHECKING:
    from casebridge.accounts.models import User
    from casebridge.cases.models import Case


def notify(
    recipients: Iterable[User],
    kind: str,
    *,
    data: dict[str, Any],
    case: Case | None = None,
    link: str = "",
    email: bool = True,
) -> list[Notification]:
    """Tell each recipient in the app, in the current transaction, and by e-mail once it commits
    (a background task, queued in the same transaction: both happen or neither). ``data`` holds
    codes and numbers only: it is shown as it is."""
    from casebridge.notifications.tasks import send_notification_email

    assert kind in Kind.values
    people = list({user.pk: user for user in recipients if user.is_active}.values())
    unwanted = set()
    if email and kind not in ALWAYS_EMAILED:
        unwanted = set(
            EmailChoice.objects.filter(user__in=people, kind=kind, email=False).values_list("user_id", flat=True)
        )

    def state(user: User) -> str:
        if not email:
            return EmailState.NONE
        return EmailState.NOT_WANTED if user.pk in unwanted else EmailState.PENDING

    with transaction.atomic():
        notes = Notification.objects.bulk_create(
            Notification(recipient=user, kind=kind, case=case, data=data, link=link, email_state=state(user))
            for user in people
        )
        for note in notes:
            if note.email_state == EmailState.PENDING:
                send_notification_email.enqueue(note.pk)
    return notes


def kinds_for(user: User) -> list[str]:
    """The kinds of notification ``user`` may receive, for the e-mail choices."""
    from casebridge.agencies.models import Role
    from casebridge.cases.access import can_hold_content

    kinds: list[str] = list(CASE_KINDS) if can_hold_content(user) else []
    if any(m.role == Role.PRIVACY_OFFICER for m in user.active_memberships()):
        kinds += OFFICER_KINDS
    return kinds


def email_choices(user: User) -> dict[str, bool]:
    """For each kind ``user`` may receive: whether it also comes by e-mail."""
    chosen = dict(EmailChoice.objects.filter(user=user).values_list("kind", "email"))
    return {kind: kind in ALWAYS_EMAILED or chosen.get(kind, True) for kind in kinds_for(user)}


def save_email_choices(user: User, choices: dict[str, bool]) -> None:
    """Keep which kinds ``user`` wants e-mailed, inside the caller's audited action
    (``accounts.actions.do_save_settings``). Kinds they cannot choose are refused there."""
    for kind, wanted in choices.items():
        EmailChoice.objects.update_or_create(user=user, kind=kind, defaults={"email": bool(wanted)})

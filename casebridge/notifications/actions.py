"""Sending notifications: the one door every capability uses (``notify``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation

from casebridge.notifications.models import Kind, Notification

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
    """Tell each recipient in the app, in the current transaction, and by e-mail once it commits.
    ``data`` holds codes and numbers only: it is shown and mailed as it is."""
    assert kind in Kind.values
    people = list({user.pk: user for user in recipients if user.is_active}.values())
    notes = Notification.objects.bulk_create(
        Notification(recipient=user, kind=kind, case=case, data=data, link=link) for user in people
    )
    if email:
        for note in notes:
            transaction.on_commit(lambda note=note: send_notification_email(note))  # type: ignore[misc]
    return notes


def send_notification_email(note: Notification) -> None:
    """The notification by e-mail, in the recipient's language (fails quietly: the app keeps it)."""
    user = note.recipient
    if not user.email:
        return
    with translation.override(user.language or settings.LANGUAGE_CODE):
        text = note.message()
        subject = f"[casebridge] {Kind(note.kind).label}"
        body = f"{text}\n\n{settings.SITE_URL.rstrip('/')}{note.link}" if note.link else text
        send_mail(subject, body, None, [user.email], fail_silently=True)

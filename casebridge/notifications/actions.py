"""Sending notifications: the one door every capability uses (``notify``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

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
    """Tell the recipient by e-mail, in their language, that something waits for them, and no
    more: a mailbox is read on phones and shared computers, so the e-mail carries no case number,
    name or agency, only a link to sign in and read it (fails quietly: the app keeps it)."""
    user = note.recipient
    if not user.email:
        return
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject = "[casebridge] " + _("You have a new item in casebridge")
        body = _("You have a new item in casebridge. Sign in to read it: %(link)s") % {
            "link": f"{settings.SITE_URL.rstrip('/')}/notifications/"
        }
        send_mail(subject, body, None, [user.email], fail_silently=True)

"""A password reset or change is audited, and the account's owner is told by e-mail in their
language: a reset they did not ask for is how they learn that someone has their mailbox."""

from __future__ import annotations

from typing import Any

from allauth.account.signals import password_changed, password_reset
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from casebridge.audit.log import Item, record
from casebridge.audit.models import Action


def _tell(user: Any, what: str) -> None:
    record(user, Action.UPDATE, [Item("user", str(user.pk))], reason=what)
    if not user.email:
        return
    with translation.override(user.language or settings.LANGUAGE_CODE):
        when = timezone.localtime().strftime("%Y-%m-%d %H:%M")
        if what == "password reset":
            subject = _("Your casebridge password was reset")
        else:
            subject = _("Your casebridge password was changed")
        body = _(
            "%(subject)s on %(when)s. If this was not you, tell your administrator and your privacy officer now."
        ) % {"subject": subject, "when": when}
    transaction.on_commit(lambda: send_mail(f"[casebridge] {subject}", body, None, [user.email], fail_silently=True))


@receiver(password_reset)
def _reset(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    _tell(user, "password reset")


@receiver(password_changed)
def _changed(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    _tell(user, "password changed")

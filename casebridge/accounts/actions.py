"""Changes a user makes to their own account."""

from __future__ import annotations

import zoneinfo
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from casebridge.audit.log import Item, record
from casebridge.audit.models import Action
from casebridge.notifications.actions import kinds_for, save_email_choices
from casebridge.notifications.models import ALWAYS_EMAILED

if TYPE_CHECKING:
    from casebridge.accounts.models import User


def check_time_zone(name: str) -> str:
    """``name`` if it is an IANA time zone (or blank: the deployment's), else a ValidationError."""
    if name:
        try:
            zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValidationError({"time_zone": _("Unknown time zone: give a name such as Asia/Phnom_Penh.")}) from None
    return name


@transaction.atomic
def do_save_settings(
    user: User,
    *,
    language: str | None = None,
    time_zone: str | None = None,
    emails: dict[str, bool] | None = None,
    spoken_languages: list[str] | None = None,
) -> None:
    """Save the user's language, time zone, e-mail choices and the languages they speak (each
    left as it is when None)."""
    if language is not None:
        if language not in dict(settings.LANGUAGES):
            raise ValidationError({"language": _("Choose English, Khmer or Vietnamese.")})
        user.language = language
    if time_zone is not None:
        user.time_zone = check_time_zone(time_zone)
    if emails is not None:
        choosable = set(kinds_for(user)) - ALWAYS_EMAILED
        unknown = sorted(set(emails) - choosable)
        if unknown:
            raise ValidationError(
                {"email": _("You cannot choose e-mails of these kinds: %(kinds)s.") % {"kinds": ", ".join(unknown)}}
            )
        save_email_choices(user, emails)
    if spoken_languages is not None:
        from casebridge.lib.codes import language_code

        codes = [language_code(str(value)) for value in spoken_languages]
        unknown = [str(v) for v, code in zip(spoken_languages, codes, strict=True) if code is None]
        if unknown:
            raise ValidationError(
                {"spoken_languages": _("Unknown language code: %(code)s (use ISO 639).") % {"code": ", ".join(unknown)}}
            )
        user.spoken_languages = list(dict.fromkeys(code for code in codes if code))
    user.save(update_fields=["language", "time_zone", "spoken_languages"])
    record(user, Action.UPDATE, [Item("user", str(user.pk))], reason="own settings")

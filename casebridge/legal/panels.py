"""Her court on her case page, for those who work on her care plan (who prepare and accompany
her): whether her consent to take part in the prosecution is current, and the next hearing she
attends — when and where, never the defendants — and how often she was prepared to testify."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from casebridge.cases.panels import Panel, register
from casebridge.cases.sections import Section

if TYPE_CHECKING:
    from casebridge.accounts.models import User
    from casebridge.cases.access import CaseAccess
    from casebridge.cases.models import Case


@register
def court(user: User, case: Case, access: CaseAccess) -> Panel | None:
    from casebridge.audit.log import Item, record
    from casebridge.audit.models import Action
    from casebridge.consents.ledger import has_consent
    from casebridge.consents.models import Purpose
    from casebridge.legal.models import Attendance, SessionKind, TestimonySession

    if not access.can(Section.CARE_PLAN):
        return None
    coming = (
        Attendance.objects.visible_to(user)
        .filter(
            case=case, cancelled_at__isnull=True, hearing__cancelled_at__isnull=True, hearing__at__gte=timezone.now()
        )
        .select_related("hearing")
        .order_by("hearing__at")
    )
    consent = has_consent(case.survivor, Purpose.TESTIMONY)
    following = coming.first()
    prepared = TestimonySession.objects.visible_to(user).filter(case=case, kind=SessionKind.PREPARATION)
    last = prepared.order_by("-on").values_list("on", flat=True).first()
    if following is None and not consent and last is None:
        return None
    lines = [
        _("Her consent to take part in the prosecution is current.")
        if consent
        else _("No current consent to take part in the prosecution.")
    ]
    if following is not None:
        hearing = following.hearing
        when = timezone.localtime(hearing.at).strftime("%Y-%m-%d %H:%M")
        place = ", ".join(part for part in (hearing.court, hearing.room) if part)
        lines.append(_("Next hearing she attends: %(when)s, %(place)s.") % {"when": when, "place": place})
        if following.granted_labels():
            lines.append(
                _("Protective measures granted: %(measures)s.") % {"measures": ", ".join(following.granted_labels())}
            )
        if following.confrontation:
            lines.append(_("She would face the defendant without protection: her lawyers are told."))
        record(user, Action.VIEW, [Item.on(access, "legal_attendance", following.pk, case.pk, [Section.CARE_PLAN])])
    if last is not None:
        lines.append(
            _("Prepared to testify: %(count)s sessions, the last on %(date)s.")
            % {"count": prepared.count(), "date": last.isoformat()}
        )
    return Panel(_("Court"), lines, warning=following is not None and following.confrontation)

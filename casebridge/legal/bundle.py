"""The court bundle for a hearing: a PDF, in Khmer or English, of the parts of the proceeding the
lawyer chooses (its facts and stages, the defendants with their charges, custody and judgments,
the evidence register with each item's chain of custody, the survivors attending by case number
with their protective measures). Only for those who reach the proceeding (its lawyers); its
making audited as an export of everything it carries."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils import timezone, translation

from casebridge.audit.models import Action
from casebridge.legal import evidence as chain
from casebridge.legal import judgment as rulings
from casebridge.legal.actions import audited, stage_days
from casebridge.legal.models import Hearing, Proceeding, StageStep
from casebridge.lib.pdf import render_pdf

if TYPE_CHECKING:
    from casebridge.accounts.models import User

PARTS = ("summary", "defendants", "evidence", "survivors")
LANGUAGES = ("km", "en")


def bundle_pdf(user: User, proceeding: Proceeding, hearing: Hearing, parts: list[str], language: str) -> bytes:
    """The bundle (``parts`` among :data:`PARTS`) in ``language``; every record it carries read
    through its ``visible_to`` and the export audited."""
    chosen = [p for p in PARTS if p in parts] or list(PARTS)
    steps = list(StageStep.objects.visible_to(user).filter(proceeding=proceeding))
    defendants, charges = rulings.charged(user, proceeding)
    items = chain.register(user, proceeding)
    attending = [a for a in hearing.attendances.select_related("case").all() if a.cancelled_at is None]
    carried: list[tuple[list[Any], str]] = [([proceeding], "proceeding"), ([hearing], "hearing")]
    if "defendants" in chosen:
        carried += [(defendants, "defendant"), (charges, "charge")]
    if "evidence" in chosen:
        carried += [(items, "evidence")]
    if "survivors" in chosen:
        carried += [(attending, "attendance")]
    for rows, kind in carried:
        audited(user, Action.EXPORT, rows, kind)
    with translation.override(language):
        from casebridge.legal.models import Stage

        return render_pdf(
            "legal/bundle.html",
            {
                "language": language,
                "proceeding": proceeding,
                "hearing": hearing,
                "parts": chosen,
                "steps": steps,
                "days": [(Stage(s).label, n) for s, n in stage_days(proceeding, steps)],
                "defendants": defendants,
                "items": items,
                "attending": attending,
                "made": timezone.localtime(),
                "by": user,
            },
        )

"""The handover summary for the centre that takes her in: a PDF with only the sections granted to
that centre (its referral grant, or all the handover needs when the lead agency takes her in
itself), and of those only what the reader reaches. Its generation is audited as a download."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _

from casebridge.audit.log import Item, record
from casebridge.audit.models import Action
from casebridge.cases.access import case_access
from casebridge.cases.sections import Section, ordered
from casebridge.crisis.actions import handover_sections
from casebridge.crisis.models import Assessment, CareItem, Episode, Incident, Interview
from casebridge.lib.errors import Conflict
from casebridge.lib.pdf import render_pdf
from casebridge.restoration.models import Placement

if TYPE_CHECKING:
    from casebridge.accounts.models import User


def handover_pdf(user: User, episode: Episode) -> bytes:
    """The PDF for ``episode``'s placement, as ``user`` may make it; Conflict when she is not
    placed (or the reader does not reach where) or the centre may read nothing of her."""
    access = case_access(user, episode.case)
    placement = (
        Placement.objects.visible_to(user)
        .current()
        .filter(episode=episode)
        .select_related("agency", "case__survivor")
        .first()
    )
    # Made by the lead agency's case staff or the receiving centre itself, for where she is now.
    if placement is None or not (access.can_manage or placement.agency_id in access.agency_ids):
        raise Conflict(
            _("The handover summary is made once she is placed, by the lead agency's case staff or the centre.")
        )
    # Never what the maker reads only by emergency access.
    sections = ordered(s for s in handover_sections(placement) if access.can_write_in(s))
    if not sections:
        raise Conflict(
            _(
                "%(agency)s may read nothing of her case: record her consent to share with it, then "
                "place her again or share the case."
            )
            % {"agency": placement.agency.local_name}
        )
    context: dict[str, Any] = {
        "episode": episode,
        "placement": placement,
        "sections": sections,
        "section_names": [str(Section(s).label) for s in sections],
        "made": timezone.localtime(),
        "made_by": user.get_full_name() or user.username,
    }
    if Section.IDENTITY in sections:
        person = placement.case.survivor
        context["person"] = person
        context["age"] = person.age_now()
    if Section.CRISIS_CARE in sections:
        context["assessment"] = Assessment.objects.visible_to(user).filter(episode=episode).first()
        context["care_items"] = list(CareItem.objects.visible_to(user).filter(episode=episode))
        interviews = list(Interview.objects.visible_to(user).filter(episode=episode))
        context["interviews"] = interviews
        context["interview_minutes"] = sum(i.minutes for i in interviews)
        context["incidents"] = list(Incident.objects.visible_to(user).filter(episode=episode))
    pdf = render_pdf("crisis/handover.html", context)
    # Where she is placed was read to make it, whatever the centre may read.
    shown = ordered({*sections, Section.WHEREABOUTS})
    record(user, Action.DOWNLOAD, [Item.on(access, "crisis_handover", episode.pk, episode.case_id, shown)])
    return pdf

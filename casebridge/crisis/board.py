"""The supervisor's board: every open crisis care the user reaches, with how much of its minimum
window has passed, who is on shift now, the gap under way or next, and whether it has ended.
A constant number of queries whatever the number of episodes."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Prefetch
from django.urls import reverse
from django.utils import timezone

from casebridge.cases.access import case_accesses
from casebridge.cases.sections import Section
from casebridge.crisis.coverage import Gap, gaps, next_gap, on_shift
from casebridge.crisis.models import Episode, Shift

if TYPE_CHECKING:
    from casebridge.accounts.models import User


@dataclass
class Row:
    episode: Episode
    hours: float
    share: int  # of the minimum window, in percent (at most 100)
    on_shift: list[Any]
    gap: Gap | None
    gaps: list[Gap]
    name: str  # her name, where the reader reaches her identity; else ""
    access: Any
    link: str = ""  # her crisis care's page
    case_link: str = ""  # her case

    @property
    def gap_now(self) -> bool:
        return self.gap is not None and self.gap.start <= timezone.now()

    @property
    def place(self) -> str:
        """Where she is held: her whereabouts, for those who reach them."""
        return str(self.episode.place) if self.access.can(Section.WHEREABOUTS) else ""

    @property
    def supervisor(self) -> str:
        return person_label(self.access, self.episode.agency_id, self.episode.supervisor, "")

    def on_shift_labels(self) -> list[str]:
        return [shift_label(self.access, s) for s in self.on_shift]

    def audit_item(self, *, place: bool = False) -> Any:
        """What the row shows, for the audit trail: the crisis care, her identity if named, her
        whereabouts if the place is shown."""
        from casebridge.audit.log import Item

        shown = [Section.CRISIS_CARE, *([Section.IDENTITY] if self.name else [])]
        shown += [Section.WHEREABOUTS] if place and self.place else []
        return Item.on(self.access, "crisis_episode", self.episode.pk, self.episode.case_id, shown)


def person_label(access: Any, agency_id: int, person: Any, role: str) -> str:
    """A colleague's name where the reader may learn their agency serves her; else their role."""
    from django.utils.translation import gettext as _

    if access.sees_agency(agency_id):
        return str(person.get_full_name() or person.username)
    return _("A partner") + (f" ({role})" if role else "")


def shift_label(access: Any, shift: Any) -> str:
    return person_label(access, shift.agency_id, shift.staff, str(shift.get_role_display()))


# What the board reads of a shift and its staff member (no more: hundreds are read at each poll).
SHIFT_FIELDS = (
    "id",
    "episode_id",
    "agency_id",
    "role",
    "starts_at",
    "ends_at",
    "languages",
    "cancelled_at",
    "staff__username",
    "staff__first_name",
    "staff__last_name",
)
# What the board does not read: where she is held, the reasons, and of who she is all but her names.
UNREAD = (
    "place",
    "outcome_note",
    "guardian_reason",
    "case__closure_note",
    "case__survivor__birth_date",
    "case__survivor__estimated_age",
    "case__survivor__age_estimated_on",
    "case__survivor__age_method",
    "case__survivor__gender",
    "case__survivor__nationalities",
    "case__survivor__languages",
    "case__survivor__phone",
    "case__survivor__address",
)


def with_shifts(user: User, episodes: Any) -> Any:
    live = (
        Shift.objects.visible_to(user)
        .filter(cancelled_at__isnull=True)
        .select_related("staff")
        .only(*SHIFT_FIELDS)
        .order_by("starts_at")
    )
    return episodes.prefetch_related(Prefetch("shifts", queryset=live, to_attr="live_shifts"))


def rows(user: User, now: datetime.datetime | None = None, episodes: Any = None, *, names: bool = True) -> list[Row]:
    now = now or timezone.now()
    if episodes is None:
        episodes = Episode.objects.visible_to(user).open()
    episodes = episodes.select_related("case__survivor").defer(*UNREAD).annotate(incident_count=Count("incidents"))
    found = list(with_shifts(user, episodes).order_by("starts_at"))
    accesses = case_accesses(user, [e.case for e in found])
    board = reverse("crisis:board")  # once: each episode's page is under it, each case under cases
    cases = reverse("cases:list")
    out = []
    for episode in found:
        shifts = episode.live_shifts  # type: ignore[attr-defined]
        elapsed = max(0.0, (now - episode.starts_at).total_seconds() / 3600)
        found_gaps = gaps(episode, shifts)
        sees_name = names and accesses[episode.case_id].can(Section.IDENTITY)
        out.append(
            Row(
                episode=episode,
                hours=round(elapsed, 1),
                share=min(100, round(100 * elapsed / episode.window_hours)),
                on_shift=on_shift(shifts, now),
                gap=next_gap(found_gaps, now),
                gaps=found_gaps,
                name=episode.case.survivor.display_name() if sees_name else "",
                access=accesses[episode.case_id],
                link=f"{board}{episode.pk}/",
                case_link=f"{cases}{episode.case_id}/",
            )
        )
    return out

"""Audit events in words: what someone did, to what, through which way in, as a translated
phrase ("viewed the case's identity section", "found in a search"), and consecutive reads by one
person in one visit shown as one line. Used by the access log and the emergency-access review,
in the pages and the API."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy, ngettext

from casebridge.audit.models import Action, AuditEvent
from casebridge.cases.sections import Section

# What was done to what. A pair missing here is said as "<action>: <object>".
_PHRASES = {
    (Action.VIEW, "case"): gettext_lazy("viewed the case"),
    (Action.LIST, "case"): gettext_lazy("saw the case in a list"),
    (Action.CREATE, "case"): gettext_lazy("opened the case"),
    (Action.UPDATE, "case"): gettext_lazy("changed the case"),
    (Action.SEARCH, "person"): gettext_lazy("found the survivor in a search"),
    (Action.SEARCH, "case"): gettext_lazy("found the case in a search"),
    (Action.VIEW, "note"): gettext_lazy("read a note"),
    (Action.CREATE, "note"): gettext_lazy("wrote a note"),
    (Action.UPDATE, "note"): gettext_lazy("corrected a note"),
    (Action.VIEW, "timeline_event"): gettext_lazy("saw a timeline entry"),
    (Action.VIEW, "consent"): gettext_lazy("viewed a consent decision"),
    (Action.CREATE, "consent"): gettext_lazy("recorded a consent decision"),
    (Action.VIEW, "team_member"): gettext_lazy("viewed the team"),
    (Action.CREATE, "team_member"): gettext_lazy("added someone to the team"),
    (Action.UPDATE, "team_member"): gettext_lazy("changed a team place"),
    (Action.UPDATE, "referral_grant"): gettext_lazy("changed a referral"),
    (Action.VIEW, "access_log"): gettext_lazy("viewed who has looked at the case"),
    (Action.BREAK_GLASS, "case"): gettext_lazy("opened the case by emergency access"),
    (Action.REVIEW, "break_glass"): gettext_lazy("reviewed an emergency access"),
    (Action.EXPORT, "case"): gettext_lazy("exported the case"),
    (Action.DOWNLOAD, "case"): gettext_lazy("downloaded from the case"),
    (Action.CONTACT_REQUEST, "case"): gettext_lazy("asked to be contacted about the survivor"),
    (Action.LIST, "contact_request"): gettext_lazy("saw a contact request"),
    (Action.UPDATE, "contact_request"): gettext_lazy("answered a contact request"),
}
_OBJECTS = {
    "case": gettext_lazy("the case"),
    "person": gettext_lazy("a person"),
    "note": gettext_lazy("a note"),
    "timeline_event": gettext_lazy("a timeline entry"),
    "consent": gettext_lazy("a consent decision"),
    "team_member": gettext_lazy("a team place"),
    "referral_grant": gettext_lazy("a referral"),
    "access_log": gettext_lazy("the access log"),
    "break_glass": gettext_lazy("an emergency access"),
    "contact_request": gettext_lazy("a contact request"),
}
# How they reached it (cases.access paths, and the reasons actions give).
VIA = {
    "lead": gettext_lazy("as the lead agency"),
    "team": gettext_lazy("as a member of the team"),
    "referral": gettext_lazy("by referral"),
    "break_glass": gettext_lazy("by emergency access"),
    "intake_check": gettext_lazy("registering someone with a name like hers (told only that a record may exist)"),
    "consent": gettext_lazy("because of a consent decision"),
    "admin": gettext_lazy("in the administration pages"),
}
READS = frozenset({Action.VIEW, Action.LIST, Action.SEARCH})
# Reads closer together than this, by one person, are one visit.
VISIT = datetime.timedelta(minutes=30)


def section_names(sections: Iterable[str]) -> list[str]:
    labels = dict(Section.choices)
    return [str(labels.get(s, s)) for s in sections if s]


def describe(action: str, object_type: str, sections: Iterable[str] = ()) -> str:
    """The event as a phrase, with the sections it touched."""
    phrase: Any = _PHRASES.get((action, object_type))  # type: ignore[call-overload,arg-type]
    if phrase is None:
        label = dict(Action.choices).get(action, action)
        phrase = format_lazy("{}: {}", label, _OBJECTS.get(object_type, object_type))
    names = section_names(sections)
    if not names:
        return str(phrase)
    return ngettext("%(what)s (section: %(sections)s)", "%(what)s (sections: %(sections)s)", len(names)) % {
        "what": phrase,
        "sections": ", ".join(names),
    }


def how(via: str) -> str:
    """The way in, in words ("as the lead agency, by referral")."""
    return ", ".join(str(VIA.get(v, v)) for v in via.split(",") if v)


@dataclass
class Line:
    """One line of an access log: an event, or consecutive reads in one visit."""

    first: AuditEvent
    last: AuditEvent
    count: int = 1
    sections: set[str] = field(default_factory=set)

    @property
    def what(self) -> str:
        text = describe(self.first.action, self.first.object_type, sorted(self.sections))
        if self.count == 1:
            return text
        return ngettext("%(what)s, %(count)s time", "%(what)s, %(count)s times", self.count) % {
            "what": text,
            "count": self.count,
        }

    @property
    def how(self) -> str:
        return how(self.first.via)

    @property
    def start(self) -> datetime.datetime:
        return min(self.first.at, self.last.at)

    @property
    def end(self) -> datetime.datetime:
        return max(self.first.at, self.last.at)


def lines(events: Iterable[AuditEvent]) -> list[Line]:
    """Events, in the order shown (newest or oldest first), as lines: a read joins the line above
    it when the same person did the same kind of read of the same kind of thing, the same way,
    within a visit of it."""
    out: list[Line] = []
    for event in events:
        sections = set(filter(None, event.sections.split(",")))
        if out:
            line = out[-1]
            same = (
                event.action in READS
                and (line.first.actor_username, line.first.action, line.first.object_type, line.first.via)
                == (event.actor_username, event.action, event.object_type, event.via)
                and abs(line.last.at - event.at) <= VISIT
            )
            if same:
                line.last, line.count = event, line.count + 1
                line.sections |= sections
                continue
        out.append(Line(first=event, last=event, sections=sections))
    return out

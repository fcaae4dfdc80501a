"""Writes to training records, each in one transaction with its audit event."""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casebridge.audit.log import Item, record
from casebridge.audit.models import Action
from casebridge.lib.errors import NotAllowed
from casebridge.training.access import READING_ROLES, RECORDING_ROLES, can_record, trainer_agencies
from casebridge.training.models import EventKind, EventTopic, OfficialRole, Participant, Sex, Topic, TrainingEvent

if TYPE_CHECKING:
    from casebridge.accounts.models import User
    from casebridge.agencies.models import Agency

EARLIEST = datetime.date(2000, 1, 1)
# The spreadsheet's column for each field, to name it in a row's error.
COLUMNS = {
    "name": gettext_lazy("Name"),
    "sex": gettext_lazy("Sex"),
    "role": gettext_lazy("Role"),
    "agency": gettext_lazy("Agency code"),
    "organisation": gettext_lazy("Organisation"),
    "attended": gettext_lazy("Attended"),
    "pre_score": gettext_lazy("Score before"),
    "post_score": gettext_lazy("Score after"),
}
MAX_PARTICIPANTS = 2000


def item(actor: User, event: TrainingEvent, object_type: str, object_id: object) -> Item:
    """An audit item for an event's record, acting as the actor's role in the organising agency."""
    roles = [m.role for m in actor.active_memberships() if m.agency_id == event.agency_id]
    role = next((r for r in roles if r in RECORDING_ROLES), None) or next((r for r in roles if r in READING_ROLES), "")
    return Item(object_type, str(object_id), None, (), ("training",), event.agency_id, role)


def _recording(event: TrainingEvent, actor: User) -> TrainingEvent:
    if not can_record(actor, event):
        raise NotAllowed(_("Only the organising agency's trainers record its training."))
    return TrainingEvent.objects.select_for_update().get(pk=event.pk)


def _text(errors: dict[str, str], field: str, value: str, most: int, missing: str) -> str:
    value = unicodedata.normalize("NFC", value).strip().strip(INVISIBLE).strip()
    if not value:
        errors[field] = missing
    elif len(value) > most:
        errors[field] = _("At most %(count)s characters.") % {"count": most}
    return value


@transaction.atomic
def do_create_event(
    *,
    actor: User,
    agency: Agency,
    title: str,
    kind: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    place: str,
    facilitators: str,
    topics: Sequence[str],
) -> TrainingEvent:
    if agency.pk not in trainer_agencies(actor):
        raise NotAllowed(_("Only a trainer of the agency records training it organises."))
    errors: dict[str, str] = {}
    title = _text(errors, "title", title, 200, _("Give the training a title."))
    place = _text(errors, "place", place, 200, _("Say where it takes place."))
    facilitators = _text(errors, "facilitators", facilitators, 500, _("Name who facilitates it."))
    if kind not in EventKind.values:
        errors["kind"] = _("Choose a kind of training.")
    if starts_on < EARLIEST:
        errors["starts_on"] = _("Check the date: it cannot be before %(date)s.") % {"date": EARLIEST.isoformat()}
    if ends_on < starts_on:
        errors["ends_on"] = _("The last day cannot be before the first.")
    elif ends_on > timezone.localdate() + datetime.timedelta(days=2 * 366):
        errors["ends_on"] = _("Record a training at most two years ahead.")
    chosen = sorted(set(topics))
    if not chosen:
        errors["topics"] = _("Choose at least one topic.")
    elif any(t not in Topic.values for t in chosen):
        errors["topics"] = _("Choose topics from the list.")
    if errors:
        raise ValidationError(errors)
    event = TrainingEvent.objects.create(
        agency=agency,
        title=title,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        place=place,
        facilitators=facilitators,
        created_by=actor,
    )
    EventTopic.objects.bulk_create([EventTopic(event=event, topic=t) for t in chosen])
    record(actor, Action.CREATE, [item(actor, event, "training_event", event.pk)])
    return event


SCORE = re.compile(r"\d{1,3}([.,]\d)?")
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"


def _score(errors: dict[str, str], field: str, value: Any) -> Decimal | None:
    """A score as typed (``72``, ``72.5``, ``72,5``) or as a spreadsheet's number: 0 to 100, at
    most one decimal. Anything else is refused, never rounded into something else."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        errors[field] = _("A score is a number from 0 to 100, with at most one decimal.")
        return None
    if isinstance(value, int | float | Decimal):
        text = format(Decimal(str(value)).normalize(), "f") if not isinstance(value, float) or value == value else "x"
    else:
        text = str(value).strip()
    if not SCORE.fullmatch(text):
        errors[field] = _("A score is a number from 0 to 100, with at most one decimal.")
        return None
    score = Decimal(text.replace(",", "."))
    if not 0 <= score <= 100:
        errors[field] = _("A score is a number from 0 to 100, with at most one decimal.")
        return None
    return score.quantize(Decimal("0.1"))


@dataclass
class ParticipantData:
    """One participant as typed or imported, before it is checked."""

    name: str
    sex: str
    role: str
    agency: Agency | None = None
    organisation: str = ""
    attended: bool | None = False  # None: neither yes nor no in the spreadsheet
    pre_score: Any = None
    post_score: Any = None
    row: int | None = None  # its row in a spreadsheet, for the error message
    unknown_agency: str = ""  # an agency code in a spreadsheet that no agency here has


def _checked(data: ParticipantData) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    name = _text(errors, "name", data.name, 200, _("Give the participant's name."))
    if data.sex not in Sex.values:
        errors["sex"] = _("Choose female, male or not said.")
    if data.role not in OfficialRole.values:
        errors["role"] = _("Choose the participant's role from the list.")
    organisation = data.organisation.strip()
    if data.unknown_agency and not organisation:
        errors["agency"] = _("No agency here has the code %(code)s: correct it, or write the organisation's name.") % {
            "code": data.unknown_agency
        }
    elif data.agency is None and not organisation:
        errors["organisation"] = _("Give the participant's agency or organisation.")
    elif len(organisation) > 200:
        errors["organisation"] = _("At most %(count)s characters.") % {"count": 200}
    if data.attended is None:
        errors["attended"] = _("Write yes or no for attended.")
    pre = _score(errors, "pre_score", data.pre_score)
    post = _score(errors, "post_score", data.post_score)
    values = {
        "name": name,
        "sex": data.sex,
        "role": data.role,
        "agency": data.agency,
        "organisation": "" if data.agency is not None else organisation,
        "attended": bool(data.attended),
        "pre_score": pre,
        "post_score": post,
    }
    return values, errors


@transaction.atomic
def do_add_participants(event: TrainingEvent, *, actor: User, rows: Sequence[ParticipantData]) -> list[Participant]:
    """Add participants: every row is checked before any is written (an import of a spreadsheet
    with one bad row writes nothing, and says which rows to fix)."""
    event = _recording(event, actor)
    checked = [_checked(row) for row in rows]
    bad = {
        row.row or n: errors for n, (row, (_values, errors)) in enumerate(zip(rows, checked, strict=True), 1) if errors
    }
    if bad:
        if len(rows) == 1 and rows[0].row is None:
            raise ValidationError(next(iter(bad.values())))
        raise ValidationError(
            {
                "rows": [
                    _("Row %(row)s: %(errors)s")
                    % {"row": n, "errors": "; ".join(f"{COLUMNS[k]}: {v}" for k, v in errors.items())}
                    for n, errors in bad.items()
                ]
            }
        )
    count = event.participants.count()
    if count + len(rows) > MAX_PARTICIPANTS:
        raise ValidationError({"rows": _("An event has at most %(count)s participants.") % {"count": MAX_PARTICIPANTS}})
    number = event.participants.aggregate(n=Max("number"))["n"] or 0
    made = []
    for values, _errors in checked:
        number += 1
        participant = Participant(event=event, number=number, **values)
        participant.save()
        made.append(participant)
    record(actor, Action.CREATE, [item(actor, event, "training_participant", p.pk) for p in made])
    return made


@dataclass
class ScoreRow:
    participant: Participant
    attended: bool
    pre_score: Any
    post_score: Any
    # What the page showed (attended, before, after), when it was sent from a page: a row the
    # user did not touch is left alone, and one someone else changed meanwhile is refused.
    shown: tuple[bool, str, str] | None = None


def as_shown(p: Participant) -> tuple[bool, str, str]:
    return (
        p.attended,
        "" if p.pre_score is None else str(p.pre_score),
        "" if p.post_score is None else str(p.post_score),
    )


@transaction.atomic
def do_record_scores(event: TrainingEvent, *, actor: User, rows: Sequence[ScoreRow]) -> list[Participant]:
    """Attendance and scores for many participants at once, all checked before any is written."""
    event = _recording(event, actor)
    changed = []
    problems = []
    for row in rows:
        if row.participant.event_id != event.pk:
            raise NotAllowed(_("These participants are not all of this event."))
        errors: dict[str, str] = {}
        pre, post = _score(errors, "pre_score", row.pre_score), _score(errors, "post_score", row.post_score)
        if errors:
            problems.append(
                _("Participant %(number)s: %(errors)s")
                % {"number": row.participant.number, "errors": "; ".join(errors.values())}
            )
            continue
        p = Participant.objects.select_for_update().get(pk=row.participant.pk)
        if row.shown is not None:
            typed = (row.attended, str(row.pre_score or "").strip(), str(row.post_score or "").strip())
            if typed == row.shown:
                continue  # not touched on this page
            if as_shown(p) != row.shown:
                problems.append(
                    _("Participant %(number)s was changed by someone else meanwhile: reload the page.")
                    % {"number": p.number}
                )
                continue
        if (p.attended, p.pre_score, p.post_score) != (row.attended, pre, post):
            p.attended, p.pre_score, p.post_score = row.attended, pre, post
            changed.append(p)
    if problems:
        raise ValidationError({"rows": problems})
    for p in changed:
        p.save(update_fields=["attended", "pre_score", "post_score"])
    record(actor, Action.UPDATE, [item(actor, event, "training_participant", p.pk) for p in changed])
    return changed


@transaction.atomic
def do_remove_participant(participant: Participant, *, actor: User) -> None:
    """Take a participant entered by mistake (twice, or at the wrong event) off the list."""
    event = _recording(participant.event, actor)
    record(actor, Action.UPDATE, [item(actor, event, "training_participant", participant.pk)], reason="removed")
    participant.delete()

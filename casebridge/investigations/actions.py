"""Writes to the investigations compartment, each checked, in one transaction, with its audit
event; and the audited reads the pages and the API share."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from casebridge.audit.log import Item, record
from casebridge.audit.models import Action
from casebridge.cases.actions import EARLIEST_DATE as EARLIEST
from casebridge.cases.actions import check_date
from casebridge.investigations import codes
from casebridge.investigations.access import acting_role, investigating_agencies, reachable_cases
from casebridge.investigations.models import (
    ADULT_ONLY_REASONS,
    TRANSITIONS,
    Arrest,
    CaseLink,
    Credibility,
    DecidedBy,
    Encounter,
    Establishment,
    EstablishmentStatus,
    EstablishmentType,
    Grant,
    Handling,
    Identifier,
    IdentifierKind,
    IntelligenceReport,
    Link,
    LinkKind,
    LinkSource,
    Minor,
    NodeType,
    NotVictimReason,
    Operation,
    OperationState,
    Outcome,
    Reliability,
    Screening,
    SeizedItem,
    Sex,
    StatusChange,
    Subject,
    SubjectRole,
    TraffickingStatus,
)
from casebridge.lib.crypto import blind_index
from casebridge.lib.errors import Conflict, NotAllowed, NotFound
from casebridge.lib.places import place_problems
from casebridge.lib.records import new_reference
from casebridge.lib.text import fold, normalise_phone

if TYPE_CHECKING:
    from casebridge.accounts.models import User
    from casebridge.agencies.models import Agency
    from casebridge.cases.models import Case

ADULT = 18
CONSENTS_ALONE = 15
MODELS: dict[str, Any] = {
    NodeType.ESTABLISHMENT: Establishment,
    NodeType.SUBJECT: Subject,
    NodeType.IDENTIFIER: Identifier,
    NodeType.INTELLIGENCE: IntelligenceReport,
    NodeType.OPERATION: Operation,
}

# The coded answers of a screening (codes.py).
INDICATORS = codes.codes(codes.INDICATORS)
AGE_METHODS = codes.codes(codes.AGE_METHODS)
EXPLOITATION = codes.codes(codes.EXPLOITATION)
SEXUAL_EXPLOITATION = codes.codes(codes.SEXUAL_EXPLOITATION)
CONTROL = codes.codes(codes.CONTROL)
RECRUITMENT = codes.codes(codes.RECRUITMENT)
RELATIONSHIP = codes.codes(codes.RELATIONSHIP)
FORCED_CRIMINALITY = codes.codes(codes.FORCED_CRIMINALITY)
HISTORY_TYPES = codes.codes(codes.HISTORY_TYPES)


def item(actor: User, record_: Any, kind: str) -> Item:
    """An audit item for a compartment record, acting as the actor's investigation role."""
    return Item(
        f"investigation_{kind}",
        str(record_.pk),
        None,
        (),
        ("investigation",),
        record_.agency_id,
        acting_role(actor, record_.agency_id),
    )


def audited(actor: User, action: str, records: Iterable[Any], kind: str) -> None:
    record(actor, action, [item(actor, r, kind) for r in records])


def _own(actor: User, agency: Agency) -> None:
    if agency.pk not in investigating_agencies(actor):
        raise NotAllowed(_("Only the agency's investigators record its investigations."))


def _in_compartment(actor: User, record_: Any) -> None:
    """Writes to a record are its own agency's investigators' (a grant or a joint operation lets
    others read, not change what the owner recorded)."""
    if record_.agency_id not in investigating_agencies(actor):
        raise NotAllowed(_("Only the investigators of the agency that owns this record change it."))


def _missing() -> NotFound:
    """A record named that is out of reach answers as one that does not exist: 404."""
    return NotFound(_("No such record among those you can see."))


def _raise(errors: dict[str, Any]) -> None:
    if errors:
        raise ValidationError(errors)


def _text(errors: dict[str, Any], field: str, value: str | None, most: int, *, required: str = "") -> str:
    value = (value or "").strip()
    if required and not value:
        errors[field] = required
    elif len(value) > most:
        errors[field] = _("At most %(count)s characters.") % {"count": most}
    return value


def _codes(errors: dict[str, Any], field: str, values: Iterable[str] | None, allowed: Iterable[str]) -> list[str]:
    values = list(values or [])
    allowed = list(allowed)
    bad = [v for v in values if v not in allowed]
    if bad:
        errors[field] = _("Unknown code: %(codes)s.") % {"codes": ", ".join(map(str, bad))}
    return [v for v in allowed if v in values]


# --- establishments ---------------------------------------------------------------------------

CELL = 10_000  # coordinates to four decimals: a cell of about 11 m, and its neighbours count as the same place


def address_key(address: str) -> int | None:
    folded = fold(address)
    return blind_index("establishment-address", folded) if folded else None


def _cells(latitude: float, longitude: float) -> tuple[int, list[int]]:
    row, column = round(latitude * CELL), round(longitude * CELL)
    own = blind_index("establishment-cell", f"{row}:{column}")
    near = [blind_index("establishment-cell", f"{row + r}:{column + c}") for r in (-1, 0, 1) for c in (-1, 0, 1)]
    return own, near


def _coordinates(errors: dict[str, Any], latitude: str, longitude: str) -> tuple[float, float] | None:
    latitude, longitude = (latitude or "").strip(), (longitude or "").strip()
    if not latitude and not longitude:
        return None
    try:
        lat, lon = float(latitude), float(longitude)
    except ValueError:
        errors["latitude"] = _("Give both coordinates as decimal degrees, e.g. 11.5564 and 104.9282.")
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        errors["latitude"] = _("Give both coordinates as decimal degrees, e.g. 11.5564 and 104.9282.")
        return None
    return lat, lon


def same_place(actor: User, address: str, latitude: str, longitude: str, *, exclude: object = None) -> list[Any]:
    """Establishments the user reaches at the same address or within a cell of the same
    coordinates: a warning before a second entry of one place."""
    errors: dict[str, Any] = {}
    found = Q(pk__in=[])
    key = address_key(address or "")
    if key is not None:
        found |= Q(address_key=key)
    point = _coordinates(errors, latitude, longitude)
    if point is not None:
        found |= Q(cell_key__in=_cells(*point)[1])
    rows = Establishment.objects.visible_to(actor).filter(found).exclude(pk=exclude)
    return list(rows.order_by("created_at")[:10])


@transaction.atomic
def do_create_establishment(
    *,
    actor: User,
    agency: Agency,
    kind: str,
    name: str,
    aliases: list[str] | None = None,
    address: str = "",
    province: str = "",
    district: str = "",
    commune: str = "",
    latitude: str = "",
    longitude: str = "",
    notes: str = "",
    status: str = EstablishmentStatus.OPERATING,
    status_since: datetime.date | None = None,
    different_place: bool = False,
) -> Establishment:
    """Record an establishment. If one the user reaches has the same address or coordinates, it
    is refused (Conflict, with the ones found) until ``different_place`` says it is another."""
    _own(actor, agency)
    errors: dict[str, Any] = {}
    if kind not in EstablishmentType.values:
        errors["kind"] = _("Choose a type of establishment.")
    if status not in EstablishmentStatus.values:
        errors["status"] = _("Choose a status.")
    name = _text(errors, "name", name, 200, required=_("Give the establishment's name."))
    aliases = [a.strip() for a in aliases or [] if a and a.strip()]
    if len(aliases) > 10 or any(len(a) > 200 for a in aliases):
        errors["aliases"] = _("At most 10 other names of at most 200 characters each.")
    address = _text(errors, "address", address, 500)
    notes = _text(errors, "notes", notes, 5000)
    errors.update(place_problems(province, district, commune))
    point = _coordinates(errors, latitude, longitude)
    status_since = status_since or timezone.localdate()
    check_date(errors, "status_since", status_since, earliest=EARLIEST)
    _raise(errors)
    if not different_place and same_place(actor, address, latitude, longitude):
        raise SamePlace(_("An establishment with the same address or coordinates is already recorded."))
    establishment = Establishment(
        agency=agency,
        kind=kind,
        name=name,
        aliases=aliases or None,  # type: ignore[misc]
        address=address or None,
        address_key=address_key(address),
        province=province,
        district=district,
        commune=commune,
        latitude=f"{point[0]:.6f}" if point else None,
        longitude=f"{point[1]:.6f}" if point else None,
        cell_key=_cells(*point)[0] if point else None,
        status=status,
        notes=notes or None,
        created_by=actor,
    )
    establishment.save()
    StatusChange(establishment=establishment, status=status, since=status_since, recorded_by=actor).save()
    audited(actor, Action.CREATE, [establishment], "establishment")
    return establishment


class SamePlace(Conflict):
    code = "same_place"


@transaction.atomic
def do_change_status(
    establishment: Establishment, *, actor: User, status: str, since: datetime.date, note: str = ""
) -> StatusChange:
    _in_compartment(actor, establishment)
    establishment = Establishment.objects.select_for_update().get(pk=establishment.pk)
    errors: dict[str, Any] = {}
    if status not in EstablishmentStatus.values:
        errors["status"] = _("Choose a status.")
    check_date(errors, "since", since, earliest=EARLIEST)
    note = _text(errors, "note", note, 1000)
    latest = establishment.history.order_by("-since", "-recorded_at").first()
    if latest is not None and since < latest.since and "since" not in errors:
        errors["since"] = _("The history already has a change on %(date)s; a change cannot come before it.") % {
            "date": latest.since.isoformat()
        }
    _raise(errors)
    change = StatusChange(establishment=establishment, status=status, since=since, note=note or None, recorded_by=actor)
    change.save()
    establishment.status = status
    establishment.save(update_fields=["status"])
    audited(actor, Action.UPDATE, [establishment], "establishment")
    return change


# --- subjects and identifiers -----------------------------------------------------------------


@transaction.atomic
def do_create_subject(
    *, actor: User, agency: Agency, identity: dict[str, Any], roles: list[str], notes: str = ""
) -> Subject:
    """A suspect or other player; ``identity`` as ``people.actions.clean_identity`` returns it.
    The person is indexed by the people search (kind suspect)."""
    from casebridge.people.actions import do_register_person
    from casebridge.people.models import Person, PersonKind

    _own(actor, agency)
    errors: dict[str, Any] = {}
    roles = _codes(errors, "roles", roles, SubjectRole.values)
    age = Person.age_on(Person(**identity), timezone.localdate())
    if age is not None and age < ADULT:
        errors["estimated_age"] = _(
            "A child is never recorded as a suspect. If a child takes part, she is screened as a possible victim."
        )
    notes = _text(errors, "notes", notes, 5000)
    _raise(errors)
    person = do_register_person(actor=actor, agency=agency, kind=PersonKind.SUSPECT, identity=identity)
    subject = Subject(agency=agency, person=person, roles=roles, notes=notes or None, created_by=actor)
    subject.save()
    audited(actor, Action.CREATE, [subject], "subject")
    return subject


def normalise_identifier(kind: str, value: str) -> str | None:
    """One form of an identifier however it was typed; None when it is not one."""
    value = (value or "").strip()
    if not value or len(value) > 200:
        return None
    if kind == IdentifierKind.PHONE:
        return normalise_phone(value)
    if kind == IdentifierKind.EMAIL:
        return value.lower() if "@" in value and " " not in value else None
    if kind == IdentifierKind.SOCIAL:
        return value.lstrip("@").lower() or None
    if kind in (IdentifierKind.VEHICLE, IdentifierKind.BANK):
        packed = "".join(c for c in value.upper() if c.isalnum())
        return packed or None
    return " ".join(value.split())


def identifier_key(kind: str, normalised: str) -> int:
    return blind_index("investigation-identifier", f"{kind}:{normalised}")


@transaction.atomic
def do_add_identifier(*, actor: User, agency: Agency, kind: str, value: str) -> tuple[Identifier, bool]:
    """The agency's identifier of this kind and value, added if new: the same phone typed two
    ways is one identifier. Answers it and whether it was created."""
    _own(actor, agency)
    if kind not in IdentifierKind.values:
        raise ValidationError({"kind": _("Choose a kind of identifier.")})
    normalised = normalise_identifier(kind, value)
    if normalised is None:
        if kind == IdentifierKind.PHONE:
            message = _("Write the phone number in international form, e.g. +85512345678.")
        else:
            message = _("Give the identifier (at most 200 characters).")
        raise ValidationError({"value": message})
    key = identifier_key(kind, normalised)
    found = Identifier.objects.visible_to(actor).filter(agency=agency, kind=kind, key=key).first()
    if found is not None:
        audited(actor, Action.VIEW, [found], "identifier")
        return found, False
    identifier = Identifier(agency=agency, kind=kind, value=normalised, key=key, created_by=actor)
    try:
        with transaction.atomic():
            identifier.save()
    except IntegrityError:  # the same one, added at the same moment by a colleague
        identifier = Identifier.objects.get(agency=agency, kind=kind, key=key)
        audited(actor, Action.VIEW, [identifier], "identifier")
        return identifier, False
    audited(actor, Action.CREATE, [identifier], "identifier")
    return identifier, True


def find_identifier(actor: User, kind: str, value: str) -> list[Identifier]:
    """The identifiers the user reaches with this value (any kind when ``kind`` is empty)."""
    kinds = [kind] if kind else IdentifierKind.values
    keys = [identifier_key(k, n) for k in kinds if (n := normalise_identifier(k, value)) is not None]
    if not keys:
        return []
    return list(Identifier.objects.visible_to(actor).filter(key__in=keys, kind__in=kinds))


# --- links ------------------------------------------------------------------------------------


def resolve_node(actor: User, node_type: str, node_id: object) -> Any:
    """The node ``<type>:<id>`` if the user reaches it, else None (as if it did not exist)."""
    import uuid as uuid_module

    try:
        key = uuid_module.UUID(str(node_id))
    except ValueError:
        return None
    if node_type == NodeType.CASE:
        return reachable_cases(actor).filter(pk=key).first()
    model = MODELS.get(node_type)
    return model.objects.visible_to(actor).filter(pk=key).first() if model else None


def _link(
    actor: User, agency_id: int, a: tuple[str, Any], kind: str, b: tuple[str, Any], source: str, **extra: Any
) -> Link:
    """A link made by an action (target, arrest, mention...): once, however often it is made."""
    link, _created = Link.objects.get_or_create(
        agency_id=agency_id,
        a_type=a[0],
        a_id=a[1],
        kind=kind,
        b_type=b[0],
        b_id=b[1],
        defaults={"source": source, "created_by": actor, **extra},
    )
    return link


@transaction.atomic
def do_link(
    *,
    actor: User,
    agency: Agency,
    a_type: str,
    a_id: object,
    kind: str,
    b_type: str,
    b_id: object,
    source: str,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    note: str = "",
) -> Link:
    """Link two nodes the user reaches. A node out of reach is refused as if it did not exist."""
    _own(actor, agency)
    errors: dict[str, Any] = {}
    missing = False
    for side, node_type, node_id in (("a", a_type, a_id), ("b", b_type, b_id)):
        if node_type not in NodeType.values:
            errors[f"{side}_type"] = _("Unknown kind of node.")
        elif resolve_node(actor, node_type, node_id) is None:
            missing = True
    if not errors and not missing and (a_type, str(a_id)) == (b_type, str(b_id)):
        errors["b_id"] = _("A record cannot be linked to itself.")
    if kind not in LinkKind.values:
        errors["kind"] = _("Choose a kind of link.")
    if source not in LinkSource.values:
        errors["source"] = _("Say where the link comes from.")
    check_date(errors, "starts_on", starts_on, earliest=EARLIEST)
    check_date(errors, "ends_on", ends_on, earliest=EARLIEST)
    if starts_on and ends_on and ends_on < starts_on and "ends_on" not in errors:
        errors["ends_on"] = _("The link cannot end before it starts.")
    note = _text(errors, "note", note, 1000)
    _raise(errors)
    if missing:
        raise _missing()
    import uuid as uuid_module

    a, b = uuid_module.UUID(str(a_id)), uuid_module.UUID(str(b_id))
    if Link.objects.visible_to(actor).filter(agency=agency, a_type=a_type, a_id=a, kind=kind, b_type=b_type, b_id=b):
        raise Conflict(_("This link is already recorded."))
    link = Link(
        agency=agency,
        a_type=a_type,
        a_id=a,
        kind=kind,
        b_type=b_type,
        b_id=b,
        source=source,
        starts_on=starts_on,
        ends_on=ends_on,
        note=note or None,
        created_by=actor,
    )
    link.save()
    audited(actor, Action.CREATE, [link], "link")
    return link


# --- intelligence -----------------------------------------------------------------------------


@transaction.atomic
def do_create_report(
    *,
    actor: User,
    agency: Agency,
    received_on: datetime.date,
    reliability: str,
    credibility: str,
    handling: str,
    summary: str,
    source: str = "",
    body: str = "",
    mentions: Iterable[tuple[str, Any]] = (),
) -> IntelligenceReport:
    """Record a graded report and link it to each entity it mentions (each one the user reaches)."""
    _own(actor, agency)
    errors: dict[str, Any] = {}
    check_date(errors, "received_on", received_on, earliest=EARLIEST)
    if reliability not in Reliability.values:
        errors["reliability"] = _("Grade the source's reliability from A to F.")
    if credibility not in Credibility.values:
        errors["credibility"] = _("Grade the information's credibility from 1 to 6.")
    if handling not in Handling.values:
        errors["handling"] = _("Choose how the report may be handled.")
    summary = _text(errors, "summary", summary, 300, required=_("Summarise the report in a line."))
    source = _text(errors, "source", source, 200)
    body = _text(errors, "body", body, 20000)
    nodes = []
    for node_type, node_id in mentions:
        found = resolve_node(actor, node_type, node_id) if node_type != NodeType.INTELLIGENCE else None
        if found is None:
            raise _missing()
        nodes.append((node_type, found.pk))
    _raise(errors)
    report = IntelligenceReport(
        agency=agency,
        received_on=received_on,
        reliability=reliability,
        credibility=credibility,
        handling=handling,
        summary=summary,
        source=source or None,
        body=body or None,
        created_by=actor,
    )
    report.save()
    for node in nodes:
        _link(actor, agency.pk, (NodeType.INTELLIGENCE, report.pk), LinkKind.MENTIONS, node, LinkSource.INTELLIGENCE)
    audited(actor, Action.CREATE, [report], "intelligence")
    return report


# --- operations -------------------------------------------------------------------------------


def _operation(operation: Operation, actor: User) -> Operation:
    """The operation locked for a change by its owning agency's or lead unit's investigators."""
    mine = investigating_agencies(actor)
    if operation.agency_id not in mine and operation.lead_unit_id not in mine:
        raise NotAllowed(_("Only the investigators of the owning agency and of the lead police unit change it."))
    return Operation.objects.select_for_update().get(pk=operation.pk)


def _move(operation: Operation, state: str) -> None:
    if state not in TRANSITIONS[operation.state]:
        raise Conflict(
            _("An operation that is %(now)s cannot become %(next)s.")
            % {"now": OperationState(operation.state).label, "next": OperationState(state).label}
        )
    operation.state = state


@transaction.atomic
def do_plan_operation(
    *,
    actor: User,
    agency: Agency,
    name: str,
    planned_for: datetime.datetime,
    lead_unit: Agency,
    participants: Iterable[Agency] = (),
    standby: Agency | None = None,
    targets: Iterable[Establishment] = (),
    basis: Iterable[IntelligenceReport] = (),
) -> Operation:
    """Plan an operation with its police unit; tell the aftercare team on standby (only that an
    operation is planned and when: never where, nor whom it is after)."""
    from casebridge.agencies.models import OrgType

    _own(actor, agency)
    errors: dict[str, Any] = {}
    name = _text(errors, "name", name, 100, required=_("Give the operation a name."))
    if lead_unit.org_type != OrgType.LAW_ENFORCEMENT:
        errors["lead_unit"] = _("An operation is led by a police unit.")
    if planned_for.date() < EARLIEST:
        errors["planned_for"] = _("Check the date: it cannot be before %(date)s.") % {"date": EARLIEST.isoformat()}
    targets, basis = list(targets), list(basis)
    reachable = {e.pk for e in Establishment.objects.visible_to(actor).filter(pk__in=[t.pk for t in targets])}
    if any(t.pk not in reachable for t in targets):
        raise _missing()
    reports = {r.pk for r in IntelligenceReport.objects.visible_to(actor).filter(pk__in=[r.pk for r in basis])}
    if any(r.pk not in reports for r in basis):
        raise _missing()
    _raise(errors)
    operation = Operation(
        agency=agency, name=name, planned_for=planned_for, lead_unit=lead_unit, standby=standby, created_by=actor
    )
    operation.save()
    operation.participants.set([p for p in participants if p.pk not in (agency.pk, lead_unit.pk)])
    operation.targets.set(targets)
    node = (NodeType.OPERATION, operation.pk)
    for target in targets:
        _link(actor, agency.pk, (NodeType.ESTABLISHMENT, target.pk), LinkKind.TARGET, node, LinkSource.OPERATION)
    for report in basis:
        _link(actor, agency.pk, (NodeType.INTELLIGENCE, report.pk), LinkKind.BASIS, node, LinkSource.INTELLIGENCE)
    audited(actor, Action.CREATE, [operation], "operation")
    if standby is not None:
        _tell_standby(operation, standby)
    return operation


def _tell_standby(operation: Operation, standby: Agency) -> None:
    from casebridge.agencies.models import Membership, Role
    from casebridge.notifications.actions import notify
    from casebridge.notifications.models import Kind

    roles = [Role.AFTERCARE_SOCIAL_WORKER, Role.GOVERNMENT_SOCIAL_WORKER, Role.PARTNER_CASEWORKER]
    members = Membership.objects.in_force().filter(agency=standby, role__in=roles).select_related("user")
    when = timezone.localtime(operation.planned_for)
    notify(
        [m.user for m in members],
        Kind.OPERATION_STANDBY,
        data={"day": when.date().isoformat(), "time": when.strftime("%H:%M")},
    )


@transaction.atomic
def do_authorise(operation: Operation, *, actor: User, reference: str, authorised_on: datetime.date) -> Operation:
    """The prosecutor's authorisation, by its reference and date."""
    operation = _operation(operation, actor)
    errors: dict[str, Any] = {}
    reference = _text(errors, "authorisation", reference, 100, required=_("Give the authorisation's reference."))
    check_date(errors, "authorised_on", authorised_on, earliest=EARLIEST)
    _raise(errors)
    _move(operation, OperationState.AUTHORISED)
    operation.authorisation = reference
    operation.authorised_on = authorised_on
    operation.save()
    audited(actor, Action.UPDATE, [operation], "operation")
    return operation


@transaction.atomic
def do_carry_out(
    operation: Operation, *, actor: User, carried_out_at: datetime.datetime, debrief: str = ""
) -> Operation:
    """Record that the operation took place: after its authorisation, never in the future."""
    operation = _operation(operation, actor)
    if operation.state == OperationState.PLANNED:
        raise Conflict(_("The operation has not been authorised: record the prosecutor's authorisation first."))
    _move(operation, OperationState.CARRIED_OUT)
    errors: dict[str, Any] = {}
    debrief = _text(errors, "debrief", debrief, 10000)
    day = timezone.localtime(carried_out_at).date()
    if carried_out_at > timezone.now():
        errors["carried_out_at"] = _("The date cannot be in the future.")
    elif operation.authorised_on and day < operation.authorised_on:
        errors["carried_out_at"] = _("An operation cannot be carried out before it was authorised (%(date)s).") % {
            "date": operation.authorised_on.isoformat()
        }
    _raise(errors)
    operation.carried_out_at = carried_out_at
    operation.debrief = debrief or None
    operation.save()
    audited(actor, Action.UPDATE, [operation], "operation")
    return operation


@transaction.atomic
def do_close(operation: Operation, *, actor: User, debrief: str | None = None) -> Operation:
    """Close a carried-out operation once every person encountered has a screening decided."""
    operation = _operation(operation, actor)
    _move(operation, OperationState.CLOSED)
    waiting = operation.encounters.filter(Q(screening__isnull=True) | Q(screening__outcome=Outcome.PENDING)).count()
    if waiting:
        raise Conflict(
            _("%(count)s people encountered still wait for their screening to be decided.") % {"count": waiting}
        )
    if debrief is not None:
        errors: dict[str, Any] = {}
        operation.debrief = _text(errors, "debrief", debrief, 10000) or None
        _raise(errors)
    operation.closed_at = timezone.now()
    operation.save()
    audited(actor, Action.UPDATE, [operation], "operation")
    return operation


@transaction.atomic
def do_cancel(operation: Operation, *, actor: User, reason: str) -> Operation:
    operation = _operation(operation, actor)
    errors: dict[str, Any] = {}
    reason = _text(errors, "reason", reason, 1000, required=_("Say why the operation is cancelled."))
    _raise(errors)
    _move(operation, OperationState.CANCELLED)
    operation.cancel_reason = reason
    operation.save()
    audited(actor, Action.UPDATE, [operation], "operation")
    return operation


def _carried_out(operation: Operation, actor: User) -> Operation:
    """The operation locked while what it found is recorded by its investigators (owning agency,
    lead unit, participants), between being carried out and being closed."""
    if not {operation.agency_id, operation.lead_unit_id, *operation.participants.values_list("pk", flat=True)} & (
        investigating_agencies(actor)
    ):
        raise NotAllowed(_("Only the operation's investigators record what it found."))
    operation = Operation.objects.select_for_update().get(pk=operation.pk)
    if operation.state != OperationState.CARRIED_OUT:
        raise Conflict(_("Record who was encountered once the operation is carried out, and before it is closed."))
    return operation


@transaction.atomic
def do_add_encounter(
    operation: Operation, *, actor: User, description: str = "", sex: str = Sex.UNKNOWN, removed: bool = False
) -> Encounter:
    """A person the operation encountered, numbered in order (P-1, P-2, ...)."""
    operation = _carried_out(operation, actor)
    errors: dict[str, Any] = {}
    description = _text(errors, "description", description, 300)
    if sex not in Sex.values:
        errors["sex"] = _("Choose one of the listed values.")
    _raise(errors)
    number = (operation.encounters.aggregate(last=Max("number"))["last"] or 0) + 1
    encounter = Encounter(
        operation=operation,
        number=number,
        description=description or None,
        sex=sex,
        removed=removed,
        recorded_by=actor,
    )
    encounter.save()
    audited(actor, Action.CREATE, [on_operation(encounter, operation)], "encounter")
    return encounter


class OnOperation:
    """An operation's record as the audit names it: its own id, the operation's agency."""

    def __init__(self, pk: object, agency_id: int) -> None:
        self.pk, self.agency_id = pk, agency_id


def on_operation(record_: Any, operation: Operation) -> OnOperation:
    return OnOperation(record_.pk, operation.agency_id)


@transaction.atomic
def do_record_arrest(
    operation: Operation, *, actor: User, subject: Subject, encounter: Encounter | None = None
) -> Arrest:
    """A subject arrested in the operation. Never a child: not a person screened as a minor (or of
    a borderline age), nor a subject known to be under 18. A child found in an operation is a
    victim, never a suspect."""
    operation = _carried_out(operation, actor)
    if not Subject.objects.visible_to(actor).filter(pk=subject.pk).exists():
        raise _missing()
    age = subject.person.age_now()
    if age is not None and age < ADULT:
        raise ValidationError({"subject": _("This subject is under 18: a child is never a suspect.")})
    if encounter is not None:
        if encounter.operation_id != operation.pk:
            raise ValidationError({"encounter": _("This person was not encountered in this operation.")})
        screening = Screening.objects.filter(encounter=encounter).first()
        if screening is not None and screening.is_minor:
            raise ValidationError({"encounter": _("This person was screened as a child: a child is never a suspect.")})
        if Arrest.objects.standing().filter(encounter=encounter).exists():
            raise ValidationError({"encounter": _("This person is already recorded as arrested.")})
    if Arrest.objects.standing().filter(operation=operation, subject=subject).exists():
        raise Conflict(_("This subject is already recorded as arrested in this operation."))
    arrest = Arrest(operation=operation, subject=subject, encounter=encounter, recorded_by=actor)
    arrest.save()
    # The link is the subject's agency's (whoever arrests, the subject's record is theirs).
    link = _link(
        actor,
        subject.agency_id,
        (NodeType.SUBJECT, subject.pk),
        LinkKind.ARRESTED,
        (NodeType.OPERATION, operation.pk),
        LinkSource.OPERATION,
    )
    audited(actor, Action.CREATE, [on_operation(arrest, operation)], "arrest")
    audited(actor, Action.CREATE, [link], "link")
    return arrest


@transaction.atomic
def do_withdraw_arrest(arrest: Arrest, *, actor: User, reason: str) -> Arrest:
    """Withdraw an arrest recorded in error (a child arrested before her screening, the wrong
    person), with the reason; it stays on record, and no longer counts."""
    operation = _operation(arrest.operation, actor)
    errors: dict[str, Any] = {}
    reason = _text(errors, "reason", reason, 500, required=_("Say why the arrest is withdrawn."))
    _raise(errors)
    arrest = Arrest.objects.select_for_update().get(pk=arrest.pk)
    if arrest.withdrawn_at is not None:
        raise Conflict(_("This arrest was already withdrawn."))
    arrest.withdrawn_at = timezone.now()
    arrest.withdrawn_by = actor
    arrest.withdrawn_reason = reason
    arrest.save()
    if not Arrest.objects.standing().filter(subject=arrest.subject, operation=operation).exists():
        Link.objects.filter(
            a_type=NodeType.SUBJECT,
            a_id=arrest.subject_id,
            kind=LinkKind.ARRESTED,
            b_type=NodeType.OPERATION,
            b_id=operation.pk,
        ).delete()
    audited(actor, Action.UPDATE, [on_operation(arrest, operation)], "arrest")
    return arrest


@transaction.atomic
def do_add_seized(operation: Operation, *, actor: User, description: str, quantity: int = 1) -> SeizedItem:
    operation = _carried_out(operation, actor)
    errors: dict[str, Any] = {}
    description = _text(errors, "description", description, 500, required=_("Describe what was seized."))
    if not 1 <= quantity <= 100_000:
        errors["quantity"] = _("Give a quantity from 1 to 100000.")
    _raise(errors)
    seized = SeizedItem(operation=operation, description=description, quantity=quantity, recorded_by=actor)
    seized.save()
    audited(actor, Action.CREATE, [on_operation(seized, operation)], "seized_item")
    return seized


# --- screening --------------------------------------------------------------------------------


def _clean_history(errors: dict[str, Any], history: Any) -> list[dict[str, str]]:
    from casebridge.lib.codes import country_codes

    rows = []
    if not isinstance(history, list) or len(history) > 20:
        errors["history"] = _("Give at most 20 places and dates.")
        return []
    for row in history:
        if not isinstance(row, dict) or set(row) - {"type", "country", "place", "date"}:
            errors["history"] = _("Each place has a type, a country, a place and a date.")
            break
        kind, country = str(row.get("type", "")), str(row.get("country", "")).upper()
        place, day = str(row.get("place", "")).strip(), str(row.get("date", "") or "")
        if kind not in HISTORY_TYPES:
            errors["history"] = _("Unknown code: %(codes)s.") % {"codes": kind}
            break
        if country and country not in country_codes():
            errors["history"] = _("Unknown code: %(codes)s.") % {"codes": country}
            break
        if len(place) > 200:
            errors["history"] = _("At most %(count)s characters.") % {"count": 200}
            break
        if day:
            try:
                parsed = datetime.date.fromisoformat(day)
            except ValueError:
                errors["history"] = _("Enter a valid date.")
                break
            check_date(errors, "history", parsed, earliest=EARLIEST)
        rows.append({"type": kind, "country": country, "place": place, "date": day})
    return rows


def clean_screening(data: dict[str, Any], *, arrested: bool) -> dict[str, Any]:
    """Check a screening's fields; raise ValidationError naming each bad one."""
    from casebridge.lib.codes import language_code

    errors: dict[str, Any] = {}
    out: dict[str, Any] = {
        "indicators": _codes(errors, "indicators", data.get("indicators"), INDICATORS),
        "age_methods": _codes(errors, "age_methods", data.get("age_methods"), AGE_METHODS),
        "exploitation": _codes(errors, "exploitation", data.get("exploitation"), EXPLOITATION),
        "sexual_exploitation": _codes(
            errors, "sexual_exploitation", data.get("sexual_exploitation"), SEXUAL_EXPLOITATION
        ),
        "control": _codes(errors, "control", data.get("control"), CONTROL),
        "recruitment": _codes(errors, "recruitment", data.get("recruitment"), RECRUITMENT),
        "forced_criminality": _codes(errors, "forced_criminality", data.get("forced_criminality"), FORCED_CRIMINALITY),
    }
    minor = data.get("minor") or ""
    if minor not in Minor.values:
        errors["minor"] = _("Say whether the person is a minor (yes, no or borderline).")
    if not out["age_methods"] and "age_methods" not in errors:
        errors["age_methods"] = _("Say how the age was determined.")
    low, high = data.get("age_low"), data.get("age_high")
    for field, value in (("age_low", low), ("age_high", high)):
        if value is not None and (not isinstance(value, int) or not 0 <= value <= 99):
            errors[field] = _("An age from 0 to 99.")
    if isinstance(low, int) and isinstance(high, int) and low > high and "age_high" not in errors:
        errors["age_high"] = _("The range ends before it starts.")
    if minor == Minor.YES and isinstance(low, int) and low >= 18:
        errors["age_low"] = _("A minor is under 18: check the estimated age.")
    if minor == Minor.NO and isinstance(low, int) and low < ADULT:
        errors["minor"] = _("The estimated age reaches below 18: the answer is borderline, or yes.")
    status = data.get("status") or ""
    if status not in TraffickingStatus.values:
        errors["status"] = _("Choose a trafficking status.")
    decided_by = data.get("decided_by") or ""
    if decided_by not in DecidedBy.values:
        errors["decided_by"] = _("Say which kind of organisation decided the status.")
    relationship = data.get("relationship") or ""
    if relationship and relationship not in RELATIONSHIP:
        errors["relationship"] = _("Unknown code: %(codes)s.") % {"codes": relationship}
    languages = []
    for raw in data.get("languages") or []:
        code = language_code(str(raw))
        if code is None:
            errors["languages"] = _("Unknown language code: %(code)s (use ISO 639).") % {"code": raw}
        else:
            languages.append(code)
    outcome = data.get("outcome") or Outcome.PENDING
    reason = data.get("reason") or ""
    if outcome not in (Outcome.PENDING, Outcome.NOT_A_VICTIM):
        errors["outcome"] = _("A survivor case is opened through the intake, not here.")
    if outcome == Outcome.NOT_A_VICTIM:
        if reason not in NotVictimReason.values:
            errors["reason"] = _("Say why the person is not a victim.")
        elif minor in (Minor.YES, Minor.BORDERLINE) and reason in ADULT_ONLY_REASONS:
            errors["reason"] = _("A child is never recorded as an adult or as the establishment's staff.")
        if status and status != TraffickingStatus.NOT_A_VICTIM:
            errors["status"] = _("Someone who is not a victim has the status 'Not a victim of trafficking'.")
    elif reason:
        errors["reason"] = _("A reason is given only for 'not a victim'.")
    if status == TraffickingStatus.NOT_A_VICTIM and outcome != Outcome.NOT_A_VICTIM and "status" not in errors:
        errors["outcome"] = _("Record the outcome 'not a victim' with its reason.")
    if arrested and minor in (Minor.YES, Minor.BORDERLINE):
        errors["minor"] = _(
            "This person is recorded as arrested. A child is never a suspect: withdraw the arrest first."
        )
    notes = _text(errors, "notes", data.get("notes"), 5000)
    reason_note = _text(errors, "reason_note", data.get("reason_note"), 1000)
    if reason == NotVictimReason.OTHER and not reason_note and "reason" not in errors:
        errors["reason_note"] = _("Say why, in words.")
    history = _clean_history(errors, data.get("history") or [])
    _raise(errors)
    out.update(
        minor=minor,
        age_low=low,
        age_high=high,
        status=status,
        decided_by=decided_by,
        relationship=relationship,
        languages=list(dict.fromkeys(languages)),
        interpreter=bool(data.get("interpreter")),
        notes=notes or None,
        outcome=outcome,
        reason=reason if outcome == Outcome.NOT_A_VICTIM else "",
        reason_note=reason_note or None,
        history=history or None,
    )
    return out


@transaction.atomic
def do_screen(encounter: Encounter, *, actor: User, data: dict[str, Any]) -> Screening:
    """Record (or correct, until a case is opened) the screening of a person encountered."""
    operation = _carried_out(encounter.operation, actor)
    arrested = Arrest.objects.standing().filter(encounter=encounter).exists()
    cleaned = clean_screening(data, arrested=arrested)
    screening = Screening.objects.select_for_update().filter(encounter=encounter).first()
    if screening is not None and screening.outcome == Outcome.CASE:
        raise Conflict(_("A survivor case was opened from this screening; correct it on the case."))
    created = screening is None
    if screening is None:
        screening = Screening(encounter=encounter, screened_by=actor)
    for field, value in cleaned.items():
        setattr(screening, field, value)
    screening.save()
    audited(actor, Action.CREATE if created else Action.UPDATE, [on_operation(screening, operation)], "screening")
    return screening


SCREENING_AGE = {"documents": "document", "medical": "medical", "interview": "self", "appearance": "appearance"}


def with_screening_age(identity: dict[str, Any], screening: Screening) -> dict[str, Any]:
    """The identity of the person screened, with the screening's estimate of her age when the
    intake gives none (the lower end: a child is treated as the younger she may be)."""
    if identity.get("birth_date") or identity.get("estimated_age") is not None or screening.age_low is None:
        return identity
    method = next((SCREENING_AGE[m] for m in screening.age_methods if m in SCREENING_AGE), "appearance")
    return {**identity, "estimated_age": screening.age_low, "age_method": method}


@transaction.atomic
def do_open_case_for(
    screening: Screening, case: Case, *, actor: User, consent: dict[str, Any] | None = None
) -> CaseLink:
    """After the intake opened ``case`` for the person screened (in the same transaction): her
    decision on receiving services (``consent``: decision, given_by, child_assent, language; the
    consent ledger's rules), the screening's outcome, the case's pseudonymous link to the
    operation, and on the case's timeline only that a linked investigation exists (and, for a
    minor, that she goes to an assessment centre first). Without ``consent``, the case was opened
    before (the demo's)."""
    from casebridge.cases.actions import add_event
    from casebridge.cases.models import EventKind
    from casebridge.consents.actions import do_record_consent

    screening = Screening.objects.select_for_update().get(pk=screening.pk)
    operation = _carried_out(screening.encounter.operation, actor)
    if not reachable_cases(actor).filter(pk=case.pk).exists():
        raise NotAllowed(_("Link a screening only to a case whose investigation link you reach."))
    if consent is not None:
        young = screening.age_high is None or screening.age_high < CONSENTS_ALONE
        if screening.is_minor and young and consent["given_by"] == "survivor" and consent["decision"] == "given":
            raise ValidationError(
                {
                    "consent_given_by": _(
                        "She may be under 15 and does not consent alone: record a parent's or guardian's "
                        "decision with her assent."
                    )
                }
            )
        do_record_consent(
            case,
            actor=actor,
            purpose="services",
            decision=consent["decision"],
            given_by=consent["given_by"],
            child_assent=consent["child_assent"],
            decided_on=case.opened_on,
            language=consent["language"],
        )
    if screening.outcome != Outcome.PENDING or screening.status == TraffickingStatus.NOT_A_VICTIM:
        raise Conflict(_("A case is opened only from a screening whose outcome is not decided yet."))
    screening.outcome = Outcome.CASE
    screening.case = case
    screening.save()
    link = CaseLink(reference=new_reference("INV"), case=case, operation=operation)
    link.save()
    _link(
        actor,
        operation.agency_id,
        (NodeType.CASE, case.pk),
        LinkKind.IDENTIFIED,
        (NodeType.OPERATION, operation.pk),
        LinkSource.OPERATION,
    )
    data = {"reference": link.reference}
    if screening.is_minor:
        data["minor"] = "assessment_centre"
    add_event(case, actor=actor, kind=EventKind.INVESTIGATION_LINKED, data=data)
    audited(actor, Action.UPDATE, [on_operation(screening, operation)], "screening")
    # On the case's own access log too: who linked it to an investigation.
    record(actor, Action.UPDATE, [Item("case", str(case.pk), case.pk, ("investigation",))])
    return link


# --- grants -----------------------------------------------------------------------------------


@transaction.atomic
def do_grant(
    *,
    actor: User,
    user: User,
    reason: str,
    subject: Subject | None = None,
    operation: Operation | None = None,
    expires_at: datetime.datetime | None = None,
) -> Grant:
    """Let one user outside the owning agency read one subject or operation (a lawyer on a
    linked proceeding)."""
    target = subject or operation
    if target is None or (subject is not None and operation is not None):
        raise ValidationError({"subject": _("Grant one subject or one operation.")})
    _in_compartment(actor, target)
    errors: dict[str, Any] = {}
    reason = _text(errors, "reason", reason, 300, required=_("Say why access is granted."))
    from casebridge.agencies.models import Role

    lawyer = any(m.role == Role.LAWYER for m in user.active_memberships())
    investigator_elsewhere = any(
        m.role in (Role.POLICE_INVESTIGATOR, Role.NGO_INVESTIGATOR) and m.agency_id != target.agency_id
        for m in user.active_memberships()
    )
    if not user.is_active or not (lawyer or investigator_elsewhere):
        errors["user"] = _("Access is granted only to a lawyer or to another agency's investigator.")
    if expires_at is not None and expires_at <= timezone.now():
        errors["expires_at"] = _("The end of a grant is in the future.")
    _raise(errors)
    grant = Grant(
        subject=subject, operation=operation, user=user, reason=reason, granted_by=actor, expires_at=expires_at
    )
    grant.save()
    audited(actor, Action.CREATE, [OnOperation(grant.pk, target.agency_id)], "grant")
    return grant

"""Writes to prevalence studies, each in one transaction with its audit event, and the audited
read of a study's estimate."""

from __future__ import annotations

import datetime
import random
import secrets
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from casebridge.audit.log import Item, record
from casebridge.audit.models import Action
from casebridge.lib.errors import Conflict, NotAllowed
from casebridge.prevalence import estimate as est
from casebridge.prevalence.access import FIELD_ROLES, LEAD_ROLES, can_design, can_visit, lead_agencies
from casebridge.prevalence.models import (
    Establishment,
    EstablishmentType,
    Selection,
    SelectionStatus,
    Stratum,
    Study,
    Visit,
    VisitKind,
)

if TYPE_CHECKING:
    from casebridge.accounts.models import User
    from casebridge.agencies.models import Agency

EARLIEST = datetime.date(2000, 1, 1)
MAX_FRAME = 100_000
MAX_PERSONS = 10_000
SEED_MAX = 2**53


def item(actor: User, study: Study, object_type: str, object_id: object) -> Item:
    """An audit item for a study's record, acting as the actor's role in the study's agency."""
    roles = [m.role for m in actor.active_memberships() if m.agency_id == study.agency_id]
    role = next((r for r in roles if r in LEAD_ROLES), None) or next((r for r in roles if r in FIELD_ROLES), "")
    return Item(object_type, str(object_id), None, (), ("prevalence",), study.agency_id, role)


def _design(study: Study, actor: User) -> Study:
    """The study locked for a change to its design, which only its research leads make, and only
    until the sample is drawn."""
    if not can_design(actor, study):
        raise NotAllowed(_("Only the study's research leads (programme managers of its agency) change its design."))
    study = Study.objects.select_for_update().get(pk=study.pk)
    if study.is_drawn:
        raise Conflict(_("The sample has been drawn: the study's design can no longer change."))
    return study


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def do_create_study(
    *,
    actor: User,
    agency: Agency,
    title: str,
    areas: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    method_notes: str = "",
) -> Study:
    if agency.pk not in lead_agencies(actor):
        raise NotAllowed(_("Only a programme manager of the agency opens a prevalence study for it."))
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = _("Give the study a title.")
    elif len(title.strip()) > 200:
        errors["title"] = _("A title has at most 200 characters.")
    if not areas.strip():
        errors["areas"] = _("Say which areas the study covers.")
    elif len(areas.strip()) > 500:
        errors["areas"] = _("The areas are at most 500 characters.")
    if len(method_notes.strip()) > 5000:
        errors["method_notes"] = _("Method notes have at most 5000 characters.")
    if starts_on < EARLIEST:
        errors["starts_on"] = _("Check the date: it cannot be before %(date)s.") % {"date": EARLIEST.isoformat()}
    if ends_on < starts_on:
        errors["ends_on"] = _("The last day of fieldwork cannot be before the first.")
    _raise(errors)
    study = Study.objects.create(
        agency=agency,
        title=title.strip(),
        areas=areas.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        method_notes=method_notes.strip(),
        created_by=actor,
    )
    record(actor, Action.CREATE, [item(actor, study, "prevalence_study", study.pk)])
    return study


@transaction.atomic
def do_add_stratum(
    study: Study, *, actor: User, establishment_type: str, area: str, frame_size: int, sample_size: int
) -> Stratum:
    study = _design(study, actor)
    errors: dict[str, str] = {}
    if establishment_type not in EstablishmentType.values:
        errors["establishment_type"] = _("Choose a type of establishment.")
    if not area.strip():
        errors["area"] = _("Say which area the stratum covers.")
    elif len(area.strip()) > 100:
        errors["area"] = _("An area has at most 100 characters.")
    if frame_size < 1:
        errors["frame_size"] = _("A stratum needs at least one establishment in its frame.")
    elif frame_size > MAX_FRAME:
        errors["frame_size"] = _("A frame holds at most %(count)s establishments.") % {"count": MAX_FRAME}
    if sample_size < 1:
        errors["sample_size"] = _("Draw at least one establishment from each stratum.")
    elif frame_size >= 1 and sample_size > frame_size:
        errors["sample_size"] = _("You cannot draw more establishments than the frame holds (%(count)s).") % {
            "count": frame_size
        }
    _raise(errors)
    try:
        with transaction.atomic():
            stratum = Stratum.objects.create(
                study=study,
                establishment_type=establishment_type,
                area=area.strip(),
                frame_size=frame_size,
                sample_size=sample_size,
            )
    except IntegrityError:
        raise ValidationError({"area": _("This study already has a stratum of this type in this area.")}) from None
    record(actor, Action.CREATE, [item(actor, study, "prevalence_stratum", stratum.pk)])
    return stratum


@transaction.atomic
def do_add_establishment(
    study: Study, *, actor: User, stratum: Stratum, code: str, name: str, location: str = ""
) -> Establishment:
    study = _design(study, actor)
    errors: dict[str, str] = {}
    code = code.strip()
    if stratum.study_id != study.pk:
        errors["stratum"] = _("Choose one of this study's strata.")
    elif Establishment.objects.filter(stratum=stratum).count() >= stratum.frame_size:
        errors["stratum"] = _(
            "The frame of this stratum holds %(count)s establishments and all are listed: "
            "correct the stratum's frame size first."
        ) % {"count": stratum.frame_size}
    if not code:
        errors["code"] = _("Give the establishment a code (used in place of its name in the sample).")
    elif Establishment.objects.filter(study=study, code=code).exists():
        errors["code"] = _("This study already has an establishment with this code.")
    elif len(code) > 20:
        errors["code"] = _("A code has at most 20 characters.")
    if not name.strip():
        errors["name"] = _("Give the establishment's name.")
    elif len(name.strip()) > 200:
        errors["name"] = _("A name has at most 200 characters.")
    if len(location.strip()) > 500:
        errors["location"] = _("A location has at most 500 characters.")
    _raise(errors)
    establishment = Establishment(study=study, stratum=stratum, code=code, name=name.strip(), location=location.strip())
    establishment.save()
    record(actor, Action.CREATE, [item(actor, study, "prevalence_establishment", establishment.pk)])
    return establishment


def draw_order(seed: int, stratum: Stratum, codes: list[str]) -> list[str]:
    """The stratum's establishments in drawn order: the same seed gives the same order on any
    machine (``random.Random`` seeded with a string hashes it with SHA-512)."""
    order = sorted(codes)
    # Reproducible from the seed by design: the draw is published with its seed, not secret.
    random.Random(f"{seed}:{stratum.establishment_type}:{stratum.area}").shuffle(order)  # noqa: S311
    return order


@transaction.atomic
def do_draw_sample(study: Study, *, actor: User, seed: int | None = None) -> list[Selection]:
    """Draw every stratum's sample at once; the order of the rest is kept as the reserve."""
    study = _design(study, actor)
    if seed is None:
        seed = secrets.randbelow(SEED_MAX)
    if not 0 <= seed < SEED_MAX:
        raise ValidationError({"seed": _("The seed is a whole number from 0 to %(max)s.") % {"max": SEED_MAX - 1}})
    strata = list(study.strata.all())
    if not strata:
        raise ValidationError({"seed": _("Add the study's strata and its frame of establishments first.")})
    listed: dict[int, dict[str, Establishment]] = {s.pk: {} for s in strata}
    for establishment in study.establishments.all():
        listed[establishment.stratum_id][establishment.code] = establishment
    short = [s for s in strata if len(listed[s.pk]) < s.sample_size]
    if short:
        raise ValidationError(
            {
                "seed": _("These strata list fewer establishments than are to be drawn: %(strata)s.")
                % {"strata": "; ".join(f"{s} ({len(listed[s.pk])} < {s.sample_size})" for s in short)}
            }
        )
    selections = []
    for stratum in strata:
        for rank, code in enumerate(draw_order(seed, stratum, list(listed[stratum.pk])), 1):
            status = SelectionStatus.SELECTED if rank <= stratum.sample_size else SelectionStatus.RESERVE
            selections.append(
                Selection(
                    study=study, stratum=stratum, establishment=listed[stratum.pk][code], rank=rank, status=status
                )
            )
    try:
        with transaction.atomic():
            Selection.objects.bulk_create(selections)
    except IntegrityError:  # another draw of this study won the race (SQLite has no row locks)
        raise Conflict(_("The sample has been drawn: the study's design can no longer change.")) from None
    study.seed, study.drawn_at, study.drawn_by = seed, timezone.now(), actor
    study.save(update_fields=["seed", "drawn_at", "drawn_by"])
    record(actor, Action.UPDATE, [item(actor, study, "prevalence_sample", study.pk)], reason=f"seed {seed}")
    return selections


@transaction.atomic
def do_replace(selection: Selection, *, actor: User, reason: str) -> Selection:
    """Replace a sampled establishment that cannot be visited by the stratum's next reserve."""
    study = Study.objects.select_for_update().get(pk=selection.study_id)
    if not can_design(actor, study):
        raise NotAllowed(_("Only the study's research leads replace an establishment in the sample."))
    selection = Selection.objects.select_for_update().get(pk=selection.pk)
    if selection.status != SelectionStatus.SELECTED:
        raise Conflict(_("Only an establishment in the sample can be replaced."))
    if Visit.objects.filter(establishment_id=selection.establishment_id, voided_at__isnull=True).exists():
        raise Conflict(_("This establishment has been visited: its visits count, so it stays in the sample."))
    reason = reason.strip()
    if len(reason) < 5:
        raise ValidationError({"reason": _("Say why it cannot be visited (at least 5 characters).")})
    reserve = (
        Selection.objects.select_for_update()
        .filter(stratum_id=selection.stratum_id, status=SelectionStatus.RESERVE)
        .order_by("rank")
        .first()
    )
    if reserve is None:
        raise Conflict(_("No reserve is left in this stratum: visit the establishments in the sample."))
    selection.status, selection.replaced_reason, selection.changed_by = SelectionStatus.REPLACED, reason, actor
    selection.save(update_fields=["status", "replaced_reason", "changed_by"])
    reserve.status, reserve.replaces, reserve.changed_by = SelectionStatus.SELECTED, selection, actor
    reserve.save(update_fields=["status", "replaces", "changed_by"])
    # The reason may name people or places: it is kept encrypted on the row, not in the audit.
    record(
        actor,
        Action.UPDATE,
        [
            item(actor, study, "prevalence_selection", selection.pk),
            item(actor, study, "prevalence_selection", reserve.pk),
        ],
    )
    return reserve


@transaction.atomic
def do_record_visit(
    study: Study,
    *,
    actor: User,
    establishment: Establishment,
    visited_on: datetime.date,
    from_time: datetime.time,
    to_time: datetime.time,
    persons: int,
    minors: int,
    under_16: int,
    borderline: int = 0,
    notes: str = "",
    checks: Visit | None = None,
    investigator: User | None = None,
) -> Visit:
    """Record what ``investigator`` (the actor, unless a research lead enters it for them)
    observed in one visit, or, with ``checks``, an audit visit of that visit."""
    if not can_visit(actor, study):
        raise NotAllowed(_("Only the study's investigators and research leads record visits."))
    investigator = investigator or actor
    if investigator.pk != actor.pk and not can_design(actor, study):
        raise NotAllowed(_("Only a research lead records a visit for another investigator."))
    study = Study.objects.select_for_update().get(pk=study.pk)
    if not study.is_drawn:
        raise Conflict(_("Draw the sample first: visits are made to the establishments drawn."))
    errors: dict[str, str] = {}
    if investigator.pk != actor.pk and not can_visit(investigator, study):
        errors["investigator"] = _("Choose one of the study's investigators or research leads.")
    if (
        establishment.study_id != study.pk
        or not Selection.objects.filter(establishment=establishment, status=SelectionStatus.SELECTED).exists()
    ):
        errors["establishment"] = _("Choose an establishment in this study's sample.")
    if not study.starts_on <= visited_on <= study.ends_on:
        errors["visited_on"] = _("The visit must fall within the fieldwork, %(start)s to %(end)s.") % {
            "start": study.starts_on.isoformat(),
            "end": study.ends_on.isoformat(),
        }
    elif visited_on > timezone.localdate():
        errors["visited_on"] = _("The date cannot be in the future.")
    if from_time == to_time:
        errors["to_time"] = _("The visit's window needs a start and a different end (it may run past midnight).")
    if not 0 <= persons <= MAX_PERSONS:
        errors["persons"] = _("Give the number of people available, from 0 to %(max)s.") % {"max": MAX_PERSONS}
    if minors < 0 or minors > persons:
        errors["minors"] = _("Minors cannot be more than the people observed.")
    if under_16 < 0 or under_16 > minors:
        errors["under_16"] = _("Those 15 or under are counted among the minors, so they cannot be more.")
    if borderline < 0 or minors + borderline > persons:
        errors["borderline"] = _(
            "Borderline minors are counted apart: with the minors they cannot be more than the people observed."
        )
    if len(notes.strip()) > 2000:
        errors["notes"] = _("Notes have at most 2000 characters.")
    if checks is not None:
        if (
            checks.study_id != study.pk
            or checks.kind != VisitKind.VISIT
            or checks.establishment_id != establishment.pk
            or checks.voided_at is not None
        ):
            errors["checks"] = _("An audit visit checks a visit to the same establishment.")
        elif checks.investigator_id == investigator.pk:
            errors["checks"] = _("An audit visit is made by another observer than the visit it checks.")
    elif (
        "visited_on" not in errors
        and Visit.objects.filter(
            establishment=establishment,
            kind=VisitKind.VISIT,
            visited_on=visited_on,
            from_time=from_time,
            voided_at__isnull=True,
        ).exists()
    ):
        errors["from_time"] = _(
            "This visit is already recorded (same establishment, day and start time). "
            "To correct it, void it on the list of visits and record it again."
        )
    _raise(errors)
    visit = Visit(
        study=study,
        establishment=establishment,
        kind=VisitKind.AUDIT if checks is not None else VisitKind.VISIT,
        checks=checks,
        investigator=investigator,
        visited_on=visited_on,
        from_time=from_time,
        to_time=to_time,
        persons=persons,
        minors=minors,
        under_16=under_16,
        borderline=borderline,
        notes=notes.strip() or None,
        recorded_by=actor,
    )
    visit.save()
    record(actor, Action.CREATE, [item(actor, study, "prevalence_visit", visit.pk)])
    return visit


def visit_to_audit(study: Study, establishment: Establishment, observer: User) -> Visit | None:
    """The visit an audit visit by ``observer`` to ``establishment`` repeats: the latest ordinary
    visit there by someone else."""
    return (
        Visit.objects.filter(study=study, establishment=establishment, kind=VisitKind.VISIT, voided_at__isnull=True)
        .exclude(investigator=observer)
        .order_by("-visited_on", "-from_time")
        .first()
    )


@transaction.atomic
def do_void_visit(visit: Visit, *, actor: User, reason: str) -> Visit:
    """Take a visit out of the estimate (entered wrongly, or twice), with the reason; its audit
    visits go with it. The row stays, so the correction is on record."""
    study = Study.objects.select_for_update().get(pk=visit.study_id)
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if not can_design(actor, study) and actor.pk not in (visit.investigator_id, visit.recorded_by_id):
        raise NotAllowed(_("Only whoever recorded a visit, or a research lead, voids it."))
    if visit.voided_at is not None:
        raise Conflict(_("This visit is already void."))
    reason = reason.strip()
    if not 5 <= len(reason) <= 500:
        raise ValidationError({"reason": _("Say why it is void (5 to 500 characters).")})
    now = timezone.now()
    voided = [visit, *Visit.objects.filter(checks=visit, voided_at__isnull=True)]
    for row in voided:
        row.voided_at, row.voided_by, row.void_reason = now, actor, reason
        row.save(update_fields=["voided_at", "voided_by", "void_reason"])
    record(actor, Action.UPDATE, [item(actor, study, "prevalence_visit", row.pk) for row in voided])
    return visit


def clusters(study: Study) -> list[est.Cluster]:
    """Each visited establishment in the sample with its visits' totals, summed by the database."""
    rows = (
        Visit.objects.filter(
            study=study,
            kind=VisitKind.VISIT,
            voided_at__isnull=True,
            establishment__selection__status=SelectionStatus.SELECTED,
        )
        .values("establishment_id", "establishment__stratum_id", "establishment__stratum__frame_size")
        .annotate(p=Sum("persons"), m=Sum("minors"), u=Sum("under_16"), b=Sum("borderline"))
        .order_by("establishment_id")
    )
    return [
        est.Cluster(
            r["establishment__stratum_id"], r["establishment__stratum__frame_size"], r["p"], r["m"], r["u"], r["b"]
        )
        for r in rows
    ]


def _agreement(study: Study) -> dict[str, Any]:
    pairs = [
        ((a.minors, a.under_16), (a.checks.minors, a.checks.under_16))
        for a in Visit.objects.filter(study=study, kind=VisitKind.AUDIT, voided_at__isnull=True).select_related(
            "checks"
        )
    ]
    agreed, total = est.agreement(pairs)
    return {"agreed": agreed, "pairs": total, "rate": agreed / total if total else None}


def _plain(value: Any) -> Any:
    return None if value is None else asdict(value)


def estimate_of(study: Study) -> dict[str, Any]:
    """The study's estimates (see :mod:`.estimate`); None where nobody was observed yet."""
    found = clusters(study)
    persons = sum(c.persons for c in found)
    minors = sum(c.minors for c in found)
    strata = {s.pk: s for s in study.strata.all()}
    visited = {c.stratum for c in found}
    return {
        "minors": _plain(est.ratio(found, "minors")),
        "under_16": _plain(est.ratio(found, "under_16")),
        "borderline": _plain(est.ratio(found, "borderline")),
        "unweighted": _plain(est.wilson(minors, persons)),
        "unweighted_under_16": _plain(est.wilson(sum(c.under_16 for c in found), persons)),
        "persons": persons,
        "minors_observed": minors,
        "under_16_observed": sum(c.under_16 for c in found),
        "borderline_observed": sum(c.borderline for c in found),
        "establishments": len(found),
        "agreement": _agreement(study),
        "lonely_strata": [str(strata[s]) for s in est.lonely_strata(found)],
        "strata_not_visited": [str(s) for pk, s in strata.items() if pk not in visited],
    }


def read_estimate(study: Study, *, actor: User, baseline: Study | None = None) -> dict[str, Any]:
    """The estimate, audited as a read of the study (and of the baseline, when one is given)."""
    result = estimate_of(study)
    items = [item(actor, study, "prevalence_estimate", study.pk)]
    if baseline is not None:
        items.append(item(actor, baseline, "prevalence_estimate", baseline.pk))
        base = estimate_of(baseline)["minors"]
        ours = result["minors"]
        result["baseline"] = {"id": str(baseline.pk), "title": baseline.title, "minors": base}
        result["change"] = (
            asdict(est.change(est.Ratio(**ours), est.Ratio(**base))) if ours is not None and base is not None else None
        )
    record(actor, Action.VIEW, items)
    return result

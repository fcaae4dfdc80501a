"""Writes of a proceeding's ends and of the defendants' custody: where each defendant is held
(police custody ends after 48 hours unless the prosecutor extends it, and is flagged when
exceeded), the judgment on each charge (only once the trial has reached its verdict; a sentence
only on a conviction), an appeal against it and its result, compensation ordered for a survivor
and what was paid. As :mod:`.actions`: one transaction, validated before anything is written,
audited as the lawyer's legal role."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casebridge.audit.models import Action
from casebridge.legal.actions import EARLIEST, _day, _lead, audited
from casebridge.legal.models import (
    JUDGED,
    POLICE_CUSTODY_HOURS,
    AppealResult,
    Charge,
    Closure,
    Compensation,
    Custody,
    CustodyStep,
    Defendant,
    Judgment,
    Payment,
    Proceeding,
    ProceedingCase,
    Stage,
    Verdict,
)
from casebridge.lib.errors import Conflict, checked_text, raise_errors

if TYPE_CHECKING:
    from casebridge.accounts.models import User
    from casebridge.cases.models import Case

# An extension of police custody longer than this from the arrest is refused as a mistake.
LONGEST_POLICE_CUSTODY = datetime.timedelta(days=7)


def _not_closed_early(proceeding: Proceeding) -> None:
    """Judgments, appeals and compensation go on after a proceeding closed on its judgment, not
    after one dismissed, settled or dropped."""
    if proceeding.closed_as and proceeding.closed_as not in (Closure.CONVICTED, Closure.ACQUITTED):
        raise Conflict(_("This proceeding is closed: nothing more is recorded in it."))


def _moment(errors: dict[str, Any], name: str, at: datetime.datetime | None, since: datetime.datetime | None) -> None:
    if at is None:
        errors[name] = _("This field is required.")
    elif at > timezone.now() + datetime.timedelta(minutes=5):
        errors[name] = _("A date in the future cannot be recorded: record it once it has happened.")
    elif timezone.localtime(at).date() < EARLIEST or (since is not None and at < since):
        errors[name] = _("Not before %(date)s.") % {
            "date": timezone.localtime(since).strftime("%Y-%m-%d %H:%M") if since else EARLIEST.isoformat()
        }


def charged(user: User, proceeding: Proceeding) -> tuple[list[Any], list[Any]]:
    """The proceeding's defendants and charges as the user reads them: each defendant with his
    ``shown_charges`` and his custody ``now``, each charge with its judgment (``decided``)."""
    defendants = list(
        Defendant.objects.visible_to(user)
        .filter(proceeding=proceeding)
        .prefetch_related("custody", "compensation__payments", "compensation__case")
    )
    charges = list(Charge.objects.visible_to(user).filter(proceeding=proceeding).select_related("code", "judgment"))
    for charge in charges:
        charge.decided = getattr(charge, "judgment", None)  # type: ignore[attr-defined]
    for defendant in defendants:
        defendant.shown_charges = [c for c in charges if c.defendant_id == defendant.pk]  # type: ignore[attr-defined]
        steps = list(defendant.custody.all())
        defendant.now = steps[-1] if steps else None  # type: ignore[attr-defined]
    return defendants, charges


def current_custody(defendant: Defendant) -> CustodyStep | None:
    return CustodyStep.objects.filter(defendant=defendant).order_by("-since", "-at").first()


@transaction.atomic
def do_custody(
    defendant: Defendant, *, actor: User, status: str, since: datetime.datetime, note: str = ""
) -> CustodyStep:
    """The defendant is held, or not, from ``since``: arrested into police custody (for 48
    hours), placed in pre-trial detention, bailed, at large or released."""
    proceeding = _lead(actor, defendant.proceeding)
    _not_closed_early(proceeding)
    errors: dict[str, Any] = {}
    if status not in Custody.values:
        errors["status"] = _("Choose one of the options.")
    last = current_custody(defendant)
    _moment(errors, "since", since, last.since if last is not None else None)
    if last is not None and status == last.status:
        errors["status"] = _("He is already so.")
    words = checked_text(errors, "note", note, 1000)
    raise_errors(errors)
    until = since + datetime.timedelta(hours=POLICE_CUSTODY_HOURS) if status == Custody.POLICE else None
    step = CustodyStep.objects.create(
        proceeding=proceeding,
        defendant=defendant,
        status=status,
        since=since,
        until=until,
        note=words or None,
        by=actor,
    )
    audited(actor, Action.CREATE, [step], "custody")
    return step


@transaction.atomic
def do_extend_custody(defendant: Defendant, *, actor: User, until: datetime.datetime, note: str = "") -> CustodyStep:
    """The prosecutor extended his police custody to ``until`` (the note says by whose
    authorisation)."""
    proceeding = _lead(actor, defendant.proceeding)
    _not_closed_early(proceeding)
    last = current_custody(defendant)
    if last is None or last.status != Custody.POLICE:
        raise Conflict(_("Only police custody is extended."))
    errors: dict[str, Any] = {}
    if until is None or last.until is None or until <= last.until:
        errors["until"] = _("Give a later end than the current one.")
    elif until > last.since + LONGEST_POLICE_CUSTODY:
        errors["until"] = _("At most seven days from the arrest.")
    words = checked_text(errors, "note", note, 1000, required=True)
    raise_errors(errors)
    step = CustodyStep.objects.create(
        proceeding=proceeding,
        defendant=defendant,
        status=Custody.POLICE,
        since=last.since,
        until=until,
        extended=True,
        note=words,
        by=actor,
    )
    audited(actor, Action.CREATE, [step], "custody")
    return step


@transaction.atomic
def do_judge(
    charge: Charge,
    *,
    actor: User,
    verdict: str,
    on: datetime.date,
    years: int | None = None,
    months: int | None = None,
    fine: int | None = None,
) -> Judgment:
    """The judgment on one charge, once the proceeding has reached its verdict: convicted (with
    its sentence) or acquitted (with none)."""
    proceeding = _lead(actor, charge.proceeding)
    _not_closed_early(proceeding)
    charge = Charge.objects.select_for_update().get(pk=charge.pk)
    if proceeding.stage not in JUDGED:
        raise Conflict(
            _("A judgment is recorded once the proceeding has reached its verdict (it is at the %(stage)s stage).")
            % {"stage": str(Stage(proceeding.stage).label).lower()}
        )
    if charge.dropped_on is not None:
        raise Conflict(_("This charge was dropped."))
    if Judgment.objects.filter(charge=charge).exists():
        raise Conflict(_("This charge has been judged already."))
    errors: dict[str, Any] = {}
    if verdict not in Verdict.values:
        errors["verdict"] = _("Choose one of the options.")
    _day(errors, "on", on, charge.filed_on)
    sentence = {"years": years, "months": months, "fine": fine}
    if verdict == Verdict.ACQUITTED:
        for name, value in sentence.items():
            if value:
                errors[name] = _("A sentence is recorded only on a conviction.")
    if years is not None and not 0 <= years <= 99:
        errors["years"] = _("From 0 to 99.")
    if months is not None and not 0 <= months <= 11:
        errors["months"] = _("From 0 to 11.")
    if fine is not None and fine < 0:
        errors["fine"] = _("Not below zero.")
    raise_errors(errors)
    convicted = verdict == Verdict.CONVICTED
    judgment = Judgment.objects.create(
        charge=charge,
        proceeding=proceeding,
        verdict=verdict,
        on=on,
        **{name: value if convicted else None for name, value in sentence.items()},
        recorded_by=actor,
    )
    audited(actor, Action.CREATE, [judgment], "judgment")
    return judgment


@transaction.atomic
def do_appeal(
    judgment: Judgment,
    *,
    actor: User,
    appealed_on: datetime.date | None = None,
    result: str = "",
    decided_on: datetime.date | None = None,
) -> Judgment:
    """An appeal filed against a judgment; later, its result."""
    proceeding = _lead(actor, judgment.proceeding)
    _not_closed_early(proceeding)
    judgment = Judgment.objects.select_for_update().get(pk=judgment.pk)
    errors: dict[str, Any] = {}
    if judgment.appeal_result:
        raise Conflict(_("The appeal against this judgment has been decided."))
    if judgment.appealed_on is None:
        _day(errors, "appealed_on", appealed_on, judgment.on)
    elif appealed_on is not None and appealed_on != judgment.appealed_on:
        errors["appealed_on"] = _("An appeal was filed already, on %(date)s.") % {
            "date": judgment.appealed_on.isoformat()
        }
    filed = judgment.appealed_on or appealed_on
    if result or decided_on is not None:
        if result not in AppealResult.values:
            errors["result"] = _("Choose one of the options.")
        _day(errors, "decided_on", decided_on, filed or judgment.on)
    raise_errors(errors)
    judgment.appealed_on = filed
    if result:
        judgment.appeal_result, judgment.appeal_decided_on = result, decided_on
    judgment.save()
    audited(actor, Action.UPDATE, [judgment], "judgment")
    return judgment


@transaction.atomic
def do_order_compensation(
    defendant: Defendant, *, actor: User, case: Case, amount: int, ordered_on: datetime.date
) -> Compensation:
    """Compensation a convicted defendant is ordered to pay a survivor of the proceeding."""
    proceeding = _lead(actor, defendant.proceeding)
    _not_closed_early(proceeding)
    errors: dict[str, Any] = {}
    convictions = Judgment.objects.filter(charge__defendant=defendant, verdict=Verdict.CONVICTED)
    first = convictions.order_by("on").values_list("on", flat=True).first()
    if first is None:
        raise Conflict(_("Compensation is ordered on a conviction: record the judgment first."))
    if not ProceedingCase.objects.filter(proceeding=proceeding, case=case).exists():
        errors["case"] = _("Choose a survivor whose case is linked to this proceeding.")
    if amount is None or amount <= 0:
        errors["amount"] = _("More than zero.")
    _day(errors, "ordered_on", ordered_on, first)
    raise_errors(errors)
    compensation = Compensation.objects.create(
        proceeding=proceeding, defendant=defendant, case=case, amount=amount, ordered_on=ordered_on, recorded_by=actor
    )
    audited(actor, Action.CREATE, [compensation], "compensation")
    return compensation


@transaction.atomic
def do_pay(compensation: Compensation, *, actor: User, amount: int, paid_on: datetime.date) -> Payment:
    """A payment of ordered compensation, up to what remains owed."""
    proceeding = _lead(actor, compensation.proceeding)
    compensation = Compensation.objects.select_for_update().get(pk=compensation.pk)
    errors: dict[str, Any] = {}
    owed = compensation.amount - sum(Payment.objects.filter(compensation=compensation).values_list("amount", flat=True))
    if amount is None or amount <= 0:
        errors["amount"] = _("More than zero.")
    elif amount > owed:
        errors["amount"] = _("At most what remains owed: %(owed)s riel.") % {"owed": f"{owed:,}"}
    _day(errors, "paid_on", paid_on, compensation.ordered_on)
    raise_errors(errors)
    payment = Payment.objects.create(
        proceeding=proceeding, compensation=compensation, amount=amount, paid_on=paid_on, recorded_by=actor
    )
    audited(actor, Action.CREATE, [payment], "payment")
    return payment

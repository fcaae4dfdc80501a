"""The legal pages: proceedings of the lawyer's agency (and those granted to them), one with its
cases, defendants, charges and stages, and the forms that write through :mod:`.actions`. Every
proceeding through ``get_visible`` (404 whether missing or out of reach); every read audited."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from casebridge.api.idempotency import submit_form
from casebridge.audit.models import Action
from casebridge.cases.models import Case
from casebridge.cases.sections import Section
from casebridge.legal import actions, calendar, forms
from casebridge.legal import evidence as chain
from casebridge.legal import judgment as rulings
from casebridge.legal.access import LEGAL_ROLES, get_visible, legal_agencies, practises
from casebridge.legal.actions import audited
from casebridge.legal.models import (
    TRANSITIONS,
    ChargeCode,
    Closure,
    Counsel,
    Hearing,
    Proceeding,
    ProceedingCase,
    Stage,
    StageStep,
)
from casebridge.lib.errors import ActionError, NotAllowed
from casebridge.lib.views import AuthedRequest, action_error_page, apply_errors


def _lawyer(request: AuthedRequest) -> None:
    if not practises(request.user):
        raise Http404


@login_required
def proceeding_list(request: AuthedRequest) -> HttpResponse:
    _lawyer(request)
    user = request.user
    found = list(Proceeding.objects.visible_to(user).select_related("lead_agency")[:200])
    audited(user, Action.LIST, found, "proceeding")
    return render(request, "legal/list.html", {"proceedings": found})


@login_required
def stage_durations(request: AuthedRequest) -> HttpResponse:
    """How long each stage takes across the proceedings the user's agencies lead (managers and
    lawyers): aggregates only."""
    from casebridge.audit.log import Item, record
    from casebridge.legal.measures import measured_agencies
    from casebridge.legal.measures import stage_durations as measure

    agencies = measured_agencies(request.user)
    if not agencies:
        raise Http404
    figures = measure(agencies)
    record(request.user, Action.VIEW, [Item("legal_stage_durations", ",".join(map(str, sorted(agencies))))])
    rows = [{**row, "label": Stage(row["stage"]).label} for row in figures["stages"]]
    closures = [{**row, "label": Closure(row["closed_as"]).label} for row in figures["closures"]]
    context = {"total": figures["proceedings"], "rows": rows, "closures": closures}
    return render(request, "legal/stages.html", context)


@login_required
def calendar_feed(request: AuthedRequest) -> HttpResponse:
    """The lawyer's hearings calendar: a new secret address (shown once), or revoke it."""
    _lawyer(request)
    if request.method == "POST":
        if request.POST.get("revoke"):
            calendar.revoke_feed(request.user)
            messages.success(request, _("The calendar address no longer works."))
            return redirect("legal:calendar")
        token = calendar.new_feed(request.user)
        url = request.build_absolute_uri(reverse("legal-calendar-feed", args=[token]))
        return render(request, "legal/calendar.html", {"url": url, "active": True})
    return render(request, "legal/calendar.html", {"active": calendar.has_feed(request.user)})


@login_required
def proceeding_new(request: AuthedRequest) -> HttpResponse:
    _lawyer(request)
    user = request.user
    form = forms.ProceedingForm(request.POST or None, agencies=sorted(legal_agencies(user)))

    def make(data: dict[str, Any]) -> Proceeding:
        numbers = {n.strip().upper() for n in data.pop("case_numbers").split(",") if n.strip()}
        cases = list(Case.objects.visible_to(user, Section.LEGAL).filter(number__in=numbers))
        if not numbers or len(cases) != len(numbers):
            raise ValidationError({"case_numbers": _("Give the numbers of cases whose legal section you reach.")})
        return actions.do_open_proceeding(actor=user, cases=cases, **data)

    if request.method == "POST" and form.is_valid():
        done = submit_form(
            request,
            form,
            "legal_proceeding",
            make,
            _("Proceeding opened."),
            reverse("legal:list"),
            after=lambda p: reverse("legal:detail", args=[p.pk]),
        )
        if done is not None:
            return done
    return render(request, "legal/new.html", {"form": form}, status=400 if form.errors else 200)


class Parts:
    """What a proceeding's page shows and its forms choose among: all read through each model's
    ``visible_to`` (the forms' choices are built from them, so a posted id the user does not reach
    is refused as an invalid choice)."""

    def __init__(self, user: Any, proceeding: Proceeding) -> None:
        from django.utils import timezone

        from casebridge.investigations.models import SeizedItem, Subject

        mine = {"proceeding": proceeding}
        self.defendants, self.charges = rulings.charged(user, proceeding)
        self.links = list(ProceedingCase.objects.visible_to(user).filter(**mine).select_related("case"))
        self.coming = list(
            Hearing.objects.visible_to(user).filter(**mine, cancelled_at__isnull=True, at__gt=timezone.now())
        )
        self.evidence = chain.register(user, proceeding)
        names = {d.pk: d.name for d in self.defendants}
        for charge in self.charges:
            charge.label = f"{names.get(charge.defendant_id, '')} · {charge.code}"
        self.held = [i for i in self.evidence if i.holder.pk == user.pk]
        self.awaiting = [i.pending for i in self.evidence if i.pending is not None and i.pending.receiver_id == user.pk]
        self.compensation = [c for d in self.defendants for c in d.compensation.all()]
        registered = {i.seized_id for i in self.evidence}
        self.seized = [
            s for s in SeizedItem.objects.visible_to(user).order_by("-recorded_at")[:100] if s.pk not in registered
        ]
        self.receivers = _receivers(proceeding, user)
        self.counsel = list(Counsel.objects.visible_to(user).in_force().filter(**mine).select_related("user"))
        linked = {d.subject_id for d in self.defendants}
        subjects = Subject.objects.visible_to(user).select_related("person").order_by("-created_at")[:100]
        self.subjects = [x for x in subjects if x.pk not in linked]


def _receivers(proceeding: Proceeding, user: Any) -> list[Any]:
    """Who an item may be handed to: the lead agency's lawyers and counsel granted it, in force."""
    from casebridge.accounts.models import User
    from casebridge.agencies.models import Membership

    lawyers = Membership.objects.in_force().filter(agency_id=proceeding.lead_agency_id, role__in=LEGAL_ROLES)
    counsel = Counsel.objects.visible_to(user).in_force().filter(proceeding=proceeding)
    ids = set(lawyers.values_list("user_id", flat=True)) | set(counsel.values_list("user_id", flat=True))
    return [u for u in User.objects.filter(pk__in=ids, is_active=True).order_by("username") if u.pk != user.pk]


def _forms(user: Any, proceeding: Proceeding, parts: Parts, data: Any = None) -> dict[str, Any]:
    from django.utils import timezone

    defendants = [(str(d.pk), d.name) for d in parts.defendants]
    cases = [(str(link.case_id), link.case.number) for link in parts.links]
    undecided = [(str(c.pk), c.label) for c in parts.charges if c.decided is None and c.dropped_on is None]
    appealable = [(str(c.pk), c.label) for c in parts.charges if c.decided is not None and not c.decided.appeal_result]
    owed = [
        (str(c.pk), f"{c.defendant.name} → {c.case.number}: {c.amount - c.paid():,}")
        for c in parts.compensation
        if c.paid() < c.amount
    ]
    return {
        "hearing": forms.HearingForm(data),
        "summon": forms.SummonForm(
            data,
            hearings=[(str(h.pk), f"{timezone.localtime(h.at):%Y-%m-%d %H:%M} · {h.court}") for h in parts.coming],
            cases=cases,
        ),
        "defendant": forms.DefendantForm(
            data, choices={"subject": [(str(x.pk), x.person.display_name()) for x in parts.subjects]}
        ),
        "counsel": forms.CounselForm(data),
        "revoke": forms.RevokeCounselForm(data, choices={"counsel": [(str(c.pk), str(c.pk)) for c in parts.counsel]}),
        "charge": forms.ChargeForm(data, defendants=defendants, articles=ChargeCode.objects.filter(active=True)),
        "stage": forms.StageForm(data, stages=sorted(TRANSITIONS.get(proceeding.stage, set()))),
        "close": forms.CloseForm(data),
        "custody": forms.CustodyForm(data, choices={"defendant": defendants}),
        "extend": forms.ExtendForm(
            data,
            choices={
                "defendant": [(str(d.pk), d.name) for d in parts.defendants if d.now and d.now.status == "police"]
            },
        ),
        "judgment": forms.JudgmentForm(data, choices={"charge": undecided}),
        "appeal": forms.AppealForm(data, choices={"charge": appealable}),
        "compensation": forms.CompensationForm(data, choices={"defendant": defendants, "case": cases}),
        "payment": forms.PaymentForm(data, choices={"compensation": owed}),
        "evidence": forms.EvidenceForm(
            data, choices={"seized": [(str(s.pk), f"{s.description} ({s.quantity})") for s in parts.seized]}
        ),
        "handoff": forms.HandoffForm(
            data,
            choices={
                "evidence": [(str(i.pk), f"{i.reference} · {i.description[:60]}") for i in parts.held],
                "receiver": [(str(u.pk), u.get_full_name() or u.username) for u in parts.receivers],
            },
        ),
        "confirm": forms.ConfirmForm(data, choices={"handoff": [(str(h.pk), str(h.pk)) for h in parts.awaiting]}),
    }


# Which forms the user may use: the lead agency's lawyers record; after a judgment, its appeal
# and compensation go on; whoever holds an item (or is to receive it) hands it on or confirms.
RECORDING = {"defendant", "charge", "stage", "close", "hearing", "summon", "custody", "extend", "evidence", "counsel"}
RECORDING |= {"revoke"}
JUDGING = {"judgment", "appeal", "compensation", "payment"}
HOLDING = {"handoff", "confirm"}
TOKENED = {"defendant", "charge", "hearing", "compensation", "payment", "evidence", "handoff", "counsel"}


def _usable(user: Any, proceeding: Proceeding) -> set[str]:
    usable = set(HOLDING)
    if proceeding.lead_agency_id in legal_agencies(user):
        if not proceeding.closed_as:
            usable |= RECORDING
        if proceeding.closed_as in ("", Closure.CONVICTED, Closure.ACQUITTED):
            usable |= JUDGING
    return usable


def _page(request: AuthedRequest, proceeding: Proceeding, bound: dict[str, Any], status: int = 200) -> HttpResponse:
    user = request.user
    parts = Parts(user, proceeding)
    steps = list(StageStep.objects.visible_to(user).filter(proceeding=proceeding))
    hearings = list(
        Hearing.objects.visible_to(user).filter(proceeding=proceeding).prefetch_related("attendances__case")
    )
    audited(user, Action.VIEW, [proceeding], "proceeding")
    for rows, kind in (
        (hearings, "hearing"),
        (parts.defendants, "defendant"),
        (parts.charges, "charge"),
        (parts.evidence, "evidence"),
        ([h for i in parts.evidence for h in i.chain], "handoff"),
    ):
        audited(user, Action.LIST, rows, kind)
    usable = _usable(user, proceeding)
    shown = {name: form for name, form in _forms(user, proceeding, parts).items() if name in usable}
    shown.update({k: v for k, v in bound.items() if k in usable})
    context = {
        "proceeding": proceeding,
        "parts": parts,
        "defendants": parts.defendants,
        "steps": steps,
        "hearings": hearings,
        "links": parts.links,
        "days": [(Stage(stage).label, n) for stage, n in actions.stage_days(proceeding, steps)],
        "forms": shown,
        "bundle_parts": [
            ("summary", _("The proceeding and its stages")),
            ("defendants", _("Defendants, charges and judgments")),
            ("evidence", _("Evidence and its chain of custody")),
            ("survivors", _("Survivors attending and their protective measures")),
        ],
    }
    return render(request, "legal/detail.html", context, status=status)


@login_required
def proceeding_detail(request: AuthedRequest, pk: UUID) -> HttpResponse:
    return _page(request, get_visible(request.user, Proceeding, pk), {})


def _write(name: str, user: Any, proceeding: Proceeding, parts: Parts, data: dict[str, Any]) -> Any:
    """The action a form of the page calls, its chosen records found among the page's."""

    def pick(rows: list[Any], key: str, attr: str = "pk") -> Any:
        chosen = data.pop(key)
        return next(row for row in rows if str(getattr(row, attr)) == chosen)

    if name == "defendant":
        chosen = data.pop("subject")
        subject = next((x for x in parts.subjects if str(x.pk) == chosen), None)
        return actions.do_add_defendant(proceeding, actor=user, subject=subject, **data)
    if name == "counsel":
        from casebridge.accounts.models import User

        lawyer = User.objects.filter(username=data.pop("user"), is_active=True).first()
        if lawyer is None:
            raise ValidationError({"user": _("Only a lawyer is granted a proceeding.")})
        return actions.do_grant_counsel(proceeding, actor=user, user=lawyer, **data)
    if name == "revoke":
        return actions.do_revoke_counsel(pick(parts.counsel, "counsel"), actor=user)
    if name == "charge":
        return actions.do_charge(proceeding, actor=user, defendant=pick(parts.defendants, "defendant"), **data)
    if name == "hearing":
        return actions.do_schedule_hearing(proceeding, actor=user, **data)
    if name == "summon":
        hearing, link = pick(parts.coming, "hearing"), pick(parts.links, "case", "case_id")
        return actions.do_summon(hearing, actor=user, case=link.case, **data)
    if name == "stage":
        return actions.do_move_stage(proceeding, actor=user, **data)
    if name == "close":
        return actions.do_close(proceeding, actor=user, **data)
    if name == "custody":
        return rulings.do_custody(pick(parts.defendants, "defendant"), actor=user, **data)
    if name == "extend":
        return rulings.do_extend_custody(pick(parts.defendants, "defendant"), actor=user, **data)
    if name == "judgment":
        return rulings.do_judge(pick(parts.charges, "charge"), actor=user, **data)
    if name == "appeal":
        return rulings.do_appeal(pick(parts.charges, "charge").decided, actor=user, **data)
    if name == "compensation":
        defendant, link = pick(parts.defendants, "defendant"), pick(parts.links, "case", "case_id")
        return rulings.do_order_compensation(defendant, actor=user, case=link.case, **data)
    if name == "payment":
        return rulings.do_pay(pick(parts.compensation, "compensation"), actor=user, **data)
    if name == "evidence":
        seized = data.pop("seized")
        found = next((s for s in parts.seized if str(s.pk) == seized), None)
        return chain.do_register(proceeding, actor=user, seized=found, **data)
    if name == "handoff":
        item, receiver = pick(parts.held, "evidence"), pick(parts.receivers, "receiver")
        return chain.do_hand_off(item, actor=user, receiver=receiver, **data)
    return chain.do_confirm(pick(parts.awaiting, "handoff"), actor=user)


@login_required
def proceeding_post(request: AuthedRequest, pk: UUID, name: str) -> HttpResponse:
    """One form of a proceeding's page; refused input comes back with its errors, nothing written."""
    user = request.user
    proceeding = get_visible(user, Proceeding, pk)
    if name not in RECORDING | JUDGING | HOLDING:
        raise Http404
    back = reverse("legal:detail", args=[proceeding.pk])
    if request.method != "POST":
        return redirect(back)
    if name not in _usable(user, proceeding):
        return action_error_page(request, NotAllowed(_("A proceeding is recorded by its lead agency's lawyers.")))
    parts = Parts(user, proceeding)
    form = _forms(user, proceeding, parts, request.POST)[name]
    if form.is_valid():

        def write(data: dict[str, Any]) -> Any:
            return _write(name, user, proceeding, parts, data)

        if name in TOKENED:
            done = submit_form(request, form, f"legal_{name}", write, _("Recorded."), back)
            if done is not None:
                return done
        else:
            try:
                write(dict(form.cleaned_data))
            except ValidationError as error:
                apply_errors(form, error)
            except ActionError as error:
                return action_error_page(request, error)
            else:
                messages.success(request, _("Recorded."))
                return redirect(back)
    return _page(request, proceeding, {name: form}, status=400)


@login_required
def testimony(request: AuthedRequest, case_id: UUID) -> HttpResponse:
    """Her testimony: whether her consent to take part is current, the sessions preparing her and
    her accompaniments to court (her readiness notes for the recording agency's staff only); for
    those who work on her care plan or her legal case. 404 for anyone else."""
    from django.utils import timezone

    from casebridge.audit.log import Item, record
    from casebridge.cases.access import case_access
    from casebridge.consents.ledger import has_consent
    from casebridge.consents.models import Purpose
    from casebridge.legal.models import Attendance, TestimonySession

    user = request.user
    case = (
        (Case.objects.visible_to(user, Section.CARE_PLAN) | Case.objects.visible_to(user, Section.LEGAL))
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise Http404
    access = case_access(user, case)
    section = Section.CARE_PLAN if access.can(Section.CARE_PLAN) else Section.LEGAL
    attended = list(
        Attendance.objects.visible_to(user)
        .filter(
            case=case, cancelled_at__isnull=True, hearing__cancelled_at__isnull=True, hearing__at__lte=timezone.now()
        )
        .select_related("hearing")
        .order_by("-hearing__at")
    )
    form = forms.SessionForm(
        request.POST or None,
        choices={
            "attendance": [
                (str(a.pk), f"{timezone.localtime(a.hearing.at):%Y-%m-%d %H:%M} · {a.hearing.court}") for a in attended
            ]
        },
    )
    back = reverse("testimony:page", args=[case.pk])
    if request.method == "POST" and form.is_valid():

        def make(data: dict[str, Any]) -> Any:
            chosen = data.pop("attendance")
            found = next((a for a in attended if str(a.pk) == chosen), None)
            return actions.do_record_session(case, actor=user, attendance=found, **data)

        done = submit_form(request, form, "legal_testimony", make, _("Recorded."), back)
        if done is not None:
            return done
    sessions = list(
        TestimonySession.objects.visible_to(user).filter(case=case).select_related("attendance__hearing", "agency")
    )
    actions.as_read(user, access, sessions)
    record(user, Action.LIST, [Item.on(access, "legal_testimony", s.pk, case.pk, [section]) for s in sessions])
    context = {
        "case": case,
        "sessions": sessions,
        "consent": has_consent(case.survivor, Purpose.TESTIMONY),
        "form": form if access.can_write_in(Section.CARE_PLAN) or access.can_write_in(Section.LEGAL) else None,
    }
    return render(request, "legal/testimony.html", context, status=400 if form.errors else 200)


@login_required
def hearing_bundle(request: AuthedRequest, pk: UUID, hearing_id: UUID) -> HttpResponse:
    """The court bundle for a hearing (the proceeding's lawyers): a PDF of the parts chosen."""
    from casebridge.legal import bundle

    user = request.user
    proceeding = get_visible(user, Proceeding, pk)
    hearing = Hearing.objects.visible_to(user).filter(proceeding=proceeding, pk=hearing_id).first()
    if hearing is None:
        raise Http404
    language = request.GET.get("language", "km")
    parts = request.GET.getlist("parts")
    if language not in bundle.LANGUAGES or not set(parts) <= set(bundle.PARTS):
        return action_error_page(request, ActionError(_("Choose the parts and the language of the bundle.")))
    response = HttpResponse(
        bundle.bundle_pdf(user, proceeding, hearing, parts, language), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{proceeding.reference}-bundle-{language}.pdf"'
    return response

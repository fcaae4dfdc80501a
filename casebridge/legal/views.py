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
from casebridge.legal import actions, forms
from casebridge.legal.access import get_visible, legal_agencies, practises
from casebridge.legal.actions import audited
from casebridge.legal.models import (
    TRANSITIONS,
    Charge,
    ChargeCode,
    Defendant,
    Hearing,
    Proceeding,
    ProceedingCase,
    Stage,
    StageStep,
)
from casebridge.lib.errors import ActionError
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


def _forms(user: Any, proceeding: Proceeding, defendants: list[Defendant], data: Any = None) -> dict[str, Any]:
    from django.utils import timezone

    coming = Hearing.objects.visible_to(user).filter(
        proceeding=proceeding, cancelled_at__isnull=True, at__gt=timezone.now()
    )
    links = ProceedingCase.objects.visible_to(user).filter(proceeding=proceeding).select_related("case")
    return {
        "hearing": forms.HearingForm(data),
        "summon": forms.SummonForm(
            data,
            hearings=[(str(h.pk), f"{timezone.localtime(h.at):%Y-%m-%d %H:%M} · {h.court}") for h in coming],
            cases=[(str(link.case_id), link.case.number) for link in links],
        ),
        "defendant": forms.DefendantForm(data),
        "charge": forms.ChargeForm(
            data,
            defendants=[(str(d.pk), d.name) for d in defendants],
            articles=ChargeCode.objects.filter(active=True),
        ),
        "stage": forms.StageForm(data, stages=sorted(TRANSITIONS.get(proceeding.stage, set()))),
        "close": forms.CloseForm(data),
    }


def _page(request: AuthedRequest, proceeding: Proceeding, bound: dict[str, Any], status: int = 200) -> HttpResponse:
    user = request.user
    defendants = list(Defendant.objects.visible_to(user).filter(proceeding=proceeding))
    charges = list(Charge.objects.visible_to(user).filter(proceeding=proceeding).select_related("code"))
    steps = list(StageStep.objects.visible_to(user).filter(proceeding=proceeding))
    hearings = list(
        Hearing.objects.visible_to(user).filter(proceeding=proceeding).prefetch_related("attendances__case")
    )
    audited(user, Action.LIST, hearings, "hearing")
    links = list(proceeding.cases.select_related("case"))
    audited(user, Action.VIEW, [proceeding], "proceeding")
    audited(user, Action.LIST, defendants, "defendant")
    audited(user, Action.LIST, charges, "charge")
    writable = proceeding.lead_agency_id in legal_agencies(user) and not proceeding.closed_as
    shown = _forms(user, proceeding, defendants) if writable else {}
    shown.update({k: v for k, v in bound.items() if writable})
    for defendant in defendants:
        defendant.shown_charges = [c for c in charges if c.defendant_id == defendant.pk]
    context = {
        "proceeding": proceeding,
        "defendants": defendants,
        "steps": steps,
        "hearings": hearings,
        "links": links,
        "days": [(Stage(stage).label, n) for stage, n in actions.stage_days(proceeding, steps)],
        "forms": shown,
    }
    return render(request, "legal/detail.html", context, status=status)


@login_required
def proceeding_detail(request: AuthedRequest, pk: UUID) -> HttpResponse:
    return _page(request, get_visible(request.user, Proceeding, pk), {})


@login_required
def proceeding_post(request: AuthedRequest, pk: UUID, name: str) -> HttpResponse:
    """One form of a proceeding's page; refused input comes back with its errors, nothing written."""
    user = request.user
    proceeding = get_visible(user, Proceeding, pk)
    if name not in ("defendant", "charge", "stage", "close", "hearing", "summon"):
        raise Http404
    back = reverse("legal:detail", args=[proceeding.pk])
    if request.method != "POST":
        return redirect(back)
    defendants = list(Defendant.objects.visible_to(user).filter(proceeding=proceeding))
    form = _forms(user, proceeding, defendants, request.POST)[name]
    if form.is_valid():

        def write(data: dict[str, Any]) -> Any:
            if name == "defendant":
                return actions.do_add_defendant(proceeding, actor=user, **data)
            if name == "hearing":
                return actions.do_schedule_hearing(proceeding, actor=user, **data)
            defendant = next(d for d in defendants if str(d.pk) == data.pop("defendant"))
            return actions.do_charge(proceeding, actor=user, defendant=defendant, **data)

        if name in ("defendant", "charge", "hearing"):
            done = submit_form(request, form, f"legal_{name}", write, _("Recorded."), back)
            if done is not None:
                return done
        else:
            try:
                if name == "summon":
                    data = dict(form.cleaned_data)
                    hearing = get_visible(user, Hearing, data.pop("hearing"))
                    link = (
                        ProceedingCase.objects.visible_to(user)
                        .filter(proceeding=proceeding, case_id=data.pop("case"))
                        .select_related("case")
                        .first()
                    )
                    if link is None or hearing.proceeding_id != proceeding.pk:
                        raise Http404
                    actions.do_summon(hearing, actor=user, case=link.case, **data)
                elif name == "stage":
                    actions.do_move_stage(proceeding, actor=user, **form.cleaned_data)
                else:
                    actions.do_close(proceeding, actor=user, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            except ActionError as error:
                return action_error_page(request, error)
            else:
                messages.success(request, _("Recorded."))
                return redirect(back)
    return _page(request, proceeding, {name: form}, status=400)

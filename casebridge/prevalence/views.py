"""Prevalence study pages: thin views over :mod:`.actions`, each study reached through
:func:`.access.get_study` (404 whether it is missing or out of reach)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casebridge.api.idempotency import FormSubmission
from casebridge.audit.log import record
from casebridge.audit.models import Action
from casebridge.lib.errors import ActionError
from casebridge.lib.views import AuthedRequest, action_error_page, already_sent, apply_errors, page_range
from casebridge.prevalence import actions
from casebridge.prevalence.access import can_design, get_study, lead_agencies, study_agencies
from casebridge.prevalence.forms import DrawForm, EstablishmentForm, ReplaceForm, StratumForm, StudyForm, VisitForm
from casebridge.prevalence.models import Establishment, Selection, SelectionStatus, Study, Visit, VisitKind

FRAME_PAGE = 50


def _reachable(request: AuthedRequest) -> None:
    if not study_agencies(request.user):
        raise Http404


@login_required
def study_list(request: AuthedRequest) -> HttpResponse:
    _reachable(request)
    studies = list(Study.objects.visible_to(request.user).select_related("agency"))
    record(request.user, Action.LIST, [actions.item(request.user, s, "prevalence_study", s.pk) for s in studies])
    return render(
        request, "prevalence/study_list.html", {"studies": studies, "can_open": bool(lead_agencies(request.user))}
    )


@login_required
def study_new(request: AuthedRequest) -> HttpResponse:
    agencies = lead_agencies(request.user)
    if not agencies:
        raise Http404
    form = StudyForm(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        once = FormSubmission(request, data.pop("submission"), "prevalence_study")
        if not once.claim():
            return already_sent(request, reverse("prevalence:list"))
        try:
            study = actions.do_create_study(actor=request.user, **data)
        except ValidationError as error:
            once.release()
            apply_errors(form, error)
        except ActionError as error:
            once.release()
            return action_error_page(request, error)
        else:
            once.done(study)
            messages.success(request, _("Study opened. Add its strata and its frame of establishments."))
            return redirect("prevalence:detail", study_id=study.pk)
    return render(request, "prevalence/study_new.html", {"form": form}, status=400 if form.errors else 200)


def _detail(request: AuthedRequest, study: Study, status: int = 200, **forms: Any) -> HttpResponse:
    user = request.user
    designer = can_design(user, study)
    others = Study.objects.visible_to(user).exclude(pk=study.pk)
    baseline = None
    wanted = request.GET.get("baseline")
    if wanted:
        try:
            baseline = others.filter(pk=UUID(wanted)).first()
        except ValueError:
            baseline = None
        if baseline is None:
            messages.error(request, _("Choose a baseline among the other studies you can see."))
    selections = list(
        Selection.objects.visible_to(user)
        .filter(study=study)
        .exclude(status=SelectionStatus.RESERVE)
        .select_related("stratum", "establishment", "replaces__establishment")
    )
    visits = list(Visit.objects.visible_to(user).filter(study=study).select_related("establishment", "investigator"))
    strata = list(study.strata.all())
    listed: dict[int, int] = {}
    for stratum_id in study.establishments.values_list("stratum_id", flat=True):
        listed[stratum_id] = listed.get(stratum_id, 0) + 1
    for stratum in strata:
        stratum.listed = listed.get(stratum.pk, 0)  # type: ignore[attr-defined]
    context = {
        "study": study,
        "designer": designer,
        "strata": strata,
        "selections": selections,
        "visits": visits,
        "estimate": actions.read_estimate(study, actor=user, baseline=baseline),
        "baseline": baseline,
        "others": others,
        "stratum_form": forms.get("stratum_form") or StratumForm(),
        "draw_form": forms.get("draw_form") or DrawForm(),
        "replace_error": forms.get("replace_error"),
    }
    record(user, Action.VIEW, [actions.item(user, study, "prevalence_study", study.pk)])
    return render(request, "prevalence/study_detail.html", context, status=status)


@login_required
def study_detail(request: AuthedRequest, study_id: UUID) -> HttpResponse:
    return _detail(request, get_study(request.user, study_id))


@login_required
@require_POST
def stratum_add(request: AuthedRequest, study_id: UUID) -> HttpResponse:
    study = get_study(request.user, study_id)
    form = StratumForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        once = FormSubmission(request, data.pop("submission"), "prevalence_stratum")
        if not once.claim():
            return already_sent(request, reverse("prevalence:detail", args=[study.pk]))
        try:
            stratum = actions.do_add_stratum(study, actor=request.user, **data)
        except ValidationError as error:
            once.release()
            apply_errors(form, error)
        except ActionError as error:
            once.release()
            return action_error_page(request, error)
        else:
            once.done(stratum)
            messages.success(request, _("Stratum added."))
            return redirect("prevalence:detail", study_id=study.pk)
    return _detail(request, study, 400, stratum_form=form)


@login_required
@require_POST
def draw(request: AuthedRequest, study_id: UUID) -> HttpResponse:
    study = get_study(request.user, study_id)
    form = DrawForm(request.POST)
    if form.is_valid():
        try:
            actions.do_draw_sample(study, actor=request.user, seed=form.cleaned_data["seed"])
        except ValidationError as error:
            apply_errors(form, error)
        except ActionError as error:
            return action_error_page(request, error)
        else:
            messages.success(request, _("Sample drawn."))
            return redirect("prevalence:detail", study_id=study.pk)
    return _detail(request, study, 400, draw_form=form)


@login_required
@require_POST
def replace(request: AuthedRequest, study_id: UUID) -> HttpResponse:
    study = get_study(request.user, study_id)
    form = ReplaceForm(request.POST)
    selection = None
    if form.is_valid():
        selection = (
            Selection.objects.visible_to(request.user).filter(study=study, pk=form.cleaned_data["selection"]).first()
        )
    if selection is None:
        return _detail(request, study, 400, replace_error=_("Give the reason, at least 5 characters."))
    try:
        reserve = actions.do_replace(selection, actor=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        return _detail(request, study, 400, replace_error=" ".join(error.messages))
    except ActionError as error:
        return action_error_page(request, error)
    messages.success(
        request,
        _("%(old)s replaced by %(new)s.") % {"old": selection.establishment.code, "new": reserve.establishment.code},
    )
    return redirect("prevalence:detail", study_id=study.pk)


@login_required
def frame(request: AuthedRequest, study_id: UUID) -> HttpResponse:
    """The frame's names and locations, a page at a time; each one shown is in the audit."""
    study = get_study(request.user, study_id)
    establishments = (
        Establishment.objects.visible_to(request.user).filter(study=study).select_related("stratum", "selection")
    )
    page = Paginator(establishments, FRAME_PAGE).get_page(request.GET.get("page"))
    form = EstablishmentForm(study=study)
    status = 200
    if request.method == "POST":
        form = EstablishmentForm(request.POST, study=study)
        if form.is_valid():
            data = form.cleaned_data
            once = FormSubmission(request, data.pop("submission"), "prevalence_establishment")
            if not once.claim():
                return already_sent(request, reverse("prevalence:frame", args=[study.pk]))
            try:
                establishment = actions.do_add_establishment(study, actor=request.user, **data)
            except ValidationError as error:
                once.release()
                apply_errors(form, error)
            except ActionError as error:
                once.release()
                return action_error_page(request, error)
            else:
                once.done(establishment)
                messages.success(request, _("Establishment %(code)s added.") % {"code": establishment.code})
                return redirect("prevalence:frame", study_id=study.pk)
        status = 400
    shown = list(page.object_list)
    record(
        request.user, Action.LIST, [actions.item(request.user, study, "prevalence_establishment", e.pk) for e in shown]
    )
    context = {
        "study": study,
        "page": page,
        "establishments": shown,
        "pages": page_range(page),
        "form": form,
        "designer": can_design(request.user, study) and not study.is_drawn,
    }
    return render(request, "prevalence/frame.html", context, status=status)


@login_required
def visit_new(request: AuthedRequest, study_id: UUID) -> HttpResponse:
    study = get_study(request.user, study_id)
    if not study.is_drawn:
        return action_error_page(
            request, ActionError(_("Draw the sample first: visits are made to the establishments drawn."))
        )
    sample = Establishment.objects.visible_to(request.user).filter(
        study=study, selection__status=SelectionStatus.SELECTED
    )
    checkable = (
        Visit.objects.visible_to(request.user)
        .filter(study=study, kind=VisitKind.VISIT)
        .exclude(investigator=request.user)
        .select_related("establishment")
    )
    form = VisitForm(request.POST or None, study=study, establishments=sample, visits=checkable)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        once = FormSubmission(request, data.pop("submission"), "prevalence_visit")
        if not once.claim():
            return already_sent(request, reverse("prevalence:detail", args=[study.pk]))
        try:
            visit = actions.do_record_visit(study, actor=request.user, **data)
        except ValidationError as error:
            once.release()
            apply_errors(form, error)
        except ActionError as error:
            once.release()
            return action_error_page(request, error)
        else:
            once.done(visit)
            messages.success(request, _("Visit recorded."))
            return redirect("prevalence:detail", study_id=study.pk)
    record(
        request.user, Action.LIST, [actions.item(request.user, study, "prevalence_establishment", e.pk) for e in sample]
    )
    return render(
        request, "prevalence/visit_new.html", {"study": study, "form": form}, status=400 if form.errors else 200
    )

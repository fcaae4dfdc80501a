"""Prevalence study pages: thin views over :mod:`.actions`, each study reached through
:func:`.access.get_study` (404 whether it is missing or out of reach). Each establishment name,
selection and visit shown is in the audit, a page at a time."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from casebridge.api.idempotency import submit_form
from casebridge.audit.log import record
from casebridge.audit.models import Action
from casebridge.lib.errors import ActionError, NotAllowed
from casebridge.lib.views import AuthedRequest, action_error_page, page_range
from casebridge.prevalence import actions
from casebridge.prevalence.access import (
    can_design,
    get_study,
    lead_agencies,
    sees_whole_frame,
    study_agencies,
    study_people,
)
from casebridge.prevalence.forms import EstablishmentForm, ReplaceForm, StratumForm, StudyForm, VisitForm, VoidForm
from casebridge.prevalence.models import Establishment, Selection, SelectionStatus, Study, Visit, VisitKind

PAGE = 50


def _audited_page(request: AuthedRequest, study: Study, rows: Any, kind: str) -> Any:
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    record(request.user, Action.LIST, [actions.item(request.user, study, kind, r.pk) for r in page.object_list])
    return page


@login_required
def study_list(request: AuthedRequest) -> HttpResponse:
    if not study_agencies(request.user):
        raise Http404
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
        done = submit_form(
            request,
            form,
            "prevalence_study",
            lambda data: actions.do_create_study(actor=request.user, **data),
            _("Study opened. Add its strata and its frame of establishments."),
            reverse("prevalence:list"),
            after=lambda study: reverse("prevalence:detail", args=[study.pk]),
        )
        if done is not None:
            return done
    return render(request, "prevalence/study_new.html", {"form": form}, status=400 if form.errors else 200)


def _detail(
    request: AuthedRequest, study: Study, status: int = 200, stratum_form: StratumForm | None = None
) -> HttpResponse:
    user = request.user
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
    strata = list(
        study.strata.annotate(
            listed=Count("establishments", distinct=True),
            sampled=Count("selections", filter=Q(selections__status=SelectionStatus.SELECTED), distinct=True),
            visited=Count(
                "establishments",
                filter=Q(
                    establishments__visits__kind=VisitKind.VISIT,
                    establishments__visits__voided_at__isnull=True,
                    establishments__selection__status=SelectionStatus.SELECTED,
                ),
                distinct=True,
            ),
        )
    )
    context = {
        "study": study,
        "designer": can_design(user, study),
        "strata": strata,
        "estimate": actions.read_estimate(study, actor=user, baseline=baseline),
        "baseline": baseline,
        "others": others,
        "stratum_form": stratum_form or StratumForm(),
    }
    record(user, Action.VIEW, [actions.item(user, study, "prevalence_study", study.pk)])
    return render(request, "prevalence/study_detail.html", context, status=status)


@login_required
def study_detail(request: AuthedRequest, study_id: UUID) -> HttpResponse:
    return _detail(request, get_study(request.user, study_id))


@login_required
def stratum_add(request: AuthedRequest, study_id: UUID) -> HttpResponse:
    study = get_study(request.user, study_id)
    if request.method != "POST":
        return redirect("prevalence:detail", study_id=study.pk)
    form = StratumForm(request.POST)
    if form.is_valid():
        back = reverse("prevalence:detail", args=[study.pk])
        done = submit_form(
            request,
            form,
            "prevalence_stratum",
            lambda data: actions.do_add_stratum(study, actor=request.user, **data),
            _("Stratum added."),
            back,
        )
        if done is not None:
            return done
    return _detail(request, study, 400, stratum_form=form)


@login_required
def frame(request: AuthedRequest, study_id: UUID) -> HttpResponse:
    """The whole frame's names and places, for the study's research leads."""
    study = get_study(request.user, study_id)
    if not sees_whole_frame(request.user, study):
        return action_error_page(
            request,
            NotAllowed(_("The whole frame is for the research leads; the sample page lists the places to visit.")),
        )
    form = EstablishmentForm(request.POST or None, study=study)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            done = submit_form(
                request,
                form,
                "prevalence_establishment",
                lambda data: actions.do_add_establishment(study, actor=request.user, **data),
                _("Establishment added."),
                reverse("prevalence:frame", args=[study.pk]),
            )
            if done is not None:
                return done
        status = 400
    rows = Establishment.objects.visible_to(request.user).filter(study=study).select_related("stratum", "selection")
    page = _audited_page(request, study, rows, "prevalence_establishment")
    context = {"study": study, "page": page, "pages": page_range(page), "form": form, "open": not study.is_drawn}
    return render(request, "prevalence/frame.html", context, status=status)


@login_required
def sample(request: AuthedRequest, study_id: UUID) -> HttpResponse:
    """GET: the establishments drawn (and those they replaced), with their names and places: where
    the investigators go. POST: a research lead draws the sample, from a random seed."""
    study = get_study(request.user, study_id)
    if request.method == "POST":
        try:
            actions.do_draw_sample(study, actor=request.user)
        except (ActionError, ValidationError) as error:
            message = error.message if isinstance(error, ActionError) else " ".join(error.messages)
            messages.error(request, message)
            return redirect("prevalence:detail", study_id=study.pk)
        messages.success(request, _("Sample drawn."))
        return redirect("prevalence:sample", study_id=study.pk)
    rows = (
        Selection.objects.visible_to(request.user)
        .filter(study=study)
        .exclude(status=SelectionStatus.RESERVE)
        .select_related("stratum", "establishment", "replaces__establishment")
        .annotate(visits=Count("establishment__visits", filter=Q(establishment__visits__voided_at__isnull=True)))
        .order_by("stratum", "rank")
    )
    page = _audited_page(request, study, rows, "prevalence_selection")
    context = {
        "study": study,
        "page": page,
        "pages": page_range(page),
        "designer": can_design(request.user, study),
        "replace_form": ReplaceForm(),
    }
    return render(request, "prevalence/sample.html", context)


@login_required
def replace(request: AuthedRequest, study_id: UUID) -> HttpResponse:
    study = get_study(request.user, study_id)
    if request.method != "POST":
        return redirect("prevalence:sample", study_id=study.pk)
    selection = None
    if "selection" in request.POST:
        try:
            selection = (
                Selection.objects.visible_to(request.user)
                .filter(study=study, pk=int(request.POST["selection"]))
                .first()
            )
        except ValueError:
            selection = None
    if selection is None:
        messages.error(request, _("Choose an establishment of this study's sample."))
        return redirect("prevalence:sample", study_id=study.pk)
    try:
        reserve = actions.do_replace(selection, actor=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except ActionError as error:
        return action_error_page(request, error)
    else:
        messages.success(
            request,
            _("%(old)s replaced by %(new)s.")
            % {"old": selection.establishment.code, "new": reserve.establishment.code},
        )
    return redirect("prevalence:sample", study_id=study.pk)


@login_required
def visits(request: AuthedRequest, study_id: UUID) -> HttpResponse:
    study = get_study(request.user, study_id)
    rows = (
        Visit.objects.visible_to(request.user)
        .filter(study=study)
        .select_related("establishment", "investigator", "checks")
        .order_by("-visited_on", "-from_time")
    )
    page = _audited_page(request, study, rows, "prevalence_visit")
    designer = can_design(request.user, study)
    for visit in page.object_list:
        visit.voidable = visit.voided_at is None and (  # type: ignore[attr-defined]
            designer or request.user.pk in (visit.investigator_id, visit.recorded_by_id)
        )
    context = {"study": study, "page": page, "pages": page_range(page), "void_form": VoidForm()}
    return render(request, "prevalence/visits.html", context)


@login_required
def visit_void(request: AuthedRequest, study_id: UUID, visit_id: UUID) -> HttpResponse:
    study = get_study(request.user, study_id)
    visit = Visit.objects.visible_to(request.user).filter(study=study, pk=visit_id).first()
    if visit is None:
        raise Http404
    if request.method != "POST":
        return redirect("prevalence:visits", study_id=study.pk)
    try:
        actions.do_void_visit(visit, actor=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except ActionError as error:
        return action_error_page(request, error)
    else:
        messages.success(request, _("Visit void: it no longer counts in the estimate."))
    return redirect("prevalence:visits", study_id=study.pk)


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
    people = study_people(study).exclude(pk=request.user.pk) if can_design(request.user, study) else None
    form = VisitForm(request.POST or None, establishments=sample, investigators=people)
    if request.method == "POST" and form.is_valid():

        def make(data: dict[str, Any]) -> Visit:
            observer = data.pop("investigator", None) or request.user
            checks = None
            if data.pop("audit"):
                checks = actions.visit_to_audit(study, data["establishment"], observer)
                if checks is None:
                    raise ValidationError(
                        {"audit": _("No visit by another observer to this establishment to repeat yet.")}
                    )
            return actions.do_record_visit(study, actor=request.user, investigator=observer, checks=checks, **data)

        done = submit_form(
            request,
            form,
            "prevalence_visit",
            make,
            _("Visit recorded."),
            reverse("prevalence:visit_new", args=[study.pk]),
        )
        if done is not None:
            return done
    return render(
        request, "prevalence/visit_new.html", {"study": study, "form": form}, status=400 if form.errors else 200
    )

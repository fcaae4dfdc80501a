"""Her care pages, one per area of her case: the care plan (goals by domain, services, reviews),
medical care, counselling, schooling and livelihood. Each answers 404 unless the reader reaches
the area's section; every row shown is audited; the forms post to :func:`care_post`, which calls
the actions in :mod:`.care`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casebridge.api.idempotency import submit_form
from casebridge.audit.log import record
from casebridge.audit.models import Action
from casebridge.cases.access import CaseAccess, case_access
from casebridge.cases.models import Case
from casebridge.cases.sections import Section
from casebridge.lib.errors import ActionError, Conflict
from casebridge.lib.views import AuthedRequest, action_error_page, apply_errors
from casebridge.restoration import care, forms
from casebridge.restoration.models import (
    CareDomain,
    CarePlan,
    CounsellingSession,
    Enrolment,
    Goal,
    Livelihood,
    MedicalRecord,
    Review,
    ServiceDelivery,
)

AREAS: dict[str, Section] = {
    "care-plan": Section.CARE_PLAN,
    "medical": Section.MEDICAL,
    "counselling": Section.COUNSELLING,
    "education": Section.CARE_PLAN,
}


def _found(user: Any, case_id: UUID, area: str) -> tuple[Case, CaseAccess]:
    if area not in AREAS:
        raise Http404
    case = Case.objects.visible_to(user, AREAS[area]).filter(pk=case_id).select_related("lead_agency").first()
    if case is None:
        raise Http404
    return case, case_access(user, case)


def _plan(case: Case, user: Any) -> CarePlan:
    plan = CarePlan.objects.visible_to(user).filter(case=case).first()
    if plan is None:
        raise Conflict(_("She has no care plan yet: make it first."))
    return plan


def _shown(access: CaseAccess, rows: list[Any]) -> list[Any]:
    """Each row's agency as the reader may name it (a partner they may not learn of: "a partner")."""
    for row in rows:
        known = access.sees_agency(row.agency_id)
        row.shown_agency = row.agency.local_name if known else _("a partner")
        row.shown_person = getattr(row, "person", "") if known else ""
    return rows


def _goal_choices(user: Any, plan: CarePlan) -> list[tuple[str, str]]:
    goals = Goal.objects.visible_to(user).filter(plan=plan)
    return [(str(g.pk), f"{g.get_domain_display()}: {g.text[:60]}") for g in goals]


def _form(name: str, case: Case, access: CaseAccess, user: Any, data: Any = None) -> django_forms.Form:
    """The form ``name`` of her care pages, with the choices this case and reader allow."""
    if name == "goal":
        return forms.GoalForm(data, agencies=care.responsible_agencies(case, access))
    if name == "service":
        plan = CarePlan.objects.visible_to(user).filter(case=case).first()
        return forms.ServiceForm(data, goals=_goal_choices(user, plan) if plan else [])
    return FORMS[name](data)


FORMS: dict[str, type[django_forms.Form]] = {
    "plan": forms.PlanForm,
    "goal_status": forms.GoalStatusForm,
    "review": forms.ReviewForm,
    "close": forms.ClosePlanForm,
    "medical": forms.MedicalForm,
    "session": forms.SessionForm,
    "enrolment": forms.EnrolmentForm,
    "enrolment_update": forms.EnrolmentUpdateForm,
    "livelihood": forms.LivelihoodForm,
}
# The forms of each page (the page renders only those its reader may use).
PAGE_FORMS = {
    "care-plan": ("plan", "goal", "goal_status", "service", "review", "close"),
    "medical": ("medical",),
    "counselling": ("session",),
    "education": ("enrolment", "enrolment_update", "livelihood"),
}


def _context(
    request: AuthedRequest, case: Case, access: CaseAccess, area: str, bound: dict[str, Any]
) -> dict[str, Any]:
    user = request.user
    writable = access.can_write_in(AREAS[area])
    today = timezone.localdate()
    shown: list[Any] = []
    context: dict[str, Any] = {"case": case, "access": access, "area": area, "writable": writable, "today": today}
    names = list(PAGE_FORMS[area]) if writable else []
    if area == "care-plan":
        plan = CarePlan.objects.visible_to(user).filter(case=case).first()
        context["plan"] = plan
        if plan is None:
            names = ["plan"] if writable and access.can_manage else []
        else:
            goals = _shown(access, list(Goal.objects.visible_to(user).filter(plan=plan).select_related("agency")))
            services = _shown(
                access,
                list(ServiceDelivery.objects.visible_to(user).filter(plan=plan).select_related("agency", "goal")),
            )
            reviews = list(Review.objects.visible_to(user).filter(plan=plan).select_related("recorded_by"))
            shown += [plan, *goals, *services, *reviews]
            by_domain = {domain: [g for g in goals if g.domain == domain] for domain in CareDomain}
            context.update(
                domains=[(domain.label, rows) for domain, rows in by_domain.items() if rows],
                goals=goals,
                services=services,
                reviews=reviews,
                overdue=plan.next_review_on is not None and plan.next_review_on < today,
            )
            names = [n for n in names if n != "plan" and (n != "close" or access.can_manage)]
            if plan.closed_at is not None:
                names = []
    elif area == "medical":
        context["rows"] = _shown(access, list(MedicalRecord.objects.visible_to(user).filter(case=case)))
        shown += context["rows"]
    elif area == "counselling":
        rows = _shown(access, list(CounsellingSession.objects.visible_to(user).filter(case=case)))
        for row in rows:
            row.readable_notes = row.notes if care.reads_notes(access, row) else None
        context["rows"] = rows
        shown += rows
    else:
        context["enrolments"] = list(Enrolment.objects.visible_to(user).filter(case=case))
        context["livelihood"] = list(Livelihood.objects.visible_to(user).filter(case=case))
        context["locates"] = care.locates(access)  # her school and work say where she is
        shown += context["enrolments"] + context["livelihood"]
    record(user, Action.LIST, [care.item(access, row) for row in shown])
    context["forms"] = {name: bound.get(name) or _form(name, case, access, user) for name in names}
    return context


TEMPLATES = {
    "care-plan": "restoration/care_plan.html",
    "medical": "restoration/medical.html",
    "counselling": "restoration/counselling.html",
    "education": "restoration/education.html",
}


@login_required
def care_page(request: AuthedRequest, case_id: UUID, area: str) -> HttpResponse:
    case, access = _found(request.user, case_id, area)
    return render(request, TEMPLATES[area], _context(request, case, access, area, {}))


def _one(model: Any, user: Any, case: Case, pk: Any) -> Any:
    found = model.objects.visible_to(user).filter(case=case, pk=pk).first()
    if found is None:
        raise Http404
    return found


def _service(case: Case, user: Any, data: dict[str, Any]) -> ServiceDelivery:
    goal_id = data.pop("goal", "")
    goal = _one(Goal, user, case, goal_id) if goal_id else None
    return care.do_record_service(_plan(case, user), actor=user, goal=goal, **data)


# What each form writes, and what the user is told.
WRITES: dict[str, tuple[Callable[[Case, Any, dict[str, Any]], Any], Any]] = {
    "plan": (lambda case, user, d: care.do_make_plan(case, actor=user, **d), gettext_lazy("Care plan made.")),
    "goal": (lambda case, user, d: care.do_add_goal(_plan(case, user), actor=user, **d), gettext_lazy("Goal added.")),
    "goal_status": (
        lambda case, user, d: care.do_set_goal_status(
            _one(Goal, user, case, d.pop("goal")), actor=user, status=d["status"]
        ),
        gettext_lazy("Goal updated."),
    ),
    "service": (_service, gettext_lazy("Service recorded.")),
    "review": (
        lambda case, user, d: care.do_review(_plan(case, user), actor=user, **d),
        gettext_lazy("Review recorded."),
    ),
    "close": (
        lambda case, user, d: care.do_close_plan(_plan(case, user), actor=user, **d),
        gettext_lazy("Care plan closed."),
    ),
    "medical": (lambda case, user, d: care.do_record_medical(case, actor=user, **d), gettext_lazy("Recorded.")),
    "session": (lambda case, user, d: care.do_record_session(case, actor=user, **d), gettext_lazy("Session recorded.")),
    "enrolment": (lambda case, user, d: care.do_enrol(case, actor=user, **d), gettext_lazy("Enrolment recorded.")),
    "enrolment_update": (
        lambda case, user, d: care.do_update_enrolment(
            _one(Enrolment, user, case, d.pop("enrolment")), actor=user, **d
        ),
        gettext_lazy("Enrolment updated."),
    ),
    "livelihood": (
        lambda case, user, d: care.do_record_livelihood(case, actor=user, **d),
        gettext_lazy("Month recorded."),
    ),
}


@login_required
def care_post(request: AuthedRequest, case_id: UUID, area: str, name: str) -> HttpResponse:
    """One form of a care page: a create with a one-time token (a second submit writes nothing),
    or a change; refused input comes back on the page with its errors, nothing written."""
    user = request.user
    case, access = _found(user, case_id, area)
    if name not in PAGE_FORMS[area]:
        raise Http404
    back = reverse("restoration:care", args=[case.pk, area])
    if request.method != "POST":
        return redirect(back)
    form = _form(name, case, access, user, request.POST)
    write, done = WRITES[name]
    if form.is_valid():
        if "submission" in form.fields:
            answer = submit_form(request, form, f"care_{name}", lambda d: write(case, user, d), str(done), back)
            if answer is not None:
                return answer
        else:
            try:
                write(case, user, dict(form.cleaned_data))
            except ValidationError as error:
                apply_errors(form, error)
            except ActionError as error:
                return action_error_page(request, error)
            else:
                messages.success(request, str(done))
                return redirect(back)
    return render(request, TEMPLATES[area], _context(request, case, access, area, {name: form}), status=400)

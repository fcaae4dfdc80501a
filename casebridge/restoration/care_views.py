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

from casebridge.agencies.models import Agency
from casebridge.api.idempotency import submit_form
from casebridge.audit.log import record
from casebridge.audit.models import Action
from casebridge.cases.access import CaseAccess, case_access
from casebridge.cases.models import Case
from casebridge.cases.sections import Section
from casebridge.lib.errors import ActionError, Conflict
from casebridge.lib.views import AuthedRequest, action_error_page, apply_errors
from casebridge.restoration import actions, care, forms
from casebridge.restoration.models import (
    CHECKLIST,
    STAGES,
    CareDomain,
    CarePlan,
    CounsellingSession,
    Enrolment,
    FollowUp,
    Goal,
    Livelihood,
    MedicalRecord,
    Outcome,
    Placement,
    Reintegration,
    ReintegrationCheck,
    ReintegrationStep,
    Review,
    ServiceDelivery,
    Stage,
    Transfer,
    TransferState,
)

AREAS: dict[str, Section] = {
    "care-plan": Section.CARE_PLAN,
    "medical": Section.MEDICAL,
    "counselling": Section.COUNSELLING,
    "education": Section.CARE_PLAN,
    "reintegration": Section.CARE_PLAN,
    "placements": Section.WHEREABOUTS,
    "transfer": Section.IDENTITY,
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
    if name == "check":
        found = Reintegration.objects.visible_to(user).filter(case=case).first()
        done = set(ReintegrationCheck.objects.visible_to(user).filter(case=case).values_list("item", flat=True))
        items = [(k, label) for k, label in CHECKLIST.get(found.stage, []) if k not in done] if found else []
        return forms.CheckForm(data, items=items)
    if name == "stage":
        found = Reintegration.objects.visible_to(user).filter(case=case).first()
        index = STAGES.index(Stage(found.stage)) if found else len(STAGES)
        following = STAGES[index + 1] if index + 1 < len(STAGES) else ""
        return forms.StageForm(data, initial={"stage": following})
    if name == "move":
        from casebridge.crisis.actions import takes_in

        places = [a.pk for a in Agency.objects.filter(is_active=True).order_by("name") if takes_in(a)]
        return forms.MoveForm(data, agencies=places)
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
    "start": forms.StartForm,
    "stage": forms.StageForm,
    "follow_up": forms.FollowUpForm,
    "outcome": forms.OutcomeForm,
    "transfer": forms.TransferForm,
    "transfer_answer": forms.TransferAnswerForm,
}
# The forms of each page (the page renders only those its reader may use).
PAGE_FORMS = {
    "care-plan": ("plan", "goal", "goal_status", "service", "review", "close"),
    "medical": ("medical",),
    "counselling": ("session",),
    "education": ("enrolment", "enrolment_update", "livelihood"),
    "reintegration": ("start", "check", "stage", "follow_up", "outcome"),
    "placements": ("move",),
    "transfer": ("transfer", "transfer_answer"),
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
    elif area == "reintegration":
        names = _reintegration_context(context, user, case, access, names, shown)
    elif area == "placements":
        placements = Placement.objects.visible_to(user).filter(case=case).select_related("agency")
        context["rows"] = [p for p in placements if access.sees_agency(p.agency_id)]
        shown += context["rows"]
        names = names if access.can_manage else []
    elif area == "transfer":
        transfers = list(Transfer.objects.visible_to(user).filter(case=case).select_related("from_agency", "to_agency"))
        # The receiving agency reads (and cannot write) while it decides: its answer is the action's.
        staff = {m.agency_id for m in user.active_memberships() if actions.takes_over(m.role)}
        proposed = next((t for t in transfers if t.state == TransferState.PROPOSED), None)
        context.update(
            transfers=transfers, proposed=proposed, answers=proposed is not None and proposed.to_agency_id in staff
        )
        shown += transfers
        names = [
            n
            for n in PAGE_FORMS[area]
            if (n == "transfer" and writable and access.can_manage and proposed is None)
            or (n == "transfer_answer" and proposed is not None and (access.can_manage or context["answers"]))
        ]
    else:
        context["enrolments"] = list(Enrolment.objects.visible_to(user).filter(case=case))
        context["livelihood"] = list(Livelihood.objects.visible_to(user).filter(case=case))
        context["locates"] = care.locates(access)  # her school and work say where she is
        shown += context["enrolments"] + context["livelihood"]
    record(user, Action.LIST, [care.item(access, row) for row in shown])
    context["forms"] = {name: bound.get(name) or _form(name, case, access, user) for name in names}
    return context


def _reintegration_context(
    context: dict[str, Any], user: Any, case: Case, access: CaseAccess, names: list[str], shown: list[Any]
) -> list[str]:
    """Her reintegration: stage, checklist, visits, scores; the forms the stage allows."""
    found = Reintegration.objects.visible_to(user).filter(case=case).first()
    context["reintegration"] = found
    if found is None:
        return ["start"] if "start" in names and access.can_manage else []
    checks = {c.item: c for c in ReintegrationCheck.objects.visible_to(user).filter(reintegration=found)}
    visits = list(FollowUp.objects.visible_to(user).filter(reintegration=found))
    outcomes = list(Outcome.objects.visible_to(user).filter(reintegration=found))
    steps = list(ReintegrationStep.objects.visible_to(user).filter(reintegration=found))
    shown += [found, *checks.values(), *visits, *outcomes, *steps]
    context["locates"] = care.locates(access)  # what was found at her home says where it is
    index = STAGES.index(Stage(found.stage))
    following = STAGES[index + 1] if index + 1 < len(STAGES) else None
    context.update(
        stages=[(stage, stage.label, i < index, i == index) for i, stage in enumerate(STAGES)],
        checklist=[(label, checks.get(key)) for key, label in CHECKLIST[found.stage]],
        visits=visits,
        outcomes=outcomes,
        steps=steps,
        following=following,
        missing=care.missing(found) if following else [],
    )
    if following is None:
        return []
    allowed = {"check", "follow_up", "outcome"} | ({"stage"} if access.can_manage else set())
    return [n for n in names if n in allowed]


TEMPLATES = {
    "care-plan": "restoration/care_plan.html",
    "medical": "restoration/medical.html",
    "counselling": "restoration/counselling.html",
    "education": "restoration/education.html",
    "reintegration": "restoration/reintegration.html",
    "placements": "restoration/placements.html",
    "transfer": "restoration/transfer.html",
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


def _reintegration(case: Case, user: Any) -> Reintegration:
    found = Reintegration.objects.visible_to(user).filter(case=case).first()
    if found is None:
        raise Conflict(_("Her reintegration has not begun."))
    return found


def _answer_transfer(case: Case, user: Any, data: dict[str, Any]) -> Transfer:
    transfer = Transfer.objects.visible_to(user).filter(case=case, pk=data["transfer"]).first()
    if transfer is None:
        raise Http404
    note = data.get("note", "")
    if data["move"] == "accept":
        return actions.do_accept_transfer(transfer, actor=user, note=note)
    if data["move"] == "decline":
        return actions.do_decline_transfer(transfer, actor=user, reason=note)
    return actions.do_withdraw_transfer(transfer, actor=user, reason=note)


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
    "start": (lambda case, user, d: care.do_start_reintegration(case, actor=user, **d), gettext_lazy("Begun.")),
    "check": (lambda case, user, d: care.do_check(_reintegration(case, user), actor=user, **d), gettext_lazy("Done.")),
    "stage": (
        lambda case, user, d: care.do_advance(_reintegration(case, user), actor=user, **d),
        gettext_lazy("She has moved on to the next stage."),
    ),
    "follow_up": (
        lambda case, user, d: care.do_follow_up(_one(FollowUp, user, case, d.pop("visit")), actor=user, **d),
        gettext_lazy("Visit recorded."),
    ),
    "outcome": (
        lambda case, user, d: care.do_score(_reintegration(case, user), actor=user, **d),
        gettext_lazy("Scored."),
    ),
    "move": (lambda case, user, d: actions.do_move(case, actor=user, **d), gettext_lazy("Her move is recorded.")),
    "transfer": (
        lambda case, user, d: actions.do_propose_transfer(case, actor=user, **d),
        gettext_lazy("Handover proposed: the agency is told."),
    ),
    "transfer_answer": (_answer_transfer, gettext_lazy("Answer recorded.")),
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

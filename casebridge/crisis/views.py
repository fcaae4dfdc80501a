"""Crisis-care pages: the supervisor's board (refreshed every 30 seconds), an episode with its
roster and gaps, and the forms that open, staff and close it. Thin views over :mod:`.actions`;
every episode through ``Episode.objects.visible_to`` (404 otherwise), every read audited."""

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
from django.utils.translation import gettext_lazy

from casebridge.accounts.models import User
from casebridge.api.idempotency import submit_form
from casebridge.audit.log import Item, record
from casebridge.audit.models import Action
from casebridge.cases.access import case_access
from casebridge.cases.models import Case
from casebridge.cases.sections import Section
from casebridge.crisis import actions, board, forms
from casebridge.crisis.access import works_in_crisis_care
from casebridge.crisis.api import get_episode
from casebridge.crisis.models import Assessment, CareItem, Episode, Incident, Interview, Shift
from casebridge.crisis.placement import suggest
from casebridge.lib.errors import ActionError
from casebridge.lib.views import AuthedRequest, action_error_page, apply_errors, form_errors_text
from casebridge.restoration.models import Placement


@login_required
def board_page(request: AuthedRequest) -> HttpResponse:
    """Every open crisis care the user reaches. With htmx, only the table (polled every 30 s)."""
    if not works_in_crisis_care(request.user):
        raise Http404
    found = board.rows(request.user)
    record(request.user, Action.LIST, [row.audit_item() for row in found])
    template = "crisis/_board.html" if request.htmx else "crisis/board.html"  # type: ignore[attr-defined]
    return render(request, template, {"rows": found})


@login_required
def episode_new(request: AuthedRequest) -> HttpResponse:
    if not works_in_crisis_care(request.user):
        raise Http404
    user = request.user
    form = forms.EpisodeForm(request.POST or None, initial={"case_number": request.GET.get("case", "")})

    def make(data: dict[str, Any]) -> Episode:
        number = data.pop("case_number").strip().upper()
        case = Case.objects.visible_to(user, Section.CRISIS_CARE).filter(number=number).first()
        if case is None:
            raise ValidationError(
                {"case_number": _("No case with this number among those whose crisis care you reach.")}
            )
        return actions.do_open_episode(case, actor=user, **data)

    if request.method == "POST" and form.is_valid():
        done = submit_form(
            request,
            form,
            "crisis_episode",
            make,
            _("Crisis care opened: build the roster."),
            reverse("crisis:board"),
            after=lambda episode: reverse("crisis:episode", args=[episode.pk]),
        )
        if done is not None:
            return done
    return render(request, "crisis/episode_new.html", {"form": form}, status=400 if form.errors else 200)


def _episode_context(request: AuthedRequest, episode: Episode, **bound: Any) -> dict[str, Any]:
    """The episode page: its row of the board (name, place and colleagues as the reader may learn
    them), the roster, what the workers on shift recorded, and the forms (``bound``: the one
    posted, with its errors); everything shown audited."""
    from django.utils import timezone

    user = request.user
    row = board.rows(user, episodes=Episode.objects.visible_to(user).filter(pk=episode.pk))[0]
    access = row.access
    shifts = list(Shift.objects.visible_to(user).filter(episode=episode).select_related("staff"))
    shown = {
        "incident": list(Incident.objects.visible_to(user).filter(episode=episode)),
        "assessment": list(Assessment.objects.visible_to(user).filter(episode=episode)),
        "care_item": list(CareItem.objects.visible_to(user).filter(episode=episode)),
        "interview": list(Interview.objects.visible_to(user).filter(episode=episode)),
    }
    placement = Placement.objects.visible_to(user).filter(episode=episode).select_related("agency").first()
    if placement is not None and not access.sees_agency(placement.agency_id):
        placement = None  # which partner serves her is need-to-know
    record(user, Action.VIEW, [row.audit_item(place=True)])
    record(user, Action.LIST, [actions.item(access, s, "shift", episode.case_id) for s in shifts])
    for kind, rows_ in shown.items():
        record(user, Action.LIST, [actions.item(access, r, kind, episode.case_id) for r in rows_])
    if placement is not None:
        record(user, Action.VIEW, [Item.on(access, "placement", placement.pk, episode.case_id, [Section.WHEREABOUTS])])
    writable = access.can_write_in(Section.CRISIS_CARE) and episode.ended_at is None
    people = actions.staff_for(episode.case, access) if writable else []
    choices = [(str(p.pk), board.person_label(access, _agency_of(p, access), p, "")) for p in people]
    # Only those who decide where she goes (her whereabouts) see the suggested partners.
    placing = writable and access.can_write_in(Section.WHEREABOUTS)
    suggestion = suggest(episode, user) if placing else None
    latest = shown["assessment"][0] if shown["assessment"] else None
    initial = {name: getattr(latest, name) or "" for name in actions.ASSESSED} if latest else {}
    if latest:
        initial.update(urgent_medical=latest.urgent_medical, family_risk=latest.family_risk)
    return {
        "episode": episode,
        "row": row,
        "shifts": [(s, board.shift_label(access, s)) for s in shifts],
        "writable": writable,
        "now": timezone.now(),
        "shift_form": bound.get("shift") or forms.ShiftForm(people=choices),
        "close_form": forms.CloseForm(suggested=suggestion.partners if suggestion else []),
        "suggestion": suggestion,
        "placing": placing,
        "placement": placement,
        "incident_form": bound.get("incident") or forms.IncidentForm(),
        "assessment_form": bound.get("assessment") or forms.AssessmentForm(initial=initial),
        "care_form": bound.get("care") or forms.CareItemForm(),
        "interview_form": bound.get("interview") or forms.InterviewForm(),
        "guardian_form": bound.get("guardian") or forms.GuardianForm(),
        "incidents": shown["incident"],
        "assessment": latest,
        "earlier_assessments": shown["assessment"][1:],
        "care_items": shown["care_item"],
        "interviews": shown["interview"],
    }


def _agency_of(person: User, access: Any) -> int:
    """The agency a colleague offered for the roster is shown as: the reader's own where they
    share one, else the lead agency (the only others a partner's list holds)."""
    mine = {m.agency_id for m in person.active_memberships()}
    shared = mine & set(access.agency_ids)
    return next(iter(shared)) if shared else access.lead_agency_id


@login_required
def episode(request: AuthedRequest, pk: UUID) -> HttpResponse:
    found = get_episode(request.user, pk)
    return render(request, "crisis/episode.html", _episode_context(request, found))


@login_required
def shift_add(request: AuthedRequest, pk: UUID) -> HttpResponse:
    user = request.user
    found = get_episode(user, pk)
    if request.method != "POST":
        return redirect("crisis:episode", pk=found.pk)
    people = actions.staff_for(found.case, case_access(user, found.case))
    form = forms.ShiftForm(request.POST, people=[(str(p.pk), p.username) for p in people])
    if form.is_valid():
        data = dict(form.cleaned_data)
        chosen = data.pop("staff")
        staff = next(p for p in people if str(p.pk) == chosen)
        try:
            actions.do_add_shift(found, actor=user, staff=staff, **data)
        except ValidationError as error:
            apply_errors(form, error)
        except ActionError as error:
            return action_error_page(request, error)
        else:
            messages.success(request, _("Shift added."))
            return redirect("crisis:episode", pk=found.pk)
    return render(request, "crisis/episode.html", _episode_context(request, found, shift=form), status=400)


@login_required
def shift_cancel(request: AuthedRequest, pk: UUID, shift_id: UUID) -> HttpResponse:
    found = get_episode(request.user, pk)
    shift = Shift.objects.visible_to(request.user).filter(episode=found, pk=shift_id).first()
    if shift is None:
        raise Http404
    if request.method == "POST":
        try:
            actions.do_cancel_shift(shift, actor=request.user)
        except ActionError as error:
            return action_error_page(request, error)
        messages.success(request, _("Shift cancelled."))
    return redirect("crisis:episode", pk=found.pk)


@login_required
def episode_close(request: AuthedRequest, pk: UUID) -> HttpResponse:
    found = get_episode(request.user, pk)
    if request.method != "POST":
        return redirect("crisis:episode", pk=found.pk)
    form = forms.CloseForm(request.POST, suggested=[])
    if form.is_valid():
        try:
            actions.do_close_episode(found, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except ActionError as error:
            return action_error_page(request, error)
        else:
            messages.success(request, _("Crisis care closed."))
    else:
        messages.error(request, form_errors_text(form))
    return redirect("crisis:episode", pk=found.pk)


@login_required
def incident(request: AuthedRequest, pk: UUID) -> HttpResponse:
    """Report a safeguard broken: alerted at once."""
    found = get_episode(request.user, pk)
    if request.method != "POST":
        return redirect("crisis:episode", pk=found.pk)
    form = forms.IncidentForm(request.POST)
    if form.is_valid():
        try:
            actions.do_report_incident(found, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        except ActionError as error:
            return action_error_page(request, error)
        else:
            messages.success(request, _("Incident reported: the supervisor and the privacy officer are alerted."))
            return redirect("crisis:episode", pk=found.pk)
    return render(request, "crisis/episode.html", _episode_context(request, found, incident=form), status=400)


# What the worker on shift records, by the form's prefix: the form, the action, the message.
RECORDS: dict[str, tuple[Any, Any, Any]] = {
    "assessment": (forms.AssessmentForm, actions.do_assess, gettext_lazy("Needs assessment recorded.")),
    "care": (forms.CareItemForm, actions.do_hand_item, gettext_lazy("Care package item recorded.")),
    "interview": (forms.InterviewForm, actions.do_record_interview, gettext_lazy("Interview recorded.")),
    "guardian": (forms.GuardianForm, actions.do_guardian_decision, gettext_lazy("Decision recorded.")),
}


@login_required
def record_add(request: AuthedRequest, pk: UUID, kind: str) -> HttpResponse:
    """Record a needs assessment, a care-package item, an interview or the guardian decision."""
    found = get_episode(request.user, pk)
    if kind not in RECORDS:
        raise Http404
    if request.method != "POST":
        return redirect("crisis:episode", pk=found.pk)
    form_class, write, done = RECORDS[kind]
    form = form_class(request.POST)
    if form.is_valid():
        try:
            write(found, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        except ActionError as error:
            return action_error_page(request, error)
        else:
            messages.success(request, str(done))
            return redirect("crisis:episode", pk=found.pk)
    return render(request, "crisis/episode.html", _episode_context(request, found, **{kind: form}), status=400)


@login_required
def handover(request: AuthedRequest, pk: UUID) -> HttpResponse:
    """The handover summary (PDF) for the centre that takes her in."""
    from casebridge.crisis.handover import handover_pdf

    found = get_episode(request.user, pk)
    try:
        pdf = handover_pdf(request.user, found)
    except ActionError as error:
        return action_error_page(request, error)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="handover-{found.case.number}.pdf"'
    return response

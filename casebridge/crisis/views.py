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

from casebridge.accounts.models import User
from casebridge.api.idempotency import submit_form
from casebridge.audit.log import record
from casebridge.audit.models import Action
from casebridge.cases.access import case_access
from casebridge.cases.models import Case
from casebridge.cases.sections import Section
from casebridge.crisis import actions, board, forms
from casebridge.crisis.access import works_in_crisis_care
from casebridge.crisis.api import get_episode
from casebridge.crisis.models import Episode, Incident, Shift
from casebridge.lib.errors import ActionError
from casebridge.lib.views import AuthedRequest, action_error_page, form_errors_text


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


def _episode_context(
    request: AuthedRequest, episode: Episode, shift_form: Any = None, incident_form: Any = None
) -> dict[str, Any]:
    """The episode page: its row of the board (name, place and colleagues as the reader may learn
    them), the roster, and the forms; everything shown audited."""
    from django.utils import timezone

    user = request.user
    row = board.rows(user, episodes=Episode.objects.visible_to(user).filter(pk=episode.pk))[0]
    access = row.access
    shifts = list(Shift.objects.visible_to(user).filter(episode=episode).select_related("staff"))
    record(user, Action.VIEW, [row.audit_item(place=True)])
    record(user, Action.LIST, [actions.item(access, s, "shift", episode.case_id) for s in shifts])
    incidents = list(Incident.objects.visible_to(user).filter(episode=episode))
    record(user, Action.LIST, [actions.item(access, i, "incident", episode.case_id) for i in incidents])
    writable = access.can_write_in(Section.CRISIS_CARE) and episode.ended_at is None
    people = actions.staff_for(episode.case, access) if writable else []
    choices = [(str(p.pk), board.person_label(access, _agency_of(p, access), p, "")) for p in people]
    return {
        "episode": episode,
        "row": row,
        "shifts": [(s, board.shift_label(access, s)) for s in shifts],
        "writable": writable,
        "now": timezone.now(),
        "shift_form": shift_form or forms.ShiftForm(people=choices),
        "close_form": forms.CloseForm(),
        "incident_form": incident_form or forms.IncidentForm(),
        "incidents": incidents,
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
            from casebridge.lib.views import apply_errors

            apply_errors(form, error)
        except ActionError as error:
            return action_error_page(request, error)
        else:
            messages.success(request, _("Shift added."))
            return redirect("crisis:episode", pk=found.pk)
    return render(request, "crisis/episode.html", _episode_context(request, found, form), status=400)


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
    form = forms.CloseForm(request.POST)
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
            from casebridge.lib.views import apply_errors

            apply_errors(form, error)
        except ActionError as error:
            return action_error_page(request, error)
        else:
            messages.success(request, _("Incident reported: the supervisor and the privacy officer are alerted."))
            return redirect("crisis:episode", pk=found.pk)
    return render(request, "crisis/episode.html", _episode_context(request, found, incident_form=form), status=400)

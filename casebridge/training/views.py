"""Training pages: thin views over :mod:`.actions`, each event reached through
:func:`.access.get_event` (404 whether it is missing or out of reach)."""

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
from casebridge.audit.log import record
from casebridge.audit.models import Action
from casebridge.lib.errors import ActionError, NotAllowed
from casebridge.lib.views import AuthedRequest, action_error_page
from casebridge.training import actions, spreadsheet
from casebridge.training.access import can_record, get_event, trainer_agencies, training_agencies
from casebridge.training.certificate import certificate_pdf
from casebridge.training.figures import figures
from casebridge.training.forms import EventForm, ImportForm, ParticipantForm, PeriodForm
from casebridge.training.models import Participant, TrainingEvent

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def in_period(events: Any, form: PeriodForm) -> Any:
    if form.is_bound and not form.is_valid():
        return events.none()  # a period that makes no sense shows nothing, not everything
    if form.is_valid():
        if form.cleaned_data.get("starts"):
            events = events.filter(ends_on__gte=form.cleaned_data["starts"])
        if form.cleaned_data.get("ends"):
            events = events.filter(starts_on__lte=form.cleaned_data["ends"])
    return events


@login_required
def event_list(request: AuthedRequest) -> HttpResponse:
    if not training_agencies(request.user):
        raise Http404
    period = PeriodForm(request.GET or None)
    events = in_period(TrainingEvent.objects.visible_to(request.user), period)
    shown = list(events.select_related("agency").prefetch_related("topics"))
    record(request.user, Action.LIST, [actions.item(request.user, e, "training_event", e.pk) for e in shown])
    context = {
        "events": shown,
        "period": period,
        "figures": figures(request.user, events),
        "can_record": bool(trainer_agencies(request.user)),
    }
    return render(request, "training/event_list.html", context, status=400 if period.errors else 200)


@login_required
def event_new(request: AuthedRequest) -> HttpResponse:
    agencies = trainer_agencies(request.user)
    if not agencies:
        raise Http404
    form = EventForm(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        done = submit_form(
            request,
            form,
            "training_event",
            lambda data: actions.do_create_event(actor=request.user, **data),
            _("Training recorded. Add its participants."),
            reverse("training:list"),
            after=lambda event: reverse("training:detail", args=[event.pk]),
        )
        if done is not None:
            return done
    return render(request, "training/event_new.html", {"form": form}, status=400 if form.errors else 200)


def _detail(request: AuthedRequest, event: TrainingEvent, status: int = 200, **forms: Any) -> HttpResponse:
    user = request.user
    participants = list(event.participants.select_related("agency"))
    typed = forms.get("typed") or {}
    for p in participants:  # what was typed, when the scores are shown again with an error
        shown = actions.as_shown(p)
        p.shown = "|".join(("1" if shown[0] else "0", shown[1], shown[2]))  # type: ignore[attr-defined]
        p.typed = typed.get(p.pk, shown)  # type: ignore[attr-defined]
    record(
        user,
        Action.LIST,
        [actions.item(user, event, "training_event", event.pk)]
        + [actions.item(user, event, "training_participant", p.pk) for p in participants],
    )
    context = {
        "event": event,
        "participants": participants,
        "recorder": can_record(user, event),
        "figures": figures(user, TrainingEvent.objects.visible_to(user).filter(pk=event.pk)),
        "participant_form": forms.get("participant_form") or ParticipantForm(),
        "import_form": forms.get("import_form") or ImportForm(),
        "score_errors": forms.get("score_errors", []),
        "adding": request.GET.get("adding") == "1" or "participant_form" in forms,
    }
    return render(request, "training/event_detail.html", context, status=status)


@login_required
def event_detail(request: AuthedRequest, event_id: UUID) -> HttpResponse:
    return _detail(request, get_event(request.user, event_id))


@login_required
def participant_add(request: AuthedRequest, event_id: UUID) -> HttpResponse:
    event = get_event(request.user, event_id)
    if request.method != "POST":
        return redirect("training:detail", event_id=event.pk)
    form = ParticipantForm(request.POST)
    if form.is_valid():
        done = submit_form(
            request,
            form,
            "training_participant",
            lambda data: actions.do_add_participants(
                event, actor=request.user, rows=[actions.ParticipantData(**data)]
            ).pop(),
            _("Participant added."),
            reverse("training:detail", args=[event.pk]) + "?adding=1#add-participant",
        )
        if done is not None:
            return done
    return _detail(request, event, 400, participant_form=form)


@login_required
def participants_import(request: AuthedRequest, event_id: UUID) -> HttpResponse:
    """GET: the empty list to fill in (.xlsx). POST: the filled list, all rows or none."""
    event = get_event(request.user, event_id)
    if not can_record(request.user, event):
        return action_error_page(request, NotAllowed(_("Only the organising agency's trainers record its training.")))
    if request.method != "POST":
        response = HttpResponse(spreadsheet.template(), content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="participants.xlsx"'
        return response
    form = ImportForm(request.POST, request.FILES)
    if form.is_valid() and form.cleaned_data["file"].size > spreadsheet.MAX_BYTES:
        form.add_error("file", _("The file is larger than 2 MB."))  # before reading it into memory
    if form.is_valid():
        added: list[Participant] = []

        def make(data: dict[str, Any]) -> TrainingEvent:
            added.extend(
                actions.do_add_participants(event, actor=request.user, rows=spreadsheet.read(data["file"].read()))
            )
            return event

        done = submit_form(
            request,
            form,
            "training_import",
            make,
            lambda _event: _("%(count)s participants added.") % {"count": len(added)},
            reverse("training:detail", args=[event.pk]),
        )
        if done is not None:
            return done
    return _detail(request, event, 400, import_form=form)


@login_required
def scores(request: AuthedRequest, event_id: UUID) -> HttpResponse:
    """Attendance and scores of every participant, sent at once from the event page."""
    event = get_event(request.user, event_id)
    if request.method != "POST":
        return redirect("training:detail", event_id=event.pk)
    rows = []
    for p in event.participants.all():
        if f"shown-{p.pk}" not in request.POST:
            continue
        was = request.POST[f"shown-{p.pk}"].split("|")
        shown = (was[0] == "1", was[1], was[2]) if len(was) == 3 else None
        rows.append(
            actions.ScoreRow(
                participant=p,
                attended=request.POST.get(f"attended-{p.pk}") == "on",
                pre_score=request.POST.get(f"pre-{p.pk}", "").strip(),
                post_score=request.POST.get(f"post-{p.pk}", "").strip(),
                shown=shown,
            )
        )
    try:
        changed = actions.do_record_scores(event, actor=request.user, rows=rows)
    except ValidationError as error:
        typed = {r.participant.pk: (r.attended, str(r.pre_score), str(r.post_score)) for r in rows}
        return _detail(request, event, 400, score_errors=error.messages, typed=typed)
    except ActionError as error:
        return action_error_page(request, error)
    messages.success(request, _("Attendance and scores saved (%(count)s changed).") % {"count": len(changed)})
    return redirect("training:detail", event_id=event.pk)


@login_required
def certificate(request: AuthedRequest, event_id: UUID, participant_id: UUID) -> HttpResponse:
    event = get_event(request.user, event_id)
    participant = Participant.objects.visible_to(request.user).filter(event=event, pk=participant_id).first()
    if participant is None:
        raise Http404
    if not participant.attended:
        return action_error_page(request, ActionError(_("A certificate is for a participant who attended.")))
    record(request.user, Action.DOWNLOAD, [actions.item(request.user, event, "training_certificate", participant.pk)])
    response = HttpResponse(certificate_pdf(participant), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{participant.number:04d}.pdf"'
    return response


@login_required
def participant_remove(request: AuthedRequest, event_id: UUID, participant_id: UUID) -> HttpResponse:
    event = get_event(request.user, event_id)
    participant = Participant.objects.visible_to(request.user).filter(event=event, pk=participant_id).first()
    if participant is None:
        raise Http404
    if request.method != "POST":
        return redirect("training:detail", event_id=event.pk)
    try:
        actions.do_remove_participant(participant, actor=request.user)
    except ActionError as error:
        return action_error_page(request, error)
    messages.success(request, _("Participant %(number)s removed.") % {"number": participant.number})
    return redirect("training:detail", event_id=event.pk)

"""Case pages: my cases, intake, the case with its timeline, notes, status and team."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, cast
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casebridge.agencies.models import Role
from casebridge.api.idempotency import FormSubmission
from casebridge.audit.log import Item, record
from casebridge.audit.models import Action
from casebridge.cases import actions
from casebridge.cases.access import (
    CaseAccess,
    ReachableCases,
    can_hold_content,
    case_accesses,
    get_case,
    timeline_page,
    visible_team,
)
from casebridge.cases.contacts import received_requests, sent_requests
from casebridge.cases.forms import (
    COMMON_NATIONALITIES,
    CaseFilterForm,
    CaseWorkerForm,
    CorrectionForm,
    IdentityCorrectionForm,
    IntakeForm,
    NoteForm,
    ParticipantForm,
    PossibleMatchForm,
    StatusForm,
    TeamForm,
)
from casebridge.cases.models import (
    CLOSED_STATUSES,
    Case,
    CaseParticipant,
    CaseStatus,
    ClosureReason,
    ContactAnswer,
    EventKind,
    TeamMember,
    TimelineEvent,
)
from casebridge.cases.panels import panels_for
from casebridge.cases.sections import Section
from casebridge.consents.models import ConsentRecord
from casebridge.lib.codes import country_name
from casebridge.lib.errors import ActionError, NotAllowed
from casebridge.lib.views import AuthedRequest, action_error_page, already_sent, apply_errors, page_range
from casebridge.notifications.due import due_for
from casebridge.notifications.models import Notification
from casebridge.people.actions import clean_identity

PAGE_SIZE = 25


def get_case_for_user(request: AuthedRequest, case_id: UUID) -> tuple[Case, CaseAccess]:
    """The case if the user reaches it; 404 otherwise, the same as a case that does not exist."""
    try:
        return get_case(request.user, case_id)
    except Case.DoesNotExist:
        raise Http404 from None


def _writable(access: CaseAccess) -> list[Section]:
    return [s for s in access.sections_list() if access.can_write_in(s)]


def _note_form(access: CaseAccess, data: Any = None) -> NoteForm:
    return NoteForm(data, sections=_writable(access), role=access.acting_role)


def show_authors(events: Iterable[TimelineEvent], access: CaseAccess) -> list[TimelineEvent]:
    """Mark each entry with whether the reader may see who wrote it: outside the lead agency,
    an entry by another partner agency shows its author's role, not the agency or the person."""
    shown = list(events)
    for event in shown:
        event.author_shown = access.sees_author(event)  # type: ignore[attr-defined]
    return shown


# What each role without case content does here, for its home page.
ROLE_HOMES: dict[str, str] = {
    Role.PROGRAMME_MANAGER: "manager",
    Role.TRAINER: "trainer",
    Role.ADMINISTRATOR: "administrator",
    Role.PRIVACY_OFFICER: "privacy_officer",
}
MY_CASES_ON_HOME = 25


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """My work: my open cases first, then what is due and what is new for me; for a role without
    case content, what the role does here."""
    user = request.user
    mine: list[Case] = list(
        Case.objects.visible_to(user)
        .filter(owner=user)
        .exclude(status__in=sorted(CLOSED_STATUSES))
        .select_related("lead_agency", "survivor")
        .order_by("-opened_on", "-created_at")[: MY_CASES_ON_HOME + 1]
    )
    more = len(mine) > MY_CASES_ON_HOME
    mine = mine[:MY_CASES_ON_HOME]
    accesses = case_accesses(user, mine)
    named = {c.pk for c in mine if accesses[c.pk].can(Section.IDENTITY)}
    record(
        user,
        Action.LIST,
        [Item.on(accesses[c.pk], "case", c.pk, c.pk, ["identity"] if c.pk in named else []) for c in mine],
    )
    roles = {m.role for m in user.active_memberships()}
    return render(
        request,
        "cases/home.html",
        {
            "mine": [(c, c.pk in named) for c in mine],
            "more": more,
            "due": due_for(user),
            "new": list(Notification.objects.visible_to(user).unread()[:10]),
            "can_open": bool(actions.intake_agencies(user)),
            "works_on_cases": can_hold_content(user),
            "role_homes": sorted({ROLE_HOMES[r] for r in roles if r in ROLE_HOMES}),
        },
    )


@login_required
def case_list(request: AuthedRequest) -> HttpResponse:
    """Every case the user reaches, narrowed and sorted as asked, with the total."""
    form = CaseFilterForm(request.GET, user=request.user)
    cases = ReachableCases(request.user, filters=form.filters(), sort=form.ordering())
    page = Paginator(cast(Any, cases), PAGE_SIZE).get_page(request.GET.get("page"))
    rows: list[Case] = list(page.object_list)
    accesses = cases.accesses
    named = {c.pk for c in rows if accesses[c.pk].can(Section.IDENTITY)}
    record(
        request.user,
        Action.LIST,
        [Item.on(accesses[c.pk], "case", c.pk, c.pk, ["identity"] if c.pk in named else []) for c in rows],
    )
    kept = request.GET.copy()
    kept.pop("page", None)
    return render(
        request,
        "cases/case_list.html",
        {
            "form": form,
            "page": page,
            "pages": page_range(page),
            "rows": [(c, c.pk in named) for c in rows],
            "extra": kept.urlencode(),
            "filtered": any(v for k, v in kept.items() if k != "sort"),
            "can_open": bool(actions.intake_agencies(request.user)),
            "staff": form.staff(),
            "nationalities": _nationalities(form),
        },
        status=400 if form.errors else 200,
    )


def _nationalities(form: CaseFilterForm) -> list[tuple[str, str]]:
    """The usual nationalities, and the one asked for if it is another."""
    asked = form.cleaned_data.get("nationality", "") if "nationality" not in form.errors else ""
    common = [(code, str(name)) for code, name in COMMON_NATIONALITIES]
    if asked and asked not in dict(common):
        common.append((asked, country_name(asked)))
    return common


@login_required
def case_new(request: AuthedRequest) -> HttpResponse:
    return intake(request)


def intake(
    request: AuthedRequest,
    *,
    template: str = "cases/case_new.html",
    context: dict[str, Any] | None = None,
    extra: forms.Form | None = None,
    opened: Callable[[Case, dict[str, Any]], object] | None = None,
    prepare: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> HttpResponse:
    """Register a survivor and open her case, after checking whether she is already known (the
    core's intake, for other capabilities too: ``extra`` is a form of theirs checked with it,
    ``prepare`` completes the identity from what they know (her age), and ``opened(case, extra's
    data)`` runs in the same transaction once the case is open)."""
    agencies = actions.intake_agencies(request.user)
    if not agencies:
        return render(request, "error.html", {"message": _("Your role does not allow opening cases.")}, status=403)
    form = IntakeForm(request.POST or None, agencies=agencies)
    match_form = PossibleMatchForm(request.POST or None)
    context = {**(context or {}), "form": form, "match_form": match_form, "extra": extra}
    if request.method == "POST" and form.is_valid() and match_form.is_valid() and (extra is None or extra.is_valid()):
        from casebridge.people.actions import clean_identity, matches_elsewhere
        from casebridge.people.search import hit_items, possible_people

        try:
            identity = clean_identity(form.identity_data())
        except ValidationError as error:
            _map_identity_errors(form, error)
            return render(request, template, context, status=400)
        if prepare is not None:
            identity = prepare(identity)
        agency = form.cleaned_data["agency"]
        if "request_contact" in request.POST:
            try:
                actions.do_request_contact(
                    actor=request.user,
                    agency=agency,
                    identity=identity,
                    reason=match_form.cleaned_data["contact_reason"],
                )
            except ValidationError as error:
                apply_errors(match_form, ValidationError({"contact_reason": error.message_dict.get("reason", [])}))
            except ActionError as error:
                return action_error_page(request, error)
            else:
                context["contact_sent"] = True
        # Before a survivor is registered: is she already known? (Not asked again once the user,
        # shown who she may be, says she is someone else: the box is only offered with a warning.)
        confirmed = match_form.cleaned_data["different_person"] and "request_contact" not in request.POST
        possible, elsewhere, paused = [], False, False
        if not confirmed:
            possible = possible_people(request.user, identity)
            checked = matches_elsewhere(request.user, identity)
            elsewhere, paused = bool(checked), checked is None
            if possible:
                shown = {hit.person.pk: [c.pk for c in cases] for hit, cases in possible}
                record(request.user, Action.SEARCH, hit_items([hit for hit, _cases in possible], shown))
        warned = confirmed or bool(possible or elsewhere)
        once = FormSubmission(request, form.cleaned_data["submission"], "case")
        if not once.claim():  # a second send of a registration that went through
            previous = once.previous.resource_id if once.previous else ""
            return already_sent(request, reverse("cases:detail", args=[previous]) if previous else None)
        if not confirmed and (warned or "request_contact" in request.POST):
            once.release()
            context.update(possible=possible, elsewhere=elsewhere, paused=paused, warned=warned)
            return render(request, template, context, status=400 if match_form.errors else 200)
        try:
            with transaction.atomic():
                case = actions.do_open_case(
                    actor=request.user,
                    agency=agency,
                    identity=identity,
                    province=form.cleaned_data["province"],
                    opened_on=form.cleaned_data["opened_on"],
                    different_person=warned,
                )
                if opened is not None:
                    opened(case, dict(extra.cleaned_data) if extra is not None else {})
        except ValidationError as error:
            once.release()
            _map_identity_errors(form, error)
            if extra is not None:
                for field, errors in getattr(error, "error_dict", {}).items():
                    if field in extra.fields:
                        extra.add_error(field, errors)
        except ActionError as error:
            once.release()
            return action_error_page(request, error)
        else:
            once.done(case)
            messages.success(request, _("Case %(number)s opened.") % {"number": case.number})
            return redirect("cases:detail", case_id=case.pk)
    errors = form.errors or match_form.errors or (extra is not None and extra.errors)
    return render(request, template, context, status=400 if errors else 200)


def _map_identity_errors(form: IntakeForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        renamed = {
            ("other_nationalities" if k == "nationalities" else "other_languages" if k == "languages" else k): v
            for k, v in error.error_dict.items()
        }
        error = ValidationError(renamed)  # type: ignore[arg-type]
    apply_errors(form, error)


def _case_context(request: AuthedRequest, case: Case, access: CaseAccess) -> dict[str, object]:
    asked = request.GET.get("section", "")
    shown_section = asked if asked in access.sections else ""
    events = timeline_page(case, access, shown_section or None)
    page = Paginator(cast(Any, events), 50).get_page(request.GET.get("page"))
    page.object_list = show_authors(page.object_list, access)
    team = visible_team(case, access)
    consents = ConsentRecord.objects.on_case(case, access).select_related("shared_with")
    return {
        "case": case,
        "access": access,
        "timeline": page,
        "team": team,
        "consents": consents,
        "note_form": _note_form(access) if access.can_write else None,
        "status_form": StatusForm(initial={"status": case.status, "closure_reason": case.closure_reason})
        if access.can_manage
        else None,
        "worker_form": _worker_form(case, access),
        "timeline_section": shown_section,
        "unknown_section": bool(asked) and not shown_section,
        "extra": f"section={shown_section}" if shown_section else "",
        "participants": _participants(case, access),
        "panels": panels_for(request.user, case, access),
        "mine": request.user.pk,
        "now": timezone.localtime(),
    }


def _participants(case: Case, access: CaseAccess) -> list[CaseParticipant]:
    """Guardians, family and witnesses: who reaches the survivor's identity sees theirs."""
    if Section.IDENTITY not in access.sections:
        return []
    return list(case.participants.select_related("person").order_by("role", "added_at"))


def _worker_form(case: Case, access: CaseAccess, data: Any = None) -> CaseWorkerForm | None:
    if not access.can_manage:
        return None
    staff = actions.case_staff(case.lead_agency_id)
    return CaseWorkerForm(data, staff=staff, initial={"case_worker": case.owner_id})


@login_required
def case_detail(request: AuthedRequest, case_id: UUID) -> HttpResponse:
    case, access = get_case_for_user(request, case_id)
    context = _case_context(request, case, access)
    actions.read_case(request.user, case, access)
    return render(request, "cases/case_detail.html", context)


@login_required
@require_POST
def note_create(request: AuthedRequest, case_id: UUID) -> HttpResponse:
    case, access = get_case_for_user(request, case_id)
    form = _note_form(access, request.POST)
    status = 200
    if form.is_valid():
        once = FormSubmission(request, form.cleaned_data["submission"], "note")
        if not once.claim():
            return already_sent(request, reverse("cases:detail", args=[case.pk]))
        try:
            note = actions.do_add_note(
                case, actor=request.user, section=form.cleaned_data["section"], body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            once.release()
            apply_errors(form, error)
            status = 400
        except ActionError as error:
            once.release()
            return action_error_page(request, error)
        else:
            once.done(note)
            if not request.htmx:  # type: ignore[attr-defined]
                messages.success(request, _("Note added."))
                return redirect("cases:detail", case_id=case.pk)
            form = _note_form(access)
    else:
        status = 400
    context = _case_context(request, case, access)
    context["note_form"] = form
    actions.read_case(request.user, case, access)
    template = "cases/_timeline.html" if request.htmx else "cases/case_detail.html"  # type: ignore[attr-defined]
    return render(request, template, context, status=status)


def _confirm(
    request: AuthedRequest, case: Case, *, question: str, facts: list[tuple[str, str]], button: str, danger: bool
) -> HttpResponse:
    """Ask before a change that is hard to undo: the same POST again, with ``confirmed=yes``."""
    kept = [(k, v) for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken", "confirmed")]
    return render(
        request,
        "cases/confirm.html",
        {"case": case, "question": question, "facts": facts, "button": button, "danger": danger, "kept": kept},
    )


@login_required
def note_detail(request: AuthedRequest, case_id: UUID, note_id: UUID) -> HttpResponse:
    """A note with its earlier versions; its author corrects it here."""
    case, access = get_case_for_user(request, case_id)
    note = get_object_or_404(
        TimelineEvent.objects.on_case(case, access).filter(kind=EventKind.NOTE).select_related("actor"), pk=note_id
    )
    history = actions.note_history(note)
    newest = not actions.corrected_since(note)
    can_correct = newest and note.actor_id == request.user.pk and access.can_write_in(note.section)
    form = CorrectionForm(request.POST or None, initial={"body": note.body}) if can_correct else None
    if request.method == "POST":
        if form is None:
            return action_error_page(request, NotAllowed(_("Only the note's author can correct its newest version.")))
        if form.is_valid():
            try:
                corrected = actions.do_correct_note(note, actor=request.user, body=form.cleaned_data["body"])
            except ValidationError as error:
                apply_errors(form, error)
            except ActionError as error:
                return action_error_page(request, error)
            else:
                messages.success(request, _("Note corrected. The earlier text stays in its history."))
                return redirect("cases:note", case_id=case.pk, note_id=corrected.pk)
    items = [Item.on(access, "note", n.pk, case.pk, [n.section]) for n in [note, *history]]
    record(request.user, Action.VIEW, items)
    return render(
        request,
        "cases/note.html",
        {"case": case, "note": note, "history": history, "form": form, "newest": newest, "access": access},
        status=400 if form is not None and form.errors else 200,
    )


@login_required
def identity_correct(request: AuthedRequest, case_id: UUID) -> HttpResponse:
    """Correct the survivor's names and age (lead case staff)."""
    case, access = get_case_for_user(request, case_id)
    if not access.can_manage:
        return action_error_page(
            request, NotAllowed(_("Only the lead agency's case staff can correct the survivor's identity."))
        )
    p = case.survivor
    initial = {f: getattr(p, f) for f in IdentityCorrectionForm.base_fields}
    initial["aliases"] = ", ".join(p.aliases or [])
    form = IdentityCorrectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_correct_identity(case, actor=request.user, changes=form.changes())
        except ValidationError as error:
            apply_errors(form, error)
        except ActionError as error:
            return action_error_page(request, error)
        else:
            messages.success(request, _("Identity corrected. The timeline says what changed."))
            return redirect(reverse("cases:detail", args=[case.pk]) + "#identity-h")
    record(request.user, Action.VIEW, [actions.case_item(case, (Section.IDENTITY,), access)])
    return render(
        request, "cases/identity_correct.html", {"case": case, "form": form}, status=400 if form.errors else 200
    )


@login_required
def participant_add(request: AuthedRequest, case_id: UUID) -> HttpResponse:
    """Add a guardian, family member or witness (lead case staff)."""
    case, access = get_case_for_user(request, case_id)
    if not access.can_manage:
        return action_error_page(
            request, NotAllowed(_("Only the lead agency's case staff can add people to the case."))
        )
    form = ParticipantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        role = data.pop("role")
        try:
            actions.do_add_participant(case, actor=request.user, role=role, identity=clean_identity(data))
        except ValidationError as error:
            apply_errors(form, error)
        except ActionError as error:
            return action_error_page(request, error)
        else:
            messages.success(request, _("Added to the case."))
            return redirect(reverse("cases:detail", args=[case.pk]) + "#people-h")
    return render(
        request, "cases/participant_add.html", {"case": case, "form": form}, status=400 if form.errors else 200
    )


@login_required
@require_POST
def case_status(request: AuthedRequest, case_id: UUID) -> HttpResponse:
    case, access = get_case_for_user(request, case_id)
    form = StatusForm(request.POST)
    if form.is_valid() and request.POST.get("confirmed") != "yes" and access.can_manage:
        data = form.cleaned_data
        facts = [(_("Status"), f"{case.get_status_display()} → {CaseStatus(data['status']).label}")]
        if data["closure_reason"] and data["status"] in CLOSED_STATUSES:
            facts.append((_("Reason for closing"), str(ClosureReason(data["closure_reason"]).label)))
        return _confirm(
            request,
            case,
            question=_("Change the status of case %(number)s?") % {"number": case.number},
            facts=facts,
            button=_("Yes, change the status"),
            danger=data["status"] in CLOSED_STATUSES,
        )
    if form.is_valid():
        try:
            actions.do_update_case(
                case,
                actor=request.user,
                status=form.cleaned_data["status"],
                closure_reason=form.cleaned_data["closure_reason"],
                closure_note=form.cleaned_data["closure_note"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        except ActionError as error:
            return action_error_page(request, error)
        else:
            messages.success(request, _("Status changed."))
            return redirect("cases:detail", case_id=case.pk)
    context = _case_context(request, case, access)
    context["status_form"] = form
    actions.read_case(request.user, case, access)
    return render(request, "cases/case_detail.html", context, status=400)


@login_required
@require_POST
def case_worker(request: AuthedRequest, case_id: UUID) -> HttpResponse:
    case, access = get_case_for_user(request, case_id)
    form = _worker_form(case, access, request.POST)
    if form is None:
        return render(
            request,
            "error.html",
            {"message": _("Only the lead agency's case staff can give the case to another case worker.")},
            status=403,
        )
    if form.is_valid():
        owner = get_user_model().objects.get(pk=form.cleaned_data["case_worker"])
        try:
            actions.do_assign_case_worker(case, actor=request.user, owner=owner)
        except ValidationError as error:
            apply_errors(form, error)
        except ActionError as error:
            return action_error_page(request, error)
        else:
            messages.success(request, _("Case worker changed."))
            return redirect("cases:detail", case_id=case.pk)
    context = _case_context(request, case, access)
    context["worker_form"] = form
    actions.read_case(request.user, case, access)
    return render(request, "cases/case_detail.html", context, status=400)


@login_required
def team_add(request: AuthedRequest, case_id: UUID) -> HttpResponse:
    case, access = get_case_for_user(request, case_id)
    if not access.can_manage:
        return render(
            request,
            "error.html",
            {"message": _("Only the lead agency's case staff can change the case team.")},
            status=403,
        )
    from casebridge.consents.ledger import sharing_agencies

    staff = [p for p in actions.case_staff(case.lead_agency_id) if p.pk != request.user.pk]
    agencies = [a for a in sharing_agencies(case.survivor) if a.pk != case.lead_agency_id]
    form = TeamForm(request.POST or None, staff=staff, agencies=agencies)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            user = form.staff.get(form.cleaned_data["colleague"])
            if form.cleaned_data["username"]:
                user = get_user_model().objects.filter(username=form.cleaned_data["username"], is_active=True).first()
                if user is None:
                    form.add_error("username", _("No active account has this username."))
            if not form.errors:
                try:
                    actions.do_add_team_member(
                        case,
                        actor=request.user,
                        user=user,
                        agency=form.cleaned_data["agency"],
                        sections=form.cleaned_data["sections"],
                    )
                except ValidationError as error:
                    apply_errors(form, error)
                except ActionError as error:
                    form.add_error(None, error.message)
                    status = error.status
                else:
                    messages.success(request, _("Added to the case team."))
                    return redirect("cases:detail", case_id=case.pk)
    # The page lists the agencies the survivor consented to share with: consent is identity data.
    record(request.user, Action.VIEW, [actions.case_item(case, (Section.IDENTITY,), access)])
    return render(request, "cases/team_add.html", {"case": case, "form": form}, status=status)


@login_required
@require_POST
def team_remove(request: AuthedRequest, case_id: UUID, member_id: int) -> HttpResponse:
    case, access = get_case_for_user(request, case_id)
    member = get_object_or_404(TeamMember.objects.visible_to(request.user).filter(case=case), pk=member_id)
    if request.POST.get("confirmed") != "yes" and access.can_manage:
        record(request.user, Action.VIEW, [Item.on(access, "team_member", member.pk, case.pk, member.section_list)])
        who = member.agency.local_name if member.agency else member.user.get_full_name() or member.user.get_username()
        return _confirm(
            request,
            case,
            question=_("Remove %(who)s from the team of case %(number)s?") % {"who": who, "number": case.number},
            facts=[(_("They will no longer see"), ", ".join(str(s.label) for s in member.section_list))],
            button=_("Yes, remove"),
            danger=True,
        )
    try:
        actions.do_remove_team_member(member, actor=request.user)
    except ActionError as error:
        return action_error_page(request, error)
    messages.success(request, _("Removed from the case team."))
    return redirect("cases:detail", case_id=case.pk)


@login_required
def contact_requests(request: AuthedRequest) -> HttpResponse:
    received = list(received_requests(request.user)[:100])
    accesses = case_accesses(request.user, [row.case for row in received])
    for row in received:
        row.can_answer = row.answered_at is None and accesses[row.case_id].can_manage  # type: ignore[attr-defined]
    if received:
        record(request.user, Action.LIST, [Item("contact_request", str(r.pk), r.case_id) for r in received])
    return render(
        request,
        "cases/contact_requests.html",
        {"received": received, "sent": sent_requests(request.user), "answers": ContactAnswer.choices},
    )


@login_required
@require_POST
def contact_answer(request: AuthedRequest, request_id: UUID) -> HttpResponse:
    row = received_requests(request.user).filter(pk=request_id).first()
    if row is None:
        raise Http404
    try:
        actions.do_answer_contact(
            row, actor=request.user, answer=request.POST.get("answer", ""), note=request.POST.get("note", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(m for ms in error.message_dict.values() for m in ms))
    except ActionError as error:
        return action_error_page(request, error)
    else:
        messages.success(request, _("Answer sent. The requester is told it, not who you are."))
    return redirect("cases:contact_requests")

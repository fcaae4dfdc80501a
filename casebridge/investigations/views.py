"""The investigations pages: thin views over :mod:`.actions`. Every record is reached through
``access.get_visible`` (404 whether it is missing or out of reach); every record shown is audited.
Nobody without an investigation role (or a grant) reaches any of these pages."""

from __future__ import annotations

import time
from collections.abc import Callable
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

from casebridge.api.idempotency import submit_form
from casebridge.audit.log import Item, record
from casebridge.audit.models import Action
from casebridge.investigations import actions, forms
from casebridge.investigations.access import get_visible, investigates, investigating_agencies, subject_people
from casebridge.investigations.actions import audited
from casebridge.investigations.codes import labels
from casebridge.investigations.models import (
    Arrest,
    CaseLink,
    Encounter,
    Establishment,
    Identifier,
    IntelligenceReport,
    Link,
    NodeType,
    Operation,
    OperationState,
    Outcome,
    Screening,
    Subject,
)
from casebridge.investigations.network import (
    draw,
    label,
    neighbourhood,
    node_items,
    parse_node,
    records_of,
    shortest_path,
    timeline,
)
from casebridge.lib.errors import ActionError
from casebridge.lib.places import commune_choices, commune_name, district_name, province_name
from casebridge.lib.views import AuthedRequest, action_error_page, apply_errors, form_errors_text, page_range

PAGE = 25
LISTS: dict[str, tuple[Any, str]] = {
    "operations": (Operation, "operation"),
    "establishments": (Establishment, "establishment"),
    "subjects": (Subject, "subject"),
    "identifiers": (Identifier, "identifier"),
    "intelligence": (IntelligenceReport, "intelligence"),
}


def _investigator(request: AuthedRequest) -> None:
    if not investigates(request.user):
        raise Http404


def _nodes(user: Any, *, exclude: tuple[str, Any] | None = None) -> list[tuple[str, Any]]:
    """The records the user may link to, grouped by kind (the newest 200 of each); their names
    are shown, so the list is audited."""
    groups = []
    for kind in forms.NODE_TYPES:
        model = actions.MODELS[kind]
        rows = model.objects.visible_to(user)
        if kind == NodeType.SUBJECT:
            rows = rows.select_related("person")
        shown = [row for row in rows.order_by("-created_at")[:200] if exclude is None or (kind, row.pk) != exclude]
        audited(user, Action.LIST, shown, kind)
        if shown:
            groups.append((str(NodeType(kind).label), [(f"{kind}:{row.pk}", label(kind, row)) for row in shown]))
    return groups


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """Operations first (what is coming and what was done), a search, and the other lists."""
    _investigator(request)
    user = request.user
    form = forms.SearchForm(request.POST or None)
    found_subjects: list[Subject] = []
    found_identifiers: list[Identifier] = []
    searched = False
    if request.method == "POST" and form.is_valid():
        # Posted, not in the address: a name in a URL ends up in logs and history.
        searched = True
        query = form.cleaned_data["q"]
        found_identifiers = actions.find_identifier(user, "", query)
        linked = Link.objects.visible_to(user).filter(
            a_type=NodeType.SUBJECT, b_type=NodeType.IDENTIFIER, b_id__in=[i.pk for i in found_identifiers]
        )
        from casebridge.people.search import best_matches, letters

        by_name = best_matches(query, subject_people(user), 20) if letters(query) >= 2 else []
        people = [hit.person.pk for hit in by_name]
        rows = Subject.objects.visible_to(user).select_related("person", "agency")
        subjects = {s.person_id: s for s in rows.filter(person_id__in=people)}
        found_subjects = [subjects[pk] for pk in people if pk in subjects]
        found_subjects += [s for s in rows.filter(pk__in=linked.values("a_id")) if s not in found_subjects]
        audited(user, Action.SEARCH, found_subjects, "subject")
        audited(user, Action.SEARCH, found_identifiers, "identifier")
    operations = list(Operation.objects.visible_to(user).select_related("lead_unit", "agency")[:10])
    audited(user, Action.LIST, operations, "operation")
    context = {
        "form": form,
        "searched": searched,
        "found_subjects": found_subjects,
        "found_identifiers": found_identifiers,
        "operations": operations,
    }
    return render(request, "investigations/home.html", context)


@login_required
def listing(request: AuthedRequest, kind: str) -> HttpResponse:
    _investigator(request)
    if kind not in LISTS:
        raise Http404
    model, node = LISTS[kind]
    rows = model.objects.visible_to(request.user).select_related("agency")
    if model is Subject:
        rows = rows.select_related("person")
    page = Paginator(rows.order_by("-created_at"), PAGE).get_page(request.GET.get("page"))
    audited(request.user, Action.LIST, page.object_list, node)
    context = {"kind": kind, "node": node, "page": page, "pages": page_range(page)}
    return render(request, "investigations/list.html", context)


def _listed(request: AuthedRequest, rows: Any, kind: str, record_of: Callable[[Any], Any] | None = None) -> list[Any]:
    """The rows a page names, audited as listed (``record_of`` gives the compartment record a row
    names, when the row is not one)."""
    shown = list(rows)
    audited(request.user, Action.LIST, [record_of(r) for r in shown] if record_of else shown, kind)
    return shown


def _create(
    request: AuthedRequest,
    form: Any,
    kind: str,
    make: Callable[[dict[str, Any]], Any],
    done: str,
    template: str,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        made = submit_form(
            request,
            form,
            f"investigation_{kind}",
            make,
            done,
            reverse("investigations:home"),
            after=lambda obj: reverse(f"investigations:{kind}", args=[obj.pk]),
        )
        if made is not None:
            return made
    status = 400 if form.errors else 200
    return render(request, template, {"form": form, **(extra or {})}, status=status)


@login_required
def establishment_new(request: AuthedRequest) -> HttpResponse:
    _investigator(request)
    user = request.user
    form = forms.EstablishmentForm(request.POST or None, agencies=investigating_agencies(user))
    same: list[Establishment] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not data["different_place"]:
            same = actions.same_place(user, data["address"], data["latitude"], data["longitude"])
            audited(user, Action.SEARCH, same, "establishment")
        if same:
            # Shown the places already recorded there, the user says whether this is another.
            form.data = form.data.copy()  # type: ignore[attr-defined]
            form.data["different_place"] = "on"  # type: ignore[index]
            status = 200
            context = {"form": form, "same": same}
            return render(request, "investigations/establishment_new.html", context, status=status)
    return _create(
        request,
        form,
        "establishment",
        lambda data: actions.do_create_establishment(actor=user, **form.data_for_action()),
        _("Establishment recorded."),
        "investigations/establishment_new.html",
    )


@login_required
def communes(request: AuthedRequest) -> HttpResponse:
    """The communes of a district, as the options of the establishment form's select (htmx)."""
    _investigator(request)
    options = commune_choices(request.GET.get("district", ""))
    return render(request, "investigations/_communes.html", {"options": options})


def _links_context(request: AuthedRequest, node: tuple[str, Any]) -> dict[str, Any]:
    """A node's history and links; the linked records named are audited."""
    user = request.user
    events, shown = timeline(user, node)
    record(user, Action.LIST, node_items(user, shown))
    return {"node_id": f"{node[0]}:{node[1]}", "events": events, "can_link": investigates(user)}


@login_required
def establishment(request: AuthedRequest, pk: UUID) -> HttpResponse:
    found = get_visible(request.user, Establishment, pk)
    audited(request.user, Action.VIEW, [found], "establishment")
    context = {
        "place": found,
        "history": found.history.all(),
        "status_form": forms.StatusForm(),
        "province": province_name(found.province) if found.province else "",
        "district": district_name(found.district) if found.district else "",
        "commune": commune_name(found.commune) if found.commune else "",
        "operations": _listed(request, Operation.objects.visible_to(request.user).filter(targets=found), "operation"),
        **_links_context(request, (NodeType.ESTABLISHMENT, found.pk)),
    }
    return render(request, "investigations/establishment.html", context)


@login_required
def establishment_status(request: AuthedRequest, pk: UUID) -> HttpResponse:
    found = get_visible(request.user, Establishment, pk)
    form = forms.StatusForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_change_status(found, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except ActionError as error:
            return action_error_page(request, error)
        else:
            messages.success(request, _("Status changed."))
    elif request.method == "POST":
        messages.error(request, form_errors_text(form))
    return redirect("investigations:establishment", pk=found.pk)


@login_required
def subject_new(request: AuthedRequest) -> HttpResponse:
    _investigator(request)
    user = request.user
    form = forms.SubjectForm(request.POST or None, agencies=investigating_agencies(user))

    def make(data: dict[str, Any]) -> Subject:
        from casebridge.people.actions import clean_identity

        identity = clean_identity(form.identity_data())
        return actions.do_create_subject(
            actor=user, agency=data["agency"], identity=identity, roles=data["roles"], notes=data["notes"]
        )

    return _create(request, form, "subject", make, _("Subject recorded."), "investigations/subject_new.html")


@login_required
def subject(request: AuthedRequest, pk: UUID) -> HttpResponse:
    user = request.user
    found = get_visible(user, Subject, pk)
    found = Subject.objects.visible_to(user).select_related("person", "agency").get(pk=found.pk)
    audited(user, Action.VIEW, [found], "subject")
    uses = Link.objects.visible_to(user).filter(a_type=NodeType.SUBJECT, a_id=found.pk, b_type=NodeType.IDENTIFIER)
    identifiers = Identifier.objects.visible_to(user).filter(pk__in=uses.values("b_id"))
    audited(user, Action.LIST, identifiers, "identifier")
    context = {
        "subject": found,
        "person": found.person,
        "identifiers": identifiers,
        "identifier_form": forms.IdentifierForm(),
        "arrests": _listed(
            request,
            found.arrests.standing()
            .filter(operation__in=Operation.objects.visible_to(user))
            .select_related("operation"),
            "operation",
            lambda arrest: arrest.operation,
        ),
        **_links_context(request, (NodeType.SUBJECT, found.pk)),
    }
    return render(request, "investigations/subject.html", context)


@login_required
def subject_identifier(request: AuthedRequest, pk: UUID) -> HttpResponse:
    """Add an identifier the subject uses (the same value typed another way is the same one)."""
    user = request.user
    found = get_visible(user, Subject, pk)
    form = forms.IdentifierForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            identifier, _created = actions.do_add_identifier(actor=user, agency=found.agency, **form.cleaned_data)
            if not Link.objects.visible_to(user).filter(
                a_type=NodeType.SUBJECT, a_id=found.pk, kind="uses", b_type=NodeType.IDENTIFIER, b_id=identifier.pk
            ):
                actions.do_link(
                    actor=user,
                    agency=found.agency,
                    a_type=NodeType.SUBJECT,
                    a_id=found.pk,
                    kind="uses",
                    b_type=NodeType.IDENTIFIER,
                    b_id=identifier.pk,
                    source="observation",
                )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except ActionError as error:
            return action_error_page(request, error)
        else:
            messages.success(request, _("Identifier added."))
    return redirect("investigations:subject", pk=found.pk)


@login_required
def identifier(request: AuthedRequest, pk: UUID) -> HttpResponse:
    found = get_visible(request.user, Identifier, pk)
    audited(request.user, Action.VIEW, [found], "identifier")
    return render(
        request,
        "investigations/identifier.html",
        {"identifier": found, **_links_context(request, (NodeType.IDENTIFIER, found.pk))},
    )


@login_required
def intelligence_new(request: AuthedRequest) -> HttpResponse:
    _investigator(request)
    user = request.user
    form = forms.ReportForm(request.POST or None, agencies=investigating_agencies(user), nodes=_nodes(user))

    def make(data: dict[str, Any]) -> IntelligenceReport:
        mentions = [node for text in data.pop("mentions") if (node := parse_node(text)) is not None]
        return actions.do_create_report(actor=user, mentions=mentions, **data)

    return _create(request, form, "intelligence", make, _("Report recorded."), "investigations/intelligence_new.html")


@login_required
def intelligence(request: AuthedRequest, pk: UUID) -> HttpResponse:
    found = get_visible(request.user, IntelligenceReport, pk)
    audited(request.user, Action.VIEW, [found], "intelligence")
    return render(
        request,
        "investigations/intelligence.html",
        {"report": found, **_links_context(request, (NodeType.INTELLIGENCE, found.pk))},
    )


@login_required
def link_new(request: AuthedRequest, node: str) -> HttpResponse:
    """Link the node ``<type>:<id>`` to another the user reaches (or to a case by its number)."""
    user = request.user
    this = parse_node(node)
    owner = actions.resolve_node(user, *this) if this is not None and this[0] != NodeType.CASE else None
    if this is None or owner is None:
        raise Http404
    back = reverse(f"investigations:{this[0]}", args=[this[1]])
    form = forms.LinkForm(request.POST or None, nodes=_nodes(user, exclude=this))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        other = parse_node(data["other"]) if data["other"] else None
        if other is None:
            from casebridge.investigations.access import reachable_cases

            case = reachable_cases(user).filter(number=data["case_number"].strip().upper()).first()
            other = (NodeType.CASE, case.pk if case is not None else UUID(int=0))
        mine = investigating_agencies(user)
        agency_id = owner.agency_id if getattr(owner, "agency_id", None) in mine else min(mine, default=None)
        if agency_id is None:
            raise Http404
        from casebridge.agencies.models import Agency

        try:
            actions.do_link(
                actor=user,
                agency=Agency.objects.get(pk=agency_id),
                a_type=this[0],
                a_id=this[1],
                kind=data["kind"],
                b_type=other[0],
                b_id=other[1],
                source=data["source"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                note=data["note"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict") and {"b_id", "b_type"} & set(error.error_dict):
                error = ValidationError({"other": error.error_dict.get("b_id", error.error_dict.get("b_type"))})
            apply_errors(form, error)
        except ActionError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Link recorded."))
            return redirect(back)
    context = {"form": form, "back": back, "name": label(this[0], owner) if this[0] != NodeType.CASE else ""}
    return render(request, "investigations/link_new.html", context, status=400 if form.errors else 200)


@login_required
def operation_new(request: AuthedRequest) -> HttpResponse:
    _investigator(request)
    user = request.user
    places = _listed(request, Establishment.objects.visible_to(user).order_by("-created_at")[:200], "establishment")
    known = _listed(request, IntelligenceReport.objects.visible_to(user)[:200], "intelligence")
    targets = [(f"{e.pk}", e.name) for e in places]
    reports = [(f"{r.pk}", f"{r.grading} · {r.summary}") for r in known]
    form = forms.OperationForm(
        request.POST or None, agencies=investigating_agencies(user), targets=targets, reports=reports
    )

    def make(data: dict[str, Any]) -> Operation:
        places = list(Establishment.objects.visible_to(user).filter(pk__in=data.pop("targets")))
        basis = list(IntelligenceReport.objects.visible_to(user).filter(pk__in=data.pop("basis")))
        return actions.do_plan_operation(actor=user, targets=places, basis=basis, **data)

    return _create(request, form, "operation", make, _("Operation planned."), "investigations/operation_new.html")


def _operation_context(request: AuthedRequest, found: Operation) -> dict[str, Any]:
    user = request.user
    encounters = list(Encounter.objects.visible_to(user).filter(operation=found).select_related("screening"))
    subjects: list[tuple[str, str]] = []
    if found.state == OperationState.CARRIED_OUT:
        named = list(Subject.objects.visible_to(user).select_related("person")[:200])
        audited(user, Action.LIST, named, "subject")
        subjects = [(str(s.pk), s.person.display_name()) for s in named]
    audited(user, Action.LIST, [actions.on_operation(e, found) for e in encounters], "encounter")
    state = found.state
    return {
        "operation": found,
        "targets": _listed(
            request, found.targets.filter(pk__in=Establishment.objects.visible_to(user).values("pk")), "establishment"
        ),
        "all_targets": found.targets.count(),
        "participants": found.participants.all(),
        "encounters": encounters,
        "arrests": _listed(
            request,
            found.arrests.standing()
            .filter(subject__in=Subject.objects.visible_to(user))
            .select_related("subject__person"),
            "subject",
            lambda arrest: arrest.subject,
        ),
        "seized": _listed(request, found.seized.all(), "seized_item", lambda item: actions.on_operation(item, found)),
        "withdraw_form": forms.WithdrawForm(),
        "authorise_form": forms.AuthoriseForm() if state == OperationState.PLANNED else None,
        "carry_out_form": forms.CarryOutForm() if state == OperationState.AUTHORISED else None,
        "close_form": forms.CloseForm() if state == OperationState.CARRIED_OUT else None,
        "cancel_form": forms.CancelForm() if state in (OperationState.PLANNED, OperationState.AUTHORISED) else None,
        "recording": state == OperationState.CARRIED_OUT,
        # The owning agency's and the lead unit's investigators move it on and withdraw arrests.
        "can_move": bool({found.agency_id, found.lead_unit_id} & investigating_agencies(user)),
        "encounter_form": forms.EncounterForm(),
        "arrest_form": forms.ArrestForm(subjects=subjects, encounters=[(str(e.pk), str(e)) for e in encounters]),
        "seized_form": forms.SeizedForm(),
        **_links_context(request, (NodeType.OPERATION, found.pk)),
    }


@login_required
def operation(request: AuthedRequest, pk: UUID) -> HttpResponse:
    found = get_visible(request.user, Operation, pk)
    audited(request.user, Action.VIEW, [found], "operation")
    return render(request, "investigations/operation.html", _operation_context(request, found))


STEPS: dict[str, tuple[type[Any], Callable[..., Any]]] = {
    "authorise": (forms.AuthoriseForm, actions.do_authorise),
    "carry_out": (forms.CarryOutForm, actions.do_carry_out),
    "close": (forms.CloseForm, actions.do_close),
    "cancel": (forms.CancelForm, actions.do_cancel),
}


@login_required
def operation_step(request: AuthedRequest, pk: UUID, step: str) -> HttpResponse:
    found = get_visible(request.user, Operation, pk)
    if step not in STEPS or request.method != "POST":
        return redirect("investigations:operation", pk=found.pk)
    form_class, act = STEPS[step]
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors_text(form))
        return redirect("investigations:operation", pk=found.pk)
    try:
        act(found, actor=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _done_message(step))
    return redirect("investigations:operation", pk=found.pk)


def _done_message(step: str) -> str:
    return {
        "authorise": _("Authorisation recorded."),
        "carry_out": _("Operation recorded as carried out."),
        "close": _("Operation closed."),
        "cancel": _("Operation cancelled."),
    }[step]


@login_required
def operation_record(request: AuthedRequest, pk: UUID, what: str) -> HttpResponse:
    """What the operation found: a person encountered, an arrest, an item seized."""
    user = request.user
    found = get_visible(user, Operation, pk)
    if request.method != "POST" or what not in ("encounter", "arrest", "seized"):
        return redirect("investigations:operation", pk=found.pk)
    try:
        if what == "encounter":
            form: Any = forms.EncounterForm(request.POST)
            if form.is_valid():
                made = actions.do_add_encounter(found, actor=user, **form.cleaned_data)
                messages.success(request, _("%(label)s recorded: screen her next.") % {"label": made})
        elif what == "seized":
            form = forms.SeizedForm(request.POST)
            if form.is_valid():
                actions.do_add_seized(found, actor=user, **form.cleaned_data)
                messages.success(request, _("Seized item recorded."))
        else:
            form = forms.ArrestForm(
                request.POST,
                subjects=_choices_of(request.POST.get("subject")),
                encounters=_choices_of(request.POST.get("encounter")),
            )
            if form.is_valid():
                subject_ = get_visible(user, Subject, form.cleaned_data["subject"])
                encounter = None
                if form.cleaned_data["encounter"]:
                    encounter = (
                        Encounter.objects.visible_to(user)
                        .filter(operation=found, pk=_uuid(form.cleaned_data["encounter"]))
                        .first()
                    )
                    if encounter is None:
                        raise ValidationError(_("This person was not encountered in this operation."))
                actions.do_record_arrest(found, actor=user, subject=subject_, encounter=encounter)
                messages.success(request, _("Arrest recorded."))
        if form.errors:
            messages.error(request, form_errors_text(form))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except ActionError as error:
        messages.error(request, error.message)
    return redirect("investigations:operation", pk=found.pk)


def _choices_of(value: str | None) -> list[tuple[str, str]]:
    return [(value, value)] if value else []


def _uuid(value: str) -> UUID | None:
    try:
        return UUID(value)
    except ValueError:
        return None


def _encounter(request: AuthedRequest, pk: UUID, encounter_id: UUID) -> tuple[Operation, Encounter]:
    found = get_visible(request.user, Operation, pk)
    encounter = Encounter.objects.visible_to(request.user).filter(operation=found, pk=encounter_id).first()
    if encounter is None:
        raise Http404
    return found, encounter


@login_required
def screening(request: AuthedRequest, pk: UUID, encounter_id: UUID) -> HttpResponse:
    """Screen a person encountered: signs, age, status, victim context, outcome."""
    user = request.user
    found, encounter = _encounter(request, pk, encounter_id)
    existing = Screening.objects.visible_to(user).filter(encounter=encounter).first()
    initial = None
    if existing is not None:
        audited(user, Action.VIEW, [actions.on_operation(existing, found)], "screening")
        initial = {f: getattr(existing, f) for f in forms.ScreeningForm.base_fields if hasattr(existing, f)}
        initial["languages"] = ", ".join(existing.languages)
        for row in existing.history or []:
            prefix = {"Recruitment": "recruited", "Exploitation": "exploited"}.get(row.get("type", ""))
            if prefix:
                initial.update({f"{prefix}_in": row.get("place", ""), f"{prefix}_on": row.get("date") or None})
    form = forms.ScreeningForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_screen(encounter, actor=user, data=form.data_for_action())
        except ValidationError as error:
            apply_errors(form, error)
        except ActionError as error:
            return action_error_page(request, error)
        else:
            messages.success(request, _("Screening saved."))
            return redirect("investigations:screening", pk=found.pk, encounter_id=encounter.pk)
    context = {
        "operation": found,
        "encounter": encounter,
        "screening": existing,
        "form": form,
        "can_open_case": existing is not None
        and existing.outcome == Outcome.PENDING
        and existing.status != "NotAVictimOfTrafficking",
        "facts": _screening_facts(existing) if existing else [],
    }
    return render(request, "investigations/screening.html", context, status=400 if form.errors else 200)


def _screening_facts(found: Screening) -> list[tuple[str, str]]:
    from casebridge.investigations import codes

    return [
        (_("Signs of trafficking"), ", ".join(labels(codes.INDICATORS, found.indicators))),
        (_("Type of exploitation"), ", ".join(labels(codes.EXPLOITATION, found.exploitation))),
        (_("Methods of control"), ", ".join(labels(codes.CONTROL, found.control))),
    ]


@login_required
def screening_case(request: AuthedRequest, pk: UUID, encounter_id: UUID) -> HttpResponse:
    """Open her survivor case through the foundation's intake (the check of people already known,
    her decision on receiving services), linked to this operation by a pseudonymous reference."""
    from casebridge.cases.views import intake

    user = request.user
    found, encounter = _encounter(request, pk, encounter_id)
    existing = Screening.objects.visible_to(user).filter(encounter=encounter).first()
    if existing is None or existing.outcome != Outcome.PENDING:
        return action_error_page(
            request, ActionError(_("A case is opened only from a screening whose outcome is not decided yet."))
        )
    consent = forms.ConsentForm(request.POST or None)

    def opened(case: Any, data: dict[str, Any]) -> None:
        chosen = {key: data[f"consent_{key}"] for key in ("decision", "given_by", "language")}
        actions.do_open_case_for(existing, case, actor=user, consent={**chosen, "child_assent": data["child_assent"]})

    context = {"operation": found, "encounter": encounter, "screening": existing}
    return intake(
        request,
        template="investigations/screening_case.html",
        context=context,
        extra=consent,
        opened=opened,
        prepare=lambda identity: actions.with_screening_age(identity, existing),
    )


@login_required
def network(request: AuthedRequest) -> HttpResponse:
    """A node's network drawn (SVG), with its table and a one-sentence summary; and the shortest
    path to another node."""
    _investigator(request)
    user = request.user
    node = parse_node(request.GET.get("node", ""))
    if node is None:
        raise Http404
    try:
        depth = min(3, max(1, int(request.GET.get("depth", "2"))))
    except ValueError:
        depth = 2
    started = time.perf_counter()
    found = neighbourhood(user, node, depth)
    if found is None:
        raise Http404
    record(user, Action.VIEW, node_items(user, found.records))
    svg = draw(found)
    path = None
    to = parse_node(request.GET.get("to", ""))
    if to is not None:
        path = shortest_path(user, node, to)
        if path is not None:
            record(user, Action.VIEW, node_items(user, records_of(user, {n for n, _label in path})))
    context = {
        "network": found,
        "svg": svg,
        "rows": found.rows(),
        "summary": found.summary(),
        "depth": depth,
        "node": f"{node[0]}:{node[1]}",
        "choices": _nodes(user, exclude=node),
        "to": request.GET.get("to", ""),
        "path": path,
        "path_asked": to is not None,
        "milliseconds": round((time.perf_counter() - started) * 1000),
    }
    return render(request, "investigations/network.html", context)


@login_required
def follow_reference(request: AuthedRequest, reference: str) -> HttpResponse:
    """A case's pseudonymous reference, followed to its operation by those who reach it."""
    link = CaseLink.objects.visible_to(request.user).filter(reference=reference).select_related("operation").first()
    if link is None:
        raise Http404
    # Which operation found the survivor of a case: a read of both.
    audited(request.user, Action.VIEW, [link.operation], "operation")
    record(request.user, Action.VIEW, [Item("case", str(link.case_id), link.case_id, ("investigation",))])
    return redirect("investigations:operation", pk=link.operation_id)


@login_required
def arrest_withdraw(request: AuthedRequest, pk: UUID, arrest_id: UUID) -> HttpResponse:
    """Withdraw an arrest recorded in error, with the reason."""
    found = get_visible(request.user, Operation, pk)
    arrest = (
        Arrest.objects.visible_to(request.user).filter(operation=found, pk=arrest_id, withdrawn_at__isnull=True).first()
    )
    if arrest is None:
        raise Http404
    form = forms.WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_withdraw_arrest(arrest, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except ActionError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Arrest withdrawn."))
    elif request.method == "POST":
        messages.error(request, form_errors_text(form))
    return redirect("investigations:operation", pk=found.pk)

"""The partner directory's page (filter by service, language and province; with a case number,
the partners that fit her survivor best first, with the reasons), and the referral pages: the
list of referrals made and received, a new one, one referral with its history and its moves."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from casebridge.agencies.models import Agency, Service
from casebridge.api.idempotency import submit_form
from casebridge.audit.log import Item, record
from casebridge.audit.models import Action
from casebridge.cases.access import can_hold_content, case_access, case_accesses
from casebridge.cases.forms import COMMON_LANGUAGES
from casebridge.cases.models import Case
from casebridge.cases.sections import Section
from casebridge.lib.errors import ActionError
from casebridge.lib.places import PROVINCE_CHOICES
from casebridge.lib.views import AuthedRequest, SubmissionTokenMixin, action_error_page
from casebridge.restoration import actions, directory
from casebridge.restoration.models import ENDED, Referral, ReferralState


class PartnerFilterForm(forms.Form):
    case = forms.CharField(label=_("For the survivor of case"), max_length=32, required=False)
    service = forms.ChoiceField(label=_("Service"), choices=[("", "—"), *Service.choices], required=False)
    language = forms.ChoiceField(label=_("Staff speak"), choices=[("", "—"), *COMMON_LANGUAGES], required=False)
    province = forms.ChoiceField(label=_("Province"), choices=[("", "—"), *PROVINCE_CHOICES], required=False)

    @property
    def filtered(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.fields)


@login_required
def partner_list(request: AuthedRequest) -> HttpResponse:
    """For those who hold case content (who refer and place survivors)."""
    from casebridge.restoration.api import survivor_facts

    if not can_hold_content(request.user):
        raise Http404
    form = PartnerFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    found = directory.partners(
        service=data.get("service", ""), language=data.get("language", ""), province=data.get("province", "")
    )
    case = None
    number = (data.get("case") or "").strip().upper()
    if number:
        facts = survivor_facts(request.user, number=number)
        if facts is None:
            form.add_error("case", _("No case with this number among those whose survivor you know."))
        else:
            case, languages = facts
            fits = directory.match(case, languages, found, service=data.get("service", ""))
    if case is None:
        taken = directory.occupancy(found)
        fits = [directory.Fit(agency, taken.get(agency.pk, 0)) for agency in found]
    return render(request, "restoration/partners.html", {"form": form, "fits": fits, "case": case})


class ReferralForm(SubmissionTokenMixin, forms.Form):
    case_number = forms.CharField(label=_("Case number"), max_length=32)
    to_agency = forms.ModelChoiceField(label=_("To"), queryset=Agency.objects.none())
    services = forms.MultipleChoiceField(label=_("For"), choices=Service.choices, widget=forms.CheckboxSelectMultiple)
    sections = forms.MultipleChoiceField(
        label=_("Sections the partner needs"),
        choices=[(s.value, s.label) for s in Section if s in actions.SHAREABLE],
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        partners = directory.partners()
        self.fields["to_agency"].queryset = Agency.objects.filter(pk__in=[a.pk for a in partners])  # type: ignore[attr-defined]


class AnswerForm(forms.Form):
    text = forms.CharField(label=_("Reason or note"), max_length=1000, required=False)


@login_required
def referral_list(request: AuthedRequest) -> HttpResponse:
    """The referrals the user's agency made, and those open to it."""
    if not can_hold_content(request.user):
        raise Http404
    user = request.user
    found = list(Referral.objects.visible_to(user).select_related("case", "from_agency", "to_agency")[:200])
    accesses = case_accesses(user, [r.case for r in found])
    record(user, Action.LIST, [Item.on(accesses[r.case_id], "referral", r.pk, r.case_id) for r in found])
    mine = {m.agency_id for m in user.active_memberships()}
    incoming = [r for r in found if r.to_agency_id in mine]
    outgoing = [r for r in found if r.to_agency_id not in mine]
    return render(request, "restoration/referrals.html", {"incoming": incoming, "outgoing": outgoing})


@login_required
def referral_new(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not can_hold_content(user):
        raise Http404
    form = ReferralForm(request.POST or None, initial={"case_number": request.GET.get("case", "")})

    def make(data: dict[str, Any]) -> Referral:
        number = data.pop("case_number").strip().upper()
        case = Case.objects.visible_to(user).filter(number=number).first()
        if case is None:
            raise ValidationError({"case_number": _("No case with this number among those you reach.")})
        return actions.do_create_referral(case, actor=user, **data)

    if request.method == "POST" and form.is_valid():
        done = submit_form(
            request,
            form,
            "referral",
            make,
            str(_("Referral drafted: check it, then send it.")),
            reverse("restoration:referrals"),
            after=lambda referral: reverse("restoration:referral", args=[referral.pk]),
        )
        if done is not None:
            return done
    return render(request, "restoration/referral_new.html", {"form": form}, status=400 if form.errors else 200)


def _referral(user: Any, pk: UUID) -> Referral:
    found = (
        Referral.objects.visible_to(user)
        .filter(pk=pk)
        .select_related("case", "from_agency", "to_agency")
        .prefetch_related("steps__by")
        .first()
    )
    if found is None:
        raise Http404
    return found


@login_required
def referral_detail(request: AuthedRequest, pk: UUID) -> HttpResponse:
    user = request.user
    referral = _referral(user, pk)
    access = case_access(user, referral.case)
    record(user, Action.VIEW, [Item.on(access, "referral", referral.pk, referral.case_id)])
    receiving = referral.to_agency_id in access.agency_ids
    state = referral.state
    moves = []
    if access.can_manage and state == ReferralState.DRAFT:
        moves.append(("send", _("Send"), False))
    if receiving and state == ReferralState.SENT:
        moves += [("accept", _("Accept"), False), ("decline", _("Decline"), True)]
    if (access.can_manage or receiving) and state in (ReferralState.ACCEPTED, ReferralState.IN_SERVICE):
        moves.append(("complete", _("Completed"), False))
    if access.can_manage and state not in ENDED:
        moves.append(("revoke", _("Revoke"), True))
    context = {
        "referral": referral,
        "sections": [Section(s).label for s in actions.shared_sections(referral)],
        "service_labels": [Service(s).label for s in referral.services if s in Service.values],
        "moves": moves,
        "form": AnswerForm(),
    }
    return render(request, "restoration/referral.html", context)


MOVES = {
    "send": lambda r, u, text: actions.do_send(r, actor=u),
    "accept": lambda r, u, text: actions.do_accept(r, actor=u, note=text),
    "decline": lambda r, u, text: actions.do_decline(r, actor=u, reason=text),
    "complete": lambda r, u, text: actions.do_complete(r, actor=u),
    "revoke": lambda r, u, text: actions.do_revoke(r, actor=u, reason=text),
}


@login_required
def referral_move(request: AuthedRequest, pk: UUID, move: str) -> HttpResponse:
    referral = _referral(request.user, pk)
    if move not in MOVES:
        raise Http404
    if request.method != "POST":
        return redirect("restoration:referral", pk=referral.pk)
    form = AnswerForm(request.POST)
    text = form.cleaned_data["text"] if form.is_valid() else ""
    try:
        moved = MOVES[move](referral, request.user, text)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("restoration:referral", pk=referral.pk)
    except ActionError as error:
        return action_error_page(request, error)
    messages.success(request, _("Referral %(state)s.") % {"state": ReferralState(moved.state).label.lower()})
    if Referral.objects.visible_to(request.user).filter(pk=moved.pk).exists():
        return redirect("restoration:referral", pk=moved.pk)
    return redirect("restoration:referrals")  # ended: the partner keeps nothing of it

"""The partner directory's page: filter by service, language and province; with a case number,
the partners that fit her survivor best first, with the reasons."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from casebridge.agencies.models import Service
from casebridge.cases.access import can_hold_content
from casebridge.cases.forms import COMMON_LANGUAGES
from casebridge.lib.places import PROVINCE_CHOICES
from casebridge.lib.views import AuthedRequest
from casebridge.restoration import directory


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
    from casebridge.cases.models import Case
    from casebridge.cases.sections import Section
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
        reached = Case.objects.visible_to(request.user, Section.IDENTITY).filter(number=number).first()
        if reached is None:
            form.add_error("case", _("No case with this number among those whose survivor you know."))
        else:
            case, languages = survivor_facts(request.user, reached.pk)
            fits = directory.match(case, languages, found, service=data.get("service", ""))
    if case is None:
        taken = directory.occupancy(found)
        fits = [directory.Fit(agency, taken.get(agency.pk, 0)) for agency in found]
    return render(request, "restoration/partners.html", {"form": form, "fits": fits, "case": case})

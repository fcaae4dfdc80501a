from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from casebridge.agencies.models import Agency
from casebridge.cases.models import AgeBand
from casebridge.lib.codes import clean_country_filter
from casebridge.lib.places import province_choices
from casebridge.people.models import Gender

ALL = ("", _("All"))
DATE = forms.DateInput(attrs={"type": "date"})


class IndicatorFilterForm(forms.Form):
    """The dashboard's filters; the API takes the same parameters. A wrong value is an error on
    its field, never silently ignored."""

    starts = forms.DateField(label=_("From"), required=False, widget=DATE)
    ends = forms.DateField(label=_("To"), required=False, widget=DATE)
    province = forms.ChoiceField(label=_("Province"), required=False)
    agency = forms.ModelChoiceField(
        label=_("Agency"), queryset=Agency.objects.filter(is_active=True), required=False, to_field_name="code"
    )
    age_band = forms.ChoiceField(
        label=_("Age at intake"), choices=[ALL, *[(v, v) for v in AgeBand.values if v]], required=False
    )
    sex = forms.ChoiceField(label=_("Sex / gender"), choices=[ALL, *Gender.choices], required=False)
    nationality = forms.CharField(label=_("Nationality"), max_length=2, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = [ALL, *province_choices()]  # type: ignore[attr-defined]

    def clean_nationality(self) -> str:
        return clean_country_filter(self.cleaned_data["nationality"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts") and data.get("ends") and data["ends"] < data["starts"]:
            raise forms.ValidationError(_("The end is before the start."))
        return data

    def facets(self) -> dict[str, Any]:
        """The breakdown filters chosen (the agency by id), without the period."""
        data = self.cleaned_data
        chosen = {k: data.get(k) for k in ("province", "age_band", "sex", "nationality") if data.get(k)}
        if data.get("agency"):
            chosen["agency"] = data["agency"].pk
        return chosen

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from casebridge.agencies.models import Agency
from casebridge.cases.models import AgeBand
from casebridge.indicators.definitions import SEXES
from casebridge.lib.codes import clean_country_filter
from casebridge.lib.places import province_choices

ALL = ("", _("All"))
FACETS = ("province", "agency", "age_band", "sex", "nationality")
Facet = tuple[str, str] | None


class IndicatorFilterForm(forms.Form):
    """The years shown, and one group to narrow to; the API takes the same parameters. Every
    number published belongs to one fixed set of tables (all years, by quarter, by year and by
    group, by year within each group), and the filters only say which of them to show: numbers
    asked for with other filters, over other people, could be subtracted from each other to
    work out a small one. So there is one group at a time: two together would be a table of
    their own, too small to publish."""

    year_from = forms.IntegerField(label=_("From the year"), required=False, min_value=2000, max_value=2100)
    year_to = forms.IntegerField(label=_("To the year"), required=False, min_value=2000, max_value=2100)
    province = forms.ChoiceField(label=_("Province"), required=False)
    agency = forms.CharField(label=_("Agency (code)"), max_length=32, required=False)
    age_band = forms.ChoiceField(
        label=_("Age at intake"),
        choices=[ALL, ("unknown", _("age unknown")), *[(v, v) for v in AgeBand.values if v]],
        required=False,
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=[ALL, *SEXES.items()], required=False)
    nationality = forms.CharField(label=_("Nationality"), max_length=2, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = [ALL, *province_choices()]  # type: ignore[attr-defined]

    def clean_agency(self) -> str:
        code = self.cleaned_data["agency"].strip()
        if code and not Agency.objects.filter(code=code).exists():
            raise forms.ValidationError(_("No agency has this code."))
        return code

    def clean_nationality(self) -> str:
        return clean_country_filter(self.cleaned_data["nationality"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("year_from") and data.get("year_to") and data["year_to"] < data["year_from"]:
            raise forms.ValidationError(_("The end is before the start."))
        if sum(1 for f in FACETS if data.get(f)) > 1:
            raise forms.ValidationError(
                _("Choose one group at a time: two together make groups too small to publish safely.")
            )
        return data

    def years(self) -> tuple[int | None, int | None]:
        data = self.cleaned_data if self.is_bound else {}
        return data.get("year_from"), data.get("year_to")

    def facet(self) -> Facet:
        data = self.cleaned_data if self.is_bound else {}
        return next(((f, data[f]) for f in FACETS if data.get(f)), None)

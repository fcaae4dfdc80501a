from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class IndicatorFilterForm(forms.Form):
    """The years shown; the API takes the same parameters. Every number published belongs to one
    fixed set of tables (all years, by quarter, by year and by group), and the years chosen only
    say which of them to show: numbers asked for twice with other filters could be subtracted
    from each other to work out a small one."""

    year_from = forms.IntegerField(label=_("From the year"), required=False, min_value=2000, max_value=2100)
    year_to = forms.IntegerField(label=_("To the year"), required=False, min_value=2000, max_value=2100)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("year_from") and data.get("year_to") and data["year_to"] < data["year_from"]:
            raise forms.ValidationError(_("The end is before the start."))
        return data

    def years(self) -> tuple[int | None, int | None]:
        data = self.cleaned_data if self.is_bound else {}
        return data.get("year_from"), data.get("year_to")

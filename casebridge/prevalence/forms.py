from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from casebridge.agencies.models import Agency
from casebridge.lib.views import SubmissionTokenMixin
from casebridge.prevalence.models import Establishment, EstablishmentType, Stratum, Study, Visit

DATE = forms.DateInput(attrs={"type": "date"})
TIME = forms.TimeInput(attrs={"type": "time"})
COUNT = forms.NumberInput(attrs={"inputmode": "numeric", "min": 0})


class StudyForm(SubmissionTokenMixin, forms.Form):
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    areas = forms.CharField(label=_("Areas"), max_length=500)
    starts_on = forms.DateField(label=_("First day of fieldwork"), widget=DATE)
    ends_on = forms.DateField(label=_("Last day of fieldwork"), widget=DATE)
    method_notes = forms.CharField(
        label=_("Method notes"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, agencies: set[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["agency"]
        field.queryset = Agency.objects.filter(pk__in=agencies, is_active=True)
        if len(agencies) == 1:
            field.initial = next(iter(agencies))


class StratumForm(SubmissionTokenMixin, forms.Form):
    establishment_type = forms.ChoiceField(label=_("Type of establishment"), choices=EstablishmentType.choices)
    area = forms.CharField(label=_("Area"), max_length=100)
    frame_size = forms.IntegerField(label=_("Establishments in the frame (N)"), min_value=0, widget=COUNT)
    sample_size = forms.IntegerField(label=_("Establishments to draw (n)"), min_value=0, widget=COUNT)


class EstablishmentForm(SubmissionTokenMixin, forms.Form):
    stratum = forms.ModelChoiceField(label=_("Stratum"), queryset=Stratum.objects.none())
    code = forms.CharField(label=_("Code"), max_length=20)
    name = forms.CharField(label=_("Name"), max_length=200)
    location = forms.CharField(label=_("Location"), max_length=500, required=False)

    def __init__(self, *args: Any, study: Study, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["stratum"]
        field.queryset = study.strata.all()


class DrawForm(forms.Form):
    seed = forms.IntegerField(
        label=_("Seed"),
        required=False,
        min_value=0,
        help_text=_("Leave empty for a random seed. The same seed always draws the same sample."),
    )


class ReplaceForm(forms.Form):
    selection = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Why it cannot be visited"), max_length=500)


class VisitForm(SubmissionTokenMixin, forms.Form):
    establishment = forms.ModelChoiceField(label=_("Establishment"), queryset=Establishment.objects.none())
    checks = forms.ModelChoiceField(
        label=_("Audit of a visit (leave empty for a visit)"), queryset=Visit.objects.none(), required=False
    )
    visited_on = forms.DateField(label=_("Date"), widget=DATE)
    from_time = forms.TimeField(label=_("Start time"), widget=TIME)
    to_time = forms.TimeField(label=_("End time"), widget=TIME)
    persons = forms.IntegerField(label=_("People available"), min_value=0, widget=COUNT)
    minors = forms.IntegerField(label=_("Of whom minors"), min_value=0, widget=COUNT)
    under_16 = forms.IntegerField(label=_("Of whom 15 or under"), min_value=0, widget=COUNT)
    borderline = forms.IntegerField(
        label=_("Borderline (possibly minors, not counted as minors)"), min_value=0, initial=0, widget=COUNT
    )
    notes = forms.CharField(label=_("Notes"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, study: Study, establishments: Any, visits: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        establishment: Any = self.fields["establishment"]
        establishment.queryset = establishments
        establishment.label_from_instance = lambda e: f"{e.code} · {e.name}"
        checks: Any = self.fields["checks"]
        checks.queryset = visits
        checks.label_from_instance = lambda v: f"{v.establishment.code} · {v.visited_on:%Y-%m-%d} {v.from_time:%H:%M}"

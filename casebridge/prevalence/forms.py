from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from casebridge.accounts.models import User
from casebridge.agencies.models import Agency
from casebridge.lib.views import SubmissionTokenMixin
from casebridge.prevalence.models import Establishment, EstablishmentType, Stratum, Study

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


class ReplaceForm(forms.Form):
    selection = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Why it cannot be visited"), max_length=500)


class VoidForm(forms.Form):
    reason = forms.CharField(label=_("Why this visit is void"), max_length=500)


class VisitForm(SubmissionTokenMixin, forms.Form):
    """A visit as the investigator records it on a phone: establishments by code only (their
    names are on the sample page), and an audit visit said with one box."""

    establishment = forms.ModelChoiceField(label=_("Establishment"), queryset=Establishment.objects.none())
    audit = forms.BooleanField(
        label=_("Audit visit: I repeat the latest visit to this establishment by another observer"), required=False
    )
    investigator = forms.ModelChoiceField(label=_("Investigator"), queryset=User.objects.none(), required=False)
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

    def __init__(self, *args: Any, establishments: Any, investigators: Any = None, **kwargs: Any) -> None:
        """``investigators``: the people a research lead may record a visit for (None: only oneself)."""
        super().__init__(*args, **kwargs)
        establishment: Any = self.fields["establishment"]
        establishment.queryset = establishments
        establishment.label_from_instance = lambda e: e.code
        if investigators is None:
            del self.fields["investigator"]
        else:
            investigator: Any = self.fields["investigator"]
            investigator.queryset = investigators
            investigator.help_text = _("Leave empty if you made the visit yourself.")

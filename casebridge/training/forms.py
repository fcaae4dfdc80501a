from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from casebridge.agencies.models import Agency
from casebridge.lib.views import SubmissionTokenMixin
from casebridge.training.models import EventKind, OfficialRole, Sex, Topic

DATE = forms.DateInput(attrs={"type": "date"})


class EventForm(SubmissionTokenMixin, forms.Form):
    agency = forms.ModelChoiceField(label=_("Organised by"), queryset=Agency.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices)
    starts_on = forms.DateField(label=_("First day"), widget=DATE)
    ends_on = forms.DateField(label=_("Last day"), widget=DATE)
    place = forms.CharField(label=_("Place"), max_length=200)
    facilitators = forms.CharField(label=_("Facilitators"), max_length=500)
    topics = forms.MultipleChoiceField(label=_("Topics"), choices=Topic.choices, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, agencies: set[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["agency"]
        field.queryset = Agency.objects.filter(pk__in=agencies, is_active=True)
        if len(agencies) == 1:
            field.initial = next(iter(agencies))


class ParticipantForm(SubmissionTokenMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, widget=forms.RadioSelect)
    role = forms.ChoiceField(label=_("Role"), choices=OfficialRole.choices)
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.filter(is_active=True), required=False)
    organisation = forms.CharField(label=_("Organisation (when not an agency here)"), max_length=200, required=False)
    attended = forms.BooleanField(label=_("Attended"), required=False)
    pre_score = forms.DecimalField(
        label=_("Score before (0 to 100)"), min_value=0, max_value=100, decimal_places=1, required=False
    )
    post_score = forms.DecimalField(
        label=_("Score after (0 to 100)"), min_value=0, max_value=100, decimal_places=1, required=False
    )


class ImportForm(SubmissionTokenMixin, forms.Form):
    file = forms.FileField(label=_("Spreadsheet (.xlsx)"))


class PeriodForm(forms.Form):
    starts = forms.DateField(label=_("From"), required=False, widget=DATE)
    ends = forms.DateField(label=_("To"), required=False, widget=DATE)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts") and data.get("ends") and data["ends"] < data["starts"]:
            raise forms.ValidationError(_("The end is before the start."))
        return data

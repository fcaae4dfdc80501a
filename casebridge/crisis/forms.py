"""Forms of the crisis-care pages. They check types and shapes; the rules are the actions'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from casebridge.cases.forms import COMMON_LANGUAGES
from casebridge.crisis.actions import MAX_WINDOW_HOURS
from casebridge.crisis.models import DEFAULT_WINDOW_HOURS, EpisodeOutcome, IncidentKind, PlaceKind, StaffRole
from casebridge.lib.views import SubmissionTokenMixin

WHEN = {"type": "datetime-local"}


class EpisodeForm(SubmissionTokenMixin, forms.Form):
    case_number = forms.CharField(label=_("Case number"), max_length=32)
    place_kind = forms.ChoiceField(label=_("Kind of place"), choices=PlaceKind.choices)
    place = forms.CharField(label=_("Place"), max_length=200, help_text=_("For example: AHTJP station, Phnom Penh"))
    starts_at = forms.DateTimeField(label=_("From"), widget=forms.DateTimeInput(attrs=WHEN))
    window_hours = forms.IntegerField(
        label=_("Minimum window (hours)"), min_value=1, max_value=MAX_WINDOW_HOURS, initial=DEFAULT_WINDOW_HOURS
    )
    language = forms.ChoiceField(label=_("Her language"), choices=[("", "—"), *COMMON_LANGUAGES], required=False)
    interpreter = forms.BooleanField(label=_("Needs an interpreter"), required=False)


class ShiftForm(forms.Form):
    prefix = "shift"
    staff = forms.ChoiceField(label=_("Who"))
    role = forms.ChoiceField(label=_("Role"), choices=StaffRole.choices)
    starts_at = forms.DateTimeField(label=_("From"), widget=forms.DateTimeInput(attrs=WHEN))
    ends_at = forms.DateTimeField(label=_("Until"), widget=forms.DateTimeInput(attrs=WHEN))

    def __init__(self, *args: Any, people: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].choices = [("", "—"), *people]  # type: ignore[attr-defined]


class CloseForm(forms.Form):
    prefix = "close"
    outcome = forms.ChoiceField(label=_("How it ended"), choices=EpisodeOutcome.choices, widget=forms.RadioSelect)
    placement = forms.CharField(label=_("Where she is placed"), max_length=500, required=False)
    note = forms.CharField(label=_("Reason"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class IncidentForm(forms.Form):
    prefix = "incident"
    kind = forms.ChoiceField(label=_("What happened"), choices=IncidentKind.choices, widget=forms.RadioSelect)
    occurred_at = forms.DateTimeField(label=_("When"), widget=forms.DateTimeInput(attrs=WHEN))
    note = forms.CharField(
        label=_("What happened, in words, and what was done"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

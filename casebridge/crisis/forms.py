"""Forms of the crisis-care pages. They check types and shapes; the rules are the actions'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from casebridge.agencies.models import Agency
from casebridge.cases.forms import COMMON_LANGUAGES
from casebridge.crisis.actions import MAX_WINDOW_HOURS
from casebridge.crisis.models import (
    CareItemKind,
    EpisodeOutcome,
    GuardianDecision,
    IncidentKind,
    PlaceKind,
    StaffRole,
)
from casebridge.lib.views import SubmissionTokenMixin

WHEN = {"type": "datetime-local"}


class EpisodeForm(SubmissionTokenMixin, forms.Form):
    case_number = forms.CharField(label=_("Case number"), max_length=32)
    place_kind = forms.ChoiceField(label=_("Kind of place"), choices=PlaceKind.choices)
    place = forms.CharField(label=_("Place"), max_length=200, help_text=_("For example: AHTJP station, Phnom Penh"))
    starts_at = forms.DateTimeField(label=_("From"), widget=forms.DateTimeInput(attrs=WHEN))
    window_hours = forms.IntegerField(
        label=_("Minimum window (hours)"),
        min_value=1,
        max_value=MAX_WINDOW_HOURS,
        required=False,
        help_text=_("Leave empty for your agency's policy (48 hours unless it says otherwise)."),
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
    agency = forms.ModelChoiceField(
        label=_("Placed with"),
        queryset=Agency.objects.none(),
        required=False,
        help_text=_("The suggested partners come first."),
    )
    placement = forms.CharField(label=_("Where, at that partner"), max_length=500, required=False)
    override_reason = forms.CharField(
        label=_("Why not a suggested partner"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    note = forms.CharField(label=_("Reason"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, suggested: list[Agency] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        field = self.fields["agency"]
        from casebridge.crisis.actions import takes_in

        placing = [a for a in Agency.objects.filter(is_active=True).order_by("name") if takes_in(a)]
        others = [a for a in placing if a not in suggested]
        field.queryset = Agency.objects.filter(pk__in=[a.pk for a in placing])  # type: ignore[attr-defined]
        field.choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *[(a.pk, f"★ {a.local_name}") for a in suggested],
            *[(a.pk, a.local_name) for a in others],
        ]


class AssessmentForm(forms.Form):
    prefix = "assessment"
    emotional = forms.CharField(
        label=_("Emotional needs"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    physical = forms.CharField(
        label=_("Physical needs"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    urgent_medical = forms.BooleanField(label=_("Needs urgent medical care"), required=False)
    translation = forms.CharField(label=_("Translation needs"), max_length=1000, required=False)
    safety_risks = forms.CharField(
        label=_("Safety risks"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    family_risk = forms.BooleanField(label=_("Risk from her family"), required=False)
    family_contact = forms.CharField(label=_("Her wishes on contact with her family"), max_length=1000, required=False)
    immediate_needs = forms.CharField(
        label=_("Immediate needs"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CareItemForm(forms.Form):
    prefix = "care"
    kind = forms.ChoiceField(label=_("Item"), choices=CareItemKind.choices)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=100, initial=1)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    handed_at = forms.DateTimeField(label=_("When"), widget=forms.DateTimeInput(attrs=WHEN))


class InterviewForm(forms.Form):
    prefix = "interview"
    held_at = forms.DateTimeField(label=_("When"), widget=forms.DateTimeInput(attrs=WHEN))
    minutes = forms.IntegerField(label=_("How long (minutes)"), min_value=1, max_value=24 * 60)
    interviewer = forms.CharField(label=_("By whom"), max_length=200)
    present = forms.CharField(label=_("Who was present"), max_length=500)
    female_officer = forms.BooleanField(label=_("A female officer was present"), required=False)


class GuardianForm(forms.Form):
    prefix = "guardian"
    decision = forms.ChoiceField(
        label=_("Her parents or guardian"), choices=GuardianDecision.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(label=_("Why"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class IncidentForm(forms.Form):
    prefix = "incident"
    kind = forms.ChoiceField(label=_("What happened"), choices=IncidentKind.choices, widget=forms.RadioSelect)
    occurred_at = forms.DateTimeField(label=_("When"), widget=forms.DateTimeInput(attrs=WHEN))
    note = forms.CharField(
        label=_("What happened, in words, and what was done"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

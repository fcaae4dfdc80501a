"""Forms of her care pages. They check types and shapes; the rules are the actions' (care.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from casebridge.agencies.models import Agency, Service
from casebridge.cases.sections import Section
from casebridge.lib.views import SubmissionTokenMixin
from casebridge.restoration.care import MAX_MINUTES
from casebridge.restoration.models import (
    CareDomain,
    Currency,
    EnrolmentKind,
    EnrolmentStatus,
    GoalStatus,
    Instrument,
    MedicalKind,
    MedicalTest,
    OutcomeMoment,
    SessionKind,
    Stage,
)

DAY = forms.DateInput(attrs={"type": "date"})


def _day(label: Any, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, widget=DAY, required=required)


def _minutes() -> forms.IntegerField:
    return forms.IntegerField(label=_("How long (minutes)"), min_value=1, max_value=MAX_MINUTES)


def _text(label: Any, limit: int, *, required: bool = False, rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=limit, required=required, widget=forms.Textarea(attrs={"rows": rows})
    )


class PlanForm(SubmissionTokenMixin, forms.Form):
    prefix = "plan"
    her_participation = _text(_("How she took part: what she wants, in her own words"), 2000, required=True)
    review_every_days = forms.IntegerField(
        label=_("Review every (days)"),
        min_value=7,
        max_value=366,
        required=False,
        help_text=_("Leave empty for the usual interval (90 days unless configured otherwise)."),
    )


class GoalForm(SubmissionTokenMixin, forms.Form):
    prefix = "goal"
    domain = forms.ChoiceField(label=_("Domain"), choices=CareDomain.choices)
    text = _text(_("Goal"), 1000, required=True, rows=2)
    target_on = _day(_("Target date"))
    agency = forms.ModelChoiceField(label=_("Responsible agency"), queryset=Agency.objects.none())
    person = forms.CharField(label=_("Responsible person"), max_length=200, required=False)

    def __init__(self, *args: Any, agencies: list[int] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(pk__in=agencies or [])  # type: ignore[attr-defined]


class GoalStatusForm(forms.Form):
    goal = forms.UUIDField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("Status"), choices=GoalStatus.choices)


class ServiceForm(SubmissionTokenMixin, forms.Form):
    prefix = "service"
    delivered_on = _day(_("Date"))
    kind = forms.ChoiceField(label=_("Service"), choices=Service.choices)
    minutes = _minutes()
    goal = forms.ChoiceField(label=_("Towards the goal"), required=False)
    domain = forms.ChoiceField(
        label=_("Domain"),
        choices=[("", "—"), *CareDomain.choices],
        required=False,
        help_text=_("Needed only when the service is not towards a goal."),
    )
    note = _text(_("Notes"), 2000)

    def __init__(self, *args: Any, goals: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["goal"].choices = [("", "—"), *(goals or [])]  # type: ignore[attr-defined]


class ReviewForm(SubmissionTokenMixin, forms.Form):
    prefix = "review"
    held_on = _day(_("Held on"))
    she_took_part = forms.BooleanField(label=_("She took part"), required=False, initial=True)
    summary = _text(_("What was found"), 4000, required=True, rows=4)
    next_review_on = _day(_("Next review"), required=False)


class ClosePlanForm(forms.Form):
    prefix = "close"
    reason = forms.CharField(label=_("Why the plan is closed"), max_length=1000)


class MedicalForm(SubmissionTokenMixin, forms.Form):
    prefix = "medical"
    kind = forms.ChoiceField(label=_("Kind"), choices=MedicalKind.choices)
    on = _day(_("Date"))
    clinic = forms.CharField(label=_("Clinic"), max_length=200)
    test = forms.ChoiceField(label=_("Test"), choices=[("", "—"), *MedicalTest.choices], required=False)
    result = forms.CharField(label=_("Result"), max_length=1000, required=False)
    note = _text(_("Notes (the treatment, for a treatment)"), 2000)


class SessionForm(SubmissionTokenMixin, forms.Form):
    prefix = "session"
    held_on = _day(_("Held on"))
    kind = forms.ChoiceField(label=_("Kind"), choices=SessionKind.choices)
    minutes = _minutes()
    instrument = forms.ModelChoiceField(
        label=_("Wellbeing instrument"), queryset=Instrument.objects.filter(active=True), required=False
    )
    score = forms.IntegerField(label=_("Wellbeing score"), required=False, min_value=-1000, max_value=1000)
    notes = _text(_("Restricted notes (only your agency reads them)"), 4000, rows=4)


class EnrolmentForm(SubmissionTokenMixin, forms.Form):
    prefix = "enrolment"
    kind = forms.ChoiceField(label=_("Kind"), choices=EnrolmentKind.choices)
    institution = forms.CharField(label=_("School or course"), max_length=200)
    started_on = _day(_("From"))
    attendance = forms.IntegerField(label=_("Attendance (%)"), min_value=0, max_value=100, required=False)


class EnrolmentUpdateForm(forms.Form):
    enrolment = forms.UUIDField(widget=forms.HiddenInput)
    attendance = forms.IntegerField(label=_("Attendance (%)"), min_value=0, max_value=100, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=EnrolmentStatus.choices)
    ended_on = _day(_("Until"), required=False)


class LivelihoodForm(SubmissionTokenMixin, forms.Form):
    prefix = "livelihood"
    month = forms.DateField(label=_("Month"), widget=forms.DateInput(attrs={"type": "month"}), input_formats=["%Y-%m"])
    work = forms.CharField(label=_("Work"), max_length=200, required=False)
    income = forms.DecimalField(label=_("Income this month"), max_digits=12, decimal_places=2, min_value=0)
    savings = forms.DecimalField(label=_("Savings"), max_digits=12, decimal_places=2, min_value=0)
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)


class StartForm(SubmissionTokenMixin, forms.Form):
    prefix = "start"
    on = _day(_("From"))
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)


class CheckForm(forms.Form):
    prefix = "check"
    key = forms.ChoiceField(label=_("Item"))
    done_on = _day(_("Done on"))
    note = _text(_("Finding"), 2000)

    def __init__(self, *args: Any, items: list[tuple[str, Any]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["key"].choices = items or []  # type: ignore[attr-defined]


class StageForm(forms.Form):
    prefix = "stage"
    stage = forms.ChoiceField(widget=forms.HiddenInput, choices=Stage.choices)
    on = _day(_("From"))
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)


class FollowUpForm(forms.Form):
    prefix = "visit"
    visit = forms.UUIDField(widget=forms.HiddenInput)
    done_on = _day(_("Held on"))
    note = _text(_("What was found"), 2000, required=True)


SCORE = [(n, str(n)) for n in range(1, 6)]


class OutcomeForm(SubmissionTokenMixin, forms.Form):
    prefix = "outcome"
    moment = forms.ChoiceField(label=_("When"), choices=OutcomeMoment.choices)
    scored_on = _day(_("Scored on"))
    safety = forms.TypedChoiceField(label=_("Safety (1 poor to 5 good)"), choices=SCORE, coerce=int)
    wellbeing = forms.TypedChoiceField(label=_("Wellbeing"), choices=SCORE, coerce=int)
    education_income = forms.TypedChoiceField(label=_("Education or income"), choices=SCORE, coerce=int)
    legal_status = forms.TypedChoiceField(label=_("Legal status"), choices=SCORE, coerce=int)
    retrafficked = forms.BooleanField(label=_("Trafficked again"), required=False)


class MoveForm(forms.Form):
    prefix = "move"
    agency = forms.ModelChoiceField(
        label=_("Moves to"),
        queryset=Agency.objects.none(),
        required=False,
        help_text=_("Leave empty when she leaves care (home, or on her own)."),
    )
    at = forms.DateTimeField(label=_("When"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    place = forms.CharField(label=_("Place"), max_length=500, required=False)
    reason = forms.CharField(label=_("Why she moves"), max_length=1000)

    def __init__(self, *args: Any, agencies: list[int] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(pk__in=agencies or [])  # type: ignore[attr-defined]


class TransferForm(SubmissionTokenMixin, forms.Form):
    prefix = "transfer"
    to_agency = forms.ModelChoiceField(label=_("Hand her case to"), queryset=Agency.objects.none())
    reason = forms.CharField(label=_("Why"), max_length=1000)
    keep_sections = forms.MultipleChoiceField(
        label=_("Sections your agency keeps reading afterwards"),
        choices=[(s.value, s.label) for s in Section if s != Section.INVESTIGATION],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    keep_days = forms.IntegerField(label=_("For (days)"), min_value=1, max_value=366, initial=90)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        found = Agency.objects.filter(is_active=True, is_platform=False).order_by("name")
        self.fields["to_agency"].queryset = found  # type: ignore[attr-defined]


class TransferAnswerForm(forms.Form):
    transfer = forms.UUIDField(widget=forms.HiddenInput)
    move = forms.ChoiceField(choices=[("accept", "accept"), ("decline", "decline"), ("withdraw", "withdraw")])
    note = forms.CharField(label=_("Reason or note"), max_length=1000, required=False)

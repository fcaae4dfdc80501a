"""Forms of the legal pages. They check types and shapes; the rules are the actions'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from casebridge.agencies.models import Agency
from casebridge.legal.models import Closure, HearingKind, Measure, PartyRole, Stage
from casebridge.lib.views import SubmissionTokenMixin

DAY = forms.DateInput(attrs={"type": "date"})


class ProceedingForm(SubmissionTokenMixin, forms.Form):
    agency = forms.ModelChoiceField(label=_("Lead legal agency"), queryset=Agency.objects.none())
    case_numbers = forms.CharField(
        label=_("Survivors' case numbers"), max_length=400, help_text=_("One or more, separated by commas.")
    )
    role = forms.ChoiceField(label=_("As"), choices=PartyRole.choices)
    opened_on = forms.DateField(label=_("Complaint filed on"), widget=DAY)
    court = forms.CharField(label=_("Court"), max_length=200, required=False)
    police_file = forms.CharField(label=_("Police file reference"), max_length=100, required=False)
    court_reference = forms.CharField(label=_("Court reference"), max_length=100, required=False)
    prosecutor = forms.CharField(label=_("Prosecutor"), max_length=200, required=False)
    investigating_judge = forms.CharField(label=_("Investigating judge"), max_length=200, required=False)

    def __init__(self, *args: Any, agencies: list[int] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(pk__in=agencies or [])  # type: ignore[attr-defined]


class DefendantForm(SubmissionTokenMixin, forms.Form):
    prefix = "defendant"
    name = forms.CharField(label=_("Name"), max_length=200)
    sex = forms.ChoiceField(
        label=_("Sex"), choices=[("", "—"), ("male", _("Male")), ("female", _("Female"))], required=False
    )
    birth_year = forms.IntegerField(label=_("Year of birth"), min_value=1900, max_value=2100, required=False)


class ChargeForm(SubmissionTokenMixin, forms.Form):
    prefix = "charge"
    defendant = forms.ChoiceField(label=_("Defendant"))
    article = forms.ChoiceField(label=_("Article of the 2008 law"))
    filed_on = forms.DateField(label=_("Filed on"), widget=DAY)
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)

    def __init__(
        self, *args: Any, defendants: list[tuple[str, str]] | None = None, articles: Any = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["defendant"].choices = defendants or []  # type: ignore[attr-defined]
        self.fields["article"].choices = [(c.article, str(c)) for c in articles]  # type: ignore[attr-defined]


class StageForm(forms.Form):
    prefix = "stage"
    stage = forms.ChoiceField(label=_("Moves to"), choices=Stage.choices)
    on = forms.DateField(label=_("On"), widget=DAY)
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)

    def __init__(self, *args: Any, stages: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [(s, Stage(s).label) for s in stages or []]  # type: ignore[attr-defined]


class CloseForm(forms.Form):
    prefix = "close"
    closed_as = forms.ChoiceField(label=_("How it ended"), choices=Closure.choices)
    on = forms.DateField(label=_("On"), widget=DAY)
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)


class HearingForm(SubmissionTokenMixin, forms.Form):
    prefix = "hearing"
    at = forms.DateTimeField(label=_("When"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    court = forms.CharField(label=_("Court"), max_length=200)
    room = forms.CharField(label=_("Room"), max_length=100, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=HearingKind.choices)
    defendants_attend = forms.BooleanField(label=_("The defendants attend"), required=False, initial=True)


class SummonForm(forms.Form):
    prefix = "summon"
    hearing = forms.ChoiceField(label=_("Hearing"))
    case = forms.ChoiceField(label=_("Survivor (case)"))
    requested = forms.MultipleChoiceField(
        label=_("Protective measures requested"),
        choices=Measure.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    granted = forms.MultipleChoiceField(
        label=_("Protective measures granted"),
        choices=Measure.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        hearings: list[tuple[str, str]] | None = None,
        cases: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["hearing"].choices = hearings or []  # type: ignore[attr-defined]
        self.fields["case"].choices = cases or []  # type: ignore[attr-defined]

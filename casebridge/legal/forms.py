"""Forms of the legal pages. They check types and shapes; the rules are the actions'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from casebridge.agencies.models import Agency
from casebridge.legal.models import (
    AppealResult,
    Closure,
    Custody,
    EvidenceKind,
    HearingKind,
    Measure,
    PartyRole,
    SessionKind,
    Stage,
    Verdict,
)
from casebridge.lib.views import SubmissionTokenMixin

DAY = forms.DateInput(attrs={"type": "date"})
MOMENT = forms.DateTimeInput(attrs={"type": "datetime-local"})
Choices = list[tuple[str, str]]


class ChoicesMixin:
    """Choice fields filled from the page's records (what the user reaches): a posted id not among
    them is refused as an invalid choice before anything is written."""

    choice_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, choices: dict[str, Choices] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for name in self.choice_fields:
            field = self.fields[name]  # type: ignore[attr-defined]
            field.choices = ([("", "—")] if not field.required else []) + (choices or {}).get(name, [])


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


class DefendantForm(ChoicesMixin, SubmissionTokenMixin, forms.Form):
    prefix = "defendant"
    choice_fields = ("subject",)
    subject = forms.ChoiceField(
        label=_("A subject of an investigation you are granted"),
        required=False,
        help_text=_("His name is taken from the investigation; or leave this empty and give the name."),
    )
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
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


class CustodyForm(ChoicesMixin, forms.Form):
    prefix = "custody"
    choice_fields = ("defendant",)
    defendant = forms.ChoiceField(label=_("Defendant"))
    status = forms.ChoiceField(label=_("Held"), choices=Custody.choices)
    since = forms.DateTimeField(label=_("Since (for police custody: the arrest)"), widget=MOMENT)
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)


class ExtendForm(ChoicesMixin, forms.Form):
    prefix = "extend"
    choice_fields = ("defendant",)
    defendant = forms.ChoiceField(label=_("Defendant in police custody"))
    until = forms.DateTimeField(label=_("Extended by the prosecutor to"), widget=MOMENT)
    note = forms.CharField(label=_("The prosecutor's authorisation"), max_length=1000)


class JudgmentForm(ChoicesMixin, forms.Form):
    prefix = "judgment"
    choice_fields = ("charge",)
    charge = forms.ChoiceField(label=_("Charge"))
    verdict = forms.ChoiceField(label=_("Verdict"), choices=Verdict.choices)
    on = forms.DateField(label=_("Judged on"), widget=DAY)
    years = forms.IntegerField(label=_("Years of prison"), min_value=0, max_value=99, required=False)
    months = forms.IntegerField(label=_("and months"), min_value=0, max_value=11, required=False)
    fine = forms.IntegerField(label=_("Fine (riel)"), min_value=0, max_value=10**12, required=False)


class AppealForm(ChoicesMixin, forms.Form):
    prefix = "appeal"
    choice_fields = ("charge",)
    charge = forms.ChoiceField(label=_("Judgment appealed"))
    appealed_on = forms.DateField(label=_("Appeal filed on"), widget=DAY, required=False)
    result = forms.ChoiceField(label=_("Result"), choices=[("", "—"), *AppealResult.choices], required=False)
    decided_on = forms.DateField(label=_("Decided on"), widget=DAY, required=False)


class CompensationForm(ChoicesMixin, SubmissionTokenMixin, forms.Form):
    prefix = "compensation"
    choice_fields = ("defendant", "case")
    defendant = forms.ChoiceField(label=_("Ordered to pay"))
    case = forms.ChoiceField(label=_("To the survivor (case)"))
    amount = forms.IntegerField(label=_("Amount (riel)"), min_value=1, max_value=10**12)
    ordered_on = forms.DateField(label=_("Ordered on"), widget=DAY)


class PaymentForm(ChoicesMixin, SubmissionTokenMixin, forms.Form):
    prefix = "payment"
    choice_fields = ("compensation",)
    compensation = forms.ChoiceField(label=_("Compensation"))
    amount = forms.IntegerField(label=_("Amount paid (riel)"), min_value=1, max_value=10**12)
    paid_on = forms.DateField(label=_("Paid on"), widget=DAY)


class EvidenceForm(ChoicesMixin, SubmissionTokenMixin, forms.Form):
    prefix = "evidence"
    choice_fields = ("seized",)
    kind = forms.ChoiceField(label=_("Kind"), choices=EvidenceKind.choices)
    description = forms.CharField(label=_("Description"), max_length=500)
    sha256 = forms.CharField(
        label=_("SHA-256 of the file"),
        max_length=64,
        required=False,
        help_text=_("For a digital file: 64 hexadecimal digits, computed from the file itself."),
    )
    collected_by = forms.CharField(label=_("Collected by"), max_length=200)
    collected_on = forms.DateField(label=_("Collected on"), widget=DAY)
    location = forms.CharField(label=_("Kept at"), max_length=200)
    seized = forms.ChoiceField(label=_("Seized in an operation"), required=False)


class HandoffForm(ChoicesMixin, SubmissionTokenMixin, forms.Form):
    prefix = "handoff"
    choice_fields = ("evidence", "receiver")
    evidence = forms.ChoiceField(label=_("Item you hold"))
    receiver = forms.ChoiceField(label=_("Handed to"))
    location = forms.CharField(label=_("To be kept at"), max_length=200)
    purpose = forms.CharField(label=_("Why"), max_length=500, required=False)


class ConfirmForm(ChoicesMixin, forms.Form):
    prefix = "confirm"
    choice_fields = ("handoff",)
    handoff = forms.ChoiceField(widget=forms.HiddenInput)


class CounselForm(SubmissionTokenMixin, forms.Form):
    prefix = "counsel"
    user = forms.CharField(label=_("Username of a lawyer of another agency"), max_length=150)
    expires_at = forms.DateTimeField(label=_("Until (optional)"), widget=MOMENT, required=False)


class RevokeCounselForm(ChoicesMixin, forms.Form):
    prefix = "revoke"
    choice_fields = ("counsel",)
    counsel = forms.ChoiceField(widget=forms.HiddenInput)


class SessionForm(ChoicesMixin, SubmissionTokenMixin, forms.Form):
    choice_fields = ("attendance",)
    kind = forms.ChoiceField(label=_("Kind"), choices=SessionKind.choices)
    on = forms.DateField(label=_("On"), widget=DAY)
    attendance = forms.ChoiceField(label=_("The hearing she attended (when accompanied)"), required=False)
    staff = forms.CharField(label=_("With (aftercare and legal staff)"), max_length=300)
    readiness = forms.CharField(
        label=_("Her readiness"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Read only by your agency's staff on her case."),
    )

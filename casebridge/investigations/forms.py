"""Forms of the investigations pages. They check types and shapes; the rules are the actions'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casebridge.agencies.models import Agency, OrgType
from casebridge.investigations import codes
from casebridge.investigations.models import (
    Credibility,
    DecidedBy,
    EstablishmentStatus,
    EstablishmentType,
    Handling,
    IdentifierKind,
    LinkKind,
    LinkSource,
    Minor,
    NodeType,
    NotVictimReason,
    Outcome,
    Reliability,
    Sex,
    SubjectRole,
    TraffickingStatus,
)
from casebridge.lib.places import PROVINCES, district_choices, province_choices
from casebridge.lib.views import SubmissionTokenMixin
from casebridge.people.models import Gender

DATE = {"type": "date"}
WHEN = {"type": "datetime-local"}
CHECKS = forms.CheckboxSelectMultiple


def _blank(choices: Any) -> list[tuple[str, Any]]:
    return [("", "—"), *choices]


class AgencyMixin(forms.Form):
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.none(), empty_label=None)

    def __init__(self, *args: Any, agencies: set[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(pk__in=agencies)  # type: ignore[attr-defined]


def all_districts() -> list[tuple[str, Any]]:
    """Every district, grouped by province (the list is short: about two hundred)."""
    return [("", "—"), *((name, district_choices(code)) for code, name, _km in PROVINCES)]


class EstablishmentForm(SubmissionTokenMixin, AgencyMixin):
    kind = forms.ChoiceField(label=_("Type"), choices=_blank(EstablishmentType.choices))
    name = forms.CharField(label=_("Name"), max_length=200)
    aliases = forms.CharField(
        label=_("Other names"), max_length=1000, required=False, help_text=_("Separate with commas.")
    )
    address = forms.CharField(
        label=_("Address"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    province = forms.ChoiceField(label=_("Province"), required=False)
    district = forms.ChoiceField(label=_("District"), required=False)
    commune = forms.CharField(
        label=_("Commune code"),
        max_length=6,
        required=False,
        help_text=_("Six digits, from the list of communes shown once a district is chosen."),
    )
    latitude = forms.CharField(label=_("Latitude"), max_length=20, required=False, help_text=_("For example 11.5564"))
    longitude = forms.CharField(
        label=_("Longitude"), max_length=20, required=False, help_text=_("For example 104.9282")
    )
    status = forms.ChoiceField(label=_("Status"), choices=EstablishmentStatus.choices)
    status_since = forms.DateField(label=_("Since"), required=False, widget=forms.DateInput(attrs=DATE))
    notes = forms.CharField(label=_("Notes"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    different_place = forms.BooleanField(label=_("This is another place"), required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = _blank(province_choices())  # type: ignore[attr-defined]
        self.fields["district"].choices = all_districts()  # type: ignore[attr-defined]

    def data_for_action(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("submission", None)
        data["aliases"] = [a.strip() for a in data["aliases"].split(",") if a.strip()]
        return data


class StatusForm(forms.Form):
    prefix = "status"
    status = forms.ChoiceField(label=_("Status"), choices=EstablishmentStatus.choices)
    since = forms.DateField(label=_("Since"), widget=forms.DateInput(attrs=DATE))
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["since"].initial = timezone.localdate()


class SubjectForm(SubmissionTokenMixin, AgencyMixin):
    family_name = forms.CharField(label=_("Family name (as written)"), max_length=100, required=False)
    given_name = forms.CharField(label=_("Given name (as written)"), max_length=100, required=False)
    family_name_latin = forms.CharField(label=_("Family name in Latin letters"), max_length=100, required=False)
    given_name_latin = forms.CharField(label=_("Given name in Latin letters"), max_length=100, required=False)
    aliases = forms.CharField(
        label=_("Other names, nicknames"), max_length=1000, required=False, help_text=_("Separate with commas.")
    )
    estimated_age = forms.IntegerField(label=_("Estimated age (years)"), required=False, min_value=0, max_value=120)
    gender = forms.ChoiceField(label=_("Sex / gender"), choices=_blank(Gender.choices), required=False)
    roles = forms.MultipleChoiceField(
        label=_("Role in the process"), choices=SubjectRole.choices, widget=CHECKS, required=False
    )
    notes = forms.CharField(label=_("Notes"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def identity_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        identity = {
            f: data[f] for f in ("family_name", "given_name", "family_name_latin", "given_name_latin", "gender")
        }
        identity["aliases"] = data["aliases"]
        if data["estimated_age"] is not None:
            identity.update(estimated_age=data["estimated_age"], age_method="appearance")
        return identity


class IdentifierForm(forms.Form):
    prefix = "identifier"
    kind = forms.ChoiceField(label=_("Kind"), choices=IdentifierKind.choices)
    value = forms.CharField(label=_("Value"), max_length=200)


class LinkForm(forms.Form):
    prefix = "link"
    kind = forms.ChoiceField(label=_("Link"), choices=LinkKind.choices)
    other = forms.ChoiceField(label=_("To"), required=False)
    case_number = forms.CharField(
        label=_("Or a case number"),
        max_length=32,
        required=False,
        help_text=_("A survivor's case you reach, e.g. JPC-2026-000123."),
    )
    source = forms.ChoiceField(label=_("Source"), choices=LinkSource.choices)
    starts_on = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs=DATE))
    ends_on = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs=DATE))
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)

    def __init__(self, *args: Any, nodes: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["other"].choices = _blank(nodes)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("other") and not data.get("case_number"):
            self.add_error("other", _("Choose what to link to, or give a case number."))
        return data


class ReportForm(SubmissionTokenMixin, AgencyMixin):
    received_on = forms.DateField(label=_("Received on"), widget=forms.DateInput(attrs=DATE))
    reliability = forms.ChoiceField(label=_("Source reliability"), choices=Reliability.choices)
    credibility = forms.ChoiceField(label=_("Information credibility"), choices=Credibility.choices)
    handling = forms.ChoiceField(label=_("Handling"), choices=Handling.choices)
    summary = forms.CharField(label=_("Summary"), max_length=300)
    source = forms.CharField(
        label=_("Source"),
        max_length=200,
        required=False,
        help_text=_("How the source is known within the team; never a name."),
    )
    body = forms.CharField(
        label=_("Report"), max_length=20000, required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    mentions = forms.MultipleChoiceField(label=_("Mentions"), required=False, widget=CHECKS)

    def __init__(self, *args: Any, nodes: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mentions"].choices = nodes  # type: ignore[attr-defined]
        self.fields["received_on"].initial = timezone.localdate()


class OperationForm(SubmissionTokenMixin, AgencyMixin):
    name = forms.CharField(label=_("Name"), max_length=100)
    planned_for = forms.DateTimeField(label=_("Planned for"), widget=forms.DateTimeInput(attrs=WHEN))
    lead_unit = forms.ModelChoiceField(label=_("Lead police unit"), queryset=Agency.objects.none(), empty_label=None)
    participants = forms.ModelMultipleChoiceField(
        label=_("Participating agencies"), queryset=Agency.objects.none(), required=False, widget=CHECKS
    )
    standby = forms.ModelChoiceField(
        label=_("Aftercare team on standby"), queryset=Agency.objects.none(), required=False
    )
    targets = forms.MultipleChoiceField(label=_("Target establishments"), required=False, widget=CHECKS)
    basis = forms.MultipleChoiceField(label=_("Based on the reports"), required=False, widget=CHECKS)

    def __init__(
        self, *args: Any, targets: list[tuple[str, str]], reports: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        active = Agency.objects.filter(is_active=True)
        self.fields["lead_unit"].queryset = active.filter(org_type=OrgType.LAW_ENFORCEMENT)  # type: ignore[attr-defined]
        self.fields["participants"].queryset = active  # type: ignore[attr-defined]
        self.fields["standby"].queryset = active.exclude(org_type=OrgType.LAW_ENFORCEMENT)  # type: ignore[attr-defined]
        self.fields["targets"].choices = targets  # type: ignore[attr-defined]
        self.fields["basis"].choices = reports  # type: ignore[attr-defined]


class AuthoriseForm(forms.Form):
    reference = forms.CharField(label=_("Prosecutor's authorisation reference"), max_length=100)
    authorised_on = forms.DateField(label=_("Authorised on"), widget=forms.DateInput(attrs=DATE))


class CarryOutForm(forms.Form):
    carried_out_at = forms.DateTimeField(label=_("Carried out at"), widget=forms.DateTimeInput(attrs=WHEN))
    debrief = forms.CharField(
        label=_("Debrief notes"), max_length=10000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class CloseForm(forms.Form):
    debrief = forms.CharField(
        label=_("Debrief notes"), max_length=10000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class CancelForm(forms.Form):
    prefix = "cancel"
    reason = forms.CharField(label=_("Why it is cancelled"), max_length=1000)


class EncounterForm(forms.Form):
    prefix = "encounter"
    description = forms.CharField(
        label=_("Description"),
        max_length=300,
        required=False,
        help_text=_("Enough to tell people apart at the scene; no name."),
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.FEMALE)
    removed = forms.BooleanField(label=_("Removed to safety"), required=False)


class ArrestForm(forms.Form):
    prefix = "arrest"
    subject = forms.ChoiceField(label=_("Subject arrested"))
    encounter = forms.ChoiceField(label=_("Person encountered"), required=False)

    def __init__(self, *args: Any, subjects: list[tuple[str, str]], encounters: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["subject"].choices = _blank(subjects)  # type: ignore[attr-defined]
        self.fields["encounter"].choices = _blank(encounters)  # type: ignore[attr-defined]


class WithdrawForm(forms.Form):
    prefix = "withdraw"
    reason = forms.CharField(label=_("Why the arrest is withdrawn"), max_length=500)


class SeizedForm(forms.Form):
    prefix = "seized"
    description = forms.CharField(label=_("What was seized"), max_length=500)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=100_000, initial=1)


class ScreeningForm(forms.Form):
    indicators = forms.MultipleChoiceField(
        label=_("Signs of trafficking"), choices=codes.INDICATORS, widget=CHECKS, required=False
    )
    age_methods = forms.MultipleChoiceField(
        label=_("How the age was determined"), choices=codes.AGE_METHODS, widget=CHECKS, required=False
    )
    minor = forms.ChoiceField(label=_("A minor?"), choices=Minor.choices, widget=forms.RadioSelect)
    age_low = forms.IntegerField(label=_("Estimated age, from"), min_value=0, max_value=99, required=False)
    age_high = forms.IntegerField(label=_("Estimated age, to"), min_value=0, max_value=99, required=False)
    status = forms.ChoiceField(
        label=_("Trafficking status"), choices=TraffickingStatus.choices, widget=forms.RadioSelect
    )
    decided_by = forms.ChoiceField(label=_("Decided by"), choices=DecidedBy.choices)
    exploitation = forms.MultipleChoiceField(
        label=_("Type of exploitation"), choices=codes.EXPLOITATION, widget=CHECKS, required=False
    )
    sexual_exploitation = forms.MultipleChoiceField(
        label=_("Type of sexual exploitation"), choices=codes.SEXUAL_EXPLOITATION, widget=CHECKS, required=False
    )
    forced_criminality = forms.MultipleChoiceField(
        label=_("Forced criminality"), choices=codes.FORCED_CRIMINALITY, widget=CHECKS, required=False
    )
    control = forms.MultipleChoiceField(
        label=_("Methods of control"), choices=codes.CONTROL, widget=CHECKS, required=False
    )
    recruitment = forms.MultipleChoiceField(
        label=_("Method of recruitment"), choices=codes.RECRUITMENT, widget=CHECKS, required=False
    )
    relationship = forms.ChoiceField(
        label=_("Relationship to the recruiter"), choices=_blank(codes.RELATIONSHIP), required=False
    )
    recruited_in = forms.CharField(label=_("Where she was recruited"), max_length=200, required=False)
    recruited_on = forms.DateField(
        label=_("When she was recruited"), required=False, widget=forms.DateInput(attrs=DATE)
    )
    exploited_in = forms.CharField(label=_("Where she was exploited"), max_length=200, required=False)
    exploited_on = forms.DateField(
        label=_("Since when she was exploited"), required=False, widget=forms.DateInput(attrs=DATE)
    )
    languages = forms.CharField(
        label=_("Languages (ISO codes)"), max_length=100, required=False, help_text=_("For example: km, vi")
    )
    interpreter = forms.BooleanField(label=_("Needs an interpreter"), required=False)
    notes = forms.CharField(label=_("Notes"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[(Outcome.PENDING, Outcome.PENDING.label), (Outcome.NOT_A_VICTIM, Outcome.NOT_A_VICTIM.label)],
        widget=forms.RadioSelect,
        initial=Outcome.PENDING,
        help_text=_("To open a survivor case, save the screening, then open the case."),
    )
    reason = forms.ChoiceField(label=_("Why not a victim"), choices=_blank(NotVictimReason.choices), required=False)
    reason_note = forms.CharField(label=_("The reason, in words"), max_length=1000, required=False)

    def data_for_action(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["history"] = []
        for kind, place_field, day_field in (
            ("Recruitment", "recruited_in", "recruited_on"),
            ("Exploitation", "exploited_in", "exploited_on"),
        ):
            place, day = data.pop(place_field), data.pop(day_field)
            if place or day:
                data["history"].append(
                    {"type": kind, "country": "", "place": place, "date": day.isoformat() if day else ""}
                )
        data["languages"] = [code.strip() for code in data["languages"].split(",") if code.strip()]
        return data


class ConsentForm(forms.Form):
    """Her decision (or, for a child, her guardian's with her assent) on receiving services."""

    consent_decision = forms.ChoiceField(
        label=_("Receiving services"),
        widget=forms.RadioSelect,
        choices=[("given", _("Given")), ("refused", _("Refused"))],
    )
    consent_given_by = forms.ChoiceField(
        label=_("Decided by"),
        widget=forms.RadioSelect,
        choices=[("survivor", _("The survivor")), ("guardian", _("A parent or guardian"))],
    )
    child_assent = forms.NullBooleanField(label=_("The child agrees (assent)"), required=False)
    consent_language = forms.ChoiceField(
        label=_("Explained in"),
        choices=[("khm", "ខ្មែរ"), ("vie", "Tiếng Việt"), ("eng", "English"), ("tha", "ไทย"), ("zho", "中文")],
    )


class SearchForm(forms.Form):
    q = forms.CharField(label=_("A name, a phone, a plate, a handle or an account"), max_length=200)


NODE_TYPES = [t for t in NodeType if t != NodeType.CASE]

"""Forms for the intake, case status, notes and the case team."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from casebridge.agencies.models import Agency, Role
from casebridge.cases.access import DEFAULT_SORT, SORTS, CaseFilters
from casebridge.cases.models import CLOSED_STATUSES, AgeBand, CaseStatus, ClosureReason, ParticipantRole
from casebridge.cases.sections import Section
from casebridge.lib.codes import clean_country_filter, language_name
from casebridge.lib.places import PROVINCE_CHOICES, province_choices
from casebridge.lib.views import SubmissionTokenMixin
from casebridge.people.models import AgeMethod, Gender

COMMON_NATIONALITIES = [
    ("KH", _("Cambodian")),
    ("VN", _("Vietnamese")),
    ("TH", _("Thai")),
    ("LA", _("Lao")),
    ("MM", _("Myanmar")),
    ("CN", _("Chinese")),
]
COMMON_LANGUAGES = [(code, lazy(language_name, str)(code)) for code in ("khm", "vie", "eng", "tha", "lao")]


def _codes(text: str) -> list[str]:
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


class IntakeForm(SubmissionTokenMixin, forms.Form):
    """Register a survivor and open their case."""

    agency = forms.ModelChoiceField(label=_("Lead agency"), queryset=Agency.objects.none(), empty_label=None)
    family_name = forms.CharField(label=_("Family name (as written)"), max_length=100, required=False)
    given_name = forms.CharField(label=_("Given name (as written)"), max_length=100, required=False)
    family_name_latin = forms.CharField(label=_("Family name in Latin letters"), max_length=100, required=False)
    given_name_latin = forms.CharField(label=_("Given name in Latin letters"), max_length=100, required=False)
    aliases = forms.CharField(
        label=_("Other names, nicknames"), max_length=1000, required=False, help_text=_("Separate with commas.")
    )
    birth_date = forms.DateField(label=_("Birth date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    estimated_age = forms.IntegerField(label=_("Or estimated age (years)"), required=False, min_value=0, max_value=120)
    age_method = forms.ChoiceField(
        label=_("How the age was established"), choices=[("", "—"), *AgeMethod.choices], required=False
    )
    gender = forms.ChoiceField(label=_("Sex / gender"), choices=[("", "—"), *Gender.choices], required=False)
    nationalities = forms.MultipleChoiceField(
        label=_("Nationality"), choices=COMMON_NATIONALITIES, required=False, widget=forms.CheckboxSelectMultiple
    )
    other_nationalities = forms.CharField(
        label=_("Other nationalities (ISO codes)"), max_length=100, required=False, help_text=_("For example: ID, PH")
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"), choices=COMMON_LANGUAGES, required=False, widget=forms.CheckboxSelectMultiple
    )
    other_languages = forms.CharField(
        label=_("Other languages (ISO codes)"), max_length=100, required=False, help_text=_("For example: zho, mya")
    )
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False, help_text=_("For example: +85512345678"))
    address = forms.CharField(
        label=_("Address"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    province = forms.ChoiceField(label=_("Province"), choices=[])
    opened_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, agencies: list[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(pk__in=[a.pk for a in agencies])  # type: ignore[attr-defined]
        self.fields["province"].choices = province_choices()  # type: ignore[attr-defined]
        self.fields["opened_on"].initial = timezone.localdate()
        if agencies:
            self.fields["agency"].initial = agencies[0].pk
            self.fields["province"].initial = agencies[0].province

    def identity_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "given_name": data["given_name"],
            "family_name": data["family_name"],
            "given_name_latin": data["given_name_latin"],
            "family_name_latin": data["family_name_latin"],
            "aliases": data["aliases"],
            "birth_date": data["birth_date"],
            "estimated_age": data["estimated_age"],
            "age_method": data["age_method"],
            "gender": data["gender"],
            "nationalities": [*data["nationalities"], *_codes(data["other_nationalities"])],
            "languages": [*data["languages"], *_codes(data["other_languages"])],
            "phone": data["phone"],
            "address": data["address"],
        }


class PossibleMatchForm(forms.Form):
    """At intake, once possible existing people were shown: register anyway, or ask about a
    record elsewhere."""

    prefix = "match"
    different_person = forms.BooleanField(
        label=_("This is a different person from those shown: register her."), required=False
    )
    contact_reason = forms.CharField(
        label=_("Why the other agency should contact you"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent to that agency's case staff, who decide whether to answer. Do not write names."),
    )


# The section a clinical role writes in unless it chooses another.
CLINICAL_SECTION: dict[str, Section] = {Role.MEDICAL_STAFF: Section.MEDICAL}


class NoteForm(SubmissionTokenMixin, forms.Form):
    section = forms.ChoiceField(label=_("Section"), choices=[])
    body = forms.CharField(label=_("Note"), max_length=10000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, sections: list[Section], role: str = "", **kwargs: Any) -> None:
        """``sections``: those the author may write in. With more than one, the author chooses
        (no default a note could land in unread); a clinical role starts on its own section."""
        super().__init__(*args, **kwargs)
        choices = [(s.value, s.label) for s in sections]
        if len(sections) > 1:
            choices = [("", _("Choose a section")), *choices]
        self.fields["section"].choices = choices  # type: ignore[attr-defined]
        own = CLINICAL_SECTION.get(role)
        if own in sections:
            self.fields["section"].initial = own


class IdentityCorrectionForm(forms.Form):
    """The survivor's names and age, as corrected by the lead agency's case staff."""

    family_name = IntakeForm.base_fields["family_name"]
    given_name = IntakeForm.base_fields["given_name"]
    family_name_latin = IntakeForm.base_fields["family_name_latin"]
    given_name_latin = IntakeForm.base_fields["given_name_latin"]
    aliases = IntakeForm.base_fields["aliases"]
    birth_date = IntakeForm.base_fields["birth_date"]
    estimated_age = IntakeForm.base_fields["estimated_age"]
    age_method = IntakeForm.base_fields["age_method"]

    def changes(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["aliases"] = [a.strip() for a in (data.get("aliases") or "").split(",") if a.strip()]
        return data


class CorrectionForm(forms.Form):
    body = forms.CharField(label=_("Corrected note"), max_length=10000, widget=forms.Textarea(attrs={"rows": 6}))


class ParticipantForm(forms.Form):
    """A guardian, family member or witness: who they are to the case, and their names only (an
    address or phone of a relative can lead to the child)."""

    role = forms.ChoiceField(label=_("Who they are"), choices=ParticipantRole.choices, widget=forms.RadioSelect)
    family_name = forms.CharField(label=_("Family name (as written)"), max_length=100, required=False)
    given_name = forms.CharField(label=_("Given name (as written)"), max_length=100, required=False)
    family_name_latin = forms.CharField(label=_("Family name in Latin letters"), max_length=100, required=False)
    given_name_latin = forms.CharField(label=_("Given name in Latin letters"), max_length=100, required=False)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=CaseStatus.choices)
    closure_reason = forms.ChoiceField(
        label=_("Reason for closing"), choices=[("", "—"), *ClosureReason.choices], required=False
    )
    closure_note = forms.CharField(
        label=_("Closing note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") in CLOSED_STATUSES and not data.get("closure_reason"):
            self.add_error("closure_reason", _("Give the reason for closing the case."))
        return data


class CaseWorkerForm(forms.Form):
    case_worker = forms.TypedChoiceField(label=_("Case worker"), coerce=int)

    def __init__(self, *args: Any, staff: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case_worker"].choices = [  # type: ignore[attr-defined]
            (person.pk, person.get_full_name() or person.get_username()) for person in staff
        ]


class TeamForm(forms.Form):
    """Who joins the team: a colleague of the lead agency picked by name, someone of another
    agency by username, or an agency the survivor consented to share with; and what they see."""

    colleague = forms.TypedChoiceField(label=_("A colleague"), coerce=int, required=False, empty_value=None)
    username = forms.CharField(label=_("Or someone of another agency, by username"), max_length=150, required=False)
    agency = forms.ModelChoiceField(
        label=_("Or a whole agency"),
        queryset=Agency.objects.none(),
        required=False,
        help_text=_("Only agencies the survivor has consented to share with."),
    )
    sections = forms.MultipleChoiceField(
        label=_("Sections they may see"), choices=Section.choices, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, staff: list[Any], agencies: list[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.staff = {p.pk: p for p in staff}
        self.fields["colleague"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *((p.pk, p.get_full_name() or p.get_username()) for p in staff),
        ]
        self.fields["agency"].queryset = Agency.objects.filter(pk__in=[a.pk for a in agencies])  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given = [name for name in ("colleague", "username", "agency") if data.get(name)]
        if len(given) != 1 and not self.errors:
            raise forms.ValidationError(_("Choose one: a colleague, someone's username or an agency."))
        return data


ALL = ("", _("All"))


class CaseFilterForm(forms.Form):
    """What a list of cases is narrowed to and sorted by: the cases page and ``GET
    /api/v1/cases/`` take the same parameters. An unknown value is an error on its field (the
    page says so and leaves that filter off; the API answers 400)."""

    status = forms.ChoiceField(label=_("Status"), choices=[ALL, *CaseStatus.choices], required=False)
    province = forms.ChoiceField(label=_("Province"), required=False)
    age_band = forms.ChoiceField(
        label=_("Age at intake"),
        choices=[ALL, ("unknown", _("age unknown")), *[(v, v) for v in AgeBand.values if v]],
        required=False,
    )
    sex = forms.ChoiceField(label=_("Sex / gender"), choices=[ALL, *Gender.choices], required=False)
    nationality = forms.CharField(label=_("Nationality"), max_length=2, required=False)
    case_worker = forms.CharField(label=_("Case worker"), max_length=150, required=False)
    opened_from = forms.DateField(
        label=_("Opened from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    opened_to = forms.DateField(label=_("Opened until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    sort = forms.ChoiceField(
        label=_("Sort by"),
        choices=[
            ("-opened_on", _("Newest first")),
            ("opened_on", _("Oldest first")),
            ("number", _("Case number")),
            ("-updated_at", _("Recently changed")),
            ("updated_at", _("Longest unchanged")),
            ("-number", _("Case number, descending")),
        ],
        required=False,
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["province"].choices = [ALL, *province_choices()]  # type: ignore[attr-defined]

    def clean_nationality(self) -> str:
        return clean_country_filter(self.cleaned_data["nationality"])

    def clean_case_worker(self) -> int | None:
        """A colleague of the user's own agencies (so the list cannot be used to learn which
        usernames exist elsewhere), or "me"."""
        name = self.cleaned_data["case_worker"].strip()
        if not name:
            return None
        if name == "me":
            return int(self.user.pk)
        found = [p.pk for p in self.staff() if p.get_username() == name]
        if not found:
            raise forms.ValidationError(_("Choose a case worker of your agency."))
        return int(found[0])

    def staff(self) -> list[Any]:
        """The case staff of the user's agencies, by username (the case-worker choices)."""
        if not hasattr(self, "_staff"):
            from casebridge.cases.actions import case_staff

            found = {p.pk: p for m in self.user.active_memberships() for p in case_staff(m.agency_id)}
            self._staff = sorted(found.values(), key=lambda p: p.get_username())
        return self._staff

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("opened_from"), data.get("opened_to")
        if start and end and start > end:
            self.add_error("opened_to", _("The end date is before the start date."))
        return data

    def filters(self) -> CaseFilters:
        """The valid part of what was asked (a field with an error is left off)."""
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        band = data.get("age_band") or ""
        return CaseFilters(
            status=data.get("status") or "",
            province=data.get("province") or "",
            age_band=None if not band else "" if band == "unknown" else band,
            sex=data.get("sex") or "",
            nationality=data.get("nationality") or "",
            owner_id=data.get("case_worker"),
            opened_from=data.get("opened_from"),
            opened_to=data.get("opened_to"),
        )

    def ordering(self) -> str:
        self.is_valid()
        return DEFAULT_SORT if "sort" in self.errors else self.cleaned_data.get("sort") or DEFAULT_SORT


def _choices(field: str) -> list[str]:
    return [str(value) for value, _label in CaseFilterForm.base_fields[field].choices if value]  # type: ignore[attr-defined]


LIST_PARAMETERS = [
    OpenApiParameter("status", enum=CaseStatus.values, description="Only cases with this status."),
    OpenApiParameter("province", enum=[code for code, _name in PROVINCE_CHOICES], description="The case's province."),
    OpenApiParameter(
        "age_band",
        enum=_choices("age_band"),
        description="The survivor's age when the case was opened ('unknown': not known). Matches only cases "
        "where you reach the identity section, as do sex and nationality.",
    ),
    OpenApiParameter("sex", enum=_choices("sex"), description="The survivor's sex / gender (HTCDS prs_Gender)."),
    OpenApiParameter("nationality", description="The survivor's first nationality, an ISO 3166 alpha-2 code."),
    OpenApiParameter("case_worker", description="The case worker's username, or 'me'."),
    OpenApiParameter("opened_from", OpenApiTypes.DATE, description="Opened on or after this day."),
    OpenApiParameter("opened_to", OpenApiTypes.DATE, description="Opened on or before this day."),
    OpenApiParameter("sort", enum=list(SORTS), description="The order (default -opened_on: newest first)."),
]

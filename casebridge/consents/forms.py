from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casebridge.agencies.models import Agency
from casebridge.consents.models import Decision, GivenBy, Purpose
from casebridge.lib.codes import language_choices
from casebridge.lib.views import SubmissionTokenMixin


class ConsentForm(SubmissionTokenMixin, forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Purpose.choices)
    shared_with = forms.ModelChoiceField(
        label=_("Agency (for consent to share)"), queryset=Agency.objects.filter(is_active=True), required=False
    )
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect)
    given_by = forms.ChoiceField(label=_("Decided by"), choices=GivenBy.choices, widget=forms.RadioSelect)
    child_assent = forms.NullBooleanField(
        label=_("Does the child agree? (when a guardian decides)"),
        required=False,
        widget=forms.Select(choices=[("unknown", "—"), ("true", _("Yes")), ("false", _("No"))]),
    )
    decided_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    language = forms.ChoiceField(label=_("Language the survivor was told in"), choices=[])
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, partner_agencies: list[int] | None = None, **kwargs: Any) -> None:
        """``partner_agencies``: the form of a partner agency, which records only that consent to
        share with itself was refused or withdrawn (the lead agency's case staff record the rest)."""
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = language_choices()  # type: ignore[attr-defined]
        self.fields["decided_on"].initial = timezone.localdate()
        if partner_agencies is not None:
            self.fields["purpose"].choices = [(Purpose.SHARING.value, Purpose.SHARING.label)]  # type: ignore[attr-defined]
            self.fields["shared_with"].queryset = Agency.objects.filter(pk__in=partner_agencies)  # type: ignore[attr-defined]
            self.fields["shared_with"].required = True
            self.fields["decision"].choices = [  # type: ignore[attr-defined]
                (d.value, d.label) for d in (Decision.REFUSED, Decision.WITHDRAWN)
            ]

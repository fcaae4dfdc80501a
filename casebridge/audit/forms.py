"""Filters of the privacy pages' lists: a case's access log and the emergency-access reviews.
The pages and the API take the same parameters; a value that is not offered is an error on its
field (the page says so and leaves that filter off; the API answers 400)."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casebridge.audit.models import Action

ALL = ("", _("All"))
EARLIEST = datetime.date(1900, 1, 1)


def _day_start(day: datetime.date) -> datetime.datetime:
    """Midnight of ``day`` where the user is (their time zone, set per request)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class _DatedFilterForm(forms.Form):
    """Choice fields filled from what the list holds, and a period in the user's days."""

    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        latest = timezone.localdate() + datetime.timedelta(days=366)
        for name in ("date_from", "date_to"):
            day = data.get(name)
            if day is not None and not EARLIEST <= day <= latest:
                self.add_error(name, _("Give a day between 1900 and next year."))
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end and "date_to" not in self.errors:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def valid(self) -> dict[str, Any]:
        """The valid part of what was asked (a field with an error is left off)."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if name not in self.errors and value}

    def period(self, column: str) -> Q:
        data, q = self.valid(), Q()
        if "date_from" in data:
            q &= Q(**{f"{column}__gte": _day_start(data["date_from"])})
        if "date_to" in data:
            q &= Q(**{f"{column}__lt": _day_start(data["date_to"] + datetime.timedelta(days=1))})
        return q

    @property
    def filtered(self) -> bool:
        return any(self.data.get(name) for name in self.fields)


class AccessLogFilterForm(_DatedFilterForm):
    person = forms.ChoiceField(label=_("Person"), required=False)
    agency = forms.ChoiceField(label=_("Agency"), required=False)
    action = forms.ChoiceField(label=_("What"), choices=[ALL, *Action.choices], required=False)

    def __init__(self, *args: Any, events: QuerySet[Any], **kwargs: Any) -> None:
        """``events``: the log being filtered (its people and agencies are the choices)."""
        super().__init__(*args, **kwargs)
        from casebridge.agencies.models import Agency

        # Asked of the database (DISTINCT), not by reading every event of the log.
        people = events.order_by("actor_username").values_list("actor_username", flat=True).distinct()
        agencies = sorted(
            (a.code, a.local_name) for a in Agency.objects.filter(pk__in=events.order_by().values("agency_id"))
        )
        self.fields["person"].choices = [ALL, *((p, p) for p in people)]  # type: ignore[attr-defined]
        self.fields["agency"].choices = [ALL, *agencies]  # type: ignore[attr-defined]

    def narrow(self, events: QuerySet[Any]) -> QuerySet[Any]:
        data = self.valid()
        if "person" in data:
            events = events.filter(actor_username=data["person"])
        if "agency" in data:
            events = events.filter(agency__code=data["agency"])
        if "action" in data:
            events = events.filter(action=data["action"])
        return events.filter(self.period("at"))


class ReviewFilterForm(_DatedFilterForm):
    WAITING, REVIEWED = "waiting", "reviewed"

    state = forms.ChoiceField(
        label=_("Review"),
        choices=[ALL, (WAITING, _("Waiting for review")), (REVIEWED, _("Reviewed"))],
        required=False,
    )
    person = forms.ChoiceField(label=_("Person"), required=False)

    def __init__(self, *args: Any, uses: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = uses.order_by("user__username").values_list("user__username", flat=True).distinct()
        self.fields["person"].choices = [ALL, *((p, p) for p in people)]  # type: ignore[attr-defined]

    def narrow(self, uses: QuerySet[Any]) -> QuerySet[Any]:
        data = self.valid()
        if data.get("state"):
            uses = uses.filter(reviewed_at__isnull=data["state"] == self.WAITING)
        if "person" in data:
            uses = uses.filter(user__username=data["person"])
        return uses.filter(self.period("started_at"))


def errors_of(form: forms.Form) -> dict[str, list[str]]:
    return {name: [str(e) for e in errors] for name, errors in form.errors.items()}

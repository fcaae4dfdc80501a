"""Local time and local words: dates as each language writes them, times where the deployment
is, agencies by their Khmer and Vietnamese names, country names in the reader's language."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import override

from casebridge.agencies.models import Agency
from casebridge.lib.codes import country_name


def _page(client, world, language):
    client.cookies["django_language"] = language
    return client.get(reverse("cases:detail", args=[world.case.pk]), HTTP_ACCEPT_LANGUAGE=language).content.decode()


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "28 Nov 2026"), ("vi", "28/11/2026")],
)
def test_dates_are_written_as_each_language_writes_them(language, expected):
    with override(language):
        assert formats.date_format(datetime.date(2026, 11, 28), "SHORT_DATE_FORMAT") == expected


def test_khmer_dates_name_the_month_in_khmer():
    with override("km"):
        written = formats.date_format(datetime.date(2026, 11, 28), "SHORT_DATE_FORMAT")
    assert written.startswith("28 ") and "2026" in written and "Nov" not in written


def test_times_are_the_deployments_not_utc(world, login):
    from casebridge.notifications.models import Kind, Notification

    at = datetime.datetime(2026, 11, 28, 10, 28, tzinfo=datetime.UTC)
    note = Notification.objects.create(
        recipient=world.social_worker, kind=Kind.SHARED, data={"number": "X", "agency": "SHS"}
    )
    Notification.objects.filter(pk=note.pk).update(created_at=at)
    body = login(world.social_worker).get(reverse("notifications:inbox")).content.decode()
    assert "17:28" in body and "10:28" not in body  # Asia/Phnom_Penh is UTC+7


def test_an_agency_is_named_in_the_readers_language(world, login):
    Agency.objects.filter(code="JPC").update(name_km="ដៃគូយុត្តិធម៌កម្ពុជា", name_vi="")
    client = login(world.social_worker)
    assert "ដៃគូយុត្តិធម៌កម្ពុជា" in _page(client, world, "km")
    assert "Justice Partners Cambodia" in _page(client, world, "vi")  # no Vietnamese name: the official one
    assert "Justice Partners Cambodia" in _page(client, world, "en")


def test_countries_are_named_in_the_readers_language():
    with override("km"):
        khmer = country_name("KH")
    with override("vi"):
        vietnamese = country_name("KH")
    with override("en"):
        english = country_name("KH")
    assert english == "Cambodia" and len({khmer, vietnamese, english}) == 3


def test_the_admins_own_labels_are_translated():
    with override("km"):
        assert str(Agency._meta.verbose_name) != "agency"
        assert str(Agency._meta.get_field("name_km").verbose_name) != "name in Khmer"


def test_the_page_is_dated_in_the_deployments_day(world, login):
    body = _page(login(world.social_worker), world, "en")
    opened = formats.date_format(world.case.opened_on, "SHORT_DATE_FORMAT")
    assert opened in body and timezone.get_current_timezone_name() == "Asia/Phnom_Penh"

"""Crisis care in real Chromium, on a phone at night: the supervisor opens a girl's crisis care at
the police station, puts herself and a colleague on the roster, and reads the board: who is on
shift now and the gap the roster leaves."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from casebridge.crisis.models import Episode, Shift
from tests.browser.test_journeys import go, sign_in

pytestmark = pytest.mark.browser


def test_the_supervisor_opens_crisis_care_staffs_it_and_reads_the_board(page, live_world):
    shelter = live_world.shelter_caseworker
    shelter.spoken_languages = ["khm"]
    shelter.save()
    sign_in(page, live_world, "social_worker")
    go(page, "Crisis care")
    page.click("text=Open crisis care")
    start = timezone.localtime() - datetime.timedelta(hours=2)
    page.fill("#id_case_number", live_world.case.number)
    page.select_option("#id_place_kind", "police_station")
    page.fill("#id_place", "AHTJP station, Phnom Penh")
    page.fill("#id_starts_at", start.strftime("%Y-%m-%dT%H:%M"))
    page.click("button.primary")
    page.wait_for_url("**/crisis/*/")
    episode = Episode.objects.get()
    for person, hours in ((live_world.social_worker, (0, 12)), (shelter, (12, 24))):
        page.click("summary:has-text('Add a shift')")
        page.select_option("#id_shift-staff", str(person.pk))
        page.select_option("#id_shift-role", "social_worker")
        page.fill("#id_shift-starts_at", (start + datetime.timedelta(hours=hours[0])).strftime("%Y-%m-%dT%H:%M"))
        page.fill("#id_shift-ends_at", (start + datetime.timedelta(hours=hours[1])).strftime("%Y-%m-%dT%H:%M"))
        page.click("button:has-text('Add the shift')")
        page.wait_for_selector("text=Shift added.")
    assert Shift.objects.filter(episode=episode).count() == 2
    assert "No social worker" in page.text_content("main")  # hours 24 to 48 are nobody's yet
    go(page, "Crisis care")
    row = page.text_content("#board")
    assert live_world.case.number in row and "No social worker" in row
    assert live_world.social_worker.username in row or live_world.social_worker.get_full_name() in row
    assert page.evaluate("document.documentElement.scrollWidth") <= 360 + 1  # nothing wider than the phone
    assert page.csp_violations == []  # type: ignore[attr-defined]

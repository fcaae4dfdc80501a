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


def test_a_worker_on_shift_records_her_needs_and_the_supervisor_places_her(page, live_world):
    from casebridge.crisis import actions
    from casebridge.crisis.models import Assessment, CareItem, PlacementRule
    from casebridge.restoration.models import Placement

    hope = live_world.agencies["HAC"]
    hope.services = ["assessment"]
    hope.save()
    # The seeded rule (a live server's database is emptied between tests, seeds and all).
    PlacementRule.objects.get_or_create(
        name="Under 18: an assessment centre first", defaults={"under_age": 18, "service": "assessment"}
    )
    start = timezone.now() - datetime.timedelta(hours=50)
    episode = actions.do_open_episode(
        live_world.case, actor=live_world.social_worker, place_kind="police_station", place="AHTJP", starts_at=start
    )
    actions.do_add_shift(
        episode,
        actor=live_world.social_worker,
        staff=live_world.shelter_caseworker,
        role="social_worker",
        starts_at=timezone.now() - datetime.timedelta(hours=2),
        ends_at=timezone.now() + datetime.timedelta(hours=8),
    )
    sign_in(page, live_world, "shelter_caseworker")
    page.click("text=Your shift from")  # the home page's due item leads to her crisis care
    page.wait_for_url(f"**/crisis/{episode.pk}/")
    page.click("summary:has-text('Assess her needs')")
    page.fill("#id_assessment-emotional", "Frightened; asks for her sister")
    page.check("#id_assessment-family_risk")
    page.click("button:has-text('Save a new version')")
    page.wait_for_selector("text=Needs assessment recorded.")
    page.click("summary:has-text('Hand over a care-package item')")
    page.select_option("#id_care-kind", "water")
    page.fill("#id_care-quantity", "2")
    page.fill("#id_care-handed_at", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
    page.click("form[action$='/records/care/'] button")
    page.wait_for_selector("text=Care package item recorded.")
    assert Assessment.objects.get().family_risk and CareItem.objects.get().quantity == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= 360 + 1
    page.context.clear_cookies()
    sign_in(page, live_world, "social_worker")
    page.goto(f"/crisis/{episode.pk}/")
    page.click("summary:has-text('Decide her placement')")
    assert "Under 18: an assessment centre first" in page.text_content("main")
    page.check("#id_close-outcome_0")  # placed
    page.select_option("#id_close-agency", str(hope.pk))
    page.click("form[action$='/close/'] button")
    page.wait_for_selector("text=Crisis care closed.")
    assert Placement.objects.get().agency == hope
    assert page.csp_violations == []  # type: ignore[attr-defined]

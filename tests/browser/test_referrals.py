"""A referral in real Chromium, at 360 px, from both sides: the lead's social worker finds a
partner for her, drafts the referral with only the sections it needs and sends it; the shelter's
caseworker finds it waiting and accepts it."""

from __future__ import annotations

import pytest

from casebridge.restoration.models import Referral
from tests.browser.test_journeys import go, sign_in

pytestmark = pytest.mark.browser


def test_the_lead_refers_her_and_the_shelter_accepts(page, live_world):
    shelter = live_world.agencies["SHS"]
    shelter.services = ["shelter", "counselling"]
    shelter.save()
    sign_in(page, live_world, "social_worker")
    page.goto(f"/cases/{live_world.case.pk}/")
    page.click("text=Refer to a partner")
    page.select_option("#id_to_agency", str(shelter.pk))
    page.check("input[name=services][value=counselling]")
    page.check("input[name=sections][value=identity]")
    page.check("input[name=sections][value=counselling]")
    page.click("button:has-text('Save the draft')")
    page.wait_for_selector("text=Referral drafted")
    page.click("#move-send")
    page.wait_for_selector("text=Referral sent")
    assert Referral.objects.get().state == "sent"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360 + 1
    page.context.clear_cookies()
    sign_in(page, live_world, "shelter_caseworker")
    go(page, "Referrals")
    page.click(f"text={live_world.case.number}")
    page.click("#move-accept")
    page.wait_for_selector("text=Referral accepted")
    assert Referral.objects.get().state == "accepted"
    assert page.csp_violations == []  # type: ignore[attr-defined]

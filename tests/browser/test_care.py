"""Her care in real Chromium, at 360 px: her case worker finds the partners that fit her best
(with the reasons), sees her care-plan review overdue on the home page, records the review from
the plan, and the home page no longer lists it; the shelter's caseworker records a service."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from casebridge.restoration import care
from casebridge.restoration.models import CarePlan, Review, ServiceDelivery
from tests.browser.test_journeys import sign_in

pytestmark = pytest.mark.browser


def test_the_partner_directory_puts_the_best_fit_first(page, live_world):
    hac, shs = live_world.agencies["HAC"], live_world.agencies["SHS"]
    hac.services, hac.staff_languages = ["assessment", "counselling"], ["khm"]
    shs.services, shs.staff_languages = ["shelter"], ["eng"]
    hac.save()
    shs.save()
    sign_in(page, live_world, "social_worker")
    page.goto(f"/cases/{live_world.case.pk}/")
    page.click("text=Partners for her")
    page.click("summary:has-text('Filters')")
    page.select_option("#id_service", "counselling")
    page.click("button:has-text('Show')")
    first = page.locator("table.list tbody tr").first
    assert hac.name in first.inner_text() and "✓" in first.inner_text()  # best first, with the reasons
    assert page.evaluate("document.documentElement.scrollWidth") <= 360 + 1
    assert page.csp_violations == []  # type: ignore[attr-defined]


def test_her_case_worker_reviews_her_plan_when_it_is_due(page, live_world):
    plan = care.do_make_plan(live_world.case, actor=live_world.social_worker, her_participation="She chose sewing.")
    CarePlan.objects.filter(pk=plan.pk).update(next_review_on=timezone.localdate() - datetime.timedelta(days=2))
    sign_in(page, live_world, "social_worker")
    page.goto("/")
    page.click("text=Care-plan review overdue")
    page.wait_for_selector("text=overdue")
    page.click("summary:has-text('Add a goal')")
    page.fill("#id_goal-text", "Back to school")
    page.fill("#id_goal-target_on", (timezone.localdate() + datetime.timedelta(days=90)).isoformat())
    page.select_option("#id_goal-domain", "education")
    page.select_option("#id_goal-agency", index=1)
    page.click("button:has-text('Add the goal')")
    page.wait_for_selector("text=Goal added")
    page.fill("#id_review-held_on", timezone.localdate().isoformat())
    page.fill("#id_review-summary", "She goes to class every day; the goal stays.")
    page.click("button:has-text('Record the review')")
    page.wait_for_selector("text=Review recorded")
    assert Review.objects.get().summary.startswith("She goes")
    assert CarePlan.objects.get().next_review_on == timezone.localdate() + datetime.timedelta(days=90)
    page.goto("/")
    assert page.locator("text=Care-plan review overdue").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 360 + 1
    page.context.clear_cookies()
    sign_in(page, live_world, "shelter_caseworker")
    page.goto(f"/cases/{live_world.case.pk}/care-plan/")
    page.click("summary:has-text('Record a service')")
    page.fill("#id_service-delivered_on", timezone.localdate().isoformat())
    page.select_option("#id_service-kind", "education")
    page.fill("#id_service-minutes", "90")
    page.select_option("#id_service-goal", index=1)
    page.click("form[action$='/service/'] button:has-text('Record')")
    page.wait_for_selector("text=Service recorded")
    assert ServiceDelivery.objects.get().agency == live_world.agencies["SHS"]
    assert page.csp_violations == []  # type: ignore[attr-defined]

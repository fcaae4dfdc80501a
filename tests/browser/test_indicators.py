"""The programme manager's dashboard in real Chromium: the four pillars, a filter, a definition
opened, and no cell under 11 on the page."""

from __future__ import annotations

import datetime

import pytest

from casebridge.training import actions as training
from tests.browser.test_journeys import go, sign_in

pytestmark = pytest.mark.browser


def test_the_dashboard_with_a_filter(page, live_world):
    event = training.do_create_event(
        actor=live_world.trainer,
        agency=live_world.agencies["JPC"],
        title="Workshop",
        kind="workshop",
        starts_on=datetime.date(2025, 5, 5),
        ends_on=datetime.date(2025, 5, 6),
        place="Phnom Penh",
        facilitators="Lina",
        topics=["working_across_agencies"],
    )
    rows = [
        training.ParticipantData(
            name=f"P{n}", sex="female" if n < 20 else "male", role="police", organisation="Police", attended=True
        )
        for n in range(26)
    ]
    training.do_add_participants(event, actor=live_world.trainer, rows=rows)
    sign_in(page, live_world, "manager")
    go(page, "Indicators")
    page.wait_for_url("**/indicators/")
    for pillar in ("Rescue", "Restore", "Bring to justice", "Strengthen the system"):
        assert page.locator(f"h2:has-text('{pillar}')").count() == 1
    card = page.locator("article#system\\.officials_trained")
    assert card.locator(".value").text_content() == "26"
    assert card.locator("svg.chart").count() == 1
    page.select_option("#id_sex", "Masculine")
    page.fill("#id_starts", "2025-01-01")
    page.click("form.filters button.primary")
    page.wait_for_url("**sex=Masculine**")
    assert card.locator(".value").text_content() == "<11"  # six men: under 11
    card.locator("summary:has-text('Definition')").click()
    assert "Participants who attended a training" in card.text_content()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    assert page.csp_violations == []

"""The programme manager's dashboard in real Chromium: the four pillars, a filter, a definition
opened, and no cell under 11 on the page."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from casebridge.cases.models import Case
from casebridge.indicators.tests.test_pillars import _found, _new_cases
from casebridge.lib.testing import run_ready_tasks
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
    girls = _new_cases(live_world, 30)
    _found(live_world, girls, minors=22)  # girls found in an operation, on record since last year
    Case.objects.filter(pk__in=[g.pk for g in girls]).update(created_at=timezone.now() - datetime.timedelta(days=400))
    sign_in(page, live_world, "manager")
    go(page, "Indicators")
    page.wait_for_url("**/indicators/")
    for pillar in ("Rescue", "Restore", "Bring to justice", "Strengthen the system"):
        assert page.locator(f"h2:has-text('{pillar}')").count() == 1
    card = page.locator("article#system\\.officials_trained")
    assert card.locator(".value").text_content() == "26"
    assert card.locator("svg.chart").count() == 1
    page.fill("#id_year_from", "2027")
    page.click("form.filters button.primary")
    page.wait_for_url("**year_from=2027**")
    assert "No data in these years." in card.text_content()
    page.fill("#id_year_from", "")
    page.click("form.filters button.primary")
    page.wait_for_url("**year_from=&**")
    assert card.locator(".value").text_content() == "26"
    card.locator("summary:has-text('Table')").click()
    assert "<11" in card.text_content()  # six men, in the table by sex
    card.locator("summary:has-text('Definition')").click()
    assert "Participants who attended a training" in card.text_content()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    victims = page.locator("article#rescue\\.victims_identified")
    assert victims.locator(".value").text_content() == "30" and victims.locator("svg.chart").count() == 1
    victims.locator("summary:has-text('Table')").click()
    assert "minors" in victims.text_content() and "adults" in victims.text_content()

    # One group: the women trained, by year.
    page.select_option("#id_sex", "female")
    page.click("form.filters button.primary")
    page.wait_for_url("**sex=female**")
    assert card.locator(".value").text_content() == "·"  # beside six men: withheld
    assert "The period's figure is not shown" in card.text_content() and "Sex: Female." in card.text_content()
    assert "Not counted by sex" in page.locator("article#system\\.prevalence_of_minors").text_content()

    # The period's report, with these filters, made in the background.
    page.click("button:has-text('Download the period')")
    page.wait_for_url("**/indicators/reports/*/")
    assert page.locator("progress").count() == 1
    assert run_ready_tasks() == 2  # the report, and the tallies' first count (asked by the reading)
    # (the waiting page reloads itself every 3 s; a reload of ours could cross one of its own)
    page.wait_for_selector("a:has-text('PDF')", timeout=15_000)
    with page.expect_download() as download:
        page.click("a:has-text('PDF')")
    assert download.value.suggested_filename.endswith(".pdf")
    with page.expect_download() as sheet:
        page.click("a:has-text('Spreadsheet')")
    assert sheet.value.suggested_filename.endswith(".xlsx")
    assert page.csp_violations == []

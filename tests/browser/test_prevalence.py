"""A prevalence study in real Chromium: the research lead designs it and draws the sample on a
wide screen; the investigator records the visits on a phone, in Khmer; the lead reads the
estimate and its change against a baseline."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from casebridge.prevalence import actions
from casebridge.prevalence.models import Establishment, SelectionStatus, Study
from tests.browser.test_journeys import go, sign_in

pytestmark = pytest.mark.browser


def _km(text: str) -> str:
    with translation.override("km"):
        return translation.gettext(text)


def _baseline(world) -> Study:  # type: ignore[no-untyped-def]
    study = actions.do_create_study(
        actor=world.manager,
        agency=world.agencies["JPC"],
        title="Baseline 2012",
        areas="Phnom Penh",
        starts_on=datetime.date(2012, 1, 1),
        ends_on=datetime.date(2012, 3, 31),
    )
    stratum = actions.do_add_stratum(
        study, actor=world.manager, establishment_type="brothel", area="Phnom Penh", frame_size=2, sample_size=2
    )
    for n in range(2):
        actions.do_add_establishment(study, actor=world.manager, stratum=stratum, code=f"B{n}", name=f"Old place {n}")
    actions.do_draw_sample(study, actor=world.manager, seed=1)
    for establishment in Establishment.objects.filter(study=study):
        actions.do_record_visit(
            study,
            actor=world.ngo_investigator,
            establishment=establishment,
            visited_on=datetime.date(2012, 2, 1),
            from_time=datetime.time(21),
            to_time=datetime.time(23),
            persons=10,
            minors=4,
            under_16=1,
        )
    return study


def test_a_study_from_design_to_estimate(page, live_world, browser):
    baseline = _baseline(live_world)
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, live_world, "manager")
    go(page, "Prevalence studies")
    page.click("text=New study")
    page.fill("#id_title", "Phnom Penh 2015")
    page.fill("#id_areas", "Phnom Penh")
    page.fill("#id_starts_on", "2015-03-01")
    page.fill("#id_ends_on", "2015-06-30")
    page.click("button.primary")
    page.wait_for_url("**/prevalence/*/")
    study = Study.objects.get(title="Phnom Penh 2015")
    for kind, area, frame in (("karaoke", "Daun Penh", "2"), ("massage", "Chamkar Mon", "3")):
        page.click("summary:has-text('Add a stratum')")
        page.select_option("#id_establishment_type", kind)
        page.fill("#id_area", area)
        page.fill("#id_frame_size", frame)
        page.fill("#id_sample_size", "2")
        page.click("button:has-text('Add the stratum')")
        page.wait_for_selector(".messages")
    assert "Daun Penh" in page.text_content("main") and "Chamkar Mon" in page.text_content("main")

    page.click("text=Frame of establishments")
    for code, stratum in (
        ("K1", "Daun Penh"),
        ("K2", "Daun Penh"),
        ("M1", "Chamkar Mon"),
        ("M2", "Chamkar Mon"),
        ("M3", "Chamkar Mon"),
    ):
        page.select_option(
            "#id_stratum", label=f"Massage parlour · {stratum}" if code[0] == "M" else f"Karaoke bar · {stratum}"
        )
        page.fill("#id_code", code)
        page.fill("#id_name", f"Place {code}")
        page.click("button.primary")
        page.wait_for_selector(f"td:has-text('Place {code}')")
    page.click("text=Back to the study")
    page.click("button:has-text('Draw the sample')")
    page.wait_for_selector("text=Sample drawn.")
    study.refresh_from_db()
    assert study.seed is not None and study.is_drawn
    # The sample page names the four places to visit (and is where investigators read them).
    assert page.locator("table.list tbody tr").count() == 4

    # The investigator, on a phone, in Khmer.
    phone = browser.new_context(viewport={"width": 360, "height": 740}, base_url=page.url.split("/prevalence")[0])
    field = phone.new_page()
    sign_in(field, live_world, "ngo_investigator")
    field.click("button[lang=km]")
    field.wait_for_load_state()
    field.goto(f"/prevalence/{study.pk}/visits/new/")
    sampled = Establishment.objects.filter(study=study, selection__status=SelectionStatus.SELECTED).order_by("code")
    for n, establishment in enumerate(sampled):
        field.select_option("#id_establishment", str(establishment.pk))
        field.fill("#id_visited_on", "2015-04-02")
        field.fill("#id_from_time", "21:00")
        field.fill("#id_to_time", "00:30")
        field.fill("#id_persons", str(8 + n))
        field.fill("#id_minors", str(n % 2))
        field.fill("#id_under_16", "0")
        field.click("button.primary")
        field.wait_for_selector(f"text={_km('Visit recorded.')}")
        assert field.evaluate("document.documentElement.scrollWidth") <= 360
    # A visit with more minors than people is refused, in Khmer, and nothing is written.
    field.goto(f"/prevalence/{study.pk}/visits/new/")
    field.select_option("#id_establishment", str(sampled[0].pk))
    field.fill("#id_visited_on", "2015-04-03")
    field.fill("#id_from_time", "21:00")
    field.fill("#id_to_time", "22:00")
    field.fill("#id_persons", "2")
    field.fill("#id_minors", "3")
    field.fill("#id_under_16", "0")
    field.click("button.primary")
    assert _km("Minors cannot be more than the people observed.") in field.text_content("main")
    assert study.visits.count() == 4
    phone.close()

    page.goto(f"/prevalence/{study.pk}/")
    estimate = page.text_content(".minors-estimate")
    assert estimate is not None and estimate.strip().endswith("%")
    assert "4 establishments" in page.text_content("#estimate-summary")
    page.select_option("#baseline", str(baseline.pk))
    page.click("button:has-text('Compare')")
    page.wait_for_selector("p.change")
    assert "Against Baseline 2012" in page.text_content("p.change")
    assert page.csp_violations == []

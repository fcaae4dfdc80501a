"""The investigator's journey in real Chromium, on a phone: an establishment, a subject with his
phone, an operation planned, authorised and carried out, the girl it found screened, and her
survivor case opened through the intake; then the network view of the subject."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from casebridge.cases.models import Case
from casebridge.investigations.models import CaseLink, Establishment, Operation, Subject
from tests.browser.test_journeys import go, sign_in

pytestmark = pytest.mark.browser


def test_establishment_subject_operation_screening_case(page, live_world):
    sign_in(page, live_world, "ngo_investigator")
    go(page, "Investigations")
    page.click("text=Record an establishment")
    page.select_option("#id_kind", "karaoke")
    page.fill("#id_name", "Golden Star Karaoke")
    page.fill("#id_address", "Street 63, Boeung Keng Kang")
    page.select_option("#id_province", "KH-12")
    page.select_option("#id_district", "1201")
    page.click("button.primary")
    page.wait_for_url("**/investigations/establishments/*/")
    place = Establishment.objects.get()
    assert "Golden Star Karaoke" in page.text_content("h1")

    page.goto("/investigations/subjects/new/")
    page.fill("#id_family_name", "ចាន់")
    page.fill("#id_given_name", "វិបុល")
    page.fill("#id_given_name_latin", "Vibol")
    page.fill("#id_family_name_latin", "Chan")
    page.check("input[value='Exploiter']")
    page.click("button.primary")
    page.wait_for_url("**/investigations/subjects/*/")
    subject = Subject.objects.get()
    page.click("summary:has-text('Add an identifier')")
    page.fill("#id_identifier-value", "012 888 777")
    page.click("button:has-text('Add the identifier')")
    page.wait_for_selector("text=+85512888777")
    page.click("a:has-text('Add a link')")
    page.select_option("#id_link-kind", "owns")
    page.select_option("#id_link-other", f"establishment:{place.pk}")
    page.select_option("#id_link-source", "intelligence")
    page.click("button:has-text('Record the link')")
    page.wait_for_url(f"**/investigations/subjects/{subject.pk}/")
    assert "Golden Star Karaoke" in page.text_content("ol.timeline")

    page.goto("/investigations/operations/new/")
    page.fill("#id_name", "Operation Lotus")
    page.fill("#id_planned_for", (timezone.localtime() - datetime.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"))
    page.select_option("#id_lead_unit", str(live_world.agencies["AHTJP"].pk))
    page.select_option("#id_standby", str(live_world.agencies["JPC"].pk))
    page.check(f"input[value='{place.pk}']")
    page.click("button.primary")
    page.wait_for_url("**/investigations/operations/*/")
    operation = Operation.objects.get()
    page.fill("#id_reference", "PP-2026-114")
    page.fill("#id_authorised_on", timezone.localdate().isoformat())
    page.click("button:has-text('Record the authorisation')")
    page.wait_for_selector("text=Authorisation recorded.")
    page.fill("#id_carried_out_at", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
    page.click("button:has-text('Carried out')")
    page.wait_for_selector("text=People encountered")
    page.click("summary:has-text('Add a person encountered')")
    page.fill("#id_encounter-description", "Room 3")
    page.check("#id_encounter-removed")
    page.click("button:has-text('Add')")
    page.wait_for_selector("text=screen her next")
    page.click("a:has-text('P-1')")
    page.check("input[name='age_methods'][value='interview']")
    page.check("input[name='minor'][value='yes']")
    page.fill("#id_age_low", "14")
    page.fill("#id_age_high", "16")
    page.check("input[name='status'][value='ActualVictimOfTrafficking']")
    page.check("input[name='exploitation'][value='SexualExploitation']")
    page.click("button:has-text('Save the screening')")
    page.wait_for_selector("text=goes first to an assessment centre")
    page.click("text=Open her survivor case")
    page.fill("#id_given_name_latin", "Sreymom")
    page.fill("#id_family_name_latin", "Heng")
    page.fill("#id_estimated_age", "15")
    page.select_option("#id_age_method", "appearance")
    page.select_option("#id_province", "KH-12")
    page.check("input[name='consent_decision'][value='given']")
    page.check("input[name='consent_given_by'][value='guardian']")
    page.select_option("#id_child_assent", "true")
    page.click("button:has-text('Open the case')")
    page.wait_for_url("**/cases/*/")
    case = Case.objects.exclude(pk=live_world.case.pk).get()
    link = CaseLink.objects.get(case=case, operation=operation)
    assert link.reference in page.content()

    # The network of the subject: his phone, his place, and the operation two links away.
    page.goto(f"/investigations/subjects/{subject.pk}/")
    page.click("text=See the network")
    page.wait_for_selector("figure.network svg")
    drawn = page.text_content("figure.network")
    for name in ("Chan", "+85512888777", "Golden Star Karaoke", "Operation Lotus"):
        assert name in drawn
    assert "nodes" in page.text_content("#network-summary")
    assert page.csp_violations == []  # type: ignore[attr-defined]

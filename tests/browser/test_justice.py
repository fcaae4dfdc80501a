"""A lawyer's journey in real Chromium, at 360 px: open a proceeding for a survivor's case,
name the defendant, charge him by article, schedule a hearing she attends behind a screen (her
consent to take part current), move the proceeding through the stages, record the verdict on
the charge and an item of evidence, and close it as a conviction."""

from __future__ import annotations

import pytest
from django.utils import timezone

from casebridge.legal.models import ChargeCode, Proceeding
from tests.browser.test_journeys import go, sign_in

pytestmark = pytest.mark.browser


def test_a_lawyer_takes_a_proceeding_to_a_conviction(page, live_world):
    import datetime

    from casebridge.consents.actions import do_record_consent
    from casebridge.legal.models import Attendance

    ChargeCode.objects.get_or_create(article="34", defaults={"title": "Purchase of child prostitution"})
    do_record_consent(
        live_world.case,
        actor=live_world.social_worker,
        purpose="testimony",
        decision="given",
        given_by="guardian",
        child_assent=True,
        decided_on=timezone.localdate(),
        language="khm",
    )
    today = timezone.localdate().isoformat()
    sign_in(page, live_world, "lawyer")
    go(page, "Proceedings")
    page.click("text=Open a proceeding")
    page.select_option("#id_agency", index=1)
    page.fill("#id_case_numbers", live_world.case.number)
    page.fill("#id_opened_on", today)
    page.click("button:has-text('Open the proceeding')")
    page.wait_for_selector("text=Proceeding opened")
    page.click("summary:has-text('Add a defendant')")
    page.fill("#id_defendant-name", "Mr Fictional")
    page.click("form[action$='/defendant/'] button")
    page.wait_for_selector("text=Mr Fictional")
    page.click("summary:has-text('Record a charge')")
    page.select_option("#id_charge-article", "34")
    page.fill("#id_charge-filed_on", today)
    page.click("form[action$='/charge/'] button")
    page.wait_for_selector("text=Purchase of child prostitution")
    page.click("summary:has-text('Schedule a hearing')")
    when = (timezone.localtime() + datetime.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    page.fill("#id_hearing-at", when)
    page.fill("#id_hearing-court", "Phnom Penh court")
    page.select_option("#id_hearing-kind", "trial")
    page.click("form[action$='/hearing/'] button")
    page.wait_for_selector("text=Trial hearing")
    page.click("summary:has-text('A survivor attends')")
    page.check("input[name=summon-requested][value=screen]")
    page.check("input[name=summon-granted][value=screen]")
    page.click("form[action$='/summon/'] button")
    page.wait_for_selector("text=granted: Screen")
    assert not Attendance.objects.get().confrontation
    for stage in ("police", "prosecutor", "trial", "verdict"):
        page.click("summary:has-text('Move it to the next stage')")
        page.select_option("#id_stage-stage", stage)
        page.fill("#id_stage-on", today)
        page.click("form[action$='/stage/'] button")
        page.wait_for_selector("text=Recorded.")
    page.click("summary:has-text('Judgment on a charge')")
    page.select_option("#id_judgment-verdict", "convicted")
    page.fill("#id_judgment-on", today)
    page.fill("#id_judgment-years", "7")
    page.click("form[action$='/judgment/'] button")
    page.wait_for_selector("text=7 years 0 months")
    page.click("summary:has-text('Register an item of evidence')")
    page.select_option("#id_evidence-kind", "document")
    page.fill("#id_evidence-description", "Bar ledger")
    page.fill("#id_evidence-collected_by", "AHTJP")
    page.fill("#id_evidence-collected_on", today)
    page.fill("#id_evidence-location", "JPC safe")
    page.click("form[action$='/evidence/'] button")
    page.wait_for_selector("text=Held by")
    page.click("summary:has-text('Close the proceeding')")
    page.select_option("#id_close-closed_as", "convicted")
    page.fill("#id_close-on", today)
    page.click("form[action$='/close/'] button")
    page.wait_for_selector(".status:has-text('Convicted')")
    proceeding = Proceeding.objects.get()
    assert proceeding.stage == "verdict" and proceeding.closed_as == "convicted"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360 + 1
    assert page.csp_violations == []  # type: ignore[attr-defined]

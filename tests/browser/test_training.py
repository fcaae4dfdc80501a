"""Training in real Chromium: a trainer records a workshop, adds participants one by one and from
a spreadsheet, enters attendance and scores, downloads a certificate; the programme manager
reads the figures for the period, in Khmer on a phone."""

from __future__ import annotations

import io

import pytest
from django.utils import translation
from openpyxl import Workbook

from casebridge.training.models import Participant, TrainingEvent
from tests.browser.test_journeys import go, sign_in

pytestmark = pytest.mark.browser


def _sheet() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Name", "Sex", "Role", "Agency code", "Organisation", "Attended", "Score before", "Score after"])
    sheet.append(["Chan Sokha", "female", "social_worker", "DOSVY", "", "yes", 48, 71])
    sheet.append(["Ouk Vibol", "male", "police", "", "Kandal provincial police", "yes", 39, 66])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_workshop_from_record_to_figures(page, live_world, browser):
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, live_world, "trainer")
    go(page, "Training")
    page.click("text=Record a training")
    page.fill("#id_title", "Working together")
    page.select_option("#id_kind", "workshop")
    page.fill("#id_starts_on", "2016-08-15")
    page.fill("#id_ends_on", "2016-08-17")
    page.fill("#id_place", "Phnom Penh")
    page.fill("#id_facilitators", "Lina")
    page.check("input[name=topics][value=working_across_agencies]")
    page.click("button.primary")
    page.wait_for_url("**/training/*/")
    event = TrainingEvent.objects.get(title="Working together")

    page.click("summary:has-text('Add a participant')")
    page.fill("#id_name", "Keo Rith")
    page.check("input[name=sex][value=male]")
    page.select_option("#id_role", "police")
    page.select_option("#id_agency", label="Anti-Human Trafficking and Juvenile Protection Police, Phnom Penh")
    page.click("form[action$='/participants/'] button.primary")
    page.wait_for_selector("td:has-text('Keo Rith')")

    page.click("summary:has-text('Add participants from a spreadsheet')")
    page.set_input_files(
        "#id_file", files=[{"name": "list.xlsx", "mimeType": "application/octet-stream", "buffer": _sheet()}]
    )
    page.click("button:has-text('Add the list')")
    page.wait_for_selector("text=2 participants added.")
    assert Participant.objects.filter(event=event).count() == 3

    keo = Participant.objects.get(event=event, number=1)
    page.check(f"input[name='attended-{keo.pk}']")
    page.fill(f"input[name='pre-{keo.pk}']", "40")
    page.fill(f"input[name='post-{keo.pk}']", "75")
    page.click("button:has-text('Save attendance and scores')")
    page.wait_for_selector("text=Attendance and scores saved")
    keo.refresh_from_db()
    assert keo.attended and float(keo.post_score) == 75.0  # type: ignore[arg-type]
    with page.expect_download() as download:
        page.click(f"a[href$='/participants/{keo.pk}/certificate.pdf']")
    assert download.value.suggested_filename == "certificate-0001.pdf"
    assert page.csp_violations == []

    phone = browser.new_context(viewport={"width": 360, "height": 740}, base_url=page.url.split("/training")[0])
    reader = phone.new_page()
    sign_in(reader, live_world, "manager")
    reader.click("button[lang=km]")
    reader.wait_for_load_state()
    reader.goto("/training/?starts=2016-01-01&ends=2016-12-31")
    with translation.override("km"):
        heading = translation.gettext("Officials trained")
    assert heading in reader.text_content("main")
    assert "Working together" in reader.text_content("main")
    assert "3" in reader.text_content("#figures-summary")
    assert reader.evaluate("document.documentElement.scrollWidth") <= 360
    phone.close()

"""The main journeys in real Chromium at 360 px wide."""

from __future__ import annotations

import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.utils import translation

from casebridge.cases.models import Case, TimelineEvent
from casebridge.lib.testing import PASSWORD

pytestmark = pytest.mark.browser


def sign_in(page, world, username):  # type: ignore[no-untyped-def]
    page.goto("/accounts/login/")
    page.fill("#id_login", username)
    page.fill("#id_password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url("**/2fa/authenticate/")
    if time.time() % 30 > 26:  # a code about to expire could reach the server in the next window
        time.sleep(30 - time.time() % 30 + 0.2)
    code = format_hotp_value(hotp_value(world.totp_secrets[username], int(time.time()) // 30))
    page.fill("#id_code", code)
    page.click("button.primary")
    page.wait_for_url("**/")


def go(page, link):  # type: ignore[no-untyped-def]
    """Follow a link of the main menu (behind the menu button on a small screen)."""
    if page.is_visible(".menu-button"):
        page.click(".menu-button")
    page.click(f"nav >> text={link}")


def test_it_registers_a_survivor_and_adds_a_note(page, live_world):
    sign_in(page, live_world, "social_worker")
    assert live_world.case.number in page.content()
    page.click("text=Register a survivor")
    page.fill("#id_family_name", "ឈឹម")
    page.fill("#id_given_name", "សុភាព")
    page.fill("#id_given_name_latin", "Sophea")
    page.fill("#id_estimated_age", "16")
    page.select_option("#id_age_method", "appearance")
    page.select_option("#id_province", "KH-12")
    page.click("button.primary")
    page.wait_for_url("**/cases/*/")
    case = Case.objects.exclude(pk=live_world.case.pk).get()
    assert case.number in page.text_content("h1")
    assert "ឈឹម សុភាព (Sophea)" in page.content()

    # The note is added through htmx: the timeline updates without a page load.
    page.select_option("#id_section", "crisis_care")
    page.fill("#id_body", "Stayed with her through the night at the station.")
    page.click(".note-form button")
    page.wait_for_selector("text=Stayed with her through the night at the station.")
    assert TimelineEvent.objects.filter(case=case, kind="note").count() == 1
    assert page.csp_violations == []


def test_it_switches_to_khmer(page, live_world):
    sign_in(page, live_world, "social_worker")
    page.goto(f"/cases/{live_world.case.pk}/")
    page.click("button[lang=km]")
    page.wait_for_load_state()
    with translation.override("km"):
        expected = translation.gettext("Timeline")
    assert expected != "Timeline"
    assert expected in page.content()
    assert page.get_attribute("html", "lang") == "km"
    assert page.csp_violations == []


def test_it_finds_a_survivor_by_a_khmer_name(page, live_world):
    sign_in(page, live_world, "shelter_caseworker")
    go(page, "Search")
    page.fill("#q", "ស្រីពៅ")
    page.click("form.filters button")
    page.wait_for_selector("ul.results")
    assert "Srey Pov" in page.text_content("ul.results")
    assert live_world.case.number in page.text_content("ul.results")
    # The results have an address without the name, and Back from the case comes back to them.
    assert "?r=" in page.url and "Srey" not in page.url and "%E1%9E" not in page.url
    page.click(f"ul.results >> text={live_world.case.number}")
    page.wait_for_url(f"**/cases/{live_world.case.pk}/")
    page.go_back()
    page.wait_for_selector("ul.results")
    assert "Srey Pov" in page.text_content("ul.results")
    assert page.evaluate("JSON.stringify(Object.assign({}, localStorage))").find("Srey") == -1
    assert page.csp_violations == []


def test_it_shows_the_outsider_nothing(page, live_world):
    sign_in(page, live_world, "outsider")
    assert live_world.case.number not in page.content()
    response = page.goto(f"/cases/{live_world.case.pk}/")
    assert response.status == 404
    assert "Srey" not in page.content()


def test_it_fits_a_small_screen(page, live_world):
    sign_in(page, live_world, "social_worker")
    failed: list[str] = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.goto(f"/cases/{live_world.case.pk}/")
    page.wait_for_load_state("networkidle")
    assert failed == []  # the stylesheet, htmx and the icon all load from here
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
    # The stylesheet (served from the app, no CDN) is applied: main is capped at 60rem.
    assert page.evaluate("getComputedStyle(document.querySelector('main')).maxWidth") == "960px"


def test_a_partners_withdrawal_reaches_the_case_worker_and_an_approval_takes_effect(page, live_world, browser):
    """The trust core's journeys: the shelter records that the survivor withdrew consent to share
    with it; the lead case worker finds it in her notifications and the shelter is off the team. A
    privacy officer approves a colleague's new membership, which only then reaches the case."""
    from django.utils import timezone as tz

    from casebridge.agencies.models import Membership, Role
    from casebridge.lib.testing import make_user

    sign_in(page, live_world, "shelter_caseworker")
    page.goto(f"/cases/{live_world.case.pk}/")
    assert "Anti-Human Trafficking" not in page.content()  # the police on the team stay unknown
    page.click("text=Record a refusal or withdrawal")
    page.check("input[name=decision][value=withdrawn]")
    page.check("input[name=given_by][value=guardian]")
    page.select_option("#id_child_assent", "true")
    page.select_option("#id_shared_with", str(live_world.agencies["SHS"].pk))
    page.select_option("#id_language", "khm")
    page.click("button.primary")
    page.wait_for_url("**/cases/**")
    assert page.csp_violations == []

    lead = browser.new_page(viewport={"width": 360, "height": 740}, base_url=page.url.split("/cases/")[0])
    lead.csp_violations = []  # type: ignore[attr-defined]
    sign_in(lead, live_world, "social_worker")
    assert lead.text_content("nav .badge") == "1"
    go(lead, "Notifications")
    assert "SHS" in lead.text_content("ul.notifications") and live_world.case.number in lead.content()
    lead.goto(f"/cases/{live_world.case.pk}/")
    team = lead.text_content("ul.team")
    assert "Safe Haven Shelter" not in team  # withdrawn consent ended the shelter's place

    newcomer, _ = make_user("newcomer", live_world.agencies["JPC"], Role.AFTERCARE_SOCIAL_WORKER)
    membership = Membership.objects.get(user=newcomer)
    membership.approved_at, membership.changed_by = None, live_world.admin
    membership.save()
    officer = browser.new_page(viewport={"width": 360, "height": 740}, base_url=page.url.split("/cases/")[0])
    sign_in(officer, live_world, "privacy_officer")
    go(officer, "Approvals")
    assert "newcomer" in officer.text_content("table.list")
    officer.click("table.list >> text=Approve")
    officer.wait_for_selector("text=Membership approved")
    membership.refresh_from_db()
    assert membership.approved_by == live_world.privacy_officer
    assert membership.approved_at is not None and membership.approved_at <= tz.now()


def _fill_intake(page):  # type: ignore[no-untyped-def]
    page.fill("#id_family_name_latin", "Sok")
    page.fill("#id_given_name_latin", "Sreypov")
    page.fill("#id_estimated_age", "15")
    page.select_option("#id_age_method", "appearance")
    page.select_option("#id_gender", "Feminine")
    page.select_option("#id_province", "KH-12")
    page.click("button.primary")


def test_intake_warns_of_a_known_person_and_a_record_elsewhere(page, live_world, browser, live_server):
    from casebridge.cases.models import ContactRequest, EventKind

    # The lead agency's worker is shown the girl she may be, and registers only when she says no.
    sign_in(page, live_world, "social_worker")
    page.click("text=Register a survivor")
    _fill_intake(page)
    page.wait_for_selector("#possible")
    assert live_world.case.number in page.text_content("#possible")
    assert Case.objects.count() == 1
    page.check("#id_match-different_person")
    page.click("button.primary")
    page.wait_for_url("**/cases/*/")
    new = Case.objects.exclude(pk=live_world.case.pk).get()
    assert TimelineEvent.objects.filter(case=new, kind=EventKind.DIFFERENT_PERSON).exists()
    assert page.csp_violations == []

    # Another agency's worker learns only that a record may exist elsewhere, and asks.
    context = browser.new_context(viewport={"width": 360, "height": 740}, base_url=live_server.url)
    other = context.new_page()
    sign_in(other, live_world, "gov_social_worker")
    other.click("text=Register a survivor")
    _fill_intake(other)
    other.wait_for_selector(".elsewhere")
    text = other.text_content("#possible")
    assert "A record may exist elsewhere" in text and live_world.case.number not in text and "JPC" not in text
    other.fill("#id_match-contact_reason", "Met at the border post tonight; she says she was in a shelter.")
    other.click("button[name=request_contact]")
    other.wait_for_selector("text=Your contact request was sent")
    assert ContactRequest.objects.filter(case=live_world.case).count() == 1
    context.close()

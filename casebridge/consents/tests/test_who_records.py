"""Who may write the consent ledger (the trust core, second pass, item 2). Reproduced on the demo:
a partner's team member, and a police officer from another province after breaking the glass,
posted a "withdrawn" sharing consent that removed another agency from the team at once, or a
"given" consent for any agency, which lead staff would then rely on."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from casebridge.api.authentication import issue_token
from casebridge.cases.access import case_access
from casebridge.cases.actions import do_break_glass
from casebridge.cases.models import TeamMember, TimelineEvent
from casebridge.consents.actions import do_record_consent
from casebridge.consents.models import ConsentRecord
from casebridge.lib.errors import NotAllowed
from casebridge.lib.testing import run_ready_tasks
from casebridge.notifications.models import Notification

REASON = "The child called the hotline from an unknown place tonight; I need the guardian's number."


def _sharing(world, actor, code, decision):
    return {
        "purpose": "sharing",
        "shared_with": world.agencies[code].pk,
        "decision": decision,
        "given_by": "guardian",
        "child_assent": True,
        "decided_on": timezone.localdate().isoformat(),
        "language": "khm",
    }


def _api(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user)}")
    return client


def _shelter_on_team(world):
    return TeamMember.objects.filter(case=world.case, agency=world.agencies["SHS"], removed_at__isnull=True).exists()


@pytest.mark.parametrize("decision", ["withdrawn", "given", "refused"])
def test_the_police_on_the_team_cannot_decide_for_the_shelter(world, decision):
    before = ConsentRecord.objects.count()
    response = _api(world.police).post(
        f"/api/v1/cases/{world.case.pk}/consents/", _sharing(world, None, "SHS", decision)
    )
    assert response.status_code == 403, response.content
    assert ConsentRecord.objects.count() == before and _shelter_on_team(world)


def test_a_partner_cannot_give_consent_even_for_itself(world):
    response = _api(world.shelter_caseworker).post(
        f"/api/v1/cases/{world.case.pk}/consents/", _sharing(world, None, "SHS", "given")
    )
    assert response.status_code == 403
    services = {**_sharing(world, None, "SHS", "withdrawn"), "purpose": "services", "shared_with": None}
    url = f"/api/v1/cases/{world.case.pk}/consents/"
    assert _api(world.shelter_caseworker).post(url, services, format="json").status_code == 403


def test_a_partner_records_a_withdrawal_for_itself_and_the_case_worker_is_told(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _api(world.shelter_caseworker).post(
            f"/api/v1/cases/{world.case.pk}/consents/", _sharing(world, None, "SHS", "withdrawn")
        )
    run_ready_tasks()  # the e-mail goes out from the background worker
    assert response.status_code == 201, response.content
    assert not _shelter_on_team(world)
    assert not case_access(world.shelter_caseworker, world.case).reaches
    note = Notification.objects.get(recipient=world.social_worker, kind="consent_by_partner")
    assert world.case.number in note.message() and "SHS" in note.message()
    assert [m.to for m in mailoutbox] == [[world.social_worker.email]]


def test_emergency_access_writes_nothing(world, login):
    glass_user = world.gov_social_worker
    do_break_glass(world.case.number, actor=glass_user, reason=REASON)
    assert case_access(glass_user, world.case).break_glass
    client = _api(glass_user)
    consents, notes = ConsentRecord.objects.count(), TimelineEvent.objects.filter(kind="note").count()
    for code, decision in (("SHS", "withdrawn"), ("DOSVY", "given"), ("DOSVY", "withdrawn")):
        response = client.post(f"/api/v1/cases/{world.case.pk}/consents/", _sharing(world, None, code, decision))
        assert response.status_code == 403, response.content
    note = {"section": "identity", "body": "I was here."}
    assert client.post(f"/api/v1/cases/{world.case.pk}/notes/", note, format="json").status_code == 403
    assert client.patch(f"/api/v1/cases/{world.case.pk}/", {"status": "FollowUp"}, format="json").status_code == 403
    team = {"agency": world.agencies["OTH"].pk, "sections": ["identity"]}
    assert client.post(f"/api/v1/cases/{world.case.pk}/team/", team, format="json").status_code == 403
    browser = login(glass_user)
    assert browser.get(reverse("consents:new", args=[world.case.pk])).status_code == 403
    page = browser.post(reverse("cases:note_create", args=[world.case.pk]), {"section": "identity", "body": "x"})
    assert page.status_code in (400, 403)
    assert ConsentRecord.objects.count() == consents
    assert TimelineEvent.objects.filter(kind="note").count() == notes
    assert _shelter_on_team(world)


def test_the_partners_form_offers_only_its_own_refusal_or_withdrawal(world, login):
    body = login(world.shelter_caseworker).get(reverse("consents:new", args=[world.case.pk])).content.decode()
    assert 'value="withdrawn"' in body and 'value="refused"' in body and 'value="given"' not in body
    assert "Safe Haven Shelter" in body and "Anti-Human Trafficking" not in body


def test_the_action_refuses_a_partner_deciding_for_another_agency(world):
    with pytest.raises(NotAllowed):
        do_record_consent(
            world.case,
            actor=world.shelter_caseworker,
            purpose="sharing",
            shared_with=world.agencies["AHTJP"],
            decision="withdrawn",
            given_by="guardian",
            child_assent=True,
            decided_on=timezone.localdate(),
            language="khm",
        )

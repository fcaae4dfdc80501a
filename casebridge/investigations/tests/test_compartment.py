"""The compartment: care roles, clinics, managers, administrators, privacy officers and outsiders
get 404 on every investigations page and endpoint; investigators of the owning agency reach
them; a grant opens one record; a survivor's case shows only that a linked investigation exists."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from casebridge.audit.models import AuditEvent
from casebridge.investigations import actions
from casebridge.investigations.models import CaseLink, Link, Screening
from casebridge.investigations.tests.helpers import build_investigation, screening_data

OUTSIDERS = [
    "social_worker",
    "shelter_caseworker",
    "nurse",
    "manager",
    "admin",
    "privacy_officer",
    "outsider",
    "lawyer",
    "trainer",
    "gov_social_worker",
]


def _urls(found) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Every investigations page and endpoint, by route name, at a real record."""
    op, girl = found.operation.pk, found.girl.pk
    page: dict[str, list[Any]] = {
        "home": [],
        "list": ["subjects"],
        "establishment_new": [],
        "communes": [],
        "establishment": [found.place.pk],
        "establishment_status": [found.place.pk],
        "subject_new": [],
        "subject": [found.subject.pk],
        "subject_identifier": [found.subject.pk],
        "identifier": [found.phone.pk],
        "intelligence_new": [],
        "intelligence": [found.report.pk],
        "link_new": [f"subject:{found.subject.pk}"],
        "operation_new": [],
        "operation": [op],
        "operation_step": [op, "cancel"],
        "operation_record": [op, "encounter"],
        "arrest_withdraw": [op, uuid.uuid4()],
        "screening": [op, girl],
        "screening_case": [op, girl],
        "network": [],
        "ref": [CaseLink.objects.values_list("reference", flat=True).first() or "INV-NONE"],
    }
    urls = {f"investigations:{name}": reverse(f"investigations:{name}", args=args) for name, args in page.items()}
    urls["investigations:network"] += f"?node=subject:{found.subject.pk}"
    base = "/api/v1/investigations/"
    api = {
        "establishment-list": "establishments/",
        "establishment-detail": f"establishments/{found.place.pk}/",
        "establishment-status": f"establishments/{found.place.pk}/status/",
        "subject-list": "subjects/",
        "subject-detail": f"subjects/{found.subject.pk}/",
        "identifier-list": "identifiers/",
        "identifier-detail": f"identifiers/{found.phone.pk}/",
        "link-list": "links/",
        "link-detail": f"links/{Link.objects.values_list('pk', flat=True).first()}/",
        "intelligence-list": "intelligence/",
        "intelligence-detail": f"intelligence/{found.report.pk}/",
        "operation-list": "operations/",
        "operation-detail": f"operations/{op}/",
        "operation-step": f"operations/{op}/step/",
        "operation-encounters": f"operations/{op}/encounters/",
        "operation-arrests": f"operations/{op}/arrests/",
        "operation-withdraw": f"operations/{op}/arrests/{uuid.uuid4()}/withdraw/",
        "operation-seized": f"operations/{op}/seized/",
        "operation-screenings": f"operations/{op}/screenings/",
        "operation-screening-case": f"operations/{op}/screenings/{uuid.uuid4()}/case/",
        "network": f"network/?node=subject:{found.subject.pk}",
    }
    urls |= {f"investigation-{name}": base + path for name, path in api.items()}
    return urls


def test_the_compartment_tests_cover_every_route(db):
    from tests.test_access_matrix import OTHER_ROUTES

    routes = {name for name in OTHER_ROUTES if name.startswith(("investigations:", "investigation-"))}
    assert routes == set(_urls(_Fake()))


class _Fake:
    """Ids enough to build every URL (nothing is fetched)."""

    def __init__(self) -> None:
        self.place = self.subject = self.phone = self.report = self.operation = self.girl = _Id()


class _Id:
    pk = uuid.uuid4()


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_everyone_but_investigators_gets_404_everywhere(world, login, persona):
    found = build_investigation(world)
    client = login(world.users[persona])
    for name, url in _urls(found).items():
        assert client.get(url).status_code in (404, 405), (name, url)
        write = client.post(url, {}, content_type="application/json") if "/api/" in url else client.post(url, {})
        assert write.status_code in (404, 405), (name, url)
    # Writes too, as for records that do not exist.
    op = found.operation.pk
    for url in (
        reverse("investigations:operation_step", args=[op, "cancel"]),
        reverse("investigations:operation_record", args=[op, "encounter"]),
        reverse("investigations:establishment_status", args=[found.place.pk]),
        reverse("investigations:link_new", args=[f"subject:{found.subject.pk}"]),
        f"/api/v1/investigations/operations/{op}/step/",
    ):
        assert client.post(url, {"step": "cancel", "reason": "x"}).status_code == 404, url
    for url in ("establishments", "subjects", "intelligence", "operations", "links", "identifiers"):
        assert client.post(f"/api/v1/investigations/{url}/", {}, content_type="application/json").status_code == 404
    assert found.operation.name not in client.get(reverse("cases:home")).content.decode()


def test_investigators_of_the_agency_reach_every_page_and_endpoint(world, login):
    found = build_investigation(world)
    client = login(world.ngo_investigator)
    post_only = {
        "investigations:establishment_status",
        "investigations:subject_identifier",
        "investigations:link_new",
        "investigations:operation_step",
        "investigations:operation_record",
        "investigations:arrest_withdraw",
        "investigation-operation-withdraw",
        "investigation-establishment-status",
        "investigation-operation-step",
        "investigation-operation-arrests",
        "investigation-operation-seized",
        "investigation-operation-screening-case",
        "investigations:ref",
        "investigations:screening_case",
    }
    for name, url in _urls(found).items():
        if name not in post_only:
            assert client.get(url).status_code == 200, (name, url)
    body = client.get(reverse("investigations:subject", args=[found.subject.pk])).content.decode()
    assert "Chan Vibol" in body and "+85512888777" in body
    viewed = AuditEvent.objects.filter(actor=world.ngo_investigator, object_type="investigation_subject", action="view")
    assert viewed.filter(object_id=str(found.subject.pk)).exists()


def test_the_police_unit_reaches_its_operation_but_not_the_ngos_records(world, login):
    found = build_investigation(world)
    client = login(world.police)
    assert client.get(reverse("investigations:operation", args=[found.operation.pk])).status_code == 200
    for url in (
        reverse("investigations:subject", args=[found.subject.pk]),
        reverse("investigations:establishment", args=[found.place.pk]),
        reverse("investigations:intelligence", args=[found.report.pk]),
        f"/api/v1/investigations/subjects/{found.subject.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    # The operation page names its targets only to those who reach them.
    assert (
        "Golden Star" not in client.get(reverse("investigations:operation", args=[found.operation.pk])).content.decode()
    )
    listed = client.get("/api/v1/investigations/subjects/").json()
    assert listed["count"] == 0
    detail = client.get(f"/api/v1/investigations/operations/{found.operation.pk}/").json()
    assert detail["targets"] == [] and detail["encountered"] == 2
    mine = login(world.ngo_investigator).get(f"/api/v1/investigations/operations/{found.operation.pk}/").json()
    assert mine["targets"] == [str(found.place.pk)]


def test_a_grant_opens_one_subject_to_a_lawyer(world, login):
    found = build_investigation(world)
    client = login(world.lawyer)
    url = f"/api/v1/investigations/subjects/{found.subject.pk}/"
    assert client.get(url).status_code == 404
    grant = actions.do_grant(
        actor=world.ngo_investigator,
        user=world.lawyer,
        subject=found.subject,
        reason="Defendant in the linked proceeding",
    )
    assert client.get(url).json()["name"] == "Chan Vibol"
    assert client.get(f"/api/v1/investigations/establishments/{found.place.pk}/").status_code == 404
    grant.revoked_at = timezone.now()
    grant.save()
    assert client.get(url).status_code == 404
    actions.do_grant(
        actor=world.ngo_investigator,
        user=world.lawyer,
        subject=found.subject,
        reason="Again",
        expires_at=timezone.now() + datetime.timedelta(seconds=1),
    )
    assert client.get(url).status_code == 200


def _open_case(world, found, client):  # type: ignore[no-untyped-def]
    actions.do_screen(found.girl, actor=world.ngo_investigator, data=screening_data())
    screening = Screening.objects.get(encounter=found.girl)
    url = f"/api/v1/investigations/operations/{found.operation.pk}/screenings/{screening.pk}/case/"
    body = {
        "province": "KH-12",
        "survivor": {
            "given_name_latin": "Sreymom",
            "family_name_latin": "Heng",
            "estimated_age": 15,
            "age_method": "appearance",
            "gender": "Feminine",
        },
        "different_person": True,
        "consent_decision": "given",
        "consent_given_by": "guardian",
        "child_assent": True,
        "consent_language": "khm",
    }
    return client.post(url, body, content_type="application/json")


def test_a_screening_opens_a_case_that_shows_only_a_reference_to_care_roles(world, login):
    found = build_investigation(world)
    client = login(world.ngo_investigator)
    response = _open_case(world, found, client)
    assert response.status_code == 201, response.content
    assert response.json()["outcome"] == "case" and response.json()["assessment_centre"] is True
    screening = Screening.objects.get(encounter=found.girl)
    link = CaseLink.objects.get(case=screening.case)
    assert link.reference.startswith("INV-")
    case = screening.case
    assert case is not None
    assert case.consents.get(purpose="services").decision == "given"
    # The lead agency's aftercare worker sees the reference, not the investigation.
    care = login(world.social_worker)
    page = care.get(reverse("cases:detail", args=[case.pk])).content.decode()
    timeline = care.get(f"/api/v1/cases/{case.pk}/timeline/").content.decode()
    for shown in (page, timeline):
        assert link.reference in shown
        for secret in ("Chan Vibol", "Bong Bol", "Golden Star", "Operation Lotus", "Girls under 18", "+85512888777"):
            assert secret not in shown
    assert care.get(reverse("investigations:ref", args=[link.reference])).status_code == 404
    # An investigator follows it to the operation.
    followed = login(world.ngo_investigator).get(reverse("investigations:ref", args=[link.reference]))
    assert followed.status_code == 302 and str(found.operation.pk) in followed["Location"]
    # The survivor is no subject, and no search of a care role finds the subject.
    hits = care.get("/api/v1/people/?q=Chan+Vibol").json()
    assert "Chan Vibol" not in str(hits)


def test_a_screening_that_is_not_pending_opens_no_case(world, login):
    found = build_investigation(world)
    actions.do_screen(
        found.woman,
        actor=world.ngo_investigator,
        data=screening_data(
            minor="no",
            age_low=25,
            age_high=30,
            status="NotAVictimOfTrafficking",
            outcome="not_a_victim",
            reason="adult_no_indicators",
        ),
    )
    screening = Screening.objects.get(encounter=found.woman)
    client = login(world.ngo_investigator)
    url = f"/api/v1/investigations/operations/{found.operation.pk}/screenings/{screening.pk}/case/"
    response = client.post(
        url,
        {
            "province": "KH-12",
            "survivor": {"given_name_latin": "Lina"},
            "different_person": True,
            "consent_decision": "given",
            "consent_given_by": "survivor",
            "consent_language": "khm",
        },
        content_type="application/json",
    )
    assert response.status_code == 409
    from casebridge.cases.models import Case

    assert not Case.objects.exclude(pk=world.case.pk).exists()


def test_a_screening_of_a_person_from_another_operation_is_refused(world, login):
    found = build_investigation(world)
    other = actions.do_plan_operation(
        actor=world.ngo_investigator,
        agency=world.agencies["JPC"],
        name="Other",
        planned_for=timezone.now(),
        lead_unit=world.agencies["AHTJP"],
    )
    client = login(world.ngo_investigator)
    body = {"encounter": str(found.girl.pk), **screening_data(history=[])}
    response = client.post(
        f"/api/v1/investigations/operations/{other.pk}/screenings/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["errors"]["encounter"] == ["This person was not encountered in this operation."]
    assert not Screening.objects.exists()


def test_a_link_to_a_record_out_of_reach_answers_404_as_one_that_does_not_exist(world, login):
    found = build_investigation(world)
    police_place = actions.do_create_establishment(
        actor=world.police, agency=world.agencies["AHTJP"], kind="brothel", name="Police's own lead"
    )
    client = login(world.ngo_investigator)
    for target in (f"establishment:{police_place.pk}", f"establishment:{uuid.uuid4()}"):
        body = {"a": f"subject:{found.subject.pk}", "kind": "frequents", "b": target, "source": "observation"}
        response = client.post("/api/v1/investigations/links/", body, content_type="application/json")
        assert response.status_code == 404, response.content
    assert not Link.objects.filter(kind="frequents").exists()


def test_creates_in_an_operation_happen_once_per_idempotency_key(world, login):
    found = build_investigation(world)
    client = login(world.police)
    url = f"/api/v1/investigations/operations/{found.operation.pk}/encounters/"
    first = client.post(url, {"sex": "female"}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post(url, {"sex": "female"}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"] and again["Idempotent-Replayed"] == "true"
    assert found.operation.encounters.count() == 3
    seized = f"/api/v1/investigations/operations/{found.operation.pk}/seized/"
    for _attempt in range(2):
        client.post(seized, {"description": "Ledger"}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert found.operation.seized.count() == 1

"""What the independent security review of the compartment found, kept as tests: a child is
never a suspect (whichever comes first), a child found in an operation does not consent alone,
grants only to lawyers and other agencies' investigators, every read audited, no id of a record
out of reach, and a path search whose cost does not grow with the compartment."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casebridge.audit.models import AuditEvent
from casebridge.investigations import actions
from casebridge.investigations.models import Arrest, CaseLink, Link, Screening
from casebridge.investigations.tests.helpers import build_investigation, screening_data
from casebridge.investigations.tests.test_compartment import _open_case
from casebridge.lib.errors import NotAllowed
from casebridge.people.actions import clean_identity


def test_an_age_range_reaching_below_18_is_not_an_adult(world):
    found = build_investigation(world)
    data = screening_data(
        minor="no", age_low=14, age_high=19, status="NotAVictimOfTrafficking", outcome="not_a_victim", reason="staff"
    )
    with pytest.raises(ValidationError, match="borderline"):
        actions.do_screen(found.girl, actor=world.police, data=data)


def test_a_child_arrested_before_her_screening_is_screened_once_the_arrest_is_withdrawn(world, login):
    found = build_investigation(world)
    actions.do_record_arrest(found.operation, actor=world.ngo_investigator, subject=found.subject, encounter=found.girl)
    with pytest.raises(ValidationError, match="withdraw the arrest first"):
        actions.do_screen(found.girl, actor=world.ngo_investigator, data=screening_data())
    arrest = Arrest.objects.get()
    client = login(world.police)  # the lead unit withdraws it
    url = f"/api/v1/investigations/operations/{found.operation.pk}/arrests/{arrest.pk}/withdraw/"
    assert client.post(url, {}, content_type="application/json").status_code == 400  # a reason is needed
    assert client.post(url, {"reason": "She is a child"}, content_type="application/json").status_code == 200
    arrest.refresh_from_db()
    assert arrest.withdrawn_at is not None and arrest.withdrawn_reason == "She is a child"
    assert not Link.objects.filter(kind="arrested").exists()
    actions.do_screen(found.girl, actor=world.ngo_investigator, data=screening_data())
    assert Screening.objects.get(encounter=found.girl).is_minor
    # A participant that is not the owner or the lead unit may not withdraw one.
    again = actions.do_record_arrest(found.operation, actor=world.ngo_investigator, subject=found.subject)
    from casebridge.agencies.models import Membership, Role
    from casebridge.lib.testing import make_user

    dosvy_investigator, _secret = make_user("dosvy_inv", world.agencies["DOSVY"], Role.POLICE_INVESTIGATOR)
    found.operation.participants.add(world.agencies["DOSVY"])
    with pytest.raises(NotAllowed):
        actions.do_withdraw_arrest(again, actor=dosvy_investigator, reason="No")
    assert Membership.objects.filter(user=dosvy_investigator).exists()


def test_a_child_is_never_a_subject(world):
    with pytest.raises(ValidationError, match="never recorded as a suspect"):
        actions.do_create_subject(
            actor=world.ngo_investigator,
            agency=world.agencies["JPC"],
            identity=clean_identity({"given_name_latin": "Nary", "estimated_age": 14, "age_method": "appearance"}),
            roles=["Exploiter"],
        )


def test_a_child_found_in_an_operation_does_not_consent_alone(world, login):
    found = build_investigation(world)
    actions.do_screen(found.girl, actor=world.ngo_investigator, data=screening_data(age_low=12, age_high=13))
    screening = Screening.objects.get(encounter=found.girl)
    url = f"/api/v1/investigations/operations/{found.operation.pk}/screenings/{screening.pk}/case/"
    body = {
        "province": "KH-12",
        "survivor": {"given_name_latin": "Sreymom", "family_name_latin": "Heng"},
        "different_person": True,
        "consent_decision": "given",
        "consent_given_by": "survivor",
        "consent_language": "khm",
    }
    response = login(world.ngo_investigator).post(url, body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert "consent_given_by" in response.json()["errors"]
    assert Screening.objects.get(pk=screening.pk).outcome == "pending"
    # Her guardian decides, with her assent: the case carries the screening's age.
    body.update(consent_given_by="guardian", child_assent=True)
    assert login(world.ngo_investigator).post(url, body, content_type="application/json").status_code == 201
    case = Screening.objects.get(pk=screening.pk).case
    assert case is not None and case.survivor.estimated_age == 12 and case.age_band == "9-14"


@pytest.mark.parametrize("persona", ["social_worker", "shelter_caseworker", "nurse", "admin", "manager"])
def test_a_subject_is_never_granted_to_a_care_role_or_an_administrator(world, login, persona):
    found = build_investigation(world)
    with pytest.raises(ValidationError, match="only to a lawyer"):
        actions.do_grant(actor=world.ngo_investigator, user=world.users[persona], subject=found.subject, reason="x")
    assert login(world.users[persona]).get(f"/api/v1/investigations/subjects/{found.subject.pk}/").status_code == 404


def test_following_a_reference_and_linking_a_case_are_on_the_cases_access_log(world, login):
    found = build_investigation(world)
    assert _open_case(world, found, login(world.ngo_investigator)).status_code == 201
    link = CaseLink.objects.get()
    linked = AuditEvent.objects.filter(case_id=link.case_id, object_type="case", sections="investigation")
    assert linked.filter(action="update").exists()
    client = login(world.ngo_investigator)
    before = linked.filter(action="view").count()
    client.get(reverse("investigations:ref", args=[link.reference]))
    assert linked.filter(action="view").count() == before + 1
    assert AuditEvent.objects.filter(
        object_type="investigation_operation", object_id=str(found.operation.pk), action="view"
    ).exists()


def test_the_operation_page_audits_the_seized_items_it_shows(world, login):
    found = build_investigation(world)
    item = actions.do_add_seized(found.operation, actor=world.police, description="Ledger")
    login(world.police).get(reverse("investigations:operation", args=[found.operation.pk]))
    assert AuditEvent.objects.filter(
        object_type="investigation_seized_item", object_id=str(item.pk), action="list"
    ).exists()


def test_the_lead_unit_gets_no_id_of_what_it_does_not_reach(world, login):
    found = build_investigation(world)
    assert _open_case(world, found, login(world.ngo_investigator)).status_code == 201
    case = Screening.objects.get(encounter=found.girl).case
    assert case is not None
    police = login(world.police)
    body = police.get(f"/api/v1/investigations/operations/{found.operation.pk}/screenings/").content.decode()
    assert str(case.pk) not in body
    # An AHTJP subject arrested in JPC's operation: the link is AHTJP's, and JPC's list never names him.
    police_subject = actions.do_create_subject(
        actor=world.police,
        agency=world.agencies["AHTJP"],
        identity=clean_identity({"given_name_latin": "Rith", "estimated_age": 40, "age_method": "appearance"}),
        roles=["Exploiter"],
    )
    actions.do_record_arrest(found.operation, actor=world.police, subject=police_subject)
    assert Link.objects.get(kind="arrested", a_id=police_subject.pk).agency == world.agencies["AHTJP"]
    listed = (
        login(world.ngo_investigator)
        .get(f"/api/v1/investigations/links/?node=operation:{found.operation.pk}")
        .content.decode()
    )
    assert str(police_subject.pk) not in listed
    police = login(world.police)  # (one test client: signed in again as the police officer)
    own = police.get(f"/api/v1/investigations/links/?node=operation:{found.operation.pk}").json()
    assert [link["a"] for link in own["results"]] == [f"subject:{police_subject.pk}"]


def test_a_path_search_costs_the_same_however_large_the_compartment(world, login):
    found = build_investigation(world)
    police_place = actions.do_create_establishment(
        actor=world.police, agency=world.agencies["AHTJP"], kind="brothel", name="Police lead"
    )
    client = login(world.ngo_investigator)
    url = (
        reverse("investigations:network")
        + f"?node=subject:{found.subject.pk}&to=operation:{found.operation.pk}&depth=1"
    )

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    first = queries()
    for n in range(30):
        identifier, _new = actions.do_add_identifier(
            actor=world.ngo_investigator, agency=world.agencies["JPC"], kind="other", value=f"x{n}"
        )
        actions.do_link(
            actor=world.ngo_investigator,
            agency=world.agencies["JPC"],
            a_type="identifier",
            a_id=identifier.pk,
            kind="other",
            b_type="establishment",
            b_id=found.place.pk,
            source="observation",
        )
    assert queries() == first
    assert police_place.pk  # (a record of another agency in the same database)

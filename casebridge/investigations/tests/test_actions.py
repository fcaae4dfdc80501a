"""The compartment's writes: what they record, what they refuse, and that nothing is half-written."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from casebridge.audit.models import AuditEvent
from casebridge.investigations import actions
from casebridge.investigations.models import Establishment, Identifier, Link, Operation, Screening
from casebridge.investigations.tests.helpers import build_investigation, screening_data
from casebridge.lib.errors import Conflict, NotAllowed, NotFound
from casebridge.notifications.models import Notification


def test_it_records_an_investigation_with_its_links_and_audit(world):
    found = build_investigation(world)
    assert found.place.name == "Golden Star Karaoke"
    assert found.phone.value == "+85512888777"
    kinds = set(Link.objects.values_list("kind", flat=True))
    assert {"uses", "owns", "mentions", "target", "basis"} <= kinds
    assert AuditEvent.objects.filter(object_type="investigation_operation", actor=world.ngo_investigator).exists()
    # The aftercare team on standby is told when, never where nor whom.
    told = Notification.objects.filter(kind="operation_standby", recipient=world.social_worker).get()
    assert set(told.data) == {"day", "time"} and "Golden" not in told.message()


def test_the_same_phone_typed_two_ways_is_one_identifier(world):
    found = build_investigation(world)
    again, created = actions.do_add_identifier(
        actor=world.ngo_investigator, agency=world.agencies["JPC"], kind="phone", value="+855 12 888 777"
    )
    assert not created and again.pk == found.phone.pk
    assert Identifier.objects.count() == 1
    with pytest.raises(ValidationError) as error:
        actions.do_add_identifier(
            actor=world.ngo_investigator, agency=world.agencies["JPC"], kind="phone", value="12ab"
        )
    assert "international form" in str(error.value)


def test_it_warns_of_the_same_place(world):
    build_investigation(world)
    with pytest.raises(actions.SamePlace):
        actions.do_create_establishment(
            actor=world.ngo_investigator,
            agency=world.agencies["JPC"],
            kind="brothel",
            name="Other name",
            address="  street 63,  BOEUNG keng kang ",
        )
    with pytest.raises(actions.SamePlace):  # 5 m away
        actions.do_create_establishment(
            actor=world.ngo_investigator,
            agency=world.agencies["JPC"],
            kind="brothel",
            name="Other name",
            latitude="11.55644",
            longitude="104.92823",
        )
    assert Establishment.objects.count() == 1
    actions.do_create_establishment(
        actor=world.ngo_investigator,
        agency=world.agencies["JPC"],
        kind="brothel",
        name="Other name",
        address="Street 63, Boeung Keng Kang",
        different_place=True,
    )
    assert Establishment.objects.count() == 2


def test_it_refuses_a_bad_place(world):
    with pytest.raises(ValidationError) as error:
        actions.do_create_establishment(
            actor=world.ngo_investigator,
            agency=world.agencies["JPC"],
            kind="palace",
            name="",
            province="KH-12",
            district="0102",
            latitude="north",
        )
    assert set(error.value.message_dict) == {"kind", "name", "district", "latitude"}
    assert Establishment.objects.count() == 0


def test_only_investigators_of_the_agency_record(world):
    for persona in ("social_worker", "lawyer", "manager", "outsider", "admin"):
        with pytest.raises(NotAllowed):
            actions.do_create_establishment(
                actor=world.users[persona], agency=world.agencies["JPC"], kind="brothel", name="X"
            )
    with pytest.raises(NotAllowed):  # the police investigator is not JPC's
        actions.do_create_establishment(actor=world.police, agency=world.agencies["JPC"], kind="brothel", name="X")


def test_an_operation_moves_only_by_its_states(world):
    found = build_investigation(world, carried_out=False)
    operation = found.operation
    with pytest.raises(Conflict, match="not been authorised"):
        actions.do_carry_out(operation, actor=world.police, carried_out_at=timezone.now())
    today = timezone.localdate()
    actions.do_authorise(operation, actor=world.police, reference="PP-1", authorised_on=today)
    with pytest.raises(ValidationError, match="before it was authorised"):
        actions.do_carry_out(operation, actor=world.police, carried_out_at=timezone.now() - datetime.timedelta(days=2))
    with pytest.raises(ValidationError, match="future"):
        actions.do_carry_out(operation, actor=world.police, carried_out_at=timezone.now() + datetime.timedelta(days=1))
    assert Operation.objects.get(pk=operation.pk).state == "authorised"
    with pytest.raises(Conflict):
        actions.do_close(operation, actor=world.police)
    actions.do_carry_out(operation, actor=world.police, carried_out_at=timezone.now())
    girl = actions.do_add_encounter(operation, actor=world.police, sex="female")
    with pytest.raises(Conflict, match="wait for their screening"):
        actions.do_close(operation, actor=world.police)
    actions.do_screen(
        girl,
        actor=world.police,
        data=screening_data(
            minor="no",
            age_low=20,
            age_high=25,
            status="NotAVictimOfTrafficking",
            outcome="not_a_victim",
            reason="adult_no_indicators",
        ),
    )
    actions.do_close(operation, actor=world.police)
    with pytest.raises(Conflict):
        actions.do_cancel(operation, actor=world.police, reason="Too late")
    assert Operation.objects.get(pk=operation.pk).state == "closed"


def test_a_child_is_never_a_suspect(world):
    found = build_investigation(world)
    actions.do_screen(found.girl, actor=world.police, data=screening_data())
    with pytest.raises(ValidationError, match="never a suspect"):
        actions.do_record_arrest(
            found.operation, actor=world.ngo_investigator, subject=found.subject, encounter=found.girl
        )
    # Arrested first, then screened as a child: refused too.
    actions.do_record_arrest(
        found.operation, actor=world.ngo_investigator, subject=found.subject, encounter=found.woman
    )
    with pytest.raises(ValidationError, match="never a suspect"):
        actions.do_screen(found.woman, actor=world.police, data=screening_data(minor="borderline"))
    # Nor recorded as an adult or as the establishment's staff.
    with pytest.raises(ValidationError, match="never recorded as an adult"):
        actions.do_screen(
            found.girl,
            actor=world.police,
            data=screening_data(status="NotAVictimOfTrafficking", outcome="not_a_victim", reason="staff"),
        )
    assert Screening.objects.get(encounter=found.girl).outcome == "pending"


def test_a_screening_refuses_unknown_codes_and_writes_nothing(world):
    found = build_investigation(world)
    with pytest.raises(ValidationError) as error:
        actions.do_screen(
            found.girl,
            actor=world.police,
            data=screening_data(
                status="Victim", control=["Magic"], languages=["klingon"], minor="maybe", history=[{"type": "Holiday"}]
            ),
        )
    assert {"status", "control", "languages", "minor", "history"} <= set(error.value.message_dict)
    assert not Screening.objects.exists()


def test_a_link_to_a_record_out_of_reach_is_refused_as_missing(world):
    found = build_investigation(world)
    jpc = world.agencies["JPC"]
    other = build_other_agency_place(world)
    with pytest.raises(NotFound) as error:
        actions.do_link(
            actor=world.ngo_investigator,
            agency=jpc,
            a_type="subject",
            a_id=found.subject.pk,
            kind="frequents",
            b_type="establishment",
            b_id=other.pk,
            source="observation",
        )
    assert error.value.message == "No such record among those you can see."
    elsewhere = other_case(world)
    with pytest.raises(NotFound):  # a case the investigator does not reach
        actions.do_link(
            actor=world.ngo_investigator,
            agency=jpc,
            a_type="subject",
            a_id=found.subject.pk,
            kind="exploited",
            b_type="case",
            b_id=elsewhere.pk,
            source="statement",
        )
    # One the investigator reaches (JPC leads it) can be linked.
    actions.do_link(
        actor=world.ngo_investigator,
        agency=jpc,
        a_type="subject",
        a_id=found.subject.pk,
        kind="exploited",
        b_type="case",
        b_id=world.case.pk,
        source="statement",
    )


def build_other_agency_place(world):  # type: ignore[no-untyped-def]
    return actions.do_create_establishment(
        actor=world.police, agency=world.agencies["AHTJP"], kind="brothel", name="Police's own lead"
    )


def other_case(world):  # type: ignore[no-untyped-def]
    from casebridge.cases.actions import do_open_case
    from casebridge.people.actions import clean_identity

    return do_open_case(
        actor=world.gov_social_worker,
        agency=world.agencies["DOSVY"],
        identity=clean_identity({"given_name_latin": "Dany", "family_name_latin": "Keo"}),
        province="KH-12",
        opened_on=timezone.localdate(),
    )

"""The investigator's pages, through the client: each form writes what it says, refuses bad input
with the reason, and the network is drawn."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from casebridge.cases.models import Case
from casebridge.investigations.models import (
    CaseLink,
    Encounter,
    Establishment,
    Link,
    Operation,
    Screening,
    StatusChange,
    Subject,
)
from casebridge.investigations.tests.helpers import build_investigation


def _token(client, url):  # type: ignore[no-untyped-def]
    body = client.get(url).content.decode()
    start = body.index('name="submission" value="') + len('name="submission" value="')
    return body[start : start + 36]


def test_an_establishment_at_a_known_address_needs_a_second_word(world, login):
    build_investigation(world)
    client = login(world.ngo_investigator)
    url = reverse("investigations:establishment_new")
    form = {
        "submission": _token(client, url),
        "agency": world.agencies["JPC"].pk,
        "kind": "massage",
        "name": "Lotus Spa",
        "address": "street 63, boeung keng kang",
        "province": "KH-12",
        "district": "1201",
        "status": "operating",
    }
    warned = client.post(url, form)
    assert warned.status_code == 200 and "Golden Star Karaoke" in warned.content.decode()
    assert Establishment.objects.count() == 1
    form["different_place"] = "on"
    done = client.post(url, form)
    assert done.status_code == 302
    place = Establishment.objects.get(kind="massage")
    assert place.name == "Lotus Spa" and place.district == "1201"
    assert client.post(url, form).status_code == 409  # sent twice: saved once
    # A status change with a date before the history's last is refused; a later one is kept.
    status_url = reverse("investigations:establishment_status", args=[place.pk])
    client.post(status_url, {"status-status": "closed", "status-since": "2001-01-01"})
    assert Establishment.objects.get(pk=place.pk).status == "operating"
    client.post(
        status_url,
        {"status-status": "closed", "status-since": timezone.localdate().isoformat(), "status-note": "Sealed"},
    )
    assert Establishment.objects.get(pk=place.pk).status == "closed"
    assert StatusChange.objects.filter(establishment=place).count() == 2


def test_a_subject_with_a_phone_is_found_by_name_and_by_the_phone(world, login):
    client = login(world.ngo_investigator)
    url = reverse("investigations:subject_new")
    response = client.post(
        url,
        {
            "submission": _token(client, url),
            "agency": world.agencies["JPC"].pk,
            "family_name": "ចាន់",
            "given_name": "វិបុល",
            "family_name_latin": "Chan",
            "given_name_latin": "Vibol",
            "roles": ["Exploiter"],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    subject = Subject.objects.get()
    client.post(
        reverse("investigations:subject_identifier", args=[subject.pk]),
        {"identifier-kind": "phone", "identifier-value": "012 888 777"},
    )
    assert Link.objects.filter(kind="uses", a_id=subject.pk).count() == 1
    for query in ("Chan Vibol", "Vibol Chan", "ចាន់ វិបុល", "+855 12 888 777"):
        found = client.post(reverse("investigations:home"), {"q": query}).content.decode()
        assert reverse("investigations:subject", args=[subject.pk]) in found, query
    # Bad input: a name that is no phone nor name.
    refused = client.post(
        reverse("investigations:subject_identifier", args=[subject.pk]),
        {"identifier-kind": "phone", "identifier-value": "abc"},
    )
    assert refused.status_code == 302 and Link.objects.filter(kind="uses").count() == 1


def test_an_operation_from_plan_to_screening_to_case(world, login):
    found = build_investigation(world, carried_out=False)
    client = login(world.police)
    op = found.operation
    step = lambda name, data: client.post(reverse("investigations:operation_step", args=[op.pk, name]), data)  # noqa: E731
    step("carry_out", {"carried_out_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")})
    assert Operation.objects.get(pk=op.pk).state == "planned"  # not authorised yet
    step("authorise", {"reference": "PP-7", "authorised_on": timezone.localdate().isoformat()})
    step("carry_out", {"carried_out_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "debrief": "Two found"})
    assert Operation.objects.get(pk=op.pk).state == "carried_out"
    client.post(
        reverse("investigations:operation_record", args=[op.pk, "encounter"]),
        {"encounter-sex": "female", "encounter-removed": "on"},
    )
    girl = Encounter.objects.get(operation=op)
    page = client.get(reverse("investigations:operation", args=[op.pk])).content.decode()
    assert "P-1" in page
    screening_url = reverse("investigations:screening", args=[op.pk, girl.pk])
    bad = client.post(
        screening_url,
        {
            "minor": "yes",
            "status": "NotAVictimOfTrafficking",
            "decided_by": "Police",
            "outcome": "not_a_victim",
            "reason": "staff",
            "age_methods": ["interview"],
        },
    )
    assert bad.status_code == 400 and "never recorded as an adult" in bad.content.decode()
    client.post(
        screening_url,
        {
            "minor": "borderline",
            "age_low": "16",
            "age_high": "19",
            "status": "PossibleVictimOfTrafficking",
            "decided_by": "NGO",
            "outcome": "pending",
            "age_methods": ["appearance"],
            "exploitation": ["SexualExploitation"],
            "languages": "km",
        },
    )
    screening = Screening.objects.get(encounter=girl)
    assert screening.minor == "borderline" and screening.languages == ["khm"]
    case_url = reverse("investigations:screening_case", args=[op.pk, girl.pk])
    intake = {
        "submission": _token(client, case_url),
        "agency": world.agencies["AHTJP"].pk,
        "given_name_latin": "Srey Neang",
        "family_name_latin": "Mao",
        "estimated_age": "16",
        "age_method": "appearance",
        "gender": "Feminine",
        "province": "KH-12",
        "opened_on": timezone.localdate().isoformat(),
        "consent_decision": "given",
        "consent_given_by": "guardian",
        "child_assent": "true",
        "consent_language": "khm",
        "different_person": "on",
    }
    opened = client.post(case_url, intake)
    assert opened.status_code == 302, opened.content.decode()[:3000]
    case = Case.objects.exclude(pk=world.case.pk).get()
    assert Screening.objects.get(pk=screening.pk).case == case
    link = CaseLink.objects.get(case=case)
    detail = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert link.reference in detail and "assessment centre" in detail
    assert reverse("investigations:ref", args=[link.reference]) in detail  # investigators may follow it


def test_the_network_is_drawn_with_its_table_and_summary(world, login):
    found = build_investigation(world)
    client = login(world.ngo_investigator)
    url = reverse("investigations:network") + f"?node=subject:{found.subject.pk}"
    body = client.get(url).content.decode()
    assert "<svg" in body and "Golden Star Karaoke" in body and "+85512888777" in body
    assert "Operation Lotus" in body  # two links away: subject → place → operation
    assert "nodes (" in body
    one = client.get(url + "&depth=1").content.decode()
    assert "Operation Lotus" not in one.split("<svg")[1].split("</svg>")[0]
    path = client.get(url + f"&to=operation:{found.operation.pk}").content.decode()
    assert "Shortest path:" in path
    # A name cannot break out of the drawing, nor out of the graph's own language.
    found.subject.person.given_name_latin = 'Vibol"]; x [label="<script>alert(1)</script>'
    found.subject.person.save()
    drawn = client.get(url).content.decode()
    assert "<script>alert(1)</script>" not in drawn and "&lt;script&gt;" in drawn

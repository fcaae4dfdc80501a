"""generate_data: bulk cases whose identities decrypt, whose names are searchable, whose numbers
come from each lead agency's sequence, whose ways in are what sync_reach would make, and which
leave the audit chain whole."""

from __future__ import annotations

import io
import re
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from casebridge.accounts.models import User
from casebridge.audit.log import verify
from casebridge.audit.models import AuditEvent
from casebridge.cases.models import Case, CaseNumberSequence, TimelineEvent
from casebridge.cases.sections import Section
from casebridge.demo import generator
from casebridge.lib.text import normalise, query_clauses
from casebridge.people import index
from casebridge.people.actions import ways_of
from casebridge.people.index import Query, person_words, with_ways
from casebridge.people.models import Person, SearchEntry


def _generate(*args: str) -> str:
    out = io.StringIO()
    call_command("generate_data", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def generated(db):  # type: ignore[no-untyped-def]
    return _generate("--cases", "250", "--batch", "100", "--seed", "3")


CODES = [a.code for a in generator.AGENCIES]


def _cases():  # type: ignore[no-untyped-def]
    return Case.objects.filter(lead_agency__code__in=CODES)


def test_it_creates_numbered_cases(generated):
    numbers = list(_cases().values_list("number", "opened_on", "lead_agency__code"))
    assert len(numbers) == 250
    assert len({n for n, _, _ in numbers}) == 250
    for number, opened_on, code in numbers:
        assert re.fullmatch(rf"{code}-{opened_on.year}-\d{{6}}", number), number
    assert len({code for _, _, code in numbers}) > 10  # many lead agencies, not one
    # The sequence rows hold the last number issued per year, so later cases continue from them.
    per_year = Counter((code, opened_on.year) for _, opened_on, code in numbers)
    for (code, year), count in per_year.items():
        assert CaseNumberSequence.objects.get(agency__code=code, year=year).last == count
    assert "Generated 250 cases" in generated
    assert "cases/second" in generated


def test_it_stores_identities_encrypted_and_they_decrypt(generated):
    people = list(Person.objects.filter(cases_as_survivor__lead_agency__code__in=CODES))
    assert len(people) == 250
    for person in people:
        sealed = person.__dict__["given_name_latin"] or person.__dict__["given_name"]
        assert sealed.startswith("k1:")
        name = person.given_name_latin or person.given_name
        assert name and name not in sealed
        assert person.age_method in {"document", "appearance", "medical", "self", "family"}
        assert person.nationalities and person.nationalities[0] in {"KH", "VN", "TH", "LA"}


def test_it_indexes_names_like_registration_does(generated):
    for person in Person.objects.filter(cases_as_survivor__lead_agency__code__in=CODES).select_related("search"):
        names = person_words(person.name_fields(), person.phone)
        assert person.search.words == with_ways(names, ways_of([person.pk])[person.pk])
        assert len(person.search.words.split()) > len(names.split())  # the ways into her case are there


def test_it_makes_names_searchable(generated):
    person = Person.objects.filter(cases_as_survivor__lead_agency__code__in=CODES).order_by("pk").first()
    assert person is not None
    name = normalise(person.given_name_latin or person.given_name or "")
    found = Person.objects.filter(search__words__matches=Query.of(query_clauses(name)[0]))
    assert person in found
    assert person not in Person.objects.filter(search__words__matches=Query.of(query_clauses(name + "zzqx")[0]))


def test_it_writes_one_opening_entry_per_case(generated):
    assert TimelineEvent.objects.filter(case__in=_cases(), kind="case_opened").count() == 250
    assert TimelineEvent.objects.filter(case__in=_cases()).exclude(kind="case_opened").count() == 0


def test_it_audits_each_batch_and_keeps_the_chain(generated):
    batches = list(AuditEvent.objects.filter(object_type="generated_batch").order_by("id"))
    assert len(batches) == 3
    assert all(e.actor_id is None and e.actor_username == "system" for e in batches)
    first = _cases().order_by("opened_on", "number").first()
    assert first is not None
    assert batches[0].object_id.startswith(f"{first.number}..")
    assert not AuditEvent.objects.filter(object_type__in=["case", "person"]).exists()
    result = verify()
    assert result.ok, result.problem
    assert result.checked == 3


def test_it_makes_the_ways_in_that_sync_reach_would_make(generated):
    from casebridge.cases.access import sync_reach
    from casebridge.cases.models import Reach

    def ways_in(case_id):  # type: ignore[no-untyped-def]
        fields = ("agency_id", "user_id", "path", "sections", "starts_at", "expires_at", "opened_on", "case_created_at")
        return sorted(Reach.objects.filter(case_id=case_id).values_list(*fields), key=repr)

    paths = Counter(Reach.objects.values_list("path", flat=True))
    assert paths["lead"] == 250 and paths["team"] > 50 and paths["referral"] > 0
    for case in _cases():
        written = ways_in(case.pk)
        sync_reach(case.pk)
        assert ways_in(case.pk) == written, case.number


def test_it_gives_each_agency_a_realistic_reach(generated, world):
    from casebridge.cases.models import ReferralGrant, TeamMember

    office = User.objects.get(username=generator.BENCH_USER)
    assert not office.has_usable_password()
    led = _cases().filter(lead_agency__code="GDS12").count()
    on_team = TeamMember.objects.filter(agency__code="GDS12").count()
    assert Case.objects.visible_to(office).count() == led + on_team
    shelter = User.objects.get(username=generator.username("GSH1"))
    assert Case.objects.visible_to(shelter).count() == TeamMember.objects.filter(agency__code="GSH1").count()
    clinic = User.objects.get(username=generator.username("GCL1"))
    active = ReferralGrant.objects.active(timezone.now()).filter(agency__code="GCL1").count()
    assert Case.objects.visible_to(clinic, Section.MEDICAL).count() == active
    assert Case.objects.visible_to(world.outsider).filter(lead_agency__code__in=CODES).count() == 0


def test_it_adds_more_and_gives_members_access(generated, world):
    _generate("--cases", "5", "--batch", "2", "--member", "outsider")
    assert _cases().count() == 255
    assert len(set(_cases().values_list("number", flat=True))) == 255
    assert Case.objects.visible_to(world.outsider).filter(lead_agency__code__in=CODES).count() == 255
    assert verify().ok


def test_it_refuses_in_production(settings, db):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        _generate("--cases", "1")
    assert not Case.objects.exists()


def test_it_refuses_an_unknown_member(db):
    with pytest.raises(CommandError, match="nobody"):
        _generate("--cases", "1", "--member", "nobody")
    assert not Case.objects.exists()


@pytest.mark.postgresql
def test_two_writers_make_one_consistent_world(committed_world, monkeypatch):
    from django.db import connection

    monkeypatch.setattr(generator, "REBUILD_INDEXES_FROM", 100)  # the big run's path: indexes built at the end
    result = generator.generate(cases=300, batch=40, seed=5, workers=2)
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, SearchEntry._meta.db_table)
    assert index.POSTGRESQL_INDEX_NAME in constraints
    assert result.cases == 300
    numbers = list(_cases().values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == 300
    batches = AuditEvent.objects.filter(object_type="generated_batch").count()
    assert batches == 8
    assert verify().ok


def test_the_records_behind_the_cases_for_the_indicators(db, world, django_capture_on_commit_callbacks):
    from django.core.cache import cache

    from casebridge.crisis.models import Episode
    from casebridge.indicators import compute
    from casebridge.investigations.models import Screening
    from casebridge.legal.models import Defendant

    printed = _generate("--cases", "200", "--batch", "200", "--seed", "5", "--history")
    assert "Wrote the records behind 200 cases" in printed
    found = Screening.objects.count()
    assert 80 < found < 160  # about 60% of the cases were found in an operation
    assert Screening.objects.filter(case__in=_cases()).count() == found
    # encrypted fields are sealed to their rows: they read back
    assert Episode.objects.first().place == "Assessment centre"  # type: ignore[union-attr]
    assert Defendant.objects.exists() and Defendant.objects.first().name == "Defendant"  # type: ignore[union-attr]
    # written once: a second run adds nothing
    assert "Wrote the records behind 0 cases" in _generate("--cases", "1", "--history")
    assert Screening.objects.count() == found
    cache.clear()
    shown = {r.indicator.code: r for r in compute.dashboard((None, None), None, world.manager)}
    assert shown["rescue.victims_identified"].value == found  # all years shown, and no future ones
    assert shown["restore.care_plan_goals_met"].years and shown["justice.suspects"].available

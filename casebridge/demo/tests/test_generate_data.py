"""generate_data: bulk cases whose identities decrypt, whose names are searchable, whose numbers
come from the agency's sequence, and which leave the audit chain whole."""

from __future__ import annotations

import io
import re
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from casebridge.accounts.models import User
from casebridge.audit.log import verify
from casebridge.audit.models import AuditEvent
from casebridge.cases.models import Case, CaseNumberSequence, TimelineEvent
from casebridge.demo import generator
from casebridge.lib.crypto import blind_index
from casebridge.lib.text import normalise
from casebridge.people.actions import _tokens
from casebridge.people.models import NameToken, Person


def _generate(*args: str) -> str:
    out = io.StringIO()
    call_command("generate_data", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def generated(db):  # type: ignore[no-untyped-def]
    return _generate("--cases", "250", "--batch", "100", "--seed", "3")


def _cases():  # type: ignore[no-untyped-def]
    return Case.objects.filter(lead_agency__code=generator.AGENCY_CODE)


def test_it_creates_numbered_cases(generated):
    numbers = list(_cases().values_list("number", "opened_on"))
    assert len(numbers) == 250
    assert len({n for n, _ in numbers}) == 250
    for number, opened_on in numbers:
        assert re.fullmatch(rf"GEN-{opened_on.year}-\d{{6}}", number), number
    # The sequence rows hold the last number issued per year, so later cases continue from them.
    per_year = Counter(opened_on.year for _, opened_on in numbers)
    for year, count in per_year.items():
        assert CaseNumberSequence.objects.get(agency__code="GEN", year=year).last == count
    assert "Generated 250 cases" in generated
    assert "cases/second" in generated


def test_it_stores_identities_encrypted_and_they_decrypt(generated):
    people = list(Person.objects.filter(cases_as_survivor__lead_agency__code="GEN"))
    assert len(people) == 250
    for person in people:
        sealed = person.__dict__["given_name_latin"] or person.__dict__["given_name"]
        assert sealed.startswith("k1:")
        name = person.given_name_latin or person.given_name
        assert name and name not in sealed
        assert person.age_method in {"document", "appearance", "medical", "self", "family"}
        assert person.nationalities and person.nationalities[0] in {"KH", "VN", "TH", "LA"}


def test_it_indexes_names_like_registration_does(generated):
    for person in Person.objects.filter(cases_as_survivor__lead_agency__code="GEN"):
        stored = set(NameToken.objects.filter(person=person).values_list("token", flat=True))
        assert stored == _tokens(person.name_variants())


def test_it_makes_names_searchable(generated):
    person = Person.objects.filter(cases_as_survivor__lead_agency__code="GEN").order_by("pk").first()
    assert person is not None
    word = normalise(person.given_name_latin or person.given_name or "").split()[0]
    tokens = set(NameToken.objects.filter(person=person).values_list("token", flat=True))
    assert blind_index("w", word) in tokens
    assert blind_index("w", word + "zzq") not in tokens


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


def test_it_lets_the_generating_agency_reach_the_cases(generated, world):
    owner = User.objects.get(username=generator.USERNAME)
    assert Case.objects.visible_to(owner).count() == 250
    assert not owner.has_usable_password()
    assert Case.objects.visible_to(world.outsider).filter(lead_agency__code="GEN").count() == 0


def test_it_adds_more_and_gives_members_access(generated, world):
    _generate("--cases", "5", "--batch", "2", "--member", "outsider")
    assert _cases().count() == 255
    assert len(set(_cases().values_list("number", flat=True))) == 255
    assert Case.objects.visible_to(world.outsider).filter(lead_agency__code="GEN").count() == 255
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

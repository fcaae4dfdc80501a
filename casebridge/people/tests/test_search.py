from __future__ import annotations

import pytest
from django.urls import reverse

from casebridge.audit.models import AuditEvent
from casebridge.cases.actions import do_open_case
from casebridge.people.actions import clean_identity
from casebridge.people.search import search_people


def _open(world, **identity):
    from django.utils import timezone

    return do_open_case(
        actor=world.social_worker,
        agency=world.agencies["JPC"],
        identity=clean_identity(identity),
        province="KH-12",
        opened_on=timezone.localdate(),
    )


@pytest.mark.parametrize(
    ("stored", "query"),
    [
        ({"family_name": "Nguyễn Thị", "given_name": "Hồng"}, "Nguyen Thi Hong"),
        ({"given_name": "សុខា"}, "Sokha"),
        ({"given_name_latin": "Sokha"}, "សុខា"),
        ({"family_name": "ចាន់", "given_name": "ធីតា"}, "Chan Thida"),
        ({"given_name_latin": "Sokhar", "family_name_latin": "Keo"}, "Keo Sokha"),
        ({"given_name": "Trần Văn Đức"}, "tran van duc"),
        ({"aliases": ["Mây"], "given_name_latin": "Lan"}, "May"),
    ],
)
def test_it_finds_a_name_in_another_script_or_spelling(world, stored, query):
    case = _open(world, **stored)
    hits = search_people(world.social_worker, query)
    assert hits and hits[0].person.pk == case.survivor_id


def test_it_does_not_find_unrelated_names(world):
    _open(world, given_name_latin="Dara", family_name_latin="Heng")
    assert [h.person.given_name_latin for h in search_people(world.social_worker, "Bopha")] == []


def test_it_never_returns_people_the_user_cannot_see(world):
    assert search_people(world.outsider, "Srey Pov") == []
    assert search_people(world.manager, "Srey Pov") == []
    assert [h.person for h in search_people(world.police, "Srey Pov")] == [world.case.survivor]


def test_it_audits_each_hit_without_storing_the_query(world, login):
    response = login(world.social_worker).post(reverse("people:search"), {"q": "Srey Pov"}, follow=True)
    assert world.case.number in response.content.decode()
    event = AuditEvent.objects.get(action="search")
    assert event.object_id == str(world.case.survivor_id)
    assert "Srey" not in str(event.__dict__)


def test_it_answers_an_empty_search_page(world, login):
    response = login(world.outsider).post(reverse("people:search"), {"q": "Srey Pov"}, follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Nobody you have access to matches this name." in body
    assert world.case.number not in body and "Sok" not in body


def test_it_ranks_the_exact_name_before_longer_names_that_contain_it(world):
    longer = _open(world, given_name_latin="Sokha", family_name_latin="Chan")
    exact = _open(world, given_name="សុខា")
    hits = search_people(world.social_worker, "Sokha")
    assert [h.person.pk for h in hits[:2]] == [exact.survivor_id, longer.survivor_id]
    assert hits[0].score == 100 > hits[1].score >= 90


def test_a_case_number_finds_its_case_for_who_sees_its_identity(world, login):
    from rest_framework.test import APIClient

    from casebridge.api.authentication import issue_token

    body = (
        login(world.social_worker)
        .post(reverse("people:search"), {"q": world.case.number.lower()}, follow=True)
        .content.decode()
    )
    assert "Srey Pov" in body and world.case.number in body and "15 years old" in body
    outsider = (
        login(world.outsider).post(reverse("people:search"), {"q": world.case.number}, follow=True).content.decode()
    )
    assert "Srey Pov" not in outsider and "Nobody you have access to matches" in outsider
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(world.police)}")
    rows = api.get("/api/v1/people/", {"q": world.case.number}).json()["results"]
    assert len(rows) == 1 and rows[0]["kind"] == "survivor"
    assert rows[0]["cases"] == [str(world.case.pk)] and rows[0]["age"] == 15 and rows[0]["sex"] == "Feminine"
    assert AuditEvent.objects.filter(action="search", case_id=world.case.pk).exists()
    assert api.get("/api/v1/people/", {"q": "JPC-2026-999999"}).json()["results"] == []


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("a", "Type at least two letters"),
        ("ស", "Type at least two letters"),
        ("!!!", "Type at least two letters"),
        ("\x00\x01", "Type at least two letters"),
        ("x" * 10000, "too long (at most 200 characters)"),
    ],
)
def test_a_query_that_cannot_be_searched_says_why(world, login, query, says):
    before = AuditEvent.objects.filter(action="search").count()
    response = login(world.social_worker).post(reverse("people:search"), {"q": query}, follow=True)
    assert response.status_code == 400 and says in response.content.decode()
    assert AuditEvent.objects.filter(action="search").count() == before


def test_a_query_of_many_words_is_searched_in_bounded_time(world, login):
    """A hundred short words (200 characters): only the first few words are joined in every
    way, so the search answers at once instead of trying millions of ways."""
    from casebridge.lib.text import query_clauses

    query = " ".join(["ab"] * 66)[:200]
    tiers = query_clauses(query)
    assert sum(len(t) for t in tiers) < 100
    response = login(world.social_worker).post(reverse("people:search"), {"q": query}, follow=True)
    assert response.status_code == 200


@pytest.mark.parametrize("word", ["x" * 199 + "y", "東京" * 100, "ស៊ុន" * 50])
def test_one_very_long_word_is_searched_as_it_is(world, word):
    """A word longer than any name is neither split nor looked for one letter away: a few words
    to ask, not hundreds of thousands."""
    from casebridge.lib.text import query_clauses
    from casebridge.people.index import Query

    clauses = [clause for tier in query_clauses(word[:200]) for clause in tier]
    assert sum(len(group) for clause in Query.of(clauses).clauses for group in clause) < 50
    assert search_people(world.social_worker, word[:200]) == []


def test_a_query_never_asks_more_than_the_words_it_may():
    from casebridge.people.index import QUERY_WORDS, Query

    query = Query([[[f"w{i}x{j}" for j in range(10)]] for i in range(1000)])
    assert sum(len(group) for clause in query.clauses for group in clause) <= QUERY_WORDS


def test_search_by_phone_keeps_to_the_users_scope(world):
    from casebridge.people.search import search_phone

    assert [h.person for h in search_phone(world.social_worker, "+85512345678")] == [world.case.survivor]
    assert search_phone(world.outsider, "+85512345678") == []
    assert search_phone(world.gov_social_worker, "+85512345678") == []


def test_mixed_scripts_in_one_word_are_searched_not_refused(world, login):
    response = login(world.social_worker).post(reverse("people:search"), {"q": "Sreyស្រីពៅ"}, follow=True)
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("+855 12 345 678", "+85512345678"),
        ("012-345-678", "+85512345678"),
        ("(012) 345 678", "+85512345678"),
        ("00855 12 345 678", "+85512345678"),
        ("85512345678", "+85512345678"),
        ("+84 912 345 678", "+84912345678"),
    ],
)
def test_a_phone_number_is_normalised_however_it_is_written(typed, number):
    from casebridge.lib.text import normalise_phone

    assert normalise_phone(typed) == number


@pytest.mark.parametrize("typed", ["12345", "+1", "Sokha 012", "012 345 678 901 234 567", "++85512345678", ""])
def test_what_is_not_a_phone_number_is_not_taken_for_one(typed):
    from casebridge.lib.text import normalise_phone

    assert normalise_phone(typed) is None


def test_a_phone_number_finds_its_person_for_who_reaches_the_whereabouts(world, login):
    from rest_framework.test import APIClient

    from casebridge.api.authentication import issue_token
    from casebridge.lib.testing import share_consent

    case = _open(world, family_name_latin="Heng", given_name_latin="Dara", phone="+855 97 765 4321")
    assert case.survivor.phone == "+855977654321"
    body = (
        login(world.social_worker).post(reverse("people:search"), {"q": "097 765 4321"}, follow=True).content.decode()
    )
    assert "Heng Dara" in body and case.number in body
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(world.social_worker)}")
    rows = api.get("/api/v1/people/", {"q": "+855977654321"}).json()["results"]
    assert [r["id"] for r in rows] == [str(case.survivor_id)]
    assert api.get("/api/v1/people/", {"q": "097 765 4322"}).json()["results"] == []
    # The outsider, and a partner who sees her identity but not where she is, learn nothing.
    assert (
        "Heng Dara"
        not in login(world.outsider).post(reverse("people:search"), {"q": "0977654321"}, follow=True).content.decode()
    )
    from casebridge.cases.actions import do_add_team_member

    share_consent(world, "SHS", case=case)
    do_add_team_member(case, actor=world.social_worker, agency=world.agencies["SHS"], sections=["identity"], user=None)
    shelter = login(world.shelter_caseworker)
    assert "Heng Dara" in shelter.post(reverse("people:search"), {"q": "Heng Dara"}, follow=True).content.decode()
    assert (
        "Heng Dara" not in shelter.post(reverse("people:search"), {"q": "097 765 4321"}, follow=True).content.decode()
    )


def test_results_have_an_address_without_the_name_and_come_back_from_it(world, login):
    client = login(world.social_worker)
    response = client.post(reverse("people:search"), {"q": "Srey Pov", "status": "Active"})
    assert response.status_code == 302
    address = response["Location"]
    assert address.startswith(reverse("people:search") + "?r=") and "Srey" not in address and "Pov" not in address
    # Back from a case: the address shows the same results, the filter kept; each showing audited.
    for _ in range(2):
        body = client.get(address).content.decode()
        assert "Srey Pov" in body and world.case.number in body and 'value="Srey Pov"' in body
        assert '<option value="Active" selected>' in body
    assert AuditEvent.objects.filter(action="search", object_id=str(world.case.survivor_id)).count() == 2
    # The kept search is encrypted in the session, and belongs to this user's session only.
    from django.contrib.sessions.models import Session

    stored = "".join(str(s.get_decoded()) for s in Session.objects.all())
    assert "searches" in stored and "Srey Pov" not in stored and "Srey" not in stored
    other = login(world.police)
    assert "Srey Pov" not in other.get(address).content.decode()
    assert "no longer kept" in other.get(address).content.decode()


def test_an_htmx_search_pushes_the_address_of_its_results(world, login):
    client = login(world.social_worker)
    response = client.post(reverse("people:search"), {"q": "Srey Pov"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Srey Pov" in response.content.decode()
    assert response["HX-Push-Url"].startswith(reverse("people:search") + "?r=")
    assert "<html" not in response.content.decode()


def test_a_query_of_several_clauses_finds_whom_its_clauses_find_one_by_one(world):
    """On PostgreSQL each clause is its own index condition (people/index.py, Matches): joined,
    they find exactly whom each finds alone, whichever the tier."""
    from casebridge.lib.text import query_clauses
    from casebridge.people.index import Query
    from casebridge.people.models import Person

    for names in [("Keo", "Sokha"), ("Kung", "Srey Oun"), ("Mai", "Ngoc Nhung"), ("Mai", "Ngoc Lan"), ("Kung", "Oun")]:
        _open(world, family_name_latin=names[0], given_name_latin=names[1])
    found_any = False
    for query in ["Keo Sokhaa", "Kung Sreyoun", "Mai Ngoc Nhung", "Mai Nhung", "ស៊ុន ស្រីអូន"]:
        for clauses in query_clauses(query):
            if len(clauses) < 2:
                continue
            together = set(Person.objects.filter(search__words__matches=Query.of(clauses)).values_list("pk", flat=True))
            one_by_one = set()
            for clause in clauses:
                one_by_one |= set(
                    Person.objects.filter(search__words__matches=Query.of([clause])).values_list("pk", flat=True)
                )
            assert together == one_by_one
            found_any = found_any or bool(together)
    assert found_any


def test_people_the_user_no_longer_sees_do_not_take_the_place_of_those_they_do(world):
    """An ended emergency access stays in the index's ways-in words until the case's are rebuilt:
    more of those people than a search takes must not push out a survivor the user may see."""
    import datetime
    from unittest import mock

    from django.utils import timezone

    from casebridge.cases.models import BreakGlass, Case
    from casebridge.people.actions import write_search_entry
    from casebridge.people.models import Person, PersonKind
    from casebridge.people.search import CANDIDATES, possible_people

    worker, now, other = world.social_worker, timezone.now(), world.agencies["DOSVY"]
    for i in range(CANDIDATES + 20):
        person = Person.objects.create(
            kind=PersonKind.SURVIVOR, registered_by_agency=other, created_by=worker, given_name_latin="Srey Pov"
        )
        write_search_entry(person)
        case = Case.objects.create(
            number=f"DOSVY-2026-{i:06d}", lead_agency=other, survivor=person, province="KH-12",
            owner=worker, opened_on=now.date(), created_by=worker,
        )  # fmt: skip
        BreakGlass.objects.create(
            case=case, user=worker, reason="Child at the station at night", started_at=now,
            expires_at=now + datetime.timedelta(hours=1),
        )  # fmt: skip
    mine = _open(world, given_name_latin="Srey Pov")
    with mock.patch("django.utils.timezone.now", return_value=now + datetime.timedelta(hours=2)):
        worker = type(worker).objects.get(pk=worker.pk)
        found = [hit.person.pk for hit in search_people(worker, "Srey Pov")]
        assert mine.survivor_id in found
        assert set(found) <= set(Person.objects.visible_to(worker).values_list("pk", flat=True))
        assert mine.survivor_id in [
            hit.person.pk for hit, _cases in possible_people(worker, {"given_name_latin": "Srey Pov"})
        ]

"""Check-then-act under real concurrency on PostgreSQL (the trust core, second pass, items 7 and 8).

Each round starts several requests at once (threads with their own database connections, held at
a barrier), through the whole stack (middleware, DRF, token auth, ATOMIC_REQUESTS), then counts the
rows. Seen before the fixes: 4 to 6 emergency accesses per user against a limit of 3; cases left
with consent to share withdrawn and the agency still on the team; 4 cases from one Idempotency-Key.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from casebridge.api.authentication import issue_token
from casebridge.audit.log import verify
from casebridge.audit.models import AuditEvent
from casebridge.cases.models import BreakGlass, Case, TeamMember
from casebridge.consents.ledger import has_consent

pytestmark = pytest.mark.postgresql
ROUNDS = 3
REASON = "The child called the hotline from an unknown place tonight; I need the guardian's number."


def _at_once(calls: Sequence[Callable[[], Any]]) -> list[Any]:
    """Run the calls in threads released together; their results (or exceptions) in order."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def _api(user: Any) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user)}")
    return client


@pytest.fixture
def world_pg(committed_world: Any) -> Any:
    assert connection.vendor == "postgresql"
    return committed_world


def test_the_emergency_access_limit_holds_under_concurrent_attempts(world_pg, settings):
    limit = settings.BREAK_GLASS_PER_DAY
    for round_ in range(ROUNDS):
        user = world_pg.users[["gov_social_worker", "outsider", "assessment_worker"][round_]]
        numbers = [world_pg.case.number] + [f"JPC-2026-{900000 + i}" for i in range(7)]

        def attempt(number: str, user: Any = user) -> Any:
            # Emergency access is asked for on its page (it has no API), as a user would.
            browser = Client()
            browser.force_login(user)
            return browser.post("/privacy/break-glass/", {"case_number": number, "reason": REASON}).status_code

        results = _at_once([partial(attempt, n) for n in numbers])
        assert not [r for r in results if isinstance(r, Exception)], results
        events = AuditEvent.objects.filter(actor=user, action="break_glass")
        attempts = events.exclude(reason__startswith="refused").count()
        assert attempts <= limit, (round_, attempts, results)
        assert events.count() == len(numbers)  # the refused ones are recorded too
        assert BreakGlass.objects.filter(user=user).count() <= 1
    assert verify().ok


def test_withdrawing_consent_and_adding_the_agency_cannot_both_win(world_pg):
    from casebridge.cases.actions import do_open_case
    from casebridge.consents.actions import do_record_consent
    from casebridge.people.actions import clean_identity

    lead, shelter = world_pg.social_worker, world_pg.agencies["SHS"]
    consent = {
        "purpose": "sharing",
        "shared_with": shelter.pk,
        "given_by": "survivor",
        "decided_on": timezone.localdate().isoformat(),
        "language": "khm",
    }
    for _ in range(ROUNDS):
        cases = []
        for _ in range(4):
            case = do_open_case(
                actor=lead,
                agency=world_pg.agencies["JPC"],
                identity=clean_identity({"given_name": "Sreymom", "estimated_age": 19, "age_method": "self"}),
                province="KH-12",
                opened_on=timezone.localdate(),
            )
            do_record_consent(
                case,
                actor=lead,
                purpose="sharing",
                shared_with=shelter,
                decision="given",
                given_by="survivor",
                decided_on=timezone.localdate(),
                language="khm",
            )
            cases.append(case)
        calls = []
        for case in cases:
            withdraw = _api(lead)
            add = _api(lead)
            calls.append(
                lambda c=case, w=withdraw: (
                    w.post(
                        f"/api/v1/cases/{c.pk}/consents/", {**consent, "decision": "withdrawn"}, format="json"
                    ).status_code
                )
            )
            calls.append(
                lambda c=case, a=add: (
                    a.post(
                        f"/api/v1/cases/{c.pk}/team/", {"agency": shelter.pk, "sections": ["identity"]}, format="json"
                    ).status_code
                )
            )
        results = _at_once(calls)
        assert not [r for r in results if isinstance(r, Exception)], results
        for case in cases:
            on_team = TeamMember.objects.filter(case=case, agency=shelter, removed_at__isnull=True).exists()
            assert not has_consent(case.survivor, "sharing", shelter)
            assert not on_team, (case.number, results)
    assert verify().ok


def test_one_idempotency_key_makes_one_case_whatever_arrives_at_once(world_pg):
    body = {
        "province": "KH-12",
        "survivor": {"given_name": "Thida", "estimated_age": 16, "age_method": "appearance"},
        "different_person": True,  # each round registers another Thida of 16
    }
    user = world_pg.social_worker
    for round_ in range(ROUNDS):
        key = f"retry-{round_}"
        clients = [_api(user) for _ in range(6)]  # different tokens of one user
        before = Case.objects.count()
        results = _at_once(
            [partial(c.post, "/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY=key) for c in clients]
        )
        assert not [r for r in results if isinstance(r, Exception)], results
        assert Case.objects.count() == before + 1
        created = Case.objects.order_by("-created_at").first()
        for response in results:
            assert response.status_code in (201, 409), response.content
            if response.status_code == 201:
                assert response.json()["id"] == str(created.pk)  # type: ignore[union-attr]
            else:
                assert response.json()["code"] == "conflict"
    assert verify().ok


def test_a_removal_and_an_emergency_access_at_once_leave_no_stale_way_in(world_pg):
    """The review's F1: a team place removed while someone else broke the glass came back in the
    case's ways in (the rebuild had read the team before the removal committed), or one of the two
    requests died in a deadlock. Both now take the case's lock first: neither fails, nothing is stale."""
    from casebridge.accounts.models import User
    from casebridge.agencies.models import Membership
    from casebridge.cases.actions import do_break_glass, do_remove_team_member
    from casebridge.cases.models import Reach, TeamMember

    assessment = world_pg.agencies["HAC"]
    for round_ in range(8):
        place = TeamMember.objects.create(
            case=world_pg.case, agency=assessment, sections=1, added_by=world_pg.social_worker
        )
        breaker = User.objects.create_user(f"breaker{round_}", password="x" * 20)
        Membership.objects.create(
            user=breaker, agency=world_pg.agencies["OTH"], role="partner_caseworker", approved_at=timezone.now()
        )
        results = _at_once(
            [
                partial(do_remove_team_member, TeamMember.objects.get(pk=place.pk), actor=world_pg.social_worker),
                partial(do_break_glass, world_pg.case.number, actor=breaker, reason=REASON),
            ]
        )
        assert not [r for r in results if isinstance(r, Exception)], (round_, results)
        assert not Reach.objects.filter(case=world_pg.case, path="team", agency=assessment).exists(), round_


def test_a_review_and_a_removal_at_once_leave_no_stale_way_in(world_pg, monkeypatch):
    """The review's F1, deterministic: the review of an emergency access (which rebuilds the ways
    in as it ends the access) reads the team, is held for a second, and a removal commits in that
    second. Without the case's lock the rebuild put the removed place back."""
    import threading
    import time

    from casebridge.cases.actions import do_break_glass, do_remove_team_member, do_review_break_glass
    from casebridge.cases.models import Reach, TeamMember

    glass = do_break_glass(world_pg.case.number, actor=world_pg.gov_social_worker, reason=REASON)
    assert glass is not None
    place = TeamMember.objects.get(case=world_pg.case, agency=world_pg.agencies["SHS"])
    slow = threading.local()
    real_filter = TeamMember.objects.filter

    def filter_then_wait(*args: Any, **kwargs: Any) -> Any:
        rows = real_filter(*args, **kwargs)
        if getattr(slow, "on", False) and kwargs.get("removed_at__isnull") is True:
            seen = list(rows)  # the team as this transaction has read it...
            time.sleep(1.0)  # ...while the removal tries to commit
            return seen
        return rows

    monkeypatch.setattr(TeamMember.objects, "filter", filter_then_wait)

    def review() -> Any:
        slow.on = True
        return do_review_break_glass(glass, actor=world_pg.privacy_officer, outcome="not_justified", note="")

    def remove() -> Any:
        time.sleep(0.3)
        return do_remove_team_member(TeamMember.objects.get(pk=place.pk), actor=world_pg.social_worker)

    results = _at_once([review, remove])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert not Reach.objects.filter(case=world_pg.case, path="team", agency=world_pg.agencies["SHS"]).exists()

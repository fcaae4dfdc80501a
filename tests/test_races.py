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
        attempts = AuditEvent.objects.filter(actor=user, action="break_glass").count()
        assert attempts <= limit, (round_, attempts, results)
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
    body = {"province": "KH-12", "survivor": {"given_name": "Thida", "estimated_age": 16, "age_method": "appearance"}}
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
